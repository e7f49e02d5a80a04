/*
 * Enterprise transit routers and their CIDR blocks.  Rules and sources:
 * api-docs/research-cen.md §2.2–2.3.
 */
#include "transit_router.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cen.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "vpc.h"

const struct lifecycle_kind transit_router_lifecycle = {
	"transit_router", "UPDATE transit_routers SET status=?1 WHERE transit_router_id=?2 AND status=?3"
};

#define TR_COLUMNS                                                                              \
	"transit_router_id, cen_id, region, name, description, type, status, support_multicast, " \
	"created_ms"
#define CIDR_COLUMNS \
	"transit_router_cidr_id, transit_router_id, cidr, name, description, publish_cidr_route, created_ms"

/* Ranges a transit router CIDR block may not touch (CreateTransitRouterCidr doc). */
static const char *const reserved_ranges[] = {
	"100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16",
};

static void row_to_tr(struct store_stmt *stmt, struct transit_router *tr)
{
	memset(tr, 0, sizeof(*tr));
	/* TR_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(tr->transit_router_id), ROW_TEXT(tr->cen_id), ROW_TEXT(tr->region),
					   ROW_TEXT(tr->name), ROW_TEXT(tr->description), ROW_TEXT(tr->type),
					   ROW_TEXT(tr->status), ROW_BOOL(tr->support_multicast),
					   ROW_INT64(tr->created_ms)));
}

static void row_to_tr_any(struct store_stmt *stmt, void *out)
{
	row_to_tr(stmt, out);
}

static void row_to_cidr(struct store_stmt *stmt, struct transit_router_cidr *c)
{
	memset(c, 0, sizeof(*c));
	/* CIDR_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(c->transit_router_cidr_id), ROW_TEXT(c->transit_router_id),
					   ROW_TEXT(c->cidr), ROW_TEXT(c->name), ROW_TEXT(c->description),
					   ROW_BOOL(c->publish_cidr_route), ROW_INT64(c->created_ms)));
}

static void row_to_cidr_any(struct store_stmt *stmt, void *out)
{
	row_to_cidr(stmt, out);
}

static const char *region_code(struct model_ctx *m)
{
	const struct catalog_region *r = catalog_region(m->cfg->catalog, m->region);

	return r ? r->id_code : NULL;
}

int transit_router_get(struct model_ctx *m, const char *transit_router_id,
		       struct transit_router *out, struct vl_err *err)
{
	if (transit_router_id == NULL || transit_router_id[0] == '\0')
		return vl_err_set(err, VL_TR_NOT_FOUND, NULL);
	return model_get_row(m,
			     "SELECT " TR_COLUMNS " FROM transit_routers"
			     " WHERE transit_router_id=?1 AND account=?2 AND region=?3",
			     transit_router_id, row_to_tr_any, out, VL_TR_NOT_FOUND, err);
}

int transit_router_find(struct model_ctx *m, const char *cen_id, struct transit_router *out,
			struct vl_err *err)
{
	return model_get_row(m,
			     "SELECT " TR_COLUMNS " FROM transit_routers"
			     " WHERE cen_id=?1 AND account=?2 AND region=?3",
			     cen_id, row_to_tr_any, out, VL_TR_NOT_EXIST, err);
}

bool transit_router_busy(struct model_ctx *m, const struct transit_router *tr)
{
	return strcmp(tr->status, "Active") != 0 || lifecycle_busy(m, "transit_router", tr->transit_router_id);
}

/* ---- CIDR rules ---- */

/*
 * A CIDR block for a router of cen_id: syntax, mask 16-24, outside the reserved ranges, no
 * overlap with another block of the CEN's routers (except except_id, the block being
 * modified) nor with a VPC attached to one of them.
 */
static int check_cidr(struct model_ctx *m, const char *cen_id, const char *text, const char *except_id,
		      struct cidr *out, struct vl_err *err)
{
	static const char *const sql[] = {
		"SELECT c.cidr FROM transit_router_cidrs c JOIN transit_routers t"
		" ON t.transit_router_id = c.transit_router_id WHERE t.cen_id=?1 AND c.transit_router_cidr_id<>?2",
		"SELECT " VPC_COLUMN_SQL("cidr_block", "a.resource_id") " FROM tr_attachments a"
		" WHERE a.cen_id=?1 AND a.resource_type='VPC'",
	};
	int rc = 0;

	if (text == NULL || !cidr_parse(text, out) || out->prefix_len < 16 || out->prefix_len > 24)
		return vl_err_set(err, VL_TR_CIDR_ILLEGAL, NULL);
	for (size_t i = 0; i < sizeof(reserved_ranges) / sizeof(reserved_ranges[0]); i++) {
		struct cidr reserved;

		cidr_parse(reserved_ranges[i], &reserved);
		if (cidr_overlaps(out, &reserved))
			return vl_err_set(err, VL_TR_CIDR_ILLEGAL, NULL);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
		struct store_stmt *stmt = NULL;
		enum store_step_result r;

		if (store_prepare(m->store, sql[i], &stmt) < 0)
			return model_store_error(m, err);
		stmt_bind_text(stmt, 1, cen_id);
		if (i == 0)
			stmt_bind_text(stmt, 2, except_id ? except_id : "");
		while (rc == 0 && (r = stmt_step(stmt)) == STORE_ROW) {
			struct cidr other;

			if (cidr_parse(stmt_text(stmt, 0), &other) && cidr_overlaps(out, &other))
				rc = vl_err_set(err, VL_TR_CIDR_CONFLICT, NULL);
		}
		if (rc == 0 && r == STORE_FAILED)
			rc = model_store_error(m, err);
		stmt_release(stmt);
	}
	return rc;
}

static int insert_cidr(struct model_ctx *m, const struct transit_router_cidr *c, struct vl_err *err)
{
	return model_run(m, "INSERT INTO transit_router_cidrs(" CIDR_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(c->transit_router_cidr_id), MODEL_TEXT(c->transit_router_id),
				    MODEL_TEXT(c->cidr), MODEL_TEXT(c->name), MODEL_TEXT(c->description),
				    MODEL_INT(c->publish_cidr_route), MODEL_INT(c->created_ms), MODEL_TEXT(m->account)),
			 err);
}

