/*
 * VICI client: message codec (jansson ⇄ VICI elements) and a blocking unix-socket client
 * with one deadline per request.  See vici.h for the wire format.
 */
#include "vici.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void vici_seterr(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err, VICI_ERR_MAX, fmt, ap);
	va_end(ap);
}

/* ---- decoding ---- */

struct rd {
	const uint8_t *p;
	size_t len, pos;
};

/* Reads a 1-byte-length name into name (VICI_NAME_MAX + 1 bytes), NUL-terminated. */
static int rd_name(struct rd *r, char *name)
{
	size_t n;

	if (r->pos >= r->len)
		return -1;
	n = r->p[r->pos++];
	if (r->len - r->pos < n)
		return -1;
	memcpy(name, r->p + r->pos, n);
	name[n] = '\0';
	r->pos += n;
	return 0;
}

/* Points *v at a 2-byte-length value inside the buffer. */
static int rd_value(struct rd *r, const uint8_t **v, size_t *n)
{
	if (r->len - r->pos < 2)
		return -1;
	*n = (size_t)r->p[r->pos] << 8 | r->p[r->pos + 1];
	r->pos += 2;
	if (r->len - r->pos < *n)
		return -1;
	*v = r->p + r->pos;
	r->pos += *n;
	return 0;
}

/* A JSON string from raw bytes; bytes that keep it from being UTF-8 become '?'. */
static json_t *str_new(const uint8_t *v, size_t n)
{
	json_t *s = json_stringn((const char *)v, n);
	char *copy;

	if (s)
		return s;
	copy = malloc(n ? n : 1);
	if (!copy)
		return NULL;
	for (size_t i = 0; i < n; i++)
		copy[i] = v[i] >= 0x80 ? '?' : (char)v[i];
	s = json_stringn(copy, n);
	free(copy);
	return s;
}

/*
 * Sets obj[name] = val, stealing val (also on failure).  name holds name_len raw bytes;
 * NULs and, when the name is not UTF-8, bytes >= 0x80 are rewritten to '?'.
 */
static int obj_set(json_t *obj, char *name, size_t name_len, json_t *val)
{
	if (!val)
		return -1;
	for (size_t i = 0; i < name_len; i++)
		if (name[i] == '\0')
			name[i] = '?';
	/* json_object_set_new checks UTF-8 and drops its reference on failure */
	if (json_object_set_new(obj, name, json_incref(val)) == 0) {
		json_decref(val);
		return 0;
	}
	for (size_t i = 0; i < name_len; i++)
		if ((unsigned char)name[i] >= 0x80)
			name[i] = '?';
	return json_object_set_new_nocheck(obj, name, val);
}

json_t *vici_msg_decode(const void *data, size_t len, char *err)
{
	struct rd r = { .p = data, .len = len };
	json_t *stack[VICI_DEPTH_MAX + 1];
	json_t *root = json_object(), *list = NULL, *v;
	char name[VICI_NAME_MAX + 1];
	const uint8_t *val;
	size_t vlen;
	int depth = 0;

	if (!root) {
		vici_seterr(err, "out of memory");
		return NULL;
	}
	stack[0] = root;
	while (r.pos < r.len) {
		size_t at = r.pos;
		uint8_t t = r.p[r.pos++];

		switch (t) {
		case VICI_SECTION_START:
			if (list)
				goto misplaced;
			if (rd_name(&r, name) < 0)
				goto truncated;
			if (depth >= VICI_DEPTH_MAX) {
				vici_seterr(err, "sections nested deeper than %d at byte %zu", VICI_DEPTH_MAX, at);
				goto fail;
			}
			v = json_object();
			if (obj_set(stack[depth], name, r.p[at + 1], v) < 0)
				goto nomem;
			stack[++depth] = v; /* borrowed: the parent holds it */
			break;
		case VICI_SECTION_END:
			if (list || depth == 0)
				goto misplaced;
			depth--;
			break;
		case VICI_KEY_VALUE:
			if (list)
				goto misplaced;
			if (rd_name(&r, name) < 0 || rd_value(&r, &val, &vlen) < 0)
				goto truncated;
			if (obj_set(stack[depth], name, r.p[at + 1], str_new(val, vlen)) < 0)
				goto nomem;
			break;
		case VICI_LIST_START:
			if (list)
				goto misplaced;
			if (rd_name(&r, name) < 0)
				goto truncated;
			list = json_array();
			if (obj_set(stack[depth], name, r.p[at + 1], list) < 0)
				goto nomem;
			break; /* list is borrowed too */
		case VICI_LIST_ITEM:
			if (!list)
				goto misplaced;
			if (rd_value(&r, &val, &vlen) < 0)
				goto truncated;
			if (json_array_append_new(list, str_new(val, vlen)) < 0)
				goto nomem;
			break;
		case VICI_LIST_END:
			if (!list)
				goto misplaced;
			list = NULL;
			break;
		default:
			vici_seterr(err, "unknown element type %u at byte %zu", t, at);
			goto fail;
		misplaced:
			vici_seterr(err, "element type %u out of place at byte %zu", t, at);
			goto fail;
		truncated:
			vici_seterr(err, "element type %u at byte %zu is truncated", t, at);
			goto fail;
		}
	}
	if (depth || list) {
		vici_seterr(err, "message ends inside a %s", list ? "list" : "section");
		goto fail;
	}
	return root;
nomem:
	vici_seterr(err, "out of memory");
fail:
	json_decref(root);
	return NULL;
}

