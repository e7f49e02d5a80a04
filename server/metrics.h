#ifndef VL_METRICS_H
#define VL_METRICS_H

#include <stdint.h>
#include <stdio.h>

/* Request counters and latency histograms, rendered in Prometheus text format. */
struct metrics;

struct metrics *metrics_new(void); /* caller frees with metrics_free; NULL on ENOMEM */
void metrics_free(struct metrics *m);

/* Records one request (thread-safe).  action may be "" for requests without one. */
void metrics_observe(struct metrics *m, const char *action, const char *code, int http_status,
		     int64_t latency_us);

/* Returns a malloc'd text exposition; the caller frees it.  NULL on ENOMEM. */
char *metrics_render(struct metrics *m);

#endif
