#include "vpc.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"

const struct lifecycle_kind vpc_lifecycle = {
	"vpc", "UPDATE vpcs SET status=?1 WHERE vpc_id=?2 AND status=?3"
};

#define VPC_COLUMNS                                                                       \
	"vpc_id, region, name, description, cidr_block, status, vrouter_id, route_table_id, " \
	"resource_group_id, is_default, created_ms"

static json_t *vpc_item_json(struct model_ctx *m, const struct vpc *v, bool has_tags,
			     bool has_vswitches);

/* Ranges the cloud refuses for a VPC (CreateVpc CidrBlock doc). */
static const char *const reserved_ranges[] = {
	"0.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3",
};

static void row_to_vpc(struct store_stmt *stmt, struct vpc *v)
{
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(v->vpc_id), ROW_TEXT(v->region), ROW_TEXT(v->name),
			ROW_TEXT(v->description), ROW_TEXT(v->cidr_block), ROW_TEXT(v->status),
			ROW_TEXT(v->vrouter_id), ROW_TEXT(v->route_table_id), ROW_TEXT(v->resource_group_id),
			ROW_BOOL(v->is_default), ROW_INT64(v->created_ms)));
}

static void row_to_vpc_any(struct store_stmt *stmt, void *out)
{
	row_to_vpc(stmt, out);
}

/* Validates a VPC CIDR block: syntax, mask 8-28, outside the reserved ranges. */
static int check_vpc_cidr(const char *text, struct cidr *out, struct vl_err *err)
{
	if (!cidr_parse(text, out))
		return vl_err_set(err, VL_INVALID_CIDR_BLOCK_MALFORMED, NULL);
	if (out->prefix_len < 8 || out->prefix_len > 28)
		return vl_err_set(err, VL_ILLEGAL_PARAM_CIDR_BLOCK_MASK,
				  "The param of CidrBlock Mask [%d] is illegal.", out->prefix_len);
	for (size_t i = 0; i < sizeof(reserved_ranges) / sizeof(reserved_ranges[0]); i++) {
		struct cidr reserved;

		cidr_parse(reserved_ranges[i], &reserved);
		if (cidr_overlaps(out, &reserved))
			return vl_err_set(err, VL_INVALID_PARAMETER, "Specified CIDR block is not valid");
	}
	return 0;
}

int vpc_create(struct model_ctx *m, const struct vpc_create_args *args, struct vpc *out,
	       struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	const char *code = region ? region->id_code : NULL;
	struct cidr cidr;
	int64_t count = 0;

	memset(out, 0, sizeof(*out));
	if (args->name && !model_valid_name(args->name))
		return vl_err_set(err, VL_INVALID_VPC_NAME_MALFORMED, NULL);
	if (args->description && !model_valid_description(args->description))
		return vl_err_set(err, VL_INVALID_VPC_DESCRIPTION_MALFORMED, NULL);
	if (check_vpc_cidr(args->cidr_block ? args->cidr_block : "172.16.0.0/12", &cidr, err) < 0)
		return -1;
	if (tag_validate(&args->tags, err) < 0)
		return -1;
	if (model_check_resource_group(m, args->resource_group_id, out->resource_group_id,
				 sizeof(out->resource_group_id), err) < 0)
		return -1;
	if (model_usage_get(m, "vpc", m->region, &count) < 0)
		return model_store_error(m, err);
	if (count >= m->cfg->quotas.vpcs_per_region)
		return vl_err_set(err, VL_QUOTA_EXCEEDED_VPC, NULL);

	ids_new(out->vpc_id, sizeof(out->vpc_id), "vpc", code);
	ids_new(out->vrouter_id, sizeof(out->vrouter_id), "vrt", code);
	ids_new(out->route_table_id, sizeof(out->route_table_id), "vtb", code);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	cidr_format(&cidr, out->cidr_block, sizeof(out->cidr_block));
	model_copy(out->status, sizeof(out->status), "Pending");
	out->created_ms = m->now_ms;

	if (model_run(m, "INSERT INTO vpcs(" VPC_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->vpc_id), MODEL_TEXT(out->region), MODEL_TEXT(out->name),
				 MODEL_TEXT(out->description), MODEL_TEXT(out->cidr_block), MODEL_TEXT(out->status),
				 MODEL_TEXT(out->vrouter_id), MODEL_TEXT(out->route_table_id),
				 MODEL_TEXT(out->resource_group_id), MODEL_INT(0), MODEL_INT(out->created_ms),
				 MODEL_TEXT(m->account)),
		      err) < 0)
		return -1;
	if (model_usage_add(m, "vpc", m->region, 1) < 0)
		return model_store_error(m, err);
	return lifecycle_created(m, "vpc", out->vpc_id, "VPC", &args->tags, out->status, sizeof(out->status), err);
}

