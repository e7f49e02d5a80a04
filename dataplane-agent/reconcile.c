/*
 * The reconciler: turns a desired-state document into namespaces, links, addresses,
 * routes and charons, changing only what differs from what was applied before.
 *
 * Plan, then apply: reconcile_plan (plan.c, pure) compares the applier's record of what
 * it built with the wanted document and lists one operation per object; the applier runs
 * them in order, each through the links (agent_links_ops: netlink here, a recording fake in
 * unit tests) and the IPsec backend (a tunnel at a time), and records each object as soon
 * as its operation succeeded.  A pass that fails half-way leaves a record of what it did,
 * so the next pass plans only the rest.
 *
 * Locking: the applier holds d->apply_lock for the whole pass and d->lock only to publish
 * (an endpoint's charon, the tunnel and route runtime at the end): charon starts and
 * tunnel loads never hold up the monitor, which decides failovers under d->lock.
 *
 * Topology (all names derive from document ids, so a restarted agent finds what it built):
 *   <p>-ul          underlay "internet": bridge br0 (+ vx0 toward other agents' underlays)
 *   <p>-<vpc-id>    VPC router: one bridge per vSwitch holding the vSwitch gateway address
 *                   (+ "f…", the VPC's fabric VXLAN toward its routers on other agents,
 *                   and table inet vpnlab_fabric: nothing hairpins on the fabric; + "y…",
 *                   a VXLAN port of a vSwitch bridge: the far end of a transit router's
 *                   link stretched from another agent)
 *   <p>-<tr-id>     transit router: one bridge "l…" per VPN attachment (its endpoints sit
 *                   on it), one veth "v…" per VPC attachment vSwitch (its peer "q…" a port
 *                   of that vSwitch's bridge in the VPC router; a VXLAN "w…" toward the
 *                   vSwitch's agent when another agent builds it), a policy rule per link
 *                   selecting the kernel table of the link's associated route table
 *   <p>-<site-id>   a branch site's LAN: bridge br0, and on it the site's router (the
 *                   hosts' default router; multipath routes over the gateway devices)
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <ftw.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "fault.h"
#include "nl.h"
#include "plan.h"
#include "tc.h"

#define UL_BRIDGE "br0"

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

/* A route to dst via `via` (NULL: directly) on dev in kernel table `table` (0: main). */
static int route_via_table(const char *ns, uint32_t table, const char *dst, const char *via, const char *dev,
			   bool onlink, char *err)
{
	struct nl_route r = { .table = table, .nexthop_count = 1 };

	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "%s", via ? via : "");
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "%s", dev ? dev : "");
	r.nexthops[0].onlink = onlink;
	return nl_route_replace(ns, &r, err);
}

static int route_via(const char *ns, const char *dst, const char *via, const char *dev, bool onlink, char *err)
{
	return route_via_table(ns, 0, dst, via, dev, onlink, err);
}

/*
 * A transit router's interface on a link: "l…" (VPN link bridge), "v…" (VPC link veth),
 * "w…" (a VPC link stretched to another agent: VXLAN); letter 'q' names the VPC link veth's
 * peer, a port of the vSwitch bridge, and 'y' a stretched link's far end (doc_tr_port).
 */
static void tr_link_name(char letter, const char *tr_id, const struct doc_tr_link *l, char out[16])
{
	char key[3 * DOC_ID_MAX + 3];

	snprintf(key, sizeof(key), "%s/%s/%s", tr_id, l->attachment, l->vswitch);
	agent_if_name(letter, key, out);
}

static void tr_link_if_name(const char *tr_id, const struct doc_tr_link *l, char out[16])
{
	tr_link_name(l->kind == DOC_TR_LINK_VPN ? 'l' : l->stretch_vni != 0 ? 'w' : 'v', tr_id, l, out);
}

/*
 * A stretched link's end (transit router side, or a port of a vSwitch bridge): a VXLAN of
 * VNI vni toward peer's underlay address, made in the agent's own namespace (its UDP socket
 * uses the host's network, as the fabric's does) and moved into ns.  MTU 1500, as the veth
 * it stands for: a bridge takes its ports' smallest MTU and drops bigger frames without a
 * word, so a 1450-byte port would cut the hosts' full-size packets; the underlay fragments
 * the VXLAN packets instead.  old_vni/old_peer: what was built (0/NULL: unknown or none).
 */
#define TR_STRETCH_MTU 1500

static int ensure_stretch(struct agent_daemon *d, const char *ns, const char *dev, uint32_t vni, const char *peer,
			  uint32_t old_vni, const char *old_peer, char *err)
{
	if (old_vni != 0 && old_vni != vni) {
		nl_link_del(ns, dev, NULL);
		old_peer = NULL;
	}
	if (nl_link_index(ns, dev) == 0) {
		/* a pass cut short between making and moving it left it here, maybe with another VNI */
		if (nl_link_index(NULL, dev) != 0)
			nl_link_del(NULL, dev, NULL);
		if (nl_vxlan_add(NULL, dev, vni, d->opt.underlay_ip, 0, err) < 0 ||
		    nl_link_set_mtu(NULL, dev, TR_STRETCH_MTU, err) < 0 || nl_link_move(NULL, dev, ns, err) < 0)
			return -1;
		old_peer = NULL;
	}
	if (old_peer != NULL && old_peer[0] != '\0' && strcmp(old_peer, peer) != 0)
		nl_vxlan_fdb_del(ns, dev, old_peer, NULL);
	if (nl_vxlan_fdb_append(ns, dev, peer, err) < 0)
		return -1;
	return nl_link_set_up(ns, dev, true, err);
}

static void tr_port_name(const struct doc_tr_port *t, char out[16])
{
	struct doc_tr_link l = { .kind = DOC_TR_LINK_VPC };

	snprintf(l.attachment, sizeof(l.attachment), "%s", t->attachment);
	snprintf(l.vswitch, sizeof(l.vswitch), "%s", t->vswitch);
	tr_link_name('y', t->transit_router, &l, out);
}

static const struct doc_tr_port *find_tr_port(const struct doc_vpc *vpc, const struct doc_tr_port *t)
{
	for (int i = 0; vpc != NULL && i < vpc->tr_port_count; i++)
		if (strcmp(vpc->tr_ports[i].transit_router, t->transit_router) == 0 &&
		    strcmp(vpc->tr_ports[i].attachment, t->attachment) == 0 &&
		    strcmp(vpc->tr_ports[i].vswitch, t->vswitch) == 0)
			return &vpc->tr_ports[i];
	return NULL;
}

/*
 * The far ends of transit routers' links stretched into the VPC's vSwitches: each a VXLAN
 * port of its vSwitch's bridge.  Ports the old document had and this one has not go.
 */
static int build_vpc_tr_ports(struct agent_daemon *d, const char *ns, const struct doc_vpc *vpc,
			      const struct doc_vpc *old, char *err)
{
	for (int i = 0; i < vpc->tr_port_count; i++) {
		const struct doc_tr_port *t = &vpc->tr_ports[i], *was = find_tr_port(old, t);
		char port[16], br[16];

		tr_port_name(t, port);
		agent_if_name('b', t->vswitch, br);
		if (ensure_stretch(d, ns, port, t->vni, t->peer, was ? was->vni : 0, was ? was->peer : NULL, err) < 0 ||
		    nl_link_set_master(ns, port, br, err) < 0)
			return -1;
	}
	for (int i = 0; old != NULL && i < old->tr_port_count; i++) {
		char port[16];

		if (find_tr_port(vpc, &old->tr_ports[i]) != NULL)
			continue;
		tr_port_name(&old->tr_ports[i], port);
		nl_link_del(ns, port, NULL);
	}
	return 0;
}

/*
 * Where a LAN interface plugs in: the vSwitch bridge of its VPC router, its site's LAN, or
 * the bridge of its transit router link.
 */
