#include "route_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "vpc.h"
#include "vswitch.h"

const struct lifecycle_kind route_table_lifecycle = {
	"route_table", "UPDATE route_tables SET status=?1 WHERE route_table_id=?2 AND status=?3"
};

#define RT_COLUMNS                                                                        \
	"route_table_id, region, vpc_id, vrouter_id, table_type, name, description, status, " \
	"resource_group_id, created_ms"

static void row_to_table(struct store_stmt *stmt, void *out)
{
	struct route_table *t = out;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(t->route_table_id), ROW_TEXT(t->region),
			ROW_TEXT(t->vpc_id), ROW_TEXT(t->vrouter_id), ROW_TEXT(t->type), ROW_TEXT(t->name),
			ROW_TEXT(t->description), ROW_TEXT(t->status), ROW_TEXT(t->resource_group_id),
			ROW_INT64(t->created_ms)));
}

int route_table_get(struct model_ctx *m, const char *route_table_id, struct route_table *out,
		    struct vl_err *err)
{
	return model_get_row(m, "SELECT " RT_COLUMNS " FROM route_tables WHERE route_table_id=?1 AND account=?2 AND region=?3",
			     route_table_id, row_to_table, out, VL_ROUTE_TABLE_NOT_FOUND, err);
}

int route_table_create(struct model_ctx *m, const struct route_table_create_args *args,
		       struct route_table *out, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	struct vpc vpc;
	int64_t count;

	memset(out, 0, sizeof(*out));
	if (vpc_get(m, args->vpc_id, &vpc, err) < 0)
		return -1;
	if (args->associate_type && strcmp(args->associate_type, "VSwitch") != 0)
		return vl_err_set(err, VL_ROUTE_TABLE_ASSOCIATE_TYPE, NULL);
	if (model_check_name_description(args->name, args->description, "RouteTable", "route table", err) < 0)
		return -1;
	if (tag_validate(&args->tags, err) < 0)
		return -1;
	if (strcmp(vpc.status, "Available") != 0 || lifecycle_busy(m, "vpc", vpc.vpc_id))
		return vl_err_set(err, VL_INCORRECT_VPC_STATUS, NULL);
	count = model_count(m, "SELECT COUNT(*) FROM route_tables WHERE vpc_id=? AND table_type='Custom'",
		       vpc.vpc_id, NULL);
	if (count < 0)
		return model_store_error(m, err);
	if (count >= m->cfg->quotas.route_tables_per_vpc)
		return vl_err_set(err, VL_ROUTE_TABLE_QUOTA_EXCEEDED, NULL);

	ids_new(out->route_table_id, sizeof(out->route_table_id), "vtb", region ? region->id_code : NULL);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->vpc_id, sizeof(out->vpc_id), vpc.vpc_id);
	model_copy(out->vrouter_id, sizeof(out->vrouter_id), vpc.vrouter_id);
	model_copy(out->type, sizeof(out->type), "Custom");
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	model_copy(out->status, sizeof(out->status), "Pending");
	model_copy(out->resource_group_id, sizeof(out->resource_group_id), vpc.resource_group_id);
	out->created_ms = m->now_ms;
	if (model_run(m, "INSERT INTO route_tables(" RT_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->route_table_id), MODEL_TEXT(out->region), MODEL_TEXT(out->vpc_id),
				 MODEL_TEXT(out->vrouter_id), MODEL_TEXT(out->type), MODEL_TEXT(out->name),
				 MODEL_TEXT(out->description), MODEL_TEXT(out->status), MODEL_TEXT(out->resource_group_id),
				 MODEL_INT(out->created_ms), MODEL_TEXT(m->account)),
		      err) < 0)
		return -1;
	/* the VPC cannot be deleted while it has custom tables */
	if (model_usage_add(m, "ref:vpc", vpc.vpc_id, 1) < 0)
		return model_store_error(m, err);
	return lifecycle_created(m, "route_table", out->route_table_id, "ROUTETABLE", &args->tags, out->status,
				 sizeof(out->status), err);
}

/* Loads a Custom table that is Available and idle; busy_code is the refusal for a busy one. */
static int get_custom_idle(struct model_ctx *m, const char *id, struct route_table *t,
			   enum vl_code busy_code, struct vl_err *err)
{
	if (route_table_get(m, id, t, err) < 0)
		return -1;
	if (strcmp(t->type, "System") == 0)
		return vl_err_set(err, VL_ROUTE_TABLE_SYSTEM, NULL);
	if (strcmp(t->status, "Available") != 0 || lifecycle_busy(m, "route_table", t->route_table_id))
		return vl_err_set(err, busy_code, NULL);
	return 0;
}

