/* Thin handlers for the VPC route table and route entry actions: parameters in, model call, answer out. */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "route_entry.h"
#include "route_table.h"
#include "vpc.h"

#define BATCH_MAX 50 /* RouteEntries.N of CreateRouteEntries / DeleteRouteEntries */

static int h_create_route_table(struct action_ctx *ctx)
{
	struct route_table_create_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.name = param_str(ctx, "RouteTableName"),
		.description = param_str(ctx, "Description"),
		.associate_type = param_str(ctx, "AssociateType"),
		.tags = ctx->tags,
	};
	struct route_table t;

	if (route_table_create(ctx->model, &args, &t, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "RouteTableId", t.route_table_id);
	return 0;
}

static int h_delete_route_table(struct action_ctx *ctx)
{
	return route_table_delete(ctx->model, param_str(ctx, "RouteTableId"), ctx->err);
}

static int h_modify_route_table_attributes(struct action_ctx *ctx)
{
	/* gateway route propagation is always on here (no gateway route tables to opt out of) */
	if (param_tristate(ctx, "RoutePropagationEnable") == 0)
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidParameter.RoutePropagationEnable",
				       "RoutePropagationEnable false is not supported: gateway route tables are not emulated.");
	return route_table_modify(ctx->model, param_str(ctx, "RouteTableId"), param_str(ctx, "RouteTableName"),
				  param_str(ctx, "Description"), ctx->err);
}

static int h_associate_route_table(struct action_ctx *ctx)
{
	return route_table_bind(ctx->model, param_str(ctx, "RouteTableId"), param_str(ctx, "VSwitchId"), true,
				ctx->err);
}

static int h_unassociate_route_table(struct action_ctx *ctx)
{
	return route_table_bind(ctx->model, param_str(ctx, "RouteTableId"), param_str(ctx, "VSwitchId"), false,
				ctx->err);
}