static void lan_bridge(const struct agent_daemon *d, const struct doc_lan *lan, char ns[NS_NAME_MAX], char br[16])
{
	if (lan->transit_router[0] != '\0') {
		struct doc_tr_link l = { .kind = DOC_TR_LINK_VPN };

		snprintf(l.attachment, sizeof(l.attachment), "%s", lan->link);
		agent_ns_name(d, lan->transit_router, ns);
		tr_link_if_name(lan->transit_router, &l, br);
	} else if (lan->site[0] != '\0') {
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

static int build_underlay(struct agent_daemon *d, const struct doc_desired *want, const struct doc_desired *old,
			  char *err)
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
		for (int i = 0; i < old->peer_count; i++) {
			bool kept = false;

			for (int j = 0; j < want->peer_count; j++)
				kept |= strcmp(old->peers[i], want->peers[j]) == 0;
			if (!kept)
				nl_vxlan_fdb_del(ns, vx, old->peers[i], NULL);
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
	char fab[16];

	fabric_if_name(d, vpc->id, fab);
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
			char port[16];

			agent_if_name('b', vpc->vswitches[j].id, port);
			if (route_via_table(ns, s->table, vpc->vswitches[j].cidr, NULL, port, false, err) < 0)
				return -1;
		}
		/* and the vSwitches other agents build, through the fabric, as in the main table */
		for (int j = 0; vpc->has_fabric && j < vpc->fabric.peer_count; j++)
			for (int k = 0; k < vpc->fabric.peers[j].cidr_count; k++)
				if (route_via_table(ns, s->table, vpc->fabric.peers[j].cidrs[k], vpc->fabric.peers[j].ip, fab,
						    false, err) < 0)
					return -1;
	}
	return 0;
}

/*
 * The VPN gateways' policy-based routes: rule "from SRC to DST lookup T" at RULE_PREF_POLICY
 * + its position, ahead of the ingress rules and main (the gateway matches policy routes
 * before destination routes), T a table of its own whose route sync_routes keeps.  A table
 * without a usable route is passed over by the kernel (the next rule decides).
 */
#define RULE_PREF_POLICY 500
#define RULE_POLICY_SWEEP 64 /* after a start, stale rules this far past the wanted ones go too */

static bool vpc_has_policy_table(const struct doc_vpc *vpc, uint32_t table)
{
	for (int i = 0; vpc != NULL && i < vpc->policy_count; i++)
		if (vpc->policies[i].table == table)
			return true;
	return false;
}

