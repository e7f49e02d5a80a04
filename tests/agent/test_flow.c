/*
 * Lab flows (dataplane-agent/flow.c) and the monotonic tunnel counters (sa_counters.c):
 * iperf3 JSON parsing (TCP, UDP, iperf3's own error), counters across rekeys, SAs that come
 * back and SPIs reused; and, as root, a real iperf3 run between two namespaces joined by a
 * veth pair, the server stopped by its handle and one killed at its deadline, no process
 * left behind (checked by PID):
 *
 *   vlf<pid>-a  a0 10.78.0.1/24 ----- b0 10.78.0.2/24  vlf<pid>-b
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "netns_fixture.h"
#include "sa_counters.h"

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

/* ---- parsing ---- */

static const char tcp_json[] =
	"{\"start\":{},\"intervals\":[],\"end\":{\"streams\":["
	"{\"sender\":{\"bytes\":1000,\"bits_per_second\":8000000},\"receiver\":{\"bytes\":990,\"bits_per_second\":7900000}},"
	"{\"sender\":{\"bytes\":2000,\"bits_per_second\":16000000},\"receiver\":{\"bytes\":1990,\"bits_per_second\":15900000}}],"
	"\"sum_sent\":{\"bytes\":3000,\"bits_per_second\":24000000,\"retransmits\":7},"
	"\"sum_received\":{\"bytes\":2980,\"bits_per_second\":23800000}}}";

static const char udp_json[] =
	"{\"end\":{\"streams\":[{\"udp\":{\"bytes\":500,\"bits_per_second\":4000000,\"lost_percent\":1.5}}],"
	"\"sum\":{\"bytes\":500,\"bits_per_second\":4000000,\"lost_percent\":1.5},"
	"\"sum_sent\":{\"bytes\":510,\"bits_per_second\":4100000},"
	"\"sum_received\":{\"bytes\":500,\"bits_per_second\":4000000}}}";

START_TEST(test_parse_tcp)
{
	struct flow_result r;
	char err[FLOW_ERR_MAX] = "";

	ck_assert_msg(flow_parse_iperf3(tcp_json, &r, err) == 0, "%s", err);
	ck_assert_double_eq_tol(r.total_mbps, 23.8, 1e-9);
	ck_assert_int_eq(r.bytes, 2980);
	ck_assert_int_eq(r.stream_count, 2);
	ck_assert_double_eq_tol(r.stream_mbps[0], 7.9, 1e-9);
	ck_assert_double_eq_tol(r.stream_mbps[1], 15.9, 1e-9);
	ck_assert_int_eq(r.retransmits, 7);
	ck_assert_double_eq_tol(r.lost_percent, 0, 1e-9);
}
END_TEST

START_TEST(test_parse_udp)
{
	struct flow_result r;
	char err[FLOW_ERR_MAX] = "";

	ck_assert_msg(flow_parse_iperf3(udp_json, &r, err) == 0, "%s", err);
	ck_assert_double_eq_tol(r.total_mbps, 4.0, 1e-9);
	ck_assert_int_eq(r.stream_count, 1);
	ck_assert_int_eq(r.retransmits, 0);
	ck_assert_double_eq_tol(r.lost_percent, 1.5, 1e-9);
}
END_TEST

START_TEST(test_parse_refusals)
{
	struct flow_result r;
	char err[FLOW_ERR_MAX] = "";

	ck_assert_int_eq(flow_parse_iperf3("{\"start\":{},\"end\":{},\"error\":\"unable to connect to server: "
					   "Connection refused\"}", &r, err), -1);
	ck_assert_msg(strstr(err, "Connection refused") != NULL, "%s", err);
	ck_assert_int_eq(flow_parse_iperf3("not json", &r, err), -1);
	ck_assert_int_eq(flow_parse_iperf3("{\"end\":{\"streams\":[]}}", &r, err), -1);
	ck_assert_int_eq(flow_parse_iperf3(NULL, &r, err), -1);
}
END_TEST