/* ---- encoding ---- */

struct wr {
	uint8_t *p;
	size_t len, cap;
	bool failed;
	char *err;
};

static void wr_bytes(struct wr *w, const void *b, size_t n)
{
	if (w->failed || n == 0)
		return;
	if (w->len + n > VICI_PACKET_MAX + 4) {
		vici_seterr(w->err, "message larger than %d bytes", VICI_PACKET_MAX);
		w->failed = true;
		return;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 256;
		uint8_t *p;

		while (cap < w->len + n)
			cap *= 2;
		p = realloc(w->p, cap);
		if (!p) {
			vici_seterr(w->err, "out of memory");
			w->failed = true;
			return;
		}
		w->p = p;
		w->cap = cap;
	}
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void wr_u8(struct wr *w, unsigned v)
{
	uint8_t b = (uint8_t)v;

	wr_bytes(w, &b, 1);
}

static void wr_name(struct wr *w, const char *name)
{
	size_t n = strlen(name);

	if (n > VICI_NAME_MAX) {
		if (!w->failed)
			vici_seterr(w->err, "name longer than %d bytes: %.40s…", VICI_NAME_MAX, name);
		w->failed = true;
		return;
	}
	wr_u8(w, (unsigned)n);
	wr_bytes(w, name, n);
}

static void wr_value(struct wr *w, const char *v, size_t n)
{
	uint8_t b[2] = { (uint8_t)(n >> 8), (uint8_t)n };

	if (n > 0xffff) {
		if (!w->failed)
			vici_seterr(w->err, "value longer than 65535 bytes");
		w->failed = true;
		return;
	}
	wr_bytes(w, b, 2);
	wr_bytes(w, v, n);
}

/* The VICI text of a scalar; false for objects, arrays and null. */
static bool scalar_text(const json_t *v, char *buf, size_t size, const char **s, size_t *n)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		*s = json_string_value(v);
		*n = json_string_length(v);
		return true;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "yes");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "no");
		break;
	default:
		return false;
	}
	*s = buf;
	*n = strlen(buf);
	return true;
}

static void wr_object(struct wr *w, const json_t *obj, int depth)
{
	const char *key, *s;
	json_t *v, *item;
	char buf[64];
	size_t n, i;

	json_object_foreach((json_t *)obj, key, v) {
		if (w->failed)
			return;
		if (json_is_null(v))
			continue;
		if (json_is_object(v)) {
			if (depth >= VICI_DEPTH_MAX) {
				vici_seterr(w->err, "sections nested deeper than %d", VICI_DEPTH_MAX);
				w->failed = true;
				return;
			}
			wr_u8(w, VICI_SECTION_START);
			wr_name(w, key);
			wr_object(w, v, depth + 1);
			wr_u8(w, VICI_SECTION_END);
		} else if (json_is_array(v)) {
			wr_u8(w, VICI_LIST_START);
			wr_name(w, key);
			json_array_foreach(v, i, item) {
				if (!scalar_text(item, buf, sizeof(buf), &s, &n)) {
					if (!w->failed)
						vici_seterr(w->err, "list %.60s holds a non-scalar", key);
					w->failed = true;
					return;
				}
				wr_u8(w, VICI_LIST_ITEM);
				wr_value(w, s, n);
			}
			wr_u8(w, VICI_LIST_END);
		} else if (scalar_text(v, buf, sizeof(buf), &s, &n)) {
			wr_u8(w, VICI_KEY_VALUE);
			wr_name(w, key);
			wr_value(w, s, n);
		}
	}
}

int vici_msg_encode(const json_t *msg, uint8_t **data, size_t *len, char *err)
{
	struct wr w = { .err = err };

	*data = NULL;
	*len = 0;
	if (msg && !json_is_object(msg)) {
		vici_seterr(err, "a VICI message must be an object");
		return -1;
	}
	if (msg)
		wr_object(&w, msg, 0);
	if (w.failed) {
		free(w.p);
		return -1;
	}
	*data = w.p;
	*len = w.len;
	return 0;
}

