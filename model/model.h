#ifndef VL_MODEL_H
#define VL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "errors.h"
#include "store.h"
#include "text.h"

struct catalog;

/* Quotas, by the cloud's defaults (api-reference §3); each may be changed by name. */
struct model_quotas {
	int64_t vpcs_per_region;
	int64_t vswitches_per_vpc;
	int64_t tags_per_resource;
	int64_t vpn_gateways_per_account;    /* 30, all regions */
	int64_t vpn_connections_per_gateway; /* 10 */
	int64_t customer_gateways_per_region; /* 100 */
	int64_t vpn_routes_per_gateway;	     /* 20 destination-based */
	int64_t vpn_pbr_routes_per_gateway;  /* 20 policy-based */
	int64_t subnets_per_connection;	     /* 5 local, 5 remote */
	int64_t tr_route_entries_per_table;  /* 1000; the cloud publishes no number */
	int64_t lab_calls_per_account;	     /* 2 long lab calls (LabRunProbe) running at once */
	int64_t route_tables_per_vpc;	     /* 9 custom VPC route tables */
	int64_t route_entries_per_table;     /* 200 custom entries per VPC route table */
};

/* Server-wide model settings; read-only while requests run. */
struct model_config {
	struct model_quotas quotas;
	int64_t transition_delay_ms; /* Pending → Available etc. when no agent confirms */
	const char *public_ip_pool;  /* CIDR public gateway addresses come from (198.18.0.0/15) */
	int dpd_delay_s;	     /* DPD probe interval of the swanctl texts vpnlab renders (30; 1..300) */
	/*
	 * The cloud side's own liveness probe through each gateway tunnel of the data plane
	 * (when the connection has no health check): every liveness_interval_ms (300; 0: none),
	 * dead after liveness_retry (3) unanswered ones.
	 */
	int liveness_interval_ms, liveness_retry;
	const struct catalog *catalog;
	/*
	 * Optional: receives one line of news for people watching the server (an agent came or
	 * went, a tunnel went up or down and why, a failover), from inside the request's
	 * transaction; it must not call back into the model.  NULL: nobody listens.
	 */
	void (*event)(const char *line);
};

/*
 * Everything a model function needs for one request: the store connection (inside
 * the request's transaction for mutations), the caller's account and region, and the
 * request's clock.  Borrowed by model functions, never kept.
 */
struct model_ctx {
	struct store *store;
	const char *account;
	const char *region;
	int64_t now_ms;
	const struct model_config *cfg;
	int64_t next_transition_ms; /* out: earliest due time this request scheduled, or 0 */
};

/* Sets quotas and delays to the cloud's defaults. */
void model_config_defaults(struct model_config *cfg);

/* Sets quota called name (e.g. "vpcs_per_region") to value.  Returns 0, -1 if unknown. */
int model_quota_set(struct model_quotas *q, const char *name, int64_t value);

/* Iterates quota names for --help; returns NULL past the end. */
const char *model_quota_name(int index, int64_t *value, const struct model_quotas *q);

