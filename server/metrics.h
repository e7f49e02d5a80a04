#ifndef VL_METRICS_H
#define VL_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Request counters and latency histograms, rendered in Prometheus text format. */
struct metrics;

struct metrics *metrics_new(void); /* caller frees with metrics_free; NULL on ENOMEM */
void metrics_free(struct metrics *m);

/* Records one request (thread-safe).  action may be "" for requests without one. */
void metrics_observe(struct metrics *m, const char *action, const char *code, int http_status,
		     int64_t latency_us);

struct tunnel_counters;

/*
 * Returns a malloc'd text exposition of the request metrics and of the n tunnel counters
 * (borrowed; ordered by connection, as dataplane_tunnel_counters gives them; may be NULL
 * when n is 0); the caller frees it.  NULL on ENOMEM.
 */
char *metrics_render(struct metrics *m, const struct tunnel_counters *tunnels, size_t n);

/*
 * Writes vpnlab_tunnel_{bytes,packets}_total per tunnel and direction, and their sums per
 * connection (vpnlab_vpn_connection_{bytes,packets}_total), in Prometheus text format.
 * rows: n tunnels ordered by connection (a connection's rows adjacent).
 */
void metrics_render_tunnels(FILE *out, const struct tunnel_counters *rows, size_t n);

#endif
