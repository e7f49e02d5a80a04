/*
 * The reconciler: turns a desired-state document into namespaces, links, addresses,
 * routes and charons, changing only what differs from what the applied document built.
 *
 * Topology (all names derive from document ids, so a restarted agent finds what it built):
 *   <p>-ul          underlay "internet": bridge br0 (+ vx0 toward other agents' underlays)
 *   <p>-<vpc-id>    VPC router: one bridge per vSwitch holding the vSwitch gateway address
 *                   (+ "f…", the VPC's fabric VXLAN toward its routers on other agents,
 *                   and table inet vpnlab_fabric: nothing hairpins on the fabric)
 *   <p>-<site-id>   a branch site's LAN: bridge br0
 *   <p>-<endpoint>  an IPsec endpoint (gateway tunnel end or site device): "ul" with its
 *                   public address on the underlay, "lan" on its vSwitch or site LAN, and
 *                   its own charon
 *   <p>-<host-id>   a lab host: eth0 on its vSwitch or site LAN
 * Every operation is idempotent, so building on top of an adopted data plane (after a
 * restart) changes nothing that is already right: no link bounces, no SA is renegotiated.
 */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "nl.h"
#include "tc.h"

#define UL_BRIDGE "br0"

void agent_ns_name(const struct agent_daemon *d, const char *object_id, char out[NS_NAME_MAX])
{
	snprintf(out, NS_NAME_MAX, "%s-%s", d->ns_prefix, object_id);
}

void agent_if_name(char letter, const char *object_id, char out[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *c = (const unsigned char *)object_id; *c; c++)
		h = (h ^ *c) * 16777619u;
	snprintf(out, 16, "%c%08x", letter, h);
}

void agent_health_key(const char *endpoint, const char *tunnel, char out[HEALTH_KEY_MAX])
{
	snprintf(out, HEALTH_KEY_MAX, "%s/%s", endpoint, tunnel);
}

/* ---- small builders, each idempotent; err gets the first failure ---- */

static int ensure_ns(const char *ns, bool forward, char *err)
{
	if (nl_netns_add(ns, err) < 0)
		return -1;
	/* a new namespace copies the host's settings: say what each box needs.  Paths through
	 * two tunnels are asymmetric by design, so no reverse-path filter */
	if (nl_sysctl_set(ns, "net/ipv4/ip_forward", forward ? "1" : "0", err) < 0 ||
	    nl_sysctl_set(ns, "net/ipv4/conf/all/rp_filter", "0", err) < 0 ||
	    nl_sysctl_set(ns, "net/ipv4/conf/default/rp_filter", "0", err) < 0)
		return -1;
	/*
	 * No ICMP redirects: a VPC router that told a host "reach the branch through the
	 * gateway endpoint on your own vSwitch" would pin the host to the master endpoint, and
	 * a failover of the router's route would never reach that flow.  The cloud's router
	 * sends none either.
	 */
	if (nl_sysctl_set(ns, "net/ipv4/conf/all/send_redirects", "0", err) < 0 ||
	    nl_sysctl_set(ns, "net/ipv4/conf/default/send_redirects", "0", err) < 0 ||
	    nl_sysctl_set(ns, "net/ipv4/conf/all/accept_redirects", "0", err) < 0 ||
	    nl_sysctl_set(ns, "net/ipv4/conf/default/accept_redirects", "0", err) < 0)
		return -1;
	return 0;
}

static int ensure_bridge(const char *ns, const char *name, char *err)
{
	if (nl_bridge_add(ns, name, err) < 0 || nl_link_set_up(ns, name, true, err) < 0)
		return -1;
	return 0;
}

/* A veth from (ns, dev) to a port named port on bridge in bridge_ns; both ends up. */
static int ensure_port(const char *ns, const char *dev, const char *bridge_ns, const char *bridge, const char *port,
		       char *err)
{
	if (nl_link_index(ns, dev) == 0 && nl_veth_add(ns, dev, bridge_ns, port, err) < 0)
		return -1;
	if (nl_link_set_master(bridge_ns, port, bridge, err) < 0 || nl_link_set_up(bridge_ns, port, true, err) < 0 ||
	    nl_link_set_up(ns, dev, true, err) < 0)
		return -1;
	return 0;
}

static int route_via(const char *ns, const char *dst, const char *via, const char *dev, bool onlink, char *err)
{
	struct nl_route r = { .nexthop_count = 1 };

	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "%s", via ? via : "");
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "%s", dev ? dev : "");
	r.nexthops[0].onlink = onlink;
	return nl_route_replace(ns, &r, err);
}

/* route_via into kernel table `table` (0: main). */
static int route_via_table(const char *ns, uint32_t table, const char *dst, const char *via, const char *dev, char *err)
{
	struct nl_route r = { .table = table, .nexthop_count = 1 };

	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "%s", via);
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "%s", dev);
	return nl_route_replace(ns, &r, err);
}

/* Where a LAN interface plugs in: the vSwitch bridge of its VPC router, or its site's LAN. */
static void lan_bridge(const struct agent_daemon *d, const struct doc_lan *lan, char ns[NS_NAME_MAX], char br[16])
{
	if (lan->site[0] != '\0') {
		agent_ns_name(d, lan->site, ns);
		snprintf(br, 16, "%s", UL_BRIDGE);
	} else {
		agent_ns_name(d, lan->vpc, ns);
		agent_if_name('b', lan->vswitch, br);
	}
}

