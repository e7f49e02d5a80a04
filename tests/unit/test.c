#include "test.h"

#include <stdbool.h>
#include <stdio.h>

#include "kv.h"

TCase *test_add_case(Suite *s, const char *name, SFun setup, SFun teardown, const struct test_entry *tests,
		     size_t n)
{
	TCase *tc = tcase_create(name);

	if (setup || teardown)
		tcase_add_checked_fixture(tc, setup, teardown);
	for (size_t i = 0; i < n; i++) {
		if (tests[i].loop_rows > 0)
			tcase_add_loop_test(tc, tests[i].test, 0, (int)tests[i].loop_rows);
		else
			tcase_add_test(tc, tests[i].test);
	}
	suite_add_tcase(s, tc);
	return tc;
}

Suite *test_suite(const char *name, const char *case_name, SFun setup, SFun teardown,
		  const struct test_entry *tests, size_t n)
{
	Suite *s = suite_create(name);

	test_add_case(s, case_name, setup, teardown, tests, n);
	return s;
}

Suite *test_suite_of_cases(const char *name, SFun setup, SFun teardown, const struct test_case *cases, size_t n)
{
	Suite *s = suite_create(name);

	for (size_t i = 0; i < n; i++) {
		bool own = cases[i].setup || cases[i].teardown;
		TCase *tc = test_add_case(s, cases[i].name, own ? cases[i].setup : setup,
					  own ? cases[i].teardown : teardown, cases[i].tests, cases[i].n);

		if (cases[i].timeout > 0)
			tcase_set_timeout(tc, cases[i].timeout);
	}
	return s;
}

void test_render_kvlist(const struct kvlist *list, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < list->len && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", i ? "|" : "", list->items[i].name,
					list->items[i].value);
}
