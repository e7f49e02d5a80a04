#ifndef VL_STORE_TEST_H
#define VL_STORE_TEST_H

#include <stdint.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "ipsec_config.h"
#include "model.h"
#include "store.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"

/*
 * Store helpers the model suites share.  Each asserts (libcheck) that the store call
 * worked, so a test reads as the rule it checks.
 */

/* The model suites' clock: 2026-11-28T00:23:28Z. */
#define NOW 1795825408000LL

/*
 * The world every model test runs in, one at a time: opened by test_world_setup and closed by
 * test_world_teardown (a checked fixture, alone or called first by a suite's own setup).
 */
extern struct store *st;
extern struct catalog *cat;
extern struct model_config cfg;

/* test_world_open on st, cat and cfg. */
void test_world_setup(void);

/* test_world_close on st and cat. */
void test_world_teardown(void);

/* A request context on st for account in region (NULL: a global action) at NOW with cfg. */
struct model_ctx test_ctx(const char *account, const char *region);

/* A request: its changes stay only when it succeeds, as in the engine. */
#define tx_begin() test_savepoint(st)
#define tx_end(rc) test_release(st, (rc))

/*
 * Runs call, whose error goes to the struct vl_err *err this macro declares, as one request
 * and asserts that it succeeded (the message names the call and its error).
 */
#define OK(call)                                                                                          \
	do {                                                                                              \
		struct vl_err err_;                                                                       \
		struct vl_err *err = &err_;                                                               \
		tx_begin();                                                                               \
		ck_assert_msg(tx_end(call) == 0, "%s: %s: %s", #call, vl_err_code(err), vl_err_message(err)); \
	} while (0)

/*
 * Runs call, whose error goes to the struct vl_err *err_ this macro declares, as one request
 * and asserts that it is refused with code and HTTP status http and that rows() (a count of
 * the rows the request could touch) is what it was before.
 */
#define TEST_REFUSED_UNCHANGED(rows, call, code, http)                    \
	do {                                                              \
		struct vl_err e_;                                         \
		int64_t before_ = (rows)();                               \
		struct vl_err *err_ = &e_;                                \
		tx_begin();                                               \
		test_assert_err(tx_end((call)), err_, (code), (http));    \
		ck_assert_int_eq((rows)(), before_);                      \
	} while (0)

/* Applies every lifecycle transition due at time at. */
void test_apply_due(int64_t at);

/*
 * Opens the model suites' world: an in-memory store with every migration, the default
 * catalog, and the default configuration (*cfg) with cfg->catalog set and transitions that
 * complete at once (transition_delay_ms 0).  Close with test_world_close.
 */
void test_world_open(struct store **store, struct catalog **catalog, struct model_config *config);

/* Closes what test_world_open opened; the pointers are NULL after. */
void test_world_close(struct store **store, struct catalog **catalog);

/* Asserts that rc/err is the cloud's error code with the given HTTP status. */
void test_assert_err(int rc, const struct vl_err *err, const char *code, int http);

/* Opens a savepoint, as the engine does around every request. */
void test_savepoint(struct store *store);

/* Ends it: rolled back when rc != 0 (a refused request changes nothing).  Returns rc. */
int test_release(struct store *store, int rc);

/* The first column of the first row of sql with ?1 = arg (NULL: unbound); -1 if no row. */
int64_t test_count(struct store *store, const char *sql, const char *arg);

/* Runs sql (no rows) with ?1 = arg. */
void test_exec1(struct store *store, const char *sql, const char *arg);

/* Runs sql (no rows) with ?1 = a and ?2 = b (NULL: left unbound). */
void test_exec2(struct store *store, const char *sql, const char *a, const char *b);

/*
 * Inserts a row into table with names[i] = values[i] (text; SQLite's column affinity turns
 * "0"/"100" into integers); every other NOT NULL column without a default gets '' (text) or 0
 * (other types), so a test can write another model's rows whatever its schema requires.
 */
void test_insert_row(struct store *store, const char *table, const char *const names[], const char *const values[],
		     int n);

/* The account's usage counter kind/scope (model_usage_get). */
int64_t test_usage(struct model_ctx *m, const char *kind, const char *scope);

/*
 * The connection suites' gateways, in m's account and region: a VPC 10.0.0.0/16 with vSwitches
 * 10.0.1.0/24 (zone h) and 10.0.2.0/24 (zone i), and two active IPsec gateways on them, *dual
 * (dual-tunnel) and *single, then made a gateway of a single-tunnel region (no second vSwitch,
 * address or zone: the API makes dual-tunnel gateways only).
 */
void test_make_gateways(struct model_ctx *m, struct vpn_gateway *dual, struct vpn_gateway *single);

/* Creates customer gateway ip with BGP asn (NULL: none) in m's account, in a savepoint, into *out. */
void test_make_cgw_asn(struct model_ctx *m, const char *ip, const char *asn, struct customer_gateway *out);

/* Creates customer gateway ip in m's account, in a savepoint, into *out. */
void test_make_cgw(struct model_ctx *m, const char *ip, struct customer_gateway *out);

/*
 * Collects into specs (*count of them) the TunnelOptionsSpecification of a dual-tunnel connection:
 * tunnel 1 to customer gateway master, tunnel 2 to slave.  specs point into master and slave,
 * which must outlive them.
 */
void test_dual_tunnel_specs(const char *master, const char *slave, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			    int *count);

/*
 * Creates a dual-tunnel connection on gateway gateway_id (10.0.0.0/16 to 192.168.10.0/24, auto
 * route, DPD, NAT traversal) with tunnel 1 to customer gateway master, tunnel 2 to slave.
 */
void test_make_dual(struct model_ctx *m, const char *gateway_id, const char *master, const char *slave,
		    struct vpn_connection *out);

#endif
