/*
 * Customer gateway rules (model/customer_gateway.c) on a real SQLite store: address rules
 * and uniqueness, ASN forms, BGP key, name/description, quota, tags and resource group,
 * account/region isolation, describe filters and paging, answer shape, modify, and the
 * delete refusal while connections use the gateway.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"
#define REGION2 "cn-beijing"

static int create(struct model_ctx *m, const char *ip, struct customer_gateway *out,
		  struct vl_err *err)
{
	struct customer_gateway_create_args args = { .ip_address = ip };

	return customer_gateway_create(m, &args, out, err);
}

static void create_ok(struct model_ctx *m, const char *ip, struct customer_gateway *out)
{
	struct vl_err err;

	ck_assert_msg(create(m, ip, out, &err) == 0, "create %s: %s %s", ip, vl_err_code(&err),
		      vl_err_message(&err));
}

#define usage(m, kind, scope) test_usage((m), (kind), (scope))

static int64_t count_rows(void)
{
	struct store_stmt *stmt = NULL;
	int64_t n;

	ck_assert_int_eq(store_prepare(st, "SELECT COUNT(*) FROM customer_gateways", &stmt), 0);
	ck_assert_int_eq(stmt_step(stmt), STORE_ROW);
	n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

/* ---- create ---- */

START_TEST(test_create_defaults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway g, got;
	struct vl_err err;
	char rg[32];

	create_ok(&m, "47.100.1.2", &g);
	ck_assert_int_eq(strncmp(g.customer_gateway_id, "cgw-bp1", 7), 0);
	ck_assert_uint_eq(strlen(g.customer_gateway_id), 4 + 24);
	ck_assert_str_eq(g.ip_address, "47.100.1.2");
	ck_assert_str_eq(g.asn, "");
	ck_assert_str_eq(g.auth_key, "");
	ck_assert_str_eq(g.name, "");
	ck_assert_str_eq(g.description, "");
	ck_assert_str_eq(g.region, REGION);
	ck_assert_int_eq(g.created_ms, NOW);
	model_default_resource_group(ACCOUNT, rg, sizeof(rg));
	ck_assert_str_eq(g.resource_group_id, rg);
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 1);

	ck_assert_int_eq(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.customer_gateway_id, g.customer_gateway_id);
	ck_assert_str_eq(got.ip_address, "47.100.1.2");
	ck_assert_str_eq(got.resource_group_id, rg);
	ck_assert_int_eq(got.created_ms, NOW);
}
END_TEST

START_TEST(test_create_all_fields)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = {
		.ip_address = "203.0.113.7", .asn = "123.456", .auth_key = "k3y!#$%&*()",
		.name = "branch-1", .description = "the branch office", .resource_group_id = "rg-acfm2x7",
		.tags = { .keys = { "env" }, .values = { "lab" }, .count = 1 },
	};
	struct customer_gateway g, got;
	struct vl_err err;
	json_t *tags;

	ck_assert_int_eq(customer_gateway_create(&m, &args, &g, &err), 0);
	ck_assert_str_eq(g.asn, "8061384"); /* 123 * 65536 + 456, stored canonical */
	ck_assert_int_eq(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.asn, "8061384");
	ck_assert_str_eq(got.auth_key, "k3y!#$%&*()");
	ck_assert_str_eq(got.name, "branch-1");
	ck_assert_str_eq(got.description, "the branch office");
	ck_assert_str_eq(got.resource_group_id, "rg-acfm2x7");
	tags = tag_to_json(&m, g.customer_gateway_id);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(tags, "Tag"), 0), "Key")), "env");
	json_decref(tags);
}
END_TEST

