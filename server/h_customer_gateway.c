/* Thin handlers for the customer gateway actions: parameters in, model call, answer out. */
#include "handlers.h"

#include "customer_gateway.h"

static int h_create_customer_gateway(struct action_ctx *ctx)
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

static int h_describe_customer_gateway(struct action_ctx *ctx)
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

static int h_describe_customer_gateways(struct action_ctx *ctx)
{
	struct customer_gateway_filter filter = {
		.customer_gateway_id = param_str(ctx, "CustomerGatewayId"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = customer_gateway_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_page_answer(ctx, rc, "CustomerGateways", "CustomerGateway", items, total);
}

static int h_modify_customer_gateway_attribute(struct action_ctx *ctx)
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

static int h_delete_customer_gateway(struct action_ctx *ctx)
{
	return customer_gateway_delete(ctx->model, param_str(ctx, "CustomerGatewayId"), ctx->err);
}

/* ---- the action table ---- */

/*
 * Parameters as the SDK models name them (vpc-20160428): CreateCustomerGateway takes its tags as
 * Tags.N, DescribeCustomerGateways filters by Tag.N.  None of these take DryRun.
 *
 * REST: GET /v1/customer-gateways/{id} runs DescribeCustomerGateway, which answers the gateway
 * itself (plus RequestId) or its own NotFound: RS_PLAIN.
 */
static const struct param_spec create_customer_gateway_params[] = {
	{ "IpAddress", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "IPv4 of the customer device; not 100.64/10, 127/8, 169.254/16, 224/4, 255/8; one per account and region" },
	{ "Asn", PT_STRING, 0, NULL, 0, 0, NULL, "1-4294967295 or high.low; not 45104" },
	{ "AuthKey", PT_STRING, 0, NULL, 0, 0, NULL, "BGP MD5 key: 1-64 ASCII, no spaces or '?'" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Tags", PT_TAGS, 0, NULL, 0, 0, NULL, "tags (up to 20)" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec describe_customer_gateway_params[] = {
	{ "CustomerGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec describe_customer_gateways_params[] = {
	{ "CustomerGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec modify_customer_gateway_params[] = {
	{ "CustomerGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "AuthKey", PT_STRING, 0, NULL, 0, 0, NULL, "BGP MD5 key: 1-64 ASCII, no spaces or '?'" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec delete_customer_gateway_params[] = {
	{ "CustomerGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "no IPsec connection may use it" },
	CLIENT_TOKEN, PARAM_END,
};

const struct action customer_gateway_actions[] = {
	{ "CreateCustomerGateway", V_VPC, h_create_customer_gateway, AF_MUTATES | AF_REGIONAL, create_customer_gateway_params,
	  .rest = { { "POST", "/v1/customer-gateways", RS_CREATE } },
	  .doc = "Creates a customer gateway (cgw-…) for a device address." },
	{ "DescribeCustomerGateway", V_VPC, h_describe_customer_gateway, AF_REGIONAL, describe_customer_gateway_params,
	  .rest = { { "GET", "/v1/customer-gateways/{id}", RS_PLAIN, "CustomerGatewayId" } },
	  .doc = "Shows one customer gateway: IpAddress, Asn, AuthKey, Tags." },
	{ "DescribeCustomerGateways", V_VPC, h_describe_customer_gateways, AF_REGIONAL | AF_PAGED, describe_customer_gateways_params,
	  .rest = { { "GET", "/v1/customer-gateways", RS_LIST, NULL, "CustomerGateways", "CustomerGateway" } },
	  .doc = "Lists the caller's customer gateways: CustomerGateways.CustomerGateway[]." },
	{ "ModifyCustomerGatewayAttribute", V_VPC, h_modify_customer_gateway_attribute, AF_MUTATES | AF_REGIONAL, modify_customer_gateway_params,
	  .rest = { { "PATCH", "/v1/customer-gateways/{id}", RS_PLAIN, "CustomerGatewayId" } },
	  .doc = "Changes name, description or BGP key of a customer gateway." },
	{ "DeleteCustomerGateway", V_VPC, h_delete_customer_gateway, AF_MUTATES | AF_REGIONAL, delete_customer_gateway_params,
	  .rest = { { "DELETE", "/v1/customer-gateways/{id}", RS_PLAIN, "CustomerGatewayId" } },
	  .doc = "Deletes a customer gateway no connection uses (DependencyViolation.VpnConnection)." },
	ACTIONS_END,
};
