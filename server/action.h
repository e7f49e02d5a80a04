#ifndef VL_ACTION_H
#define VL_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"
#include "kv.h"
#include "list.h"
#include "model.h"
#include "tag.h"

/*
 * The action table: every API action is declared once, in its resource's h_x.c, with its
 * parameters and REST routes; actions.c lists the resources.
 * Parsing, defaults, validation errors, paging, DryRun, ClientToken and the response
 * envelope are done generically from these declarations; handlers stay small.
 */

enum param_type {
	PT_STRING,
	PT_INTEGER,
	PT_BOOLEAN,
	PT_JSON, /* a parameter whose value is a JSON document (IkeConfig) */
	PT_TAGS, /* Tag.N.Key / Tag.N.Value, N = 1..20 (a PT_LIST the validator reads into ctx->tags) */
	PT_LIST, /* Name.N, Name.N.Field or Name.N.Field.M, as struct param_spec.list says (list.h); read with action_list_read */
};

#define PF_REQUIRED 0x1u

struct param_spec {
	const char *name;
	enum param_type type;
	unsigned flags;
	const char *default_value; /* applied when absent; NULL: none */
	int64_t min, max;	   /* integers: bounds; strings: length bounds (0,0 = any) */
	const char *const *allowed; /* NULL-terminated list of accepted values, or NULL */
	const char *doc;
	const struct list_spec *list; /* PT_LIST: its items (a plain Name value is still a string) */
};

/*
 * Action flags (struct action.flags):
 *   AF_MUTATES      runs in the write transaction (group-committed; ClientToken and DryRun
 *                   work where the action declares them); the pusher is woken afterwards
 *   AF_REGIONAL     RegionId required and checked against the catalogue (or found from the
 *                   resource the request names, see region_from)
 *   AF_PAGED        PageNumber/PageSize (default 1/10, max 50) validated and passed in ctx
 *   AF_TOKEN_PAGED  NextToken/MaxResults (the CBN List* actions); answers flat arrays
 *   AF_AGENT        the server <-> agent protocol: no account, no signature; the agent
 *                   token (X-Vpnlab-Agent-Token) when one is set
 *   AF_NO_DOCUMENT  its changes reach no desired-state document (status reports): the
 *                   pusher is not woken
 *   AF_SLOW         a read whose second phase waits for seconds, see below
 */
#define AF_MUTATES 0x1u
#define AF_REGIONAL 0x2u
#define AF_PAGED 0x4u
#define AF_TOKEN_PAGED 0x8u
#define AF_AGENT 0x10u
#define AF_NO_DOCUMENT 0x20u
/*
 * AF_SLOW: a read whose second phase waits for seconds (a probe relayed to an agent): the
 * handler checks and reads what it needs inside the read transaction and sets ctx->slow;
 * the engine runs that phase after ending the transaction and releasing the reader
 * connection, so the wait holds no engine slot.  At most quotas.lab_calls_per_account such
 * calls of one account run at once; beyond, Throttling.User.  Not with AF_MUTATES.
 */
#define AF_SLOW 0x40u

struct action_ctx;
typedef int (*action_handler)(struct action_ctx *ctx);

/*
 * Where the region comes from when a request names a resource but no RegionId: the cloud
 * takes it from the regional endpoint the SDK called; one local endpoint serves every
 * region, so the region is the named resource's own.  region_of is the owning model
 * file's lookup (vpc_region, vswitch_region, …): 1 found (region filled), 0 no such
 * resource of m->account, -1 store failure (model_region_of).
 */
struct region_source {
	const char *param;
	int (*region_of)(struct model_ctx *m, const char *id, char *region, unsigned long size);
	enum vl_code not_found;
};

enum rest_shape {
	RS_PLAIN,  /* the action's answer as is */
	RS_CREATE, /* the action's answer, HTTP 201 */
	RS_LIST,   /* list answer with the {"Xs":{"X":[…]}} wrapper flattened to "Xs":[…] */
	RS_ITEM,   /* the single item of a filtered list, or the resource's NotFound */
};

/*
 * One REST route of an action: { method, path, shape, id_param, list_outer, list_inner,
 * not_found, fixed }; trailing fields may be left out.
 */
struct rest_route {
	const char *method;  /* NULL: no route (an unused slot of struct action.rest) */
	const char *pattern; /* "/v1/vpcs/{id}": {id} takes one segment of ID characters */
	enum rest_shape shape;
	const char *id_param;		     /* the parameter that receives {id} */
	const char *list_outer, *list_inner; /* RS_LIST/RS_ITEM: Vpcs, Vpc */
	enum vl_code not_found;		     /* RS_ITEM: the answer when the list is empty */
	/*
	 * Parameters the route itself sets, "Name=value" pairs joined by '&' (NULL: none):
	 * one action serving two paths (PublishVpnRouteEntry's RouteType=dbr|pbr).  Like
	 * {id}, they override what the query or body says.
	 */
	const char *fixed;
};

/* Routes per action: a list and its item (GET /v1/vpcs, GET /v1/vpcs/{id}) need two. */
#define ACTION_REST_ROUTES 2

/*
 * One row of the action table.  Each server/h_x.c ends with its resource's rows,
 * const struct action x_actions[] = { …, ACTIONS_END }, and actions.c lists those arrays:
 *
 *	{ "DeleteVpc", V_VPC, h_delete_vpc, AF_MUTATES | AF_REGIONAL, delete_vpc_params,
 *	  .rest = { { "DELETE", "/v1/vpcs/{id}", RS_PLAIN, "VpcId" } },
 *	  .region_from = &region_of_vpc,
 *	  .doc = "Deletes an Available VPC …" },
 *
 * name, version, handler, flags (AF_*), parameters (terminated by PARAM_END), then the REST
 * routes, the region lookup and the one-line doc.  An action with no REST route writes
 * .rest = { REST_NONE } and says why in a comment.  Within one path, the REST 405 answer's
 * Allow header lists methods in row order.
 */
