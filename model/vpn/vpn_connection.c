/*
 * IPsec-VPN connections: CreateVpnConnection (on a VPN gateway, single- or dual-tunnel),
 * CreateVpnAttachment (unbound, for a transit router), Describe, Modify, Delete.
 * Field rules live in ipsec_config.c; this file decides the form, checks references,
 * keeps the counters (quota per gateway, references to customer gateways) and stores rows.
 * What the cloud does and where that is written: api-docs/research-vpn-connection.md.
 */
#include "vpn_connection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "customer_gateway.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "record_list.h"
#include "row_read.h"
#include "vpn_gateway.h"

const struct lifecycle_kind vpn_connection_lifecycle = {
	"vpn_connection", "UPDATE vpn_connections SET state=?1 WHERE vpn_connection_id=?2 AND state=?3"
};

#define KIND "vpn_connection"
#define TAG_RESOURCE_TYPE "VPNCONNECTION"
#define STATUS_NONE "ike_sa_not_established"

#define IKE_COLS "psk, ike_version, ike_mode, ike_enc_alg, ike_auth_alg, ike_pfs, ike_lifetime, local_id, remote_id"
#define IPSEC_COLS "ipsec_enc_alg, ipsec_auth_alg, ipsec_pfs, ipsec_lifetime"
/* The same columns (and the BGP ones both tables end with) as UPDATE assignments. */
#define IKE_SET                                                                                          \
	"psk=?, ike_version=?, ike_mode=?, ike_enc_alg=?, ike_auth_alg=?, ike_pfs=?, ike_lifetime=?, "    \
	"local_id=?, remote_id=?"
#define IPSEC_SET "ipsec_enc_alg=?, ipsec_auth_alg=?, ipsec_pfs=?, ipsec_lifetime=?"
#define BGP_SET "bgp_local_asn=?, bgp_tunnel_cidr=?, bgp_local_ip=?, bgp_status=?"

#define CONN_COLUMNS                                                                                    \
	"vpn_connection_id, region, vpn_gateway_id, customer_gateway_id, name, local_subnet, "            \
	"remote_subnet, state, status, attach_type, transit_router_id, transit_router_name, "             \
	"attach_instance_id, network_type, dual_tunnel, internet_ip, zone_no, spec, resource_group_id, "  \
	"tunnel_bandwidth, effect_immediately, enable_dpd, enable_nat_traversal, enable_tunnels_bgp, "    \
	"auto_config_route, " IKE_COLS ", " IPSEC_COLS ", hc_configured, hc_enable, hc_dip, hc_sip, "     \
	"hc_interval, hc_retry, hc_policy, hc_status, bgp_enable, bgp_local_asn, bgp_tunnel_cidr, "       \
	"bgp_local_ip, bgp_status, created_ms"
#define CONN_COLUMN_COUNT 52

#define TUNNEL_COLUMNS                                                                                  \
	"tunnel_id, vpn_connection_id, tunnel_index, role, state, status, customer_gateway_id, "          \
	"enable_dpd, enable_nat_traversal, zone_no, internet_ip, " IKE_COLS ", " IPSEC_COLS ", "          \
	"bgp_local_asn, bgp_tunnel_cidr, bgp_local_ip, bgp_status"

#define Q10 "?,?,?,?,?,?,?,?,?,?,"

/* ---- errors ---- */

static int illegal(struct vl_err *err, const char *field, const char *fmt, const char *arg)
{
	char code[200];

	snprintf(code, sizeof(code), "IllegalParam.%s", field);
	return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, code, fmt, arg);
}

/* ---- field rules owned here ---- */

/* Name: 1-100 characters, not starting with http:// or https:// (CreateVpnConnection doc). */
static bool valid_name(const char *name)
{
	return text_valid_label(name, 1, 100);
}

/*
 * LocalSubnet / RemoteSubnet: comma-separated IPv4 CIDR blocks, at most max of them, no
 * duplicates, 0.0.0.0/0 only alone.  Writes the normalised list to out.
 */
static int parse_subnets(const char *text, bool local, int64_t max, char *out, size_t size,
			 struct vl_err *err)
{
	enum vl_code code = local ? VL_VCO_ILLEGAL_LOCAL_SUBNET : VL_VCO_ILLEGAL_REMOTE_SUBNET;
	const char *what = local ? "LocalSubnet" : "RemoteSubnet";
	struct cidr seen[64];
	const char *p = text;
	int count = 0;
	bool any = false;
	char bad[80];

	out[0] = '\0';
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char entry[64], formatted[24];
		struct cidr c;

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == 0 || len >= sizeof(entry)) {
			text_excerpt(bad, sizeof(bad), text, 64);
			return vl_err_set(err, code, "The specified \"%s\" (%s) is invalid.", what, bad);
		}
		memcpy(entry, p, len);
		entry[len] = '\0';
		if (!cidr_parse(entry, &c))
			return vl_err_set(err, code, "The specified \"%s\" (%s) is invalid.", what, entry);
		if (count >= max || count >= (int)(sizeof(seen) / sizeof(seen[0])))
			return vl_err_set(err, code,
					  "The specified \"%s\" (%s) is invalid: at most %lld CIDR blocks are allowed.",
					  what, entry, (long long)max);
		for (int i = 0; i < count; i++)
			if (seen[i].addr == c.addr && seen[i].prefix_len == c.prefix_len)
				return vl_err_set(err, code, "The specified \"%s\" (%s) is invalid: duplicated CIDR block.",
						  what, entry);
		if (c.prefix_len == 0)
			any = true;
		seen[count++] = c;
		cidr_format(&c, formatted, sizeof(formatted));
		if (strlen(out) + strlen(formatted) + 2 > size)
			return vl_err_set(err, code, "The specified \"%s\" (%s) is invalid.", what, entry);
		if (out[0])
			strcat(out, ",");
		strcat(out, formatted);
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (any && count > 1)
		return vl_err_set(err, code, "The specified \"%s\" (%s) is invalid: 0.0.0.0/0 cannot be combined with other CIDR blocks.",
				  what, "0.0.0.0/0");
	return 0;
}

/* ---- rows ---- */

/*
 * Each column list names a record's fields once, in its SQL column order (IKE_COLS,
 * IPSEC_COLS, CONN_COLUMNS, TUNNEL_COLUMNS): row_read_columns reads a row with it and
 * row_bind_columns binds the same fields for INSERT and UPDATE.
 */
#define IKE_FIELDS(c)                                                                                   \
	ROW_TEXT((c)->psk), ROW_TEXT((c)->ike_version), ROW_TEXT((c)->ike_mode),                        \
		ROW_TEXT((c)->ike_enc_alg), ROW_TEXT((c)->ike_auth_alg), ROW_TEXT((c)->ike_pfs),        \
		ROW_INT64((c)->ike_lifetime), ROW_TEXT((c)->local_id), ROW_TEXT((c)->remote_id)
#define IPSEC_FIELDS(c) \
	ROW_TEXT((c)->enc_alg), ROW_TEXT((c)->auth_alg), ROW_TEXT((c)->pfs), ROW_INT64((c)->lifetime)

/*
 * Every column of CONN_COLUMNS but vpn_connection_id, region and created_ms; "" gateways bind
 * as NULL (unbound connections have no gateway; dual-tunnel ones no top-level cgw).
 */
#define CONN_BODY_FIELDS(c)                                                                             \
	ROW_TEXT_OR_NULL((c)->vpn_gateway_id), ROW_TEXT_OR_NULL((c)->customer_gateway_id),              \
		ROW_TEXT((c)->name), ROW_TEXT((c)->local_subnet), ROW_TEXT((c)->remote_subnet),         \
		ROW_TEXT((c)->state), ROW_TEXT((c)->status), ROW_TEXT((c)->attach_type),                \
		ROW_TEXT((c)->transit_router_id), ROW_TEXT((c)->transit_router_name),                   \
		ROW_TEXT((c)->attach_instance_id), ROW_TEXT((c)->network_type),                         \
		ROW_BOOL((c)->dual_tunnel), ROW_TEXT((c)->internet_ip), ROW_TEXT((c)->zone_no),         \
		ROW_TEXT((c)->spec), ROW_TEXT((c)->resource_group_id), ROW_TEXT((c)->tunnel_bandwidth), \
		ROW_BOOL((c)->effect_immediately), ROW_BOOL((c)->enable_dpd),                           \
		ROW_BOOL((c)->enable_nat_traversal), ROW_BOOL((c)->enable_tunnels_bgp),                 \
		ROW_BOOL((c)->auto_config_route), IKE_FIELDS(&(c)->ike), IPSEC_FIELDS(&(c)->ipsec),     \
		ROW_BOOL((c)->health_check.configured), ROW_BOOL((c)->health_check.enable),             \
		ROW_TEXT((c)->health_check.dip), ROW_TEXT((c)->health_check.sip),                       \
		ROW_INT64((c)->health_check.interval), ROW_INT64((c)->health_check.retry),              \
		ROW_TEXT((c)->health_check.policy), ROW_TEXT((c)->health_check.status),                 \
		ROW_BOOL((c)->bgp.enable), ROW_INT64((c)->bgp.local_asn), ROW_TEXT((c)->bgp.tunnel_cidr), \
		ROW_TEXT((c)->bgp.local_bgp_ip), ROW_TEXT((c)->bgp.status)