static int vswitch_prefix(const char *cidr)
{
	const char *slash = strchr(cidr, '/');

	return slash ? atoi(slash + 1) : 32;
}

/* ---- underlay ---- */

static int build_underlay(struct agent_daemon *d, const struct doc_desired *want, char *err)
{
	char ns[NS_NAME_MAX], vx[16];

	agent_ns_name(d, "ul", ns);
	if (ensure_ns(ns, false, err) < 0 || ensure_bridge(ns, UL_BRIDGE, err) < 0)
		return -1;
	if (want->peer_count == 0)
		return 0;
	/* named after the agent: made in the agent's own namespace (its UDP socket uses the
	 * host's network), then moved into the underlay namespace */
	agent_if_name('x', d->agent_id, vx);
	if (nl_link_index(ns, vx) == 0) {
		if (nl_vxlan_add(NULL, vx, want->underlay_vni, d->opt.underlay_ip, 0, err) < 0 ||
		    nl_link_move(NULL, vx, ns, err) < 0)
			return -1;
	}
	if (nl_link_set_master(ns, vx, UL_BRIDGE, err) < 0 || nl_link_set_up(ns, vx, true, err) < 0)
		return -1;
	{
		for (int i = 0; i < want->peer_count; i++)
			if (nl_vxlan_fdb_append(ns, vx, want->peers[i], err) < 0)
				return -1;
		if (d->have_applied)
			for (int i = 0; i < d->applied.peer_count; i++) {
				bool kept = false;

				for (int j = 0; j < want->peer_count; j++)
					kept |= strcmp(d->applied.peers[i], want->peers[j]) == 0;
				if (!kept)
					nl_vxlan_fdb_del(ns, vx, d->applied.peers[i], NULL);
			}
	}
	return 0;
}

/* ---- VPC routers and site LANs ---- */

/* The fabric VXLAN's name: unique per agent too, since it is made in the agent's own namespace. */
static void fabric_if_name(const struct agent_daemon *d, const char *vpc_id, char out[16])
{
	char key[2 * DOC_ID_MAX + 2];

	snprintf(key, sizeof(key), "%s/%s", d->agent_id, vpc_id);
	agent_if_name('f', key, out);
}

static bool peer_has_cidr(const struct doc_fabric *f, const char *cidr)
{
	for (int i = 0; i < f->peer_count; i++)
		for (int j = 0; j < f->peers[i].cidr_count; j++)
			if (strcmp(f->peers[i].cidrs[j], cidr) == 0)
				return true;
	return false;
}

/*
 * The VPC's fabric: its own VXLAN segment (made in the agent's namespace, where its UDP
 * socket uses the host's network, then moved into the router), this router's address on
 * it, one head-end entry per peer agent, and a route to every vSwitch another agent builds.
 * What the old document had and this one has not goes.
 */
static int build_fabric(struct agent_daemon *d, const char *ns, const struct doc_vpc *vpc, const struct doc_vpc *old,
			char *err)
{
	const struct doc_fabric *f = &vpc->fabric, *was = old && old->has_fabric ? &old->fabric : NULL;
	char fab[16];

	fabric_if_name(d, vpc->id, fab);
	if (!vpc->has_fabric) {
		if (was != NULL)
			nl_link_del(ns, fab, NULL);
		return 0;
	}
	if (was != NULL && was->vni != f->vni) {
		nl_link_del(ns, fab, NULL);
		was = NULL;
	}
	if (nl_link_index(ns, fab) == 0) {
		/*
		 * The same router address always has the same hardware address: a router rebuilt
		 * after its machine came back is reached at once, not after the peers' neighbour
		 * entries for its old address time out.
		 */
		uint8_t mac[6] = { 0x02 }; /* locally administered, unicast */
		char key[DOC_ID_MAX + 20];
		uint32_t h = 2166136261u;  /* FNV-1a */

		snprintf(key, sizeof(key), "%s/%s", vpc->id, f->ip);
		for (const unsigned char *c = (const unsigned char *)key; *c; c++)
			h = (h ^ *c) * 16777619u;
		mac[1] = (uint8_t)(f->vni >> 16);
		memcpy(&mac[2], &h, 4);
		if (nl_vxlan_add(NULL, fab, f->vni, d->opt.underlay_ip, 0, err) < 0 ||
		    nl_link_set_mac(NULL, fab, mac, err) < 0 || nl_link_move(NULL, fab, ns, err) < 0)
			return -1;
		was = NULL; /* a new link: nothing of the old one is on it */
	}
	if (nl_link_set_up(ns, fab, true, err) < 0 || fault_fabric_guard(ns, fab, err) < 0)
		return -1;
	if (was != NULL && (strcmp(was->ip, f->ip) != 0 || was->prefix != f->prefix))
		nl_addr_del(ns, fab, was->ip, was->prefix, NULL);
	if (nl_addr_add(ns, fab, f->ip, f->prefix, err) < 0)
		return -1;
	for (int i = 0; i < f->peer_count; i++) {
		if (nl_vxlan_fdb_append(ns, fab, f->peers[i].underlay_ip, err) < 0)
			return -1;
		for (int j = 0; j < f->peers[i].cidr_count; j++)
			if (route_via(ns, f->peers[i].cidrs[j], f->peers[i].ip, fab, false, err) < 0)
				return -1;
	}
	for (int i = 0; was != NULL && i < was->peer_count; i++) {
		bool kept = false;

		for (int j = 0; j < f->peer_count; j++)
			kept |= strcmp(was->peers[i].underlay_ip, f->peers[j].underlay_ip) == 0;
		if (!kept)
			nl_vxlan_fdb_del(ns, fab, was->peers[i].underlay_ip, NULL);
		for (int j = 0; j < was->peers[i].cidr_count; j++)
			if (!peer_has_cidr(f, was->peers[i].cidrs[j])) {
				struct nl_route r = { 0 };

				snprintf(r.dst, sizeof(r.dst), "%s", was->peers[i].cidrs[j]);
				nl_route_del(ns, &r, NULL);
			}
	}
	return 0;
}

