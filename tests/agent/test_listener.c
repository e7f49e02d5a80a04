/*
 * The agent's listener (dataplane-agent/listener.c) refuses every request that lacks the
 * right X-Vpnlab-Agent-Token, whatever the route: a push without it, or with a token one
 * character off, is refused with 403 before its body is even kept; with it the request is
 * routed (an empty document is then InvalidDocument, 400).  Loopback only, no root needed.
 */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "netns_fixture.h"
#include "suite_fixture.h"

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

#define TOKEN "0123456789abcdef0123456789abcdef"

static struct agent_daemon daemon_under_test;
static char listen_addr[32], base_url[64];

struct body {
	char text[4096];
	size_t len;
};

static size_t keep(char *data, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (b->len + n < sizeof(b->text)) {
		memcpy(b->text + b->len, data, n);
		b->len += n;
		b->text[b->len] = '\0';
	}
	return n;
}

/* One request; returns the HTTP status (0: no answer) and the answer's text in out. */
static long request(const char *method, const char *path, const char *token, const char *body, size_t body_len,
		    struct body *out)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[128], header[400];
	long status = 0;

	memset(out, 0, sizeof(*out));
	snprintf(url, sizeof(url), "%s%s", base_url, path);
	if (token) {
		snprintf(header, sizeof(header), "X-Vpnlab-Agent-Token: %s", token);
		h = curl_slist_append(h, header);
	}
	h = curl_slist_append(h, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return status;
}

static void setup(void)
{
	char err[256] = "";

	memset(&daemon_under_test, 0, sizeof(daemon_under_test));
	pthread_mutex_init(&daemon_under_test.lock, NULL);
	snprintf(daemon_under_test.agent_id, sizeof(daemon_under_test.agent_id), "agt-listener-test");
	snprintf(listen_addr, sizeof(listen_addr), "127.0.0.1:%d", nsf_free_port());
	snprintf(base_url, sizeof(base_url), "http://%s", listen_addr);
	daemon_under_test.opt.listen = listen_addr;
	daemon_under_test.opt.token = TOKEN;
	ck_assert_msg(listener_start(&daemon_under_test, err) == 0, "%s", err);
}

static void teardown(void)
{
	listener_stop();
	pthread_mutex_destroy(&daemon_under_test.lock);
}

START_TEST(test_listener_refuses_without_token)
{
	static const char *const routes[][2] = {
		{ "PUT", "/v1/desired" }, { "POST", "/v1/probes" }, { "GET", "/v1/state" }, { "GET", "/healthz" },
		{ "GET", "/no/such/route" },
	};
	const char *doc = "{\"agent_id\":\"agt-listener-test\",\"generation\":1}";
	struct body answer;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *body = strcmp(routes[i][0], "GET") ? doc : NULL;

		ck_assert_int_eq(request(routes[i][0], routes[i][1], NULL, body, body ? strlen(body) : 0, &answer), 403);
		ck_assert_msg(strstr(answer.text, "Forbidden") != NULL, "%s %s: %s", routes[i][0], routes[i][1],
			      answer.text);
		/* wrong by one character, same length; empty; a prefix; longer */
		ck_assert_int_eq(request(routes[i][0], routes[i][1], "0123456789abcdef0123456789abcdeF", body,
					 body ? strlen(body) : 0, &answer),
				 403);
		ck_assert_int_eq(request(routes[i][0], routes[i][1], "", body, body ? strlen(body) : 0, &answer), 403);
		ck_assert_int_eq(request(routes[i][0], routes[i][1], "0123456789abcdef", body, body ? strlen(body) : 0,
					 &answer),
				 403);
		ck_assert_int_eq(request(routes[i][0], routes[i][1], TOKEN "0", body, body ? strlen(body) : 0, &answer),
				 403);
	}
	ck_assert(!daemon_under_test.have_applied);
}
END_TEST

START_TEST(test_listener_drops_unauthenticated_bodies)
{
	/* larger than the 16 MiB an authenticated push may have: refused for the token, not the size */
	size_t len = (16u << 20) + 4096;
	char *big = malloc(len);
	struct body answer;
	long status;

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', len);
	status = request("PUT", "/v1/desired", NULL, big, len, &answer);
	free(big);
	ck_assert_int_eq(status, 403);
	ck_assert_msg(strstr(answer.text, "Forbidden") != NULL, "%s", answer.text);
}
END_TEST

START_TEST(test_listener_serves_the_token_holder)
{
	struct body answer;

	ck_assert_int_eq(request("GET", "/healthz", TOKEN, NULL, 0, &answer), 200);
	/* routed past the check: the (empty) document itself is what is refused now */
	ck_assert_int_eq(request("PUT", "/v1/desired", TOKEN, "{}", 2, &answer), 400);
	ck_assert_msg(strstr(answer.text, "InvalidDocument") != NULL, "%s", answer.text);
	ck_assert(!daemon_under_test.have_applied);
}
END_TEST

Suite *listener_suite(void)
{
	const TTest *const tests[] = {
		test_listener_refuses_without_token,
		test_listener_drops_unauthenticated_bodies,
		test_listener_serves_the_token_holder,
		NULL,
	};

	return agent_suite("listener", "token", setup, teardown, 60, tests, NULL);
}
