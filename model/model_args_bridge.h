#ifndef VL_MODEL_ARGS_BRIDGE_H
#define VL_MODEL_ARGS_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "store.h"

/*
 * The one-call statement helpers (struct model_arg, MODEL_ARGS, model_step_once,
 * model_exec, model_run) and the partial update (struct model_change, model_update,
 * model_update_name_description) for a model.h that does not declare them: where model.h
 * does (MODEL_ARGS defined), this header adds nothing and model_args_bridge.c compiles to
 * nothing, so the pair can be deleted then.
 */
#ifndef MODEL_ARGS
#define MODEL_ARGS_BRIDGED 1

/* One value of a statement's '?' placeholders; an array of them binds ?1, ?2 … in order. */
struct model_arg {
	const char *text; /* NULL binds NULL unless is_int */
	int64_t number;
	bool is_int;
};

#define MODEL_TEXT(value) ((struct model_arg){ .text = (value) })
#define MODEL_INT(value) ((struct model_arg){ .number = (value), .is_int = true })
/* The array and count arguments of the functions below. */
#define MODEL_ARGS(...)                              \
	((const struct model_arg[]){ __VA_ARGS__ }), \
		(int)(sizeof((const struct model_arg[]){ __VA_ARGS__ }) / sizeof(struct model_arg))

/*
 * Runs sql with args once: the first step's result (STORE_FAILED when it cannot be
 * prepared).  On STORE_ROW, fill (when not NULL) reads the row into out first.
 */
enum store_step_result model_step_once(struct store *st, const char *sql, const struct model_arg *args, int n,
				       void (*fill)(struct store_stmt *stmt, void *out), void *out);

/* Runs sql (no result rows) with args.  Returns 0, or -1 on a store failure (no error set). */
int model_exec(struct store *st, const char *sql, const struct model_arg *args, int n);

/* Runs sql (no result rows) with args.  Returns 0, or -1 with a store error in err. */
int model_run(struct model_ctx *m, const char *sql, const struct model_arg *args, int n, struct vl_err *err);

/* One column a Modify action may change: changed when value is not NULL. */
struct model_change {
	const char *column;
	const char *value;
};

/*
 * Runs UPDATE table SET column=value WHERE id_column=id for each of changes[0..n-1] whose
 * value is not NULL, in order.  Returns 0, or -1 with a store error.
 */
int model_update(struct model_ctx *m, const char *table, const char *id_column, const char *id,
		 const struct model_change *changes, size_t n, struct vl_err *err);

/* model_update of the name and description columns (the usual Modify*Attribute). */
int model_update_name_description(struct model_ctx *m, const char *table, const char *id_column, const char *id,
				  const char *name, const char *description, struct vl_err *err);

#endif

#endif
