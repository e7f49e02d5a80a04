#ifndef VL_STORE_H
#define VL_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"

/*
 * The one narrow storage interface the model uses.  SQL text is portable (positional
 * '?' parameters, standard types); a backend provides connections and statements.
 * SQLite is the embedded default; a PostgreSQL backend fits the same vtable.
 * A connection is used by one thread at a time.
 */
struct store;
struct store_stmt;

enum store_step_result {
	STORE_DONE = 0,
	STORE_ROW = 1,
	STORE_FAILED = -1,
	STORE_CONSTRAINT = -2, /* a UNIQUE/FOREIGN KEY rule refused the change */
};

struct store_ops {
	const char *name;
	/* Returns a statement owned by the connection; give it back with release. */
	int (*prepare)(struct store *st, const char *sql, struct store_stmt **out);
	int (*bind_text)(struct store_stmt *stmt, int index, const char *text);
	int (*bind_int64)(struct store_stmt *stmt, int index, int64_t value);
	int (*bind_null)(struct store_stmt *stmt, int index);
	enum store_step_result (*step)(struct store_stmt *stmt);
	/* Column values point into the statement and stay valid until the next step. */
	const char *(*column_text)(struct store_stmt *stmt, int col);
	int64_t (*column_int64)(struct store_stmt *stmt, int col);
	bool (*column_is_null)(struct store_stmt *stmt, int col);
	void (*release)(struct store_stmt *stmt);
	/* Runs SQL without results (transactions, savepoints, migrations). */
	int (*exec)(struct store *st, const char *sql);
	/* The last error text; points to internal data. */
	const char *(*errmsg)(struct store *st);
	void (*close)(struct store *st);
};

struct store {
	const struct store_ops *ops;
};

/*
 * Opens a SQLite connection in WAL mode with foreign keys on.  read_only connections
 * never write.  Returns 0 and *out (close with store_close), or -1 with err set.
 */
int store_open_sqlite(const char *path, bool read_only, struct store **out, struct vl_err *err);

/* Applies the embedded migrations (schema/NNN_*.sql) not yet applied.  Returns 0 or -1. */
int store_migrate(struct store *st, struct vl_err *err);

/* Convenience wrappers around the vtable. */
static inline int store_prepare(struct store *st, const char *sql, struct store_stmt **out)
{
	return st->ops->prepare(st, sql, out);
}
static inline int store_exec(struct store *st, const char *sql)
{
	return st->ops->exec(st, sql);
}
static inline void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}


int stmt_bind_text(struct store_stmt *stmt, int index, const char *text); /* NULL binds NULL */
int stmt_bind_int64(struct store_stmt *stmt, int index, int64_t value);
enum store_step_result stmt_step(struct store_stmt *stmt);
const char *stmt_text(struct store_stmt *stmt, int col); /* "" for NULL */
int64_t stmt_int64(struct store_stmt *stmt, int col);
void stmt_release(struct store_stmt *stmt); /* NULL ok */

#endif
