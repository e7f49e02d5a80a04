/*
 * VPC model rules (model/vpc.c) on a real SQLite store (":memory:", migrated):
 * defaults, name/description/CIDR rules, quota, account and region isolation,
 * DescribeVpcs filters and paging, modify, delete and the Pending state.
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

#define ACCOUNT "1234567890123456"
#define OTHER "other-account"
#define REGION "cn-hangzhou"

static void create_ok(struct model_ctx *m, const char *cidr, const char *name, struct vpc *out)
{
	struct vpc_create_args args = { .cidr_block = cidr, .name = name };
	struct vl_err err;

	ck_assert_msg(vpc_create(m, &args, out, &err) == 0, "vpc_create(%s): %s %s", cidr ? cidr : "-",
		      vl_err_code(&err), vl_err_message(&err));
}

static void vswitch_ok(struct model_ctx *m, const char *vpc_id, const char *cidr, struct vswitch *out)
{
	struct vswitch_create_args args = { .vpc_id = vpc_id, .zone_id = "cn-hangzhou-h", .cidr_block = cidr };
	struct vl_err err;

	ck_assert_msg(vswitch_create(m, &args, out, &err) == 0, "vswitch_create(%s): %s", cidr,
		      vl_err_code(&err));
}

/* ---- create ---- */

START_TEST(test_create_defaults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { 0 };
	struct vpc v, got;
	struct vl_err err;
	char rg[32];

	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(vpc_create(&m, &args, &v, &err), 0);
	ck_assert_str_eq(v.cidr_block, "172.16.0.0/12");	/* CidrBlock omitted */
	ck_assert_str_eq(v.status, "Pending");
	ck_assert_str_eq(v.region, REGION);
	ck_assert_str_eq(v.name, "");
	ck_assert_str_eq(v.description, "");
	ck_assert(!v.is_default);
	ck_assert_int_eq(v.created_ms, NOW);
	/* cloud-style IDs: prefix, region code, 24 characters after the dash */
	ck_assert_int_eq(strncmp(v.vpc_id, "vpc-bp1", 7), 0);
	ck_assert_uint_eq(strlen(v.vpc_id), 4 + 24);
	ck_assert_int_eq(strncmp(v.vrouter_id, "vrt-bp1", 7), 0);
	ck_assert_int_eq(strncmp(v.route_table_id, "vtb-bp1", 7), 0);
	model_default_resource_group(ACCOUNT, rg, sizeof(rg));
	ck_assert_str_eq(v.resource_group_id, rg);
	ck_assert_int_eq(m.next_transition_ms, NOW + 1000);

	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.vpc_id, v.vpc_id);
	ck_assert_str_eq(got.cidr_block, "172.16.0.0/12");
	ck_assert_str_eq(got.status, "Pending");
	ck_assert_str_eq(got.vrouter_id, v.vrouter_id);
	ck_assert_str_eq(got.route_table_id, v.route_table_id);
	ck_assert_str_eq(got.resource_group_id, rg);
	ck_assert_int_eq(got.created_ms, NOW);
}
END_TEST

START_TEST(test_create_no_delay_available)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v, got;
	struct vl_err err;

	create_ok(&m, "192.168.0.0/16", "web", &v);
	ck_assert_str_eq(v.status, "Available");
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Available");
	ck_assert_str_eq(got.name, "web");
	ck_assert(!lifecycle_busy(&m, "vpc", v.vpc_id));
	ck_assert_int_eq(m.next_transition_ms, 0);
}
END_TEST

static char long_name[130], long_desc[258];

static void make_long_texts(void)
{
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';	/* 129 characters */
	memset(long_desc, 'd', sizeof(long_desc) - 1);
	long_desc[sizeof(long_desc) - 1] = '\0';	/* 257 characters */
}

