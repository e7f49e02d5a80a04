#ifndef VL_HEALTH_H
#define VL_HEALTH_H

/*
 * Tunnel health checks (Alibaba's HealthCheckConfig: SrcIp, DstIp, Interval, Retry).
 *
 * One background thread serves every check of a struct health.  Each interval a check sends
 * one ICMP echo from sip (an address its namespace owns) to dip; a reply before the next
 * send counts as success.  `retry` consecutive failures make the check DOWN; the first
 * success makes it UP (from UNKNOWN or DOWN).  So a path that dies is declared DOWN at most
 * interval * (retry + 1) after it died, to within a few milliseconds (timers run on the
 * monotonic clock, not on sleep loops).
 *
 * With dual tunnels the echo reply may come back through the other tunnel and land in the
 * other endpoint namespace, which owns sip too.  The thread therefore keeps one raw ICMP
 * socket per distinct namespace among its checks and accepts a reply for any check on any
 * of them (matched by ICMP identifier, sequence number and source dip): a reply is seen
 * wherever it lands, as long as that namespace hosts at least one check of the same struct
 * health.
 *
 * A namespace that does not exist yet, or an sip it does not own yet, only makes probes
 * fail (reason in health_status.last_error); the check recovers by itself once they exist,
 * also when the namespace is deleted and created again under the same name.
 */

#include <stdint.h>

#define HEALTH_KEY_MAX 192 /* "<endpoint id>/<swanctl connection name>" fits */
#define HEALTH_ERR_MAX 256

enum health_state {
	HEALTH_UNKNOWN, /* no verdict yet (fewer than retry failures and no success) */
	HEALTH_UP,
	HEALTH_DOWN,
};

/*
 * Called from the health thread, without any lock held, on every change of a check's state
 * to UP or DOWN (never for UNKNOWN).  key points to a temporary copy valid during the call.
 * It may call health_get/health_status/health_set/health_remove, but not health_free.
 */
typedef void (*health_change_fn)(void *arg, const char *key, enum health_state state);

struct health;

/* A check's state and recent figures. */
struct health_status {
	enum health_state state;
	int consecutive_failures;
	uint64_t sent, received;	  /* since the check was added (or its path changed) */
	double last_rtt_ms;		  /* of the last success, 0 before one */
	int64_t changed_ms;		  /* CLOCK_MONOTONIC ms of the last UP/DOWN change, 0 none */
	char last_error[HEALTH_ERR_MAX]; /* why the last send failed, "" when it went out */
};

/*
 * Starts the health thread.  fn (may be NULL) is called with arg on state changes.  Returns
 * an object the caller owns (health_free), or NULL with errno set.
 */
struct health *health_new(health_change_fn fn, void *arg);

/*
 * Adds check key, or updates it.  ns is the namespace the echo leaves from (NULL: the
 * caller's own); sip and dip are IPv4 addresses; interval_s >= 1 (Alibaba's unit); retry
 * 1..100.  Strings are copied.  Updating with the same ns/sip/dip keeps the check's state
 * and counters (also when only interval or retry change); a different ns, sip or dip starts
 * it afresh as UNKNOWN without a callback.  Returns 0, or -1 with errno EINVAL (bad key,
 * address or bounds), ENOMEM, or EAGAIN (no free ICMP identifier).
 */
int health_set(struct health *h, const char *key, const char *ns, const char *sip, const char *dip,
	       int interval_s, int retry);

/* The same with the interval in milliseconds (10..3600000), for fast tests and sub-second
 * checks. */
int health_set_ms(struct health *h, const char *key, const char *ns, const char *sip, const char *dip,
		  int interval_ms, int retry);

/* Removes check key (no callback).  No-op if absent. */
void health_remove(struct health *h, const char *key);

/* State of check key; HEALTH_UNKNOWN when absent too. */
enum health_state health_get(struct health *h, const char *key);

/* Copies check key's status into *out.  Returns 0, or -1 when there is no such check. */
int health_status(struct health *h, const char *key, struct health_status *out);

/* "unknown", "up", "down" (static strings). */
const char *health_state_name(enum health_state state);

/* Stops the thread, closes every socket and frees h.  NULL is a no-op. */
void health_free(struct health *h);

#endif
