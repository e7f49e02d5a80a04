/*
 * CIDR math (model/cidr.c): strict parsing, containment, overlap, size, formatting.
 * Every rule has accepted and refused vectors; the tables drive loop tests.
 */
#include <stdint.h>
#include <string.h>

#include "cidr.h"
#include "test.h"


/* ---- cidr_parse ---- */

static const struct {
	const char *text;
	bool ok;
	uint32_t addr;	/* when ok */
	int len;
} parse_tests[] = {
	{ "10.0.0.0/8", true, 0x0a000000u, 8 },
	{ "172.16.0.0/12", true, 0xac100000u, 12 },
	{ "192.168.1.0/24", true, 0xc0a80100u, 24 },
	{ "0.0.0.0/0", true, 0, 0 },
	{ "255.255.255.255/32", true, 0xffffffffu, 32 },
	{ "10.0.0.1/32", true, 0x0a000001u, 32 },
	{ "10.0.0.0/7", true, 0x0a000000u, 7 },	/* no host bits: syntax is fine */
	{ "192.168.1.248/29", true, 0xc0a801f8u, 29 },
	{ "100.64.0.0/10", true, 0x64400000u, 10 },
	/* leading zeros: ambiguous (octal in inet_aton) */
	{ "010.0.0.0/8", false, 0, 0 },
	{ "10.00.0.0/16", false, 0, 0 },
	{ "10.0.0.00/32", false, 0, 0 },
	{ "10.0.0.0/08", false, 0, 0 },
	{ "0.0.0.0/00", false, 0, 0 },
	/* host bits set past the mask */
	{ "10.0.0.1/8", false, 0, 0 },
	{ "192.168.1.1/24", false, 0, 0 },
	{ "172.16.0.0/11", false, 0, 0 },
	{ "1.0.0.0/0", false, 0, 0 },
	/* prefix length out of range */
	{ "10.0.0.0/33", false, 0, 0 },
	{ "10.0.0.0/100", false, 0, 0 },
	{ "10.0.0.0/-1", false, 0, 0 },
	{ "10.0.0.0/+8", false, 0, 0 },
	/* octets out of range */
	{ "256.0.0.0/8", false, 0, 0 },
	{ "10.0.0.256/32", false, 0, 0 },
	{ "1000.0.0.0/8", false, 0, 0 },
	/* missing parts */
	{ "10.0.0.0", false, 0, 0 },
	{ "10.0.0.0/", false, 0, 0 },
	{ "10.0.0/8", false, 0, 0 },
	{ "10..0.0/8", false, 0, 0 },
	{ ".10.0.0/8", false, 0, 0 },
	{ "/8", false, 0, 0 },
	{ "", false, 0, 0 },
	/* extra characters */
	{ "10.0.0.0.0/8", false, 0, 0 },
	{ "10.0.0.0/8/8", false, 0, 0 },
	{ "10.0.0.0//8", false, 0, 0 },
	{ " 10.0.0.0/8", false, 0, 0 },
	{ "10.0.0.0/8 ", false, 0, 0 },
	{ "10.0.0.0 /8", false, 0, 0 },
	{ "10.0.0.0/8\n", false, 0, 0 },
	{ "0x0a.0.0.0/8", false, 0, 0 },
	{ "a.b.c.d/8", false, 0, 0 },
	{ "10.0.0.0/a", false, 0, 0 },
	{ "-10.0.0.0/8", false, 0, 0 },
	{ "::/0", false, 0, 0 },
};

START_TEST(test_cidr_parse)
{
	struct cidr c = { 0xdeadbeefu, -1 };
	bool ok = cidr_parse(parse_tests[_i].text, &c);

	ck_assert_msg(ok == parse_tests[_i].ok, "cidr_parse(\"%s\") = %d", parse_tests[_i].text, ok);
	if (ok) {
		ck_assert_uint_eq(c.addr, parse_tests[_i].addr);
		ck_assert_int_eq(c.prefix_len, parse_tests[_i].len);
	}
}
END_TEST

START_TEST(test_cidr_parse_null)
{
	struct cidr c;

	ck_assert(!cidr_parse(NULL, &c));
}
END_TEST

/* ---- ipv4_parse ---- */

static const struct {
	const char *text;
	bool ok;
	uint32_t addr;
} ipv4_tests[] = {
	{ "0.0.0.0", true, 0 },
	{ "1.2.3.4", true, 0x01020304u },
	{ "255.255.255.255", true, 0xffffffffu },
	{ "192.168.0.1", true, 0xc0a80001u },
	{ "01.2.3.4", false, 0 },
	{ "1.2.3", false, 0 },
	{ "1.2.3.4.", false, 0 },
	{ "1.2.3.4/32", false, 0 },
	{ "1.2.3.256", false, 0 },
	{ "1.2.3.-4", false, 0 },
	{ "", false, 0 },
	{ "1.2.3.4 ", false, 0 },
};

