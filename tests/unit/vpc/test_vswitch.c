/*
 * vSwitch model rules (model/vswitch.c) on a real SQLite store: zone, CIDR mask and
 * placement, overlap, quota, the VPC's state, AvailableIpAddressCount, describe,
 * modify and delete.
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
#include "vpc.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"
#define ZONE "cn-hangzhou-h"

static struct vpc vpc;	/* 192.168.0.0/16, Available, of ACCOUNT in REGION */

static void setup(void)
{
	struct model_ctx m;
	struct vpc_create_args args = { .cidr_block = "192.168.0.0/16", .name = "net" };
	struct vl_err err;

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	ck_assert_int_eq(vpc_create(&m, &args, &vpc, &err), 0);
}

static int create(struct model_ctx *m, const char *cidr, const char *zone, const char *name,
		  struct vswitch *out, struct vl_err *err)
{
	struct vswitch_create_args args = { .vpc_id = vpc.vpc_id, .zone_id = zone, .cidr_block = cidr,
					    .name = name };

	return vswitch_create(m, &args, out, err);
}

static void create_ok(struct model_ctx *m, const char *cidr, const char *name, struct vswitch *out)
{
	struct vl_err err;

	ck_assert_msg(create(m, cidr, ZONE, name, out, &err) == 0, "%s: %s %s", cidr, vl_err_code(&err),
		      vl_err_message(&err));
}

/* ---- create ---- */

START_TEST(test_create)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch s, got;
	struct vl_err err;

	create_ok(&m, "192.168.1.0/24", "app", &s);
	ck_assert_int_eq(strncmp(s.vswitch_id, "vsw-bp1", 7), 0);
	ck_assert_uint_eq(strlen(s.vswitch_id), 4 + 24);
	ck_assert_str_eq(s.vpc_id, vpc.vpc_id);
	ck_assert_str_eq(s.zone_id, ZONE);
	ck_assert_str_eq(s.cidr_block, "192.168.1.0/24");
	ck_assert_str_eq(s.status, "Available");
	ck_assert_str_eq(s.route_table_id, vpc.route_table_id);
	ck_assert_str_eq(s.resource_group_id, vpc.resource_group_id);

	ck_assert_int_eq(vswitch_get(&m, s.vswitch_id, &got, &err), 0);
	ck_assert_str_eq(got.vswitch_id, s.vswitch_id);
	ck_assert_str_eq(got.name, "app");
	ck_assert_str_eq(got.status, "Available");
	ck_assert_str_eq(got.route_table_id, vpc.route_table_id);
	ck_assert_int_eq(got.created_ms, NOW);
}
END_TEST

static const struct {
	const char *zone;
	const char *code;	/* NULL: accepted */
} zone_tests[] = {
	{ "cn-hangzhou-h", NULL },
	{ "cn-hangzhou-b", NULL },
	{ "cn-hangzhou-z", "InvalidZoneId.NotFound" },
	{ "cn-beijing-a", "InvalidZoneId.NotFound" },	/* another region's zone */
	{ "CN-HANGZHOU-H", "InvalidZoneId.NotFound" },
	{ "", "InvalidZoneId.NotFound" },
};

START_TEST(test_create_zone)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch s;
	struct vl_err err;
	int rc = create(&m, "192.168.1.0/24", zone_tests[_i].zone, NULL, &s, &err);

	if (zone_tests[_i].code == NULL) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(s.zone_id, zone_tests[_i].zone);
	} else {
		test_assert_err(rc, &err, zone_tests[_i].code, 404);
		ck_assert_str_eq(vl_err_message(&err), "Specified zone does not exist.");
	}
}
END_TEST

static const struct {
	const char *cidr;
	const char *code;	/* NULL: accepted */
	const char *message;
	int http;
} cidr_tests[] = {
	{ "192.168.0.0/16", NULL, NULL, 0 },	/* the whole VPC */
	{ "192.168.1.0/24", NULL, NULL, 0 },
	{ "192.168.255.248/29", NULL, NULL, 0 },
	{ "192.168.0.0/15", "InvalidCirdrBlock.MaskLength", "Specified CIDR block is not valid .", 400 },
	{ "192.168.1.0/30", "InvalidCirdrBlock.MaskLength", NULL, 400 },
	{ "192.168.1.1/32", "InvalidCirdrBlock.MaskLength", NULL, 400 },
	{ "10.0.0.0/24", "InvalidParameter", "Specified CIDR block is not valid in VPC.", 400 },
	{ "192.169.0.0/24", "InvalidParameter", NULL, 400 },
	{ "100.64.0.0/24", "InvalidParameter", NULL, 400 },
	{ "192.168.1.1/24", "InvalidCidrBlock.Malformed", "Specified CIDR block is not valid.", 400 },
	{ "192.168.1.0", "InvalidCidrBlock.Malformed", NULL, 400 },
	{ "192.168.01.0/24", "InvalidCidrBlock.Malformed", NULL, 400 },
	{ "", "InvalidCidrBlock.Malformed", NULL, 400 },
};