static const struct {
	const char *name;	/* "L128"/"L129": generated */
	const char *code;	/* NULL: accepted */
} name_tests[] = {
	{ "web", NULL },
	{ "a", NULL },
	{ "Web-1.prod_x", NULL },
	{ "\xe4\xb8\xad\xe6\x96\x87", NULL },	/* a Chinese name */
	{ "L128", NULL },
	{ "L129", "InvalidVpcName.Malformed" },
	{ "http://web", "InvalidVpcName.Malformed" },
	{ "https://web", "InvalidVpcName.Malformed" },
	{ "1web", "InvalidVpcName.Malformed" },	/* must start with a letter */
	{ "-web", "InvalidVpcName.Malformed" },
	{ "web server", "InvalidVpcName.Malformed" },
	{ "web/1", "InvalidVpcName.Malformed" },
	{ "", "InvalidVpcName.Malformed" },
	{ "\xff\xfe", "InvalidVpcName.Malformed" },	/* not UTF-8 */
};

/*
 * A CreateVpc's outcome (rc, err) for a text parameter what: with code NULL accepted, the
 * VPC storing it as sent; else refused with code (400) and message.
 */
static void assert_text_outcome(int rc, const struct vl_err *err, const char *what, const char *sent,
				const char *stored, const char *code, const char *message)
{
	if (code == NULL) {
		ck_assert_msg(rc == 0, "%s \"%s\" refused: %s", what, sent, vl_err_code(err));
		ck_assert_str_eq(stored, sent);
	} else {
		test_assert_err(rc, err, code, 400);
		ck_assert_str_eq(vl_err_message(err), message);
	}
}

static const char *name_arg(const char *spec)
{
	make_long_texts();
	if (strcmp(spec, "L129") == 0)
		return long_name;
	if (strcmp(spec, "L128") == 0)
		return long_name + 1;
	return spec;
}

START_TEST(test_create_name)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { .name = name_arg(name_tests[_i].name) };
	struct vpc v;
	struct vl_err err;
	int rc = vpc_create(&m, &args, &v, &err);

	assert_text_outcome(rc, &err, "name", args.name, v.name, name_tests[_i].code, "Specified VPC name is not valid.");
}
END_TEST

static const struct {
	const char *desc;	/* "L256"/"L257": generated */
	const char *code;
} desc_tests[] = {
	{ "my network", NULL },
	{ "x", NULL },
	{ "1st network: see http://example.com", NULL },	/* only the prefix is refused */
	{ "L256", NULL },
	{ "L257", "InvalidVpcDiscription.Malformed" },
	{ "http://example.com", "InvalidVpcDiscription.Malformed" },
	{ "https://example.com", "InvalidVpcDiscription.Malformed" },
	{ "", "InvalidVpcDiscription.Malformed" },
};

START_TEST(test_create_description)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { 0 };
	struct vpc v;
	struct vl_err err;
	int rc;

	make_long_texts();
	args.description = strcmp(desc_tests[_i].desc, "L257") == 0 ? long_desc
			   : strcmp(desc_tests[_i].desc, "L256") == 0 ? long_desc + 1
								     : desc_tests[_i].desc;
	rc = vpc_create(&m, &args, &v, &err);
	assert_text_outcome(rc, &err, "description", args.description, v.description, desc_tests[_i].code,
			    "Specified VPC description is not valid.");
}
END_TEST

