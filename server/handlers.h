#ifndef VL_HANDLERS_H
#define VL_HANDLERS_H

#include "action.h"

/* One handler per action; each converts parameters, calls the model, fills ctx->response. */
int h_create_vpc(struct action_ctx *ctx);
int h_describe_vpcs(struct action_ctx *ctx);
int h_modify_vpc_attribute(struct action_ctx *ctx);
int h_delete_vpc(struct action_ctx *ctx);
int h_create_vswitch(struct action_ctx *ctx);
int h_describe_vswitches(struct action_ctx *ctx);
int h_modify_vswitch_attribute(struct action_ctx *ctx);
int h_delete_vswitch(struct action_ctx *ctx);
int h_describe_vswitch_attributes(struct action_ctx *ctx);
int h_describe_regions(struct action_ctx *ctx);
int h_describe_zones(struct action_ctx *ctx);

/* Tags (h_tag.c): the VPC and CBN forms share the handlers (UnTag/Untag differ in case). */
int h_tag_resources(struct action_ctx *ctx);
int h_untag_resources(struct action_ctx *ctx);
int h_list_tag_resources(struct action_ctx *ctx);

/* Adds TotalCount/PageNumber/PageSize and {"<outer>":{"<inner>":items}} to ctx->response. */
void h_set_page(struct action_ctx *ctx, const char *outer, const char *inner, json_t *items,
		int64_t total);

#endif
