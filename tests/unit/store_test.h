#ifndef VL_STORE_TEST_H
#define VL_STORE_TEST_H

#include <stdint.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "model.h"
#include "store.h"
#include "vpn_connection.h"

/*
 * Store helpers the model suites share.  Each asserts (libcheck) that the store call
 * worked, so a test reads as the rule it checks.
 */

/*
 * Opens the model suites' world: an in-memory store with every migration, the default
 * catalog, and the default configuration (*cfg) with cfg->catalog set and transitions that
 * complete at once (transition_delay_ms 0).  Close with test_world_close.
 */
void test_world_open(struct store **st, struct catalog **cat, struct model_config *cfg);

/* Closes what test_world_open opened; the pointers are NULL after. */
void test_world_close(struct store **st, struct catalog **cat);

/* Asserts that rc/err is the cloud's error code with the given HTTP status. */
void test_assert_err(int rc, const struct vl_err *err, const char *code, int http);

/* Opens a savepoint, as the engine does around every request. */
void test_savepoint(struct store *st);

/* Ends it: rolled back when rc != 0 (a refused request changes nothing).  Returns rc. */
int test_release(struct store *st, int rc);

/* The first column of the first row of sql with ?1 = arg (NULL: unbound); -1 if no row. */
int64_t test_count(struct store *st, const char *sql, const char *arg);

/* Runs sql (no rows) with ?1 = arg. */
void test_exec1(struct store *st, const char *sql, const char *arg);

/* The account's usage counter kind/scope (model_usage_get). */
int64_t test_usage(struct model_ctx *m, const char *kind, const char *scope);

/* Creates customer gateway ip in m's account, in a savepoint, into *out. */
void test_make_cgw(struct model_ctx *m, const char *ip, struct customer_gateway *out);

/*
 * Creates a dual-tunnel connection on gateway gateway_id (10.0.0.0/16 to 192.168.10.0/24, auto
 * route, DPD, NAT traversal) with tunnel 1 to customer gateway master, tunnel 2 to slave.
 */
void test_make_dual(struct model_ctx *m, const char *gateway_id, const char *master, const char *slave,
		    struct vpn_connection *out);

#endif
