#include "model.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>


/* Each quota's name (--quota NAME=VALUE) and its default (model.h says where each comes from). */
#define QUOTA(member, default_value) { #member, offsetof(struct model_quotas, member), default_value }
static const struct {
	const char *name;
	size_t offset;
	int64_t default_value;
} quota_names[] = {
	QUOTA(vpcs_per_region, 10),
	QUOTA(vswitches_per_vpc, 150),
	QUOTA(tags_per_resource, 20),
	QUOTA(vpn_gateways_per_account, 30),
	QUOTA(vpn_connections_per_gateway, 10),
	QUOTA(customer_gateways_per_region, 100),
	QUOTA(vpn_routes_per_gateway, 20),
	QUOTA(vpn_pbr_routes_per_gateway, 20),
	QUOTA(subnets_per_connection, 5),
	QUOTA(tr_route_entries_per_table, 1000),
	QUOTA(lab_calls_per_account, 2),
	QUOTA(route_tables_per_vpc, 9),
	QUOTA(route_entries_per_table, 200),
};
#undef QUOTA

void model_config_defaults(struct model_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]); i++)
		*(int64_t *)((char *)&cfg->quotas + quota_names[i].offset) = quota_names[i].default_value;
	/* RFC 2544 benchmarking space: never routed on the internet, so lab tunnels cannot leak */
	cfg->public_ip_pool = "198.18.0.0/15";
	cfg->transition_delay_ms = 1000;
	cfg->dpd_delay_s = 30;
	cfg->liveness_interval_ms = 300;
	cfg->liveness_retry = 3;
}

int model_quota_set(struct model_quotas *q, const char *name, int64_t value)
{
	for (size_t i = 0; i < sizeof(quota_names) / sizeof(quota_names[0]); i++) {
		if (strcmp(quota_names[i].name, name) == 0) {
			*(int64_t *)((char *)q + quota_names[i].offset) = value;
			return 0;
		}
	}
	return -1;
}

const char *model_quota_name(int index, int64_t *value, const struct model_quotas *q)
{
	if (index < 0 || (size_t)index >= sizeof(quota_names) / sizeof(quota_names[0]))
		return NULL;
	*value = *(const int64_t *)((const char *)q + quota_names[index].offset);
	return quota_names[index].name;
}

void model_format_time(int64_t ms, char *buf, unsigned long size)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int model_check_resource_group(struct model_ctx *m, const char *rg, char *out, unsigned long size,
				struct vl_err *err)
{
	if (rg == NULL || rg[0] == '\0') {
		model_default_resource_group(m->account, out, size);
		return 0;
	}
	if (strncmp(rg, "rg-", 3) != 0 || strlen(rg) > 60 || strlen(rg) < 4 ||
	    strspn(rg + 3, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(rg + 3))
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidResourceGroupId",
				       "The specified ResourceGroupId does not exist.");
	model_copy(out, size, rg);
	return 0;
}

int model_check_name_description(const char *name, const char *description, const char *kind, const char *words,
				 struct vl_err *err)
{
	char code[96];

	if (name && name[0] && !model_valid_name(name)) {
		snprintf(code, sizeof(code), "Invalid%sName.Malformed", kind);
		return vl_err_set_code(err, VL_INVALID_PARAMETER, code, "Specified %s name is not valid.", words);
	}
	if (description && description[0] && !model_valid_description(description))
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidDescription.Malformed",
				       "Specified description is not valid.");
	return 0;
}

int model_store_error(struct model_ctx *m, struct vl_err *err)
{
	return vl_err_set(err, VL_INTERNAL_ERROR,
			  "The request processing has failed due to some unknown error, exception or failure. (store: %s)",
			  m->store->ops->errmsg(m->store));
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int64_t model_owner_id(const char *account)
{
	const char *p = account;
	int64_t value = 0;

	for (; *p >= '0' && *p <= '9' && p - account < 18; p++)
		value = value * 10 + (*p - '0');
	if (*p == '\0' && p != account)
		return value;
	/* 16 digits, and below 2^53 so JavaScript SDKs read it exactly */
	return (int64_t)(1000000000000000ull + fnv1a64(account) % 8000000000000000ull);
}

void model_default_resource_group(const char *account, char *buf, unsigned long size)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	uint64_t h = fnv1a64(account);
	char tail[12];

	for (int i = 0; i < 11; i++) {
		tail[i] = alphabet[h % 36];
		h /= 36;
	}
	tail[11] = '\0';
	snprintf(buf, size, "rg-acfm%s", tail);
}

int model_bind(struct store_stmt *stmt, int index, const struct model_arg *args, int n)
{
	for (int i = 0; i < n; i++, index++) {
		if (args[i].is_int)
			stmt_bind_int64(stmt, index, args[i].number);
		else
			stmt_bind_text(stmt, index, args[i].text);
	}
	return index;
}

int model_prepare(struct store *st, const char *sql, const struct model_arg *args, int n,
		  struct store_stmt **stmt)
{
	*stmt = NULL;
	if (store_prepare(st, sql, stmt) < 0)
		return -1;
	model_bind(*stmt, 1, args, n);
	return 0;
}

enum store_step_result model_step_once(struct store *st, const char *sql, const struct model_arg *args, int n,
				       void (*fill)(struct store_stmt *stmt, void *out), void *out)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;

	if (model_prepare(st, sql, args, n, &stmt) < 0)
		return STORE_FAILED;
	r = stmt_step(stmt);
	if (r == STORE_ROW && fill)
		fill(stmt, out);
	stmt_release(stmt);
	return r;
}

