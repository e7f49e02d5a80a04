#include "sql_values.h"

static struct store_stmt *prepare_bound(struct model_ctx *m, const char *sql, const struct sql_value *values,
					int count)
{
	struct store_stmt *stmt = NULL;

	if (store_prepare(m->store, sql, &stmt) < 0)
		return NULL;
	for (int i = 0; i < count; i++) {
		if (values[i].is_int)
			stmt_bind_int64(stmt, i + 1, values[i].number);
		else
			stmt_bind_text(stmt, i + 1, values[i].text);
	}
	return stmt;
}

enum store_step_result sql_step_values(struct model_ctx *m, const char *sql, const struct sql_value *values,
				       int count)
{
	struct store_stmt *stmt = prepare_bound(m, sql, values, count);
	enum store_step_result r;

	if (stmt == NULL)
		return STORE_FAILED;
	r = stmt_step(stmt);
	stmt_release(stmt);
	return r;
}

int sql_exec_values(struct model_ctx *m, const char *sql, const struct sql_value *values, int count,
		    struct vl_err *err)
{
	return sql_step_values(m, sql, values, count) == STORE_DONE ? 0 : model_store_error(m, err);
}

int sql_row_values(struct model_ctx *m, const char *sql, const struct sql_value *values, int count,
		   void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err)
{
	struct store_stmt *stmt = prepare_bound(m, sql, values, count);
	enum store_step_result r;

	if (stmt == NULL)
		return model_store_error(m, err);
	r = stmt_step(stmt);
	if (r == STORE_ROW)
		fill(stmt, out);
	stmt_release(stmt);
	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

void sql_fill_int64(struct store_stmt *stmt, void *out)
{
	*(int64_t *)out = stmt_int64(stmt, 0);
}

void sql_fill_text64(struct store_stmt *stmt, void *out)
{
	model_copy(out, 64, stmt_text(stmt, 0));
}

void sql_fill_text32(struct store_stmt *stmt, void *out)
{
	model_copy(out, 32, stmt_text(stmt, 0));
}