/* A tunnel's columns from its IKE settings on: what tunnel_update writes besides the first three. */
#define TUNNEL_TAIL_FIELDS(t)                                                                           \
	IKE_FIELDS(&(t)->ike), IPSEC_FIELDS(&(t)->ipsec), ROW_INT64((t)->bgp.local_asn),                \
		ROW_TEXT((t)->bgp.tunnel_cidr), ROW_TEXT((t)->bgp.local_bgp_ip), ROW_TEXT((t)->bgp.status)

static void row_to_conn(struct store_stmt *stmt, struct vpn_connection *c)
{
	memset(c, 0, sizeof(*c));
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(c->vpn_connection_id), ROW_TEXT(c->region), CONN_BODY_FIELDS(c),
					   ROW_INT64(c->created_ms)));
}

static int run_done(struct model_ctx *m, struct store_stmt *stmt, struct vl_err *err)
{
	enum store_step_result r = stmt_step(stmt);

	stmt_release(stmt);
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

/*
 * Runs an INSERT or UPDATE whose parameters are columns, then last (the account of an
 * INSERT, the key of an UPDATE).  0, or -1 with a store error.
 */
static int run_columns(struct model_ctx *m, const char *sql, const struct row_column *columns, int count,
		       const char *last, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;

	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, row_bind_columns(stmt, 1, columns, count), last);
	return run_done(m, stmt, err);
}

/* row_bind_columns only reads through the column list, so the const record may stand in it. */
static int conn_insert(struct model_ctx *m, const struct vpn_connection *c, struct vl_err *err)
{
	struct vpn_connection *row = (struct vpn_connection *)c;

	return run_columns(m, "INSERT INTO vpn_connections(" CONN_COLUMNS ", account) VALUES (" Q10 Q10 Q10 Q10 Q10 "?,?,?)",
			   ROW_COLUMNS(ROW_TEXT(row->vpn_connection_id), ROW_TEXT(row->region), CONN_BODY_FIELDS(row),
				       ROW_INT64(row->created_ms)),
			   m->account, err);
}

static int conn_update(struct model_ctx *m, const struct vpn_connection *c, struct vl_err *err)
{
	struct vpn_connection *row = (struct vpn_connection *)c;

	return run_columns(m,
			   "UPDATE vpn_connections SET vpn_gateway_id=?, customer_gateway_id=?, name=?, "
			   "local_subnet=?, remote_subnet=?, state=?, status=?, attach_type=?, transit_router_id=?, "
			   "transit_router_name=?, attach_instance_id=?, network_type=?, dual_tunnel=?, internet_ip=?, "
			   "zone_no=?, spec=?, resource_group_id=?, tunnel_bandwidth=?, effect_immediately=?, "
			   "enable_dpd=?, enable_nat_traversal=?, enable_tunnels_bgp=?, auto_config_route=?, " IKE_SET ", "
			   IPSEC_SET ", hc_configured=?, hc_enable=?, hc_dip=?, hc_sip=?, hc_interval=?, hc_retry=?, "
			   "hc_policy=?, hc_status=?, bgp_enable=?, " BGP_SET " WHERE vpn_connection_id=?",
			   ROW_COLUMNS(CONN_BODY_FIELDS(row)), c->vpn_connection_id, err);
}

/* Column 1, vpn_connection_id, is the parent's: load_tunnels selects by it. */
static void row_to_tunnel(struct store_stmt *stmt, struct vpn_tunnel *t)
{
	memset(t, 0, sizeof(*t));
	model_copy(t->tunnel_id, sizeof(t->tunnel_id), stmt_text(stmt, 0));
	t->tunnel_index = (int)stmt_int64(stmt, 2);
	row_read_columns_at(stmt, 3, ROW_COLUMNS(ROW_TEXT(t->role), ROW_TEXT(t->state), ROW_TEXT(t->status),
						 ROW_TEXT(t->customer_gateway_id), ROW_BOOL(t->enable_dpd),
						 ROW_BOOL(t->enable_nat_traversal), ROW_TEXT(t->zone_no),
						 ROW_TEXT(t->internet_ip), TUNNEL_TAIL_FIELDS(t)));
}

static int tunnel_insert(struct model_ctx *m, const char *conn_id, const struct vpn_tunnel *t,
			 struct vl_err *err)
{
	struct vpn_tunnel *row = (struct vpn_tunnel *)t;
	struct store_stmt *stmt = NULL;