static int list_tables(struct action_ctx *ctx, bool detailed)
{
	struct route_table_filter f = {
		.vpc_id = param_str(ctx, "VpcId"),
		.route_table_id = param_str(ctx, "RouteTableId"),
		.route_table_name = param_str(ctx, "RouteTableName"),
		.route_table_type = param_str(ctx, detailed ? "Type" : "RouteTableType"),
		.router_id = param_str(ctx, "RouterId"),
		.router_type = param_str(ctx, "RouterType"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;

	/* DescribeRouteTables also names the vRouter VRouterId */
	if (detailed && param_str(ctx, "VRouterId")) {
		if (f.router_id && strcmp(f.router_id, param_str(ctx, "VRouterId")) != 0)
			f.route_table_id = ""; /* two different routers: nothing matches */
		f.router_id = param_str(ctx, "VRouterId");
	}
	if (route_table_list(ctx->model, &f, detailed ? route_entry_table_json : NULL, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	if (detailed)
		h_set_page(ctx, "RouteTables", "RouteTable", items, total);
	else
		h_set_page(ctx, "RouterTableList", "RouterTableListType", items, total);
	return 0;
}

static int h_describe_route_table_list(struct action_ctx *ctx)
{
	return list_tables(ctx, false);
}

static int h_describe_route_tables(struct action_ctx *ctx)
{
	return list_tables(ctx, true);
}

static int h_create_route_entry(struct action_ctx *ctx)
{
	struct route_entry_create_args args = {
		.route_table_id = param_str(ctx, "RouteTableId"),
		.destination = param_str(ctx, "DestinationCidrBlock"),
		.next_hop_type = param_str(ctx, "NextHopType"),
		.next_hop_id = param_str(ctx, "NextHopId"),
		.name = param_str(ctx, "RouteEntryName"),
		.description = param_str(ctx, "Description"),
	};
	struct route_entry e;

	if (param_str(ctx, "NextHopList.1.NextHopId") || param_str(ctx, "NextHopList.1.NextHopType"))
		return vl_err_set(ctx->err, VL_ROUTE_ENTRY_NEXT_HOP_TYPE, NULL); /* ECMP lists are RouterInterface only */
	if (args.destination == NULL)
		return vl_err_set_code(ctx->err, VL_MISSING_PARAMETER, "MissingDestinationCidrBlock",
				       "DestinationCidrBlock is mandatory for this action.");
	if (route_entry_create(ctx->model, &args, &e, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "RouteEntryId", e.route_entry_id);
	return 0;
}

/* RouteEntries.N.<field> of a batch action; NULL when absent. */
static const char *item_param(const struct action_ctx *ctx, int n, const char *field)
{
	char name[64];

	snprintf(name, sizeof(name), "RouteEntries.%d.%s", n, field);
	return param_str(ctx, name);
}

static bool item_present(const struct action_ctx *ctx, int n)
{
	static const char *const fields[] = { "RouteTableId", "DstCidrBlock", "NextHop", "NextHopType", "RouteEntryId",
					      "Name", "Description", "IpVersion", NULL };

	for (int i = 0; fields[i]; i++)
		if (item_param(ctx, n, fields[i]))
			return true;
	return false;
}

static void add_failure(json_t *failed, const struct action_ctx *ctx, int n, bool with_id, const struct vl_err *err)
{
	json_t *f = json_object();
	const char *dst = item_param(ctx, n, "DstCidrBlock"), *hop = item_param(ctx, n, "NextHop");

	json_put_str(f, "DstCidrBlock", dst ? dst : "");
	json_put_str(f, "NextHop", hop ? hop : "");
	if (with_id) {
		const char *id = item_param(ctx, n, "RouteEntryId");

		json_put_str(f, "RouteEntryId", id ? id : "");
	}
	json_put_str(f, "FailedCode", vl_err_code(err));
	json_put_str(f, "FailedMessage", vl_err_message(err));
	json_array_append_new(failed, f);
}

/* How many RouteEntries.N items the request has (1..BATCH_MAX, consecutive), or -1 with err set. */
static int batch_count(struct action_ctx *ctx)
{
	int count = 0;

	while (count < BATCH_MAX + 1 && item_present(ctx, count + 1))
		count++;
	if (count == 0)
		return vl_err_set_code(ctx->err, VL_MISSING_PARAMETER, "MissingRouteEntries",
				       "RouteEntries is mandatory for this action.");
	if (count > BATCH_MAX)
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidRouteEntries.Length",
				       "At most %d route entries can be given at a time.", BATCH_MAX);
	return count;
}

/*
 * A batch answers per item: what succeeded stays (one transaction, each item checked before
 * it changes anything), what failed is listed with its code, as CreateRouteEntries shows.
 */
static int h_create_route_entries(struct action_ctx *ctx)
{
	json_t *ids = json_array(), *failed = json_array();
	int count = batch_count(ctx), ok = 0;

	if (count < 0)
		goto fail;
	for (int n = 1; n <= count; n++) {
		struct route_entry_create_args args = {
			.route_table_id = item_param(ctx, n, "RouteTableId"),
			.destination = item_param(ctx, n, "DstCidrBlock"),
			.next_hop_type = item_param(ctx, n, "NextHopType"),
			.next_hop_id = item_param(ctx, n, "NextHop"),
			.name = item_param(ctx, n, "Name"),
			.description = item_param(ctx, n, "Description"),
		};
		const char *ip_version = item_param(ctx, n, "IpVersion");
		struct vl_err err = { 0 };
		struct route_entry e;
		int rc;

		if (args.route_table_id == NULL || args.destination == NULL || args.next_hop_id == NULL)
			rc = vl_err_set_code(&err, VL_MISSING_PARAMETER, "MissingParameter",
					     "RouteTableId, DstCidrBlock and NextHop are mandatory for each route entry.");
		else if (ip_version && strcasecmp(ip_version, "ipv4") != 0)
			rc = vl_err_set(&err, VL_ROUTE_ENTRY_DEST_MALFORMED, "IPv6 route entries are not emulated.");
		else
			rc = route_entry_create(ctx->model, &args, &e, &err);
		if (rc < 0 && err.code == VL_INTERNAL_ERROR) {
			*ctx->err = err;
			goto fail;
		}
		if (rc < 0) {
			add_failure(failed, ctx, n, false, &err);
			continue;
		}
		json_array_append_new(ids, json_string(e.route_entry_id));
		ok++;
	}
	json_object_set_new(ctx->response, "RouteEntryIds", ids);
	json_put_int(ctx->response, "SuccessCount", ok);
	json_put_int(ctx->response, "FailedCount", count - ok);
	json_object_set_new(ctx->response, "FailedRouteEntries", failed);
	return 0;
fail:
	json_decref(ids);
	json_decref(failed);
	return -1;
}

static int h_delete_route_entry(struct action_ctx *ctx)
{
	if (param_str(ctx, "NextHopList.1.NextHopId"))
		return vl_err_set(ctx->err, VL_ROUTE_ENTRY_NEXT_HOP_TYPE, NULL);
	return route_entry_delete(ctx->model, param_str(ctx, "RouteTableId"), param_str(ctx, "RouteEntryId"),
				  param_str(ctx, "DestinationCidrBlock"), param_str(ctx, "NextHopId"), ctx->err);
}

static int h_delete_route_entries(struct action_ctx *ctx)
{
	json_t *failed = json_array();
	int count = batch_count(ctx), ok = 0;

	if (count < 0) {
		json_decref(failed);
		return -1;
	}
	for (int n = 1; n <= count; n++) {
		struct vl_err err = { 0 };
		const char *table = item_param(ctx, n, "RouteTableId");
		int rc;

		if (table == NULL)
			rc = vl_err_set_code(&err, VL_MISSING_PARAMETER, "MissingParameter",
					     "RouteTableId is mandatory for each route entry.");
		else
			rc = route_entry_delete(ctx->model, table, item_param(ctx, n, "RouteEntryId"),
						item_param(ctx, n, "DstCidrBlock"), item_param(ctx, n, "NextHop"), &err);
		if (rc < 0 && err.code == VL_INTERNAL_ERROR) {
			*ctx->err = err;
			json_decref(failed);
			return -1;
		}
		if (rc < 0)
			add_failure(failed, ctx, n, true, &err);
		else
			ok++;
	}
	json_put_int(ctx->response, "SuccessCount", ok);
	json_put_int(ctx->response, "FailedCount", count - ok);
	json_object_set_new(ctx->response, "FailedRouteEntries", failed);
	return 0;
}

static int h_modify_route_entry(struct action_ctx *ctx)
{
	return route_entry_modify(ctx->model, param_str(ctx, "RouteTableId"), param_str(ctx, "RouteEntryId"),
				  param_str(ctx, "DestinationCidrBlock"), param_str(ctx, "RouteEntryName"),
				  param_str(ctx, "Description"), param_str(ctx, "NewNextHopType"),
				  param_str(ctx, "NewNextHopId"), ctx->err);
}

/* NextToken here is opaque "rt" + 16 hex digits of the next offset; anything else is refused. */
static int parse_token(const char *token, int64_t *offset)
{
	char *end = NULL;
	unsigned long long v;

	*offset = 0;
	if (token == NULL || token[0] == '\0')
		return 0;
	if (strlen(token) != 18 || strncmp(token, "rt", 2) != 0 || strspn(token + 2, "0123456789abcdef") != 16)
		return -1;
	v = strtoull(token + 2, &end, 16);
	if (v > 1000000ull)
		return -1;
	*offset = (int64_t)v;
	return 0;
}

static int h_describe_route_entry_list(struct action_ctx *ctx)
{
	struct route_entry_filter f = {
		.route_entry_id = param_str(ctx, "RouteEntryId"),
		.destination = param_str(ctx, "DestinationCidrBlock"),
		.name = param_str(ctx, "RouteEntryName"),
		.type = param_str(ctx, "RouteEntryType"),
		.next_hop_id = param_str(ctx, "NextHopId"),
		.next_hop_type = param_str(ctx, "NextHopType"),
		.ip_version = param_str(ctx, "IpVersion"),
	};
	json_t *items = json_array();
	int64_t offset, total = 0, next = -1;

	if (parse_token(param_str(ctx, "NextToken"), &offset) < 0) {
		json_decref(items);
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidNextToken",
				       "The specified NextToken is invalid.");
	}
	while (f.destination_count < ROUTE_ENTRY_DEST_LIST_MAX) {
		char name[40];

		snprintf(name, sizeof(name), "DestCidrBlockList.%d", f.destination_count + 1);
		if ((f.destinations[f.destination_count] = param_str(ctx, name)) == NULL)
			break;
		f.destination_count++;
	}
	if (route_entry_list(ctx->model, param_str(ctx, "RouteTableId"), &f, offset, param_int(ctx, "MaxResult", 10),
			     items, &total, &next, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	/* the last page has no NextToken at all: clients page until it is absent */
	if (next >= 0) {
		char token[32];

		snprintf(token, sizeof(token), "rt%016llx", (unsigned long long)next);
		json_put_str(ctx->response, "NextToken", token);
	}
	json_put_int(ctx->response, "TotalCount", total);
	json_object_set_new(ctx->response, "RouteEntrys", json_pack("{s:o}", "RouteEntry", items));
	return 0;
}

/* ---- action rows ---- */

static const char *const table_types[] = { "System", "Custom", NULL };
static const char *const associate_types[] = { "VSwitch", "Gateway", NULL };
static const char *const entry_types[] = { "Custom", "System", "BGP", "CEN", "ECR", NULL };
static const char *const ip_versions[] = { "ipv4", "ipv6", "IPv4", "IPv6", NULL };

static const struct region_source region_of_route_table = {
	"RouteTableId", route_table_region, VL_ROUTE_TABLE_NOT_FOUND,
};

#define RT_ID(flags) { "RouteTableId", PT_STRING, flags, NULL, 0, 0, NULL, NULL }
#define RT_NAME { "RouteTableName", PT_STRING, 0, NULL, 0, 0, NULL, "1-128 characters, starts with a letter" }
#define RT_DESCRIPTION { "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-256 characters, not http(s)://" }
#define RTE_ID { "RouteEntryId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }
#define RTE_DEST { "DestinationCidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "IPv4 CIDR (an address alone is a /32)" }
#define RTE_NAME { "RouteEntryName", PT_STRING, 0, NULL, 0, 0, NULL, NULL }

static const struct param_spec create_route_table_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL }, RT_NAME, RT_DESCRIPTION,
	{ "AssociateType", PT_STRING, 0, "VSwitch", 0, 0, associate_types, "VSwitch (gateway route tables are not emulated)" },
	TAGS_PARAM, CLIENT_TOKEN, PARAM_END,
};
static const struct param_spec delete_route_table_params[] = { RT_ID(PF_REQUIRED), PARAM_END };
static const struct param_spec modify_route_table_params[] = {
	RT_ID(PF_REQUIRED), RT_NAME, RT_DESCRIPTION,
	{ "RoutePropagationEnable", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "true only: propagation is always on here" },
	PARAM_END,
};
static const struct param_spec bind_route_table_params[] = {
	RT_ID(PF_REQUIRED), { "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a vSwitch of the table's VPC" },
	CLIENT_TOKEN, PARAM_END,
};
static const struct param_spec describe_route_table_list_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, RT_ID(0), RT_NAME,
	{ "RouteTableType", PT_STRING, 0, NULL, 0, 0, table_types, NULL },
	{ "RouterId", PT_STRING, 0, NULL, 0, 0, NULL, "the VPC's vRouter (vrt-…)" },
	{ "RouterType", PT_STRING, 0, NULL, 0, 0, NULL, "VRouter (VBR tables are not emulated)" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, TAGS_PARAM, PARAM_END,
};
static const struct param_spec describe_route_tables_params[] = {
	RT_ID(0), RT_NAME, { "Type", PT_STRING, 0, NULL, 0, 0, table_types, NULL },
	{ "VRouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, { "RouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RouterType", PT_STRING, 0, NULL, 0, 0, NULL, "VRouter" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, PARAM_END,
};
static const struct param_spec create_route_entry_params[] = {
	RT_ID(PF_REQUIRED), RTE_DEST,
	{ "NextHopType", PT_STRING, 0, "Instance", 0, 0, NULL, "VpnGateway or Attachment; others: IllegalParam.NextHopType" },
	{ "NextHopId", PT_STRING, 0, NULL, 0, 0, NULL, "a VPN gateway or transit router VPC attachment of the table's VPC" },
	RTE_NAME, RT_DESCRIPTION, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};
/* RouteEntries.N.* (N = 1..50) are read by the handlers, one result per item */
static const struct param_spec route_entries_batch_params[] = { DRY_RUN, PARAM_END };
static const struct param_spec delete_route_entry_params[] = {
	RT_ID(0), { "RouteEntryId", PT_STRING, 0, NULL, 0, 0, NULL, "or RouteTableId and DestinationCidrBlock" }, RTE_DEST,
	{ "NextHopId", PT_STRING, 0, NULL, 0, 0, NULL, "must match when given" }, DRY_RUN, PARAM_END,
};
static const struct param_spec modify_route_entry_params[] = {
	RT_ID(0), RTE_ID, RTE_DEST, RTE_NAME, RT_DESCRIPTION,
	{ "NewNextHopType", PT_STRING, 0, NULL, 0, 0, NULL, "VpnGateway or Attachment, with NewNextHopId" },
	{ "NewNextHopId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, DRY_RUN, PARAM_END,
};
static const struct param_spec describe_route_entry_list_params[] = {
	RT_ID(PF_REQUIRED), RTE_ID, RTE_DEST, RTE_NAME,
	{ "RouteEntryType", PT_STRING, 0, NULL, 0, 0, entry_types, NULL },
	{ "IpVersion", PT_STRING, 0, NULL, 0, 0, ip_versions, NULL },
	{ "NextHopId", PT_STRING, 0, NULL, 0, 0, NULL, NULL }, { "NextHopType", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "ServiceType", PT_STRING, 0, NULL, 0, 0, NULL, "accepted; no entry is hosted" },
	{ "MaxResult", PT_INTEGER, 0, "10", 1, 100, NULL, NULL },
	{ "NextToken", PT_STRING, 0, NULL, 0, 0, NULL, "from the previous page; absent after the last" }, PARAM_END,
};

const struct action route_table_actions[] = {
	{ "CreateRouteTable", V_VPC, h_create_route_table, AF_MUTATES | AF_REGIONAL, create_route_table_params,
	  .rest = { { "POST", "/v1/route-tables", RS_CREATE } },
	  .region_from = &region_of_vpc,
	  .doc = "Creates a custom route table (Pending, then Available) in an Available VPC." },
	{ "DescribeRouteTableList", V_VPC, h_describe_route_table_list, AF_REGIONAL | AF_PAGED,
	  describe_route_table_list_params,
	  .rest = { { "GET", "/v1/route-tables", RS_LIST, NULL, "RouterTableList", "RouterTableListType" },
		    { "GET", "/v1/route-tables/{id}", RS_ITEM, "RouteTableId", "RouterTableList", "RouterTableListType",
		      VL_ROUTE_TABLE_NOT_FOUND } },
	  .doc = "Lists route tables (the VPC's system table included): RouterTableList.RouterTableListType[]." },
	/* the REST list of tables is DescribeRouteTableList's; this is the same with every entry inline */
	{ "DescribeRouteTables", V_VPC, h_describe_route_tables, AF_REGIONAL | AF_PAGED, describe_route_tables_params,
	  .rest = { REST_NONE },
	  .doc = "Lists route tables with their entries: RouteTables.RouteTable[] (what Terraform's alicloud_route_entry reads)." },
	{ "ModifyRouteTableAttributes", V_VPC, h_modify_route_table_attributes, AF_MUTATES | AF_REGIONAL,
	  modify_route_table_params,
	  .rest = { { "PATCH", "/v1/route-tables/{id}", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Changes a route table's name or description." },
	{ "DeleteRouteTable", V_VPC, h_delete_route_table, AF_MUTATES | AF_REGIONAL, delete_route_table_params,
	  .rest = { { "DELETE", "/v1/route-tables/{id}", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Deletes a custom route table without bound vSwitches or custom entries (Deleting, then gone)." },
	{ "AssociateRouteTable", V_VPC, h_associate_route_table, AF_MUTATES | AF_REGIONAL, bind_route_table_params,
	  .rest = { { "POST", "/v1/route-tables/{id}/vswitches", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Binds a vSwitch to a custom route table of its VPC (the vSwitch is Pending meanwhile)." },
	{ "UnassociateRouteTable", V_VPC, h_unassociate_route_table, AF_MUTATES | AF_REGIONAL, bind_route_table_params,
	  .rest = { { "DELETE", "/v1/route-tables/{id}/vswitches", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Unbinds a vSwitch from its custom route table: it follows the system table again." },
	{ "DescribeRouteEntryList", V_VPC, h_describe_route_entry_list, AF_REGIONAL, describe_route_entry_list_params,
	  .rest = { { "GET", "/v1/route-tables/{id}/route-entries", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Lists a table's entries (system, VPN-published, custom): RouteEntrys.RouteEntry[]; NextToken only while more follow." },
	{ "CreateRouteEntry", V_VPC, h_create_route_entry, AF_MUTATES | AF_REGIONAL, create_route_entry_params,
	  .rest = { { "POST", "/v1/route-tables/{id}/route-entries", RS_CREATE, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Adds a custom entry to a VPN gateway or transit router attachment (Pending, then Available)." },
	{ "ModifyRouteEntry", V_VPC, h_modify_route_entry, AF_MUTATES | AF_REGIONAL, modify_route_entry_params,
	  .rest = { { "PATCH", "/v1/route-tables/{id}/route-entries", RS_PLAIN, "RouteTableId" } },
	  .region_from = &region_of_route_table,
	  .doc = "Changes a custom entry's name or description, or its next hop (Modifying, then Available)." },
	{ "DeleteRouteEntry", V_VPC, h_delete_route_entry, AF_MUTATES | AF_REGIONAL, delete_route_entry_params,
	  .rest = { { "DELETE", "/v1/route-tables/{id}/route-entries", RS_PLAIN, "RouteTableId" } },
	  .doc = "Deletes a custom entry by RouteEntryId or destination (Deleting, then gone); system entries are refused." },
	/* batches name tables per item (RouteEntries.N.RouteTableId): no one resource for a REST path */
	{ "CreateRouteEntries", V_VPC, h_create_route_entries, AF_MUTATES | AF_REGIONAL, route_entries_batch_params,
	  .rest = { REST_NONE },
	  .doc = "Adds up to 50 custom entries (RouteEntries.N); the ones refused are listed with their codes." },
	{ "DeleteRouteEntries", V_VPC, h_delete_route_entries, AF_MUTATES | AF_REGIONAL, route_entries_batch_params,
	  .rest = { REST_NONE },
	  .doc = "Deletes up to 50 custom entries (RouteEntries.N); the ones refused are listed with their codes." },
	ACTIONS_END,
};
