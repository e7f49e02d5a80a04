/* Thin handlers of the VPN gateway actions: parameters in, model call, answer out. */
#include "handlers.h"

#include "vpn_gateway.h"

static int h_create_vpn_gateway(struct action_ctx *ctx)
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

static int h_describe_vpn_gateway(struct action_ctx *ctx)
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

static int h_describe_vpn_gateways(struct action_ctx *ctx)
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
	int rc = vpn_gateway_list(ctx->model, &filter, ctx->offset, ctx->limit,
				  param_bool(ctx, "IncludeReservationData", false), items, &total, ctx->err);

	return h_page_answer(ctx, rc, "VpnGateways", "VpnGateway", items, total);
}

static int h_modify_vpn_gateway_attribute(struct action_ctx *ctx)
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

static int h_delete_vpn_gateway(struct action_ctx *ctx)
{
	return vpn_gateway_delete(ctx->model, param_str(ctx, "VpnGatewayId"), ctx->err);
}

static int h_describe_vpn_gateway_available_zones(struct action_ctx *ctx)
{
	json_t *zones = vpn_gateway_available_zones(ctx->model);

	if (zones == NULL)
		return vl_err_set(ctx->err, VL_INVALID_REGION_ID_NOT_FOUND, NULL);
	json_object_set_new(ctx->response, "RegionId", json_string(ctx->model->region));
	json_object_set_new(ctx->response, "AvailableZoneIdList", zones);
	return 0;
}

/* ---- the action table ---- */

/*
 * Parameters are those of the SDK request models (vpc-20160428); none of these actions has DryRun,
 * and CreateVpnGateway takes no Tag or Description (see api-docs/research-vpn-gateway.md §2).
 *
 * REST: GET /v1/vpn-gateways/{id} runs DescribeVpnGateway, whose answer already is the gateway
 * itself (plus RequestId) and whose NotFound is the resource's own: RS_PLAIN, no list to pick the
 * item from.  DescribeVpnGatewayAvailableZones answers a flat array (AvailableZoneIdList[], no XML
 * double wrapper): RS_PLAIN too, its list named so that a request without RegionId lists every
 * region's zones.
 */
static const char *const vpngw_network_types[] = { "public", "private", NULL };
static const char *const vpngw_vpn_types[] = { "Normal", NULL };
static const char *const vpngw_charge_types[] = { "POSTPAY", "PREPAY", NULL };
static const char *const vpngw_gateway_types[] = { "Traditional", "Enhanced.SiteToSite", NULL };
static const char *const vpngw_specs[] = { "5M", "10M", "20M", "50M", "100M", "200M", "500M",
					   "1000M", NULL };
static const char *const vpngw_languages[] = { "zh-CN", "en-US", NULL };

