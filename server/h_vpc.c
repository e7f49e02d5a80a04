#include "handlers.h"
#include "vpc.h"

void h_set_page(struct action_ctx *ctx, const char *outer, const char *inner, json_t *items,
		int64_t total)
{
	json_object_set_new(ctx->response, "TotalCount", json_integer(total));
	json_object_set_new(ctx->response, "PageNumber", json_integer(ctx->page_number));
	json_object_set_new(ctx->response, "PageSize", json_integer(ctx->page_size));
	json_object_set_new(ctx->response, outer, json_pack("{s:o}", inner, items));
}

int h_create_vpc(struct action_ctx *ctx)
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

int h_describe_vpcs(struct action_ctx *ctx)
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

	if (vpc_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "Vpcs", "Vpc", items, total);
	return 0;
}

int h_modify_vpc_attribute(struct action_ctx *ctx)
{
	struct vpc_modify_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.name = param_str(ctx, "VpcName"),
		.description = param_str(ctx, "Description"),
		.cidr_block = param_str(ctx, "CidrBlock"),
	};

	return vpc_modify(ctx->model, &args, ctx->err);
}

int h_delete_vpc(struct action_ctx *ctx)
{
	return vpc_delete(ctx->model, param_str(ctx, "VpcId"), ctx->err);
}
