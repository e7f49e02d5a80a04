/*
 * loadgen: HTTP/1.1 keep-alive load generator for the vpnlab benchmarks.
 *
 * One thread drives every connection through edge-triggered epoll.  The
 * benchmark machines have two cores shared by the client and the server, so
 * the client must cost as little CPU as possible: no thread per connection,
 * no epoll_ctl per request, no copy of response bodies.
 *
 * Each connection has at most one request in flight (no pipelining), so the
 * latency of a request is the time from its first byte written to its last
 * response byte parsed.  Percentiles are computed from every sample.
 *
 * Templates: in the URL's path/query and in the body, {n} becomes the global
 * request sequence number (0, 1, 2, ...) and {a} {b} {c} become its bytes
 * (n>>16)&255, (n>>8)&255 and n&255, so a server can be sent distinct CIDRs
 * such as 10.{b}.{c}.0/24.
 *
 * Output, one line on stdout:
 *   LABEL requests=R seconds=S rps=X p50_ms=A p99_ms=B non2xx=K \
 *         s2xx=.. s3xx=.. s4xx=.. s5xx=.. errors=E max_ms=M
 * "requests" counts complete responses of any status; "errors" counts
 * requests that got no complete response (reset, timeout, bad framing).
 *
 * Build: cc -O2 -o build/bench/loadgen bench/loadgen.c -lpthread
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX	(64 * 1024)	/* largest response head accepted */
#define IN_INIT		(16 * 1024)	/* initial receive buffer per connection */
#define SAMPLE_MAX	300		/* bytes of the first non-2xx body kept */
#define MAX_EVENTS	128

/* ---- growable byte buffer ---------------------------------------------- */

struct buf {
	char *p;
	size_t len;
	size_t cap;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		fprintf(stderr, "loadgen: out of memory\n");
		exit(1);
	}
	return q;
}

