#ifndef VL_HANDLERS_H
#define VL_HANDLERS_H

#include "action.h"

/*
 * The action rows of each resource (its h_x.c), each ending with ACTIONS_END; listed by
 * actions.c.  The handlers themselves are static in their h_x.c.
 */
extern const struct action vpc_actions[];
extern const struct action vswitch_actions[];
extern const struct action region_actions[];
extern const struct action vpn_gateway_actions[];
extern const struct action customer_gateway_actions[];
extern const struct action vpn_connection_actions[];
extern const struct action vpn_route_actions[];
extern const struct action route_table_actions[];
extern const struct action cen_actions[];
extern const struct action tr_route_actions[];
extern const struct action agent_actions[];
extern const struct action lab_actions[];
extern const struct action tag_actions[];

/* Region lookup of the actions whose resource is found through VpcId (h_vpc.c). */
extern const struct region_source region_of_vpc;

/* Adds TotalCount/PageNumber/PageSize and {"<outer>":{"<inner>":items}} to ctx->response. */
void h_set_page(struct action_ctx *ctx, const char *outer, const char *inner, json_t *items,
		int64_t total);

/*
 * The end of a list handler: rc is the model's list call; on rc < 0 drops items (the
 * caller's reference) and returns -1 (err already set), else answers the page (h_set_page,
 * which takes items) and returns 0.
 */
int h_page_answer(struct action_ctx *ctx, int rc, const char *outer, const char *inner, json_t *items,
		  int64_t total);

/* h_page_answer for AF_TOKEN_PAGED lists: action_set_token_page under key. */
int h_token_page_answer(struct action_ctx *ctx, int rc, const char *key, json_t *items, int64_t total);

#endif
