/*
 * VPN route entry rules (model/vpn_route.c) on a real SQLite store: destination/source
 * rules, next hop ownership, duplicates, active/standby weights, dual-tunnel gateways,
 * quotas of both tables, the gateway's one-change-at-a-time rule, the pending → published |
 * normal lifecycle, delete/modify/publish by key, describe shape and paging, AutoConfigRoute
 * and the helpers the connection and gateway models call.
 *
 * Gateways and connections are rows written straight into their tables (single- and
 * dual-tunnel gateways, connections on any gateway), so these tests do not depend on the
 * create rules of those models; every column the schema requires gets a filler value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vpn_route.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

#define GW1 "vpn-bp1single000000000001"	 /* single-tunnel, ACCOUNT */
#define GW2 "vpn-bp1dual00000000000002"	 /* dual-tunnel, ACCOUNT */
#define GW3 "vpn-bp1other0000000000003"	 /* single-tunnel, OTHER */
#define C1 "vco-bp1conn000000000000001" /* on GW1 */
#define C2 "vco-bp1conn000000000000002" /* on GW1 */
#define C3 "vco-bp1conn000000000000003" /* on GW2 */
#define C4 "vco-bp1conn000000000000004" /* on GW3, OTHER */

static void add_gateway(const char *id, const char *account, bool dual)
{
	static const char *const names[] = { "vpn_gateway_id", "account", "region", "status",
					     "vswitch_id", "dr_vswitch_id", "network_type",
					     "bandwidth", "charge_type", "created_ms" };
	const char *values[] = { id, account, REGION, "active", "vsw-bp1a", dual ? "vsw-bp1b" : "",
				 "public", "10", "POSTPAY", "1" };

	test_insert_row(st, "vpn_gateways", names, values, countof(names));
}

static void add_connection(const char *id, const char *account, const char *gw)
{
	static const char *const names[] = { "vpn_connection_id", "account", "region", "vpn_gateway_id",
					     "state", "attach_type", "network_type", "dual_tunnel",
					     "local_subnet", "remote_subnet", "created_ms" };
	const char *values[] = { id, account, REGION, gw, "active", "VPNGW", "public", "0",
				 "10.0.0.0/8", "192.168.0.0/16", "1" };

	test_insert_row(st, "vpn_connections", names, values, countof(names));
}

static void setup(void)
{
	test_world_setup();
	add_gateway(GW1, ACCOUNT, false);
	add_gateway(GW2, ACCOUNT, true);
	add_gateway(GW3, OTHER, false);
	add_connection(C1, ACCOUNT, GW1);
	add_connection(C2, ACCOUNT, GW1);
	add_connection(C3, ACCOUNT, GW2);
	add_connection(C4, OTHER, GW3);
}

static int dbr(struct model_ctx *m, const char *gw, const char *dest, const char *hop,
	       int64_t weight, bool publish, struct vpn_route *out, struct vl_err *err)
{
	struct vpn_route_create_args args = { .vpn_gateway_id = gw, .route_dest = dest,
					      .next_hop = hop, .weight = weight, .publish_vpc = publish };

	return vpn_route_create(m, &args, out, err);
}

static int pbr(struct model_ctx *m, const char *gw, const char *source, const char *dest,
	       const char *hop, int64_t weight, int64_t priority, struct vpn_route *out,
	       struct vl_err *err)
{
	struct vpn_route_create_args args = { .vpn_gateway_id = gw, .pbr = true, .route_source = source,
					      .route_dest = dest, .next_hop = hop, .weight = weight,
					      .priority = priority, .publish_vpc = true };

	return vpn_route_create(m, &args, out, err);
}

static void dbr_ok(struct model_ctx *m, const char *gw, const char *dest, const char *hop,
		   int64_t weight, bool publish)
{
	struct vpn_route r;
	struct vl_err err;

	ck_assert_msg(dbr(m, gw, dest, hop, weight, publish, &r, &err) == 0, "dbr %s via %s: %s %s",
		      dest, hop, vl_err_code(&err), vl_err_message(&err));
}

static void pbr_ok(struct model_ctx *m, const char *gw, const char *source, const char *dest,
		   const char *hop, int64_t weight, int64_t priority)
{
	struct vpn_route r;
	struct vl_err err;

	ck_assert_msg(pbr(m, gw, source, dest, hop, weight, priority, &r, &err) == 0, "pbr %s->%s: %s %s",
		      source, dest, vl_err_code(&err), vl_err_message(&err));
}