static const struct {
	const char *cidr;
	const char *code;	/* NULL: accepted */
	const char *message;	/* NULL: not checked */
} cidr_tests[] = {
	{ "10.0.0.0/8", NULL, NULL },
	{ "172.16.0.0/12", NULL, NULL },
	{ "192.168.0.0/16", NULL, NULL },
	{ "10.0.0.0/28", NULL, NULL },
	{ "8.8.0.0/16", NULL, NULL },	/* public blocks are allowed today */
	/* mask 8..28 */
	{ "10.0.0.0/7", "IllegalParam.CidrBlockMask", "The param of CidrBlock Mask [7] is illegal." },
	{ "10.0.0.0/29", "IllegalParam.CidrBlockMask", "The param of CidrBlock Mask [29] is illegal." },
	{ "10.0.0.0/32", "IllegalParam.CidrBlockMask", NULL },
	{ "0.0.0.0/0", "IllegalParam.CidrBlockMask", NULL },
	/* reserved ranges and their subnets */
	{ "100.64.0.0/10", "InvalidParameter", "Specified CIDR block is not valid" },
	{ "100.64.1.0/24", "InvalidParameter", NULL },
	{ "100.0.0.0/8", "InvalidParameter", NULL },	/* contains 100.64.0.0/10 */
	{ "127.0.0.0/8", "InvalidParameter", NULL },
	{ "127.0.0.0/16", "InvalidParameter", NULL },
	{ "169.254.0.0/16", "InvalidParameter", NULL },
	{ "224.0.0.0/8", "InvalidParameter", NULL },
	{ "100.128.0.0/10", NULL, NULL },	/* right next to 100.64.0.0/10 */
	/* syntax */
	{ "10.0.0.1/8", "InvalidCidrBlock.Malformed", "Specified CIDR block is not valid." },
	{ "010.0.0.0/8", "InvalidCidrBlock.Malformed", NULL },
	{ "10.0.0.0/33", "InvalidCidrBlock.Malformed", NULL },
	{ "10.0.0.0", "InvalidCidrBlock.Malformed", NULL },
	{ "", "InvalidCidrBlock.Malformed", NULL },
	{ "vpc", "InvalidCidrBlock.Malformed", NULL },
};

START_TEST(test_create_cidr)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { .cidr_block = cidr_tests[_i].cidr };
	struct vpc v;
	struct vl_err err;
	int rc = vpc_create(&m, &args, &v, &err);

	if (cidr_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s refused: %s", cidr_tests[_i].cidr, vl_err_code(&err));
		ck_assert_str_eq(v.cidr_block, cidr_tests[_i].cidr);
	} else {
		test_assert_err(rc, &err, cidr_tests[_i].code, 400);
		if (cidr_tests[_i].message)
			ck_assert_str_eq(vl_err_message(&err), cidr_tests[_i].message);
	}
}
END_TEST

START_TEST(test_create_tags_and_resource_group)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { .resource_group_id = "rg-acfmteam1" };
	struct vpc v;
	struct vl_err err;
	json_t *item, *tags;

	args.tags.keys[0] = "env";
	args.tags.values[0] = "prod";
	args.tags.keys[1] = "team";
	args.tags.values[1] = NULL;
	args.tags.count = 2;
	ck_assert_int_eq(vpc_create(&m, &args, &v, &err), 0);
	ck_assert_str_eq(v.resource_group_id, "rg-acfmteam1");
	item = vpc_to_json(&m, &v);
	ck_assert_ptr_nonnull(item);
	tags = json_object_get(json_object_get(item, "Tags"), "Tag");
	ck_assert_int_eq(json_array_size(tags), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tags, 0), "Key")), "env");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tags, 0), "Value")), "prod");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(tags, 1), "Value")), "");
	ck_assert_str_eq(json_string_value(json_object_get(item, "ResourceGroupId")), "rg-acfmteam1");
	json_decref(item);

	/* refused tags and resource groups */
	args.tags.keys[0] = "aliyun:env";
	test_assert_err(vpc_create(&m, &args, &v, &err), &err, "InvalidTagKey.Malformed", 400);
	args.tags.keys[0] = "team";
	test_assert_err(vpc_create(&m, &args, &v, &err), &err, "DuplicateTagKey", 400);
	args.tags.count = 0;
	args.resource_group_id = "group-1";
	test_assert_err(vpc_create(&m, &args, &v, &err), &err, "InvalidResourceGroupId", 400);
}
END_TEST

/* ---- quota ---- */

