#ifndef VL_SERVER_H
#define VL_SERVER_H

#include <jansson.h>
#include <stdio.h>

#include "auth.h"
#include "engine.h"
#include "metrics.h"
#include "model.h"
#include "request.h"

/* Process-wide state shared by the front doors; read-only after start but for counters. */
struct server {
	struct engine *engine;
	struct auth *auth;
	struct metrics *metrics;
	struct model_config model;
	FILE *log; /* one JSON line per request; NULL: no request log */
	volatile int ready;
};

/* What a front door answers: status, JSON body (owned), and what the request log shows. */
struct reply {
	int http_status;
	json_t *body;
	char allow[128]; /* Allow header for 405; empty otherwise */
	char action[64];
	char account[96];
	char code[96];
	char request_id[40];
};

/* Fills reply with the cloud's error envelope for err (HostId from the API version). */
void reply_error(struct reply *reply, const struct vl_err *err, const char *version);

/* Builds a success body {"RequestId":…, fields…}; takes the reference to fields. */
void reply_success(struct reply *reply, json_t *fields, int http_status);

/* Alibaba RPC front door: GET|POST / with Action/Version (params or x-acs-* headers). */
void rpc_handle(struct server *srv, struct vl_request *req, struct reply *reply);

/* REST front door: /v1/<collection>[/<id>] mapped onto the same actions. */
void rest_handle(struct server *srv, struct vl_request *req, struct reply *reply);

/* What one client, and all of them, may hold of the HTTP listener. */
struct http_limits {
	unsigned max_connections;    /* open connections in all */
	unsigned per_ip_connections; /* open connections from one client address */
	unsigned request_deadline_s; /* to receive a request whole, from accept or the last answer */
};

/* The command line's defaults: 2,000 connections, 200 per client, 30 s. */
void http_limits_defaults(struct http_limits *limits);

/*
 * Starts the HTTP listener on host:port (libmicrohttpd, one thread per connection) within
 * limits (copied). Returns an opaque daemon handle or NULL with err set; stop with http_stop.
 */
void *http_start(struct server *srv, const char *host, int port, const struct http_limits *limits,
		 struct vl_err *err);
void http_stop(void *daemon);

#endif
