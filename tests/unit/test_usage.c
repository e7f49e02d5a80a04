/*
 * Usage counters (model_usage_add/get, the usage table) over create/delete churn of every
 * resource that keeps one: VPCs, vSwitches, VPN gateways, customer gateways, IPsec
 * connections with their routes, VPN route entries, lab sites and hosts.  Deleting what was
 * created leaves no row behind (issue 10, item 9: rows at 0 piled up for ever), and the
 * quotas the counters enforce still hold in every round.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "lab.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define REGION "cn-hangzhou"
#define ROUNDS 5

static void setup(void)
{
	test_world_setup();
	/* small quotas, so each round reaches every one of them */
	cfg.quotas.vpcs_per_region = 1;
	cfg.quotas.vswitches_per_vpc = 2;
	cfg.quotas.vpn_gateways_per_account = 1;
	cfg.quotas.customer_gateways_per_region = 2;
	cfg.quotas.vpn_connections_per_gateway = 1;
}

#define REFUSED(want, call)                                                                                   \
	do {                                                                                                  \
		struct vl_err err_;                                                                           \
		struct vl_err *err = &err_;                                                                   \
		test_savepoint(st);                                                                           \
		ck_assert_msg(test_release(st, call) == -1, "%s: expected %s", #call, want);                  \
		ck_assert_msg(strcmp(vl_err_code(err), want) == 0, "%s: expected %s, got %s (%s)", #call, want, \
			      vl_err_code(err), vl_err_message(err));                                         \
	} while (0)

#define ROWS() test_count(st, "SELECT COUNT(*) FROM usage", NULL)

/* Lets the clock pass and applies the transitions due (updating → active, …). */
static void settle(struct model_ctx *m)
{
	int64_t next = 0;

	m->now_ms += 1000;
	ck_assert_int_ge(lifecycle_apply_due(st, m->now_ms, &next), 0);
}

/* One round: everything created (each quota reached and holding), then everything deleted. */
static void churn_round(struct model_ctx *m)
{
	struct vpc_create_args va = { .cidr_block = "10.0.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.2.0/24" };
	struct vswitch_create_args sc = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.3.0/24" };
	struct vpn_gateway_create_args ga = { .bandwidth = 10, .enable_ipsec = true };
	struct customer_gateway_create_args third = { .ip_address = "203.0.113.3" };
	struct vpc vpc, vpc2;
	struct vswitch vh, vi, vx;
	struct vpn_gateway gw, gw2;
	struct customer_gateway c1, c2, c3;
	struct vpn_connection conn, conn2;
	struct lab_host host, site_host;
	struct vpn_route route;
	char site_id[64];
	const char *cgws[2];
	struct lab_site_create_args site = { .lan_cidr = "192.168.10.0/24", .customer_gateway_ids = cgws,
					     .customer_gateway_count = 2 };
	struct lab_host_create_args ha = { 0 }, hs = { 0 };
	struct vpn_route_create_args ra = { .route_dest = "172.16.0.0/16", .weight = 100 };
	struct vpn_route_key rk = { .route_dest = "172.16.0.0/16", .weight = -1, .priority = -1 };

	OK(vpc_create(m, &va, &vpc, err));
	REFUSED("QuotaExceeded.Vpc", vpc_create(m, &va, &vpc2, err));
	settle(m);
	sa.vpc_id = sb.vpc_id = sc.vpc_id = vpc.vpc_id;
	OK(vswitch_create(m, &sa, &vh, err));
	OK(vswitch_create(m, &sb, &vi, err));
	REFUSED("QuotaExceeded.VSwitch", vswitch_create(m, &sc, &vx, err));
	settle(m);
	ga.vpc_id = vpc.vpc_id;
	ga.vswitch_id = vh.vswitch_id;
	ga.dr_vswitch_id = vi.vswitch_id;
	OK(vpn_gateway_create(m, &ga, &gw, err));
	REFUSED("Resource.QuotaFull", vpn_gateway_create(m, &ga, &gw2, err));
	settle(m);
	test_make_cgw(m, "203.0.113.1", &c1);
	test_make_cgw(m, "203.0.113.2", &c2);
	REFUSED("Resource.QuotaFull", customer_gateway_create(m, &third, &c3, err));
	test_make_dual(m, gw.vpn_gateway_id, c1.customer_gateway_id, c2.customer_gateway_id, &conn);
	settle(m);
	{
		struct ipsec_param p[4] = {
			{ "TunnelOptionsSpecification.1.CustomerGatewayId", c1.customer_gateway_id },
			{ "TunnelOptionsSpecification.1.Role", "master" },
			{ "TunnelOptionsSpecification.2.CustomerGatewayId", c2.customer_gateway_id },
			{ "TunnelOptionsSpecification.2.Role", "slave" },
		};
		struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
		struct vpn_connection_create_args a = { .vpn_gateway_id = gw.vpn_gateway_id,
							.local_subnet = "10.0.0.0/16",
							.remote_subnet = "192.168.20.0/24", .tunnels = specs };
		struct vl_err e;

		ck_assert_int_eq(ipsec_tunnel_specs_collect(p, 4, specs, &a.tunnel_count, &e), 0);
		REFUSED("Resource.QuotaFull", vpn_connection_create(m, &a, &conn2, err));
	}
	ra.vpn_gateway_id = rk.vpn_gateway_id = gw.vpn_gateway_id;
	ra.next_hop = rk.next_hop = conn.vpn_connection_id;
	OK(vpn_route_create(m, &ra, &route, err));
	settle(m);
	cgws[0] = c1.customer_gateway_id;
	cgws[1] = c2.customer_gateway_id;
	OK(lab_site_create(m, &site, site_id, err));
	ha.vswitch_id = vh.vswitch_id;
	hs.site_id = site_id;
	OK(lab_host_create(m, &ha, &host, err));
	OK(lab_host_create(m, &hs, &site_host, err));
	/* the counters are there while the resources are */
	ck_assert_int_eq(test_usage(m, "vpc", REGION), 1);
	ck_assert_int_eq(test_usage(m, "vswitch", vpc.vpc_id), 2);
	ck_assert_int_ge(test_usage(m, "ref:vswitch", vh.vswitch_id), 2); /* the gateway, the host */
	ck_assert_int_eq(test_usage(m, "vpn_connection", gw.vpn_gateway_id), 1);
	ck_assert_int_ge(test_usage(m, "ref:customer_gateway", c1.customer_gateway_id), 1);
	ck_assert_int_gt(ROWS(), 0);

	/* a delete refused by a counter changes nothing and still leaves the rows right */
	REFUSED("DependencyViolation", vswitch_delete(m, vh.vswitch_id, err));

	OK(lab_host_delete(m, site_host.host_id, err));
	OK(lab_site_delete(m, site_id, err));
	OK(lab_host_delete(m, host.host_id, err));
	OK(vpn_route_delete(m, &rk, err));
	settle(m);
	OK(vpn_connection_delete(m, conn.vpn_connection_id, err));
	settle(m);
	OK(customer_gateway_delete(m, c1.customer_gateway_id, err));
	OK(customer_gateway_delete(m, c2.customer_gateway_id, err));
	OK(vpn_gateway_delete(m, gw.vpn_gateway_id, err));
	settle(m);
	OK(vswitch_delete(m, vh.vswitch_id, err));
	OK(vswitch_delete(m, vi.vswitch_id, err));
	settle(m);
	OK(vpc_delete(m, vpc.vpc_id, err));
	settle(m);
}

START_TEST(test_churn_leaves_no_rows)
{
	struct model_ctx m = { .store = st, .account = ACCOUNT, .region = REGION, .now_ms = NOW, .cfg = &cfg };

	for (int round = 0; round < ROUNDS; round++) {
		churn_round(&m);
		ck_assert_msg(ROWS() == 0, "round %d left %lld usage rows (%lld at 0)", round, (long long)ROWS(),
			      (long long)test_count(st, "SELECT COUNT(*) FROM usage WHERE used=0", NULL));
	}
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM vpcs", NULL), 0);
}
END_TEST

/* The counter API itself: 0 reads as absent, a row reaching 0 goes, others stay. */
START_TEST(test_counter_at_zero_goes)
{
	struct model_ctx m = { .store = st, .account = ACCOUNT, .region = REGION, .now_ms = NOW, .cfg = &cfg };
	struct model_ctx other = m;

	other.account = "acct-b";
	ck_assert_int_eq(model_usage_add(&m, "vpc", REGION, 2), 0);
	ck_assert_int_eq(model_usage_add(&other, "vpc", REGION, 1), 0);
	ck_assert_int_eq(model_usage_add(&m, "vpc", REGION, -1), 0);
	ck_assert_int_eq(test_usage(&m, "vpc", REGION), 1);
	ck_assert_int_eq(ROWS(), 2);
	ck_assert_int_eq(model_usage_add(&m, "vpc", REGION, -1), 0);
	ck_assert_int_eq(test_usage(&m, "vpc", REGION), 0);
	ck_assert_int_eq(ROWS(), 1); /* only the other account's */
	ck_assert_int_eq(test_usage(&other, "vpc", REGION), 1);
	/* counting up again from nothing works as before */
	ck_assert_int_eq(model_usage_add(&m, "vpc", REGION, 1), 0);
	ck_assert_int_eq(test_usage(&m, "vpc", REGION), 1);
}
END_TEST

Suite *usage_suite_create(void)
{
	const struct test_entry usage[] = {
		{ test_counter_at_zero_goes }, { test_churn_leaves_no_rows },
	};

	return test_suite("usage", "usage", setup, test_world_teardown, usage, countof(usage));
}
