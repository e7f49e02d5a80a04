/*
 * CEN instances.
 * Rules and sources: api-docs/research-cen.md §2.1.
 */
#include "cen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "list.h"
#include "record_list.h"
#include "row_read.h"

const struct lifecycle_kind cen_lifecycle = {
	"cen", "UPDATE cens SET status=?1 WHERE cen_id=?2 AND status=?3"
};

#define CEN_COLUMNS "cen_id, name, description, protection_level, status, created_ms"

/* ---- filter ---- */

static const struct list_spec cen_filter_values = { CEN_FILTER_VALUES_MAX, NULL, NULL };
static const char *const cen_filter_fields[] = { "Key", "Value", NULL };
static const struct list_field cen_filter_rules[] = {
	{ LIST_TEXT, 0, 0, NULL, false },
	{ LIST_TEXT, 0, 0, &cen_filter_values, false },
};
const struct list_spec cen_filter_list = { CEN_FILTER_MAX, cen_filter_fields, cen_filter_rules };

struct filter_slots {
	const char *keys[CEN_FILTER_MAX + 1];
	const char *values[CEN_FILTER_MAX + 1][CEN_FILTER_VALUES_MAX + 1];
};

static int filter_item(void *arg, const struct list_item *it)
{
	struct filter_slots *s = arg;

	if (it->field == 0)
		s->keys[it->n] = it->value;
	else
		s->values[it->n][it->m] = it->value;
	return 0;
}

int cen_filter_collect(const struct cbn_param *params, size_t count, struct cen_filter *filter,
		       struct vl_err *err)
{
	const struct list_source src = cbn_params_source(params, count);

	return cen_filter_read(&src, filter, err);
}

int cen_filter_read(const struct list_source *params, struct cen_filter *filter, struct vl_err *err)
{
	struct filter_slots s;
	const char *offender = NULL;

	memset(&s, 0, sizeof(s));
	filter->key_count = 0;
	if (list_read(params, "Filter", &cen_filter_list, filter_item, &s, &offender) != LIST_OK)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
				       "The specified parameter %.64s is not valid (Filter.N: N 1-%d, "
				       "Filter.N.Value.M: M 1-%d).", offender, CEN_FILTER_MAX,
				       CEN_FILTER_VALUES_MAX);
	for (int n = 1; n <= CEN_FILTER_MAX; n++) {
		struct cen_filter_key *k = &filter->keys[filter->key_count];
		bool any = false;

		for (int v = 1; v <= CEN_FILTER_VALUES_MAX; v++)
			any = any || s.values[n][v] != NULL;
		if (s.keys[n] == NULL) {
			if (any) {
				char code[64];

				snprintf(code, sizeof(code), "MissingFilter.%d.Key", n);
				return vl_err_set_code(err, VL_MISSING_PARAMETER, code,
						       "Filter.%d.Key is mandatory for this action.", n);
			}
			continue;
		}
		if (strcmp(s.keys[n], "CenId") != 0 && strcmp(s.keys[n], "Name") != 0) {
			char code[64];

			snprintf(code, sizeof(code), "InvalidFilter.%d.Key", n);
			return vl_err_set_code(err, VL_INVALID_PARAMETER, code,
					       "Specified parameter Filter.%d.Key is not valid (CenId, Name).", n);
		}
		k->key = s.keys[n];
		k->value_count = 0;
		for (int v = 1; v <= CEN_FILTER_VALUES_MAX; v++)
			if (s.values[n][v])
				k->values[k->value_count++] = s.values[n][v];
		/* a key without values filters nothing, as an absent one */
		if (k->value_count > 0)
			filter->key_count++;
	}
	return 0;
}

/* ---- rows ---- */

static void row_to_cen(struct store_stmt *stmt, void *out)
{
	struct cen *c = out;

	/* CEN_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(c->cen_id), ROW_TEXT(c->name), ROW_TEXT(c->description),
					   ROW_TEXT(c->protection_level), ROW_TEXT(c->status),
					   ROW_INT64(c->created_ms)));
}

static int load(struct model_ctx *m, const char *cen_id, struct cen *out, enum vl_code not_found,
		struct vl_err *err)
{
	if (cen_id == NULL || cen_id[0] == '\0')
		return vl_err_set(err, not_found, NULL);
	/* CEN instances are global: no region */
	return model_get_row(m, "SELECT " CEN_COLUMNS " FROM cens WHERE cen_id=?1 AND account=?2", cen_id, row_to_cen,
			     out, not_found, err);
}

int cen_get(struct model_ctx *m, const char *cen_id, struct cen *out, struct vl_err *err)
{
	return load(m, cen_id, out, VL_CEN_NOT_FOUND, err);
}

int cen_get_for_child(struct model_ctx *m, const char *cen_id, struct cen *out, struct vl_err *err)
{
	return load(m, cen_id, out, VL_CEN_ID_NOT_FOUND, err);
}

bool cen_busy(struct model_ctx *m, const struct cen *c)
{
	return strcmp(c->status, "Active") != 0 || lifecycle_busy(m, "cen", c->cen_id);
}

