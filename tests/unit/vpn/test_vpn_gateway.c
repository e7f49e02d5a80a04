/*
 * VPN gateway model rules (model/vpn_gateway.c, model/public_ip.c) on a real SQLite store:
 * bandwidth sets, the two-vSwitch/two-zone rule, VPC and vSwitch checks, the public address
 * pool (lowest free, release, exhaustion, global uniqueness), private addresses inside
 * vSwitches, quota, lifecycle (provisioning, updating, Configuring), delete refusals and
 * releases, account and region isolation, describe filters and the answer's keys; a
 * single-tunnel catalogue region ("VpnDualTunnel": false) and that member's parsing.
 * Every mutation runs in a savepoint the way the engine runs a request, so a refused
 * request is seen to change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "public_ip.h"
#include "store.h"
#include "tag.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

static struct vpc vpc;			     /* 10.0.0.0/16 of ACCOUNT in REGION */
static struct vswitch vsw_h, vsw_i, vsw_h2;  /* 10.0.1.0/24 h, 10.0.2.0/24 i, 10.0.3.0/24 h */

static void make_vswitch(struct model_ctx *m, const struct vpc *v, const char *zone,
			 const char *cidr, struct vswitch *out)
{
	struct vswitch_create_args args = { .vpc_id = v->vpc_id, .zone_id = zone, .cidr_block = cidr };
	struct vl_err err;

	ck_assert_msg(vswitch_create(m, &args, out, &err) == 0, "%s %s", cidr, vl_err_message(&err));
}

static void make_vpc(struct model_ctx *m, const char *cidr, struct vpc *out)
{
	struct vpc_create_args args = { .cidr_block = cidr };
	struct vl_err err;

	ck_assert_msg(vpc_create(m, &args, out, &err) == 0, "%s", vl_err_message(&err));
}

static void setup(void)
{
	struct model_ctx m;

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	make_vpc(&m, "10.0.0.0/16", &vpc);
	make_vswitch(&m, &vpc, "cn-hangzhou-h", "10.0.1.0/24", &vsw_h);
	make_vswitch(&m, &vpc, "cn-hangzhou-i", "10.0.2.0/24", &vsw_i);
	make_vswitch(&m, &vpc, "cn-hangzhou-h", "10.0.3.0/24", &vsw_h2);
}

static int64_t sql_count(const char *sql)
{
	struct store_stmt *stmt = NULL;
	int64_t n = -1;

	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	if (stmt_step(stmt) == STORE_ROW)
		n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

#define usage(m, kind, scope) test_usage((m), (kind), (scope))

/* Public, 10M, dual tunnel over vsw_h and vsw_i. */
static struct vpn_gateway_create_args default_args(void)
{
	struct vpn_gateway_create_args a = {
		.vpc_id = vpc.vpc_id, .vswitch_id = vsw_h.vswitch_id,
		.dr_vswitch_id = vsw_i.vswitch_id, .bandwidth = 10, .enable_ipsec = true,
	};

	return a;
}

static int create(struct model_ctx *m, const struct vpn_gateway_create_args *a,
		  struct vpn_gateway *out, struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_gateway_create(m, a, out, err));
}

static void create_ok(struct model_ctx *m, const struct vpn_gateway_create_args *a,
		      struct vpn_gateway *out)
{
	struct vl_err err;

	ck_assert_msg(create(m, a, out, &err) == 0, "%s: %s", vl_err_code(&err), vl_err_message(&err));
}

static int delete(struct model_ctx *m, const char *id, struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_gateway_delete(m, id, err));
}

static int modify(struct model_ctx *m, const struct vpn_gateway_modify_args *a,
		  struct vpn_gateway *out, struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_gateway_modify(m, a, out, err));
}

static int begin_change(struct model_ctx *m, const char *id, struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_gateway_begin_change(m, id, err));
}

/* Nothing of a refused create may stay behind. */
static void assert_nothing_created(struct model_ctx *m)
{
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_gateways"), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips"), 0);
	ck_assert_int_eq(usage(m, "vpn_gateway", "*"), 0);
	ck_assert_int_eq(usage(m, "ref:vswitch", vsw_h.vswitch_id), 0);
	ck_assert_int_eq(usage(m, "ref:vswitch", vsw_i.vswitch_id), 0);
}

/* ---- create ---- */

START_TEST(test_create)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;

	create_ok(&m, &a, &g);
	ck_assert_int_eq(strncmp(g.vpn_gateway_id, "vpn-bp1", 7), 0);
	ck_assert_uint_eq(strlen(g.vpn_gateway_id), 4 + 24);
	ck_assert_str_eq(g.status, "active"); /* transition delay 0 */
	ck_assert_str_eq(g.name, g.vpn_gateway_id); /* the documented default name */
	ck_assert(g.order_id >= 100000000000000LL && g.order_id < 1000000000000000LL);
	ck_assert(vpn_gateway_is_dual_tunnel(&g));

	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.vpc_id, vpc.vpc_id);
	ck_assert_str_eq(got.vswitch_id, vsw_h.vswitch_id);
	ck_assert_str_eq(got.dr_vswitch_id, vsw_i.vswitch_id);
	ck_assert_str_eq(got.zone_id, "cn-hangzhou-h");
	ck_assert_str_eq(got.dr_zone_id, "cn-hangzhou-i");
	ck_assert_str_eq(got.status, "active");
	ck_assert_str_eq(got.network_type, "public");
	ck_assert_str_eq(got.internet_ip, "198.18.0.1");
	ck_assert_str_eq(got.dr_internet_ip, "198.18.0.2");
	ck_assert_str_eq(got.ssl_internet_ip, "");
	/* its interfaces take the first usable address of each vSwitch */
	ck_assert_str_eq(got.eni_ip, "10.0.1.1");
	ck_assert_str_eq(got.dr_eni_ip, "10.0.2.1");
	ck_assert_int_eq(strncmp(got.eni_id, "eni-bp1", 7), 0);
	ck_assert_int_eq(strncmp(got.dr_eni_id, "eni-bp1", 7), 0);
	ck_assert_int_eq(got.bandwidth, 10);
	ck_assert(got.enable_ipsec && !got.enable_ssl && got.enable_bgp && got.auto_propagate);
	ck_assert_int_eq(got.ssl_connections, 0);
	ck_assert_str_eq(got.charge_type, "POSTPAY");
	ck_assert_int_eq(got.end_ms, 0);
	ck_assert_str_eq(got.business_status, "Normal");
	ck_assert_str_eq(got.vpn_type, "Normal");
	ck_assert_int_eq(got.created_ms, NOW);
	ck_assert_int_eq(got.order_id, g.order_id);
	ck_assert_int_eq(usage(&m, "vpn_gateway", "*"), 1);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_h.vswitch_id), 1);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_i.vswitch_id), 1);
}
END_TEST

