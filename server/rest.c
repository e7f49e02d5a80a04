/* The REST front door: the action table's routes, JSON in and out. */
#include "rest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "h_agent.h"
#include "server.h"

#define REST_PARAM_LIMIT 1000

/*
 * The routes are the rows' own (struct action.rest): searched in table order, the first
 * route of the method wins, and a 405's Allow lists the path's methods in that order.
 */

/* Matches one pattern; {id} takes one non-empty segment of ID characters. */
static int path_matches(const char *pattern, const char *path, char *id, size_t size)
{
	while (*pattern && *path) {
		if (strncmp(pattern, "{id}", 4) == 0) {
			size_t n = strcspn(path, "/");

			if (n == 0 || n >= size)
				return 0;
			for (size_t i = 0; i < n; i++) {
				char c = path[i];

				if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				      c == '-' || c == '_' || c == '.'))
					return 0;
			}
			memcpy(id, path, n);
			id[n] = '\0';
			pattern += 4;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	/* a trailing slash is tolerated */
	return *pattern == '\0' && (*path == '\0' || (path[0] == '/' && path[1] == '\0'));
}

const struct rest_route *rest_match(const char *method, const char *path, char *id, size_t size,
				    int *path_known, char *allow, size_t allow_size)
{
	const struct rest_route *found = NULL;
	char scratch[128] = "";

	*path_known = 0;
	if (allow_size)
		allow[0] = '\0';
	for (const struct action *const *list = action_lists; *list; list++)
		for (const struct action *a = *list; a->name; a++)
			for (const struct rest_route *r = a->rest; r < a->rest + ACTION_REST_ROUTES && r->method; r++) {
				if (!path_matches(r->pattern, path, scratch, sizeof(scratch)))
					continue;
				*path_known = 1;
				if (allow_size && strstr(allow, r->method) == NULL) {
					size_t len = strlen(allow);

					snprintf(allow + len, allow_size - len, "%s%s", len ? ", " : "", r->method);
				}
				if (found == NULL && strcmp(r->method, method) == 0) {
					found = r;
					if (size)
						snprintf(id, size, "%s", strstr(r->pattern, "{id}") ? scratch : "");
				}
				scratch[0] = '\0';
			}
	return found;
}

