/* Agent unit tests (libcheck): runs every suite of suites.h. */
#include <check.h>
#include <stdlib.h>

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define TEST_SUITE(name) srunner_add_suite(sr, name());
#include "suites.h"
#undef TEST_SUITE
	/* namespaces and charons are process-wide state: no forking per test */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
