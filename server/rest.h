#ifndef VL_REST_H
#define VL_REST_H

#include <stddef.h>

#include "action.h"
#include "errors.h"
#include "kv.h"

enum rest_shape {
	RS_PLAIN,  /* the action's answer as is */
	RS_CREATE, /* the action's answer, HTTP 201 */
	RS_LIST,   /* list answer with the {"Xs":{"X":[…]}} wrapper flattened to "Xs":[…] */
	RS_ITEM,   /* the single item of a filtered list, or the resource's NotFound */
};

/* One row of the REST route table (rest.c). */
struct rest_route {
	const char *method;
	const char *pattern; /* "/v1/vpcs/{id}" */
	const char *action;
	const char *version;
	const char *id_param; /* parameter that receives {id} */
	enum rest_shape shape;
	const char *list_outer, *list_inner; /* Vpcs, Vpc */
	enum vl_code not_found;
	/*
	 * Parameters the route itself sets, "Name=value" pairs joined by '&' (NULL: none):
	 * one action serving two paths (PublishVpnRouteEntry's RouteType=dbr|pbr).  Like
	 * {id}, they override what the query or body says.
	 */
	const char *fixed;
};

extern const struct rest_route rest_routes[];

/*
 * Finds the route for method and path.  Returns it and copies {id} into id (size bytes),
 * or NULL; *path_known tells whether another method would match (405 vs 404), and
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

#endif
