/*
 * VPN gateway route entries (CreateVpnRouteEntry, CreateVpnPbrRouteEntry and friends, VPC
 * API 2016-04-28).  Rules and their sources: api-docs/research-customer-gateway-routes.md.
 */
#include "vpn_route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "query.h"
#include "row_read.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"

const struct lifecycle_kind vpn_route_lifecycle = {
	"vpn_route", "UPDATE vpn_route_entries SET state=?1 WHERE route_entry_id=?2 AND state=?3"
};

#define ROUTE_COLUMNS                                                                     \
	"route_entry_id, vpn_gateway_id, route_type, route_source, route_dest, next_hop, "   \
	"weight, priority, overlay_mode, description, state, published, created_ms"

/* The transitional State while the gateway applies a change (not documented; see notes). */
#define STATE_PENDING "pending"

/* Shared address space: policy routes of single-tunnel gateways may not touch it. */
#define SHARED_SPACE "100.64.0.0/10"

static const char *route_type(bool pbr)
{
	return pbr ? "pbr" : "dbr";
}

static const char *final_state(bool published)
{
	return published ? "published" : "normal";
}

/* Quota usage kind of a table; scope is the gateway. */
static const char *usage_kind(bool pbr)
{
	return pbr ? "vpn_pbr_route" : "vpn_route";
}

static void row_to_route(struct store_stmt *stmt, struct vpn_route *r)
{
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(r->route_entry_id), ROW_TEXT(r->vpn_gateway_id),
			ROW_TEXT(r->route_type), ROW_TEXT(r->route_source), ROW_TEXT(r->route_dest),
			ROW_TEXT(r->next_hop), ROW_INT64(r->weight), ROW_INT64(r->priority),
			ROW_TEXT(r->overlay_mode), ROW_TEXT(r->description), ROW_TEXT(r->state),
			ROW_BOOL(r->published), ROW_INT64(r->created_ms)));
}

/* Description: 1-100 characters, not starting with http:// or https://. */
static bool valid_description(const char *text)
{
	return text_valid_label(text, 1, 100);
}

/*
 * Destination rules: a strict CIDR; never 0.0.0.0/0 for destination-based routes; for
 * policy routes of single-tunnel gateways neither 0.0.0.0/0 nor anything overlapping
 * 100.64.0.0/10 (CreateVpnRouteEntry / CreateVpnPbrRouteEntry "Limits").  Writes the
 * canonical text into out.
 */
static int check_dest(const char *text, bool pbr, bool dual_tunnel, char *out, size_t size,
		      struct vl_err *err)
{
	struct cidr dest, shared;

	if (!cidr_parse(text, &dest))
		return vl_err_set(err, VL_VPN_ROUTE_ILLEGAL_ROUTE_DEST, NULL);
	cidr_parse(SHARED_SPACE, &shared);
	if (!pbr && dest.prefix_len == 0)
		return vl_err_set(err, VL_VPN_ROUTE_ILLEGAL_ROUTE_DEST, NULL);
	if (pbr && !dual_tunnel && (dest.prefix_len == 0 || cidr_overlaps(&dest, &shared)))
		return vl_err_set(err, VL_VPN_ROUTE_ILLEGAL_ROUTE_DEST, NULL);
	cidr_format(&dest, out, size);
	return 0;
}

static int check_source(const char *text, char *out, size_t size, struct vl_err *err)
{
	struct cidr source;

	if (!cidr_parse(text, &source))
		return vl_err_set(err, VL_VPN_ROUTE_ILLEGAL_ROUTE_SOURCE, NULL);
	cidr_format(&source, out, size);
	return 0;
}

/*
 * The connection a route points at must be one of this gateway's: a connection of another
 * gateway (or an unbound one) is "not found" for it.
 */
static int check_next_hop(struct model_ctx *m, const struct vpn_gateway *gw, const char *next_hop,
			  struct vl_err *err)
{
	struct vpn_connection conn;

