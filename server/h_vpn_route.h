#ifndef VL_H_VPN_ROUTE_H
#define VL_H_VPN_ROUTE_H

#include "action.h"

/* VPN gateway route actions (VPC API 2016-04-28); each fills ctx->response or ctx->err. */
int h_create_vpn_route_entry(struct action_ctx *ctx);
int h_delete_vpn_route_entry(struct action_ctx *ctx);
int h_modify_vpn_route_entry_weight(struct action_ctx *ctx);
int h_describe_vpn_route_entries(struct action_ctx *ctx);
int h_publish_vpn_route_entry(struct action_ctx *ctx);
int h_create_vpn_pbr_route_entry(struct action_ctx *ctx);
int h_delete_vpn_pbr_route_entry(struct action_ctx *ctx);
int h_modify_vpn_pbr_route_entry_weight(struct action_ctx *ctx);
int h_modify_vpn_pbr_route_entry_priority(struct action_ctx *ctx);
int h_describe_vpn_pbr_route_entries(struct action_ctx *ctx);

#endif
