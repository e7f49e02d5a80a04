#ifndef VL_H_VPN_CONNECTION_H
#define VL_H_VPN_CONNECTION_H

#include "action.h"

/*
 * Handlers of the IPsec-VPN connection actions (model/vpn_connection.c does the work).
 * Each converts the validated parameters, calls the model and fills ctx->response.
 */
int h_create_vpn_connection(struct action_ctx *ctx);
int h_create_vpn_attachment(struct action_ctx *ctx);
int h_describe_vpn_connection(struct action_ctx *ctx);
int h_describe_vpn_connections(struct action_ctx *ctx);
int h_modify_vpn_connection_attribute(struct action_ctx *ctx);
int h_delete_vpn_connection(struct action_ctx *ctx);
int h_download_vpn_connection_config(struct action_ctx *ctx);
int h_lab_download_customer_swanctl_config(struct action_ctx *ctx); /* vpnlab extension */
int h_describe_vpn_connection_logs(struct action_ctx *ctx);
int h_describe_vpn_attachments(struct action_ctx *ctx);
int h_modify_vpn_attachment_attribute(struct action_ctx *ctx);
int h_delete_vpn_attachment(struct action_ctx *ctx);

#endif
