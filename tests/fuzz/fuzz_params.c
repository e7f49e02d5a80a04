/*
 * libFuzzer harness for parameter validation: bytes → kvlist_parse_urlencoded →
 * action_validate for every action of the table (plus a local action declaring the
 * types the table does not use yet: JSON, bounded integers and strings, allowed values).
 *
 * Checked after each call: a refusal carries an error status and a code; an acceptance
 * leaves required parameters present, booleans normalized, integers in bounds, defaults
 * applied, at most TAG_MAX tags with non-empty keys, and paging in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action.h"
#include "errors.h"
#include "kv.h"
#include "tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int noop_handler(struct action_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const char *const modes[] = { "main", "aggressive", NULL };

static const struct param_spec local_params[] = {
	{ "IkeConfig", PT_JSON, 0, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, PF_REQUIRED, NULL, 1, 8, NULL, NULL },
	{ "Mtu", PT_INTEGER, 0, "1500", 576, 9000, NULL, NULL },
	{ "Port", PT_INTEGER, 0, NULL, 0, 0, NULL, NULL },
	{ "Mode", PT_STRING, 0, "main", 0, 0, modes, NULL },
	{ "Enabled", PT_BOOLEAN, 0, "true", 0, 0, NULL, NULL },
	{ "Tag", PT_TAGS, 0, NULL, 0, 0, NULL, NULL },
	{ NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL },
};

static const struct action local_action = {
	"FuzzLocal", "2017-09-12", noop_handler, AF_REGIONAL | AF_PAGED, local_params,
};

static void copy_list(struct kvlist *dst, const struct kvlist *src)
{
	kvlist_init(dst);
	for (size_t i = 0; i < src->len; i++)
		if (kvlist_add_str(dst, src->items[i].name, src->items[i].value) < 0)
			abort();
}

static void check_accepted(const struct action *a, const struct action_ctx *ctx)
{
	if (ctx->action != a || ctx->tags.count < 0 || ctx->tags.count > TAG_MAX)
		abort();
	for (int i = 0; i < ctx->tags.count; i++)
		if (ctx->tags.keys[i] == NULL || ctx->tags.keys[i][0] == '\0')
			abort();
	if ((a->flags & AF_REGIONAL) && (param_str(ctx, "RegionId") == NULL || !param_str(ctx, "RegionId")[0]))
		abort();
	if (a->flags & AF_PAGED) {
		if (ctx->page_size < 1 || ctx->page_size > 50 || ctx->page_number < 1 ||
		    ctx->page_number > 1000000000)
			abort();
	}
	for (const struct param_spec *p = a->params; p && p->name; p++) {
		const char *v = param_str(ctx, p->name);

		if (p->type == PT_TAGS)
			continue;
		if ((p->flags & PF_REQUIRED) && (v == NULL || v[0] == '\0'))
			abort();
		if (v == NULL) {
			if (p->default_value)
				abort(); /* a default is always applied */
			continue;
		}
		switch (p->type) {
		case PT_BOOLEAN:
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				abort();
			(void)param_bool(ctx, p->name, false);
			break;
		case PT_INTEGER: {
			int64_t n = param_int(ctx, p->name, INT64_MIN);

			if (n == INT64_MIN && strcmp(v, "-9223372036854775808") != 0)
				abort(); /* accepted but not a number */
			if ((p->min || p->max) && (n < p->min || n > p->max))
				abort();
			break;
		}
		case PT_STRING:
			if (p->allowed) {
				const char *const *ok = p->allowed;

				while (*ok && strcmp(*ok, v) != 0)
					ok++;
				if (*ok == NULL)
					abort();
			}
			break;
		default:
			break;
		}
		(void)param_tristate(ctx, p->name);
	}
}

static void run(const struct action *a, const struct kvlist *parsed)
{
	struct kvlist params;
	struct action_ctx ctx;
	struct vl_err err;

	copy_list(&params, parsed);
	memset(&ctx, 0, sizeof(ctx));
	vl_err_clear(&err);
	if (action_validate(a, &params, &ctx, &err) == 0) {
		check_accepted(a, &ctx);
		/* the tag rules of the model are pure: run them on what was collected */
		vl_err_clear(&err);
		if (tag_validate(&ctx.tags, &err) < 0 && vl_code_http_status(err.code) != 400)
			abort();
	} else if (vl_code_http_status(err.code) < 400 || vl_err_code(&err)[0] == '\0' ||
		   vl_err_message(&err)[0] == '\0') {
		abort();
	}
	kvlist_free(&params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvlist parsed;

	kvlist_init(&parsed);
	/* on a malformed escape the pairs decoded before it are still validated */
	(void)kvlist_parse_urlencoded(&parsed, (const char *)data, size);
	const struct action *a;

	for (size_t i = 0; (a = action_nth(i)) != NULL; i++)
		run(a, &parsed);
	run(&local_action, &parsed);
	kvlist_free(&parsed);
	return 0;
}