#define usage(m, kind, scope) test_usage((m), (kind), (scope))

/* One column of the route (gateway, table, dest, source or "", next hop), as text. */
static char *route_field(const char *column, const char *gw, const char *type, const char *dest,
			 const char *source, const char *hop)
{
	static char buf[64];
	char sql[256];
	struct store_stmt *stmt = NULL;

	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM vpn_route_entries WHERE vpn_gateway_id=? AND route_type=?"
		 " AND route_dest=? AND route_source=? AND next_hop=?",
		 column);
	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	stmt_bind_text(stmt, 1, gw);
	stmt_bind_text(stmt, 2, type);
	stmt_bind_text(stmt, 3, dest);
	stmt_bind_text(stmt, 4, source);
	stmt_bind_text(stmt, 5, hop);
	if (stmt_step(stmt) == STORE_ROW)
		snprintf(buf, sizeof(buf), "%s", stmt_text(stmt, 0));
	else
		snprintf(buf, sizeof(buf), "(none)");
	stmt_release(stmt);
	return buf;
}

static int64_t route_count(const char *gw)
{
	return test_count(st, "SELECT COUNT(*) FROM vpn_route_entries WHERE vpn_gateway_id=?", gw);
}

static const char *gateway_status(struct model_ctx *m, const char *gw)
{
	static struct vpn_gateway g;
	struct vl_err err;

	ck_assert_int_eq(vpn_gateway_get(m, gw, &g, &err), 0);
	return g.status;
}

/* ---- create ---- */

START_TEST(test_create_dbr)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;

	ck_assert_int_eq(dbr(&m, GW1, "10.1.0.0/16", C1, 100, true, &r, &err), 0);
	ck_assert_str_eq(r.vpn_gateway_id, GW1);
	ck_assert_str_eq(r.route_type, "dbr");
	ck_assert_str_eq(r.route_dest, "10.1.0.0/16");
	ck_assert_str_eq(r.route_source, "");
	ck_assert_str_eq(r.next_hop, C1);
	ck_assert_int_eq(r.weight, 100);
	ck_assert_int_eq(r.priority, 0);
	ck_assert_str_eq(r.overlay_mode, "Ipsec");
	ck_assert_str_eq(r.state, "published"); /* no delay: applied at once */
	ck_assert(r.published);
	ck_assert_int_eq(r.created_ms, NOW);
	ck_assert_int_eq(strncmp(r.route_entry_id, "vre-", 4), 0);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 1);
	ck_assert_int_eq(usage(&m, "vpn_pbr_route", GW1), 0);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "published");

	ck_assert_int_eq(dbr(&m, GW1, "10.2.0.0/16", C1, 0, false, &r, &err), 0);
	ck_assert_str_eq(r.state, "normal");
	ck_assert_int_eq(r.weight, 0);
}
END_TEST

START_TEST(test_create_lifecycle)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;
	int64_t next = 0;

	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(dbr(&m, GW1, "10.1.0.0/16", C1, 100, true, &r, &err), 0);
	ck_assert_str_eq(r.state, "pending");
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "pending");
	ck_assert(lifecycle_busy(&m, "vpn_route", r.route_entry_id));
	ck_assert_str_eq(gateway_status(&m, GW1), "updating");
	ck_assert_int_eq(m.next_transition_ms, NOW + 1000);

	/* one change at a time per gateway: the next one waits for the gateway */
	test_assert_err(dbr(&m, GW1, "10.2.0.0/16", C2, 100, true, &r, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(route_count(GW1), 1);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 1);

	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1000, &next), 2);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "published");
	ck_assert_str_eq(gateway_status(&m, GW1), "active");
	dbr_ok(&m, GW1, "10.2.0.0/16", C2, 100, true);
}
END_TEST

static const struct test_accepts dbr_dest_tests[] = {
	{ "10.0.0.0/24", 1 },
	{ "192.168.1.7/32", 1 },
	{ "100.64.0.0/10", 1 }, /* the cloud advises against it but takes it */
	{ "0.0.0.0/1", 1 },
	{ "0.0.0.0/0", 0 },	/* "not supported" */
	{ "10.0.0.1/24", 0 },	/* host bits */
	{ "10.0.0.0", 0 },
	{ "10.0.0.0/33", 0 },
	{ "010.0.0.0/8", 0 },
	{ "", 0 },
	{ "any", 0 },
};