int model_exec(struct store *st, const char *sql, const struct model_arg *args, int n)
{
	return model_step_once(st, sql, args, n, NULL, NULL) == STORE_DONE ? 0 : -1;
}

int model_run(struct model_ctx *m, const char *sql, const struct model_arg *args, int n, struct vl_err *err)
{
	return model_exec(m->store, sql, args, n) < 0 ? model_store_error(m, err) : 0;
}

void model_fill_int64(struct store_stmt *stmt, void *out)
{
	*(int64_t *)out = stmt_int64(stmt, 0);
}

int model_usage_get(struct model_ctx *m, const char *kind, const char *scope, int64_t *used)
{
	*used = 0;
	return model_step_once(m->store, "SELECT used FROM usage WHERE account=? AND kind=? AND scope=?",
			       MODEL_ARGS(MODEL_TEXT(m->account), MODEL_TEXT(kind), MODEL_TEXT(scope)), model_fill_int64,
			       used) == STORE_FAILED
		       ? -1
		       : 0;
}

int model_usage_add(struct model_ctx *m, const char *kind, const char *scope, int64_t delta)
{
	if (model_exec(m->store,
		       "INSERT INTO usage(account, kind, scope, used) VALUES (?1, ?2, ?3, ?4)"
		       " ON CONFLICT(account, kind, scope) DO UPDATE SET used = used + ?4",
		       MODEL_ARGS(MODEL_TEXT(m->account), MODEL_TEXT(kind), MODEL_TEXT(scope), MODEL_INT(delta))) < 0)
		return -1;
	if (delta >= 0)
		return 0;
	/*
	 * A counter back at 0 is the same as no row (model_usage_get reads 0): drop it, or every
	 * deleted resource would leave its rows (ref:<kind>/<id>, the counts scoped to it) behind
	 * for ever.  Same transaction as the decrement.
	 */
	return model_exec(m->store, "DELETE FROM usage WHERE account=? AND kind=? AND scope=? AND used=0",
			  MODEL_ARGS(MODEL_TEXT(m->account), MODEL_TEXT(kind), MODEL_TEXT(scope)));
}

void model_append(char *sql, unsigned long size, const char *text)
{
	size_t len = strlen(sql);

	snprintf(sql + len, size - len, "%s", text);
}

/* The texts among a, b, c that are set, for statements whose later placeholders are optional. */
static int optional_args(struct model_arg *args, const char *a, const char *b, const char *c)
{
	int n = 0;

	args[n++] = MODEL_TEXT(a);
	if (b)
		args[n++] = MODEL_TEXT(b);
	if (c)
		args[n++] = MODEL_TEXT(c);
	return n;
}

int model_exec2(struct model_ctx *m, const char *sql, const char *a, const char *b,
		struct vl_err *err)
{
	struct model_arg args[2];

	return model_run(m, sql, args, optional_args(args, a, b, NULL), err);
}

int model_update(struct model_ctx *m, const char *table, const char *id_column, const char *id,
		 const struct model_change *changes, size_t n, struct vl_err *err)
{
	char sql[256];

	for (size_t i = 0; i < n; i++) {
		if (changes[i].value == NULL)
			continue;
		snprintf(sql, sizeof(sql), "UPDATE %s SET %s=? WHERE %s=?", table, changes[i].column, id_column);
		if (model_exec2(m, sql, changes[i].value, id, err) < 0)
			return -1;
	}
	return 0;
}

int model_update_name_description(struct model_ctx *m, const char *table, const char *id_column, const char *id,
				  const char *name, const char *description, struct vl_err *err)
{
	const struct model_change changes[] = { { "name", name }, { "description", description } };

	return model_update(m, table, id_column, id, changes, 2, err);
}

int model_exists(struct model_ctx *m, const char *sql, const char *a, const char *b, const char *c)
{
	struct model_arg args[3];
	enum store_step_result r;

	args[0] = MODEL_TEXT(a);
	args[1] = MODEL_TEXT(b);
	args[2] = MODEL_TEXT(c);
	/* an unset b or c stays unbound, which binds NULL as well */
	r = model_step_once(m->store, sql, args, c ? 3 : b ? 2 : 1, NULL, NULL);
	return r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1;
}

int64_t model_count(struct model_ctx *m, const char *sql, const char *a, const char *b)
{
	struct model_arg args[2];
	int64_t n = -1;

	model_step_once(m->store, sql, args, optional_args(args, a, b, NULL), model_fill_int64, &n);
	return n;
}

/* Where fill_region writes a region. */
struct model_region_out {
	char *region;
	unsigned long size;
};

void model_event(const struct model_ctx *m, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (m == NULL || m->cfg == NULL || m->cfg->event == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	m->cfg->event(line);
}

static void fill_region(struct store_stmt *stmt, void *out)
{
	struct model_region_out *r = out;

	snprintf(r->region, r->size, "%s", stmt_text(stmt, 0));
}

int model_region_of(struct model_ctx *m, const char *sql, const char *id, char *region, unsigned long size)
{
	struct model_region_out out = { region, size };
	enum store_step_result r;

	region[0] = '\0';
	r = model_step_once(m->store, sql, MODEL_ARGS(MODEL_TEXT(id), MODEL_TEXT(m->account)), fill_region, &out);
	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : -1;
}
