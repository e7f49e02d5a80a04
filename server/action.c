/* Generic parameter validation and lookups for the action table. */
#include "action.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool api_version_known(const char *version)
{
	return version && (strcmp(version, "2016-04-28") == 0 || strcmp(version, "2017-09-12") == 0);
}

bool action_has_param(const struct action *a, const char *name)
{
	for (const struct param_spec *p = a->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return true;
	return false;
}

const struct action *action_find(const char *version, const char *name)
{
	if (name == NULL)
		return NULL;
	for (const struct action *const *list = action_lists; *list; list++)
		for (const struct action *a = *list; a->name; a++)
			if (strcmp(a->name, name) == 0 && (version == NULL || strcmp(a->version, version) == 0))
				return a;
	return NULL;
}

const struct action *action_nth(size_t i)
{
	for (const struct action *const *list = action_lists; *list; list++)
		for (const struct action *a = *list; a->name; a++)
			if (i-- == 0)
				return a;
	return NULL;
}

const struct action *action_of_route(const struct rest_route *r)
{
	for (const struct action *const *list = action_lists; *list; list++)
		for (const struct action *a = *list; a->name; a++)
			for (size_t k = 0; k < ACTION_REST_ROUTES; k++)
				if (r == &a->rest[k])
					return a;
	return NULL;
}

static int check_value(const struct param_spec *p, const char *value, struct kvlist *params,
		       struct vl_err *err)
{
	int64_t number;

	switch (p->type) {
	case PT_STRING:
		/* action_validate has checked every value to be strict UTF-8 already */
		if ((p->min || p->max) &&
		    (text_chars(value) < p->min || (p->max && text_chars(value) > p->max)))
			return vl_err_invalid(err, p->name);
		break;
	case PT_INTEGER:
		if (!text_int64(value, &number) || ((p->min || p->max) && (number < p->min || number > p->max)))
			return vl_err_invalid(err, p->name);
		break;
	case PT_BOOLEAN:
		if (strcasecmp(value, "true") == 0)
			return kvlist_set(params, p->name, "true") < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
		if (strcasecmp(value, "false") == 0)
			return kvlist_set(params, p->name, "false") < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
		return vl_err_invalid(err, p->name);
	case PT_JSON: {
		json_t *doc = json_loads(value, JSON_DECODE_ANY, NULL);

		if (doc == NULL)
			return vl_err_invalid(err, p->name);
		json_decref(doc);
		break;
	}
	case PT_TAGS:
	case PT_LIST: /* a plain Name value (the comma-separated RPC form) is a string */
		break;
	}
	if (p->allowed) {
		for (const char *const *v = p->allowed; *v; v++)
			if (strcmp(*v, value) == 0)
				return 0;
		return vl_err_invalid(err, p->name);
	}
	return 0;
}

static void kvlist_pair(const void *pairs, size_t i, const char **name, const char **value)
{
	const struct kvlist *params = pairs;

	*name = params->items[i].name;
	*value = params->items[i].value;
}

struct list_source action_list_source(const struct kvlist *params)
{
	return (struct list_source){ params, params->len, kvlist_pair };
}

int action_list_read(const struct kvlist *params, const char *name, const struct list_spec *spec,
		     int (*item)(void *arg, const struct list_item *it), void *arg, const char **offender)
{
	const struct list_source src = action_list_source(params);

	return list_read(&src, name, spec, item, arg, offender);
}

struct walk_adapter {
	int (*item)(void *arg, int n, int field, const char *value);
	void *arg;
};

static int walk_item(void *arg, const struct list_item *it)
{
	const struct walk_adapter *w = arg;

	return w->item(w->arg, it->n, it->field, it->value);
}

int action_list_walk(const struct kvlist *params, const char *name, const struct list_spec *spec,
		     int (*item)(void *arg, int n, int field, const char *value), void *arg,
		     const char **offender)
{
	struct walk_adapter w = { item, arg };

	return action_list_read(params, name, spec, walk_item, &w, offender);
}

static const char *const tag_fields[] = { "Key", "Value", NULL };
static const struct list_spec tag_list = { TAG_MAX, tag_fields };

struct tag_slots {
	const char *keys[TAG_MAX + 1], *values[TAG_MAX + 1];
};

static int tag_item(void *arg, int n, int field, const char *value)
{
	struct tag_slots *s = arg;

	if (field == 0)
		s->keys[n] = value;
	else
		s->values[n] = value;
	return 0;
}

/* Collects Tag.N.Key/Tag.N.Value (N = 1..TAG_MAX) in N order. */
static int collect_tags(const char *prefix, const struct kvlist *params, struct tag_list *tags,
			struct vl_err *err)
{
	struct tag_slots s = { { 0 }, { 0 } };
	const char *offender = NULL;

	/* appends (action_validate empties the list): an action may take two spellings, Tags.N and Tag.N */
	switch (action_list_walk(params, prefix, &tag_list, tag_item, &s, &offender)) {
	case LIST_OK:
		break;
	case LIST_TOO_MANY:
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter.TagCount",
				       "The number of %s exceeds %d.", prefix, TAG_MAX);
	default:
		return vl_err_invalid(err, offender);
	}
	for (int n = 1; n <= TAG_MAX; n++) {
		if (s.keys[n] == NULL && s.values[n] == NULL)
			continue;
		if (s.keys[n] == NULL || s.keys[n][0] == '\0') {
			char name[64];

			snprintf(name, sizeof(name), "%s.%d.Key", prefix, n);
			return vl_err_missing(err, name);
		}
		if (tags->count == TAG_MAX)
			return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter.TagCount",
					       "The number of tags exceeds %d.", TAG_MAX);
		tags->keys[tags->count] = s.keys[n];
		tags->values[tags->count] = s.values[n];
		tags->count++;
	}
	return 0;
}