START_TEST(test_create_dbr_dest)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;
	int rc = dbr(&m, GW1, dbr_dest_tests[_i].input, C1, 100, true, &r, &err);

	if (dbr_dest_tests[_i].accepted) {
		ck_assert_msg(rc == 0, "%s refused: %s", dbr_dest_tests[_i].input, vl_err_code(&err));
		ck_assert_str_eq(r.route_dest, dbr_dest_tests[_i].input);
	} else {
		test_assert_err(rc, &err, "IllegalParam.RouteDest", 400);
		ck_assert_int_eq(route_count(GW1), 0);
		ck_assert_str_eq(gateway_status(&m, GW1), "active");
	}
}
END_TEST

static const struct {
	const char *gw, *hop, *source, *dest;
	const char *code; /* NULL: accepted */
} pbr_tests[] = {
	{ GW1, C1, "192.168.0.0/24", "10.0.0.0/8", NULL },
	{ GW1, C1, "0.0.0.0/0", "10.0.0.0/8", NULL },
	{ GW1, C1, "192.168.0.0/24", "0.0.0.0/0", "IllegalParam.RouteDest" },	 /* single tunnel */
	{ GW1, C1, "192.168.0.0/24", "100.64.1.0/24", "IllegalParam.RouteDest" }, /* inside 100.64/10 */
	{ GW1, C1, "192.168.0.0/24", "100.0.0.0/8", "IllegalParam.RouteDest" },	 /* contains it */
	{ GW1, C1, "192.168.0.0/24", "100.128.0.0/24", NULL },
	{ GW2, C3, "192.168.0.0/24", "0.0.0.0/0", NULL },			 /* dual tunnel */
	{ GW2, C3, "192.168.0.0/24", "100.64.1.0/24", NULL },
	{ GW1, C1, "192.168.0.1/24", "10.0.0.0/8", "IllegalParam.RouteSource" },
	{ GW1, C1, "", "10.0.0.0/8", "IllegalParam.RouteSource" },
	{ GW1, C1, "192.168.0.0/24", "10.0.0.0/", "IllegalParam.RouteDest" },
};

START_TEST(test_create_pbr_cidrs)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;
	int rc = pbr(&m, pbr_tests[_i].gw, pbr_tests[_i].source, pbr_tests[_i].dest, pbr_tests[_i].hop,
		     100, 10, &r, &err);

	if (pbr_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s->%s refused: %s", pbr_tests[_i].source, pbr_tests[_i].dest,
			      vl_err_code(&err));
		ck_assert_str_eq(r.route_type, "pbr");
		ck_assert_str_eq(r.route_source, pbr_tests[_i].source);
		ck_assert_int_eq(r.priority, 10);
		ck_assert_int_eq(usage(&m, "vpn_pbr_route", pbr_tests[_i].gw), 1);
		ck_assert_int_eq(usage(&m, "vpn_route", pbr_tests[_i].gw), 0);
	} else {
		test_assert_err(rc, &err, pbr_tests[_i].code, 400);
		ck_assert_int_eq(route_count(pbr_tests[_i].gw), 0);
	}
}
END_TEST

