#include "h_vpn_connection.h"

#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_connection_log.h"

/*
 * Gathers the TunnelOptionsSpecification.N.* leaves (form body; undeclared, so passed
 * through in ctx->params) and hands them to the model's collector.  Returns 0 or -1.
 */
static int collect_tunnels(const struct action_ctx *ctx, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			   int *count)
{
	static const char prefix[] = "TunnelOptionsSpecification.";
	struct ipsec_param *pairs;
	size_t n = 0;
	int rc;

	pairs = calloc(ctx->params->len + 1, sizeof(*pairs));
	if (pairs == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	for (size_t i = 0; i < ctx->params->len; i++) {
		if (strncmp(ctx->params->items[i].name, prefix, sizeof(prefix) - 1) != 0)
			continue;
		pairs[n].name = ctx->params->items[i].name;
		pairs[n].value = ctx->params->items[i].value;
		n++;
	}
	rc = ipsec_tunnel_specs_collect(pairs, n, specs, count, ctx->err);
	free(pairs);
	return rc;
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

int h_create_vpn_connection(struct action_ctx *ctx)
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

int h_create_vpn_attachment(struct action_ctx *ctx)
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

int h_describe_vpn_connection(struct action_ctx *ctx)
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

int h_describe_vpn_connections(struct action_ctx *ctx)
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

	if (vpn_connection_list(ctx->model, &filter, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "VpnConnections", "VpnConnection", items, total);
	return 0;
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

int h_modify_vpn_connection_attribute(struct action_ctx *ctx)
{
	return modify(ctx, false);
}

int h_modify_vpn_attachment_attribute(struct action_ctx *ctx)
{
	return modify(ctx, true);
}

int h_describe_vpn_attachments(struct action_ctx *ctx)
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

int h_delete_vpn_attachment(struct action_ctx *ctx)
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

int h_delete_vpn_connection(struct action_ctx *ctx)
{
	return vpn_connection_delete(ctx->model, param_str(ctx, "VpnConnectionId"), ctx->err);
}

int h_download_vpn_connection_config(struct action_ctx *ctx)
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

int h_lab_download_customer_swanctl_config(struct action_ctx *ctx)
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

int h_describe_vpn_connection_logs(struct action_ctx *ctx)
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
