#include "metrics.h"

#include "agent.h"

#include <pthread.h>
#include <stddef.h>
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

/* The series of one kind (bytes or packets): member offsets of the in and out counters. */
struct tunnel_series {
	const char *tunnel_name, *connection_name, *what;
	size_t in_off, out_off;
};

static const struct tunnel_series tunnel_series[] = {
	{ "vpnlab_tunnel_bytes_total", "vpnlab_vpn_connection_bytes_total", "Bytes",
	  offsetof(struct tunnel_counters, bytes_in), offsetof(struct tunnel_counters, bytes_out) },
	{ "vpnlab_tunnel_packets_total", "vpnlab_vpn_connection_packets_total", "Packets",
	  offsetof(struct tunnel_counters, packets_in), offsetof(struct tunnel_counters, packets_out) },
};

static int64_t counter_at(const struct tunnel_counters *t, size_t off)
{
	return *(const int64_t *)((const char *)t + off);
}

void metrics_render_tunnels(FILE *out, const struct tunnel_counters *rows, size_t n)
{
	for (size_t s = 0; s < sizeof(tunnel_series) / sizeof(tunnel_series[0]); s++) {
		const struct tunnel_series *ser = &tunnel_series[s];

		fprintf(out,
			"# HELP %s %s through a tunnel's IPsec SAs at its VPN gateway, as its agent reports them: in = "
			"received from the customer side, out = sent to it.\n# TYPE %s counter\n",
			ser->tunnel_name, ser->what, ser->tunnel_name);
		for (size_t i = 0; i < n; i++) {
			char conn[64], tunnel[64];

			copy_label(conn, sizeof(conn), rows[i].vpn_connection_id);
			copy_label(tunnel, sizeof(tunnel), rows[i].tunnel_id);
			fprintf(out, "%s{vpn_connection_id=\"%s\",tunnel_id=\"%s\",direction=\"in\"} %lld\n",
				ser->tunnel_name, conn, tunnel, (long long)counter_at(&rows[i], ser->in_off));
			fprintf(out, "%s{vpn_connection_id=\"%s\",tunnel_id=\"%s\",direction=\"out\"} %lld\n",
				ser->tunnel_name, conn, tunnel, (long long)counter_at(&rows[i], ser->out_off));
		}
		fprintf(out, "# HELP %s %s through all tunnels of a VPN connection (the sum of %s).\n# TYPE %s counter\n",
			ser->connection_name, ser->what, ser->tunnel_name, ser->connection_name);
		for (size_t i = 0; i < n;) {
			int64_t in = 0, outward = 0;
			char conn[64];
			size_t j = i;

			for (; j < n && strcmp(rows[j].vpn_connection_id, rows[i].vpn_connection_id) == 0; j++) {
				in += counter_at(&rows[j], ser->in_off);
				outward += counter_at(&rows[j], ser->out_off);
			}
			copy_label(conn, sizeof(conn), rows[i].vpn_connection_id);
			fprintf(out, "%s{vpn_connection_id=\"%s\",direction=\"in\"} %lld\n", ser->connection_name, conn,
				(long long)in);
			fprintf(out, "%s{vpn_connection_id=\"%s\",direction=\"out\"} %lld\n", ser->connection_name, conn,
				(long long)outward);
			i = j;
		}
	}
}

char *metrics_render(struct metrics *m, const struct tunnel_counters *tunnels, size_t n)
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
	metrics_render_tunnels(out, tunnels, n);
	fclose(out);
	return text;
}