static int build_vpc_policies(const char *ns, const struct doc_vpc *vpc, const struct doc_vpc *old, char *err)
{
	int stale = old != NULL ? old->policy_count : vpc->policy_count + RULE_POLICY_SWEEP;

	if (old != NULL && old->policy_count == vpc->policy_count &&
	    (vpc->policy_count == 0 ||
	     memcmp(old->policies, vpc->policies, sizeof(*vpc->policies) * (size_t)vpc->policy_count) == 0))
		return 0;
	/* positions shift when one is added or removed: the rules are laid anew */
	for (int i = 0; i < stale; i++)
		if (nl_rule_del_pref(ns, RULE_PREF_POLICY + (uint32_t)i, err) < 0)
			return -1;
	for (int i = 0; old != NULL && i < old->policy_count; i++)
		if (!vpc_has_policy_table(vpc, old->policies[i].table) && flush_table(ns, old->policies[i].table, err) < 0)
			return -1;
	for (int i = 0; i < vpc->policy_count; i++) {
		const struct doc_policy *p = &vpc->policies[i];

		if (!vpc_has_policy_table(old, p->table) && flush_table(ns, p->table, err) < 0)
			return -1;
		if (nl_rule_add_match(ns, RULE_PREF_POLICY + (uint32_t)i, p->from, p->to, p->table, err) < 0)
			return -1;
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
	if (build_fabric(d, ns, vpc, old, err) < 0 || build_vpc_tables(d, ns, vpc, old, err) < 0 ||
	    build_vpc_tr_ports(d, ns, vpc, old, err) < 0)
		return -1;
	return build_vpc_policies(ns, vpc, old, err);
}

/*
 * A site's LAN bridge, and on it the site's router (router_ip): the hosts' default router,
 * which spreads their traffic toward the cloud over the site's gateway devices (its routes
 * are the route runtime's, routes.c).  Multipath routes hash on L4 (addresses, protocol,
 * ports): one flow stays on one device, as per-packet spreading would reorder it.
 */
static int build_site(struct agent_daemon *d, const struct doc_site *site, const struct doc_site *old, char *err)
{
	char ns[NS_NAME_MAX];
	int prefix = vswitch_prefix(site->lan_cidr);

	agent_ns_name(d, site->id, ns);
	if (ensure_ns(ns, site->router_ip[0] != '\0', err) < 0 || ensure_bridge(ns, UL_BRIDGE, err) < 0)
		return -1;
	if (old != NULL && old->router_ip[0] != '\0' &&
	    (strcmp(old->router_ip, site->router_ip) != 0 || strcmp(old->lan_cidr, site->lan_cidr) != 0) &&
	    nl_addr_del(ns, UL_BRIDGE, old->router_ip, vswitch_prefix(old->lan_cidr), err) < 0)
		return -1;
	if (site->router_ip[0] == '\0')
		return 0;
	if (nl_sysctl_set(ns, "net/ipv4/fib_multipath_hash_policy", "1", err) < 0 ||
	    nl_addr_add(ns, UL_BRIDGE, site->router_ip, prefix, err) < 0)
		return -1;
	return 0;
}

/* ---- transit routers ---- */

/*
 * The agent owns a transit router's namespace whole: its rules but the kernel's three, the
 * routes of every kernel table its numbering gives a router table (DOC_TR_TABLE_MIN..MAX,
 * whatever their type or protocol), its own routes (NL_RTPROT_VPNLAB) in main, and the
 * links named as tr_link_if_name names them.
 * Traffic entering from a link is looked up in the link's associated table
 * (RULE_PREF_TABLE) and goes nowhere else (RULE_PREF_BLACKHOLE): a link without an
 * association forwards nothing, as in the cloud.  Routes are the route runtime's.
 */
static bool kernel_default_rule(const struct nl_rule_entry *r)
{
	if (r->more || r->iif[0] != '\0' || r->oif[0] != '\0' || r->from[0] != '\0' || r->to[0] != '\0' ||
	    r->action != FR_ACT_TO_TBL)
		return false;
	return (r->pref == 0 && r->table == RT_TABLE_LOCAL) || (r->pref == 32766 && r->table == RT_TABLE_MAIN) ||
	       (r->pref == 32767 && r->table == RT_TABLE_DEFAULT);
}

static bool tr_rule_wanted(const struct doc_transit_router *tr, const struct nl_rule_entry *r)
{
	if (r->more || r->detached || r->iif[0] == '\0' || r->oif[0] != '\0' || r->from[0] != '\0' ||
	    r->to[0] != '\0')
		return false;
	for (int i = 0; i < tr->link_count; i++) {
		char dev[16];

		tr_link_if_name(tr->id, &tr->links[i], dev);
		if (strcmp(r->iif, dev) != 0)
			continue;
		if (r->pref == RULE_PREF_TABLE && r->action == FR_ACT_TO_TBL && tr->links[i].table != 0 &&
		    r->table == tr->links[i].table)
			return true;
		if (r->pref == RULE_PREF_BLACKHOLE && r->action == FR_ACT_BLACKHOLE)
			return true;
	}
	return false;
}

static bool same_rule(const struct nl_rule_entry *a, const struct nl_rule_entry *b)
{
	return a->pref == b->pref && a->action == b->action && a->table == b->table && strcmp(a->iif, b->iif) == 0;
}

/* A link's association to a table it no longer wants (tr_sync_rules: goes last) */
static bool tr_rule_superseded(const struct doc_transit_router *tr, const struct nl_rule_entry *r)
{
	if (r->more || r->detached || r->pref != RULE_PREF_TABLE || r->action != FR_ACT_TO_TBL || r->oif[0] != '\0' ||
	    r->from[0] != '\0' || r->to[0] != '\0')
		return false;
	for (int i = 0; i < tr->link_count; i++) {
		char dev[16];

		tr_link_if_name(tr->id, &tr->links[i], dev);
		if (strcmp(r->iif, dev) == 0)
			return true;
	}
	return false;
}

/*
 * Make before break: every wanted rule is added first (a rule already there is kept as it
 * is), then every other rule goes.  A changed association thus has its new rule at
 * RULE_PREF_TABLE (the kernel puts it after the old one of the same priority) before the
 * old one leaves: no packet from the link ever finds neither.  Unless finish, the old
 * association stays (it still decides first): the route runtime fills the new table only
 * once the document is published, and tr_finish_rules removes it after that.
 */
static int tr_sync_rules(const char *ns, const struct doc_transit_router *tr, bool finish, char *err)
{
	struct nl_rule_entry *rules = NULL;
	int count = 0, rc = -1;

	for (int i = 0; i < tr->link_count; i++) {
		const struct doc_tr_link *l = &tr->links[i];
		char dev[16];

		tr_link_if_name(tr->id, l, dev);
		if ((l->table != 0 && nl_rule_add(ns, RULE_PREF_TABLE, dev, l->table, err) < 0) ||
		    nl_rule_add(ns, RULE_PREF_BLACKHOLE, dev, 0, err) < 0)
			return -1;
	}
	if (nl_rule_dump(ns, &rules, &count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		bool keep = kernel_default_rule(&rules[i]) || tr_rule_wanted(tr, &rules[i]) ||
			    (!finish && tr_rule_superseded(tr, &rules[i]));

		/* a second copy of a wanted rule is not wanted */
		for (int k = 0; keep && k < i; k++)
			keep = !same_rule(&rules[k], &rules[i]) || rules[k].more != rules[i].more;
		if (!keep && nl_rule_entry_del(ns, &rules[i], err) < 0)
			goto out;
	}
	rc = 0;
out:
	nl_rule_entries_free(rules, count);
	return rc;
}

/* The route the document wants in tr at (table, dest), or NULL */
static const struct doc_route *tr_route(const struct doc_transit_router *tr, uint32_t table, const char *dest)
{
	for (int i = 0; i < tr->route_count; i++)
		if (tr->routes[i].table == table && strcmp(tr->routes[i].dest, dest) == 0)
			return &tr->routes[i];
	return NULL;
}

static bool tr_owns_route(const struct nl_route_entry *e)
{
	if (e->route.table >= DOC_TR_TABLE_MIN && e->route.table <= DOC_TR_TABLE_MAX)
		return true;
	return e->route.table == 0 && e->protocol == NL_RTPROT_VPNLAB;
}

/*
 * Whether list[i] is a route the document wants: at a wanted (table, dest), of the wanted
 * type, with the agent's metric and tos, and the first such in list.  Its next hops are the
 * route runtime's: it replaces the route in place (NLM_F_REPLACE) when they differ.
 */
static bool tr_route_wanted(const struct doc_transit_router *tr, const struct nl_route_entry *list, int i)
{
	const struct nl_route_entry *e = &list[i];
	const struct doc_route *r = tr_route(tr, e->route.table, e->route.dst);

	if (r == NULL || e->route.metric != 0 || e->tos != 0 || e->type != (r->blackhole ? RTN_BLACKHOLE : RTN_UNICAST))
		return false;
	for (int k = 0; k < i; k++)
		if (list[k].route.table == e->route.table && list[k].route.metric == 0 && list[k].tos == 0 &&
		    list[k].type == e->type && strcmp(list[k].route.dst, e->route.dst) == 0)
			return false;
	return true;
}

/*
 * After a start (nothing recorded): whatever an earlier run left among the routes the agent
 * owns in the router (tr_owns_route) that the document does not want goes; the rest is
 * kept as it is, so adopted traffic never stops (the route runtime's replace of a route with
 * the same one changes nothing: the kernel does not even announce it).
 */
static int tr_prune_stale_routes(const char *ns, const struct doc_transit_router *tr, char *err)
{
	struct nl_route_entry *routes = NULL;
	int count = 0, rc = -1;

	if (nl_route_dump(ns, &routes, &count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		if (!tr_owns_route(&routes[i]) || tr_route_wanted(tr, routes, i))
			continue;
		agent_log("transit router %s: removing stale route %s (table %u, type %u)", tr->id, routes[i].route.dst,
			  routes[i].route.table, routes[i].type);
		if (nl_route_entry_del(ns, &routes[i], err) < 0)
			goto out;
	}
	rc = 0;
out:
	nl_route_entries_free(routes, count);
	return rc;
}

/* Whether name is one tr_link_if_name gives: "l", "v" or "w" and 8 hex digits */
static bool tr_link_like(const char *name)
{
	if ((name[0] != 'l' && name[0] != 'v' && name[0] != 'w') || strlen(name) != 9)
		return false;
	return strspn(name + 1, "0123456789abcdef") == 8;
}

/*
 * After a start: a link an earlier run made for an attachment the document no longer has
 * (a bridge with its address, or a VPC link's veth, which takes its peer in the VPC router
 * with it) goes, so nothing enters the router where no attachment is.
 */
static int tr_prune_stale_links(const char *ns, const struct doc_transit_router *tr, char *err)
{
	char **names = NULL;
	int count = 0, rc = 0;

	if (nl_link_names(ns, &names, &count, err) < 0)
		return -1;
	for (int i = 0; i < count && rc == 0; i++) {
		bool wanted = false;

		if (!tr_link_like(names[i]))
			continue;
		for (int k = 0; k < tr->link_count && !wanted; k++) {
			char dev[16];

			tr_link_if_name(tr->id, &tr->links[k], dev);
			wanted = strcmp(dev, names[i]) == 0;
		}
		if (wanted)
			continue;
		agent_log("transit router %s: removing stale link %s", tr->id, names[i]);
		rc = nl_link_del(ns, names[i], err);
	}
	nl_names_free(names, count);
	return rc;
}

/*
 * A VPN link carries what fits the tunnels: kernel-libipsec's TUN takes 1400 bytes (the
 * kernel's ESP a little more).  The router itself must refuse bigger packets: its ICMP
 * "fragmentation needed" reaches the sender through the router's tables, whereas one from
 * an endpoint would follow the endpoint's main table (the underlay) and be lost, and TCP
 * through the router would stall on its first full-size segment.
 */
#define TR_VPN_LINK_MTU 1400

static int build_tr(struct agent_daemon *d, const struct doc_transit_router *tr, const struct doc_transit_router *old,
		    char *err)
{
	char ns[NS_NAME_MAX];

	agent_ns_name(d, tr->id, ns);
	if (ensure_ns(ns, true, err) < 0)
		return -1;
	/* ECMP per flow (L4 hash: addresses, protocol and ports), never per packet */
	if (nl_sysctl_set(ns, "net/ipv4/fib_multipath_hash_policy", "1", err) < 0)
		return -1;
	for (int i = 0; i < tr->link_count; i++) {
		const struct doc_tr_link *l = &tr->links[i];
		char dev[16];

		tr_link_if_name(tr->id, l, dev);
		if (l->kind == DOC_TR_LINK_VPN) {
			if (ensure_bridge(ns, dev, err) < 0 || nl_link_set_mtu(ns, dev, TR_VPN_LINK_MTU, err) < 0)
				return -1;
		} else if (l->stretch_vni != 0) {
			const struct doc_tr_link *was = old ? doc_find_tr_link(old, l->attachment, l->vswitch) : NULL;

			if (was != NULL && was->stretch_vni == 0)
				was = NULL; /* it was a veth: that goes below */
			if (ensure_stretch(d, ns, dev, l->stretch_vni, l->stretch_peer, was ? was->stretch_vni : 0,
					   was ? was->stretch_peer : NULL, err) < 0)
				return -1;
		} else {
			char vpc_ns[NS_NAME_MAX], br[16], port[16];

			agent_ns_name(d, l->vpc, vpc_ns);
			agent_if_name('b', l->vswitch, br);
			tr_link_name('q', tr->id, l, port);
			if (ensure_port(ns, dev, vpc_ns, br, port, err) < 0)
				return -1;
		}
		if (old != NULL) {
			const struct doc_tr_link *was = doc_find_tr_link(old, l->attachment, l->vswitch);

			if (was != NULL && (strcmp(was->ip, l->ip) != 0 || was->prefix != l->prefix))
				nl_addr_del(ns, dev, was->ip, was->prefix, NULL);
		}
		if (nl_addr_add(ns, dev, l->ip, l->prefix, err) < 0)
			return -1;
	}
	if (old == NULL && tr_prune_stale_links(ns, tr, err) < 0)
		return -1;
	/* the rules of links that left go with the rest of the unwanted ones */
	if (tr_sync_rules(ns, tr, false, err) < 0)
		return -1;
	for (int i = 0; old != NULL && i < old->link_count; i++) {
		const struct doc_tr_link *l = &old->links[i], *now = doc_find_tr_link(tr, l->attachment, l->vswitch);
		char dev[16];

		/* gone, or its interface is another device now (stretched, or no longer) */
		if (now != NULL && (now->stretch_vni != 0) == (l->stretch_vni != 0))
			continue;
		tr_link_if_name(old->id, l, dev);
		nl_link_del(ns, dev, NULL);
	}
	return old == NULL ? tr_prune_stale_routes(ns, tr, err) : 0;
}

/*
 * Once the document is published and the route runtime filled the tables: the transit
 * routers this plan built drop the associations their links left (tr_sync_rules).  A
 * failure is logged; the old association then still decides first, as before the change.
 */
static void tr_finish_rules(struct agent_daemon *d, const struct plan *plan)
{
	for (int i = 0; d->links == &agent_links_netlink && i < plan->count; i++) {
		const struct doc_transit_router *tr;
		char ns[NS_NAME_MAX], err[NL_ERR_MAX];

		if (plan->ops[i].kind != PLAN_TR ||
		    (plan->ops[i].action != PLAN_CREATE && plan->ops[i].action != PLAN_UPDATE) ||
		    (tr = doc_find_tr(&d->applied, plan->ops[i].id)) == NULL)
			continue;
		agent_ns_name(d, tr->id, ns);
		if (tr_sync_rules(ns, tr, true, err) < 0)
			agent_log("transit router %s: rules: %s", tr->id, err);
	}
}

/* ---- endpoints ---- */

static struct endpoint_rt *endpoint_rt_find(struct agent_daemon *d, const char *id)
{
	for (int i = 0; i < d->endpoint_count; i++)
		if (strcmp(d->endpoints[i].id, id) == 0)
			return &d->endpoints[i];
	return NULL;
}

/* Appends a zeroed item to *arr (of *count items of size); NULL when out of memory. */
static void *grow(void **arr, int *count, size_t size)
{
	char *n = realloc(*arr, size * (size_t)(*count + 2));

	if (n == NULL)
		return NULL;
	*arr = n;
	memset(n + size * (size_t)*count, 0, size);
	return n + size * (size_t)(*count)++;
}

static struct endpoint_rt *endpoint_rt_add(struct agent_daemon *d, const char *id)
{
	struct endpoint_rt *n = grow((void **)&d->endpoints, &d->endpoint_count, sizeof(*n));

	if (n == NULL)
		return NULL;
	snprintf(n->id, sizeof(n->id), "%s", id);
	agent_ns_name(d, id, n->ns);
	return n;
}

/*
 * Takes e out of the runtime under d->lock (the monitor stops polling it; a poll reading it
 * now is waited for), then stops or detaches its charon without the lock.  d->apply_lock held.
 */
static void endpoint_rt_remove(struct agent_daemon *d, struct endpoint_rt *e, bool stop)
{
	struct ipsec_instance *in;

	pthread_mutex_lock(&d->lock);
	in = e->ipsec;
	*e = d->endpoints[--d->endpoint_count];
	monitor_poll_wait(d);
	pthread_mutex_unlock(&d->lock);
	if (stop)
		d->ipsec->stop(in);
	else
		d->ipsec->detach(in);
}

/*
 * Takes every endpoint out of the runtime under d->lock, then stops their charons together
 * (ipsec_backend_ops.stop_many: the time of one stop, not of all) or detaches them, without
 * the lock.  d->apply_lock held.
 */
static void endpoints_rt_remove_all(struct agent_daemon *d, bool stop)
{
	struct ipsec_instance **ins;
	int count;

	pthread_mutex_lock(&d->lock);
	count = d->endpoint_count;
	ins = calloc((size_t)count + 1, sizeof(*ins));
	if (ins == NULL) {
		pthread_mutex_unlock(&d->lock);
		/* one at a time is slower but needs no memory */
		while (d->endpoint_count > 0)
			endpoint_rt_remove(d, &d->endpoints[0], stop);
		return;
	}
	for (int i = 0; i < count; i++)
		ins[i] = d->endpoints[i].ipsec;
	d->endpoint_count = 0;
	monitor_poll_wait(d);
	pthread_mutex_unlock(&d->lock);
	if (stop)
		d->ipsec->stop_many(ins, count);
	else
		for (int i = 0; i < count; i++)
			d->ipsec->detach(ins[i]);
	free(ins);
}

/*
 * The charons of the endpoints plan deletes, stopped together before the first of those
 * deletions runs (each apply_endpoint then finds no charon to stop).  d->apply_lock held.
 */
static void stop_deleted_charons(struct agent_daemon *d, const struct plan *plan)
{
	struct ipsec_instance **ins = calloc((size_t)plan->count + 1, sizeof(*ins));
	int count = 0;

	if (ins == NULL)
		return; /* apply_endpoint stops them one at a time */
	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < plan->count; i++) {
		const struct plan_op *op = &plan->ops[i];
		struct endpoint_rt *rt;

		if (op->kind != PLAN_ENDPOINT || op->action != PLAN_DELETE || (rt = endpoint_rt_find(d, op->id)) == NULL)
			continue;
		ins[count++] = rt->ipsec;
		*rt = d->endpoints[--d->endpoint_count];
	}
	monitor_poll_wait(d);
	pthread_mutex_unlock(&d->lock);
	d->ipsec->stop_many(ins, count);
	free(ins);
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

/* An endpoint on a transit router link: what it decrypts goes to the router (build_endpoint_links). */
#define EP_TR_TABLE 100
#define EP_TR_RULE_PREF 1000
/*
 * Where decrypted packets enter: "ul" with the kernel's XFRM, charon's TUN device with
 * kernel-libipsec (a rule may name a device that does not exist yet).
 */
#define EP_LIBIPSEC_TUN "ipsec0"

/*
 * kernel-libipsec installs a CHILD_SA's route only with a source address of the endpoint
 * inside its local selector, and fails the CHILD_SA without one.  A transit router's
 * connection may carry several local subnets (a VPC and other branches behind the router),
 * none of them the endpoint's: each gets its network address on lo, an address no host
 * has (a /31 or /32 selector is a host's own: left out, as 0.0.0.0/0 needs none).
 */
static int tr_selector_addresses(const char *ns, const struct doc_endpoint *ep, char *err)
{
	for (int i = 0; i < ep->tunnel_count; i++)
		for (int j = 0; j < ep->tunnels[i].local_ts_count; j++) {
			char net[20], *slash;
			int prefix;

			snprintf(net, sizeof(net), "%s", ep->tunnels[i].local_ts[j]);
			if ((slash = strchr(net, '/')) == NULL)
				continue;
			*slash = '\0';
			prefix = atoi(slash + 1);
			if (prefix < 1 || prefix > 30)
				continue;
			if (nl_addr_add(ns, "lo", net, 32, err) < 0)
				return -1;
		}
	return 0;
}

static int build_endpoint_links(struct agent_daemon *d, const struct doc_desired *want,
				const struct doc_endpoint *ep, const struct doc_endpoint *old, char *err)
{
	char ns[NS_NAME_MAX], ul_ns[NS_NAME_MAX], br_ns[NS_NAME_MAX], br[16], port[16], terr[NL_ERR_MAX];

	agent_ns_name(d, ep->id, ns);
	agent_ns_name(d, "ul", ul_ns);
	lan_bridge(d, &ep->lan, br_ns, br);
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
	/*
	 * A transit router's endpoint hands everything that leaves its tunnels (decrypted) to
	 * the router, whatever the selectors; its own traffic (IKE, probes)
	 * follows the main table, where xfrm policies take what belongs in a tunnel.
	 */
	if (ep->lan.transit_router[0] != '\0' && ep->lan.gateway[0] != '\0' &&
	    (route_via_table(ns, EP_TR_TABLE, "0.0.0.0/0", ep->lan.gateway, "lan", false, err) < 0 ||
	     nl_rule_add(ns, EP_TR_RULE_PREF, "ul", EP_TR_TABLE, err) < 0 ||
	     nl_rule_add(ns, EP_TR_RULE_PREF, EP_LIBIPSEC_TUN, EP_TR_TABLE, err) < 0))
		return -1;
	/*
	 * What charon writes to TUN leaves through lan: with TSO off there, the bridge port's
	 * NAPI thread forwards it onward and charon's write() returns after one hop (nl.c, at
	 * port_gro_cb).  bench/lab.js: 0.78x a hand-built pair's rate with TSO on, 0.89-1.03x
	 * (medians of 3 runs) with it off.
	 * Best effort: the tunnel carries traffic either way.
	 */
	if (nl_link_set_tso(ns, "lan", false, terr) < 0)
		agent_log("%s", terr);
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
		const struct doc_health_check *check = doc_tunnel_check(t);

		/* the branch only answers the checks (it learns their timing from the document);
		 * a liveness probe may leave from the endpoint's own LAN address */
		if (ep->kind == DOC_EP_GATEWAY && check != NULL && strcmp(check->sip, ep->lan.ip) != 0 &&
		    nl_addr_add(ns, "lo", check->sip, 32, err) < 0)
			return -1;
		if (fault_set(ns, t->peer_ip, t->cut, err) < 0)
			return -1;
	}
	if (ep->lan.transit_router[0] != '\0' && tr_selector_addresses(ns, ep, err) < 0)
		return -1;
	if (old != NULL)
		for (int i = 0; i < old->tunnel_count; i++)
			if (doc_find_tunnel(ep, old->tunnels[i].name) == NULL && old->tunnels[i].cut)
				fault_set(ns, old->tunnels[i].peer_ip, false, NULL);
	if (tc_set_rate(ns, "ul", ep->bandwidth_mbps, err) < 0 || tc_set_rate(ns, "lan", ep->bandwidth_mbps, err) < 0 ||
	    tc_ensure_queue(ns, "lan", err) < 0)
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

/* Brings d->tunnels and the health checks in line with want (kept tunnels keep their state). */
/*
 * The runtime entry of tunnel t of endpoint ep, made when missing, with its identity
 * (d->lock held).  NULL when out of memory.
 */
static struct tunnel_rt *tunnel_rt_ensure(struct agent_daemon *d, const struct doc_endpoint *ep,
					  const struct doc_tunnel *t)
{
	struct tunnel_rt *rt = agent_tunnel_find(d, ep->id, t->name);

	if (rt == NULL) {
		if ((rt = grow((void **)&d->tunnels, &d->tunnel_count, sizeof(*rt))) == NULL)
			return NULL;
		snprintf(rt->endpoint, sizeof(rt->endpoint), "%s", ep->id);
		snprintf(rt->name, sizeof(rt->name), "%s", t->name);
		rt->last_in_change_ms = agent_now_ms();
		/* charon starts a new initiator's tunnel itself when it loads it: the branch
		 * upkeep steps in only if nothing came of that */
		rt->last_initiate_ms = rt->last_in_change_ms;
		rt->present = true;
	}
	rt->side = ep->kind;
	snprintf(rt->connection_id, sizeof(rt->connection_id), "%s", t->connection_id);
	snprintf(rt->tunnel_id, sizeof(rt->tunnel_id), "%s", t->tunnel_id);
	return rt;
}

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
			struct tunnel_rt *rt = tunnel_rt_ensure(d, ep, t);
			const struct doc_health_check *check = doc_tunnel_check(t);
			char key[HEALTH_KEY_MAX];

			if (rt == NULL) {
				snprintf(err, 256, "out of memory");
				return -1;
			}
			rt->present = true;

			agent_health_key(ep->id, t->name, key);
			rt->health_enabled = ep->kind == DOC_EP_GATEWAY && t->health_check.enable;
			rt->check_enabled = ep->kind == DOC_EP_GATEWAY && check != NULL;
			if (rt->check_enabled) {
				if (health_set_ms(d->health, key, ns, check->sip, check->dip, check->interval_ms,
						  check->retry) < 0) {
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
	return a->table == b->table && strcmp(a->vpc, b->vpc) == 0 && strcmp(a->site, b->site) == 0 &&
	       strcmp(a->dest, b->dest) == 0;
}

/*
 * The runtime entry of route of router id: a site router's (in the main table), else a VPC's or a
 * transit router's (in the route's table); the installed choice carried over from *have.
 */
static void route_rt_fill(struct route_rt *r, bool site_router, const char *id, const struct doc_route *route,
			  const struct route_rt *have, int have_count)
{
	snprintf(site_router ? r->site : r->vpc, DOC_ID_MAX, "%s", id);
	snprintf(r->dest, sizeof(r->dest), "%s", route->dest);
	if (!site_router)
		r->table = route->table;
	for (int k = 0; k < have_count; k++)
		if (same_route(&have[k], r))
			snprintf(r->chosen, sizeof(r->chosen), "%s", have[k].chosen);
}

/*
 * Keeps d->routes in line with want (VPC routes, then site routers' routes); routes that left
 * are deleted from their router.
 */
static int sync_routes(struct agent_daemon *d, const struct doc_desired *want, char *err)
{
	struct route_rt *n;
	int count = 0;

	for (int i = 0; i < want->vpc_count; i++)
		count += want->vpcs[i].route_count;
	for (int i = 0; i < want->tr_count; i++)
		count += want->trs[i].route_count;
	for (int i = 0; i < want->site_count; i++)
		count += want->sites[i].route_count;
	n = calloc((size_t)count + 1, sizeof(*n));
	if (n == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	count = 0;
	for (int i = 0; i < want->vpc_count; i++)
		for (int j = 0; j < want->vpcs[i].route_count; j++, count++)
			route_rt_fill(&n[count], false, want->vpcs[i].id, &want->vpcs[i].routes[j], d->routes,
				      d->route_count);
	/* a transit router's routes are kept by the same runtime, under the router's id */
	for (int i = 0; i < want->tr_count; i++)
		for (int j = 0; j < want->trs[i].route_count; j++, count++)
			route_rt_fill(&n[count], false, want->trs[i].id, &want->trs[i].routes[j], d->routes,
				      d->route_count);
	for (int i = 0; i < want->site_count; i++)
		for (int j = 0; j < want->sites[i].route_count; j++, count++)
			route_rt_fill(&n[count], true, want->sites[i].id, &want->sites[i].routes[j], d->routes,
				      d->route_count);
	for (int k = 0; k < d->route_count; k++) {
		bool kept = false;

		for (int i = 0; i < count; i++)
			kept |= same_route(&d->routes[k], &n[i]);
		if (!kept) {
			char ns[NS_NAME_MAX];
			struct nl_route r = { 0 };

			agent_ns_name(d, d->routes[k].site[0] ? d->routes[k].site : d->routes[k].vpc, ns);
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

/* ---- the applier's record: what was built, object by object (d->apply_lock) ---- */

/* Where each kind of top-level object lives in a struct doc_desired. */
static const struct record_array {
	size_t array, count, size;
} record_arrays[] = {
	[PLAN_VPC] = { offsetof(struct doc_desired, vpcs), offsetof(struct doc_desired, vpc_count),
		       sizeof(struct doc_vpc) },
	[PLAN_TR] = { offsetof(struct doc_desired, trs), offsetof(struct doc_desired, tr_count),
		      sizeof(struct doc_transit_router) },
	[PLAN_SITE] = { offsetof(struct doc_desired, sites), offsetof(struct doc_desired, site_count),
			sizeof(struct doc_site) },
	[PLAN_HOST] = { offsetof(struct doc_desired, hosts), offsetof(struct doc_desired, host_count),
			sizeof(struct doc_host) },
	[PLAN_ENDPOINT] = { offsetof(struct doc_desired, endpoints), offsetof(struct doc_desired, endpoint_count),
			    sizeof(struct doc_endpoint) },
};

/* The object of kind (PLAN_VPC, _TR, _SITE, _HOST or _ENDPOINT) with that id in d, or NULL. */
static void *record_find(const struct doc_desired *d, enum plan_kind kind, const char *id)
{
	const struct record_array *ra = &record_arrays[kind];

	return (void *)doc_find_id(*(void *const *)((const char *)d + ra->array),
				   *(const int *)((const char *)d + ra->count), ra->size, id);
}

/* Frees what object of kind owns (not object itself). */
static void record_object_free(enum plan_kind kind, void *object)
{
	switch (kind) {
	case PLAN_VPC:
		doc_vpc_free(object);
		break;
	case PLAN_TR:
		doc_tr_free(object);
		break;
	case PLAN_SITE:
		doc_site_free(object);
		break;
	case PLAN_ENDPOINT:
		doc_endpoint_free(object);
		break;
	default: /* a host owns no memory */
		break;
	}
}

/*
 * Puts object of kind into rec in place of the recorded one with its id (freed), else at the end.
 * The record owns object's memory from then on; on failure (out of memory) the caller keeps it.
 */
static int record_put(struct doc_desired *rec, enum plan_kind kind, const void *object)
{
	const struct record_array *ra = &record_arrays[kind];
	const char *id = object; /* a top-level object starts with its id (see doc_find_id) */
	void *slot = record_find(rec, kind, id);

	if (slot != NULL)
		record_object_free(kind, slot);
	else if ((slot = grow((void **)((char *)rec + ra->array), (int *)((char *)rec + ra->count), ra->size)) == NULL)
		return -1;
	memcpy(slot, object, ra->size);
	return 0;
}

/* Records a deep copy of object, a VPC, transit router, site or host as built. */
static int record_object(struct doc_desired *rec, enum plan_kind kind, const void *object)
{
	union {
		struct doc_vpc vpc;
		struct doc_transit_router tr;
		struct doc_site site;
		struct doc_host host;
	} copy;
	int rc = 0;

	switch (kind) {
	case PLAN_VPC:
		rc = doc_vpc_copy(&copy.vpc, object);
		break;
	case PLAN_TR:
		rc = doc_tr_copy(&copy.tr, object);
		break;
	case PLAN_SITE:
		rc = doc_site_copy(&copy.site, object);
		break;
	default:
		copy.host = *(const struct doc_host *)object;
		break;
	}
	if (rc < 0)
		return -1;
	if (record_put(rec, kind, &copy) < 0) {
		record_object_free(kind, &copy);
		return -1;
	}
	return 0;
}

static int record_underlay(struct doc_desired *rec, const struct doc_desired *want, const char *agent_id)
{
	char (*peers)[16] = calloc((size_t)want->peer_count + 1, sizeof(*peers));

	if (peers == NULL)
		return -1;
	if (want->peer_count > 0)
		memcpy(peers, want->peers, sizeof(*peers) * (size_t)want->peer_count);
	free(rec->peers);
	rec->peers = peers;
	rec->peer_count = want->peer_count;
	rec->underlay_vni = want->underlay_vni;
	snprintf(rec->agent_id, sizeof(rec->agent_id), "%s", agent_id);
	return 0;
}

/*
 * Records endpoint ep as built, without tunnels (keep_tunnels false: a new or rebuilt
 * charon has none) or with the tunnels recorded before that ep still has, their IPsec
 * parameters as they were loaded and the rest (faults, checks: just built) from ep.
 */
static int record_endpoint(struct doc_desired *rec, const struct doc_endpoint *ep, bool keep_tunnels)
{
	const struct doc_endpoint *recorded = doc_find_endpoint(rec, ep->id);
	struct doc_endpoint copy = *ep;
	int n = 0;

	copy.tunnels = calloc((size_t)ep->tunnel_count + 1, sizeof(*copy.tunnels));
	if (copy.tunnels == NULL)
		return -1;
	for (int k = 0; keep_tunnels && recorded != NULL && k < recorded->tunnel_count; k++) {
		const struct doc_tunnel *old = &recorded->tunnels[k], *t = doc_find_tunnel(ep, old->name);

		if (t == NULL)
			continue;
		copy.tunnels[n] = *t;
		copy.tunnels[n].ipsec = old->ipsec;
		snprintf(copy.tunnels[n].peer_ip, sizeof(copy.tunnels[n].peer_ip), "%s", old->peer_ip);
		copy.tunnels[n].local_ts_count = old->local_ts_count;
		copy.tunnels[n].remote_ts_count = old->remote_ts_count;
		memcpy(copy.tunnels[n].local_ts, old->local_ts, sizeof(old->local_ts));
		memcpy(copy.tunnels[n].remote_ts, old->remote_ts, sizeof(old->remote_ts));
		n++;
	}
	copy.tunnel_count = n;
	if (record_put(rec, PLAN_ENDPOINT, &copy) < 0) {
		doc_endpoint_free(&copy);
		return -1;
	}
	return 0;
}

static int record_tunnel(struct doc_desired *rec, const char *endpoint, const struct doc_tunnel *t)
{
	struct doc_endpoint *e = record_find(rec, PLAN_ENDPOINT, endpoint);
	struct doc_tunnel *slot;

	if (e == NULL)
		return -1;
	slot = (struct doc_tunnel *)doc_find_tunnel(e, t->name);
	if (slot == NULL && (slot = grow((void **)&e->tunnels, &e->tunnel_count, sizeof(*slot))) == NULL)
		return -1;
	*slot = *t;
	return 0;
}

static void record_forget(struct doc_desired *rec, enum plan_kind kind, const char *id, const char *tunnel)
{
	const struct record_array *ra = &record_arrays[kind];
	char *array, *object;
	int *count;

	if (kind == PLAN_UNDERLAY)
		return;
	if (kind == PLAN_TUNNEL) {
		struct doc_endpoint *e = record_find(rec, PLAN_ENDPOINT, id);
		struct doc_tunnel *t = e != NULL ? (struct doc_tunnel *)doc_find_tunnel(e, tunnel) : NULL;

		if (t != NULL)
			*t = e->tunnels[--e->tunnel_count];
		return;
	}
	if ((object = record_find(rec, kind, id)) == NULL)
		return;
	record_object_free(kind, object);
	/* the last object takes its place */
	array = *(char **)((char *)rec + ra->array);
	count = (int *)((char *)rec + ra->count);
	memmove(object, array + (size_t)--*count * ra->size, ra->size);
}

/* ---- the links of each object: netlink ---- */

static int nl_underlay(struct agent_daemon *d, const struct doc_desired *want, const struct doc_desired *old, char *err)
{
	return build_underlay(d, want, old, err);
}

static int nl_site_fallback(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *ep,
			    char *err)
{
	char ns[NS_NAME_MAX];

	agent_ns_name(d, ep->id, ns);
	return site_fallback_routes(want, ep, ns, err);
}

static void nl_remove(struct agent_daemon *d, const char *object_id)
{
	char ns[NS_NAME_MAX];

	agent_ns_name(d, object_id, ns);
	nl_netns_del(ns, NULL);
}

const struct agent_links_ops agent_links_netlink = {
	.underlay = nl_underlay,
	.vpc = build_vpc,
	.transit_router = build_tr,
	.site = build_site,
	.endpoint = build_endpoint_links,
	.site_fallback = nl_site_fallback,
	.host = build_host,
	.remove = nl_remove,
};

/* ---- the applier ---- */

/*
 * Starts (or adopts) ep's charon unless it runs, publishes it under d->lock, and on a new
 * start unloads what an adopted charon has loaded that ep does not want.
 */
static int ensure_charon(struct agent_daemon *d, const struct doc_endpoint *ep, bool prune, char *err)
{
	struct endpoint_rt *rt = endpoint_rt_find(d, ep->id);
	struct ipsec_instance *in = NULL;
	char ns[NS_NAME_MAX], dir[512], (*names)[IPSEC_NAME_MAX] = NULL;
	int count = 0;

	if (rt != NULL && rt->ipsec != NULL)
		return 0;
	agent_ns_name(d, ep->id, ns);
	state_endpoint_dir(d, ep->id, dir, sizeof(dir));
	{
		/* test hook: a slow charon start (a loaded machine), so a lab test can cut a tunnel
		 * while a push is surely still starting charons */
		const char *delay = getenv("VPNLAB_AGENT_TEST_START_DELAY_MS");

		if (delay != NULL && atoi(delay) > 0)
			usleep((useconds_t)atoi(delay) * 1000);
	}
	{
		/* test hook: endpoint charons (not the preflight's) load this too, so a test can make
		 * them die at start while the backend as such works */
		struct ipsec_instance_cfg cfg = { .ns = ns, .dir = dir, .label = ep->id,
						  .extra_plugins = getenv("VPNLAB_AGENT_TEST_ENDPOINT_PLUGINS") };

		if (d->ipsec->start(&cfg, &in, err) < 0) {
			pthread_mutex_lock(&d->lock);
			rt = endpoint_rt_find(d, ep->id);
			if (rt == NULL)
				rt = endpoint_rt_add(d, ep->id);
			if (rt != NULL)
				charon_died(d, ep, rt, dir, err);
			pthread_mutex_unlock(&d->lock);
			return -1;
		}
	}
	if (prune && d->ipsec->list_tunnels(in, &names, &count, err) < 0)
		goto fail;
	for (int i = 0; i < count; i++) {
		struct ipsec_tunnel_id id = { names[i] };

		if (doc_find_tunnel(ep, names[i]) == NULL && d->ipsec->remove_tunnel(in, &id, err) < 0)
			goto fail;
	}
	free(names);
	pthread_mutex_lock(&d->lock);
	rt = endpoint_rt_find(d, ep->id);
	if (rt == NULL && (rt = endpoint_rt_add(d, ep->id)) == NULL) {
		pthread_mutex_unlock(&d->lock);
		snprintf(err, 256, "out of memory");
		d->ipsec->stop(in);
		return -1;
	}
	rt->ipsec = in;
	rt->start_fail_sig = 0;
	pthread_mutex_unlock(&d->lock);
	return 0;
fail:
	free(names);
	d->ipsec->detach(in);
	return -1;
}

static struct ipsec_instance *charon_of(struct agent_daemon *d, const char *endpoint, char *err)
{
	struct endpoint_rt *rt = endpoint_rt_find(d, endpoint);

	if (rt == NULL || rt->ipsec == NULL) {
		snprintf(err, 256, "endpoint %s has no charon", endpoint);
		return NULL;
	}
	return rt->ipsec;
}

static int apply_endpoint(struct agent_daemon *d, const struct doc_desired *want, const struct plan_op *op,
			  char *err)
{
	struct doc_desired *rec = &d->record;
	const struct doc_endpoint *ep = doc_find_endpoint(want, op->id);
	const struct doc_endpoint *old = doc_find_endpoint(rec, op->id);
	struct endpoint_rt *rt;

	if (op->action == PLAN_DELETE || op->rebuild) {
		if ((rt = endpoint_rt_find(d, op->id)) != NULL)
			endpoint_rt_remove(d, rt, true);
		d->links->remove(d, op->id);
		record_forget(rec, PLAN_ENDPOINT, op->id, NULL);
		if (op->action == PLAN_DELETE)
			return 0;
		old = NULL;
	}
	if (op->action == PLAN_KEEP) {
		/* a sibling device may have come or gone */
		return ep->kind == DOC_EP_SITE_DEVICE ? d->links->site_fallback(d, want, ep, err) : 0;
	}
	if (d->links->endpoint(d, want, ep, old, err) < 0 || ensure_charon(d, ep, old == NULL, err) < 0)
		return -1;
	return record_endpoint(rec, ep, old != NULL);
}

/*
 * Loads a new tunnel.  It is known to the monitor before charon negotiates it, so its log
 * lines are the tunnel's from the first one (the rest of its runtime follows when the pass
 * is published); a load that fails takes that entry back.
 */
static int create_tunnel(struct agent_daemon *d, struct ipsec_instance *in, const struct doc_endpoint *ep,
			 const struct doc_tunnel *t, char *err)
{
	struct ipsec_tunnel_id id = { t->name };
	struct tunnel_rt *rt;
	bool known;

	pthread_mutex_lock(&d->lock);
	known = agent_tunnel_find(d, ep->id, t->name) != NULL;
	rt = tunnel_rt_ensure(d, ep, t);
	pthread_mutex_unlock(&d->lock);
	if (rt == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	if (d->ipsec->add_tunnel(in, &id, t, err) == 0)
		return 0;
	if (!known) {
		pthread_mutex_lock(&d->lock);
		if ((rt = agent_tunnel_find(d, ep->id, t->name)) != NULL)
			*rt = d->tunnels[--d->tunnel_count];
		pthread_mutex_unlock(&d->lock);
	}
	return -1;
}

static int apply_tunnel(struct agent_daemon *d, const struct doc_desired *want, const struct plan_op *op, char *err)
{
	const struct doc_endpoint *ep = doc_find_endpoint(want, op->id);
	const struct doc_tunnel *t = ep ? doc_find_tunnel(ep, op->tunnel) : NULL;
	struct ipsec_tunnel_id id = { op->tunnel };
	struct ipsec_instance *in;

	if (op->action == PLAN_KEEP)
		return record_tunnel(&d->record, op->id, t);
	if ((in = charon_of(d, op->id, err)) == NULL)
		return -1;
	switch (op->action) {
	case PLAN_CREATE:
		if (create_tunnel(d, in, ep, t, err) < 0)
			return -1;
		break;
	case PLAN_UPDATE:
		if (d->ipsec->update_tunnel(in, &id, t, err) < 0)
			return -1;
		break;
	case PLAN_DELETE:
		if (d->ipsec->remove_tunnel(in, &id, err) < 0)
			return -1;
		record_forget(&d->record, PLAN_TUNNEL, op->id, op->tunnel);
		return 0;
	case PLAN_KEEP:
		break;
	}
	return record_tunnel(&d->record, op->id, t);
}

/* Runs one operation and records its outcome.  d->apply_lock held, d->lock not. */
static int apply_op(struct agent_daemon *d, const struct doc_desired *want, const struct plan_op *op, char *err)
{
	struct doc_desired *rec = &d->record;
	const char *oom = "out of memory";
	const void *object, *old;
	int rc;

	if (op->kind == PLAN_ENDPOINT)
		return apply_endpoint(d, want, op, err);
	if (op->kind == PLAN_TUNNEL)
		return apply_tunnel(d, want, op, err);
	if (op->action == PLAN_KEEP)
		return 0;
	if (op->action == PLAN_DELETE) {
		d->links->remove(d, op->id);
		record_forget(rec, op->kind, op->id, NULL);
		return 0;
	}
	if (op->kind == PLAN_UNDERLAY) {
		if (d->links->underlay(d, want, rec, err) < 0)
			return -1;
		return record_underlay(rec, want, d->agent_id) < 0 ? snprintf(err, 256, "%s", oom), -1 : 0;
	}
	object = record_find(want, op->kind, op->id);
	old = record_find(rec, op->kind, op->id);
	switch (op->kind) {
	case PLAN_VPC:
		rc = d->links->vpc(d, object, old, err);
		break;
	case PLAN_TR:
		rc = d->links->transit_router(d, object, old, err);
		break;
	case PLAN_SITE:
		rc = d->links->site(d, object, old, err);
		break;
	case PLAN_HOST:
		rc = d->links->host(d, object, old, err);
		break;
	default:
		return 0;
	}
	if (rc < 0)
		return -1;
	return record_object(rec, op->kind, object) < 0 ? snprintf(err, 256, "%s", oom), -1 : 0;
}

int agent_reconcile(struct agent_daemon *d, struct doc_desired *want, char *err)
{
	struct plan plan;
	char text[512];
	int rc = -1;

	err[0] = '\0';
	pthread_mutex_lock(&d->apply_lock);
	pthread_mutex_lock(&d->lock);
	d->applying = want->generation;
	pthread_mutex_unlock(&d->lock);
	if (reconcile_plan(&d->record, want, &plan) < 0) {
		snprintf(err, 256, "out of memory");
		goto out;
	}
	agent_log("generation %lld: %s", (long long)want->generation,
		  plan_format(&plan, false, text, sizeof(text))[0] ? text : "nothing to change");
	for (int i = 0; i < plan.count; i++) {
		bool first_endpoint_delete = plan.ops[i].kind == PLAN_ENDPOINT && plan.ops[i].action == PLAN_DELETE &&
					     (i == 0 || plan.ops[i - 1].kind != PLAN_ENDPOINT ||
					      plan.ops[i - 1].action != PLAN_DELETE);

		if (first_endpoint_delete)
			stop_deleted_charons(d, &plan);
		if (apply_op(d, want, &plan.ops[i], err) < 0) {
			char what[200];

			snprintf(what, sizeof(what), "%s %s %s%s%s", plan_action_name(plan.ops[i].action),
				 plan_kind_name(plan.ops[i].kind), plan.ops[i].id, plan.ops[i].tunnel[0] ? "/" : "",
				 plan.ops[i].tunnel);
			/* the error names the object when the builder did not */
			if (strstr(err, plan.ops[i].id) == NULL) {
				char full[480];
				size_t n = (size_t)snprintf(full, sizeof(full), "%s: %s", what, err);

				n = n < 255 ? n : 255;
				memcpy(err, full, n);
				err[n] = '\0';
			}
			goto out;
		}
	}
	/* published at once: the monitor takes over the new tunnels and routes */
	pthread_mutex_lock(&d->lock);
	if (sync_tunnels(d, want, err) < 0 || sync_routes(d, want, err) < 0) {
		pthread_mutex_unlock(&d->lock);
		goto out;
	}
	doc_free(&d->applied);
	d->applied = *want;
	memset(want, 0, sizeof(*want));
	d->have_applied = true;
	agent_routes_update(d);
	d->status_dirty = true;
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
	/* d->applied changes only under apply_lock, which this pass holds */
	tr_finish_rules(d, &plan);
	rc = 0;
out:
	plan_free(&plan);
	pthread_mutex_lock(&d->lock);
	d->applying = 0;
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_unlock(&d->apply_lock);
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

	pthread_mutex_lock(&d->apply_lock);
	endpoints_rt_remove_all(d, stop);
	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < d->tunnel_count; i++) {
		char key[HEALTH_KEY_MAX];

		agent_health_key(d->tunnels[i].endpoint, d->tunnels[i].name, key);
		health_remove(d->health, key);
	}
	if (stop) {
		/* the record: everything built, a half-done pass's objects too */
		const struct doc_desired *a = &d->record;

		for (int i = 0; i < a->host_count; i++)
			agent_ns_name(d, a->hosts[i].id, ns), nl_netns_del(ns, NULL);
		for (int i = 0; i < a->endpoint_count; i++)
			agent_ns_name(d, a->endpoints[i].id, ns), nl_netns_del(ns, NULL);
		for (int i = 0; i < a->tr_count; i++)
			agent_ns_name(d, a->trs[i].id, ns), nl_netns_del(ns, NULL);
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
	doc_free(&d->record);
	pthread_mutex_unlock(&d->apply_lock);
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

/* The pid in dir's charon.pid when that process is still a charon, else 0. */
static pid_t charon_of_dir(const char *dir)
{
	char path[900], cmdline[256] = "";
	FILE *f;
	long pid = 0;
	size_t n;

	snprintf(path, sizeof(path), "%s/charon.pid", dir);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if (pid <= 1 || (f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(cmdline, 1, sizeof(cmdline) - 1, f);
	cmdline[n] = '\0';
	fclose(f);
	/* a pid reused by something else is left alone */
	return strstr(cmdline, "charon") != NULL ? (pid_t)pid : 0;
}

/* Whether any directory of dirs still has its charon running. */
static bool any_charon_left(char **dirs, int count)
{
	for (int i = 0; i < count; i++)
		if (charon_of_dir(dirs[i]) > 0)
			return true;
	return false;
}

/*
 * Stops the charons whose pid files are in dirs together: SIGTERM to all, one shared wait
 * of up to 3 s, SIGKILL to the stragglers (each pid checked again first), so that many
 * take about as long as one; then removes the directories.
 */
static void stop_charon_dirs(char **dirs, int count)
{
	pid_t pid;

	for (int i = 0; i < count; i++)
		if ((pid = charon_of_dir(dirs[i])) > 0)
			kill(pid, SIGTERM);
	for (int i = 0; i < 150 && any_charon_left(dirs, count); i++)
		usleep(20000);
	for (int i = 0; i < count; i++)
		if ((pid = charon_of_dir(dirs[i])) > 0)
			kill(pid, SIGKILL);
	for (int i = 0; i < 50 && any_charon_left(dirs, count); i++)
		usleep(20000);
	for (int i = 0; i < count; i++)
		nftw(dirs[i], remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int agent_cleanup_leftovers(struct agent_daemon *d)
{
	char **names = NULL, **dirs = NULL, prefix[32], err[NL_ERR_MAX], dir[512];
	int count = 0, dir_count = 0;
	DIR *dp;
	struct dirent *e;

	/* charons first, by their pid files: they may outlive namespaces nobody can see */
	snprintf(dir, sizeof(dir), "%s/endpoints", d->opt.state_dir);
	if ((dp = opendir(dir)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			char **more;

			if (e->d_name[0] == '.')
				continue;
			if ((more = realloc(dirs, sizeof(*dirs) * (size_t)(dir_count + 1))) == NULL)
				break;
			dirs = more;
			if (asprintf(&dirs[dir_count], "%s/%s", dir, e->d_name) < 0)
				break;
			dir_count++;
		}
		closedir(dp);
	}
	stop_charon_dirs(dirs, dir_count);
	for (int i = 0; i < dir_count; i++)
		free(dirs[i]);
	free(dirs);
	snprintf(prefix, sizeof(prefix), "%s-", d->ns_prefix);
	if (nl_netns_list(prefix, &names, &count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		nl_netns_del(names[i], NULL);
	nl_names_free(names, count);
	return 0;
}