	if (vpn_connection_get(m, next_hop, &conn, err) < 0)
		return -1;
	if (strcmp(conn.vpn_gateway_id, gw->vpn_gateway_id) != 0)
		return vl_err_set(err, VL_VPN_ROUTE_NEXT_HOP_NOT_FOUND, NULL);
	return 0;
}

/*
 * Finds entries by key: *count receives how many match (up to max copied into out).
 * Canonical CIDR texts are compared, so the caller passes canonical key strings.
 * Returns 0 or -1 (store failure).
 */
static int find_routes(struct model_ctx *m, const struct vpn_route_key *key, bool any_source,
		       struct vpn_route *out, int max, int *count)
{
	char sql[1024];
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	int index = 1, n = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT " ROUTE_COLUMNS " FROM vpn_route_entries WHERE account=? AND region=?"
		 " AND vpn_gateway_id=? AND route_type=? AND route_dest=? AND next_hop=?%s%s%s"
		 " ORDER BY created_ms, seq",
		 any_source ? "" : " AND route_source=?", key->weight >= 0 ? " AND weight=?" : "",
		 key->priority >= 0 ? " AND priority=?" : "");
	if (store_prepare(m->store, sql, &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, index++, m->account);
	stmt_bind_text(stmt, index++, m->region);
	stmt_bind_text(stmt, index++, key->vpn_gateway_id);
	stmt_bind_text(stmt, index++, route_type(key->pbr));
	stmt_bind_text(stmt, index++, key->route_dest);
	stmt_bind_text(stmt, index++, key->next_hop);
	if (!any_source)
		stmt_bind_text(stmt, index++, key->pbr ? key->route_source : "");
	if (key->weight >= 0)
		stmt_bind_int64(stmt, index++, key->weight);
	if (key->priority >= 0)
		stmt_bind_int64(stmt, index++, key->priority);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		if (n < max)
			row_to_route(stmt, &out[n]);
		n++;
	}
	stmt_release(stmt);
	*count = n;
	return r == STORE_DONE ? 0 : -1;
}

/* Inserts a new entry in State pending and schedules it to its final state. */
static int insert_route(struct model_ctx *m, struct vpn_route *r, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	bool pbr = strcmp(r->route_type, "pbr") == 0;
	enum store_step_result step;

	ids_new(r->route_entry_id, sizeof(r->route_entry_id), "vre", region ? region->id_code : NULL);
	model_copy(r->state, sizeof(r->state), STATE_PENDING);
	r->created_ms = m->now_ms;
	step = model_step_once(m->store,
			       "INSERT INTO vpn_route_entries(" ROUTE_COLUMNS ", account, region)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       MODEL_ARGS(MODEL_TEXT(r->route_entry_id), MODEL_TEXT(r->vpn_gateway_id),
					  MODEL_TEXT(r->route_type), MODEL_TEXT(r->route_source),
					  MODEL_TEXT(r->route_dest), MODEL_TEXT(r->next_hop), MODEL_INT(r->weight),
					  MODEL_INT(r->priority), MODEL_TEXT(r->overlay_mode),
					  MODEL_TEXT(r->description), MODEL_TEXT(r->state),
					  MODEL_INT(r->published ? 1 : 0), MODEL_INT(r->created_ms),
					  MODEL_TEXT(m->account), MODEL_TEXT(m->region)),
			       NULL, NULL);
	/* the unique key is checked before; a constraint here means a concurrent twin */
	if (step == STORE_CONSTRAINT)
		return vl_err_set(err, VL_VPN_ROUTE_ALREADY_EXISTS, NULL);
	if (step != STORE_DONE)
		return model_store_error(m, err);
	if (model_usage_add(m, usage_kind(pbr), r->vpn_gateway_id, 1) < 0)
		return model_store_error(m, err);
	return lifecycle_start(m, "vpn_route", r->route_entry_id, STATE_PENDING, final_state(r->published), r->state,
			       sizeof(r->state), err);
}

