#ifndef VL_LIFECYCLE_H
#define VL_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "tag.h"

/*
 * The lifecycle engine: a resource created or changed into a transitional state gets a
 * row in `transitions` naming the state it moves to, either after a delay or when the
 * data plane confirms.  While that row exists the resource is busy and refuses
 * mutations with its kind's busy error.  Each resource's model file defines its kind (the
 * SQL that moves its status: its table, its own); lifecycle_kinds.c lists them.  No
 * resource carries its own timer code.
 */

struct lifecycle_kind {
	const char *kind;
	const char *update_sql; /* status=?1 WHERE id=?2 AND status=?3 */
};

/* Every kind, NULL-terminated (lifecycle_kinds.c). */
extern const struct lifecycle_kind *const lifecycle_kinds[];

/*
 * Schedules kind/id to move from `from` to `to` after delay_ms (from m->cfg when
 * delay_ms < 0).  A zero delay applies the change at once, inside the request's
 * transaction.  Returns 0 or -1 with err set.
 */
int lifecycle_schedule(struct model_ctx *m, const char *kind, const char *id, const char *from,
		       const char *to, int64_t delay_ms, struct vl_err *err);

/*
 * A resource's first move, from `from` to `to` after the configured delay.  With no delay the
 * move is applied at once, so the caller's copy of the status (status, size bytes; what the
 * answer shows) is set to `to` as well.  Returns 0 or -1 with err set.
 */
int lifecycle_start(struct model_ctx *m, const char *kind, const char *id, const char *from, const char *to,
		    char *status, unsigned long size, struct vl_err *err);

/*
 * A new VPC-family resource's last steps: its tags (resource type tag_type), then
 * lifecycle_start from Pending to Available.  Returns 0 or -1 with err set.
 */
int lifecycle_created(struct model_ctx *m, const char *kind, const char *id, const char *tag_type,
		      const struct tag_list *tags, char *status, unsigned long size, struct vl_err *err);

/* As lifecycle_created, for a resource whose first move is from `from` to `to` (Creating to Active). */
int lifecycle_created_moving(struct model_ctx *m, const char *kind, const char *id, const char *tag_type,
			     const struct tag_list *tags, const char *from, const char *to, char *status,
			     unsigned long size, struct vl_err *err);

/* As lifecycle_schedule, but the move waits for lifecycle_confirm (data plane). */
int lifecycle_await(struct model_ctx *m, const char *kind, const char *id, const char *from,
		    const char *to, struct vl_err *err);

/* Completes a transition awaited with lifecycle_await.  Returns 1 if one was applied. */
int lifecycle_confirm(struct model_ctx *m, const char *kind, const char *id, struct vl_err *err);

/* True when kind/id has a pending transition.  Store errors count as busy. */
bool lifecycle_busy(struct model_ctx *m, const char *kind, const char *id);

/* Forgets kind/id's pending transition (the resource is being deleted). */
int lifecycle_cancel(struct model_ctx *m, const char *kind, const char *id);

/*
 * Applies every transition due at or before now_ms.  *next_due_ms receives the earliest
 * remaining due time, or 0 when none waits on a timer.  Returns the number applied, -1 on
 * a store error.
 */
int lifecycle_apply_due(struct store *st, int64_t now_ms, int64_t *next_due_ms);

/* Makes every timed transition due later than now_ms due at now_ms.  0 or -1 (store). */
int lifecycle_make_due(struct store *st, int64_t now_ms);

#endif
