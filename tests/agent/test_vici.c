/*
 * VICI codec and client (dataplane-agent/vici.c): byte vectors written from the protocol
 * description, round trips, malformed input, and the client's packet sequences against a
 * scripted server on a unix socket (no charon needed).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vici.h"

Suite *vici_suite(void);

/* ---- byte vectors ---- */

struct vector {
	const char *name;
	const char *json;
	const uint8_t *bytes;
	size_t len;
};

/* {"key1":"value1","section1":{"sub-section":{"key2":"value2"},"list1":["item1","item2"]}} */
static const uint8_t v_readme[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};
static const uint8_t v_empty_value[] = { 3, 1, 'k', 0, 0 };
static const uint8_t v_empty_list[] = { 4, 1, 'l', 6 };
static const uint8_t v_empty_section[] = { 1, 1, 's', 2 };

static const struct vector vectors[] = {
	{ "readme", "{\"key1\":\"value1\",\"section1\":{\"sub-section\":{\"key2\":\"value2\"},"
		    "\"list1\":[\"item1\",\"item2\"]}}", v_readme, sizeof(v_readme) },
	{ "empty message", "{}", (const uint8_t *)"", 0 },
	{ "empty value", "{\"k\":\"\"}", v_empty_value, sizeof(v_empty_value) },
	{ "empty list", "{\"l\":[]}", v_empty_list, sizeof(v_empty_list) },
	{ "empty section", "{\"s\":{}}", v_empty_section, sizeof(v_empty_section) },
};

START_TEST(test_vectors)
{
	const struct vector *v = &vectors[_i];
	json_t *want = json_loads(v->json, 0, NULL), *got;
	char err[VICI_ERR_MAX] = "";
	uint8_t *enc;
	size_t len;

	ck_assert_ptr_nonnull(want);
	got = vici_msg_decode(v->bytes, v->len, err);
	ck_assert_msg(got, "%s: decode failed: %s", v->name, err);
	ck_assert_msg(json_equal(got, want), "%s: decoded %s", v->name, json_dumps(got, JSON_COMPACT));
	ck_assert_int_eq(vici_msg_encode(want, &enc, &len, err), 0);
	ck_assert_msg(len == v->len && (len == 0 || memcmp(enc, v->bytes, len) == 0), "%s: encoding differs",
		      v->name);
	free(enc);
	json_decref(got);
	json_decref(want);
}
END_TEST

/* ---- encoding of non-string values ---- */

START_TEST(test_encode_scalars)
{
	json_t *in = json_pack("{s:i,s:b,s:b,s:n,s:[s,i],s:{s:s}}", "timeout", -1, "force", 1, "noblock", 0, "skip",
			       "list", "a", 7, "sec", "k", "v");
	json_t *want = json_pack("{s:s,s:s,s:s,s:[s,s],s:{s:s}}", "timeout", "-1", "force", "yes", "noblock", "no",
				 "list", "a", "7", "sec", "k", "v");
	char err[VICI_ERR_MAX];
	uint8_t *enc;
	size_t len;
	json_t *back;

	ck_assert_int_eq(vici_msg_encode(in, &enc, &len, err), 0);
	back = vici_msg_decode(enc, len, err);
	ck_assert_ptr_nonnull(back);
	ck_assert_msg(json_equal(back, want), "got %s", json_dumps(back, JSON_COMPACT));
	free(enc);
	json_decref(back);
	json_decref(want);
	json_decref(in);
	/* NULL encodes as the empty message */
	ck_assert_int_eq(vici_msg_encode(NULL, &enc, &len, err), 0);
	ck_assert_uint_eq(len, 0);
	free(enc);
}
END_TEST

/* nest n sections: {"s":{"s":…{"k":"v"}}} */
static json_t *nested(int n)
{
	json_t *o = json_pack("{s:s}", "k", "v");

	while (n-- > 0)
		o = json_pack("{s:o}", "s", o);
	return o;
}

