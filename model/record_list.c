#include "record_list.h"

#include <stdio.h>
#include <stdlib.h>

void model_where_members(struct model_where *w, const void *filter, const struct model_filter_member *members,
			 size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const char *value = *(const char *const *)((const char *)filter + members[i].offset);

		if (value && !(members[i].skip_empty && value[0] == '\0'))
			model_where_text(w, members[i].cond, value);
	}
}

void model_where_owner(struct model_where *w, const struct model_ctx *m, const char *alias,
		       const char *region_column)
{
	char cond[48];

	model_where_init(w);
	snprintf(cond, sizeof(cond), "%saccount=?", alias);
	model_where_text(w, cond, m->account);
	snprintf(cond, sizeof(cond), "%s%s=?", alias, region_column);
	model_where_text(w, cond, m->region);
}

void model_where_region_members(struct model_where *w, const struct model_ctx *m, const char *alias,
				const void *filter, const struct model_filter_member *members, size_t count)
{
	model_where_owner(w, m, alias, "region");
	model_where_members(w, filter, members, count);
}

/* What the item callback of model_list needs: the type and one record buffer reused per row. */
struct record_item_ctx {
	const struct model_record_type *type;
	void *record;
};

static json_t *record_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct record_item_ctx *ctx = arg;

	ctx->type->read(stmt, ctx->record);
	return ctx->type->to_json(m, ctx->record);
}

int model_list_records(struct model_ctx *m, const struct model_list_query *q, const struct model_where *w,
		       int64_t offset, int64_t limit, int64_t *total, const struct model_record_type *type,
		       json_t *items, struct vl_err *err)
{
	struct record_item_ctx ctx = { type, calloc(1, type->size) };
	int rc;

	if (ctx.record == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	rc = model_list(m, q, w, offset, limit, total, record_item, &ctx, items, err);
	free(ctx.record);
	return rc;
}