START_TEST(test_create_refs)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;

	test_assert_err(dbr(&m, "vpn-doesnotexist", "10.0.0.0/8", C1, 100, true, &r, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404);
	test_assert_err(dbr(&m, GW3, "10.0.0.0/8", C4, 100, true, &r, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404); /* another account's gateway */
	test_assert_err(dbr(&m, GW1, "10.0.0.0/8", "vco-doesnotexist", 100, true, &r, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	test_assert_err(dbr(&m, GW1, "10.0.0.0/8", C3, 100, true, &r, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404); /* a connection of GW2 */
	test_assert_err(dbr(&m, GW1, "10.0.0.0/8", C4, 100, true, &r, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404); /* another account's */
	test_assert_err(pbr(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C3, 100, 10, &r, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	ck_assert_int_eq(route_count(GW1), 0);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 0);
}
END_TEST

START_TEST(test_create_duplicates_and_weights)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;

	dbr_ok(&m, GW1, "10.0.0.0/8", C1, 100, true);
	/* same destination and next hop: one entry, whatever the weight or publishing */
	test_assert_err(dbr(&m, GW1, "10.0.0.0/8", C1, 0, false, &r, &err), &err, "VpnRouteEntry.AlreadyExists", 400);
	/* the standby route to the same destination via another connection */
	dbr_ok(&m, GW1, "10.0.0.0/8", C2, 0, true);
	ck_assert_str_eq(route_field("weight", GW1, "dbr", "10.0.0.0/8", "", C2), "0");
	/* the same destination and next hop in the policy table is another entry */
	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10);
	test_assert_err(pbr(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 0, 20, &r, &err), &err,
		   "VpnRouteEntry.AlreadyExists", 400);
	pbr_ok(&m, GW1, "192.168.1.0/24", "10.0.0.0/8", C1, 100, 10); /* other source */
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 2);
	ck_assert_int_eq(usage(&m, "vpn_pbr_route", GW1), 2);
}
END_TEST

START_TEST(test_create_dual_tunnel_weight)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;

	/* dual-tunnel connections fail over by themselves: the weight has no effect */
	ck_assert_int_eq(dbr(&m, GW2, "10.0.0.0/8", C3, 0, true, &r, &err), 0);
	ck_assert_int_eq(r.weight, 100);
	ck_assert_str_eq(route_field("weight", GW2, "dbr", "10.0.0.0/8", "", C3), "100");
	ck_assert_int_eq(pbr(&m, GW2, "192.168.0.0/24", "10.0.0.0/8", C3, 0, 5, &r, &err), 0);
	ck_assert_int_eq(r.weight, 100);
}
END_TEST

START_TEST(test_create_description)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_create_args args = { .vpn_gateway_id = GW1, .route_dest = "10.0.0.0/8",
					      .next_hop = C1, .weight = 100, .publish_vpc = true };
	char text[102];
	struct vpn_route r;
	struct vl_err err;

	memset(text, 'd', 101);
	text[101] = '\0';
	args.description = text;
	test_assert_err(vpn_route_create(&m, &args, &r, &err), &err, "InvalidDescription", 400);
	args.description = "http://x";
	test_assert_err(vpn_route_create(&m, &args, &r, &err), &err, "InvalidDescription", 400);
	args.description = "";
	test_assert_err(vpn_route_create(&m, &args, &r, &err), &err, "InvalidDescription", 400);
	ck_assert_int_eq(route_count(GW1), 0);
	text[100] = '\0';
	args.description = text;
	ck_assert_int_eq(vpn_route_create(&m, &args, &r, &err), 0);
	ck_assert_str_eq(r.description, text);
}
END_TEST

START_TEST(test_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;
	struct vpn_route_key key = { .vpn_gateway_id = GW1, .route_dest = "10.1.0.0/16",
				     .next_hop = C1, .weight = 100, .priority = -1 };

	cfg.quotas.vpn_routes_per_gateway = 2;
	cfg.quotas.vpn_pbr_routes_per_gateway = 1;
	dbr_ok(&m, GW1, "10.1.0.0/16", C1, 100, true);
	dbr_ok(&m, GW1, "10.2.0.0/16", C1, 100, true);
	test_assert_err(dbr(&m, GW1, "10.3.0.0/16", C1, 100, true, &r, &err), &err,
		   "QuotaExceeded.VpnRouteEntry", 400);
	/* per gateway, and per table */
	dbr_ok(&m, GW2, "10.3.0.0/16", C3, 100, true);
	pbr_ok(&m, GW1, "192.168.0.0/24", "10.3.0.0/16", C1, 100, 10);
	test_assert_err(pbr(&m, GW1, "192.168.1.0/24", "10.3.0.0/16", C1, 100, 10, &r, &err), &err,
		   "QuotaExceeded.PolicyBasedRoute", 400);
	/* a delete frees a place */
	ck_assert_int_eq(vpn_route_delete(&m, &key, &err), 0);
	dbr_ok(&m, GW1, "10.3.0.0/16", C1, 100, true);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 2);
}
END_TEST

/* ---- delete / modify / publish ---- */

