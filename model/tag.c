#include "tag.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "json_fields.h"

static int check_text(const char *text, int index, const char *what, long min_len,
		      struct vl_err *err)
{
	long len = text_chars(text);

	if (len < min_len || len > 128 || strncmp(text, "aliyun", 6) == 0 ||
	    strncmp(text, "acs:", 4) == 0 || strstr(text, "http://") || strstr(text, "https://")) {
		char code[64];

		snprintf(code, sizeof(code), "InvalidTag%s.Malformed", what);
		return vl_err_set_code(err, VL_INVALID_PARAMETER, code,
				       "The specified Tag.%d.%s is not valid.", index, what);
	}
	return 0;
}

int tag_validate(const struct tag_list *tags, struct vl_err *err)
{
	for (int i = 0; i < tags->count; i++) {
		if (check_text(tags->keys[i], i + 1, "Key", 1, err) < 0 ||
		    check_text(tags->values[i] ? tags->values[i] : "", i + 1, "Value", 0, err) < 0)
			return -1;
		for (int j = 0; j < i; j++)
			if (strcmp(tags->keys[i], tags->keys[j]) == 0)
				return vl_err_set_code(err, VL_INVALID_PARAMETER, "DuplicateTagKey",
						       "The tag key %s is specified more than once.",
						       tags->keys[i]);
	}
	return 0;
}

int tag_attach(struct model_ctx *m, const char *resource_type, const char *resource_id,
	       const struct tag_list *tags, struct vl_err *err)
{
	for (int i = 0; i < tags->count; i++) {
		if (model_run(m,
			      "INSERT OR REPLACE INTO tags(resource_id, resource_type, tag_key, tag_value,"
			      " account, region) VALUES (?, ?, ?, ?, ?, ?)",
			      MODEL_ARGS(MODEL_TEXT(resource_id), MODEL_TEXT(resource_type), MODEL_TEXT(tags->keys[i]),
					 MODEL_TEXT(tags->values[i] ? tags->values[i] : ""), MODEL_TEXT(m->account),
					 MODEL_TEXT(m->region ? m->region : "")),
			      err) < 0)
			return -1;
	}
	return 0;
}

int tag_detach_all(struct model_ctx *m, const char *resource_id)
{
	return model_exec(m->store, "DELETE FROM tags WHERE resource_id=?", MODEL_ARGS(MODEL_TEXT(resource_id)));
}

json_t *tag_to_json(struct model_ctx *m, const char *resource_id)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	json_t *list = json_array(), *wrapper;

	if (store_prepare(m->store,
			  "SELECT tag_key, tag_value FROM tags WHERE resource_id=? ORDER BY tag_key",
			  &stmt) < 0) {
		json_decref(list);
		return NULL;
	}
	stmt_bind_text(stmt, 1, resource_id);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		json_t *tag = json_object();

		json_put_str(tag, "Key", stmt_text(stmt, 0));
		json_put_str(tag, "Value", stmt_text(stmt, 1));
		json_array_append_new(list, tag);
	}
	stmt_release(stmt);
	if (r != STORE_DONE) {
		json_decref(list);
		return NULL;
	}
	wrapper = json_object();
	json_object_set_new_nocheck(wrapper, "Tag", list);
	return wrapper;
}

void tag_where(struct model_where *w, const char *id_column, const struct tag_list *tags)
{
	char cond[160];

	snprintf(cond, sizeof(cond),
		 "%s IN (SELECT resource_id FROM tags WHERE tag_key=? AND (? IS NULL OR tag_value=?))", id_column);
	for (int i = 0; i < tags->count; i++) {
		const char *values[3] = { tags->keys[i], tags->values[i], tags->values[i] };

		model_where_add(w, cond, 3, values);
	}
}

