#ifndef VL_VPN_CONNECTION_H
#define VL_VPN_CONNECTION_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "tag.h"

/*
 * IPsec connection, bound to a VPN gateway (CreateVpnConnection) or unbound for a transit
 * router (CreateVpnAttachment: vpn_gateway_id "", attach_type NO_ASSOCIATED).
 * State (lifecycle kind "vpn_connection", column state) and Status (IKE/IPsec SA state,
 * reported by the data plane; ike_sa_not_established until one exists).
 * The owner of vpn_connection.c may add fields and functions; the ones below are used by
 * other resources (routes, transit routers) and keep their meaning.
 */
struct vpn_connection {
	char vpn_connection_id[64];
	char region[32];
	char vpn_gateway_id[64];      /* "" when unbound */
	char customer_gateway_id[64]; /* single-tunnel form; "" in dual-tunnel form */
	char name[520];
	char local_subnet[512];	 /* comma-separated CIDRs */
	char remote_subnet[512]; /* comma-separated CIDRs */
	char state[24];
	char status[32];
	char attach_type[24];	    /* VPNGW | CEN | NO_ASSOCIATED */
	char transit_router_id[64]; /* when attached to one */
	char network_type[16];	    /* public | private */
	bool dual_tunnel;
	int64_t created_ms;
};

/* Loads the caller's connection; InvalidVpnConnectionInstanceId.NotFound (404) if absent. */
int vpn_connection_get(struct model_ctx *m, const char *vpn_connection_id,
		       struct vpn_connection *out, struct vl_err *err);

#endif
