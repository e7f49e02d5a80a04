#include "row_read.h"

int row_read_columns_at(struct store_stmt *stmt, int first, const struct row_column *columns, int count)
{
	for (int i = 0; i < count; i++) {
		switch (columns[i].type) {
		case ROW_COLUMN_TEXT:
		case ROW_COLUMN_TEXT_OR_NULL:
			model_copy(columns[i].dst, columns[i].size, stmt_text(stmt, first + i));
			break;
		case ROW_COLUMN_INT64:
			*(int64_t *)columns[i].dst = stmt_int64(stmt, first + i);
			break;
		case ROW_COLUMN_BOOL:
			*(bool *)columns[i].dst = stmt_int64(stmt, first + i) != 0;
			break;
		}
	}
	return first + count;
}

void row_read_columns(struct store_stmt *stmt, const struct row_column *columns, int count)
{
	row_read_columns_at(stmt, 0, columns, count);
}

int row_bind_columns(struct store_stmt *stmt, int first, const struct row_column *columns, int count)
{
	for (int i = 0; i < count; i++) {
		const char *text = columns[i].dst;

		switch (columns[i].type) {
		case ROW_COLUMN_TEXT:
			stmt_bind_text(stmt, first + i, text);
			break;
		case ROW_COLUMN_TEXT_OR_NULL:
			stmt_bind_text(stmt, first + i, text[0] ? text : NULL);
			break;
		case ROW_COLUMN_INT64:
			stmt_bind_int64(stmt, first + i, *(const int64_t *)columns[i].dst);
			break;
		case ROW_COLUMN_BOOL:
			stmt_bind_int64(stmt, first + i, *(const bool *)columns[i].dst);
			break;
		}
	}
	return first + count;
}

int row_find(struct model_ctx *m, const char *sql, const struct model_arg *args, int n,
	     void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err)
{
	enum store_step_result r = model_step_once(m->store, sql, args, n, fill, out);

	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

void row_fill_columns(struct store_stmt *stmt, void *out)
{
	const struct row_columns *places = out;

	row_read_columns(stmt, places->columns, places->count);
}

void row_fill_text32(struct store_stmt *stmt, void *out)
{
	model_copy(out, 32, stmt_text(stmt, 0));
}

void row_fill_text64(struct store_stmt *stmt, void *out)
{
	model_copy(out, 64, stmt_text(stmt, 0));
}

int model_find_row(struct model_ctx *m, const char *sql, const char *id,
		   void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err)
{
	return row_find(m, sql, MODEL_ARGS(MODEL_TEXT(id), MODEL_TEXT(m->account), MODEL_TEXT(m->region)), fill, out,
			err);
}

int model_get_row(struct model_ctx *m, const char *sql, const char *id,
		  void (*fill)(struct store_stmt *stmt, void *out), void *out,
		  enum vl_code not_found, struct vl_err *err)
{
	int found = model_find_row(m, sql, id, fill, out, err);

	if (found == 0)
		return vl_err_set(err, not_found, NULL);
	return found < 0 ? -1 : 0;
}