START_TEST(test_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx(OTHER, REGION);
	struct vpn_route_key key = { .vpn_gateway_id = GW1, .route_dest = "10.1.0.0/16",
				     .next_hop = C1, .weight = 0, .priority = -1 };
	struct vl_err err;

	dbr_ok(&m, GW1, "10.1.0.0/16", C1, 100, true);
	/* named by gateway, destination, next hop and weight: a wrong weight names nothing */
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.weight = 100;
	key.next_hop = C2;
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.next_hop = C1;
	key.pbr = true; /* not in the policy table */
	key.route_source = "0.0.0.0/0";
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.pbr = false;
	test_assert_err(vpn_route_delete(&other, &key, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	key.vpn_gateway_id = "vpn-doesnotexist";
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	ck_assert_int_eq(route_count(GW1), 1);

	key.vpn_gateway_id = GW1;
	ck_assert_int_eq(vpn_route_delete(&m, &key, &err), 0);
	ck_assert_int_eq(route_count(GW1), 0);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 0);
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
}
END_TEST

START_TEST(test_delete_pbr_priority)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_key key = { .vpn_gateway_id = GW1, .pbr = true, .route_source = "192.168.0.0/24",
				     .route_dest = "10.0.0.0/8", .next_hop = C1, .weight = 100,
				     .priority = 20 };
	struct vl_err err;

	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10);
	/* "if you enter a different value, the operation fails" */
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.route_source = "192.168.1.0/24";
	key.priority = 10;
	test_assert_err(vpn_route_delete(&m, &key, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.route_source = "192.168.0.0/24";
	key.priority = -1; /* not given: any priority */
	ck_assert_int_eq(vpn_route_delete(&m, &key, &err), 0);
	ck_assert_int_eq(usage(&m, "vpn_pbr_route", GW1), 0);
}
END_TEST

START_TEST(test_changes_while_configuring)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_key old = { .vpn_gateway_id = GW1, .route_dest = "10.1.0.0/16",
				     .next_hop = C1, .weight = 100, .priority = -1 };
	struct vpn_route_key fresh = { .vpn_gateway_id = GW1, .route_dest = "10.2.0.0/16",
				       .next_hop = C1, .weight = 100, .priority = -1 };
	struct vl_err err;
	int64_t next = 0;

	dbr_ok(&m, GW1, "10.1.0.0/16", C1, 100, true); /* settled at once */
	cfg.transition_delay_ms = 1000;
	dbr_ok(&m, GW1, "10.2.0.0/16", C1, 100, true); /* pending, gateway updating */
	/* the pending entry itself refuses changes */
	test_assert_err(vpn_route_delete(&m, &fresh, &err), &err, "VpnRouteEntry.Configuring", 400);
	test_assert_err(vpn_route_modify_weight(&m, &fresh, 0, &err), &err, "VpnRouteEntry.Configuring", 400);
	test_assert_err(vpn_route_publish(&m, &fresh, false, &err), &err, "VpnRouteEntry.Configuring", 400);
	/* a settled entry waits for its gateway */
	test_assert_err(vpn_route_delete(&m, &old, &err), &err, "VpnGateway.Configuring", 400);
	test_assert_err(vpn_route_modify_weight(&m, &old, 0, &err), &err, "VpnGateway.Configuring", 400);
	test_assert_err(vpn_route_publish(&m, &old, false, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(route_count(GW1), 2);
	ck_assert_str_eq(route_field("weight", GW1, "dbr", "10.1.0.0/16", "", C1), "100");
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "published");

	lifecycle_apply_due(st, NOW + 1000, &next);
	ck_assert_int_eq(vpn_route_delete(&m, &old, &err), 0);
	ck_assert_str_eq(gateway_status(&m, GW1), "updating");
}
END_TEST

START_TEST(test_modify_weight)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_key key = { .vpn_gateway_id = GW1, .route_dest = "10.1.0.0/16",
				     .next_hop = C1, .weight = 0, .priority = -1 };
	struct vpn_route_key dual = { .vpn_gateway_id = GW2, .route_dest = "10.1.0.0/16",
				      .next_hop = C3, .weight = 100, .priority = -1 };
	struct vl_err err;
	int64_t next = 0;

	dbr_ok(&m, GW1, "10.1.0.0/16", C1, 100, false);
	test_assert_err(vpn_route_modify_weight(&m, &key, 100, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.weight = 100;
	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(vpn_route_modify_weight(&m, &key, 0, &err), 0);
	ck_assert_str_eq(route_field("weight", GW1, "dbr", "10.1.0.0/16", "", C1), "0");
	/* the change is applied like a create: pending, then the state it had */
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "pending");
	ck_assert_str_eq(gateway_status(&m, GW1), "updating");
	lifecycle_apply_due(st, NOW + 1000, &next);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.1.0.0/16", "", C1), "normal");
	/* the old weight names it no more */
	test_assert_err(vpn_route_modify_weight(&m, &key, 0, &err), &err, "InvalidRouteEntry.NotFound", 404);

	/* dual tunnel: accepted, no effect */
	cfg.transition_delay_ms = 0;
	dbr_ok(&m, GW2, "10.1.0.0/16", C3, 100, true);
	ck_assert_int_eq(vpn_route_modify_weight(&m, &dual, 0, &err), 0);
	ck_assert_str_eq(route_field("weight", GW2, "dbr", "10.1.0.0/16", "", C3), "100");
}
END_TEST

START_TEST(test_modify_pbr)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_key key = { .vpn_gateway_id = GW1, .pbr = true, .route_source = "192.168.0.0/24",
				     .route_dest = "10.0.0.0/8", .next_hop = C1, .weight = 100,
				     .priority = 10 };
	struct vl_err err;

	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10);
	ck_assert_int_eq(vpn_route_modify_priority(&m, &key, 1, &err), 0);
	ck_assert_str_eq(route_field("priority", GW1, "pbr", "10.0.0.0/8", "192.168.0.0/24", C1), "1");
	/* the old priority names it no more; no priority: any */
	test_assert_err(vpn_route_modify_priority(&m, &key, 5, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.priority = -1;
	ck_assert_int_eq(vpn_route_modify_weight(&m, &key, 0, &err), 0);
	ck_assert_str_eq(route_field("weight", GW1, "pbr", "10.0.0.0/8", "192.168.0.0/24", C1), "0");
	key.weight = 100;
	test_assert_err(vpn_route_modify_priority(&m, &key, 5, &err), &err, "InvalidRouteEntry.NotFound", 404);
	key.weight = 0;
	key.priority = 1;
	ck_assert_int_eq(vpn_route_modify_priority(&m, &key, 100, &err), 0);
	ck_assert_str_eq(route_field("priority", GW1, "pbr", "10.0.0.0/8", "192.168.0.0/24", C1), "100");
}
END_TEST

START_TEST(test_publish)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route_key dkey = { .vpn_gateway_id = GW1, .route_dest = "10.0.0.0/8",
				      .next_hop = C1, .weight = -1, .priority = -1 };
	struct vpn_route_key pkey = { .vpn_gateway_id = GW1, .pbr = true, .route_dest = "10.0.0.0/8",
				      .next_hop = C1, .weight = -1, .priority = -1 };
	struct vl_err err;
	int64_t next = 0;

	dbr_ok(&m, GW1, "10.0.0.0/8", C1, 100, false);
	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10); /* published */
	pbr_ok(&m, GW1, "192.168.1.0/24", "10.0.0.0/8", C1, 100, 10); /* published */
	dbr_ok(&m, GW1, "10.9.0.0/16", C2, 100, true);

	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(vpn_route_publish(&m, &dkey, true, &err), 0);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.0.0.0/8", "", C1), "pending");
	lifecycle_apply_due(st, NOW + 1000, &next);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.0.0.0/8", "", C1), "published");

	/* withdrawing policy routes (every source) also withdraws the destination route */
	cfg.transition_delay_ms = 0;
	ck_assert_int_eq(vpn_route_publish(&m, &pkey, false, &err), 0);
	ck_assert_str_eq(route_field("state", GW1, "pbr", "10.0.0.0/8", "192.168.0.0/24", C1), "normal");
	ck_assert_str_eq(route_field("state", GW1, "pbr", "10.0.0.0/8", "192.168.1.0/24", C1), "normal");
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.0.0.0/8", "", C1), "normal");
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.9.0.0/16", "", C2), "published");

	/* publishing does not pull the other table along */
	ck_assert_int_eq(vpn_route_publish(&m, &dkey, true, &err), 0);
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.0.0.0/8", "", C1), "published");
	ck_assert_str_eq(route_field("state", GW1, "pbr", "10.0.0.0/8", "192.168.0.0/24", C1), "normal");

	dkey.next_hop = C2;
	test_assert_err(vpn_route_publish(&m, &dkey, true, &err), &err, "InvalidRouteEntry.NotFound", 404);
	dkey.vpn_gateway_id = "vpn-doesnotexist";
	test_assert_err(vpn_route_publish(&m, &dkey, true, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
}
END_TEST

/* ---- describe ---- */

static const char *item_str(json_t *items, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(items, i), key));
}