	if (store_prepare(m->store, "INSERT INTO vpn_connection_tunnels(" TUNNEL_COLUMNS ") VALUES (" Q10 Q10 "?,?,?,?,?,?,?,?)",
			  &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, t->tunnel_id);
	stmt_bind_text(stmt, 2, conn_id);
	stmt_bind_int64(stmt, 3, t->tunnel_index);
	row_bind_columns(stmt, 4, ROW_COLUMNS(ROW_TEXT(row->role), ROW_TEXT(row->state), ROW_TEXT(row->status),
					      ROW_TEXT(row->customer_gateway_id), ROW_BOOL(row->enable_dpd),
					      ROW_BOOL(row->enable_nat_traversal), ROW_TEXT(row->zone_no),
					      ROW_TEXT(row->internet_ip), TUNNEL_TAIL_FIELDS(row)));
	return run_done(m, stmt, err);
}

static int tunnel_update(struct model_ctx *m, const struct vpn_tunnel *t, struct vl_err *err)
{
	struct vpn_tunnel *row = (struct vpn_tunnel *)t;

	return run_columns(m,
			   "UPDATE vpn_connection_tunnels SET customer_gateway_id=?, enable_dpd=?, enable_nat_traversal=?, "
			   IKE_SET ", " IPSEC_SET ", " BGP_SET " WHERE tunnel_id=?",
			   ROW_COLUMNS(ROW_TEXT(row->customer_gateway_id), ROW_BOOL(row->enable_dpd),
				       ROW_BOOL(row->enable_nat_traversal), TUNNEL_TAIL_FIELDS(row)),
			   t->tunnel_id, err);
}

/* Loads the tunnels of c (master first) into c->tunnels. */
static int load_tunnels(struct model_ctx *m, struct vpn_connection *c, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;

	c->tunnel_count = 0;
	if (!c->dual_tunnel)
		return 0;
	if (store_prepare(m->store,
			  "SELECT " TUNNEL_COLUMNS " FROM vpn_connection_tunnels WHERE vpn_connection_id=? ORDER BY tunnel_index",
			  &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, c->vpn_connection_id);
	while ((r = stmt_step(stmt)) == STORE_ROW && c->tunnel_count < IPSEC_TUNNELS_MAX) {
		struct vpn_tunnel *t = &c->tunnels[c->tunnel_count++];

		row_to_tunnel(stmt, t);
		t->bgp.enable = c->enable_tunnels_bgp;
	}
	stmt_release(stmt);
	if (r != STORE_ROW && r != STORE_DONE)
		return model_store_error(m, err);
	return 0;
}

static void row_to_conn_any(struct store_stmt *stmt, void *out)
{
	row_to_conn(stmt, out);
}

int vpn_connection_find(struct model_ctx *m, const char *vpn_connection_id, struct vpn_connection *out,
			struct vl_err *err)
{
	int found;

	if (text_empty(vpn_connection_id))
		return 0;
	found = model_find_row(m, "SELECT " CONN_COLUMNS " FROM vpn_connections"
				  " WHERE vpn_connection_id=? AND account=? AND region=?",
			       vpn_connection_id, row_to_conn_any, out, err);
	if (found <= 0)
		return found;
	return load_tunnels(m, out, err) < 0 ? -1 : 1;
}

int vpn_connection_get(struct model_ctx *m, const char *vpn_connection_id,
		       struct vpn_connection *out, struct vl_err *err)
{
	int found = vpn_connection_find(m, vpn_connection_id, out, err);

	return found > 0 ? 0 : found == 0 ? vl_err_set(err, VL_VCO_NOT_FOUND, NULL) : -1;
}

/* ---- checks against other rows ---- */

static int exists(struct model_ctx *m, const char *sql, const char *a, const char *b, const char *c,
		  bool *found, struct vl_err *err)
{
	int r = model_exists(m, sql, a, b, c);

	*found = r > 0;
	return r < 0 ? model_store_error(m, err) : 0;
}

/*
 * "The IPsec tunnel CIDR block of each IPsec-VPN connection under a VPN gateway instance
 * must be unique" — across connections and tunnels of the gateway, except self_id.
 */
static int check_tunnel_cidr_free(struct model_ctx *m, const char *gateway_id, const char *cidr,
				  const char *self_id, struct vl_err *err)
{
	bool found = false;

	if (text_empty(gateway_id) || text_empty(cidr))
		return 0;
	if (exists(m,
		   "SELECT 1 FROM vpn_connections WHERE vpn_gateway_id=?1 AND bgp_tunnel_cidr=?2 AND vpn_connection_id<>?3"
		   " UNION ALL SELECT 1 FROM vpn_connection_tunnels t JOIN vpn_connections c"
		   " ON c.vpn_connection_id=t.vpn_connection_id"
		   " WHERE c.vpn_gateway_id=?1 AND t.bgp_tunnel_cidr=?2 AND t.vpn_connection_id<>?3 LIMIT 1",
		   gateway_id, cidr, self_id ? self_id : "", &found, err) < 0)
		return -1;
	if (found)
		return illegal(err, "TunnelCidr",
			       "The specified \"TunnelCidr\" (%s) is already used by another IPsec-VPN connection of the VPN gateway.",
			       cidr);
	return 0;
}

/* The two tunnels of one connection need different tunnel CIDR blocks too. */
static int check_tunnel_cidrs(struct model_ctx *m, const struct vpn_connection *c, struct vl_err *err)
{
	if (!c->dual_tunnel)
		return check_tunnel_cidr_free(m, c->vpn_gateway_id, c->bgp.tunnel_cidr, c->vpn_connection_id, err);
	if (c->tunnel_count == 2 && c->tunnels[0].bgp.tunnel_cidr[0] &&
	    strcmp(c->tunnels[0].bgp.tunnel_cidr, c->tunnels[1].bgp.tunnel_cidr) == 0)
		return illegal(err, "TunnelCidr", "The specified \"TunnelCidr\" (%s) is used by both tunnels.",
			       c->tunnels[0].bgp.tunnel_cidr);
	for (int i = 0; i < c->tunnel_count; i++)
		if (check_tunnel_cidr_free(m, c->vpn_gateway_id, c->tunnels[i].bgp.tunnel_cidr,
					   c->vpn_connection_id, err) < 0)
			return -1;
	return 0;
}

/* usage "ref:customer_gateway"/<id>: +1 per connection or tunnel that uses it. */
static int cgw_ref(struct model_ctx *m, const char *cgw_id, int64_t delta, struct vl_err *err)
{
	if (text_empty(cgw_id))
		return 0;
	return model_usage_add(m, "ref:customer_gateway", cgw_id, delta) < 0 ? model_store_error(m, err) : 0;
}

static int cgw_refs_of(struct model_ctx *m, const struct vpn_connection *c, int64_t delta,
		       struct vl_err *err)
{
	if (cgw_ref(m, c->customer_gateway_id, delta, err) < 0)
		return -1;
	for (int i = 0; i < c->tunnel_count; i++)
		if (cgw_ref(m, c->tunnels[i].customer_gateway_id, delta, err) < 0)
			return -1;
	return 0;
}

/*
 * A change to a gateway's connection is refused while the gateway is not active; asking
 * the gateway model to begin a change yields its own error (VpnGateway.Configuring) and,
 * when the gateway is not active, changes nothing — so validation can report it first.
 */
static int check_gateway_idle(struct model_ctx *m, const struct vpn_gateway *gw, struct vl_err *err)
{
	if (strcmp(gw->status, "active") == 0 && !lifecycle_busy(m, "vpn_gateway", gw->vpn_gateway_id))
		return 0;
	if (vpn_gateway_begin_change(m, gw->vpn_gateway_id, err) == 0)
		return vl_err_set(err, VL_INTERNAL_ERROR, "vpn gateway %s changed while %s", gw->vpn_gateway_id,
				  gw->status);
	return -1;
}

/* ---- the two forms ---- */

static void tunnel_prefix(char *buf, size_t size, const struct ipsec_tunnel_spec *s)
{
	snprintf(buf, size, "TunnelOptionsSpecification.%d", s->n);
}

static int spec_bool(const struct ipsec_tunnel_spec *s, const char *value, const char *leaf, bool *out,
		     struct vl_err *err)
{
	char name[96];

	if (value == NULL)
		return 0;
	if (ipsec_parse_bool(value, out))
		return 0;
	snprintf(name, sizeof(name), "TunnelOptionsSpecification.%d.%s", s->n, leaf);
	return vl_err_invalid(err, name);
}

/* Standard VPN gateways take no peer CA certificate (SM gateways are not emulated). */
static int check_no_ca_certificate(const char *cert, const char *param, struct vl_err *err)
{
	if (text_empty(cert))
		return 0;
	return illegal(err, "RemoteCaCertificate",
		       "The specified \"%s\" is invalid: a standard VPN gateway takes no peer CA certificate.", param);
}

/* A dual-tunnel create does not use IkeConfig & co., but refuses malformed ones. */
static int check_unused_json(const struct vpn_connection_create_args *args, struct vl_err *err)
{
	return ipsec_check_single_tunnel_json(args->ike_config, args->ipsec_config, args->health_check_config,
					      args->bgp_config, err);
}

/*
 * Builds both tunnels of a new dual-tunnel connection from the request's specs (validated
 * here) into c->tunnels, master first.  gw is NULL for unbound connections.
 */
static int build_tunnels(struct model_ctx *m, const struct vpn_connection_create_args *args,
			 const struct vpn_gateway *gw, struct vpn_connection *c, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	int masters = 0;

	if (args->tunnel_count != IPSEC_TUNNELS_MAX)
		return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.TunnelOptionsSpecification",
				       "A dual-tunnel IPsec-VPN connection needs two tunnels: "
				       "TunnelOptionsSpecification.1 and TunnelOptionsSpecification.2.");
	for (int i = 0; i < IPSEC_TUNNELS_MAX; i++) {
		const struct ipsec_tunnel_spec *s = &args->tunnels[i];
		struct vpn_tunnel *t = &c->tunnels[i];
		struct customer_gateway cgw;
		char prefix[64], name[128];

		memset(t, 0, sizeof(*t));
		tunnel_prefix(prefix, sizeof(prefix), s);
		if (text_empty(s->customer_gateway_id)) {
			snprintf(name, sizeof(name), "%s.CustomerGatewayId", prefix);
			return vl_err_missing(err, name);
		}
		if (customer_gateway_get(m, s->customer_gateway_id, &cgw, err) < 0)
			return -1;
		model_copy(t->customer_gateway_id, sizeof(t->customer_gateway_id), cgw.customer_gateway_id);
		if (gw && text_empty(s->role)) {
			snprintf(name, sizeof(name), "%s.Role", prefix);
			return vl_err_missing(err, name);
		}
		if (!text_empty(s->role)) {
			if (strcmp(s->role, "master") != 0 && strcmp(s->role, "slave") != 0) {
				snprintf(name, sizeof(name), "%s.Role", prefix);
				return vl_err_invalid(err, name);
			}
			model_copy(t->role, sizeof(t->role), s->role);
		}
		t->tunnel_index = 0;
		if (!gw && !text_empty(s->tunnel_index)) {
			if (strcmp(s->tunnel_index, "1") != 0 && strcmp(s->tunnel_index, "2") != 0) {
				snprintf(name, sizeof(name), "%s.TunnelIndex", prefix);
				return vl_err_invalid(err, name);
			}
			t->tunnel_index = s->tunnel_index[0] - '0';
		}
		t->enable_dpd = true;
		t->enable_nat_traversal = true;
		if (spec_bool(s, s->enable_dpd, "EnableDpd", &t->enable_dpd, err) < 0 ||
		    spec_bool(s, s->enable_nat_traversal, "EnableNatTraversal", &t->enable_nat_traversal, err) < 0)
			return -1;
		snprintf(name, sizeof(name), "%s.RemoteCaCertificate", prefix);
		if (gw && check_no_ca_certificate(s->remote_ca_certificate, name, err) < 0)
			return -1;
		ipsec_ike_defaults(&t->ike);
		ipsec_phase2_defaults(&t->ipsec);
		ipsec_bgp_defaults(&t->bgp);
		if (ipsec_tunnel_spec_apply(s, &t->ike, &t->ipsec, &t->bgp, err) < 0)
			return -1;
		t->bgp.enable = args->enable_tunnels_bgp;
		snprintf(name, sizeof(name), "%s.TunnelBgpConfig", prefix);
		if (ipsec_bgp_finish(&t->bgp, name, err) < 0)
			return -1;
		/* the peer's address is the default RemoteId; LocalId is set below per role */
		ipsec_ike_complete(&t->ike, NULL, cgw.ip_address);
		model_copy(t->status, sizeof(t->status), STATUS_NONE);
		ids_new(t->tunnel_id, sizeof(t->tunnel_id), "tun", region ? region->id_code : NULL);
	}
	/* unbound: roles follow TunnelIndex (or N) when not given; gateway: Role is required */
	for (int i = 0; i < IPSEC_TUNNELS_MAX; i++) {
		struct vpn_tunnel *t = &c->tunnels[i];
		int index = t->tunnel_index ? t->tunnel_index : args->tunnels[i].n;

		if (t->role[0] == '\0')
			model_copy(t->role, sizeof(t->role), index == 1 ? "master" : "slave");
		masters += strcmp(t->role, "master") == 0;
	}
	if (masters != 1)
		return illegal(err, "Role", "%s",
			       "The tunnels of a dual-tunnel IPsec-VPN connection must be one master and one slave.");
	if (strcmp(c->tunnels[0].role, "master") != 0) {
		struct vpn_tunnel swap = c->tunnels[0];

		c->tunnels[0] = c->tunnels[1];
		c->tunnels[1] = swap;
	}
	if (c->tunnels[0].tunnel_index && c->tunnels[0].tunnel_index == c->tunnels[1].tunnel_index)
		return illegal(err, "TunnelIndex", "%s", "The two tunnels need different TunnelIndex values.");
	for (int i = 0; i < IPSEC_TUNNELS_MAX; i++) {
		struct vpn_tunnel *t = &c->tunnels[i];

		if (t->tunnel_index == 0)
			t->tunnel_index = i + 1;
		model_copy(t->state, sizeof(t->state), c->state);
		if (gw) {
			model_copy(t->zone_no, sizeof(t->zone_no), i == 0 ? gw->zone_id : gw->dr_zone_id);
			model_copy(t->internet_ip, sizeof(t->internet_ip), i == 0 ? gw->internet_ip : gw->dr_internet_ip);
		}
		ipsec_ike_complete(&t->ike, t->internet_ip, NULL);
	}
	c->tunnel_count = IPSEC_TUNNELS_MAX;
	return 0;
}

/* The single-tunnel fields: customer gateway and the four JSON documents. */
static int build_single(struct model_ctx *m, const struct vpn_connection_create_args *args,
			const struct vpn_gateway *gw, struct vpn_connection *c, struct vl_err *err)
{
	struct customer_gateway cgw;

	if (text_empty(args->customer_gateway_id))
		return vl_err_missing(err, "CustomerGatewayId");
	if (customer_gateway_get(m, args->customer_gateway_id, &cgw, err) < 0)
		return -1;
	model_copy(c->customer_gateway_id, sizeof(c->customer_gateway_id), cgw.customer_gateway_id);
	if (ipsec_parse_ike_json(args->ike_config, "IkeConfig", &c->ike, err) < 0 ||
	    ipsec_parse_phase2_json(args->ipsec_config, "IpsecConfig", &c->ipsec, err) < 0 ||
	    ipsec_parse_health_check_json(args->health_check_config, "HealthCheckConfig", &c->health_check, err) < 0 ||
	    ipsec_parse_bgp_json(args->bgp_config, "BgpConfig", &c->bgp, err) < 0 ||
	    ipsec_health_check_finish(&c->health_check, "HealthCheckConfig", err) < 0 ||
	    ipsec_bgp_finish(&c->bgp, "BgpConfig", err) < 0)
		return -1;
	if (gw && check_no_ca_certificate(args->remote_ca_certificate, "RemoteCaCertificate", err) < 0)
		return -1;
	ipsec_ike_complete(&c->ike, gw ? gw->internet_ip : "", cgw.ip_address);
	return 0;
}

/* Fills the parts of a new connection every form shares. */
static int fill_common(struct model_ctx *m, const struct vpn_connection_create_args *args,
		       struct vpn_connection *c, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);

