/*
 * Transit router route tables, associations, propagations and route entries (CBN API
 * 2017-09-12).  Rules and their sources: api-docs/research-tr-route.md; the preference
 * rules of computed routes are summarised in tr_route.h.
 */
#include "tr_route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cbn.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"

const struct lifecycle_kind tr_route_table_lifecycle = {
	"tr_route_table", "UPDATE tr_route_tables SET status=?1 WHERE route_table_id=?2 AND status=?3"
};
const struct lifecycle_kind tr_association_lifecycle = {
	"tr_association", "UPDATE tr_associations SET status=?1 WHERE attachment_id=?2 AND status=?3"
};
const struct lifecycle_kind tr_propagation_lifecycle = {
	"tr_propagation", "UPDATE tr_propagations SET status=?1 WHERE propagation_id=?2 AND status=?3"
};
const struct lifecycle_kind tr_route_entry_lifecycle = {
	"tr_route_entry", "UPDATE tr_route_entries SET status=?1 WHERE route_entry_id=?2 AND status=?3"
};

#define TABLE_COLUMNS                                                                    \
	"route_table_id, transit_router_id, region, type, name, description, status, "  \
	"multi_region_ecmp, created_ms"

/* The pseudo-status whose rows schema/009_tr_route.sql's triggers remove at once. */
#define GONE "Deleted"

/* Tag ResourceType of route tables (TagResources, ListTagResources: TransitRouterRouteTable). */
#define TABLE_RESOURCE_TYPE "TransitRouterRouteTable"

/* ---------------------------------------------------------------- small helpers */

void tr_route_format_time(int64_t ms, char *buf, size_t size)
{
	cbn_format_time(ms, buf, size);
}

/* Names and descriptions: empty, or 1..max characters not starting with http(s)://. */
static bool valid_text(const char *text, long max)
{
	return text == NULL || *text == '\0' || text_valid_label(text, 1, max);
}

static int check_name_description(const char *name, const char *description, struct vl_err *err)
{
	if (!valid_text(name, 128))
		return vl_err_set(err, VL_TR_ROUTE_INVALID_NAME, NULL);
	if (!valid_text(description, 256))
		return vl_err_set(err, VL_TR_ROUTE_INVALID_DESCRIPTION, NULL);
	return 0;
}

static int check_ecmp(const char *value, struct vl_err *err)
{
	if (value == NULL || strcmp(value, "enable") == 0 || strcmp(value, "disable") == 0)
		return 0;
	return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
			       "The specified RouteTableOptions.MultiRegionECMP is invalid.");
}

/* A link row's key and state: an association's table, a propagation's ID. */
struct link_state {
	char id[64];
	char status[32];
};

static void fill_link_state(struct store_stmt *stmt, void *out)
{
	struct link_state *l = out;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(l->id), ROW_TEXT(l->status)));
}

