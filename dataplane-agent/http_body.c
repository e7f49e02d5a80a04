#include "http_body.h"

#include <stdlib.h>
#include <string.h>

void http_body_request(CURL *c, const char *url, struct curl_slist *headers, long timeout_ms, struct http_body *body)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
}

size_t http_body_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_body *b = arg;
	size_t add = size * nmemb;
	char *p;

	if (b->n + add > b->max || (p = realloc(b->p, b->n + add + 1)) == NULL)
		return 0;
	memcpy(p + b->n, data, add);
	b->p = p;
	b->n += add;
	p[b->n] = '\0';
	return add;
}