/*
 * Custom VPC route tables are policy routing by ingress vSwitch: traffic entering the VPC
 * router from a vSwitch bound to one is looked up in that table's kernel table (rule at
 * RULE_PREF_TABLE) and goes nowhere else (blackhole at RULE_PREF_BLACKHOLE), so a
 * destination the table lacks is unreachable from there, as in the cloud.  Each such
 * kernel table holds the VPC's vSwitch CIDRs (the table's system entries) and its custom
 * entries' routes (sync_routes); main is the system table.
 */
#define RULE_PREF_TABLE 1000
#define RULE_PREF_BLACKHOLE 1001

static bool vpc_uses_table(const struct doc_vpc *vpc, uint32_t table)
{
	for (int i = 0; vpc != NULL && i < vpc->vswitch_count; i++)
		if (vpc->vswitches[i].table == table)
			return true;
	return false;
}

/* Removes every route the agent put in kernel table `table` of ns. */
static int flush_table(const char *ns, uint32_t table, char *err)
{
	struct nl_route *list = NULL;
	int count = 0, rc = 0;

	if (nl_route_list(ns, table, NL_RTPROT_VPNLAB, &list, &count, err) < 0)
		return -1;
	for (int i = 0; i < count && rc == 0; i++)
		rc = nl_route_del(ns, &list[i], err);
	free(list);
	return rc;
}

static int build_vpc_tables(struct agent_daemon *d, const char *ns, const struct doc_vpc *vpc, const struct doc_vpc *old,
			    char *err)
{
	/* tables that left, and (after a start, when nothing is known) tables about to be used */
	for (int i = 0; old != NULL && i < old->vswitch_count; i++) {
		uint32_t table = old->vswitches[i].table;

		if (table != 0 && !vpc_uses_table(vpc, table) && flush_table(ns, table, err) < 0)
			return -1;
	}
	for (int i = 0; i < vpc->vswitch_count; i++) {
		uint32_t table = vpc->vswitches[i].table;

		if (table != 0 && !vpc_uses_table(old, table) && flush_table(ns, table, err) < 0)
			return -1;
	}
	for (int i = 0; i < vpc->vswitch_count; i++) {
		const struct doc_vswitch *s = &vpc->vswitches[i];
		char br[16];

		agent_if_name('b', s->id, br);
		if (nl_rule_del(ns, RULE_PREF_TABLE, br, err) < 0 || nl_rule_del(ns, RULE_PREF_BLACKHOLE, br, err) < 0)
			return -1;
		if (s->table == 0)
			continue;
		if (nl_rule_add(ns, RULE_PREF_TABLE, br, s->table, err) < 0 ||
		    nl_rule_add(ns, RULE_PREF_BLACKHOLE, br, 0, err) < 0)
			return -1;
		/* the table's system entries: every vSwitch of the VPC, directly connected */
		for (int j = 0; j < vpc->vswitch_count; j++) {
			struct nl_route r = { .table = s->table, .nexthop_count = 1 };

			snprintf(r.dst, sizeof(r.dst), "%s", vpc->vswitches[j].cidr);
			agent_if_name('b', vpc->vswitches[j].id, r.nexthops[0].dev);
			if (nl_route_replace(ns, &r, err) < 0)
				return -1;
		}
		/* and the vSwitches other agents build, through the fabric, as in the main table */
		for (int j = 0; vpc->has_fabric && j < vpc->fabric.peer_count; j++)
			for (int k = 0; k < vpc->fabric.peers[j].cidr_count; k++) {
				char fab[16];

				fabric_if_name(d, vpc->id, fab);
				if (route_via_table(ns, s->table, vpc->fabric.peers[j].cidrs[k], vpc->fabric.peers[j].ip, fab,
						    err) < 0)
					return -1;
			}
	}
	return 0;
}

static int build_vpc(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_vpc *old, char *err)
{
	char ns[NS_NAME_MAX];

	agent_ns_name(d, vpc->id, ns);
	if (ensure_ns(ns, true, err) < 0)
		return -1;
	for (int i = 0; i < vpc->vswitch_count; i++) {
		const struct doc_vswitch *s = &vpc->vswitches[i];
		char br[16];

		agent_if_name('b', s->id, br);
		if (ensure_bridge(ns, br, err) < 0 || nl_addr_add(ns, br, s->gateway_ip, vswitch_prefix(s->cidr), err) < 0)
			return -1;
	}
	if (old != NULL)
		for (int i = 0; i < old->vswitch_count; i++) {
			bool kept = false;
			char br[16];

			for (int j = 0; j < vpc->vswitch_count; j++)
				kept |= strcmp(old->vswitches[i].id, vpc->vswitches[j].id) == 0;
			if (!kept) {
				agent_if_name('b', old->vswitches[i].id, br);
				nl_rule_del(ns, RULE_PREF_TABLE, br, NULL);
				nl_rule_del(ns, RULE_PREF_BLACKHOLE, br, NULL);
				nl_link_del(ns, br, NULL);
			}
		}
	if (build_fabric(d, ns, vpc, old, err) < 0)
		return -1;
	return build_vpc_tables(d, ns, vpc, old, err);
}

