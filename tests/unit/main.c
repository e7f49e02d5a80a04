#include <check.h>
#include <stdlib.h>

#include "test.h"

int main(void)
{
	SRunner *runner = srunner_create(NULL);
	int failed;

#define TEST_SUITE(fn) srunner_add_suite(runner, fn());
#include "suites.h"
#undef TEST_SUITE
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
