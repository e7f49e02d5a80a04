/*
 * The Prometheus exposition (server/metrics.c): request counters and histograms, and the
 * per-tunnel counters with their per-connection sums, line for line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "metrics.h"
#include "test.h"

static char *render_tunnels(const struct tunnel_counters *rows, size_t n)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	ck_assert_ptr_nonnull(out);
	metrics_render_tunnels(out, rows, n);
	fclose(out);
	return text;
}

static void assert_line(const char *text, const char *line)
{
	char *with_nl = NULL;

	ck_assert_int_gt(asprintf(&with_nl, "\n%s\n", line), 0);
	ck_assert_msg(strstr(text, with_nl) != NULL, "missing line: %s\nin:\n%s", line, text);
	free(with_nl);
}

static int count_lines(const char *text, const char *prefix)
{
	int n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

START_TEST(test_tunnels_and_sums)
{
	const struct tunnel_counters rows[] = {
		{ "vco-a", "tun-1", 1000, 2000, 10, 20 },
		{ "vco-a", "tun-2", 5, 7, 1, 2 },
		{ "vco-b", "", 3000000000000LL, 42, 3000000000LL, 1 }, /* past 32 bits */
	};
	char *text = render_tunnels(rows, 3);

	assert_line(text, "# TYPE vpnlab_tunnel_bytes_total counter");
	assert_line(text, "# TYPE vpnlab_tunnel_packets_total counter");
	assert_line(text, "# TYPE vpnlab_vpn_connection_bytes_total counter");
	assert_line(text, "# TYPE vpnlab_vpn_connection_packets_total counter");
	assert_line(text, "vpnlab_tunnel_bytes_total{vpn_connection_id=\"vco-a\",tunnel_id=\"tun-1\",direction=\"in\"} 1000");
	assert_line(text, "vpnlab_tunnel_bytes_total{vpn_connection_id=\"vco-a\",tunnel_id=\"tun-1\",direction=\"out\"} 2000");
	assert_line(text, "vpnlab_tunnel_packets_total{vpn_connection_id=\"vco-a\",tunnel_id=\"tun-2\",direction=\"out\"} 2");
	assert_line(text, "vpnlab_tunnel_bytes_total{vpn_connection_id=\"vco-b\",tunnel_id=\"\",direction=\"in\"} 3000000000000");
	/* sums over a connection's tunnels, one series per connection and direction */
	assert_line(text, "vpnlab_vpn_connection_bytes_total{vpn_connection_id=\"vco-a\",direction=\"in\"} 1005");
	assert_line(text, "vpnlab_vpn_connection_bytes_total{vpn_connection_id=\"vco-a\",direction=\"out\"} 2007");
	assert_line(text, "vpnlab_vpn_connection_packets_total{vpn_connection_id=\"vco-a\",direction=\"in\"} 11");
	assert_line(text, "vpnlab_vpn_connection_packets_total{vpn_connection_id=\"vco-b\",direction=\"in\"} 3000000000");
	ck_assert_int_eq(count_lines(text, "vpnlab_tunnel_bytes_total{"), 6);
	ck_assert_int_eq(count_lines(text, "vpnlab_vpn_connection_bytes_total{"), 4);
	ck_assert_int_eq(count_lines(text, "vpnlab_vpn_connection_packets_total{"), 4);
	free(text);
}
END_TEST

START_TEST(test_no_tunnels_still_typed)
{
	char *text = render_tunnels(NULL, 0);

	assert_line(text, "# TYPE vpnlab_tunnel_bytes_total counter");
	ck_assert_int_eq(count_lines(text, "vpnlab_tunnel_bytes_total{"), 0);
	ck_assert_int_eq(count_lines(text, "vpnlab_vpn_connection_bytes_total{"), 0);
	free(text);
}
END_TEST

START_TEST(test_label_values_cannot_break_the_format)
{
	const struct tunnel_counters rows[] = { { "vco-\"x\\\ny", "t", 1, 2, 3, 4 } };
	char *text = render_tunnels(rows, 1);

	assert_line(text, "vpnlab_tunnel_bytes_total{vpn_connection_id=\"vco-_x__y\",tunnel_id=\"t\",direction=\"in\"} 1");
	free(text);
}
END_TEST

START_TEST(test_full_exposition)
{
	struct metrics *m = metrics_new();
	const struct tunnel_counters rows[] = { { "vco-a", "", 9, 8, 7, 6 } };
	char *text;

	ck_assert_ptr_nonnull(m);
	metrics_observe(m, "DescribeVpcs", "", 200, 700);
	metrics_observe(m, "DescribeVpcs", "", 200, 3000);
	text = metrics_render(m, rows, 1);
	ck_assert_ptr_nonnull(text);
	assert_line(text, "vpnlab_requests_total{action=\"DescribeVpcs\",code=\"\",status=\"200\"} 2");
	assert_line(text, "vpnlab_request_duration_seconds_bucket{action=\"DescribeVpcs\",le=\"0.001\"} 1");
	assert_line(text, "vpnlab_request_duration_seconds_count{action=\"DescribeVpcs\"} 2");
	assert_line(text, "vpnlab_tunnel_packets_total{vpn_connection_id=\"vco-a\",tunnel_id=\"\",direction=\"out\"} 6");
	assert_line(text, "vpnlab_vpn_connection_bytes_total{vpn_connection_id=\"vco-a\",direction=\"out\"} 8");
	free(text);
	metrics_free(m);
}
END_TEST

Suite *metrics_suite_create(void)
{
	const struct test_entry exposition[] = {
		{ test_tunnels_and_sums }, { test_no_tunnels_still_typed },
		{ test_label_values_cannot_break_the_format }, { test_full_exposition },
	};

	return test_suite("metrics", "exposition", NULL, NULL, exposition, countof(exposition));
}