static int build_site(struct agent_daemon *d, const struct doc_site *site, char *err)
{
	char ns[NS_NAME_MAX];

	agent_ns_name(d, site->id, ns);
	if (ensure_ns(ns, false, err) < 0 || ensure_bridge(ns, UL_BRIDGE, err) < 0)
		return -1;
	return 0;
}

/* ---- endpoints ---- */

static struct endpoint_rt *endpoint_rt_find(struct agent_daemon *d, const char *id)
{
	for (int i = 0; i < d->endpoint_count; i++)
		if (strcmp(d->endpoints[i].id, id) == 0)
			return &d->endpoints[i];
	return NULL;
}

static struct endpoint_rt *endpoint_rt_add(struct agent_daemon *d, const char *id)
{
	struct endpoint_rt *n = realloc(d->endpoints, sizeof(*n) * (size_t)(d->endpoint_count + 1));

	if (n == NULL)
		return NULL;
	d->endpoints = n;
	n = &d->endpoints[d->endpoint_count++];
	memset(n, 0, sizeof(*n));
	snprintf(n->id, sizeof(n->id), "%s", id);
	agent_ns_name(d, id, n->ns);
	return n;
}

static void endpoint_rt_remove(struct agent_daemon *d, struct endpoint_rt *e, bool stop)
{
	if (stop)
		d->ipsec->stop(e->ipsec);
	else
		d->ipsec->detach(e->ipsec);
	*e = d->endpoints[--d->endpoint_count];
}

static bool same_endpoint_links(const struct doc_endpoint *a, const struct doc_endpoint *b)
{
	return strcmp(a->public_ip, b->public_ip) == 0 && memcmp(&a->lan, &b->lan, sizeof(a->lan)) == 0 &&
	       a->kind == b->kind;
}

/*
 * A branch with redundant gateway devices: when this device's tunnel toward a VPC block is
 * down, its own SA routes (charon's table 220) are gone and the main table sends the
 * traffic to a sibling device that has a tunnel toward the same block.
 */
static int site_fallback_routes(const struct doc_desired *want, const struct doc_endpoint *ep, const char *ns,
				char *err)
{
	for (int i = 0; i < ep->tunnel_count; i++)
		for (int r = 0; r < ep->tunnels[i].remote_ts_count; r++) {
			const char *block = ep->tunnels[i].remote_ts[r];
			const struct doc_endpoint *sibling = NULL;

			for (int e = 0; e < want->endpoint_count && sibling == NULL; e++) {
				const struct doc_endpoint *o = &want->endpoints[e];

				if (o == ep || o->kind != DOC_EP_SITE_DEVICE || strcmp(o->lan.site, ep->lan.site) != 0)
					continue;
				for (int t = 0; t < o->tunnel_count && sibling == NULL; t++)
					for (int k = 0; k < o->tunnels[t].remote_ts_count; k++)
						if (strcmp(o->tunnels[t].remote_ts[k], block) == 0)
							sibling = o;
			}
			if (sibling != NULL && strcmp(block, "0.0.0.0/0") != 0 &&
			    route_via(ns, block, sibling->lan.ip, "lan", false, err) < 0)
				return -1;
		}
	return 0;
}

#define START_LOG_LINES 12

/*
 * An endpoint's charon died at start (d->lock held): its last log lines go to the logs of
 * the gateway-side connections it would serve, once per distinct death (a retry that dies
 * the same way adds nothing), and the preflight checks the backend again, since what
 * killed this charon may kill every one.
 */
static void charon_died(struct agent_daemon *d, const struct doc_endpoint *ep, struct endpoint_rt *rt,
			const char *dir, const char *why)
{
	struct ipsec_log_line lines[START_LOG_LINES];
	/* charon.log is this start's only when charon ran (else it may be a predecessor's) */
	int n = strstr(why, "charon exited at start") ? ipsec_start_log(dir, lines, START_LOG_LINES) : 0;
	uint32_t sig = 2166136261u; /* FNV-1a over what would be told, and to whom */
	char stamp[32], text[800];

	preflight_request(d);
	if (n == 0) {
		/* it never got to its log (charon missing, no namespace): the agent's reason then */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		memset(&lines[0], 0, sizeof(lines[0]));
		lines[0].time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		snprintf(lines[0].text, sizeof(lines[0].text), "%s", why);
		n = 1;
	}
	for (int i = 0; i < n; i++)
		for (const unsigned char *c = (const unsigned char *)lines[i].text; *c; c++)
			sig = (sig ^ *c) * 16777619u;
	for (int t = 0; t < ep->tunnel_count; t++)
		for (const unsigned char *c = (const unsigned char *)ep->tunnels[t].name; *c; c++)
			sig = (sig ^ *c) * 16777619u;
	if (sig == 0)
		sig = 1;
	if (ep->kind != DOC_EP_GATEWAY || sig == rt->start_fail_sig)
		return;
	rt->start_fail_sig = sig;
	for (int t = 0; t < ep->tunnel_count; t++) {
		const struct doc_tunnel *tu = &ep->tunnels[t];

		for (int i = 0; i < n && json_array_size(d->pending_logs) < 2000; i++) {
			time_t sec = (time_t)(lines[i].time_ms / 1000);
			struct tm tm;

			gmtime_r(&sec, &tm);
			strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
			snprintf(text, sizeof(text), "%s %s [ERROR]: charon died at start: %s", stamp, tu->connection_id,
				 lines[i].text);
			json_array_append_new(d->pending_logs,
					      json_pack("{s:s, s:s, s:I, s:s}", "VpnConnectionId", tu->connection_id,
							"TunnelId", tu->tunnel_id, "TimeMs", (json_int_t)lines[i].time_ms,
							"Line", text));
		}
	}
	d->status_dirty = true;
	pthread_cond_broadcast(&d->report_wake);
}

