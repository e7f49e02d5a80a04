#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "test.h"

/* json_out_dump must write exactly what json_dumps(JSON_COMPACT) writes. */
static void assert_same(json_t *doc)
{
	char *mine = json_out_dump(doc, NULL);
	char *ref = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);

	ck_assert_ptr_nonnull(mine);
	ck_assert_ptr_nonnull(ref);
	ck_assert_str_eq(mine, ref);
	free(mine);
	free(ref);
}

START_TEST(test_every_ascii_byte_escapes_like_jansson)
{
	char text[2] = { 0, 0 };

	for (int c = 1; c < 128; c++) {
		json_t *doc = json_object();

		text[0] = (char)c;
		json_object_set_new(doc, text, json_string(text));
		assert_same(doc);
		json_decref(doc);
	}
}
END_TEST

START_TEST(test_values_and_nesting)
{
	json_t *doc = json_pack("{s:s, s:I, s:I, s:I, s:b, s:b, s:n, s:[i, s, {}, []], s:{s:{s:s}}, s:f, s:f}",
				"utf8", "华东 1 可用区 B — ü", "min", (json_int_t)INT64_MIN, "max",
				(json_int_t)INT64_MAX, "zero", (json_int_t)0, "t", 1, "f", 0, "null",
				"list", -7, "x\"y\\z", "nested", "a", "b", "c\n\t\r\b\f", "real", 1.5,
				"whole", 3.0);

	ck_assert_ptr_nonnull(doc);
	assert_same(doc);
	json_decref(doc);
}
END_TEST

START_TEST(test_long_strings_grow_the_buffer)
{
	char *big = malloc(100001);
	json_t *doc;
	size_t len = 0;
	char *out;

	for (int i = 0; i < 100000; i++)
		big[i] = (char)(i % 7 == 0 ? '"' : 'a' + i % 26);
	big[100000] = '\0';
	doc = json_pack("{s:s, s:[s, s]}", "big", big, "again", big, big);
	assert_same(doc);
	out = json_out_dump(doc, &len);
	ck_assert_uint_eq(len, strlen(out));
	free(out);
	json_decref(doc);
	free(big);
}
END_TEST

Suite *json_out_suite_create(void)
{
	const struct test_entry matches_jansson[] = {
		{ test_every_ascii_byte_escapes_like_jansson }, { test_values_and_nesting },
		{ test_long_strings_grow_the_buffer },
	};

	return test_suite("json_out", "matches jansson", NULL, NULL, matches_jansson, countof(matches_jansson));
}