START_TEST(test_create_lifecycle)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;
	int64_t next = 0;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.status, "provisioning");
	ck_assert(lifecycle_busy(&m, "vpn_gateway", g.vpn_gateway_id));
	ck_assert_int_eq(m.next_transition_ms, NOW + 1000);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 999, &next), 0);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "provisioning");
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "active");
	ck_assert(!lifecycle_busy(&m, "vpn_gateway", g.vpn_gateway_id));
}
END_TEST

static const struct {
	const char *network_type;
	int64_t bandwidth;
	bool ok;
} bandwidth_tests[] = {
	{ NULL, 5, true }, { NULL, 10, true }, { NULL, 20, true }, { NULL, 50, true },
	{ NULL, 100, true }, { NULL, 200, true }, { NULL, 500, true }, { NULL, 1000, true },
	{ "public", 1000, true }, { NULL, 0, false }, { NULL, 7, false }, { NULL, 2000, false },
	{ NULL, -10, false }, { "private", 200, true }, { "private", 1000, true },
	{ "private", 10, false }, { "private", 500, false }, { "private", 5, false },
};

START_TEST(test_create_bandwidth)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;
	int rc;

	a.network_type = bandwidth_tests[_i].network_type;
	a.bandwidth = bandwidth_tests[_i].bandwidth;
	rc = create(&m, &a, &g, &err);
	if (bandwidth_tests[_i].ok) {
		char spec[16];

		ck_assert_msg(rc == 0, "%s", vl_err_code(&err));
		ck_assert_int_eq(g.bandwidth, a.bandwidth);
		snprintf(spec, sizeof(spec), "%lldM", (long long)a.bandwidth);
		vpn_gateway_spec(g.bandwidth, spec + 8, 8);
		ck_assert_str_eq(spec + 8, spec);
	} else {
		test_assert_err(rc, &err, "InvalidSpec.NotFound", 400);
		assert_nothing_created(&m);
	}
}
END_TEST

START_TEST(test_create_vswitch_rules)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a;
	struct vpc vpc2, other_vpc;
	struct vswitch vsw_other_vpc, vsw_other_account;
	struct vpn_gateway g;
	struct vl_err err;

	make_vpc(&m, "192.168.0.0/16", &vpc2);
	make_vswitch(&m, &vpc2, "cn-hangzhou-i", "192.168.1.0/24", &vsw_other_vpc);
	make_vpc(&other, "10.0.0.0/16", &other_vpc);
	make_vswitch(&other, &other_vpc, "cn-hangzhou-i", "10.0.9.0/24", &vsw_other_account);

	/* both vSwitches are required: a missing one is answered as not found (HTTP 400) */
	a = default_args();
	a.dr_vswitch_id = NULL;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	ck_assert_str_eq(vl_err_message(&err), "The specified vswitchId is not found.");
	a = default_args();
	a.vswitch_id = "";
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	a = default_args();
	a.dr_vswitch_id = "vsw-doesnotexist";
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	/* a vSwitch of another VPC, and one of another account */
	a = default_args();
	a.dr_vswitch_id = vsw_other_vpc.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	a = default_args();
	a.dr_vswitch_id = vsw_other_account.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	/* two zones in a region that has more than one */
	a = default_args();
	a.dr_vswitch_id = vsw_h2.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidParameter", 400);
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "different zones"));
	a = default_args();
	a.dr_vswitch_id = vsw_h.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidParameter", 400);
	assert_nothing_created(&m);
	/* the order of the two does not matter */
	a = default_args();
	a.vswitch_id = vsw_i.vswitch_id;
	a.dr_vswitch_id = vsw_h2.vswitch_id;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.zone_id, "cn-hangzhou-i");
	ck_assert_str_eq(g.dr_zone_id, "cn-hangzhou-h");
}
END_TEST

START_TEST(test_create_single_zone_region)
{
	/* ap-northeast-2 has one zone in the catalogue: one vSwitch may carry both tunnels */
	struct model_ctx m = test_ctx(ACCOUNT, "ap-northeast-2");
	struct vpn_gateway_create_args a = { .bandwidth = 10, .enable_ipsec = true };
	struct vswitch one, two;
	struct vpn_gateway g, g2;
	struct vpc v;

	make_vpc(&m, "172.16.0.0/16", &v);
	make_vswitch(&m, &v, "ap-northeast-2-a", "172.16.1.0/24", &one);
	make_vswitch(&m, &v, "ap-northeast-2-a", "172.16.2.0/24", &two);
	a.vpc_id = v.vpc_id;
	a.vswitch_id = one.vswitch_id;
	a.dr_vswitch_id = one.vswitch_id;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.zone_id, g.dr_zone_id);
	/* two interfaces, two different addresses of the one vSwitch; one reference */
	ck_assert_str_eq(g.eni_ip, "172.16.1.1");
	ck_assert_str_eq(g.dr_eni_ip, "172.16.1.2");
	ck_assert_int_eq(usage(&m, "ref:vswitch", one.vswitch_id), 1);
	/* two vSwitches of the one zone are fine too */
	a.dr_vswitch_id = two.vswitch_id;
	create_ok(&m, &a, &g2);
	ck_assert_str_eq(g2.eni_ip, "172.16.1.3");
	ck_assert_str_eq(g2.dr_eni_ip, "172.16.2.1");
	ck_assert_int_eq(usage(&m, "ref:vswitch", one.vswitch_id), 2);
	ck_assert_str_eq(g2.internet_ip, "198.18.0.3");
}
END_TEST

/* A catalogue whose region REGION builds single-tunnel gateways. */
static void make_single_tunnel_region(void)
{
	struct catalog_region *r = (struct catalog_region *)catalog_region(cat, REGION);

	ck_assert_ptr_nonnull(r);
	ck_assert(r->vpn_dual_tunnel); /* the built-in catalogue is all dual-tunnel */
	r->vpn_dual_tunnel = false;
}

