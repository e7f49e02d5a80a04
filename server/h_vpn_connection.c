#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_connection_log.h"
#include "vpn_gateway.h"

/* The TunnelOptionsSpecification.N.* leaves (form body; undeclared, so passed through in ctx->params). */
static int collect_tunnels(const struct action_ctx *ctx, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			   int *count)
{
	const struct list_source params = action_list_source(ctx->params);

	return ipsec_tunnel_specs_read(&params, specs, count, ctx->err);
}

/* The answer of both create actions. */
static void created(struct action_ctx *ctx, const struct vpn_connection *c)
{
	json_object_set_new(ctx->response, "VpnConnectionId", json_string(c->vpn_connection_id));
	json_object_set_new(ctx->response, "Name", json_string(c->name));
	json_object_set_new(ctx->response, "CreateTime", json_integer(c->created_ms));
}

static void fill_create_args(const struct action_ctx *ctx, struct vpn_connection_create_args *a,
			     const struct ipsec_tunnel_spec *specs, int count)
{
	a->customer_gateway_id = param_str(ctx, "CustomerGatewayId");
	a->local_subnet = param_str(ctx, "LocalSubnet");
	a->remote_subnet = param_str(ctx, "RemoteSubnet");
	a->name = param_str(ctx, "Name");
	a->ike_config = param_str(ctx, "IkeConfig");
	a->ipsec_config = param_str(ctx, "IpsecConfig");
	a->health_check_config = param_str(ctx, "HealthCheckConfig");
	a->bgp_config = param_str(ctx, "BgpConfig");
	a->effect_immediately = param_bool(ctx, "EffectImmediately", false);
	a->auto_config_route = param_bool(ctx, "AutoConfigRoute", true);
	a->enable_dpd = param_bool(ctx, "EnableDpd", true);
	a->enable_nat_traversal = param_bool(ctx, "EnableNatTraversal", true);
	a->enable_tunnels_bgp = param_bool(ctx, "EnableTunnelsBgp", false);
	a->tunnels = specs;
	a->tunnel_count = count;
	a->tags = ctx->tags;
}

static int h_create_vpn_connection(struct action_ctx *ctx)
{
	struct vpn_connection_create_args args = { 0 };
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection *c;
	int count = 0, rc = -1;

	if (collect_tunnels(ctx, specs, &count) < 0)
		return -1;
	fill_create_args(ctx, &args, specs, count);
	args.vpn_gateway_id = param_str(ctx, "VpnGatewayId");
	args.remote_ca_certificate = param_str(ctx, "RemoteCaCertificate");
	c = malloc(sizeof(*c));
	if (c == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_create(ctx->model, &args, c, ctx->err) == 0) {
		created(ctx, c);
		rc = 0;
	}
	free(c);
	return rc;
}

static int h_create_vpn_attachment(struct action_ctx *ctx)
{
	struct vpn_connection_create_args args = { 0 };
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection *c;
	int count = 0, rc = -1;

	if (collect_tunnels(ctx, specs, &count) < 0)
		return -1;
	fill_create_args(ctx, &args, specs, count);
	args.vpn_gateway_id = NULL; /* unbound: a transit router attaches it later */
	args.network_type = param_str(ctx, "NetworkType");
	args.resource_group_id = param_str(ctx, "ResourceGroupId");
	args.tunnel_bandwidth = param_str(ctx, "TunnelBandwidth");
	c = malloc(sizeof(*c));
	if (c == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_create(ctx->model, &args, c, ctx->err) == 0) {
		created(ctx, c);
		/* this action's answer also carries a task result (CreateVpnAttachmentResponseBody) */
		json_object_set_new(ctx->response, "Code", json_string("200"));
		json_object_set_new(ctx->response, "Message", json_string("successful"));
		json_object_set_new(ctx->response, "Success", json_true());
		rc = 0;
	}
	free(c);
	return rc;
}

