#ifndef VL_PARTIAL_UPDATE_H
#define VL_PARTIAL_UPDATE_H

#include "model.h"

/*
 * The Modify…/Update… actions change only the attributes a request gives: one statement a
 * given attribute, in the order listed, each keyed on the resource's ID.
 */
struct model_set {
	const char *assignment; /* "name=?1": ?1 is the value */
	const char *value;	/* NULL: not given, nothing changes */
};

/* An array literal and its length, as model_update_given takes them. */
#define MODEL_SETS(...)                                 \
	(const struct model_set[]){ __VA_ARGS__ },      \
		(int)(sizeof((const struct model_set[]){ __VA_ARGS__ }) / sizeof(struct model_set))

/*
 * For each set whose value is not NULL: UPDATE table SET assignment WHERE key_column=?2
 * (?1 the value, ?2 key).  Returns 0, or -1 with a store error in err (the sets before it
 * are applied: callers run inside the request's transaction).
 */
int model_update_given(struct model_ctx *m, const char *table, const char *key_column, const char *key,
		       const struct model_set *sets, int count, struct vl_err *err);

#endif
