/*
 * The lifecycle engine (model/lifecycle.c): timed transitions, due-time application,
 * the busy flag, awaited transitions confirmed by the data plane, cancel.
 */
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define REGION "cn-hangzhou"

static struct model_ctx m;
static struct vpc vpcs[3];	/* Available, 10.N.0.0/16 */

static void setup(void)
{
	struct vl_err err;

	test_world_setup();
	memset(&m, 0, sizeof(m));
	m.store = st;
	m.account = ACCOUNT;
	m.region = REGION;
	m.now_ms = NOW;
	m.cfg = &cfg;
	for (int i = 0; i < 3; i++) {
		char cidr[24];
		struct vpc_create_args args = { .cidr_block = cidr };

		snprintf(cidr, sizeof(cidr), "10.%d.0.0/16", i);
		ck_assert_int_eq(vpc_create(&m, &args, &vpcs[i], &err), 0);
		ck_assert_str_eq(vpcs[i].status, "Available");
	}
	ck_assert_int_eq(m.next_transition_ms, 0);
	cfg.transition_delay_ms = 1000;
}

/* The stored status of vpcs[i]. */
static const char *status_of(int i)
{
	static struct vpc v;
	struct vl_err err;

	ck_assert_int_eq(vpc_get(&m, vpcs[i].vpc_id, &v, &err), 0);
	return v.status;
}

/* Schedules vpcs[i]'s move from -> to in delay_ms; asserts it was taken. */
static void schedule_ok(int i, const char *from, const char *to, int64_t delay_ms)
{
	struct vl_err err;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[i].vpc_id, from, to, delay_ms, &err), 0);
}

/* Makes vpcs[i]'s move from -> to wait for lifecycle_confirm; asserts it was taken. */
static void await_ok(int i, const char *from, const char *to)
{
	struct vl_err err;

	ck_assert_int_eq(lifecycle_await(&m, "vpc", vpcs[i].vpc_id, from, to, &err), 0);
}

/* Whether vpcs[i] has a move scheduled or awaited. */
static bool vpc_busy(int i)
{
	return lifecycle_busy(&m, "vpc", vpcs[i].vpc_id);
}

START_TEST(test_schedule_delay)
{
	int64_t next = -1;

	schedule_ok(0, "Available", "Modifying", 300);
	ck_assert(vpc_busy(0));
	ck_assert(!vpc_busy(1));
	ck_assert(!lifecycle_busy(&m, "vswitch", vpcs[0].vpc_id));	/* busy per kind */
	ck_assert_int_eq(m.next_transition_ms, NOW + 300);
	ck_assert_str_eq(status_of(0), "Available");	/* nothing changes before due */

	ck_assert_int_eq(lifecycle_apply_due(st, NOW, &next), 0);
	ck_assert_int_eq(next, NOW + 300);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 299, &next), 0);
	ck_assert_int_eq(next, NOW + 300);
	ck_assert_str_eq(status_of(0), "Available");
	ck_assert(vpc_busy(0));

	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 300, &next), 1);	/* due at, not after */
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(0), "Modifying");
	ck_assert(!vpc_busy(0));
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 10000, &next), 0);	/* applied once */
}
END_TEST

START_TEST(test_schedule_config_delay)
{
	int64_t next;

	schedule_ok(0, "Available", "Pending", -1);
	ck_assert_int_eq(m.next_transition_ms, NOW + cfg.transition_delay_ms);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + cfg.transition_delay_ms - 1, &next), 0);
	ck_assert_int_eq(next, NOW + cfg.transition_delay_ms);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + cfg.transition_delay_ms, &next), 1);
	ck_assert_str_eq(status_of(0), "Pending");
}
END_TEST

/* delay 0, given or configured, applies inside the call */
static const struct {
	int64_t delay, config;
} immediate_tests[] = {
	{ 0, 1000 },
	{ -1, 0 },
	{ 0, 0 },
};

START_TEST(test_schedule_immediate)
{
	int64_t next = -1;

	cfg.transition_delay_ms = immediate_tests[_i].config;
	schedule_ok(1, "Available", "Modifying", immediate_tests[_i].delay);
	ck_assert_str_eq(status_of(1), "Modifying");
	ck_assert(!vpc_busy(1));
	ck_assert_int_eq(m.next_transition_ms, 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100000, &next), 0);
	ck_assert_int_eq(next, 0);
}
END_TEST

START_TEST(test_earliest_due)
{
	int64_t next;

	schedule_ok(0, "Available", "A", 500);
	schedule_ok(1, "Available", "B", 300);
	schedule_ok(2, "Available", "C", 900);
	ck_assert_int_eq(m.next_transition_ms, NOW + 300);	/* the earliest of the request */

	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 600, &next), 2);
	ck_assert_int_eq(next, NOW + 900);
	ck_assert_str_eq(status_of(0), "A");
	ck_assert_str_eq(status_of(1), "B");
	ck_assert_str_eq(status_of(2), "Available");
	ck_assert(vpc_busy(2));
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 900, &next), 1);
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(2), "C");
}
END_TEST

