/* Thin handlers for the VPN route actions: parameters in, model call, answer out. */
#include "handlers.h"

#include <string.h>

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

static int h_create_vpn_route_entry(struct action_ctx *ctx)
{
	return create(ctx, false);
}

static int h_create_vpn_pbr_route_entry(struct action_ctx *ctx)
{
	return create(ctx, true);
}

static int h_delete_vpn_route_entry(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, false);

	return vpn_route_delete(ctx->model, &key, ctx->err);
}

static int h_delete_vpn_pbr_route_entry(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_delete(ctx->model, &key, ctx->err);
}

static int h_modify_vpn_route_entry_weight(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, false);

	return vpn_route_modify_weight(ctx->model, &key, param_int(ctx, "NewWeight", 0), ctx->err);
}

static int h_modify_vpn_pbr_route_entry_weight(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_modify_weight(ctx->model, &key, param_int(ctx, "NewWeight", 0), ctx->err);
}

static int h_modify_vpn_pbr_route_entry_priority(struct action_ctx *ctx)
{
	struct vpn_route_key key = key_from(ctx, true);

	return vpn_route_modify_priority(ctx->model, &key, param_int(ctx, "NewPriority", 10),
					 ctx->err);
}

static int h_publish_vpn_route_entry(struct action_ctx *ctx)
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

static int h_describe_vpn_route_entries(struct action_ctx *ctx)
{
	return describe(ctx, false);
}

static int h_describe_vpn_pbr_route_entries(struct action_ctx *ctx)
{
	return describe(ctx, true);
}

/* ---- the action table ---- */

/*
 * Parameters as the SDK models declare them (vpc-20160428): Weight 0|100, Priority 1-100 (default
 * 10), OverlayMode Ipsec, RouteType dbr|pbr, RouteEntryType custom|bgp.  DryRun exists on the two
 * Create actions only.
 *
 * REST: A route entry has no ID of its own: the cloud names it by its key fields (RouteDest,
 * NextHop, Weight, and for policy routes RouteSource and Priority), so the entries live under
 * their gateway and every call on one entry gives the key fields in the query or the JSON body.
 * Changes other than delete are sub-resources named for what they change (weight, priority,
 * publish).  PublishVpnRouteEntry serves both kinds; the route fixes its RouteType.
 */
static const char *const route_weights[] = { "0", "100", NULL };
static const char *const route_overlay_modes[] = { "Ipsec", NULL };
static const char *const route_types[] = { "dbr", "pbr", NULL };
static const char *const route_entry_types[] = { "custom", "bgp", NULL };

#define ROUTE_GATEWAY { "VpnGatewayId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL }
#define ROUTE_DEST { "RouteDest", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "destination CIDR" }
#define ROUTE_SOURCE { "RouteSource", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "source CIDR" }
#define ROUTE_NEXT_HOP { "NextHop", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "an IPsec connection of the gateway" }
#define ROUTE_WEIGHT(name, doc) { name, PT_INTEGER, PF_REQUIRED, NULL, 0, 0, route_weights, doc }
#define ROUTE_OVERLAY { "OverlayMode", PT_STRING, 0, NULL, 0, 0, route_overlay_modes, NULL }
#define ROUTE_PUBLISH { "PublishVpc", PT_BOOLEAN, PF_REQUIRED, NULL, 0, 0, NULL, "publish to the VPC route table" }
#define ROUTE_DESCRIPTION { "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-100 characters, not http(s)://" }
#define ROUTE_PRIORITY(name, flags, def, doc) { name, PT_INTEGER, flags, def, 1, 100, NULL, doc }

