#include "handlers.h"
#include "vpc.h"
#include "vswitch.h"

static int h_create_vswitch(struct action_ctx *ctx)
{
	struct vswitch_create_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.zone_id = param_str(ctx, "ZoneId"),
		.cidr_block = param_str(ctx, "CidrBlock"),
		.name = param_str(ctx, "VSwitchName"),
		.description = param_str(ctx, "Description"),
		.tags = ctx->tags,
	};
	struct vswitch s;

	if (vswitch_create(ctx->model, &args, &s, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "VSwitchId", json_string(s.vswitch_id));
	return 0;
}

static int h_describe_vswitches(struct action_ctx *ctx)
{
	struct vswitch_filter filter = {
		.vpc_id = param_str(ctx, "VpcId"),
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.zone_id = param_str(ctx, "ZoneId"),
		.name = param_str(ctx, "VSwitchName"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.is_default = param_tristate(ctx, "IsDefault"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = vswitch_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_page_answer(ctx, rc, "VSwitches", "VSwitch", items, total);
}

static int h_modify_vswitch_attribute(struct action_ctx *ctx)
{
	struct vswitch_modify_args args = {
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.name = param_str(ctx, "VSwitchName"),
		.description = param_str(ctx, "Description"),
	};

	return vswitch_modify(ctx->model, &args, ctx->err);
}

static int h_delete_vswitch(struct action_ctx *ctx)
{
	return vswitch_delete(ctx->model, param_str(ctx, "VSwitchId"), ctx->err);
}

static int h_describe_vswitch_attributes(struct action_ctx *ctx)
{
	struct vswitch sw;
	json_t *item;

	if (vswitch_get(ctx->model, param_str(ctx, "VSwitchId"), &sw, ctx->err) < 0)
		return -1;
	/* the attribute answer is the DescribeVSwitches item, flat in the response */
	if ((item = vswitch_to_json(ctx->model, &sw)) == NULL)
		return model_store_error(ctx->model, ctx->err);
	json_object_update(ctx->response, item);
	json_decref(item);
	return 0;
}

/* ---- the action table ---- */

static const struct region_source region_of_vswitch = {
	"VSwitchId", vswitch_region, VL_INVALID_VSWITCH_ID_NOT_FOUND,
};

static const struct param_spec create_vswitch_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "ZoneId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a zone of the region" },
	{ "CidrBlock", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "mask 16-29, inside the VPC, no overlap" },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vswitches_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VSwitchId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "ZoneId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "IsDefault", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, DRY_RUN, PARAM_END,
};

static const struct param_spec modify_vswitch_params[] = {
	{ "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vswitch_attributes_params[] = {
	{ "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vswitch_params[] = {
	{ "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

const struct action vswitch_actions[] = {
	{ "CreateVSwitch", V_VPC, h_create_vswitch, AF_MUTATES | AF_REGIONAL, create_vswitch_params,
	  .rest = { { "POST", "/v1/vswitches", RS_CREATE } },
	  .region_from = &region_of_vpc,
	  .doc = "Creates a vSwitch in a zone of an Available VPC." },
	{ "DescribeVSwitches", V_VPC, h_describe_vswitches, AF_REGIONAL | AF_PAGED, describe_vswitches_params,
	  .rest = { { "GET", "/v1/vswitches", RS_LIST, NULL, "VSwitches", "VSwitch" },
		    { "GET", "/v1/vswitches/{id}", RS_ITEM, "VSwitchId", "VSwitches", "VSwitch", VL_INVALID_VSWITCH_ID_NOT_FOUND } },
	  .region_from = &region_of_vpc,
	  .doc = "Lists the caller's vSwitches: VSwitches.VSwitch[]." },
	{ "DescribeVSwitchAttributes", V_VPC, h_describe_vswitch_attributes, AF_REGIONAL, describe_vswitch_attributes_params,
	  .rest = { { "GET", "/v1/vswitches/{id}/attributes", RS_PLAIN, "VSwitchId" } },
	  .region_from = &region_of_vswitch,
	  .doc = "One vSwitch's attributes (what Terraform's alicloud_vswitch reads): the DescribeVSwitches item, flat." },
	{ "ModifyVSwitchAttribute", V_VPC, h_modify_vswitch_attribute, AF_MUTATES | AF_REGIONAL, modify_vswitch_params,
	  .rest = { { "PATCH", "/v1/vswitches/{id}", RS_PLAIN, "VSwitchId" } },
	  .region_from = &region_of_vswitch,
	  .doc = "Changes name or description of an Available vSwitch." },
	{ "DeleteVSwitch", V_VPC, h_delete_vswitch, AF_MUTATES | AF_REGIONAL, delete_vswitch_params,
	  .rest = { { "DELETE", "/v1/vswitches/{id}", RS_PLAIN, "VSwitchId" } },
	  .region_from = &region_of_vswitch,
	  .doc = "Deletes an Available vSwitch." },
	ACTIONS_END,
};
