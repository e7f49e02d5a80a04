/*
 * The shared text rules (model/text.c): strict UTF-8 counting, names, labels.  One meaning
 * for every product: invalid UTF-8 is never a name or a description, whatever its length.
 */
#include <string.h>

#include "test.h"
#include "text.h"


static const struct {
	const char *text;
	long chars; /* -1: not strict UTF-8 */
} count_tests[] = {
	{ "", 0 },
	{ "abc", 3 },
	{ "\xe4\xb8\xad\xe6\x96\x87", 2 },	   /* 中文 */
	{ "a\xc3\xa9", 2 },			   /* aé */
	{ "\xf0\x9f\x98\x80", 1 },		   /* U+1F600 */
	{ "\xc3", -1 },				   /* cut short */
	{ "\xc0\xaf", -1 },			   /* overlong '/' */
	{ "\xe0\x80\xaf", -1 },			   /* overlong, three bytes */
	{ "\xed\xa0\x80", -1 },			   /* surrogate U+D800 */
	{ "\xf4\x90\x80\x80", -1 },		   /* past U+10FFFF */
	{ "\x80", -1 },				   /* lone continuation byte */
	{ "ab\xff", -1 },
};

START_TEST(test_text_chars)
{
	ck_assert_int_eq(text_chars(count_tests[_i].text), count_tests[_i].chars);
	ck_assert_int_eq(text_valid_utf8(count_tests[_i].text, strlen(count_tests[_i].text)),
			 count_tests[_i].chars >= 0);
}
END_TEST

START_TEST(test_text_chars_n_stops_at_n)
{
	/* the first two bytes of a three-byte character are not a character */
	ck_assert_int_eq(text_chars_n("a\xe4\xb8\xad", 3), -1);
	ck_assert_int_eq(text_chars_n("a\xe4\xb8\xad", 4), 2);
	ck_assert_int_eq(text_chars_n("abc", 1), 1);
}
END_TEST

START_TEST(test_text_labels)
{
	char long_text[202];

	ck_assert(text_valid_label("a", 1, 100));
	ck_assert(!text_valid_label("", 1, 100));
	ck_assert(!text_valid_label("http://x", 1, 100));
	ck_assert(!text_valid_label("https://x", 1, 100));
	ck_assert(text_valid_label("see http://x", 1, 100));
	ck_assert(!text_valid_label("\xc0\xaf", 1, 100));
	/* 100 two-byte characters are 100 characters, not 200 */
	for (int i = 0; i < 100; i++)
		memcpy(long_text + 2 * i, "\xc3\xa9", 2);
	long_text[200] = '\0';
	ck_assert(text_valid_label(long_text, 1, 100));
	strcat(long_text, "x");
	ck_assert(!text_valid_label(long_text, 1, 100));
}
END_TEST

START_TEST(test_text_names)
{
	ck_assert(model_valid_name("vpc-1.a_b"));
	ck_assert(model_valid_name("\xe4\xb8\xad"));
	ck_assert(!model_valid_name("1vpc"));
	ck_assert(!model_valid_name("http://x"));
	ck_assert(!model_valid_name("a b"));
	ck_assert(!model_valid_name(""));
	ck_assert(!text_valid_name("a", 2, 100));
	ck_assert(text_valid_name("ab", 2, 100));
	ck_assert(model_valid_description("d"));
	ck_assert(!model_valid_description("https://d"));
}
END_TEST

Suite *text_suite_create(void)
{
	const struct test_entry rules[] = {
		{ test_text_chars, countof(count_tests) }, { test_text_chars_n_stops_at_n },
		{ test_text_labels }, { test_text_names },
	};

	return test_suite("text", "rules", NULL, NULL, rules, countof(rules));
}
