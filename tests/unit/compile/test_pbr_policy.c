/*
 * Policy-based VPN routes for the data plane (model/compile/pbr_policy.c): which entries no
 * packet reaches, a connection's narrowed gateway-side selectors and its weight.  Tables of
 * gateways' entries (in match order) drive the loop tests.
 */
#include <stdio.h>
#include <string.h>

#include "pbr_policy.h"
#include "test.h"

#define RULES_MAX 6

struct rule {
	const char *source, *dest, *next_hop;
	int weight, priority;
};

static const struct {
	const char *what;
	struct rule rules[RULES_MAX];
	const char *shadowed; /* one '0'/'1' per rule */
	const char *local_subnet, *conn, *keep_addrs;
	const char *selectors; /* pbr_local_selectors of conn */
	int weight;	       /* pbr_weight of conn */
} tests[] = {
	{ "two sources, two connections",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 }, { "10.0.2.0/24", "192.168.0.0/16", "c2", 100, 10 } },
	  "00", "10.0.0.0/16", "c1", NULL, "10.0.1.0/24", 100 },
	{ "a source wider than LocalSubnet is cut to it",
	  { { "10.0.0.0/8", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16,172.16.0.0/12", "c1", NULL,
	  "10.0.0.0/16", 100 },
	{ "route-based (0.0.0.0/0) LocalSubnet takes the sources as they are",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 }, { "10.0.9.0/24", "172.16.0.0/12", "c1", 100, 20 } },
	  "00", "0.0.0.0/0", "c1", NULL, "10.0.1.0/24,10.0.9.0/24", 100 },
	{ "a source outside LocalSubnet adds nothing",
	  { { "10.9.0.0/16", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16", "c1", NULL, "", 100 },
	{ "nested sources reduce to the outer one",
	  { { "10.0.1.0/24", "192.168.1.0/24", "c1", 100, 10 }, { "10.0.0.0/16", "192.168.2.0/24", "c1", 100, 10 } },
	  "00", "10.0.0.0/16", "c1", NULL, "10.0.0.0/16", 100 },
	{ "an earlier route containing source and destination shadows a later one",
	  { { "10.0.0.0/16", "192.168.0.0/16", "c2", 100, 1 }, { "10.0.1.0/24", "192.168.1.0/24", "c1", 100, 10 } },
	  "01", "10.0.0.0/16", "c1", NULL, "", -1 },
	{ "a more specific earlier route does not shadow a wider later one",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c2", 100, 1 }, { "10.0.0.0/16", "192.168.0.0/16", "c1", 100, 10 } },
	  "00", "10.0.0.0/16", "c1", NULL, "10.0.0.0/16", 100 },
	{ "a wider destination later is not shadowed",
	  { { "10.0.0.0/16", "192.168.1.0/24", "c2", 100, 1 }, { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } },
	  "00", "10.0.0.0/16", "c1", NULL, "10.0.1.0/24", 100 },
	{ "an active/standby group shadows nothing of itself",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 }, { "10.0.1.0/24", "192.168.0.0/16", "c2", 0, 10 } },
	  "00", "10.0.0.0/16", "c2", NULL, "10.0.1.0/24", 0 },
	{ "the same source and destination at another priority is shadowed",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 }, { "10.0.1.0/24", "192.168.0.0/16", "c2", 0, 20 } },
	  "01", "10.0.0.0/16", "c2", NULL, "", -1 },
	{ "the health check's source joins the selectors",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16", "c1", "10.0.2.9",
	  "10.0.1.0/24,10.0.2.9/32", 100 },
	{ "…unless a selector holds it already",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16", "c1", "10.0.1.9", "10.0.1.0/24",
	  100 },
	{ "…or it lies outside LocalSubnet",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16", "c1", "172.16.0.1", "10.0.1.0/24",
	  100 },
	{ "every address to keep that a block holds, once",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16,172.16.0.0/12", "c1",
	  "10.0.2.9,172.16.0.1,10.0.1.7,10.0.2.9,", "10.0.1.0/24,10.0.2.9/32,172.16.0.1/32", 100 },
	{ "no route: nothing to narrow to, even with a health check",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "0", "10.0.0.0/16", "c9", "10.0.1.9", "", -1 },
	{ "the highest weight of the connection's routes",
	  { { "10.0.1.0/24", "192.168.0.0/16", "c1", 0, 10 }, { "10.0.2.0/24", "192.168.0.0/16", "c1", 100, 10 } }, "00",
	  "10.0.0.0/16", "c1", NULL, "10.0.1.0/24,10.0.2.0/24", 100 },
};

START_TEST(test_pbr)
{
	struct vpn_pbr_rule rules[RULES_MAX];
	bool shadowed[RULES_MAX];
	char got[256], flags[RULES_MAX + 1] = "";
	int count = 0;

	memset(rules, 0, sizeof(rules));
	for (; count < RULES_MAX && tests[_i].rules[count].source != NULL; count++) {
		const struct rule *r = &tests[_i].rules[count];

		strcpy(rules[count].route_source, r->source);
		strcpy(rules[count].route_dest, r->dest);
		strcpy(rules[count].next_hop, r->next_hop);
		rules[count].weight = r->weight;
		rules[count].priority = r->priority;
	}
	pbr_shadowed(rules, count, shadowed);
	for (int i = 0; i < count; i++)
		flags[i] = shadowed[i] ? '1' : '0';
	flags[count] = '\0';
	ck_assert_msg(strcmp(flags, tests[_i].shadowed) == 0, "%s: shadowed %s", tests[_i].what, flags);
	pbr_local_selectors(tests[_i].local_subnet, rules, count, shadowed, tests[_i].conn, tests[_i].keep_addrs, got,
			    sizeof(got));
	ck_assert_msg(strcmp(got, tests[_i].selectors) == 0, "%s: selectors %s", tests[_i].what, got);
	ck_assert_msg(pbr_weight(rules, count, shadowed, tests[_i].conn) == tests[_i].weight, "%s: weight",
		      tests[_i].what);
}
END_TEST

/* At most PBR_SELECTORS_MAX selectors; the returned count says how many were written. */
START_TEST(test_pbr_selector_cap)
{
	struct vpn_pbr_rule rules[PBR_SELECTORS_MAX + 2];
	bool shadowed[PBR_SELECTORS_MAX + 2];
	char got[512];
	int n = PBR_SELECTORS_MAX + 2;

	memset(rules, 0, sizeof(rules));
	for (int i = 0; i < n; i++) {
		snprintf(rules[i].route_source, sizeof(rules[i].route_source), "10.0.%d.0/24", i);
		strcpy(rules[i].route_dest, "192.168.0.0/16");
		strcpy(rules[i].next_hop, "c1");
		rules[i].weight = 100;
		rules[i].priority = 10;
	}
	pbr_shadowed(rules, n, shadowed);
	ck_assert_int_eq(pbr_local_selectors("10.0.0.0/16", rules, n, shadowed, "c1", NULL, got, sizeof(got)),
			 PBR_SELECTORS_MAX);
	ck_assert_str_eq(got, "10.0.0.0/24,10.0.1.0/24,10.0.2.0/24,10.0.3.0/24,10.0.4.0/24,10.0.5.0/24,10.0.6.0/24,"
			      "10.0.7.0/24,10.0.8.0/24,10.0.9.0/24");
}
END_TEST

Suite *pbr_policy_suite_create(void)
{
	const struct test_entry pbr[] = {
		{ test_pbr, countof(tests) }, { test_pbr_selector_cap },
	};

	return test_suite("pbr_policy", "pbr", NULL, NULL, pbr, countof(pbr));
}
