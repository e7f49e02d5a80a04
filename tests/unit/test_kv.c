/*
 * Name/value lists and form decoding (server/kv.c): url_decode, kvlist_parse_urlencoded
 * and the list operations the signers and the action table rely on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "test.h"

/* ---- url_decode ---- */

static const struct {
	const char *in;
	size_t len;	/* 0: strlen(in) */
	int plus_is_space;
	const char *out;	/* NULL: refused */
	size_t out_len;
} decode_tests[] = {
	{ "", 0, 1, "", 0 },
	{ "abc", 0, 1, "abc", 3 },
	{ "a+b", 0, 1, "a b", 3 },
	{ "a+b", 0, 0, "a+b", 3 },
	{ "%41%42", 0, 1, "AB", 2 },
	{ "%4a%4A", 0, 1, "JJ", 2 },		/* both hex cases */
	{ "%2B", 0, 1, "+", 1 },		/* an escaped plus stays a plus */
	{ "%20", 0, 0, " ", 1 },
	{ "%25", 0, 1, "%", 1 },
	{ "%2541", 0, 1, "%41", 3 },		/* decoded once only */
	{ "%E4%B8%AD", 0, 1, "\xe4\xb8\xad", 3 },
	{ "%00", 0, 1, "", 1 },			/* NUL decodes; out_len tells */
	{ "a%00b", 0, 1, "a", 3 },
	{ "10.0.0.0%2F8", 0, 1, "10.0.0.0/8", 10 },
	{ "abc", 2, 1, "ab", 2 },		/* len bounds the input */
	{ "%41", 2, 1, NULL, 0 },		/* the escape is cut by len */
	/* malformed escapes */
	{ "%", 0, 1, NULL, 0 },
	{ "%4", 0, 1, NULL, 0 },
	{ "abc%", 0, 1, NULL, 0 },
	{ "a%2", 0, 1, NULL, 0 },
	{ "%zz", 0, 1, NULL, 0 },
	{ "%4g", 0, 1, NULL, 0 },
	{ "%g4", 0, 1, NULL, 0 },
	{ "%%41", 0, 1, NULL, 0 },
	{ "% 41", 0, 1, NULL, 0 },
	{ "%-1", 0, 1, NULL, 0 },
};

START_TEST(test_url_decode)
{
	const char *in = decode_tests[_i].in;
	size_t len = decode_tests[_i].len ? decode_tests[_i].len : strlen(in);
	size_t out_len = 12345;
	char *got = url_decode(in, len, decode_tests[_i].plus_is_space, &out_len);

	if (decode_tests[_i].out == NULL) {
		ck_assert_msg(got == NULL, "url_decode(\"%s\") accepted: \"%s\"", in, got);
		return;
	}
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(out_len, decode_tests[_i].out_len);
	ck_assert_int_eq(memcmp(got, decode_tests[_i].out, strlen(decode_tests[_i].out)), 0);
	ck_assert_int_eq(got[out_len], '\0');
	free(got);
}
END_TEST

START_TEST(test_url_decode_null_out_len)
{
	char *got = url_decode("x%41", 4, 1, NULL);

	ck_assert_str_eq(got, "xA");
	free(got);
}
END_TEST

/* ---- kvlist_parse_urlencoded ---- */

static const struct {
	const char *text;
	int rc;
	const char *list;	/* rendered, see test_render_kvlist() */
} form_tests[] = {
	{ "", 0, "" },
	{ "a=1", 0, "a=1" },
	{ "a=1&b=2", 0, "a=1|b=2" },
	{ "a=1&&b=2", 0, "a=1|b=2" },		/* empty pairs are skipped */
	{ "&a=1&", 0, "a=1" },
	{ "&&&", 0, "" },
	{ "a", 0, "a=" },			/* no '=': empty value */
	{ "a=", 0, "a=" },
	{ "=v", 0, "=v" },			/* empty name is kept */
	{ "=", 0, "=" },
	{ "a=b=c", 0, "a=b=c" },		/* only the first '=' separates */
	{ "q=a+b%20c", 0, "q=a b c" },		/* '+' and %20 are both spaces */
	{ "a+b=c+d", 0, "a b=c d" },		/* names are decoded too */
	{ "%41=%42", 0, "A=B" },
	{ "x%26y=1%3D2", 0, "x&y=1=2" },	/* escaped separators are data */
	{ "p=%2B1", 0, "p=+1" },
	{ "a=1&a=2", 0, "a=1|a=2" },		/* duplicates are all kept, in order */
	{ "Tag.1.Key=k&Tag.1.Value=v", 0, "Tag.1.Key=k|Tag.1.Value=v" },
	{ "RegionId=cn-hangzhou&CidrBlock=10.0.0.0%2F8", 0,
	  "RegionId=cn-hangzhou|CidrBlock=10.0.0.0/8" },
	/* malformed escapes: -1, pairs before the bad one stay */
	{ "a=%", -1, "" },
	{ "a=1&b=%zz&c=3", -1, "a=1" },
	{ "a=1&%zz=2", -1, "a=1" },
	{ "a=1&b=2&c=%4", -1, "a=1|b=2" },
	{ "%=1", -1, "" },
};

START_TEST(test_parse_urlencoded)
{
	struct kvlist list;
	char buf[512];

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, form_tests[_i].text,
						 strlen(form_tests[_i].text)),
			 form_tests[_i].rc);
	test_render_kvlist(&list, buf, sizeof(buf));
	ck_assert_str_eq(buf, form_tests[_i].list);
	kvlist_free(&list);
}
END_TEST