static int check_quota(struct model_ctx *m, const char *vpn_gateway_id, bool pbr, int64_t adding,
		       struct vl_err *err)
{
	int64_t used = 0, quota = pbr ? m->cfg->quotas.vpn_pbr_routes_per_gateway
				       : m->cfg->quotas.vpn_routes_per_gateway;

	if (model_usage_get(m, usage_kind(pbr), vpn_gateway_id, &used) < 0)
		return model_store_error(m, err);
	if (used + adding > quota)
		return vl_err_set(err, pbr ? VL_VPN_ROUTE_PBR_QUOTA_EXCEEDED : VL_VPN_ROUTE_QUOTA_EXCEEDED,
				  NULL);
	return 0;
}

int vpn_route_create(struct model_ctx *m, const struct vpn_route_create_args *args,
		     struct vpn_route *out, struct vl_err *err)
{
	struct vpn_gateway gw;
	struct vpn_route twin;
	struct vpn_route_key key;
	bool dual;
	int count = 0;

	memset(out, 0, sizeof(*out));
	if (vpn_gateway_get(m, args->vpn_gateway_id, &gw, err) < 0)
		return -1;
	dual = vpn_gateway_is_dual_tunnel(&gw);
	if (check_dest(args->route_dest, args->pbr, dual, out->route_dest, sizeof(out->route_dest),
		       err) < 0)
		return -1;
	if (args->pbr &&
	    check_source(args->route_source, out->route_source, sizeof(out->route_source), err) < 0)
		return -1;
	if (args->description && !valid_description(args->description))
		return vl_err_set(err, VL_VPN_ROUTE_INVALID_DESCRIPTION, NULL);
	if (check_next_hop(m, &gw, args->next_hop, err) < 0)
		return -1;

	key = (struct vpn_route_key){ .vpn_gateway_id = gw.vpn_gateway_id, .pbr = args->pbr,
				      .route_source = out->route_source, .route_dest = out->route_dest,
				      .next_hop = args->next_hop, .weight = -1, .priority = -1 };
	if (find_routes(m, &key, false, &twin, 1, &count) < 0)
		return model_store_error(m, err);
	if (count > 0)
		return vl_err_set(err, VL_VPN_ROUTE_ALREADY_EXISTS, NULL);
	if (check_quota(m, gw.vpn_gateway_id, args->pbr, 1, err) < 0)
		return -1;
	if (vpn_gateway_begin_change(m, gw.vpn_gateway_id, err) < 0)
		return -1;

	model_copy(out->vpn_gateway_id, sizeof(out->vpn_gateway_id), gw.vpn_gateway_id);
	model_copy(out->route_type, sizeof(out->route_type), route_type(args->pbr));
	model_copy(out->next_hop, sizeof(out->next_hop), args->next_hop);
	/* dual-tunnel connections fail over by themselves: "the setting does not take effect" */
	out->weight = dual ? 100 : args->weight;
	out->priority = args->pbr ? args->priority : 0;
	model_copy(out->overlay_mode, sizeof(out->overlay_mode),
	     args->overlay_mode && args->overlay_mode[0] ? args->overlay_mode : "Ipsec");
	model_copy(out->description, sizeof(out->description), args->description);
	out->published = args->publish_vpc;
	return insert_route(m, out, err);
}

/* Looks the gateway up, then exactly one entry by key; NotFound/Configuring as the cloud. */
static int find_one(struct model_ctx *m, const struct vpn_route_key *key, struct vpn_gateway *gw,
		    struct vpn_route *out, struct vl_err *err)
{
	int count = 0;

	if (vpn_gateway_get(m, key->vpn_gateway_id, gw, err) < 0)
		return -1;
	if (find_routes(m, key, false, out, 1, &count) < 0)
		return model_store_error(m, err);
	if (count == 0)
		return vl_err_set(err, VL_VPN_ROUTE_NOT_FOUND, NULL);
	if (lifecycle_busy(m, "vpn_route", out->route_entry_id))
		return vl_err_set(err, VL_VPN_ROUTE_CONFIGURING, NULL);
	return 0;
}