	memset(c, 0, sizeof(*c));
	if (args->name && *args->name && !valid_name(args->name))
		return vl_err_set(err, VL_VCO_INVALID_NAME, NULL);
	if (text_empty(args->local_subnet))
		return vl_err_missing(err, "LocalSubnet");
	if (text_empty(args->remote_subnet))
		return vl_err_missing(err, "RemoteSubnet");
	if (parse_subnets(args->local_subnet, true, m->cfg->quotas.subnets_per_connection, c->local_subnet,
			  sizeof(c->local_subnet), err) < 0 ||
	    parse_subnets(args->remote_subnet, false, m->cfg->quotas.subnets_per_connection, c->remote_subnet,
			  sizeof(c->remote_subnet), err) < 0)
		return -1;
	if (tag_validate(&args->tags, err) < 0)
		return -1;
	ids_new(c->vpn_connection_id, sizeof(c->vpn_connection_id), "vco", region ? region->id_code : NULL);
	model_copy(c->region, sizeof(c->region), m->region);
	model_copy(c->name, sizeof(c->name), args->name);
	model_copy(c->status, sizeof(c->status), STATUS_NONE);
	c->effect_immediately = args->effect_immediately;
	c->auto_config_route = args->auto_config_route;
	c->enable_dpd = args->enable_dpd;
	c->enable_nat_traversal = args->enable_nat_traversal;
	c->created_ms = m->now_ms;
	ipsec_ike_defaults(&c->ike);
	ipsec_phase2_defaults(&c->ipsec);
	ipsec_health_check_defaults(&c->health_check);
	ipsec_bgp_defaults(&c->bgp);
	return 0;
}

/* Writes a new connection with its tunnels, tags and counters. */
static int store_new(struct model_ctx *m, const struct vpn_connection_create_args *args,
		     struct vpn_connection *c, struct vl_err *err)
{
	if (conn_insert(m, c, err) < 0)
		return -1;
	for (int i = 0; i < c->tunnel_count; i++)
		if (tunnel_insert(m, c->vpn_connection_id, &c->tunnels[i], err) < 0)
			return -1;
	if (cgw_refs_of(m, c, +1, err) < 0 || tag_attach(m, TAG_RESOURCE_TYPE, c->vpn_connection_id, &args->tags, err) < 0)
		return -1;
	return 0;
}

int vpn_connection_create(struct model_ctx *m, const struct vpn_connection_create_args *args,
			  struct vpn_connection *out, struct vl_err *err)
{
	struct vpn_gateway gw;
	int64_t used = 0;
	bool found = false;

	if (fill_common(m, args, out, err) < 0)
		return -1;
	if (args->vpn_gateway_id == NULL) {
		/* CreateVpnAttachment: unbound, waits for a transit router */
		model_copy(out->state, sizeof(out->state), "init");
		model_copy(out->attach_type, sizeof(out->attach_type), "NO_ASSOCIATED");
		model_copy(out->network_type, sizeof(out->network_type), text_empty(args->network_type) ? "public" : args->network_type);
		model_copy(out->tunnel_bandwidth, sizeof(out->tunnel_bandwidth),
		     text_empty(args->tunnel_bandwidth) ? "Standard" : args->tunnel_bandwidth);
		model_copy(out->spec, sizeof(out->spec), strcmp(out->tunnel_bandwidth, "Large") == 0 ? "3000M" : "1000M");
		if (model_check_resource_group(m, args->resource_group_id, out->resource_group_id,
					 sizeof(out->resource_group_id), err) < 0)
			return -1;
		out->dual_tunnel = args->tunnel_count > 0;
		out->enable_tunnels_bgp = out->dual_tunnel && args->enable_tunnels_bgp;
		if (out->dual_tunnel && check_unused_json(args, err) < 0)
			return -1;
		if (out->dual_tunnel ? build_tunnels(m, args, NULL, out, err) : build_single(m, args, NULL, out, err))
			return -1;
		return store_new(m, args, out, err);
	}

