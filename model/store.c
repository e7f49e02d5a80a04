/* Backend-independent statement helpers: dispatch through the statement's vtable. */
#include "store.h"

/* every backend's statement starts with its ops pointer */
struct stmt_head {
	const struct store_ops *ops;
};

static const struct store_ops *ops_of(struct store_stmt *stmt)
{
	return ((struct stmt_head *)stmt)->ops;
}

int stmt_bind_text(struct store_stmt *stmt, int index, const char *text)
{
	return text ? ops_of(stmt)->bind_text(stmt, index, text) : ops_of(stmt)->bind_null(stmt, index);
}

int stmt_bind_int64(struct store_stmt *stmt, int index, int64_t value)
{
	return ops_of(stmt)->bind_int64(stmt, index, value);
}

enum store_step_result stmt_step(struct store_stmt *stmt)
{
	return ops_of(stmt)->step(stmt);
}

const char *stmt_text(struct store_stmt *stmt, int col)
{
	return ops_of(stmt)->column_text(stmt, col);
}

int64_t stmt_int64(struct store_stmt *stmt, int col)
{
	return ops_of(stmt)->column_int64(stmt, col);
}

void stmt_release(struct store_stmt *stmt)
{
	if (stmt)
		ops_of(stmt)->release(stmt);
}
