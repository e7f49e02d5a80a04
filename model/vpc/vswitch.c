#include "vswitch.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "public_ip.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "vpc.h"

const struct lifecycle_kind vswitch_lifecycle = {
	"vswitch", "UPDATE vswitches SET status=?1 WHERE vswitch_id=?2 AND status=?3"
};

/*
 * The vSwitch's route table: its binding to a custom table (route_table_vswitches, kept
 * here for route_table.c, which looks vSwitches up), else its VPC's system table.
 */
#define VSW_COLUMNS                                                                      \
	"s.vswitch_id, s.vpc_id, s.region, s.zone_id, s.name, s.description, s.cidr_block, " \
	"s.status, s.resource_group_id, s.is_default, s.created_ms, "                        \
	"COALESCE((SELECT b.route_table_id FROM route_table_vswitches b WHERE b.vswitch_id = s.vswitch_id), " \
	VPC_SYSTEM_ROUTE_TABLE_SQL("s.vpc_id") "), "                                       \
	"EXISTS (SELECT 1 FROM route_table_vswitches b WHERE b.vswitch_id = s.vswitch_id)"

static json_t *vswitch_item_json(struct model_ctx *m, const struct vswitch *s, bool has_tags,
				 int64_t used_ips);

/* The cloud reserves the first and the last three addresses of every vSwitch. */
#define VSWITCH_RESERVED_ADDRESSES 4

static void row_to_vswitch(struct store_stmt *stmt, struct vswitch *s)
{
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(s->vswitch_id), ROW_TEXT(s->vpc_id), ROW_TEXT(s->region),
			ROW_TEXT(s->zone_id), ROW_TEXT(s->name), ROW_TEXT(s->description),
			ROW_TEXT(s->cidr_block), ROW_TEXT(s->status), ROW_TEXT(s->resource_group_id),
			ROW_BOOL(s->is_default), ROW_INT64(s->created_ms), ROW_TEXT(s->route_table_id),
			ROW_BOOL(s->route_table_custom)));
}

static void row_to_vswitch_any(struct store_stmt *stmt, void *out)
{
	row_to_vswitch(stmt, out);
}

/* The address range of a CIDR as [first, last]. */
static void cidr_range(const struct cidr *c, int64_t *first, int64_t *last)
{
	*first = c->addr;
	*last = (int64_t)c->addr + (int64_t)cidr_size(c) - 1;
}

/*
 * CIDR rules: syntax, mask 16-29, inside the VPC, no overlap with a sibling.  Siblings never
 * overlap each other, so the only candidate is the one starting last at or before our last
 * address: one index lookup however many siblings exist.
 */
