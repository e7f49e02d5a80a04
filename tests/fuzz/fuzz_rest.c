/*
 * libFuzzer harness for the REST front door's parsing: the first line is
 * "METHOD PATH" (up to the first space / newline), the rest is the JSON body.
 * rest_match picks the route; for a match the body is flattened with
 * rest_body_to_params for the route's action (and for a local action with a
 * JSON-typed parameter), {id} is added and action_validate runs, as rest_handle does.
 *
 * Checked: a match has the asked method and is path_known; an {id} route captured a
 * non-empty ID; a miss on a known path has an Allow list; every refusal is a 4xx.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "errors.h"
#include "kv.h"
#include "rest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int noop_handler(struct action_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct param_spec json_params[] = {
	{ "IkeConfig", PT_JSON, 0, NULL, 0, 0, NULL, NULL },
	{ "Tag", PT_TAGS, 0, NULL, 0, 0, NULL, NULL },
	{ NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL },
};

static const struct action json_action = {
	"FuzzJson", "2017-09-12", noop_handler, 0, json_params,
};

static void refused_ok(const struct vl_err *err)
{
	int st = vl_code_http_status(err->code);

	if (st < 400 || st >= 500 || vl_err_code(err)[0] == '\0')
		abort();
}

/* Flattens body for a, adds {id}, validates. */
static void run(const struct action *a, const struct rest_route *r, const char *id,
		const char *body, size_t body_len)
{
	struct kvlist params;
	struct action_ctx ctx;
	struct vl_err err;

	kvlist_init(&params);
	vl_err_clear(&err);
	if (rest_body_to_params(body, body_len, a, &params, &err) < 0) {
		refused_ok(&err);
		goto out;
	}
	for (size_t i = 0; i < params.len; i++)
		if (params.items[i].name == NULL || params.items[i].value == NULL)
			abort();
	if (r && r->id_param && kvlist_set(&params, r->id_param, id) < 0)
		abort();
	memset(&ctx, 0, sizeof(ctx));
	if (action_validate(a, &params, &ctx, &err) < 0)
		refused_ok(&err);
	else if (ctx.tags.count < 0 || ctx.tags.count > TAG_MAX)
		abort();
out:
	kvlist_free(&params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t line_end = 0, space;
	char *line, *method, *path, id[128], allow[128];
	const char *body;
	size_t body_len;
	const struct rest_route *r;
	int known = -1;

	while (line_end < size && data[line_end] != '\n')
		line_end++;
	if ((line = malloc(line_end + 1)) == NULL)
		return 0;
	memcpy(line, data, line_end);
	line[line_end] = '\0';
	body = line_end < size ? (const char *)data + line_end + 1 : "";
	body_len = line_end < size ? size - line_end - 1 : 0;
	space = strcspn(line, " ");
	method = line;
	path = line[space] ? line + space + 1 : line + space;
	line[space] = '\0';

	id[0] = '\0';
	r = rest_match(method, path, id, sizeof(id), &known, allow, sizeof(allow));
	if (known != 0 && known != 1)
		abort();
	if (r != NULL) {
		const struct action *a = action_of_route(r);

		if (!known || strcmp(r->method, method) != 0 || a == NULL)
			abort();
		if (r->id_param && (id[0] == '\0' || strlen(id) >= sizeof(id)))
			abort();
		run(a, r, id, body, body_len);
	} else if (known && allow[0] == '\0') {
		abort();
	} else if (!known && allow[0] != '\0') {
		abort();
	}
	/* the body flattening on its own, with a JSON-typed parameter declared */
	run(&json_action, NULL, "", body, body_len);
	free(line);
	return 0;
}
