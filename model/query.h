#ifndef VL_QUERY_H
#define VL_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model.h"
#include "store.h"

/*
 * A WHERE clause and the values of its '?' placeholders, built together so the text and the
 * binds cannot drift apart (each condition is added with its values, in order).  Borrows the
 * value strings: they must outlive model_where_bind.
 */
#define MODEL_WHERE_SQL_MAX 4096
#define MODEL_WHERE_ARGS_MAX 128

struct model_where {
	char sql[MODEL_WHERE_SQL_MAX]; /* "" or " WHERE a=? AND b IN (?,?) ..." */
	struct model_arg args[MODEL_WHERE_ARGS_MAX];
	int count;
};

/* One optional text filter: cond (one '?') applies when value is not NULL. */
struct model_filter {
	const char *cond;  /* "vpc_id=?" */
	const char *value; /* NULL: no filter */
};

/* Starts an empty clause (matches every row). */
void model_where_init(struct model_where *w);

/* ANDs cond, whose '?'s take values[0..n-1] in order (NULL binds NULL). */
void model_where_add(struct model_where *w, const char *cond, int n, const char *const *values);

/* ANDs cond with one text '?'. */
void model_where_text(struct model_where *w, const char *cond, const char *value);

/* ANDs cond with one integer '?'. */
void model_where_int(struct model_where *w, const char *cond, int64_t value);

/* ANDs each filter whose value is not NULL, in the array's order. */
void model_where_filters(struct model_where *w, const struct model_filter *filters, size_t count);

/* ANDs "column IN (?,…)" over values[0..n-1]; n 0 adds nothing. */
void model_where_in(struct model_where *w, const char *column, int n, const char *const *values);

/* Binds the values from index 1.  Returns the next free index (for LIMIT/OFFSET). */
int model_where_bind(const struct model_where *w, struct store_stmt *stmt);

/* One paged list: what the count and the page read. */
struct model_list_query {
	const char *columns;	/* the page's SELECT list */
	const char *from;	/* "vpcs", or "vswitches s JOIN vpcs v ON …" */
	const char *count_from; /* NULL: from (the count may skip joins that only add columns) */
	const char *order_by;	/* "created_ms DESC, seq DESC" */
};

/*
 * Counts the rows w matches into *total, then appends to items what item() makes of each row
 * of the page (offset, limit).  item returns a new reference, or NULL on a store error.
 * Returns 0, or -1 with a store error in err.
 */
int model_list(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
	       int64_t offset, int64_t limit, int64_t *total,
	       json_t *(*item)(struct model_ctx *m, struct store_stmt *stmt, void *arg), void *arg,
	       json_t *items, struct vl_err *err);

/*
 * One paged list whose items are built after the page's statement is done (building them
 * reads other tables): counts the rows w matches into *total (0 when the count fails), reads
 * the page (offset, limit) into row_size byte rows, each filled by fill, then appends to
 * items what item(m, row, arg, items, err) makes of each row in order (0, or -1 with err
 * set: the list stops).  Returns 0, or -1 with err (a store failure, out of memory, item's).
 */
int model_list_page(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
		    int64_t offset, int64_t limit, int64_t *total, size_t row_size,
		    void (*fill)(struct store_stmt *stmt, void *row),
		    int (*item)(struct model_ctx *m, void *row, void *arg, json_t *items, struct vl_err *err),
		    void *arg,
		    json_t *items, struct vl_err *err);

/*
 * Reads every row of sql (?1 = arg when arg is not NULL) into a malloc'd array of row_size
 * byte rows, each filled by fill from the statement's current row; the caller frees *out
 * (NULL when no rows).  The rows are all read before the caller runs statements of its own.
 * Returns 0, or -1 with err (a store failure or out of memory).
 */
int model_collect(struct model_ctx *m, const char *sql, const char *arg, size_t row_size,
		  void (*fill)(struct store_stmt *stmt, void *row), void **out, int *count, struct vl_err *err);

/* A row that is one ID (model_collect with model_fill_id: column 0). */
struct model_id {
	char id[64];
};

void model_fill_id(struct store_stmt *stmt, void *row);

#endif