/* The key with canonical CIDR texts (requests may write them differently). */
static void canonical_key(const struct vpn_route_key *in, struct vpn_route_key *out, char *dest,
			  char *source, size_t size)
{
	struct cidr c;

	*out = *in;
	if (in->route_dest && cidr_parse(in->route_dest, &c)) {
		cidr_format(&c, dest, size);
		out->route_dest = dest;
	}
	if (in->pbr && in->route_source && cidr_parse(in->route_source, &c)) {
		cidr_format(&c, source, size);
		out->route_source = source;
	}
}

/* Moves an entry to pending and schedules its (possibly new) final state. */
static int restart_transition(struct model_ctx *m, const struct vpn_route *r, bool published,
			      struct vl_err *err)
{
	if (model_run(m, "UPDATE vpn_route_entries SET state=?, published=? WHERE route_entry_id=?",
		      MODEL_ARGS(MODEL_TEXT(STATE_PENDING), MODEL_INT(published ? 1 : 0), MODEL_TEXT(r->route_entry_id)),
		      err) < 0)
		return -1;
	return lifecycle_schedule(m, "vpn_route", r->route_entry_id, STATE_PENDING,
				  final_state(published), -1, err);
}

static int remove_route(struct model_ctx *m, const struct vpn_route *r)
{
	if (lifecycle_cancel(m, "vpn_route", r->route_entry_id) < 0 ||
	    model_usage_add(m, usage_kind(strcmp(r->route_type, "pbr") == 0), r->vpn_gateway_id, -1) < 0)
		return -1;
	return model_exec(m->store, "DELETE FROM vpn_route_entries WHERE route_entry_id=?",
			  MODEL_ARGS(MODEL_TEXT(r->route_entry_id)));
}

/*
 * The one route that a change of in (normalised; a policy route when policy) names, and its
 * gateway, which the change makes busy.  0 or -1 with err set.
 */
static int begin_route_change(struct model_ctx *m, const struct vpn_route_key *in, bool policy,
			      struct vpn_gateway *gw, struct vpn_route *r, struct vl_err *err)
{
	char dest[20] = "", source[20] = "";
	struct vpn_route_key key;

	canonical_key(in, &key, dest, source, sizeof(dest));
	if (policy)
		key.pbr = true;
	if (find_one(m, &key, gw, r, err) < 0)
		return -1;
	return vpn_gateway_begin_change(m, gw->vpn_gateway_id, err);
}

int vpn_route_delete(struct model_ctx *m, const struct vpn_route_key *in, struct vl_err *err)
{
	struct vpn_gateway gw;
	struct vpn_route r;

	if (begin_route_change(m, in, false, &gw, &r, err) < 0)
		return -1;
	return remove_route(m, &r) < 0 ? model_store_error(m, err) : 0;
}

/*
 * Sets one integer column (sql: "UPDATE … SET x=? WHERE route_entry_id=?") of the route in
 * names and restarts its transition; kept_on_dual_tunnel: the cloud ignores the change on a
 * dual-tunnel gateway (the entry still goes through its transition).
 */
static int modify_route_int(struct model_ctx *m, const struct vpn_route_key *in, bool pbr, const char *sql,
			    int64_t value, bool kept_on_dual_tunnel, struct vl_err *err)
{
	struct vpn_gateway gw;
	struct vpn_route r;

	if (begin_route_change(m, in, pbr, &gw, &r, err) < 0)
		return -1;
	if (!(kept_on_dual_tunnel && vpn_gateway_is_dual_tunnel(&gw)) &&
	    model_run(m, sql, MODEL_ARGS(MODEL_INT(value), MODEL_TEXT(r.route_entry_id)), err) < 0)
		return -1;
	return restart_transition(m, &r, r.published, err);
}

