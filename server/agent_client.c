/* The server's HTTP client toward data-plane agents: one libcurl easy handle per call. */
#include "agent_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cidr.h"

/* Answers larger than this are cut off: an agent's answers are a few hundred bytes. */
#define ANSWER_MAX (4u << 20)

#define URL_ALLOW_MAX 64

static struct cidr url_allow[URL_ALLOW_MAX];
static int url_allow_count;
static volatile int cancelled; /* set once, read by every transfer's progress callback */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

int agent_client_url_allow(const char *cidr_text)
{
	struct cidr c;

	if (!cidr_parse(cidr_text, &c) || url_allow_count >= URL_ALLOW_MAX)
		return -1;
	url_allow[url_allow_count++] = c;
	return 0;
}

/* An address an agent may name as its own: not "this network", link-local, multicast or reserved. */
static bool unicast_host(uint32_t addr)
{
	return (addr >> 24) != 0 && (addr >> 16) != 0xa9fe && (addr >> 28) < 0xe;
}

int agent_client_url_allowed(const char *url, const char *underlay_ip, char *why, size_t why_size)
{
	char host[64];
	const char *p;
	size_t n;
	uint32_t addr, underlay;

	if (url == NULL)
		return -1;
	if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return -1;
	n = strcspn(p, ":/");
	if (n == 0)
		return -1;
	{
		/* after HOST only :PORT and a path: no user info ("127.0.0.1:80@elsewhere") or query */
		const char *rest = p + n;

		if (*rest == ':')
			rest += 1 + strspn(rest + 1, "0123456789");
		if (*rest != '\0' && *rest != '/')
			return -1;
		if (strpbrk(rest, "@?#\\"))
			return -1;
	}
	if (n >= sizeof(host) || (memcpy(host, p, n), host[n] = '\0', !ipv4_parse(host, &addr))) {
		snprintf(why, why_size, "The Url must name its host by an IPv4 address (%.64s is none).",
			 n < sizeof(host) ? host : "the host");
		return 0;
	}
	if ((addr >> 24) == 127)
		return 1;
	if (underlay_ip && ipv4_parse(underlay_ip, &underlay) && underlay == addr && unicast_host(addr))
		return 1;
	for (int i = 0; i < url_allow_count; i++) {
		struct cidr one = { addr, 32 };

		if (cidr_contains(&url_allow[i], &one))
			return 1;
	}
	snprintf(why, why_size,
		 "The Url host %s is not loopback, not the agent's UnderlayIp and not in a network the server "
		 "allows (--agent-url-allow).",
		 host);
	return 0;
}

void agent_client_cancel_all(void)
{
	__atomic_store_n(&cancelled, 1, __ATOMIC_SEQ_CST);
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)clientp;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return __atomic_load_n(&cancelled, __ATOMIC_SEQ_CST) ? 1 : 0;
}

struct answer_buf {
	char *data;
	size_t len;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct answer_buf *b = userdata;
	size_t n = size * nmemb;
	char *grown;

	if (b->len + n > ANSWER_MAX) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	grown = realloc(b->data, b->len + n + 1);
	if (grown == NULL)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

int agent_client_call(const char *url_base, const char *underlay_ip, const char *method, const char *path,
		      json_t *body, long timeout_ms, long *http_status, json_t **answer, char *err)
{
	struct answer_buf buf = { NULL, 0, false };
	struct curl_slist *headers = NULL;
	char *url = NULL, *text = NULL;
	char curl_err[CURL_ERROR_SIZE] = "";
	CURL *curl = NULL;
	CURLcode res;
	int rc = -1;

	*http_status = 0;
	if (answer)
		*answer = NULL;
	err[0] = '\0';
	pthread_once(&curl_once, curl_init_once);
	if (__atomic_load_n(&cancelled, __ATOMIC_SEQ_CST)) {
		snprintf(err, 256, "%s %s%s: cancelled (server stopping)", method, url_base, path);
		return -1;
	}
	{
		char why[200] = "malformed";

		/* checked at registration too; again here, as what the database holds may predate the rules */
		if (agent_client_url_allowed(url_base, underlay_ip, why, sizeof(why)) != 1) {
			snprintf(err, 256, "%s %.60s%.30s: refused: %.150s", method, url_base, path, why);
			return -1;
		}
	}
	{
		/* "http://a:1/" + "/v1/x" must not give a doubled slash */
		int base_len = (int)strlen(url_base);

		if (base_len > 0 && url_base[base_len - 1] == '/' && path[0] == '/')
			base_len--;
		if (asprintf(&url, "%.*s%s", base_len, url_base, path) < 0) {
			url = NULL;
			snprintf(err, 256, "out of memory");
			goto out;
		}
	}
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, 256, "curl_easy_init failed");
		goto out;
	}
	headers = curl_slist_append(headers, "Accept: application/json");
	if (body) {
		text = json_dumps(body, JSON_COMPACT);
		if (text == NULL) {
			snprintf(err, 256, "cannot serialise the request body");
			goto out;
		}
		headers = curl_slist_append(headers, "Content-Type: application/json");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(text));
	} else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
		/* an empty body, sent as such (Content-Length: 0), not read from stdin */
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	if (auth_agent_token()) {
		char line[512];

		snprintf(line, sizeof(line), "X-Vpnlab-Agent-Token: %s", auth_agent_token());
		headers = curl_slist_append(headers, line);
	}
	/* libcurl adds "Expect: 100-continue" above 1 KiB: a round trip for nothing on a LAN */
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
	/* signals are not safe in a multithreaded server; timeouts work without them */
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	res = curl_easy_perform(curl);
	if (res != CURLE_OK) {
		snprintf(err, 256, "%s %.160s: %.80s", method, url,
			 buf.too_big ? "answer too large" : curl_err[0] ? curl_err : curl_easy_strerror(res));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, http_status);
	if (answer && buf.len > 0)
		*answer = json_loadb(buf.data, buf.len, 0, NULL);
	rc = 0;
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	free(text);
	free(url);
	free(buf.data);
	return rc;
}