START_TEST(test_ipv4_parse)
{
	uint32_t addr = 0xdeadbeefu;
	bool ok = ipv4_parse(ipv4_tests[_i].text, &addr);

	ck_assert_msg(ok == ipv4_tests[_i].ok, "ipv4_parse(\"%s\") = %d", ipv4_tests[_i].text, ok);
	if (ok)
		ck_assert_uint_eq(addr, ipv4_tests[_i].addr);
	ck_assert(!ipv4_parse(NULL, &addr));
}
END_TEST

/* ---- contains / overlaps ---- */

static const struct {
	const char *a, *b;
	bool a_contains_b, b_contains_a, overlap;
} relation_tests[] = {
	{ "10.0.0.0/8", "10.1.0.0/16", true, false, true },
	{ "10.0.0.0/8", "10.0.0.0/8", true, true, true },
	{ "10.0.0.0/8", "11.0.0.0/8", false, false, false },
	{ "192.168.0.0/16", "192.168.255.248/29", true, false, true },
	{ "192.168.1.0/24", "192.168.1.128/25", true, false, true },
	{ "192.168.1.0/25", "192.168.1.128/25", false, false, false },
	{ "192.168.1.0/24", "192.168.2.0/24", false, false, false },
	{ "172.16.0.0/12", "172.32.0.0/16", false, false, false },
	{ "172.16.0.0/12", "172.31.255.0/24", true, false, true },
	{ "0.0.0.0/0", "203.0.113.7/32", true, false, true },
	{ "0.0.0.0/0", "0.0.0.0/0", true, true, true },
	{ "10.0.0.1/32", "10.0.0.1/32", true, true, true },
	{ "10.0.0.1/32", "10.0.0.2/32", false, false, false },
	{ "100.0.0.0/8", "100.64.0.0/10", true, false, true },
	{ "224.0.0.0/3", "240.0.0.0/4", true, false, true },
};

START_TEST(test_cidr_relations)
{
	struct cidr a, b;

	ck_assert(cidr_parse(relation_tests[_i].a, &a));
	ck_assert(cidr_parse(relation_tests[_i].b, &b));
	ck_assert_msg(cidr_contains(&a, &b) == relation_tests[_i].a_contains_b, "%s contains %s",
		      relation_tests[_i].a, relation_tests[_i].b);
	ck_assert_msg(cidr_contains(&b, &a) == relation_tests[_i].b_contains_a, "%s contains %s",
		      relation_tests[_i].b, relation_tests[_i].a);
	/* overlap is symmetric */
	ck_assert(cidr_overlaps(&a, &b) == relation_tests[_i].overlap);
	ck_assert(cidr_overlaps(&b, &a) == relation_tests[_i].overlap);
}
END_TEST

/* ---- size / format ---- */

static const struct {
	const char *text;
	uint64_t size;
} size_tests[] = {
	{ "0.0.0.0/0", 4294967296ull },
	{ "10.0.0.0/8", 16777216ull },
	{ "172.16.0.0/12", 1048576ull },
	{ "192.168.0.0/16", 65536ull },
	{ "192.168.1.0/24", 256ull },
	{ "192.168.1.0/29", 8ull },
	{ "192.168.1.0/30", 4ull },
	{ "192.168.1.1/32", 1ull },
};

START_TEST(test_cidr_size)
{
	struct cidr c;

	ck_assert(cidr_parse(size_tests[_i].text, &c));
	ck_assert_uint_eq(cidr_size(&c), size_tests[_i].size);
}
END_TEST

START_TEST(test_cidr_format_roundtrip)
{
	struct cidr c, back;
	char buf[20];

	if (!parse_tests[_i].ok)
		return;
	ck_assert(cidr_parse(parse_tests[_i].text, &c));
	cidr_format(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, parse_tests[_i].text);
	ck_assert(cidr_parse(buf, &back));
	ck_assert_uint_eq(back.addr, c.addr);
	ck_assert_int_eq(back.prefix_len, c.prefix_len);
}
END_TEST

START_TEST(test_cidr_format_truncates)
{
	struct cidr c = { 0xffffffffu, 32 };
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	cidr_format(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "255.255");
}
END_TEST

Suite *cidr_suite_create(void)
{
	const struct test_entry parse[] = {
		{ test_cidr_parse, countof(parse_tests) }, { test_cidr_parse_null },
		{ test_ipv4_parse, countof(ipv4_tests) },
	};
	const struct test_entry math[] = {
		{ test_cidr_relations, countof(relation_tests) }, { test_cidr_size, countof(size_tests) },
	};
	const struct test_entry format[] = {
		{ test_cidr_format_roundtrip, countof(parse_tests) }, { test_cidr_format_truncates },
	};
	const struct test_case cases[] = {
		TEST_CASE(parse), TEST_CASE(math), TEST_CASE(format),
	};

	return test_suite_of_cases("cidr", NULL, NULL, cases, countof(cases));
}