/* Validates one new block of tr and inserts it; fills *out.  0 or -1. */
static int add_cidr(struct model_ctx *m, const struct transit_router *tr, const char *cidr_text,
		    const char *name, const char *description, bool publish,
		    struct transit_router_cidr *out, struct vl_err *err)
{
	struct cidr cidr;

	memset(out, 0, sizeof(*out));
	if (cbn_check_text(name, 128, "Name", err) < 0 || cbn_check_text(description, 256, "Description", err) < 0)
		return -1;
	if (transit_router_cidr_count(m, tr->transit_router_id) >= TR_CIDRS_MAX)
		return vl_err_set(err, VL_TR_CIDR_QUOTA, NULL);
	if (check_cidr(m, tr->cen_id, cidr_text, NULL, &cidr, err) < 0)
		return -1;
	ids_new(out->transit_router_cidr_id, sizeof(out->transit_router_cidr_id), "cidr", region_code(m));
	model_copy(out->transit_router_id, sizeof(out->transit_router_id), tr->transit_router_id);
	cidr_format(&cidr, out->cidr, sizeof(out->cidr));
	model_copy(out->name, sizeof(out->name), name);
	model_copy(out->description, sizeof(out->description), description);
	out->publish_cidr_route = publish;
	out->created_ms = m->now_ms;
	return insert_cidr(m, out, err);
}

/* ---- create ---- */

static int illegal_cidr_list(struct vl_err *err)
{
	return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.TransitRouterCidrList",
			       "The specified TransitRouterCidrList is illegal.");
}

