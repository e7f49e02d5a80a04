#include <string.h>

#include "errors.h"
#include "test.h"

START_TEST(test_table_lookup)
{
	struct vl_err err;

	ck_assert_str_eq(vl_code_name(VL_API_NOT_FOUND), "InvalidApi.NotFound");
	ck_assert_int_eq(vl_code_http_status(VL_API_NOT_FOUND), 404);
	ck_assert_int_eq(vl_code_http_status(VL_OPERATION_CONFLICT), 409);
	vl_err_set(&err, VL_INVALID_PARAMETER, NULL);
	ck_assert_str_eq(vl_err_code(&err), "InvalidParameter");
	ck_assert_str_eq(vl_err_message(&err), vl_code_default_message(VL_INVALID_PARAMETER));
	vl_err_set_code(&err, VL_MISSING_PARAMETER, "MissingVpcId", "%s is mandatory for this action.", "VpcId");
	ck_assert_str_eq(vl_err_code(&err), "MissingVpcId");
	ck_assert_str_eq(vl_err_message(&err), "VpcId is mandatory for this action.");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
}
END_TEST

START_TEST(test_every_code_has_status)
{
	for (int c = 0; c < VL__COUNT; c++) {
		int st = vl_code_http_status((enum vl_code)c);

		ck_assert(st >= 200 && st < 600);
		ck_assert(strlen(vl_code_name((enum vl_code)c)) > 0);
	}
}
END_TEST

Suite *errors_suite_create(void)
{
	const struct test_entry table[] = {
		{ test_table_lookup }, { test_every_code_has_status },
	};

	return test_suite("errors", "table", NULL, NULL, table, countof(table));
}