START_TEST(test_create_cidr)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch s;
	struct vl_err err;
	int rc = create(&m, cidr_tests[_i].cidr, ZONE, NULL, &s, &err);

	if (cidr_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s refused: %s", cidr_tests[_i].cidr, vl_err_code(&err));
		ck_assert_str_eq(s.cidr_block, cidr_tests[_i].cidr);
	} else {
		test_assert_err(rc, &err, cidr_tests[_i].code, cidr_tests[_i].http);
		if (cidr_tests[_i].message)
			ck_assert_str_eq(vl_err_message(&err), cidr_tests[_i].message);
	}
}
END_TEST

static const struct test_accepts overlap_tests[] = {
	/* against an existing 192.168.1.0/24 */
	{ "192.168.2.0/24", true },
	{ "192.168.0.0/24", true },
	{ "192.168.1.128/25", false },	/* inside it */
	{ "192.168.1.0/24", false },	/* the same */
	{ "192.168.0.0/23", false },	/* around it */
	{ "192.168.0.0/16", false },
	{ "192.168.1.248/29", false },
};

START_TEST(test_create_overlap)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch first, s;
	struct vl_err err;
	int rc;

	create_ok(&m, "192.168.1.0/24", NULL, &first);
	rc = create(&m, overlap_tests[_i].input, ZONE, NULL, &s, &err);
	if (overlap_tests[_i].accepted) {
		ck_assert_int_eq(rc, 0);
	} else {
		test_assert_err(rc, &err, "InvalidCidrBlock.Overlapped", 400);
		ck_assert_str_eq(vl_err_message(&err), "Specified CIDR block overlapped with other subnets.");
	}
}
END_TEST

START_TEST(test_create_overlap_other_vpc)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { .cidr_block = "192.168.0.0/16" };
	struct vswitch_create_args sargs = { .zone_id = ZONE, .cidr_block = "192.168.1.0/24" };
	struct vpc second;
	struct vswitch s;
	struct vl_err err;

	/* overlap is per VPC: the same block in two VPCs is fine */
	create_ok(&m, "192.168.1.0/24", NULL, &s);
	ck_assert_int_eq(vpc_create(&m, &args, &second, &err), 0);
	sargs.vpc_id = second.vpc_id;
	ck_assert_int_eq(vswitch_create(&m, &sargs, &s, &err), 0);
	ck_assert_str_eq(s.vpc_id, second.vpc_id);
}
END_TEST

START_TEST(test_create_names)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch_create_args args = { .zone_id = ZONE, .cidr_block = "192.168.1.0/24" };
	struct vswitch s;
	struct vl_err err;
	char name[130];

	args.vpc_id = vpc.vpc_id;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	args.name = name;	/* 129 characters */
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidVSwitchName.Malformed", 400);
	ck_assert_str_eq(vl_err_message(&err), "Specified virtual switch name is not valid.");
	args.name = "http://app";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidVSwitchName.Malformed", 400);
	args.name = "app";
	args.description = "https://app";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidVSwitchDiscription.Malformed", 400);
	ck_assert_str_eq(vl_err_message(&err), "Specified virtual switch description is not valid.");
	args.description = "";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidVSwitchDiscription.Malformed", 400);
	args.description = "application tier";
	args.tags.keys[0] = "acs:owner";
	args.tags.count = 1;
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidTagKey.Malformed", 400);
	args.tags.keys[0] = "owner";
	args.tags.values[0] = "see https://x";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidTagValue.Malformed", 400);
	args.tags.values[0] = "ops";
	name[128] = '\0';	/* 128 characters */
	args.name = name;
	ck_assert_int_eq(vswitch_create(&m, &args, &s, &err), 0);
	ck_assert_str_eq(s.name, name);
	ck_assert_str_eq(s.description, "application tier");
}
END_TEST

START_TEST(test_create_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch a, b, s;
	struct vl_err err;

	cfg.quotas.vswitches_per_vpc = 2;
	create_ok(&m, "192.168.1.0/24", NULL, &a);
	create_ok(&m, "192.168.2.0/24", NULL, &b);
	test_assert_err(create(&m, "192.168.3.0/24", ZONE, NULL, &s, &err), &err, "QuotaExceeded.VSwitch", 400);
	ck_assert_str_eq(vl_err_message(&err), "Virtual switch quota exceeded.");
	ck_assert_int_eq(vswitch_delete(&m, a.vswitch_id, &err), 0);
	create_ok(&m, "192.168.3.0/24", NULL, &s);
}
END_TEST