/* Formats one event line (printf-style) and hands it to m->cfg->event, if any. */
void model_event(const struct model_ctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats a millisecond UNIX time the way the cloud does: 2026-11-28T00:23:28Z. */
void model_format_time(int64_t ms, char *buf, unsigned long size);


/*
 * The numeric OwnerId the cloud shows for an account: the account itself when it is a
 * number (strict mode's account IDs), else a stable 16-digit number derived from it.
 */
int64_t model_owner_id(const char *account);

/* The account's default resource group ID (rg-acfm…), stable per account.  buf: 32 bytes. */
void model_default_resource_group(const char *account, char *buf, unsigned long size);

/*
 * ResourceGroupId as every product checks it: empty or NULL takes the account's default,
 * else rg- and lower-case letters and digits (4-60 bytes).  Writes the ID to out.
 * Returns 0, or -1 with err InvalidResourceGroupId.
 */
int model_check_resource_group(struct model_ctx *m, const char *rg, char *out, unsigned long size,
			       struct vl_err *err);

/*
 * A VPC resource's optional name and description (NULL or empty: not given), in that order:
 * Invalid<kind>Name.Malformed "Specified <words> name is not valid." (kind "RouteTable", words
 * "route table"), then InvalidDescription.Malformed.  Returns 0, or -1 with err set.
 */
int model_check_name_description(const char *name, const char *description, const char *kind, const char *words,
				 struct vl_err *err);

/*
 * Usage counters.  Two conventions:
 *   kind "vpc", scope region            how many the account has there (quotas)
 *   kind "ref:<kind>", scope <id>      how many resources depend on <id>; a delete of <id>
 *                                      is refused while it is above 0 (e.g. "ref:vswitch",
 *                                      "ref:customer_gateway")
 * Counters change in the same transaction as the rows they count; a counter that returns
 * to 0 is deleted (absent and 0 read the same), so the table holds only what is in use.
 * The route entries' counters are kept by triggers (schema/020_route_entry_counts.sql):
 */
#define USAGE_ROUTE_ENTRIES_IN_TABLE "route_entry" /* scope: a route table ID */
#define USAGE_ROUTE_ENTRIES_VIA "ref:route_entry"  /* scope: a next hop ID (gateway, attachment) */

/* Reads how many resources of kind the account uses in scope (0 when none).  0 or -1. */
int model_usage_get(struct model_ctx *m, const char *kind, const char *scope, int64_t *used);

/* Adds delta to the account's usage of kind in scope.  Returns 0 or -1. */
int model_usage_add(struct model_ctx *m, const char *kind, const char *scope, int64_t delta);

/*
 * Answer building without jansson's per-call checks: keys are literals and stored text is
 * valid UTF-8 (every parameter is checked on the way in).  These run for every item of
 * every list answer.
 */
static inline void json_put_str(json_t *obj, const char *key, const char *value)
{
	json_object_set_new_nocheck(obj, key, json_string_nocheck(value));
}
static inline void json_put_int(json_t *obj, const char *key, int64_t value)
{
	json_object_set_new_nocheck(obj, key, json_integer((json_int_t)value));
}
static inline void json_put_bool(json_t *obj, const char *key, bool value)
{
	json_object_set_new_nocheck(obj, key, json_boolean(value));
}
/* {"inner": []} or {"inner": [one]} wrapper lists of the XML-derived answer shape */
static inline void json_put_wrapped(json_t *obj, const char *key, const char *inner, json_t *list)
{
	json_t *wrapper = json_object();

	json_object_set_new_nocheck(wrapper, inner, list ? list : json_array());
	json_object_set_new_nocheck(obj, key, wrapper);
}

/*
 * One value of a statement's '?' placeholders; an array of them binds ?1, ?2 … in order, so
 * a statement's SQL and its values stand together in one call.  The text is borrowed.
 */
struct model_arg {
	const char *text; /* NULL binds NULL unless is_int */
	int64_t number;
	bool is_int;
};

#define MODEL_TEXT(value) ((struct model_arg){ .text = (value) })
#define MODEL_INT(value) ((struct model_arg){ .number = (value), .is_int = true })
/* The array and count arguments of model_prepare and the functions after it. */
#define MODEL_ARGS(...)                              \
	((const struct model_arg[]){ __VA_ARGS__ }), \
		(int)(sizeof((const struct model_arg[]){ __VA_ARGS__ }) / sizeof(struct model_arg))

/* Binds args[0..n-1] from placeholder index on.  Returns the next free index. */
int model_bind(struct store_stmt *stmt, int index, const struct model_arg *args, int n);

/*
 * Prepares sql with args bound to ?1..?n into *stmt, which the caller releases.  Returns 0,
 * or -1 on a store failure (*stmt NULL, err untouched: callers report it their way).
 */
int model_prepare(struct store *st, const char *sql, const struct model_arg *args, int n,
		  struct store_stmt **stmt);

/*
 * Runs sql with args once: the first step's result (STORE_FAILED when it cannot be
 * prepared).  On STORE_ROW, fill (when not NULL) reads the row into out first.
 */
enum store_step_result model_step_once(struct store *st, const char *sql, const struct model_arg *args, int n,
				       void (*fill)(struct store_stmt *stmt, void *out), void *out);

/* A model_step_once fill: column 0 as an integer into *(int64_t *)out. */
void model_fill_int64(struct store_stmt *stmt, void *out);

/* Runs sql (no result rows) with args.  Returns 0, or -1 on a store failure (no error set). */
int model_exec(struct store *st, const char *sql, const struct model_arg *args, int n);

/* Runs sql (no result rows) with args.  Returns 0, or -1 with a store error in err. */
int model_run(struct model_ctx *m, const char *sql, const struct model_arg *args, int n, struct vl_err *err);

/* Appends text to the NUL-terminated sql of capacity size, truncating. */
void model_append(char *sql, unsigned long size, const char *text);


/*
 * Runs sql (no result rows) with ?1 = a and, when b is not NULL, ?2 = b.  Returns 0 or -1
 * with a store error.
 */
int model_exec2(struct model_ctx *m, const char *sql, const char *a, const char *b,
		struct vl_err *err);

/* One column a Modify action may change: changed when value is not NULL. */
struct model_change {
	const char *column;
	const char *value;
};

/*
 * Runs UPDATE table SET column=value WHERE id_column=id for each of changes[0..n-1] whose
 * value is not NULL, in order.  Returns 0, or -1 with a store error.
 */
int model_update(struct model_ctx *m, const char *table, const char *id_column, const char *id,
		 const struct model_change *changes, size_t n, struct vl_err *err);

/* model_update of the name and description columns (the usual Modify*Attribute). */
int model_update_name_description(struct model_ctx *m, const char *table, const char *id_column, const char *id,
				  const char *name, const char *description, struct vl_err *err);

/*
 * Does sql (a SELECT 1 ...) have a row, with ?1 = a and, when not NULL, ?2 = b and ?3 = c
 * (an unbound parameter is NULL)?  1 yes, 0 no, -1 on a store failure.
 */
int model_exists(struct model_ctx *m, const char *sql, const char *a, const char *b, const char *c);

/*
 * Runs sql (a SELECT COUNT(*) or another single integer) with ?1 = a and, when b is not
 * NULL, ?2 = b.  Returns the integer, or -1 on a store failure.
 */
int64_t model_count(struct model_ctx *m, const char *sql, const char *a, const char *b);

/* Reports a store failure as InternalError (logged detail stays out of the answer). */
int model_store_error(struct model_ctx *m, struct vl_err *err);

/*
 * The region of one of the caller's resources, for the x_region() functions of each model
 * file (the API's region lookups, struct region_source): runs sql with ?1 = id and ?2 =
 * m->account, which selects one region.  Returns 1 with region (size bytes) filled, 0 when
 * there is no such resource (or it is another account's), -1 on a store failure; region is
 * "" unless 1.  Needs m->store and m->account only.
 */
int model_region_of(struct model_ctx *m, const char *sql, const char *id, char *region, unsigned long size);

#endif
