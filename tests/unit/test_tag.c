/*
 * Tag model (model/tag.c) on a migrated ":memory:" store: TagResources' quota of 20 tags
 * (replaced keys do not count twice), UnTagResources of some keys and of all,
 * ListTagResources' scoping (account, region, type), tag filters and paging.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "model.h"
#include "store.h"
#include "tag.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"

#define ACCOUNT "1234567890123456"
#define OTHER "6543210987654321"
#define REGION "cn-hangzhou"

static void make_vpc(struct model_ctx *m, struct vpc *out)
{
	struct vpc_create_args args = { .cidr_block = "10.0.0.0/16" };
	struct vl_err err;

	ck_assert_msg(vpc_create(m, &args, out, &err) == 0, "%s", vl_err_code(&err));
}

/* n tags k<first>..k<first+n-1> = v<i> (the strings live in static buffers) */
static struct tag_list numbered(int first, int n)
{
	static char keys[TAG_MAX][16], values[TAG_MAX][16];
	struct tag_list t = { .count = n };

	for (int i = 0; i < n; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%02d", first + i);
		snprintf(values[i], sizeof(values[i]), "v%02d", first + i);
		t.keys[i] = keys[i];
		t.values[i] = values[i];
	}
	return t;
}

static int64_t tag_rows(const char *resource_id)
{
	struct store_stmt *stmt = NULL;
	int64_t n = -1;

	ck_assert_int_eq(store_prepare(st, "SELECT COUNT(*) FROM tags WHERE resource_id=?", &stmt), 0);
	stmt_bind_text(stmt, 1, resource_id);
	if (stmt_step(stmt) == STORE_ROW)
		n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

START_TEST(test_quota_counts_new_keys_only)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tag_list t;
	struct vl_err err;
	struct vpc v;

	make_vpc(&m, &v);
	t = numbered(1, 15);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), 0);
	/* 5 new keys reach 20: accepted; 5 of the keys again (new values) stay at 20 */
	t = numbered(16, 5);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), 0);
	t = numbered(1, 5);
	t.values[0] = "changed";
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), 0);
	ck_assert_int_eq(tag_rows(v.vpc_id), 20);
	/* a 21st key: refused, nothing changed */
	t = numbered(21, 1);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "QuotaExceed.TagNum");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	ck_assert_int_eq(tag_rows(v.vpc_id), 20);
}
END_TEST

START_TEST(test_add_validates)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tag_list t = { .keys = { "aliyun-x" }, .values = { "v" }, .count = 1 };
	struct vl_err err;
	struct vpc v;

	make_vpc(&m, &v);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidTagKey.Malformed");
	ck_assert_int_eq(tag_rows(v.vpc_id), 0);
}
END_TEST

START_TEST(test_remove)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tag_list t = numbered(1, 4);
	const char *keys[] = { "k02", "absent" };
	struct vl_err err;
	struct vpc v;

	make_vpc(&m, &v);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), 0);
	ck_assert_int_eq(tag_remove(&m, v.vpc_id, keys, 2, &err), 0);
	ck_assert_int_eq(tag_rows(v.vpc_id), 3);
	ck_assert_int_eq(tag_remove(&m, v.vpc_id, NULL, -1, &err), 0);
	ck_assert_int_eq(tag_rows(v.vpc_id), 0);
}
END_TEST

/* every page of a list, joined; checks that the last page says no more follow */
static json_t *list_all(struct model_ctx *m, const struct tag_query *q, int64_t page)
{
	json_t *all = json_array();
	struct vl_err err;
	bool more = true;

	for (int64_t offset = 0; more; offset += page) {
		json_t *items = json_array();

		ck_assert_int_eq(tag_list_resources(m, q, offset, page, items, &more, &err), 0);
		ck_assert_int_le(json_array_size(items), page);
		if (more)
			ck_assert_int_eq(json_array_size(items), page);
		json_array_extend(all, items);
		json_decref(items);
	}
	return all;
}

