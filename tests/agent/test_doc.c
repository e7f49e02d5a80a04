/* The desired-state document parser: a valid document, and each refusal with its path. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "doc_fixture.h"

/*
 * Parses text into d for case i of a table: true when it is accepted, which it must be when
 * expect is NULL (the caller then checks d and frees it); otherwise false once the refusal's
 * message is seen to hold expect.
 */
static bool parse_case(const char *text, struct doc_desired *d, const char *expect, size_t i)
{
	char err[DOC_ERR_MAX] = "";
	int rc = doc_parse_text(text, strlen(text), d, err);

	if (expect == NULL) {
		ck_assert_msg(rc == 0, "case %zu: %s", i, err);
		return true;
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, expect) != NULL, "case %zu: '%s' lacks '%s'", i, err, expect);
	return false;
}

START_TEST(test_doc_valid)
{
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";

	ck_assert_msg(doc_parse_text(DOC_FIXTURE, strlen(DOC_FIXTURE), &d, err) == 0, "%s", err);
	ck_assert_int_eq(d.generation, 3);
	ck_assert_int_eq(d.vpc_count, 1);
	ck_assert_int_eq(d.endpoint_count, 2);
	ck_assert_int_eq(d.endpoints[0].kind, DOC_EP_GATEWAY);
	ck_assert_int_eq(d.endpoints[1].kind, DOC_EP_SITE_DEVICE);
	ck_assert_str_eq(d.endpoints[0].tunnels[0].remote_ts[0], "192.168.0.0/24");
	ck_assert(d.endpoints[0].tunnels[0].health_check.enable);
	ck_assert_int_eq(d.endpoints[0].tunnels[0].health_check.retry, 3);
	ck_assert_int_eq(d.endpoints[0].tunnels[0].health_check.interval_ms, 1000);
	{
		const struct doc_tunnel *t = &d.endpoints[0].tunnels[0];

		ck_assert_int_eq(t->ipsec.ike_version, 2);
		ck_assert_str_eq(t->ipsec.ike_proposal.dh, "modp1024");
		ck_assert_str_eq(t->ipsec.esp_proposal.dh, "none");
		ck_assert_int_eq(t->ipsec.esp_life.rekey_s, 3420);
		ck_assert_str_eq(t->ipsec.remote_id, "branch.example");
		ck_assert(!t->ipsec.initiator);
		ck_assert(t->liveness.enable);
		ck_assert_int_eq(t->liveness.interval_ms, 300);
		/* the customer's health check wins over the liveness probe */
		ck_assert_ptr_eq(doc_tunnel_check(t), &t->health_check);
	}
	ck_assert_int_eq(d.vpcs[0].routes[0].nexthops[0].weight, 100);
	ck_assert_str_eq(d.hosts[0].lan.gateway, "10.0.1.253");
	ck_assert_ptr_nonnull(doc_find_endpoint(&d, "site-1-1"));
	ck_assert_ptr_nonnull(doc_find_tunnel(doc_find_endpoint(&d, "vpn-1-1"), "vco-1"));
	doc_free(&d);
	ck_assert_int_eq(d.endpoint_count, 0);
}
END_TEST

