#ifndef VL_ACTION_H
#define VL_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"
#include "kv.h"
#include "model.h"
#include "tag.h"

/*
 * The action table: every API action is declared once (actions.c) with its parameters.
 * Parsing, defaults, validation errors, paging, DryRun, ClientToken and the response
 * envelope are done generically from these declarations; handlers stay small.
 */

enum param_type {
	PT_STRING,
	PT_INTEGER,
	PT_BOOLEAN,
	PT_JSON, /* a parameter whose value is a JSON document (IkeConfig) */
	PT_TAGS, /* Tag.N.Key / Tag.N.Value, N = 1..20 */
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
};

/* Action flags */
#define AF_MUTATES 0x1u	 /* runs in the write transaction */
#define AF_REGIONAL 0x2u /* RegionId required and checked against the catalogue */
#define AF_PAGED 0x4u	 /* PageNumber/PageSize (default 1/10, max 50) */
#define AF_TOKEN_PAGED 0x8u /* NextToken/MaxResults (CBN List* actions): flat arrays */
/* the server ↔ agent protocol: no account, no signature; the agent token when one is set */
#define AF_AGENT 0x10u
/* its changes reach no desired-state document (status reports): the pusher is not woken */
#define AF_NO_DOCUMENT 0x20u
/*
 * A read whose second phase waits for seconds (a probe relayed to an agent): the handler
 * checks and reads what it needs inside the read transaction and sets ctx->slow; the engine
 * runs that phase after ending the transaction and releasing the reader connection, so the
 * wait holds no engine slot.  At most quotas.lab_calls_per_account such calls of one
 * account run at once; beyond, Throttling.User.  Not with AF_MUTATES.
 */
#define AF_SLOW 0x40u

struct action_ctx;
typedef int (*action_handler)(struct action_ctx *ctx);

/*
 * Where the region comes from when a request names a resource but no RegionId: the cloud
 * takes it from the regional endpoint the SDK called; one local endpoint serves every
 * region, so the region is the named resource's own.  sql selects the region of the row
 * with ?1 = the parameter's value and ?2 = the account.
 */
struct region_source {
	const char *param;
	const char *sql;
	enum vl_code not_found;
};

struct action {
	const char *name;
	const char *version; /* "2016-04-28" (VPC) or "2017-09-12" (CBN) */
	action_handler handler;
	unsigned flags;
	const struct param_spec *params; /* terminated by { NULL } */
	const char *doc;
	const struct region_source *region_from; /* NULL: RegionId is required */
};

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

/* The whole table, terminated by { NULL }; static. */
extern const struct action action_table[];

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