START_TEST(test_list)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx(OTHER, REGION);
	struct vl_err err;
	json_t *items;
	int64_t total = -1;

	for (int i = 0; i < 5; i++) {
		char dest[32];

		snprintf(dest, sizeof(dest), "10.%d.0.0/16", i + 1);
		m.now_ms = NOW + i;
		dbr_ok(&m, GW1, dest, C1, 100, true);
	}
	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10);
	dbr_ok(&m, GW2, "10.1.0.0/16", C3, 100, true);

	items = json_array();
	ck_assert_int_eq(vpn_route_list(&m, GW1, false, false, 0, 2, items, &total, &err), 0);
	ck_assert_int_eq(total, 5);
	ck_assert_uint_eq(json_array_size(items), 2);
	ck_assert_str_eq(item_str(items, 0, "RouteDest"), "10.5.0.0/16"); /* newest first */
	ck_assert_str_eq(item_str(items, 1, "RouteDest"), "10.4.0.0/16");
	json_decref(items);

	items = json_array();
	ck_assert_int_eq(vpn_route_list(&m, GW1, false, false, 4, 2, items, &total, &err), 0);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(item_str(items, 0, "RouteDest"), "10.1.0.0/16");
	json_decref(items);

	items = json_array();
	ck_assert_int_eq(vpn_route_list(&m, GW1, true, false, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(item_str(items, 0, "RouteSource"), "192.168.0.0/24");
	json_decref(items);

	/* learned BGP routes: none */
	items = json_array();
	ck_assert_int_eq(vpn_route_list(&m, GW1, false, true, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_uint_eq(json_array_size(items), 0);
	json_decref(items);

	items = json_array();
	test_assert_err(vpn_route_list(&other, GW1, false, false, 0, 10, items, &total, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404);
	test_assert_err(vpn_route_list(&m, "vpn-doesnotexist", true, false, 0, 10, items, &total, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404);
	ck_assert_uint_eq(json_array_size(items), 0);
	json_decref(items);
}
END_TEST

START_TEST(test_to_json)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_route r;
	struct vl_err err;
	json_t *item, *counts;
	static const char *const dbr_keys[] = { "VpnInstanceId", "RouteDest", "NextHop", "Weight",
						"State", "CreateTime", "NextHopTunnelId", "RouteEntryType",
						"Source", "AsPath", "Community" };
	static const char *const pbr_keys[] = { "VpnInstanceId", "RouteSource", "RouteDest", "NextHop",
						"Weight", "Priority", "State", "CreateTime",
						"NextHopTunnelId" };

	counts = vpn_route_counts_json(&m, GW1);
	ck_assert_uint_eq(json_array_size(json_object_get(counts, "VpnRouteCount")), 0);
	json_decref(counts);

	ck_assert_int_eq(dbr(&m, GW1, "10.1.0.0/16", C1, 0, false, &r, &err), 0);
	item = vpn_route_to_json(&r);
	ck_assert_uint_eq(json_object_size(item), countof(dbr_keys));
	for (size_t i = 0; i < countof(dbr_keys); i++)
		ck_assert_msg(json_object_get(item, dbr_keys[i]) != NULL, "missing %s", dbr_keys[i]);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpnInstanceId")), GW1);
	ck_assert_int_eq(json_integer_value(json_object_get(item, "Weight")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "State")), "normal");
	ck_assert_str_eq(json_string_value(json_object_get(item, "RouteEntryType")), "custom");
	ck_assert_int_eq(json_integer_value(json_object_get(item, "CreateTime")), NOW);
	json_decref(item);

	ck_assert_int_eq(pbr(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 7, &r, &err), 0);
	item = vpn_route_to_json(&r);
	ck_assert_uint_eq(json_object_size(item), countof(pbr_keys));
	for (size_t i = 0; i < countof(pbr_keys); i++)
		ck_assert_msg(json_object_get(item, pbr_keys[i]) != NULL, "missing %s", pbr_keys[i]);
	ck_assert_int_eq(json_integer_value(json_object_get(item, "Priority")), 7);
	json_decref(item);

	counts = vpn_route_counts_json(&m, GW1);
	item = json_array_get(json_object_get(counts, "VpnRouteCount"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "RouteEntryType")), "custom");
	ck_assert_int_eq(json_integer_value(json_object_get(item, "RouteCount")), 1); /* dbr only */
	json_decref(counts);
}
END_TEST

/* ---- AutoConfigRoute and the helpers of other models ---- */

START_TEST(test_auto_config)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vl_err err;

	dbr_ok(&m, GW1, "10.3.0.0/16", C1, 0, false); /* already routed to C1 */
	cfg.transition_delay_ms = 1000;
	/* runs inside the connection's change: the gateway may already be updating */
	ck_assert_int_eq(vpn_gateway_begin_change(&m, GW1, &err), 0);
	ck_assert_int_eq(vpn_route_auto_config(&m, GW1, C1, "10.1.0.0/16, 10.2.0.0/16,10.1.0.0/16,10.3.0.0/16",
					       &err), 0);
	ck_assert_int_eq(route_count(GW1), 3);
	ck_assert_str_eq(route_field("weight", GW1, "dbr", "10.1.0.0/16", "", C1), "100");
	ck_assert_str_eq(route_field("published", GW1, "dbr", "10.1.0.0/16", "", C1), "1");
	ck_assert_str_eq(route_field("state", GW1, "dbr", "10.2.0.0/16", "", C1), "pending");
	ck_assert_str_eq(route_field("weight", GW1, "dbr", "10.3.0.0/16", "", C1), "0"); /* untouched */
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 3);

	/* destination-routing mode (0.0.0.0/0): no route */
	ck_assert_int_eq(vpn_route_auto_config(&m, GW1, C2, "0.0.0.0/0", &err), 0);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C2), 0);

	test_assert_err(vpn_route_auto_config(&m, GW1, C2, "10.0.0.0/8,bogus", &err), &err,
		   "IllegalParam.RouteDest", 400);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C2), 0);
}
END_TEST