int vpc_get(struct model_ctx *m, const char *vpc_id, struct vpc *out, struct vl_err *err)
{
	return model_get_row(m, "SELECT " VPC_COLUMNS " FROM vpcs WHERE vpc_id=? AND account=? AND region=?", vpc_id, row_to_vpc_any, out, VL_INVALID_VPC_ID_NOT_FOUND, err);
}

/* Builds the WHERE clause shared by the count and the page query. */
static void list_where(struct model_ctx *m, struct model_where *w, const struct vpc_filter *f,
		       char ids[][64], int id_count)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER("name=?", struct vpc_filter, name),
		MODEL_FILTER_MEMBER("resource_group_id=?", struct vpc_filter, resource_group_id),
	};
	const char *id_values[20];

	for (int i = 0; i < id_count; i++)
		id_values[i] = ids[i];
	model_where_region_members(w, m, "", f, filters, sizeof(filters) / sizeof(filters[0]));
	model_where_in(w, "vpc_id", id_count, id_values);
	if (f->is_default >= 0)
		model_where_int(w, "is_default=?", f->is_default);
	tag_where(w, "vpc_id", &f->tags);
}

/* Splits "a,b,c" into at most max IDs.  Returns the count, -1 when there are more. */
static int split_ids(const char *list, char ids[][64], int max)
{
	int n = 0;
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (n == max)
				return -1;
			snprintf(ids[n], 64, "%.*s", (int)(len < 63 ? len : 63), p);
			n++;
		}
		p = end ? end + 1 : NULL;
	}
	return n;
}

static json_t *list_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct vpc v;

	(void)arg;
	row_to_vpc(stmt, &v);
	return vpc_item_json(m, &v, stmt_int64(stmt, 11) != 0, stmt_int64(stmt, 12) != 0);
}

int vpc_list(struct model_ctx *m, const struct vpc_filter *f, int64_t offset,
	     int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = VPC_COLUMNS ", " TAG_ANY_SQL("vpcs.vpc_id") ","
			   " EXISTS (SELECT 1 FROM vswitches WHERE vswitches.vpc_id = vpcs.vpc_id)",
		.from = "vpcs",
		.order_by = "created_ms DESC, seq DESC",
	};
	char ids[20][64];
	struct model_where where;
	int id_count = 0;

	if (f->vpc_ids && (id_count = split_ids(f->vpc_ids, ids, 20)) < 0)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidVpcId",
				       "Specified parameter VpcId is not valid.");
	list_where(m, &where, f, ids, id_count);
	return model_list(m, &query, &where, offset, limit, total, list_item, NULL, items, err);
}
static json_t *vswitch_ids_json(struct model_ctx *m, const char *vpc_id)
{
	struct store_stmt *stmt = NULL;
	json_t *list = json_array();

	if (store_prepare(m->store, "SELECT vswitch_id FROM vswitches WHERE vpc_id=? ORDER BY seq",
			  &stmt) < 0) {
		json_decref(list);
		return NULL;
	}
	stmt_bind_text(stmt, 1, vpc_id);
	while (stmt_step(stmt) == STORE_ROW)
		json_array_append_new(list, json_string_nocheck(stmt_text(stmt, 0)));
	stmt_release(stmt);
	{
		json_t *wrapper = json_object();

		json_object_set_new_nocheck(wrapper, "VSwitchId", list);
		return wrapper;
	}
}

json_t *vpc_to_json(struct model_ctx *m, const struct vpc *v)
{
	return vpc_item_json(m, v, true, true);
}