/* Each case: replace `from` in the fixture by `to`; the parser must refuse with `expect` in its message. */
static const struct {
	const char *from, *to, *expect;
} bad[] = {
	{ "\"version\":2,\"generation\"", "\"version\":1,\"generation\"", "version must be within 2..2" },
	{ "\"generation\":3", "\"generation\":0", "generation must be within" },
	{ "\"generation\":3", "\"generation\":\"3\"", "generation must be an integer" },
	{ "\"agent_id\":\"agt-1\"", "\"agent_id\":\"a b\"", "agent_id is not a valid id" },
	{ "\"vni\":4242", "\"vni\":16777216", "underlay: vni must be within" },
	{ "\"peers\":[]", "\"peers\":[\"1.2.3\"]", "peers[0] is not an IPv4 address" },
	{ "\"cidr\":\"10.0.0.0/16\"", "\"cidr\":\"10.0.0.0/33\"", "vpcs[0]: cidr is not an IPv4 CIDR" },
	{ "\"gateway_ip\":\"10.0.1.253\"", "\"gateway_ip\":\"10.0.1.300\"", "vpcs[0].vswitches[0]: gateway_ip" },
	{ "\"weight\":100", "\"weight\":101", "vpcs[0].routes[0]: weight must be within" },
	{ "\"endpoint\":\"vpn-1-1\"", "\"endpoint\":\"vpn-9\"", "endpoint vpn-9 is not in the document" },
	{ "\"tunnel\":\"vco-1\"", "\"tunnel\":\"vco-9\"", "has no tunnel vco-9" },
	{ "\"kind\":\"gateway\"", "\"kind\":\"router\"", "kind must be gateway or site_device" },
	{ "\"role\":\"single\"", "\"role\":\"primary\"", "role must be single, master or slave" },
	{ "\"name\":\"vco-1\"", "\"name\":\"vco 1\"", "name may not hold spaces" },
	{ "\"local_ts\":[\"10.0.0.0/16\"]", "\"local_ts\":[]", "local_ts is empty" },
	{ "\"interval\":1", "\"interval\":0", "interval must be within" },
	{ "\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.10\"", "\"vswitch\":\"vsw-2\",\"ip\":\"10.0.1.10\"",
	  "vswitch vsw-2 is not in vpc vpc-1" },
	{ "\"site\":\"site-1\",\"ip\"", "\"site\":\"site-2\",\"ip\"", "site site-2 is not in the document" },
	{ "\"lan_cidr\":", "\"lan_cidr\":1,\"x\":", "unknown member x" },
	{ "\"cut\":false", "\"cut\":0", "cut must be a boolean" },
	{ "\"bandwidth_mbps\":10,", "\"bandwidth_mbps\":10,\"swanctl\":\"x\",", "unknown member swanctl" },
	{ "\"version\":2,\"mode\"", "\"version\":3,\"mode\"", "version must be within 1..2" },
	{ "\"mode\":\"main\"", "\"mode\":\"aggressive\"", "aggressive is an IKEv1 mode" },
	{ "\"enc\":\"aes128\"", "\"enc\":\"aes128gcm16\"", "proposal.enc must be one of" },
	{ "\"integ\":\"sha1\"", "\"integ\":\"sha1; x\"", "proposal.integ must be one of" },
	{ "\"dh\":\"modp1024\"", "\"dh\":\"none\"", "proposal.dh must be one of modp768, modp1024, modp1536, modp2048" },
	{ "\"rekey_s\":82080", "\"rekey_s\":90000", "rekey_s must be within" },
	{ "\"rekey_s\":3420", "\"rekey_s\":3601", "rekey_s is after lifetime_s" },
	{ "\"remote_id\":\"branch.example\"", "\"remote_id\":\"a b\"", "remote_id may not hold spaces" },
	{ "\"local_ip\":\"198.18.0.1\"", "\"local_ip\":\"198.18.0.2\"", "local_ip is not the endpoint's public_ip" },
	{ "\"psk\":\"s3cret\",", "", "psk is required" },
	{ "\"interval_ms\":300", "\"interval_ms\":10", "interval_ms must be within" },
	{ "{\"version\"", "[{\"version\"", "must be an object" },
	{ "\"hosts\":[{\"id\":\"host-1\"", "\"hosts\":[{\"id\":\"vpc-1\"},{\"id\":\"host-1\"", "lan" },
	{ "\"gateway_ip\":\"10.0.1.253\"}", "\"gateway_ip\":\"10.0.1.253\",\"table\":220}",
	  "vpcs[0].vswitches[0]: table must be within 1000..1999" },
	{ "\"dest\":\"192.168.0.0/24\",", "\"dest\":\"192.168.0.0/24\",\"table\":\"1001\",", "table must be an integer" },
};

