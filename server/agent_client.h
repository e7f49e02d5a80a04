#ifndef VL_AGENT_CLIENT_H
#define VL_AGENT_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The server's HTTP client toward data-plane agents (api-docs/agent-protocol.md, "Server →
 * agent"), and the credentials of that channel: one blocking JSON request per call, libcurl
 * underneath.  Thread-safe: each call uses its own easy handle; the token and the URL rules
 * are set by main before any thread starts.  The channel is always authenticated: every
 * request carries X-Vpnlab-Agent-Token, every agent request must present it, and requests
 * only go to URLs the rules allow.
 */

/* Allows agent URLs inside cidr_text (a.b.c.d/n; repeatable, up to 64).  0, or -1 when malformed or full. */
int agent_client_url_allow(const char *cidr_text);

/*
 * Whether the server may send requests to url (http(s)://HOST[:PORT][/…]) of an agent whose
 * underlay address is underlay_ip (may be NULL): HOST must be an IPv4 address that is
 * loopback (127.0.0.0/8), equal to underlay_ip (a unicast address: not 0/8, link-local,
 * multicast or reserved), or inside a network given to agent_client_url_allow.  Returns 1
 * allowed; 0 refused, with a sentence for the caller in why (why_size bytes); -1 when url
 * is not of that form at all (the model's InvalidUrl).
 */
int agent_client_url_allowed(const char *url, const char *underlay_ip, char *why, size_t why_size);

/*
 * Makes every call in flight fail within about a second and every later call fail at once
 * (shutdown: no thread waits out a 30 s push).  Irreversible.
 */
void agent_client_cancel_all(void);

/*
 * Sends method (GET, PUT, POST, DELETE) url_base + path (url_base "http://ADDR:PORT", no
 * trailing slash needed; path starts with '/') to the agent whose underlay address is
 * underlay_ip (borrowed, may be NULL), with the token.  A URL agent_client_url_allowed
 * refuses is not contacted: -1 with err.  body is borrowed (NULL: no body; else sent as
 * application/json).  timeout_ms bounds the whole exchange (connect included).
 * On a completed exchange returns 0 with *http_status set (any status, 4xx/5xx included)
 * and *answer = the parsed JSON body (owned by the caller; NULL when the body is empty or
 * not JSON).  answer may be NULL when the caller does not want the body.  Returns -1 with
 * err (256 bytes) set when the exchange failed (connection refused, timeout, …); then
 * *http_status is 0 and *answer NULL.
 */
int agent_client_call(const char *url_base, const char *underlay_ip, const char *method, const char *path,
		      json_t *body, long timeout_ms, long *http_status, json_t **answer, char *err);

#endif
