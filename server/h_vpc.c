#include "handlers.h"
#include "tr_attachment.h"
#include "vpc.h"

void h_set_page(struct action_ctx *ctx, const char *outer, const char *inner, json_t *items,
		int64_t total)
{
	json_object_set_new(ctx->response, "TotalCount", json_integer(total));
	json_object_set_new(ctx->response, "PageNumber", json_integer(ctx->page_number));
	json_object_set_new(ctx->response, "PageSize", json_integer(ctx->page_size));
	json_object_set_new(ctx->response, outer, json_pack("{s:o}", inner, items));
}

int h_page_answer(struct action_ctx *ctx, int rc, const char *outer, const char *inner, json_t *items,
		  int64_t total)
{
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, outer, inner, items, total);
	return 0;
}

int h_token_page_answer(struct action_ctx *ctx, int rc, const char *key, json_t *items, int64_t total)
{
	if (rc < 0) {
		json_decref(items);
		return -1;
	}
	action_set_token_page(ctx, key, items, total);
	return 0;
}

static int h_create_vpc(struct action_ctx *ctx)
{
	struct vpc_create_args args = {
		.cidr_block = param_str(ctx, "CidrBlock"),
		.name = param_str(ctx, "VpcName"),
		.description = param_str(ctx, "Description"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	struct vpc v;

	if (vpc_create(ctx->model, &args, &v, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "VpcId", json_string(v.vpc_id));
	json_object_set_new(ctx->response, "VRouterId", json_string(v.vrouter_id));
	json_object_set_new(ctx->response, "RouteTableId", json_string(v.route_table_id));
	json_object_set_new(ctx->response, "ResourceGroupId", json_string(v.resource_group_id));
	return 0;
}

static int h_describe_vpcs(struct action_ctx *ctx)
{
	struct vpc_filter filter = {
		.vpc_ids = param_str(ctx, "VpcId"),
		.name = param_str(ctx, "VpcName"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.is_default = param_tristate(ctx, "IsDefault"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = vpc_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_page_answer(ctx, rc, "Vpcs", "Vpc", items, total);
}

/*
 * The CENs whose transit routers the VPC is attached to ({CenId, CenOwnerId, CenStatus},
 * the status being the attachment's), read from the attachments of this region.
 */
static json_t *associated_cens(struct action_ctx *ctx, const char *vpc_id)
{
	struct tr_attachment_filter filter = {
		.resource_type = "VPC", .region = ctx->model->region, .resource_id = vpc_id,
	};
	json_t *attachments = json_array(), *cens = json_array(), *a;
	int64_t total = 0;
	size_t i;

	if (tr_attachment_list(ctx->model, &filter, 0, 1000, attachments, &total, ctx->err) < 0) {
		json_decref(attachments);
		json_decref(cens);
		return NULL;
	}
	json_array_foreach(attachments, i, a) {
		json_t *cen = json_object();

		json_object_set(cen, "CenId", json_object_get(a, "CenId"));
		json_put_int(cen, "CenOwnerId", model_owner_id(ctx->model->account));
		json_object_set(cen, "CenStatus", json_object_get(a, "Status"));
		json_array_append_new(cens, cen);
	}
	json_decref(attachments);
	return cens;
}

static int h_describe_vpc_attribute(struct action_ctx *ctx)
{
	struct vpc v;
	json_t *o, *cens;

	if (vpc_get(ctx->model, param_str(ctx, "VpcId"), &v, ctx->err) < 0)
		return -1;
	if ((cens = associated_cens(ctx, v.vpc_id)) == NULL)
		return -1;
	if ((o = vpc_attribute_json(ctx->model, &v)) == NULL) {
		json_decref(cens);
		return model_store_error(ctx->model, ctx->err);
	}
	json_put_wrapped(o, "AssociatedCens", "AssociatedCen", cens);
	json_object_update(ctx->response, o);
	json_decref(o);
	return 0;
}

static int h_modify_vpc_attribute(struct action_ctx *ctx)
{
	struct vpc_modify_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.name = param_str(ctx, "VpcName"),
		.description = param_str(ctx, "Description"),
		.cidr_block = param_str(ctx, "CidrBlock"),
	};

	return vpc_modify(ctx->model, &args, ctx->err);
}

static int h_delete_vpc(struct action_ctx *ctx)
{
	return vpc_delete(ctx->model, param_str(ctx, "VpcId"), ctx->err);
}

/* ---- the action table ---- */

/* shared by every action that finds its region through a VpcId (handlers.h) */
const struct region_source region_of_vpc = {
	"VpcId", vpc_region, VL_INVALID_VPC_ID_NOT_FOUND,
};

static const struct param_spec create_vpc_params[] = {
	{ "CidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "IPv4 CIDR, mask 8-28; default 172.16.0.0/12" },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, "1-128 characters, starts with a letter" },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-256 characters, not http(s)://" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "EnableIpv6", PT_BOOLEAN, 0, "false", 0, 0, NULL, "accepted; IPv6 is not emulated" },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vpcs_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, "up to 20 IDs, comma-separated" },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "IsDefault", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vpc_attribute_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "IsDefault", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "accepted; the VPC named is answered whatever it says" },
	DRY_RUN, PARAM_END,
};

static const struct param_spec modify_vpc_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "CidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "must still contain every vSwitch" },
	DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vpc_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "ForceDelete", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

const struct action vpc_actions[] = {
	{ "CreateVpc", V_VPC, h_create_vpc, AF_MUTATES | AF_REGIONAL, create_vpc_params,
	  .rest = { { "POST", "/v1/vpcs", RS_CREATE } },
	  .doc = "Creates a VPC (Pending, then Available) with its vRouter and system route table." },
	{ "DescribeVpcs", V_VPC, h_describe_vpcs, AF_REGIONAL | AF_PAGED, describe_vpcs_params,
	  .rest = { { "GET", "/v1/vpcs", RS_LIST, NULL, "Vpcs", "Vpc" },
		    { "GET", "/v1/vpcs/{id}", RS_ITEM, "VpcId", "Vpcs", "Vpc", VL_INVALID_VPC_ID_NOT_FOUND } },
	  .doc = "Lists the caller's VPCs in the region: Vpcs.Vpc[]." },
	{ "DescribeVpcAttribute", V_VPC, h_describe_vpc_attribute, AF_REGIONAL, describe_vpc_attribute_params,
	  .rest = { { "GET", "/v1/vpcs/{id}/attribute", RS_PLAIN, "VpcId" } },
	  .region_from = &region_of_vpc,
	  .doc = "One VPC's attributes (what Terraform's alicloud_vpc reads): its fields, vSwitch count, attached CENs." },
	{ "ModifyVpcAttribute", V_VPC, h_modify_vpc_attribute, AF_MUTATES | AF_REGIONAL, modify_vpc_params,
	  .rest = { { "PATCH", "/v1/vpcs/{id}", RS_PLAIN, "VpcId" } },
	  .region_from = &region_of_vpc,
	  .doc = "Changes name, description or primary CIDR of an Available VPC." },
	{ "DeleteVpc", V_VPC, h_delete_vpc, AF_MUTATES | AF_REGIONAL, delete_vpc_params,
	  .rest = { { "DELETE", "/v1/vpcs/{id}", RS_PLAIN, "VpcId" } },
	  .region_from = &region_of_vpc,
	  .doc = "Deletes an Available VPC that has no vSwitches (DependencyViolation.VSwitch)." },
	ACTIONS_END,
};
