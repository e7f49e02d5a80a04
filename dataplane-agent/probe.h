#ifndef VL_PROBE_H
#define VL_PROBE_H

/*
 * ICMP echo probes from inside a named network namespace (the lab's `POST /v1/lab/probes`
 * and the loss-window measurements during failover), plus the process-wide allocator of
 * ICMP echo identifiers that the probes and the health checker share, so that replies are
 * never attributed to the wrong sender in a namespace several of them use.
 */

#include <stdint.h>

#define PROBE_ERR_MAX 256
#define PROBE_COUNT_MAX 65535 /* the sequence number is 16 bits: one reply per number */

struct probe_result {
	int sent;		/* echo requests attempted (a send the kernel refused counts, as lost) */
	int received;		/* distinct sequence numbers answered within timeout_ms of their send */
	double loss_percent;	/* 100 * (sent - received) / sent */
	double rtt_avg_ms;	/* over the received ones; 0 when none */
	double rtt_max_ms;
};

/*
 * Sends count ICMP echo requests to IPv4 address target from inside namespace ns (NULL: the
 * caller's own), one every interval_ms on a fixed schedule whether or not replies come, and
 * counts the replies by sequence number.  A reply counts when it arrives within timeout_ms
 * of its request; the call returns when every request is answered or timeout_ms after the
 * last send, so it takes at most (count - 1) * interval_ms + timeout_ms.  RTTs come from the
 * monotonic clock.  Thread-safe: concurrent probes (any namespaces) use distinct
 * identifiers from probe_id_get().
 *
 * count 1..PROBE_COUNT_MAX, interval_ms 1..60000, timeout_ms 1..60000.  Returns 0 with *out
 * filled (also at 100 % loss), or -1 with a reason in err (PROBE_ERR_MAX bytes, may be NULL)
 * for bad arguments, a missing namespace or a socket that cannot be opened.
 */
int probe_icmp(const char *ns, const char *target, int count, int interval_ms, int timeout_ms,
	       struct probe_result *out, char *err);

/*
 * Reserves an ICMP echo identifier no other live user in this process holds (probes and
 * health checks share the space).  Returns the identifier, or -1 when all 65536 are taken.
 * Release it with probe_id_put() when done.
 */
int probe_id_get(void);
void probe_id_put(int id);

/* RFC 1071 Internet checksum of len bytes (for building ICMP headers). */
uint16_t probe_cksum(const void *data, int len);

#endif