static int build_endpoint(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *ep,
			  const struct doc_endpoint *old, char *err)
{
	char ns[NS_NAME_MAX], ul_ns[NS_NAME_MAX], br_ns[NS_NAME_MAX], br[16], port[16], dir[512];
	struct endpoint_rt *rt;

	agent_ns_name(d, ep->id, ns);
	agent_ns_name(d, "ul", ul_ns);
	lan_bridge(d, &ep->lan, br_ns, br);
	if (old != NULL && !same_endpoint_links(ep, old)) {
		/* moved to another address or LAN: rebuild from scratch */
		rt = endpoint_rt_find(d, ep->id);
		if (rt != NULL)
			endpoint_rt_remove(d, rt, true);
		nl_netns_del(ns, NULL);
	}
	if (ensure_ns(ns, true, err) < 0)
		return -1;
	/* replies for addresses on lo (health-check sources) must not be claimed on the LAN */
	if (nl_sysctl_set(ns, "net/ipv4/conf/all/arp_ignore", "1", err) < 0)
		return -1;
	agent_if_name('u', ep->id, port);
	if (ensure_port(ns, "ul", ul_ns, UL_BRIDGE, port, err) < 0 || nl_addr_add(ns, "ul", ep->public_ip, 32, err) < 0 ||
	    route_via(ns, "0.0.0.0/0", NULL, "ul", false, err) < 0)
		return -1;
	agent_if_name('p', ep->id, port);
	if (ensure_port(ns, "lan", br_ns, br, port, err) < 0 ||
	    nl_addr_add(ns, "lan", ep->lan.ip, ep->lan.prefix, err) < 0)
		return -1;
	/* the rest of the VPC is behind the vSwitch's router */
	if (ep->kind == DOC_EP_GATEWAY && ep->lan.gateway[0] != '\0')
		for (int i = 0; i < want->vpc_count; i++)
			if (strcmp(want->vpcs[i].id, ep->lan.vpc) == 0 &&
			    route_via(ns, want->vpcs[i].cidr, ep->lan.gateway, "lan", false, err) < 0)
				return -1;
	if (ep->kind == DOC_EP_SITE_DEVICE && site_fallback_routes(want, ep, ns, err) < 0)
		return -1;
	/* health-check sources live on lo: the probes leave through the tunnel from them */
	for (int i = 0; i < ep->tunnel_count; i++) {
		const struct doc_tunnel *t = &ep->tunnels[i];

		/* the branch only answers the checks (it learns their timing from the document) */
		if (ep->kind == DOC_EP_GATEWAY && t->health_check.enable &&
		    nl_addr_add(ns, "lo", t->health_check.sip, 32, err) < 0)
			return -1;
		if (fault_set(ns, t->peer_ip, t->cut, err) < 0)
			return -1;
	}
	if (old != NULL)
		for (int i = 0; i < old->tunnel_count; i++)
			if (doc_find_tunnel(ep, old->tunnels[i].name) == NULL && old->tunnels[i].cut)
				fault_set(ns, old->tunnels[i].peer_ip, false, NULL);
	if (tc_set_rate(ns, "ul", ep->bandwidth_mbps, err) < 0 || tc_set_rate(ns, "lan", ep->bandwidth_mbps, err) < 0)
		return -1;

	rt = endpoint_rt_find(d, ep->id);
	if (rt == NULL && (rt = endpoint_rt_add(d, ep->id)) == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	if (rt->ipsec == NULL) {
		/* test hook: endpoint charons (not the preflight's) load this too, so a test can make
		 * them die at start while the backend as such works */
		struct ipsec_instance_cfg cfg = { .ns = ns, .dir = dir, .label = ep->id,
						  .extra_plugins = getenv("VPNLAB_AGENT_TEST_ENDPOINT_PLUGINS") };

		state_endpoint_dir(d, ep->id, dir, sizeof(dir));
		if (d->ipsec->start(&cfg, &rt->ipsec, err) < 0) {
			charon_died(d, ep, rt, dir, err);
			return -1;
		}
		rt->start_fail_sig = 0;
	}
	if (d->ipsec->load(rt->ipsec, ep->swanctl, err) < 0)
		return -1;
	return 0;
}

static int build_host(struct agent_daemon *d, const struct doc_host *h, const struct doc_host *old, char *err)
{
	char ns[NS_NAME_MAX], br_ns[NS_NAME_MAX], br[16], port[16];

	agent_ns_name(d, h->id, ns);
	if (old != NULL && memcmp(&old->lan, &h->lan, sizeof(h->lan)) != 0)
		nl_netns_del(ns, NULL);
	lan_bridge(d, &h->lan, br_ns, br);
	agent_if_name('h', h->id, port);
	if (ensure_ns(ns, false, err) < 0 || ensure_port(ns, "eth0", br_ns, br, port, err) < 0 ||
	    nl_addr_add(ns, "eth0", h->lan.ip, h->lan.prefix, err) < 0)
		return -1;
	if (h->lan.gateway[0] != '\0' && route_via(ns, "0.0.0.0/0", h->lan.gateway, "eth0", false, err) < 0)
		return -1;
	return 0;
}

/* ---- the tunnel and route runtime ---- */

struct tunnel_rt *agent_tunnel_find(struct agent_daemon *d, const char *endpoint, const char *name)
{
	for (int i = 0; i < d->tunnel_count; i++)
		if (strcmp(d->tunnels[i].endpoint, endpoint) == 0 && strcmp(d->tunnels[i].name, name) == 0)
			return &d->tunnels[i];
	return NULL;
}

/* Brings d->tunnels and the health checks in line with want (kept tunnels keep their state). */
static int sync_tunnels(struct agent_daemon *d, const struct doc_desired *want, char *err)
{
	for (int i = 0; i < d->tunnel_count; i++)
		d->tunnels[i].present = false;
	for (int i = 0; i < want->endpoint_count; i++) {
		const struct doc_endpoint *ep = &want->endpoints[i];
		char ns[NS_NAME_MAX];

		agent_ns_name(d, ep->id, ns);
		for (int j = 0; j < ep->tunnel_count; j++) {
			const struct doc_tunnel *t = &ep->tunnels[j];
			struct tunnel_rt *rt = agent_tunnel_find(d, ep->id, t->name);
			char key[HEALTH_KEY_MAX];

			if (rt == NULL) {
				struct tunnel_rt *n = realloc(d->tunnels, sizeof(*n) * (size_t)(d->tunnel_count + 1));

				if (n == NULL) {
					snprintf(err, 256, "out of memory");
					return -1;
				}
				d->tunnels = n;
				rt = &d->tunnels[d->tunnel_count++];
				memset(rt, 0, sizeof(*rt));
				snprintf(rt->endpoint, sizeof(rt->endpoint), "%s", ep->id);
				snprintf(rt->name, sizeof(rt->name), "%s", t->name);
				rt->last_in_change_ms = agent_now_ms();
			}
			rt->present = true;
			rt->side = ep->kind;
			snprintf(rt->connection_id, sizeof(rt->connection_id), "%s", t->connection_id);
			snprintf(rt->tunnel_id, sizeof(rt->tunnel_id), "%s", t->tunnel_id);
			agent_health_key(ep->id, t->name, key);
			rt->health_enabled = ep->kind == DOC_EP_GATEWAY && t->health_check.enable;
			if (rt->health_enabled) {
				if (health_set(d->health, key, ns, t->health_check.sip, t->health_check.dip,
					       t->health_check.interval_s, t->health_check.retry) < 0) {
					snprintf(err, 256, "health check %s: cannot start", key);
					return -1;
				}
			} else {
				health_remove(d->health, key);
				rt->health = HEALTH_UNKNOWN;
			}
		}
	}
	for (int i = 0; i < d->tunnel_count;) {
		if (!d->tunnels[i].present) {
			char key[HEALTH_KEY_MAX];

			agent_health_key(d->tunnels[i].endpoint, d->tunnels[i].name, key);
			health_remove(d->health, key);
			d->tunnels[i] = d->tunnels[--d->tunnel_count];
		} else {
			i++;
		}
	}
	return 0;
}

static bool same_route(const struct route_rt *a, const struct route_rt *b)
{
	return a->table == b->table && strcmp(a->vpc, b->vpc) == 0 && strcmp(a->dest, b->dest) == 0;
}

/* Keeps d->routes in line with want; routes that left are deleted from their VPC router. */
static int sync_routes(struct agent_daemon *d, const struct doc_desired *want, char *err)
{
	struct route_rt *n;
	int count = 0;

	for (int i = 0; i < want->vpc_count; i++)
		count += want->vpcs[i].route_count;
	n = calloc((size_t)count + 1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	count = 0;
	for (int i = 0; i < want->vpc_count; i++)
		for (int j = 0; j < want->vpcs[i].route_count; j++) {
			struct route_rt *r = &n[count++];

			snprintf(r->vpc, sizeof(r->vpc), "%s", want->vpcs[i].id);
			snprintf(r->dest, sizeof(r->dest), "%s", want->vpcs[i].routes[j].dest);
			r->table = want->vpcs[i].routes[j].table;
			for (int k = 0; k < d->route_count; k++)
				if (same_route(&d->routes[k], r))
					snprintf(r->chosen, sizeof(r->chosen), "%s", d->routes[k].chosen);
		}
	for (int k = 0; k < d->route_count; k++) {
		bool kept = false;

		for (int i = 0; i < count; i++)
			kept |= same_route(&d->routes[k], &n[i]);
		if (!kept) {
			char ns[NS_NAME_MAX];
			struct nl_route r = { 0 };

			agent_ns_name(d, d->routes[k].vpc, ns);
			snprintf(r.dst, sizeof(r.dst), "%s", d->routes[k].dest);
			r.table = d->routes[k].table;
			nl_route_del(ns, &r, NULL);
		}
	}
	free(d->routes);
	d->routes = n;
	d->route_count = count;
	return 0;
}

/* ---- removal of what left the document ---- */

static void remove_gone(struct agent_daemon *d, const struct doc_desired *want)
{
	const struct doc_desired *old = &d->applied;
	char ns[NS_NAME_MAX];

	for (int i = 0; i < old->host_count; i++) {
		bool kept = false;

		for (int j = 0; j < want->host_count; j++)
			kept |= strcmp(old->hosts[i].id, want->hosts[j].id) == 0;
		if (!kept) {
			agent_ns_name(d, old->hosts[i].id, ns);
			nl_netns_del(ns, NULL);
		}
	}
	for (int i = 0; i < old->endpoint_count; i++) {
		if (doc_find_endpoint(want, old->endpoints[i].id) != NULL)
			continue;
		struct endpoint_rt *rt = endpoint_rt_find(d, old->endpoints[i].id);

		if (rt != NULL)
			endpoint_rt_remove(d, rt, true);
		agent_ns_name(d, old->endpoints[i].id, ns);
		nl_netns_del(ns, NULL);
	}
	for (int i = 0; i < old->vpc_count; i++) {
		bool kept = false;

		for (int j = 0; j < want->vpc_count; j++)
			kept |= strcmp(old->vpcs[i].id, want->vpcs[j].id) == 0;
		if (!kept) {
			agent_ns_name(d, old->vpcs[i].id, ns);
			nl_netns_del(ns, NULL);
		}
	}
	for (int i = 0; i < old->site_count; i++) {
		bool kept = false;

		for (int j = 0; j < want->site_count; j++)
			kept |= strcmp(old->sites[i].id, want->sites[j].id) == 0;
		if (!kept) {
			agent_ns_name(d, old->sites[i].id, ns);
			nl_netns_del(ns, NULL);
		}
	}
}

static const struct doc_vpc *old_vpc(const struct agent_daemon *d, const char *id)
{
	for (int i = 0; d->have_applied && i < d->applied.vpc_count; i++)
		if (strcmp(d->applied.vpcs[i].id, id) == 0)
			return &d->applied.vpcs[i];
	return NULL;
}

static const struct doc_host *old_host(const struct agent_daemon *d, const char *id)
{
	for (int i = 0; d->have_applied && i < d->applied.host_count; i++)
		if (strcmp(d->applied.hosts[i].id, id) == 0)
			return &d->applied.hosts[i];
	return NULL;
}

static bool same_fabric(const struct doc_vpc *a, const struct doc_vpc *b)
{
	const struct doc_fabric *x = &a->fabric, *y = &b->fabric;

	if (a->has_fabric != b->has_fabric)
		return false;
	if (!a->has_fabric)
		return true;
	if (x->vni != y->vni || strcmp(x->ip, y->ip) != 0 || x->prefix != y->prefix || x->peer_count != y->peer_count)
		return false;
	for (int i = 0; i < x->peer_count; i++) {
		const struct doc_fabric_peer *p = &x->peers[i], *q = &y->peers[i];

		if (strcmp(p->ip, q->ip) != 0 || strcmp(p->underlay_ip, q->underlay_ip) != 0 ||
		    p->cidr_count != q->cidr_count ||
		    memcmp(p->cidrs, q->cidrs, sizeof(*p->cidrs) * (size_t)p->cidr_count) != 0)
			return false;
	}
	return true;
}

/* The VPC's router as built: its vSwitch bridges and its fabric. */
static bool same_vswitches(const struct doc_vpc *a, const struct doc_vpc *b)
{
	return a->vswitch_count == b->vswitch_count &&
	       memcmp(a->vswitches, b->vswitches, sizeof(*a->vswitches) * (size_t)a->vswitch_count) == 0 &&
	       same_fabric(a, b);
}

/* Equal as built: the parser zero-fills every struct, so memcmp compares contents. */
static bool same_endpoint(const struct doc_endpoint *a, const struct doc_endpoint *b)
{
	return same_endpoint_links(a, b) && a->bandwidth_mbps == b->bandwidth_mbps && strcmp(a->swanctl, b->swanctl) == 0 &&
	       a->tunnel_count == b->tunnel_count &&
	       memcmp(a->tunnels, b->tunnels, sizeof(*a->tunnels) * (size_t)a->tunnel_count) == 0;
}

static const struct doc_site *old_site(const struct agent_daemon *d, const struct doc_site *site)
{
	for (int i = 0; d->have_applied && i < d->applied.site_count; i++)
		if (strcmp(d->applied.sites[i].id, site->id) == 0 && strcmp(d->applied.sites[i].lan_cidr, site->lan_cidr) == 0)
			return &d->applied.sites[i];
	return NULL;
}

int agent_reconcile(struct agent_daemon *d, struct doc_desired *want, char *err)
{
	int rc = -1;

	err[0] = '\0';
	pthread_mutex_lock(&d->lock);
	if (build_underlay(d, want, err) < 0)
		goto out;
	if (d->have_applied)
		remove_gone(d, want);
	/*
	 * What the applied document already describes identically was built by an earlier
	 * pass: only new and changed objects are built (after a start, d->have_applied is false
	 * and everything is ensured once, which adopts what runs).
	 */
	for (int i = 0; i < want->vpc_count; i++) {
		const struct doc_vpc *old = old_vpc(d, want->vpcs[i].id);

		if (old != NULL && same_vswitches(old, &want->vpcs[i]))
			continue;
		if (build_vpc(d, &want->vpcs[i], old, err) < 0)
			goto out;
	}
	for (int i = 0; i < want->site_count; i++)
		if (old_site(d, &want->sites[i]) == NULL && build_site(d, &want->sites[i], err) < 0)
			goto out;
	for (int i = 0; i < want->endpoint_count; i++) {
		const struct doc_endpoint *ep = &want->endpoints[i];
		const struct doc_endpoint *old = d->have_applied ? doc_find_endpoint(&d->applied, ep->id) : NULL;
		char ns[NS_NAME_MAX];

		if (old != NULL && same_endpoint(old, ep)) {
			/* a sibling device may have come or gone */
			agent_ns_name(d, ep->id, ns);
			if (ep->kind == DOC_EP_SITE_DEVICE && site_fallback_routes(want, ep, ns, err) < 0)
				goto out;
			continue;
		}
		if (build_endpoint(d, want, ep, old, err) < 0)
			goto out;
	}
	for (int i = 0; i < want->host_count; i++) {
		const struct doc_host *old = old_host(d, want->hosts[i].id);

		if (old != NULL && memcmp(&old->lan, &want->hosts[i].lan, sizeof(old->lan)) == 0)
			continue;
		if (build_host(d, &want->hosts[i], old, err) < 0)
			goto out;
	}
	if (sync_tunnels(d, want, err) < 0 || sync_routes(d, want, err) < 0)
		goto out;
	doc_free(&d->applied);
	d->applied = *want;
	memset(want, 0, sizeof(*want));
	d->have_applied = true;
	monitor_select_routes(d);
	d->status_dirty = true;
	pthread_cond_broadcast(&d->wake);
	rc = 0;
out:
	pthread_mutex_unlock(&d->lock);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void remove_all(struct agent_daemon *d, bool stop)
{
	char ns[NS_NAME_MAX];

	pthread_mutex_lock(&d->lock);
	while (d->endpoint_count > 0)
		endpoint_rt_remove(d, &d->endpoints[0], stop);
	for (int i = 0; i < d->tunnel_count; i++) {
		char key[HEALTH_KEY_MAX];

		agent_health_key(d->tunnels[i].endpoint, d->tunnels[i].name, key);
		health_remove(d->health, key);
	}
	if (stop && d->have_applied) {
		const struct doc_desired *a = &d->applied;

		for (int i = 0; i < a->host_count; i++)
			agent_ns_name(d, a->hosts[i].id, ns), nl_netns_del(ns, NULL);
		for (int i = 0; i < a->endpoint_count; i++)
			agent_ns_name(d, a->endpoints[i].id, ns), nl_netns_del(ns, NULL);
		for (int i = 0; i < a->vpc_count; i++)
			agent_ns_name(d, a->vpcs[i].id, ns), nl_netns_del(ns, NULL);
		for (int i = 0; i < a->site_count; i++)
			agent_ns_name(d, a->sites[i].id, ns), nl_netns_del(ns, NULL);
		agent_ns_name(d, "ul", ns);
		nl_netns_del(ns, NULL);
	}
	free(d->endpoints);
	free(d->tunnels);
	free(d->routes);
	d->endpoints = NULL;
	d->tunnels = NULL;
	d->routes = NULL;
	d->endpoint_count = d->tunnel_count = d->route_count = 0;
	doc_free(&d->applied);
	d->have_applied = false;
	pthread_mutex_unlock(&d->lock);
}

void agent_teardown(struct agent_daemon *d)
{
	remove_all(d, true);
	agent_cleanup_leftovers(d);
	state_remove_doc(d);
}

void agent_detach(struct agent_daemon *d)
{
	remove_all(d, false);
}

/* Stops the charon whose pid file is in dir (if it is still a charon) and removes dir. */
static void stop_charon_dir(const char *dir)
{
	char path[900], cmdline[256] = "";
	FILE *f;
	long pid = 0;

	snprintf(path, sizeof(path), "%s/charon.pid", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if (pid > 1 && (f = fopen(path, "r")) != NULL) {
		size_t n = fread(cmdline, 1, sizeof(cmdline) - 1, f);

		cmdline[n] = '\0';
		fclose(f);
		/* a pid reused by something else is left alone */
		if (strstr(cmdline, "charon") != NULL) {
			kill((pid_t)pid, SIGTERM);
			for (int i = 0; i < 30 && kill((pid_t)pid, 0) == 0; i++)
				usleep(100000);
			kill((pid_t)pid, SIGKILL);
		}
	}
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int agent_cleanup_leftovers(struct agent_daemon *d)
{
	char **names = NULL, prefix[32], err[NL_ERR_MAX], dir[512];
	int count = 0;
	DIR *dp;
	struct dirent *e;

	/* charons first, by their pid files: they may outlive namespaces nobody can see */
	snprintf(dir, sizeof(dir), "%s/endpoints", d->opt.state_dir);
	if ((dp = opendir(dir)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			char sub[800];

			if (e->d_name[0] == '.')
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
			stop_charon_dir(sub);
		}
		closedir(dp);
	}
	snprintf(prefix, sizeof(prefix), "%s-", d->ns_prefix);
	if (nl_netns_list(prefix, &names, &count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		nl_netns_del(names[i], NULL);
	nl_names_free(names, count);
	return 0;
}