	if (vpn_gateway_get(m, args->vpn_gateway_id, &gw, err) < 0)
		return -1;
	if (!gw.enable_ipsec)
		return vl_err_set(err, VL_VCO_IPSEC_NOT_SUPPORT, NULL);
	model_copy(out->vpn_gateway_id, sizeof(out->vpn_gateway_id), gw.vpn_gateway_id);
	model_copy(out->state, sizeof(out->state), "active");
	model_copy(out->attach_type, sizeof(out->attach_type), "VPNGW");
	model_copy(out->network_type, sizeof(out->network_type), gw.network_type);
	model_copy(out->internet_ip, sizeof(out->internet_ip), gw.internet_ip);
	model_copy(out->zone_no, sizeof(out->zone_no), gw.zone_id);
	vpn_gateway_spec(gw.bandwidth, out->spec, sizeof(out->spec));
	/* "belongs to the same resource group as the associated VPN gateway instance" */
	model_copy(out->resource_group_id, sizeof(out->resource_group_id), gw.resource_group_id);
	out->dual_tunnel = vpn_gateway_is_dual_tunnel(&gw);
	if (out->dual_tunnel) {
		/* the single-tunnel fields (CustomerGatewayId, IkeConfig, …) are not used */
		if (args->tunnel_count == 0)
			return vl_err_missing(err, "TunnelOptionsSpecification");
		if (check_unused_json(args, err) < 0)
			return -1;
		out->enable_tunnels_bgp = args->enable_tunnels_bgp;
		if (build_tunnels(m, args, &gw, out, err) < 0)
			return -1;
	} else {
		if (args->tunnel_count > 0)
			return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.TunnelOptionsSpecification",
					       "The VPN gateway %s supports single-tunnel IPsec-VPN connections only: "
					       "use CustomerGatewayId, IkeConfig and IpsecConfig.", gw.vpn_gateway_id);
		if (build_single(m, args, &gw, out, err) < 0)
			return -1;
		if (exists(m, "SELECT 1 FROM vpn_connections WHERE vpn_gateway_id=? AND customer_gateway_id=? LIMIT 1",
			   gw.vpn_gateway_id, out->customer_gateway_id, NULL, &found, err) < 0)
			return -1;
		if (found)
			return vl_err_set(err, VL_VCO_ALREADY_EXISTS, NULL);
	}
	if (check_tunnel_cidrs(m, out, err) < 0)
		return -1;
	if (model_usage_get(m, KIND, gw.vpn_gateway_id, &used) < 0)
		return model_store_error(m, err);
	if (used >= m->cfg->quotas.vpn_connections_per_gateway)
		return vl_err_set(err, VL_VCO_QUOTA_FULL, NULL);
	if (check_gateway_idle(m, &gw, err) < 0)
		return -1;

	if (store_new(m, args, out, err) < 0)
		return -1;
	if (model_usage_add(m, KIND, gw.vpn_gateway_id, +1) < 0)
		return model_store_error(m, err);
	if (vpn_gateway_begin_change(m, gw.vpn_gateway_id, err) < 0)
		return -1;
	/* inside the gateway's change, as the route model expects */
	if (out->auto_config_route &&
	    vpn_connection_dependents.auto_config_routes(m, gw.vpn_gateway_id, out->vpn_connection_id, out->remote_subnet, err) < 0)
		return -1;
	return 0;
}

/* ---- modify ---- */

/* The CIDRs of list that are not in old (both normalised), comma-separated, into out. */
static void added_subnets(const char *old, const char *list, char *out, size_t size)
{
	const char *p = list;

	out[0] = '\0';
	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool present = false;

		for (const char *q = old; q && *q;) {
			const char *qend = strchr(q, ',');
			size_t qlen = qend ? (size_t)(qend - q) : strlen(q);

			if (qlen == len && strncmp(p, q, len) == 0)
				present = true;
			q = qend ? qend + 1 : NULL;
		}
		if (!present && strlen(out) + len + 2 <= size) {
			if (out[0])
				strcat(out, ",");
			strncat(out, p, len);
		}
		p = end ? end + 1 : NULL;
	}
}

/* Which tunnel of c a modify spec names: TunnelId, else Role. */
static int find_spec_tunnel(const struct vpn_connection *c, const struct ipsec_tunnel_spec *s, struct vl_err *err)
{
	char name[96];

	if (!text_empty(s->tunnel_id)) {
		for (int i = 0; i < c->tunnel_count; i++)
			if (strcmp(c->tunnels[i].tunnel_id, s->tunnel_id) == 0)
				return i;
		text_excerpt(name, sizeof(name), s->tunnel_id, 64);
		return vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND, "The specified tunnel (%s) does not exist.", name);
	}
	if (!text_empty(s->role)) {
		for (int i = 0; i < c->tunnel_count; i++)
			if (strcmp(c->tunnels[i].role, s->role) == 0)
				return i;
		snprintf(name, sizeof(name), "TunnelOptionsSpecification.%d.Role", s->n);
		return vl_err_invalid(err, name);
	}
	snprintf(name, sizeof(name), "TunnelOptionsSpecification.%d.TunnelId", s->n);
	return vl_err_missing(err, name);
}

/*
 * Applies the tunnel specs of a modify to c's tunnels; counts customer-gateway moves in
 * old_cgw/new_cgw (per tunnel, "" when unchanged).
 */
static int modify_tunnels(struct model_ctx *m, const struct vpn_connection_modify_args *args,
			  struct vpn_connection *c, char old_cgw[][64], char new_cgw[][64], struct vl_err *err)
{
	bool touched[IPSEC_TUNNELS_MAX] = { false };

	for (int k = 0; k < args->tunnel_count; k++) {
		const struct ipsec_tunnel_spec *s = &args->tunnels[k];
		struct vpn_tunnel *t;
		char name[128];
		int i = find_spec_tunnel(c, s, err);

		if (i < 0)
			return -1;
		if (touched[i])
			return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.TunnelOptionsSpecification",
					       "The tunnel %s is named twice.", c->tunnels[i].tunnel_id);
		touched[i] = true;
		t = &c->tunnels[i];
		if (!text_empty(s->role) && strcmp(s->role, t->role) != 0) {
			snprintf(name, sizeof(name), "TunnelOptionsSpecification.%d.Role", s->n);
			return illegal(err, "Role", "The specified \"%s\" is invalid: the role of a tunnel cannot be changed.", name);
		}
		if (!text_empty(s->customer_gateway_id) && strcmp(s->customer_gateway_id, t->customer_gateway_id) != 0) {
			struct customer_gateway old, cgw;
			bool default_remote;

			if (customer_gateway_get(m, s->customer_gateway_id, &cgw, err) < 0)
				return -1;
			/* a RemoteId that was the old peer's address follows the new peer */
			default_remote = customer_gateway_get(m, t->customer_gateway_id, &old, err) == 0 &&
					 strcmp(old.ip_address, t->ike.remote_id) == 0;
			model_copy(old_cgw[i], 64, t->customer_gateway_id);
			model_copy(new_cgw[i], 64, cgw.customer_gateway_id);
			model_copy(t->customer_gateway_id, sizeof(t->customer_gateway_id), cgw.customer_gateway_id);
			if (default_remote)
				model_copy(t->ike.remote_id, sizeof(t->ike.remote_id), cgw.ip_address);
		}
		if (spec_bool(s, s->enable_dpd, "EnableDpd", &t->enable_dpd, err) < 0 ||
		    spec_bool(s, s->enable_nat_traversal, "EnableNatTraversal", &t->enable_nat_traversal, err) < 0)
			return -1;
		snprintf(name, sizeof(name), "TunnelOptionsSpecification.%d.RemoteCaCertificate", s->n);
		if (!text_empty(c->vpn_gateway_id) && check_no_ca_certificate(s->remote_ca_certificate, name, err) < 0)
			return -1;
		if (ipsec_tunnel_spec_apply(s, &t->ike, &t->ipsec, &t->bgp, err) < 0)
			return -1;
	}
	return 0;
}

int vpn_connection_modify(struct model_ctx *m, const struct vpn_connection_modify_args *args,
			  struct vpn_connection *out, struct vl_err *err)
{
	char old_cgw[IPSEC_TUNNELS_MAX][64] = { "" }, new_cgw[IPSEC_TUNNELS_MAX][64] = { "" };
	char old_remote[512], added[512];
	struct vpn_connection c;
	struct vpn_gateway gw;

	if (vpn_connection_get(m, args->vpn_connection_id, &c, err) < 0)
		return -1;
	if (!text_empty(c.vpn_gateway_id) && vpn_gateway_get(m, c.vpn_gateway_id, &gw, err) < 0)
		return -1;
	if (text_empty(c.vpn_gateway_id) && lifecycle_busy(m, KIND, c.vpn_connection_id))
		return vl_err_set(err, VL_VCO_CONFIGURING, NULL);
	if (!text_empty(args->name) && !valid_name(args->name))
		return vl_err_set(err, VL_VCO_INVALID_NAME, NULL);
	model_copy(old_remote, sizeof(old_remote), c.remote_subnet);
	if (!text_empty(args->name))
		model_copy(c.name, sizeof(c.name), args->name);
	if (!text_empty(args->local_subnet) &&
	    parse_subnets(args->local_subnet, true, m->cfg->quotas.subnets_per_connection, c.local_subnet,
			  sizeof(c.local_subnet), err) < 0)
		return -1;
	if (!text_empty(args->remote_subnet) &&
	    parse_subnets(args->remote_subnet, false, m->cfg->quotas.subnets_per_connection, c.remote_subnet,
			  sizeof(c.remote_subnet), err) < 0)
		return -1;
	if (args->effect_immediately >= 0)
		c.effect_immediately = args->effect_immediately;
	if (args->auto_config_route >= 0)
		c.auto_config_route = args->auto_config_route;

