#ifndef VL_REST_H
#define VL_REST_H

#include <stddef.h>
#include <stdio.h>

#include "action.h"
#include "errors.h"
#include "kv.h"

/*
 * Finds the route for method and path among the action table's rows.  Returns it (its
 * action: action_of_route) and copies {id} into id (size bytes), or NULL; *path_known tells whether another method would match (405 vs 404), and
 * allow receives the methods that would (comma-separated).
 */
const struct rest_route *rest_match(const char *method, const char *path, char *id, size_t size,
				    int *path_known, char *allow, size_t allow_size);

/*
 * Flattens a JSON object body into action parameters the way the SDKs flatten requests
 * (lists as Name.N, objects as Name.Key; JSON-typed parameters are kept as JSON text).
 * Returns 0, or -1 with err set (body not a JSON object, too deep).
 */
int rest_body_to_params(const char *body, size_t len, const struct action *a,
			struct kvlist *params, struct vl_err *err);

/*
 * Sets the route's {id} parameter to id and its fixed parameters in params, replacing
 * values of the same names from the query or body.  Returns 0, or -1 (out of memory).
 */
int rest_route_params(const struct rest_route *r, const char *id, struct kvlist *params);

/*
 * Writes every REST route, one per line: "METHOD /path Action Version", in table order
 * (vpnlabd --dump-routes; the OpenAPI test compares api-docs/openapi.yaml with it).
 */
void rest_dump_routes(FILE *out);

#endif
