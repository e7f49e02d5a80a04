/*
 * probe_icmp between two namespaces joined by a veth pair (root; skipped otherwise):
 *
 *   vlp<pid>-a  a0 10.77.0.1/24 ----- b0 10.77.0.2/24  vlp<pid>-b
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns_fixture.h"
#include "probe.h"
#include "suite_fixture.h"

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

static char ns_a[32], ns_b[32];

static void teardown(void)
{
	nsf_pair_del(ns_a, ns_b);
}

static void setup(void)
{
	if (geteuid() == 0 && nsf_pair_add(ns_a, ns_b, sizeof(ns_a), "vlp", "10.77.0.1/24", "10.77.0.2/24"))
		ck_abort_msg("probe fixture could not be built");
}

START_TEST(test_probe_reachable)
{
	struct probe_result r;
	char err[PROBE_ERR_MAX] = "";
	double t0;

	if (nsf_skip_unless_root("probe_suite"))
		return;
	t0 = nsf_now_ms();
	/* a generous reply timeout: on a loaded machine a reply may come late, never be lost */
	ck_assert_msg(probe_icmp(ns_a, "10.77.0.2", 5, 50, 10000, &r, err) == 0, "%s", err);
	fprintf(stderr, "probe 5x50ms: %d/%d, loss %.1f%%, rtt avg %.3f max %.3f ms, %.0f ms\n", r.received, r.sent,
		r.loss_percent, r.rtt_avg_ms, r.rtt_max_ms, nsf_now_ms() - t0);
	ck_assert_int_eq(r.sent, 5);
	ck_assert_int_eq(r.received, 5);
	ck_assert(r.loss_percent == 0.0);
	ck_assert(r.rtt_avg_ms > 0 && r.rtt_avg_ms <= r.rtt_max_ms && r.rtt_max_ms < 10000);
	/* the schedule is kept (four intervals before the last send); the call returns once every
	 * request is answered, not at the timeout (upper bound only as loose as a loaded machine needs) */
	ck_assert(nsf_now_ms() - t0 >= 195 && nsf_now_ms() - t0 < 9000);
}
END_TEST

START_TEST(test_probe_unreachable)
{
	struct probe_result r;
	char err[PROBE_ERR_MAX] = "";
	double t0, took;

	if (nsf_skip_unless_root("probe_suite"))
		return;
	t0 = nsf_now_ms();
	/* on-link but owned by nobody: ARP fails, nothing answers */
	ck_assert_msg(probe_icmp(ns_a, "10.77.0.99", 4, 100, 300, &r, err) == 0, "%s", err);
	took = nsf_now_ms() - t0;
	fprintf(stderr, "probe to nobody: %d/%d, loss %.1f%%, returned after %.0f ms (schedule 600)\n", r.received,
		r.sent, r.loss_percent, took);
	ck_assert_int_eq(r.sent, 4);
	ck_assert_int_eq(r.received, 0);
	ck_assert(r.loss_percent == 100.0);
	ck_assert(r.rtt_avg_ms == 0 && r.rtt_max_ms == 0);
	/* (count - 1) * interval + timeout: sends went on schedule without replies */
	ck_assert_msg(took >= 595 && took < 750, "took %.0f ms", took);

	/* no route at all: every send fails, each counts as lost, still on schedule */
	ck_assert_msg(probe_icmp(ns_a, "192.0.2.1", 3, 20, 50, &r, err) == 0, "%s", err);
	ck_assert_int_eq(r.sent, 3);
	ck_assert_int_eq(r.received, 0);
}
END_TEST