json_t *vpc_attribute_json(struct model_ctx *m, const struct vpc *v)
{
	json_t *o = vpc_item_json(m, v, true, true), *counts, *vswitch_count;

	if (o == NULL)
		return NULL;
	/* list-only members; DescribeVpcAttribute has the ones below instead */
	json_object_del(o, "RouterTableIds");
	json_object_del(o, "NatGatewayIds");
	json_object_del(o, "NetworkAclNum");
	json_object_del(o, "CenStatus");
	json_put_bool(o, "ClassicLinkEnabled", false);
	json_put_bool(o, "SupportIpv4Gateway", false);
	json_put_str(o, "Ipv4GatewayId", "");
	json_put_wrapped(o, "AssociatedPropagationSources", "AssociatedPropagationSources", NULL);
	/* the resources in the VPC that this emulator holds: its vSwitches */
	vswitch_count = json_object();
	json_put_str(vswitch_count, "ResourceType", "VSwitch");
	json_put_int(vswitch_count, "ResourceCount",
		     (int64_t)json_array_size(json_object_get(json_object_get(o, "VSwitchIds"), "VSwitchId")));
	counts = json_array();
	json_array_append_new(counts, vswitch_count);
	json_put_wrapped(o, "CloudResources", "CloudResourceSetType", counts);
	return o;
}

/*
 * The item, querying tags and vSwitch IDs only when the row says there are any: most
 * list items have neither, and each skipped query is a statement less per item.
 */
static json_t *vpc_item_json(struct model_ctx *m, const struct vpc *v, bool has_tags,
			     bool has_vswitches)
{
	char created[32];
	json_t *tags = has_tags ? tag_to_json(m, v->vpc_id) : json_pack("{s:[]}", "Tag");
	json_t *vswitches = has_vswitches ? vswitch_ids_json(m, v->vpc_id)
					  : json_pack("{s:[]}", "VSwitchId");
	json_t *item, *route_tables;

	if (tags == NULL || vswitches == NULL) {
		json_decref(tags);
		json_decref(vswitches);
		return NULL;
	}
	model_format_time(v->created_ms, created, sizeof(created));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("VpcId", v->vpc_id), JSON_TEXT("RegionId", v->region),
			JSON_TEXT("Status", v->status), JSON_TEXT("VpcName", v->name),
			JSON_TEXT("Description", v->description), JSON_TEXT("CreationTime", created),
			JSON_TEXT("CidrBlock", v->cidr_block), JSON_TEXT("Ipv6CidrBlock", ""),
			JSON_TEXT("VRouterId", v->vrouter_id), JSON_BOOL("IsDefault", v->is_default),
			JSON_INT("OwnerId", model_owner_id(m->account)),
			JSON_TEXT("ResourceGroupId", v->resource_group_id), JSON_TEXT("NetworkAclNum", "0"),
			JSON_BOOL("EnabledIpv6", false)));
	json_object_set_new_nocheck(item, "VSwitchIds", vswitches);
	route_tables = json_array();
	json_array_append_new(route_tables, json_string_nocheck(v->route_table_id));
	/* the inner key repeats the outer one here, unlike VSwitchIds (cloud's shape) */
	json_put_wrapped(item, "RouterTableIds", "RouterTableIds", route_tables);
	json_put_wrapped(item, "NatGatewayIds", "NatGatewayIds", NULL);
	json_put_wrapped(item, "UserCidrs", "UserCidr", NULL);
	json_put_wrapped(item, "SecondaryCidrBlocks", "SecondaryCidrBlock", NULL);
	json_put_wrapped(item, "Ipv6CidrBlocks", "Ipv6CidrBlock", NULL);
	json_object_set_new_nocheck(item, "Tags", tags);
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("DhcpOptionsSetId", ""),
			JSON_TEXT("DhcpOptionsSetStatus", ""), JSON_TEXT("DnsHostnameStatus", "DISABLED"),
			JSON_TEXT("CenStatus", "")));
	return item;
}

