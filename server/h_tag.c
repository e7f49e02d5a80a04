/*
 * TagResources, UnTagResources and ListTagResources of the VPC API (2016-04-28) and
 * TagResources, UntagResources and ListTagResources of CBN (2017-09-12).
 *
 * The model keeps tags (model/tag.c); this file knows which resource types take them and
 * how to find one of the caller's resources of each type, so the tag model depends on no
 * resource model.  Types are matched ignoring case, as the cloud does (Terraform sends
 * "VpnGateWay", "VPNCONNECTION", "cen", "TRANSITROUTERVPCATTACHMENT").
 */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbn.h"
#include "cen.h"
#include "customer_gateway.h"
#include "route_table.h"
#include "tag.h"
#include "tr_route.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define TAG_RESOURCE_IDS_MAX 50
#define TAG_LIST_PAGE_MAX 50

/* Finds the caller's resource id: 0, or -1 with err set (any not-found code). */
typedef int (*tag_find_fn)(struct model_ctx *m, const char *id, struct vl_err *err);

struct tag_kind {
	const char *version; /* the API that tags this type */
	const char *name;    /* ResourceType, as answers show it */
	const char *stored;  /* resource_type as the resource's create stored its tags */
	tag_find_fn find;
};

/* Each finder loads into a buffer it frees: some rows are large (connections hold tunnels). */
#define FINDER(fn, type, getter)                                                          \
	static int fn(struct model_ctx *m, const char *id, struct vl_err *err)            \
	{                                                                                 \
		type *row = malloc(sizeof(*row));                                         \
		int rc;                                                                   \
                                                                                          \
		if (row == NULL)                                                          \
			return vl_err_set(err, VL_INTERNAL_ERROR, NULL);                  \
		rc = getter(m, id, row, err);                                             \
		free(row);                                                                \
		return rc;                                                                \
	}

FINDER(find_vpc, struct vpc, vpc_get)
FINDER(find_vswitch, struct vswitch, vswitch_get)
FINDER(find_route_table, struct route_table, route_table_get)
FINDER(find_vpn_gateway, struct vpn_gateway, vpn_gateway_get)
FINDER(find_customer_gateway, struct customer_gateway, customer_gateway_get)
FINDER(find_vpn_connection, struct vpn_connection, vpn_connection_get)
FINDER(find_vpn_attachment, struct vpn_connection, vpn_attachment_get)
FINDER(find_cen, struct cen, cen_get)
FINDER(find_transit_router, struct transit_router, transit_router_get)
FINDER(find_tr_route_table, struct tr_route_table, tr_route_table_get)

static int find_attachment_of(struct model_ctx *m, const char *id, const char *type, struct vl_err *err)
{
	struct tr_attachment a;

	if (tr_attachment_get(m, id, &a, err) < 0)
		return -1;
	return strcmp(a.resource_type, type) == 0 ? 0 : vl_err_set(err, VL_TAG_RESOURCE_NOT_FOUND, NULL);
}

static int find_tr_vpc_attachment(struct model_ctx *m, const char *id, struct vl_err *err)
{
	return find_attachment_of(m, id, "VPC", err);
}

static int find_tr_vpn_attachment(struct model_ctx *m, const char *id, struct vl_err *err)
{
	return find_attachment_of(m, id, "VPN", err);
}

/*
 * The taggable types this emulator holds.  VPNATTACHMENT is a connection made by
 * CreateVpnAttachment; its tags are stored as a connection's.
 */