static const struct test_accepts ip_tests[] = {
	{ "47.100.1.2", 1 },
	{ "8.8.8.8", 1 },
	{ "192.168.1.1", 1 },	  /* private: for private-network connections */
	{ "100.63.255.255", 1 },  /* just below 100.64.0.0/10 */
	{ "100.128.0.0", 1 },	  /* just above it */
	{ "169.253.255.255", 1 },
	{ "223.255.255.255", 1 }, /* below multicast */
	{ "240.0.0.1", 1 },
	{ "254.255.255.255", 1 }, /* below 255/8 */
	{ "100.64.0.0", 0 },
	{ "100.127.255.255", 0 },
	{ "127.0.0.1", 0 },
	{ "169.254.0.1", 0 },
	{ "224.0.0.1", 0 },
	{ "239.255.255.255", 0 },
	{ "255.0.0.1", 0 },
	{ "255.255.255.255", 0 },
	{ "1.2.3", 0 },
	{ "1.2.3.4/32", 0 },
	{ "01.2.3.4", 0 },
	{ "256.1.1.1", 0 },
	{ "1.2.3.4 ", 0 },
	{ "2001:db8::1", 0 },
	{ "", 0 },
	{ "gateway", 0 },
};

START_TEST(test_create_ip_address)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway g;
	struct vl_err err;
	int rc = create(&m, ip_tests[_i].input, &g, &err);

	if (ip_tests[_i].accepted) {
		ck_assert_msg(rc == 0, "%s refused: %s", ip_tests[_i].input, vl_err_code(&err));
		ck_assert_str_eq(g.ip_address, ip_tests[_i].input);
	} else {
		test_assert_err(rc, &err, "InvalidIpAddress.WrongFormat", 400);
		ck_assert_str_eq(vl_err_message(&err), "Specified IpAddress is invalid.");
		ck_assert_int_eq(count_rows(), 0);
	}
}
END_TEST

START_TEST(test_create_ip_unique)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx(OTHER, REGION),
			 region2 = test_ctx(ACCOUNT, REGION2);
	struct customer_gateway g, g2;
	struct vl_err err;

	create_ok(&m, "47.100.1.2", &g);
	test_assert_err(create(&m, "47.100.1.2", &g2, &err), &err, "InvalidIpAddress.AlreadyExist", 400);
	ck_assert_str_eq(vl_err_message(&err), "Specified IpAddress is already exist.");
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 1);
	/* per account and per region */
	create_ok(&other, "47.100.1.2", &g2);
	create_ok(&region2, "47.100.1.2", &g2);
	/* free again once deleted */
	ck_assert_int_eq(customer_gateway_delete(&m, g.customer_gateway_id, &err), 0);
	create_ok(&m, "47.100.1.2", &g2);
}
END_TEST

static const struct {
	const char *asn;
	const char *stored; /* NULL: refused */
} asn_tests[] = {
	{ "65530", "65530" },
	{ "1", "1" },
	{ "4294967295", "4294967295" },
	{ "123.456", "8061384" },
	{ "0.1", "1" },
	{ "65535.65535", "4294967295" },
	{ "45105", "45105" },
	{ "", "" }, /* empty: no ASN */
	{ "0", NULL },
	{ "4294967296", NULL },
	{ "45104", NULL }, /* Alibaba Cloud's own ASN */
	{ "0.45104", NULL },
	{ "0.0", NULL },
	{ "65536.1", NULL },
	{ "1.65536", NULL },
	{ "-1", NULL },
	{ "+1", NULL },
	{ " 1", NULL },
	{ "1.2.3", NULL },
	{ ".1", NULL },
	{ "1.", NULL },
	{ "65530a", NULL },
	{ "99999999999", NULL },
};

START_TEST(test_create_asn)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = { .ip_address = "47.100.1.2", .asn = asn_tests[_i].asn };
	struct customer_gateway g;
	struct vl_err err;
	int rc = customer_gateway_create(&m, &args, &g, &err);

	if (asn_tests[_i].stored) {
		ck_assert_msg(rc == 0, "Asn %s refused: %s", asn_tests[_i].asn, vl_err_code(&err));
		ck_assert_str_eq(g.asn, asn_tests[_i].stored);
	} else {
		test_assert_err(rc, &err, "InvalidAsn", 400);
		ck_assert_int_eq(count_rows(), 0);
	}
}
END_TEST

