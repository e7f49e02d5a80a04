#ifndef VL_TAG_H
#define VL_TAG_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "query.h"

#define TAG_MAX 20

/* Tags given with a request (Tag.N.Key / Tag.N.Value); strings borrowed from the request. */
struct tag_list {
	const char *keys[TAG_MAX];
	const char *values[TAG_MAX];
	int count;
};

/*
 * Checks keys and values by the cloud's rules: key 1-128 characters, value 0-128, neither
 * starting with "aliyun" or "acs:" nor containing "http://" or "https://".
 */
int tag_validate(const struct tag_list *tags, struct vl_err *err);

/* Adds or replaces tags on a resource.  Returns 0 or -1 (err set). */
int tag_attach(struct model_ctx *m, const char *resource_type, const char *resource_id,
	       const struct tag_list *tags, struct vl_err *err);

/* Removes every tag of a resource.  Returns 0 or -1. */
int tag_detach_all(struct model_ctx *m, const char *resource_id);

/*
 * Returns a new {"Tag":[{"Key":…,"Value":…}]} object for the resource; the caller owns
 * the reference.  NULL on a store error.
 */
json_t *tag_to_json(struct model_ctx *m, const char *resource_id);

/*
 * ANDs to w one "<id_column> IN (…)" condition per tag so a list keeps only resources
 * carrying all of them (a tag without a value matches any value).  Borrows tags' strings.
 */
void tag_where(struct model_where *w, const char *id_column, const struct tag_list *tags);

/*
 * A list's column "does the resource carry any tag" (1 or 0), for the resource whose ID is
 * the SQL expression id_sql (a string literal): lets an item skip the tag query.
 */
#define TAG_ANY_SQL(id_sql) "EXISTS (SELECT 1 FROM tags WHERE resource_id = " id_sql ")"

/*
 * TagResources on one resource the caller owns (the caller has checked that): validates
 * the tags, adds new keys and replaces the values of keys the resource has.  Refused
 * (QuotaExceed.TagNum, nothing changed) when the resource would carry more than
 * quotas.tags_per_resource tags.  Returns 0 or -1 with err set.
 */
int tag_add(struct model_ctx *m, const char *resource_type, const char *resource_id,
	    const struct tag_list *tags, struct vl_err *err);

/*
 * UnTagResources on one resource: removes the given keys (absent keys are no error), or
 * every tag when key_count is -1.  Returns 0 or -1 with err set.
 */
int tag_remove(struct model_ctx *m, const char *resource_id, const char *const *keys, int key_count,
	       struct vl_err *err);

/* What ListTagResources asks for; strings borrowed. */
struct tag_query {
	const char *stored_type;	  /* resource_type as tag_attach stored it */
	const char *shown_type;		  /* ResourceType in the answer */
	const char *region;		  /* NULL: any region (CBN's global resources) */
	const char *const *resource_ids;  /* only these resources when resource_id_count > 0 */
	int resource_id_count;
	struct tag_list tags;		  /* resources carrying all of them (NULL value: any) */
};

/*
 * ListTagResources: appends one {ResourceId, ResourceType, TagKey, TagValue} item per tag
 * of the caller's matching resources (with tag filters: the filtered keys only), ordered by
 * resource and key, rows [offset, offset+limit), to items (borrowed).  *more says whether
 * rows follow the page.  Returns 0 or -1 with err set.
 */
int tag_list_resources(struct model_ctx *m, const struct tag_query *q, int64_t offset, int64_t limit,
		       json_t *items, bool *more, struct vl_err *err);

#endif
