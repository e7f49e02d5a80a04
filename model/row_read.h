#ifndef VL_ROW_READ_H
#define VL_ROW_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "store.h"

/*
 * Reading result rows into records: one call names each column's field once, in column
 * order, instead of a model_copy or stmt_int64 line per column.
 */

/*
 * Where one column goes: a char array (copied, truncated to its size), an int64_t, a bool
 * (non-zero).  TEXT_OR_NULL reads as TEXT and binds an empty array as NULL (a column that a
 * foreign key or a UNIQUE index must not see as "").
 */
enum row_column_type { ROW_COLUMN_TEXT, ROW_COLUMN_INT64, ROW_COLUMN_BOOL, ROW_COLUMN_TEXT_OR_NULL };

struct row_column {
	void *dst;
	size_t size; /* ROW_COLUMN_TEXT: the array's size */
	enum row_column_type type;
};

/* the (T *){ … } casts make a field of another type a compile-time warning */
#define ROW_TEXT(array) ((struct row_column){ (char *){ (array) }, sizeof(array), ROW_COLUMN_TEXT })
#define ROW_INT64(field) ((struct row_column){ (int64_t *){ &(field) }, sizeof(int64_t), ROW_COLUMN_INT64 })
#define ROW_TEXT_OR_NULL(array) ((struct row_column){ (char *){ (array) }, sizeof(array), ROW_COLUMN_TEXT_OR_NULL })
#define ROW_BOOL(field) ((struct row_column){ (bool *){ &(field) }, sizeof(bool), ROW_COLUMN_BOOL })
/* A char array the caller only has as a pointer and its size. */
#define ROW_TEXT_SIZED(ptr, size) ((struct row_column){ (char *){ (ptr) }, (size), ROW_COLUMN_TEXT })
/* An array literal and its length, as row_read_columns takes them. */
#define ROW_COLUMNS(...)                                \
	(const struct row_column[]){ __VA_ARGS__ },     \
		(int)(sizeof((const struct row_column[]){ __VA_ARGS__ }) / sizeof(struct row_column))

/* Copies columns 0..count-1 of the statement's current row into columns[i].dst. */
void row_read_columns(struct store_stmt *stmt, const struct row_column *columns, int count);

/* The same from column first on; returns the column after the last one read. */
int row_read_columns_at(struct store_stmt *stmt, int first, const struct row_column *columns, int count);

/*
 * Binds columns[i].dst to parameter first + i (1-based, as stmt_bind_*), the inverse of
 * reading them: one column list serves the SELECT and the INSERT/UPDATE.  Only reads
 * through dst.  Returns the parameter after the last one bound.
 */
int row_bind_columns(struct store_stmt *stmt, int first, const struct row_column *columns, int count);

/*
 * Runs sql with args (MODEL_ARGS) and hands its first row, if any, to fill(stmt, out).
 * Returns 1 when there was a row, 0 when none (err untouched: the caller picks its error),
 * -1 with a store error in err.
 */
int row_find(struct model_ctx *m, const char *sql, const struct model_arg *args, int n,
	     void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err);

/*
 * A fill for row_find or model_step_once whose out is a struct row_columns: one row read
 * straight into the caller's places (ROW_PLACES(ROW_TEXT_SIZED(region, 64), ROW_BOOL(*dual))).
 */
struct row_columns {
	const struct row_column *columns;
	int count;
};

#define ROW_PLACES(...) (&(struct row_columns){ ROW_COLUMNS(__VA_ARGS__) })

void row_fill_columns(struct store_stmt *stmt, void *out);

/* Fillers for row_find: column 0 into a char[32] or a char[64]. */
void row_fill_text32(struct store_stmt *stmt, void *out);
void row_fill_text64(struct store_stmt *stmt, void *out);

/*
 * Looks one row of the caller's up: runs sql with ?1 = id, ?2 = m->account, ?3 = m->region
 * (unused placeholders are fine) and hands the row to fill(stmt, out).  Returns 1 when
 * found, 0 when not (err untouched: the caller picks its error), -1 with a store error.
 */
int model_find_row(struct model_ctx *m, const char *sql, const char *id,
		   void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err);

/*
 * Loads one row of the caller's: runs sql with ?1 = id, ?2 = m->account, ?3 = m->region
 * and hands the row to fill(stmt, out).  Returns 0, or -1 with err set to not_found when
 * there is no such row (or it is another account's), or to a store error.
 */
int model_get_row(struct model_ctx *m, const char *sql, const char *id,
		  void (*fill)(struct store_stmt *stmt, void *out), void *out,
		  enum vl_code not_found, struct vl_err *err);

#endif
