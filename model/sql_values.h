#ifndef VL_SQL_VALUES_H
#define VL_SQL_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "store.h"

/*
 * One statement run with its '?' values given as one array, ?1 first, so a call names each
 * value once instead of a stmt_bind_* line per value (inserts, lookups by several keys).
 * The arrays borrow their text: it must outlive the call.
 */
struct sql_value {
	const char *text; /* NULL binds NULL unless is_int */
	int64_t number;
	bool is_int;
};

#define SQL_TEXT(value) ((struct sql_value){ .text = (value) })
#define SQL_INT(value) ((struct sql_value){ .number = (value), .is_int = true })
/* An array literal and its length, as the (values, count) arguments below take them. */
#define SQL_VALUES(...)                                   \
	(const struct sql_value[]){ __VA_ARGS__ },        \
		(int)(sizeof((const struct sql_value[]){ __VA_ARGS__ }) / sizeof(struct sql_value))

/*
 * Runs sql (no result rows) with ?1..?count = values.  Returns the step's result:
 * STORE_DONE, STORE_CONSTRAINT (a UNIQUE/FOREIGN KEY rule refused it, for a caller that
 * answers that with its own code), or STORE_FAILED (also when sql does not prepare).
 */
enum store_step_result sql_step_values(struct model_ctx *m, const char *sql, const struct sql_value *values,
				       int count);

/* As sql_step_values; returns 0, or -1 with any failure reported in err as a store error. */
int sql_exec_values(struct model_ctx *m, const char *sql, const struct sql_value *values, int count,
		    struct vl_err *err);

/*
 * Runs sql with ?1..?count = values and hands its first row, if any, to fill(stmt, out).
 * Returns 1 when there was a row, 0 when none (err untouched: the caller picks its error),
 * -1 with a store error in err.
 */
int sql_row_values(struct model_ctx *m, const char *sql, const struct sql_value *values, int count,
		   void (*fill)(struct store_stmt *stmt, void *out), void *out, struct vl_err *err);

/* Row fillers for sql_row_values: column 0 into an int64_t, or into a char[64] / char[32]. */
void sql_fill_int64(struct store_stmt *stmt, void *out);
void sql_fill_text64(struct store_stmt *stmt, void *out);
void sql_fill_text32(struct store_stmt *stmt, void *out);

#endif