START_TEST(test_create_single_tunnel_region)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;
	json_t *item, *enis;

	make_single_tunnel_region();
	/* a second vSwitch is refused, whichever it is, and creates nothing */
	test_assert_err(create(&m, &a, &g, &err), &err, "IllegalParam.DisasterRecoveryVSwitchId", 400);
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "does not support dual-tunnel"));
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), REGION));
	a.dr_vswitch_id = vsw_h.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "IllegalParam.DisasterRecoveryVSwitchId", 400);
	a.dr_vswitch_id = "vsw-doesnotexist";
	test_assert_err(create(&m, &a, &g, &err), &err, "IllegalParam.DisasterRecoveryVSwitchId", 400);
	/* VSwitchId is still required and checked first */
	a.vswitch_id = "vsw-doesnotexist";
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	a.vswitch_id = NULL;
	a.dr_vswitch_id = NULL;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	assert_nothing_created(&m);

	/* VSwitchId alone: one vSwitch, one interface, one public address */
	a = default_args();
	a.dr_vswitch_id = NULL;
	create_ok(&m, &a, &g);
	ck_assert(!vpn_gateway_is_dual_tunnel(&g));
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.vswitch_id, vsw_h.vswitch_id);
	ck_assert_str_eq(got.zone_id, "cn-hangzhou-h");
	ck_assert_str_eq(got.dr_vswitch_id, "");
	ck_assert_str_eq(got.dr_zone_id, "");
	ck_assert_str_eq(got.internet_ip, "198.18.0.1");
	ck_assert_str_eq(got.dr_internet_ip, "");
	ck_assert_str_eq(got.eni_ip, "10.0.1.1");
	ck_assert_str_eq(got.dr_eni_id, "");
	ck_assert_str_eq(got.dr_eni_ip, "");
	ck_assert_str_eq(got.status, "active");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips"), 1);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_h.vswitch_id), 1);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_i.vswitch_id), 0);
	item = vpn_gateway_to_json(&m, &got, false);
	ck_assert_str_eq(json_string_value(json_object_get(item, "DisasterRecoveryVSwitchId")), "");
	ck_assert_str_eq(json_string_value(json_object_get(item, "DisasterRecoveryInternetIp")), "");
	enis = json_object_get(json_object_get(item, "EniInstanceIds"), "EniInstanceId");
	ck_assert_uint_eq(json_array_size(enis), 1);
	json_decref(item);
	/* the vSwitch address is shown for single-tunnel IPsec gateways */
	item = vpn_gateway_attribute_json(&m, &got);
	ck_assert_str_eq(json_string_value(json_object_get(item, "IntranetIp")), "10.0.1.1");
	json_decref(item);
	/* an empty DisasterRecoveryVSwitchId is no second vSwitch; SSL takes no third address */
	a.dr_vswitch_id = "";
	a.enable_ssl = true;
	create_ok(&m, &a, &g);
	ck_assert(!vpn_gateway_is_dual_tunnel(&g));
	ck_assert_str_eq(g.internet_ip, "198.18.0.2");
	ck_assert_str_eq(g.ssl_internet_ip, "");
	/* private: reached at its one interface address */
	a.enable_ssl = false;
	a.network_type = "private";
	a.bandwidth = 200;
	a.vswitch_id = vsw_i.vswitch_id;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.internet_ip, "10.0.2.1");
	ck_assert_str_eq(g.dr_internet_ip, "");
	/* delete gives everything back */
	ck_assert_int_eq(delete(&m, got.vpn_gateway_id, &err), 0);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_h.vswitch_id), 1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 1);
}
END_TEST

/* Other regions keep their own mode: only the flagged region is single-tunnel. */
START_TEST(test_create_single_tunnel_other_region)
{
	struct model_ctx m = test_ctx(ACCOUNT, "ap-northeast-2");
	struct vpn_gateway_create_args a = { .bandwidth = 10, .enable_ipsec = true };
	struct vswitch one;
	struct vpn_gateway g;
	struct vl_err err;
	struct vpc v;

	make_single_tunnel_region();
	make_vpc(&m, "172.16.0.0/16", &v);
	make_vswitch(&m, &v, "ap-northeast-2-a", "172.16.1.0/24", &one);
	a.vpc_id = v.vpc_id;
	a.vswitch_id = one.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVSwitchId.NotFound", 400);
	a.dr_vswitch_id = one.vswitch_id;
	create_ok(&m, &a, &g);
	ck_assert(vpn_gateway_is_dual_tunnel(&g));
}
END_TEST

START_TEST(test_create_vpc_rules)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vpc pending;
	struct vl_err err;

	a.vpc_id = "vpc-doesnotexist";
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidVpcId.NotFound", 404);
	a = default_args();
	test_assert_err(create(&other, &a, &g, &err), &err, "InvalidVpcId.NotFound", 404);
	test_assert_err(create(&beijing, &a, &g, &err), &err, "InvalidVpcId.NotFound", 404);
	/* a VPC still Pending */
	cfg.transition_delay_ms = 1000;
	make_vpc(&m, "192.168.0.0/16", &pending);
	a.vpc_id = pending.vpc_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "IncorrectVpcStatus", 400);
	assert_nothing_created(&m);
}
END_TEST

START_TEST(test_create_vswitch_pending)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vswitch pending;
	struct vpn_gateway g;
	struct vl_err err;

	cfg.transition_delay_ms = 1000;
	make_vswitch(&m, &vpc, "cn-hangzhou-i", "10.0.8.0/24", &pending);
	a.dr_vswitch_id = pending.vswitch_id;
	test_assert_err(create(&m, &a, &g, &err), &err, "IncorrectVSwitchStatus", 400);
	assert_nothing_created(&m);
}
END_TEST

static const struct {
	const char *name;
	bool ok;
} name_tests[] = {
	{ "gw", true }, { "MYVPN", true }, { "a.b_c-1", true }, { "网关一", true },
	{ "g", false }, { "1gw", false }, { "_gw", false }, { "gw space", false },
	{ "http://gw", false }, { "gw/1", false }, { "", false },
};

START_TEST(test_create_name)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;
	int rc;

	a.name = name_tests[_i].name;
	rc = create(&m, &a, &g, &err);
	if (name_tests[_i].ok) {
		ck_assert_msg(rc == 0, "%s", vl_err_code(&err));
		ck_assert_str_eq(g.name, name_tests[_i].name);
	} else {
		test_assert_err(rc, &err, "InvalidName", 400);
		ck_assert_str_eq(vl_err_message(&err), "The name is not valid");
	}
}
END_TEST

