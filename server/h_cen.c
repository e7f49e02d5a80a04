/* Handlers of the CBN actions (CEN, transit routers, CIDRs, attachments): parameters in, model call, answer out. */
#include "handlers.h"

#include <string.h>

#include "cen.h"
#include "tr_attachment.h"
#include "transit_router.h"

/* The non-empty value of a parameter, NULL when absent or empty. */
static const char *param_nonempty(const struct action_ctx *ctx, const char *name)
{
	const char *v = param_str(ctx, name);

	return v && v[0] ? v : NULL;
}

/* ---- CEN ---- */

static int h_create_cen(struct action_ctx *ctx)
{
	struct cen_create_args args = {
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.protection_level = param_str(ctx, "ProtectionLevel"),
		.tags = ctx->tags,
	};
	struct cen c;

	if (cen_create(ctx->model, &args, &c, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "CenId", json_string(c.cen_id));
	return 0;
}

static int h_describe_cens(struct action_ctx *ctx)
{
	struct cen_filter filter = {
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	const struct list_source params = action_list_source(ctx->params);
	json_t *items;
	int64_t total = 0;
	int rc;

	if (cen_filter_read(&params, &filter, ctx->err) < 0)
		return -1;
	items = json_array();
	rc = cen_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);
	return h_page_answer(ctx, rc, "Cens", "Cen", items, total);
}

static int h_modify_cen_attribute(struct action_ctx *ctx)
{
	struct cen_modify_args args = {
		.cen_id = param_str(ctx, "CenId"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.protection_level = param_str(ctx, "ProtectionLevel"),
	};

	return cen_modify(ctx->model, &args, ctx->err);
}

static int h_delete_cen(struct action_ctx *ctx)
{
	return cen_delete(ctx->model, param_str(ctx, "CenId"), ctx->err);
}

/* ---- transit routers ---- */

static int h_create_transit_router(struct action_ctx *ctx)
{
	struct transit_router_create_args args = {
		.cen_id = param_str(ctx, "CenId"),
		.name = param_str(ctx, "TransitRouterName"),
		.description = param_str(ctx, "TransitRouterDescription"),
		.support_multicast = param_bool(ctx, "SupportMulticast", false),
		.cidr_list_json = param_str(ctx, "TransitRouterCidrList"),
		.tags = ctx->tags,
	};
	struct transit_router tr;

	if (transit_router_create(ctx->model, &args, &tr, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "TransitRouterId", json_string(tr.transit_router_id));
	return 0;
}

static int h_list_transit_routers(struct action_ctx *ctx)
{
	const char *key = param_str(ctx, "FeatureFilter.1.Key"), *value = param_str(ctx, "FeatureFilter.1.Value.1");
	struct transit_router_filter filter = {
		.cen_id = param_nonempty(ctx, "CenId"),
		.region = param_nonempty(ctx, "RegionId"),
		.transit_router_id = param_nonempty(ctx, "TransitRouterId"),
		.status = param_nonempty(ctx, "Status"),
		.name = param_nonempty(ctx, "TransitRouterName"),
		.type = param_nonempty(ctx, "Type"),
		.multicast = -1,
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;

	/* FeatureFilter: the one documented key, Multicast = Enabled | Disabled */
	if (key && strcmp(key, "Multicast") == 0 && value)
		filter.multicast = strcmp(value, "Enabled") == 0 ? 1 : 0;
	if (transit_router_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	/* PageNumber/PageSize paging with a flat array, unlike DescribeCens */
	json_object_set_new(ctx->response, "TotalCount", json_integer(total));
	json_object_set_new(ctx->response, "PageNumber", json_integer(ctx->page_number));
	json_object_set_new(ctx->response, "PageSize", json_integer(ctx->page_size));
	json_object_set_new(ctx->response, "TransitRouters", items);
	return 0;
}

static int h_update_transit_router(struct action_ctx *ctx)
{
	struct transit_router_update_args args = {
		.transit_router_id = param_str(ctx, "TransitRouterId"),
		.name = param_str(ctx, "TransitRouterName"),
		.description = param_str(ctx, "TransitRouterDescription"),
	};

	return transit_router_update(ctx->model, &args, ctx->err);
}

static int h_delete_transit_router(struct action_ctx *ctx)
{
	return transit_router_delete(ctx->model, param_str(ctx, "TransitRouterId"), ctx->err);
}

/* ---- transit router CIDR blocks ---- */

static int h_create_transit_router_cidr(struct action_ctx *ctx)
{
	struct transit_router_cidr_args args = {
		.transit_router_id = param_str(ctx, "TransitRouterId"),
		.cidr = param_str(ctx, "Cidr"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.publish_cidr_route = param_bool(ctx, "PublishCidrRoute", true),
	};
	struct transit_router_cidr c;

	if (transit_router_cidr_create(ctx->model, &args, &c, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "TransitRouterCidrId", json_string(c.transit_router_cidr_id));
	return 0;
}

static int h_list_transit_router_cidr(struct action_ctx *ctx)
{
	json_t *items = json_array();

	if (transit_router_cidr_list(ctx->model, param_str(ctx, "TransitRouterId"),
				     param_nonempty(ctx, "TransitRouterCidrId"), items, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	json_object_set_new(ctx->response, "CidrLists", items);
	return 0;
}

static int h_modify_transit_router_cidr(struct action_ctx *ctx)
{
	struct transit_router_cidr_args args = {
		.transit_router_id = param_str(ctx, "TransitRouterId"),
		.transit_router_cidr_id = param_str(ctx, "TransitRouterCidrId"),
		.cidr = param_nonempty(ctx, "Cidr"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.publish_cidr_route = param_tristate(ctx, "PublishCidrRoute"),
	};

	return transit_router_cidr_modify(ctx->model, &args, ctx->err);
}

static int h_delete_transit_router_cidr(struct action_ctx *ctx)
{
	return transit_router_cidr_delete(ctx->model, param_str(ctx, "TransitRouterId"),
					  param_str(ctx, "TransitRouterCidrId"), ctx->err);
}

/* ---- attachments ---- */

/* The fields both create actions share, and the zones under prefix. */
static int fill_common(struct action_ctx *ctx, struct tr_attachment_common_args *c, const char *prefix,
		       bool vswitches, bool auto_publish_default)
{
	const struct list_source params = action_list_source(ctx->params);

	c->transit_router_id = param_nonempty(ctx, "TransitRouterId");
	c->cen_id = param_nonempty(ctx, "CenId");
	c->name = param_str(ctx, "TransitRouterAttachmentName");
	c->description = param_str(ctx, "TransitRouterAttachmentDescription");
	c->charge_type = param_str(ctx, "ChargeType");
	c->auto_publish = param_bool(ctx, "AutoPublishRouteEnabled", auto_publish_default);
	c->tags = ctx->tags;
	return tr_attachment_read_zones(&params, prefix, vswitches, c, ctx->err);
}

static void attachment_created(struct action_ctx *ctx, const struct tr_attachment *a)
{
	json_object_set_new(ctx->response, "TransitRouterAttachmentId", json_string(a->attachment_id));
}

static int list_attachments(struct action_ctx *ctx, const char *type)
{
	struct tr_attachment_filter filter = {
		.resource_type = type,
		.cen_id = param_nonempty(ctx, "CenId"),
		.region = param_nonempty(ctx, "RegionId"),
		.transit_router_id = param_nonempty(ctx, "TransitRouterId"),
		.attachment_id = param_nonempty(ctx, "TransitRouterAttachmentId"),
		.resource_id = strcmp(type, "VPC") == 0 ? param_nonempty(ctx, "VpcId") : NULL,
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = tr_attachment_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_token_page_answer(ctx, rc, "TransitRouterAttachments", items, total);
}

static int update_attachment(struct action_ctx *ctx, const char *type)
{
	struct tr_attachment_update_args args = {
		.attachment_id = param_str(ctx, "TransitRouterAttachmentId"),
		.resource_type = type,
		.name = param_str(ctx, "TransitRouterAttachmentName"),
		.description = param_str(ctx, "TransitRouterAttachmentDescription"),
		.auto_publish = param_tristate(ctx, "AutoPublishRouteEnabled"),
	};

	return tr_attachment_update(ctx->model, &args, ctx->err);
}

static int h_create_transit_router_vpc_attachment(struct action_ctx *ctx)
{
	struct tr_vpc_attachment_create_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.vpc_owner_id = param_nonempty(ctx, "VpcOwnerId"),
	};
	struct tr_attachment a;

	if (fill_common(ctx, &args.common, "ZoneMappings.", true, false) < 0 ||
	    tr_vpc_attachment_create(ctx->model, &args, &a, ctx->err) < 0)
		return -1;
	attachment_created(ctx, &a);
	return 0;
}

static int h_list_transit_router_vpc_attachments(struct action_ctx *ctx)
{
	return list_attachments(ctx, "VPC");
}

static int h_update_transit_router_vpc_attachment_attribute(struct action_ctx *ctx)
{
	return update_attachment(ctx, "VPC");
}

static int h_delete_transit_router_vpc_attachment(struct action_ctx *ctx)
{
	return tr_attachment_delete(ctx->model, param_str(ctx, "TransitRouterAttachmentId"), "VPC",
				    param_bool(ctx, "Force", false), ctx->err);
}

static int h_create_transit_router_vpn_attachment(struct action_ctx *ctx)
{
	struct tr_vpn_attachment_create_args args = {
		.vpn_id = param_str(ctx, "VpnId"),
		.vpn_owner_id = param_nonempty(ctx, "VpnOwnerId"),
	};
	struct tr_attachment a;

	if (fill_common(ctx, &args.common, "Zone.", false, true) < 0 ||
	    tr_vpn_attachment_create(ctx->model, &args, &a, ctx->err) < 0)
		return -1;
	attachment_created(ctx, &a);
	return 0;
}

static int h_list_transit_router_vpn_attachments(struct action_ctx *ctx)
{
	return list_attachments(ctx, "VPN");
}

static int h_update_transit_router_vpn_attachment_attribute(struct action_ctx *ctx)
{
	return update_attachment(ctx, "VPN");
}

static int h_delete_transit_router_vpn_attachment(struct action_ctx *ctx)
{
	return tr_attachment_delete(ctx->model, param_str(ctx, "TransitRouterAttachmentId"), "VPN",
				    param_bool(ctx, "Force", false), ctx->err);
}

/* ---- the action table ---- */

/*
 * Parameters are those of the SDK request models (alibabacloud-go-sdk cbn-20170912) and the API
 * pages; rules in model/cen.c, model/transit_router.c, model/tr_attachment.c; sources in
 * api-docs/research-cen.md.  CEN actions and the List actions take no RegionId (CEN is global;
 * RegionId only filters the lists); actions naming a router or an attachment take their region
 * from it when RegionId is left out.
 *
 * REST: DescribeCens is the one CBN list with the XML-derived double wrapper (Cens.Cen[]): RS_LIST
 * flattens it.  The List* actions already answer flat arrays (TransitRouters[],
 * TransitRouterAttachments[], CidrLists[]): RS_PLAIN.  No GET /{id} item routes: the CBN lists
 * filter by ID but answer no wrapper RS_ITEM could pick from, and DescribeCens filters by
 * Filter.N.Key=CenId, not by a CenId parameter.  A router's CIDR blocks are listed and created
 * under the router; a block is changed and deleted by its own ID, and those two actions also need
 * TransitRouterId, which travels in the query or the body.
 */
static const struct region_source cen_region_of_router = {
	"TransitRouterId", transit_router_region, VL_TR_NOT_FOUND,
};
static const struct region_source cen_region_of_router_delete = {
	"TransitRouterId", transit_router_region, VL_TR_INSTANCE_NOT_FOUND,
};
static const struct region_source cen_region_of_attachment = {
	"TransitRouterAttachmentId", tr_attachment_region, VL_TRA_NOT_FOUND,
};

static const char *const cen_tr_statuses[] = { "Creating", "Active", "Modifying", "Deleting", "Upgrading", NULL };
static const char *const cen_tr_types[] = { "Enterprise", "Basic", NULL };

#define CEN_NAME_DOC "empty or 1-128 characters, not starting with http:// or https://"
#define CEN_DESC_DOC "empty or 1-256 characters, not starting with http:// or https://"

/* ---- CEN ---- */

static const struct param_spec cen_create_cen_params[] = {
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	{ "ProtectionLevel", PT_STRING, 0, "REDUCED", 0, 0, NULL, "REDUCED (the only documented level)" },
	TAGS_PARAM, CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec cen_describe_cens_params[] = {
	{ "Filter", PT_LIST, 0, NULL, 0, 0, NULL,
	  "Filter.N.Key (CenId | Name) with Filter.N.Value.M, N and M 1-5; keys AND, values OR", &cen_filter_list },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec cen_modify_cen_params[] = {
	{ "CenId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	{ "ProtectionLevel", PT_STRING, 0, NULL, 0, 0, NULL, "REDUCED" },
	PARAM_END,
};

static const struct param_spec cen_delete_cen_params[] = {
	{ "CenId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

/* ---- transit routers ---- */

static const struct param_spec cen_create_transit_router_params[] = {
	{ "CenId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "an Active CEN of the caller; one router per CEN and region" },
	{ "TransitRouterName", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "TransitRouterDescription", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	{ "SupportMulticast", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	{ "TransitRouterCidrList", PT_JSON, 0, NULL, 0, 0, NULL,
	  "JSON array (up to 5) of {Cidr (mask 16-24), Name, Description, PublishCidrRoute (default true)}" },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_list_transit_routers_params[] = {
	{ "CenId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RegionId", PT_STRING, 0, NULL, 0, 0, NULL, "filter; absent: every region" },
	{ "TransitRouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Status", PT_STRING, 0, NULL, 0, 0, cen_tr_statuses, NULL },
	{ "Type", PT_STRING, 0, NULL, 0, 0, cen_tr_types, NULL },
	{ "FeatureFilter", PT_STRING, 0, NULL, 0, 0, NULL, "FeatureFilter.1.Key Multicast, FeatureFilter.1.Value.1 Enabled | Disabled" },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec cen_update_transit_router_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterName", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "TransitRouterDescription", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_delete_transit_router_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

/* ---- CIDR blocks ---- */

static const struct param_spec cen_create_transit_router_cidr_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Cidr", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "mask 16-24; not in 100.64.0.0/10, 224.0.0.0/4, 127.0.0.0/8, 169.254.0.0/16; unique in the CEN" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	{ "PublishCidrRoute", PT_BOOLEAN, 0, "true", 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_list_transit_router_cidr_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterCidrId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_modify_transit_router_cidr_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterCidrId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Cidr", PT_STRING, 0, NULL, 0, 0, NULL, "same rules; refused while addresses of the block are allocated" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC },
	{ "PublishCidrRoute", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_delete_transit_router_cidr_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterCidrId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

/* ---- attachments ---- */

#define CEN_ATTACHMENT_TARGET                                                                   \
	{ "TransitRouterId", PT_STRING, 0, NULL, 0, 0, NULL, "the router; or CenId (and RegionId)" }, \
	{ "CenId", PT_STRING, 0, NULL, 0, 0, NULL, "with RegionId: the CEN's router in that region" }
#define CEN_ATTACHMENT_TEXT                                                                        \
	{ "TransitRouterAttachmentName", PT_STRING, 0, NULL, 0, 0, NULL, CEN_NAME_DOC },             \
	{ "TransitRouterAttachmentDescription", PT_STRING, 0, NULL, 0, 0, NULL, CEN_DESC_DOC }

static const struct param_spec cen_create_vpc_attachment_params[] = {
	CEN_ATTACHMENT_TARGET,
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "an Available VPC in the router's region" },
	{ "VpcOwnerId", PT_INTEGER, 0, NULL, 0, 0, NULL, "the caller's own account ID only" },
	{ "ZoneMappings", PT_STRING, 0, NULL, 0, 0, NULL,
	  "ZoneMappings.N.ZoneId / .VSwitchId, N 1-10 (at least one): a vSwitch of the VPC in each zone" },
	CEN_ATTACHMENT_TEXT,
	{ "AutoPublishRouteEnabled", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	{ "ChargeType", PT_STRING, 0, "POSTPAY", 0, 0, NULL, "POSTPAY" },
	{ "TransitRouterVPCAttachmentOptions", PT_STRING, 0, NULL, 0, 0, NULL, "accepted; IPv6 is not emulated" },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_list_vpc_attachments_params[] = {
	{ "CenId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RegionId", PT_STRING, 0, NULL, 0, 0, NULL, "filter; absent: every region" },
	{ "TransitRouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterAttachmentId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec cen_update_attachment_params[] = {
	{ "TransitRouterAttachmentId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CEN_ATTACHMENT_TEXT,
	{ "AutoPublishRouteEnabled", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_delete_attachment_params[] = {
	{ "TransitRouterAttachmentId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Force", PT_BOOLEAN, 0, "false", 0, 0, NULL,
	  "true: also removes its route table association, propagations and the route entries pointing to it" },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_create_vpn_attachment_params[] = {
	CEN_ATTACHMENT_TARGET,
	{ "VpnId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "an IPsec connection from CreateVpnAttachment, not attached, in the router's region" },
	{ "VpnOwnerId", PT_INTEGER, 0, NULL, 0, 0, NULL, "the caller's own account ID only" },
	{ "Zone", PT_STRING, 0, NULL, 0, 0, NULL,
	  "Zone.N.ZoneId, N 1-10: required for single-tunnel connections; dual-tunnel: optional (tunnel zones)" },
	CEN_ATTACHMENT_TEXT,
	{ "AutoPublishRouteEnabled", PT_BOOLEAN, 0, "true", 0, 0, NULL, NULL },
	{ "ChargeType", PT_STRING, 0, "POSTPAY", 0, 0, NULL, "POSTPAY" },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec cen_list_vpn_attachments_params[] = {
	{ "CenId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RegionId", PT_STRING, 0, NULL, 0, 0, NULL, "filter; absent: every region" },
	{ "TransitRouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterAttachmentId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

const struct action cen_actions[] = {
	{ "CreateCen", V_CBN, h_create_cen, AF_MUTATES, cen_create_cen_params,
	  .rest = { { "POST", "/v1/cens", RS_CREATE } },
	  .doc = "Creates a CEN instance (Creating, then Active): CenId." },
	{ "DescribeCens", V_CBN, h_describe_cens, AF_PAGED, cen_describe_cens_params,
	  .rest = { { "GET", "/v1/cens", RS_LIST, NULL, "Cens", "Cen" } },
	  .doc = "Lists the caller's CEN instances: Cens.Cen[]." },
	{ "ModifyCenAttribute", V_CBN, h_modify_cen_attribute, AF_MUTATES, cen_modify_cen_params,
	  .rest = { { "PATCH", "/v1/cens/{id}", RS_PLAIN, "CenId" } },
	  .doc = "Changes name, description or protection level of an Active CEN." },
	{ "DeleteCen", V_CBN, h_delete_cen, AF_MUTATES, cen_delete_cen_params,
	  .rest = { { "DELETE", "/v1/cens/{id}", RS_PLAIN, "CenId" } },
	  .doc = "Deletes a CEN (Deleting, then gone) with its empty transit routers." },
	{ "CreateTransitRouter", V_CBN, h_create_transit_router, AF_MUTATES | AF_REGIONAL, cen_create_transit_router_params,
	  .rest = { { "POST", "/v1/transit-routers", RS_CREATE } },
	  .doc = "Creates the CEN's Enterprise transit router in a region (Creating, then Active) with its System route table: TransitRouterId." },
	{ "ListTransitRouters", V_CBN, h_list_transit_routers, AF_PAGED, cen_list_transit_routers_params,
	  .rest = { { "GET", "/v1/transit-routers" } },
	  .doc = "Lists transit routers: flat TransitRouters[] (PageNumber/PageSize paging)." },
	{ "UpdateTransitRouter", V_CBN, h_update_transit_router, AF_MUTATES | AF_REGIONAL, cen_update_transit_router_params,
	  .rest = { { "PATCH", "/v1/transit-routers/{id}", RS_PLAIN, "TransitRouterId" } },
	  .region_from = &cen_region_of_router,
	  .doc = "Changes name or description of an Active transit router." },
	{ "DeleteTransitRouter", V_CBN, h_delete_transit_router, AF_MUTATES | AF_REGIONAL, cen_delete_transit_router_params,
	  .rest = { { "DELETE", "/v1/transit-routers/{id}", RS_PLAIN, "TransitRouterId" } },
	  .region_from = &cen_region_of_router_delete,
	  .doc = "Deletes a transit router without attachments, custom route tables or route entries (Deleting, then gone)." },
	{ "ListTransitRouterCidr", V_CBN, h_list_transit_router_cidr, AF_REGIONAL, cen_list_transit_router_cidr_params,
	  .rest = { { "GET", "/v1/transit-routers/{id}/cidrs", RS_PLAIN, "TransitRouterId" } },
	  .region_from = &cen_region_of_router,
	  .doc = "Lists the CIDR blocks of a transit router: CidrLists[]." },
	{ "CreateTransitRouterCidr", V_CBN, h_create_transit_router_cidr, AF_MUTATES | AF_REGIONAL, cen_create_transit_router_cidr_params,
	  .rest = { { "POST", "/v1/transit-routers/{id}/cidrs", RS_CREATE, "TransitRouterId" } },
	  .region_from = &cen_region_of_router,
	  .doc = "Adds a CIDR block (up to 5) to a transit router: TransitRouterCidrId." },
	{ "ModifyTransitRouterCidr", V_CBN, h_modify_transit_router_cidr, AF_MUTATES | AF_REGIONAL, cen_modify_transit_router_cidr_params,
	  .rest = { { "PATCH", "/v1/transit-router-cidrs/{id}", RS_PLAIN, "TransitRouterCidrId" } },
	  .region_from = &cen_region_of_router,
	  .doc = "Changes a CIDR block of a transit router." },
	{ "DeleteTransitRouterCidr", V_CBN, h_delete_transit_router_cidr, AF_MUTATES | AF_REGIONAL, cen_delete_transit_router_cidr_params,
	  .rest = { { "DELETE", "/v1/transit-router-cidrs/{id}", RS_PLAIN, "TransitRouterCidrId" } },
	  .region_from = &cen_region_of_router,
	  .doc = "Deletes a CIDR block no address of which is allocated." },
	{ "CreateTransitRouterVpcAttachment", V_CBN, h_create_transit_router_vpc_attachment, AF_MUTATES | AF_REGIONAL, cen_create_vpc_attachment_params,
	  .rest = { { "POST", "/v1/transit-router-vpc-attachments", RS_CREATE } },
	  .region_from = &cen_region_of_router,
	  .doc = "Attaches a VPC (Attaching, then Attached) through a vSwitch per zone: TransitRouterAttachmentId." },
	{ "ListTransitRouterVpcAttachments", V_CBN, h_list_transit_router_vpc_attachments, AF_TOKEN_PAGED, cen_list_vpc_attachments_params,
	  .rest = { { "GET", "/v1/transit-router-vpc-attachments" } },
	  .doc = "Lists VPC attachments: flat TransitRouterAttachments[]." },
	{ "UpdateTransitRouterVpcAttachmentAttribute", V_CBN, h_update_transit_router_vpc_attachment_attribute, AF_MUTATES | AF_REGIONAL, cen_update_attachment_params,
	  .rest = { { "PATCH", "/v1/transit-router-vpc-attachments/{id}", RS_PLAIN, "TransitRouterAttachmentId" } },
	  .region_from = &cen_region_of_attachment,
	  .doc = "Changes name, description or AutoPublishRouteEnabled of an Attached VPC attachment." },
	{ "DeleteTransitRouterVpcAttachment", V_CBN, h_delete_transit_router_vpc_attachment, AF_MUTATES | AF_REGIONAL, cen_delete_attachment_params,
	  .rest = { { "DELETE", "/v1/transit-router-vpc-attachments/{id}", RS_PLAIN, "TransitRouterAttachmentId" } },
	  .region_from = &cen_region_of_attachment,
	  .doc = "Detaches a VPC (Detaching, then gone)." },
	{ "CreateTransitRouterVpnAttachment", V_CBN, h_create_transit_router_vpn_attachment, AF_MUTATES | AF_REGIONAL, cen_create_vpn_attachment_params,
	  .rest = { { "POST", "/v1/transit-router-vpn-attachments", RS_CREATE } },
	  .region_from = &cen_region_of_router,
	  .doc = "Attaches an unbound IPsec connection (Attaching, then Attached); tunnel addresses from the router's CIDR blocks: TransitRouterAttachmentId." },
	{ "ListTransitRouterVpnAttachments", V_CBN, h_list_transit_router_vpn_attachments, AF_TOKEN_PAGED, cen_list_vpn_attachments_params,
	  .rest = { { "GET", "/v1/transit-router-vpn-attachments" } },
	  .doc = "Lists VPN attachments: flat TransitRouterAttachments[]." },
	{ "UpdateTransitRouterVpnAttachmentAttribute", V_CBN, h_update_transit_router_vpn_attachment_attribute, AF_MUTATES | AF_REGIONAL, cen_update_attachment_params,
	  .rest = { { "PATCH", "/v1/transit-router-vpn-attachments/{id}", RS_PLAIN, "TransitRouterAttachmentId" } },
	  .region_from = &cen_region_of_attachment,
	  .doc = "Changes name, description or AutoPublishRouteEnabled of an Attached VPN attachment." },
	{ "DeleteTransitRouterVpnAttachment", V_CBN, h_delete_transit_router_vpn_attachment, AF_MUTATES | AF_REGIONAL, cen_delete_attachment_params,
	  .rest = { { "DELETE", "/v1/transit-router-vpn-attachments/{id}", RS_PLAIN, "TransitRouterAttachmentId" } },
	  .region_from = &cen_region_of_attachment,
	  .doc = "Detaches an IPsec connection (Detaching, then gone; the connection goes back to init)." },
	ACTIONS_END,
};
