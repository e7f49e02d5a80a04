/* Thin handlers for the VPN route actions: parameters in, model call, answer out. */
#include "h_vpn_route.h"

#include <string.h>

#include "handlers.h"
#include "vpn_route.h"

/* The key parameters every route action names its entry with. */
static struct vpn_route_key key_from(const struct action_ctx *ctx, bool pbr)
{
	struct vpn_route_key key = {
		.vpn_gateway_id = param_str(ctx, "VpnGatewayId"),
		.pbr = pbr,
		.route_source = pbr ? param_str(ctx, "RouteSource") : NULL,
		.route_dest = param_str(ctx, "RouteDest"),
		.next_hop = param_str(ctx, "NextHop"),
		.weight = param_int(ctx, "Weight", -1),
		.priority = pbr ? param_int(ctx, "Priority", -1) : -1,
	};

	return key;
}

/* The Create* answer: the entry as configured; State is what it becomes (published|normal). */
static int create(struct action_ctx *ctx, bool pbr)
{
	struct vpn_route_create_args args = {
		.vpn_gateway_id = param_str(ctx, "VpnGatewayId"),
		.pbr = pbr,
		.route_source = pbr ? param_str(ctx, "RouteSource") : NULL,
		.route_dest = param_str(ctx, "RouteDest"),
		.next_hop = param_str(ctx, "NextHop"),
		.weight = param_int(ctx, "Weight", 0),
		.priority = param_int(ctx, "Priority", 10),
		.publish_vpc = param_bool(ctx, "PublishVpc", false),
		.overlay_mode = param_str(ctx, "OverlayMode"),
		.description = param_str(ctx, "Description"),
	};
	struct vpn_route r;

	if (vpn_route_create(ctx->model, &args, &r, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "VpnInstanceId", r.vpn_gateway_id);
	if (pbr)
		json_put_str(ctx->response, "RouteSource", r.route_source);
	json_put_str(ctx->response, "RouteDest", r.route_dest);
	json_put_str(ctx->response, "NextHop", r.next_hop);
	json_put_int(ctx->response, "Weight", r.weight);
	if (pbr)
		json_put_int(ctx->response, "Priority", r.priority);
	json_put_str(ctx->response, "OverlayMode", r.overlay_mode);
	json_put_str(ctx->response, "Description", r.description);
	json_put_str(ctx->response, "State", r.published ? "published" : "normal");
	json_put_int(ctx->response, "CreateTime", r.created_ms);
	return 0;
}

int h_create_vpn_route_entry(struct action_ctx *ctx)
{
	return create(ctx, false);
}

int h_create_vpn_pbr_route_entry(struct action_ctx *ctx)
{
	return create(ctx, true);
}

int h_delete_vpn_route_entry(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, false);

	return vpn_route_delete(ctx->model, &key, ctx->err);
}

int h_delete_vpn_pbr_route_entry(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_delete(ctx->model, &key, ctx->err);
}

int h_modify_vpn_route_entry_weight(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, false);

	return vpn_route_modify_weight(ctx->model, &key, param_int(ctx, "NewWeight", 0), ctx->err);
}

int h_modify_vpn_pbr_route_entry_weight(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_modify_weight(ctx->model, &key, param_int(ctx, "NewWeight", 0), ctx->err);
}

int h_modify_vpn_pbr_route_entry_priority(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_modify_priority(ctx->model, &key, param_int(ctx, "NewPriority", 10),
					 ctx->err);
}

int h_publish_vpn_route_entry(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, strcmp(param_str(ctx, "RouteType"), "pbr") == 0);

	return vpn_route_publish(ctx->model, &key, param_bool(ctx, "PublishVpc", false), ctx->err);
}

static int describe(struct action_ctx *ctx, bool pbr)
{
	const char *type = param_str(ctx, "RouteEntryType");
	const char *gw = param_str(ctx, "VpnGatewayId");
	json_t *items = json_array(), *counts = NULL;
	int64_t total = 0;

	if (vpn_route_list(ctx->model, gw, pbr, type && strcmp(type, "bgp") == 0, ctx->offset,
			   ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	if (!pbr && (counts = vpn_route_counts_json(ctx->model, gw)) == NULL) {
		json_decref(items);
		return model_store_error(ctx->model, ctx->err);
	}
	if (pbr) {
		h_set_page(ctx, "VpnPbrRouteEntries", "VpnPbrRouteEntry", items, total);
	} else {
		h_set_page(ctx, "VpnRouteEntries", "VpnRouteEntry", items, total);
		json_object_set_new(ctx->response, "VpnRouteCounts", counts);
	}
	return 0;
}

int h_describe_vpn_route_entries(struct action_ctx *ctx)
{
	return describe(ctx, false);
}

int h_describe_vpn_pbr_route_entries(struct action_ctx *ctx)
{
	return describe(ctx, true);
}
