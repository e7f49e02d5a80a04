#include "model_args_bridge.h"

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

#endif