START_TEST(test_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct vpc_create_args args = { 0 };
	struct vpc v1, v2, v;
	struct vl_err err;

	cfg.quotas.vpcs_per_region = 2;
	create_ok(&m, NULL, "a", &v1);
	create_ok(&m, NULL, "b", &v2);
	test_assert_err(vpc_create(&m, &args, &v, &err), &err, "QuotaExceeded.Vpc", 400);
	ck_assert_str_eq(vl_err_message(&err), "VPC quota exceeded.");
	/* the quota counts per account and region */
	create_ok(&beijing, NULL, "c", &v);
	create_ok(&other, NULL, "d", &v);
	/* a deleted VPC frees its slot */
	ck_assert_int_eq(vpc_delete(&m, v1.vpc_id, &err), 0);
	create_ok(&m, NULL, "e", &v);
	test_assert_err(vpc_create(&m, &args, &v, &err), &err, "QuotaExceeded.Vpc", 400);
}
END_TEST

/* ---- isolation ---- */

START_TEST(test_isolation)
{
	struct model_ctx mine = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct vpc_filter all = { .is_default = -1 };
	struct vpc_modify_args mod = { .name = "stolen" };
	struct vpc v, got;
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = -1;

	create_ok(&mine, "10.0.0.0/16", "mine", &v);
	mod.vpc_id = v.vpc_id;

	/* another account: not found, not listed, not changed */
	test_assert_err(vpc_get(&other, v.vpc_id, &got, &err), &err, "InvalidVpcId.NotFound", 404);
	ck_assert_str_eq(vl_err_message(&err), "Specified VPC does not exist.");
	ck_assert_int_eq(vpc_list(&other, &all, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(json_array_size(items), 0);
	test_assert_err(vpc_modify(&other, &mod, &err), &err, "InvalidVpcId.NotFound", 404);
	test_assert_err(vpc_delete(&other, v.vpc_id, &err), &err, "InvalidVpcId.NotFound", 404);

	/* the same account in another region */
	test_assert_err(vpc_get(&beijing, v.vpc_id, &got, &err), &err, "InvalidVpcId.NotFound", 404);
	ck_assert_int_eq(vpc_list(&beijing, &all, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	test_assert_err(vpc_delete(&beijing, v.vpc_id, &err), &err, "InvalidVpcId.NotFound", 404);

	/* the owner still sees it unchanged */
	ck_assert_int_eq(vpc_get(&mine, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "mine");
	ck_assert_int_eq(vpc_list(&mine, &all, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);

	test_assert_err(vpc_get(&mine, "vpc-doesnotexist", &got, &err), &err, "InvalidVpcId.NotFound", 404);
	test_assert_err(vpc_delete(&mine, "vpc-doesnotexist", &err), &err, "InvalidVpcId.NotFound", 404);
}
END_TEST

/* ---- DescribeVpcs ---- */

/*
 * Three VPCs, created in this order (newest listed first):
 *   0 "web" 10.0.0.0/16 env=prod
 *   1 "db"  10.1.0.0/16 env=dev
 *   2 "ops" 10.2.0.0/16 env=prod team=infra, resource group rg-acfmops
 */
static struct vpc fixture_vpcs[3];

static void create_three(struct model_ctx *m)
{
	static const struct {
		const char *name, *cidr, *env, *rg;
	} rows[] = {
		{ "web", "10.0.0.0/16", "prod", NULL },
		{ "db", "10.1.0.0/16", "dev", NULL },
		{ "ops", "10.2.0.0/16", "prod", "rg-acfmops" },
	};
	struct vl_err err;

	for (int i = 0; i < 3; i++) {
		struct vpc_create_args args = { .cidr_block = rows[i].cidr, .name = rows[i].name,
						.resource_group_id = rows[i].rg };

		args.tags.keys[0] = "env";
		args.tags.values[0] = rows[i].env;
		args.tags.count = 1;
		if (i == 2) {
			args.tags.keys[1] = "team";
			args.tags.values[1] = "infra";
			args.tags.count = 2;
		}
		m->now_ms = NOW + i * 1000;
		ck_assert_int_eq(vpc_create(m, &args, &fixture_vpcs[i], &err), 0);
	}
	m->now_ms = NOW;
}

static const struct {
	const char *ids;	/* indexes into fixture_vpcs, e.g. "0,2"; NULL: no filter */
	const char *name, *rg;
	int is_default;
	const char *tag_key, *tag_value;
	const char *expect;	/* names in answer order, space-separated */
} filter_tests[] = {
	{ NULL, NULL, NULL, -1, NULL, NULL, "ops db web" },
	{ "0", NULL, NULL, -1, NULL, NULL, "web" },
	{ "0,2", NULL, NULL, -1, NULL, NULL, "ops web" },
	{ " 2 , 1 ", NULL, NULL, -1, NULL, NULL, "ops db" },	/* spaces around IDs */
	{ "0,,1,", NULL, NULL, -1, NULL, NULL, "db web" },	/* empty items skipped */
	{ NULL, "db", NULL, -1, NULL, NULL, "db" },
	{ NULL, "nope", NULL, -1, NULL, NULL, "" },
	{ NULL, "DB", NULL, -1, NULL, NULL, "" },		/* exact match */
	{ NULL, NULL, "rg-acfmops", -1, NULL, NULL, "ops" },
	{ NULL, NULL, NULL, 0, NULL, NULL, "ops db web" },
	{ NULL, NULL, NULL, 1, NULL, NULL, "" },
	{ NULL, NULL, NULL, -1, "env", "prod", "ops web" },
	{ NULL, NULL, NULL, -1, "env", NULL, "ops db web" },	/* key only: any value */
	{ NULL, NULL, NULL, -1, "team", NULL, "ops" },
	{ NULL, NULL, NULL, -1, "env", "test", "" },
	{ "0,1", NULL, NULL, -1, "env", "prod", "web" },	/* filters intersect */
	{ "1", "web", NULL, -1, NULL, NULL, "" },
};

/* Maps "0,2" to "id0,id2" keeping separators and spaces. */
static void ids_text(const char *spec, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (const char *p = spec; *p && len + 64 < size; p++) {
		if (*p >= '0' && *p <= '2')
			len += (size_t)snprintf(buf + len, size - len, "%s", fixture_vpcs[*p - '0'].vpc_id);
		else
			buf[len++] = *p, buf[len] = '\0';
	}
}

START_TEST(test_list_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_filter f = { .name = filter_tests[_i].name, .resource_group_id = filter_tests[_i].rg,
				.is_default = filter_tests[_i].is_default };
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = -1;
	char ids[512], names[128] = "";
	size_t i;
	json_t *item;

	create_three(&m);
	if (filter_tests[_i].ids) {
		ids_text(filter_tests[_i].ids, ids, sizeof(ids));
		f.vpc_ids = ids;
	}
	if (filter_tests[_i].tag_key) {
		f.tags.keys[0] = filter_tests[_i].tag_key;
		f.tags.values[0] = filter_tests[_i].tag_value;
		f.tags.count = 1;
	}
	ck_assert_int_eq(vpc_list(&m, &f, 0, 10, items, &total, &err), 0);
	json_array_foreach(items, i, item) {
		size_t len = strlen(names);

		snprintf(names + len, sizeof(names) - len, "%s%s", i ? " " : "",
			 json_string_value(json_object_get(item, "VpcName")));
	}
	ck_assert_str_eq(names, filter_tests[_i].expect);
	ck_assert_int_eq(total, (int64_t)json_array_size(items));
	json_decref(items);
}
END_TEST

START_TEST(test_list_too_many_ids)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_filter f = { .is_default = -1 };
	struct vl_err err;
	json_t *items = json_array();
	int64_t total;
	char ids[21 * 8] = "";

	for (int i = 0; i < 20; i++)
		strcat(ids, i ? ",vpc-x" : "vpc-x");
	f.vpc_ids = ids;
	ck_assert_int_eq(vpc_list(&m, &f, 0, 10, items, &total, &err), 0);	/* 20: fine */
	ck_assert_int_eq(total, 0);
	strcat(ids, ",vpc-y");
	test_assert_err(vpc_list(&m, &f, 0, 10, items, &total, &err), &err, "InvalidVpcId", 400);
	ck_assert_str_eq(vl_err_message(&err), "Specified parameter VpcId is not valid.");
	json_decref(items);
}
END_TEST

static const struct {
	int64_t page_number, page_size;
	const char *expect;	/* names on the page */
} page_tests[] = {
	{ 1, 10, "v5 v4 v3 v2 v1" },
	{ 1, 2, "v5 v4" },
	{ 2, 2, "v3 v2" },
	{ 3, 2, "v1" },
	{ 4, 2, "" },
	{ 1, 1, "v5" },
	{ 5, 1, "v1" },
	{ 1, 50, "v5 v4 v3 v2 v1" },
	{ 1000, 50, "" },
};

START_TEST(test_list_paging)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_filter f = { .is_default = -1 };
	struct vl_err err;
	json_t *items = json_array(), *item;
	int64_t total = -1;
	char names[128] = "";
	size_t i;

	for (int n = 1; n <= 5; n++) {
		char name[16];
		struct vpc v;

		snprintf(name, sizeof(name), "v%d", n);
		m.now_ms = NOW + n * 1000;
		create_ok(&m, NULL, name, &v);
	}
	ck_assert_int_eq(vpc_list(&m, &f, (page_tests[_i].page_number - 1) * page_tests[_i].page_size,
				  page_tests[_i].page_size,
				  items, &total, &err), 0);
	ck_assert_int_eq(total, 5);	/* every match, not only the page */
	json_array_foreach(items, i, item) {
		size_t len = strlen(names);

		snprintf(names + len, sizeof(names) - len, "%s%s", i ? " " : "",
			 json_string_value(json_object_get(item, "VpcName")));
	}
	ck_assert_str_eq(names, page_tests[_i].expect);
	json_decref(items);
}
END_TEST

START_TEST(test_to_json)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct vswitch s;
	json_t *item;

	create_ok(&m, "10.0.0.0/16", "web", &v);
	vswitch_ok(&m, v.vpc_id, "10.0.1.0/24", &s);
	item = vpc_to_json(&m, &v);
	ck_assert_ptr_nonnull(item);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcId")), v.vpc_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "RegionId")), REGION);
	ck_assert_str_eq(json_string_value(json_object_get(item, "Status")), "Available");
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcName")), "web");
	ck_assert_str_eq(json_string_value(json_object_get(item, "Description")), "");
	ck_assert_str_eq(json_string_value(json_object_get(item, "CidrBlock")), "10.0.0.0/16");
	ck_assert_str_eq(json_string_value(json_object_get(item, "CreationTime")), "2026-11-28T00:23:28Z");
	ck_assert_str_eq(json_string_value(json_object_get(item, "VRouterId")), v.vrouter_id);
	ck_assert(json_is_false(json_object_get(item, "IsDefault")));
	ck_assert_int_eq(json_integer_value(json_object_get(item, "OwnerId")), 1234567890123456LL);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(item, "VSwitchIds"),
									"VSwitchId"), 0)), s.vswitch_id);
	ck_assert_str_eq(json_string_value(json_array_get(
				 json_object_get(json_object_get(item, "RouterTableIds"), "RouterTableIds"), 0)),
			 v.route_table_id);
	/* empty lists are present, not omitted */
	ck_assert(json_is_array(json_object_get(json_object_get(item, "UserCidrs"), "UserCidr")));
	ck_assert(json_is_array(json_object_get(json_object_get(item, "NatGatewayIds"), "NatGatewayIds")));
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(item, "Tags"), "Tag")), 0);
	json_decref(item);
}
END_TEST