	if (c.dual_tunnel) {
		/* the single-tunnel fields are not used by dual-tunnel connections */
		if (ipsec_check_single_tunnel_json(args->ike_config, args->ipsec_config, args->health_check_config,
						   args->bgp_config, err) < 0)
			return -1;
		if (args->enable_tunnels_bgp >= 0)
			c.enable_tunnels_bgp = args->enable_tunnels_bgp;
		if (modify_tunnels(m, args, &c, old_cgw, new_cgw, err) < 0)
			return -1;
		for (int i = 0; i < c.tunnel_count; i++) {
			char prefix[96];

			c.tunnels[i].bgp.enable = c.enable_tunnels_bgp;
			snprintf(prefix, sizeof(prefix), "TunnelOptionsSpecification.%d.TunnelBgpConfig", i + 1);
			if (ipsec_bgp_finish(&c.tunnels[i].bgp, prefix, err) < 0)
				return -1;
			ipsec_ike_complete(&c.tunnels[i].ike, c.tunnels[i].internet_ip, NULL);
		}
	} else {
		struct customer_gateway cgw;

		if (args->tunnel_count > 0)
			return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.TunnelOptionsSpecification",
					       "The IPsec-VPN connection %s is a single-tunnel connection.",
					       c.vpn_connection_id);
		if (args->enable_dpd >= 0)
			c.enable_dpd = args->enable_dpd;
		if (args->enable_nat_traversal >= 0)
			c.enable_nat_traversal = args->enable_nat_traversal;
		if (ipsec_parse_ike_json(args->ike_config, "IkeConfig", &c.ike, err) < 0 ||
		    ipsec_parse_phase2_json(args->ipsec_config, "IpsecConfig", &c.ipsec, err) < 0 ||
		    ipsec_parse_health_check_json(args->health_check_config, "HealthCheckConfig", &c.health_check, err) < 0 ||
		    ipsec_parse_bgp_json(args->bgp_config, "BgpConfig", &c.bgp, err) < 0 ||
		    ipsec_health_check_finish(&c.health_check, "HealthCheckConfig", err) < 0 ||
		    ipsec_bgp_finish(&c.bgp, "BgpConfig", err) < 0)
			return -1;
		if (!text_empty(c.vpn_gateway_id) && check_no_ca_certificate(args->remote_ca_certificate, "RemoteCaCertificate", err) < 0)
			return -1;
		if (customer_gateway_get(m, c.customer_gateway_id, &cgw, err) < 0)
			return -1;
		ipsec_ike_complete(&c.ike, c.internet_ip, cgw.ip_address);
	}
	if (check_tunnel_cidrs(m, &c, err) < 0)
		return -1;
	if (!text_empty(c.vpn_gateway_id) && check_gateway_idle(m, &gw, err) < 0)
		return -1;

	if (conn_update(m, &c, err) < 0)
		return -1;
	for (int i = 0; i < c.tunnel_count; i++) {
		if (tunnel_update(m, &c.tunnels[i], err) < 0 || cgw_ref(m, old_cgw[i], -1, err) < 0 ||
		    cgw_ref(m, new_cgw[i], +1, err) < 0)
			return -1;
	}
	if (!text_empty(c.vpn_gateway_id)) {
		if (vpn_gateway_begin_change(m, c.vpn_gateway_id, err) < 0)
			return -1;
		added_subnets(old_remote, c.remote_subnet, added, sizeof(added));
		if (args->auto_config_route == 1 && added[0] &&
		    vpn_connection_dependents.auto_config_routes(m, c.vpn_gateway_id, c.vpn_connection_id, added, err) < 0)
			return -1;
	}
	return vpn_connection_get(m, c.vpn_connection_id, out, err);
}

/* ---- delete ---- */

static int delete_rows(struct model_ctx *m, const char *id, struct vl_err *err)
{
	static const char *const sql[] = {
		"DELETE FROM vpn_connection_tunnels WHERE vpn_connection_id=?",
		"DELETE FROM vpn_connections WHERE vpn_connection_id=?",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (model_run(m, sql[i], MODEL_ARGS(MODEL_TEXT(id)), err) < 0)
			return -1;
	}
	return 0;
}

int vpn_attachment_get(struct model_ctx *m, const char *vpn_connection_id, struct vpn_connection *out,
		       struct vl_err *err)
{
	if (vpn_connection_get(m, vpn_connection_id, out, err) < 0)
		return -1;
	if (!text_empty(out->vpn_gateway_id))
		return vl_err_set(err, VL_VCO_NOT_FOUND, NULL);
	return 0;
}

int vpn_connection_delete(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err)
{
	struct vpn_connection c;
	struct vpn_gateway gw;

	if (vpn_connection_get(m, vpn_connection_id, &c, err) < 0)
		return -1;
	if (text_empty(c.vpn_gateway_id)) {
		if (lifecycle_busy(m, KIND, c.vpn_connection_id))
			return vl_err_set(err, VL_VCO_CONFIGURING, NULL);
		if (!text_empty(c.transit_router_id) || strcmp(c.state, "init") != 0)
			return vl_err_set(err, VL_VCO_INCORRECT_STATUS,
					  "The IPsec-VPN connection %s is attached to transit router %s: delete the "
					  "transit router attachment first.", c.vpn_connection_id,
					  c.transit_router_id[0] ? c.transit_router_id : "(attaching)");
	} else {
		if (vpn_gateway_get(m, c.vpn_gateway_id, &gw, err) < 0)
			return -1;
		if (check_gateway_idle(m, &gw, err) < 0)
			return -1;
		if (vpn_gateway_begin_change(m, c.vpn_gateway_id, err) < 0)
			return -1;
		/* the cloud removes the routes whose next hop is the connection with it */
		if (vpn_connection_dependents.delete_routes_via(m, c.vpn_connection_id, err) < 0)
			return -1;
		if (model_usage_add(m, KIND, c.vpn_gateway_id, -1) < 0)
			return model_store_error(m, err);
	}
	if (cgw_refs_of(m, &c, -1, err) < 0)
		return -1;
	if (tag_detach_all(m, c.vpn_connection_id) < 0 || lifecycle_cancel(m, KIND, c.vpn_connection_id) < 0)
		return model_store_error(m, err);
	/* its log lines go with it: a later connection never shows them */
	if (vpn_connection_dependents.delete_logs(m, c.vpn_connection_id, err) < 0)
		return -1;
	return delete_rows(m, c.vpn_connection_id, err);
}

/* ---- for the data plane ---- */

int vpn_connection_owner(struct model_ctx *m, const char *conn, char *account, char *region, bool *dual,
			 struct vl_err *err)
{
	return row_find(m, "SELECT account, region, dual_tunnel FROM vpn_connections WHERE vpn_connection_id=?",
			MODEL_ARGS(MODEL_TEXT(conn)), row_fill_columns,
			ROW_PLACES(ROW_TEXT_SIZED(account, 128), ROW_TEXT_SIZED(region, 64), ROW_BOOL(*dual)), err);
}

/* ---- list ---- */

static void list_where(struct model_ctx *m, struct model_where *w, const struct vpn_connection_filter *f)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER_SET("vpn_gateway_id=?", struct vpn_connection_filter, vpn_gateway_id),
		MODEL_FILTER_MEMBER_SET("vpn_connection_id=?", struct vpn_connection_filter, vpn_connection_id),
		MODEL_FILTER_MEMBER_SET("resource_group_id=?", struct vpn_connection_filter, resource_group_id),
		MODEL_FILTER_MEMBER_SET("attach_type=?", struct vpn_connection_filter, attach_type),
	};

	model_where_region_members(w, m, "", f, filters, sizeof(filters) / sizeof(filters[0]));
	if (!text_empty(f->customer_gateway_id)) {
		const char *values[2] = { f->customer_gateway_id, f->customer_gateway_id };

		model_where_add(w, "(customer_gateway_id=? OR vpn_connection_id IN"
				" (SELECT vpn_connection_id FROM vpn_connection_tunnels WHERE customer_gateway_id=?))",
				2, values);
	}
	tag_where(w, "vpn_connection_id", &f->tags);
}
int vpn_connection_list(struct model_ctx *m, const struct vpn_connection_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	return vpn_connection_list_styled(m, f, offset, limit, VCO_JSON_LIST, items, total, err);
}

static int page_item(struct model_ctx *m, void *row, void *style, json_t *items, struct vl_err *err)
{
	json_t *item;

	if (load_tunnels(m, row, err) < 0)
		return -1;
	item = vpn_connection_to_json(m, row, *(const enum vpn_connection_json_style *)style);
	if (item == NULL)
		return model_store_error(m, err);
	json_array_append_new(items, item);
	return 0;
}