START_TEST(test_create_vpc_state)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct vswitch_create_args args = { .zone_id = ZONE, .cidr_block = "192.168.1.0/24" };
	struct vpc_create_args vargs = { .cidr_block = "10.0.0.0/8" };
	struct vpc pending;
	struct vswitch s;
	struct vl_err err;
	int64_t next;

	args.vpc_id = "vpc-missing";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "InvalidVpcId.NotFound", 404);
	/* someone else's VPC, or one in another region, does not exist for the caller */
	args.vpc_id = vpc.vpc_id;
	test_assert_err(vswitch_create(&other, &args, &s, &err), &err, "InvalidVpcId.NotFound", 404);
	args.zone_id = "cn-beijing-a";
	test_assert_err(vswitch_create(&beijing, &args, &s, &err), &err, "InvalidVpcId.NotFound", 404);

	/* a Pending VPC takes no vSwitch until it is Available */
	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(vpc_create(&m, &vargs, &pending, &err), 0);
	ck_assert_str_eq(pending.status, "Pending");
	args.vpc_id = pending.vpc_id;
	args.zone_id = ZONE;
	args.cidr_block = "10.0.1.0/24";
	test_assert_err(vswitch_create(&m, &args, &s, &err), &err, "IncorrectVpcStatus", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(vswitch_create(&m, &args, &s, &err), 0);
	ck_assert_str_eq(s.status, "Pending");	/* the vSwitch has its own transition */
	ck_assert(lifecycle_busy(&m, "vswitch", s.vswitch_id));
}
END_TEST

/* ---- AvailableIpAddressCount ---- */

static const struct {
	const char *cidr;
	json_int_t available;
} count_tests[] = {
	{ "192.168.0.0/16", 65532 },
	{ "192.168.1.0/24", 252 },
	{ "192.168.1.0/28", 12 },
	{ "192.168.1.0/29", 4 },
};

START_TEST(test_available_ip_count)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch s;
	json_t *item;

	create_ok(&m, count_tests[_i].cidr, "app", &s);
	item = vswitch_to_json(&m, &s);
	ck_assert_ptr_nonnull(item);
	ck_assert(json_is_integer(json_object_get(item, "AvailableIpAddressCount")));
	ck_assert_int_eq(json_integer_value(json_object_get(item, "AvailableIpAddressCount")),
			 count_tests[_i].available);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VSwitchId")), s.vswitch_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcId")), vpc.vpc_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "ZoneId")), ZONE);
	ck_assert_str_eq(json_string_value(json_object_get(item, "CidrBlock")), count_tests[_i].cidr);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VSwitchName")), "app");
	ck_assert_str_eq(json_string_value(json_object_get(item, "Status")), "Available");
	ck_assert_str_eq(json_string_value(json_object_get(item, "CreationTime")), "2026-11-28T00:23:28Z");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "RouteTable"), "RouteTableId")),
			 vpc.route_table_id);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "RouteTable"),
							   "RouteTableType")), "System");
	ck_assert(json_is_array(json_object_get(json_object_get(item, "Tags"), "Tag")));
	json_decref(item);
}
END_TEST

/* ---- describe ---- */

