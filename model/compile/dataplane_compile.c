/*
 * The desired-state compiler: one agent's complete document from the whole model.  Placement
 * rules are in dataplane_compile.h; what each member means is in
 * schema/agent-document.schema.json.  The compiler reads every account: it loads rows with
 * the model's own getters through a model_ctx per owner (account and region of the row), so
 * defaults and derived values are exactly what the API shows.  It reads other modules' tables
 * only through their typed readers, except where the join is the point: the four join_*
 * functions below, each with its own row struct.
 *
 * Everything is ordered (agents by registration, resources by creation, routes by
 * destination, next hops by weight then name) so the same model gives the same document,
 * byte for byte: the pusher compares hashes to decide whether to push.
 */
#include "dataplane_compile.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "catalog.h"
#include "cidr.h"
#include "json_fields.h"
#include "lab.h"
#include "pbr_policy.h"
#include "query.h"
#include "route_entry.h"
#include "route_table.h"
#include "row_read.h"
#include "tr_attachment.h"
#include "tr_route.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

#define ROUTE_HOPS_MAX 16 /* the schema's nexthops maxItems */
#define WEIGHT_ACTIVE 100
#define WEIGHT_STANDBY 0

struct dp_agent {
	char id[64];
	char zones[1024]; /* comma-separated; "" = every zone (with zone_index 0) */
	int zone_index;	  /* also the zone at this position (1-based) of every region; 0 none */
	bool cloud, site;
	char underlay_ip[16];
	char url[256];
};

struct compiler {
	struct model_ctx *m;
	struct vl_err *err;
	struct dp_agent *agents;
	int agent_count;
	int self;	   /* index of the agent compiled for */
	int site_agent;	   /* index of the agent that hosts every site, -1 none */
	bool any_cloud;	   /* some agent hosts gateways: every gateway is placed */
	json_t *faults;	   /* set: "<connection>/<tunnel>" ("" tunnel: all) */
	json_t *devices;   /* customer gateway ID of each site device → its LAN address, false if unplaced */
	json_t *shared;	   /* VPN gateway ID → set of "<connection>/<tunnel>" on a shared path (shared_paths) */
	json_t *vpcs, *endpoints, *sites, *hosts;
	struct tr_build *trs; /* every transit router with an attachment, placed (load_trs) */
	int tr_count;
	json_t *trs_json;     /* the document's transit_routers */
};

/* The model context of a row's owner: the compiler reads every account. */
static struct model_ctx owner_ctx(const struct compiler *c, const char *account, const char *region)
{
	struct model_ctx o = *c->m;

	o.account = account;
	o.region = region;
	return o;
}

static int store_failed(struct compiler *c)
{
	return model_store_error(c->m, c->err);
}

static bool in_comma_list(const char *list, const char *item)
{
	size_t n = strlen(item);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, item, n) == 0)
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

/* ---- placement ---- */

static int load_agents(struct compiler *c)
{
	struct agent *list = NULL;
	int count = 0;

	if (agent_list_by_registration(c->m, &list, &count, c->err) < 0)
		return -1;
	if (count > 0 && (c->agents = calloc((size_t)count, sizeof(*c->agents))) == NULL) {
		free(list);
		return vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
	}
	for (int i = 0; i < count; i++) {
		struct dp_agent *a = &c->agents[i];

		model_copy(a->id, sizeof(a->id), list[i].agent_id);
		model_copy(a->zones, sizeof(a->zones), list[i].zones);
		a->cloud = in_comma_list(list[i].roles, "cloud");
		a->site = in_comma_list(list[i].roles, "site");
		model_copy(a->underlay_ip, sizeof(a->underlay_ip), list[i].underlay_ip);
		model_copy(a->url, sizeof(a->url), list[i].url);
		a->zone_index = list[i].zone_index;
	}
	c->agent_count = count;
	free(list);
	c->site_agent = -1;
	for (int i = 0; i < c->agent_count; i++) {
		c->any_cloud = c->any_cloud || c->agents[i].cloud;
		if (c->site_agent < 0 && c->agents[i].site)
			c->site_agent = i;
	}
	return 0;
}

/* zone's position (1-based) in its region's DescribeZones list; 0 when the catalogue has none. */
static int zone_position(const struct compiler *c, const char *zone)
{
	const struct catalog *cat = c->m->cfg ? c->m->cfg->catalog : NULL;

	for (int r = 0; cat && r < cat->region_count; r++)
		for (int z = 0; z < cat->regions[r].zone_count; z++)
			if (strcmp(cat->regions[r].zones[z].zone_id, zone) == 0)
				return z + 1;
	return 0;
}

/* The cloud agent that builds what sits in zone (see the header); -1 when none. */
static int place_zone(const struct compiler *c, const char *zone)
{
	int first = -1, every = -1, position = zone[0] ? zone_position(c, zone) : 0;

	for (int i = 0; i < c->agent_count; i++) {
		const struct dp_agent *a = &c->agents[i];

		if (!a->cloud)
			continue;
		if (first < 0)
			first = i;
		if (zone[0] && (in_comma_list(a->zones, zone) || (position > 0 && a->zone_index == position)))
			return i;
		if (a->zones[0] == '\0' && a->zone_index == 0 && every < 0)
			every = i;
	}
	return every >= 0 ? every : first;
}

/* ---- shared state ---- */

static void fault_key(char *buf, size_t size, const char *conn, const char *tunnel)
{
	snprintf(buf, size, "%s/%s", conn, tunnel ? tunnel : "");
}

static bool is_cut(const struct compiler *c, const char *conn, const char *tunnel)
{
	char key[160];

	fault_key(key, sizeof(key), conn, "");
	if (json_object_get(c->faults, key))
		return true;
	fault_key(key, sizeof(key), conn, tunnel);
	return tunnel && *tunnel && json_object_get(c->faults, key) != NULL;
}

static int load_faults(struct compiler *c)
{
	struct lab_fault *faults = NULL;
	int count = 0;
	char key[160];

	if (lab_fault_list_all(c->m, &faults, &count, c->err) < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		fault_key(key, sizeof(key), faults[i].vpn_connection_id, faults[i].tunnel_id);
		json_object_set_new(c->faults, key, json_true());
	}
	free(faults);
	return 0;
}

/* ---- the compiler's joins: rows whose meaning is the join ---- */

/* A lab site device with its customer gateway's public address. */
struct site_device {
	char customer_gateway_id[64];
	char site_id[64];
	int device_index;
	char lan_ip[16];
	char public_ip[16];
};

static void fill_site_device(struct store_stmt *stmt, void *row)
{
	struct site_device *d = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(d->customer_gateway_id), ROW_TEXT(d->site_id)));
	d->device_index = (int)stmt_int64(stmt, 2);
	row_read_columns_at(stmt, 3, ROW_COLUMNS(ROW_TEXT(d->lan_ip), ROW_TEXT(d->public_ip)));
}

/*
 * The devices of site site_id (NULL: of every site) whose customer gateway exists, by device
 * index, into *out (malloc'd, caller frees) and *count.  0, or -1 with c->err set.
 */
static int join_site_devices(struct compiler *c, const char *site_id, struct site_device **out, int *count)
{
	return model_collect(c->m,
			     "SELECT d.customer_gateway_id, d.site_id, d.device_index, d.lan_ip, g.ip_address"
			     " FROM lab_site_devices d"
			     " JOIN customer_gateways g ON g.customer_gateway_id=d.customer_gateway_id"
			     " WHERE ?1 IS NULL OR d.site_id=?1 ORDER BY d.site_id, d.device_index",
			     site_id, sizeof(**out), fill_site_device, (void **)out, count, c->err);
}

/* A VPC the compiler builds. */
struct vpc_to_build {
	char vpc_id[64];
	char cidr_block[20];
};

static void fill_vpc_to_build(struct store_stmt *stmt, void *row)
{
	struct vpc_to_build *r = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(r->vpc_id), ROW_TEXT(r->cidr_block)));
}

/*
 * The VPCs with something to build, by creation: a VPN gateway (not an unpaid one), a lab
 * host in one of their vSwitches, or a transit router attachment.  0, or -1 with c->err set.
 */
static int join_vpcs_to_build(struct compiler *c, struct vpc_to_build **out, int *count)
{
	return model_collect(c->m,
			     "SELECT v.vpc_id, v.cidr_block FROM vpcs v WHERE"
			     " EXISTS (SELECT 1 FROM vpn_gateways g WHERE g.vpc_id=v.vpc_id AND g.status<>'init')"
			     " OR EXISTS (SELECT 1 FROM lab_hosts h JOIN vswitches s ON s.vswitch_id=h.vswitch_id"
			     " WHERE s.vpc_id=v.vpc_id)"
			     " OR EXISTS (SELECT 1 FROM tr_attachments a WHERE a.resource_type='VPC'"
			     " AND a.resource_id=v.vpc_id AND a.status='Attached') ORDER BY v.created_ms, v.seq",
			     NULL, sizeof(**out), fill_vpc_to_build, (void **)out, count, c->err);
}

/* A lab host in a vSwitch. */
struct vpc_host {
	char host_id[64];
	char vswitch_id[64];
	char ip_address[16];
};

static void fill_vpc_host(struct store_stmt *stmt, void *row)
{
	struct vpc_host *r = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(r->host_id), ROW_TEXT(r->vswitch_id),
			ROW_TEXT(r->ip_address)));
}

/* The lab hosts in the vSwitches of VPC vpc_id, by creation.  0, or -1 with c->err set. */
static int join_hosts_in_vpc(struct compiler *c, const char *vpc_id, struct vpc_host **out, int *count)
{
	return model_collect(c->m,
			     "SELECT h.host_id, h.vswitch_id, h.ip_address FROM lab_hosts h"
			     " JOIN vswitches s ON s.vswitch_id=h.vswitch_id WHERE s.vpc_id=?"
			     " ORDER BY h.created_ms, h.seq",
			     vpc_id, sizeof(**out), fill_vpc_host, (void **)out, count, c->err);
}

/* A connection a site device terminates, and its owner. */
struct device_connection {
	char vpn_connection_id[64];
	char account[64];
	char region[64];
};

static void fill_device_connection(struct store_stmt *stmt, void *row)
{
	struct device_connection *r = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(r->vpn_connection_id), ROW_TEXT(r->account),
			ROW_TEXT(r->region)));
}

/*
 * The connections of paid gateways, and those attached to transit routers, that use customer
 * gateway cgw_id (as the connection's or as one of its tunnels'), by creation, with their
 * owners.  0, or -1 with c->err set.
 */
static int join_device_connections(struct compiler *c, const char *cgw_id, struct device_connection **out,
				   int *count)
{
	return model_collect(c->m,
			     "SELECT c.vpn_connection_id, c.account, c.region FROM vpn_connections c"
			     " LEFT JOIN vpn_gateways g ON g.vpn_gateway_id=c.vpn_gateway_id WHERE"
			     " (g.status<>'init' OR (g.vpn_gateway_id IS NULL AND c.transit_router_id<>'' AND EXISTS"
			     " (SELECT 1 FROM tr_attachments a WHERE a.resource_id=c.vpn_connection_id"
			     " AND a.status='Attached'))) AND (c.customer_gateway_id=?1 OR EXISTS (SELECT 1 FROM vpn_connection_tunnels t"
			     " WHERE t.vpn_connection_id=c.vpn_connection_id AND t.customer_gateway_id=?1))"
			     " ORDER BY c.created_ms, c.seq",
			     cgw_id, sizeof(**out), fill_device_connection, (void **)out, count, c->err);
}

/*
 * Customer gateways that are lab site devices: their LAN address when placed (a site agent
 * exists), false when not; a customer gateway no site claims is not in the map (the user's
 * own device).
 */
static int load_devices(struct compiler *c)
{
	struct site_device *devs = NULL;
	int count = 0;

	if (join_site_devices(c, NULL, &devs, &count) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		json_object_set_new(c->devices, devs[i].customer_gateway_id,
				    c->site_agent >= 0 ? json_string(devs[i].lan_ip) : json_false());
	free(devs);
	return 0;
}

/* "a/b,c/d" as a JSON array of its CIDRs. */
static json_t *cidr_list(const char *list)
{
	json_t *a = json_array();

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len > 0)
			json_array_append_new(a, json_stringn(p, len));
		p += len;
		if (*p == ',')
			p++;
	}
	return a;
}

static json_t *lan_json(const char *vpc, const char *vswitch, const char *site, const char *ip, int prefix,
			const char *gateway)
{
	json_t *o = json_object();

	if (vpc)
		json_put_str(o, "vpc", vpc);
	if (vswitch)
		json_put_str(o, "vswitch", vswitch);
	if (site)
		json_put_str(o, "site", site);
	json_put_str(o, "ip", ip);
	json_put_int(o, "prefix", prefix);
	if (gateway && *gateway)
		json_put_str(o, "gateway", gateway);
	return o;
}