/* ---- counters ---- */

static struct sa_counts counts(uint64_t bi, uint64_t bo, uint64_t pi, uint64_t po)
{
	return (struct sa_counts){ bi, bo, pi, po };
}

static uint64_t total_bytes_in(const struct sa_counters *c)
{
	struct sa_counts t;

	sa_counters_total(c, &t);
	return t.bytes_in;
}

START_TEST(test_counters_across_rekeys)
{
	struct sa_counters c = { 0 };
	struct sa_counts now, t;

	now = counts(100, 200, 1, 2);
	sa_counters_observe(&c, 0x1111, &now);
	now = counts(150, 260, 2, 3);
	sa_counters_observe(&c, 0x1111, &now);
	ck_assert_uint_eq(total_bytes_in(&c), 150);
	/* rekey: the new SA starts from zero, the old one's bytes stay */
	now = counts(10, 20, 1, 1);
	sa_counters_observe(&c, 0x2222, &now);
	sa_counters_total(&c, &t);
	ck_assert(t.bytes_in == 160 && t.bytes_out == 280 && t.packets_in == 3 && t.packets_out == 4);
	/* the tunnel goes down, then comes up with another SA */
	sa_counters_observe(&c, 0, NULL);
	ck_assert_uint_eq(total_bytes_in(&c), 160);
	now = counts(5, 0, 1, 0);
	sa_counters_observe(&c, 0x3333, &now);
	ck_assert_uint_eq(total_bytes_in(&c), 165);
}
END_TEST

START_TEST(test_counters_sa_comes_back)
{
	struct sa_counters c = { 0 };
	struct sa_counts now;

	now = counts(100, 0, 0, 0);
	sa_counters_observe(&c, 0xa, &now);
	/* the monitor briefly prefers the other SA of a rekey, then the first again */
	now = counts(3, 0, 0, 0);
	sa_counters_observe(&c, 0xb, &now);
	ck_assert_uint_eq(total_bytes_in(&c), 103);
	now = counts(120, 0, 0, 0);
	sa_counters_observe(&c, 0xa, &now);
	ck_assert_uint_eq(total_bytes_in(&c), 123); /* a's 120 once, b's 3 */
	/* the same SPI with smaller counters is a new SA: the old one's 120 stay */
	now = counts(7, 0, 0, 0);
	sa_counters_observe(&c, 0xa, &now);
	ck_assert_uint_eq(total_bytes_in(&c), 130);
}
END_TEST

/* ---- real runs (root) ---- */

static char ns_a[32], ns_b[32];

static void teardown(void)
{
	flow_stop_all();
	nsf_pair_del(ns_a, ns_b);
}

static void setup(void)
{
	if (geteuid() == 0 && nsf_pair_add(ns_a, ns_b, sizeof(ns_a), "vlf", "10.78.0.1/24", "10.78.0.2/24"))
		ck_abort_msg("flow fixture could not be built");
}

/* The PIDs of iperf3 processes in namespace ns (`ip netns pids`), as one line. */
static char *iperf_pids(const char *ns)
{
	return nsf_sh_out("for p in $(ip netns pids %s); do [ \"$(cat /proc/$p/comm 2>/dev/null)\" = iperf3 ] && "
			  "printf '%%s ' $p; done; true", ns);
}

