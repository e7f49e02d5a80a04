#include <string.h>

#include "action.h"
#include "test.h"

static int noop(struct action_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct param_spec no_params[] = { { NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL } };
static const struct action token_action = { "ListThings", "2017-09-12", noop, AF_TOKEN_PAGED, no_params };
static const struct action paged_action = { "DescribeThings", "2016-04-28", noop, AF_PAGED, no_params };

static int validate(const struct action *a, const char *form, struct action_ctx *ctx, struct vl_err *err,
		    struct kvlist *params)
{
	kvlist_init(params);
	kvlist_parse_urlencoded(params, form, strlen(form));
	memset(ctx, 0, sizeof(*ctx));
	vl_err_clear(err);
	return action_validate(a, params, ctx, err);
}

START_TEST(test_page_number_style)
{
	struct action_ctx ctx;
	struct vl_err err;
	struct kvlist p;

	ck_assert_int_eq(validate(&paged_action, "PageNumber=3&PageSize=20", &ctx, &err, &p), 0);
	ck_assert_int_eq(ctx.offset, 40);
	ck_assert_int_eq(ctx.limit, 20);
	kvlist_free(&p);
	ck_assert_int_eq(validate(&paged_action, "", &ctx, &err, &p), 0);
	ck_assert_int_eq(ctx.page_number, 1);
	ck_assert_int_eq(ctx.page_size, 10);
	kvlist_free(&p);
	ck_assert_int_eq(validate(&paged_action, "PageSize=0", &ctx, &err, &p), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidPageSize");
	kvlist_free(&p);
}
END_TEST

START_TEST(test_token_style_walks_all_rows)
{
	struct action_ctx ctx;
	struct vl_err err;
	struct kvlist p;
	char form[128] = "MaxResults=4";
	int64_t total = 10, seen = 0;

	for (int round = 0; round < 5; round++) {
		json_t *items = json_array();
		const char *next;

		ck_assert_int_eq(validate(&token_action, form, &ctx, &err, &p), 0);
		ck_assert_int_eq(ctx.offset, seen);
		ctx.response = json_object();
		for (int64_t i = ctx.offset; i < total && i < ctx.offset + ctx.limit; i++)
			json_array_append_new(items, json_integer(i));
		seen += (int64_t)json_array_size(items);
		action_set_token_page(&ctx, "Things", items, total);
		ck_assert_int_eq(json_integer_value(json_object_get(ctx.response, "MaxResults")), 4);
		next = json_string_value(json_object_get(ctx.response, "NextToken"));
		if (next[0] == '\0') {
			json_decref(ctx.response);
			kvlist_free(&p);
			break;
		}
		snprintf(form, sizeof(form), "MaxResults=4&NextToken=%s", next);
		json_decref(ctx.response);
		kvlist_free(&p);
	}
	ck_assert_int_eq(seen, total);
}
END_TEST

START_TEST(test_token_refused)
{
	struct action_ctx ctx;
	struct vl_err err;
	struct kvlist p;

	ck_assert_int_eq(validate(&token_action, "NextToken=garbage", &ctx, &err, &p), -1);
	ck_assert_str_eq(vl_err_code(&err), "IllegalParam.NextToken");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	kvlist_free(&p);
	ck_assert_int_eq(validate(&token_action, "MaxResults=101", &ctx, &err, &p), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidMaxResults");
	kvlist_free(&p);
}
END_TEST

Suite *paging_suite_create(void)
{
	const struct test_entry styles[] = {
		{ test_page_number_style }, { test_token_style_walks_all_rows }, { test_token_refused },
	};

	return test_suite("paging", "styles", NULL, NULL, styles, countof(styles));
}