/* A JSON string member (absent: NULL); -1 when present and not a string. */
static int json_member_str(json_t *obj, const char *key, const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* TransitRouterCidrList: adds each block to the new router tr.  0 or -1. */
static int add_cidr_list(struct model_ctx *m, const struct transit_router *tr, const char *text,
			 struct vl_err *err)
{
	json_t *doc = NULL, *item;
	size_t i;
	int rc = -1;

	if (text == NULL || text[0] == '\0')
		return 0;
	doc = json_loads(text, JSON_DECODE_ANY, NULL);
	if (doc == NULL || !json_is_array(doc)) {
		illegal_cidr_list(err);
		goto out;
	}
	if (json_array_size(doc) > TR_CIDRS_MAX) {
		vl_err_set(err, VL_TR_CIDR_QUOTA, NULL);
		goto out;
	}
	json_array_foreach(doc, i, item) {
		const char *cidr = NULL, *name = NULL, *description = NULL;
		json_t *publish = json_object_get(item, "PublishCidrRoute");
		struct transit_router_cidr added;
		bool publish_value = true;

		if (!json_is_object(item) || json_member_str(item, "Cidr", &cidr) < 0 ||
		    json_member_str(item, "Name", &name) < 0 ||
		    json_member_str(item, "Description", &description) < 0) {
			illegal_cidr_list(err);
			goto out;
		}
		/* SDKs send the boolean as such; a form-built document may carry "true"/"false" */
		if (json_is_boolean(publish))
			publish_value = json_is_true(publish);
		else if (json_is_string(publish) && strcmp(json_string_value(publish), "false") == 0)
			publish_value = false;
		else if (publish && !json_is_null(publish) &&
			 !(json_is_string(publish) && strcmp(json_string_value(publish), "true") == 0)) {
			illegal_cidr_list(err);
			goto out;
		}
		if (add_cidr(m, tr, cidr, name, description, publish_value, &added, err) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

static int insert_router(struct model_ctx *m, const struct transit_router *tr, struct vl_err *err)
{
	return model_run(m, "INSERT INTO transit_routers(" TR_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(tr->transit_router_id), MODEL_TEXT(tr->cen_id), MODEL_TEXT(tr->region),
				    MODEL_TEXT(tr->name), MODEL_TEXT(tr->description), MODEL_TEXT(tr->type),
				    MODEL_TEXT(tr->status), MODEL_INT(tr->support_multicast), MODEL_INT(tr->created_ms),
				    MODEL_TEXT(m->account)),
			 err);
}

/* The router's System route table, moving Creating → Active with the router. */
static int create_system_route_table(struct model_ctx *m, const struct transit_router *tr,
				     struct vl_err *err)
{
	char id[64];

	ids_new(id, sizeof(id), "vtb", region_code(m));
	if (model_run(m,
		      "INSERT INTO tr_route_tables(route_table_id, transit_router_id, account, region, type,"
		      " status, created_ms) VALUES (?,?,?,?,'System',?,?)",
		      MODEL_ARGS(MODEL_TEXT(id), MODEL_TEXT(tr->transit_router_id), MODEL_TEXT(m->account),
				 MODEL_TEXT(tr->region), MODEL_TEXT("Creating"), MODEL_INT(tr->created_ms)),
		      err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_route_table", id, "Creating", "Active", -1, err);
}

int transit_router_create(struct model_ctx *m, const struct transit_router_create_args *args,
			  struct transit_router *out, struct vl_err *err)
{
	struct transit_router existing;
	struct vl_err ignored;
	struct cen c;

	memset(out, 0, sizeof(*out));
	if (cen_get_for_child(m, args->cen_id, &c, err) < 0)
		return -1;
	if (cbn_check_text(args->name, 128, "TransitRouterName", err) < 0 ||
	    cbn_check_text(args->description, 256, "TransitRouterDescription", err) < 0 ||
	    tag_validate(&args->tags, err) < 0)
		return -1;
	if (cen_busy(m, &c))
		return vl_err_set(err, VL_CEN_INCORRECT_STATUS, NULL);
	if (transit_router_find(m, c.cen_id, &existing, &ignored) == 0)
		return vl_err_set(err, VL_TR_INSTANCE_EXIST, NULL);
	ids_new(out->transit_router_id, sizeof(out->transit_router_id), "tr", region_code(m));
	model_copy(out->cen_id, sizeof(out->cen_id), c.cen_id);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	model_copy(out->type, sizeof(out->type), "Enterprise");
	model_copy(out->status, sizeof(out->status), "Creating");
	out->support_multicast = args->support_multicast;
	out->created_ms = m->now_ms;
	if (insert_router(m, out, err) < 0 || add_cidr_list(m, out, args->cidr_list_json, err) < 0 ||
	    create_system_route_table(m, out, err) < 0 ||
	    lifecycle_created_moving(m, "transit_router", out->transit_router_id, "TransitRouter", &args->tags,
				     "Creating", "Active", out->status, sizeof(out->status), err) < 0)
		return -1;
	return 0;
}

/* ---- list ---- */

static const struct model_filter_member list_filters[] = {
	MODEL_FILTER_MEMBER("cen_id=?", struct transit_router_filter, cen_id),
	MODEL_FILTER_MEMBER("region=?", struct transit_router_filter, region),
	MODEL_FILTER_MEMBER("transit_router_id=?", struct transit_router_filter, transit_router_id),
	MODEL_FILTER_MEMBER("status=?", struct transit_router_filter, status),
	MODEL_FILTER_MEMBER("name=?", struct transit_router_filter, name),
	MODEL_FILTER_MEMBER("type=?", struct transit_router_filter, type),
};

static json_t *router_json(struct model_ctx *m, const void *tr)
{
	return transit_router_to_json(m, tr);
}

int transit_router_list(struct model_ctx *m, const struct transit_router_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = TR_COLUMNS,
		.from = "transit_routers",
		.order_by = "created_ms DESC, seq DESC",
	};
	static const struct model_record_type routers = { sizeof(struct transit_router), row_to_tr_any, router_json };
	struct model_where where;

	if (f->region && catalog_region(m->cfg->catalog, f->region) == NULL)
		return vl_err_set(err, VL_INVALID_REGION_ID_NOT_FOUND, NULL);
	/* a page holds 50 routers at the most, whatever the request asks */
	if (limit > 50)
		limit = 50;
	model_where_init(&where);
	model_where_text(&where, "account=?", m->account);
	model_where_members(&where, f, list_filters, sizeof(list_filters) / sizeof(list_filters[0]));
	if (f->multicast >= 0)
		model_where_int(&where, "support_multicast=?", f->multicast);
	tag_where(&where, "transit_router_id", &f->tags);
	return model_list_records(m, &query, &where, offset, limit, total, &routers, items, err);
}

/* The CIDR blocks of a router as CBN items; with_router adds TransitRouterId and Family. */
static json_t *cidrs_json(struct model_ctx *m, const char *transit_router_id, const char *only_id,
			  bool with_router)
{
	struct store_stmt *stmt = NULL;
	json_t *list = json_array();
	enum store_step_result r;

	if (store_prepare(m->store,
			  "SELECT " CIDR_COLUMNS " FROM transit_router_cidrs WHERE transit_router_id=?1"
			  " AND (?2 IS NULL OR transit_router_cidr_id=?2) ORDER BY created_ms, seq",
			  &stmt) < 0) {
		json_decref(list);
		return NULL;
	}
	stmt_bind_text(stmt, 1, transit_router_id);
	stmt_bind_text(stmt, 2, only_id);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		struct transit_router_cidr c;
		json_t *o = json_object();

		row_to_cidr(stmt, &c);
		json_put_str(o, "TransitRouterCidrId", c.transit_router_cidr_id);
		if (with_router)
			json_put_str(o, "TransitRouterId", c.transit_router_id);
		json_put_fields(o, JSON_FIELDS(JSON_TEXT("Cidr", c.cidr), JSON_TEXT("Name", c.name),
					       JSON_TEXT("Description", c.description),
					       JSON_BOOL("PublishCidrRoute", c.publish_cidr_route)));
		if (with_router)
			json_put_str(o, "Family", "IPv4");
		json_array_append_new(list, o);
	}
	stmt_release(stmt);
	if (r == STORE_FAILED) {
		json_decref(list);
		return NULL;
	}
	return list;
}

json_t *transit_router_to_json(struct model_ctx *m, const struct transit_router *tr)
{
	json_t *tags = cbn_tags_flat(m, tr->transit_router_id);
	json_t *cidrs = cidrs_json(m, tr->transit_router_id, NULL, false);
	json_t *item;
	char created[24];

	if (tags == NULL || cidrs == NULL) {
		json_decref(tags);
		json_decref(cidrs);
		return NULL;
	}
	cbn_format_time(tr->created_ms, created, sizeof(created));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("TransitRouterId", tr->transit_router_id),
					  JSON_TEXT("CenId", tr->cen_id), JSON_TEXT("RegionId", tr->region),
					  JSON_TEXT("Type", tr->type), JSON_TEXT("Status", tr->status),
					  JSON_TEXT("CreationTime", created), JSON_TEXT("TransitRouterName", tr->name),
					  JSON_TEXT("TransitRouterDescription", tr->description),
					  JSON_INT("AliUid", model_owner_id(m->account)),
					  JSON_BOOL("SupportMulticast", tr->support_multicast)));
	json_object_set_new_nocheck(item, "TransitRouterCidrList", cidrs);
	json_object_set_new_nocheck(item, "Tags", tags);
	return item;
}

/* ---- update / delete ---- */

int transit_router_update(struct model_ctx *m, const struct transit_router_update_args *args,
			  struct vl_err *err)
{
	struct transit_router tr;

	if (transit_router_get(m, args->transit_router_id, &tr, err) < 0)
		return -1;
	if (cbn_check_text(args->name, 128, "TransitRouterName", err) < 0 ||
	    cbn_check_text(args->description, 256, "TransitRouterDescription", err) < 0)
		return -1;
	if (transit_router_busy(m, &tr))
		return vl_err_set(err, VL_TR_INCORRECT_STATUS, NULL);
	return model_update_name_description(m, "transit_routers", "transit_router_id", tr.transit_router_id, args->name,
					     args->description, err);
}

int transit_router_dependents(struct model_ctx *m, const char *transit_router_id,
			      struct transit_router_dependents *out, struct vl_err *err)
{
	out->attachments = model_count(m, "SELECT COUNT(*) FROM tr_attachments WHERE transit_router_id=?", transit_router_id,
				    NULL);
	out->custom_tables = model_count(m,
				      "SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=? AND type<>'System'",
				      transit_router_id, NULL);
	out->route_entries = model_count(m,
				      "SELECT COUNT(*) FROM tr_route_entries e JOIN tr_route_tables t"
				      " ON t.route_table_id = e.route_table_id WHERE t.transit_router_id=?",
				      transit_router_id, NULL);
	if (out->attachments < 0 || out->custom_tables < 0 || out->route_entries < 0)
		return model_store_error(m, err);
	return 0;
}

int transit_router_begin_delete(struct model_ctx *m, const struct transit_router *tr,
				struct vl_err *err)
{
	/* the System route table shows the router's state until both are gone */
	if (model_exec2(m, "UPDATE tr_route_tables SET status='Deleting' WHERE transit_router_id=? AND type=?",
			tr->transit_router_id, "System", err) < 0)
		return -1;
	if (lifecycle_schedule(m, "transit_router", tr->transit_router_id, tr->status, "Deleting", 0, err) < 0)
		return -1;
	return lifecycle_schedule(m, "transit_router", tr->transit_router_id, "Deleting", "Deleted", -1, err);
}

int transit_router_delete(struct model_ctx *m, const char *transit_router_id, struct vl_err *err)
{
	struct transit_router_dependents deps;
	struct transit_router tr;
	struct cen c;

	if (transit_router_get(m, transit_router_id, &tr, err) < 0) {
		if (err->code == VL_TR_NOT_FOUND)
			vl_err_set(err, VL_TR_INSTANCE_NOT_FOUND, NULL);
		return -1;
	}
	if (transit_router_busy(m, &tr))
		return vl_err_set(err, VL_TR_INCORRECT_STATUS, NULL);
	if (cen_get_for_child(m, tr.cen_id, &c, err) < 0)
		return -1;
	if (cen_busy(m, &c))
		return vl_err_set(err, VL_CEN_INCORRECT_STATUS, NULL);
	if (transit_router_dependents(m, tr.transit_router_id, &deps, err) < 0)
		return -1;
	if (deps.attachments > 0)
		return vl_err_set(err, VL_CEN_ATTACHED_CHILD_EXIST, NULL);
	if (deps.custom_tables > 0 || deps.route_entries > 0)
		return vl_err_set(err, VL_TR_DELETE_FAILED, NULL);
	return transit_router_begin_delete(m, &tr, err);
}

/* ---- a CEN goes with its routers ---- */

int cen_delete(struct model_ctx *m, const char *cen_id, struct vl_err *err)
{
	struct transit_router *routers = NULL;
	struct cen c;
	int count = 0, rc = -1;

	if (cen_get(m, cen_id, &c, err) < 0)
		return -1;
	if (cen_busy(m, &c))
		return vl_err_set(err, VL_CEN_STATUS, NULL);
	/* the CEN's routers, one a region */
	if (model_collect(m, "SELECT " TR_COLUMNS " FROM transit_routers WHERE cen_id=? ORDER BY created_ms", c.cen_id,
			  sizeof(*routers), row_to_tr_any, (void **)&routers, &count, err) < 0)
		goto out;
	/* every check first: a refused delete changes nothing */
	for (int i = 0; i < count; i++) {
		struct transit_router_dependents deps;

		if (transit_router_busy(m, &routers[i])) {
			vl_err_set(err, VL_TR_INCORRECT_STATUS, NULL);
			goto out;
		}
		if (transit_router_dependents(m, routers[i].transit_router_id, &deps, err) < 0)
			goto out;
		if (deps.attachments > 0) {
			vl_err_set(err, VL_CEN_ATTACHED_CHILD_EXIST, NULL);
			goto out;
		}
		if (deps.custom_tables > 0) {
			vl_err_set(err, VL_CEN_DELETE_WITH_ROUTE_TABLE, NULL);
			goto out;
		}
		if (deps.route_entries > 0) {
			vl_err_set(err, VL_CEN_DELETE_WITH_ROUTE_ENTRY, NULL);
			goto out;
		}
	}
	for (int i = 0; i < count; i++)
		if (transit_router_begin_delete(m, &routers[i], err) < 0)
			goto out;
	if (cen_begin_delete(m, &c, err) < 0)
		goto out;
	rc = 0;
out:
	free(routers);
	return rc;
}

/* ---- CIDR blocks ---- */

int64_t transit_router_cidr_count(struct model_ctx *m, const char *transit_router_id)
{
	return model_count(m, "SELECT COUNT(*) FROM transit_router_cidrs WHERE transit_router_id=?", transit_router_id,
			NULL);
}

static int cidr_get(struct model_ctx *m, const char *transit_router_id, const char *cidr_id,
		    struct transit_router_cidr *out, struct vl_err *err)
{
	int found;

	if (cidr_id == NULL)
		return vl_err_set(err, VL_TR_CIDR_NOT_FOUND, NULL);
	found = row_find(m,
			 "SELECT " CIDR_COLUMNS " FROM transit_router_cidrs WHERE transit_router_cidr_id=?"
			 " AND transit_router_id=?",
			 MODEL_ARGS(MODEL_TEXT(cidr_id), MODEL_TEXT(transit_router_id)), row_to_cidr_any, out, err);
	if (found == 0)
		return vl_err_set(err, VL_TR_CIDR_NOT_FOUND, NULL);
	return found < 0 ? -1 : 0;
}

/* The router of a CIDR action: present (TR NotFound otherwise) and Active. */
static int usable_router(struct model_ctx *m, const char *transit_router_id, struct transit_router *tr,
			 struct vl_err *err)
{
	if (transit_router_get(m, transit_router_id, tr, err) < 0)
		return -1;
	if (transit_router_busy(m, tr))
		return vl_err_set(err, VL_TR_INCORRECT_STATUS, NULL);
	return 0;
}

int transit_router_cidr_create(struct model_ctx *m, const struct transit_router_cidr_args *args,
			       struct transit_router_cidr *out, struct vl_err *err)
{
	struct transit_router tr;

	memset(out, 0, sizeof(*out));
	if (usable_router(m, args->transit_router_id, &tr, err) < 0)
		return -1;
	return add_cidr(m, &tr, args->cidr, args->name, args->description, args->publish_cidr_route != 0, out, err);
}

int transit_router_cidr_list(struct model_ctx *m, const char *transit_router_id,
			     const char *transit_router_cidr_id, json_t *items, struct vl_err *err)
{
	struct transit_router tr;
	json_t *list;
	size_t i;
	json_t *item;

	if (transit_router_get(m, transit_router_id, &tr, err) < 0)
		return -1;
	if ((list = cidrs_json(m, tr.transit_router_id, transit_router_cidr_id, true)) == NULL)
		return model_store_error(m, err);
	json_array_foreach(list, i, item)
		json_array_append(items, item);
	json_decref(list);
	return 0;
}

static int64_t allocated_in(struct model_ctx *m, const char *cidr_id)
{
	return model_count(m, "SELECT COUNT(*) FROM tr_cidr_allocations WHERE transit_router_cidr_id=?", cidr_id, NULL);
}

int transit_router_cidr_modify(struct model_ctx *m, const struct transit_router_cidr_args *args,
			       struct vl_err *err)
{
	struct transit_router_cidr c;
	struct transit_router tr;
	struct cidr cidr;
	char text[20];

	if (usable_router(m, args->transit_router_id, &tr, err) < 0 ||
	    cidr_get(m, tr.transit_router_id, args->transit_router_cidr_id, &c, err) < 0)
		return -1;
	if (cbn_check_text(args->name, 128, "Name", err) < 0 ||
	    cbn_check_text(args->description, 256, "Description", err) < 0)
		return -1;
	if (args->cidr) {
		if (check_cidr(m, tr.cen_id, args->cidr, c.transit_router_cidr_id, &cidr, err) < 0)
			return -1;
		cidr_format(&cidr, text, sizeof(text));
		if (strcmp(text, c.cidr) != 0) {
			if (allocated_in(m, c.transit_router_cidr_id) != 0)
				return vl_err_set(err, VL_TR_CIDR_IN_USE, NULL);
			if (model_exec2(m, "UPDATE transit_router_cidrs SET cidr=? WHERE transit_router_cidr_id=?", text,
					c.transit_router_cidr_id, err) < 0)
				return -1;
		}
	}
	/* publish_cidr_route has INTEGER affinity: "1" and "0" are stored as the numbers */
	const struct model_change changes[] = {
		{ "name", args->name },
		{ "description", args->description },
		{ "publish_cidr_route", args->publish_cidr_route < 0 ? NULL : args->publish_cidr_route != 0 ? "1" : "0" },
	};

	return model_update(m, "transit_router_cidrs", "transit_router_cidr_id", c.transit_router_cidr_id, changes,
			    sizeof(changes) / sizeof(changes[0]), err);
}

int transit_router_cidr_delete(struct model_ctx *m, const char *transit_router_id,
			       const char *transit_router_cidr_id, struct vl_err *err)
{
	struct transit_router_cidr c;
	struct transit_router tr;

	if (usable_router(m, transit_router_id, &tr, err) < 0 ||
	    cidr_get(m, tr.transit_router_id, transit_router_cidr_id, &c, err) < 0)
		return -1;
	if (allocated_in(m, c.transit_router_cidr_id) != 0)
		return vl_err_set(err, VL_TR_CIDR_IN_USE, NULL);
	return model_exec2(m, "DELETE FROM transit_router_cidrs WHERE transit_router_cidr_id=? AND transit_router_id=?",
			   c.transit_router_cidr_id, tr.transit_router_id, err);
}

/* Lowest free host of one block: network and broadcast addresses are never handed out. */
static int free_host(struct model_ctx *m, const struct transit_router_cidr *c, uint32_t *out)
{
	struct store_stmt *stmt = NULL;
	struct cidr block;
	uint32_t next, last;
	int rc = 1;

	if (!cidr_parse(c->cidr, &block) || cidr_size(&block) < 4)
		return 1;
	next = block.addr + 1;
	last = (uint32_t)(block.addr + cidr_size(&block) - 2);
	if (store_prepare(m->store,
			  "SELECT ip_num FROM tr_cidr_allocations WHERE transit_router_cidr_id=? ORDER BY ip_num",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, c->transit_router_cidr_id);
	while (stmt_step(stmt) == STORE_ROW) {
		uint32_t used = (uint32_t)stmt_int64(stmt, 0);

		if (used > next)
			break;
		if (used == next)
			next++;
	}
	stmt_release(stmt);
	if (next <= last) {
		*out = next;
		rc = 0;
	}
	return rc;
}

int transit_router_cidr_allocate(struct model_ctx *m, const char *transit_router_id,
				 const char *attachment_id, const char *tunnel_id, char *out,
				 size_t size, struct vl_err *err)
{
	struct transit_router_cidr *blocks = NULL;
	int n = 0, rc = -1;

	if (model_collect(m,
			  "SELECT " CIDR_COLUMNS " FROM transit_router_cidrs WHERE transit_router_id=?"
			  " ORDER BY created_ms, seq",
			  transit_router_id, sizeof(*blocks), row_to_cidr_any, (void **)&blocks, &n, err) < 0)
		return -1;
	for (int i = 0; i < n && i < TR_CIDRS_MAX; i++) {
		uint32_t addr;
		int found = free_host(m, &blocks[i], &addr);

		if (found < 0) {
			model_store_error(m, err);
			goto out;
		}
		if (found > 0)
			continue;
		snprintf(out, size, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
		rc = model_run(m,
			       "INSERT INTO tr_cidr_allocations(transit_router_cidr_id, ip_num, ip, account,"
			       " attachment_id, tunnel_id, created_ms) VALUES (?,?,?,?,?,?,?)",
			       MODEL_ARGS(MODEL_TEXT(blocks[i].transit_router_cidr_id), MODEL_INT(addr),
					  MODEL_TEXT(out), MODEL_TEXT(m->account), MODEL_TEXT(attachment_id),
					  MODEL_TEXT(tunnel_id ? tunnel_id : ""), MODEL_INT(m->now_ms)),
			       err);
		goto out;
	}
	vl_err_set(err, VL_TR_CIDR_ALLOCATE_FAILED, NULL);
out:
	free(blocks);
	return rc;
}

int transit_router_cidr_release(struct model_ctx *m, const char *attachment_id)
{
	return model_exec(m->store, "DELETE FROM tr_cidr_allocations WHERE attachment_id=?",
			  MODEL_ARGS(MODEL_TEXT(attachment_id)));
}

int transit_router_region(struct model_ctx *m, const char *transit_router_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM transit_routers WHERE transit_router_id=?1 AND account=?2", transit_router_id, region, size);
}

int transit_router_cidr_region(struct model_ctx *m, const char *transit_router_cidr_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT r.region FROM transit_router_cidrs c JOIN transit_routers r"
			       " ON r.transit_router_id=c.transit_router_id WHERE c.transit_router_cidr_id=?1 AND c.account=?2", transit_router_cidr_id, region, size);
}

static void fill_owner(struct store_stmt *stmt, void *row)
{
	struct transit_router_owner *o = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(o->transit_router_id), ROW_TEXT(o->account), ROW_TEXT(o->region)));
}

int transit_router_list_attached(struct model_ctx *m, struct transit_router_owner **out, int *count,
				 struct vl_err *err)
{
	return model_collect(m,
			     "SELECT t.transit_router_id, t.account, t.region FROM transit_routers t WHERE EXISTS"
			     " (SELECT 1 FROM tr_attachments a WHERE a.transit_router_id=t.transit_router_id"
			     " AND a.status='Attached') ORDER BY t.created_ms, t.seq",
			     NULL, sizeof(**out), fill_owner, (void **)out, count, err);
}
