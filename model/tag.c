#include "tag.h"

#include <stdio.h>
#include <string.h>

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
	struct store_stmt *stmt = NULL;

	for (int i = 0; i < tags->count; i++) {
		if (store_prepare(m->store,
				  "INSERT OR REPLACE INTO tags(resource_id, resource_type, tag_key, tag_value)"
				  " VALUES (?, ?, ?, ?)",
				  &stmt) < 0)
			return model_store_error(m, err);
		stmt_bind_text(stmt, 1, resource_id);
		stmt_bind_text(stmt, 2, resource_type);
		stmt_bind_text(stmt, 3, tags->keys[i]);
		stmt_bind_text(stmt, 4, tags->values[i] ? tags->values[i] : "");
		if (stmt_step(stmt) != STORE_DONE) {
			stmt_release(stmt);
			return model_store_error(m, err);
		}
		stmt_release(stmt);
	}
	return 0;
}

int tag_detach_all(struct model_ctx *m, const char *resource_id)
{
	struct store_stmt *stmt = NULL;
	int rc;

	if (store_prepare(m->store, "DELETE FROM tags WHERE resource_id=?", &stmt) < 0)
		return -1;
	stmt_bind_text(stmt, 1, resource_id);
	rc = stmt_step(stmt) == STORE_DONE ? 0 : -1;
	stmt_release(stmt);
	return rc;
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
