#ifndef VL_VPN_ROUTE_H
#define VL_VPN_ROUTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/*
 * VPN gateway route entries: destination-based (dbr) and policy-based (pbr).  Each row has
 * a synthetic route_entry_id for the lifecycle engine (kind "vpn_route", column state).
 *
 * The cloud names an entry by gateway, destination, (source,) next hop, weight (and
 * priority).  Every change is asynchronous: the entry shows State "pending" and its gateway
 * "updating" (vpn_gateway_begin_change) until the change is applied, then "published" or
 * "normal".  While pending, the entry refuses changes (VpnRouteEntry.Configuring).
 */
struct vpn_route {
	char route_entry_id[64];
	char vpn_gateway_id[64];
	char route_type[4];	/* "dbr" | "pbr" */
	char route_source[20];	/* pbr only, else "" */
	char route_dest[20];
	char next_hop[64];	/* an IPsec connection of the gateway */
	int64_t weight;		/* 0 | 100; always 100 on dual-tunnel gateways */
	int64_t priority;	/* pbr: 1-100; dbr: 0 */
	char overlay_mode[16];	/* "Ipsec" */
	char description[1040];
	char state[16];		/* pending | published | normal */
	bool published;		/* what state is or becomes: published (true) or normal */
	int64_t created_ms;
};

struct vpn_route_create_args {
	const char *vpn_gateway_id;
	bool pbr;
	const char *route_source; /* pbr only */
	const char *route_dest;
	const char *next_hop;
	int64_t weight;		  /* 0 | 100 (the action table enforces the values) */
	int64_t priority;	  /* pbr only: 1-100 */
	bool publish_vpc;
	const char *overlay_mode; /* NULL: "Ipsec" */
	const char *description;  /* NULL: none */
};

/* Names one entry (or, in vpn_route_publish, every pbr entry with any source). */
struct vpn_route_key {
	const char *vpn_gateway_id;
	bool pbr;
	const char *route_source; /* pbr only */
	const char *route_dest;
	const char *next_hop;
	int64_t weight;		  /* -1: any */
	int64_t priority;	  /* -1: any (pbr: "if you enter a different value, it fails") */
};

/*
 * CreateVpnRouteEntry / CreateVpnPbrRouteEntry.  Refuses: unknown gateway (its NotFound),
 * malformed or unsupported CIDRs (IllegalParam.RouteDest/RouteSource), a next hop that is
 * not a connection of the gateway (InvalidVpnConnectionInstanceId.NotFound), the same entry
 * twice (VpnRouteEntry.AlreadyExists), the per-gateway quota (QuotaExceeded.VpnRouteEntry /
 * QuotaExceeded.PolicyBasedRoute) and a gateway already changing (VpnGateway.Configuring).
 * Fills *out.  Returns 0 or -1 with err set.
 */
int vpn_route_create(struct model_ctx *m, const struct vpn_route_create_args *args,
		     struct vpn_route *out, struct vl_err *err);

/* DeleteVpnRouteEntry / DeleteVpnPbrRouteEntry.  InvalidRouteEntry.NotFound if no match. */
int vpn_route_delete(struct model_ctx *m, const struct vpn_route_key *key, struct vl_err *err);

/* ModifyVpnRouteEntryWeight / ModifyVpnPbrRouteEntryWeight (no effect on dual-tunnel). */
int vpn_route_modify_weight(struct model_ctx *m, const struct vpn_route_key *key,
			    int64_t new_weight, struct vl_err *err);

/* ModifyVpnPbrRouteEntryPriority (key->pbr must be true). */
int vpn_route_modify_priority(struct model_ctx *m, const struct vpn_route_key *key,
			      int64_t new_priority, struct vl_err *err);

/*
 * PublishVpnRouteEntry: every entry of the table matching destination and next hop moves
 * to published (publish) or normal.  Withdrawing also withdraws published entries of the
 * other table with the same destination, as the cloud documents.  0 or -1.
 */