static void buf_reserve(struct buf *b, size_t extra)
{
	size_t cap;

	if (b->len + extra <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void buf_add(struct buf *b, const char *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addu(struct buf *b, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

/* ---- templates --------------------------------------------------------- */

enum tvar { T_LIT, T_N, T_A, T_B, T_C };

struct tseg {
	enum tvar var;
	const char *lit;	/* points into the template string, T_LIT only */
	size_t len;
};

struct tmpl {
	struct tseg *seg;
	size_t nseg;
};

static void tmpl_push(struct tmpl *t, enum tvar var, const char *lit, size_t len)
{
	if (var == T_LIT && len == 0)
		return;
	t->seg = xrealloc(t->seg, (t->nseg + 1) * sizeof(*t->seg));
	t->seg[t->nseg++] = (struct tseg){ .var = var, .lit = lit, .len = len };
}

/*
 * Splits s into literal runs and {n}/{a}/{b}/{c} placeholders, once, so the
 * per-request cost is a few memcpy calls.  s must outlive t.  Anything else
 * in braces stays literal (JSON bodies contain braces).
 */
static void tmpl_compile(struct tmpl *t, const char *s)
{
	const char *lit = s;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		enum tvar v;

		if (p[0] != '{' || p[1] == '\0' || p[2] != '}')
			continue;
		switch (p[1]) {
		case 'n': v = T_N; break;
		case 'a': v = T_A; break;
		case 'b': v = T_B; break;
		case 'c': v = T_C; break;
		default: continue;
		}
		tmpl_push(t, T_LIT, lit, (size_t)(p - lit));
		tmpl_push(t, v, NULL, 0);
		p += 2;
		lit = p + 1;
	}
	tmpl_push(t, T_LIT, lit, (size_t)(p - lit));
}

static void tmpl_render(struct buf *b, const struct tmpl *t, uint64_t n)
{
	size_t i;

	for (i = 0; i < t->nseg; i++) {
		const struct tseg *s = &t->seg[i];

		switch (s->var) {
		case T_LIT: buf_add(b, s->lit, s->len); break;
		case T_N: buf_addu(b, n); break;
		case T_A: buf_addu(b, (n >> 16) & 255); break;
		case T_B: buf_addu(b, (n >> 8) & 255); break;
		case T_C: buf_addu(b, n & 255); break;
		}
	}
}

/* ---- state ------------------------------------------------------------- */

/* Where the response parser is within the current response. */
enum pstate {
	P_HEAD,		/* waiting for the blank line ending the head */
	P_BODY,		/* Content-Length body, body_left bytes to go */
	P_CHUNK_SIZE,	/* waiting for a chunk-size line */
	P_CHUNK_DATA,	/* inside a chunk, body_left bytes to go */
	P_CHUNK_CRLF,	/* CRLF after chunk data */
	P_TRAILER,	/* trailer lines until an empty line */
	P_EOF,		/* body delimited by connection close */
};

struct conn {
	int fd;
	uint32_t gen;		/* bumped on close, so stale epoll events are dropped */
	bool connecting;
	bool busy;		/* a request is in flight */
	uint64_t t_send;	/* when the request's first byte was written */
	uint64_t t_conn;	/* when the connect started */

	struct buf out;		/* the request being written */
	size_t out_off;

	char *in;		/* received, not yet parsed bytes */
	size_t in_len;
	size_t in_cap;

	enum pstate ps;
	int status;
	uint64_t body_left;
	bool close_after;	/* server will close after this response */
};

struct opts {
	const char *url;
	const char *method;
	const char **headers;
	size_t nheaders;
	const char *body;
	long connections;
	double duration;	/* seconds, used when requests == 0 */
	uint64_t requests;
	double timeout;		/* seconds per request */
	const char *label;
};

static struct {
	struct opts o;
	struct addrinfo *ai;
	int ep;
	struct conn *conns;

	struct tmpl path_t;	/* path and query */
	struct tmpl body_t;
	bool has_body;
	struct buf head_tail;	/* " HTTP/1.1\r\nHost: ...\r\n<headers>" */
	struct buf scratch;	/* rendered body */

	uint64_t deadline;	/* duration mode only */
	uint64_t issued;	/* next sequence number */
	uint64_t inflight;
	uint64_t done;
	uint64_t errors;
	uint64_t cls[6];	/* index = status / 100, 0 = out of range */
	bool fatal;

	uint64_t *lat;		/* nanoseconds, one per complete response */
	size_t nlat;
	size_t caplat;

	bool reported;		/* first error already printed */
	int sample_status;	/* first non-2xx status seen, 0 = none */
	struct buf sample;	/* start of its body */
	bool sampling;		/* the current response feeds g.sample */
	struct conn *sampler;
} g;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Prints the first problem only: a broken server would otherwise flood stderr. */
static void report(const char *what, const char *detail)
{
	if (g.reported)
		return;
	g.reported = true;
	fprintf(stderr, "loadgen: %s%s%s (further errors are only counted)\n",
		what, detail ? ": " : "", detail ? detail : "");
}

/* Whether a new request may start now. */
static bool may_issue(void)
{
	if (g.fatal)
		return false;
	if (g.o.requests != 0)
		return g.issued < g.o.requests;
	return now_ns() < g.deadline;
}

static void conn_next(struct conn *c);
static void conn_fail(struct conn *c, const char *why, const char *detail);

/* ---- connection lifecycle ---------------------------------------------- */

static void conn_reset_parser(struct conn *c)
{
	c->ps = P_HEAD;
	c->status = 0;
	c->body_left = 0;
	c->close_after = false;
}

static void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);	/* also removes it from the epoll set */
	c->fd = -1;
	c->gen++;
	c->connecting = false;
	if (c->busy) {
		c->busy = false;
		g.inflight--;
	}
	c->in_len = 0;
	c->out.len = 0;
	c->out_off = 0;
	if (g.sampler == c)
		g.sampling = false;
	conn_reset_parser(c);
}

/* Starts a non-blocking connect; the request goes out once it completes. */
static int conn_open(struct conn *c)
{
	struct epoll_event ev;
	int one = 1;
	int fd;

	fd = socket(g.ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		report("socket", strerror(errno));
		return -1;
	}
	/* Requests are written in one send; do not let Nagle hold a partial one. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, g.ai->ai_addr, g.ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		report("connect", strerror(errno));
		close(fd);
		return -1;
	}
	c->fd = fd;
	c->connecting = true;
	c->t_conn = now_ns();
	/*
	 * Edge-triggered and registered once for both directions: the connection
	 * never needs an epoll_ctl again until it is closed.
	 */
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.u64 = ((uint64_t)c->gen << 32) | (uint64_t)(c - g.conns);
	if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		report("epoll_ctl", strerror(errno));
		conn_close(c);
		return -1;
	}
	return 0;
}

