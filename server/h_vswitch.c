#include "handlers.h"
#include "vswitch.h"

int h_create_vswitch(struct action_ctx *ctx)
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

int h_describe_vswitches(struct action_ctx *ctx)
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

	if (vswitch_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total,
			 ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "VSwitches", "VSwitch", items, total);
	return 0;
}

int h_modify_vswitch_attribute(struct action_ctx *ctx)
{
	struct vswitch_modify_args args = {
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.name = param_str(ctx, "VSwitchName"),
		.description = param_str(ctx, "Description"),
	};

	return vswitch_modify(ctx->model, &args, ctx->err);
}

int h_delete_vswitch(struct action_ctx *ctx)
{
	return vswitch_delete(ctx->model, param_str(ctx, "VSwitchId"), ctx->err);
}

int h_describe_vswitch_attributes(struct action_ctx *ctx)
{
	struct vswitch s;
	json_t *item;

	if (vswitch_get(ctx->model, param_str(ctx, "VSwitchId"), &s, ctx->err) < 0)
		return -1;
	/* the attribute answer is the DescribeVSwitches item, flat in the response */
	if ((item = vswitch_to_json(ctx->model, &s)) == NULL)
		return model_store_error(ctx->model, ctx->err);
	json_object_update(ctx->response, item);
	json_decref(item);
	return 0;
}