START_TEST(test_parse_urlencoded_len)
{
	struct kvlist list;
	char buf[128];

	/* only the first len bytes count, the rest of the buffer is ignored */
	kvlist_init(&list);
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, "a=1&b=2", 3), 0);
	test_render_kvlist(&list, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a=1");
	/* appends to what the list already holds */
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, "c=3", 3), 0);
	test_render_kvlist(&list, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a=1|c=3");
	kvlist_free(&list);
	ck_assert_uint_eq(list.len, 0);
	ck_assert_ptr_null(list.items);
}
END_TEST

START_TEST(test_parse_urlencoded_embedded_nul)
{
	static const char text[] = "a=x\0y&b=2";
	struct kvlist list;

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, text, sizeof(text) - 1), 0);
	ck_assert_uint_eq(list.len, 2);
	ck_assert_str_eq(list.items[0].value, "x"); /* C string view stops at the NUL */
	ck_assert_str_eq(kvlist_get(&list, "b"), "2");
	kvlist_free(&list);
}
END_TEST

/* ---- lookups ---- */

static const struct {
	const char *text, *name;
	const char *value;	/* NULL: absent */
} get_tests[] = {
	{ "a=1&a=2", "a", "2" },	/* duplicates: the last wins */
	{ "a=1&b=x&a=3", "a", "3" },
	{ "a=1", "b", NULL },
	{ "a=1", "A", NULL },		/* names are case-sensitive */
	{ "a", "a", "" },
	{ "=v", "", "v" },
	{ "PageSize=10&PageSize=", "PageSize", "" },
};

START_TEST(test_kvlist_get)
{
	struct kvlist list;
	const char *got;

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, get_tests[_i].text,
						 strlen(get_tests[_i].text)), 0);
	got = kvlist_get(&list, get_tests[_i].name);
	if (get_tests[_i].value == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, get_tests[_i].value);
	kvlist_free(&list);
}
END_TEST

START_TEST(test_kvlist_get_ci)
{
	struct kvlist list;

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_add_str(&list, "Content-Type", "a"), 0);
	ck_assert_int_eq(kvlist_add_str(&list, "content-type", "b"), 0);
	ck_assert_str_eq(kvlist_get_ci(&list, "CONTENT-TYPE"), "b");
	ck_assert_str_eq(kvlist_get(&list, "Content-Type"), "a");
	ck_assert_ptr_null(kvlist_get(&list, "CONTENT-TYPE"));
	ck_assert_ptr_null(kvlist_get_ci(&list, "x-acs-date"));
	kvlist_free(&list);
}
END_TEST

START_TEST(test_kvlist_set)
{
	struct kvlist list;

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_set(&list, "a", "1"), 0);	/* appends */
	ck_assert_int_eq(kvlist_add_str(&list, "a", "2"), 0);
	ck_assert_int_eq(kvlist_set(&list, "a", "3"), 0);	/* replaces the last */
	ck_assert_uint_eq(list.len, 2);
	ck_assert_str_eq(list.items[0].value, "1");
	ck_assert_str_eq(list.items[1].value, "3");
	ck_assert_str_eq(kvlist_get(&list, "a"), "3");
	kvlist_free(&list);
}
END_TEST

START_TEST(test_kvlist_add)
{
	struct kvlist list;

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_add_str(&list, "n", NULL), 0);	/* NULL value stored as "" */
	ck_assert_str_eq(kvlist_get(&list, "n"), "");
	ck_assert_int_eq(kvlist_add(&list, "name-long", 4, "value", 3), 0);
	ck_assert_str_eq(kvlist_get(&list, "name"), "val");
	/* growth past the first allocation keeps every entry */
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "k%d", i);
		ck_assert_int_eq(kvlist_add_str(&list, name, name), 0);
	}
	ck_assert_uint_eq(list.len, 102);
	ck_assert_str_eq(kvlist_get(&list, "k0"), "k0");
	ck_assert_str_eq(kvlist_get(&list, "k99"), "k99");
	kvlist_free(&list);
}
END_TEST

START_TEST(test_kvlist_sort)
{
	struct kvlist list;
	char buf[128];

	kvlist_init(&list);
	ck_assert_int_eq(kvlist_parse_urlencoded(&list, "b=1&a=1&B=1&a=2&_=1&a=3", 23), 0);
	kvlist_sort(&list);
	test_render_kvlist(&list, buf, sizeof(buf));
	/* byte order of names, then of values */
	ck_assert_str_eq(buf, "B=1|_=1|a=1|a=2|a=3|b=1");
	kvlist_free(&list);
	kvlist_sort(&list);	/* empty list */
}
END_TEST

Suite *kv_suite_create(void)
{
	const struct test_entry url_decode[] = {
		{ test_url_decode, countof(decode_tests) }, { test_url_decode_null_out_len },
	};
	const struct test_entry urlencoded[] = {
		{ test_parse_urlencoded, countof(form_tests) }, { test_parse_urlencoded_len },
		{ test_parse_urlencoded_embedded_nul },
	};
	const struct test_entry list[] = {
		{ test_kvlist_get, countof(get_tests) }, { test_kvlist_get_ci }, { test_kvlist_set },
		{ test_kvlist_add }, { test_kvlist_sort },
	};
	const struct test_case cases[] = {
		TEST_CASE(url_decode), TEST_CASE(urlencoded), TEST_CASE(list),
	};

	return test_suite_of_cases("kv", NULL, NULL, cases, countof(cases));
}