/* Custom route tables: a vSwitch names its kernel table, a route the table it belongs to. */
START_TEST(test_doc_tables)
{
	const char *fixture = DOC_FIXTURE;
	char *text = strdup(fixture), *p;
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";
	size_t n = strlen(fixture) + 64;

	text = realloc(text, n);
	p = strstr(text, "\"gateway_ip\":\"10.0.1.253\"}");
	memmove(p + 13, p, strlen(p) + 1);
	memcpy(p, "\"table\":1001,", 13);
	p = strstr(text, "\"dest\":\"192.168.0.0/24\",");
	memmove(p + 13, p, strlen(p) + 1);
	memcpy(p, "\"table\":1001,", 13);
	ck_assert_msg(doc_parse_text(text, strlen(text), &d, err) == 0, "%s", err);
	ck_assert_uint_eq(d.vpcs[0].vswitches[0].table, 1001);
	ck_assert_uint_eq(d.vpcs[0].routes[0].table, 1001);
	doc_free(&d);
	/* absent: the main table */
	ck_assert_msg(doc_parse_text(fixture, strlen(fixture), &d, err) == 0, "%s", err);
	ck_assert_uint_eq(d.vpcs[0].vswitches[0].table, 0);
	ck_assert_uint_eq(d.vpcs[0].routes[0].table, 0);
	doc_free(&d);
	free(text);
}
END_TEST

/* The fixture with a policy rule and its table's route, replacing "from" by "to" when given; malloc'd. */
static char *policy_fixture(const char *from, const char *to)
{
	const char *f = DOC_FIXTURE, *at = strstr(f, "\"dest\":\"192.168.0.0/24\",");
	const char *policy = "\"policies\":[{\"from\":\"10.0.1.0/24\",\"to\":\"192.168.0.0/24\",\"table\":2001}],";
	const char *routes = strstr(f, "\"routes\":[");
	size_t n = strlen(f) + 512;
	char *text = malloc(n), *hit, *out;
	const char *route_end;

	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(routes);
	/* the route again, in table 2001, right after the first one */
	route_end = strstr(at, "}]}") + 3;
	snprintf(text, n, "%.*s%s%.*s,{\"table\":2001,%.*s%s", (int)(routes - f), f, policy, (int)(route_end - routes),
		 routes, (int)(route_end - at), at, route_end);
	if (from == NULL)
		return text;
	hit = strstr(text, from);
	ck_assert_ptr_nonnull(hit);
	out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
	free(text);
	return out;
}

/* Policy rules of the VPC router: each names a table of its own (2000..2999) that a route fills. */
START_TEST(test_doc_policies)
{
	static const struct {
		const char *from, *to, *expect;
	} refusals[] = {
		{ "\"table\":2001}]", "\"table\":1001}]", "table must be within 2000..2999" },
		{ "\"from\":\"10.0.1.0/24\"", "\"from\":\"10.0.1.0/33\"", "from is not an IPv4 CIDR block" },
		{ "\"to\":\"192.168.0.0/24\",\"table\":2001}", "\"table\":2001}", "to" },
		{ "\"table\":2001}]", "\"table\":2002}]", "no route fills table 2002" },
		{ "{\"from\":", "{\"from\":\"10.0.1.0/24\",\"to\":\"192.168.0.0/24\",\"table\":2001},{\"from\":",
		  "table 2001 appears twice" },
		{ "\"table\":2001}]", "\"table\":2001,\"iif\":\"x\"}]", "iif" },
		{ "{\"table\":2001,", "{\"table\":3001,", "table must be within 1000..2999" },
	};
	struct doc_desired d, copy;
	char err[DOC_ERR_MAX] = "", *text = policy_fixture(NULL, NULL);

	ck_assert_msg(doc_parse_text(text, strlen(text), &d, err) == 0, "%s: %s", err, text);
	ck_assert_int_eq(d.vpcs[0].policy_count, 1);
	ck_assert_str_eq(d.vpcs[0].policies[0].from, "10.0.1.0/24");
	ck_assert_str_eq(d.vpcs[0].policies[0].to, "192.168.0.0/24");
	ck_assert_uint_eq(d.vpcs[0].policies[0].table, 2001);
	ck_assert_int_eq(d.vpcs[0].route_count, 2);
	ck_assert_uint_eq(d.vpcs[0].routes[1].table, 2001);
	/* a record outlives its document */
	memset(&copy, 0, sizeof(copy));
	copy.vpcs = calloc(1, sizeof(*copy.vpcs));
	copy.vpc_count = 1;
	ck_assert_int_eq(doc_vpc_copy(&copy.vpcs[0], &d.vpcs[0]), 0);
	doc_free(&d);
	ck_assert_str_eq(copy.vpcs[0].policies[0].from, "10.0.1.0/24");
	doc_free(&copy);
	free(text);
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		text = policy_fixture(refusals[i].from, refusals[i].to);
		ck_assert_msg(doc_parse_text(text, strlen(text), &d, err) == -1, "case %zu accepted: %s", i, text);
		ck_assert_msg(strstr(err, refusals[i].expect) != NULL, "case %zu: '%s' lacks '%s'", i, err,
			      refusals[i].expect);
		ck_assert_int_eq(d.vpc_count, 0);
		free(text);
	}
}
END_TEST