/* Closes c and, while there is work left, opens it again. */
static void conn_reopen(struct conn *c)
{
	conn_close(c);
	if (!may_issue())
		return;
	/* A server that refuses new connections mid-run has gone away: stop. */
	if (conn_open(c) < 0)
		g.fatal = true;
}

/* The request in flight on c will get no response; count it and start over. */
static void conn_fail(struct conn *c, const char *why, const char *detail)
{
	if (c->busy)
		g.errors++;
	report(why, detail);
	conn_reopen(c);
}

/* After a send or recv (op) on c failed: true when a signal interrupted it, to be tried
 * again at once; false when it would block (epoll resumes it) or failed (the request is
 * counted as an error and c reopened). */
static bool io_interrupted(struct conn *c, const char *op)
{
	if (errno == EINTR)
		return true;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		conn_fail(c, op, strerror(errno));
	return false;
}

/* Writes what is left of the request; EPOLLOUT resumes it after EAGAIN. */
static void conn_flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t w = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);

		if (w >= 0) {
			c->out_off += (size_t)w;
			continue;
		}
		if (io_interrupted(c, "send"))
			continue;
		return;
	}
}

/* Builds request number g.issued into c->out. */
static void build_request(struct conn *c, uint64_t n)
{
	struct buf *b = &c->out;

	b->len = 0;
	c->out_off = 0;
	buf_adds(b, g.o.method);
	buf_add(b, " ", 1);
	tmpl_render(b, &g.path_t, n);
	buf_add(b, g.head_tail.p, g.head_tail.len);
	if (g.has_body) {
		g.scratch.len = 0;
		tmpl_render(&g.scratch, &g.body_t, n);
		buf_adds(b, "Content-Length: ");
		buf_addu(b, g.scratch.len);
		buf_adds(b, "\r\n\r\n");
		buf_add(b, g.scratch.p, g.scratch.len);
	} else {
		buf_adds(b, "\r\n");
	}
}

/* Sends the next request on an open, idle connection, if one may start. */
static void conn_next(struct conn *c)
{
	if (!may_issue())
		return;
	build_request(c, g.issued++);
	c->busy = true;
	g.inflight++;
	conn_reset_parser(c);
	c->t_send = now_ns();
	conn_flush(c);
}

/* ---- response parsing -------------------------------------------------- */

/* Keeps the start of the first non-2xx body, so the run can say why. */
static void body_bytes(struct conn *c, const char *p, size_t n)
{
	size_t room;

	if (!g.sampling || g.sampler != c)
		return;
	room = SAMPLE_MAX - g.sample.len;
	buf_add(&g.sample, p, n < room ? n : room);
}