static const struct param_spec create_vpn_route_entry_params[] = {
	ROUTE_GATEWAY, ROUTE_DEST, ROUTE_NEXT_HOP,
	ROUTE_WEIGHT("Weight", "100 active, 0 standby (no effect on dual-tunnel gateways)"),
	ROUTE_PUBLISH, ROUTE_OVERLAY, ROUTE_DESCRIPTION, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vpn_route_entry_params[] = {
	ROUTE_GATEWAY, ROUTE_DEST, ROUTE_NEXT_HOP, ROUTE_WEIGHT("Weight", NULL), ROUTE_OVERLAY,
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec modify_vpn_route_entry_weight_params[] = {
	ROUTE_GATEWAY, ROUTE_DEST, ROUTE_NEXT_HOP, ROUTE_WEIGHT("Weight", "the current weight"),
	ROUTE_WEIGHT("NewWeight", NULL), ROUTE_OVERLAY, CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec describe_vpn_route_entries_params[] = {
	ROUTE_GATEWAY,
	{ "RouteEntryType", PT_STRING, 0, "custom", 0, 0, route_entry_types, "bgp: learned BGP routes" },
	PARAM_END,
};

static const struct param_spec publish_vpn_route_entry_params[] = {
	ROUTE_GATEWAY, ROUTE_DEST, ROUTE_NEXT_HOP,
	{ "RouteType", PT_STRING, PF_REQUIRED, NULL, 0, 0, route_types, "dbr or pbr" },
	{ "PublishVpc", PT_BOOLEAN, PF_REQUIRED, NULL, 0, 0, NULL, "true publishes, false withdraws" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec create_vpn_pbr_route_entry_params[] = {
	ROUTE_GATEWAY, ROUTE_SOURCE, ROUTE_DEST, ROUTE_NEXT_HOP,
	ROUTE_WEIGHT("Weight", "100 active, 0 standby (no effect on dual-tunnel gateways)"),
	ROUTE_PRIORITY("Priority", 0, "10", "smaller is preferred"), ROUTE_PUBLISH, ROUTE_OVERLAY,
	ROUTE_DESCRIPTION, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vpn_pbr_route_entry_params[] = {
	ROUTE_GATEWAY, ROUTE_SOURCE, ROUTE_DEST, ROUTE_NEXT_HOP, ROUTE_WEIGHT("Weight", NULL),
	ROUTE_PRIORITY("Priority", 0, NULL, "must match when given"), ROUTE_OVERLAY, CLIENT_TOKEN,
	PARAM_END,
};

static const struct param_spec modify_vpn_pbr_route_entry_weight_params[] = {
	ROUTE_GATEWAY, ROUTE_SOURCE, ROUTE_DEST, ROUTE_NEXT_HOP,
	ROUTE_WEIGHT("Weight", "the current weight"), ROUTE_WEIGHT("NewWeight", NULL),
	ROUTE_PRIORITY("Priority", 0, NULL, "must match when given"), ROUTE_OVERLAY, CLIENT_TOKEN,
	PARAM_END,
};

static const struct param_spec modify_vpn_pbr_route_entry_priority_params[] = {
	ROUTE_GATEWAY, ROUTE_SOURCE, ROUTE_DEST, ROUTE_NEXT_HOP,
	ROUTE_WEIGHT("Weight", "the current weight"),
	ROUTE_PRIORITY("Priority", 0, NULL, "the current priority; must match when given"),
	ROUTE_PRIORITY("NewPriority", PF_REQUIRED, NULL, NULL), CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec describe_vpn_pbr_route_entries_params[] = {
	ROUTE_GATEWAY, PARAM_END,
};

const struct action vpn_route_actions[] = {
	{ "DescribeVpnRouteEntries", V_VPC, h_describe_vpn_route_entries, AF_REGIONAL | AF_PAGED, describe_vpn_route_entries_params,
	  .rest = { { "GET", "/v1/vpn-gateways/{id}/route-entries", RS_LIST, "VpnGatewayId", "VpnRouteEntries", "VpnRouteEntry" } },
	  .doc = "Lists a VPN gateway's routes: VpnRouteEntries.VpnRouteEntry[], VpnRouteCounts." },
	{ "CreateVpnRouteEntry", V_VPC, h_create_vpn_route_entry, AF_MUTATES | AF_REGIONAL, create_vpn_route_entry_params,
	  .rest = { { "POST", "/v1/vpn-gateways/{id}/route-entries", RS_CREATE, "VpnGatewayId" } },
	  .doc = "Adds a destination-based route to a VPN gateway (pending, then published or normal)." },
	{ "DeleteVpnRouteEntry", V_VPC, h_delete_vpn_route_entry, AF_MUTATES | AF_REGIONAL, delete_vpn_route_entry_params,
	  .rest = { { "DELETE", "/v1/vpn-gateways/{id}/route-entries", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Removes a destination-based route of a VPN gateway." },
	{ "ModifyVpnRouteEntryWeight", V_VPC, h_modify_vpn_route_entry_weight, AF_MUTATES | AF_REGIONAL, modify_vpn_route_entry_weight_params,
	  .rest = { { "PATCH", "/v1/vpn-gateways/{id}/route-entries/weight", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Changes the weight (active/standby) of a route." },
	{ "PublishVpnRouteEntry", V_VPC, h_publish_vpn_route_entry, AF_MUTATES | AF_REGIONAL, publish_vpn_route_entry_params,
	  .rest = { { "POST", "/v1/vpn-gateways/{id}/route-entries/publish", RS_PLAIN, "VpnGatewayId", NULL, NULL, VL_OK, "RouteType=dbr" },
		    { "POST", "/v1/vpn-gateways/{id}/pbr-route-entries/publish", RS_PLAIN, "VpnGatewayId", NULL, NULL, VL_OK, "RouteType=pbr" } },
	  .doc = "Publishes a route to the VPC route table or withdraws it (State published|normal)." },
	{ "DescribeVpnPbrRouteEntries", V_VPC, h_describe_vpn_pbr_route_entries, AF_REGIONAL | AF_PAGED, describe_vpn_pbr_route_entries_params,
	  .rest = { { "GET", "/v1/vpn-gateways/{id}/pbr-route-entries", RS_LIST, "VpnGatewayId", "VpnPbrRouteEntries", "VpnPbrRouteEntry" } },
	  .doc = "Lists a VPN gateway's policy-based routes: VpnPbrRouteEntries.VpnPbrRouteEntry[]." },
	{ "CreateVpnPbrRouteEntry", V_VPC, h_create_vpn_pbr_route_entry, AF_MUTATES | AF_REGIONAL, create_vpn_pbr_route_entry_params,
	  .rest = { { "POST", "/v1/vpn-gateways/{id}/pbr-route-entries", RS_CREATE, "VpnGatewayId" } },
	  .doc = "Adds a policy-based route (source and destination)." },
	{ "DeleteVpnPbrRouteEntry", V_VPC, h_delete_vpn_pbr_route_entry, AF_MUTATES | AF_REGIONAL, delete_vpn_pbr_route_entry_params,
	  .rest = { { "DELETE", "/v1/vpn-gateways/{id}/pbr-route-entries", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Removes a policy-based route of a VPN gateway." },
	{ "ModifyVpnPbrRouteEntryWeight", V_VPC, h_modify_vpn_pbr_route_entry_weight, AF_MUTATES | AF_REGIONAL, modify_vpn_pbr_route_entry_weight_params,
	  .rest = { { "PATCH", "/v1/vpn-gateways/{id}/pbr-route-entries/weight", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Changes the weight of a policy-based route." },
	{ "ModifyVpnPbrRouteEntryPriority", V_VPC, h_modify_vpn_pbr_route_entry_priority, AF_MUTATES | AF_REGIONAL, modify_vpn_pbr_route_entry_priority_params,
	  .rest = { { "PATCH", "/v1/vpn-gateways/{id}/pbr-route-entries/priority", RS_PLAIN, "VpnGatewayId" } },
	  .doc = "Changes the priority (1-100) of a policy-based route." },
	ACTIONS_END,
};