static const struct param_spec create_vpn_gateway_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "an Available VPC of the caller" },
	{ "Bandwidth", PT_INTEGER, PF_REQUIRED, NULL, 0, 0, NULL,
	  "Mbit/s; public 5, 10, 20, 50, 100, 200, 500, 1000; private 200, 1000" },
	{ "VSwitchId", PT_STRING, 0, NULL, 0, 0, NULL,
	  "first tunnel's vSwitch (of the VPC); required in every emulated region (dual-tunnel)" },
	{ "DisasterRecoveryVSwitchId", PT_STRING, 0, NULL, 0, 0, NULL,
	  "second tunnel's vSwitch, in another zone (same vSwitch allowed in one-zone regions)" },
	{ "NetworkType", PT_STRING, 0, "public", 0, 0, vpngw_network_types, NULL },
	{ "EnableIpsec", PT_BOOLEAN, 0, "true", 0, 0, NULL, NULL },
	{ "EnableSsl", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	{ "SslConnections", PT_INTEGER, 0, NULL, 0, 0, NULL,
	  "5 (default), 10, 20, 50, 100, 200, 500, 1000; checked only when EnableSsl" },
	{ "InstanceChargeType", PT_STRING, 0, "POSTPAY", 0, 0, vpngw_charge_types, NULL },
	{ "Period", PT_INTEGER, 0, NULL, 0, 0, NULL, "months, 1-9, 12, 24, 36; required for PREPAY" },
	{ "AutoPay", PT_BOOLEAN, 0, "false", 0, 0, NULL,
	  "a PREPAY gateway without AutoPay stays init (unpaid order)" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL,
	  "2-100 characters, starts with a letter; default: the gateway ID" },
	{ "VpnType", PT_STRING, 0, "Normal", 0, 0, vpngw_vpn_types, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, "default: the account's default group" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec describe_vpn_gateway_params[] = {
	{ "VpnGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "IncludeReservationData", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec describe_vpn_gateways_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VpnGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Status", PT_STRING, 0, NULL, 0, 0, NULL, "init, provisioning, active, updating, deleting" },
	{ "BusinessStatus", PT_STRING, 0, NULL, 0, 0, NULL, "Normal, FinancialLocked" },
	{ "GatewayType", PT_STRING, 0, NULL, 0, 0, vpngw_gateway_types, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "IncludeReservationData", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec modify_vpn_gateway_params[] = {
	{ "VpnGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, "2-100 characters, starts with a letter" },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "AutoPropagate", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "a change makes the gateway updating" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec delete_vpn_gateway_params[] = {
	{ "VpnGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec describe_vpn_gateway_zones_params[] = {
	{ "Spec", PT_STRING, PF_REQUIRED, NULL, 0, 0, vpngw_specs, NULL },
	{ "AcceptLanguage", PT_STRING, 0, "en-US", 0, 0, vpngw_languages, NULL },
	{ "GatewayType", PT_STRING, 0, NULL, 0, 0, vpngw_gateway_types, NULL },
	PARAM_END,
};

const struct action vpn_gateway_actions[] = {
	{ "CreateVpnGateway", V_VPC, h_create_vpn_gateway, AF_MUTATES | AF_REGIONAL, create_vpn_gateway_params,
	  .rest = { { "POST", "/v1/vpn-gateways", RS_CREATE } },
	  .doc = "Creates a dual-tunnel VPN gateway (provisioning, then active): VpnGatewayId, Name, OrderId." },
	{ "DescribeVpnGateway", V_VPC, h_describe_vpn_gateway, AF_REGIONAL, describe_vpn_gateway_params,
	  .rest = { { "GET", "/v1/vpn-gateways/{id}", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Shows one VPN gateway of the caller." },
	{ "DescribeVpnGateways", V_VPC, h_describe_vpn_gateways, AF_REGIONAL | AF_PAGED, describe_vpn_gateways_params,
	  .rest = { { "GET", "/v1/vpn-gateways", RS_LIST, NULL, "VpnGateways", "VpnGateway" } },
	  .doc = "Lists the caller's VPN gateways: VpnGateways.VpnGateway[]." },
	{ "ModifyVpnGatewayAttribute", V_VPC, h_modify_vpn_gateway_attribute, AF_MUTATES | AF_REGIONAL, modify_vpn_gateway_params,
	  .rest = { { "PATCH", "/v1/vpn-gateways/{id}", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Changes name, description or AutoPropagate of an active VPN gateway." },
	{ "DeleteVpnGateway", V_VPC, h_delete_vpn_gateway, AF_MUTATES | AF_REGIONAL, delete_vpn_gateway_params,
	  .rest = { { "DELETE", "/v1/vpn-gateways/{id}", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Deletes an active VPN gateway without IPsec connections (DependencyViolation.VpnConnection)." },
	{ "DescribeVpnGatewayAvailableZones", V_VPC, h_describe_vpn_gateway_available_zones, AF_REGIONAL, describe_vpn_gateway_zones_params,
	  .rest = { { "GET", "/v1/vpn-gateway-zones", RS_PLAIN, NULL, "AvailableZoneIdList" } },
	  .doc = "Lists the zones of the region where VPN gateways can be created: AvailableZoneIdList[]." },
	ACTIONS_END,
};
