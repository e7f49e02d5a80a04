#include "store_test.h"

#include "test.h"

void test_savepoint(struct store *st)
{
	ck_assert_int_eq(store_exec(st, "SAVEPOINT req"), 0);
}

int test_release(struct store *st, int rc)
{
	if (rc != 0)
		ck_assert_int_eq(store_exec(st, "ROLLBACK TO req"), 0);
	ck_assert_int_eq(store_exec(st, "RELEASE req"), 0);
	return rc;
}

int64_t test_count(struct store *st, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;
	int64_t n = -1;

	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	if (arg)
		stmt_bind_text(stmt, 1, arg);
	if (stmt_step(stmt) == STORE_ROW)
		n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

void test_exec1(struct store *st, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;

	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	stmt_bind_text(stmt, 1, arg);
	ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
	stmt_release(stmt);
}

int64_t test_usage(struct model_ctx *m, const char *kind, const char *scope)
{
	int64_t used = -1;

	ck_assert_int_eq(model_usage_get(m, kind, scope, &used), 0);
	return used;
}