START_TEST(test_create_name_length)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;
	char name[128];

	memset(name, 'a', 100);
	name[100] = '\0';
	a.name = name;
	create_ok(&m, &a, &g);
	name[100] = 'a';
	name[101] = '\0';
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidName", 400);
}
END_TEST

START_TEST(test_create_ssl)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;

	/* SslConnections is only checked when SSL-VPN is enabled */
	a.ssl_connections = 7;
	create_ok(&m, &a, &g);
	ck_assert_int_eq(g.ssl_connections, 0);
	ck_assert_str_eq(g.ssl_internet_ip, "");
	a.enable_ssl = true;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidSslConnections", 400);
	a.ssl_connections = 1001;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidSslConnections", 400);
	a.ssl_connections = 0; /* default 5 */
	create_ok(&m, &a, &g);
	ck_assert(g.enable_ssl);
	ck_assert_int_eq(g.ssl_connections, 5);
	/* a public dual-tunnel gateway serves SSL-VPN on a third pool address */
	ck_assert_str_eq(g.internet_ip, "198.18.0.3");
	ck_assert_str_eq(g.dr_internet_ip, "198.18.0.4");
	ck_assert_str_eq(g.ssl_internet_ip, "198.18.0.5");
	a.ssl_connections = 1000;
	create_ok(&m, &a, &g);
	ck_assert_int_eq(g.ssl_connections, 1000);
	/* a private one has no internet address for it */
	a.network_type = "private";
	a.bandwidth = 200;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.ssl_internet_ip, "");
}
END_TEST

START_TEST(test_create_prepaid)
{
	/* the documented example: created 1492753580000, one month, ends 1495382400000 */
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;

	a.instance_charge_type = "PREPAY";
	test_assert_err(create(&m, &a, &g, &err), &err, "MissingPeriod", 400);
	a.period = 10;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidPeriod", 400);
	a.period = 48;
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidPeriod", 400);
	assert_nothing_created(&m);

	m.now_ms = 1492753580000LL;
	a.period = 1;
	a.auto_pay = true;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.status, "active");
	ck_assert_int_eq(g.end_ms, 1495382400000LL);
	/* end of month clamps: 2024-01-31 10:00 UTC+8 plus one month is 2024-02-29 */
	m.now_ms = 1706666400000LL;	/* 2024-01-31T02:00:00Z */
	create_ok(&m, &a, &g);
	ck_assert_int_eq(g.end_ms, 1709222400000LL);	/* 2024-03-01T00:00+08 */
	a.period = 12;
	create_ok(&m, &a, &g);
	ck_assert_int_eq(g.end_ms, 1738339200000LL);	/* 2025-02-01T00:00+08 */

	/* without AutoPay the order waits for payment: init, and it never turns active */
	a.auto_pay = false;
	a.period = 1;
	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.status, "init");
	ck_assert(!lifecycle_busy(&m, "vpn_gateway", g.vpn_gateway_id));
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "init");
	test_assert_err(begin_change(&m, g.vpn_gateway_id, &err), &err, "VpnGateway.Configuring", 400);
}
END_TEST

START_TEST(test_create_resource_group)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;
	char rg[32];

	create_ok(&m, &a, &g);
	model_default_resource_group(ACCOUNT, rg, sizeof(rg));
	ck_assert_str_eq(g.resource_group_id, rg);
	a.resource_group_id = "rg-acfmzs372yg1";
	create_ok(&m, &a, &g);
	ck_assert_str_eq(g.resource_group_id, "rg-acfmzs372yg1");
	a.resource_group_id = "group-1";
	test_assert_err(create(&m, &a, &g, &err), &err, "InvalidResourceGroupId", 400);
}
END_TEST

/* ---- addresses ---- */

START_TEST(test_pool_tiny)
{
	/* a /30 pool has two usable addresses: one dual-tunnel gateway takes both */
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g1, g2;
	struct vl_err err;

	cfg.public_ip_pool = "203.0.113.0/30";
	create_ok(&m, &a, &g1);
	ck_assert_str_eq(g1.internet_ip, "203.0.113.1");
	ck_assert_str_eq(g1.dr_internet_ip, "203.0.113.2");
	test_assert_err(create(&m, &a, &g2, &err), &err, "OperationFailed.PublicIpPoolExhausted", 400);
	/* the refused gateway left nothing behind: no row, address, quota or reference */
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_gateways"), 1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 2);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips"), 2);
	ck_assert_int_eq(usage(&m, "vpn_gateway", "*"), 1);
	ck_assert_int_eq(usage(&m, "ref:vswitch", vsw_h.vswitch_id), 1);
	/* private gateways need no pool address */
	a.network_type = "private";
	a.bandwidth = 200;
	create_ok(&m, &a, &g2);
	ck_assert_str_eq(g2.internet_ip, "10.0.1.2");
	/* released on delete, and the next gateway (of any account) gets them back */
	ck_assert_int_eq(delete(&m, g1.vpn_gateway_id, &err), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 0);
	{
		struct vpc ov;
		struct vswitch o1, o2;
		struct vpn_gateway_create_args oa = { .bandwidth = 10, .enable_ipsec = true };

		make_vpc(&other, "10.0.0.0/16", &ov);
		make_vswitch(&other, &ov, "cn-hangzhou-h", "10.0.1.0/24", &o1);
		make_vswitch(&other, &ov, "cn-hangzhou-i", "10.0.2.0/24", &o2);
		oa.vpc_id = ov.vpc_id;
		oa.vswitch_id = o1.vswitch_id;
		oa.dr_vswitch_id = o2.vswitch_id;
		create_ok(&other, &oa, &g1);
		ck_assert_str_eq(g1.internet_ip, "203.0.113.1");
		/* same CIDRs in another account's VPC: its own vSwitch addresses */
		ck_assert_str_eq(g1.eni_ip, "10.0.1.1");
	}
}
END_TEST