static const struct tag_kind kinds[] = {
	{ V_VPC, "VPC", "VPC", find_vpc },
	{ V_VPC, "VSWITCH", "VSWITCH", find_vswitch },
	{ V_VPC, "ROUTETABLE", "ROUTETABLE", find_route_table },
	{ V_VPC, "VPNGATEWAY", "VPNGATEWAY", find_vpn_gateway },
	{ V_VPC, "CUSTOMERGATEWAY", "CUSTOMERGATEWAY", find_customer_gateway },
	{ V_VPC, "VPNCONNECTION", "VPNCONNECTION", find_vpn_connection },
	{ V_VPC, "VPNATTACHMENT", "VPNCONNECTION", find_vpn_attachment },
	{ V_CBN, "cen", "CEN", find_cen },
	{ V_CBN, "TransitRouter", "TransitRouter", find_transit_router },
	{ V_CBN, "TransitRouterRouteTable", "TransitRouterRouteTable", find_tr_route_table },
	{ V_CBN, "TransitRouterVpcAttachment", "TransitRouterVpcAttachment", find_tr_vpc_attachment },
	{ V_CBN, "TransitRouterVpnAttachment", "TransitRouterVpnAttachment", find_tr_vpn_attachment },
};

static const struct tag_kind *kind_of(const struct action_ctx *ctx, struct vl_err *err)
{
	const char *type = param_str(ctx, "ResourceType");

	for (size_t i = 0; type && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].version, ctx->action->version) == 0 && strcasecmp(kinds[i].name, type) == 0)
			return &kinds[i];
	vl_err_set(err, VL_TAG_RESOURCE_TYPE_INVALID, NULL);
	return NULL;
}

/* ResourceId.N and TagKey.N: non-empty values, N up to 50 and 20. */
static const struct list_field nonempty_value = { LIST_TEXT, 1, 0, NULL };
static const struct list_spec resource_id_list = { TAG_RESOURCE_IDS_MAX, NULL, &nonempty_value };
static const struct list_spec tag_key_list = { TAG_MAX, NULL, &nonempty_value };

static int numbered_slot(void *arg, int n, int field, const char *value)
{
	const char **out = arg;

	(void)field;
	out[n - 1] = value;
	return 0;
}

/*
 * The values of Name.1 … Name.N of list into out (borrowed; room for list->max_items), in
 * N order; a malformed index, one past the list's bound, an empty value or a gap (Name.3
 * without Name.2) is InvalidParameter.  Returns the count or -1 with err set.
 */
static int numbered_values(const struct action_ctx *ctx, const char *name, const struct list_spec *list,
			   const char **out, struct vl_err *err)
{
	const char *offender = NULL;
	int count = 0, max = list->max_items;

	for (int n = 1; n <= max; n++)
		out[n - 1] = NULL;
	if (action_list_walk(ctx->params, name, list, numbered_slot, out, &offender) != LIST_OK)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
				       "The specified %s is not valid.", offender);
	for (int n = 1; n <= max; n++) {
		if (out[n - 1] == NULL)
			break;
		count = n;
	}
	for (int n = count + 1; n <= max; n++)
		if (out[n - 1] != NULL)
			return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
					       "%s.%d is given without %s.%d.", name, n, name, count + 1);
	return count;
}

/* Checks every named resource first, so a request naming an unknown one changes nothing. */
static int find_all(struct action_ctx *ctx, const struct tag_kind *kind, const char **ids, int count)
{
	for (int i = 0; i < count; i++) {
		struct vl_err found;

		if (kind->find(ctx->model, ids[i], &found) == 0)
			continue;
		/* a store failure stays one (500/503); any refusal of the finder means "not yours" */
		if (vl_code_http_status(found.code) >= 500) {
			*ctx->err = found;
			return -1;
		}
		return vl_err_set(ctx->err, VL_TAG_RESOURCE_NOT_FOUND,
				  "The specified ResourceId %s is not found in our records.", ids[i]);
	}
	return 0;
}