START_TEST(test_encode_errors)
{
	char name[300], err[VICI_ERR_MAX];
	char *big = malloc(70000);
	uint8_t *enc = (uint8_t *)"x";
	size_t len = 1;
	json_t *m;

	memset(name, 'n', sizeof(name) - 1);
	name[256] = '\0';
	m = json_pack("{s:s}", name, "v");
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	ck_assert_ptr_null(enc);
	ck_assert_ptr_nonnull(strstr(err, "name longer"));
	json_decref(m);
	name[255] = '\0'; /* 255 is the limit, allowed */
	m = json_pack("{s:s}", name, "v");
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), 0);
	free(enc);
	json_decref(m);

	memset(big, 'v', 65536);
	big[65536] = '\0';
	m = json_pack("{s:s}", "k", big);
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "65535"));
	json_decref(m);
	big[65535] = '\0';
	m = json_pack("{s:s}", "k", big);
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), 0);
	ck_assert_uint_eq(len, 1 + 1 + 1 + 2 + 65535);
	free(enc);
	json_decref(m);
	free(big);

	m = json_pack("{s:[{}]}", "l");
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	json_decref(m);
	m = json_pack("[s]", "x");
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	json_decref(m);

	m = nested(VICI_DEPTH_MAX);
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), 0);
	free(enc);
	json_decref(m);
	m = nested(VICI_DEPTH_MAX + 1);
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	json_decref(m);

	/* over the packet limit: 9 values of 65535 bytes */
	m = json_object();
	big = calloc(1, 65536);
	memset(big, 'x', 65535);
	for (int i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		json_object_set_new(m, name, json_string(big));
	}
	ck_assert_int_eq(vici_msg_encode(m, &enc, &len, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger"));
	json_decref(m);
	free(big);
}
END_TEST

/* ---- malformed messages ---- */

struct bad {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	const char *err_part;
};

static const uint8_t b_trunc_name[] = { 3, 5, 'a', 'b' };
static const uint8_t b_no_name_len[] = { 1 };
static const uint8_t b_trunc_vlen[] = { 3, 1, 'k', 0 };
static const uint8_t b_trunc_value[] = { 3, 1, 'k', 0, 5, 'a' };
static const uint8_t b_end_top[] = { 2 };
static const uint8_t b_item_outside[] = { 5, 0, 1, 'x' };
static const uint8_t b_kv_in_list[] = { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 };
static const uint8_t b_section_in_list[] = { 4, 1, 'l', 1, 1, 's', 2, 6 };
static const uint8_t b_list_in_list[] = { 4, 1, 'l', 4, 1, 'm', 6, 6 };
static const uint8_t b_end_in_list[] = { 1, 1, 's', 4, 1, 'l', 2 };
static const uint8_t b_list_end_outside[] = { 6 };
static const uint8_t b_open_section[] = { 1, 1, 's', 3, 1, 'k', 0, 0 };
static const uint8_t b_open_list[] = { 4, 1, 'l', 5, 0, 0 };
static const uint8_t b_type0[] = { 0 };
static const uint8_t b_type7[] = { 7 };
static const uint8_t b_type255[] = { 255 };
static uint8_t b_deep[2 * (VICI_DEPTH_MAX + 1)];

static const struct bad bads[] = {
	{ "truncated name", b_trunc_name, sizeof(b_trunc_name), "truncated" },
	{ "missing name length", b_no_name_len, sizeof(b_no_name_len), "truncated" },
	{ "truncated value length", b_trunc_vlen, sizeof(b_trunc_vlen), "truncated" },
	{ "truncated value", b_trunc_value, sizeof(b_trunc_value), "truncated" },
	{ "section end at top", b_end_top, sizeof(b_end_top), "out of place" },
	{ "list item outside list", b_item_outside, sizeof(b_item_outside), "out of place" },
	{ "key/value inside list", b_kv_in_list, sizeof(b_kv_in_list), "out of place" },
	{ "section inside list", b_section_in_list, sizeof(b_section_in_list), "out of place" },
	{ "list inside list", b_list_in_list, sizeof(b_list_in_list), "out of place" },
	{ "section end inside list", b_end_in_list, sizeof(b_end_in_list), "out of place" },
	{ "list end outside list", b_list_end_outside, sizeof(b_list_end_outside), "out of place" },
	{ "unterminated section", b_open_section, sizeof(b_open_section), "inside a section" },
	{ "unterminated list", b_open_list, sizeof(b_open_list), "inside a list" },
	{ "element type 0", b_type0, sizeof(b_type0), "unknown element" },
	{ "element type 7", b_type7, sizeof(b_type7), "unknown element" },
	{ "element type 255", b_type255, sizeof(b_type255), "unknown element" },
	{ "too deep", b_deep, sizeof(b_deep), "deeper" },
};

START_TEST(test_malformed)
{
	const struct bad *b = &bads[_i];
	char err[VICI_ERR_MAX] = "";
	json_t *m;

	for (int i = 0; i <= VICI_DEPTH_MAX; i++) {
		b_deep[2 * i] = VICI_SECTION_START;
		b_deep[2 * i + 1] = 0;
	}
	m = vici_msg_decode(b->bytes, b->len, err);
	ck_assert_msg(!m, "%s: decoded to %s", b->name, m ? json_dumps(m, JSON_COMPACT) : "");
	ck_assert_msg(strstr(err, b->err_part), "%s: error '%s' lacks '%s'", b->name, err, b->err_part);
}
END_TEST

START_TEST(test_depth_limit_ok)
{
	uint8_t buf[4 * VICI_DEPTH_MAX];
	char err[VICI_ERR_MAX];
	size_t n = 0;
	json_t *m;

	for (int i = 0; i < VICI_DEPTH_MAX; i++) {
		buf[n++] = VICI_SECTION_START;
		buf[n++] = 0;
	}
	for (int i = 0; i < VICI_DEPTH_MAX; i++)
		buf[n++] = VICI_SECTION_END;
	m = vici_msg_decode(buf, n, err);
	ck_assert_msg(m, "%s", err);
	json_decref(m);
}
END_TEST

START_TEST(test_not_utf8)
{
	/* name "a\0b" and "\xff", value "\xc3(" (invalid UTF-8) and a value with NUL */
	static const uint8_t in[] = { 3, 3, 'a', 0, 'b', 0, 2, 0xc3, '(', 3, 1, 0xff, 0, 3, 'x', 0, 'y',
				      3, 1, 'u', 0, 2, 0xc3, 0xa9 };
	char err[VICI_ERR_MAX];
	json_t *m = vici_msg_decode(in, sizeof(in), err);

	ck_assert_msg(m, "%s", err);
	ck_assert_str_eq(json_string_value(json_object_get(m, "a?b")), "?(");
	ck_assert_uint_eq(json_string_length(json_object_get(m, "?")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(m, "u")), "\xc3\xa9"); /* valid UTF-8 kept */
	json_decref(m);
}
END_TEST

START_TEST(test_duplicates_last_wins)
{
	static const uint8_t in[] = { 3, 1, 'k', 0, 1, 'a', 1, 1, 'k', 3, 1, 'z', 0, 0, 2, 3, 1, 'k', 0, 1, 'b' };
	char err[VICI_ERR_MAX];
	json_t *m = vici_msg_decode(in, sizeof(in), err);

	ck_assert_msg(m, "%s", err);
	ck_assert_str_eq(json_string_value(json_object_get(m, "k")), "b");
	json_decref(m);
}
END_TEST

/* ---- packets ---- */

START_TEST(test_packets)
{
	char err[VICI_ERR_MAX], name[VICI_NAME_MAX + 1];
	json_t *args = json_pack("{s:s}", "ike", "conn1"), *msg;
	uint8_t *p;
	size_t len;
	int type;

	ck_assert_int_eq(vici_packet_encode(VICI_CMD_REQUEST, "initiate", args, &p, &len, err), 0);
	ck_assert_uint_eq(len, 4 + 1 + 1 + 8 + (1 + 1 + 3 + 2 + 5));
	ck_assert_uint_eq((size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3], len - 4);
	ck_assert_int_eq(vici_packet_decode(p + 4, len - 4, &type, name, &msg, err), 0);
	ck_assert_int_eq(type, VICI_CMD_REQUEST);
	ck_assert_str_eq(name, "initiate");
	ck_assert(json_equal(msg, args));
	json_decref(msg);
	free(p);

	ck_assert_int_eq(vici_packet_encode(VICI_EVENT_REGISTER, "list-sa", NULL, &p, &len, err), 0);
	ck_assert_uint_eq(len, 4 + 1 + 1 + 7);
	ck_assert_int_eq(vici_packet_decode(p + 4, len - 4, &type, name, &msg, err), 0);
	ck_assert_int_eq(type, VICI_EVENT_REGISTER);
	ck_assert_str_eq(name, "list-sa");
	ck_assert_ptr_null(msg);
	free(p);

	ck_assert_int_eq(vici_packet_encode(VICI_EVENT_CONFIRM, "ignored", args, &p, &len, err), 0);
	ck_assert_uint_eq(len, 5);
	free(p);
	json_decref(args);

	/* bad packets */
	ck_assert_int_eq(vici_packet_decode("", 0, &type, name, &msg, err), -1);
	ck_assert_int_eq(vici_packet_decode("\x08", 1, &type, name, &msg, err), -1);
	ck_assert_int_eq(vici_packet_decode("\x05x", 2, &type, name, &msg, err), -1);   /* confirm + junk */
	ck_assert_int_eq(vici_packet_decode("\x00\x05" "ab", 4, &type, name, &msg, err), -1); /* name cut */
	ck_assert_int_eq(vici_packet_decode("\x01\x02", 2, &type, name, &msg, err), -1); /* bad message */
	ck_assert_ptr_null(msg);
	ck_assert_int_eq(vici_packet_decode("\x02", 1, &type, name, &msg, err), 0);
	ck_assert_int_eq(type, VICI_CMD_UNKNOWN);
	ck_assert_int_eq(vici_packet_decode("\x01", 1, &type, name, &msg, err), 0);
	ck_assert_int_eq(type, VICI_CMD_RESPONSE);
	ck_assert_int_eq(json_object_size(msg), 0);
	json_decref(msg);
}
END_TEST

/* ---- client against a scripted server ---- */

struct server {
	char path[108];
	int lfd;
	int mode; /* 0 normal, 1 unknown command, 2 silent, 3 garbage length */
	pthread_t th;
	char log[512]; /* packet types and names the server saw */
};

static int srv_read(int fd, int *type, char *name, json_t **msg)
{
	uint8_t hdr[4], *body;
	uint32_t len;
	size_t got = 0;
	int rc;

	while (got < 4) {
		ssize_t k = read(fd, hdr + got, 4 - got);

		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
	body = malloc(len);
	for (got = 0; got < len;) {
		ssize_t k = read(fd, body + got, len - got);

		if (k <= 0) {
			free(body);
			return -1;
		}
		got += (size_t)k;
	}
	rc = vici_packet_decode(body, len, type, name, msg, NULL);
	free(body);
	return rc;
}

static void srv_send(int fd, int type, const char *name, json_t *msg)
{
	uint8_t *p;
	size_t len;

	if (vici_packet_encode(type, name, msg, &p, &len, NULL) == 0) {
		if (write(fd, p, len) < 0)
			perror("write");
		free(p);
	}
	json_decref(msg);
}

static void *srv_main(void *arg)
{
	struct server *s = arg;
	char name[VICI_NAME_MAX + 1];
	json_t *msg;
	int fd = accept(s->lfd, NULL, NULL), type;

	while (fd >= 0 && srv_read(fd, &type, name, &msg) == 0) {
		size_t l = strlen(s->log);

		snprintf(s->log + l, sizeof(s->log) - l, "%d:%s ", type, name);
		if (s->mode == 2) {
			json_decref(msg);
			continue;
		}
		if (s->mode == 3) {
			if (write(fd, "\xff\xff\xff\xff", 4) < 0)
				perror("write");
			json_decref(msg);
			continue;
		}
		switch (type) {
		case VICI_EVENT_REGISTER:
		case VICI_EVENT_UNREGISTER:
			type = strcmp(name, "list-sa") == 0 ? VICI_EVENT_CONFIRM : VICI_EVENT_UNKNOWN;
			srv_send(fd, type, NULL, NULL);
			break;
		case VICI_CMD_REQUEST:
			if (s->mode == 1 || strcmp(name, "nope") == 0) {
				srv_send(fd, VICI_CMD_UNKNOWN, NULL, NULL);
			} else if (strcmp(name, "list-sas") == 0) {
				/* an unrelated event first: must be ignored */
				srv_send(fd, VICI_EVENT, "log", json_pack("{s:s}", "msg", "x"));
				srv_send(fd, VICI_EVENT, "list-sa", json_pack("{s:{s:s}}", "a", "state", "UP"));
				srv_send(fd, VICI_EVENT, "list-sa", json_pack("{s:{s:s}}", "b", "state", "CONNECTING"));
				srv_send(fd, VICI_CMD_RESPONSE, NULL, json_object());
			} else {
				/* echo the request back */
				srv_send(fd, VICI_EVENT, "log", json_pack("{s:s}", "msg", "x"));
				srv_send(fd, VICI_CMD_RESPONSE, NULL, json_pack("{s:s,s:O}", "cmd", name, "args", msg));
			}
			break;
		default:
			break;
		}
		json_decref(msg);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void srv_start(struct server *s, int mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	snprintf(s->path, sizeof(s->path), "/tmp/vlt-vici-%d.sock", (int)getpid());
	unlink(s->path);
	strcpy(sa.sun_path, s->path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s->lfd, 0);
	ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s->lfd, 4), 0);
	ck_assert_int_eq(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void srv_stop(struct server *s, struct vici_conn *c)
{
	vici_close(c); /* the server's read fails and its thread ends */
	pthread_join(s->th, NULL);
	close(s->lfd);
	unlink(s->path);
}

START_TEST(test_client_request)
{
	struct server s;
	struct vici_conn *c;
	char err[VICI_ERR_MAX];
	json_t *ans, *args = json_pack("{s:s}", "child", "c1");

	srv_start(&s, 0);
	ck_assert_int_eq(vici_connect(s.path, 2000, &c, err), 0);
	ck_assert_int_eq(vici_request(c, "initiate", args, &ans, err), 0);
	ck_assert_str_eq(json_string_value(json_object_get(ans, "cmd")), "initiate");
	ck_assert(json_equal(json_object_get(ans, "args"), args));
	json_decref(ans);
	/* unknown command: an error, the connection stays usable */
	ck_assert_int_eq(vici_request(c, "nope", NULL, &ans, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not know command nope"));
	ck_assert_int_eq(vici_request(c, "version", NULL, &ans, err), 0);
	json_decref(ans);
	srv_stop(&s, c);
	json_decref(args);
	ck_assert_str_eq(s.log, "0:initiate 0:nope 0:version ");
}
END_TEST

START_TEST(test_client_stream)
{
	struct server s;
	struct vici_conn *c;
	char err[VICI_ERR_MAX];
	json_t *events, *ans;

	srv_start(&s, 0);
	ck_assert_int_eq(vici_connect(s.path, 2000, &c, err), 0);
	ck_assert_int_eq(vici_request_stream(c, "list-sas", "list-sa", NULL, &events, &ans, err), 0);
	ck_assert_uint_eq(json_array_size(events), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_array_get(events, 1), "b"), "state")),
			 "CONNECTING");
	ck_assert(json_is_object(ans));
	json_decref(events);
	json_decref(ans);
	/* an event the server does not know */
	ck_assert_int_eq(vici_request_stream(c, "list-conns", "list-conn", NULL, &events, NULL, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "does not know event list-conn"));
	srv_stop(&s, c);
	ck_assert_str_eq(s.log, "3:list-sa 0:list-sas 4:list-sa 3:list-conn ");
}
END_TEST

START_TEST(test_client_timeout_and_garbage)
{
	struct server s;
	struct vici_conn *c;
	char err[VICI_ERR_MAX];
	json_t *ans;

	srv_start(&s, 2);
	ck_assert_int_eq(vici_connect(s.path, 300, &c, err), 0);
	ck_assert_int_eq(vici_request(c, "version", NULL, &ans, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no answer within 300 ms"));
	/* the stream position is unknown now: further requests are refused */
	ck_assert_int_eq(vici_request(c, "version", NULL, &ans, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "unusable"));
	srv_stop(&s, c);

	srv_start(&s, 3);
	ck_assert_int_eq(vici_connect(s.path, 2000, &c, err), 0);
	ck_assert_int_eq(vici_request(c, "version", NULL, &ans, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad packet length"));
	srv_stop(&s, c);

	ck_assert_int_eq(vici_connect("/nonexistent/vici", 300, &c, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

Suite *vici_suite(void)
{
	Suite *s = suite_create("vici");
	TCase *tc = tcase_create("codec");

	tcase_add_loop_test(tc, test_vectors, 0, sizeof(vectors) / sizeof(vectors[0]));
	tcase_add_test(tc, test_encode_scalars);
	tcase_add_test(tc, test_encode_errors);
	tcase_add_loop_test(tc, test_malformed, 0, sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(tc, test_depth_limit_ok);
	tcase_add_test(tc, test_not_utf8);
	tcase_add_test(tc, test_duplicates_last_wins);
	tcase_add_test(tc, test_packets);
	suite_add_tcase(s, tc);
	tc = tcase_create("client");
	tcase_add_test(tc, test_client_request);
	tcase_add_test(tc, test_client_stream);
	tcase_add_test(tc, test_client_timeout_and_garbage);
	suite_add_tcase(s, tc);
	return s;
}