static int check_param(const struct param_spec *p, struct kvlist *params, struct action_ctx *ctx,
		       struct vl_err *err)
{
	const char *value;

	if (p->type == PT_TAGS)
		return collect_tags(p->name, params, &ctx->tags, err);
	value = kvlist_get(params, p->name);
	if (value == NULL || (value[0] == '\0' && (p->flags & PF_REQUIRED))) {
		if (p->flags & PF_REQUIRED)
			return vl_err_missing(err, p->name);
		if (p->default_value && kvlist_add_str(params, p->name, p->default_value) < 0)
			return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		return 0;
	}
	return check_value(p, value, params, err);
}

static const struct param_spec region_param = { "RegionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL };
static const struct param_spec page_number_param = { "PageNumber", PT_INTEGER, 0, "1", 1, 1000000000, NULL, NULL };
static const struct param_spec page_size_param = { "PageSize", PT_INTEGER, 0, "10", 1, 50, NULL, NULL };
static const struct param_spec next_token_param = { "NextToken", PT_STRING, 0, NULL, 0, 0, NULL, "from the previous page; absent for the first" };
static const struct param_spec max_results_param = { "MaxResults", PT_INTEGER, 0, "20", 1, 100, NULL, NULL };

/*
 * NextToken is opaque to clients; here it carries the next offset as "nt" + 16 hex digits
 * so a malformed or foreign token is recognised and refused.
 */
static int parse_next_token(const char *token, int64_t *offset)
{
	char *end = NULL;
	unsigned long long v;

	if (token == NULL || *token == '\0') {
		*offset = 0;
		return 0;
	}
	if (strlen(token) != 18 || token[0] != 'n' || token[1] != 't' ||
	    strspn(token + 2, "0123456789abcdef") != 16)
		return -1;
	v = strtoull(token + 2, &end, 16);
	if (v > 1000000000ull)
		return -1;
	*offset = (int64_t)v;
	return 0;
}

void action_set_token_page(struct action_ctx *ctx, const char *key, json_t *items, int64_t total)
{
	int64_t next = ctx->offset + (int64_t)json_array_size(items);
	char token[32] = "";

	if (next < total && json_array_size(items) > 0)
		snprintf(token, sizeof(token), "nt%016llx", (unsigned long long)next);
	json_object_set_new(ctx->response, "NextToken", json_string(token));
	json_object_set_new(ctx->response, "MaxResults", json_integer(ctx->max_results));
	json_object_set_new(ctx->response, "TotalCount", json_integer(total));
	json_object_set_new(ctx->response, key, items);
}

static int name_ptr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

/*
 * Repeated names are refused wherever the copies come from (see action.h).  The code is
 * the gateway's form for it, Repeated{Name} "The specified {Name} is repeated." (400; API
 * gateway client error codes, developer.aliyun.com/ask/278264); no VPC or CBN page names
 * a code of its own.
 */
int action_check_unique_names(const struct kvlist *params, struct vl_err *err)
{
	const char **names;
	char code[128];
	int rc = 0;

	if (params->len < 2)
		return 0;
	if ((names = malloc(params->len * sizeof(*names))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	for (size_t i = 0; i < params->len; i++)
		names[i] = params->items[i].name;
	qsort(names, params->len, sizeof(*names), name_ptr_cmp);
	for (size_t i = 1; i < params->len; i++) {
		if (strcmp(names[i - 1], names[i]) != 0)
			continue;
		snprintf(code, sizeof(code), "Repeated%s", names[i]);
		rc = vl_err_set_code(err, VL_INVALID_PARAMETER, code, "The specified %s is repeated.",
				     names[i]);
		break;
	}
	free(names);
	return rc;
}

int action_validate(const struct action *a, struct kvlist *params, struct action_ctx *ctx,
		    struct vl_err *err)
{
	/* every text we store must be valid UTF-8: answers are JSON */
	for (size_t i = 0; i < params->len; i++)
		if (!text_valid_utf8(params->items[i].value, strlen(params->items[i].value)))
			return vl_err_invalid(err, params->items[i].name);
	ctx->action = a;
	ctx->params = params;
	ctx->tags.count = 0;
	ctx->page_number = 1;
	ctx->page_size = 10;
	ctx->offset = 0;
	ctx->limit = 10;
	ctx->max_results = 20;
	if ((a->flags & AF_REGIONAL) && check_param(&region_param, params, ctx, err) < 0)
		return -1;
	for (const struct param_spec *p = a->params; p && p->name; p++)
		if (check_param(p, params, ctx, err) < 0)
			return -1;
	if (a->flags & AF_PAGED) {
		if (check_param(&page_number_param, params, ctx, err) < 0 ||
		    check_param(&page_size_param, params, ctx, err) < 0)
			return -1;
		ctx->page_number = param_int(ctx, "PageNumber", 1);
		ctx->page_size = param_int(ctx, "PageSize", 10);
		ctx->offset = (ctx->page_number - 1) * ctx->page_size;
		ctx->limit = ctx->page_size;
	}
	if (a->flags & AF_TOKEN_PAGED) {
		int64_t offset = 0;

		if (check_param(&next_token_param, params, ctx, err) < 0 ||
		    check_param(&max_results_param, params, ctx, err) < 0)
			return -1;
		if (parse_next_token(kvlist_get(params, "NextToken"), &offset) < 0) {
			/* the CBN pages document their own code for a token they did not issue */
			if (strcmp(a->version, "2017-09-12") == 0)
				return vl_err_set_code(err, VL_INVALID_PARAMETER, "IllegalParam.NextToken",
						       "The specified NextToken is invalid.");
			return vl_err_invalid(err, "NextToken");
		}
		ctx->max_results = param_int(ctx, "MaxResults", 20);
		ctx->offset = offset;
		ctx->limit = ctx->max_results;
	}
	return 0;
}

const char *param_str(const struct action_ctx *ctx, const char *name)
{
	return kvlist_get(ctx->params, name);
}

int64_t param_int(const struct action_ctx *ctx, const char *name, int64_t fallback)
{
	int64_t v;

	return text_int64(kvlist_get(ctx->params, name), &v) ? v : fallback;
}

bool param_bool(const struct action_ctx *ctx, const char *name, bool fallback)
{
	const char *v = kvlist_get(ctx->params, name);

	if (v == NULL)
		return fallback;
	return strcasecmp(v, "true") == 0;
}

int param_tristate(const struct action_ctx *ctx, const char *name)
{
	const char *v = kvlist_get(ctx->params, name);

	if (v == NULL || *v == '\0')
		return -1;
	return strcasecmp(v, "true") == 0;
}

static const char *type_name(enum param_type t)
{
	switch (t) {
	case PT_STRING:
		return "String";
	case PT_INTEGER:
		return "Integer";
	case PT_BOOLEAN:
		return "Boolean";
	case PT_JSON:
		return "JSON string";
	case PT_TAGS:
		return "List of Key/Value (.N.Key, .N.Value; N 1-20)";
	case PT_LIST:
		return "List";
	}
	return "?";
}

static void dump_param(FILE *out, const struct param_spec *p)
{
	fprintf(out, "| `%s` | %s | %s | %s | ", p->name, type_name(p->type),
		(p->flags & PF_REQUIRED) ? "yes" : "no", p->default_value ? p->default_value : "");
	if (p->min || p->max)
		fprintf(out, "%s %lld–%lld; ", p->type == PT_INTEGER ? "range" : "length",
			(long long)p->min, (long long)p->max);
	if (p->allowed) {
		fprintf(out, "one of:");
		for (const char *const *v = p->allowed; *v; v++)
			fprintf(out, " `%s`", *v);
		fprintf(out, "; ");
	}
	fprintf(out, "%s |\n", p->doc ? p->doc : "");
}

void action_dump_reference(FILE *out)
{
	fprintf(out, "# RPC action reference\n\n"
		     "Generated from the action table (`server/h_*.c`, listed in `server/actions.c`) by `bin/vpnlabd --dump-actions`;\n"
		     "`make test` fails when this file differs from the table. Every action also takes the\n"
		     "common parameters (Action, Version, Format, AccessKeyId, Signature*, Timestamp or the V3\n"
		     "headers). `ClientToken` and `DryRun` work where an action declares them.\n\n");
	const struct action *a;

	for (size_t i = 0; (a = action_nth(i)) != NULL; i++) {
		fprintf(out, "## %s (%s)\n\n%s\n\n", a->name, a->version, a->doc ? a->doc : "");
		fprintf(out, "%s%s%s%s%s\n\n", (a->flags & AF_MUTATES) ? "Mutating (one transaction)." : "Read-only.",
			action_has_param(a, "ClientToken") ? " ClientToken: idempotent retries." : "",
			action_has_param(a, "DryRun") ? " DryRun: validates only, answers DryRunOperation." : "",
			(a->flags & AF_PAGED) ? " Paged: PageNumber (default 1), PageSize (default 10, 1–50); answers TotalCount."
					      : "",
			(a->flags & AF_SLOW) ? " Long-running: waits outside the database engine; a limited number per "
					       "account at once (quota lab_calls_per_account), beyond: Throttling.User."
					     : "");
		fprintf(out, "| Parameter | Type | Required | Default | Rules |\n|---|---|---|---|---|\n");
		if (a->flags & AF_REGIONAL) {
			struct param_spec region = region_param;

			if (a->region_from) {
				region.flags = 0;
				region.doc = "default: the region of the resource named by the ID parameter";
			}
			dump_param(out, &region);
		}
		for (const struct param_spec *p = a->params; p && p->name; p++)
			dump_param(out, p);
		if (a->flags & AF_PAGED) {
			dump_param(out, &page_number_param);
			dump_param(out, &page_size_param);
		}
		if (a->flags & AF_TOKEN_PAGED) {
			if (!action_has_param(a, "NextToken"))
				dump_param(out, &next_token_param);
			if (!action_has_param(a, "MaxResults"))
				dump_param(out, &max_results_param);
		}
		fprintf(out, "\n");
	}
}