int route_table_delete(struct model_ctx *m, const char *route_table_id, struct vl_err *err)
{
	struct route_table t;
	int64_t n;

	if (get_custom_idle(m, route_table_id, &t, VL_ROUTE_TABLE_INCORRECT_STATUS, err) < 0)
		return -1;
	if ((n = vswitch_count_bound_to(m, t.route_table_id)) < 0)
		return model_store_error(m, err);
	if (n > 0)
		return vl_err_set(err, VL_ROUTE_TABLE_HAS_VSWITCHES, NULL);
	if (model_usage_get(m, USAGE_ROUTE_ENTRIES_IN_TABLE, t.route_table_id, &n) < 0)
		return model_store_error(m, err);
	if (n > 0)
		return vl_err_set(err, VL_ROUTE_TABLE_HAS_ENTRIES, NULL);
	if (model_exec2(m, "UPDATE route_tables SET status='Deleting' WHERE route_table_id=?1 AND account=?2",
			t.route_table_id, m->account, err) < 0 ||
	    tag_detach_all(m, t.route_table_id) < 0 || model_usage_add(m, "ref:vpc", t.vpc_id, -1) < 0)
		return model_store_error(m, err);
	return lifecycle_schedule(m, "route_table", t.route_table_id, "Deleting", "Deleted", -1, err);
}

int route_table_modify(struct model_ctx *m, const char *route_table_id, const char *name,
		       const char *description, struct vl_err *err)
{
	struct route_table t;

	if (route_table_get(m, route_table_id, &t, err) < 0)
		return -1;
	if (model_check_name_description(name, description, "RouteTable", "route table", err) < 0)
		return -1;
	if (strcmp(t.status, "Deleting") == 0)
		return vl_err_set(err, VL_ROUTE_TABLE_INCORRECT_STATUS, NULL);
	return model_update_name_description(m, "route_tables", "route_table_id", t.route_table_id, name, description, err);
}

int route_table_bind(struct model_ctx *m, const char *route_table_id, const char *vswitch_id,
		     bool bind, struct vl_err *err)
{
	struct route_table t;
	struct vswitch s;
	char bound[64] = "";

	if (get_custom_idle(m, route_table_id, &t, VL_ROUTE_TABLE_BIND_INCORRECT_STATUS, err) < 0)
		return -1;
	if (vswitch_get(m, vswitch_id, &s, err) < 0)
		return -1;
	if (strcmp(s.vpc_id, t.vpc_id) != 0)
		return vl_err_set(err, VL_ROUTE_TABLE_VSWITCH_NOT_IN_VPC, NULL);
	if (strcmp(s.status, "Available") != 0 || lifecycle_busy(m, "vswitch", s.vswitch_id))
		return vl_err_set(err, VL_INCORRECT_VSWITCH_STATUS, NULL);
	if (s.route_table_custom)
		model_copy(bound, sizeof(bound), s.route_table_id);
	if (bind && bound[0])
		return vl_err_set(err, VL_ROUTE_TABLE_VSWITCH_BOUND, NULL);
	if (!bind && strcmp(bound, t.route_table_id) != 0)
		return vl_err_set(err, VL_ROUTE_TABLE_VSWITCH_NOT_BOUND, NULL);
	return vswitch_bind_route_table(m, s.vswitch_id, t.route_table_id, bind, err);
}

int route_table_region(struct model_ctx *m, const char *route_table_id, char *region, unsigned long size)
{
	struct store_stmt *stmt = NULL;
	int rc = 0;

	if (store_prepare(m->store, "SELECT region FROM route_tables WHERE route_table_id=?1 AND account=?2", &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, route_table_id);
	stmt_bind_text(stmt, 2, m->account);
	if (stmt_step(stmt) == STORE_ROW) {
		model_copy(region, size, stmt_text(stmt, 0));
		rc = 1;
	}
	stmt_release(stmt);
	return rc;
}

int route_table_of_vswitch(struct store *st, const char *vswitch_id, char *route_table_id)
{
	return vswitch_route_table_of(st, vswitch_id, route_table_id);
}

int route_table_kind(struct store *st, const char *route_table_id, char *vpc_id, char *type, int64_t *created_ms)
{
	enum store_step_result r =
		model_step_once(st, "SELECT vpc_id, table_type, created_ms FROM route_tables WHERE route_table_id=?",
				MODEL_ARGS(MODEL_TEXT(route_table_id)), row_fill_columns,
				ROW_PLACES(ROW_TEXT_SIZED(vpc_id, 64), ROW_TEXT_SIZED(type, 8), ROW_INT64(*created_ms)));

	return r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1;
}

/* ---- lists ---- */

static void list_where(struct model_ctx *m, struct model_where *w, const struct route_table_filter *f)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER("vpc_id=?", struct route_table_filter, vpc_id),
		MODEL_FILTER_MEMBER("route_table_id=?", struct route_table_filter, route_table_id),
		MODEL_FILTER_MEMBER("name=?", struct route_table_filter, route_table_name),
		MODEL_FILTER_MEMBER("table_type=?", struct route_table_filter, route_table_type),
		MODEL_FILTER_MEMBER("vrouter_id=?", struct route_table_filter, router_id),
		MODEL_FILTER_MEMBER("resource_group_id=?", struct route_table_filter, resource_group_id),
	};

	model_where_region_members(w, m, "", f, filters, sizeof(filters) / sizeof(filters[0]));
	/* only vRouter tables are emulated: another router type matches nothing */
	if (f->router_type && strcmp(f->router_type, "VRouter") != 0)
		model_where_add(w, "0", 0, NULL);
	tag_where(w, "route_table_id", &f->tags);
}

