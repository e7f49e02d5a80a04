#ifndef VL_AGENT_CLIENT_H
#define VL_AGENT_CLIENT_H

#include <jansson.h>
#include <stdbool.h>

/*
 * The server's HTTP client toward data-plane agents (api-docs/agent-protocol.md, "Server →
 * agent"): one blocking JSON request per call, libcurl underneath.  Thread-safe: each call
 * uses its own easy handle.  When a token is set, every request carries
 * X-Vpnlab-Agent-Token.
 */

/*
 * Sets the token sent to agents (copied; NULL or "" sends none).  Call before any thread
 * uses agent_client_call (main, at start-up).
 */
void agent_client_set_token(const char *token);

/*
 * True when presented equals the token set with agent_client_set_token, or when none is set
 * (the agent protocol is then open).  Compared in constant time.  presented may be NULL.
 */
bool agent_client_token_ok(const char *presented);

/*
 * Makes every call in flight fail within about a second and every later call fail at once
 * (shutdown: no thread waits out a 30 s push).  Irreversible.
 */
void agent_client_cancel_all(void);

/*
 * Sends method (GET, PUT, POST, DELETE) url_base + path (url_base "http://ADDR:PORT", no
 * trailing slash needed; path starts with '/').  body is borrowed (NULL: no body; else sent
 * as application/json).  timeout_ms bounds the whole exchange (connect included).
 * On a completed exchange returns 0 with *http_status set (any status, 4xx/5xx included)
 * and *answer = the parsed JSON body (owned by the caller; NULL when the body is empty or
 * not JSON).  answer may be NULL when the caller does not want the body.  Returns -1 with
 * err (256 bytes) set when the exchange failed (connection refused, timeout, …); then
 * *http_status is 0 and *answer NULL.
 */
int agent_client_call(const char *url_base, const char *method, const char *path, json_t *body, long timeout_ms,
		      long *http_status, json_t **answer, char *err);

#endif
