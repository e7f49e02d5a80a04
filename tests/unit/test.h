#ifndef VL_TEST_H
#define VL_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#define TEST_SUITE(fn) Suite *fn(void);
#include "suites.h"
#undef TEST_SUITE

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/*
 * One test of a case: loop_rows 0 adds test as a plain test, loop_rows n > 0 as a loop test
 * run once for each row index 0..n-1 (a table-driven test names its table: countof(rows)).
 */
struct test_entry {
	const TTest *test;
	size_t loop_rows;
};

/*
 * Adds a case named name to s (s owns it) holding tests[0..n-1] in order, each run between
 * setup and teardown (a checked fixture; both NULL: none).  Returns the case, for settings
 * such as a timeout.
 */
TCase *test_add_case(Suite *s, const char *name, SFun setup, SFun teardown, const struct test_entry *tests,
		     size_t n);

/*
 * One case of a suite: its tests, its own fixture (test_add_case; both NULL: the suite's) and a
 * timeout in seconds (0: libcheck's).
 */
struct test_case {
	const char *name;
	const struct test_entry *tests;
	size_t n;
	SFun setup, teardown;
	double timeout;
};

/* The test_case of the entry table tests (named after it) with the suite's fixture. */
#define TEST_CASE(tests) { #tests, (tests), countof(tests) }

/*
 * A suite of cases[0..n-1], in order, each run with the fixture setup/teardown unless it names
 * its own; the caller (libcheck's runner) owns it.
 */
Suite *test_suite_of_cases(const char *name, SFun setup, SFun teardown, const struct test_case *cases, size_t n);

/* A row of an "is this input accepted?" table. */
struct test_accepts {
	const char *input;
	bool accepted;
};

struct kvlist;

/* Writes list into buf[size] as "name=value|name=value" (no escaping; test data avoids '|'). */
void test_render_kvlist(const struct kvlist *list, char *buf, size_t size);

/* A suite of one case (test_add_case); the caller (libcheck's runner) owns it. */
Suite *test_suite(const char *name, const char *case_name, SFun setup, SFun teardown,
		  const struct test_entry *tests, size_t n);

#endif
