#include "row_read.h"

void row_read_columns(struct store_stmt *stmt, const struct row_column *columns, int count)
{
	for (int i = 0; i < count; i++) {
		switch (columns[i].type) {
		case ROW_COLUMN_TEXT:
			model_copy(columns[i].dst, columns[i].size, stmt_text(stmt, i));
			break;
		case ROW_COLUMN_INT64:
			*(int64_t *)columns[i].dst = stmt_int64(stmt, i);
			break;
		case ROW_COLUMN_BOOL:
			*(bool *)columns[i].dst = stmt_int64(stmt, i) != 0;
			break;
		}
	}
}

int row_find(struct model_ctx *m, const char *sql, const struct model_arg *args, int n,
	     void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err)
{
	enum store_step_result r = model_step_once(m->store, sql, args, n, fill, out);

	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

void row_fill_text32(struct store_stmt *stmt, void *out)
{
	model_copy(out, 32, stmt_text(stmt, 0));
}

void row_fill_text64(struct store_stmt *stmt, void *out)
{
	model_copy(out, 64, stmt_text(stmt, 0));
}
