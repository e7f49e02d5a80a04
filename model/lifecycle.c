#include "lifecycle.h"

#include <stdio.h>
#include <string.h>

static const struct lifecycle_kind *find_kind(const char *kind)
{
	for (size_t i = 0; lifecycle_kinds[i]; i++)
		if (strcmp(lifecycle_kinds[i]->kind, kind) == 0)
			return lifecycle_kinds[i];
	return NULL;
}

static int set_status(struct store *st, const struct lifecycle_kind *k, const char *id,
		      const char *from, const char *to)
{
	return model_exec(st, k->update_sql, MODEL_ARGS(MODEL_TEXT(to), MODEL_TEXT(id), MODEL_TEXT(from)));
}

static int insert_transition(struct model_ctx *m, const char *kind, const char *id,
			     const char *from, const char *to, int64_t due_ms, bool timed)
{
	const struct model_arg args[] = { MODEL_TEXT(kind), MODEL_TEXT(id), MODEL_TEXT(from), MODEL_TEXT(to),
					  MODEL_INT(due_ms) };

	/* an awaited transition has no due time: due_ms stays NULL */
	return model_exec(m->store,
			  "INSERT OR REPLACE INTO transitions(kind, resource_id, from_status, to_status, due_ms)"
			  " VALUES (?, ?, ?, ?, ?)",
			  args, timed ? 5 : 4);
}

int lifecycle_schedule(struct model_ctx *m, const char *kind, const char *id, const char *from,
		       const char *to, int64_t delay_ms, struct vl_err *err)
{
	const struct lifecycle_kind *k = find_kind(kind);
	int64_t due;

	if (k == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "lifecycle: unknown kind %s", kind);
	if (delay_ms < 0)
		delay_ms = m->cfg->transition_delay_ms;
	if (delay_ms == 0)
		return set_status(m->store, k, id, from, to) < 0 ? model_store_error(m, err) : 0;
	due = m->now_ms + delay_ms;
	if (insert_transition(m, kind, id, from, to, due, true) < 0)
		return model_store_error(m, err);
	if (m->next_transition_ms == 0 || due < m->next_transition_ms)
		m->next_transition_ms = due;
	return 0;
}

int lifecycle_start(struct model_ctx *m, const char *kind, const char *id, const char *from, const char *to,
		    char *status, unsigned long size, struct vl_err *err)
{
	if (lifecycle_schedule(m, kind, id, from, to, -1, err) < 0)
		return -1;
	if (m->cfg->transition_delay_ms == 0)
		model_copy(status, size, to);
	return 0;
}

int lifecycle_created(struct model_ctx *m, const char *kind, const char *id, const char *tag_type,
		      const struct tag_list *tags, char *status, unsigned long size, struct vl_err *err)
{
	return lifecycle_created_moving(m, kind, id, tag_type, tags, "Pending", "Available", status, size, err);
}

int lifecycle_created_moving(struct model_ctx *m, const char *kind, const char *id, const char *tag_type,
			     const struct tag_list *tags, const char *from, const char *to, char *status,
			     unsigned long size, struct vl_err *err)
{
	if (tag_attach(m, tag_type, id, tags, err) < 0)
		return -1;
	return lifecycle_start(m, kind, id, from, to, status, size, err);
}

int lifecycle_await(struct model_ctx *m, const char *kind, const char *id, const char *from,
		    const char *to, struct vl_err *err)
{
	if (find_kind(kind) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "lifecycle: unknown kind %s", kind);
	return insert_transition(m, kind, id, from, to, 0, false) < 0 ? model_store_error(m, err) : 0;
}

/* Forgets the transition of kind/id, applied or cancelled.  0 or -1. */
static int delete_transition(struct store *st, const char *kind, const char *id)
{
	return model_exec(st, "DELETE FROM transitions WHERE kind=? AND resource_id=?",
			  MODEL_ARGS(MODEL_TEXT(kind), MODEL_TEXT(id)));
}

static int apply_one(struct store *st, const char *kind, const char *id, const char *from,
		     const char *to)
{
	const struct lifecycle_kind *k = find_kind(kind);

	if (k != NULL && set_status(st, k, id, from, to) < 0)
		return -1;
	return delete_transition(st, kind, id);
}

int lifecycle_confirm(struct model_ctx *m, const char *kind, const char *id, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	char from[64] = "", to[64] = "";
	int found = 0;

	if (store_prepare(m->store,
			  "SELECT from_status, to_status FROM transitions WHERE kind=? AND resource_id=?",
			  &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, kind);
	stmt_bind_text(stmt, 2, id);
	if (stmt_step(stmt) == STORE_ROW) {
		snprintf(from, sizeof(from), "%s", stmt_text(stmt, 0));
		snprintf(to, sizeof(to), "%s", stmt_text(stmt, 1));
		found = 1;
	}
	stmt_release(stmt);
	if (found && apply_one(m->store, kind, id, from, to) < 0)
		return model_store_error(m, err);
	return found;
}

bool lifecycle_busy(struct model_ctx *m, const char *kind, const char *id)
{
	/* a store failure reads as busy: the change is refused rather than raced */
	return model_exists(m, "SELECT 1 FROM transitions WHERE kind=? AND resource_id=?", kind, id, NULL) != 0;
}

int lifecycle_cancel(struct model_ctx *m, const char *kind, const char *id)
{
	return delete_transition(m->store, kind, id);
}

int lifecycle_apply_due(struct store *st, int64_t now_ms, int64_t *next_due_ms)
{
	struct store_stmt *stmt = NULL;
	struct {
		char kind[32], id[64], from[64], to[64];
	} due[256];
	int n = 0, applied = 0;

	*next_due_ms = 0;
	if (store_prepare(st,
			  "SELECT kind, resource_id, from_status, to_status FROM transitions"
			  " WHERE due_ms IS NOT NULL AND due_ms <= ? ORDER BY due_ms LIMIT 256",
			  &stmt) < 0)
		return -1;
	stmt_bind_int64(stmt, 1, now_ms);
	while (n < 256 && stmt_step(stmt) == STORE_ROW) {
		snprintf(due[n].kind, sizeof(due[n].kind), "%s", stmt_text(stmt, 0));
		snprintf(due[n].id, sizeof(due[n].id), "%s", stmt_text(stmt, 1));
		snprintf(due[n].from, sizeof(due[n].from), "%s", stmt_text(stmt, 2));
		snprintf(due[n].to, sizeof(due[n].to), "%s", stmt_text(stmt, 3));
		n++;
	}
	stmt_release(stmt);
	for (int i = 0; i < n; i++) {
		if (apply_one(st, due[i].kind, due[i].id, due[i].from, due[i].to) < 0)
			return -1;
		applied++;
	}
	if (store_prepare(st, "SELECT MIN(due_ms) FROM transitions WHERE due_ms IS NOT NULL", &stmt) < 0)
		return -1;
	if (stmt_step(stmt) == STORE_ROW)
		*next_due_ms = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return applied;
}

int lifecycle_make_due(struct store *st, int64_t now_ms)
{
	return model_exec(st, "UPDATE transitions SET due_ms=?1 WHERE due_ms IS NOT NULL AND due_ms > ?1",
			  MODEL_ARGS(MODEL_INT(now_ms)));
}