/* Number of tags the resource has, and how many of tags' keys it does not have yet. */
static int count_tags(struct model_ctx *m, const char *resource_id, const struct tag_list *tags,
		      int64_t *existing, int64_t *new_keys)
{
	struct store_stmt *stmt = NULL;

	*existing = 0;
	*new_keys = 0;
	if (store_prepare(m->store, "SELECT tag_key FROM tags WHERE resource_id=?", &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, resource_id);
	{
		bool present[TAG_MAX] = { false };
		int rc;

		while ((rc = stmt_step(stmt)) == STORE_ROW) {
			const char *key = stmt_text(stmt, 0);

			(*existing)++;
			for (int i = 0; i < tags->count; i++)
				if (strcmp(tags->keys[i], key) == 0)
					present[i] = true;
		}
		stmt_release(stmt);
		if (rc != STORE_DONE)
			return -1;
		for (int i = 0; i < tags->count; i++)
			if (!present[i])
				(*new_keys)++;
	}
	return 0;
}

int tag_add(struct model_ctx *m, const char *resource_type, const char *resource_id,
	    const struct tag_list *tags, struct vl_err *err)
{
	int64_t existing, new_keys;

	if (tag_validate(tags, err) < 0)
		return -1;
	if (count_tags(m, resource_id, tags, &existing, &new_keys) < 0)
		return model_store_error(m, err);
	/* a key the resource has already keeps its place: only new keys count */
	if (existing + new_keys > m->cfg->quotas.tags_per_resource)
		return vl_err_set(err, VL_TAG_QUOTA_EXCEEDED,
				  "The number of tags on %s would be %lld; at most %lld are allowed.",
				  resource_id, (long long)(existing + new_keys),
				  (long long)m->cfg->quotas.tags_per_resource);
	return tag_attach(m, resource_type, resource_id, tags, err);
}

int tag_remove(struct model_ctx *m, const char *resource_id, const char *const *keys, int key_count,
	       struct vl_err *err)
{
	if (key_count < 0)
		return tag_detach_all(m, resource_id) < 0 ? model_store_error(m, err) : 0;
	for (int i = 0; i < key_count; i++) {
		if (model_run(m, "DELETE FROM tags WHERE resource_id=? AND tag_key=?",
			      MODEL_ARGS(MODEL_TEXT(resource_id), MODEL_TEXT(keys[i])), err) < 0)
			return -1;
	}
	return 0;
}

int tag_list_resources(struct model_ctx *m, const struct tag_query *q, int64_t offset, int64_t limit,
		       json_t *items, bool *more, struct vl_err *err)
{
	char sql[MODEL_WHERE_SQL_MAX + 160];
	struct model_where where;
	struct store_stmt *stmt = NULL;
	int index, rc;
	int64_t rows = 0;

	*more = false;
	model_where_init(&where);
	model_where_text(&where, "account=?", m->account);
	model_where_text(&where, "resource_type=?", q->stored_type);
	if (q->region)
		model_where_text(&where, "region=?", q->region);
	model_where_in(&where, "resource_id", q->resource_id_count, q->resource_ids);
	tag_where(&where, "resource_id", &q->tags);
	model_where_in(&where, "tag_key", q->tags.count, q->tags.keys);
	snprintf(sql, sizeof(sql), "SELECT resource_id, tag_key, tag_value FROM tags%s"
		 " ORDER BY resource_id, tag_key LIMIT ? OFFSET ?", where.sql);
	if (store_prepare(m->store, sql, &stmt) < 0)
		return model_store_error(m, err);
	index = model_where_bind(&where, stmt);
	/* one row past the page says whether another page follows */
	stmt_bind_int64(stmt, index++, limit + 1);
	stmt_bind_int64(stmt, index, offset);
	while ((rc = stmt_step(stmt)) == STORE_ROW) {
		json_t *item;

		if (++rows > limit) {
			*more = true;
			continue;
		}
		item = json_object();
		json_put_fields(item, JSON_FIELDS(JSON_TEXT("ResourceId", stmt_text(stmt, 0)),
				JSON_TEXT("ResourceType", q->shown_type),
				JSON_TEXT("TagKey", stmt_text(stmt, 1)),
				JSON_TEXT("TagValue", stmt_text(stmt, 2))));
		json_array_append_new(items, item);
	}
	stmt_release(stmt);
	return rc == STORE_DONE ? 0 : model_store_error(m, err);
}