static const struct param_spec *find_param(const struct action *a, const char *name)
{
	for (const struct param_spec *p = a ? a->params : NULL; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static int flatten(const char *prefix, json_t *value, const struct action *a, struct kvlist *params,
		   int depth, struct vl_err *err)
{
	char name[256], number[64];
	const char *key;
	json_t *item;
	size_t i;

	if (depth > 8)
		return vl_err_set(err, VL_INVALID_PARAMETER, "The request body is nested too deeply.");
	if (params->len >= REST_PARAM_LIMIT)
		return vl_err_set(err, VL_INVALID_PARAMETER, "The request has more than %d parameters.",
				  REST_PARAM_LIMIT);
	/*
	 * A JSON-typed parameter (IkeConfig) takes its value as JSON text, whatever the JSON:
	 * flattening an array into IkeConfig.1, IkeConfig.2 would lose it silently instead of
	 * letting the action refuse it.
	 */
	if (depth > 0 && (json_is_object(value) || json_is_array(value))) {
		const struct param_spec *p = find_param(a, prefix);

		if (p && p->type == PT_JSON) {
			char *text = json_dumps(value, JSON_COMPACT);
			int rc = text ? kvlist_add_str(params, prefix, text) : -1;

			free(text);
			return rc < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
		}
	}
	switch (json_typeof(value)) {
	case JSON_OBJECT:
		json_object_foreach(value, key, item) {
			if (depth == 0)
				snprintf(name, sizeof(name), "%s", key);
			else
				snprintf(name, sizeof(name), "%s.%s", prefix, key);
			if (flatten(name, item, a, params, depth + 1, err) < 0)
				return -1;
		}
		return 0;
	case JSON_ARRAY:
		json_array_foreach(value, i, item) {
			snprintf(name, sizeof(name), "%s.%zu", prefix, i + 1);
			if (flatten(name, item, a, params, depth + 1, err) < 0)
				return -1;
		}
		return 0;
	case JSON_STRING:
		return kvlist_add_str(params, prefix, json_string_value(value)) < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
	case JSON_INTEGER:
		snprintf(number, sizeof(number), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		break;
	case JSON_REAL:
		snprintf(number, sizeof(number), "%.17g", json_real_value(value));
		break;
	case JSON_TRUE:
		snprintf(number, sizeof(number), "true");
		break;
	case JSON_FALSE:
		snprintf(number, sizeof(number), "false");
		break;
	case JSON_NULL:
		return 0;
	}
	return kvlist_add_str(params, prefix, number) < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
}

int rest_body_to_params(const char *body, size_t len, const struct action *a,
			struct kvlist *params, struct vl_err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if (body == NULL || len == 0)
		return 0;
	/* a repeated key would be a second value that only one reader sees (like a repeated
	 * parameter name): refused, jansson names the key */
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return vl_err_set(err, VL_INVALID_PARAMETER, "The request body is not valid JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return vl_err_set(err, VL_INVALID_PARAMETER, "The request body must be a JSON object.");
	}
	rc = flatten("", root, a, params, 0, err);
	json_decref(root);
	return rc;
}

int rest_route_params(const struct rest_route *r, const char *id, struct kvlist *params)
{
	char name[64], value[64];

	if (r->id_param && kvlist_set(params, r->id_param, id) < 0)
		return -1;
	for (const char *p = r->fixed; p && *p;) {
		size_t pair = strcspn(p, "&"), n = strcspn(p, "=");

		/* the table is static: a malformed or oversized pair is a programming error
		 * (test_rest.c checks every row), skipped here rather than cut */
		if (n > 0 && n < pair && n < sizeof(name) && pair - n - 1 < sizeof(value)) {
			memcpy(name, p, n);
			name[n] = '\0';
			memcpy(value, p + n + 1, pair - n - 1);
			value[pair - n - 1] = '\0';
			if (kvlist_set(params, name, value) < 0)
				return -1;
		}
		p += pair;
		if (*p == '&')
			p++;
	}
	return 0;
}

/*
 * Replaces {"Xs":{"X":[…]}} by "Xs":[…] in a list answer.  The items of a regional list
 * carry their RegionId, whether the list was of one region or of all (engine_execute_rest).
 */
static void unwrap_list(json_t *fields, const struct rest_route *r, const char *region)
{
	json_t *outer = json_object_get(fields, r->list_outer);
	json_t *items = outer ? json_object_get(outer, r->list_inner) : NULL, *item;
	size_t i;

	if (items == NULL)
		return;
	json_array_foreach(items, i, item)
		if (region && *region && json_is_object(item) && json_object_get(item, "RegionId") == NULL)
			json_object_set_new(item, "RegionId", json_string(region));
	json_object_set(fields, r->list_outer, items);
}

void rest_handle(struct server *srv, struct vl_request *req, struct reply *reply)
{
	char id[128], allow[128];
	int path_known;
	const struct rest_route *route;
	const struct action *a = NULL;
	struct kvlist params;
	struct vl_err err;
	struct engine_rest_shape shape;
	json_t *fields = NULL;

	kvlist_init(&params);
	vl_err_clear(&err);
	route = rest_match(req->method, req->path, id, sizeof(id), &path_known, allow, sizeof(allow));
	if (route == NULL) {
		if (path_known) {
			snprintf(reply->allow, sizeof(reply->allow), "%s", allow);
			vl_err_set(&err, VL_UNSUPPORTED_HTTP_METHOD, NULL);
			reply_error(reply, &err, NULL);
			reply->http_status = 405;
			return;
		}
		vl_err_set(&err, VL_API_NOT_FOUND, NULL);
		goto fail;
	}
	a = action_of_route(route);
	snprintf(reply->action, sizeof(reply->action), "%s", a->name);
	for (size_t i = 0; i < req->query.len; i++)
		if (kvlist_add_str(&params, req->query.items[i].name, req->query.items[i].value) < 0)
			goto oom;
	if (rest_body_to_params(req->body, req->body_len, a, &params, &err) < 0)
		goto fail;
	if (rest_route_params(route, id, &params) < 0)
		goto oom;
	if (action_check_unique_names(&params, &err) < 0 ||
	    h_authenticate(srv->auth, a, req, &params, reply->account, sizeof(reply->account), &err) < 0)
		goto fail;
	fields = json_object();
	shape.id_param = route->id_param;
	shape.list_outer = route->list_outer;
	shape.list_inner = route->list_inner;
	if (engine_execute_rest(srv->engine, a, &params, reply->account, &shape, fields, &err) < 0)
		goto fail;
	switch (route->shape) {
	case RS_LIST:
		unwrap_list(fields, route, (a->flags & AF_REGIONAL) ? kvlist_get(&params, "RegionId") : NULL);
		reply_success(reply, fields, 200);
		break;
	case RS_ITEM: {
		json_t *outer = json_object_get(fields, route->list_outer);
		json_t *item = json_array_get(json_object_get(outer, route->list_inner), 0);

		if (item == NULL) {
			vl_err_set(&err, route->not_found, NULL);
			goto fail;
		}
		if (json_object_get(item, "RegionId") == NULL && (a->flags & AF_REGIONAL))
			json_object_set_new(item, "RegionId", json_string(kvlist_get(&params, "RegionId")));
		json_incref(item);
		json_decref(fields);
		reply_success(reply, item, 200);
		break;
	}
	case RS_CREATE:
		reply_success(reply, fields, 201);
		break;
	case RS_PLAIN:
		/* a regional resource read by its id says where it is, as list items do */
		if (strcmp(route->method, "GET") == 0 && (a->flags & AF_REGIONAL) && route->id_param &&
		    strstr(route->pattern, "{id}")[4] == '\0' && json_object_get(fields, "RegionId") == NULL)
			json_object_set_new(fields, "RegionId", json_string(kvlist_get(&params, "RegionId")));
		reply_success(reply, fields, 200);
		break;
	}
	kvlist_free(&params);
	return;
oom:
	vl_err_set(&err, VL_INTERNAL_ERROR, NULL);
fail:
	json_decref(fields);
	reply_error(reply, &err, a ? a->version : NULL);
	kvlist_free(&params);
}

void rest_dump_routes(FILE *out)
{
	const struct action *a;

	for (size_t i = 0; (a = action_nth(i)) != NULL; i++)
		for (const struct rest_route *r = a->rest; r < a->rest + ACTION_REST_ROUTES && r->method; r++)
			fprintf(out, "%s %s %s %s\n", r->method, r->pattern, a->name, a->version);
}
