/* Thin handlers of the VPN gateway actions: parameters in, model call, answer out. */
#include "h_vpn_gateway.h"

#include "handlers.h"
#include "vpn_gateway.h"

int h_create_vpn_gateway(struct action_ctx *ctx)
{
	struct vpn_gateway_create_args args = {
		.vpc_id = param_str(ctx, "VpcId"),
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.dr_vswitch_id = param_str(ctx, "DisasterRecoveryVSwitchId"),
		.bandwidth = param_int(ctx, "Bandwidth", 0),
		.network_type = param_str(ctx, "NetworkType"),
		.enable_ipsec = param_bool(ctx, "EnableIpsec", true),
		.enable_ssl = param_bool(ctx, "EnableSsl", false),
		.ssl_connections = param_int(ctx, "SslConnections", 0),
		.instance_charge_type = param_str(ctx, "InstanceChargeType"),
		.period = param_int(ctx, "Period", 0),
		.auto_pay = param_bool(ctx, "AutoPay", false),
		.name = param_str(ctx, "Name"),
		.vpn_type = param_str(ctx, "VpnType"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
	};
	struct vpn_gateway gw;

	if (vpn_gateway_create(ctx->model, &args, &gw, ctx->err) < 0)
		return -1;
	json_object_set_new(ctx->response, "VpnGatewayId", json_string(gw.vpn_gateway_id));
	json_object_set_new(ctx->response, "Name", json_string(gw.name));
	json_object_set_new(ctx->response, "OrderId", json_integer(gw.order_id));
	return 0;
}

int h_describe_vpn_gateway(struct action_ctx *ctx)
{
	struct vpn_gateway gw;
	json_t *item;

	if (vpn_gateway_get(ctx->model, param_str(ctx, "VpnGatewayId"), &gw, ctx->err) < 0)
		return -1;
	item = vpn_gateway_to_json(ctx->model, &gw, param_bool(ctx, "IncludeReservationData", false));
	if (item == NULL)
		return model_store_error(ctx->model, ctx->err);
	json_object_update(ctx->response, item);
	json_decref(item);
	return 0;
}

int h_describe_vpn_gateways(struct action_ctx *ctx)
{
	struct vpn_gateway_filter filter = {
		.vpc_id = param_str(ctx, "VpcId"),
		.vpn_gateway_id = param_str(ctx, "VpnGatewayId"),
		.status = param_str(ctx, "Status"),
		.business_status = param_str(ctx, "BusinessStatus"),
		.gateway_type = param_str(ctx, "GatewayType"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;

	if (vpn_gateway_list(ctx->model, &filter, ctx->offset, ctx->limit,
			     param_bool(ctx, "IncludeReservationData", false), items, &total,
			     ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "VpnGateways", "VpnGateway", items, total);
	return 0;
}

int h_modify_vpn_gateway_attribute(struct action_ctx *ctx)
{
	struct vpn_gateway_modify_args args = {
		.vpn_gateway_id = param_str(ctx, "VpnGatewayId"),
		.name = param_str(ctx, "Name"),
		.description = param_str(ctx, "Description"),
		.auto_propagate = param_tristate(ctx, "AutoPropagate"),
	};
	struct vpn_gateway gw;
	json_t *item;

	if (vpn_gateway_modify(ctx->model, &args, &gw, ctx->err) < 0)
		return -1;
	item = vpn_gateway_attribute_json(ctx->model, &gw);
	json_object_update(ctx->response, item);
	json_decref(item);
	return 0;
}

int h_delete_vpn_gateway(struct action_ctx *ctx)
{
	return vpn_gateway_delete(ctx->model, param_str(ctx, "VpnGatewayId"), ctx->err);
}

int h_describe_vpn_gateway_available_zones(struct action_ctx *ctx)
{
	json_t *zones = vpn_gateway_available_zones(ctx->model);

	if (zones == NULL)
		return vl_err_set(ctx->err, VL_INVALID_REGION_ID_NOT_FOUND, NULL);
	json_object_set_new(ctx->response, "RegionId", json_string(ctx->model->region));
	json_object_set_new(ctx->response, "AvailableZoneIdList", zones);
	return 0;
}
