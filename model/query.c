#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(struct model_where *w, const char *text)
{
	size_t len = strlen(w->sql);

	if (len + 1 < sizeof(w->sql))
		strncat(w->sql, text, sizeof(w->sql) - len - 1);
}

static void begin_cond(struct model_where *w)
{
	append(w, w->sql[0] ? " AND " : " WHERE ");
}

static void push(struct model_where *w, struct model_arg arg)
{
	if (w->count < MODEL_WHERE_ARGS_MAX)
		w->args[w->count++] = arg;
}

void model_where_init(struct model_where *w)
{
	w->sql[0] = '\0';
	w->count = 0;
}

void model_where_add(struct model_where *w, const char *cond, int n, const char *const *values)
{
	begin_cond(w);
	append(w, cond);
	for (int i = 0; i < n; i++)
		push(w, MODEL_TEXT(values[i]));
}

void model_where_text(struct model_where *w, const char *cond, const char *value)
{
	model_where_add(w, cond, 1, &value);
}

void model_where_int(struct model_where *w, const char *cond, int64_t value)
{
	begin_cond(w);
	append(w, cond);
	push(w, MODEL_INT(value));
}

void model_where_filters(struct model_where *w, const struct model_filter *filters, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (filters[i].value)
			model_where_text(w, filters[i].cond, filters[i].value);
}

void model_where_in(struct model_where *w, const char *column, int n, const char *const *values)
{
	if (n <= 0)
		return;
	begin_cond(w);
	append(w, column);
	append(w, " IN (");
	for (int i = 0; i < n; i++) {
		append(w, i ? ",?" : "?");
		push(w, MODEL_TEXT(values[i]));
	}
	append(w, ")");
}

int model_where_bind(const struct model_where *w, struct store_stmt *stmt)
{
	return model_bind(stmt, 1, w->args, w->count);
}

int model_list(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
	       int64_t offset, int64_t limit, int64_t *total,
	       json_t *(*item)(struct model_ctx *m, struct store_stmt *stmt, void *arg), void *arg,
	       json_t *items, struct vl_err *err)
{
	char sql[MODEL_WHERE_SQL_MAX + 1024];
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	int index;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s%s", q->count_from ? q->count_from : q->from, w->sql);
	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	model_where_bind(w, stmt);
	r = stmt_step(stmt);
	*total = r == STORE_ROW ? stmt_int64(stmt, 0) : 0;
	stmt_release(stmt);
	if (r != STORE_ROW)
		return model_store_error(m, err);

	snprintf(sql, sizeof(sql), "SELECT %s FROM %s%s ORDER BY %s LIMIT ? OFFSET ?", q->columns, q->from, w->sql,
		 q->order_by);
	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	index = model_where_bind(w, stmt);
	stmt_bind_int64(stmt, index++, limit);
	stmt_bind_int64(stmt, index, offset);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		/* a second statement while this one steps (tags, counts): SQLite allows it */
		json_t *one = item(m, stmt, arg);

		if (one == NULL) {
			r = STORE_FAILED;
			break;
		}
		json_array_append_new(items, one);
	}
	stmt_release(stmt);
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

int model_list_page(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
		    int64_t offset, int64_t limit, int64_t *total, size_t row_size,
		    void (*fill)(struct store_stmt *stmt, void *row),
		    int (*item)(struct model_ctx *m, void *row, void *arg, json_t *items, struct vl_err *err),
		    void *arg,
		    json_t *items, struct vl_err *err)
{
	char sql[MODEL_WHERE_SQL_MAX + 1024];
	struct store_stmt *stmt = NULL;
	enum store_step_result r = STORE_DONE;
	char *page;
	int n = 0, index, rc = -1;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s%s", q->count_from ? q->count_from : q->from, w->sql);
	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	model_where_bind(w, stmt);
	*total = stmt_step(stmt) == STORE_ROW ? stmt_int64(stmt, 0) : 0;
	stmt_release(stmt);
	if (limit <= 0 || offset >= *total)
		return 0;
	/* rows may be large (a connection's tunnels inline): allocate only what this page holds */
	if (limit > *total - offset)
		limit = *total - offset;
	if ((page = calloc((size_t)limit, row_size)) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s%s ORDER BY %s LIMIT ? OFFSET ?", q->columns, q->from, w->sql,
		 q->order_by);
	if (store_prepare(m->store, sql, &stmt) < 0) {
		model_store_error(m, err);
		goto out;
	}
	index = model_where_bind(w, stmt);
	stmt_bind_int64(stmt, index++, limit);
	stmt_bind_int64(stmt, index, offset);
	while (n < limit && (r = stmt_step(stmt)) == STORE_ROW)
		fill(stmt, page + (size_t)n++ * row_size);
	stmt_release(stmt);
	if (r != STORE_ROW && r != STORE_DONE) {
		model_store_error(m, err);
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (item(m, page + (size_t)i * row_size, arg, items, err) < 0)
			goto out;
	rc = 0;
out:
	free(page);
	return rc;
}

int model_collect(struct model_ctx *m, const char *sql, const char *arg, size_t row_size,
		  void (*fill)(struct store_stmt *stmt, void *row), void **out, int *count, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	char *rows = NULL;
	int n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	if (arg)
		stmt_bind_text(stmt, 1, arg);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		if (n == cap) {
			int grown_cap = cap ? cap * 2 : 8;
			char *grown = realloc(rows, (size_t)grown_cap * row_size);

			if (grown == NULL) {
				stmt_release(stmt);
				free(rows);
				return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
			}
			rows = grown;
			cap = grown_cap;
		}
		memset(rows + (size_t)n * row_size, 0, row_size);
		fill(stmt, rows + (size_t)n * row_size);
		n++;
	}
	stmt_release(stmt);
	if (r != STORE_DONE) {
		free(rows);
		return model_store_error(m, err);
	}
	*out = rows;
	*count = n;
	return 0;
}

void model_fill_id(struct store_stmt *stmt, void *row)
{
	struct model_id *r = row;

	model_copy(r->id, sizeof(r->id), stmt_text(stmt, 0));
}