int vpn_route_modify_weight(struct model_ctx *m, const struct vpn_route_key *in,
			    int64_t new_weight, struct vl_err *err)
{
	return modify_route_int(m, in, false, "UPDATE vpn_route_entries SET weight=? WHERE route_entry_id=?",
				new_weight, true, err);
}

int vpn_route_modify_priority(struct model_ctx *m, const struct vpn_route_key *in,
			      int64_t new_priority, struct vl_err *err)
{
	return modify_route_int(m, in, true, "UPDATE vpn_route_entries SET priority=? WHERE route_entry_id=?",
				new_priority, false, err);
}

/*
 * Published entries of the other table with destination dest: withdrawn together with a
 * withdrawal ("when you withdraw the route entry from the policy-based route table, the
 * route entry in the destination-based route table is also withdrawn", and vice versa).
 */
static int collect_twins(struct model_ctx *m, const char *vpn_gateway_id, bool other_pbr,
			 const char *dest, struct vpn_route *out, int max, int *count)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	int n = 0;

	if (store_prepare(m->store,
			  "SELECT " ROUTE_COLUMNS " FROM vpn_route_entries WHERE account=? AND region=?"
			  " AND vpn_gateway_id=? AND route_type=? AND route_dest=? AND published=1",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, m->account);
	stmt_bind_text(stmt, 2, m->region);
	stmt_bind_text(stmt, 3, vpn_gateway_id);
	stmt_bind_text(stmt, 4, route_type(other_pbr));
	stmt_bind_text(stmt, 5, dest);
	while ((r = stmt_step(stmt)) == STORE_ROW && n < max)
		row_to_route(stmt, &out[n++]);
	stmt_release(stmt);
	*count = n;
	return r == STORE_FAILED ? -1 : 0;
}

/* Entries one PublishVpnRouteEntry can touch: both tables' quotas. */
#define PUBLISH_MAX 256

int vpn_route_publish(struct model_ctx *m, const struct vpn_route_key *in, bool publish,
		      struct vl_err *err)
{
	char dest[20] = "", source[20] = "";
	struct vpn_route_key key;
	struct vpn_gateway gw;
	struct vpn_route *routes = NULL;
	int count = 0, twins = 0, rc = -1;

	canonical_key(in, &key, dest, source, sizeof(dest));
	key.weight = key.priority = -1;
	if (vpn_gateway_get(m, key.vpn_gateway_id, &gw, err) < 0)
		return -1;
	if ((routes = calloc(PUBLISH_MAX, sizeof(*routes))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	/* a policy route is named by destination and next hop here: every source matches */
	if (find_routes(m, &key, key.pbr, routes, PUBLISH_MAX / 2, &count) < 0) {
		model_store_error(m, err);
		goto out;
	}
	if (count == 0) {
		vl_err_set(err, VL_VPN_ROUTE_NOT_FOUND, NULL);
		goto out;
	}
	if (count > PUBLISH_MAX / 2)
		count = PUBLISH_MAX / 2;
	if (!publish && collect_twins(m, gw.vpn_gateway_id, !key.pbr, key.route_dest, routes + count,
				      PUBLISH_MAX - count, &twins) < 0) {
		model_store_error(m, err);
		goto out;
	}
	for (int i = 0; i < count + twins; i++) {
		if (lifecycle_busy(m, "vpn_route", routes[i].route_entry_id)) {
			vl_err_set(err, VL_VPN_ROUTE_CONFIGURING, NULL);
			goto out;
		}
	}
	if (vpn_gateway_begin_change(m, gw.vpn_gateway_id, err) < 0)
		goto out;
	for (int i = 0; i < count + twins; i++)
		if (restart_transition(m, &routes[i], publish, err) < 0)
			goto out;
	rc = 0;
out:
	free(routes);
	return rc;
}

json_t *vpn_route_to_json(const struct vpn_route *r)
{
	json_t *item = json_object();

	json_put_str(item, "VpnInstanceId", r->vpn_gateway_id);
	if (strcmp(r->route_type, "pbr") == 0)
		json_put_str(item, "RouteSource", r->route_source);
	json_put_str(item, "RouteDest", r->route_dest);
	json_put_str(item, "NextHop", r->next_hop);
	json_put_int(item, "Weight", r->weight);
	if (strcmp(r->route_type, "pbr") == 0)
		json_put_int(item, "Priority", r->priority);
	json_put_str(item, "State", r->state);
	json_put_int(item, "CreateTime", r->created_ms);
	json_put_str(item, "NextHopTunnelId", "");
	if (strcmp(r->route_type, "dbr") == 0) {
		/* the lab has only configured ("custom") routes; BGP attributes stay empty */
		json_put_fields(item, JSON_FIELDS(JSON_TEXT("RouteEntryType", "custom"),
				JSON_TEXT("Source", ""), JSON_TEXT("AsPath", ""), JSON_TEXT("Community", "")));
	}
	return item;
}

static json_t *list_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct vpn_route route;

	(void)m;
	(void)arg;
	row_to_route(stmt, &route);
	return vpn_route_to_json(&route);
}

int vpn_route_list(struct model_ctx *m, const char *vpn_gateway_id, bool pbr, bool bgp,
		   int64_t offset, int64_t limit, json_t *items, int64_t *total,
		   struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = ROUTE_COLUMNS,
		.from = "vpn_route_entries",
		.order_by = "created_ms DESC, seq DESC",
	};
	struct vpn_gateway gw;
	struct model_where where;