struct action {
	const char *name;
	const char *version; /* V_VPC "2016-04-28" or V_CBN "2017-09-12" */
	action_handler handler;
	unsigned flags;
	const struct param_spec *params; /* terminated by PARAM_END */
	struct rest_route rest[ACTION_REST_ROUTES];
	const struct region_source *region_from; /* NULL: RegionId is required */
	const char *doc;
};

#define V_VPC "2016-04-28"
#define V_CBN "2017-09-12"
#define ACTIONS_END { NULL, NULL, NULL, 0, NULL, { { NULL } }, NULL, NULL }
#define REST_NONE { NULL }
#define PARAM_END { NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL }
#define TAGS_PARAM { "Tag", PT_TAGS, 0, NULL, 0, 0, NULL, "tags (up to 20)" }
#define CLIENT_TOKEN { "ClientToken", PT_STRING, 0, NULL, 1, 64, NULL, "idempotency token (ASCII)" }
#define DRY_RUN { "DryRun", PT_BOOLEAN, 0, "false", 0, 0, NULL, "validate only; answers DryRunOperation" }

/* What a handler sees: validated parameters, its model context and the answer to fill. */
struct action_ctx {
	const struct action *action;
	const struct kvlist *params; /* validated, defaults applied */
	struct tag_list tags;
	struct model_ctx *model;
	json_t *response; /* handler adds its fields; RequestId is added by the caller */
	struct vl_err *err;
	int64_t page_number, page_size; /* AF_PAGED; also set from the token for AF_TOKEN_PAGED */
	int64_t max_results;		/* AF_TOKEN_PAGED */
	int64_t offset, limit;		/* the page as rows to skip and take, for either style */
	/*
	 * AF_SLOW actions: the phase to run outside the engine, set by the handler (NULL: none).
	 * It gets slow_state, must not touch ctx->model->store (NULL by then), fills
	 * ctx->response or ctx->err and returns 0 or -1.  The engine calls
	 * slow_state_free(slow_state) afterwards, also when the phase does not run.
	 */
	int (*slow)(struct action_ctx *ctx, void *state);
	void *slow_state;
	void (*slow_state_free)(void *state);
};

/* Every resource's rows (actions.c), in documentation order; NULL-terminated; static. */
extern const struct action *const action_lists[];

/* The i-th action of all lists, or NULL past the last; static.  Iterates the whole table. */
const struct action *action_nth(size_t i);

/* The action whose rest[] holds r, or NULL when r is not a route of the table; static. */
const struct action *action_of_route(const struct rest_route *r);

/* True when a declares a parameter called name (ClientToken, DryRun, …). */
bool action_has_param(const struct action *a, const char *name);

/* Finds an action by version and name; NULL if none.  Versions: see api_version_known. */
const struct action *action_find(const char *version, const char *name);

/* True when version is one this server answers (2016-04-28, 2017-09-12). */
bool api_version_known(const char *version);

/*
 * Refuses (Repeated{Name}, 400) a parameter name that occurs twice in params: the query
 * twice, query and form, a REST body that flattens onto a query name or onto itself
 * ({"Tag":[{"Key":..}],"Tag.1.Key":..}).  Signatures and lookups take the last copy while
 * a handler that walks a family of names (RouteFilter.N.Value.M) sees every copy, so a
 * copy slipped in beside a signed request would change its meaning.  Both front doors
 * call it once on the complete parameter set, before authentication (a refused request
 * does not spend its nonce) and before any handler.  Returns 0 or -1 with err set.
 */
int action_check_unique_names(const struct kvlist *params, struct vl_err *err);

/*
 * Validates params against a's declaration and applies defaults (adds to params).
 * Fills ctx->tags and paging.  Returns 0 or -1 with err set to the cloud's code.
 */
int action_validate(const struct action *a, struct kvlist *params, struct action_ctx *ctx,
		    struct vl_err *err);

/* The request's parameters as a list_source for model readers (borrows params). */
struct list_source action_list_source(const struct kvlist *params);

/* list_read (list.h) over a request's parameters; *offender borrows from params. */
int action_list_read(const struct kvlist *params, const char *name, const struct list_spec *spec,
		     int (*item)(void *arg, const struct list_item *it), void *arg, const char **offender);

/*
 * action_list_read for lists whose fields are no lists: calls item(arg, N, field index (0
 * for scalar items), value).
 */
int action_list_walk(const struct kvlist *params, const char *name, const struct list_spec *spec,
		     int (*item)(void *arg, int n, int field, const char *value), void *arg,
		     const char **offender);

/* Parameter accessors for handlers; values point into ctx->params. */
const char *param_str(const struct action_ctx *ctx, const char *name); /* NULL if absent */
int64_t param_int(const struct action_ctx *ctx, const char *name, int64_t fallback);
bool param_bool(const struct action_ctx *ctx, const char *name, bool fallback);
/* -1 absent, 0 false, 1 true: for optional boolean filters */
int param_tristate(const struct action_ctx *ctx, const char *name);

/*
 * For AF_TOKEN_PAGED answers: adds NextToken (empty on the last page), MaxResults,
 * TotalCount and the flat array items under key to response; takes the items reference.
 */
void action_set_token_page(struct action_ctx *ctx, const char *key, json_t *items, int64_t total);

/* Writes the action reference (Markdown) for api-docs/actions.md to out. */
void action_dump_reference(FILE *out);

#endif
