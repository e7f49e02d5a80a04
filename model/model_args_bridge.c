#include "model_args_bridge.h"

#include <stdio.h>

#ifdef MODEL_ARGS_BRIDGED

enum store_step_result model_step_once(struct store *st, const char *sql, const struct model_arg *args, int n,
				       void (*fill)(struct store_stmt *stmt, void *out), void *out)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;

	if (store_prepare(st, sql, &stmt) < 0)
		return STORE_FAILED;
	for (int i = 0; i < n; i++) {
		if (args[i].is_int)
			stmt_bind_int64(stmt, i + 1, args[i].number);
		else
			stmt_bind_text(stmt, i + 1, args[i].text);
	}
	r = stmt_step(stmt);
	if (r == STORE_ROW && fill)
		fill(stmt, out);
	stmt_release(stmt);
	return r;
}

int model_exec(struct store *st, const char *sql, const struct model_arg *args, int n)
{
	return model_step_once(st, sql, args, n, NULL, NULL) == STORE_DONE ? 0 : -1;
}

int model_run(struct model_ctx *m, const char *sql, const struct model_arg *args, int n, struct vl_err *err)
{
	return model_exec(m->store, sql, args, n) < 0 ? model_store_error(m, err) : 0;
}

int model_update(struct model_ctx *m, const char *table, const char *id_column, const char *id,
		 const struct model_change *changes, size_t n, struct vl_err *err)
{
	char sql[256];

	for (size_t i = 0; i < n; i++) {
		if (changes[i].value == NULL)
			continue;
		snprintf(sql, sizeof(sql), "UPDATE %s SET %s=? WHERE %s=?", table, changes[i].column, id_column);
		if (model_exec2(m, sql, changes[i].value, id, err) < 0)
			return -1;
	}
	return 0;
}

int model_update_name_description(struct model_ctx *m, const char *table, const char *id_column, const char *id,
				  const char *name, const char *description, struct vl_err *err)
{
	const struct model_change changes[] = { { "name", name }, { "description", description } };

	return model_update(m, table, id_column, id, changes, 2, err);
}

#endif