int vpn_connection_list_styled(struct model_ctx *m, const struct vpn_connection_filter *f,
			       int64_t offset, int64_t limit, enum vpn_connection_json_style style,
			       json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = CONN_COLUMNS,
		.from = "vpn_connections",
		.order_by = "created_ms DESC, seq DESC",
	};
	struct model_where where;

	list_where(m, &where, f);
	if (limit > 100)
		limit = 100;
	/* tunnels and peers are read after the page statement is done with */
	return model_list_page(m, &query, &where, offset, limit, total, sizeof(struct vpn_connection), row_to_conn_any,
			       page_item, &style, items, err);
}

/* ---- answers ---- */

/* VcoHealthCheck: a connection that never had a HealthCheckConfig shows 0 s × 0 (cloud example). */
static json_t *health_check_json(const struct ipsec_health_check *c)
{
	json_t *o = json_object();

	json_put_fields(o, JSON_FIELDS(JSON_TEXT("Enable", c->enable ? "true" : "false"),
			JSON_TEXT("Dip", c->dip), JSON_TEXT("Sip", c->sip),
			JSON_INT("Interval", c->configured ? c->interval : 0),
			JSON_INT("Retry", c->configured ? c->retry : 0),
			JSON_TEXT("Policy", c->configured ? c->policy : ""), JSON_TEXT("Status", c->status)));
	return o;
}

/* The customer gateway's ASN (string column) as a number; false when it has none. */
static bool peer_asn(struct model_ctx *m, const char *cgw_id, int64_t *asn)
{
	struct customer_gateway cgw;
	struct vl_err ignored;
	char *end = NULL;

	if (text_empty(cgw_id) || customer_gateway_get(m, cgw_id, &cgw, &ignored) < 0 || cgw.asn[0] == '\0')
		return false;
	*asn = strtoll(cgw.asn, &end, 10);
	return end && *end == '\0';
}

static json_t *conn_bgp_json(struct model_ctx *m, const struct vpn_connection *c,
			     enum vpn_connection_json_style style)
{
	json_t *o = json_object();
	char peer_ip[16];
	int64_t asn;

	/* the list item of DescribeVpnConnections has no EnableBgp */
	if (style != VCO_JSON_LIST)
		json_put_str(o, "EnableBgp", c->bgp.enable ? "true" : "false");
	json_put_int(o, "LocalAsn", c->bgp.local_asn);
	json_put_str(o, "TunnelCidr", c->bgp.tunnel_cidr);
	json_put_str(o, "LocalBgpIp", c->bgp.local_bgp_ip);
	ipsec_bgp_peer_ip(&c->bgp, peer_ip, sizeof(peer_ip));
	json_put_str(o, "PeerBgpIp", peer_ip);
	if (peer_asn(m, c->customer_gateway_id, &asn))
		json_put_int(o, "PeerAsn", asn);
	json_put_str(o, "Status", c->bgp.status);
	json_put_str(o, "AuthKey", "");
	return o;
}

/*
 * One TunnelOptions item.  Describe* types EnableDpd/EnableNatTraversal, lifetimes and
 * ASNs as strings; the Modify answer as booleans and numbers (SDK response models).
 * A tunnel's State is its connection's: both move together through attach and detach.
 */
static json_t *tunnel_json(struct model_ctx *m, const struct vpn_tunnel *t, const char *state,
			   enum vpn_connection_json_style style)
{
	bool text = style != VCO_JSON_MODIFY;
	json_t *o = json_object(), *bgp = json_object();
	char peer_ip[16], number[24];
	int64_t asn;

	json_put_fields(o, JSON_FIELDS(JSON_TEXT("TunnelId", t->tunnel_id), JSON_TEXT("Role", t->role),
			JSON_TEXT("State", state), JSON_TEXT("CustomerGatewayId", t->customer_gateway_id),
			JSON_TEXT("ZoneNo", t->zone_no), JSON_TEXT("InternetIp", t->internet_ip),
			JSON_TEXT("RemoteCaCertificate", "")));
	if (text) {
		json_put_fields(o, JSON_FIELDS(JSON_INT("TunnelIndex", t->tunnel_index),
				JSON_TEXT("Status", t->status),
				JSON_TEXT("EnableDpd", t->enable_dpd ? "true" : "false"),
				JSON_TEXT("EnableNatTraversal", t->enable_nat_traversal ? "true" : "false")));
	} else {
		json_put_bool(o, "EnableDpd", t->enable_dpd);
		json_put_bool(o, "EnableNatTraversal", t->enable_nat_traversal);
	}
	json_object_set_new_nocheck(o, "TunnelIkeConfig", ipsec_ike_to_json(&t->ike, text));
	json_object_set_new_nocheck(o, "TunnelIpsecConfig", ipsec_phase2_to_json(&t->ipsec, text));

	ipsec_bgp_peer_ip(&t->bgp, peer_ip, sizeof(peer_ip));
	if (text) {
		snprintf(number, sizeof(number), "%lld", (long long)t->bgp.local_asn);
		json_put_str(bgp, "LocalAsn", number);
		if (peer_asn(m, t->customer_gateway_id, &asn)) {
			snprintf(number, sizeof(number), "%lld", (long long)asn);
			json_put_str(bgp, "PeerAsn", number);
		}
		json_put_str(bgp, "BgpStatus", t->bgp.status);
	} else {
		json_put_int(bgp, "LocalAsn", t->bgp.local_asn);
		if (peer_asn(m, t->customer_gateway_id, &asn))
			json_put_int(bgp, "PeerAsn", asn);
	}
	json_put_str(bgp, "TunnelCidr", t->bgp.tunnel_cidr);
	json_put_str(bgp, "LocalBgpIp", t->bgp.local_bgp_ip);
	json_put_str(bgp, "PeerBgpIp", peer_ip);
	json_object_set_new_nocheck(o, "TunnelBgpConfig", bgp);
	return o;
}

/*
 * The DescribeVpnAttachments item: a short summary whose tags are a flat [{Key, Value}]
 * array, unlike every other tag list of the VPC API.  Tag is the connection's system tags
 * as a JSON text; this emulation sets none.
 */
static json_t *attachment_json(struct model_ctx *m, const struct vpn_connection *c)
{
	json_t *wrapped = tag_to_json(m, c->vpn_connection_id), *o;

	if (wrapped == NULL)
		return NULL;
	o = json_object();
	json_put_fields(o, JSON_FIELDS(JSON_TEXT("InstanceId", c->vpn_connection_id),
			JSON_TEXT("Name", c->name), JSON_TEXT("Description", ""),
			JSON_TEXT("AttachType", c->attach_type),
			JSON_TEXT("TransitRouterId", c->transit_router_id),
			JSON_TEXT("TransitRouterName", c->transit_router_name),
			JSON_BOOL("CrossAccountAuthorized", false),
			JSON_TEXT("TunnelBandwidth", c->tunnel_bandwidth), JSON_TEXT("Tag", "")));
	json_object_set_nocheck(o, "Tags", json_object_get(wrapped, "Tag"));
	json_decref(wrapped);
	return o;
}

json_t *vpn_connection_to_json(struct model_ctx *m, const struct vpn_connection *c,
			       enum vpn_connection_json_style style)
{
	json_t *o, *tunnels, *tags = NULL;

