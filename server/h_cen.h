#ifndef VL_H_CEN_H
#define VL_H_CEN_H

#include "action.h"

/*
 * Handlers of the CEN, transit router, transit router CIDR and VPC/VPN attachment actions
 * (CBN 2017-09-12; rows in actions_cen.inc).  Each converts the validated parameters, calls
 * model/cen.c, model/transit_router.c or model/tr_attachment.c and fills ctx->response.
 */
int h_create_cen(struct action_ctx *ctx);
int h_describe_cens(struct action_ctx *ctx);
int h_modify_cen_attribute(struct action_ctx *ctx);
int h_delete_cen(struct action_ctx *ctx);

int h_create_transit_router(struct action_ctx *ctx);
int h_list_transit_routers(struct action_ctx *ctx);
int h_update_transit_router(struct action_ctx *ctx);
int h_delete_transit_router(struct action_ctx *ctx);

int h_create_transit_router_cidr(struct action_ctx *ctx);
int h_list_transit_router_cidr(struct action_ctx *ctx);
int h_modify_transit_router_cidr(struct action_ctx *ctx);
int h_delete_transit_router_cidr(struct action_ctx *ctx);

int h_create_transit_router_vpc_attachment(struct action_ctx *ctx);
int h_list_transit_router_vpc_attachments(struct action_ctx *ctx);
int h_update_transit_router_vpc_attachment_attribute(struct action_ctx *ctx);
int h_delete_transit_router_vpc_attachment(struct action_ctx *ctx);

int h_create_transit_router_vpn_attachment(struct action_ctx *ctx);
int h_list_transit_router_vpn_attachments(struct action_ctx *ctx);
int h_update_transit_router_vpn_attachment_attribute(struct action_ctx *ctx);
int h_delete_transit_router_vpn_attachment(struct action_ctx *ctx);

#endif