START_TEST(test_pool_lowest_free)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g1, g2, g3, g4;
	struct vl_err err;
	struct vpc ov;
	struct vswitch o1, o2;

	create_ok(&m, &a, &g1);
	create_ok(&m, &a, &g2);
	ck_assert_str_eq(g2.internet_ip, "198.18.0.3");
	ck_assert_str_eq(g2.dr_internet_ip, "198.18.0.4");
	ck_assert_int_eq(delete(&m, g1.vpn_gateway_id, &err), 0);
	/* the gap left by g1 is filled first */
	create_ok(&m, &a, &g3);
	ck_assert_str_eq(g3.internet_ip, "198.18.0.1");
	ck_assert_str_eq(g3.dr_internet_ip, "198.18.0.2");
	ck_assert_str_eq(g3.eni_ip, "10.0.1.1");
	/* the pool is one per server: another account gets the next free address */
	make_vpc(&other, "10.0.0.0/16", &ov);
	make_vswitch(&other, &ov, "cn-hangzhou-h", "10.0.1.0/24", &o1);
	make_vswitch(&other, &ov, "cn-hangzhou-i", "10.0.2.0/24", &o2);
	a.vpc_id = ov.vpc_id;
	a.vswitch_id = o1.vswitch_id;
	a.dr_vswitch_id = o2.vswitch_id;
	create_ok(&other, &a, &g4);
	ck_assert_str_eq(g4.internet_ip, "198.18.0.5");
	ck_assert_int_eq(sql_count("SELECT COUNT(DISTINCT ip_num) FROM public_ips"), 6);
}
END_TEST

START_TEST(test_pool_ranges)
{
	uint32_t first = 0, last = 0;
	char text[16];

	ck_assert(public_ip_pool_range("198.18.0.0/15", &first, &last));
	public_ip_format(first, text, sizeof(text));
	ck_assert_str_eq(text, "198.18.0.1");
	public_ip_format(last, text, sizeof(text));
	ck_assert_str_eq(text, "198.19.255.254");
	ck_assert(public_ip_pool_range("203.0.113.0/30", &first, &last));
	ck_assert_uint_eq(last - first, 1);
	ck_assert(!public_ip_pool_range("203.0.113.0/31", &first, &last));
	ck_assert(!public_ip_pool_range("203.0.113.1/30", &first, &last));
	/* vSwitch: the first and the last three addresses are the cloud's */
	ck_assert(public_ip_vswitch_range("10.0.1.0/24", &first, &last));
	public_ip_format(first, text, sizeof(text));
	ck_assert_str_eq(text, "10.0.1.1");
	public_ip_format(last, text, sizeof(text));
	ck_assert_str_eq(text, "10.0.1.252");
	ck_assert(public_ip_vswitch_range("10.0.1.0/29", &first, &last));
	ck_assert_uint_eq(last - first + 1, 4);
	ck_assert(!public_ip_vswitch_range("bogus", &first, &last));
}
END_TEST

START_TEST(test_private_addresses)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vswitch small_h, small_i;
	struct vpn_gateway g[3];
	struct vl_err err;

	a.network_type = "private";
	a.bandwidth = 200;
	create_ok(&m, &a, &g[0]);
	ck_assert_str_eq(g[0].internet_ip, "10.0.1.1");
	ck_assert_str_eq(g[0].dr_internet_ip, "10.0.2.1");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips"), 0);
	/* a second gateway in the same vSwitches gets the next addresses */
	create_ok(&m, &a, &g[1]);
	ck_assert_str_eq(g[1].internet_ip, "10.0.1.2");
	ck_assert_str_eq(g[1].dr_internet_ip, "10.0.2.2");
	ck_assert_int_eq(delete(&m, g[0].vpn_gateway_id, &err), 0);
	create_ok(&m, &a, &g[2]);
	ck_assert_str_eq(g[2].internet_ip, "10.0.1.1");

	/* a /29 has four usable hosts: two single-zone-pair gateways fill it */
	make_vswitch(&m, &vpc, "cn-hangzhou-h", "10.0.4.0/29", &small_h);
	make_vswitch(&m, &vpc, "cn-hangzhou-i", "10.0.5.0/29", &small_i);
	a.vswitch_id = small_h.vswitch_id;
	a.dr_vswitch_id = small_i.vswitch_id;
	for (int i = 0; i < 4; i++) {
		char want[24];

		create_ok(&m, &a, &g[0]);
		snprintf(want, sizeof(want), "10.0.4.%d", i + 1);
		ck_assert_str_eq(g[0].internet_ip, want);
	}
	test_assert_err(create(&m, &a, &g[0], &err), &err, "InvalidVSwitchId.IpNotEnough", 400);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips WHERE ip LIKE '10.0.5.%'"), 4);
}
END_TEST

/* ---- quota ---- */

START_TEST(test_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args(), b;
	struct vpn_gateway g1, g2;
	struct vswitch bj_a, bj_c, o1, o2;
	struct vpc bj, ov;
	struct vl_err err;

	cfg.quotas.vpn_gateways_per_account = 2;
	make_vpc(&beijing, "10.0.0.0/16", &bj);
	make_vswitch(&beijing, &bj, "cn-beijing-a", "10.0.1.0/24", &bj_a);
	make_vswitch(&beijing, &bj, "cn-beijing-c", "10.0.2.0/24", &bj_c);
	b = a;
	b.vpc_id = bj.vpc_id;
	b.vswitch_id = bj_a.vswitch_id;
	b.dr_vswitch_id = bj_c.vswitch_id;

	create_ok(&m, &a, &g1);
	create_ok(&beijing, &b, &g2); /* the quota is the account's, across regions */
	test_assert_err(create(&m, &a, &g1, &err), &err, "Resource.QuotaFull", 400);
	ck_assert_str_eq(vl_err_message(&err), "The quota of resource is full");
	test_assert_err(create(&beijing, &b, &g1, &err), &err, "Resource.QuotaFull", 400);
	ck_assert_int_eq(usage(&m, "vpn_gateway", "*"), 2);
	/* another account has its own */
	make_vpc(&other, "10.0.0.0/16", &ov);
	make_vswitch(&other, &ov, "cn-hangzhou-h", "10.0.1.0/24", &o1);
	make_vswitch(&other, &ov, "cn-hangzhou-i", "10.0.2.0/24", &o2);
	b.vpc_id = ov.vpc_id;
	b.vswitch_id = o1.vswitch_id;
	b.dr_vswitch_id = o2.vswitch_id;
	create_ok(&other, &b, &g1);
	/* a delete frees one */
	ck_assert_int_eq(delete(&beijing, g2.vpn_gateway_id, &err), 0);
	create_ok(&m, &a, &g1);
}
END_TEST

/* ---- lifecycle: busy gateways ---- */