	*total = 0;
	if (vpn_gateway_get(m, vpn_gateway_id, &gw, err) < 0)
		return -1;
	if (bgp)
		return 0; /* learned BGP routes: the lab's gateways learn none */
	model_where_init(&where);
	model_where_text(&where, "account=?", m->account);
	model_where_text(&where, "region=?", m->region);
	model_where_text(&where, "vpn_gateway_id=?", gw.vpn_gateway_id);
	model_where_text(&where, "route_type=?", route_type(pbr));
	return model_list(m, &query, &where, offset, limit, total, list_item, NULL, items, err);
}

json_t *vpn_route_counts_json(struct model_ctx *m, const char *vpn_gateway_id)
{
	struct store_stmt *stmt = NULL;
	json_t *list, *wrapper;
	int64_t count;

	if (store_prepare(m->store,
			  "SELECT COUNT(*) FROM vpn_route_entries WHERE account=? AND region=?"
			  " AND vpn_gateway_id=? AND route_type='dbr'",
			  &stmt) < 0)
		return NULL;
	stmt_bind_text(stmt, 1, m->account);
	stmt_bind_text(stmt, 2, m->region);
	stmt_bind_text(stmt, 3, vpn_gateway_id);
	if (stmt_step(stmt) != STORE_ROW) {
		stmt_release(stmt);
		return NULL;
	}
	count = stmt_int64(stmt, 0);
	stmt_release(stmt);
	list = json_array();
	if (count > 0) {
		json_t *item = json_object();

		json_put_str(item, "RouteEntryType", "custom");
		json_put_str(item, "Source", "");
		json_put_int(item, "RouteCount", count);
		json_array_append_new(list, item);
	}
	wrapper = json_object();
	json_object_set_new_nocheck(wrapper, "VpnRouteCount", list);
	return wrapper;
}

/* Splits a comma-separated CIDR list into canonical, distinct CIDRs.  -1 on a bad one. */
static int split_cidrs(const char *list, char out[][20], int max, int *count)
{
	const char *p = list;
	int n = 0;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char text[32];
		struct cidr c;
		int dup = 0;

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (len >= sizeof(text))
				return -1;
			snprintf(text, sizeof(text), "%.*s", (int)len, p);
			if (!cidr_parse(text, &c))
				return -1;
			cidr_format(&c, text, sizeof(text));
			for (int i = 0; i < n; i++)
				dup |= strcmp(out[i], text) == 0;
			if (!dup) {
				if (n == max)
					return -1;
				cidr_format(&c, out[n++], 20);
			}
		}
		p = end ? end + 1 : NULL;
	}
	*count = n;
	return 0;
}

