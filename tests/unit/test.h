#ifndef VL_TEST_H
#define VL_TEST_H

#include <check.h>

#define TEST_SUITE(fn) Suite *fn(void);
#include "suites.h"
#undef TEST_SUITE

#endif