START_TEST(test_doc_refusals)
{
	const char *fixture = DOC_FIXTURE;
	const char *at = strstr(fixture, bad[_i].from);
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "", *text;
	size_t n;

	ck_assert_msg(at != NULL, "case %d: '%s' not in the fixture", _i, bad[_i].from);
	n = strlen(fixture) - strlen(bad[_i].from) + strlen(bad[_i].to);
	text = malloc(n + 2);
	snprintf(text, n + 2, "%.*s%s%s%s", (int)(at - fixture), fixture, bad[_i].to, at + strlen(bad[_i].from),
		 bad[_i].from[0] == '{' ? "]" : "");
	ck_assert_int_eq(doc_parse_text(text, strlen(text), &d, err), -1);
	ck_assert_msg(strstr(err, bad[_i].expect) != NULL, "case %d: '%s' lacks '%s'", _i, err, bad[_i].expect);
	ck_assert_int_eq(d.endpoint_count, 0);
	free(text);
}
END_TEST

/* A VPC spread over two agents: its fabric, and a next hop on the other agent. */
#define HOP1 "{\"via\":\"10.0.1.10\",\"weight\":100,\"endpoint\":\"vpn-1-1\",\"tunnel\":\"vco-1\"}"
#define FABRIC                                                                                            \
	"\"fabric\":{\"vni\":1234567,\"ip\":\"169.254.1.1\",\"prefix\":16,\"peers\":[{\"ip\":\"169.254.1.2\","   \
	"\"underlay_ip\":\"10.250.0.2\",\"url\":\"http://10.250.0.2:8181\",\"cidrs\":[\"10.0.2.0/24\"]}]},"
#define REMOTE_HOP "{\"via\":\"169.254.1.2\",\"weight\":0,\"endpoint\":\"vpn-1-2\",\"tunnel\":\"vco-1-s\",\"remote\":true}"

/* The fixture with its route's hops replaced by hops and fabric (text) put before "routes"; malloc'd. */
static char *spread_fixture(const char *fabric, const char *hops)
{
	const char *f = DOC_FIXTURE, *routes = strstr(f, "\"routes\":"), *hop = strstr(f, HOP1);
	size_t n = strlen(f) + strlen(fabric) + strlen(hops) + 1;
	char *text = malloc(n);

	ck_assert_ptr_nonnull(routes);
	ck_assert_ptr_nonnull(hop);
	snprintf(text, n, "%.*s%s%.*s%s%s", (int)(routes - f), f, fabric, (int)(hop - routes), routes, hops,
		 hop + strlen(HOP1));
	return text;
}