/* ---- packets ---- */

static bool type_named(int type)
{
	return type == VICI_CMD_REQUEST || type == VICI_EVENT_REGISTER || type == VICI_EVENT_UNREGISTER ||
	       type == VICI_EVENT;
}

static bool type_has_msg(int type)
{
	return type == VICI_CMD_REQUEST || type == VICI_CMD_RESPONSE || type == VICI_EVENT;
}

int vici_packet_decode(const void *data, size_t len, int *type, char *name, json_t **msg, char *err)
{
	struct rd r = { .p = data, .len = len };

	*msg = NULL;
	name[0] = '\0';
	if (len < 1) {
		vici_seterr(err, "empty packet");
		return -1;
	}
	*type = r.p[r.pos++];
	if (*type > VICI_EVENT) {
		vici_seterr(err, "unknown packet type %d", *type);
		return -1;
	}
	if (type_named(*type) && rd_name(&r, name) < 0) {
		vici_seterr(err, "packet type %d: truncated name", *type);
		return -1;
	}
	if (type_has_msg(*type)) {
		*msg = vici_msg_decode(r.p + r.pos, r.len - r.pos, err);
		return *msg ? 0 : -1;
	}
	if (r.pos != r.len) {
		vici_seterr(err, "packet type %d: %zu unexpected bytes", *type, r.len - r.pos);
		return -1;
	}
	return 0;
}

int vici_packet_encode(int type, const char *name, const json_t *msg, uint8_t **data, size_t *len, char *err)
{
	struct wr w = { .err = err };
	uint8_t *body = NULL;
	size_t body_len = 0, plen;

	*data = NULL;
	*len = 0;
	if (type < 0 || type > VICI_EVENT) {
		vici_seterr(err, "unknown packet type %d", type);
		return -1;
	}
	if (type_has_msg(type) && vici_msg_encode(msg, &body, &body_len, err) < 0)
		return -1;
	wr_bytes(&w, "\0\0\0\0", 4);
	wr_u8(&w, (unsigned)type);
	if (type_named(type))
		wr_name(&w, name ? name : "");
	wr_bytes(&w, body, body_len);
	free(body);
	plen = w.len - 4;
	if (!w.failed && plen > VICI_PACKET_MAX) {
		vici_seterr(err, "packet larger than %d bytes", VICI_PACKET_MAX);
		w.failed = true;
	}
	if (w.failed) {
		free(w.p);
		return -1;
	}
	w.p[0] = (uint8_t)(plen >> 24);
	w.p[1] = (uint8_t)(plen >> 16);
	w.p[2] = (uint8_t)(plen >> 8);
	w.p[3] = (uint8_t)plen;
	*data = w.p;
	*len = w.len;
	return 0;
}

/* ---- client ---- */

struct vici_conn {
	int fd;
	int timeout_ms;
	bool broken;	   /* an error left the stream at an unknown position */
	int64_t deadline; /* of the request in progress, ms on CLOCK_MONOTONIC */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on c->fd until the request's deadline. */
static int wait_fd(struct vici_conn *c, short events, char *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };

	for (;;) {
		int64_t left = c->deadline - now_ms();
		int rc;

		if (left <= 0) {
			vici_seterr(err, "VICI: no answer within %d ms", c->timeout_ms);
			return -1;
		}
		rc = poll(&pfd, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR) {
			vici_seterr(err, "VICI: poll: %s", strerror(errno));
			return -1;
		}
	}
}