	if (style == VCO_JSON_ATTACHMENT)
		return attachment_json(m, c);
	o = json_object();
	if (style == VCO_JSON_MODIFY_ATTACHMENT) {
		/* the attachment's Modify answer also says where it is attached */
		json_put_fields(o, JSON_FIELDS(JSON_TEXT("AttachType", c->attach_type),
				JSON_TEXT("AttachInstanceId", c->attach_instance_id),
				JSON_TEXT("NetworkType", c->network_type), JSON_TEXT("Spec", c->spec),
				JSON_TEXT("Status", c->status)));
		style = VCO_JSON_MODIFY;
	}
	if (style != VCO_JSON_MODIFY) {
		tags = tag_to_json(m, c->vpn_connection_id);
		if (tags == NULL) {
			json_decref(o);
			return NULL;
		}
	}
	json_put_fields(o, JSON_FIELDS(JSON_TEXT("VpnConnectionId", c->vpn_connection_id),
			JSON_TEXT("VpnGatewayId", c->vpn_gateway_id),
			JSON_TEXT("CustomerGatewayId", c->customer_gateway_id), JSON_TEXT("Name", c->name),
			JSON_TEXT("LocalSubnet", c->local_subnet), JSON_TEXT("RemoteSubnet", c->remote_subnet),
			JSON_INT("CreateTime", c->created_ms),
			JSON_BOOL("EffectImmediately", c->effect_immediately),
			JSON_TEXT("ResourceGroupId", c->resource_group_id)));
	if (style == VCO_JSON_MODIFY) {
		json_put_str(o, "Description", "");
	} else {
		json_put_fields(o, JSON_FIELDS(JSON_TEXT("Status", c->status), JSON_TEXT("State", c->state),
				JSON_TEXT("AttachType", c->attach_type),
				JSON_TEXT("AttachInstanceId", c->attach_instance_id),
				JSON_TEXT("TransitRouterId", c->transit_router_id),
				JSON_TEXT("TransitRouterName", c->transit_router_name),
				JSON_BOOL("CrossAccountAuthorized", false),
				JSON_TEXT("NetworkType", c->network_type), JSON_TEXT("Spec", c->spec),
				JSON_TEXT("InternetIp", c->internet_ip), JSON_TEXT("ZoneNo", c->zone_no),
				JSON_TEXT("RemoteCaCertificate", "")));
		if (c->tunnel_bandwidth[0])
			json_put_str(o, "TunnelBandwidth", c->tunnel_bandwidth);
		json_object_set_new_nocheck(o, style == VCO_JSON_LIST ? "Tag" : "Tags", tags);
	}
	if (c->dual_tunnel) {
		/* the single-tunnel objects are answered for single-tunnel connections only */
		json_put_bool(o, "EnableTunnelsBgp", c->enable_tunnels_bgp);
		tunnels = json_array();
		for (int i = 0; i < c->tunnel_count; i++)
			json_array_append_new(tunnels, tunnel_json(m, &c->tunnels[i], c->state, style));
		json_put_wrapped(o, "TunnelOptionsSpecification", "TunnelOptions", tunnels);
	} else {
		json_put_bool(o, "EnableDpd", c->enable_dpd);
		json_put_bool(o, "EnableNatTraversal", c->enable_nat_traversal);
		json_object_set_new_nocheck(o, "IkeConfig", ipsec_ike_to_json(&c->ike, false));
		json_object_set_new_nocheck(o, "IpsecConfig", ipsec_phase2_to_json(&c->ipsec, false));
		json_object_set_new_nocheck(o, "VcoHealthCheck", health_check_json(&c->health_check));
		json_object_set_new_nocheck(o, "VpnBgpConfig", conn_bgp_json(m, c, style));
	}
	return o;
}

/* ---- for other models ---- */

/* vpn_connection_id into *c, refused (IncorrectStatus) while it is bound to a VPN gateway. */
static int get_unbound(struct model_ctx *m, const char *vpn_connection_id, struct vpn_connection *c,
		       struct vl_err *err)
{
	if (vpn_connection_get(m, vpn_connection_id, c, err) < 0)
		return -1;
	if (!text_empty(c->vpn_gateway_id))
		return vl_err_set(err, VL_VCO_INCORRECT_STATUS,
				  "The IPsec-VPN connection %s is bound to VPN gateway %s.", c->vpn_connection_id,
				  c->vpn_gateway_id);
	return 0;
}

int vpn_connection_set_attachment(struct model_ctx *m, const char *vpn_connection_id,
				  const char *transit_router_id, const char *transit_router_name,
				  const char *cen_id, const char *internet_ip, const char *zone_no,
				  struct vl_err *err)
{
	struct vpn_connection c;
	bool attach = !text_empty(transit_router_id);

	if (get_unbound(m, vpn_connection_id, &c, err) < 0)
		return -1;
	model_copy(c.attach_type, sizeof(c.attach_type), attach ? "CEN" : "NO_ASSOCIATED");
	model_copy(c.transit_router_id, sizeof(c.transit_router_id), attach ? transit_router_id : "");
	model_copy(c.transit_router_name, sizeof(c.transit_router_name), attach ? transit_router_name : "");
	model_copy(c.attach_instance_id, sizeof(c.attach_instance_id), attach ? cen_id : "");
	model_copy(c.internet_ip, sizeof(c.internet_ip), attach ? internet_ip : "");
	model_copy(c.zone_no, sizeof(c.zone_no), attach ? zone_no : "");
	return conn_update(m, &c, err);
}

int vpn_connection_set_tunnel_endpoint(struct model_ctx *m, const char *vpn_connection_id,
				       const char *tunnel_id, const char *internet_ip, const char *zone_no,
				       struct vl_err *err)
{
	struct vpn_connection c;
	uint32_t addr;
	int index = -1;

	if (get_unbound(m, vpn_connection_id, &c, err) < 0)
		return -1;
	for (int i = 0; i < c.tunnel_count; i++)
		if (tunnel_id && strcmp(c.tunnels[i].tunnel_id, tunnel_id) == 0)
			index = i;
	if (index < 0) {
		char shown[80];

		text_excerpt(shown, sizeof(shown), tunnel_id ? tunnel_id : "", 64);
		return vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND, "The specified tunnel (%s) does not exist.", shown);
	}
	if (!text_empty(internet_ip) && !ipv4_parse(internet_ip, &addr))
		return vl_err_invalid(err, "InternetIp");
	return model_run(m, "UPDATE vpn_connection_tunnels SET internet_ip=?, zone_no=? WHERE tunnel_id=?",
			 MODEL_ARGS(MODEL_TEXT(text_empty(internet_ip) ? "" : internet_ip), MODEL_TEXT(text_empty(zone_no) ? "" : zone_no),
				    MODEL_TEXT(c.tunnels[index].tunnel_id)),
			 err);
}

int vpn_connection_set_status(struct model_ctx *m, const char *vpn_connection_id,
			      const char *tunnel_id, const char *status, struct vl_err *err)
{
	static const char *const statuses[] = {
		"ike_sa_not_established", "ike_sa_established", "ipsec_sa_not_established", "ipsec_sa_established",
	};
	struct vpn_connection c;
	bool known = false;
	int index = -1;

	for (size_t i = 0; status && i < sizeof(statuses) / sizeof(statuses[0]); i++)
		known = known || strcmp(status, statuses[i]) == 0;
	if (!known)
		return vl_err_invalid(err, "Status");
	if (vpn_connection_get(m, vpn_connection_id, &c, err) < 0)
		return -1;
	if (text_empty(tunnel_id)) {
		return model_exec2(m, "UPDATE vpn_connections SET status=? WHERE vpn_connection_id=?", status,
				   c.vpn_connection_id, err);
	}
	for (int i = 0; i < c.tunnel_count; i++)
		if (strcmp(c.tunnels[i].tunnel_id, tunnel_id) == 0)
			index = i;
	if (index < 0) {
		char shown[80];

		text_excerpt(shown, sizeof(shown), tunnel_id, 64);
		return vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND, "The specified tunnel (%s) does not exist.", shown);
	}
	return model_exec2(m, "UPDATE vpn_connection_tunnels SET status=? WHERE tunnel_id=?", status, tunnel_id, err);
}

int vpn_connection_set_health_status(struct model_ctx *m, const char *vpn_connection_id, const char *status,
				     struct vl_err *err)
{
	struct vpn_connection c;

	if (status == NULL || (strcmp(status, "success") != 0 && strcmp(status, "failed") != 0))
		return vl_err_invalid(err, "Status");
	if (vpn_connection_get(m, vpn_connection_id, &c, err) < 0)
		return -1;
	/* a disabled health check shows no Status, whatever a lagging agent still reports */
	if (!c.health_check.enable)
		return 0;
	return model_exec2(m, "UPDATE vpn_connections SET hc_status=? WHERE vpn_connection_id=?", status,
			   c.vpn_connection_id, err);
}

int vpn_connection_region(struct model_ctx *m, const char *vpn_connection_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM vpn_connections WHERE vpn_connection_id=?1 AND account=?2", vpn_connection_id, region, size);
}

int vpn_connection_for_each_remote_subnet_in_vpc(struct store *st, const char *vpc_id,
						 int (*fn)(void *arg, const char *remote_subnet,
							   const char *vpn_gateway_id, int64_t created_ms),
						 void *arg)
{
	struct store_stmt *stmt = NULL;
	int rc = 0;

	if (store_prepare(st, "SELECT c.remote_subnet, c.vpn_gateway_id, c.created_ms FROM vpn_connections c"
			      " WHERE c.vpn_gateway_id IN " VPN_GATEWAYS_ACTIVE_IN_VPC_SQL("?1")
			      " ORDER BY c.created_ms, c.seq",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, vpc_id);
	while (rc == 0 && stmt_step(stmt) == STORE_ROW)
		rc = fn(arg, stmt_text(stmt, 0), stmt_text(stmt, 1), stmt_int64(stmt, 2));
	stmt_release(stmt);
	return rc;
}

int vpn_connection_ids_in_gateway(struct model_ctx *m, const char *vpn_gateway_id, struct model_id **out, int *count,
				  struct vl_err *err)
{
	return model_collect(m, "SELECT vpn_connection_id FROM vpn_connections WHERE vpn_gateway_id=?"
				" ORDER BY created_ms, seq",
			     vpn_gateway_id, sizeof(**out), model_fill_id, (void **)out, count, err);
}