#define AUTO_CONFIG_MAX 64

int vpn_route_auto_config(struct model_ctx *m, const char *vpn_gateway_id,
			  const char *vpn_connection_id, const char *remote_subnets,
			  struct vl_err *err)
{
	char cidrs[AUTO_CONFIG_MAX][20];
	bool wanted[AUTO_CONFIG_MAX];
	struct vpn_gateway gw;
	int n = 0, adding = 0;

	if (vpn_gateway_get(m, vpn_gateway_id, &gw, err) < 0)
		return -1;
	if (split_cidrs(remote_subnets, cidrs, AUTO_CONFIG_MAX, &n) < 0)
		return vl_err_set(err, VL_VPN_ROUTE_ILLEGAL_ROUTE_DEST, NULL);
	for (int i = 0; i < n; i++) {
		struct vpn_route_key key = { .vpn_gateway_id = gw.vpn_gateway_id, .pbr = false,
					     .route_dest = cidrs[i], .next_hop = vpn_connection_id,
					     .weight = -1, .priority = -1 };
		struct vpn_route twin;
		int count = 0;

		/* 0.0.0.0/0 on both sides is destination-routing mode: no route for it */
		wanted[i] = strcmp(cidrs[i], "0.0.0.0/0") != 0;
		if (wanted[i] && find_routes(m, &key, false, &twin, 1, &count) < 0)
			return model_store_error(m, err);
		wanted[i] = wanted[i] && count == 0;
		adding += wanted[i];
	}
	if (adding == 0)
		return 0;
	if (check_quota(m, gw.vpn_gateway_id, false, adding, err) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		struct vpn_route r = { .weight = 100, .published = true };

		if (!wanted[i])
			continue;
		model_copy(r.vpn_gateway_id, sizeof(r.vpn_gateway_id), gw.vpn_gateway_id);
		model_copy(r.route_type, sizeof(r.route_type), "dbr");
		memcpy(r.route_dest, cidrs[i], sizeof(r.route_dest));
		model_copy(r.next_hop, sizeof(r.next_hop), vpn_connection_id);
		model_copy(r.overlay_mode, sizeof(r.overlay_mode), "Ipsec");
		if (insert_route(m, &r, err) < 0)
			return -1;
	}
	return 0;
}

int64_t vpn_route_count_by_next_hop(struct model_ctx *m, const char *vpn_connection_id)
{
	return model_count(m, "SELECT COUNT(*) FROM vpn_route_entries WHERE next_hop=?", vpn_connection_id, NULL);
}