/* DescribeVpcAttribute: the list item's fields plus the attribute-only ones, none of the list-only */
START_TEST(test_attribute_json)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct vswitch s1, s2;
	json_t *o, *counts;

	create_ok(&m, "10.0.0.0/16", "web", &v);
	vswitch_ok(&m, v.vpc_id, "10.0.1.0/24", &s1);
	vswitch_ok(&m, v.vpc_id, "10.0.2.0/24", &s2);
	o = vpc_attribute_json(&m, &v);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(o, "VpcId")), v.vpc_id);
	ck_assert_str_eq(json_string_value(json_object_get(o, "Status")), "Available");
	ck_assert_str_eq(json_string_value(json_object_get(o, "VpcName")), "web");
	ck_assert_str_eq(json_string_value(json_object_get(o, "CidrBlock")), "10.0.0.0/16");
	ck_assert_str_eq(json_string_value(json_object_get(o, "VRouterId")), v.vrouter_id);
	ck_assert_str_eq(json_string_value(json_object_get(o, "RegionId")), REGION);
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(o, "VSwitchIds"), "VSwitchId")), 2);
	ck_assert(json_is_false(json_object_get(o, "ClassicLinkEnabled")));
	ck_assert(json_is_false(json_object_get(o, "SupportIpv4Gateway")));
	ck_assert(json_is_array(json_object_get(json_object_get(o, "Tags"), "Tag")));
	counts = json_object_get(json_object_get(o, "CloudResources"), "CloudResourceSetType");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(counts, 0), "ResourceType")), "VSwitch");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(counts, 0), "ResourceCount")), 2);
	/* members of the DescribeVpcs item that DescribeVpcAttribute does not have */
	ck_assert_ptr_null(json_object_get(o, "RouterTableIds"));
	ck_assert_ptr_null(json_object_get(o, "NatGatewayIds"));
	ck_assert_ptr_null(json_object_get(o, "CenStatus"));
	json_decref(o);
}
END_TEST