/* Merges the answer object of c into ctx->response. */
static int answer(struct action_ctx *ctx, const struct vpn_connection *c, enum vpn_connection_json_style style)
{
	json_t *o = vpn_connection_to_json(ctx->model, c, style);

	if (o == NULL)
		return model_store_error(ctx->model, ctx->err);
	json_object_update(ctx->response, o);
	json_decref(o);
	return 0;
}

static int h_describe_vpn_connection(struct action_ctx *ctx)
{
	struct vpn_connection *c = malloc(sizeof(*c));
	int rc = -1;

	if (c == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(ctx->model, param_str(ctx, "VpnConnectionId"), c, ctx->err) == 0)
		rc = answer(ctx, c, VCO_JSON_DESCRIBE);
	free(c);
	return rc;
}

static int h_describe_vpn_connections(struct action_ctx *ctx)
{
	struct vpn_connection_filter filter = {
		.vpn_gateway_id = param_str(ctx, "VpnGatewayId"),
		.customer_gateway_id = param_str(ctx, "CustomerGatewayId"),
		.vpn_connection_id = param_str(ctx, "VpnConnectionId"),
		.resource_group_id = param_str(ctx, "ResourceGroupId"),
		.tags = ctx->tags,
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = vpn_connection_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_page_answer(ctx, rc, "VpnConnections", "VpnConnection", items, total);
}

/*
 * Both Modify actions; an attachment's (attachment true) names only a connection made by
 * CreateVpnAttachment and answers where it is attached too.
 */
static int modify(struct action_ctx *ctx, bool attachment)
{
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection_modify_args args = {
		.vpn_connection_id = param_str(ctx, "VpnConnectionId"),
		.name = param_str(ctx, "Name"),
		.local_subnet = param_str(ctx, "LocalSubnet"),
		.remote_subnet = param_str(ctx, "RemoteSubnet"),
		.ike_config = param_str(ctx, "IkeConfig"),
		.ipsec_config = param_str(ctx, "IpsecConfig"),
		.health_check_config = param_str(ctx, "HealthCheckConfig"),
		.bgp_config = param_str(ctx, "BgpConfig"),
		.effect_immediately = param_tristate(ctx, "EffectImmediately"),
		.auto_config_route = param_tristate(ctx, "AutoConfigRoute"),
		.enable_dpd = param_tristate(ctx, "EnableDpd"),
		.enable_nat_traversal = param_tristate(ctx, "EnableNatTraversal"),
		.enable_tunnels_bgp = param_tristate(ctx, "EnableTunnelsBgp"),
		.remote_ca_certificate = param_str(ctx, "RemoteCaCertificate"),
		.tunnels = specs,
	};
	struct vpn_connection *c;
	int rc = -1;

	if (collect_tunnels(ctx, specs, &args.tunnel_count) < 0)
		return -1;
	c = malloc(sizeof(*c));
	if (c == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if ((!attachment || vpn_attachment_get(ctx->model, args.vpn_connection_id, c, ctx->err) == 0) &&
	    vpn_connection_modify(ctx->model, &args, c, ctx->err) == 0)
		rc = answer(ctx, c, attachment ? VCO_JSON_MODIFY_ATTACHMENT : VCO_JSON_MODIFY);
	free(c);
	return rc;
}

static int h_modify_vpn_connection_attribute(struct action_ctx *ctx)
{
	return modify(ctx, false);
}

static int h_modify_vpn_attachment_attribute(struct action_ctx *ctx)
{
	return modify(ctx, true);
}

static int h_describe_vpn_attachments(struct action_ctx *ctx)
{
	struct vpn_connection_filter filter = {
		.vpn_connection_id = param_str(ctx, "VpnConnectionId"),
		.attach_type = param_str(ctx, "AttachType"),
	};
	json_t *items = json_array();
	int64_t total = 0;

	if (vpn_connection_list_styled(ctx->model, &filter, ctx->offset, ctx->limit, VCO_JSON_ATTACHMENT, items,
				       &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	/* unlike the other Describe lists, a flat array */
	json_object_set_new(ctx->response, "TotalCount", json_integer(total));
	json_object_set_new(ctx->response, "PageNumber", json_integer(ctx->page_number));
	json_object_set_new(ctx->response, "PageSize", json_integer(ctx->page_size));
	json_object_set_new(ctx->response, "VpnAttachments", items);
	return 0;
}

static int h_delete_vpn_attachment(struct action_ctx *ctx)
{
	struct vpn_connection *c = malloc(sizeof(*c));
	int rc;

	if (c == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	/* refused while attached to a transit router (vpn_connection_delete says so) */
	rc = vpn_attachment_get(ctx->model, param_str(ctx, "VpnConnectionId"), c, ctx->err);
	free(c);
	if (rc < 0)
		return -1;
	return vpn_connection_delete(ctx->model, param_str(ctx, "VpnConnectionId"), ctx->err);
}

static int h_delete_vpn_connection(struct action_ctx *ctx)
{
	return vpn_connection_delete(ctx->model, param_str(ctx, "VpnConnectionId"), ctx->err);
}

static int h_download_vpn_connection_config(struct action_ctx *ctx)
{
	struct vpn_connection_config *cfg = malloc(sizeof(*cfg));
	json_t *o;
	int rc = -1;

	if (cfg == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_config_load(ctx->model, param_str(ctx, "VpnConnectionId"), cfg, ctx->err) < 0)
		goto out;
	if ((o = vpn_connection_config_to_json(cfg)) == NULL) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	json_object_set_new(ctx->response, "VpnConnectionConfig", o);
	rc = 0;
out:
	free(cfg);
	return rc;
}

static int h_lab_download_customer_swanctl_config(struct action_ctx *ctx)
{
	struct vpn_connection_config *cfg = malloc(sizeof(*cfg));
	char *text = NULL;
	int rc = -1;

	if (cfg == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_config_load(ctx->model, param_str(ctx, "VpnConnectionId"), cfg, ctx->err) < 0 ||
	    vpn_connection_config_swanctl(cfg, &text, ctx->err) < 0)
		goto out;
	/* the text is made of validated parameters (UTF-8); jansson checks it once more */
	if (json_object_set_new(ctx->response, "VpnConnectionId", json_string(cfg->vpn_connection_id)) < 0 ||
	    json_object_set_new(ctx->response, "SwanctlConf", json_string(text)) < 0) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	rc = 0;
out:
	free(text);
	free(cfg);
	return rc;
}

/* An optional integer parameter: -1 when absent (the action table bounds it at 0 or more). */
static int64_t optional_int(const struct action_ctx *ctx, const char *name)
{
	const char *v = param_str(ctx, name);

	return v == NULL || *v == '\0' ? -1 : param_int(ctx, name, -1);
}

static int h_describe_vpn_connection_logs(struct action_ctx *ctx)
{
	int64_t page_number = param_int(ctx, "PageNumber", 1), page_size = param_int(ctx, "PageSize", 10);
	struct vpn_connection_log_query q = {
		.vpn_connection_id = param_str(ctx, "VpnConnectionId"),
		.tunnel_id = param_str(ctx, "TunnelId"),
		.from = optional_int(ctx, "From"),
		.to = optional_int(ctx, "To"),
		.minute_period = optional_int(ctx, "MinutePeriod"),
		.offset = (page_number - 1) * page_size,
		.limit = page_size,
	};
	json_t *logs = json_array();

	if (logs == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_log_query(ctx->model, &q, logs, ctx->err) < 0) {
		json_decref(logs);
		return -1;
	}
	json_object_set_new(ctx->response, "Count", json_integer((json_int_t)json_array_size(logs)));
	/* the store answers every line of the window: the query is complete */
	json_object_set_new(ctx->response, "IsCompleted", json_true());
	json_object_set_new(ctx->response, "PageNumber", json_integer(page_number));
	json_object_set_new(ctx->response, "PageSize", json_integer(page_size));
	json_put_wrapped(ctx->response, "Data", "Logs", logs);
	return 0;
}

/* ---- the action table ---- */

/*
 * IPsec-VPN connections (VPC API 2016-04-28).  Parameters from the SDK request models
 * (alibabacloud-go-sdk vpc-20160428); rules in model/ipsec_config.c and model/vpn_connection.c;
 * sources in api-docs/research-vpn-connection.md. TunnelOptionsSpecification.N.* leaves are read
 * from the passed-through parameters by the handler; the row below only documents them.
 *
 * REST: GET /v1/vpn-connections/{id} runs DescribeVpnConnection (the connection itself plus
 * RequestId, or its own NotFound): RS_PLAIN.  CreateVpnAttachment makes a connection bound to no
 * gateway; it has its own collection for creating only, as it is listed, read, changed and deleted
 * as a connection.  Nested JSON bodies flatten to the RPC names
 * (TunnelOptionsSpecification.1.TunnelIkeConfig.Psk); IkeConfig and the other JSON-typed
 * parameters may be given as JSON objects (rest_body_to_params). The customer device's settings
 * (DownloadVpnConnectionConfig) and the connection's log lines (DescribeVpnConnectionLogs, its
 * window and page in the query) are read-only sub-resources of the connection.
 * LabDownloadCustomerSwanctlConfig is a vpnlab extension with no cloud equivalent, so it lives
 * under /v1/lab/ where no cloud resource name can collide with it.
 */
#define VCO_TUNNEL_OPTIONS                                                                           \
	{ "TunnelOptionsSpecification", PT_LIST, 0, NULL, 0, 0, NULL,                               \
	  "dual-tunnel form, N = 1, 2 (form body): .N.CustomerGatewayId, .N.Role (master/slave), "   \
	  ".N.EnableDpd, .N.EnableNatTraversal, .N.RemoteCaCertificate, "                           \
	  ".N.TunnelIkeConfig.{Psk,IkeVersion,IkeMode,IkeEncAlg,IkeAuthAlg,IkePfs,IkeLifetime,LocalId,RemoteId}, " \
	  ".N.TunnelIpsecConfig.{IpsecEncAlg,IpsecAuthAlg,IpsecPfs,IpsecLifetime}, "               \
	  ".N.TunnelBgpConfig.{LocalAsn,TunnelCidr,LocalBgpIp}", &ipsec_tunnel_options_list }

#define VCO_CONFIG_PARAMS                                                                            \
	{ "IkeConfig", PT_JSON, 0, NULL, 0, 0, NULL,                                                \
	  "single-tunnel: JSON {Psk, IkeVersion ikev1/ikev2, IkeMode main/aggressive, IkeEncAlg, "  \
	  "IkeAuthAlg, IkePfs group1/2/5/14, IkeLifetime 0-86400, LocalId, RemoteId}; keys in any " \
	  "case, each once (this holds for the four JSON parameters; a dual-tunnel connection does " \
	  "not use them but refuses a malformed one: InvalidIkeConfig, …)" },                       \
	{ "IpsecConfig", PT_JSON, 0, NULL, 0, 0, NULL,                                              \
	  "single-tunnel: JSON {IpsecEncAlg, IpsecAuthAlg, IpsecPfs disabled/group1/2/5/14, IpsecLifetime 0-86400}" }, \
	{ "HealthCheckConfig", PT_JSON, 0, NULL, 0, 0, NULL,                                        \
	  "single-tunnel: JSON {enable, dip, sip, interval (3), retry (3), Policy revoke_route/reserve_route}" }, \
	{ "BgpConfig", PT_JSON, 0, NULL, 0, 0, NULL,                                                \
	  "single-tunnel: JSON {EnableBgp, LocalAsn (45104), TunnelCidr (/30 in 169.254.0.0/16), LocalBgpIp}" }

static const char *const vco_network_types[] = { "public", "private", NULL };
static const char *const vco_tunnel_bandwidths[] = { "Standard", "Large", NULL };

/* RegionId may be left out when the request names the connection or its gateway. */
static const struct region_source vco_region_of_gateway = {
	"VpnGatewayId", vpn_gateway_region, VL_VPNGW_NOT_FOUND,
};
static const struct region_source region_of_vpn_connection = {
	"VpnConnectionId", vpn_connection_region, VL_VCO_NOT_FOUND,
};

static const struct param_spec create_vpn_connection_params[] = {
	{ "VpnGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "CustomerGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, "single-tunnel form (required there)" },
	{ "LocalSubnet", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "comma-separated CIDRs (VPC side); 0.0.0.0/0 on both sides: destination routing" },
	{ "RemoteSubnet", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "comma-separated CIDRs (peer side)" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "EffectImmediately", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	VCO_CONFIG_PARAMS,
	{ "AutoConfigRoute", PT_BOOLEAN, 0, "true", 0, 0, NULL, "a route per RemoteSubnet CIDR" },
	{ "EnableDpd", PT_BOOLEAN, 0, "true", 0, 0, NULL, "single-tunnel form" },
	{ "EnableNatTraversal", PT_BOOLEAN, 0, "true", 0, 0, NULL, "single-tunnel form" },
	{ "EnableTunnelsBgp", PT_BOOLEAN, 0, "false", 0, 0, NULL, "dual-tunnel form" },
	{ "RemoteCaCertificate", PT_STRING, 0, NULL, 0, 0, NULL, "SM gateways only; empty for standard gateways" },
	VCO_TUNNEL_OPTIONS,
	{ "Tags", PT_TAGS, 0, NULL, 0, 0, NULL, "Tags.N.Key / Tags.N.Value, up to 20" },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec create_vpn_attachment_params[] = {
	{ "CustomerGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, "single-tunnel form (required there)" },
	{ "LocalSubnet", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "comma-separated CIDRs" },
	{ "RemoteSubnet", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "comma-separated CIDRs" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" },
	{ "NetworkType", PT_STRING, 0, "public", 0, 0, vco_network_types, NULL },
	{ "EffectImmediately", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	VCO_CONFIG_PARAMS,
	{ "AutoConfigRoute", PT_BOOLEAN, 0, "true", 0, 0, NULL, NULL },
	{ "EnableDpd", PT_BOOLEAN, 0, "true", 0, 0, NULL, "single-tunnel form" },
	{ "EnableNatTraversal", PT_BOOLEAN, 0, "true", 0, 0, NULL, "single-tunnel form" },
	{ "EnableTunnelsBgp", PT_BOOLEAN, 0, "false", 0, 0, NULL, "dual-tunnel form" },
	{ "RemoteCaCert", PT_STRING, 0, NULL, 0, 0, NULL, "accepted, not in effect (as documented)" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TunnelBandwidth", PT_STRING, 0, "Standard", 0, 0, vco_tunnel_bandwidths, NULL },
	VCO_TUNNEL_OPTIONS,
	{ "Tags", PT_TAGS, 0, NULL, 0, 0, NULL, "Tags.N.Key / Tags.N.Value, up to 20" },
	{ "Tag", PT_TAGS, 0, NULL, 0, 0, NULL,
	  "Tag.N.Key / Tag.N.Value, as Terraform sends them; with Tags.N, up to 20 in all" },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vpn_connection_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec describe_vpn_connections_params[] = {
	{ "VpnGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "CustomerGatewayId", PT_STRING, 0, NULL, 0, 0, NULL, "the connection's or one of its tunnels'" },
	{ "VpnConnectionId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec modify_vpn_connection_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "LocalSubnet", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RemoteSubnet", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "EffectImmediately", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	VCO_CONFIG_PARAMS,
	{ "AutoConfigRoute", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "true: routes for RemoteSubnet CIDRs added now" },
	{ "EnableDpd", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "single-tunnel form" },
	{ "EnableNatTraversal", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "single-tunnel form" },
	{ "EnableTunnelsBgp", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "dual-tunnel form" },
	{ "RemoteCaCertificate", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	VCO_TUNNEL_OPTIONS,
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec delete_vpn_connection_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec download_vpn_connection_config_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

/* vpnlab extension: no cloud action has this name or answer */
static const struct param_spec lab_download_customer_swanctl_config_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

/*
 * DescribeVpnConnectionLogs pages with PageNumber/PageSize but answers no TotalCount (Count
 * is the number of lines on the page), so it declares its paging itself rather than AF_PAGED.
 */
static const struct param_spec describe_vpn_connection_logs_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TunnelId", PT_STRING, 0, NULL, 0, 0, NULL, "dual-tunnel connections only; default: every tunnel" },
	{ "From", PT_INTEGER, 0, NULL, 0, 2147483647, NULL, "UNIX seconds; needs To or MinutePeriod" },
	{ "To", PT_INTEGER, 0, NULL, 0, 2147483647, NULL, "UNIX seconds; needs From or MinutePeriod" },
	{ "MinutePeriod", PT_INTEGER, 0, NULL, 1, 10, NULL,
	  "minutes; with From: forward, with To: backward, alone: up to now" },
	{ "PageNumber", PT_INTEGER, 0, "1", 1, 1000000000, NULL, NULL },
	{ "PageSize", PT_INTEGER, 0, "10", 1, 50, NULL, NULL },
	PARAM_END,
};

static const char *const vpn_attach_types[] = { "CEN", NULL };

static const struct param_spec describe_vpn_attachments_params[] = {
	{ "AttachType", PT_STRING, 0, "CEN", 0, 0, vpn_attach_types, "CEN (the only value): attached to a transit router" },
	{ "VpnConnectionId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

/* CustomerGatewayId and NetworkType are not taken: a connection keeps both here. */
static const struct param_spec modify_vpn_attachment_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a connection made by CreateVpnAttachment" },
	{ "Name", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "LocalSubnet", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "RemoteSubnet", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "EffectImmediately", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	VCO_CONFIG_PARAMS,
	{ "AutoConfigRoute", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	{ "EnableDpd", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "single-tunnel form" },
	{ "EnableNatTraversal", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "single-tunnel form" },
	{ "EnableTunnelsBgp", PT_BOOLEAN, 0, NULL, 0, 0, NULL, "dual-tunnel form" },
	VCO_TUNNEL_OPTIONS,
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec delete_vpn_attachment_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a connection made by CreateVpnAttachment" },
	CLIENT_TOKEN, PARAM_END,
};

const struct action vpn_connection_actions[] = {
	{ "CreateVpnConnection", V_VPC, h_create_vpn_connection, AF_MUTATES | AF_REGIONAL, create_vpn_connection_params,
	  .rest = { { "POST", "/v1/vpn-connections", RS_CREATE } },
	  .region_from = &vco_region_of_gateway,
	  .doc = "Creates an IPsec-VPN connection on a VPN gateway (single- or dual-tunnel, as the gateway); "
		  "the gateway shows updating meanwhile." },
	{ "CreateVpnAttachment", V_VPC, h_create_vpn_attachment, AF_MUTATES | AF_REGIONAL, create_vpn_attachment_params,
	  .rest = { { "POST", "/v1/vpn-attachments", RS_CREATE } },
	  .region_from = NULL,
	  .doc = "Creates an IPsec-VPN connection bound to nothing (State init, AttachType NO_ASSOCIATED), "
		  "for a transit router." },
	{ "DescribeVpnAttachments", V_VPC, h_describe_vpn_attachments, AF_REGIONAL | AF_PAGED, describe_vpn_attachments_params,
	  .rest = { { "GET", "/v1/vpn-attachments", RS_PLAIN } },
	  .region_from = NULL,
	  .doc = "Lists the caller's IPsec-VPN connections attached to transit routers: VpnAttachments[] (flat)." },
	{ "ModifyVpnAttachmentAttribute", V_VPC, h_modify_vpn_attachment_attribute, AF_MUTATES | AF_REGIONAL, modify_vpn_attachment_params,
	  .rest = { { "PATCH", "/v1/vpn-attachments/{id}", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Changes a connection made by CreateVpnAttachment; answers it with where it is attached." },
	{ "DeleteVpnAttachment", V_VPC, h_delete_vpn_attachment, AF_MUTATES | AF_REGIONAL, delete_vpn_attachment_params,
	  .rest = { { "DELETE", "/v1/vpn-attachments/{id}", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Deletes a connection made by CreateVpnAttachment; refused while a transit router holds it." },
	{ "DescribeVpnConnection", V_VPC, h_describe_vpn_connection, AF_REGIONAL, describe_vpn_connection_params,
	  .rest = { { "GET", "/v1/vpn-connections/{id}", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Shows one IPsec-VPN connection." },
	{ "DescribeVpnConnections", V_VPC, h_describe_vpn_connections, AF_REGIONAL | AF_PAGED, describe_vpn_connections_params,
	  .rest = { { "GET", "/v1/vpn-connections", RS_LIST, NULL, "VpnConnections", "VpnConnection" } },
	  .region_from = NULL,
	  .doc = "Lists the caller's IPsec-VPN connections: VpnConnections.VpnConnection[]." },
	{ "ModifyVpnConnectionAttribute", V_VPC, h_modify_vpn_connection_attribute, AF_MUTATES | AF_REGIONAL, modify_vpn_connection_params,
	  .rest = { { "PATCH", "/v1/vpn-connections/{id}", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Changes an IPsec-VPN connection and answers the whole updated connection." },
	{ "DeleteVpnConnection", V_VPC, h_delete_vpn_connection, AF_MUTATES | AF_REGIONAL, delete_vpn_connection_params,
	  .rest = { { "DELETE", "/v1/vpn-connections/{id}", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Deletes an IPsec-VPN connection." },
	{ "DownloadVpnConnectionConfig", V_VPC, h_download_vpn_connection_config, AF_REGIONAL, download_vpn_connection_config_params,
	  .rest = { { "GET", "/v1/vpn-connections/{id}/config", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "The customer device's settings of an IPsec-VPN connection (Local = customer gateway): "
		  "VpnConnectionConfig{Local, Remote, LocalSubnet, RemoteSubnet, IkeConfig, IpsecConfig} or, "
		  "dual-tunnel, TunnelsConfig.TunnelConfig[]; BgpConfigs.BgpConfig[] with BGP." },
	{ "LabDownloadCustomerSwanctlConfig", V_VPC, h_lab_download_customer_swanctl_config, AF_REGIONAL, lab_download_customer_swanctl_config_params,
	  .rest = { { "GET", "/v1/lab/vpn-connections/{id}/customer-swanctl-conf", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "vpnlab extension (no cloud equivalent): a strongSwan swanctl.conf for the customer "
		  "gateway of an IPsec-VPN connection: {VpnConnectionId, SwanctlConf}." },
	{ "DescribeVpnConnectionLogs", V_VPC, h_describe_vpn_connection_logs, AF_REGIONAL, describe_vpn_connection_logs_params,
	  .rest = { { "GET", "/v1/vpn-connections/{id}/logs", RS_PLAIN, "VpnConnectionId" } },
	  .region_from = &region_of_vpn_connection,
	  .doc = "Log lines of an IPsec-VPN connection reported by the data plane, oldest first: Count, "
		  "IsCompleted, Data.Logs[], PageNumber, PageSize." },
	ACTIONS_END,
};
