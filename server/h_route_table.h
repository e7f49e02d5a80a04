#ifndef VL_H_ROUTE_TABLE_H
#define VL_H_ROUTE_TABLE_H

#include "action.h"

/* VPC route table and route entry actions (VPC API 2016-04-28); each fills ctx->response or ctx->err. */
int h_create_route_table(struct action_ctx *ctx);
int h_delete_route_table(struct action_ctx *ctx);
int h_modify_route_table_attributes(struct action_ctx *ctx);
int h_associate_route_table(struct action_ctx *ctx);
int h_unassociate_route_table(struct action_ctx *ctx);
int h_describe_route_table_list(struct action_ctx *ctx);
int h_describe_route_tables(struct action_ctx *ctx);
int h_create_route_entry(struct action_ctx *ctx);
int h_create_route_entries(struct action_ctx *ctx);
int h_delete_route_entry(struct action_ctx *ctx);
int h_delete_route_entries(struct action_ctx *ctx);
int h_modify_route_entry(struct action_ctx *ctx);
int h_describe_route_entry_list(struct action_ctx *ctx);

#endif
