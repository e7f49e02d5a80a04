#include "suite_fixture.h"

#include <stddef.h>

Suite *agent_suite(const char *name, const char *tcase, SFun setup, SFun teardown, double timeout_s,
		   const TTest *const tests[], TCase **tc_out)
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(tcase);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, timeout_s);
	for (size_t i = 0; tests[i]; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	if (tc_out)
		*tc_out = tc;
	return s;
}
