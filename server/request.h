#ifndef VL_REQUEST_H
#define VL_REQUEST_H

#include <stddef.h>

#include "kv.h"

/* One HTTP request as the front doors see it; every member is owned by the request. */
struct vl_request {
	char method[16];
	char *path;		/* decoded path, without the query string */
	struct kvlist query;	/* decoded query parameters, in arrival order */
	struct kvlist form;	/* decoded x-www-form-urlencoded body parameters */
	struct kvlist headers;	/* header names lowercased, values as sent */
	char *body;		/* raw body, NUL-terminated, may be NULL */
	size_t body_len;
};

#endif