static int check_vswitch_cidr(struct model_ctx *m, const struct vpc *vpc, const char *text,
			      struct cidr *out, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	struct cidr vpc_cidr;
	int64_t first, last;
	enum store_step_result r;
	int rc = 0;

	if (!cidr_parse(text, out))
		return vl_err_set(err, VL_INVALID_CIDR_BLOCK_MALFORMED, NULL);
	if (out->prefix_len < 16 || out->prefix_len > 29)
		return vl_err_set(err, VL_INVALID_CIDR_BLOCK_MASK_LENGTH, NULL);
	if (!cidr_parse(vpc->cidr_block, &vpc_cidr) || !cidr_contains(&vpc_cidr, out))
		return vl_err_set(err, VL_INVALID_CIDR_NOT_IN_VPC, NULL);
	cidr_range(out, &first, &last);
	if (store_prepare(m->store,
			  "SELECT cidr_last FROM vswitches WHERE vpc_id=? AND cidr_first<=?"
			  " ORDER BY cidr_first DESC LIMIT 1",
			  &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, vpc->vpc_id);
	stmt_bind_int64(stmt, 2, last);
	r = stmt_step(stmt);
	if (r == STORE_ROW && stmt_int64(stmt, 0) >= first)
		rc = vl_err_set(err, VL_INVALID_CIDR_BLOCK_OVERLAPPED, NULL);
	else if (r == STORE_FAILED)
		rc = model_store_error(m, err);
	stmt_release(stmt);
	return rc;
}

int vswitch_create(struct model_ctx *m, const struct vswitch_create_args *args,
		   struct vswitch *out, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	struct vpc vpc;
	struct cidr cidr;
	int64_t count = 0, first, last;

	memset(out, 0, sizeof(*out));
	if (vpc_get(m, args->vpc_id, &vpc, err) < 0)
		return -1;
	if (catalog_zone(region, args->zone_id) == NULL)
		return vl_err_set(err, VL_INVALID_ZONE_ID_NOT_FOUND, NULL);
	if (args->name && !model_valid_name(args->name))
		return vl_err_set(err, VL_INVALID_VSWITCH_NAME_MALFORMED, NULL);
	if (args->description && !model_valid_description(args->description))
		return vl_err_set(err, VL_INVALID_VSWITCH_DESCRIPTION_MALFORMED, NULL);
	if (tag_validate(&args->tags, err) < 0)
		return -1;
	if (lifecycle_busy(m, "vpc", vpc.vpc_id))
		return vl_err_set(err, VL_INCORRECT_VPC_STATUS, NULL);
	if (check_vswitch_cidr(m, &vpc, args->cidr_block, &cidr, err) < 0)
		return -1;
	if (model_usage_get(m, "vswitch", vpc.vpc_id, &count) < 0)
		return model_store_error(m, err);
	if (count >= m->cfg->quotas.vswitches_per_vpc)
		return vl_err_set(err, VL_QUOTA_EXCEEDED_VSWITCH, NULL);

	ids_new(out->vswitch_id, sizeof(out->vswitch_id), "vsw", region ? region->id_code : NULL);
	model_copy(out->vpc_id, sizeof(out->vpc_id), vpc.vpc_id);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->zone_id, sizeof(out->zone_id), args->zone_id);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	cidr_format(&cidr, out->cidr_block, sizeof(out->cidr_block));
	model_copy(out->status, sizeof(out->status), "Pending");
	model_copy(out->resource_group_id, sizeof(out->resource_group_id), vpc.resource_group_id);
	model_copy(out->route_table_id, sizeof(out->route_table_id), vpc.route_table_id);
	out->created_ms = m->now_ms;

	cidr_range(&cidr, &first, &last);
	if (model_run(m,
		      "INSERT INTO vswitches(vswitch_id, vpc_id, account, region, zone_id, name,"
		      " description, cidr_block, status, resource_group_id, created_ms, cidr_first,"
		      " cidr_last) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->vswitch_id), MODEL_TEXT(out->vpc_id), MODEL_TEXT(m->account),
				 MODEL_TEXT(out->region), MODEL_TEXT(out->zone_id), MODEL_TEXT(out->name),
				 MODEL_TEXT(out->description), MODEL_TEXT(out->cidr_block), MODEL_TEXT(out->status),
				 MODEL_TEXT(out->resource_group_id), MODEL_INT(out->created_ms), MODEL_INT(first),
				 MODEL_INT(last)),
		      err) < 0)
		return -1;
	if (model_usage_add(m, "vswitch", vpc.vpc_id, 1) < 0)
		return model_store_error(m, err);
	return lifecycle_created(m, "vswitch", out->vswitch_id, "VSWITCH", &args->tags, out->status,
				 sizeof(out->status), err);
}

int vswitch_find(struct model_ctx *m, const char *vswitch_id, struct vswitch *out, struct vl_err *err)
{
	return model_find_row(m, "SELECT " VSW_COLUMNS " FROM vswitches s WHERE s.vswitch_id=? AND s.account=? AND s.region=?",
			      vswitch_id, row_to_vswitch_any, out, err);
}

int vswitch_get(struct model_ctx *m, const char *vswitch_id, struct vswitch *out,
		struct vl_err *err)
{
	int found = vswitch_find(m, vswitch_id, out, err);

	return found > 0 ? 0 : found == 0 ? vl_err_set(err, VL_INVALID_VSWITCH_ID_NOT_FOUND, NULL) : -1;
}