START_TEST(test_probe_errors)
{
	struct probe_result r;
	char err[PROBE_ERR_MAX] = "";
	char missing[48];

	if (nsf_skip_unless_root("probe_suite"))
		return;
	ck_assert_int_eq(probe_icmp(ns_a, "10.77.0.300", 1, 10, 10, &r, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an IPv4 address"));
	ck_assert_int_eq(probe_icmp(ns_a, "10.77.0.2", 0, 10, 10, &r, err), -1);
	ck_assert_int_eq(probe_icmp(ns_a, "10.77.0.2", 1, 0, 10, &r, err), -1);
	ck_assert_int_eq(probe_icmp(ns_a, "10.77.0.2", 1, 10, 0, &r, err), -1);
	nsf_name(missing, sizeof(missing), "vlp", "-none");
	ck_assert_int_eq(probe_icmp(missing, "10.77.0.2", 1, 10, 10, &r, err), -1);
	ck_assert_msg(strstr(err, missing) != NULL, "%s", err);
}
END_TEST

struct bg_probe {
	const char *ns, *target;
	int count, interval_ms, timeout_ms;
	struct probe_result r;
	int ret;
	char err[PROBE_ERR_MAX];
};

static void *bg_probe_run(void *arg)
{
	struct bg_probe *p = arg;

	p->ret = probe_icmp(p->ns, p->target, p->count, p->interval_ms, p->timeout_ms, &p->r, p->err);
	return NULL;
}

/* Concurrent probes in both directions (and two in one namespace) keep their replies apart. */
START_TEST(test_probe_concurrent)
{
	struct bg_probe p[4] = {
		/* a reply's wait is long: the probes return when all have answered, and a loaded
		 * machine may leave a thread unscheduled for a second */
		{ .ns = ns_a, .target = "10.77.0.2", .count = 10, .interval_ms = 20, .timeout_ms = 10000 },
		{ .ns = ns_a, .target = "10.77.0.2", .count = 10, .interval_ms = 20, .timeout_ms = 10000 },
		{ .ns = ns_b, .target = "10.77.0.1", .count = 10, .interval_ms = 20, .timeout_ms = 10000 },
		{ .ns = ns_a, .target = "10.77.0.99", .count = 5, .interval_ms = 20, .timeout_ms = 300 },
	};
	pthread_t th[4];

	if (nsf_skip_unless_root("probe_suite"))
		return;
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, bg_probe_run, &p[i]), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 3; i++) {
		ck_assert_msg(p[i].ret == 0, "%s", p[i].err);
		ck_assert_int_eq(p[i].r.sent, 10);
		ck_assert_int_eq(p[i].r.received, 10);
	}
	ck_assert_int_eq(p[3].ret, 0);
	ck_assert_int_eq(p[3].r.received, 0);
}
END_TEST

/*
 * A loss window in the middle of a probe: B drops the echo requests with sequence numbers
 * 7..12 (a rule on the sequence number, not a timed cut, so the count is exact on a loaded
 * machine), and the replies before and after the window are still counted.
 */
START_TEST(test_probe_loss_window)
{
	struct bg_probe p = { .ns = ns_a, .target = "10.77.0.2", .count = 20, .interval_ms = 50, .timeout_ms = 3000 };
	int lost;

	if (nsf_skip_unless_root("probe_suite"))
		return;
	nsf_in(ns_b, "nft 'add table ip vlp_cut; add chain ip vlp_cut in { type filter hook input priority 0; }; "
		     "add rule ip vlp_cut in icmp type echo-request icmp sequence 7-12 drop'");
	bg_probe_run(&p);
	nsf_in(ns_b, "nft delete table ip vlp_cut");
	ck_assert_msg(p.ret == 0, "%s", p.err);
	lost = p.r.sent - p.r.received;
	fprintf(stderr, "probe with sequences 7..12 dropped: %d/%d received, %d lost (%.0f%%)\n", p.r.received,
		p.r.sent, lost, p.r.loss_percent);
	ck_assert_int_eq(p.r.sent, 20);
	ck_assert_int_eq(lost, 6);
	ck_assert(p.r.loss_percent > 29.9 && p.r.loss_percent < 30.1);
}
END_TEST

START_TEST(test_probe_ids)
{
	int a = probe_id_get(), b = probe_id_get(), c;

	ck_assert(a >= 0 && a <= 0xffff && b >= 0 && b <= 0xffff);
	ck_assert_int_ne(a, b);
	probe_id_put(a);
	/* a released identifier is not handed out again at once */
	c = probe_id_get();
	ck_assert_int_ne(c, a);
	probe_id_put(b);
	probe_id_put(c);
}
END_TEST

Suite *probe_suite(void)
{
	const TTest *const tests[] = {
		test_probe_reachable,
		test_probe_unreachable,
		test_probe_errors,
		test_probe_concurrent,
		test_probe_loss_window,
		test_probe_ids,
		NULL,
	};

	return agent_suite("probe", "icmp", setup, teardown, 30, tests, NULL);
}