START_TEST(test_list_scope_filters_paging)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx(OTHER, REGION);
	struct model_ctx beijing = test_ctx(ACCOUNT, "cn-beijing");
	struct tag_list t = numbered(1, 3), env = { .keys = { "env" }, .values = { "prod" }, .count = 1 };
	struct vpc a, b, c, d;
	struct vl_err err;
	json_t *all;
	const char *ids[] = { "" };

	make_vpc(&m, &a);
	make_vpc(&m, &b);
	make_vpc(&other, &c);
	make_vpc(&beijing, &d);
	ck_assert_int_eq(tag_add(&m, "VPC", a.vpc_id, &t, &err), 0);
	ck_assert_int_eq(tag_add(&m, "VPC", a.vpc_id, &env, &err), 0);
	ck_assert_int_eq(tag_add(&m, "VPC", b.vpc_id, &env, &err), 0);
	ck_assert_int_eq(tag_add(&other, "VPC", c.vpc_id, &env, &err), 0);
	ck_assert_int_eq(tag_add(&beijing, "VPC", d.vpc_id, &env, &err), 0);

	/* by resource: all 4 tags of a, in key order, over pages of 3 */
	ids[0] = a.vpc_id;
	{
		struct tag_query q = { .stored_type = "VPC", .shown_type = "VPC", .region = REGION,
				       .resource_ids = ids, .resource_id_count = 1 };

		all = list_all(&m, &q, 3);
		ck_assert_int_eq(json_array_size(all), 4);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(all, 0), "TagKey")), "env");
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(all, 3), "TagKey")), "k03");
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(all, 3), "ResourceType")), "VPC");
		json_decref(all);
		/* another account sees none of them */
		all = list_all(&other, &q, 10);
		ck_assert_int_eq(json_array_size(all), 0);
		json_decref(all);
		/* nor does a list of another type */
		q.stored_type = "VSWITCH";
		all = list_all(&m, &q, 10);
		ck_assert_int_eq(json_array_size(all), 0);
		json_decref(all);
	}
	/* by tag: the caller's resources in the region with env=prod, the env rows only */
	{
		struct tag_query q = { .stored_type = "VPC", .shown_type = "VPC", .region = REGION, .tags = env };

		all = list_all(&m, &q, 1);
		ck_assert_int_eq(json_array_size(all), 2);
		for (size_t i = 0; i < 2; i++)
			ck_assert_str_eq(json_string_value(json_object_get(json_array_get(all, i), "TagKey")), "env");
		json_decref(all);
		/* key only: any value */
		q.tags.values[0] = NULL;
		all = list_all(&m, &q, 10);
		ck_assert_int_eq(json_array_size(all), 2);
		json_decref(all);
		/* no region (CBN's global view): the Beijing VPC too */
		q.region = NULL;
		all = list_all(&m, &q, 10);
		ck_assert_int_eq(json_array_size(all), 3);
		json_decref(all);
	}
}
END_TEST

START_TEST(test_delete_removes_tags)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tag_list t = numbered(1, 2);
	struct vl_err err;
	struct vpc v;

	make_vpc(&m, &v);
	ck_assert_int_eq(tag_add(&m, "VPC", v.vpc_id, &t, &err), 0);
	ck_assert_int_eq(tag_add(&m, "ROUTETABLE", v.route_table_id, &t, &err), 0);
	ck_assert_int_eq(vpc_delete(&m, v.vpc_id, &err), 0);
	ck_assert_int_eq(tag_rows(v.vpc_id), 0);
	ck_assert_int_eq(tag_rows(v.route_table_id), 0);
}
END_TEST

Suite *tag_suite_create(void)
{
	const struct test_entry tag[] = {
		{ test_quota_counts_new_keys_only }, { test_add_validates }, { test_remove },
		{ test_list_scope_filters_paging }, { test_delete_removes_tags },
	};

	return test_suite("tag", "tag", test_world_setup, test_world_teardown, tag, countof(tag));
}