static void resp_done(struct conn *c)
{
	uint64_t lat = now_ns() - c->t_send;
	int cls = c->status / 100;

	if (g.sampler == c)
		g.sampling = false;
	if (g.nlat == g.caplat) {
		g.caplat = g.caplat ? g.caplat * 2 : 65536;
		g.lat = xrealloc(g.lat, g.caplat * sizeof(*g.lat));
	}
	g.lat[g.nlat++] = lat;
	g.cls[cls >= 1 && cls <= 5 ? cls : 0]++;
	g.done++;
	c->busy = false;
	g.inflight--;

	if (c->in_len != 0) {
		/* Bytes nobody asked for: the framing is wrong, trust nothing after. */
		g.errors++;
		report("unexpected bytes after a response", NULL);
		conn_reopen(c);
		return;
	}
	if (c->close_after) {
		conn_reopen(c);
		return;
	}
	conn_next(c);
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return n == strlen(name) && strncasecmp(p, name, n) == 0;
}

/* Case-insensitive token search in a header value of length n. */
static bool value_has(const char *v, size_t n, const char *tok)
{
	size_t tl = strlen(tok);
	size_t i;

	for (i = 0; i + tl <= n; i++)
		if (strncasecmp(v + i, tok, tl) == 0)
			return true;
	return false;
}

/*
 * Parses the response head in c->in[0..hlen) (ending with the blank line).
 * Returns 0, or -1 on a malformed head.
 */
static int parse_head(struct conn *c, const char *h, size_t hlen)
{
	const char *end = h + hlen;
	const char *line = h;
	const char *eol;
	bool http10, keepalive = false, chunked = false, have_cl = false;
	uint64_t cl = 0;

	eol = memmem(line, (size_t)(end - line), "\r\n", 2);
	if (eol == NULL || eol - line < 12 || memcmp(line, "HTTP/1.", 7) != 0 ||
	    line[8] != ' ' || !isdigit((unsigned char)line[9]) ||
	    !isdigit((unsigned char)line[10]) || !isdigit((unsigned char)line[11]))
		return -1;
	http10 = line[7] == '0';
	c->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');

	for (line = eol + 2; line < end; line = eol + 2) {
		const char *colon, *v, *ve;

		eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		if (eol == NULL)
			return -1;
		if (eol == line)
			break;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL)
			return -1;
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		if (name_is(line, (size_t)(colon - line), "content-length")) {
			char num[24];
			char *e;

			if (ve - v == 0 || ve - v >= (long)sizeof(num))
				return -1;
			memcpy(num, v, (size_t)(ve - v));
			num[ve - v] = '\0';
			errno = 0;
			cl = strtoull(num, &e, 10);
			if (*e != '\0' || errno != 0 || !isdigit((unsigned char)num[0]))
				return -1;
			have_cl = true;
		} else if (name_is(line, (size_t)(colon - line), "transfer-encoding")) {
			chunked = value_has(v, (size_t)(ve - v), "chunked");
		} else if (name_is(line, (size_t)(colon - line), "connection")) {
			if (value_has(v, (size_t)(ve - v), "close"))
				c->close_after = true;
			if (value_has(v, (size_t)(ve - v), "keep-alive"))
				keepalive = true;
		}
	}
	if (http10 && !keepalive)
		c->close_after = true;

	/* RFC 9112 6.3: no body for 1xx/204/304; chunked wins over Content-Length. */
	if (c->status < 200 || c->status == 204 || c->status == 304) {
		c->body_left = 0;
		c->ps = P_BODY;
	} else if (chunked) {
		c->ps = P_CHUNK_SIZE;
	} else if (have_cl) {
		c->body_left = cl;
		c->ps = P_BODY;
	} else {
		c->ps = P_EOF;
		c->close_after = true;
	}
	if (c->status / 100 != 2 && c->status >= 200 && g.sample_status == 0) {
		g.sample_status = c->status;
		g.sampling = true;
		g.sampler = c;
	}
	return 0;
}

/* Parses a chunk-size line (hex, optional ";ext"); -1 if malformed. */
static int parse_chunk_size(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i, digits = 0;

	for (i = 0; i < n && isxdigit((unsigned char)p[i]); i++, digits++) {
		if (digits == 15)
			return -1;
		v = v * 16 + (uint64_t)(isdigit((unsigned char)p[i]) ? p[i] - '0'
					 : tolower((unsigned char)p[i]) - 'a' + 10);
	}
	if (digits == 0)
		return -1;
	for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i < n && p[i] != ';')
		return -1;
	*out = v;
	return 0;
}