static void list_where(struct model_ctx *m, struct model_where *w, const struct vswitch_filter *f)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER("s.vpc_id=?", struct vswitch_filter, vpc_id),
		MODEL_FILTER_MEMBER("s.vswitch_id=?", struct vswitch_filter, vswitch_id),
		MODEL_FILTER_MEMBER("s.zone_id=?", struct vswitch_filter, zone_id),
		MODEL_FILTER_MEMBER("s.name=?", struct vswitch_filter, name),
		MODEL_FILTER_MEMBER("s.resource_group_id=?", struct vswitch_filter, resource_group_id),
	};

	model_where_region_members(w, m, "s.", f, filters, sizeof(filters) / sizeof(filters[0]));
	if (f->is_default >= 0)
		model_where_int(w, "s.is_default=?", f->is_default);
	tag_where(w, "s.vswitch_id", &f->tags);
}

static json_t *list_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct vswitch s;

	(void)arg;
	row_to_vswitch(stmt, &s);
	return vswitch_item_json(m, &s, stmt_int64(stmt, 13) != 0, stmt_int64(stmt, 14));
}

int vswitch_list(struct model_ctx *m, const struct vswitch_filter *f, int64_t offset,
		 int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = VSW_COLUMNS ", " TAG_ANY_SQL("s.vswitch_id") ","
			   " " PUBLIC_IP_VSWITCH_COUNT_SQL("s.vswitch_id"),
		.from = "vswitches s",
		.order_by = "s.created_ms DESC, s.seq DESC",
	};
	struct model_where where;

	list_where(m, &where, f);
	return model_list(m, &query, &where, offset, limit, total, list_item, NULL, items, err);
}
/* Addresses that resources (VPN gateway interfaces, …) hold in the vSwitch (0 on a store failure). */
static int64_t addresses_in_use(struct model_ctx *m, const char *vswitch_id)
{
	int64_t used = public_ip_vswitch_count(m, vswitch_id);

	return used < 0 ? 0 : used;
}

json_t *vswitch_to_json(struct model_ctx *m, const struct vswitch *s)
{
	return vswitch_item_json(m, s, true, -1);
}

/*
 * The item; has_tags false skips the tag query and used_ips >= 0 the address count (list
 * queries fetch both with the row, sparing two statements per item).
 */
static json_t *vswitch_item_json(struct model_ctx *m, const struct vswitch *s, bool has_tags,
				 int64_t used_ips)
{
	char created[32];
	struct cidr cidr;
	json_t *tags = has_tags ? tag_to_json(m, s->vswitch_id) : json_pack("{s:[]}", "Tag");
	json_t *item, *route_table;
	int64_t available = 0;

	if (tags == NULL)
		return NULL;
	if (cidr_parse(s->cidr_block, &cidr))
		available = (int64_t)cidr_size(&cidr) - VSWITCH_RESERVED_ADDRESSES -
			    (used_ips >= 0 ? used_ips : addresses_in_use(m, s->vswitch_id));
	model_format_time(s->created_ms, created, sizeof(created));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("VSwitchId", s->vswitch_id), JSON_TEXT("VpcId", s->vpc_id),
			JSON_TEXT("Status", s->status), JSON_TEXT("CidrBlock", s->cidr_block),
			JSON_TEXT("ZoneId", s->zone_id), JSON_TEXT("VSwitchName", s->name),
			JSON_TEXT("Description", s->description),
			JSON_INT("AvailableIpAddressCount", available), JSON_TEXT("CreationTime", created),
			JSON_TEXT("Ipv6CidrBlock", ""), JSON_BOOL("IsDefault", s->is_default),
			JSON_BOOL("EnabledIpv6", false), JSON_INT("OwnerId", model_owner_id(m->account)),
			JSON_TEXT("ResourceGroupId", s->resource_group_id), JSON_TEXT("NetworkAclId", ""),
			JSON_TEXT("ShareType", "")));
	route_table = json_object();
	json_put_str(route_table, "RouteTableId", s->route_table_id);
	json_put_str(route_table, "RouteTableType", s->route_table_custom ? "Custom" : "System");
	json_object_set_new_nocheck(item, "RouteTable", route_table);
	json_object_set_new_nocheck(item, "Tags", tags);
	return item;
}