/* ---- modify ---- */

START_TEST(test_modify)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_modify_args args = { 0 };
	struct vpc v, got;
	struct vswitch s;
	struct vl_err err;

	create_ok(&m, "10.0.0.0/16", "web", &v);
	vswitch_ok(&m, v.vpc_id, "10.0.1.0/24", &s);
	args.vpc_id = v.vpc_id;

	args.name = "web2";
	args.description = "frontend";
	ck_assert_int_eq(vpc_modify(&m, &args, &err), 0);
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "web2");
	ck_assert_str_eq(got.description, "frontend");
	ck_assert_str_eq(got.cidr_block, "10.0.0.0/16");	/* NULL: unchanged */

	/* widen the primary CIDR: still holds the vSwitch */
	args.name = args.description = NULL;
	args.cidr_block = "10.0.0.0/8";
	ck_assert_int_eq(vpc_modify(&m, &args, &err), 0);
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.cidr_block, "10.0.0.0/8");
	ck_assert_str_eq(got.name, "web2");

	/* refused changes leave the VPC as it was */
	args.cidr_block = "10.1.0.0/16";	/* would orphan 10.0.1.0/24 */
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidCidrBlock.Malformed", 400);
	args.cidr_block = "10.0.0.0/29";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "IllegalParam.CidrBlockMask", 400);
	args.cidr_block = "127.0.0.0/8";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidParameter", 400);
	args.cidr_block = "10.0.0.1/8";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidCidrBlock.Malformed", 400);
	args.cidr_block = NULL;
	args.name = "http://web";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidVpcName.Malformed", 400);
	args.name = NULL;
	args.description = "https://web";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidVpcDiscription.Malformed", 400);
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.cidr_block, "10.0.0.0/8");
	ck_assert_str_eq(got.name, "web2");
	ck_assert_str_eq(got.description, "frontend");

	args.vpc_id = "vpc-missing";
	args.description = "x";
	test_assert_err(vpc_modify(&m, &args, &err), &err, "InvalidVpcId.NotFound", 404);
}
END_TEST