START_TEST(test_doc_fabric)
{
	static const struct {
		const char *fabric, *hops, *expect;
	} cases[] = {
		{ FABRIC, HOP1 "," REMOTE_HOP, NULL },
		{ "", HOP1 "," REMOTE_HOP, "remote hop via 169.254.1.2 is no fabric peer" },
		{ FABRIC, HOP1 ",{\"via\":\"169.254.1.9\",\"weight\":0,\"endpoint\":\"e\",\"tunnel\":\"t\",\"remote\":true}",
		  "is no fabric peer" },
		{ "\"fabric\":{\"vni\":5,\"ip\":\"169.254.1.2\",\"prefix\":16,\"peers\":[{\"ip\":\"169.254.1.2\","
		  "\"underlay_ip\":\"10.250.0.2\",\"url\":\"http://x\",\"cidrs\":[]}]},",
		  HOP1, "own fabric address" },
		{ "\"fabric\":{\"vni\":5,\"ip\":\"169.254.1.1\",\"prefix\":16,\"peers\":[{\"ip\":\"169.254.1.2\","
		  "\"underlay_ip\":\"10.250.0.2\",\"url\":\"ftp://x\",\"cidrs\":[]}]},",
		  HOP1, "url must be http(s)://" },
		{ "\"fabric\":{\"vni\":5,\"ip\":\"169.254.1.1\",\"prefix\":16,\"peers\":[]},", HOP1, "peers is empty" },
		{ "\"fabric\":{\"vni\":0,\"ip\":\"169.254.1.1\",\"prefix\":16,\"peers\":[]},", HOP1, "vni must be within" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = spread_fixture(cases[i].fabric, cases[i].hops);
		struct doc_desired d;

		if (parse_case(text, &d, cases[i].expect, i)) {
			ck_assert(d.vpcs[0].has_fabric);
			ck_assert_int_eq(d.vpcs[0].fabric.vni, 1234567);
			ck_assert_int_eq(d.vpcs[0].fabric.peer_count, 1);
			ck_assert_str_eq(d.vpcs[0].fabric.peers[0].cidrs[0], "10.0.2.0/24");
			ck_assert_str_eq(d.vpcs[0].fabric.peers[0].url, "http://10.250.0.2:8181");
			ck_assert_int_eq(d.vpcs[0].routes[0].nexthop_count, 2);
			ck_assert(!d.vpcs[0].routes[0].nexthops[0].remote);
			ck_assert(d.vpcs[0].routes[0].nexthops[1].remote);
			ck_assert_ptr_nonnull(doc_find_fabric_peer(&d.vpcs[0], "169.254.1.2"));
			ck_assert_ptr_null(doc_find_fabric_peer(&d.vpcs[0], "169.254.1.1"));
			{
				/* the applier's record outlives the document it copied a VPC from */
				struct doc_vpc copy;

				ck_assert_int_eq(doc_vpc_copy(&copy, &d.vpcs[0]), 0);
				ck_assert_ptr_ne(copy.fabric.peers, d.vpcs[0].fabric.peers);
				ck_assert_ptr_ne(copy.fabric.peers[0].cidrs, d.vpcs[0].fabric.peers[0].cidrs);
				doc_free(&d);
				ck_assert_int_eq(copy.fabric.peer_count, 1);
				ck_assert_str_eq(copy.fabric.peers[0].cidrs[0], "10.0.2.0/24");
				ck_assert_str_eq(copy.fabric.peers[0].url, "http://10.250.0.2:8181");
				doc_vpc_free(&copy);
			}
		}
		free(text);
	}
}
END_TEST

/*
 * The fixture with site-1-1 terminating a copy of vco-1 and site-1 described by site (JSON
 * object text); malloc'd.
 */
static char *site_fixture(const char *site)
{
	const char *f = DOC_FIXTURE, *t0 = strstr(f, "{\"name\":\"vco-1\""), *t1 = strstr(f, "\"cut\":false}");
	const char *empty = strstr(f, "\"tunnels\":[]}]"), *s0 = strstr(f, "{\"id\":\"site-1\",\"lan_cidr\"");
	const char *s1 = s0 ? strstr(s0, "}") + 1 : NULL;
	size_t n = strlen(f) + strlen(site) + (size_t)(t1 - t0) + 64;
	char *text = malloc(n);

	ck_assert_ptr_nonnull(t0);
	ck_assert_ptr_nonnull(empty);
	ck_assert_ptr_nonnull(s1);
	t1 += strlen("\"cut\":false}");
	snprintf(text, n, "%.*s\"tunnels\":[%.*s]%.*s%s%s", (int)(empty - f), f, (int)(t1 - t0), t0,
		 (int)(s0 - (empty + strlen("\"tunnels\":[]"))), empty + strlen("\"tunnels\":[]"), site, s1);
	{
		/* the copy negotiates from the device's address: "198.18.0.1" → "203.0.113.1" after site-1-1 */
		char *dev = strstr(text, "\"id\":\"site-1-1\""), *ip = dev ? strstr(dev, "\"local_ip\":\"198.18.0.1\"") : NULL;

		ck_assert_ptr_nonnull(ip);
		ip += strlen("\"local_ip\":\"");
		memmove(ip + 1, ip, strlen(ip) + 1);
		memcpy(ip, "203.0.113.1", 11);
	}
	return text;
}

#define SITE_HOP "{\"via\":\"192.168.0.1\",\"weight\":100,\"endpoint\":\"site-1-1\",\"tunnel\":\"vco-1\"}"

/* A site's router: its address and its routes over the site's devices, references checked. */
START_TEST(test_doc_site_router)
{
	static const struct {
		const char *site, *expect;
	} cases[] = {
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[" SITE_HOP "]}]}",
		  NULL },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\"}", NULL },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[" SITE_HOP "]}]}",
		  "routes need a router_ip" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.300\"}",
		  "router_ip is not an IPv4 address" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[]}]}",
		  "nexthops is empty" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[" SITE_HOP "]},"
		  "{\"dest\":\"10.0.0.0/16\",\"nexthops\":[" SITE_HOP "]}]}",
		  "dest 10.0.0.0/16 appears twice" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[{\"via\":\"10.0.1.10\",\"weight\":100,"
		  "\"endpoint\":\"vpn-1-1\",\"tunnel\":\"vco-1\"}]}]}",
		  "endpoint vpn-1-1 is no device of site site-1" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[{\"via\":\"192.168.0.7\",\"weight\":100,"
		  "\"endpoint\":\"site-1-1\",\"tunnel\":\"vco-1\"}]}]}",
		  "via 192.168.0.7 is not device site-1-1's LAN address" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[{\"via\":\"192.168.0.1\",\"weight\":100,"
		  "\"endpoint\":\"site-1-1\",\"tunnel\":\"vco-9\"}]}]}",
		  "endpoint site-1-1 has no tunnel vco-9" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"table\":1001,\"nexthops\":[" SITE_HOP "]}]}",
		  "unknown member table" },
		{ "{\"id\":\"site-1\",\"lan_cidr\":\"192.168.0.0/24\",\"router_ip\":\"192.168.0.254\","
		  "\"routes\":[{\"dest\":\"10.0.0.0/16\",\"nexthops\":[{\"via\":\"192.168.0.1\",\"weight\":100,"
		  "\"endpoint\":\"site-1-1\",\"tunnel\":\"vco-1\",\"remote\":true}]}]}",
		  "unknown member remote" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = site_fixture(cases[i].site);
		struct doc_desired d;

		if (parse_case(text, &d, cases[i].expect, i)) {
			ck_assert_str_eq(d.sites[0].router_ip, "192.168.0.254");
			if (i == 0) {
				struct doc_site copy;

				ck_assert_int_eq(d.sites[0].route_count, 1);
				ck_assert_str_eq(d.sites[0].routes[0].dest, "10.0.0.0/16");
				ck_assert_int_eq(d.sites[0].routes[0].nexthop_count, 1);
				ck_assert_str_eq(d.sites[0].routes[0].nexthops[0].endpoint, "site-1-1");
				/* the applier's record outlives the document */
				ck_assert_int_eq(doc_site_copy(&copy, &d.sites[0]), 0);
				doc_free(&d);
				ck_assert_str_eq(copy.routes[0].nexthops[0].via, "192.168.0.1");
				doc_site_free(&copy);
			} else {
				ck_assert_int_eq(d.sites[0].route_count, 0);
				doc_free(&d);
			}
		}
		free(text);
	}
}
END_TEST

START_TEST(test_doc_not_json)
{
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";

	ck_assert_int_eq(doc_parse_text("{", 1, &d, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not JSON"));
	/* a duplicated key is ambiguous: refused */
	ck_assert_int_eq(doc_parse_text("{\"version\":2,\"version\":2}", 25, &d, err), -1);
}
END_TEST

Suite *doc_suite(void);

Suite *doc_suite(void)
{
	Suite *s = suite_create("doc");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_doc_valid);
	tcase_add_loop_test(tc, test_doc_refusals, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_doc_not_json);
	tcase_add_test(tc, test_doc_site_router);
	tcase_add_test(tc, test_doc_fabric);
	tcase_add_test(tc, test_doc_tables);
	tcase_add_test(tc, test_doc_policies);
	suite_add_tcase(s, tc);
	return s;
}
