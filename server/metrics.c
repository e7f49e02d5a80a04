#include "metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 13

/* Upper bounds in microseconds: 0.25 ms .. 5 s, then +Inf. */
static const int64_t bucket_bounds_us[BUCKETS - 1] = {
	250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000,
};

struct counter {
	char action[64];
	char code[96];
	int http_status;
	uint64_t count;
	struct counter *next;
};

struct histogram {
	char action[64];
	uint64_t buckets[BUCKETS];
	uint64_t count;
	double sum_seconds;
	struct histogram *next;
};

/* Codes can quote request bytes (Invalid{Name}); past this many series they count as "other". */
#define MAX_SERIES 4096

struct metrics {
	pthread_mutex_t mu;
	int series;
	struct counter *counters;
	struct histogram *histograms;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (m)
		pthread_mutex_init(&m->mu, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	while (m->counters) {
		struct counter *next = m->counters->next;

		free(m->counters);
		m->counters = next;
	}
	while (m->histograms) {
		struct histogram *next = m->histograms->next;

		free(m->histograms);
		m->histograms = next;
	}
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* Label values are action names and error codes; keep them safe for the text format. */
static void copy_label(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	for (; src && *src && o + 1 < size; src++)
		dst[o++] = (*src == '"' || *src == '\\' || *src == '\n') ? '_' : *src;
	dst[o] = '\0';
}

void metrics_observe(struct metrics *m, const char *action, const char *code, int http_status,
		     int64_t latency_us)
{
	char a[64], c[96];
	struct counter *ct;
	struct histogram *h;
	int b = 0;

	copy_label(a, sizeof(a), action);
	copy_label(c, sizeof(c), code);
	while (b < BUCKETS - 1 && latency_us > bucket_bounds_us[b])
		b++;
	pthread_mutex_lock(&m->mu);
	for (ct = m->counters; ct; ct = ct->next)
		if (ct->http_status == http_status && strcmp(ct->action, a) == 0 && strcmp(ct->code, c) == 0)
			break;
	if (ct == NULL && m->series >= MAX_SERIES) {
		snprintf(c, sizeof(c), "other");
		for (ct = m->counters; ct; ct = ct->next)
			if (ct->http_status == http_status && strcmp(ct->action, a) == 0 &&
			    strcmp(ct->code, c) == 0)
				break;
	}
	if (ct == NULL && (ct = calloc(1, sizeof(*ct))) != NULL) {
		m->series++;
		memcpy(ct->action, a, sizeof(a));
		memcpy(ct->code, c, sizeof(c));
		ct->http_status = http_status;
		ct->next = m->counters;
		m->counters = ct;
	}
	if (ct)
		ct->count++;
	for (h = m->histograms; h; h = h->next)
		if (strcmp(h->action, a) == 0)
			break;
	if (h == NULL && (h = calloc(1, sizeof(*h))) != NULL) {
		memcpy(h->action, a, sizeof(a));
		h->next = m->histograms;
		m->histograms = h;
	}
	if (h) {
		h->buckets[b]++;
		h->count++;
		h->sum_seconds += (double)latency_us / 1e6;
	}
	pthread_mutex_unlock(&m->mu);
}

char *metrics_render(struct metrics *m)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (out == NULL)
		return NULL;
	pthread_mutex_lock(&m->mu);
	fprintf(out, "# HELP vpnlab_requests_total API requests by action, result code and HTTP status.\n"
		     "# TYPE vpnlab_requests_total counter\n");
	for (struct counter *ct = m->counters; ct; ct = ct->next)
		fprintf(out, "vpnlab_requests_total{action=\"%s\",code=\"%s\",status=\"%d\"} %llu\n",
			ct->action, ct->code, ct->http_status, (unsigned long long)ct->count);
	fprintf(out, "# HELP vpnlab_request_duration_seconds API request latency by action.\n"
		     "# TYPE vpnlab_request_duration_seconds histogram\n");
	for (struct histogram *h = m->histograms; h; h = h->next) {
		uint64_t cumulative = 0;

		for (int b = 0; b < BUCKETS; b++) {
			cumulative += h->buckets[b];
			if (b < BUCKETS - 1)
				fprintf(out, "vpnlab_request_duration_seconds_bucket{action=\"%s\",le=\"%g\"} %llu\n",
					h->action, (double)bucket_bounds_us[b] / 1e6,
					(unsigned long long)cumulative);
			else
				fprintf(out, "vpnlab_request_duration_seconds_bucket{action=\"%s\",le=\"+Inf\"} %llu\n",
					h->action, (unsigned long long)cumulative);
		}
		fprintf(out, "vpnlab_request_duration_seconds_sum{action=\"%s\"} %.6f\n", h->action,
			h->sum_seconds);
		fprintf(out, "vpnlab_request_duration_seconds_count{action=\"%s\"} %llu\n", h->action,
			(unsigned long long)h->count);
	}
	pthread_mutex_unlock(&m->mu);
	fclose(out);
	return text;
}