int vswitch_modify(struct model_ctx *m, const struct vswitch_modify_args *args, struct vl_err *err)
{
	struct vswitch s;
	int found = vswitch_find(m, args->vswitch_id, &s, err);

	if (found < 0)
		return -1;
	if (found == 0)
		return vl_err_set(err, VL_INVALID_VSWITCH_ID_NOT_FOUND, "The specified virtual switch does not exists.");
	if (args->name && !model_valid_name(args->name))
		return vl_err_set(err, VL_INVALID_VSWITCH_NAME_MALFORMED, NULL);
	if (args->description && !model_valid_description(args->description))
		return vl_err_set(err, VL_INVALID_VSWITCH_DESCRIPTION_MALFORMED, NULL);
	if (lifecycle_busy(m, "vswitch", s.vswitch_id))
		return vl_err_set(err, VL_INCORRECT_VSWITCH_STATUS, NULL);
	return model_update_name_description(m, "vswitches", "vswitch_id", s.vswitch_id, args->name, args->description,
					     err);
}

int vswitch_delete(struct model_ctx *m, const char *vswitch_id, struct vl_err *err)
{
	struct vswitch s;
	int64_t users = 0;

	if (vswitch_get(m, vswitch_id, &s, err) < 0)
		return -1;
	if (lifecycle_busy(m, "vswitch", s.vswitch_id))
		return vl_err_set(err, VL_INCORRECT_VSWITCH_STATUS, NULL);
	if (model_usage_get(m, "ref:vswitch", s.vswitch_id, &users) < 0)
		return model_store_error(m, err);
	if (users > 0)
		return vl_err_set(err, VL_DEPENDENCY_VIOLATION, NULL);
	if (tag_detach_all(m, s.vswitch_id) < 0 || lifecycle_cancel(m, "vswitch", s.vswitch_id) < 0 ||
	    model_usage_add(m, "vswitch", s.vpc_id, -1) < 0)
		return model_store_error(m, err);
	return model_exec2(m, "DELETE FROM vswitches WHERE vswitch_id=?", s.vswitch_id, NULL, err);
}

int vswitch_region(struct model_ctx *m, const char *vswitch_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM vswitches WHERE vswitch_id=?1 AND account=?2", vswitch_id, region, size);
}

static void fill_placement(struct store_stmt *stmt, void *row)
{
	struct vswitch_placement *p = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(p->vswitch_id), ROW_TEXT(p->cidr_block),
			ROW_TEXT(p->zone_id)));
}

int vswitch_list_in_vpc(struct model_ctx *m, const char *vpc_id, struct vswitch_placement **out, int *count,
			struct vl_err *err)
{
	return model_collect(m, "SELECT vswitch_id, cidr_block, zone_id FROM vswitches WHERE vpc_id=?"
				" ORDER BY created_ms, seq",
			     vpc_id, sizeof(**out), fill_placement, (void **)out, count, err);
}

int vswitch_zone(struct model_ctx *m, const char *vswitch_id, char *zone, size_t size, struct vl_err *err)
{
	struct vswitch_placement *p = NULL;
	int n = 0;

	zone[0] = '\0';
	if (model_collect(m, "SELECT vswitch_id, cidr_block, zone_id FROM vswitches WHERE vswitch_id=?", vswitch_id,
			  sizeof(*p), fill_placement, (void **)&p, &n, err) < 0)
		return -1;
	if (n > 0)
		snprintf(zone, size, "%s", p[0].zone_id);
	free(p);
	return 0;
}

/* ---- route table bindings (route_table.c decides; the rows live here) ---- */

int64_t vswitch_count_bound_to(struct model_ctx *m, const char *route_table_id)
{
	return model_count(m, "SELECT COUNT(*) FROM route_table_vswitches WHERE route_table_id=?", route_table_id, NULL);
}

