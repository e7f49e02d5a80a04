/*
 * The WHERE builder (model/query.c): every condition comes with its values, so the text and
 * the binds agree; a query built with it finds exactly the rows the filters describe.
 */
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "store.h"
#include "test.h"

START_TEST(test_where_text_and_args)
{
	struct model_where w;
	const char *ids[] = { "a", "b" };
	const struct model_filter filters[] = {
		{ "name=?", "n" },
		{ "status=?", NULL },
		{ "type=?", "t" },
	};

	model_where_init(&w);
	ck_assert_str_eq(w.sql, "");
	model_where_text(&w, "account=?", "acct");
	model_where_in(&w, "id", 2, ids);
	model_where_in(&w, "none", 0, NULL);
	model_where_filters(&w, filters, 3);
	model_where_int(&w, "flag=?", 1);
	model_where_add(&w, "0", 0, NULL);
	ck_assert_str_eq(w.sql, " WHERE account=? AND id IN (?,?) AND name=? AND type=? AND flag=? AND 0");
	ck_assert_int_eq(w.count, 6);
	ck_assert_str_eq(w.args[0].text, "acct");
	ck_assert_str_eq(w.args[2].text, "b");
	ck_assert_str_eq(w.args[4].text, "t");
	ck_assert(w.args[5].is_int);
	ck_assert_int_eq(w.args[5].number, 1);
}
END_TEST

START_TEST(test_where_binds_in_order)
{
	struct store *st = NULL;
	struct store_stmt *stmt = NULL;
	struct vl_err err;
	struct model_where w;
	const char *ids[] = { "x", "z" };
	char sql[MODEL_WHERE_SQL_MAX + 64];
	int next;

	ck_assert_msg(store_open_sqlite(":memory:", false, &st, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_int_eq(store_exec(st, "CREATE TABLE t(id TEXT, n INTEGER);"
				    "INSERT INTO t VALUES ('x', 1), ('y', 1), ('z', 2), ('x', 2);"), 0);
	model_where_init(&w);
	model_where_in(&w, "id", 2, ids);
	model_where_int(&w, "n=?", 2);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM t%s LIMIT ?", w.sql);
	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	next = model_where_bind(&w, stmt);
	ck_assert_int_eq(next, 4);
	stmt_bind_int64(stmt, next, 10);
	ck_assert_int_eq(stmt_step(stmt), STORE_ROW);
	ck_assert_int_eq(stmt_int64(stmt, 0), 2); /* z/2 and x/2 */
	stmt_release(stmt);
	store_close(st);
}
END_TEST

Suite *query_suite_create(void)
{
	const struct test_entry where[] = {
		{ test_where_text_and_args }, { test_where_binds_in_order },
	};

	return test_suite("query", "where", NULL, NULL, where, countof(where));
}