START_TEST(test_begin_change)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;
	int64_t next = 0;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g);
	/* provisioning: not active yet */
	test_assert_err(begin_change(&m, g.vpn_gateway_id, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_str_eq(vl_err_message(&err), "The specified service is configuring.");
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);

	m.now_ms = NOW + 2000;
	ck_assert_int_eq(begin_change(&m, g.vpn_gateway_id, &err), 0);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "updating");
	/* one change at a time */
	test_assert_err(begin_change(&m, g.vpn_gateway_id, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 2999, &next), 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 3000, &next), 1);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "active");
	ck_assert_int_eq(begin_change(&m, g.vpn_gateway_id, &err), 0);
	/* not found, also for another account */
	test_assert_err(begin_change(&m, "vpn-nothere", &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	test_assert_err(begin_change(&other, g.vpn_gateway_id, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404);
}
END_TEST

START_TEST(test_begin_change_no_delay)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;

	create_ok(&m, &a, &g);
	ck_assert_int_eq(begin_change(&m, g.vpn_gateway_id, &err), 0);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "active");
	ck_assert(!lifecycle_busy(&m, "vpn_gateway", g.vpn_gateway_id));
}
END_TEST

/* ---- delete ---- */

START_TEST(test_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g, got;
	struct vl_err err;

	create_ok(&m, &a, &g);
	/* the vSwitches are in use while the gateway exists */
	tx_begin();
	test_assert_err(tx_end(vswitch_delete(&m, vsw_h.vswitch_id, &err)), &err, "DependencyViolation", 400);
	/* another account cannot see it */
	test_assert_err(delete(&other, g.vpn_gateway_id, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	/* connections keep it (the connection model counts them) */
	ck_assert_int_eq(model_usage_add(&m, "vpn_connection", g.vpn_gateway_id, 1), 0);
	test_assert_err(delete(&m, g.vpn_gateway_id, &err), &err, "DependencyViolation.VpnConnection", 400);
	ck_assert_int_eq(model_usage_add(&m, "vpn_connection", g.vpn_gateway_id, -1), 0);

	ck_assert_int_eq(delete(&m, g.vpn_gateway_id, &err), 0);
	test_assert_err(vpn_gateway_get(&m, g.vpn_gateway_id, &got, &err), &err,
		   "InvalidVpnGatewayInstanceId.NotFound", 404);
	test_assert_err(delete(&m, g.vpn_gateway_id, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	assert_nothing_created(&m);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM transitions"), 0);
	tx_begin();
	ck_assert_int_eq(tx_end(vswitch_delete(&m, vsw_h.vswitch_id, &err)), 0);
}
END_TEST

START_TEST(test_delete_busy)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	struct vl_err err;
	int64_t next = 0;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g);
	test_assert_err(delete(&m, g.vpn_gateway_id, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(begin_change(&m, g.vpn_gateway_id, &err), 0);
	test_assert_err(delete(&m, g.vpn_gateway_id, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 5000, &next), 1);
	ck_assert_int_eq(delete(&m, g.vpn_gateway_id, &err), 0);
}
END_TEST

START_TEST(test_delete_prepaid)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway paid, unpaid;
	struct vl_err err;

	a.instance_charge_type = "PREPAY";
	a.period = 1;
	a.auto_pay = true;
	create_ok(&m, &a, &paid);
	test_assert_err(delete(&m, paid.vpn_gateway_id, &err), &err, "ForbiddenRelease", 403);
	/* once the subscription has run out it can go */
	m.now_ms = paid.end_ms;
	ck_assert_int_eq(delete(&m, paid.vpn_gateway_id, &err), 0);
	/* an unpaid order can always be dropped */
	m.now_ms = NOW;
	a.auto_pay = false;
	create_ok(&m, &a, &unpaid);
	ck_assert_str_eq(unpaid.status, "init");
	ck_assert_int_eq(delete(&m, unpaid.vpn_gateway_id, &err), 0);
	assert_nothing_created(&m);
}
END_TEST

/* ---- modify ---- */

START_TEST(test_modify)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway_modify_args ma = { .auto_propagate = -1 };
	struct vpn_gateway g, out;
	struct vl_err err;
	int64_t next = 0;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g);
	ma.vpn_gateway_id = g.vpn_gateway_id;
	ma.name = "renamed";
	test_assert_err(modify(&m, &ma, &out, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);

	ck_assert_int_eq(modify(&m, &ma, &out, &err), 0);
	ck_assert_str_eq(out.name, "renamed");
	ck_assert_str_eq(out.status, "active"); /* a name is no reconfiguration */
	ma.name = NULL;
	ma.description = "branch office";
	ck_assert_int_eq(modify(&m, &ma, &out, &err), 0);
	ck_assert_str_eq(out.description, "branch office");
	ck_assert_str_eq(out.name, "renamed");
	/* the same AutoPropagate changes nothing; a new one reconfigures */
	ma.description = NULL;
	ma.auto_propagate = 1;
	ck_assert_int_eq(modify(&m, &ma, &out, &err), 0);
	ck_assert_str_eq(out.status, "active");
	ma.auto_propagate = 0;
	ck_assert_int_eq(modify(&m, &ma, &out, &err), 0);
	ck_assert(!out.auto_propagate);
	ck_assert_str_eq(out.status, "updating");
	test_assert_err(modify(&m, &ma, &out, &err), &err, "VpnGateway.Configuring", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100000, &next), 1);

	/* bad input is refused and changes nothing */
	ma.auto_propagate = -1;
	ma.name = "x";
	test_assert_err(modify(&m, &ma, &out, &err), &err, "InvalidName", 400);
	ma.name = NULL;
	ma.description = "https://example.com";
	test_assert_err(modify(&m, &ma, &out, &err), &err, "InvalidDescription", 400);
	ck_assert_str_eq(vl_err_message(&err), "The description is not valid");
	ma.description = "";
	test_assert_err(modify(&m, &ma, &out, &err), &err, "InvalidDescription", 400);
	ma.name = "ok-name";
	ma.description = "d";
	test_assert_err(modify(&other, &ma, &out, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	ck_assert_int_eq(vpn_gateway_get(&m, g.vpn_gateway_id, &out, &err), 0);
	ck_assert_str_eq(out.name, "renamed");
	ck_assert_str_eq(out.description, "branch office");
}
END_TEST

/* ---- describe ---- */

static json_t *list(struct model_ctx *m, const struct vpn_gateway_filter *f, int64_t offset,
		    int64_t limit, int64_t *total)
{
	json_t *items = json_array();
	struct vl_err err;

	ck_assert_msg(vpn_gateway_list(m, f, offset, limit, false, items, total, &err) == 0, "%s",
		      vl_err_message(&err));
	return items;
}

static int64_t list_total(struct model_ctx *m, const struct vpn_gateway_filter *f)
{
	int64_t total = -1;

	json_decref(list(m, f, 0, 50, &total));
	return total;
}

START_TEST(test_list_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g[3];
	struct vpn_gateway_filter f;
	struct vpc vpc2;
	struct vswitch v2a, v2b;
	struct tag_list tags = { .keys = { "env" }, .values = { "lab" }, .count = 1 };
	struct vl_err err;
	int64_t total = 0, next = 0;
	json_t *items;

	make_vpc(&m, "192.168.0.0/16", &vpc2);
	make_vswitch(&m, &vpc2, "cn-hangzhou-h", "192.168.1.0/24", &v2a);
	make_vswitch(&m, &vpc2, "cn-hangzhou-i", "192.168.2.0/24", &v2b);
	create_ok(&m, &a, &g[0]);
	m.now_ms = NOW + 1;
	create_ok(&m, &a, &g[1]);
	a.vpc_id = vpc2.vpc_id;
	a.vswitch_id = v2a.vswitch_id;
	a.dr_vswitch_id = v2b.vswitch_id;
	m.now_ms = NOW + 2;
	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &g[2]); /* provisioning */
	tx_begin();
	ck_assert_int_eq(tx_end(tag_attach(&m, "VPNGATEWAY", g[1].vpn_gateway_id, &tags, &err)), 0);

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(list_total(&m, &f), 3);
	/* newest first, paged */
	items = list(&m, &f, 0, 2, &total);
	ck_assert_int_eq(total, 3);
	ck_assert_uint_eq(json_array_size(items), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VpnGatewayId")),
			 g[2].vpn_gateway_id);
	json_decref(items);
	items = list(&m, &f, 2, 2, &total);
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VpnGatewayId")),
			 g[0].vpn_gateway_id);
	json_decref(items);

	f.vpc_id = vpc.vpc_id;
	ck_assert_int_eq(list_total(&m, &f), 2);
	f.vpc_id = NULL;
	f.vpn_gateway_id = g[1].vpn_gateway_id;
	ck_assert_int_eq(list_total(&m, &f), 1);
	f.vpn_gateway_id = NULL;
	f.status = "provisioning";
	ck_assert_int_eq(list_total(&m, &f), 1);
	f.status = "active";
	ck_assert_int_eq(list_total(&m, &f), 2);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 5000, &next), 1);
	ck_assert_int_eq(list_total(&m, &f), 3);
	f.status = NULL;
	f.business_status = "Normal";
	ck_assert_int_eq(list_total(&m, &f), 3);
	f.business_status = "FinancialLocked";
	ck_assert_int_eq(list_total(&m, &f), 0);
	f.business_status = NULL;
	f.gateway_type = "Traditional";
	ck_assert_int_eq(list_total(&m, &f), 3);
	f.gateway_type = "Enhanced.SiteToSite";
	ck_assert_int_eq(list_total(&m, &f), 0);
	f.gateway_type = NULL;
	f.tags = tags;
	items = list(&m, &f, 0, 10, &total);
	ck_assert_int_eq(total, 1);
	{
		json_t *first = json_array_get(items, 0);
		json_t *tag0 = json_array_get(json_object_get(json_object_get(first, "Tags"), "Tag"), 0);

		ck_assert_str_eq(json_string_value(json_object_get(first, "VpnGatewayId")), g[1].vpn_gateway_id);
		ck_assert_str_eq(json_string_value(json_object_get(tag0, "Key")), "env");
		ck_assert_str_eq(json_string_value(json_object_get(tag0, "Value")), "lab");
	}
	json_decref(items);
	tags.values[0] = "prod";
	f.tags = tags;
	ck_assert_int_eq(list_total(&m, &f), 0);

	/* other accounts and regions see nothing */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(list_total(&other, &f), 0);
	ck_assert_int_eq(list_total(&beijing, &f), 0);
}
END_TEST