int vswitch_bind_route_table(struct model_ctx *m, const char *vswitch_id, const char *route_table_id, bool bind,
			     struct vl_err *err)
{
	if (bind) {
		if (model_run(m, "INSERT INTO route_table_vswitches(vswitch_id, route_table_id, created_ms) VALUES (?,?,?)",
			      MODEL_ARGS(MODEL_TEXT(vswitch_id), MODEL_TEXT(route_table_id), MODEL_INT(m->now_ms)),
			      err) < 0)
			return -1;
	} else if (model_exec2(m, "DELETE FROM route_table_vswitches WHERE vswitch_id=?1 AND route_table_id=?2",
			       vswitch_id, route_table_id, err) < 0) {
		return -1;
	}
	/* the cloud shows the vSwitch Pending while its binding changes */
	if (model_exec2(m, "UPDATE vswitches SET status='Pending' WHERE vswitch_id=?1 AND account=?2", vswitch_id,
			m->account, err) < 0)
		return -1;
	return lifecycle_schedule(m, "vswitch", vswitch_id, "Pending", "Available", -1, err);
}

int vswitch_route_table_of(struct store *st, const char *vswitch_id, char *route_table_id)
{
	struct store_stmt *stmt = NULL;
	int rc = -1;

	if (store_prepare(st, "SELECT COALESCE((SELECT route_table_id FROM route_table_vswitches WHERE vswitch_id=?1),"
			      " (SELECT " VPC_SYSTEM_ROUTE_TABLE_SQL("s.vpc_id") " FROM vswitches s WHERE s.vswitch_id=?1))",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, vswitch_id);
	if (stmt_step(stmt) == STORE_ROW) {
		model_copy(route_table_id, 64, stmt_text(stmt, 0));
		rc = 0;
	}
	stmt_release(stmt);
	return rc;
}

json_t *vswitch_ids_routed_by(struct model_ctx *m, const char *system_of_vpc, const char *route_table_id)
{
	struct store_stmt *stmt = NULL;
	json_t *ids = json_array();
	const char *sql = system_of_vpc ? "SELECT s.vswitch_id FROM vswitches s WHERE s.vpc_id=?1 AND NOT EXISTS"
					  " (SELECT 1 FROM route_table_vswitches b WHERE b.vswitch_id=s.vswitch_id)"
					  " ORDER BY s.created_ms, s.seq"
					: "SELECT vswitch_id FROM route_table_vswitches WHERE route_table_id=?1"
					  " ORDER BY created_ms, seq";

	if (store_prepare(m->store, sql, &stmt) < 0) {
		json_decref(ids);
		return NULL;
	}
	stmt_bind_text(stmt, 1, system_of_vpc ? system_of_vpc : route_table_id);
	while (stmt_step(stmt) == STORE_ROW)
		json_array_append_new(ids, json_string(stmt_text(stmt, 0)));
	stmt_release(stmt);
	return ids;
}

int vswitch_ids_bound_to(struct model_ctx *m, const char *route_table_id, struct model_id **out, int *count,
			 struct vl_err *err)
{
	return model_collect(m, "SELECT vswitch_id FROM route_table_vswitches WHERE route_table_id=?"
				" ORDER BY vswitch_id",
			     route_table_id, sizeof(**out), model_fill_id, (void **)out, count, err);
}

int vswitch_for_each_in_vpc(struct store *st, const char *vpc_id,
			    int (*fn)(void *arg, const char *cidr_block, int64_t created_ms), void *arg)
{
	struct store_stmt *stmt = NULL;
	int rc = 0;

	if (store_prepare(st, "SELECT cidr_block, created_ms FROM vswitches WHERE vpc_id=? ORDER BY created_ms, seq",
			  &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, vpc_id);
	while (rc == 0 && stmt_step(stmt) == STORE_ROW)
		rc = fn(arg, stmt_text(stmt, 0), stmt_int64(stmt, 1));
	stmt_release(stmt);
	return rc;
}