/*
 * Consumes as much of c->in as the current state allows.  Calls resp_done
 * (which may send the next request or reopen c) when a response is complete.
 */
static void conn_parse(struct conn *c)
{
	size_t off = 0;
	bool complete = false;

	while (!complete) {
		const char *p = c->in + off;
		size_t avail = c->in_len - off;
		const char *eol;
		size_t take;

		switch (c->ps) {
		case P_HEAD:
			eol = memmem(p, avail, "\r\n\r\n", 4);
			if (eol == NULL) {
				if (avail >= HEAD_MAX) {
					conn_fail(c, "response head too large", NULL);
					return;
				}
				goto need_more;
			}
			if (parse_head(c, p, (size_t)(eol - p) + 4) < 0) {
				conn_fail(c, "malformed response head", NULL);
				return;
			}
			off += (size_t)(eol - p) + 4;
			if (c->status < 200) {
				/* Interim (100 Continue): the real response follows. */
				conn_reset_parser(c);
			} else if (c->ps == P_BODY && c->body_left == 0) {
				complete = true;
			}
			break;
		case P_BODY:
		case P_CHUNK_DATA:
			if (avail == 0)
				goto need_more;
			take = avail < c->body_left ? avail : (size_t)c->body_left;
			body_bytes(c, p, take);
			off += take;
			c->body_left -= take;
			if (c->body_left == 0) {
				if (c->ps == P_BODY)
					complete = true;
				else
					c->ps = P_CHUNK_CRLF;
			}
			break;
		case P_CHUNK_CRLF:
			if (avail < 2)
				goto need_more;
			if (p[0] != '\r' || p[1] != '\n') {
				conn_fail(c, "malformed chunk", NULL);
				return;
			}
			off += 2;
			c->ps = P_CHUNK_SIZE;
			break;
		case P_CHUNK_SIZE:
			eol = memmem(p, avail, "\r\n", 2);
			if (eol == NULL) {
				if (avail > 1024) {
					conn_fail(c, "chunk-size line too long", NULL);
					return;
				}
				goto need_more;
			}
			if (parse_chunk_size(p, (size_t)(eol - p), &c->body_left) < 0) {
				conn_fail(c, "malformed chunk size", NULL);
				return;
			}
			off += (size_t)(eol - p) + 2;
			c->ps = c->body_left == 0 ? P_TRAILER : P_CHUNK_DATA;
			break;
		case P_TRAILER:
			eol = memmem(p, avail, "\r\n", 2);
			if (eol == NULL) {
				if (avail > HEAD_MAX) {
					conn_fail(c, "trailer too large", NULL);
					return;
				}
				goto need_more;
			}
			off += (size_t)(eol - p) + 2;
			if (eol == p)
				complete = true;
			break;
		case P_EOF:
			body_bytes(c, p, avail);
			off += avail;
			goto need_more;
		}
	}
need_more:
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	if (complete)
		resp_done(c);
}

/* The peer closed its side. */
static void conn_eof(struct conn *c)
{
	if (c->busy && c->ps == P_EOF && c->in_len == 0) {
		resp_done(c);	/* close_after is set: it reopens c */
		return;
	}
	if (c->busy) {
		conn_fail(c, "connection closed before the response was complete", NULL);
		return;
	}
	/* An idle keep-alive connection timed out on the server: harmless. */
	conn_reopen(c);
}