static int h_tag_resources(struct action_ctx *ctx)
{
	const char *ids[TAG_RESOURCE_IDS_MAX];
	const struct tag_kind *kind = kind_of(ctx, ctx->err);
	int count;

	if (kind == NULL)
		return -1;
	if ((count = numbered_values(ctx, "ResourceId", &resource_id_list, ids, ctx->err)) < 0)
		return -1;
	if (count == 0)
		return vl_err_set_code(ctx->err, VL_MISSING_PARAMETER, "MissingResourceId.1",
				       "ResourceId.1 is mandatory for this action.");
	if (ctx->tags.count == 0)
		return vl_err_set_code(ctx->err, VL_MISSING_PARAMETER, "MissingTag.1.Key",
				       "Tag.1.Key is mandatory for this action.");
	if (find_all(ctx, kind, ids, count) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		if (tag_add(ctx->model, kind->stored, ids[i], &ctx->tags, ctx->err) < 0)
			return -1;
	return 0;
}

static int h_untag_resources(struct action_ctx *ctx)
{
	const char *ids[TAG_RESOURCE_IDS_MAX], *keys[TAG_MAX];
	const struct tag_kind *kind = kind_of(ctx, ctx->err);
	bool all = param_bool(ctx, "All", false);
	int count, key_count;

	if (kind == NULL)
		return -1;
	if ((count = numbered_values(ctx, "ResourceId", &resource_id_list, ids, ctx->err)) < 0 ||
	    (key_count = numbered_values(ctx, "TagKey", &tag_key_list, keys, ctx->err)) < 0)
		return -1;
	if (count == 0)
		return vl_err_set_code(ctx->err, VL_MISSING_PARAMETER, "MissingResourceId.1",
				       "ResourceId.1 is mandatory for this action.");
	if (find_all(ctx, kind, ids, count) < 0)
		return -1;
	/* All removes every tag, whatever keys are named with it */
	for (int i = 0; i < count; i++)
		if (tag_remove(ctx->model, ids[i], keys, all ? -1 : key_count, ctx->err) < 0)
			return -1;
	return 0;
}

/* ListTagResources' NextToken: "tg" + 16 hex digits of the next row, opaque to clients. */
static int parse_token(const char *token, int64_t *offset)
{
	unsigned long long v;

	*offset = 0;
	if (token == NULL || *token == '\0')
		return 0;
	if (strlen(token) != 18 || strncmp(token, "tg", 2) != 0 || strspn(token + 2, "0123456789abcdef") != 16)
		return -1;
	v = strtoull(token + 2, NULL, 16);
	if (v > 1000000000ull)
		return -1;
	*offset = (int64_t)v;
	return 0;
}

static int h_list_tag_resources(struct action_ctx *ctx)
{
	const char *ids[TAG_RESOURCE_IDS_MAX];
	const struct tag_kind *kind = kind_of(ctx, ctx->err);
	bool cbn = strcmp(ctx->action->version, V_CBN) == 0;
	int64_t offset, limit = param_int(ctx, cbn ? "PageSize" : "MaxResults", TAG_LIST_PAGE_MAX);
	struct tag_query q = { 0 };
	json_t *items;
	bool more = false;
	int count;

	if (kind == NULL)
		return -1;
	if ((count = numbered_values(ctx, "ResourceId", &resource_id_list, ids, ctx->err)) < 0)
		return -1;
	if (count == 0 && ctx->tags.count == 0)
		return vl_err_set(ctx->err, VL_TAG_LIST_NEEDS_FILTER, NULL);
	if (parse_token(param_str(ctx, "NextToken"), &offset) < 0)
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidNextToken",
				       "The specified NextToken is not valid.");
	q.stored_type = kind->stored;
	q.shown_type = kind->name;
	/* CBN's resources are listed from its one global endpoint: every region */
	q.region = cbn ? NULL : ctx->model->region;
	q.resource_ids = ids;
	q.resource_id_count = count;
	q.tags = ctx->tags;
	items = json_array();
	if (tag_list_resources(ctx->model, &q, offset, limit, items, &more, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	/*
	 * NextToken only when a page follows: Terraform pages until it is absent, so an empty
	 * string on the last page would make it ask for that page forever.
	 */
	if (more) {
		char token[32];

		snprintf(token, sizeof(token), "tg%016llx", (unsigned long long)(offset + limit));
		json_object_set_new(ctx->response, "NextToken", json_string(token));
	}
	json_put_wrapped(ctx->response, "TagResources", "TagResource", items);
	return 0;
}

/* ---- the action table ---- */

#define TAG_RESOURCE_TYPE { "ResourceType", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "any case (see the action)" }
#define TAG_RESOURCE_IDS { "ResourceId", PT_LIST, 0, NULL, 0, 0, NULL, "ResourceId.N, N = 1..50 (required to tag or untag)", &resource_id_list }
#define TAG_NEXT_TOKEN { "NextToken", PT_STRING, 0, NULL, 0, 0, NULL, "from the previous page; absent on the last page" }

static const struct param_spec tag_resources_params[] = {
	TAG_RESOURCE_TYPE, TAG_RESOURCE_IDS, TAGS_PARAM, PARAM_END,
};

static const struct param_spec untag_resources_params[] = {
	TAG_RESOURCE_TYPE, TAG_RESOURCE_IDS,
	{ "TagKey", PT_LIST, 0, NULL, 0, 0, NULL, "TagKey.N, N = 1..20", &tag_key_list },
	{ "All", PT_BOOLEAN, 0, "false", 0, 0, NULL, "true: every tag of the resources" },
	PARAM_END,
};

static const struct param_spec vpc_list_tag_resources_params[] = {
	TAG_RESOURCE_TYPE, TAG_RESOURCE_IDS, TAGS_PARAM, TAG_NEXT_TOKEN,
	{ "MaxResults", PT_INTEGER, 0, "50", 1, TAG_LIST_PAGE_MAX, NULL, NULL },
	PARAM_END,
};

static const struct param_spec cbn_list_tag_resources_params[] = {
	TAG_RESOURCE_TYPE, TAG_RESOURCE_IDS, TAGS_PARAM, TAG_NEXT_TOKEN,
	{ "PageSize", PT_INTEGER, 0, "50", 1, TAG_LIST_PAGE_MAX, NULL, NULL },
	PARAM_END,
};

/* Tags name their resources in the body or query (ResourceId.N): no region to find, RegionId given. */
const struct action tag_actions[] = {
	{ "TagResources", V_VPC, h_tag_resources, AF_MUTATES | AF_REGIONAL, tag_resources_params,
	  .rest = { { "POST", "/v1/tags", RS_PLAIN } },
	  .doc = "Adds or replaces tags of VPC, VSWITCH, ROUTETABLE, VPNGATEWAY, CUSTOMERGATEWAY, VPNCONNECTION "
		  "or VPNATTACHMENT resources (20 per resource)." },
	{ "UnTagResources", V_VPC, h_untag_resources, AF_MUTATES | AF_REGIONAL, untag_resources_params,
	  .rest = { { "DELETE", "/v1/tags", RS_PLAIN } },
	  .doc = "Removes tags (TagKey.N, or All) of VPC API resources." },
	{ "ListTagResources", V_VPC, h_list_tag_resources, AF_REGIONAL, vpc_list_tag_resources_params,
	  .rest = { { "GET", "/v1/tags", RS_PLAIN } },
	  .doc = "Lists tags by resource or tag: TagResources.TagResource[]; NextToken only when a page follows." },
	{ "TagResources", V_CBN, h_tag_resources, AF_MUTATES | AF_REGIONAL, tag_resources_params,
	  .rest = { { "POST", "/v1/cbn-tags", RS_PLAIN } },
	  .doc = "Adds or replaces tags of cen, TransitRouter, TransitRouterRouteTable, "
		  "TransitRouterVpcAttachment or TransitRouterVpnAttachment resources (20 per resource)." },
	{ "UntagResources", V_CBN, h_untag_resources, AF_MUTATES | AF_REGIONAL, untag_resources_params,
	  .rest = { { "DELETE", "/v1/cbn-tags", RS_PLAIN } },
	  .doc = "Removes tags (TagKey.N, or All) of CBN resources." },
	{ "ListTagResources", V_CBN, h_list_tag_resources, AF_REGIONAL, cbn_list_tag_resources_params,
	  .rest = { { "GET", "/v1/cbn-tags", RS_PLAIN } },
	  .doc = "Lists tags of CBN resources of every region: TagResources.TagResource[]; NextToken only when "
		  "a page follows." },
	ACTIONS_END,
};