START_TEST(test_flow_tcp_real)
{
	struct flow_result r;
	char err[FLOW_ERR_MAX] = "", *left;
	int id = 0, port = 0;

	if (nsf_skip_unless_root("flow_suite"))
		return;
	ck_assert_msg(flow_server_start(ns_b, 30, &id, &port, err) == 0, "%s", err);
	ck_assert_int_gt(port, 0);
	ck_assert_msg(flow_client_run(ns_a, "10.78.0.2", port, 4, 1, false, &r, err) == 0, "%s", err);
	fprintf(stderr, "flow 4 TCP streams, 1 s over a veth: %.1f Mbit/s, %lld bytes, %lld retransmits\n",
		r.total_mbps, (long long)r.bytes, (long long)r.retransmits);
	ck_assert_int_eq(r.stream_count, 4);
	ck_assert(r.total_mbps > 0 && r.bytes > 0);
	for (int i = 0; i < 4; i++)
		ck_assert(r.stream_mbps[i] > 0);
	/* the server's one test ended (it exits) or it is still reaped on stop: none is left */
	flow_server_stop(id);
	left = iperf_pids(ns_b);
	ck_assert_msg(left && left[0] == '\0', "iperf3 left in %s: %s", ns_b, left ? left : "?");
	free(left);
}
END_TEST

START_TEST(test_flow_udp_and_refusals)
{
	struct flow_result r;
	char err[FLOW_ERR_MAX] = "";
	int id = 0, port = 0;

	if (nsf_skip_unless_root("flow_suite"))
		return;
	ck_assert_msg(flow_server_start(ns_b, 30, &id, &port, err) == 0, "%s", err);
	ck_assert_msg(flow_client_run(ns_a, "10.78.0.2", port, 2, 1, true, &r, err) == 0, "%s", err);
	ck_assert_int_eq(r.stream_count, 2);
	ck_assert(r.total_mbps > 0);
	flow_server_stop(id);
	/* nobody listens: iperf3's refusal comes back as the reason */
	ck_assert_int_eq(flow_client_run(ns_a, "10.78.0.2", port, 1, 1, false, &r, err), -1);
	ck_assert_msg(err[0] != '\0', "no reason");
	ck_assert_int_eq(flow_client_run(ns_a, "10.78.0.2", port, 0, 1, false, &r, err), -1);
	ck_assert_int_eq(flow_client_run(ns_a, "10.78.0.2", port, 1, 61, false, &r, err), -1);
	ck_assert_int_eq(flow_server_start("vlf-no-such-namespace", 5, &id, &port, err), -1);
}
END_TEST

START_TEST(test_flow_server_deadline)
{
	char err[FLOW_ERR_MAX] = "", *left = NULL;
	int id = 0, port = 0;
	double t0 = nsf_now_ms();

	if (nsf_skip_unless_root("flow_suite"))
		return;
	/*
	 * nobody connects: the server ends at its lifetime, with no stop call, and the watcher
	 * reaps it (iperf3's own idle timeout may end it first: then only the reaping is the
	 * watcher's, up to half a second later)
	 */
	ck_assert_msg(flow_server_start(ns_b, 1, &id, &port, err) == 0, "%s", err);
	for (;;) {
		free(left);
		left = iperf_pids(ns_b);
		if (left && left[0] == '\0' && !flow_server_known(id))
			break;
		ck_assert_msg(nsf_now_ms() - t0 < 20000, "iperf3 server still runs after 20 s: %s", left ? left : "?");
		usleep(100000);
	}
	free(left);
	ck_assert_int_eq(flow_server_stop(id), -1); /* it is gone already */
}
END_TEST

Suite *flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *parse = tcase_create("parse"), *real = tcase_create("iperf3");

	tcase_add_test(parse, test_parse_tcp);
	tcase_add_test(parse, test_parse_udp);
	tcase_add_test(parse, test_parse_refusals);
	tcase_add_test(parse, test_counters_across_rekeys);
	tcase_add_test(parse, test_counters_sa_comes_back);
	tcase_add_checked_fixture(real, setup, teardown);
	tcase_set_timeout(real, 120);
	tcase_add_test(real, test_flow_tcp_real);
	tcase_add_test(real, test_flow_udp_and_refusals);
	tcase_add_test(real, test_flow_server_deadline);
	suite_add_tcase(s, parse);
	suite_add_tcase(s, real);
	return s;
}