static void row_to_table(struct store_stmt *stmt, void *out)
{
	struct tr_route_table *t = out;

	/* TABLE_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(t->route_table_id), ROW_TEXT(t->transit_router_id),
					   ROW_TEXT(t->region), ROW_TEXT(t->type), ROW_TEXT(t->name),
					   ROW_TEXT(t->description), ROW_TEXT(t->status),
					   ROW_TEXT(t->multi_region_ecmp), ROW_INT64(t->created_ms)));
}

/* The caller's table (any region: CBN is central) or not_found. */
static int load_table(struct model_ctx *m, const char *id, struct tr_route_table *out,
		      enum vl_code not_found, struct vl_err *err)
{
	memset(out, 0, sizeof(*out));
	if (id == NULL || *id == '\0')
		return vl_err_set(err, not_found, NULL);
	return model_get_row(m, "SELECT " TABLE_COLUMNS " FROM tr_route_tables WHERE route_table_id=?1 AND account=?2",
			     id, row_to_table, out, not_found, err);
}

/*
 * The caller's attachment in any region; the route actions answer an unknown one with their
 * own codes (InvalidAttachmentId.*, InvalidTransitRouterRouteEntryNextHopId.NotFound).
 */
static int load_attachment(struct model_ctx *m, const char *id, struct tr_attachment *out,
			   enum vl_code not_found, struct vl_err *err)
{
	int found = tr_attachment_find(m, id, true, out, err);

	if (found == 0)
		return vl_err_set(err, not_found, NULL);
	return found < 0 ? -1 : 0;
}

/* Changes refuse while the table's router is not Active (IncorrectStatus.TransitRouterInstance). */
static int check_router_active(struct model_ctx *m, const char *transit_router_id, struct vl_err *err)
{
	char status[32] = "";
	int found = row_find(m, "SELECT status FROM transit_routers WHERE transit_router_id=?1",
			     MODEL_ARGS(MODEL_TEXT(transit_router_id)), row_fill_text32, status, err);

	if (found < 0)
		return -1;
	if (found == 1 && strcmp(status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_TR_INCORRECT_STATUS, NULL);
	return 0;
}

/* ---------------------------------------------------------------- route tables */

int tr_route_table_create(struct model_ctx *m, const struct tr_route_table_create_args *args,
			  struct tr_route_table *out, struct vl_err *err)
{
	const struct catalog_region *region;
	struct transit_router tr;

	memset(out, 0, sizeof(*out));
	if (check_name_description(args->name, args->description, err) < 0 ||
	    check_ecmp(args->multi_region_ecmp, err) < 0 || tag_validate(&args->tags, err) < 0)
		return -1;
	if (transit_router_get(m, args->transit_router_id, &tr, err) < 0)
		return -1;
	if (strcmp(tr.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_TR_INCORRECT_STATUS, NULL);
	region = catalog_region(m->cfg->catalog, tr.region);
	ids_new(out->route_table_id, sizeof(out->route_table_id), "vtb", region ? region->id_code : NULL);
	model_copy(out->transit_router_id, sizeof(out->transit_router_id), tr.transit_router_id);
	model_copy(out->region, sizeof(out->region), tr.region);
	model_copy(out->type, sizeof(out->type), "Custom");
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	model_copy(out->status, sizeof(out->status), "Creating");
	model_copy(out->multi_region_ecmp, sizeof(out->multi_region_ecmp),
		   args->multi_region_ecmp ? args->multi_region_ecmp : "disable");
	out->created_ms = m->now_ms;

	if (model_run(m, "INSERT INTO tr_route_tables(" TABLE_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->route_table_id), MODEL_TEXT(out->transit_router_id),
				 MODEL_TEXT(out->region), MODEL_TEXT(out->type), MODEL_TEXT(out->name),
				 MODEL_TEXT(out->description), MODEL_TEXT(out->status),
				 MODEL_TEXT(out->multi_region_ecmp), MODEL_INT(out->created_ms),
				 MODEL_TEXT(m->account)),
		      err) < 0)
		return -1;
	return lifecycle_created_moving(m, "tr_route_table", out->route_table_id, TABLE_RESOURCE_TYPE, &args->tags,
					"Creating", "Active", out->status, sizeof(out->status), err);
}

int tr_route_table_get(struct model_ctx *m, const char *route_table_id, struct tr_route_table *out,
		       struct vl_err *err)
{
	return load_table(m, route_table_id, out, VL_TR_ROUTE_TABLE_NOT_FOUND, err);
}

int tr_route_table_update(struct model_ctx *m, const struct tr_route_table_update_args *args,
			  struct vl_err *err)
{
	struct tr_route_table t;

	if (load_table(m, args->route_table_id, &t, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
		return -1;
	if (check_name_description(args->name, args->description, err) < 0 ||
	    check_ecmp(args->multi_region_ecmp, err) < 0)
		return -1;
	if (strcmp(t.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_TABLE_INCORRECT_STATUS, NULL);
	const struct model_change changes[] = {
		{ "name", args->name },
		{ "description", args->description },
		{ "multi_region_ecmp", args->multi_region_ecmp },
	};

	return model_update(m, "tr_route_tables", "route_table_id", t.route_table_id, changes,
			    sizeof(changes) / sizeof(changes[0]), err);
}

/* Cancels the pending transitions of kind for the ids sql selects (?1 = key); untag: their tags go too. */
static int cancel_transitions(struct model_ctx *m, const char *kind, const char *sql, const char *key, bool untag,
			      struct vl_err *err)
{
	struct model_id *ids = NULL;
	int n = 0, rc = -1;

	if (model_collect(m, sql, key, sizeof(*ids), model_fill_id, (void **)&ids, &n, err) < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (lifecycle_cancel(m, kind, ids[i].id) < 0 || (untag && tag_detach_all(m, ids[i].id) < 0)) {
			model_store_error(m, err);
			goto out;
		}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* Removes a table, every row hanging on it, their pending transitions and its tags. */
static int forget_table(struct model_ctx *m, const char *route_table_id, struct vl_err *err)
{
	static const struct {
		const char *kind, *ids, *remove;
	} children[] = {
		{ "tr_route_entry", "SELECT route_entry_id FROM tr_route_entries WHERE route_table_id=?1",
		  "DELETE FROM tr_route_entries WHERE route_table_id=?1" },
		{ "tr_association", "SELECT attachment_id FROM tr_associations WHERE route_table_id=?1",
		  "DELETE FROM tr_associations WHERE route_table_id=?1" },
		{ "tr_propagation", "SELECT propagation_id FROM tr_propagations WHERE route_table_id=?1",
		  "DELETE FROM tr_propagations WHERE route_table_id=?1" },
	};

	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++)
		if (cancel_transitions(m, children[i].kind, children[i].ids, route_table_id, false, err) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++)
		if (model_exec2(m, children[i].remove, route_table_id, NULL, err) < 0)
			return -1;
	if (tag_detach_all(m, route_table_id) < 0 || lifecycle_cancel(m, "tr_route_table", route_table_id) < 0)
		return model_store_error(m, err);
	return model_exec2(m, "DELETE FROM tr_route_tables WHERE route_table_id=?1", route_table_id, NULL, err);
}

int tr_route_attachment_links(struct model_ctx *m, const char *attachment_id,
			      struct tr_route_attachment_links *out, struct vl_err *err)
{
	out->associations = model_count(m, "SELECT COUNT(*) FROM tr_associations WHERE attachment_id=?1", attachment_id,
					NULL);
	out->propagations = model_count(m, "SELECT COUNT(*) FROM tr_propagations WHERE attachment_id=?1", attachment_id,
					NULL);
	out->entries = model_count(m,
				   "SELECT COUNT(*) FROM tr_route_entries WHERE next_hop_type='Attachment' AND next_hop_id=?1",
				   attachment_id, NULL);
	if (out->associations < 0 || out->propagations < 0 || out->entries < 0)
		return model_store_error(m, err);
	return 0;
}

int tr_route_table_delete(struct model_ctx *m, const char *route_table_id, struct vl_err *err)
{
	/* what still hangs on a table refuses its deletion, checked in this order */
	static const struct {
		const char *sql;
		enum vl_code code;
	} users[] = {
		{ "SELECT 1 FROM tr_associations WHERE route_table_id=?1 LIMIT 1", VL_TR_ROUTE_TABLE_DELETE_WITH_ASSOCIATION },
		{ "SELECT 1 FROM tr_propagations WHERE route_table_id=?1 LIMIT 1", VL_TR_ROUTE_TABLE_DELETE_WITH_PROPAGATION },
		{ "SELECT 1 FROM tr_route_entries WHERE route_table_id=?1 LIMIT 1", VL_TR_ROUTE_TABLE_DELETE_WITH_ENTRY },
	};
	struct tr_route_table t;

	if (load_table(m, route_table_id, &t, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
		return -1;
	if (strcmp(t.type, "System") == 0)
		return vl_err_set(err, VL_TR_ROUTE_TABLE_DELETE_SYSTEM, NULL);
	if (strcmp(t.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_TABLE_INCORRECT_STATUS, NULL);
	for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
		int found = model_exists(m, users[i].sql, t.route_table_id, NULL, NULL);

		if (found < 0)
			return model_store_error(m, err);
		if (found)
			return vl_err_set(err, users[i].code, NULL);
	}
	if (check_router_active(m, t.transit_router_id, err) < 0)
		return -1;
	return forget_table(m, t.route_table_id, err);
}

json_t *tr_route_table_to_json(struct model_ctx *m, const struct tr_route_table *t)
{
	json_t *item, *tags, *options;
	char created[32];

	if ((tags = cbn_tags_flat(m, t->route_table_id)) == NULL)
		return NULL;
	tr_route_format_time(t->created_ms, created, sizeof(created));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("TransitRouterRouteTableId", t->route_table_id),
					  JSON_TEXT("TransitRouterRouteTableName", t->name),
					  JSON_TEXT("TransitRouterRouteTableDescription", t->description),
					  JSON_TEXT("TransitRouterRouteTableStatus", t->status),
					  JSON_TEXT("TransitRouterRouteTableType", t->type),
					  JSON_TEXT("TransitRouterId", t->transit_router_id),
					  JSON_TEXT("RegionId", t->region), JSON_TEXT("CreateTime", created)));
	options = json_object();
	json_put_str(options, "MultiRegionECMP", t->multi_region_ecmp);
	json_object_set_new_nocheck(item, "RouteTableOptions", options);
	json_object_set_new_nocheck(item, "Tags", tags);
	return item;
}

static const struct model_filter_member table_filters[] = {
	MODEL_FILTER_MEMBER("transit_router_id=?", struct tr_route_table_filter, transit_router_id),
	MODEL_FILTER_MEMBER("type=?", struct tr_route_table_filter, type),
	MODEL_FILTER_MEMBER("status=?", struct tr_route_table_filter, status),
	MODEL_FILTER_MEMBER("multi_region_ecmp=?", struct tr_route_table_filter, multi_region_ecmp),
};

static json_t *table_json(struct model_ctx *m, const void *t)
{
	return tr_route_table_to_json(m, t);
}

int tr_route_table_list(struct model_ctx *m, const struct tr_route_table_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = TABLE_COLUMNS,
		.from = "tr_route_tables",
		.order_by = "created_ms, seq",
	};
	static const struct model_record_type tables = { sizeof(struct tr_route_table), row_to_table, table_json };
	struct model_where where;

	model_where_init(&where);
	model_where_text(&where, "account=?", m->account);
	model_where_members(&where, f, table_filters, sizeof(table_filters) / sizeof(table_filters[0]));
	model_where_in(&where, "route_table_id", f->id_count, f->ids);
	model_where_in(&where, "name", f->name_count, f->names);
	tag_where(&where, "route_table_id", &f->tags);
	return model_list_records(m, &query, &where, offset, limit, total, &tables, items, err);
}

/* ---------------------------------------------------------------- associations, propagations */

/*
 * The checks Associate, ReplaceAssociation and Enable share: the table, the attachment
 * (their NotFound codes), the same router, the router Active, both ready.
 */
static int load_ready_pair(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
			   struct tr_attachment *att, struct tr_route_table *table, struct vl_err *err)
{
	if (load_table(m, route_table_id, table, VL_TR_ROUTE_RT_NOT_FOUND_404, err) < 0 ||
	    load_attachment(m, attachment_id, att, VL_TR_ROUTE_ATTACHMENT_NOT_FOUND_404, err) < 0)
		return -1;
	if (strcmp(table->transit_router_id, att->transit_router_id) != 0)
		return vl_err_set(err, VL_TR_ROUTE_INVALID_TABLE_PARAM, NULL);
	if (check_router_active(m, table->transit_router_id, err) < 0)
		return -1;
	if (strcmp(att->status, "Attached") != 0 || strcmp(table->status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_PAIR_INCORRECT_STATUS, NULL);
	return 0;
}

/* An attachment's association: its table and status.  1, 0 (none), -1 with err. */
static int association_of(struct model_ctx *m, const char *attachment_id, struct link_state *out,
			  struct vl_err *err)
{
	return row_find(m, "SELECT route_table_id, status FROM tr_associations WHERE attachment_id=?1",
			MODEL_ARGS(MODEL_TEXT(attachment_id)), fill_link_state, out, err);
}

/* A pair's propagation: its ID and status.  1, 0 (none), -1 with err. */
static int propagation_of(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
			  struct link_state *out, struct vl_err *err)
{
	return row_find(m,
			"SELECT propagation_id, status FROM tr_propagations WHERE attachment_id=?1 AND route_table_id=?2",
			MODEL_ARGS(MODEL_TEXT(attachment_id), MODEL_TEXT(route_table_id)), fill_link_state, out, err);
}

/* The ready pair Associate and ReplaceAssociation name, and the attachment's association: 1, 0 (none), -1. */
static int load_ready_association(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
				  struct tr_attachment *att, struct tr_route_table *table, struct link_state *link,
				  struct vl_err *err)
{
	if (load_ready_pair(m, attachment_id, route_table_id, att, table, err) < 0)
		return -1;
	return association_of(m, att->attachment_id, link, err);
}

int tr_route_associate(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
		       struct vl_err *err)
{
	struct tr_attachment att;
	struct tr_route_table table;
	struct link_state link;
	int found = load_ready_association(m, attachment_id, route_table_id, &att, &table, &link, err);

	if (found < 0)
		return -1;
	if (found && strcmp(link.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_PAIR_INCORRECT_STATUS, NULL);
	if (found)
		return vl_err_set(err, VL_TR_ROUTE_ASSOCIATION_EXIST, NULL);
	if (model_run(m,
		      "INSERT INTO tr_associations(attachment_id, route_table_id, status, created_ms)"
		      " VALUES (?, ?, 'Associating', ?)",
		      MODEL_ARGS(MODEL_TEXT(att.attachment_id), MODEL_TEXT(table.route_table_id), MODEL_INT(m->now_ms)),
		      err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_association", att.attachment_id, "Associating", "Active", -1, err);
}

int tr_route_replace_association(struct model_ctx *m, const char *attachment_id,
				 const char *route_table_id, struct vl_err *err)
{
	struct tr_attachment att;
	struct tr_route_table table;
	struct link_state link;
	int found = load_ready_association(m, attachment_id, route_table_id, &att, &table, &link, err);

	if (found < 0)
		return -1;
	/* only an Active association moves; without one there is nothing to replace */
	if (!found || strcmp(link.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_PAIR_INCORRECT_STATUS, NULL);
	if (strcmp(link.id, table.route_table_id) == 0)
		return vl_err_set(err, VL_TR_ROUTE_ASSOCIATION_EXIST, NULL);
	if (model_run(m,
		      "UPDATE tr_associations SET route_table_id=?, status='Associating', created_ms=?"
		      " WHERE attachment_id=?",
		      MODEL_ARGS(MODEL_TEXT(table.route_table_id), MODEL_INT(m->now_ms), MODEL_TEXT(att.attachment_id)),
		      err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_association", att.attachment_id, "Associating", "Active", -1, err);
}

/*
 * The end Dissociate and Disable share once their link is found: the router Active, the
 * link Active, then leave_sql (?1 = key) marks it leaving and it goes after the delay.
 */
static int unlink_pair(struct model_ctx *m, const struct tr_route_table *table, const struct link_state *link,
		       const char *kind, const char *key, const char *leave_sql, const char *leaving,
		       struct vl_err *err)
{
	if (check_router_active(m, table->transit_router_id, err) < 0)
		return -1;
	if (strcmp(link->status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_PAIR_INCORRECT_STATUS, NULL);
	if (model_exec2(m, leave_sql, key, NULL, err) < 0)
		return -1;
	return lifecycle_schedule(m, kind, key, leaving, GONE, -1, err);
}

/* The table and attachment Dissociate and Disable name, with their NotFound codes. */
static int load_unlink_pair(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
			    struct tr_attachment *att, struct tr_route_table *table, struct vl_err *err)
{
	if (load_table(m, route_table_id, table, VL_TR_ROUTE_RT_NOT_FOUND_404, err) < 0 ||
	    load_attachment(m, attachment_id, att, VL_TR_ROUTE_ATTACHMENT_NOT_FOUND, err) < 0)
		return -1;
	return 0;
}

int tr_route_dissociate(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
			struct vl_err *err)
{
	struct tr_attachment att;
	struct tr_route_table table;
	struct link_state link;
	int found;

	if (load_unlink_pair(m, attachment_id, route_table_id, &att, &table, err) < 0 ||
	    (found = association_of(m, att.attachment_id, &link, err)) < 0)
		return -1;
	if (!found)
		return vl_err_set(err, VL_TR_ROUTE_INVALID_ATTACHMENT_PARAM, NULL);
	if (strcmp(link.id, table.route_table_id) != 0)
		return vl_err_set(err, VL_TR_ROUTE_INVALID_TABLE_PARAM, NULL);
	return unlink_pair(m, &table, &link, "tr_association", att.attachment_id,
			   "UPDATE tr_associations SET status='Dissociating' WHERE attachment_id=?1", "Dissociating", err);
}

int tr_route_enable_propagation(struct model_ctx *m, const char *attachment_id,
				const char *route_table_id, struct vl_err *err)
{
	struct tr_attachment att;
	struct tr_route_table table;
	struct link_state link;
	char propagation_id[64];
	int found;

	if (load_ready_pair(m, attachment_id, route_table_id, &att, &table, err) < 0)
		return -1;
	/* a pair that already propagates (or is on its way) is "not in a valid state" for it */
	if ((found = propagation_of(m, att.attachment_id, table.route_table_id, &link, err)) < 0)
		return -1;
	if (found)
		return vl_err_set(err, VL_TR_ROUTE_PAIR_INCORRECT_STATUS, NULL);
	ids_new(propagation_id, sizeof(propagation_id), "trp", NULL);
	if (model_run(m,
		      "INSERT INTO tr_propagations(propagation_id, attachment_id, route_table_id, status, created_ms)"
		      " VALUES (?, ?, ?, 'Enabling', ?)",
		      MODEL_ARGS(MODEL_TEXT(propagation_id), MODEL_TEXT(att.attachment_id),
				 MODEL_TEXT(table.route_table_id), MODEL_INT(m->now_ms)),
		      err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_propagation", propagation_id, "Enabling", "Active", -1, err);
}

int tr_route_disable_propagation(struct model_ctx *m, const char *attachment_id,
				 const char *route_table_id, struct vl_err *err)
{
	struct tr_attachment att;
	struct tr_route_table table;
	struct link_state link;
	int found;

	if (load_unlink_pair(m, attachment_id, route_table_id, &att, &table, err) < 0 ||
	    (found = propagation_of(m, att.attachment_id, table.route_table_id, &link, err)) < 0)
		return -1;
	if (!found)
		return vl_err_set(err, VL_TR_ROUTE_INVALID_ATTACHMENT_PARAM, NULL);
	return unlink_pair(m, &table, &link, "tr_propagation", link.id,
			   "UPDATE tr_propagations SET status='Disabling' WHERE propagation_id=?1", "Disabling", err);
}

/* l: the association or propagation, a: its attachment */
static const struct model_filter_member link_filters[] = {
	MODEL_FILTER_MEMBER("l.route_table_id=?", struct tr_route_link_filter, route_table_id),
	MODEL_FILTER_MEMBER("l.attachment_id=?", struct tr_route_link_filter, attachment_id),
	MODEL_FILTER_MEMBER("a.resource_id=?", struct tr_route_link_filter, resource_id),
	MODEL_FILTER_MEMBER("a.resource_type=?", struct tr_route_link_filter, resource_type),
	MODEL_FILTER_MEMBER("l.status=?", struct tr_route_link_filter, status),
};

static json_t *link_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	json_t *item = json_object();

	(void)m;
	(void)arg;
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("TransitRouterAttachmentId", stmt_text(stmt, 0)),
					  JSON_TEXT("TransitRouterRouteTableId", stmt_text(stmt, 1)),
					  JSON_TEXT("Status", stmt_text(stmt, 2)),
					  JSON_TEXT("ResourceId", stmt_text(stmt, 3)),
					  JSON_TEXT("ResourceType", stmt_text(stmt, 4))));
	return item;
}

int tr_route_link_list(struct model_ctx *m, bool propagations, const struct tr_route_link_filter *f,
		       int64_t offset, int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	/* associations or propagations, with their attachments */
	static const struct model_list_query queries[2] = {
		{
			.columns = "l.attachment_id, l.route_table_id, l.status, a.resource_id, a.resource_type",
			.from = "tr_associations l JOIN tr_attachments a ON a.attachment_id=l.attachment_id",
			.order_by = "l.created_ms, l.seq",
		},
		{
			.columns = "l.attachment_id, l.route_table_id, l.status, a.resource_id, a.resource_type",
			.from = "tr_propagations l JOIN tr_attachments a ON a.attachment_id=l.attachment_id",
			.order_by = "l.created_ms, l.seq",
		},
	};
	struct model_where where;

	if (propagations) {
		struct tr_route_table t;

		if (load_table(m, f->route_table_id, &t, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
			return -1;
	}
	model_where_init(&where);
	model_where_text(&where, "a.account=?", m->account);
	model_where_members(&where, f, link_filters, sizeof(link_filters) / sizeof(link_filters[0]));
	return model_list(m, &queries[propagations], &where, offset, limit, total, link_item, NULL, items, err);
}

/* ---------------------------------------------------------------- computed routes */

void tr_route_set_free(struct tr_route_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		free(set->items[i].name);
		free(set->items[i].description);
	}
	free(set->items);
	memset(set, 0, sizeof(*set));
}

/* A new zeroed route at the end of set, NULL when memory runs out. */
static struct tr_route *set_push(struct tr_route_set *set)
{
	if (set->count == set->capacity) {
		size_t cap = set->capacity ? set->capacity * 2 : 64;
		struct tr_route *grown = realloc(set->items, cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		set->items = grown;
		set->capacity = cap;
	}
	memset(&set->items[set->count], 0, sizeof(set->items[0]));
	return &set->items[set->count++];
}

static char *dup_text(const char *text)
{
	return strdup(text ? text : "");
}

static int load_static(struct model_ctx *m, const char *route_table_id, struct tr_route_set *set)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	long order = 0;

	if (store_prepare(m->store,
			  "SELECT e.route_entry_id, e.dest_first, e.dest_prefix_len, e.status, e.next_hop_type,"
			  " e.next_hop_id, e.name, e.description, e.created_ms, a.resource_id, a.resource_type,"
			  " t.transit_router_id"
			  " FROM tr_route_entries e JOIN tr_route_tables t ON t.route_table_id=e.route_table_id"
			  " LEFT JOIN tr_attachments a ON a.attachment_id=e.next_hop_id"
			  " WHERE e.route_table_id=? ORDER BY e.created_ms, e.seq",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, route_table_id);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		struct tr_route *route = set_push(set);
		bool blackhole;

		if (route == NULL)
			break;
		model_copy(route->entry_id, sizeof(route->entry_id), stmt_text(stmt, 0));
		route->destination.addr = (uint32_t)stmt_int64(stmt, 1);
		route->destination.prefix_len = (int)stmt_int64(stmt, 2);
		route->is_static = true;
		row_read_columns_at(stmt, 3, ROW_COLUMNS(ROW_TEXT(route->status),
				ROW_TEXT(route->next_hop_type)));
		blackhole = strcmp(route->next_hop_type, "BlackHole") == 0;
		if (!blackhole) {
			model_copy(route->next_hop_id, sizeof(route->next_hop_id), stmt_text(stmt, 5));
			model_copy(route->next_hop_resource_id, sizeof(route->next_hop_resource_id),
				   stmt_text(stmt, 9));
			model_copy(route->next_hop_resource_type, sizeof(route->next_hop_resource_type),
				   stmt_text(stmt, 10));
		}
		route->name = dup_text(stmt_text(stmt, 6));
		route->description = dup_text(stmt_text(stmt, 7));
		route->created_ms = stmt_int64(stmt, 8);
		/* configured on the router itself */
		model_copy(route->origin_id, sizeof(route->origin_id), stmt_text(stmt, 11));
		model_copy(route->origin_type, sizeof(route->origin_type), "TR");
		model_copy(route->origin_route_type, sizeof(route->origin_route_type),
			   blackhole ? "BlackHole" : "Static");
		route->rank = 0;
		route->order = order++;
		if (route->name == NULL || route->description == NULL) {
			r = STORE_FAILED;
			break;
		}
	}
	stmt_release(stmt);
	return r == STORE_DONE ? 0 : -1;
}

/* Adds one learned route of attachment (resource, type) to set; -1 on ENOMEM. */
static int push_learned(struct tr_route_set *set, const struct cidr *dest, const char *attachment_id,
			const char *resource_id, const char *resource_type, const char *origin_route_type,
			int rank, long order)
{
	struct tr_route *route = set_push(set);

	if (route == NULL)
		return -1;
	route->destination = *dest;
	route->is_static = false;
	model_copy(route->next_hop_type, sizeof(route->next_hop_type), "Attachment");
	model_copy(route->next_hop_id, sizeof(route->next_hop_id), attachment_id);
	model_copy(route->next_hop_resource_id, sizeof(route->next_hop_resource_id), resource_id);
	model_copy(route->next_hop_resource_type, sizeof(route->next_hop_resource_type), resource_type);
	model_copy(route->origin_id, sizeof(route->origin_id), resource_id);
	model_copy(route->origin_type, sizeof(route->origin_type), resource_type);
	model_copy(route->origin_route_type, sizeof(route->origin_route_type), origin_route_type);
	route->rank = rank;
	route->order = order;
	return 0;
}

/*
 * Learned routes: the Active propagations into the table, in the order they were enabled,
 * joined with their networks.  VPC: one System route per vSwitch CIDR (the VPC's system
 * routes; 100.64.0.0/10 is never advertised and cannot be a vSwitch).  VPN: one route per
 * RemoteSubnet CIDR of the IPsec connection, except 0.0.0.0/0 (destination-routing mode
 * names no subnet).
 */
static int load_learned(struct model_ctx *m, const char *route_table_id, struct tr_route_set *set)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	char last[64] = "";
	long order = -1;

	if (store_prepare(m->store,
			  "SELECT p.attachment_id, a.resource_id, a.resource_type, v.cidr_block, c.remote_subnet"
			  " FROM tr_propagations p JOIN tr_attachments a ON a.attachment_id=p.attachment_id"
			  " LEFT JOIN vswitches v ON a.resource_type='VPC' AND v.vpc_id=a.resource_id"
			  " LEFT JOIN vpn_connections c ON a.resource_type='VPN' AND c.vpn_connection_id=a.resource_id"
			  " WHERE p.route_table_id=? AND p.status='Active'"
			  " ORDER BY p.created_ms, p.seq, v.cidr_first",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, route_table_id);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		const char *attachment_id = stmt_text(stmt, 0), *resource_id = stmt_text(stmt, 1);
		const char *type = stmt_text(stmt, 2);
		struct cidr dest;
		int rc = 0;

		if (strcmp(attachment_id, last) != 0) {
			model_copy(last, sizeof(last), attachment_id);
			order++;
		}
		if (strcmp(type, "VPC") == 0) {
			if (cidr_parse(stmt_text(stmt, 3), &dest))
				rc = push_learned(set, &dest, attachment_id, resource_id, "VPC", "System", 1, order);
		} else if (strcmp(type, "VPN") == 0) {
			char subnets[1024];
			char *save = NULL;

			model_copy(subnets, sizeof(subnets), stmt_text(stmt, 4));
			for (char *tok = strtok_r(subnets, ", ", &save); tok && rc == 0;
			     tok = strtok_r(NULL, ", ", &save))
				if (cidr_parse(tok, &dest) && dest.prefix_len > 0)
					rc = push_learned(set, &dest, attachment_id, resource_id, "VPN", "Static", 2,
							  order);
		}
		if (rc < 0) {
			r = STORE_FAILED; /* out of memory */
			break;
		}
	}
	stmt_release(stmt);
	return r == STORE_DONE ? 0 : -1;
}

/* Destination, then preference class, then creation order, then next hop (stable output). */
static int route_cmp(const void *pa, const void *pb)
{
	const struct tr_route *a = pa, *b = pb;

	if (a->destination.addr != b->destination.addr)
		return a->destination.addr < b->destination.addr ? -1 : 1;
	if (a->destination.prefix_len != b->destination.prefix_len)
		return a->destination.prefix_len < b->destination.prefix_len ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return strcmp(a->next_hop_id, b->next_hop_id);
}

static bool same_destination(const struct tr_route *a, const struct tr_route *b)
{
	return a->destination.addr == b->destination.addr &&
	       a->destination.prefix_len == b->destination.prefix_len;
}

/* Sets the status of the learned routes of one destination group [first, end). */
static void choose_group(struct tr_route *routes, size_t first, size_t end)
{
	int best_rank = routes[first].rank, active = 0;

	for (size_t i = first; i < end; i++) {
		struct tr_route *r = &routes[i];
		const char *status;

		if (r->is_static)
			continue; /* keeps its own lifecycle status */
		if (best_rank == 0)
			status = "Rejected"; /* a static route owns the destination */
		else if (r->rank > best_rank)
			status = "Standby"; /* a VPC-learned route is preferred to VPN-learned ones */
		else if (r->rank == 1)
			status = active++ == 0 ? "Active" : "Rejected"; /* learned VPC routes may not overlap */
		else
			status = active++ < TR_ROUTE_ECMP_MAX ? "Active" : "Candidate";
		model_copy(r->status, sizeof(r->status), status);
	}
}

int tr_route_compute(struct model_ctx *m, const char *route_table_id, struct tr_route_set *out,
		     struct vl_err *err)
{
	size_t kept = 0;

	if (load_static(m, route_table_id, out) < 0 || load_learned(m, route_table_id, out) < 0) {
		tr_route_set_free(out);
		return model_store_error(m, err);
	}
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(out->items[0]), route_cmp);
	/* a connection naming the same subnet twice advertises it once */
	for (size_t i = 0; i < out->count; i++) {
		struct tr_route *r = &out->items[i];

		if (kept > 0 && !r->is_static && same_destination(&out->items[kept - 1], r) &&
		    !out->items[kept - 1].is_static &&
		    strcmp(out->items[kept - 1].next_hop_id, r->next_hop_id) == 0)
			continue;
		if (kept != i)
			out->items[kept] = *r;
		kept++;
	}
	out->count = kept;
	for (size_t first = 0; first < out->count;) {
		size_t end = first + 1;

		while (end < out->count && same_destination(&out->items[first], &out->items[end]))
			end++;
		choose_group(out->items, first, end);
		first = end;
	}
	return 0;
}

/* ---------------------------------------------------------------- filters */

static bool in_list(const char *value, const char *const *list, int count)
{
	for (int i = 0; i < count; i++)
		if (strcmp(value, list[i]) == 0)
			return true;
	return false;
}

static bool eq_opt(const char *want, const char *have)
{
	return want == NULL || strcmp(want, have) == 0;
}

/* Every filter except LongestPrefixMatchCidrs. */
static bool base_match(const struct tr_route_entry_filter *f, const struct tr_route *r)
{
	const struct cidr *d = &r->destination;

	if (f->id_count > 0 || f->name_count > 0) {
		if (!r->is_static)
			return false;
		if (f->id_count > 0 && !in_list(r->entry_id, f->ids, f->id_count))
			return false;
		if (f->name_count > 0 && !in_list(r->name ? r->name : "", f->names, f->name_count))
			return false;
		if (f->status && strcmp(f->status, "All") != 0 && strcmp(f->status, r->status) != 0)
			return false;
	} else {
		const char *status = f->status ? f->status : "Active";

		if (strcmp(status, "All") != 0 && strcmp(status, r->status) != 0)
			return false;
	}
	if (f->has_destination && (d->addr != f->destination.addr || d->prefix_len != f->destination.prefix_len))
		return false;
	if (f->type && strcmp(f->type, r->is_static ? "Static" : "Propagated") != 0)
		return false;
	if (!eq_opt(f->next_hop_type, r->next_hop_type) || !eq_opt(f->next_hop_id, r->next_hop_id) ||
	    !eq_opt(f->next_hop_resource_id, r->next_hop_resource_id) ||
	    !eq_opt(f->next_hop_resource_type, r->next_hop_resource_type) ||
	    !eq_opt(f->origin_resource_id, r->origin_id) || !eq_opt(f->origin_resource_type, r->origin_type))
		return false;
	for (int k = TR_MATCH_EXACT; k < TR_MATCH__COUNT; k++) {
		const struct tr_route_cidr_set *set = &f->match[k];
		bool hit = false;

		if (!f->has_match[k] || k == TR_MATCH_LONGEST)
			continue;
		for (int i = 0; i < set->count && !hit; i++) {
			const struct cidr *v = &set->items[i];

			if (k == TR_MATCH_EXACT)
				hit = v->addr == d->addr && v->prefix_len == d->prefix_len;
			else if (k == TR_MATCH_SUBNET_OF)
				hit = cidr_contains(v, d);
			else
				hit = cidr_contains(d, v);
		}
		if (!hit)
			return false; /* values are ORed, keys ANDed */
	}
	return true;
}

size_t tr_route_filter_apply(const struct tr_route_entry_filter *f, const struct tr_route *routes,
			     size_t count, bool *keep)
{
	size_t kept = 0;

	for (size_t i = 0; i < count; i++)
		keep[i] = base_match(f, &routes[i]);
	if (f->has_match[TR_MATCH_LONGEST]) {
		const struct tr_route_cidr_set *set = &f->match[TR_MATCH_LONGEST];
		bool *hit = calloc(count ? count : 1, sizeof(*hit));

		if (hit == NULL) {
			memset(keep, 0, count * sizeof(*keep));
			return 0;
		}
		/* per value: the routes with the longest prefix that holds it, among the kept */
		for (int v = 0; v < set->count; v++) {
			int longest = -1;

			for (size_t i = 0; i < count; i++)
				if (keep[i] && cidr_contains(&routes[i].destination, &set->items[v]) &&
				    routes[i].destination.prefix_len > longest)
					longest = routes[i].destination.prefix_len;
			for (size_t i = 0; longest >= 0 && i < count; i++)
				if (keep[i] && routes[i].destination.prefix_len == longest &&
				    cidr_contains(&routes[i].destination, &set->items[v]))
					hit[i] = true;
		}
		for (size_t i = 0; i < count; i++)
			keep[i] = keep[i] && hit[i];
		free(hit);
	}
	for (size_t i = 0; i < count; i++)
		kept += keep[i];
	return kept;
}

json_t *tr_route_to_json(const struct tr_route *r)
{
	json_t *item = json_object(), *path = json_object();
	char dest[20];

	cidr_format(&r->destination, dest, sizeof(dest));
	if (r->is_static)
		json_put_str(item, "TransitRouterRouteEntryId", r->entry_id);
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("TransitRouterRouteEntryDestinationCidrBlock", dest),
					  JSON_TEXT("TransitRouterRouteEntryType", r->is_static ? "Static" : "Propagated"),
					  JSON_TEXT("TransitRouterRouteEntryStatus", r->status),
					  JSON_TEXT("TransitRouterRouteEntryNextHopType", r->next_hop_type)));
	if (strcmp(r->next_hop_type, "BlackHole") != 0) {
		json_put_str(item, "TransitRouterRouteEntryNextHopId", r->next_hop_id);
		json_put_str(item, "TransitRouterRouteEntryNextHopResourceId", r->next_hop_resource_id);
		json_put_str(item, "TransitRouterRouteEntryNextHopResourceType", r->next_hop_resource_type);
	}
	json_put_str(item, "TransitRouterRouteEntryOriginResourceId", r->origin_id);
	json_put_str(item, "TransitRouterRouteEntryOriginResourceType", r->origin_type);
	if (r->is_static) {
		char created[32];

		tr_route_format_time(r->created_ms, created, sizeof(created));
		json_put_str(item, "TransitRouterRouteEntryName", r->name ? r->name : "");
		json_put_str(item, "TransitRouterRouteEntryDescription", r->description ? r->description : "");
		json_put_str(item, "CreateTime", created);
	}
	/* static entries can be deleted; learned ones are the system's */
	json_put_bool(item, "OperationalMode", r->is_static);
	json_object_set_new_nocheck(path, "AsPaths", json_array());
	json_object_set_new_nocheck(path, "Communities", json_array());
	json_put_fields(path, JSON_FIELDS(JSON_TEXT("OriginInstanceId", r->origin_id),
					  JSON_TEXT("OriginInstanceType", r->origin_type),
					  JSON_TEXT("OriginRouteType", r->origin_route_type),
					  JSON_INT("Preference", 50)));
	json_object_set_new_nocheck(item, "PathAttributes", path);
	return item;
}

int tr_route_entry_list(struct model_ctx *m, const struct tr_route_entry_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	struct tr_route_table table;
	struct tr_route_set set = { 0 };
	bool *keep = NULL;
	int64_t index = 0;

	if (load_table(m, f->route_table_id, &table, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
		return -1;
	if (f->prefix_list_id && *f->prefix_list_id)
		return vl_err_set(err, VL_TR_ROUTE_PREFIX_LIST_NOT_ASSOCIATED, NULL);
	if (tr_route_compute(m, table.route_table_id, &set, err) < 0)
		return -1;
	keep = calloc(set.count ? set.count : 1, sizeof(*keep));
	if (keep == NULL) {
		tr_route_set_free(&set);
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	}
	*total = (int64_t)tr_route_filter_apply(f, set.items, set.count, keep);
	for (size_t i = 0; i < set.count; i++) {
		if (!keep[i])
			continue;
		if (index >= offset && index < offset + limit)
			json_array_append_new(items, tr_route_to_json(&set.items[i]));
		index++;
	}
	free(keep);
	tr_route_set_free(&set);
	return 0;
}

/* ---------------------------------------------------------------- static entries */

int tr_route_entry_create(struct model_ctx *m, const struct tr_route_entry_create_args *args,
			  char *entry_id, size_t size, struct vl_err *err)
{
	const struct catalog_region *region;
	struct tr_route_table table;
	struct tr_attachment att;
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	struct cidr dest;
	char dest_text[20], id[64];
	bool blackhole, has_next_hop = args->next_hop_id && *args->next_hop_id;
	bool duplicate = false, same_dest = false;
	int64_t used = 0;

	if (check_name_description(args->name, args->description, err) < 0)
		return -1;
	if (args->next_hop_type == NULL || (strcmp(args->next_hop_type, "Attachment") != 0 &&
					    strcmp(args->next_hop_type, "BlackHole") != 0))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_NEXT_HOP_TYPE, NULL);
	blackhole = strcmp(args->next_hop_type, "BlackHole") == 0;
	if (!cidr_parse(args->destination, &dest))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_DESTINATION, NULL);
	if (blackhole && has_next_hop)
		return vl_err_set(err, VL_TR_ROUTE_BLACKHOLE_WITH_NEXT_HOP, NULL);
	if (!blackhole && !has_next_hop)
		return vl_err_set(err, VL_TR_ROUTE_MISSING_NEXT_HOP, NULL);
	if (load_table(m, args->route_table_id, &table, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
		return -1;
	if (strcmp(table.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_TABLE_INCORRECT_STATUS, NULL);
	if (!blackhole) {
		if (load_attachment(m, args->next_hop_id, &att, VL_TR_ROUTE_NEXT_HOP_NOT_FOUND, err) < 0)
			return -1;
		if (strcmp(att.transit_router_id, table.transit_router_id) != 0)
			return vl_err_set(err, VL_TR_ROUTE_NEXT_HOP_NOT_FOUND, NULL);
	}
	if (check_router_active(m, table.transit_router_id, err) < 0)
		return -1;
	/* one static entry per destination: the index finds the few with the same prefix */
	if (store_prepare(m->store,
			  "SELECT next_hop_type, next_hop_id FROM tr_route_entries"
			  " WHERE route_table_id=? AND dest_first=? AND dest_prefix_len=?",
			  &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, table.route_table_id);
	stmt_bind_int64(stmt, 2, dest.addr);
	stmt_bind_int64(stmt, 3, dest.prefix_len);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		same_dest = true;
		if (strcmp(stmt_text(stmt, 0), args->next_hop_type) == 0 &&
		    strcmp(stmt_text(stmt, 1), blackhole ? "" : args->next_hop_id) == 0)
			duplicate = true;
	}
	stmt_release(stmt);
	if (r != STORE_DONE)
		return model_store_error(m, err);
	if (duplicate)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_INSTANCE_EXIST, NULL);
	if (same_dest)
		return vl_err_set(err, VL_TR_ROUTE_SAME_DESTINATION, NULL);
	/*
	 * Counted from the rows (an index range of at most the quota) rather than kept in a
	 * usage counter: the attachment model deletes entries pointing at a force-deleted
	 * attachment itself, and a count cannot drift.
	 */
	used = model_count(m, "SELECT COUNT(*) FROM tr_route_entries WHERE route_table_id=?1 AND status<>'Deleting'",
			   table.route_table_id, NULL);
	if (used < 0)
		return model_store_error(m, err);
	if (used >= m->cfg->quotas.tr_route_entries_per_table)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_QUOTA_EXCEEDED, NULL);

	region = catalog_region(m->cfg->catalog, table.region);
	ids_new(id, sizeof(id), "rte", region ? region->id_code : NULL);
	cidr_format(&dest, dest_text, sizeof(dest_text));
	if (model_run(m,
		      "INSERT INTO tr_route_entries(route_entry_id, route_table_id, account, destination,"
		      " dest_first, dest_prefix_len, type, next_hop_type, next_hop_id, name, description,"
		      " status, created_ms) VALUES (?,?,?,?,?,?,'Static',?,?,?,?,'Creating',?)",
		      MODEL_ARGS(MODEL_TEXT(id), MODEL_TEXT(table.route_table_id), MODEL_TEXT(m->account),
				 MODEL_TEXT(dest_text), MODEL_INT(dest.addr), MODEL_INT(dest.prefix_len),
				 MODEL_TEXT(args->next_hop_type), MODEL_TEXT(blackhole ? "" : args->next_hop_id),
				 MODEL_TEXT(args->name ? args->name : ""),
				 MODEL_TEXT(args->description ? args->description : ""), MODEL_INT(m->now_ms)),
		      err) < 0 ||
	    lifecycle_schedule(m, "tr_route_entry", id, "Creating", "Active", -1, err) < 0)
		return -1;
	model_copy(entry_id, size, id);
	return 0;
}

int tr_route_entry_update(struct model_ctx *m, const char *route_entry_id, const char *name,
			  const char *description, struct vl_err *err)
{
	char status[32] = "";
	int found;

	if (check_name_description(name, description, err) < 0)
		return -1;
	found = row_find(m, "SELECT status FROM tr_route_entries WHERE route_entry_id=?1 AND account=?2",
			 MODEL_ARGS(MODEL_TEXT(route_entry_id), MODEL_TEXT(m->account)), row_fill_text32, status, err);
	if (found < 0)
		return -1;
	/* propagated entries are computed, not stored: they cannot be renamed */
	if (!found)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_ID_NOT_FOUND, NULL);
	if (strcmp(status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_BLOCKING, NULL);
	return model_update_name_description(m, "tr_route_entries", "route_entry_id", route_entry_id, name, description,
					     err);
}

/* A static entry as a delete finds it. */
struct entry_ref {
	char id[64];
	char table_id[64];
	char status[32];
};

static void fill_entry_ref(struct store_stmt *stmt, void *out)
{
	struct entry_ref *e = out;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(e->id), ROW_TEXT(e->table_id), ROW_TEXT(e->status)));
}

/* Finds the static entry a delete names into *out.  0 or -1 with err. */
static int find_entry(struct model_ctx *m, const struct tr_route_entry_key *key, struct entry_ref *out,
		      struct vl_err *err)
{
	struct tr_route_table table;
	int found;
	struct cidr dest;
	bool has_id = key->route_entry_id && *key->route_entry_id;
	bool has_table = key->route_table_id && *key->route_table_id;
	bool has_dest = key->destination && *key->destination;
	bool has_type = key->next_hop_type && *key->next_hop_type;
	bool has_hop = key->next_hop_id && *key->next_hop_id;

	if (has_id) {
		if (has_table || has_dest)
			return vl_err_set(err, VL_TR_ROUTE_ENTRY_ID_EXCLUSIVE, NULL);
		found = row_find(m,
				 "SELECT route_entry_id, route_table_id, status FROM tr_route_entries"
				 " WHERE route_entry_id=? AND account=?",
				 MODEL_ARGS(MODEL_TEXT(key->route_entry_id), MODEL_TEXT(m->account)), fill_entry_ref,
				 out, err);
	} else {
		if (!has_table)
			return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_TABLE_ID, NULL);
		if (load_table(m, key->route_table_id, &table, VL_TR_ROUTE_TABLE_NOT_FOUND, err) < 0)
			return -1;
		if (!has_dest || !cidr_parse(key->destination, &dest))
			return vl_err_set(err, VL_TR_ROUTE_DESTINATION_NOT_FOUND, NULL);
		if (has_type && strcmp(key->next_hop_type, "Attachment") != 0 &&
		    strcmp(key->next_hop_type, "BlackHole") != 0)
			return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_NEXT_HOP_TYPE, NULL);
		if (has_type && strcmp(key->next_hop_type, "BlackHole") == 0 && has_hop)
			return vl_err_set(err, VL_TR_ROUTE_BLACKHOLE_WITH_NEXT_HOP, NULL);
		if (has_type && strcmp(key->next_hop_type, "Attachment") == 0 && !has_hop)
			return vl_err_set(err, VL_TR_ROUTE_MISSING_NEXT_HOP, NULL);
		found = row_find(m,
				 "SELECT route_entry_id, route_table_id, status FROM tr_route_entries"
				 " WHERE route_table_id=? AND dest_first=? AND dest_prefix_len=?"
				 " AND (?4 IS NULL OR next_hop_type=?4) AND (?5 IS NULL OR next_hop_id=?5)",
				 MODEL_ARGS(MODEL_TEXT(table.route_table_id), MODEL_INT(dest.addr),
					    MODEL_INT(dest.prefix_len),
					    MODEL_TEXT(has_type ? key->next_hop_type : NULL),
					    MODEL_TEXT(has_hop ? key->next_hop_id : NULL)),
				 fill_entry_ref, out, err);
	}
	if (found != 0)
		return found > 0 ? 0 : -1;
	if (has_id)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_ID_NOT_FOUND, NULL);
	/* no static entry there: a learned one cannot be deleted, anything else is unknown */
	{
		struct tr_route_set set = { 0 };
		bool learned = false;

		if (tr_route_compute(m, table.route_table_id, &set, err) < 0)
			return -1;
		for (size_t i = 0; i < set.count && !learned; i++)
			learned = !set.items[i].is_static && set.items[i].destination.addr == dest.addr &&
				  set.items[i].destination.prefix_len == dest.prefix_len;
		tr_route_set_free(&set);
		return vl_err_set(err, learned ? VL_TR_ROUTE_DELETE_PROPAGATED : VL_TR_ROUTE_DESTINATION_NOT_FOUND,
				  NULL);
	}
}

int tr_route_entry_delete(struct model_ctx *m, const struct tr_route_entry_key *key,
			  struct vl_err *err)
{
	struct entry_ref entry = { "", "", "" };
	char transit_router_id[64] = "";

	if (find_entry(m, key, &entry, err) < 0)
		return -1;
	if (row_find(m, "SELECT transit_router_id FROM tr_route_tables WHERE route_table_id=?1",
		     MODEL_ARGS(MODEL_TEXT(entry.table_id)), row_fill_text64, transit_router_id, err) < 0)
		return -1;
	if (strcmp(entry.status, "Active") != 0)
		return vl_err_set(err, VL_TR_ROUTE_ENTRY_BLOCKING, NULL);
	if (check_router_active(m, transit_router_id, err) < 0)
		return -1;
	if (model_exec2(m, "UPDATE tr_route_entries SET status='Deleting' WHERE route_entry_id=?1", entry.id, NULL,
			err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_route_entry", entry.id, "Deleting", GONE, -1, err);
}

/* ---------------------------------------------------------------- for attachments and routers */

int tr_route_attachment_forget(struct model_ctx *m, const char *attachment_id, struct vl_err *err)
{
	if (lifecycle_cancel(m, "tr_association", attachment_id) < 0)
		return model_store_error(m, err);
	if (model_exec2(m, "DELETE FROM tr_associations WHERE attachment_id=?1", attachment_id, NULL, err) < 0 ||
	    cancel_transitions(m, "tr_propagation", "SELECT propagation_id FROM tr_propagations WHERE attachment_id=?1",
			       attachment_id, false, err) < 0 ||
	    model_exec2(m, "DELETE FROM tr_propagations WHERE attachment_id=?1", attachment_id, NULL, err) < 0 ||
	    cancel_transitions(m, "tr_route_entry",
			       "SELECT route_entry_id FROM tr_route_entries WHERE next_hop_type='Attachment' AND next_hop_id=?1",
			       attachment_id, true, err) < 0 ||
	    model_exec2(m, "DELETE FROM tr_route_entries WHERE next_hop_type='Attachment' AND next_hop_id=?1",
			attachment_id, NULL, err) < 0)
		return -1;
	return 0;
}

int tr_route_table_region(struct model_ctx *m, const char *route_table_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM tr_route_tables WHERE route_table_id=?1 AND account=?2", route_table_id, region, size);
}

int tr_route_entry_region(struct model_ctx *m, const char *route_entry_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT t.region FROM tr_route_entries e JOIN tr_route_tables t ON t.route_table_id=e.route_table_id"
			       " WHERE e.route_entry_id=?1 AND e.account=?2", route_entry_id, region, size);
}

/* ---------------------------------------------------------------- for the data plane compiler */

int tr_route_table_ids_of_router(struct model_ctx *m, const char *transit_router_id, struct model_id **out,
				 int *count, struct vl_err *err)
{
	return model_collect(m,
			     "SELECT route_table_id FROM tr_route_tables WHERE transit_router_id=?"
			     " ORDER BY created_ms, seq",
			     transit_router_id, sizeof(**out), model_fill_id, (void **)out, count, err);
}

int tr_route_active_association(struct model_ctx *m, const char *attachment_id, char *table_id,
				struct vl_err *err)
{
	struct model_id *rows = NULL;
	int count = 0;

	table_id[0] = '\0';
	if (model_collect(m, "SELECT route_table_id FROM tr_associations WHERE attachment_id=? AND status='Active'",
			  attachment_id, sizeof(*rows), model_fill_id, (void **)&rows, &count, err) < 0)
		return -1;
	if (count > 0)
		model_copy(table_id, 64, rows[0].id);
	free(rows);
	return 0;
}