/* The vSwitches a table routes: its bindings, or for the system table the unbound ones. */
static json_t *table_vswitches(struct model_ctx *m, const struct route_table *t)
{
	bool system = strcmp(t->type, "System") == 0;

	return vswitch_ids_routed_by(m, system ? t->vpc_id : NULL, t->route_table_id);
}

static json_t *table_item(struct model_ctx *m, const struct route_table *t, route_table_entries_json_fn entries_json)
{
	json_t *item = json_object(), *vsw = table_vswitches(m, t);
	char created[32];

	if (vsw == NULL) {
		json_decref(item);
		return NULL;
	}
	model_format_time(t->created_ms, created, sizeof(created));
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("RouteTableId", t->route_table_id),
			JSON_TEXT("RouteTableType", t->type), JSON_TEXT("Status", t->status),
			JSON_TEXT("CreationTime", created),
			JSON_TEXT("ResourceGroupId", t->resource_group_id)));
	json_put_wrapped(item, "VSwitchIds", "VSwitchId", vsw);
	if (entries_json == NULL) {
		json_t *tags = tag_to_json(m, t->route_table_id);

		json_put_fields(item, JSON_FIELDS(JSON_TEXT("VpcId", t->vpc_id),
				JSON_TEXT("RouterId", t->vrouter_id), JSON_TEXT("RouterType", "VRouter"),
				JSON_TEXT("RouteTableName", t->name), JSON_TEXT("Description", t->description),
				JSON_TEXT("AssociateType", "VSwitch"),
				JSON_BOOL("RoutePropagationEnable", true)));
		json_put_wrapped(item, "GatewayIds", "GatewayIds", NULL);
		json_object_set_new_nocheck(item, "Tags", tags ? tags : json_pack("{s:[]}", "Tag"));
	} else {
		json_t *list = entries_json(m, t->route_table_id);

		json_put_str(item, "VRouterId", t->vrouter_id);
		if (list == NULL) {
			json_decref(item);
			return NULL;
		}
		json_put_wrapped(item, "RouteEntrys", "RouteEntry", list);
	}
	return item;
}

static int page_item(struct model_ctx *m, void *row, void *entries_json, json_t *items, struct vl_err *err)
{
	json_t *item = table_item(m, row, *(route_table_entries_json_fn *)entries_json);

	if (item == NULL)
		return model_store_error(m, err);
	json_array_append_new(items, item);
	return 0;
}

int route_table_list(struct model_ctx *m, const struct route_table_filter *filter, route_table_entries_json_fn entries_json,
		     int64_t offset, int64_t limit, json_t *items, int64_t *total,
		     struct vl_err *err)
{
	/* the system table first, then custom tables oldest first, as the console lists them */
	static const struct model_list_query query = {
		.columns = RT_COLUMNS,
		.from = "route_tables",
		.order_by = "vpc_id, table_type DESC, created_ms, seq",
	};
	struct model_where where;

	list_where(m, &where, filter);
	/* items are built after the statement ends: building reads other tables */
	return model_list_page(m, &query, &where, offset, limit, total, sizeof(struct route_table), row_to_table,
			       page_item, &entries_json, items, err);
}

int route_table_custom_ids_in_vpc(struct model_ctx *m, const char *vpc_id, struct model_id **out, int *count,
				  struct vl_err *err)
{
	return model_collect(m, "SELECT route_table_id FROM route_tables WHERE vpc_id=? AND table_type='Custom'"
				" ORDER BY created_ms, seq",
			     vpc_id, sizeof(**out), model_fill_id, (void **)out, count, err);
}

int route_table_bound_vswitches(struct model_ctx *m, const char *route_table_id, struct model_id **out, int *count,
				struct vl_err *err)
{
	return vswitch_ids_bound_to(m, route_table_id, out, count, err);
}