/* Every key of the SDK's DescribeVpnGateway response body (RequestId is the engine's). */
static const char *const describe_keys[] = {
	"AutoPropagate", "BusinessStatus", "ChargeType", "CreateTime", "Description",
	"DisasterRecoveryInternetIp", "DisasterRecoveryVSwitchId", "EnableBgp", "EniInstanceIds",
	"GatewayType", "InternetIp", "IpsecVpn", "Name", "NetworkType", "ResourceGroupId", "Spec",
	"SslMaxConnections", "SslVpn", "SslVpnInternetIp", "Status", "Tag", "Tags", "VSwitchId",
	"VpcId", "VpnGatewayId", "VpnType",
};

START_TEST(test_json)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_gateway_create_args a = default_args();
	struct vpn_gateway g;
	json_t *item, *enis, *labels;

	a.enable_ssl = true;
	a.ssl_connections = 10;
	a.name = "gw";
	a.bandwidth = 100;
	create_ok(&m, &a, &g);
	item = vpn_gateway_to_json(&m, &g, false);
	ck_assert_ptr_nonnull(item);
	for (size_t i = 0; i < countof(describe_keys); i++)
		ck_assert_msg(json_object_get(item, describe_keys[i]) != NULL, "missing %s", describe_keys[i]);
	ck_assert_ptr_null(json_object_get(item, "EndTime")); /* pay-as-you-go */
	ck_assert_ptr_null(json_object_get(item, "ReservationData"));
	ck_assert_str_eq(json_string_value(json_object_get(item, "Spec")), "100M");
	ck_assert_str_eq(json_string_value(json_object_get(item, "ChargeType")), "PostpayByFlow");
	ck_assert_str_eq(json_string_value(json_object_get(item, "IpsecVpn")), "enable");
	ck_assert_str_eq(json_string_value(json_object_get(item, "SslVpn")), "enable");
	ck_assert_int_eq(json_integer_value(json_object_get(item, "SslMaxConnections")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(item, "CreateTime")), NOW);
	ck_assert(json_is_true(json_object_get(item, "EnableBgp")));
	ck_assert(json_is_true(json_object_get(item, "AutoPropagate")));
	ck_assert_str_eq(json_string_value(json_object_get(item, "Status")), "active");
	ck_assert_str_eq(json_string_value(json_object_get(item, "SslVpnInternetIp")), "198.18.0.3");
	ck_assert(json_is_array(json_object_get(json_object_get(item, "Tags"), "Tag")));
	enis = json_object_get(json_object_get(item, "EniInstanceIds"), "EniInstanceId");
	ck_assert_uint_eq(json_array_size(enis), 2);
	ck_assert_str_eq(json_string_value(json_array_get(enis, 1)), g.dr_eni_id);
	labels = json_loads(json_string_value(json_object_get(item, "Tag")), 0, NULL);
	ck_assert_ptr_nonnull(labels);
	ck_assert_str_eq(json_string_value(json_object_get(labels, "VpnEnableBgp")), "true");
	json_decref(labels);
	json_decref(item);

	item = vpn_gateway_to_json(&m, &g, true);
	ck_assert(json_is_object(json_object_get(item, "ReservationData")));
	json_decref(item);

	item = vpn_gateway_attribute_json(&m, &g);
	ck_assert_str_eq(json_string_value(json_object_get(item, "Spec")), "100M");
	ck_assert_str_eq(json_string_value(json_object_get(item, "IntranetIp")), ""); /* dual tunnel */
	ck_assert_str_eq(json_string_value(json_object_get(item, "Name")), "gw");
	ck_assert_ptr_nonnull(json_object_get(item, "DisasterRecoveryInternetIp"));
	json_decref(item);

	a.instance_charge_type = "PREPAY";
	a.period = 1;
	a.auto_pay = true;
	a.enable_ssl = false;
	create_ok(&m, &a, &g);
	item = vpn_gateway_to_json(&m, &g, false);
	ck_assert_str_eq(json_string_value(json_object_get(item, "ChargeType")), "Prepay");
	ck_assert_int_eq(json_integer_value(json_object_get(item, "EndTime")), g.end_ms);
	ck_assert_str_eq(json_string_value(json_object_get(item, "SslVpn")), "disable");
	json_decref(item);
}
END_TEST

