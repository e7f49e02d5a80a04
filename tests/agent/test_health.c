/*
 * The health checker against real namespaces (root; skipped otherwise).  S is the check's
 * source, owned by A and by C (as the two endpoint namespaces of a dual-tunnel gateway both
 * own it); D is the destination, owned by B:
 *
 *   A  lo S=10.78.9.1           B  lo D=10.78.9.2            C  lo S=10.78.9.1
 *      a0 10.78.1.1/30 -------- b0 10.78.1.2/30
 *                               b1 10.78.2.2/30 ------------ c0 10.78.2.1/30
 *
 * A and C route D toward B (without a preferred source: the checker itself must send from S);
 * B routes S back to A (or, for the cross-namespace case, to C).
 * Intervals are 100..200 ms so that a cycle of UP, DOWN and UP takes about two seconds.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "health.h"
#include "netns_fixture.h"
#include "suite_fixture.h"

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

#define S "10.78.9.1"
#define D "10.78.9.2"

static char ns_a[32], ns_b[32], ns_c[32], ns_late[32];
static bool built;
static struct health *h; /* freed by teardown also when a test fails half-way */

/* ---- state changes as the callback reports them ---- */

struct ev {
	char key[HEALTH_KEY_MAX];
	enum health_state state;
	double t;
};

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static struct ev evs[256];
static int nev;

static void on_change(void *arg, const char *key, enum health_state state)
{
	(void)arg;
	pthread_mutex_lock(&ev_lock);
	if (nev < (int)(sizeof(evs) / sizeof(evs[0]))) {
		snprintf(evs[nev].key, sizeof(evs[nev].key), "%s", key);
		evs[nev].state = state;
		evs[nev].t = nsf_now_ms();
		nev++;
	}
	pthread_cond_broadcast(&ev_cond);
	pthread_mutex_unlock(&ev_lock);
}

static int ev_count(void)
{
	int n;

	pthread_mutex_lock(&ev_lock);
	n = nev;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

/* Waits for key to be reported in state at event index >= from; returns when, or -1. */
static double wait_state(const char *key, enum health_state state, int from, int timeout_ms)
{
	double until = nsf_now_ms() + timeout_ms, t = -1;
	struct timespec ts;

	pthread_mutex_lock(&ev_lock);
	for (;;) {
		for (int i = from; i < nev && t < 0; i++)
			if (strcmp(evs[i].key, key) == 0 && evs[i].state == state)
				t = evs[i].t;
		if (t >= 0 || nsf_now_ms() >= until)
			break;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&ev_cond, &ev_lock, &ts);
	}
	pthread_mutex_unlock(&ev_lock);
	return t;
}

static int events_of(const char *key, int from)
{
	int n = 0;

	pthread_mutex_lock(&ev_lock);
	for (int i = from; i < nev; i++)
		n += strcmp(evs[i].key, key) == 0;
	pthread_mutex_unlock(&ev_lock);
	return n;
}

/* ---- fixture ---- */

static void teardown(void)
{
	health_free(h);
	h = NULL;
	if (!built)
		return;
	nsf_del(ns_a);
	nsf_del(ns_b);
	nsf_del(ns_c);
	nsf_del(ns_late);
	built = false;
}

static void setup(void)
{
	if (geteuid() != 0)
		return;
	pthread_mutex_lock(&ev_lock);
	nev = 0;
	pthread_mutex_unlock(&ev_lock);
	nsf_name(ns_a, sizeof(ns_a), "vlh", "-a");
	nsf_name(ns_b, sizeof(ns_b), "vlh", "-b");
	nsf_name(ns_c, sizeof(ns_c), "vlh", "-c");
	nsf_name(ns_late, sizeof(ns_late), "vlh", "-late");
	built = true;
	if (nsf_add(ns_a) || nsf_add(ns_b) || nsf_add(ns_c) ||
	    nsf_veth(ns_a, "a0", "10.78.1.1/30", ns_b, "b0", "10.78.1.2/30") ||
	    nsf_veth(ns_c, "c0", "10.78.2.1/30", ns_b, "b1", "10.78.2.2/30") ||
	    nsf_sh("ip -n %s addr add " S "/32 dev lo && ip -n %s route add " D " via 10.78.1.2", ns_a, ns_a) ||
	    nsf_sh("ip -n %s addr add " S "/32 dev lo && ip -n %s route add " D " via 10.78.2.2", ns_c, ns_c) ||
	    nsf_sh("ip -n %s addr add " D "/32 dev lo && ip -n %s route add " S " via 10.78.1.1", ns_b, ns_b) ||
	    /* B sends replies out of another link than the requests came in on */
	    nsf_in(ns_b, "sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'")) {
		teardown();
		ck_abort_msg("health fixture could not be built");
	}
}