int vpn_route_publish(struct model_ctx *m, const struct vpn_route_key *key, bool publish,
		      struct vl_err *err);

/*
 * DescribeVpnRouteEntries (pbr false) / DescribeVpnPbrRouteEntries (pbr true): appends the
 * page's items to items (borrowed) and sets *total.  bgp asks for learned BGP routes, which
 * the lab has none of.  Returns 0 or -1 (unknown gateway, store failure).
 */
int vpn_route_list(struct model_ctx *m, const char *vpn_gateway_id, bool pbr, bool bgp,
		   int64_t offset, int64_t limit, json_t *items, int64_t *total,
		   struct vl_err *err);

/* Returns a new reference: {"VpnRouteCount":[{RouteEntryType,Source,RouteCount}]}, or NULL. */
json_t *vpn_route_counts_json(struct model_ctx *m, const char *vpn_gateway_id);

/* Returns a new reference: the Describe item for r (dbr or pbr shape). */
json_t *vpn_route_to_json(const struct vpn_route *r);

/*
 * AutoConfigRoute: what the cloud does when a connection is created on a gateway with
 * AutoConfigRoute=true — a destination route per RemoteSubnet CIDR (comma-separated
 * remote_subnets) with next hop vpn_connection_id, weight 100, published to the VPC.
 * Runs inside the connection's transaction.  Returns 0 or -1 with err set.
 * The caller has already started the gateway's change (so this does not call
 * vpn_gateway_begin_change); 0.0.0.0/0 (destination-routing mode) gets no route, CIDRs
 * already routed to this connection are skipped, and the quota is checked for all of them
 * at once (QuotaExceeded.VpnRouteEntry, nothing created).
 */
int vpn_route_auto_config(struct model_ctx *m, const char *vpn_gateway_id,
			  const char *vpn_connection_id, const char *remote_subnets,
			  struct vl_err *err);

/* Number of route entries (any type) whose next hop is vpn_connection_id, or -1. */
int64_t vpn_route_count_by_next_hop(struct model_ctx *m, const char *vpn_connection_id);

/*
 * Removes every route entry whose next hop is vpn_connection_id (for DeleteVpnConnection
 * when the cloud removes them with it), with their quota usage and pending transitions.
 * Does not start a gateway change.  Returns 0 or -1 with err set.
 */
int vpn_route_delete_by_next_hop(struct model_ctx *m, const char *vpn_connection_id,
				 struct vl_err *err);

/* As vpn_route_delete_by_next_hop for every entry of a gateway (DeleteVpnGateway). */
int vpn_route_delete_by_gateway(struct model_ctx *m, const char *vpn_gateway_id,
				struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind vpn_route_lifecycle;

/* A destination-based route as the data plane reads it. */
struct vpn_route_hop {
	char route_dest[64];
	char next_hop[64];
	int weight;
};

/*
 * Of gateway vpn_gateway_id's destination-based routes: the highest weight toward each next
 * hop (route_dest ""), by next hop.  Into *out (malloc'd, caller frees) and *count.  0 or -1
 * with err.
 */
int vpn_route_dbr_max_weights(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_route_hop **out,
			      int *count, struct vl_err *err);

/*
 * Gateway vpn_gateway_id's published destination-based routes by creation into *out
 * (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int vpn_route_dbr_published(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_route_hop **out, int *count,
			    struct vl_err *err);

/* A policy-based route as the data plane reads it. */
struct vpn_pbr_rule {
	char route_source[20];
	char route_dest[20];
	char next_hop[64];
	int weight;
	int priority;
	bool published;
};

/*
 * Gateway vpn_gateway_id's policy-based routes in the order the gateway matches them
 * (priority, smaller first; then creation) into *out (malloc'd, caller frees) and *count.
 * 0 or -1 with err.
 */
int vpn_route_pbr_rules(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_pbr_rule **out, int *count,
			struct vl_err *err);

#endif
