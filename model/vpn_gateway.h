#ifndef VL_VPN_GATEWAY_H
#define VL_VPN_GATEWAY_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "tag.h"

/*
 * VPN gateway.  Status: provisioning → active; updating while one of its connections or
 * routes changes (one change at a time: VpnGateway.Configuring otherwise); deleting.
 */
struct vpn_gateway {
	char vpn_gateway_id[64];
	char region[32];
	char vpc_id[64];
	char vswitch_id[64];
	char dr_vswitch_id[64];	 /* DisasterRecoveryVSwitchId; "" for single-tunnel gateways */
	char name[520];
	char description[1040];
	char status[16];	 /* provisioning | active | updating | deleting */
	char network_type[16];	 /* public | private */
	char internet_ip[16];	 /* first tunnel's address (public pool, or vSwitch for private) */
	char dr_internet_ip[16]; /* second tunnel's address in dual-tunnel gateways, else "" */
	char zone_id[64];	 /* zone of vswitch_id */
	char dr_zone_id[64];	 /* zone of dr_vswitch_id */
	int64_t bandwidth;	 /* Mbit/s */
	bool enable_ipsec, enable_ssl, auto_propagate, enable_bgp;
	int64_t ssl_connections;
	char charge_type[16]; /* POSTPAY | PREPAY */
	int64_t created_ms;
};

/* Loads the caller's gateway; InvalidVpnGatewayInstanceId.NotFound (404) if absent. */
int vpn_gateway_get(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_gateway *out,
		    struct vl_err *err);

/* True when the gateway has two tunnels (DisasterRecoveryVSwitchId was given). */
bool vpn_gateway_is_dual_tunnel(const struct vpn_gateway *gw);

/*
 * Starts a configuration change on an active gateway (a connection or route of it is
 * created, changed or deleted): status becomes updating and returns to active through the
 * lifecycle engine.  Refuses with VpnGateway.Configuring (400) when the gateway is not
 * active.  Returns 0 or -1 with err set.
 */
int vpn_gateway_begin_change(struct model_ctx *m, const char *vpn_gateway_id, struct vl_err *err);

#endif