static int cut_b(void)
{
	return nsf_in(ns_b, "nft 'add table ip vlh_cut; add chain ip vlh_cut in { type filter hook input priority 0; };"
			    " add rule ip vlh_cut in icmp type echo-request drop'");
}

static int restore_b(void)
{
	return nsf_in(ns_b, "nft delete table ip vlh_cut");
}

/* ---- tests ---- */

/*
 * UP, then a cut path is DOWN within interval * (retry + 1) (+ slack), and no sooner than
 * (retry - 1) intervals; restored, UP within about an interval.  Three cycles, measured.
 */
/*
 * The checker's thread may be scheduled late on a loaded machine (tests run beside others on
 * two cores): upper bounds get this much slack; lower bounds ("not too early") need none.
 */
#define LOAD_SLACK_MS 1000

START_TEST(test_health_up_down_up)
{
	const int interval = 200, retry = 3;
	struct health_status st;
	double t, t_cut, t_down, t_up;
	int from;

	if (nsf_skip_unless_root("health_suite"))
		return;
	ck_assert_ptr_nonnull(h = health_new(on_change, NULL));
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UNKNOWN);
	t = nsf_now_ms();
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, interval, retry), 0);
	t_up = wait_state("k", HEALTH_UP, 0, 10000);
	ck_assert_msg(t_up >= 0, "never UP");
	fprintf(stderr, "health: first UP after %.1f ms\n", t_up - t);
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UP);

	for (int cycle = 0; cycle < 3; cycle++) {
		/* cut at different phases of the probe schedule: 0, 70, 140 ms after a reply */
		usleep(cycle * 70 * 1000);
		from = ev_count();
		ck_assert_int_eq(cut_b(), 0);
		t_cut = nsf_now_ms();
		t_down = wait_state("k", HEALTH_DOWN, from, 10000);
		ck_assert_msg(t_down >= 0, "never DOWN after the cut");
		fprintf(stderr, "health: cycle %d: DOWN %.1f ms after the cut (interval %d, retry %d, bound %d)\n",
			cycle, t_down - t_cut, interval, retry, interval * (retry + 1) + LOAD_SLACK_MS);
		ck_assert_msg(t_down - t_cut <= interval * (retry + 1) + LOAD_SLACK_MS, "DOWN took %.1f ms", t_down - t_cut);
		ck_assert_msg(t_down - t_cut >= interval * (retry - 1) - 50, "DOWN too early: %.1f ms", t_down - t_cut);
		ck_assert_int_eq(health_get(h, "k"), HEALTH_DOWN);
		ck_assert_int_eq(health_status(h, "k", &st), 0);
		ck_assert_int_ge(st.consecutive_failures, retry);

		from = ev_count();
		ck_assert_int_eq(restore_b(), 0);
		t = nsf_now_ms();
		t_up = wait_state("k", HEALTH_UP, from, 10000);
		ck_assert_msg(t_up >= 0, "never UP after the restore");
		fprintf(stderr, "health: cycle %d: UP %.1f ms after the restore\n", cycle, t_up - t);
		ck_assert_msg(t_up - t <= interval + LOAD_SLACK_MS, "UP took %.1f ms", t_up - t);
	}
	/* exactly one callback per change: UP, then DOWN/UP three times */
	ck_assert_int_eq(events_of("k", 0), 7);
	ck_assert_int_eq(health_status(h, "k", &st), 0);
	ck_assert_int_eq(st.state, HEALTH_UP);
	ck_assert_int_eq(st.consecutive_failures, 0);
	ck_assert(st.received > 0 && st.received < st.sent && st.last_rtt_ms > 0);
}
END_TEST

/* Setting the same path again keeps state; a new path starts afresh; bad settings refused. */
START_TEST(test_health_update)
{
	struct health_status st;
	int from;

	if (nsf_skip_unless_root("health_suite"))
		return;
	ck_assert_ptr_nonnull(h = health_new(on_change, NULL));
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, 100, 3), 0);
	ck_assert(wait_state("k", HEALTH_UP, 0, 10000) >= 0);
	from = ev_count();
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, 100, 3), 0);
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UP);
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, 50, 2), 0); /* interval and retry only */
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UP);
	usleep(400 * 1000);
	ck_assert_int_eq(events_of("k", from), 0);
	ck_assert_int_eq(health_status(h, "k", &st), 0);
	ck_assert_int_eq(st.consecutive_failures, 0);

	/* a destination with no route: a new path, UNKNOWN at once, DOWN after 2 failures */
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, "10.78.99.1", 50, 2), 0);
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UNKNOWN);
	ck_assert(wait_state("k", HEALTH_DOWN, from, 10000) >= 0);
	ck_assert_int_eq(health_status(h, "k", &st), 0);
	ck_assert_msg(strstr(st.last_error, "unreachable") != NULL, "last_error '%s'", st.last_error);
	ck_assert_uint_eq(st.received, 0);

	health_remove(h, "k");
	health_remove(h, "k");
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UNKNOWN);
	ck_assert_int_eq(health_status(h, "k", &st), -1);

	errno = 0;
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, "10.78.9", D, 100, 3), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, 5, 3), -1);
	ck_assert_int_eq(health_set_ms(h, "k", ns_a, S, D, 100, 0), -1);
	ck_assert_int_eq(health_set_ms(h, "", ns_a, S, D, 100, 3), -1);
	ck_assert_int_eq(health_set(h, "k", ns_a, S, D, 0, 3), -1);
	ck_assert_int_eq(health_get(h, "k"), HEALTH_UNKNOWN);
	health_free(NULL);
}
END_TEST

