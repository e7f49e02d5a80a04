/* Handlers of the CBN actions in actions_cen.inc: parameters in, model call, answer out. */
#include "h_cen.h"

#include <stdlib.h>
#include <string.h>

#include "cen.h"
#include "handlers.h"
#include "tr_attachment.h"
#include "transit_router.h"

/*
 * The undeclared parameters starting with prefix (Filter., ZoneMappings., Zone.), as
 * name/value pairs borrowed from ctx->params.  Returns a malloc'd array (caller frees) and
 * its length in *count, or NULL with err set.
 */
static struct cbn_param *params_with_prefix(const struct action_ctx *ctx, const char *prefix, size_t *count)
{
	struct cbn_param *pairs = calloc(ctx->params->len + 1, sizeof(*pairs));
	size_t plen = strlen(prefix);

	*count = 0;
	if (pairs == NULL) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		return NULL;
	}
	for (size_t i = 0; i < ctx->params->len; i++) {
		if (strncmp(ctx->params->items[i].name, prefix, plen) != 0)
			continue;
		pairs[*count].name = ctx->params->items[i].name;
		pairs[*count].value = ctx->params->items[i].value;
		(*count)++;
	}
	return pairs;
}

/* The non-empty value of a parameter, NULL when absent or empty. */
static const char *param_nonempty(const struct action_ctx *ctx, const char *name)
{
	const char *v = param_str(ctx, name);

	return v && v[0] ? v : NULL;
}

/* ---- CEN ---- */

int h_create_cen(struct action_ctx *ctx)
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

int h_describe_cens(struct action_ctx *ctx)
{
	struct cen_filter filter = {
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	struct cbn_param *pairs;
	int64_t total = 0;
	size_t count;
	int rc;

	if ((pairs = params_with_prefix(ctx, "Filter.", &count)) == NULL) {
		json_decref(items);
		return -1;
	}
	rc = cen_filter_collect(pairs, count, &filter, ctx->err);
	if (rc == 0)
		rc = cen_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);
	free(pairs);
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "Cens", "Cen", items, total);
	return 0;
}

int h_modify_cen_attribute(struct action_ctx *ctx)
{
	struct cen_modify_args args = {
		.cen_id = param_str(ctx, "CenId"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.protection_level = param_str(ctx, "ProtectionLevel"),
	};

	return cen_modify(ctx->model, &args, ctx->err);
}

int h_delete_cen(struct action_ctx *ctx)
{
	return cen_delete(ctx->model, param_str(ctx, "CenId"), ctx->err);
}

/* ---- transit routers ---- */

int h_create_transit_router(struct action_ctx *ctx)
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

int h_list_transit_routers(struct action_ctx *ctx)
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

int h_update_transit_router(struct action_ctx *ctx)
{
	struct transit_router_update_args args = {
		.transit_router_id = param_str(ctx, "TransitRouterId"),
		.name = param_str(ctx, "TransitRouterName"),
		.description = param_str(ctx, "TransitRouterDescription"),
	};

	return transit_router_update(ctx->model, &args, ctx->err);
}

int h_delete_transit_router(struct action_ctx *ctx)
{
	return transit_router_delete(ctx->model, param_str(ctx, "TransitRouterId"), ctx->err);
}

/* ---- transit router CIDR blocks ---- */

int h_create_transit_router_cidr(struct action_ctx *ctx)
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

int h_list_transit_router_cidr(struct action_ctx *ctx)
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

int h_modify_transit_router_cidr(struct action_ctx *ctx)
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

int h_delete_transit_router_cidr(struct action_ctx *ctx)
{
	return transit_router_cidr_delete(ctx->model, param_str(ctx, "TransitRouterId"),
					  param_str(ctx, "TransitRouterCidrId"), ctx->err);
}

/* ---- attachments ---- */

/* The fields both create actions share, and the zones under prefix. */
static int fill_common(struct action_ctx *ctx, struct tr_attachment_common_args *c, const char *prefix,
		       bool vswitches, bool auto_publish_default)
{
	struct cbn_param *pairs;
	size_t count;
	int rc;

	c->transit_router_id = param_nonempty(ctx, "TransitRouterId");
	c->cen_id = param_nonempty(ctx, "CenId");
	c->name = param_str(ctx, "TransitRouterAttachmentName");
	c->description = param_str(ctx, "TransitRouterAttachmentDescription");
	c->charge_type = param_str(ctx, "ChargeType");
	c->auto_publish = param_bool(ctx, "AutoPublishRouteEnabled", auto_publish_default);
	c->tags = ctx->tags;
	if ((pairs = params_with_prefix(ctx, prefix, &count)) == NULL)
		return -1;
	rc = tr_attachment_collect_zones(pairs, count, prefix, vswitches, c, ctx->err);
	free(pairs);
	return rc;
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

	if (tr_attachment_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	action_set_token_page(ctx, "TransitRouterAttachments", items, total);
	return 0;
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

int h_create_transit_router_vpc_attachment(struct action_ctx *ctx)
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

int h_list_transit_router_vpc_attachments(struct action_ctx *ctx)
{
	return list_attachments(ctx, "VPC");
}

int h_update_transit_router_vpc_attachment_attribute(struct action_ctx *ctx)
{
	return update_attachment(ctx, "VPC");
}

int h_delete_transit_router_vpc_attachment(struct action_ctx *ctx)
{
	return tr_attachment_delete(ctx->model, param_str(ctx, "TransitRouterAttachmentId"), "VPC",
				    param_bool(ctx, "Force", false), ctx->err);
}

int h_create_transit_router_vpn_attachment(struct action_ctx *ctx)
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

int h_list_transit_router_vpn_attachments(struct action_ctx *ctx)
{
	return list_attachments(ctx, "VPN");
}

int h_update_transit_router_vpn_attachment_attribute(struct action_ctx *ctx)
{
	return update_attachment(ctx, "VPN");
}

int h_delete_transit_router_vpn_attachment(struct action_ctx *ctx)
{
	return tr_attachment_delete(ctx->model, param_str(ctx, "TransitRouterAttachmentId"), "VPN",
				    param_bool(ctx, "Force", false), ctx->err);
}