START_TEST(test_reschedule_replaces)
{
	int64_t next;

	schedule_ok(0, "Available", "First", 100);
	schedule_ok(0, "Available", "Second", 700);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100, &next), 0);
	ck_assert_int_eq(next, NOW + 700);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 700, &next), 1);
	ck_assert_str_eq(status_of(0), "Second");
}
END_TEST

START_TEST(test_from_mismatch)
{
	int64_t next;

	/* the move only happens from the state it was scheduled from */
	schedule_ok(0, "Deleting", "Gone", 10);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 10, &next), 1);
	ck_assert_str_eq(status_of(0), "Available");
	ck_assert(!vpc_busy(0));
}
END_TEST

START_TEST(test_await_confirm)
{
	struct vl_err err;
	int64_t next = -1;

	await_ok(0, "Available", "Attached");
	ck_assert(vpc_busy(0));
	ck_assert_int_eq(m.next_transition_ms, 0);	/* no timer */
	/* time alone never completes it */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 86400000LL, &next), 0);
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(0), "Available");

	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[1].vpc_id, &err), 0);	/* nothing awaited */
	ck_assert_int_eq(lifecycle_confirm(&m, "vswitch", vpcs[0].vpc_id, &err), 0);	/* other kind */
	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[0].vpc_id, &err), 1);
	ck_assert_str_eq(status_of(0), "Attached");
	ck_assert(!vpc_busy(0));
	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[0].vpc_id, &err), 0);	/* once */
}
END_TEST

START_TEST(test_await_mixed_with_timed)
{
	int64_t next;

	await_ok(0, "Available", "Attached");
	schedule_ok(1, "Available", "Ready", 50);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW, &next), 0);
	ck_assert_int_eq(next, NOW + 50);	/* the awaited one has no due time */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 50, &next), 1);
	ck_assert_int_eq(next, 0);
	ck_assert(vpc_busy(0));
	ck_assert_str_eq(status_of(1), "Ready");
}
END_TEST

START_TEST(test_cancel)
{
	struct vl_err err;
	int64_t next;

	schedule_ok(0, "Available", "Modifying", 100);
	await_ok(1, "Available", "Attached");
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[0].vpc_id), 0);
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[1].vpc_id), 0);
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[2].vpc_id), 0);	/* nothing to cancel */
	ck_assert(!vpc_busy(0));
	ck_assert(!vpc_busy(1));
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100, &next), 0);
	ck_assert_int_eq(next, 0);
	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[1].vpc_id, &err), 0);
	ck_assert_str_eq(status_of(0), "Available");
	ck_assert_str_eq(status_of(1), "Available");
}
END_TEST

START_TEST(test_unknown_kind)
{
	struct vl_err err;

	ck_assert_int_eq(lifecycle_schedule(&m, "tunnel", "x-1", "A", "B", 10, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InternalError");
	ck_assert_int_eq(vl_code_http_status(err.code), 500);
	ck_assert_int_eq(lifecycle_schedule(&m, "tunnel", "x-1", "A", "B", 0, &err), -1);
	ck_assert_int_eq(lifecycle_await(&m, "tunnel", "x-1", "A", "B", &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InternalError");
	ck_assert_int_eq(vl_code_http_status(err.code), 500);
	ck_assert(!lifecycle_busy(&m, "tunnel", "x-1"));
	ck_assert_int_eq(m.next_transition_ms, 0);
}
END_TEST

START_TEST(test_vswitch_kind)
{
	struct vswitch_create_args args = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch s, got;
	struct vl_err err;
	int64_t next;

	args.vpc_id = vpcs[0].vpc_id;
	m.now_ms = NOW + 5;
	ck_assert_int_eq(vswitch_create(&m, &args, &s, &err), 0);
	ck_assert_str_eq(s.status, "Pending");
	ck_assert(lifecycle_busy(&m, "vswitch", s.vswitch_id));
	ck_assert_int_eq(m.next_transition_ms, NOW + 5 + 1000);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 1005, &next), 1);
	ck_assert_int_eq(vswitch_get(&m, s.vswitch_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Available");
	ck_assert(!lifecycle_busy(&m, "vswitch", s.vswitch_id));
}
END_TEST

Suite *lifecycle_suite_create(void)
{
	const struct test_entry timed[] = {
		{ test_schedule_delay }, { test_schedule_config_delay },
		{ test_schedule_immediate, countof(immediate_tests) }, { test_earliest_due },
		{ test_reschedule_replaces }, { test_from_mismatch }, { test_vswitch_kind },
	};
	const struct test_entry awaited[] = {
		{ test_await_confirm }, { test_await_mixed_with_timed }, { test_cancel },
		{ test_unknown_kind },
	};
	const struct test_case cases[] = {
		TEST_CASE(timed), TEST_CASE(awaited),
	};

	return test_suite_of_cases("lifecycle", setup, test_world_teardown, cases, countof(cases));
}
