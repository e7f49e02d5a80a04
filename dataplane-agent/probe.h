#ifndef VL_PROBE_H
#define VL_PROBE_H

/*
 * ICMP echo probes from inside a named network namespace (the lab's `POST /v1/lab/probes`
 * and the loss-window measurements during failover), plus the process-wide allocator of
 * ICMP echo identifiers that the probes and the health checker share, so that replies are
 * never attributed to the wrong sender in a namespace several of them use.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stat;

#define PROBE_ERR_MAX 256
#define PROBE_COUNT_MAX 65535 /* the sequence number is 16 bits: one reply per number */
#define PROBE_ECHO_LEN 64      /* ICMP header and payload of an echo request, like ping's default */

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

/*
 * Opens a non-blocking raw ICMP socket inside namespace ns (NULL: the caller's own); it keeps
 * working there after the thread has switched back.  Only echo replies reach it, so that
 * requests and errors for other users of a busy namespace never wake the caller.  When ns_st
 * is not NULL it receives the stat(2) of the namespace the socket lives in (to notice that
 * the name has since been given to another namespace).  Returns the descriptor (the caller
 * closes it) or -1 with errno set and a reason in err (PROBE_ERR_MAX bytes, may be NULL).
 */
int probe_icmp_socket(const char *ns, struct stat *ns_st, char *err);

/* Writes an echo request with identifier id and sequence number seq into buf; returns its length. */
size_t probe_echo_build(uint8_t buf[PROBE_ECHO_LEN], uint16_t id, uint16_t seq);

/*
 * Parses n bytes a raw ICMP socket received (IPv4 header first).  Returns true for an echo
 * reply, with its identifier, sequence number (host order) and source address (network order).
 */
bool probe_echo_reply(const uint8_t *buf, size_t n, uint16_t *id, uint16_t *seq, uint32_t *saddr);

#endif