START_TEST(test_modify_pending)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_modify_args args = { .name = "later" };
	struct vpc v, got;
	struct vl_err err;
	int64_t next;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, NULL, "web", &v);
	args.vpc_id = v.vpc_id;
	test_assert_err(vpc_modify(&m, &args, &err), &err, "IncorrectVpcStatus", 400);
	ck_assert_str_eq(vl_err_message(&err), "Current VPC status does not support this operation.");
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(vpc_modify(&m, &args, &err), 0);
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "later");
	ck_assert_str_eq(got.status, "Available");
}
END_TEST

/* ---- delete ---- */

START_TEST(test_delete_with_vswitch)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args args = { .cidr_block = "10.0.0.0/16" };
	struct vpc v, got;
	struct vswitch s;
	struct vl_err err;
	json_t *tags;

	args.tags.keys[0] = "env";
	args.tags.values[0] = "prod";
	args.tags.count = 1;
	ck_assert_int_eq(vpc_create(&m, &args, &v, &err), 0);
	vswitch_ok(&m, v.vpc_id, "10.0.1.0/24", &s);
	test_assert_err(vpc_delete(&m, v.vpc_id, &err), &err, "DependencyViolation.VSwitch", 400);
	ck_assert_str_eq(vl_err_message(&err), "Specified object has dependent resources");
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);

	ck_assert_int_eq(vswitch_delete(&m, s.vswitch_id, &err), 0);
	ck_assert_int_eq(vpc_delete(&m, v.vpc_id, &err), 0);
	test_assert_err(vpc_get(&m, v.vpc_id, &got, &err), &err, "InvalidVpcId.NotFound", 404);
	test_assert_err(vpc_delete(&m, v.vpc_id, &err), &err, "InvalidVpcId.NotFound", 404);
	/* its tags went with it */
	tags = tag_to_json(&m, v.vpc_id);
	ck_assert_int_eq(json_array_size(json_object_get(tags, "Tag")), 0);
	json_decref(tags);
}
END_TEST