static void conn_read(struct conn *c)
{
	uint32_t gen = c->gen;

	for (;;) {
		ssize_t r;

		if (c->in_len == c->in_cap) {
			if (c->in_cap >= HEAD_MAX + IN_INIT) {
				conn_fail(c, "response head too large", NULL);
				return;
			}
			c->in_cap = c->in_cap ? c->in_cap * 2 : IN_INIT;
			c->in = xrealloc(c->in, c->in_cap);
		}
		r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
		if (r > 0) {
			c->in_len += (size_t)r;
			if (c->busy) {
				conn_parse(c);
			} else {
				g.errors++;
				report("bytes received with no request in flight", NULL);
				conn_reopen(c);
			}
			if (c->gen != gen)
				return;
			continue;
		}
		if (r == 0) {
			conn_eof(c);
			return;
		}
		if (io_interrupted(c, "recv"))
			continue;
		return;
	}
}

static void conn_event(struct conn *c, uint32_t events)
{
	uint32_t gen = c->gen;

	if (c->connecting) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			report("connect", strerror(err));
			conn_close(c);
			g.fatal = true;
			return;
		}
		c->connecting = false;
		conn_next(c);
		if (c->gen != gen)
			return;
	}
	if ((events & EPOLLOUT) && c->busy && c->out_off < c->out.len) {
		conn_flush(c);
		if (c->gen != gen)
			return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

/* Fails requests (and connects) older than --timeout. */
static void check_timeouts(uint64_t now)
{
	uint64_t limit = (uint64_t)(g.o.timeout * 1e9);
	long i;

	for (i = 0; i < g.o.connections; i++) {
		struct conn *c = &g.conns[i];

		if (c->connecting && now - c->t_conn > limit) {
			report("connect", "timed out");
			conn_close(c);
			g.fatal = true;
		} else if (c->busy && now - c->t_send > limit) {
			conn_fail(c, "request timed out", NULL);
		}
	}
}

/* ---- setup and report -------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen --url http://HOST:PORT/PATH?QUERY [options]\n"
		"  --method GET|POST        (default GET)\n"
		"  --header 'Name: value'   extra request header, repeatable\n"
		"  --body STRING            request body (POST); Content-Type defaults to\n"
		"                           application/x-www-form-urlencoded\n"
		"  --connections N          keep-alive connections (default 1)\n"
		"  --duration SECONDS       run for this long (default 10)\n"
		"  --requests N             or send exactly N requests\n"
		"  --timeout SECONDS        per request (default 30)\n"
		"  --label TEXT             first word of the output line\n"
		"URL path/query and body templates: {n} sequence number, {a} {b} {c}\n"
		"its bytes (n>>16)&255, (n>>8)&255, n&255.\n");
}

/*
 * Splits the URL into host, port and path, resolves the host and builds the
 * constant part of the request head.  Returns 0 or -1 (message printed).
 */
static int setup_url(const char *url)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	char host[256], port[16] = "80";
	const char *auth, *path, *hp_end, *colon;
	size_t hlen;
	bool has_ct = false;
	size_t i;
	int rc;

	if (strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "loadgen: only http:// URLs are supported\n");
		return -1;
	}
	auth = url + 7;
	path = strchr(auth, '/');
	if (path == NULL)
		path = auth + strlen(auth);
	hp_end = path;
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(hp_end - auth));

		if (rb == NULL)
			goto bad;
		hlen = (size_t)(rb - auth - 1);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, auth + 1, hlen);
		colon = rb + 1 < hp_end && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(auth, ':', (size_t)(hp_end - auth));
		hlen = (size_t)((colon ? colon : hp_end) - auth);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, auth, hlen);
	}
	host[hlen] = '\0';
	if (colon != NULL) {
		size_t plen = (size_t)(hp_end - colon - 1);

		if (plen == 0 || plen >= sizeof(port))
			goto bad;
		memcpy(port, colon + 1, plen);
		port[plen] = '\0';
	}
	if (hlen == 0)
		goto bad;

	rc = getaddrinfo(host, port, &hints, &g.ai);
	if (rc != 0) {
		fprintf(stderr, "loadgen: %s:%s: %s\n", host, port, gai_strerror(rc));
		return -1;
	}

	tmpl_compile(&g.path_t, *path ? path : "/");

	buf_adds(&g.head_tail, " HTTP/1.1\r\nHost: ");
	buf_add(&g.head_tail, auth, (size_t)(hp_end - auth));
	buf_adds(&g.head_tail, "\r\n");
	for (i = 0; i < g.o.nheaders; i++) {
		if (strncasecmp(g.o.headers[i], "content-type:", 13) == 0)
			has_ct = true;
		buf_adds(&g.head_tail, g.o.headers[i]);
		buf_adds(&g.head_tail, "\r\n");
	}
	/* Alibaba RPC takes form bodies; say so unless the caller chose. */
	if (g.has_body && !has_ct)
		buf_adds(&g.head_tail, "Content-Type: application/x-www-form-urlencoded\r\n");
	return 0;
