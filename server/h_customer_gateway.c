/* Thin handlers for the customer gateway actions: parameters in, model call, answer out. */
#include "h_customer_gateway.h"

#include "customer_gateway.h"
#include "handlers.h"

int h_create_customer_gateway(struct action_ctx *ctx)
{
	struct customer_gateway_create_args args = {
		.ip_address = param_str(ctx, "IpAddress"),
		.asn = param_str(ctx, "Asn"),
		.auth_key = param_str(ctx, "AuthKey"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	struct customer_gateway g;

	if (customer_gateway_create(ctx->model, &args, &g, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "CustomerGatewayId", g.customer_gateway_id);
	json_put_str(ctx->response, "IpAddress", g.ip_address);
	json_put_str(ctx->response, "Name", g.name);
	json_put_str(ctx->response, "Description", g.description);
	json_put_int(ctx->response, "CreateTime", g.created_ms);
	return 0;
}

int h_describe_customer_gateway(struct action_ctx *ctx)
{
	struct customer_gateway g;
	json_t *item;

	if (customer_gateway_get(ctx->model, param_str(ctx, "CustomerGatewayId"), &g, ctx->err) < 0)
		return -1;
	if ((item = customer_gateway_to_json(ctx->model, &g)) == NULL)
		return model_store_error(ctx->model, ctx->err);
	json_object_update(ctx->response, item);
	json_decref(item);
	return 0;
}

int h_describe_customer_gateways(struct action_ctx *ctx)
{
	struct customer_gateway_filter filter = {
		.customer_gateway_id = param_str(ctx, "CustomerGatewayId"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;

	if (customer_gateway_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total,
				  ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "CustomerGateways", "CustomerGateway", items, total);
	return 0;
}

int h_modify_customer_gateway_attribute(struct action_ctx *ctx)
{
	struct customer_gateway_modify_args args = {
		.customer_gateway_id = param_str(ctx, "CustomerGatewayId"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.auth_key = param_str(ctx, "AuthKey"),
	};
	struct customer_gateway g;

	if (customer_gateway_modify(ctx->model, &args, &g, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "CustomerGatewayId", g.customer_gateway_id);
	json_put_str(ctx->response, "Name", g.name);
	json_put_str(ctx->response, "Description", g.description);
	json_put_str(ctx->response, "IpAddress", g.ip_address);
	json_put_int(ctx->response, "CreateTime", g.created_ms);
	json_put_str(ctx->response, "ResourceGroupId", g.resource_group_id);
	return 0;
}

int h_delete_customer_gateway(struct action_ctx *ctx)
{
	return customer_gateway_delete(ctx->model, param_str(ctx, "CustomerGatewayId"), ctx->err);
}