START_TEST(test_list)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vswitch_filter f = { .is_default = -1 };
	struct vswitch s1, s2, s3;
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = -1;

	m.now_ms = NOW + 1;
	create_ok(&m, "192.168.1.0/24", "a", &s1);
	m.now_ms = NOW + 2;
	create_ok(&m, "192.168.2.0/24", "b", &s2);
	m.now_ms = NOW + 3;
	ck_assert_int_eq(create(&m, "192.168.3.0/24", "cn-hangzhou-b", "c", &s3, &err), 0);

	ck_assert_int_eq(vswitch_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VSwitchId")),
			 s3.vswitch_id);	/* newest first */
	json_array_clear(items);

	ck_assert_int_eq(vswitch_list(&m, &f, 2, 2, items, &total, &err), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VSwitchId")),
			 s1.vswitch_id);
	json_array_clear(items);

	f.zone_id = "cn-hangzhou-b";
	ck_assert_int_eq(vswitch_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	json_array_clear(items);
	f.zone_id = NULL;

	f.vswitch_id = s2.vswitch_id;
	ck_assert_int_eq(vswitch_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VSwitchName")), "b");
	json_array_clear(items);
	f.vswitch_id = NULL;

	f.name = "a";
	f.vpc_id = vpc.vpc_id;
	ck_assert_int_eq(vswitch_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	json_array_clear(items);
	f.name = NULL;

	f.vpc_id = "vpc-missing";
	ck_assert_int_eq(vswitch_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	f.vpc_id = NULL;

	/* another account sees none of them */
	ck_assert_int_eq(vswitch_list(&other, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
}
END_TEST

/* ---- modify / delete ---- */

START_TEST(test_modify)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vswitch_modify_args args = { .name = "app2", .description = "tier 2" };
	struct vswitch s, got;
	struct vl_err err;

	create_ok(&m, "192.168.1.0/24", "app", &s);
	args.vswitch_id = s.vswitch_id;
	ck_assert_int_eq(vswitch_modify(&m, &args, &err), 0);
	ck_assert_int_eq(vswitch_get(&m, s.vswitch_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "app2");
	ck_assert_str_eq(got.description, "tier 2");

	args.name = "2app";
	test_assert_err(vswitch_modify(&m, &args, &err), &err, "InvalidVSwitchName.Malformed", 400);
	args.name = NULL;
	args.description = "http://x";
	test_assert_err(vswitch_modify(&m, &args, &err), &err, "InvalidVSwitchDiscription.Malformed", 400);
	ck_assert_int_eq(vswitch_get(&m, s.vswitch_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "app2");
	ck_assert_str_eq(got.description, "tier 2");

	args.description = "x";
	test_assert_err(vswitch_modify(&other, &args, &err), &err, "InvalidVSwitchId.NotFound", 404);
	ck_assert_str_eq(vl_err_message(&err), "The specified virtual switch does not exists.");
	args.vswitch_id = "vsw-missing";
	test_assert_err(vswitch_modify(&m, &args, &err), &err, "InvalidVSwitchId.NotFound", 404);
}
END_TEST

START_TEST(test_pending_vswitch)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vswitch_modify_args args = { .name = "later" };
	struct vswitch s, got;
	struct vl_err err;
	int64_t next;

	cfg.transition_delay_ms = 500;
	create_ok(&m, "192.168.1.0/24", "app", &s);
	ck_assert_str_eq(s.status, "Pending");
	args.vswitch_id = s.vswitch_id;
	test_assert_err(vswitch_modify(&m, &args, &err), &err, "IncorrectVSwitchStatus", 400);
	test_assert_err(vswitch_delete(&m, s.vswitch_id, &err), &err, "IncorrectVSwitchStatus", 400);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 500, &next), 1);
	ck_assert_int_eq(vswitch_get(&m, s.vswitch_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Available");
	ck_assert_int_eq(vswitch_modify(&m, &args, &err), 0);
	ck_assert_int_eq(vswitch_delete(&m, s.vswitch_id, &err), 0);
}
END_TEST

START_TEST(test_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vswitch s, got;
	struct vl_err err;

	create_ok(&m, "192.168.1.0/24", "app", &s);
	test_assert_err(vswitch_delete(&other, s.vswitch_id, &err), &err, "InvalidVSwitchId.NotFound", 404);
	test_assert_err(vswitch_get(&other, s.vswitch_id, &got, &err), &err, "InvalidVSwitchId.NotFound", 404);
	ck_assert_int_eq(vswitch_delete(&m, s.vswitch_id, &err), 0);
	test_assert_err(vswitch_get(&m, s.vswitch_id, &got, &err), &err, "InvalidVSwitchId.NotFound", 404);
	ck_assert_str_eq(vl_err_message(&err), "VSwitch not exist.");
	test_assert_err(vswitch_delete(&m, s.vswitch_id, &err), &err, "InvalidVSwitchId.NotFound", 404);
	/* the block is free again */
	create_ok(&m, "192.168.1.0/24", "app", &s);
}
END_TEST

Suite *vswitch_suite_create(void)
{
	const struct test_entry create[] = {
		{ test_create }, { test_create_zone, countof(zone_tests) },
		{ test_create_cidr, countof(cidr_tests) }, { test_create_overlap, countof(overlap_tests) },
		{ test_create_overlap_other_vpc }, { test_create_names }, { test_create_quota },
		{ test_create_vpc_state },
	};
	const struct test_entry describe[] = {
		{ test_available_ip_count, countof(count_tests) }, { test_list },
	};
	const struct test_entry modify_delete[] = {
		{ test_modify }, { test_pending_vswitch }, { test_delete },
	};
	const struct test_case cases[] = {
		TEST_CASE(create), TEST_CASE(describe), TEST_CASE(modify_delete),
	};

	return test_suite_of_cases("vswitch", setup, test_world_teardown, cases, countof(cases));
}
