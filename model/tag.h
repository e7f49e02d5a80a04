#ifndef VL_TAG_H
#define VL_TAG_H

#include <jansson.h>

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

#endif