static char long_text[130];

static const char *text_arg(const char *spec)
{
	/* "L<n>": n characters */
	if (spec[0] == 'L') {
		int n = atoi(spec + 1);

		memset(long_text, 'a', (size_t)n);
		long_text[n] = '\0';
		return long_text;
	}
	return spec;
}

static const struct test_accepts auth_key_tests[] = {
	{ "AuthKey123", 1 }, { "L1", 1 }, { "L64", 1 }, { "!@#$%^&*()-_=+[]{};:'\",.<>/\\|`~", 1 },
	{ "", 1 }, /* empty: no key */
	{ "L65", 0 }, { "auth key", 0 }, { "what?", 0 }, { "\xe4\xb8\xad\xe6\x96\x87", 0 },
	{ "tab\there", 0 },
};

START_TEST(test_create_auth_key)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = { .ip_address = "47.100.1.2",
						     .auth_key = text_arg(auth_key_tests[_i].input) };
	struct customer_gateway g;
	struct vl_err err;
	int rc = customer_gateway_create(&m, &args, &g, &err);

	if (auth_key_tests[_i].accepted) {
		ck_assert_msg(rc == 0, "key \"%s\" refused: %s", args.auth_key, vl_err_code(&err));
		ck_assert_str_eq(g.auth_key, args.auth_key);
	} else {
		test_assert_err(rc, &err, "InvalidAuthKey", 400);
	}
}
END_TEST

static const struct test_accepts text_tests[] = {
	{ "n", 1 },
	{ "L100", 1 },
	{ "1st branch office", 1 }, /* the current rule: any start, spaces allowed */
	{ "\xe5\x88\x86\xe6\x94\xaf", 1 },
	{ "L101", 0 },
	{ "http://x", 0 },
	{ "https://x", 0 },
	{ "", 0 },
};

START_TEST(test_create_name_description)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args by_name = { .ip_address = "47.100.1.2",
							.name = text_arg(text_tests[_i].input) };
	struct customer_gateway_create_args by_desc = { .ip_address = "47.100.1.3",
							.description = text_arg(text_tests[_i].input) };
	struct customer_gateway g;
	struct vl_err err;
	int rc;

	rc = customer_gateway_create(&m, &by_name, &g, &err);
	if (text_tests[_i].accepted)
		ck_assert_msg(rc == 0, "name refused: %s", vl_err_code(&err));
	else
		test_assert_err(rc, &err, "InvalidName", 400);
	rc = customer_gateway_create(&m, &by_desc, &g, &err);
	if (text_tests[_i].accepted)
		ck_assert_msg(rc == 0, "description refused: %s", vl_err_code(&err));
	else
		test_assert_err(rc, &err, "InvalidDescription", 400);
}
END_TEST

START_TEST(test_create_tags_and_resource_group)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args bad_tag = {
		.ip_address = "47.100.1.2", .tags = { .keys = { "aliyun:x" }, .values = { "v" }, .count = 1 },
	};
	struct customer_gateway_create_args bad_rg = { .ip_address = "47.100.1.2",
						       .resource_group_id = "group-1" };
	struct customer_gateway g;
	struct vl_err err;

	test_assert_err(customer_gateway_create(&m, &bad_tag, &g, &err), &err, "InvalidTagKey.Malformed", 400);
	test_assert_err(customer_gateway_create(&m, &bad_rg, &g, &err), &err, "InvalidResourceGroupId", 400);
	ck_assert_int_eq(count_rows(), 0);
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 0);
}
END_TEST

START_TEST(test_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), region2 = test_ctx(ACCOUNT, REGION2);
	struct customer_gateway a, b;
	struct vl_err err;

	cfg.quotas.customer_gateways_per_region = 2;
	create_ok(&m, "47.100.1.1", &a);
	create_ok(&m, "47.100.1.2", &b);
	test_assert_err(create(&m, "47.100.1.3", &b, &err), &err, "Resource.QuotaFull", 400);
	ck_assert_str_eq(vl_err_message(&err), "The quota of resource is full");
	/* the quota is per region */
	create_ok(&region2, "47.100.1.3", &b);
	/* a delete gives the place back */
	ck_assert_int_eq(customer_gateway_delete(&m, a.customer_gateway_id, &err), 0);
	create_ok(&m, "47.100.1.3", &b);
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 2);
}
END_TEST

