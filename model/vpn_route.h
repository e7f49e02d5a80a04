#ifndef VL_VPN_ROUTE_H
#define VL_VPN_ROUTE_H

#include <jansson.h>

#include "model.h"

/*
 * VPN gateway route entries: destination-based (dbr) and policy-based (pbr).  Each row has
 * a synthetic route_entry_id for the lifecycle engine (kind "vpn_route", column state).
 */

/*
 * AutoConfigRoute: what the cloud does when a connection is created on a gateway with
 * AutoConfigRoute=true — a destination route per RemoteSubnet CIDR (comma-separated
 * remote_subnets) with next hop vpn_connection_id, weight 100, published to the VPC.
 * Runs inside the connection's transaction.  Returns 0 or -1 with err set.
 */
int vpn_route_auto_config(struct model_ctx *m, const char *vpn_gateway_id,
			  const char *vpn_connection_id, const char *remote_subnets,
			  struct vl_err *err);

/* Number of route entries (any type) whose next hop is vpn_connection_id, or -1. */
int64_t vpn_route_count_by_next_hop(struct model_ctx *m, const char *vpn_connection_id);

#endif