START_TEST(test_delete_pending)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v, got;
	struct vl_err err;
	int64_t next = -1;

	cfg.transition_delay_ms = 1000;
	create_ok(&m, NULL, NULL, &v);
	test_assert_err(vpc_delete(&m, v.vpc_id, &err), &err, "IncorrectVpcStatus", 400);
	ck_assert_int_eq(vpc_get(&m, v.vpc_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Pending");
	/* not yet due */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 999, &next), 0);
	ck_assert_int_eq(next, NOW + 1000);
	test_assert_err(vpc_delete(&m, v.vpc_id, &err), &err, "IncorrectVpcStatus", 400);
	/* due: Available, deletable */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(next, 0);
	ck_assert_int_eq(vpc_delete(&m, v.vpc_id, &err), 0);
	test_assert_err(vpc_get(&m, v.vpc_id, &got, &err), &err, "InvalidVpcId.NotFound", 404);
}
END_TEST

Suite *vpc_suite_create(void)
{
	const struct test_entry create[] = {
		{ test_create_defaults }, { test_create_no_delay_available },
		{ test_create_name, countof(name_tests) }, { test_create_description, countof(desc_tests) },
		{ test_create_cidr, countof(cidr_tests) }, { test_create_tags_and_resource_group },
		{ test_quota },
	};
	const struct test_entry scope[] = {
		{ test_isolation },
	};
	const struct test_entry describe[] = {
		{ test_list_filters, countof(filter_tests) }, { test_list_too_many_ids },
		{ test_list_paging, countof(page_tests) }, { test_to_json }, { test_attribute_json },
	};
	const struct test_entry modify_delete[] = {
		{ test_modify }, { test_modify_pending }, { test_delete_with_vswitch },
		{ test_delete_pending },
	};
	const struct test_case cases[] = {
		TEST_CASE(create), TEST_CASE(scope), TEST_CASE(describe), TEST_CASE(modify_delete),
	};

	return test_suite_of_cases("vpc", test_world_setup, test_world_teardown, cases, countof(cases));
}
