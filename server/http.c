/* libmicrohttpd glue: builds a vl_request, routes it, answers, logs and counts it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "action.h"
#include "console.h"
#include "ids.h"
#include "json_out.h"
#include "model.h"
#include "server.h"

#define BODY_LIMIT (1024 * 1024)
/* far above any action's needs (20 tags, 2 tunnels); bounds the work one request can cause */
#define PARAM_LIMIT 1000

struct connection_state {
	struct vl_request req;
	size_t body_cap;
	int too_large;
	struct timespec started;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	struct vl_request *req = cls;
	char name[256];
	size_t n = strlen(key);

	(void)kind;
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	for (size_t i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)key[i]);
	name[n] = '\0';
	kvlist_add_str(&req->headers, name, value);
	return MHD_YES;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	kvlist_add_str(cls, key, value);
	return MHD_YES;
}

static void state_free(struct connection_state *st)
{
	if (st == NULL)
		return;
	free(st->req.path);
	kvlist_free(&st->req.query);
	kvlist_free(&st->req.form);
	kvlist_free(&st->req.headers);
	free(st->req.body);
	free(st);
}

static int append_body(struct connection_state *st, const char *data, size_t len)
{
	if (st->too_large || st->req.body_len + len > BODY_LIMIT) {
		st->too_large = 1;
		return 0;
	}
	if (st->req.body_len + len + 1 > st->body_cap) {
		size_t cap = st->body_cap ? st->body_cap * 2 : 4096;
		char *body;

		while (cap < st->req.body_len + len + 1)
			cap *= 2;
		body = realloc(st->req.body, cap);
		if (body == NULL)
			return -1;
		st->req.body = body;
		st->body_cap = cap;
	}
	memcpy(st->req.body + st->req.body_len, data, len);
	st->req.body_len += len;
	st->req.body[st->req.body_len] = '\0';
	return 0;
}

static void log_request(struct server *srv, const struct vl_request *req, const struct reply *reply,
			int64_t latency_us)
{
	char when[32], account[sizeof(reply->account)], path[256];
	json_t *line;
	char *text;

	if (srv->log == NULL)
		return;
	/* the account (open mode: any AccessKeyId) and path are request bytes */
	snprintf(account, sizeof(account), "%s", reply->account);
	snprintf(path, sizeof(path), "%s", req->path ? req->path : "");
	utf8_scrub(account);
	utf8_scrub(path);
	model_format_time((int64_t)time(NULL) * 1000, when, sizeof(when));
	line = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:I}", "time", when, "request_id",
			 reply->request_id, "account", account, "method", req->method, "path",
			 path, "action", reply->action, "status",
			 reply->http_status, "code", reply->code, "latency_us",
			 (json_int_t)latency_us);
	text = line ? json_out_dump(line, NULL) : NULL;
	if (text) {
		fprintf(srv->log, "%s\n", text);
		fflush(srv->log);
	}
	free(text);
	json_decref(line);
}

static enum MHD_Result send_text(struct MHD_Connection *conn, int status, const char *type,
				 char *text, const struct reply *reply)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	if (reply && reply->request_id[0])
		MHD_add_response_header(resp, "x-acs-request-id", reply->request_id);
	if (reply && reply->allow[0])
		MHD_add_response_header(resp, "Allow", reply->allow);
	rc = MHD_queue_response(conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result answer(struct server *srv, struct MHD_Connection *conn,
			      struct connection_state *st)
{
	struct vl_request *req = &st->req;
	struct reply reply;
	struct timespec done;
	const char *type;
	char *text;
	struct vl_err err;

	memset(&reply, 0, sizeof(reply));
	ids_request_id(reply.request_id, sizeof(reply.request_id));
	if (strcmp(req->path, "/healthz") == 0)
		return send_text(conn, srv->ready ? 200 : 503, "text/plain",
				 strdup(srv->ready ? "ok\n" : "starting\n"), NULL);
	if (strcmp(req->path, "/metrics") == 0) {
		text = metrics_render(srv->metrics);
		return text ? send_text(conn, 200, "text/plain; version=0.0.4", text, NULL) : MHD_NO;
	}
	type = kvlist_get_ci(&req->headers, "content-type");
	if (st->too_large) {
		vl_err_set(&err, VL_BODY_TOO_LARGE, NULL);
		reply_error(&reply, &err, NULL);
	} else if (type && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0 &&
		   req->body_len > 0 && kvlist_parse_urlencoded(&req->form, req->body, req->body_len) < 0) {
		vl_err_set(&err, VL_INVALID_PARAMETER, "The request body is not valid form data.");
		reply_error(&reply, &err, NULL);
	} else if (req->query.len + req->form.len > PARAM_LIMIT) {
		vl_err_set(&err, VL_INVALID_PARAMETER, "The request has more than %d parameters.", PARAM_LIMIT);
		reply_error(&reply, &err, NULL);
	} else if (strcmp(req->path, "/") == 0) {
		rpc_handle(srv, req, &reply);
	} else if (strncmp(req->path, "/v1/", 4) == 0) {
		rest_handle(srv, req, &reply);
	} else {
		vl_err_set(&err, VL_API_NOT_FOUND, NULL);
		reply_error(&reply, &err, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &done);
	{
		int64_t latency_us = (done.tv_sec - st->started.tv_sec) * 1000000 +
				     (done.tv_nsec - st->started.tv_nsec) / 1000;

		/* only known actions become labels: request bytes must not grow the metrics */
		metrics_observe(srv->metrics, action_find(NULL, reply.action) ? reply.action : "",
				reply.code, reply.http_status, latency_us);
		const struct action *done_action = action_find(NULL, reply.action);

		log_request(srv, req, &reply, latency_us);
		console_request(req, &reply, done_action && (done_action->flags & AF_AGENT), latency_us);
	}
	text = reply.body ? json_out_dump(reply.body, NULL) : strdup("{}");
	json_decref(reply.body);
	if (text == NULL)
		return MHD_NO;
	return send_text(conn, reply.http_status, "application/json;charset=utf-8", text, &reply);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct connection_state *st = *con_cls;

	(void)version;
	if (st == NULL) {
		st = calloc(1, sizeof(*st));
		if (st == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &st->started);
		snprintf(st->req.method, sizeof(st->req.method), "%s", method);
		st->req.path = strdup(url);
		kvlist_init(&st->req.query);
		kvlist_init(&st->req.form);
		kvlist_init(&st->req.headers);
		if (st->req.path == NULL) {
			state_free(st);
			return MHD_NO;
		}
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &st->req);
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &st->req.query);
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (append_body(st, upload_data, *upload_data_size) < 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(srv, conn, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	state_free(*con_cls);
	*con_cls = NULL;
}

void *http_start(struct server *srv, const char *host, int port, struct vl_err *err)
{
	struct sockaddr_in addr;
	struct MHD_Daemon *daemon;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;

	memset(&addr, 0, sizeof(addr));
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot resolve listen address %s", host);
		return NULL;
	}
	memcpy(&addr, res->ai_addr, sizeof(addr));
	freeaddrinfo(res);
	addr.sin_port = htons((uint16_t)port);
	/*
	 * One thread per connection: a write waits for its group commit without stalling
	 * other connections, and concurrent writers form larger commit batches.
	 */
	daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
					  MHD_USE_ERROR_LOG,
				  (uint16_t)port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
				  (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				  srv, MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				  MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024), MHD_OPTION_END);
	if (daemon == NULL)
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot listen on %s:%d", host, port);
	return daemon;
}

void http_stop(void *daemon)
{
	if (daemon)
		MHD_stop_daemon(daemon);
}