/* ---- scope ---- */

START_TEST(test_isolation)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx(OTHER, REGION),
			 region2 = test_ctx(ACCOUNT, REGION2);
	struct customer_gateway_filter all = { 0 };
	struct customer_gateway_modify_args mod = { .name = "x" };
	struct customer_gateway g, got;
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = -1;

	create_ok(&m, "47.100.1.2", &g);
	mod.customer_gateway_id = g.customer_gateway_id;
	test_assert_err(customer_gateway_get(&other, g.customer_gateway_id, &got, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
	ck_assert_str_eq(vl_err_message(&err), "The specified customer gateway instance id does not exist.");
	test_assert_err(customer_gateway_get(&region2, g.customer_gateway_id, &got, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
	test_assert_err(customer_gateway_modify(&other, &mod, &got, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
	test_assert_err(customer_gateway_delete(&other, g.customer_gateway_id, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
	ck_assert_int_eq(customer_gateway_list(&other, &all, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	ck_assert_int_eq(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "");
}
END_TEST

/* ---- describe ---- */

/* Five gateways .1-.5 created one millisecond apart; .2 and .4 tagged env=prod, .5 in rg-other. */
static void make_five(struct model_ctx *m, struct customer_gateway g[5])
{
	for (int i = 0; i < 5; i++) {
		char ip[32];
		struct customer_gateway_create_args args = { .ip_address = ip };
		struct vl_err err;

		snprintf(ip, sizeof(ip), "47.100.1.%d", i + 1);
		if (i == 1 || i == 3) {
			args.tags.keys[0] = "env";
			args.tags.values[0] = "prod";
			args.tags.count = 1;
		}
		if (i == 4)
			args.resource_group_id = "rg-other";
		m->now_ms = NOW + i;
		ck_assert_int_eq(customer_gateway_create(m, &args, &g[i], &err), 0);
	}
}

static const char *item_ip(json_t *items, size_t i)
{
	return json_string_value(json_object_get(json_array_get(items, i), "IpAddress"));
}

START_TEST(test_list_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway g[5];
	struct customer_gateway_filter by_id = { 0 }, by_tag = { 0 }, by_key = { 0 }, by_rg = { .resource_group_id = "rg-other" };
	struct vl_err err;
	json_t *items;
	int64_t total;

	make_five(&m, g);
	by_id.customer_gateway_id = g[2].customer_gateway_id;
	items = json_array();
	ck_assert_int_eq(customer_gateway_list(&m, &by_id, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(item_ip(items, 0), "47.100.1.3");
	json_decref(items);

	by_tag.tags.keys[0] = "env";
	by_tag.tags.values[0] = "prod";
	by_tag.tags.count = 1;
	items = json_array();
	ck_assert_int_eq(customer_gateway_list(&m, &by_tag, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 2);
	ck_assert_str_eq(item_ip(items, 0), "47.100.1.4"); /* newest first */
	ck_assert_str_eq(item_ip(items, 1), "47.100.1.2");
	json_decref(items);

	by_key.tags.keys[0] = "env"; /* key without value: any value */
	by_key.tags.count = 1;
	items = json_array();
	ck_assert_int_eq(customer_gateway_list(&m, &by_key, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 2);
	json_decref(items);

	items = json_array();
	ck_assert_int_eq(customer_gateway_list(&m, &by_rg, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(item_ip(items, 0), "47.100.1.5");
	json_decref(items);

	by_id.customer_gateway_id = "cgw-doesnotexist";
	items = json_array();
	ck_assert_int_eq(customer_gateway_list(&m, &by_id, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	json_decref(items);
}
END_TEST

static const struct {
	int64_t offset, limit;
	size_t count;
	const char *first;
} page_tests[] = {
	{ 0, 10, 5, "47.100.1.5" },
	{ 0, 2, 2, "47.100.1.5" },
	{ 2, 2, 2, "47.100.1.3" },
	{ 4, 2, 1, "47.100.1.1" },
	{ 6, 2, 0, NULL },
};

START_TEST(test_list_paging)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_filter all = { 0 };
	struct customer_gateway g[5];
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = 0;

	make_five(&m, g);
	ck_assert_int_eq(customer_gateway_list(&m, &all, page_tests[_i].offset, page_tests[_i].limit,
					       items, &total, &err), 0);
	ck_assert_int_eq(total, 5);
	ck_assert_uint_eq(json_array_size(items), page_tests[_i].count);
	if (page_tests[_i].first)
		ck_assert_str_eq(item_ip(items, 0), page_tests[_i].first);
	json_decref(items);
}
END_TEST

START_TEST(test_to_json)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = {
		.ip_address = "47.100.1.2", .asn = "65530", .auth_key = "secret", .name = "n",
		.description = "d", .tags = { .keys = { "k" }, .values = { "v" }, .count = 1 },
	};
	struct customer_gateway g, plain;
	struct vl_err err;
	json_t *item;
	/* every key of the SDK's DescribeCustomerGateway(s) item model */
	static const char *const keys[] = { "CustomerGatewayId", "Name", "Description", "IpAddress",
					    "Asn", "AuthKey", "CreateTime", "ResourceGroupId", "Tags" };

	ck_assert_int_eq(customer_gateway_create(&m, &args, &g, &err), 0);
	item = customer_gateway_to_json(&m, &g);
	ck_assert_uint_eq(json_object_size(item), countof(keys));
	for (size_t i = 0; i < countof(keys); i++)
		ck_assert_msg(json_object_get(item, keys[i]) != NULL, "missing %s", keys[i]);
	ck_assert(json_is_integer(json_object_get(item, "Asn")));
	ck_assert_int_eq(json_integer_value(json_object_get(item, "Asn")), 65530);
	ck_assert_str_eq(json_string_value(json_object_get(item, "AuthKey")), "secret");
	ck_assert(json_is_integer(json_object_get(item, "CreateTime")));
	ck_assert_int_eq(json_integer_value(json_object_get(item, "CreateTime")), NOW);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(json_object_get(item, "Tags"), "Tag"), 0), "Value")),
			 "v");
	json_decref(item);

	/* no ASN given: no Asn key at all */
	create_ok(&m, "47.100.1.3", &plain);
	item = customer_gateway_to_json(&m, &plain);
	ck_assert_ptr_null(json_object_get(item, "Asn"));
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(item, "Tags"), "Tag")), 0);
	json_decref(item);
}
END_TEST

/* ---- modify / delete ---- */

START_TEST(test_modify)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = { .ip_address = "47.100.1.2", .name = "old",
						     .description = "old d", .auth_key = "oldkey" };
	struct customer_gateway_modify_args mod = { 0 };
	struct customer_gateway g, got;
	struct vl_err err;
	const struct {
		struct customer_gateway_modify_args mod;
		const char *code;
	} bad_fields[] = {
		{ { .customer_gateway_id = g.customer_gateway_id, .name = "fine", .description = "https://bad",
		    .auth_key = "newkey" }, "InvalidDescription" },
		{ { .customer_gateway_id = g.customer_gateway_id, .name = "fine", .auth_key = "bad key" }, "InvalidAuthKey" },
		{ { .customer_gateway_id = g.customer_gateway_id, .name = "" }, "InvalidName" },
	};

	ck_assert_int_eq(customer_gateway_create(&m, &args, &g, &err), 0);
	mod.customer_gateway_id = g.customer_gateway_id;
	mod.name = "new";
	ck_assert_int_eq(customer_gateway_modify(&m, &mod, &got, &err), 0);
	ck_assert_str_eq(got.name, "new");
	ck_assert_str_eq(got.description, "old d"); /* not given: unchanged */
	ck_assert_str_eq(got.auth_key, "oldkey");
	ck_assert_str_eq(got.ip_address, "47.100.1.2");

	mod.name = NULL;
	mod.description = "new d";
	mod.auth_key = "newkey";
	ck_assert_int_eq(customer_gateway_modify(&m, &mod, &got, &err), 0);
	ck_assert_str_eq(got.description, "new d");
	ck_assert_str_eq(got.auth_key, "newkey");

	/* a bad field refuses the whole request */
	for (size_t i = 0; i < countof(bad_fields); i++)
		test_assert_err(customer_gateway_modify(&m, &bad_fields[i].mod, &got, &err), &err, bad_fields[i].code,
				400);
	mod = (struct customer_gateway_modify_args){ 0 };
	ck_assert_int_eq(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "new");
	ck_assert_str_eq(got.description, "new d");
	ck_assert_str_eq(got.auth_key, "newkey");

	mod.customer_gateway_id = "cgw-doesnotexist";
	mod.name = "x";
	test_assert_err(customer_gateway_modify(&m, &mod, &got, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
}
END_TEST

START_TEST(test_delete_in_use)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct customer_gateway_create_args args = {
		.ip_address = "47.100.1.2", .tags = { .keys = { "k" }, .values = { "v" }, .count = 1 },
	};
	struct customer_gateway g, got;
	struct vl_err err;
	json_t *tags;

	ck_assert_int_eq(customer_gateway_create(&m, &args, &g, &err), 0);
	/* a connection (the connection model keeps this counter) uses it */
	ck_assert_int_eq(model_usage_add(&m, "ref:customer_gateway", g.customer_gateway_id, 1), 0);
	test_assert_err(customer_gateway_delete(&m, g.customer_gateway_id, &err), &err,
		   "DependencyViolation.VpnConnection", 400);
	ck_assert_str_eq(vl_err_message(&err),
			 "There are vpn connections on specified customer gateway not deleted.");
	ck_assert_int_eq(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), 0);
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 1);

	ck_assert_int_eq(model_usage_add(&m, "ref:customer_gateway", g.customer_gateway_id, -1), 0);
	ck_assert_int_eq(customer_gateway_delete(&m, g.customer_gateway_id, &err), 0);
	test_assert_err(customer_gateway_get(&m, g.customer_gateway_id, &got, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
	ck_assert_int_eq(usage(&m, "customer_gateway", REGION), 0);
	tags = tag_to_json(&m, g.customer_gateway_id);
	ck_assert_uint_eq(json_array_size(json_object_get(tags, "Tag")), 0);
	json_decref(tags);
	test_assert_err(customer_gateway_delete(&m, g.customer_gateway_id, &err), &err,
		   "InvalidCustomerGatewayInstanceId.NotFound", 404);
}
END_TEST

Suite *customer_gateway_suite_create(void)
{
	const struct test_entry create[] = {
		{ test_create_defaults }, { test_create_all_fields },
		{ test_create_ip_address, countof(ip_tests) }, { test_create_ip_unique },
		{ test_create_asn, countof(asn_tests) }, { test_create_auth_key, countof(auth_key_tests) },
		{ test_create_name_description, countof(text_tests) },
		{ test_create_tags_and_resource_group }, { test_quota },
	};
	const struct test_entry scope[] = {
		{ test_isolation },
	};
	const struct test_entry describe[] = {
		{ test_list_filters }, { test_list_paging, countof(page_tests) }, { test_to_json },
	};
	const struct test_entry modify_delete[] = {
		{ test_modify }, { test_delete_in_use },
	};
	const struct test_case cases[] = {
		TEST_CASE(create), TEST_CASE(scope), TEST_CASE(describe), TEST_CASE(modify_delete),
	};

	return test_suite_of_cases("customer_gateway", test_world_setup, test_world_teardown, cases, countof(cases));
}
