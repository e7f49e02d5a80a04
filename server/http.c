/* libmicrohttpd glue: builds a vl_request, routes it, answers, logs and counts it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "action.h"
#include "agent.h"
#include "agent_client.h"
#include "auth.h"
#include "console.h"
#include "ids.h"
#include "json_out.h"
#include "model.h"
#include "server.h"

#define BODY_LIMIT (1024 * 1024)
/*
 * Requests that carry the agent token may be larger: the largest status report the agent
 * protocol documents (4,096 tunnels of ~500 bytes, 1,000 log lines of 4 KiB whose every
 * byte may need a 6-byte \u escape: ~27 MB) must fit.  Only a token holder gets it.
 */
#define AGENT_BODY_LIMIT (32 * 1024 * 1024)
/* far above any action's needs (20 tags, 2 tunnels); bounds the work one request can cause */
#define PARAM_LIMIT 1000
/* a query of PARAM_LIMIT parameters of 64 bytes each; longer URIs get URI_TOO_LONG */
#define URI_LIMIT (64 * 1024)
/*
 * libmicrohttpd keeps the request line, the headers and one 64-byte record per query
 * parameter in a per-connection pool; its first read buffer is half the pool. Twice
 * URI_LIMIT leaves the other half for PARAM_LIMIT records and the headers' records, so
 * every request within the limits is parsed, and every one beyond them is refused before
 * its parameters are (uri_seen). libmicrohttpd's default pool, 32 KiB, ran out at 455
 * short parameters and closed the connection without an answer.
 */
#define CONNECTION_POOL (2 * URI_LIMIT + 32 * 1024)

/*
 * One per open connection, for the request deadline: when the connection became ready
 * for its current request (accepted, or the previous answer sent), and whether that
 * request is still being received. Linked in http_daemon.watched under its lock.
 */
struct conn_watch {
	int fd;
	struct timespec ready;
	bool receiving; /* false while the request runs and its answer is sent */
	bool expired;	/* the watchdog shut the socket: run nothing more on it */
	struct conn_watch *prev, *next;
};

struct http_daemon {
	struct MHD_Daemon *mhd;
	struct server *srv;
	unsigned deadline_s;
	pthread_t watchdog;
	bool watchdog_started;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping;
	struct conn_watch *watched;
	time_t log_second; /* mhd_log's budget, under lock */
	unsigned log_count;
	unsigned long log_dropped;
};

struct connection_state {
	struct vl_request req;
	size_t body_cap;
	size_t body_limit;
	int too_large;
	bool started_request; /* on_request has seen this request's headers */
	enum vl_code refused; /* VL_OK, or why the request line was refused in uri_seen */
	struct timespec started;
};

void http_limits_defaults(struct http_limits *limits)
{
	limits->max_connections = 2000;
	limits->per_ip_connections = 200;
	limits->request_deadline_s = 30;
}

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
	if (st->too_large || st->req.body_len + len > st->body_limit) {
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

/* engine_read callback of GET /metrics: the tunnels' counters into a struct tunnel_read. */
struct tunnel_read {
	struct tunnel_counters *rows;
	size_t count;
};

static int read_tunnel_counters(struct model_ctx *m, void *arg)
{
	struct tunnel_read *tr = arg;
	struct vl_err err;

	vl_err_clear(&err);
	return dataplane_tunnel_counters(m, &tr->rows, &tr->count, &err);
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
		struct tunnel_read tr = { 0 };

		/* without the database's figures the request metrics still go out */
		engine_read(srv->engine, read_tunnel_counters, &tr);
		text = metrics_render(srv->metrics, tr.rows, tr.count);
		free(tr.rows);
		return text ? send_text(conn, 200, "text/plain; version=0.0.4", text, NULL) : MHD_NO;
	}
	type = kvlist_get_ci(&req->headers, "content-type");
	if (st->refused == VL_URI_TOO_LONG) {
		vl_err_set(&err, VL_URI_TOO_LONG, "The request URI is longer than %d bytes.", URI_LIMIT);
		reply_error(&reply, &err, NULL);
	} else if (st->refused == VL_INVALID_PARAMETER) {
		vl_err_set(&err, VL_INVALID_PARAMETER, "The request has more than %d parameters.", PARAM_LIMIT);
		reply_error(&reply, &err, NULL);
	} else if (st->too_large) {
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

/* Finds the connection's deadline record (NULL when the connection was never watched). */
static struct conn_watch *watch_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info ? info->socket_context : NULL;
}

/*
 * Moves the connection's request out of (receiving = false) or back into (true) the
 * deadline. Returns false when the deadline has already closed the connection: the request
 * must not run, its client has been told nothing.
 */
static bool watch_set_receiving(struct http_daemon *hd, struct MHD_Connection *conn, bool receiving)
{
	struct conn_watch *w = watch_of(conn);
	bool alive = true;

	if (w == NULL)
		return true;
	pthread_mutex_lock(&hd->lock);
	if (w->expired) {
		alive = false;
	} else {
		w->receiving = receiving;
		if (receiving)
			clock_gettime(CLOCK_MONOTONIC, &w->ready);
	}
	pthread_mutex_unlock(&hd->lock);
	return alive;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_daemon *hd = cls;
	struct connection_state *st = *con_cls;

	(void)version;
	if (st == NULL) /* uri_seen could not allocate it */
		return MHD_NO;
	if (!st->started_request) {
		st->started_request = true;
		clock_gettime(CLOCK_MONOTONIC, &st->started);
		snprintf(st->req.method, sizeof(st->req.method), "%s", method);
		st->req.path = strdup(url);
		if (st->req.path == NULL)
			return MHD_NO;
		MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &st->req);
		MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &st->req.query);
		st->body_limit = auth_agent_token_ok(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
										   "X-Vpnlab-Agent-Token"))
					 ? AGENT_BODY_LIMIT
					 : BODY_LIMIT;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (append_body(st, upload_data, *upload_data_size) < 0)
			return MHD_NO;
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* the whole request is in: what runs now (a lab probe may wait a minute) has no deadline */
	if (!watch_set_receiving(hd, conn, false))
		return MHD_NO;
	return answer(hd->srv, conn, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	state_free(*con_cls);
	*con_cls = NULL;
	/* a kept-alive connection waits for its next request: that one has the deadline again */
	watch_set_receiving(cls, conn, true);
}

