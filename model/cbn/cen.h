#ifndef VL_CEN_H
#define VL_CEN_H

#include <jansson.h>
#include <stdbool.h>

#include "cbn.h"
#include "list.h"
#include "model.h"
#include "tag.h"

/*
 * CEN instances (CBN 2017-09-12: CreateCen, DescribeCens, ModifyCenAttribute, DeleteCen).
 * A CEN is global: it has no region.  Creating → Active through the lifecycle engine (kind
 * "cen"); DeleteCen moves it to Deleting and it disappears when the move completes
 * (schema/008_cbn_core.sql), taking its empty transit routers with it.
 */

#define CEN_FILTER_MAX 5 /* Filter.N (N 1..5) */
#define CEN_FILTER_VALUES_MAX 5 /* Filter.N.Value.M (M 1..5) */

/* A CEN row; strings are NUL-terminated copies. */
struct cen {
	char cen_id[64];
	char name[520];
	char description[1040];
	char protection_level[16]; /* REDUCED */
	char status[16];	   /* Creating | Active | Deleting */
	int64_t created_ms;
};

struct cen_create_args {
	const char *name;	      /* NULL: "" */
	const char *description;      /* NULL: "" */
	const char *protection_level; /* NULL: REDUCED */
	struct tag_list tags;
};

/* DescribeCens: Filter.N.Key (CenId | Name) with Filter.N.Value.M; keys AND, values OR. */
struct cen_filter_key {
	const char *key;
	const char *values[CEN_FILTER_VALUES_MAX];
	int value_count;
};

struct cen_filter {
	struct cen_filter_key keys[CEN_FILTER_MAX];
	int key_count;
	const char *resource_group_id; /* NULL: any */
	struct tag_list tags;
};

struct cen_modify_args {
	const char *cen_id;
	const char *name;	      /* NULL: unchanged */
	const char *description;      /* NULL: unchanged */
	const char *protection_level; /* NULL: unchanged */
};

/* DescribeCens' Filter list: Filter.N.Key, Filter.N.Value.M; N and M 1..5. */
extern const struct list_spec cen_filter_list;

/*
 * Builds filter->keys from the request's Filter.N.Key / Filter.N.Value.M parameters (params
 * borrowed; filter points into them).  Refuses unknown keys, N or M out of range, a value
 * without its key.  Returns 0 or -1 with err set.
 */
int cen_filter_read(const struct list_source *params, struct cen_filter *filter, struct vl_err *err);

/* cen_filter_read over an array of count name/value pairs. */
int cen_filter_collect(const struct cbn_param *params, size_t count, struct cen_filter *filter,
		       struct vl_err *err);

/* Creates a CEN (Creating, then Active) with its tags; fills *out.  0 or -1 with err set. */
int cen_create(struct model_ctx *m, const struct cen_create_args *args, struct cen *out,
	       struct vl_err *err);

/* Loads the caller's CEN; ParameterCenInstanceId if absent.  0 or -1. */
int cen_get(struct model_ctx *m, const char *cen_id, struct cen *out, struct vl_err *err);

/*
 * Like cen_get, for other resources naming a CEN (CenId of CreateTransitRouter and the
 * attachments): InvalidCenId.NotFound if absent.
 */
int cen_get_for_child(struct model_ctx *m, const char *cen_id, struct cen *out, struct vl_err *err);

/* True while the CEN is not Active or has a pending transition. */
bool cen_busy(struct model_ctx *m, const struct cen *c);

/*
 * Appends the DescribeCens items of rows [offset, offset+limit) of the matches, newest
 * first, to items (borrowed array) and sets *total.  0 or -1 with err set.
 */
int cen_list(struct model_ctx *m, const struct cen_filter *filter, int64_t offset, int64_t limit,
	     json_t *items, int64_t *total, struct vl_err *err);

/* ModifyCenAttribute on an Active CEN.  0 or -1 with err set (nothing changed). */
int cen_modify(struct model_ctx *m, const struct cen_modify_args *args, struct vl_err *err);

/*
 * Schedules the CEN's way out (Active → Deleting → gone); the caller has checked that it
 * may go (cen_delete in transit_router.c, which knows its routers).  0 or -1 with err set.
 */
int cen_begin_delete(struct model_ctx *m, const struct cen *c, struct vl_err *err);

/* New reference: the DescribeCens item of c. */
json_t *cen_to_json(struct model_ctx *m, const struct cen *c);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind cen_lifecycle;

#endif