bad:
	fprintf(stderr, "loadgen: bad URL: %s\n", url);
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of the sorted samples, in milliseconds. */
static double pct_ms(double p)
{
	size_t rank;

	if (g.nlat == 0)
		return 0;
	rank = (size_t)(p / 100.0 * (double)g.nlat + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > g.nlat)
		rank = g.nlat;
	return (double)g.lat[rank - 1] / 1e6;
}

static bool parse_num(const char *s, double min, double max, double *out)
{
	char *e;
	double v;

	errno = 0;
	v = strtod(s, &e);
	if (errno != 0 || e == s || *e != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A numeric option's value s in min..max (a whole number when whole) into *out; else says
 * complaint on stderr and returns false. */
static bool option_num(const char *s, double min, double max, bool whole,
		       const char *complaint, double *out)
{
	if (parse_num(s, min, max, out) && (!whole || *out == (double)(uint64_t)*out))
		return true;
	fprintf(stderr, "loadgen: %s\n", complaint);
	return false;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "method", required_argument, NULL, 'm' },
		{ "header", required_argument, NULL, 'H' },
		{ "body", required_argument, NULL, 'b' },
		{ "connections", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "requests", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "label", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct epoll_event evs[MAX_EVENTS];
	uint64_t t_start, t_end, last_check;
	bool have_duration = false;
	double v;
	double secs;
	long i;
	int opt;
	int ret = 1;

	g.o.method = "GET";
	g.o.connections = 1;
	g.o.duration = 10;
	g.o.timeout = 30;
	g.o.label = "loadgen";
	g.ep = -1;

	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 'u': g.o.url = optarg; break;
		case 'm':
			if (strcmp(optarg, "GET") != 0 && strcmp(optarg, "POST") != 0) {
				fprintf(stderr, "loadgen: --method must be GET or POST\n");
				return 2;
			}
			g.o.method = optarg;
			break;
		case 'H':
			if (strchr(optarg, ':') == NULL || strpbrk(optarg, "\r\n") != NULL) {
				fprintf(stderr, "loadgen: bad --header '%s'\n", optarg);
				return 2;
			}
			g.o.headers = xrealloc(g.o.headers, (g.o.nheaders + 1) * sizeof(char *));
			g.o.headers[g.o.nheaders++] = optarg;
			break;
		case 'b': g.o.body = optarg; break;
		case 'c':
			if (!option_num(optarg, 1, 10000, true, "--connections must be 1..10000", &v))
				return 2;
			g.o.connections = (long)v;
			break;
		case 'd':
			if (!option_num(optarg, 0.001, 86400, false, "bad --duration", &v))
				return 2;
			g.o.duration = v;
			have_duration = true;
			break;
		case 'n':
			if (!option_num(optarg, 1, 1e12, true, "bad --requests", &v))
				return 2;
			g.o.requests = (uint64_t)v;
			break;
		case 't':
			if (!option_num(optarg, 0.001, 86400, false, "bad --timeout", &v))
				return 2;
			g.o.timeout = v;
			break;
		case 'l': g.o.label = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (g.o.url == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (have_duration && g.o.requests != 0) {
		fprintf(stderr, "loadgen: give --duration or --requests, not both\n");
		return 2;
	}
	g.has_body = g.o.body != NULL || strcmp(g.o.method, "POST") == 0;
	tmpl_compile(&g.body_t, g.o.body ? g.o.body : "");
	if (setup_url(g.o.url) < 0)
		goto out;

	signal(SIGPIPE, SIG_IGN);
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	if (g.ep < 0) {
		perror("loadgen: epoll_create1");
		goto out;
	}
	g.conns = calloc((size_t)g.o.connections, sizeof(*g.conns));
	if (g.conns == NULL) {
		fprintf(stderr, "loadgen: out of memory\n");
		goto out;
	}
	for (i = 0; i < g.o.connections; i++)
		g.conns[i].fd = -1;

	t_start = now_ns();
	g.deadline = t_start + (uint64_t)(g.o.duration * 1e9);
	for (i = 0; i < g.o.connections; i++) {
		if (conn_open(&g.conns[i]) < 0) {
			g.fatal = true;
			break;
		}
	}

	last_check = t_start;
	while (!g.fatal) {
		int n, k, wait_ms = 100;
		uint64_t now = now_ns();

		if (!may_issue() && g.inflight == 0)
			break;
		if (g.o.requests == 0 && now < g.deadline) {
			uint64_t left_ms = (g.deadline - now) / 1000000 + 1;

			if (left_ms < (uint64_t)wait_ms)
				wait_ms = (int)left_ms;
		}
		n = epoll_wait(g.ep, evs, MAX_EVENTS, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("loadgen: epoll_wait");
			goto out;
		}
		for (k = 0; k < n; k++) {
			struct conn *c = &g.conns[evs[k].data.u64 & 0xffffffffu];

			/* The connection was closed earlier in this batch: stale event. */
			if (c->gen != (uint32_t)(evs[k].data.u64 >> 32))
				continue;
			conn_event(c, evs[k].events);
		}
		now = now_ns();
		if (now - last_check >= 100000000u) {
			check_timeouts(now);
			last_check = now;
		}
		/* Idle connections pick up work again, e.g. after a reconnect. */
		for (i = 0; i < g.o.connections && may_issue(); i++) {
			struct conn *c = &g.conns[i];

			if (c->fd >= 0 && !c->connecting && !c->busy)
				conn_next(c);
			else if (c->fd < 0 && conn_open(c) < 0)
				g.fatal = true;
		}
	}
	t_end = now_ns();
	if (g.fatal)
		g.errors += g.inflight;

	qsort(g.lat, g.nlat, sizeof(*g.lat), cmp_u64);
	secs = (double)(t_end - t_start) / 1e9;
	printf("%s requests=%llu seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%llu"
	       " s2xx=%llu s3xx=%llu s4xx=%llu s5xx=%llu errors=%llu max_ms=%.3f\n",
	       g.o.label, (unsigned long long)g.done, secs,
	       secs > 0 ? (double)g.done / secs : 0.0, pct_ms(50), pct_ms(99),
	       (unsigned long long)(g.done - g.cls[2]),
	       (unsigned long long)g.cls[2], (unsigned long long)g.cls[3],
	       (unsigned long long)g.cls[4], (unsigned long long)g.cls[5],
	       (unsigned long long)g.errors, g.nlat ? (double)g.lat[g.nlat - 1] / 1e6 : 0.0);
	fflush(stdout);
	if (g.sample_status != 0)
		fprintf(stderr, "loadgen: %s: first non-2xx response: %d %.*s\n", g.o.label,
			g.sample_status, (int)g.sample.len, g.sample.p ? g.sample.p : "");
	ret = g.fatal || g.done == 0 ? 1 : 0;
out:
	if (g.conns != NULL)
		for (i = 0; i < g.o.connections; i++)
			if (g.conns[i].fd >= 0)
				close(g.conns[i].fd);
	if (g.ep >= 0)
		close(g.ep);
	if (g.ai != NULL)
		freeaddrinfo(g.ai);
	return ret;
}