static int check_protection_level(const char *level, struct vl_err *err)
{
	/* the only level the API documents ("REDUCED (default)") */
	if (level == NULL || strcmp(level, "REDUCED") == 0)
		return 0;
	return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.ProtectionLevel",
			       "The specified ProtectionLevel is illegal.");
}

/* ---- create ---- */

int cen_create(struct model_ctx *m, const struct cen_create_args *args, struct cen *out,
	       struct vl_err *err)
{
	memset(out, 0, sizeof(*out));
	if (cbn_check_text(args->name, 128, "Name", err) < 0 ||
	    cbn_check_text(args->description, 256, "Description", err) < 0 ||
	    check_protection_level(args->protection_level, err) < 0 || tag_validate(&args->tags, err) < 0)
		return -1;
	ids_new(out->cen_id, sizeof(out->cen_id), "cen", NULL);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	model_copy(out->protection_level, sizeof(out->protection_level),
		   args->protection_level ? args->protection_level : "REDUCED");
	model_copy(out->status, sizeof(out->status), "Creating");
	out->created_ms = m->now_ms;
	if (model_run(m, "INSERT INTO cens(" CEN_COLUMNS ", account) VALUES (?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->cen_id), MODEL_TEXT(out->name), MODEL_TEXT(out->description),
				 MODEL_TEXT(out->protection_level), MODEL_TEXT(out->status), MODEL_INT(out->created_ms),
				 MODEL_TEXT(m->account)),
		      err) < 0 ||
	    lifecycle_created_moving(m, "cen", out->cen_id, "CEN", &args->tags, "Creating", "Active", out->status,
				     sizeof(out->status), err) < 0)
		return -1;
	return 0;
}

/* ---- list ---- */

static void list_where(struct model_ctx *m, struct model_where *w, const struct cen_filter *f,
		       bool other_group)
{
	model_where_init(w);
	model_where_text(w, "account=?", m->account);
	for (int k = 0; k < f->key_count; k++)
		model_where_in(w, strcmp(f->keys[k].key, "CenId") == 0 ? "cen_id" : "name",
			       f->keys[k].value_count, f->keys[k].values);
	/* every CEN is in the account's default resource group */
	if (other_group)
		model_where_add(w, "0", 0, NULL);
	tag_where(w, "cen_id", &f->tags);
}

static json_t *cen_json(struct model_ctx *m, const void *c)
{
	return cen_to_json(m, c);
}

int cen_list(struct model_ctx *m, const struct cen_filter *f, int64_t offset, int64_t limit,
	     json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = CEN_COLUMNS,
		.from = "cens",
		.order_by = "created_ms DESC, seq DESC",
	};
	static const struct model_record_type cens = { sizeof(struct cen), row_to_cen, cen_json };
	struct model_where where;
	bool other_group = false;
	char group[32];

	if (f->resource_group_id && f->resource_group_id[0]) {
		model_default_resource_group(m->account, group, sizeof(group));
		other_group = strcmp(group, f->resource_group_id) != 0;
	}
	list_where(m, &where, f, other_group);
	return model_list_records(m, &query, &where, offset, limit, total, &cens, items, err);
}

json_t *cen_to_json(struct model_ctx *m, const struct cen *c)
{
	char created[24], group[32];
	json_t *tags = tag_to_json(m, c->cen_id), *item;

	if (tags == NULL)
		return NULL;
	cbn_format_time(c->created_ms, created, sizeof(created));
	model_default_resource_group(m->account, group, sizeof(group));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("CenId", c->cen_id), JSON_TEXT("Name", c->name),
					  JSON_TEXT("Description", c->description), JSON_TEXT("Status", c->status),
					  JSON_TEXT("CreationTime", created),
					  JSON_TEXT("ProtectionLevel", c->protection_level),
					  JSON_TEXT("Ipv6Level", "DISABLED"), JSON_TEXT("ResourceGroupId", group)));
	json_put_wrapped(item, "CenBandwidthPackageIds", "CenBandwidthPackageId", NULL);
	json_object_set_new_nocheck(item, "Tags", tags);
	return item;
}

/* ---- modify ---- */

int cen_modify(struct model_ctx *m, const struct cen_modify_args *args, struct vl_err *err)
{
	struct cen c;

	if (cen_get(m, args->cen_id, &c, err) < 0)
		return -1;
	if (cbn_check_text(args->name, 128, "Name", err) < 0 ||
	    cbn_check_text(args->description, 256, "Description", err) < 0 ||
	    check_protection_level(args->protection_level, err) < 0)
		return -1;
	if (cen_busy(m, &c))
		return vl_err_set(err, VL_CEN_STATUS, NULL);
	const struct model_change changes[] = {
		{ "name", args->name },
		{ "description", args->description },
		{ "protection_level", args->protection_level },
	};

	return model_update(m, "cens", "cen_id", c.cen_id, changes, sizeof(changes) / sizeof(changes[0]), err);
}

/* ---- delete ---- */

int cen_begin_delete(struct model_ctx *m, const struct cen *c, struct vl_err *err)
{
	if (lifecycle_schedule(m, "cen", c->cen_id, "Active", "Deleting", 0, err) < 0)
		return -1;
	return lifecycle_schedule(m, "cen", c->cen_id, "Deleting", "Deleted", -1, err);
}