START_TEST(test_available_zones)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx mars = test_ctx(ACCOUNT, "mars-1");
	const struct catalog_region *r = catalog_region(cat, REGION);
	json_t *zones = vpn_gateway_available_zones(&m);

	ck_assert_ptr_nonnull(zones);
	ck_assert_uint_eq(json_array_size(zones), (size_t)r->zone_count);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(zones, 0), "ZoneId")),
			 r->zones[0].zone_id);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(zones, 0), "ZoneName")),
			 r->zones[0].local_name);
	json_decref(zones);
	ck_assert_ptr_null(vpn_gateway_available_zones(&mars));
}
END_TEST

/* ---- the catalogue's VpnDualTunnel member (model/catalog.c) ---- */

/* Loads text as a catalogue file; returns catalog_load's result. */
static int load_text(const char *text, struct catalog **out, struct vl_err *err)
{
	char path[] = "/tmp/vpnlab-catalog-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	*out = NULL;
	rc = catalog_load(path, out, err);
	unlink(path);
	return rc;
}

START_TEST(test_catalog_default_dual_tunnel)
{
	for (int i = 0; i < cat->region_count; i++)
		ck_assert_msg(cat->regions[i].vpn_dual_tunnel, "%s", cat->regions[i].region_id);
}
END_TEST

START_TEST(test_catalog_vpn_dual_tunnel)
{
	struct catalog *c;
	struct vl_err err;

	ck_assert_msg(load_text("{\"Regions\":["
				"{\"RegionId\":\"r-plain\",\"Zones\":[{\"ZoneId\":\"r-plain-a\"}]},"
				"{\"RegionId\":\"r-dual\",\"VpnDualTunnel\":true,\"Zones\":[]},"
				"{\"RegionId\":\"cn-lab-single\",\"IdCode\":\"lab\",\"VpnDualTunnel\":false,"
				"\"Zones\":[{\"ZoneId\":\"cn-lab-single-a\"},{\"ZoneId\":\"cn-lab-single-b\"}]}]}",
				&c, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_int_eq(c->region_count, 3);
	ck_assert(catalog_region(c, "r-plain")->vpn_dual_tunnel); /* absent: dual, as before */
	ck_assert(catalog_region(c, "r-dual")->vpn_dual_tunnel);
	ck_assert(!catalog_region(c, "cn-lab-single")->vpn_dual_tunnel);
	ck_assert_int_eq(catalog_region(c, "cn-lab-single")->zone_count, 2);
	ck_assert_str_eq(catalog_region(c, "cn-lab-single")->id_code, "lab");
	catalog_free(c);
}
END_TEST

static const char *const bad_dual_tunnel[] = { "\"false\"", "0", "1", "null", "{}", "[]" };

START_TEST(test_catalog_vpn_dual_tunnel_bad)
{
	struct catalog *c;
	struct vl_err err;
	char text[256];

	snprintf(text, sizeof(text),
		 "{\"Regions\":[{\"RegionId\":\"r-ok\",\"Zones\":[]},"
		 "{\"RegionId\":\"r-bad\",\"VpnDualTunnel\":%s,\"Zones\":[]}]}", bad_dual_tunnel[_i]);
	ck_assert_int_eq(load_text(text, &c, &err), -1);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "VpnDualTunnel"));
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "r-bad"));
}
END_TEST

Suite *vpn_gateway_suite_create(void)
{
	const struct test_entry create[] = {
		{ test_create }, { test_create_lifecycle },
		{ test_create_bandwidth, countof(bandwidth_tests) }, { test_create_vswitch_rules },
		{ test_create_single_zone_region }, { test_create_single_tunnel_region },
		{ test_create_single_tunnel_other_region }, { test_create_vpc_rules },
		{ test_create_vswitch_pending }, { test_create_name, countof(name_tests) },
		{ test_create_name_length }, { test_create_ssl }, { test_create_prepaid },
		{ test_create_resource_group }, { test_quota },
	};
	const struct test_entry addresses[] = {
		{ test_pool_tiny }, { test_pool_lowest_free }, { test_pool_ranges },
		{ test_private_addresses },
	};
	const struct test_entry lifecycle[] = {
		{ test_begin_change }, { test_begin_change_no_delay }, { test_delete }, { test_delete_busy },
		{ test_delete_prepaid }, { test_modify },
	};
	const struct test_entry describe[] = {
		{ test_list_filters }, { test_json }, { test_available_zones },
	};
	const struct test_entry catalog[] = {
		{ test_catalog_default_dual_tunnel }, { test_catalog_vpn_dual_tunnel },
		{ test_catalog_vpn_dual_tunnel_bad, countof(bad_dual_tunnel) },
	};
	const struct test_case cases[] = {
		TEST_CASE(create), TEST_CASE(addresses), TEST_CASE(lifecycle), TEST_CASE(describe),
		TEST_CASE(catalog),
	};

	return test_suite_of_cases("vpn_gateway", setup, test_world_teardown, cases, countof(cases));
}
