#ifndef VL_H_CUSTOMER_GATEWAY_H
#define VL_H_CUSTOMER_GATEWAY_H

#include "action.h"

/* Customer gateway actions (VPC API 2016-04-28); each fills ctx->response or ctx->err. */
int h_create_customer_gateway(struct action_ctx *ctx);
int h_describe_customer_gateway(struct action_ctx *ctx);
int h_describe_customer_gateways(struct action_ctx *ctx);
int h_modify_customer_gateway_attribute(struct action_ctx *ctx);
int h_delete_customer_gateway(struct action_ctx *ctx);

#endif