static int send_all(struct vici_conn *c, const uint8_t *p, size_t n, char *err)
{
	while (n) {
		ssize_t k;

		if (wait_fd(c, POLLOUT, err) < 0)
			return -1;
		k = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vici_seterr(err, "VICI: send: %s", strerror(errno));
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int recv_all(struct vici_conn *c, uint8_t *p, size_t n, char *err)
{
	while (n) {
		ssize_t k;

		if (wait_fd(c, POLLIN, err) < 0)
			return -1;
		k = recv(c->fd, p, n, MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vici_seterr(err, "VICI: recv: %s", strerror(errno));
			return -1;
		}
		if (k == 0) {
			vici_seterr(err, "VICI: charon closed the connection");
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_packet(struct vici_conn *c, int type, const char *name, const json_t *msg, char *err)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (vici_packet_encode(type, name, msg, &buf, &len, err) < 0)
		return -1; /* nothing was sent: the stream is still in step */
	rc = send_all(c, buf, len, err);
	free(buf);
	if (rc < 0)
		c->broken = true;
	return rc;
}

/* Reads one packet; *msg as vici_packet_decode. */
static int recv_packet(struct vici_conn *c, int *type, char *name, json_t **msg, char *err)
{
	uint8_t hdr[4], *body;
	uint32_t len;
	int rc;

	*msg = NULL;
	if (recv_all(c, hdr, 4, err) < 0)
		goto broken;
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > VICI_PACKET_MAX) {
		vici_seterr(err, "VICI: bad packet length %u", len);
		goto broken;
	}
	body = malloc(len);
	if (!body) {
		vici_seterr(err, "out of memory");
		goto broken;
	}
	rc = recv_all(c, body, len, err);
	if (rc == 0)
		rc = vici_packet_decode(body, len, type, name, msg, err);
	free(body);
	if (rc < 0)
		goto broken;
	return 0;
broken:
	c->broken = true;
	return -1;
}

int vici_connect(const char *path, int timeout_ms, struct vici_conn **out, char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vici_conn *c;
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

	*out = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		vici_seterr(err, "VICI socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c) {
		vici_seterr(err, "out of memory");
		return -1;
	}
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		vici_seterr(err, "socket: %s", strerror(errno));
		free(c);
		return -1;
	}
	/* a unix-socket connect blocks only while the listen backlog is full; SO_SNDTIMEO bounds it */
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		vici_seterr(err, "VICI connect %s: %s", path, strerror(errno));
		vici_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void vici_close(struct vici_conn *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* Checks the connection can carry a new request and arms its deadline. */
static int begin(struct vici_conn *c, char *err)
{
	if (c->broken) {
		vici_seterr(err, "VICI: connection unusable after an earlier error");
		return -1;
	}
	c->deadline = now_ms() + c->timeout_ms;
	return 0;
}

/* Reads packets until the response to a command; events in between go to events (or nowhere). */
static int await_response(struct vici_conn *c, const char *cmd, const char *event, json_t *events,
			  json_t **answer, char *err)
{
	char name[VICI_NAME_MAX + 1];
	json_t *msg;
	int type;

	for (;;) {
		if (recv_packet(c, &type, name, &msg, err) < 0)
			return -1;
		switch (type) {
		case VICI_CMD_RESPONSE:
			*answer = msg;
			return 0;
		case VICI_CMD_UNKNOWN:
			vici_seterr(err, "VICI: charon does not know command %s", cmd);
			return -1;
		case VICI_EVENT:
			if (events && event && strcmp(name, event) == 0 && json_array_append_new(events, msg) == 0)
				continue;
			json_decref(msg);
			continue;
		default:
			json_decref(msg);
			vici_seterr(err, "VICI: unexpected packet type %d while waiting for %s", type, cmd);
			c->broken = true;
			return -1;
		}
	}
}

/* Registers or unregisters event and waits for charon's confirmation. */
static int event_toggle(struct vici_conn *c, int type, const char *event, char *err)
{
	char name[VICI_NAME_MAX + 1];
	json_t *msg;
	int t;

	if (send_packet(c, type, event, NULL, err) < 0)
		return -1;
	for (;;) {
		if (recv_packet(c, &t, name, &msg, err) < 0)
			return -1;
		json_decref(msg);
		if (t == VICI_EVENT_CONFIRM)
			return 0;
		if (t == VICI_EVENT_UNKNOWN) {
			vici_seterr(err, "VICI: charon does not know event %s", event);
			return -1;
		}
		if (t != VICI_EVENT) {
			vici_seterr(err, "VICI: unexpected packet type %d while (un)registering %s", t, event);
			c->broken = true;
			return -1;
		}
	}
}

int vici_request(struct vici_conn *c, const char *cmd, const json_t *args, json_t **answer, char *err)
{
	*answer = NULL;
	if (begin(c, err) < 0 || send_packet(c, VICI_CMD_REQUEST, cmd, args, err) < 0)
		return -1;
	return await_response(c, cmd, NULL, NULL, answer, err);
}

int vici_request_stream(struct vici_conn *c, const char *cmd, const char *event, const json_t *args,
			json_t **events, json_t **answer, char *err)
{
	json_t *ev = NULL, *ans = NULL;

	*events = NULL;
	if (answer)
		*answer = NULL;
	if (begin(c, err) < 0 || event_toggle(c, VICI_EVENT_REGISTER, event, err) < 0)
		return -1;
	ev = json_array();
	if (!ev) {
		vici_seterr(err, "out of memory");
		return -1;
	}
	if (send_packet(c, VICI_CMD_REQUEST, cmd, args, err) < 0 ||
	    await_response(c, cmd, event, ev, &ans, err) < 0 ||
	    event_toggle(c, VICI_EVENT_UNREGISTER, event, err) < 0) {
		json_decref(ev);
		json_decref(ans);
		return -1;
	}
	*events = ev;
	if (answer)
		*answer = ans;
	else
		json_decref(ans);
	return 0;
}