/*
 * Called once the request line is in, before libmicrohttpd parses its query. Its return
 * value becomes the request's connection_state. A query of more than PARAM_LIMIT parameters
 * or a URI longer than URI_LIMIT is refused here: the query is cut off in libmicrohttpd's
 * buffer (its arguments are parsed after this call, from that buffer) so that their records
 * cannot exhaust the connection's pool, which would close the connection without an answer.
 * (So libmicrohttpd 0.9.75 works, Debian 12's; tests/security/http_sizes.sh tells whether
 * another version still does.)
 */
static void *uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct connection_state *st = calloc(1, sizeof(*st));
	char *query = strchr(uri, '?');

	(void)cls;
	(void)conn;
	if (st == NULL)
		return NULL;
	kvlist_init(&st->req.query);
	kvlist_init(&st->req.form);
	kvlist_init(&st->req.headers);
	st->refused = VL_OK;
	if (strlen(uri) > URI_LIMIT) {
		st->refused = VL_URI_TOO_LONG;
	} else if (query != NULL) {
		size_t params = 1;

		for (const char *p = strchr(query, '&'); p != NULL && params <= PARAM_LIMIT;
		     p = strchr(p + 1, '&'))
			params++;
		if (params > PARAM_LIMIT)
			st->refused = VL_INVALID_PARAMETER;
	}
	if (st->refused != VL_OK && query != NULL)
		query[1] = '\0';
	return st;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_daemon *hd = cls;
	struct conn_watch *w;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		w = calloc(1, sizeof(*w));
		if (w == NULL || info == NULL) { /* unwatched: MHD's idle timeout still applies */
			free(w);
			*socket_context = NULL;
			return;
		}
		w->fd = info->connect_fd;
		w->receiving = true;
		clock_gettime(CLOCK_MONOTONIC, &w->ready);
		pthread_mutex_lock(&hd->lock);
		w->next = hd->watched;
		if (hd->watched)
			hd->watched->prev = w;
		hd->watched = w;
		pthread_mutex_unlock(&hd->lock);
		*socket_context = w;
		return;
	}
	/* MHD_CONNECTION_NOTIFY_CLOSED comes before the socket is closed: the watchdog never
	 * shuts down a descriptor that was reused for another connection */
	w = *socket_context;
	if (w == NULL)
		return;
	pthread_mutex_lock(&hd->lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		hd->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&hd->lock);
	free(w);
	*socket_context = NULL;
}

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/*
 * The request deadline: libmicrohttpd's own timeout restarts with every byte, so a client
 * sending one byte a second would hold its connection (and its thread) for ever. Every
 * request must be received whole within deadline_s of its connection becoming ready;
 * otherwise its socket is shut down, which ends the connection's thread in libmicrohttpd.
 */
static void *watchdog_main(void *arg)
{
	struct http_daemon *hd = arg;
	const int64_t deadline_ms = (int64_t)hd->deadline_s * 1000;

	pthread_mutex_lock(&hd->lock);
	while (!hd->stopping) {
		struct timespec now, until;
		int64_t next_ms = deadline_ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct conn_watch *w = hd->watched; w != NULL; w = w->next) {
			int64_t left;

			if (!w->receiving || w->expired)
				continue;
			left = deadline_ms - ms_between(&w->ready, &now);
			if (left <= 0) {
				w->expired = true;
				shutdown(w->fd, SHUT_RDWR);
			} else if (left < next_ms) {
				next_ms = left;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += next_ms / 1000;
		until.tv_nsec += (next_ms % 1000) * 1000000 + 10 * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec += until.tv_nsec / 1000000000;
			until.tv_nsec %= 1000000000;
		}
		pthread_cond_timedwait(&hd->wake, &hd->lock, &until);
	}
	pthread_mutex_unlock(&hd->lock);
	return NULL;
}