int vpn_route_for_each_published_in_vpc(struct store *st, const char *vpc_id,
					int (*fn)(void *arg, const char *destination, const char *vpn_gateway_id,
						  bool pending, int64_t created_ms),
					void *arg)
{
	struct store_stmt *stmt = NULL;
	int rc = 0;

	/* one row per destination and gateway, however many next hops */
	if (store_prepare(st, "SELECT r.route_dest, r.vpn_gateway_id, MIN(r.state='pending'), MIN(r.created_ms)"
			      " FROM vpn_route_entries r"
			      " WHERE r.vpn_gateway_id IN " VPN_GATEWAYS_ACTIVE_IN_VPC_SQL("?1")
			      " AND r.account = " VPN_GATEWAY_ACCOUNT_SQL("r.vpn_gateway_id") " AND r.published=1"
			      " GROUP BY r.route_dest, r.vpn_gateway_id ORDER BY MIN(r.created_ms), MIN(r.seq)",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, vpc_id);
	while (rc == 0 && stmt_step(stmt) == STORE_ROW)
		rc = fn(arg, stmt_text(stmt, 0), stmt_text(stmt, 1), stmt_int64(stmt, 2) != 0, stmt_int64(stmt, 3));
	stmt_release(stmt);
	return rc;
}

/* Removes every entry where column = value, in batches (remove_route needs the rows). */
static int delete_where(struct model_ctx *m, const char *column_sql, const char *value,
			struct vl_err *err)
{
	struct vpn_route batch[64];
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT " ROUTE_COLUMNS " FROM vpn_route_entries WHERE %s LIMIT 64",
		 column_sql);
	for (;;) {
		struct store_stmt *stmt = NULL;
		enum store_step_result r;
		int n = 0;

		if (store_prepare(m->store, sql, &stmt) < 0)
			return model_store_error(m, err);
		stmt_bind_text(stmt, 1, value);
		while ((r = stmt_step(stmt)) == STORE_ROW && n < 64)
			row_to_route(stmt, &batch[n++]);
		stmt_release(stmt);
		if (r == STORE_FAILED)
			return model_store_error(m, err);
		if (n == 0)
			return 0;
		for (int i = 0; i < n; i++)
			if (remove_route(m, &batch[i]) < 0)
				return model_store_error(m, err);
	}
}

int vpn_route_delete_by_next_hop(struct model_ctx *m, const char *vpn_connection_id,
				 struct vl_err *err)
{
	return delete_where(m, "next_hop=?", vpn_connection_id, err);
}

int vpn_route_delete_by_gateway(struct model_ctx *m, const char *vpn_gateway_id,
				struct vl_err *err)
{
	return delete_where(m, "vpn_gateway_id=?", vpn_gateway_id, err);
}

static void fill_weight(struct store_stmt *stmt, void *row)
{
	struct vpn_route_hop *h = row;

	model_copy(h->next_hop, sizeof(h->next_hop), stmt_text(stmt, 0));
	h->weight = (int)stmt_int64(stmt, 1);
}

int vpn_route_dbr_max_weights(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_route_hop **out,
			      int *count, struct vl_err *err)
{
	return model_collect(m, "SELECT next_hop, MAX(weight) FROM vpn_route_entries"
				" WHERE vpn_gateway_id=? AND route_type='dbr' GROUP BY next_hop ORDER BY next_hop",
			     vpn_gateway_id, sizeof(**out), fill_weight, (void **)out, count, err);
}

static void fill_published(struct store_stmt *stmt, void *row)
{
	struct vpn_route_hop *h = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(h->route_dest), ROW_TEXT(h->next_hop)));
	h->weight = (int)stmt_int64(stmt, 2);
}

int vpn_route_dbr_published(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_route_hop **out, int *count,
			    struct vl_err *err)
{
	return model_collect(m, "SELECT route_dest, next_hop, weight FROM vpn_route_entries"
				" WHERE vpn_gateway_id=? AND route_type='dbr' AND published=1"
				" ORDER BY created_ms, seq",
			     vpn_gateway_id, sizeof(**out), fill_published, (void **)out, count, err);
}

static void fill_pbr_rule(struct store_stmt *stmt, void *row)
{
	struct vpn_pbr_rule *r = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(r->route_source), ROW_TEXT(r->route_dest),
			ROW_TEXT(r->next_hop)));
	r->weight = (int)stmt_int64(stmt, 3);
	r->priority = (int)stmt_int64(stmt, 4);
	r->published = stmt_int64(stmt, 5) != 0;
}

int vpn_route_pbr_rules(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_pbr_rule **out, int *count,
			struct vl_err *err)
{
	return model_collect(m, "SELECT route_source, route_dest, next_hop, weight, priority, published"
				" FROM vpn_route_entries WHERE vpn_gateway_id=? AND route_type='pbr'"
				" ORDER BY priority, created_ms, seq",
			     vpn_gateway_id, sizeof(**out), fill_pbr_rule, (void **)out, count, err);
}
