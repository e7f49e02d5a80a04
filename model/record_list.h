#ifndef VL_RECORD_LIST_H
#define VL_RECORD_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "query.h"

/*
 * Lists of records declared once per resource: which members of its filter struct filter
 * which column, and how a row becomes a record and a record an answer item.  The list
 * functions then only add what is their own (a region check, a page cap, a condition that
 * is no plain "column=value").
 */

/*
 * One optional text filter: cond (one '?') takes the const char * member at offset; NULL
 * skips it, and so does "" where skip_empty is set (a parameter sent empty is no filter).
 */
struct model_filter_member {
	const char *cond;
	size_t offset;
	bool skip_empty;
};

#define MODEL_FILTER_MEMBER(cond, type, member) { (cond), offsetof(type, member), false }
#define MODEL_FILTER_MEMBER_SET(cond, type, member) { (cond), offsetof(type, member), true }

/* ANDs each member of filter (a struct the members describe) that is not NULL, in the array's order. */
void model_where_members(struct model_where *w, const void *filter, const struct model_filter_member *members,
			 size_t count);

/*
 * Starts w with the rows of the caller's account and region: alias ("" or "s.") names the
 * table, region_column its region column ("region", "region_id").
 */
void model_where_owner(struct model_where *w, const struct model_ctx *m, const char *alias,
		       const char *region_column);

/* model_where_owner(w, m, alias, "region"), then model_where_members. */
void model_where_region_members(struct model_where *w, const struct model_ctx *m, const char *alias,
				const void *filter, const struct model_filter_member *members, size_t count);

/* How a list reads its records. */
struct model_record_type {
	size_t size;
	void (*read)(struct store_stmt *stmt, void *record);		/* fills a record from the row */
	json_t *(*to_json)(struct model_ctx *m, const void *record);	/* new reference, NULL on error */
};

/*
 * model_list whose items are type->to_json of the record type->read makes of each row.
 * Returns 0, or -1 with err (a store error, or out of memory).
 */
int model_list_records(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
		       int64_t offset, int64_t limit, int64_t *total, const struct model_record_type *type,
		       json_t *items, struct vl_err *err);

#endif
