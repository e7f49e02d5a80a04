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

START_TEST(test_schedule_delay)
{
	struct vl_err err;
	int64_t next = -1;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "Modifying", 300, &err), 0);
	ck_assert(lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[1].vpc_id));
	ck_assert(!lifecycle_busy(&m, "vswitch", vpcs[0].vpc_id));	/* busy per kind */
	ck_assert_int_eq(m.next_transition_ms, NOW + 300);
	ck_assert_str_eq(status_of(0), "Available");	/* nothing changes before due */

	ck_assert_int_eq(lifecycle_apply_due(st, NOW, &next), 0);
	ck_assert_int_eq(next, NOW + 300);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 299, &next), 0);
	ck_assert_int_eq(next, NOW + 300);
	ck_assert_str_eq(status_of(0), "Available");
	ck_assert(lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));

	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 300, &next), 1);	/* due at, not after */
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(0), "Modifying");
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 10000, &next), 0);	/* applied once */
}
END_TEST

START_TEST(test_schedule_config_delay)
{
	struct vl_err err;
	int64_t next;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "Pending", -1, &err), 0);
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
	struct vl_err err;
	int64_t next = -1;

	cfg.transition_delay_ms = immediate_tests[_i].config;
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[1].vpc_id, "Available", "Modifying",
					    immediate_tests[_i].delay, &err), 0);
	ck_assert_str_eq(status_of(1), "Modifying");
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[1].vpc_id));
	ck_assert_int_eq(m.next_transition_ms, 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100000, &next), 0);
	ck_assert_int_eq(next, 0);
}
END_TEST

START_TEST(test_earliest_due)
{
	struct vl_err err;
	int64_t next;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "A", 500, &err), 0);
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[1].vpc_id, "Available", "B", 300, &err), 0);
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[2].vpc_id, "Available", "C", 900, &err), 0);
	ck_assert_int_eq(m.next_transition_ms, NOW + 300);	/* the earliest of the request */

	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 600, &next), 2);
	ck_assert_int_eq(next, NOW + 900);
	ck_assert_str_eq(status_of(0), "A");
	ck_assert_str_eq(status_of(1), "B");
	ck_assert_str_eq(status_of(2), "Available");
	ck_assert(lifecycle_busy(&m, "vpc", vpcs[2].vpc_id));
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 900, &next), 1);
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(2), "C");
}
END_TEST

START_TEST(test_reschedule_replaces)
{
	struct vl_err err;
	int64_t next;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "First", 100, &err), 0);
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "Second", 700, &err), 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 100, &next), 0);
	ck_assert_int_eq(next, NOW + 700);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 700, &next), 1);
	ck_assert_str_eq(status_of(0), "Second");
}
END_TEST

START_TEST(test_from_mismatch)
{
	struct vl_err err;
	int64_t next;

	/* the move only happens from the state it was scheduled from */
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Deleting", "Gone", 10, &err), 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 10, &next), 1);
	ck_assert_str_eq(status_of(0), "Available");
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
}
END_TEST

START_TEST(test_await_confirm)
{
	struct vl_err err;
	int64_t next = -1;

	ck_assert_int_eq(lifecycle_await(&m, "vpc", vpcs[0].vpc_id, "Available", "Attached", &err), 0);
	ck_assert(lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert_int_eq(m.next_transition_ms, 0);	/* no timer */
	/* time alone never completes it */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 86400000LL, &next), 0);
	ck_assert_int_eq(next, 0);
	ck_assert_str_eq(status_of(0), "Available");

	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[1].vpc_id, &err), 0);	/* nothing awaited */
	ck_assert_int_eq(lifecycle_confirm(&m, "vswitch", vpcs[0].vpc_id, &err), 0);	/* other kind */
	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[0].vpc_id, &err), 1);
	ck_assert_str_eq(status_of(0), "Attached");
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert_int_eq(lifecycle_confirm(&m, "vpc", vpcs[0].vpc_id, &err), 0);	/* once */
}
END_TEST

START_TEST(test_await_mixed_with_timed)
{
	struct vl_err err;
	int64_t next;

	ck_assert_int_eq(lifecycle_await(&m, "vpc", vpcs[0].vpc_id, "Available", "Attached", &err), 0);
	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[1].vpc_id, "Available", "Ready", 50, &err), 0);
	ck_assert_int_eq(lifecycle_apply_due(st, NOW, &next), 0);
	ck_assert_int_eq(next, NOW + 50);	/* the awaited one has no due time */
	ck_assert_int_eq(lifecycle_apply_due(st, NOW + 50, &next), 1);
	ck_assert_int_eq(next, 0);
	ck_assert(lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert_str_eq(status_of(1), "Ready");
}
END_TEST

START_TEST(test_cancel)
{
	struct vl_err err;
	int64_t next;

	ck_assert_int_eq(lifecycle_schedule(&m, "vpc", vpcs[0].vpc_id, "Available", "Modifying", 100, &err), 0);
	ck_assert_int_eq(lifecycle_await(&m, "vpc", vpcs[1].vpc_id, "Available", "Attached", &err), 0);
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[0].vpc_id), 0);
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[1].vpc_id), 0);
	ck_assert_int_eq(lifecycle_cancel(&m, "vpc", vpcs[2].vpc_id), 0);	/* nothing to cancel */
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[0].vpc_id));
	ck_assert(!lifecycle_busy(&m, "vpc", vpcs[1].vpc_id));
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
