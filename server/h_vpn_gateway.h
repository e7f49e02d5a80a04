#ifndef VL_H_VPN_GATEWAY_H
#define VL_H_VPN_GATEWAY_H

#include "action.h"

/*
 * Handlers of the VPN gateway actions (rows in actions_vpn_gateway.inc).  Each converts
 * the validated parameters, calls model/vpn_gateway.c and fills ctx->response.
 */
int h_create_vpn_gateway(struct action_ctx *ctx);
int h_describe_vpn_gateway(struct action_ctx *ctx);
int h_describe_vpn_gateways(struct action_ctx *ctx);
int h_modify_vpn_gateway_attribute(struct action_ctx *ctx);
int h_delete_vpn_gateway(struct action_ctx *ctx);
int h_describe_vpn_gateway_available_zones(struct action_ctx *ctx);

#endif