/*
 * B routes replies for S to C.  With a check only in A nothing sees them: DOWN.  Once C
 * hosts a check of the same checker (as the standby endpoint does), A's replies are taken
 * from C's socket and A's check is UP; without it, DOWN again.
 */
START_TEST(test_health_reply_in_other_namespace)
{
	struct health_status st;
	double t_up;
	int from;

	if (nsf_skip_unless_root("health_suite"))
		return;
	ck_assert_int_eq(nsf_sh("ip -n %s route replace " S " via 10.78.2.1", ns_b), 0);
	ck_assert_ptr_nonnull(h = health_new(on_change, NULL));
	ck_assert_int_eq(health_set_ms(h, "a", ns_a, S, D, 100, 3), 0);
	ck_assert_msg(wait_state("a", HEALTH_DOWN, 0, 10000) >= 0,
		      "replies landing in C were seen without a socket there");
	ck_assert_int_eq(health_status(h, "a", &st), 0);
	ck_assert_uint_eq(st.received, 0);
	ck_assert_str_eq(st.last_error, ""); /* the requests did go out */

	from = ev_count();
	ck_assert_int_eq(health_set_ms(h, "c", ns_c, S, D, 100, 3), 0);
	ck_assert(wait_state("c", HEALTH_UP, from, 10000) >= 0);
	t_up = wait_state("a", HEALTH_UP, from, 10000);
	ck_assert_msg(t_up >= 0, "A's check stayed DOWN with its replies arriving in C");
	ck_assert_int_eq(health_get(h, "a"), HEALTH_UP);
	usleep(300 * 1000);
	ck_assert_int_eq(health_get(h, "a"), HEALTH_UP);
	ck_assert_int_eq(events_of("a", from), 1);

	from = ev_count();
	health_remove(h, "c");
	ck_assert_msg(wait_state("a", HEALTH_DOWN, from, 10000) >= 0, "C's socket outlived its last check");
}
END_TEST

static int build_late(void)
{
	return nsf_add(ns_late) || nsf_veth(ns_late, "l0", "10.78.3.1/30", ns_b, "b2", "10.78.3.2/30") ||
	       nsf_sh("ip -n %s addr add 10.78.9.3/32 dev lo && ip -n %s route add " D " via 10.78.3.2", ns_late,
		      ns_late) ||
	       nsf_sh("ip -n %s route replace 10.78.9.3 via 10.78.3.1", ns_b);
}

/* A namespace that appears later, and one deleted and made again under the same name. */
START_TEST(test_health_namespace_late_and_recreated)
{
	struct health_status st;
	int from;

	if (nsf_skip_unless_root("health_suite"))
		return;
	ck_assert_ptr_nonnull(h = health_new(on_change, NULL));
	ck_assert_int_eq(health_set_ms(h, "x", ns_late, "10.78.9.3", D, 100, 2), 0);
	ck_assert(wait_state("x", HEALTH_DOWN, 0, 10000) >= 0);
	ck_assert_int_eq(health_status(h, "x", &st), 0);
	ck_assert_msg(strstr(st.last_error, ns_late) != NULL, "last_error '%s'", st.last_error);

	from = ev_count();
	ck_assert_int_eq(build_late(), 0);
	ck_assert_msg(wait_state("x", HEALTH_UP, from, 10000) >= 0, "not UP once the namespace exists");

	/* the old socket would keep the deleted namespace alive and never see a reply again */
	from = ev_count();
	ck_assert_int_eq(nsf_sh("ip netns del %s", ns_late), 0);
	ck_assert(wait_state("x", HEALTH_DOWN, from, 10000) >= 0);
	from = ev_count();
	ck_assert_int_eq(build_late(), 0);
	ck_assert_msg(wait_state("x", HEALTH_UP, from, 10000) >= 0, "not UP in the re-created namespace");
}
END_TEST

Suite *health_suite(void)
{
	const TTest *const tests[] = {
		test_health_up_down_up,
		test_health_update,
		test_health_reply_in_other_namespace,
		test_health_namespace_late_and_recreated,
		NULL,
	};

	return agent_suite("health", "netns", setup, teardown, 60, tests, NULL);
}