START_TEST(test_auto_config_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vl_err err;

	cfg.quotas.vpn_routes_per_gateway = 3;
	dbr_ok(&m, GW1, "10.9.0.0/16", C2, 100, true);
	/* all or nothing */
	test_assert_err(vpn_route_auto_config(&m, GW1, C1, "10.1.0.0/16,10.2.0.0/16,10.3.0.0/16", &err), &err,
		   "QuotaExceeded.VpnRouteEntry", 400);
	ck_assert_int_eq(route_count(GW1), 1);
	ck_assert_int_eq(vpn_route_auto_config(&m, GW1, C1, "10.1.0.0/16,10.2.0.0/16", &err), 0);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 3);
}
END_TEST

START_TEST(test_next_hop_helpers)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vl_err err;

	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C1), 0);
	dbr_ok(&m, GW1, "10.1.0.0/16", C1, 100, true);
	dbr_ok(&m, GW1, "10.2.0.0/16", C1, 100, true);
	dbr_ok(&m, GW1, "10.2.0.0/16", C2, 0, true);
	pbr_ok(&m, GW1, "192.168.0.0/24", "10.0.0.0/8", C1, 100, 10);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C1), 3);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C2), 1);

	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(vpn_route_auto_config(&m, GW1, C1, "10.7.0.0/16", &err), 0); /* pending */
	ck_assert_int_eq(vpn_route_delete_by_next_hop(&m, C1, &err), 0);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C1), 0);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, C2), 1);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 1);
	ck_assert_int_eq(usage(&m, "vpn_pbr_route", GW1), 0);

	ck_assert_int_eq(vpn_route_delete_by_gateway(&m, GW1, &err), 0);
	ck_assert_int_eq(route_count(GW1), 0);
	ck_assert_int_eq(usage(&m, "vpn_route", GW1), 0);
	{
		/* no transition is left behind for removed entries */
		struct store_stmt *stmt = NULL;

		ck_assert_int_eq(store_prepare(st, "SELECT COUNT(*) FROM transitions WHERE kind='vpn_route'",
					       &stmt), 0);
		ck_assert_int_eq(stmt_step(stmt), STORE_ROW);
		ck_assert_int_eq(stmt_int64(stmt, 0), 0);
		stmt_release(stmt);
	}
}
END_TEST

Suite *vpn_route_suite_create(void)
{
	const struct test_entry create[] = {
		{ test_create_dbr }, { test_create_lifecycle },
		{ test_create_dbr_dest, countof(dbr_dest_tests) },
		{ test_create_pbr_cidrs, countof(pbr_tests) }, { test_create_refs },
		{ test_create_duplicates_and_weights }, { test_create_dual_tunnel_weight },
		{ test_create_description }, { test_quota },
	};
	const struct test_entry change[] = {
		{ test_delete }, { test_delete_pbr_priority }, { test_changes_while_configuring },
		{ test_modify_weight }, { test_modify_pbr }, { test_publish },
	};
	const struct test_entry describe[] = {
		{ test_list }, { test_to_json },
	};
	const struct test_entry helpers[] = {
		{ test_auto_config }, { test_auto_config_quota }, { test_next_hop_helpers },
	};
	const struct test_case cases[] = {
		TEST_CASE(create), TEST_CASE(change), TEST_CASE(describe), TEST_CASE(helpers),
	};

	return test_suite_of_cases("vpn_route", setup, test_world_teardown, cases, countof(cases));
}
