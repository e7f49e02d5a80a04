/* The one-test-case suite most agent suites are, built in one call. */
#ifndef VPNLAB_TESTS_AGENT_SUITE_FIXTURE_H
#define VPNLAB_TESTS_AGENT_SUITE_FIXTURE_H

#include <check.h>

/*
 * Builds suite `name` with one test case `tcase` holding tests (a NULL-ended list, run in that
 * order) between setup and teardown as a checked fixture, each test bounded by timeout_s
 * seconds.  Returns the suite (the runner it is added to owns it); *tc_out, when tc_out is not
 * NULL, receives the test case so a caller can add loop tests after the list.
 */
Suite *agent_suite(const char *name, const char *tcase, SFun setup, SFun teardown, double timeout_s,
		   const TTest *const tests[], TCase **tc_out);

#endif