static int cidr_prefix(const char *text)
{
	struct cidr x;

	return cidr_parse(text, &x) ? x.prefix_len : 32;
}

static bool ip_in_list(const char *ip, const char *list)
{
	struct cidr host = { .prefix_len = 32 }, block;
	char one[24];

	if (!ipv4_parse(ip, &host.addr))
		return false;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");

		if (len > 0 && len < sizeof(one)) {
			memcpy(one, p, len);
			one[len] = '\0';
			if (cidr_parse(one, &block) && cidr_contains(&block, &host))
				return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool lists_overlap(const char *a, const char *b)
{
	char x[24], y[24];
	struct cidr cx, cy;

	for (const char *p = a; *p;) {
		size_t n = strcspn(p, ",");

		if (n > 0 && n < sizeof(x)) {
			memcpy(x, p, n);
			x[n] = '\0';
			for (const char *q = b; cidr_parse(x, &cx) && *q;) {
				size_t m = strcspn(q, ",");

				if (m > 0 && m < sizeof(y)) {
					memcpy(y, q, m);
					y[m] = '\0';
					if (cidr_parse(y, &cy) && cidr_overlaps(&cx, &cy))
						return true;
				}
				q += m;
				if (*q == ',')
					q++;
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

/*
 * The tunnels of VPN gateway gw_id (its owner's model_ctx gm) that share a gateway endpoint
 * with another tunnel whose RemoteSubnet overlaps theirs (ECMP or active/standby toward one
 * branch block): a probe toward one of them leaves through whichever SA the endpoint's
 * policies prefer, so its replies say nothing about that tunnel, and its branch device would
 * miss the probes it expects.  Those get no liveness probe (a health check or DPD decides).
 * A set of "<connection>/<tunnel>" owned by c->shared (computed once per gateway, the same
 * for the gateway's and the branches' documents); NULL on a failure (c->err set).
 */
static const json_t *shared_paths(struct compiler *c, struct model_ctx *gm, const char *gw_id)
{
	struct vpn_connection *conn = NULL;
	struct vpn_connection_config *cfg = NULL;
	struct model_id *ids = NULL;
	struct tunnel_path {
		char local_addr[16];
		const char *remote_subnet; /* into subnets */
		char key[200];
	} *paths = NULL;
	json_t *set = json_object_get(c->shared, gw_id), *subnets = NULL;
	int id_count = 0, path_count = 0, path_cap = 0;

	if (set != NULL)
		return set;
	conn = malloc(sizeof(*conn));
	cfg = malloc(sizeof(*cfg));
	subnets = json_array(); /* owns the RemoteSubnet text of every path */
	if (conn == NULL || cfg == NULL || subnets == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpn_connection_ids_in_gateway(gm, gw_id, &ids, &id_count, c->err) < 0)
		goto out;
	for (int i = 0; i < id_count; i++) {
		json_t *subnet;

		if (vpn_connection_get(gm, ids[i].id, conn, c->err) < 0 ||
		    vpn_connection_config_build_gateway_side(gm, conn, cfg, c->err) < 0)
			goto out;
		if ((subnet = json_string(cfg->remote_subnet)) == NULL || json_array_append_new(subnets, subnet) < 0) {
			vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		for (int t = 0; t < cfg->tunnel_count; t++) {
			struct tunnel_path *p;

			if (path_count == path_cap) {
				int cap = path_cap ? path_cap * 2 : 8;
				struct tunnel_path *grown = realloc(paths, (size_t)cap * sizeof(*grown));

				if (grown == NULL) {
					vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
					goto out;
				}
				paths = grown;
				path_cap = cap;
			}
			p = &paths[path_count++];
			model_copy(p->local_addr, sizeof(p->local_addr), cfg->tunnels[t].local_addr);
			p->remote_subnet = json_string_value(subnet);
			snprintf(p->key, sizeof(p->key), "%s/%s", conn->vpn_connection_id,
				 vpn_connection_config_tunnel_name(cfg, t));
		}
	}
	set = json_object();
	for (int a = 0; a < path_count; a++)
		for (int b = a + 1; b < path_count; b++) {
			const struct tunnel_path *x = &paths[a], *y = &paths[b];

			if (strcmp(x->local_addr, y->local_addr) == 0 &&
			    lists_overlap(x->remote_subnet, y->remote_subnet)) {
				json_object_set_new(set, x->key, json_true());
				json_object_set_new(set, y->key, json_true());
			}
		}
	json_object_set_new(c->shared, gw_id, set);
out:
	free(ids);
	free(paths);
	json_decref(subnets);
	free(conn);
	free(cfg);
	return set;
}

/*
 * The cloud side's liveness probe of one tunnel: from the gateway endpoint's own LAN address
 * to the site device's, through the tunnel, both ends told the same timing (the device's
 * tunnel tracking expects the probes).  Only when both addresses lie within the tunnel's
 * selectors, the tunnel's path is its own (not shared: see shared_paths), the connection
 * has no health check of its own (which then does the job), and the server has probes on.
 * NULL otherwise.
 */
static json_t *liveness_json(const struct compiler *c, const struct vpn_connection *conn, const char *gateway_lan_ip,
			     const char *device_lan_ip, const char *vpc_side_ts, const char *branch_side_ts, bool shared)
{
	const struct model_config *cfg = c->m->cfg;

	if (cfg == NULL || cfg->liveness_interval_ms <= 0 || conn->health_check.enable || shared || gateway_lan_ip == NULL ||
	    device_lan_ip == NULL || !ip_in_list(gateway_lan_ip, vpc_side_ts) ||
	    !ip_in_list(device_lan_ip, branch_side_ts))
		return NULL;
	return json_pack("{s:s, s:s, s:i, s:i}", "sip", gateway_lan_ip, "dip", device_lan_ip, "interval_ms",
			 cfg->liveness_interval_ms, "retry", cfg->liveness_retry);
}

static json_t *proposal_json(const char *enc, const char *integ, const char *dh_group)
{
	const char *dh = strcmp(dh_group, "disabled") == 0 ? "none" : vpn_connection_config_swan_dh(dh_group);

	return json_pack("{s:s, s:s, s:s}", "enc", vpn_connection_config_swan_enc(enc) ? vpn_connection_config_swan_enc(enc) : "",
			 "integ", integ, "dh", dh ? dh : "");
}

/*
 * The IKE/IPsec parameters of tunnel i of cfg, as this end negotiates them: what the
 * customer's text says (LabDownloadCustomerSwanctlConfig renders the same configuration),
 * the gateway side as a responder that rekeys after the branch would.
 */
static json_t *ipsec_json(const struct vpn_connection_config *cfg, int i)
{
	const struct vpn_connection_config_tunnel *t = &cfg->tunnels[i];

	return json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:i, s:s, s:o, s:I, s:I}, s:{s:o, s:I, s:I}, s:i, s:b, s:b, s:b}", "local_ip",
		t->local_addr, "local_id", t->ike.local_id[0] ? t->ike.local_id : t->local_addr, "remote_id",
		t->ike.remote_id[0] ? t->ike.remote_id : t->remote_addr, "psk", t->ike.psk, "ike", "version",
		strcmp(t->ike.ike_version, "ikev1") == 0 ? 1 : 2, "mode",
		strcmp(t->ike.ike_version, "ikev1") == 0 && strcmp(t->ike.ike_mode, "aggressive") == 0 ? "aggressive"
													  : "main",
		"proposal", proposal_json(t->ike.ike_enc_alg, t->ike.ike_auth_alg, t->ike.ike_pfs), "rekey_s",
		(json_int_t)vpn_connection_config_rekey_s(cfg, t->ike.ike_lifetime), "lifetime_s",
		(json_int_t)t->ike.ike_lifetime, "esp", "proposal",
		proposal_json(t->ipsec.enc_alg, t->ipsec.auth_alg, t->ipsec.pfs), "rekey_s",
		(json_int_t)vpn_connection_config_rekey_s(cfg, t->ipsec.lifetime), "lifetime_s",
		(json_int_t)t->ipsec.lifetime, "dpd_delay_s", vpn_connection_config_dpd_delay_s(cfg, i), "nat_traversal",
		t->enable_nat_traversal, "initiator", !cfg->gateway_side, "standby", cfg->gateway_side && t->standby);
}

/*
 * One tunnel entry of an endpoint.  t is the tunnel as this end negotiates it (local = this
 * end); local_ts/remote_ts are this end's selectors.  gateway_lan_ip/device_lan_ip: the LAN
 * addresses of the two ends when both are built (NULL: no liveness probe).
 */
static json_t *tunnel_json(const struct compiler *c, const struct vpn_connection *conn,
			   const struct vpn_connection_config *cfg, int i, const char *gateway_lan_ip,
			   const char *device_lan_ip, const json_t *shared)
{
	const struct vpn_connection_config_tunnel *t = &cfg->tunnels[i];
	const struct ipsec_health_check *hc = &conn->health_check;
	json_t *o = json_object(), *liveness;
	char key[200];
	bool on_shared_path;

	snprintf(key, sizeof(key), "%s/%s", conn->vpn_connection_id, vpn_connection_config_tunnel_name(cfg, i));
	on_shared_path = json_object_get(shared, key) != NULL;

	json_put_str(o, "name", vpn_connection_config_tunnel_name(cfg, i));
	json_put_str(o, "connection_id", conn->vpn_connection_id);
	if (cfg->dual_tunnel)
		json_put_str(o, "tunnel_id", t->tunnel_id);
	json_put_str(o, "role", cfg->dual_tunnel ? t->role : "single");
	json_put_str(o, "peer_ip", t->remote_addr);
	json_object_set_new_nocheck(o, "local_ts", cidr_list(cfg->local_subnet));
	json_object_set_new_nocheck(o, "remote_ts", cidr_list(cfg->remote_subnet));
	json_object_set_new_nocheck(o, "ipsec", ipsec_json(cfg, i));
	if (hc->enable) {
		json_t *h = json_object();

		json_put_fields(h, JSON_FIELDS(JSON_BOOL("enable", true), JSON_TEXT("sip", hc->sip),
				JSON_TEXT("dip", hc->dip), JSON_INT("interval", hc->interval),
				JSON_INT("retry", hc->retry)));
		json_object_set_new_nocheck(o, "health_check", h);
	}
	liveness = cfg->gateway_side ? liveness_json(c, conn, gateway_lan_ip, device_lan_ip, cfg->local_subnet,
						     cfg->remote_subnet, on_shared_path)
				     : liveness_json(c, conn, gateway_lan_ip, device_lan_ip, cfg->remote_subnet,
						     cfg->local_subnet, on_shared_path);
	if (liveness)
		json_object_set_new_nocheck(o, "liveness", liveness);
	json_put_bool(o, "cut", is_cut(c, conn->vpn_connection_id, t->tunnel_id));
	return o;
}

/* An endpoint under construction: its object and the entries of the tunnels it terminates. */
struct endpoint {
	json_t *json;
	json_t *tunnels;
};

static void endpoint_init(struct endpoint *e, const char *id, const char *kind, const char *public_ip, json_t *lan)
{
	memset(e, 0, sizeof(*e));
	e->json = json_object();
	e->tunnels = json_array();
	json_put_str(e->json, "id", id);
	json_put_str(e->json, "kind", kind);
	json_put_str(e->json, "public_ip", public_ip);
	json_object_set_new_nocheck(e->json, "lan", lan);
}

/*
 * Adds tunnel i of cfg to e; the LAN addresses of both ends and the gateway's shared paths
 * as tunnel_json takes them.
 * 0 or -1 (out of memory).
 */
static int endpoint_add(const struct compiler *c, struct endpoint *e, const struct vpn_connection *conn,
			const struct vpn_connection_config *cfg, int i, const char *gateway_lan_ip,
			const char *device_lan_ip, const json_t *shared)
{
	json_t *t = tunnel_json(c, conn, cfg, i, gateway_lan_ip, device_lan_ip, shared);

	return t != NULL && json_array_append_new(e->tunnels, t) == 0 ? 0 : -1;
}

/* Appends the finished endpoint to the document.  0 or -1 with err. */
static int endpoint_finish(struct compiler *c, struct endpoint *e)
{
	if (json_object_set(e->json, "tunnels", e->tunnels) < 0 || json_array_append(c->endpoints, e->json) < 0)
		return vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
	return 0;
}

static void endpoint_free(struct endpoint *e)
{
	json_decref(e->json);
	json_decref(e->tunnels);
	memset(e, 0, sizeof(*e));
}

/* ---- transit routers ---- */

/*
 * A transit router is built by one cloud agent: the one that builds the vSwitch of its first
 * VPC attachment's first zone mapping (its VPC links are veths into that VPC router's
 * vSwitches, so they must be on the same machine), else the zone-less placement (the
 * every-zone agent, else the first cloud agent).
 *
 * Each VPN attachment gets a link: a /29 of 100.96.0.0/11 (TR_LINK_*) chosen by a hash of
 * the attachment's ID (the next free slot on a collision within the router, attachments
 * in creation order), so a document keeps its addresses while other attachments come and
 * go.  The router has the first address, the connection's endpoints the next ones (one
 * endpoint per public address: two for a dual-tunnel connection).
 */
#define TR_LINK_BASE 0x64600000u  /* 100.96.0.0 */
#define TR_LINK_SLOTS (1u << 18) /* /29s in the /11 */
#define TR_LINK_PREFIX 29
#define TR_TABLE_BASE 2000	 /* kernel table of the router's N-th route table: TR_TABLE_BASE + N */
#define TR_TABLE_LAST 2999

struct tr_att {
	struct tr_attachment_dataplane a;
	char table_id[64];		    /* its Active association's table, "" none */
	uint32_t link;			    /* VPN: its link's network address (host order), 0 none */
	struct tr_attachment_interface *ifs; /* VPC: its interfaces */
	int if_count;
	char (*if_gateway)[16]; /* VPC: the vSwitch gateway address of each interface */
	int *if_prefix;
	int *if_agent;		/* VPC: the agent that builds each interface's vSwitch */
	uint32_t *if_vni;	/* VPC: the VNI of each interface's stretched link (tr_stretch_vnis), 0 none */
};

struct tr_build {
	struct transit_router_owner owner;
	int agent; /* the cloud agent that builds it, -1 none */
	struct tr_att *atts;
	int att_count;
	struct model_id *tables;
	int table_count;
};

static void tr_build_free(struct tr_build *t)
{
	for (int i = 0; i < t->att_count; i++) {
		free(t->atts[i].ifs);
		free(t->atts[i].if_gateway);
		free(t->atts[i].if_prefix);
		free(t->atts[i].if_agent);
		free(t->atts[i].if_vni);
	}
	free(t->atts);
	free(t->tables);
	memset(t, 0, sizeof(*t));
}

static void ip_text(uint32_t addr, char *out, size_t size)
{
	snprintf(out, size, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
}

static uint32_t tr_link_slot(const char *attachment_id)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)attachment_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % TR_LINK_SLOTS;
}

/* Loads transit router owner (attachments, interfaces, associations, tables) and places it. */
static int tr_load(struct compiler *c, const struct transit_router_owner *owner, struct tr_build *t)
{
	struct model_ctx om = owner_ctx(c, owner->account, owner->region);
	struct tr_attachment_dataplane *rows = NULL;
	int count = 0, rc = -1;

	memset(t, 0, sizeof(*t));
	t->owner = *owner;
	t->agent = -1;
	if (tr_attachment_dataplane_list(c->m, owner->transit_router_id, &rows, &count, c->err) < 0)
		goto out;
	if ((t->atts = calloc((size_t)count + 1, sizeof(*t->atts))) == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	for (int i = 0; i < count; i++) {
		struct tr_att *a = &t->atts[t->att_count++];
		struct model_ctx am = owner_ctx(c, rows[i].account, rows[i].region);

		a->a = rows[i];
		if (tr_route_active_association(c->m, a->a.attachment_id, a->table_id, c->err) < 0)
			goto out;
		if (strcmp(a->a.resource_type, "VPN") == 0) {
			uint32_t slot = tr_link_slot(a->a.attachment_id);

			/* the next free slot: addresses are only unique within one router */
			for (bool taken = true; taken;) {
				taken = false;
				for (int k = 0; k < t->att_count - 1; k++)
					taken |= t->atts[k].link == TR_LINK_BASE + slot * 8u;
				if (taken)
					slot = (slot + 1) % TR_LINK_SLOTS;
			}
			a->link = TR_LINK_BASE + slot * 8u;
			continue;
		}
		if (tr_attachment_interfaces(c->m, a->a.attachment_id, &a->ifs, &a->if_count, c->err) < 0)
			goto out;
		a->if_gateway = calloc((size_t)a->if_count + 1, sizeof(*a->if_gateway));
		a->if_prefix = calloc((size_t)a->if_count + 1, sizeof(*a->if_prefix));
		a->if_agent = calloc((size_t)a->if_count + 1, sizeof(*a->if_agent));
		a->if_vni = calloc((size_t)a->if_count + 1, sizeof(*a->if_vni));
		if (a->if_gateway == NULL || a->if_prefix == NULL || a->if_agent == NULL || a->if_vni == NULL) {
			vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		for (int k = 0; k < a->if_count; k++) {
			struct vswitch vsw;

			if (vswitch_get(&am, a->ifs[k].vswitch_id, &vsw, c->err) < 0)
				goto out;
			lab_vswitch_gateway_ip(vsw.cidr_block, a->if_gateway[k], sizeof(a->if_gateway[k]));
			a->if_prefix[k] = cidr_prefix(vsw.cidr_block);
			a->if_agent[k] = place_zone(c, vsw.zone_id);
			if (t->agent < 0)
				t->agent = a->if_agent[k];
		}
	}
	if (t->agent < 0)
		t->agent = place_zone(c, "");
	if (tr_route_table_ids_of_router(&om, owner->transit_router_id, &t->tables, &t->table_count, c->err) < 0)
		goto out;
	rc = 0;
out:
	free(rows);
	return rc;
}

/*
 * A VPC attachment's interface in a vSwitch another agent builds is a stretched link: the
 * veth it would be on one agent becomes a VXLAN pair over the agents' underlay, the
 * router's agent holding the interface address on its end in the router, the vSwitch's
 * agent enslaving its end to the vSwitch bridge.  Its VNI comes from a hash of router,
 * attachment and vSwitch, in TR_STRETCH_VNI_BASE.. (clear of the underlay's VNI and of the
 * VPC fabrics' 0x100000..), the next free one on a collision (links in router, attachment
 * and mapping order), so both agents derive the same and no two links share one.  0: no
 * stretched link (same agent, the vSwitch unplaced, or an agent without an underlay address).
 */
#define TR_STRETCH_VNI_BASE 0x10000u
#define TR_STRETCH_VNI_COUNT 0xf0000u

static bool tr_stretchable(const struct compiler *c, const struct tr_build *t, const struct tr_att *a, int k)
{
	int at = a->if_agent[k];

	return a->link == 0 && t->agent >= 0 && at >= 0 && at != t->agent &&
	       c->agents[t->agent].underlay_ip[0] != '\0' && c->agents[at].underlay_ip[0] != '\0' &&
	       strcmp(c->agents[t->agent].underlay_ip, c->agents[at].underlay_ip) != 0;
}

static bool tr_vni_taken(const struct compiler *c, uint32_t vni)
{
	for (int i = 0; i < c->tr_count; i++)
		for (int j = 0; j < c->trs[i].att_count; j++)
			for (int k = 0; k < c->trs[i].atts[j].if_count; k++)
				if (c->trs[i].atts[j].if_vni[k] == vni)
					return true;
	return false;
}

static void tr_stretch_vnis(struct compiler *c)
{
	for (int i = 0; i < c->tr_count; i++)
		for (int j = 0; j < c->trs[i].att_count; j++) {
			struct tr_att *a = &c->trs[i].atts[j];

			for (int k = 0; k < a->if_count; k++) {
				char key[3 * 64 + 3];
				uint32_t h = 2166136261u; /* FNV-1a */

				if (!tr_stretchable(c, &c->trs[i], a, k))
					continue;
				snprintf(key, sizeof(key), "%s/%s/%s", c->trs[i].owner.transit_router_id, a->a.attachment_id,
					 a->ifs[k].vswitch_id);
				for (const unsigned char *p = (const unsigned char *)key; *p; p++)
					h = (h ^ *p) * 16777619u;
				h %= TR_STRETCH_VNI_COUNT;
				while (tr_vni_taken(c, TR_STRETCH_VNI_BASE + h))
					h = (h + 1) % TR_STRETCH_VNI_COUNT;
				a->if_vni[k] = TR_STRETCH_VNI_BASE + h;
			}
		}
}

static int load_trs(struct compiler *c)
{
	struct transit_router_owner *owners = NULL;
	int count = 0, rc = -1;

	if (!c->any_cloud)
		return 0;
	if (transit_router_list_attached(c->m, &owners, &count, c->err) < 0)
		return -1;
	if ((c->trs = calloc((size_t)count + 1, sizeof(*c->trs))) == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	for (int i = 0; i < count; i++)
		if (tr_load(c, &owners[i], &c->trs[c->tr_count++]) < 0)
			goto out;
	tr_stretch_vnis(c);
	rc = 0;
out:
	free(owners);
	return rc;
}

static const struct tr_build *find_tr(const struct compiler *c, const char *id)
{
	for (int i = 0; i < c->tr_count; i++)
		if (strcmp(c->trs[i].owner.transit_router_id, id) == 0)
			return &c->trs[i];
	return NULL;
}

static const struct tr_att *tr_find_att(const struct tr_build *t, const char *attachment_id)
{
	for (int i = 0; i < t->att_count; i++)
		if (strcmp(t->atts[i].a.attachment_id, attachment_id) == 0)
			return &t->atts[i];
	return NULL;
}

/* The VPN attachment of t whose connection is conn_id, or NULL. */
static const struct tr_att *tr_att_of_conn(const struct tr_build *t, const char *conn_id)
{
	for (int i = 0; i < t->att_count; i++)
		if (t->atts[i].link != 0 && strcmp(t->atts[i].a.resource_id, conn_id) == 0)
			return &t->atts[i];
	return NULL;
}

/* The kernel table of route table table_id of t; 0 when it has none. */
static uint32_t tr_table_number(const struct tr_build *t, const char *table_id)
{
	for (int i = 0; i < t->table_count && TR_TABLE_BASE + 1 + i <= TR_TABLE_LAST; i++)
		if (strcmp(t->tables[i].id, table_id) == 0)
			return (uint32_t)(TR_TABLE_BASE + 1 + i);
	return 0;
}

/*
 * Endpoint k (0-based, one per distinct transit router address in tunnel order) of a TR
 * connection's tunnels: which endpoint tunnel i of cfg (either side) ends on.
 */
static const char *tr_side_addr(const struct vpn_connection_config *cfg, int i)
{
	return cfg->gateway_side ? cfg->tunnels[i].local_addr : cfg->tunnels[i].remote_addr;
}

static int tr_endpoint_index(const struct vpn_connection_config *cfg, int i)
{
	int k = 0;

	for (int j = 0; j < i; j++) {
		bool seen = false;

		for (int l = 0; l < j; l++)
			seen |= strcmp(tr_side_addr(cfg, l), tr_side_addr(cfg, j)) == 0;
		if (!seen)
			k++;
		if (strcmp(tr_side_addr(cfg, j), tr_side_addr(cfg, i)) == 0)
			return k - 1;
	}
	return k;
}

static void tr_endpoint_id(const char *conn_id, int k, char *out, size_t size)
{
	snprintf(out, size, "%s-%d", conn_id, k + 1);
}

/*
 * The cloud side's liveness probe source for a TR connection's endpoint: its link address
 * when the connection's selectors carry it (LocalSubnet 0.0.0.0/0), else the router's first
 * VPC attachment address they carry (the endpoint answers for it on lo); NULL: none fits,
 * a health check or DPD decides.
 */
static const char *tr_liveness_source(const struct tr_build *t, const struct vpn_connection_config *cfg,
				      const char *link_ip)
{
	const char *vpc_side = cfg->gateway_side ? cfg->local_subnet : cfg->remote_subnet;

	if (ip_in_list(link_ip, vpc_side))
		return link_ip;
	for (int i = 0; i < t->att_count; i++)
		for (int k = 0; k < t->atts[i].if_count; k++)
			if (ip_in_list(t->atts[i].ifs[k].ip, vpc_side))
				return t->atts[i].ifs[k].ip;
	return NULL;
}

/* The address of endpoint k of VPN attachment a (k = -1: the router's) into out (16 bytes). */
static void tr_link_ip(const struct tr_att *a, int k, char *out)
{
	ip_text(a->link + 2u + (uint32_t)k, out, 16);
}

/*
 * The interface of VPC attachment a the router forwards to the VPC by: the first in a
 * vSwitch of the router's own agent, else the first stretched one; -1 none.
 */
static int tr_vpc_interface(const struct tr_build *t, const struct tr_att *a)
{
	for (int k = 0; k < a->if_count; k++)
		if (a->if_agent[k] == t->agent)
			return k;
	for (int k = 0; k < a->if_count; k++)
		if (a->if_vni[k] != 0)
			return k;
	return -1;
}

/*
 * The hops of one Active entry toward attachment a: every tunnel of its connection (VPN:
 * via its endpoint's link address, master/single 100, slave 0), or the VPC router (VPC:
 * via its vSwitch address on the router's interface tr_vpc_interface picks).  Appended
 * to hops.
 */
static int tr_entry_hops(struct compiler *c, const struct tr_build *t, const struct tr_att *a, json_t *hops)
{
	struct model_ctx am = owner_ctx(c, a->a.account, a->a.region);
	struct vpn_connection *conn = NULL;
	struct vpn_connection_config *cfg = NULL;
	int rc = -1;

	if (a->link == 0) {
		int k = tr_vpc_interface(t, a);

		if (k >= 0) {
			json_t *hop = json_object();

			json_put_str(hop, "via", a->if_gateway[k]);
			json_put_int(hop, "weight", WEIGHT_ACTIVE);
			json_array_append_new(hops, hop);
		}
		return 0;
	}
	conn = malloc(sizeof(*conn));
	cfg = malloc(sizeof(*cfg));
	if (conn == NULL || cfg == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpn_connection_get(&am, a->a.resource_id, conn, c->err) < 0 ||
	    vpn_connection_config_build_gateway_side(&am, conn, cfg, c->err) < 0)
		goto out;
	for (int i = 0; i < cfg->tunnel_count; i++) {
		const struct vpn_connection_config_tunnel *tun = &cfg->tunnels[i];
		char id[80], via[16];
		json_t *hop;

		if (tun->local_addr[0] == '\0' || json_is_false(json_object_get(c->devices, tun->customer_gateway_id)) ||
		    json_array_size(hops) >= ROUTE_HOPS_MAX)
			continue;
		tr_endpoint_id(conn->vpn_connection_id, tr_endpoint_index(cfg, i), id, sizeof(id));
		tr_link_ip(a, tr_endpoint_index(cfg, i), via);
		hop = json_object();
		json_put_str(hop, "via", via);
		json_put_int(hop, "weight", cfg->dual_tunnel && strcmp(tun->role, "slave") == 0 ? WEIGHT_STANDBY
											: WEIGHT_ACTIVE);
		json_put_str(hop, "endpoint", id);
		json_put_str(hop, "tunnel", vpn_connection_config_tunnel_name(cfg, i));
		json_array_append_new(hops, hop);
	}
	rc = 0;
out:
	free(conn);
	free(cfg);
	return rc;
}

/*
 * The routes of t's route tables: what ListTransitRouterRouteEntries reports Active, one
 * kernel route per destination and table (several Active entries: ECMP over their hops),
 * BlackHole entries as blackholes.  Appended to routes.
 */
static int tr_routes(struct compiler *c, const struct tr_build *t, json_t *routes)
{
	struct model_ctx om = owner_ctx(c, t->owner.account, t->owner.region);

	for (int i = 0; i < t->table_count; i++) {
		uint32_t table = tr_table_number(t, t->tables[i].id);
		struct tr_route_set set = { 0 };

		if (table == 0)
			break;
		if (tr_route_compute(&om, t->tables[i].id, &set, c->err) < 0)
			return -1;
		for (size_t a = 0; a < set.count;) {
			size_t b = a;
			json_t *route = json_object(), *hops = json_array();
			char dest[20];
			bool blackhole = false;

			cidr_format(&set.items[a].destination, dest, sizeof(dest));
			for (; b < set.count && set.items[b].destination.addr == set.items[a].destination.addr &&
			       set.items[b].destination.prefix_len == set.items[a].destination.prefix_len;
			     b++) {
				const struct tr_route *r = &set.items[b];
				const struct tr_att *att;

				if (strcmp(r->status, "Active") != 0)
					continue;
				if (strcmp(r->next_hop_type, "BlackHole") == 0) {
					blackhole = true;
					continue;
				}
				if ((att = tr_find_att(t, r->next_hop_id)) != NULL && tr_entry_hops(c, t, att, hops) < 0) {
					json_decref(route);
					json_decref(hops);
					tr_route_set_free(&set);
					return -1;
				}
			}
			json_put_str(route, "dest", dest);
			json_put_int(route, "table", table);
			if (blackhole) {
				json_put_bool(route, "blackhole", true);
				json_decref(hops);
				json_array_append_new(routes, route);
			} else if (json_array_size(hops) > 0) {
				json_object_set_new_nocheck(route, "nexthops", hops);
				json_array_append_new(routes, route);
			} else {
				json_decref(hops);
				json_decref(route);
			}
			a = b;
		}
		tr_route_set_free(&set);
	}
	return 0;
}

/* Whether the document has vpc_id with vSwitch vswitch_id (built here). */
static bool doc_has_vswitch(const struct compiler *c, const char *vpc_id, const char *vswitch_id)
{
	size_t i, j;
	json_t *v, *s;

	json_array_foreach(c->vpcs, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "id")), vpc_id) != 0)
			continue;
		json_array_foreach(json_object_get(v, "vswitches"), j, s)
			if (strcmp(json_string_value(json_object_get(s, "id")), vswitch_id) == 0)
				return true;
	}
	return false;
}

/* The endpoints of VPN attachment a of t: its connection's tunnels, one endpoint per public address. */
static int tr_endpoints(struct compiler *c, const struct tr_build *t, const struct tr_att *a)
{
	struct model_ctx am = owner_ctx(c, a->a.account, a->a.region);
	struct vpn_connection *conn = malloc(sizeof(*conn));
	struct vpn_connection_config *cfg = malloc(sizeof(*cfg));
	struct endpoint eps[IPSEC_TUNNELS_MAX];
	int ep_count = 0, rc = -1;
	char gateway[16];

	memset(eps, 0, sizeof(eps));
	if (conn == NULL || cfg == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpn_connection_get(&am, a->a.resource_id, conn, c->err) < 0 ||
	    vpn_connection_config_build_gateway_side(&am, conn, cfg, c->err) < 0)
		goto out;
	tr_link_ip(a, -1, gateway);
	for (int i = 0; i < cfg->tunnel_count; i++) {
		struct vpn_connection_config_tunnel *tun = &cfg->tunnels[i];
		int k = tr_endpoint_index(cfg, i);
		char ip[16];

		if (tun->local_addr[0] == '\0' || k >= IPSEC_TUNNELS_MAX ||
		    json_is_false(json_object_get(c->devices, tun->customer_gateway_id)))
			continue;
		if (cfg->dual_tunnel)
			tun->standby = strcmp(tun->role, "slave") == 0;
		if (k >= ep_count)
			ep_count = k + 1;
		if (eps[k].json == NULL) {
			char id[80];

			tr_endpoint_id(conn->vpn_connection_id, k, id, sizeof(id));
			tr_link_ip(a, k, ip);
			endpoint_init(&eps[k], id, "gateway", tun->local_addr, json_object());
			json_object_set_new_nocheck(eps[k].json, "lan",
						    json_pack("{s:s, s:s, s:s, s:i, s:s}", "transit_router",
							      t->owner.transit_router_id, "link", a->a.attachment_id,
							      "ip", ip, "prefix", TR_LINK_PREFIX, "gateway", gateway));
		}
		tr_link_ip(a, k, ip);
		if (endpoint_add(c, &eps[k], conn, cfg, i, tr_liveness_source(t, cfg, ip),
				 json_string_value(json_object_get(c->devices, tun->customer_gateway_id)), NULL) < 0) {
			vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
	}
	for (int k = 0; k < ep_count; k++)
		if (eps[k].json != NULL && endpoint_finish(c, &eps[k]) < 0)
			goto out;
	rc = 0;
out:
	for (int k = 0; k < ep_count; k++)
		if (eps[k].json != NULL)
			endpoint_free(&eps[k]);
	free(conn);
	free(cfg);
	return rc;
}

/* The transit routers this agent builds: links, routes, and their VPN attachments' endpoints. */
static int compile_trs(struct compiler *c)
{
	for (int i = 0; i < c->tr_count; i++) {
		const struct tr_build *t = &c->trs[i];
		json_t *tr, *links, *routes;

		if (t->agent != c->self)
			continue;
		tr = json_object();
		links = json_array();
		routes = json_array();
		json_put_str(tr, "id", t->owner.transit_router_id);
		json_object_set_new_nocheck(tr, "links", links);
		json_object_set_new_nocheck(tr, "routes", routes);
		json_array_append_new(c->trs_json, tr);
		for (int j = 0; j < t->att_count; j++) {
			const struct tr_att *a = &t->atts[j];
			uint32_t table = tr_table_number(t, a->table_id);

			if (a->link != 0) {
				json_t *l = json_object();
				char ip[16];

				tr_link_ip(a, -1, ip);
				json_put_fields(l, JSON_FIELDS(JSON_TEXT("attachment", a->a.attachment_id),
						JSON_TEXT("kind", "vpn"), JSON_TEXT("ip", ip),
						JSON_INT("prefix", TR_LINK_PREFIX)));
				if (table)
					json_put_int(l, "table", table);
				json_array_append_new(links, l);
				if (tr_endpoints(c, t, a) < 0)
					return -1;
				continue;
			}
			for (int k = 0; k < a->if_count; k++) {
				json_t *l;

				if (a->if_vni[k] == 0 &&
				    (a->if_agent[k] != c->self || !doc_has_vswitch(c, a->a.resource_id, a->ifs[k].vswitch_id)))
					continue;
				l = json_object();
				json_put_fields(l, JSON_FIELDS(JSON_TEXT("attachment", a->a.attachment_id),
						JSON_TEXT("kind", "vpc"), JSON_TEXT("vpc", a->a.resource_id),
						JSON_TEXT("vswitch", a->ifs[k].vswitch_id),
						JSON_TEXT("ip", a->ifs[k].ip),
						JSON_INT("prefix", a->if_prefix[k]),
						JSON_TEXT("gateway", a->if_gateway[k])));
				if (table)
					json_put_int(l, "table", table);
				if (a->if_vni[k] != 0)
					json_object_set_new_nocheck(l, "stretch",
								    json_pack("{s:I, s:s}", "vni", (json_int_t)a->if_vni[k],
									      "peer", c->agents[a->if_agent[k]].underlay_ip));
				json_array_append_new(links, l);
			}
		}
		if (tr_routes(c, t, routes) < 0)
			return -1;
	}
	return 0;
}

/* ---- VPCs: gateway endpoints and routes ---- */

/*
 * A VPC spread over several agents joins its routers over a "fabric": a VXLAN segment of
 * its own (VNI from its id, so every agent derives the same), on which agent i's router has
 * FABRIC_BASE + i.  Other agents' vSwitches are routed to their router there.
 */
#define FABRIC_PREFIX 16

static void fabric_ip(int agent, char *out, size_t size)
{
	unsigned n = (unsigned)agent % 62500u; /* the /16 holds 250 × 250 routers */

	snprintf(out, size, "169.254.%u.%u", 1 + n / 250, 1 + n % 250);
}

static uint32_t fabric_vni(const char *vpc_id)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)vpc_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	/* clear of the underlay's VNI and of small numbers people pick by hand */
	return 0x100000u + h % 0xefffffu;
}

/* A next hop candidate: one built tunnel of a connection of the VPC. */
struct hop {
	char conn[64];
	char gateway[64];
	bool dual;
	bool remote; /* the endpoint runs on another agent: via is that agent's fabric address */
	int role_weight; /* single and master 100, slave 0 */
	char endpoint[64];
	char via[16];
	char tunnel[96];
};

struct route_pair {
	uint32_t addr;
	int prefix;
	char dest[20];
	int weight;
	const struct hop *hop;
};

/* A connection of one of the VPC's gateways: the destinations it routes by itself. */
struct vpc_conn {
	char id[64];
	char remote_subnet[512];
};

/* A policy route of one of the VPC's gateways that some packet can match. */
struct vpc_policy {
	char gateway[64];
	struct vpn_pbr_rule rule;
};

/* A vSwitch of the VPC as placed: its gateway address and the agent that builds it. */
struct placed_vswitch {
	char id[64];
	char cidr[20];
	char gateway_ip[16];
	int agent;
};

struct vpc_build {
	struct placed_vswitch *vswitches;
	int vswitch_count;
	struct hop *hops;
	int hop_count, hop_cap;
	struct vpc_conn *conns; /* of the VPC's gateways */
	int conn_count, conn_cap;
	struct vpn_route_hop *explicit; /* published destination routes */
	int explicit_count;
	struct hop *att_hops; /* transit router interfaces in the VPC's vSwitches: gateway = attachment */
	int att_hop_count;
	struct vpc_policy *policies; /* the gateways' policy routes that can match (pbr_shadowed) */
	int policy_count;
};

static const struct placed_vswitch *find_vswitch(const struct vpc_build *v, const char *vswitch_id)
{
	for (int i = 0; i < v->vswitch_count; i++)
		if (strcmp(v->vswitches[i].id, vswitch_id) == 0)
			return &v->vswitches[i];
	return NULL;
}

static int add_conn(struct vpc_build *v, const struct vpn_connection *conn)
{
	if (v->conn_count == v->conn_cap) {
		int cap = v->conn_cap ? v->conn_cap * 2 : 8;
		struct vpc_conn *grown = realloc(v->conns, (size_t)cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		v->conns = grown;
		v->conn_cap = cap;
	}
	model_copy(v->conns[v->conn_count].id, sizeof(v->conns[0].id), conn->vpn_connection_id);
	model_copy(v->conns[v->conn_count].remote_subnet, sizeof(v->conns[0].remote_subnet), conn->remote_subnet);
	v->conn_count++;
	return 0;
}

/* Appends routes[0..count-1] to v's published routes.  0 or -1 (out of memory). */
static int add_explicit(struct vpc_build *v, const struct vpn_route_hop *routes, int count)
{
	struct vpn_route_hop *grown;

	if (count == 0)
		return 0;
	grown = realloc(v->explicit, (size_t)(v->explicit_count + count) * sizeof(*grown));
	if (grown == NULL)
		return -1;
	memcpy(grown + v->explicit_count, routes, (size_t)count * sizeof(*grown));
	v->explicit = grown;
	v->explicit_count += count;
	return 0;
}

static int add_hop(struct vpc_build *v, const struct hop *h)
{
	if (v->hop_count == v->hop_cap) {
		int cap = v->hop_cap ? v->hop_cap * 2 : 16;
		struct hop *grown = realloc(v->hops, (size_t)cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		v->hops = grown;
		v->hop_cap = cap;
	}
	v->hops[v->hop_count++] = *h;
	return 0;
}

/* A gateway's policy routes in match order and which of them no packet reaches. */
struct gateway_pbr {
	struct vpn_pbr_rule *rules;
	bool *shadowed;
	int count;
};

static int gateway_pbr_load(struct compiler *c, struct model_ctx *gm, const char *gw_id, struct gateway_pbr *p)
{
	memset(p, 0, sizeof(*p));
	if (vpn_route_pbr_rules(gm, gw_id, &p->rules, &p->count, c->err) < 0)
		return -1;
	if ((p->shadowed = calloc((size_t)p->count + 1, sizeof(*p->shadowed))) == NULL)
		return vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
	pbr_shadowed(p->rules, p->count, p->shadowed);
	return 0;
}

static void gateway_pbr_free(struct gateway_pbr *p)
{
	free(p->rules);
	free(p->shadowed);
	memset(p, 0, sizeof(*p));
}

/*
 * When policy routes point at conn and no destination route does, they decide what it
 * carries: its gateway-side selectors narrow to their sources (pbr_local_selectors; kept
 * when every such route is shadowed), keeping where its checks leave from (the health
 * check's source, else the liveness probe's: the endpoints' LAN addresses gw_lan_ips, as
 * the branch expects them), and its weight is theirs (0 when all are shadowed: it yields
 * to the others), and *by_policy is set.  Else the highest weight among the
 * destination routes toward it (weights, by next hop), WEIGHT_ACTIVE when none.
 */
static int connection_weight(const struct gateway_pbr *p, const struct vpn_route_hop *weights, int weight_count,
			     const struct vpn_connection *conn, const char *gw_lan_ips, struct vpn_connection_config *cfg,
			     bool *by_policy)
{
	const char *id = conn->vpn_connection_id;
	char narrowed[sizeof(cfg->local_subnet)];
	bool pointed = false;
	int weight;

	*by_policy = false;
	for (int i = 0; i < weight_count; i++)
		if (strcmp(weights[i].next_hop, id) == 0)
			return weights[i].weight;
	for (int i = 0; i < p->count && !pointed; i++)
		pointed = strcmp(p->rules[i].next_hop, id) == 0;
	if (!pointed)
		return WEIGHT_ACTIVE;
	if (pbr_local_selectors(cfg->local_subnet, p->rules, p->count, p->shadowed, id,
				conn->health_check.enable ? conn->health_check.sip : gw_lan_ips, narrowed, sizeof(narrowed)) > 0)
		model_copy(cfg->local_subnet, sizeof(cfg->local_subnet), narrowed);
	*by_policy = true;
	weight = pbr_weight(p->rules, p->count, p->shadowed, id);
	return weight < 0 ? WEIGHT_STANDBY : weight;
}

/* Appends gateway gw_id's policy routes that can match to v->policies.  0 or -1 (memory). */
static int add_policies(struct vpc_build *v, const char *gw_id, const struct gateway_pbr *p)
{
	for (int i = 0; i < p->count; i++) {
		struct vpc_policy *grown;

		if (p->shadowed[i])
			continue;
		if ((grown = realloc(v->policies, (size_t)(v->policy_count + 1) * sizeof(*grown))) == NULL)
			return -1;
		v->policies = grown;
		model_copy(grown[v->policy_count].gateway, sizeof(grown->gateway), gw_id);
		grown[v->policy_count++].rule = p->rules[i];
	}
	return 0;
}

/* One gateway of the VPC: its endpoints (one per public address) and its tunnels' hops. */
static int compile_gateway(struct compiler *c, const struct vpn_gateway_owner *owner, struct vpc_build *v)
{
	struct model_ctx gm = owner_ctx(c, owner->account, owner->region);
	struct vpn_gateway gw;
	struct vpn_connection *conn = malloc(sizeof(*conn));
	struct vpn_connection_config *cfg = malloc(sizeof(*cfg));
	struct endpoint eps[2];
	const char *addrs[2], *vsw_ids[2], *lan_ips[2];
	int ep_agent[2] = { -1, -1 }; /* the agent each endpoint runs on: its vSwitch's */
	struct model_id *conn_ids = NULL;
	struct vpn_route_hop *weights = NULL, *published = NULL;
	struct gateway_pbr pbr = { 0 };
	char gw_lan_ips[40];
	int conn_count = 0, weight_count = 0, published_count = 0;
	const json_t *shared;
	int ep_count = 0, rc = -1;

	memset(eps, 0, sizeof(eps));
	if (conn == NULL || cfg == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpn_gateway_get(&gm, owner->vpn_gateway_id, &gw, c->err) < 0)
		goto out;
	addrs[0] = gw.internet_ip;
	vsw_ids[0] = gw.vswitch_id;
	lan_ips[0] = gw.eni_ip;
	addrs[1] = gw.dr_internet_ip;
	vsw_ids[1] = gw.dr_vswitch_id;
	lan_ips[1] = gw.dr_eni_ip;
	for (int k = 0; k < 2; k++) {
		const struct placed_vswitch *vsw = find_vswitch(v, vsw_ids[k]);
		char id[80];

		if (addrs[k][0] == '\0' || lan_ips[k][0] == '\0' || vsw == NULL)
			continue;
		snprintf(id, sizeof(id), "%s-%d", gw.vpn_gateway_id, k + 1);
		endpoint_init(&eps[ep_count], id, "gateway", addrs[k],
			      lan_json(gw.vpc_id, vsw_ids[k], NULL, lan_ips[k], cidr_prefix(vsw->cidr),
				       vsw->gateway_ip));
		json_put_int(eps[ep_count].json, "bandwidth_mbps", gw.bandwidth);
		ep_agent[ep_count] = vsw->agent;
		ep_count++;
	}
	if (vpn_connection_ids_in_gateway(&gm, gw.vpn_gateway_id, &conn_ids, &conn_count, c->err) < 0)
		goto out;
	/*
	 * The highest weight of the gateway's destination routes toward each connection, published
	 * or not: the gateway's own route table picks the tunnel, publishing only tells the VPC.
	 */
	if (vpn_route_dbr_max_weights(&gm, gw.vpn_gateway_id, &weights, &weight_count, c->err) < 0 ||
	    gateway_pbr_load(c, &gm, gw.vpn_gateway_id, &pbr) < 0)
		goto out;
	if ((shared = shared_paths(c, &gm, gw.vpn_gateway_id)) == NULL)
		goto out;
	snprintf(gw_lan_ips, sizeof(gw_lan_ips), "%s,%s", gw.eni_ip, gw.dr_eni_ip);
	if (add_policies(v, gw.vpn_gateway_id, &pbr) < 0) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	for (int i = 0; i < conn_count; i++) {
		bool by_policy;
		int weight;

		if (vpn_connection_get(&gm, conn_ids[i].id, conn, c->err) < 0 ||
		    vpn_connection_config_build_gateway_side(&gm, conn, cfg, c->err) < 0)
			goto out;
		weight = connection_weight(&pbr, weights, weight_count, conn, gw_lan_ips, cfg, &by_policy);
		if (add_conn(v, conn) < 0) {
			vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		for (int t = 0; t < cfg->tunnel_count; t++) {
			struct vpn_connection_config_tunnel *tun = &cfg->tunnels[t];
			struct hop h = { 0 };
			int k;

			/* a dual-tunnel connection's slave, or a connection only weight-0 routes point at */
			if (cfg->dual_tunnel)
				tun->standby = strcmp(tun->role, "slave") == 0;
			else
				tun->standby = weight == WEIGHT_STANDBY;

			/*
			 * A lab branch is built with both ends or not at all (its device needs a site
			 * agent); a customer gateway no lab site claims is the user's own device, which
			 * the gateway side waits for on the underlay.
			 */
			if (json_is_false(json_object_get(c->devices, tun->customer_gateway_id)))
				continue;
			for (k = 0; k < ep_count; k++)
				if (strcmp(json_string_value(json_object_get(eps[k].json, "public_ip")),
					   tun->local_addr) == 0)
					break;
			if (k == ep_count)
				continue;
			if (endpoint_add(c, &eps[k], conn, cfg, t, lan_ips[k],
					 json_string_value(json_object_get(c->devices, tun->customer_gateway_id)),
					 shared) < 0) {
				vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
				goto out;
			}
			model_copy(h.conn, sizeof(h.conn), conn->vpn_connection_id);
			model_copy(h.gateway, sizeof(h.gateway), gw.vpn_gateway_id);
			h.dual = cfg->dual_tunnel;
			/* a connection policy routes decide ranks by their weight on its RemoteSubnet too */
			h.role_weight = strcmp(tun->role, "slave") == 0 ? WEIGHT_STANDBY
					: !cfg->dual_tunnel && by_policy ? weight
									 : WEIGHT_ACTIVE;
			model_copy(h.endpoint, sizeof(h.endpoint),
				   json_string_value(json_object_get(eps[k].json, "id")));
			if (ep_agent[k] == c->self) {
				model_copy(h.via, sizeof(h.via),
					   json_string_value(json_object_get(json_object_get(eps[k].json, "lan"), "ip")));
			} else {
				fabric_ip(ep_agent[k], h.via, sizeof(h.via));
				h.remote = true;
			}
			model_copy(h.tunnel, sizeof(h.tunnel), vpn_connection_config_tunnel_name(cfg, t));
			if (add_hop(v, &h) < 0) {
				vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
				goto out;
			}
		}
	}
	if (vpn_route_dbr_published(&gm, gw.vpn_gateway_id, &published, &published_count, c->err) < 0)
		goto out;
	if (add_explicit(v, published, published_count) < 0) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	for (int k = 0; k < ep_count; k++)
		if (ep_agent[k] == c->self && endpoint_finish(c, &eps[k]) < 0)
			goto out;
	rc = 0;
out:
	for (int k = 0; k < ep_count; k++)
		endpoint_free(&eps[k]);
	free(conn_ids);
	free(weights);
	free(published);
	gateway_pbr_free(&pbr);
	free(conn);
	free(cfg);
	return rc;
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct route_pair *a = pa, *b = pb;
	int r;

	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix - b->prefix;
	if (a->weight != b->weight)
		return b->weight - a->weight; /* active hops first */
	if ((r = strcmp(a->hop->endpoint, b->hop->endpoint)) != 0)
		return r;
	return strcmp(a->hop->tunnel, b->hop->tunnel);
}

static int add_pair(struct route_pair **pairs, int *count, int *cap, const char *dest, const struct hop *h, int weight)
{
	struct cidr d;
	struct route_pair *p;

	if (!cidr_parse(dest, &d))
		return 0; /* stored CIDRs are normalised; anything else is not routable */
	if (*count == *cap) {
		int n = *cap ? *cap * 2 : 32;
		struct route_pair *grown = realloc(*pairs, (size_t)n * sizeof(*grown));

		if (grown == NULL)
			return -1;
		*pairs = grown;
		*cap = n;
	}
	p = &(*pairs)[(*count)++];
	p->addr = d.addr;
	p->prefix = d.prefix_len;
	cidr_format(&d, p->dest, sizeof(p->dest));
	p->weight = weight;
	p->hop = h;
	return 0;
}

/*
 * The routes today's VPN configuration implies, as (destination, tunnel hop, weight) pairs:
 * each destination gets the hops of every connection that reaches it — a published
 * destination route entry of a gateway (its weight; a dual-tunnel connection's tunnels keep
 * master 100 / standby 0, as the cloud ignores weights there), else each RemoteSubnet CIDR of
 * the connection (master or single 100, slave 0; 0.0.0.0/0 is destination-routing mode and
 * gets no route by itself, as AutoConfigRoute does).  Which of them the VPC router uses is
 * the route table's decision (table_routes).  0, or -1 when out of memory.
 */
static int vpn_pairs(const struct vpc_build *v, struct route_pair **out, int *out_count)
{
	struct route_pair *pairs = NULL;
	int count = 0, cap = 0;
	json_t *covered = json_object();

	for (int i = 0; i < v->explicit_count; i++) {
		const struct vpn_route_hop *route = &v->explicit[i];
		char key[160];

		snprintf(key, sizeof(key), "%s|%s", route->route_dest, route->next_hop);
		json_object_set_new(covered, key, json_true());
		for (int h = 0; h < v->hop_count; h++)
			if (strcmp(v->hops[h].conn, route->next_hop) == 0 &&
			    add_pair(&pairs, &count, &cap, route->route_dest, &v->hops[h],
				     v->hops[h].dual ? v->hops[h].role_weight : route->weight) < 0)
				goto fail;
	}
	for (int i = 0; i < v->conn_count; i++) {
		const struct vpc_conn *vc = &v->conns[i];
		json_t *dests = cidr_list(vc->remote_subnet), *d;
		size_t j;

		json_array_foreach(dests, j, d) {
			char key[160];

			snprintf(key, sizeof(key), "%s|%s", json_string_value(d), vc->id);
			if (strcmp(json_string_value(d), "0.0.0.0/0") == 0 || json_object_get(covered, key))
				continue;
			for (int h = 0; h < v->hop_count; h++)
				if (strcmp(v->hops[h].conn, vc->id) == 0 &&
				    add_pair(&pairs, &count, &cap, json_string_value(d), &v->hops[h],
					     v->hops[h].role_weight) < 0) {
					json_decref(dests);
					goto fail;
				}
		}
		json_decref(dests);
	}
	json_decref(covered);
	*out = pairs;
	*out_count = count;
	return 0;
fail:
	free(pairs);
	json_decref(covered);
	return -1;
}

/*
 * The kernel routes of one VPC route table: for every entry of the table (route_entry_collect:
 * exactly what DescribeRouteEntryList shows) whose next hop is a VPN gateway, the tunnels of
 * that gateway that reach the destination —
 *   1. the tunnels the VPN configuration routes that destination to (vpn_pairs, their weights);
 *   2. else those of a connection whose configured destination contains it;
 *   3. else every tunnel of the gateway (the gateway endpoint forwards by its own SAs).
 * Equal weights are ECMP; hops beyond the schema's 16 are dropped, lowest weight first.  System
 * entries are the router's connected vSwitch routes.  An Attachment next hop (a transit
 * router's VPC attachment) is the router's interfaces in the VPC's vSwitches built here
 * (v->att_hops).  NULL when out of memory.
 */
static json_t *table_routes(const struct vpc_build *v, const struct route_entry *entries, int entry_count)
{
	struct route_pair *vpn = NULL, *pairs = NULL;
	int vpn_count = 0, count = 0, cap = 0;
	json_t *routes = json_array();

	if (vpn_pairs(v, &vpn, &vpn_count) < 0)
		goto fail;
	for (int e = 0; e < entry_count; e++) {
		const struct route_entry *re = &entries[e];
		struct cidr dest;
		int before = count;

		if (strcmp(re->status, "Deleting") == 0 || !cidr_parse(re->destination, &dest))
			continue;
		if (strcmp(re->next_hop_type, "Attachment") == 0) {
			/* the transit router's interfaces in the VPC (ECMP over its zones) */
			for (int h = 0; h < v->att_hop_count; h++)
				if (strcmp(v->att_hops[h].gateway, re->next_hop_id) == 0 &&
				    add_pair(&pairs, &count, &cap, re->destination, &v->att_hops[h], WEIGHT_ACTIVE) < 0)
					goto fail;
			continue;
		}
		if (strcmp(re->next_hop_type, "VpnGateway") != 0)
			continue;
		for (int k = 0; k < vpn_count; k++)
			if (strcmp(vpn[k].dest, re->destination) == 0 && strcmp(vpn[k].hop->gateway, re->next_hop_id) == 0 &&
			    add_pair(&pairs, &count, &cap, re->destination, vpn[k].hop, vpn[k].weight) < 0)
				goto fail;
		if (count == before)
			for (int k = 0; k < vpn_count; k++) {
				struct cidr outer = { vpn[k].addr, vpn[k].prefix };

				if (strcmp(vpn[k].hop->gateway, re->next_hop_id) == 0 && cidr_contains(&outer, &dest) &&
				    add_pair(&pairs, &count, &cap, re->destination, vpn[k].hop, vpn[k].weight) < 0)
					goto fail;
			}
		if (count == before)
			for (int h = 0; h < v->hop_count; h++)
				if (strcmp(v->hops[h].gateway, re->next_hop_id) == 0 &&
				    add_pair(&pairs, &count, &cap, re->destination, &v->hops[h], v->hops[h].role_weight) < 0)
					goto fail;
	}
	if (count > 1)
		qsort(pairs, (size_t)count, sizeof(*pairs), pair_cmp);
	for (int a = 0; a < count;) {
		json_t *route = json_object(), *hops = json_array();
		int b = a;

		json_put_str(route, "dest", pairs[a].dest);
		for (; b < count && pairs[b].addr == pairs[a].addr && pairs[b].prefix == pairs[a].prefix; b++) {
			bool seen = false;
			json_t *hop;

			/* one hop per tunnel: its highest weight came first */
			for (int k = a; k < b && !seen; k++)
				seen = pairs[k].hop == pairs[b].hop;
			if (seen || json_array_size(hops) >= ROUTE_HOPS_MAX)
				continue;
			hop = json_object();
			json_put_str(hop, "via", pairs[b].hop->via);
			json_put_int(hop, "weight", pairs[b].weight);
			if (pairs[b].hop->endpoint[0] != '\0') {
				json_put_str(hop, "endpoint", pairs[b].hop->endpoint);
				json_put_str(hop, "tunnel", pairs[b].hop->tunnel);
			}
			if (pairs[b].hop->remote)
				json_put_bool(hop, "remote", true);
			json_array_append_new(hops, hop);
		}
		json_object_set_new_nocheck(route, "nexthops", hops);
		json_array_append_new(routes, route);
		a = b;
	}
	free(vpn);
	free(pairs);
	return routes;
fail:
	free(vpn);
	free(pairs);
	json_decref(routes);
	return NULL;
}

/*
 * The routes of route table table_id (NULL: the VPC's system table) as the document's
 * "routes" array (new reference), or NULL with c->err set.
 */
static json_t *compile_table(struct compiler *c, const struct vpc_build *v, const char *vpc_id, const char *table_id)
{
	struct route_entry *entries = NULL;
	json_t *routes = NULL;
	char system[64];
	int count = 0;

	if (table_id == NULL) {
		if (vpc_system_route_table(c->m, vpc_id, system, c->err) < 0)
			return NULL;
		table_id = system;
	}
	if (route_entry_collect(c->m->store, table_id, &entries, &count) < 0)
		store_failed(c);
	else if ((routes = table_routes(v, entries, count)) == NULL)
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
	free(entries);
	return routes;
}

/*
 * Custom route tables bound to vSwitches: each gets kernel table DOC_TABLE_BASE + its rank
 * among the VPC's custom tables (by creation); a bound vSwitch names it ("table") and the
 * table's routes join routes with it.  Tables nothing is bound to route nothing and are left
 * out.  0, or -1 with c->err set.
 */
#define DOC_TABLE_BASE 1000
#define DOC_TABLE_LAST 1999

static int compile_custom_tables(struct compiler *c, const struct vpc_build *v, const char *vpc_id, json_t *vsw_list,
				 json_t *routes)
{
	struct model_id *tables = NULL, *bound_ids = NULL;
	int table_count = 0, bound_count = 0, rc = -1;
	json_t *vsw;
	size_t j;

	if (route_table_custom_ids_in_vpc(c->m, vpc_id, &tables, &table_count, c->err) < 0)
		goto out;
	for (int i = 0; i < table_count; i++) {
		const char *table_id = tables[i].id;
		int number = DOC_TABLE_BASE + 1 + i;
		bool bound = false;
		json_t *table_routes_json, *r;
		size_t k;

		if (number > DOC_TABLE_LAST)
			break;
		free(bound_ids);
		bound_ids = NULL;
		if (route_table_bound_vswitches(c->m, table_id, &bound_ids, &bound_count, c->err) < 0)
			goto out;
		json_array_foreach(vsw_list, j, vsw)
			for (int b = 0; b < bound_count; b++)
				if (strcmp(json_string_value(json_object_get(vsw, "id")), bound_ids[b].id) == 0) {
					json_put_int(vsw, "table", number);
					bound = true;
				}
		if (!bound)
			continue;
		if ((table_routes_json = compile_table(c, v, vpc_id, table_id)) == NULL)
			goto out;
		json_array_foreach(table_routes_json, k, r) {
			json_put_int(r, "table", number);
			json_array_append(routes, r);
		}
		json_decref(table_routes_json);
	}
	rc = 0;
out:
	free(tables);
	free(bound_ids);
	return rc;
}

/* Appends a hop toward attachment_id via `via` to v's attachment hops.  0, or -1 with c->err set. */
static int add_att_hop(struct compiler *c, struct vpc_build *v, const char *attachment_id, const char *via)
{
	struct hop *h, *grown;

	for (int i = 0; i < v->att_hop_count; i++)
		if (strcmp(v->att_hops[i].gateway, attachment_id) == 0 && strcmp(v->att_hops[i].via, via) == 0)
			return 0;
	grown = realloc(v->att_hops, (size_t)(v->att_hop_count + 1) * sizeof(*grown));
	if (grown == NULL)
		return vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
	v->att_hops = grown;
	h = &v->att_hops[v->att_hop_count++];
	memset(h, 0, sizeof(*h));
	model_copy(h->gateway, sizeof(h->gateway), attachment_id);
	model_copy(h->via, sizeof(h->via), via);
	return 0;
}

/*
 * The hops of this agent's router of vpc_id toward the transit routers attached to it, named
 * by their attachment: the attachment's interfaces in the vSwitches built here that have a
 * link (on the router's own agent a veth, from another agent a stretched link), else, when
 * none is here, the routers of the agents whose vSwitches have one, over the VPC's fabric
 * (they forward to their interface).
 */
static int vpc_attachment_hops(struct compiler *c, struct vpc_build *v, const char *vpc_id)
{
	for (int i = 0; i < c->tr_count; i++) {
		const struct tr_build *t = &c->trs[i];

		if (t->agent < 0)
			continue;
		for (int j = 0; j < t->att_count; j++) {
			const struct tr_att *a = &t->atts[j];
			bool local = false;

			if (a->link != 0 || strcmp(a->a.resource_id, vpc_id) != 0)
				continue;
			for (int k = 0; k < a->if_count; k++) {
				const struct placed_vswitch *vsw = find_vswitch(v, a->ifs[k].vswitch_id);

				if (vsw == NULL || vsw->agent != c->self || (vsw->agent != t->agent && a->if_vni[k] == 0))
					continue;
				if (add_att_hop(c, v, a->a.attachment_id, a->ifs[k].ip) < 0)
					return -1;
				local = true;
			}
			for (int k = 0; k < a->if_count && !local; k++) {
				const struct placed_vswitch *vsw = find_vswitch(v, a->ifs[k].vswitch_id);
				char via[16];

				if (vsw == NULL || vsw->agent < 0 || (vsw->agent != t->agent && a->if_vni[k] == 0))
					continue;
				fabric_ip(vsw->agent, via, sizeof(via));
				if (add_att_hop(c, v, a->a.attachment_id, via) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/*
 * The stretched links of transit routers on other agents that end in vSwitches of vpc_id
 * built here: each a port of its vSwitch's bridge (see tr_stretch_vnis).  Appended to ports.
 */
static void vpc_tr_ports(const struct compiler *c, const char *vpc_id, json_t *ports)
{
	for (int i = 0; i < c->tr_count; i++) {
		const struct tr_build *t = &c->trs[i];

		for (int j = 0; j < t->att_count; j++) {
			const struct tr_att *a = &t->atts[j];

			if (a->link != 0 || strcmp(a->a.resource_id, vpc_id) != 0)
				continue;
			for (int k = 0; k < a->if_count; k++)
				if (a->if_vni[k] != 0 && a->if_agent[k] == c->self)
					json_array_append_new(ports, json_pack("{s:s, s:s, s:s, s:I, s:s}", "transit_router",
									       t->owner.transit_router_id, "attachment",
									       a->a.attachment_id, "vswitch",
									       a->ifs[k].vswitch_id, "vni",
									       (json_int_t)a->if_vni[k], "peer",
									       c->agents[t->agent].underlay_ip));
		}
	}
}

/*
 * Kernel tables of the gateways' policy routes in the VPC router (DOC_PBR_TABLE_MIN..MAX in
 * the agent's doc.h), one per group, numbered in match order.
 */
#define DOC_PBR_TABLE_BASE 2000
#define DOC_PBR_TABLE_LAST 2999

static bool same_policy_group(const struct vpc_policy *a, const struct vpc_policy *b)
{
	return strcmp(a->gateway, b->gateway) == 0 && a->rule.priority == b->rule.priority &&
	       strcmp(a->rule.route_source, b->rule.route_source) == 0 &&
	       strcmp(a->rule.route_dest, b->rule.route_dest) == 0;
}

/*
 * Whether the VPC's route table hands dest to gateway gw_id: its most specific entry that
 * contains dest has the gateway as next hop (only then does the gateway see the packet).
 */
static bool routed_to_gateway(const struct route_entry *entries, int count, const char *dest, const char *gw_id)
{
	const struct route_entry *best = NULL;
	struct cidr d, e, b;

	if (!cidr_parse(dest, &d))
		return false;
	for (int i = 0; i < count; i++)
		if (strcmp(entries[i].status, "Deleting") != 0 && cidr_parse(entries[i].destination, &e) &&
		    cidr_contains(&e, &d) && (best == NULL || (cidr_parse(best->destination, &b) && e.prefix_len > b.prefix_len)))
			best = &entries[i];
	return best != NULL && strcmp(best->next_hop_type, "VpnGateway") == 0 && strcmp(best->next_hop_id, gw_id) == 0;
}

/*
 * The next hops of one group of policy routes: the tunnels of each route's connection with
 * the route's weight (a dual-tunnel connection's keep master 100 / slave 0, as the cloud
 * ignores weights there), highest weight first, one per tunnel, at most ROUTE_HOPS_MAX.
 */
static json_t *policy_hops(const struct vpc_build *v, const struct vpc_policy *const *group, int count)
{
	json_t *hops = json_array();

	for (int weight = WEIGHT_ACTIVE; weight >= 0; weight--)
		for (int g = 0; g < count; g++)
			for (int h = 0; h < v->hop_count; h++) {
				const struct hop *hop = &v->hops[h];
				int w = hop->dual ? hop->role_weight : group[g]->rule.weight;
				json_t *o;

				if (w != weight || strcmp(hop->conn, group[g]->rule.next_hop) != 0 ||
				    strcmp(hop->gateway, group[g]->gateway) != 0 || json_array_size(hops) >= ROUTE_HOPS_MAX)
					continue;
				o = json_object();
				json_put_fields(o, JSON_FIELDS(JSON_TEXT("via", hop->via),
						JSON_INT("weight", w), JSON_TEXT("endpoint", hop->endpoint),
						JSON_TEXT("tunnel", hop->tunnel)));
				if (hop->remote)
					json_put_bool(o, "remote", true);
				json_array_append_new(hops, o);
			}
	return hops;
}

/*
 * The gateways' policy routes in the VPC router: a rule "from source to dest" per group
 * (same gateway, source, destination and priority: an active/standby group), in match
 * order, looking up a table of its own whose one route leads to the group's tunnels.  Only
 * where the VPC's route table hands dest to that gateway (routed_to_gateway), and only
 * groups whose connections have a built tunnel.  Adds "policies" to vpc and the tables'
 * routes to routes.  0, or -1 with c->err set.
 */
static int compile_policies(struct compiler *c, const struct vpc_build *v, const char *vpc_id, json_t *vpc,
			    json_t *routes)
{
	struct route_entry *entries = NULL;
	const struct vpc_policy **group = NULL;
	bool *done = NULL;
	json_t *policies = json_array();
	int entry_count = 0, table = DOC_PBR_TABLE_BASE, rc = -1;
	char system[64];

	if (v->policy_count == 0) {
		rc = 0;
		goto out;
	}
	group = calloc((size_t)v->policy_count, sizeof(*group));
	done = calloc((size_t)v->policy_count, sizeof(*done));
	if (group == NULL || done == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpc_system_route_table(c->m, vpc_id, system, c->err) < 0)
		goto out;
	if (route_entry_collect(c->m->store, system, &entries, &entry_count) < 0) {
		store_failed(c);
		goto out;
	}
	for (int a = 0; a < v->policy_count && table < DOC_PBR_TABLE_LAST; a++) {
		const struct vpc_policy *p = &v->policies[a];
		int n = 0;
		json_t *hops;

		if (done[a])
			continue;
		for (int b = a; b < v->policy_count; b++)
			if (!done[b] && same_policy_group(p, &v->policies[b])) {
				done[b] = true;
				group[n++] = &v->policies[b];
			}
		if (!routed_to_gateway(entries, entry_count, p->rule.route_dest, p->gateway))
			continue;
		hops = policy_hops(v, group, n);
		if (json_array_size(hops) == 0) {
			json_decref(hops);
			continue;
		}
		table++;
		json_array_append_new(routes, json_pack("{s:s, s:i, s:o}", "dest", p->rule.route_dest, "table", table,
							"nexthops", hops));
		json_array_append_new(policies, json_pack("{s:s, s:s, s:i}", "from", p->rule.route_source, "to",
							  p->rule.route_dest, "table", table));
	}
	if (json_array_size(policies) > 0)
		json_object_set(vpc, "policies", policies);
	rc = 0;
out:
	free(entries);
	free(group);
	free(done);
	json_decref(policies);
	return rc;
}

static int compile_vpc(struct compiler *c, const char *vpc_id, const char *cidr)
{
	struct vpc_build v = { 0 };
	struct vswitch_placement *vsw_rows = NULL;
	struct vpn_gateway_owner *gws = NULL;
	struct vpc_host *host_rows = NULL;
	json_t *vsw_list = json_array(), *vpc = json_object(), *routes, *peer_cidrs = json_object();
	int vsw_count = 0, gw_count = 0, host_count = 0;
	bool here = false;
	int rc = -1;

	if (vswitch_list_in_vpc(c->m, vpc_id, &vsw_rows, &vsw_count, c->err) < 0)
		goto out;
	if (vsw_count > 0 && (v.vswitches = calloc((size_t)vsw_count, sizeof(*v.vswitches))) == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	/* each vSwitch (its endpoints and hosts) is built by the agent of its zone */
	for (int i = 0; i < vsw_count; i++) {
		struct placed_vswitch *pv = &v.vswitches[v.vswitch_count++];
		int at = place_zone(c, vsw_rows[i].zone_id);
		char key[16];

		model_copy(pv->id, sizeof(pv->id), vsw_rows[i].vswitch_id);
		model_copy(pv->cidr, sizeof(pv->cidr), vsw_rows[i].cidr_block);
		lab_vswitch_gateway_ip(pv->cidr, pv->gateway_ip, sizeof(pv->gateway_ip));
		pv->agent = at;
		if (at == c->self) {
			json_t *o = json_object();

			json_put_str(o, "id", pv->id);
			json_put_str(o, "cidr", pv->cidr);
			json_put_str(o, "gateway_ip", pv->gateway_ip);
			json_array_append_new(vsw_list, o);
			here = true;
		} else if (at >= 0) {
			json_t *list;

			snprintf(key, sizeof(key), "%d", at);
			if ((list = json_object_get(peer_cidrs, key)) == NULL)
				json_object_set_new(peer_cidrs, key, list = json_array());
			json_array_append_new(list, json_string(pv->cidr));
		}
	}
	/* a VPC without vSwitches (only its routes) stays where its zone-less placement is */
	if (vsw_count == 0)
		here = place_zone(c, "") == c->self;
	if (!here) {
		rc = 0;
		goto out;
	}
	if (c->any_cloud) {
		if (vpn_gateway_list_paid_in_vpc(c->m, vpc_id, &gws, &gw_count, c->err) < 0)
			goto out;
		for (int i = 0; i < gw_count; i++)
			if (compile_gateway(c, &gws[i], &v) < 0)
				goto out;
	}
	if (vpc_attachment_hops(c, &v, vpc_id) < 0)
		goto out;
	if ((routes = compile_table(c, &v, vpc_id, NULL)) == NULL)
		goto out;
	if (compile_custom_tables(c, &v, vpc_id, vsw_list, routes) < 0) {
		json_decref(routes);
		goto out;
	}
	if (compile_policies(c, &v, vpc_id, vpc, routes) < 0) {
		json_decref(routes);
		goto out;
	}
	json_put_str(vpc, "id", vpc_id);
	json_put_str(vpc, "cidr", cidr);
	json_object_set(vpc, "vswitches", vsw_list);
	json_object_set_new_nocheck(vpc, "routes", routes);
	{
		json_t *ports = json_array();

		vpc_tr_ports(c, vpc_id, ports);
		if (json_array_size(ports) > 0)
			json_object_set_new_nocheck(vpc, "tr_ports", ports);
		else
			json_decref(ports);
	}
	if (json_object_size(peer_cidrs) > 0) {
		json_t *fabric = json_object(), *peers = json_array();
		char ip[16];

		/* peers by registration order, so the document is the same every time */
		for (int a = 0; a < c->agent_count; a++) {
			char key[16];
			json_t *cidrs, *peer;

			snprintf(key, sizeof(key), "%d", a);
			if ((cidrs = json_object_get(peer_cidrs, key)) == NULL)
				continue;
			peer = json_object();
			fabric_ip(a, ip, sizeof(ip));
			json_put_str(peer, "ip", ip);
			json_put_str(peer, "underlay_ip", c->agents[a].underlay_ip);
			json_put_str(peer, "url", c->agents[a].url);
			json_object_set(peer, "cidrs", cidrs);
			json_array_append_new(peers, peer);
		}
		fabric_ip(c->self, ip, sizeof(ip));
		json_put_int(fabric, "vni", fabric_vni(vpc_id));
		json_put_str(fabric, "ip", ip);
		json_put_int(fabric, "prefix", FABRIC_PREFIX);
		json_object_set_new_nocheck(fabric, "peers", peers);
		json_object_set_new_nocheck(vpc, "fabric", fabric);
	}
	json_array_append(c->vpcs, vpc);
	if (join_hosts_in_vpc(c, vpc_id, &host_rows, &host_count) < 0)
		goto out;
	for (int i = 0; i < host_count; i++) {
		const struct placed_vswitch *vsw = find_vswitch(&v, host_rows[i].vswitch_id);
		json_t *h;

		if (vsw == NULL || vsw->agent != c->self)
			continue;
		h = json_object();

		json_put_str(h, "id", host_rows[i].host_id);
		json_object_set_new_nocheck(h, "lan",
					    lan_json(vpc_id, host_rows[i].vswitch_id, NULL, host_rows[i].ip_address,
						     cidr_prefix(vsw->cidr), vsw->gateway_ip));
		json_array_append_new(c->hosts, h);
	}
	rc = 0;
out:
	free(v.vswitches);
	free(v.hops);
	free(v.conns);
	free(v.explicit);
	free(v.att_hops);
	free(v.policies);
	free(vsw_rows);
	json_decref(vsw_list);
	free(gws);
	free(host_rows);
	json_decref(vpc);
	json_decref(peer_cidrs);
	return rc;
}

static int compile_vpcs(struct compiler *c)
{
	struct vpc_to_build *vpcs = NULL;
	int count = 0, rc = -1;

	if (!c->agents[c->self].cloud)
		return 0;
	if (join_vpcs_to_build(c, &vpcs, &count) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		if (compile_vpc(c, vpcs[i].vpc_id, vpcs[i].cidr_block) < 0)
			goto out;
	rc = 0;
out:
	free(vpcs);
	return rc;
}

/* ---- sites: gateway devices and hosts ---- */

/*
 * One device: the customer side of every connection (or tunnel) that uses its customer
 * gateway, overrides applied, as LabDownloadCustomerSwanctlConfig renders it.
 */
static int compile_device(struct compiler *c, const char *site_id, const char *lan_cidr, const json_t *overrides,
			  const struct site_device *dev)
{
	const char *cgw_id = dev->customer_gateway_id, *lan_ip = dev->lan_ip;
	struct vpn_connection *conn = malloc(sizeof(*conn));
	struct vpn_connection_config *cfg = malloc(sizeof(*cfg));
	struct vpn_gateway *gw = malloc(sizeof(*gw));
	struct endpoint e;
	struct device_connection *conns = NULL;
	char id[80];
	int conn_count = 0, rc = -1;

	snprintf(id, sizeof(id), "%s-%d", site_id, dev->device_index);
	endpoint_init(&e, id, "site_device", dev->public_ip,
		      lan_json(NULL, NULL, site_id, lan_ip, cidr_prefix(lan_cidr), NULL));
	if (conn == NULL || cfg == NULL || gw == NULL) {
		vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	/* gateways are placed whenever a cloud agent exists (unpaid ones never) */
	if (c->any_cloud && join_device_connections(c, cgw_id, &conns, &conn_count) < 0)
		goto out;
	for (int i = 0; i < conn_count; i++) {
		struct model_ctx om = owner_ctx(c, conns[i].account, conns[i].region);

		if (vpn_connection_get(&om, conns[i].vpn_connection_id, conn, c->err) < 0 ||
		    vpn_connection_config_build(&om, conn, cfg, c->err) < 0)
			goto out;
		lab_overrides_apply(overrides, cfg);
		const json_t *shared = NULL;

		if (conn->vpn_gateway_id[0] != '\0' &&
		    (vpn_gateway_get(&om, conn->vpn_gateway_id, gw, c->err) < 0 ||
		     (shared = shared_paths(c, &om, conn->vpn_gateway_id)) == NULL))
			goto out;
		const struct tr_build *tr = conn->vpn_gateway_id[0] == '\0' ? find_tr(c, conn->transit_router_id) : NULL;
		const struct tr_att *tr_att = tr ? tr_att_of_conn(tr, conn->vpn_connection_id) : NULL;

		/* a transit router's connection has a tunnel once its router is placed */
		if (conn->vpn_gateway_id[0] == '\0' && (tr_att == NULL || tr->agent < 0))
			continue;
		for (int t = 0; t < cfg->tunnel_count; t++) {
			/* the gateway endpoint this tunnel ends on, by its public address */
			const char *gw_lan = NULL;
			char tr_ip[16];

			if (tr_att != NULL) {
				tr_link_ip(tr_att, tr_endpoint_index(cfg, t), tr_ip);
				gw_lan = tr_liveness_source(tr, cfg, tr_ip);
			}
			if (conn->vpn_gateway_id[0] != '\0')
				gw_lan = strcmp(cfg->tunnels[t].remote_addr, gw->internet_ip) == 0	? gw->eni_ip
					 : strcmp(cfg->tunnels[t].remote_addr, gw->dr_internet_ip) == 0 ? gw->dr_eni_ip
													 : NULL;
			if (strcmp(cfg->tunnels[t].customer_gateway_id, cgw_id) == 0 && cfg->tunnels[t].remote_addr[0] &&
			    endpoint_add(c, &e, conn, cfg, t, gw_lan && *gw_lan ? gw_lan : NULL, lan_ip, shared) < 0) {
				vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
				goto out;
			}
		}
	}
	rc = endpoint_finish(c, &e);
out:
	endpoint_free(&e);
	free(conns);
	free(conn);
	free(cfg);
	free(gw);
	return rc;
}

/* A hop of a site router's route: one tunnel of one of the site's devices. */
struct site_hop {
	const char *endpoint, *tunnel, *via; /* into c->endpoints */
	int weight;
	int order; /* position in the document: ties keep device order */
};

static int site_hop_cmp(const void *pa, const void *pb)
{
	const struct site_hop *a = pa, *b = pb;

	if (a->weight != b->weight)
		return b->weight - a->weight;
	return a->order - b->order;
}

/*
 * The routes of site site_id's router, from the device endpoints compile_device added for it
 * to c->endpoints: one route per cloud block some device tunnel leads to (its remote_ts),
 * with a hop per device tunnel whose selectors contain the block (via the device's LAN
 * address): a master or single tunnel weighs 100, a slave 0, so several devices with a
 * master tunnel toward one block share it (ECMP) and a seed-style branch (master on device
 * 1, slave on device 2) stays active/standby.  Hops beyond the schema's 16 are dropped,
 * lowest weight first.  Routes by destination.  A new array, or NULL (out of memory).
 */
static json_t *site_routes_json(const struct compiler *c, const char *site_id)
{
	struct cidr *dests = NULL;
	struct site_hop *hops = NULL;
	int dest_count = 0, hop_cap = 0;
	json_t *routes = json_array(), *ep, *t, *ts;
	size_t i, j, k;

	if (routes == NULL)
		return NULL;
	/* every block once */
	json_array_foreach(c->endpoints, i, ep) {
		if (strcmp(json_string_value(json_object_get(ep, "kind")), "site_device") != 0 ||
		    strcmp(json_string_value(json_object_get(json_object_get(ep, "lan"), "site")), site_id) != 0)
			continue;
		json_array_foreach(json_object_get(ep, "tunnels"), j, t) {
			hop_cap++;
			json_array_foreach(json_object_get(t, "remote_ts"), k, ts) {
				struct cidr d, *grown;
				bool seen = false;

				if (!cidr_parse(json_string_value(ts), &d))
					continue;
				for (int n = 0; n < dest_count && !seen; n++)
					seen = dests[n].addr == d.addr && dests[n].prefix_len == d.prefix_len;
				if (seen)
					continue;
				if ((grown = realloc(dests, (size_t)(dest_count + 1) * sizeof(*grown))) == NULL)
					goto fail;
				dests = grown;
				dests[dest_count++] = d;
			}
		}
	}
	if (dest_count == 0)
		goto out;
	if ((hops = calloc((size_t)hop_cap, sizeof(*hops))) == NULL)
		goto fail;
	for (int a = 0; a < dest_count; a++)
		for (int b = a + 1; b < dest_count; b++)
			if (dests[b].addr < dests[a].addr ||
			    (dests[b].addr == dests[a].addr && dests[b].prefix_len < dests[a].prefix_len)) {
				struct cidr x = dests[a];

				dests[a] = dests[b];
				dests[b] = x;
			}
	for (int n = 0; n < dest_count; n++) {
		json_t *route = json_object(), *list = json_array();
		char dest[20];
		int count = 0;

		json_array_foreach(c->endpoints, i, ep) {
			json_t *lan = json_object_get(ep, "lan");

			if (strcmp(json_string_value(json_object_get(ep, "kind")), "site_device") != 0 ||
			    strcmp(json_string_value(json_object_get(lan, "site")), site_id) != 0)
				continue;
			json_array_foreach(json_object_get(ep, "tunnels"), j, t) {
				bool leads = false;

				json_array_foreach(json_object_get(t, "remote_ts"), k, ts) {
					struct cidr outer;

					leads |= cidr_parse(json_string_value(ts), &outer) && cidr_contains(&outer, &dests[n]);
				}
				if (!leads)
					continue;
				hops[count].endpoint = json_string_value(json_object_get(ep, "id"));
				hops[count].tunnel = json_string_value(json_object_get(t, "name"));
				hops[count].via = json_string_value(json_object_get(lan, "ip"));
				hops[count].weight = strcmp(json_string_value(json_object_get(t, "role")), "slave") == 0
							     ? WEIGHT_STANDBY
							     : WEIGHT_ACTIVE;
				hops[count].order = count;
				count++;
			}
		}
		qsort(hops, (size_t)count, sizeof(*hops), site_hop_cmp);
		for (int h = 0; h < count && h < ROUTE_HOPS_MAX; h++) {
			json_t *hop = json_object();

			json_put_fields(hop, JSON_FIELDS(JSON_TEXT("via", hops[h].via),
					JSON_INT("weight", hops[h].weight),
					JSON_TEXT("endpoint", hops[h].endpoint),
					JSON_TEXT("tunnel", hops[h].tunnel)));
			json_array_append_new(list, hop);
		}
		cidr_format(&dests[n], dest, sizeof(dest));
		json_put_str(route, "dest", dest);
		json_object_set_new_nocheck(route, "nexthops", list);
		json_array_append_new(routes, route);
	}
out:
	free(dests);
	free(hops);
	return routes;
fail:
	free(dests);
	free(hops);
	json_decref(routes);
	return NULL;
}

static int compile_sites(struct compiler *c)
{
	struct lab_site *sites = NULL;
	struct site_device *devs = NULL;
	struct lab_host *hosts = NULL;
	int site_count = 0, dev_count = 0, host_count = 0, rc = -1;

	if (c->site_agent != c->self)
		return 0;
	if (lab_site_list_all(c->m, &sites, &site_count, c->err) < 0)
		return -1;
	for (int i = 0; i < site_count; i++) {
		const char *site_id = sites[i].site_id, *lan = sites[i].lan_cidr;
		json_t *o = json_object(), *routes;
		char gateway[16] = "";

		/* site hosts route through the site's router, which spreads over the devices */
		lab_site_router_ip(lan, gateway, sizeof(gateway));
		json_put_str(o, "id", site_id);
		json_put_str(o, "lan_cidr", lan);
		json_put_str(o, "router_ip", gateway);
		json_array_append_new(c->sites, o);
		if (join_site_devices(c, site_id, &devs, &dev_count) < 0)
			goto out;
		for (int j = 0; j < dev_count; j++)
			if (compile_device(c, site_id, lan, sites[i].overrides, &devs[j]) < 0)
				goto out;
		if ((routes = site_routes_json(c, site_id)) == NULL) {
			vl_err_set(c->err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		json_object_set_new_nocheck(o, "routes", routes);
		if (lab_host_list_in_site(c->m, site_id, &hosts, &host_count, c->err) < 0)
			goto out;
		for (int j = 0; j < host_count; j++) {
			int prefix = cidr_prefix(lan);
			json_t *h = json_object();

			json_put_str(h, "id", hosts[j].host_id);
			json_object_set_new_nocheck(
				h, "lan", lan_json(NULL, NULL, site_id, hosts[j].ip_address, prefix, gateway));
			json_array_append_new(c->hosts, h);
		}
		free(devs);
		free(hosts);
		devs = NULL;
		hosts = NULL;
	}
	rc = 0;
out:
	free(devs);
	free(hosts);
	lab_sites_free(sites, site_count);
	return rc;
}

/* ---- the document ---- */

static json_t *underlay_json(const struct compiler *c)
{
	json_t *u = json_object(), *peers = json_array();
	const char *own = c->agents[c->self].underlay_ip;

	json_put_int(u, "vni", DATAPLANE_UNDERLAY_VNI);
	/* every other agent once: one VXLAN head-end entry per host */
	for (int i = 0; i < c->agent_count; i++) {
		const char *ip = c->agents[i].underlay_ip;
		bool seen = i == c->self || ip[0] == '\0' || strcmp(ip, own) == 0;

		for (int j = 0; j < i && !seen; j++)
			seen = j != c->self && strcmp(c->agents[j].underlay_ip, ip) == 0;
		if (!seen)
			json_array_append_new(peers, json_string(ip));
	}
	json_object_set_new_nocheck(u, "peers", peers);
	return u;
}

int dataplane_compile(struct model_ctx *m, const char *agent_id, json_t **doc, struct vl_err *err)
{
	struct compiler c = { .m = m, .err = err, .self = -1 };
	json_t *d = NULL;
	int rc = -1;

	*doc = NULL;
	c.faults = json_object();
	c.devices = json_object();
	c.shared = json_object();
	c.vpcs = json_array();
	c.endpoints = json_array();
	c.sites = json_array();
	c.hosts = json_array();
	c.trs_json = json_array();
	if (load_agents(&c) < 0)
		goto out;
	for (int i = 0; i < c.agent_count; i++)
		if (agent_id && strcmp(c.agents[i].id, agent_id) == 0)
			c.self = i;
	if (c.self < 0) {
		vl_err_set(err, VL_AGENT_NOT_FOUND, NULL);
		goto out;
	}
	if (load_faults(&c) < 0 || load_devices(&c) < 0 || load_trs(&c) < 0 || compile_vpcs(&c) < 0 ||
	    (c.agents[c.self].cloud && compile_trs(&c) < 0) || compile_sites(&c) < 0)
		goto out;
	d = json_object();
	json_put_int(d, "version", 2);
	json_put_str(d, "agent_id", c.agents[c.self].id);
	json_object_set_new_nocheck(d, "underlay", underlay_json(&c));
	json_object_set(d, "vpcs", c.vpcs);
	json_object_set(d, "transit_routers", c.trs_json);
	json_object_set(d, "endpoints", c.endpoints);
	json_object_set(d, "sites", c.sites);
	json_object_set(d, "hosts", c.hosts);
	*doc = d;
	rc = 0;
out:
	free(c.agents);
	json_decref(c.faults);
	json_decref(c.devices);
	json_decref(c.shared);
	json_decref(c.vpcs);
	json_decref(c.endpoints);
	json_decref(c.sites);
	json_decref(c.hosts);
	json_decref(c.trs_json);
	for (int i = 0; i < c.tr_count; i++)
		tr_build_free(&c.trs[i]);
	free(c.trs);
	return rc;
}

int dataplane_host_agent(struct model_ctx *m, const char *host_id, char *agent_id, char *url, size_t url_size,
			 struct vl_err *err)
{
	struct compiler c = { .m = m, .err = err, .self = -1 };
	struct lab_host h;
	char zone[64];
	int at, rc = -1;

	if (lab_host_get(m, host_id, &h, err) < 0)
		return -1;
	if (load_agents(&c) < 0)
		goto out;
	if (h.site_id[0]) {
		at = c.site_agent;
	} else {
		if (vswitch_zone(m, h.vswitch_id, zone, sizeof(zone), err) < 0)
			goto out;
		at = place_zone(&c, zone);
	}
	if (at >= 0) {
		snprintf(agent_id, 64, "%s", c.agents[at].id);
		snprintf(url, url_size, "%s", c.agents[at].url);
	}
	rc = at >= 0 ? 1 : 0;
out:
	free(c.agents);
	return rc;
}