/*
 * libmicrohttpd's messages, at most 10 a second: a client opening thousands of connections
 * beyond its limit must not also fill the server's log.
 */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct http_daemon *hd = cls;
	time_t now = time(NULL);
	unsigned long dropped = 0;
	bool print;

	pthread_mutex_lock(&hd->lock);
	if (now != hd->log_second) {
		dropped = hd->log_dropped;
		hd->log_second = now;
		hd->log_count = 0;
		hd->log_dropped = 0;
	}
	print = hd->log_count < 10;
	if (print)
		hd->log_count++;
	else
		hd->log_dropped++;
	pthread_mutex_unlock(&hd->lock);
	if (dropped)
		fprintf(stderr, "vpnlabd: http: %lu more messages not shown\n", dropped);
	if (print) {
		char text[512];

		vsnprintf(text, sizeof(text), fmt, ap);
		/* one call, so that lines from several connections' threads do not interleave */
		fprintf(stderr, "vpnlabd: http: %s%s", text,
			text[0] && text[strlen(text) - 1] == '\n' ? "" : "\n");
	}
}

/*
 * Every connection holds a descriptor: raises the open-files limit to fit limits, or, where
 * the hard limit does not allow it, lowers the connection limits to fit the descriptors
 * (libmicrohttpd would stop accepting anyone at the wall, instead of refusing the client
 * over its share).
 */
static void fit_fd_limit(struct http_limits *limits)
{
	const rlim_t reserve = 256; /* database, log, agent pushes */
	struct rlimit rl;
	rlim_t want = (rlim_t)limits->max_connections + reserve;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur >= want)
		return;
	limits->max_connections = rl.rlim_cur > reserve + 16 ? (unsigned)(rl.rlim_cur - reserve) : 16;
	if (limits->per_ip_connections > limits->max_connections / 2)
		limits->per_ip_connections = limits->max_connections / 2 ? limits->max_connections / 2 : 1;
	fprintf(stderr, "vpnlabd: open files limited to %llu: serving at most %u connections, %u per client\n",
		(unsigned long long)rl.rlim_cur, limits->max_connections, limits->per_ip_connections);
}

static void daemon_free(struct http_daemon *hd)
{
	if (hd == NULL)
		return;
	if (hd->mhd)
		MHD_stop_daemon(hd->mhd);
	if (hd->watchdog_started) {
		pthread_mutex_lock(&hd->lock);
		hd->stopping = true;
		pthread_cond_signal(&hd->wake);
		pthread_mutex_unlock(&hd->lock);
		pthread_join(hd->watchdog, NULL);
	}
	pthread_cond_destroy(&hd->wake);
	pthread_mutex_destroy(&hd->lock);
	free(hd);
}

void *http_start(struct server *srv, const char *host, int port, const struct http_limits *limits,
		 struct vl_err *err)
{
	struct sockaddr_in addr;
	struct http_daemon *hd;
	struct http_limits fitted;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	pthread_condattr_t cattr;

	memset(&addr, 0, sizeof(addr));
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot resolve listen address %s", host);
		return NULL;
	}
	memcpy(&addr, res->ai_addr, sizeof(addr));
	freeaddrinfo(res);
	addr.sin_port = htons((uint16_t)port);
	hd = calloc(1, sizeof(*hd));
	if (hd == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "out of memory");
		return NULL;
	}
	hd->srv = srv;
	hd->deadline_s = limits->request_deadline_s;
	pthread_mutex_init(&hd->lock, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&hd->wake, &cattr);
	pthread_condattr_destroy(&cattr);
	if (pthread_create(&hd->watchdog, NULL, watchdog_main, hd) != 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot start the request deadline thread");
		goto fail;
	}
	hd->watchdog_started = true;
	fitted = *limits;
	fit_fd_limit(&fitted);
	/*
	 * One thread per connection: a write waits for its group commit without stalling
	 * other connections, and concurrent writers form larger commit batches. poll(), not
	 * select(): connections may use descriptors above FD_SETSIZE. The per-client limit
	 * keeps one client from taking every slot; the deadline (watchdog_main) frees slots
	 * that trickle; libmicrohttpd's idle timeout only bounds a client that reads its answer
	 * slowly.
	 */
	hd->mhd = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
			MHD_USE_ERROR_LOG,
		(uint16_t)port, NULL, NULL, on_request, hd,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, hd, /* first, to cover the other options */
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, hd,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, hd,
		MHD_OPTION_URI_LOG_CALLBACK, uri_seen, hd,
		MHD_OPTION_CONNECTION_LIMIT, fitted.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, fitted.per_ip_connections,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_POOL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
		MHD_OPTION_END);
	if (hd->mhd == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot listen on %s:%d", host, port);
		goto fail;
	}
	return hd;
fail:
	daemon_free(hd);
	return NULL;
}

void http_stop(void *daemon)
{
	daemon_free(daemon);
}
