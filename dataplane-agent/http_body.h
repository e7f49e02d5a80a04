#ifndef VL_HTTP_BODY_H
#define VL_HTTP_BODY_H

#include <curl/curl.h>
#include <stddef.h>

/*
 * An HTTP answer read into memory by libcurl: p (malloc'd, the caller frees it; NUL-terminated
 * once anything arrived) holds n bytes, at most max.  Start from { NULL, 0, max }.
 */
struct http_body {
	char *p;
	size_t n;
	size_t max;
};

/*
 * CURLOPT_WRITEFUNCTION for a struct http_body given as CURLOPT_WRITEDATA: appends the bytes,
 * or stops the transfer (returns 0) when the body would pass max or memory runs out.
 */
size_t http_body_write(char *data, size_t size, size_t nmemb, void *arg);

/*
 * Sets up c to send to url with headers (borrowed until the transfer ends) and read the answer
 * into body, within timeout_ms and without signals (the agent has threads).
 */
void http_body_request(CURL *c, const char *url, struct curl_slist *headers, long timeout_ms, struct http_body *body);

#endif