/* A new primary CIDR must still hold every vSwitch of the VPC. */
static int check_cidr_holds_vswitches(struct model_ctx *m, const char *vpc_id,
				      const struct cidr *cidr, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	int rc = 0;

	if (store_prepare(m->store, "SELECT cidr_block FROM vswitches WHERE vpc_id=?", &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, vpc_id);
	while (rc == 0 && stmt_step(stmt) == STORE_ROW) {
		struct cidr vsw;

		if (cidr_parse(stmt_text(stmt, 0), &vsw) && !cidr_contains(cidr, &vsw))
			rc = vl_err_set(err, VL_INVALID_CIDR_BLOCK_MALFORMED,
					"Specified CIDR block does not contain vSwitch CIDR block %s.",
					stmt_text(stmt, 0));
	}
	stmt_release(stmt);
	return rc;
}

int vpc_modify(struct model_ctx *m, const struct vpc_modify_args *args, struct vl_err *err)
{
	struct vpc v;
	struct cidr cidr;
	char text[20];

	if (vpc_get(m, args->vpc_id, &v, err) < 0)
		return -1;
	if (args->name && !model_valid_name(args->name))
		return vl_err_set(err, VL_INVALID_VPC_NAME_MALFORMED, NULL);
	if (args->description && !model_valid_description(args->description))
		return vl_err_set(err, VL_INVALID_VPC_DESCRIPTION_MALFORMED, NULL);
	if (lifecycle_busy(m, "vpc", v.vpc_id))
		return vl_err_set(err, VL_INCORRECT_VPC_STATUS, NULL);
	if (args->cidr_block) {
		if (check_vpc_cidr(args->cidr_block, &cidr, err) < 0 ||
		    check_cidr_holds_vswitches(m, v.vpc_id, &cidr, err) < 0)
			return -1;
		cidr_format(&cidr, text, sizeof(text));
		if (model_exec2(m, "UPDATE vpcs SET cidr_block=? WHERE vpc_id=?", text, v.vpc_id, err) < 0)
			return -1;
	}
	return model_update_name_description(m, "vpcs", "vpc_id", v.vpc_id, args->name, args->description, err);
}

int vpc_delete(struct model_ctx *m, const char *vpc_id, struct vl_err *err)
{
	struct vpc v;
	int64_t count = 0;

	if (vpc_get(m, vpc_id, &v, err) < 0)
		return -1;
	if (lifecycle_busy(m, "vpc", v.vpc_id))
		return vl_err_set(err, VL_INCORRECT_VPC_STATUS, NULL);
	if ((count = model_count(m, "SELECT COUNT(*) FROM (SELECT 1 FROM vswitches WHERE vpc_id=? LIMIT 1)",
				 v.vpc_id, NULL)) < 0)
		return model_store_error(m, err);
	if (count > 0)
		return vl_err_set(err, VL_DEPENDENCY_VIOLATION_VSWITCH, NULL);
	/* attached to a transit router (ref:vpc is kept by the attachments) */
	if (model_usage_get(m, "ref:vpc", v.vpc_id, &count) < 0)
		return model_store_error(m, err);
	if (count > 0)
		return vl_err_set(err, VL_DEPENDENCY_VIOLATION, NULL);
	/* its system route table's tags (ROUTETABLE) go with it too */
	if (tag_detach_all(m, v.vpc_id) < 0 || tag_detach_all(m, v.route_table_id) < 0 ||
	    lifecycle_cancel(m, "vpc", v.vpc_id) < 0 ||
	    model_usage_add(m, "vpc", m->region, -1) < 0)
		return model_store_error(m, err);
	return model_exec2(m, "DELETE FROM vpcs WHERE vpc_id=?", v.vpc_id, NULL, err);
}

int vpc_region(struct model_ctx *m, const char *vpc_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM vpcs WHERE vpc_id=?1 AND account=?2", vpc_id, region, size);
}

int vpc_system_route_table(struct model_ctx *m, const char *vpc_id, char *table_id, struct vl_err *err)
{
	struct model_id *ids = NULL;
	int n = 0;

	table_id[0] = '\0';
	if (model_collect(m, "SELECT route_table_id FROM vpcs WHERE vpc_id=?", vpc_id, sizeof(*ids), model_fill_id,
			  (void **)&ids, &n, err) < 0)
		return -1;
	if (n > 0)
		model_copy(table_id, 64, ids[0].id);
	free(ids);
	return 0;
}
