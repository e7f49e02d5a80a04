/*
 * Transit routers in the desired-state document: the parser (links, routes with tunnel and
 * router hops, blackholes, endpoints on a router's link, links stretched to another agent
 * and their far ends in a VPC, each refusal with its path), the applier's copies, and the
 * planner's operations for them.  Then, as root, the router's kernel state: a restarted
 * agent removes exactly what it owns and no longer wants and leaves the rest untouched
 * (watched on netlink), and an association change adds the link's new rule before its old
 * one goes.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "daemon.h"
#include "daemon_fixture.h"
#include "doc.h"
#include "ipsec_mock.h"
#include "netns_fixture.h"
#include "nl.h"
#include "plan.h"

Suite *tr_suite(void);

/*
 * vpc-1 (vsw-1) attached to tr-1 by att-v (interface 10.0.1.2), connection vco-1 attached by
 * att-n: endpoint vco-1-1 on att-n's link.  Table 2001: the branch over the tunnel and the
 * VPC router (ECMP), a blackhole; table 2002 is nobody's.
 */
#define TR_DOC                                                                                                   \
	"{\"version\":2,\"generation\":7,\"agent_id\":\"agt-1\",\"underlay\":{\"vni\":4242,\"peers\":[]},"          \
	"\"vpcs\":[{\"id\":\"vpc-1\",\"cidr\":\"10.0.0.0/16\",\"vswitches\":[{\"id\":\"vsw-1\","                    \
	"\"cidr\":\"10.0.1.0/24\",\"gateway_ip\":\"10.0.1.253\"}],\"routes\":[{\"dest\":\"192.168.0.0/24\","        \
	"\"nexthops\":[{\"via\":\"10.0.1.2\",\"weight\":100}]}]}],"                                                 \
	"\"transit_routers\":[{\"id\":\"tr-1\",\"links\":["                                                       \
	"{\"attachment\":\"att-v\",\"kind\":\"vpc\",\"vpc\":\"vpc-1\",\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.2\","    \
	"\"prefix\":24,\"gateway\":\"10.0.1.253\",\"table\":2001},"                                                 \
	"{\"attachment\":\"att-n\",\"kind\":\"vpn\",\"ip\":\"100.96.0.1\",\"prefix\":29,\"table\":2001}],"          \
	"\"routes\":[{\"dest\":\"192.168.0.0/24\",\"table\":2001,\"nexthops\":["                                    \
	"{\"via\":\"100.96.0.2\",\"weight\":100,\"endpoint\":\"vco-1-1\",\"tunnel\":\"vco-1\"}]},"                 \
	"{\"dest\":\"10.0.0.0/16\",\"table\":2001,\"nexthops\":[{\"via\":\"10.0.1.253\",\"weight\":100}]},"         \
	"{\"dest\":\"192.168.0.9/32\",\"table\":2001,\"blackhole\":true}]}],"                                       \
	"\"endpoints\":[{\"id\":\"vco-1-1\",\"kind\":\"gateway\",\"public_ip\":\"198.18.0.1\","                     \
	"\"lan\":{\"transit_router\":\"tr-1\",\"link\":\"att-n\",\"ip\":\"100.96.0.2\",\"prefix\":29,"              \
	"\"gateway\":\"100.96.0.1\"},"                                                                             \
	"\"tunnels\":[{\"name\":\"vco-1\",\"connection_id\":\"vco-1\",\"role\":\"single\","                         \
	"\"peer_ip\":\"203.0.113.1\",\"local_ts\":[\"10.0.0.0/16\"],\"remote_ts\":[\"192.168.0.0/24\"],"            \
	"\"ipsec\":{\"local_ip\":\"198.18.0.1\",\"local_id\":\"198.18.0.1\",\"remote_id\":\"203.0.113.1\","          \
	"\"psk\":\"s3cret\",\"ike\":{\"version\":2,\"mode\":\"main\",\"proposal\":{\"enc\":\"aes128\","             \
	"\"integ\":\"sha1\",\"dh\":\"modp1024\"},\"rekey_s\":82080,\"lifetime_s\":86400},"                           \
	"\"esp\":{\"proposal\":{\"enc\":\"aes128\",\"integ\":\"sha1\",\"dh\":\"modp1024\"},\"rekey_s\":3420,"       \
	"\"lifetime_s\":3600},\"dpd_delay_s\":30}}]}],"                                                              \
	"\"sites\":[],\"hosts\":[]}"

static void parse_ok(const char *text, struct doc_desired *d)
{
	char err[DOC_ERR_MAX] = "";

	ck_assert_msg(doc_parse_text(text, strlen(text), d, err) == 0, "%s", err);
}

/* TR_DOC with `from` (which must occur once) replaced by `to`; malloc'd. */
static char *edited(const char *from, const char *to)
{
	const char *at = strstr(TR_DOC, from);
	size_t n = strlen(TR_DOC) - strlen(from) + strlen(to) + 1;
	char *text = malloc(n);

	ck_assert_msg(at != NULL, "'%s' not in the fixture", from);
	ck_assert_msg(strstr(at + 1, from) == NULL, "'%s' twice in the fixture", from);
	snprintf(text, n, "%.*s%s%s", (int)(at - TR_DOC), TR_DOC, to, at + strlen(from));
	return text;
}

START_TEST(test_tr_valid)
{
	struct doc_desired d;
	const struct doc_transit_router *tr;
	const struct doc_tr_link *l;

	parse_ok(TR_DOC, &d);
	ck_assert_int_eq(d.tr_count, 1);
	tr = doc_find_tr(&d, "tr-1");
	ck_assert_ptr_nonnull(tr);
	ck_assert_ptr_null(doc_find_tr(&d, "vpc-1"));
	ck_assert_int_eq(tr->link_count, 2);
	l = doc_find_tr_link(tr, "att-v", "vsw-1");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(l->kind, DOC_TR_LINK_VPC);
	ck_assert_str_eq(l->vpc, "vpc-1");
	ck_assert_str_eq(l->gateway, "10.0.1.253");
	ck_assert_uint_eq(l->table, 2001);
	/* a VPN link is found by its attachment alone */
	l = doc_find_tr_link(tr, "att-n", "");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(l->kind, DOC_TR_LINK_VPN);
	ck_assert_int_eq(l->prefix, 29);
	ck_assert_ptr_null(doc_find_tr_link(tr, "att-v", ""));
	ck_assert_int_eq(tr->route_count, 3);
	ck_assert_uint_eq(tr->routes[0].table, 2001);
	ck_assert_str_eq(tr->routes[0].nexthops[0].endpoint, "vco-1-1");
	/* a router's hop: no endpoint, no tunnel */
	ck_assert_str_eq(tr->routes[1].nexthops[0].endpoint, "");
	ck_assert_str_eq(tr->routes[1].nexthops[0].tunnel, "");
	ck_assert(!tr->routes[1].blackhole);
	ck_assert(tr->routes[2].blackhole);
	ck_assert_int_eq(tr->routes[2].nexthop_count, 0);
	/* a VPC route toward the attachment is a router hop too */
	ck_assert_str_eq(d.vpcs[0].routes[0].nexthops[0].endpoint, "");
	ck_assert_str_eq(d.endpoints[0].lan.transit_router, "tr-1");
	ck_assert_str_eq(d.endpoints[0].lan.link, "att-n");
	ck_assert_str_eq(d.endpoints[0].lan.vpc, "");
	{
		/* the applier's record outlives the document it copied the router from */
		struct doc_transit_router copy;

		ck_assert_int_eq(doc_tr_copy(&copy, tr), 0);
		ck_assert_ptr_ne(copy.links, tr->links);
		ck_assert_ptr_ne(copy.routes, tr->routes);
		doc_free(&d);
		ck_assert_int_eq(copy.link_count, 2);
		ck_assert_str_eq(copy.links[1].attachment, "att-n");
		ck_assert(copy.routes[2].blackhole);
		doc_tr_free(&copy);
		ck_assert_int_eq(copy.link_count, 0);
	}
}
END_TEST

/* Documents from older servers have no transit_routers: none; an endpoint may not name one then. */
START_TEST(test_tr_absent)
{
	const char *start = strstr(TR_DOC, "\"transit_routers\""), *end = strstr(TR_DOC, "\"endpoints\"");
	size_t n = strlen(TR_DOC) + 64;
	char *text = malloc(n), err[DOC_ERR_MAX] = "";
	struct doc_desired d;

	snprintf(text, n, "%.*s%s", (int)(start - TR_DOC), TR_DOC, "\"endpoints\":[],\"sites\":[],\"hosts\":[]}");
	parse_ok(text, &d);
	ck_assert_int_eq(d.tr_count, 0);
	ck_assert_ptr_null(doc_find_tr(&d, "tr-1"));
	doc_free(&d);
	snprintf(text, n, "%.*s%s", (int)(start - TR_DOC), TR_DOC, end);
	ck_assert_int_eq(doc_parse_text(text, strlen(text), &d, err), -1);
	ck_assert_msg(strstr(err, "transit_router tr-1 is not in the document") != NULL, "%s", err);
	free(text);
}
END_TEST

static const struct {
	const char *from, *to, *expect;
} tr_bad[] = {
	{ "\"kind\":\"vpn\"", "\"kind\":\"vxlan\"", "transit_routers[0].links[1]: kind must be vpn or vpc" },
	{ "\"kind\":\"vpn\",\"ip\"", "\"kind\":\"vpn\",\"vpc\":\"vpc-1\",\"ip\"", "a vpn link has no vpc" },
	{ "\"prefix\":24,\"gateway\":\"10.0.1.253\",\"table\":2001}", "\"prefix\":24,\"table\":2001}",
	  "a vpc link names its vpc, vswitch and gateway" },
	{ "\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.2\"", "\"vswitch\":\"vsw-9\",\"ip\":\"10.0.1.2\"",
	  "vswitch vsw-9 is not in vpc vpc-1" },
	{ "\"prefix\":29,\"table\":2001}", "\"prefix\":29,\"table\":1001}", "links[1]: table must be within 2000..2999" },
	{ "\"prefix\":29,\"table\":2001}", "\"prefix\":31,\"table\":2001}", "prefix must be within 1..30" },
	{ "\"prefix\":29,\"table\":2001}]", "\"prefix\":29,\"table\":2001},{\"attachment\":\"att-n\",\"kind\":\"vpn\","
	  "\"ip\":\"100.96.0.9\",\"prefix\":29}]", "transit_routers[0].links[2]: link att-n appears twice" },
	{ "\"dest\":\"10.0.0.0/16\",\"table\":2001,", "\"dest\":\"10.0.0.0/16\",",
	  "transit_routers[0].routes[1]: table is required" },
	{ "\"dest\":\"10.0.0.0/16\",\"table\":2001,", "\"dest\":\"10.0.0.0/16\",\"table\":3000,",
	  "table must be within 2000..2999" },
	{ "\"blackhole\":true}", "\"blackhole\":true,\"nexthops\":[{\"via\":\"10.0.1.253\",\"weight\":100}]}",
	  "a blackhole has no nexthops" },
	{ "\"nexthops\":[{\"via\":\"10.0.1.2\",\"weight\":100}]", "\"blackhole\":true",
	  "vpcs[0].routes[0]: only transit router routes may be blackholes" },
	{ "\"endpoint\":\"vco-1-1\",\"tunnel\":\"vco-1\"}", "\"endpoint\":\"vco-1-1\"}",
	  "names both an endpoint and a tunnel, or neither" },
	{ "\"endpoint\":\"vco-1-1\",\"tunnel\":\"vco-1\"}", "\"endpoint\":\"vco-9\",\"tunnel\":\"vco-1\"}",
	  "transit_routers[0].routes[0].nexthops: endpoint vco-9 is not in the document" },
	{ "\"weight\":100}]},{\"dest\":\"192", "\"weight\":100,\"remote\":true}]},{\"dest\":\"192",
	  "a remote nexthop names its endpoint and tunnel" },
	{ "\"link\":\"att-n\"", "\"link\":\"att-v\"", "transit_router tr-1 has no vpn link att-v" },
	{ "\"transit_router\":\"tr-1\",\"link\"", "\"vpc\":\"vpc-1\",\"transit_router\":\"tr-1\",\"link\"",
	  "a LAN names either a vpc and a vswitch, a site, or a transit_router and a link" },
	{ "\"transit_router\":\"tr-1\",\"link\":\"att-n\",", "\"transit_router\":\"tr-1\",",
	  "a LAN names either" },
	{ "\"transit_routers\":[{\"id\":\"tr-1\"", "\"transit_routers\":[{\"id\":\"vpc-1\"", "vpc-1 is also a vpc" },
	{ "\"transit_routers\":[{\"id\":\"tr-1\",", "\"transit_routers\":[{\"id\":\"tr-1\",\"table\":1,",
	  "unknown member table" },
};

START_TEST(test_tr_refusals)
{
	char *text = edited(tr_bad[_i].from, tr_bad[_i].to);
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";

	ck_assert_int_eq(doc_parse_text(text, strlen(text), &d, err), -1);
	ck_assert_msg(strstr(err, tr_bad[_i].expect) != NULL, "case %d: '%s' lacks '%s'", _i, err, tr_bad[_i].expect);
	ck_assert_int_eq(d.tr_count, 0);
	free(text);
}
END_TEST

/* A router seen twice in one document. */
START_TEST(test_tr_twice)
{
	char *text = edited("\"transit_routers\":[{\"id\":\"tr-1\",\"links\":[",
			    "\"transit_routers\":[{\"id\":\"tr-1\",\"links\":[],\"routes\":[]},{\"id\":\"tr-1\",\"links\":[");
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";

	ck_assert_int_eq(doc_parse_text(text, strlen(text), &d, err), -1);
	ck_assert_msg(strstr(err, "transit_routers[1]: id tr-1 appears twice") != NULL ||
			      strstr(err, "tr-1 appears twice") != NULL,
		      "%s", err);
	free(text);
}
END_TEST

/* ---- the planner ---- */

static const struct {
	const char *what;
	const char *applied_from, *applied_to; /* edit of TR_DOC for the applied side (NULL: as is; "": empty) */
	const char *wanted_from, *wanted_to;
	const char *ops;
} tr_plans[] = {
	{ "first pass: the router after the VPC, before the endpoint on its link", "", NULL, NULL, NULL,
	  "create underlay; create vpc vpc-1; create transit_router tr-1; create endpoint vco-1-1; "
	  "create tunnel vco-1-1/vco-1" },
	{ "same document: nothing", NULL, NULL, NULL, NULL, "" },
	{ "routes are the route runtime's: nothing to build", NULL, NULL, "\"dest\":\"192.168.0.9/32\"",
	  "\"dest\":\"192.168.0.8/32\"", "" },
	{ "an association changed: the router's links", NULL, NULL, "\"prefix\":29,\"table\":2001}",
	  "\"prefix\":29,\"table\":2002}", "update transit_router tr-1" },
	{ "a link's address changed: the router's links", NULL, NULL, "\"ip\":\"100.96.0.1\"", "\"ip\":\"100.96.0.9\"",
	  "update transit_router tr-1" },
	{ "another local subnet: the endpoint's selector addresses, and the tunnel", NULL, NULL,
	  "\"local_ts\":[\"10.0.0.0/16\"]", "\"local_ts\":[\"10.0.0.0/16\",\"192.168.5.0/24\"]",
	  "update endpoint vco-1-1; update tunnel vco-1-1/vco-1" },
	{ "a detached attachment: the router loses its link",
	  "\"transit_routers\":[{\"id\":\"tr-1\",\"links\":[", "\"transit_routers\":[{\"id\":\"tr-1\",\"links\":["
	  "{\"attachment\":\"att-w\",\"kind\":\"vpn\",\"ip\":\"100.96.0.17\",\"prefix\":29},",
	  NULL, NULL, "update transit_router tr-1" },
};

static void plan_side(const char *from, const char *to, struct doc_desired *d)
{
	if (from != NULL && from[0] == '\0') {
		memset(d, 0, sizeof(*d));
		return;
	}
	if (from == NULL) {
		parse_ok(TR_DOC, d);
		return;
	}
	{
		char *text = edited(from, to);

		parse_ok(text, d);
		free(text);
	}
}

START_TEST(test_tr_plan)
{
	struct doc_desired applied, wanted;
	struct plan p;
	char text[1024];

	plan_side(tr_plans[_i].applied_from, tr_plans[_i].applied_to, &applied);
	plan_side(tr_plans[_i].wanted_from, tr_plans[_i].wanted_to, &wanted);
	ck_assert_int_eq(reconcile_plan(&applied, &wanted, &p), 0);
	ck_assert_msg(strcmp(plan_format(&p, false, text, sizeof(text)), tr_plans[_i].ops) == 0, "%s:\n got  %s\n want %s",
		      tr_plans[_i].what, text, tr_plans[_i].ops);
	plan_free(&p);
	doc_free(&applied);
	doc_free(&wanted);
}
END_TEST

/* Everything removed: the endpoint on the router's link, then the router, then the VPC. */
START_TEST(test_tr_plan_delete_order)
{
	struct doc_desired applied, wanted;
	struct plan p;
	char text[1024];

	parse_ok(TR_DOC, &applied);
	memset(&wanted, 0, sizeof(wanted));
	snprintf(wanted.agent_id, sizeof(wanted.agent_id), "%s", applied.agent_id);
	wanted.underlay_vni = applied.underlay_vni;
	ck_assert_int_eq(reconcile_plan(&applied, &wanted, &p), 0);
	ck_assert_str_eq(plan_format(&p, false, text, sizeof(text)),
			 "delete endpoint vco-1-1; delete transit_router tr-1; delete vpc vpc-1");
	plan_free(&p);
	doc_free(&applied);
}
END_TEST

/* ---- the router's kernel state (root) ---- */

/*
 * tr-1 alone: VPN links att-a (100.96.0.1/29, table 2001) and att-b (100.96.0.9/29, table
 * 2002), every hop a router one (always usable): a plain route, an ECMP one, a blackhole
 * in 2001, a plain route in 2002; more_routes (",{…}" or "") after them.
 */
#define TR_KERNEL_DOC_MORE(table_a, more_routes)                                                                 \
	"{\"version\":2,\"generation\":1,\"agent_id\":\"agt-1\",\"underlay\":{\"vni\":4242,\"peers\":[]},"          \
	"\"vpcs\":[],\"transit_routers\":[{\"id\":\"tr-1\",\"links\":["                                           \
	"{\"attachment\":\"att-a\",\"kind\":\"vpn\",\"ip\":\"100.96.0.1\",\"prefix\":29,\"table\":" table_a "},"   \
	"{\"attachment\":\"att-b\",\"kind\":\"vpn\",\"ip\":\"100.96.0.9\",\"prefix\":29,\"table\":2002}],"          \
	"\"routes\":[{\"dest\":\"192.168.0.0/24\",\"table\":2001,\"nexthops\":[{\"via\":\"100.96.0.2\","            \
	"\"weight\":100}]},"                                                                                         \
	"{\"dest\":\"192.168.1.0/24\",\"table\":2001,\"nexthops\":[{\"via\":\"100.96.0.2\",\"weight\":100},"        \
	"{\"via\":\"100.96.0.3\",\"weight\":100}]},"                                                                \
	"{\"dest\":\"192.168.0.9/32\",\"table\":2001,\"blackhole\":true},"                                         \
	"{\"dest\":\"10.0.0.0/16\",\"table\":2002,\"nexthops\":[{\"via\":\"100.96.0.10\",\"weight\":100}]}"      \
	more_routes "]}],\"endpoints\":[],\"sites\":[],\"hosts\":[]}"
#define TR_KERNEL_DOC(table_a) TR_KERNEL_DOC_MORE(table_a, "")

static struct agent_daemon D;
static char tr_ns[NS_NAME_MAX], ul_ns[NS_NAME_MAX], dev_a[16], dev_b[16];

static void kernel_setup(void)
{
	test_daemon_up(&D, &agent_links_netlink);
	nsf_name(D.ns_prefix, sizeof(D.ns_prefix), "vltr", "");
	agent_ns_name(&D, "tr-1", tr_ns);
	agent_ns_name(&D, "ul", ul_ns);
	/* the reconciler's names of the links (reconcile.c tr_link_name) */
	{
		char key[3 * DOC_ID_MAX];

		snprintf(key, sizeof(key), "tr-1/att-a/");
		agent_if_name('l', key, dev_a);
		snprintf(key, sizeof(key), "tr-1/att-b/");
		agent_if_name('l', key, dev_b);
	}
	ipsec_mock_reset();
}

static void kernel_teardown(void)
{
	test_daemon_down(&D);
	nsf_del(tr_ns);
	nsf_del(ul_ns);
}

static void apply_doc(const char *text)
{
	struct doc_desired want;
	char err[DOC_ERR_MAX] = "";

	parse_ok(text, &want);
	ck_assert_msg(agent_reconcile(&D, &want, err) == 0, "%s", err);
	doc_free(&want);
}

/* ---- a netlink listener in the router's namespace: what changed, in order ---- */

struct watch_job {
	struct mnl_socket *nl;
};

static int watch_open_cb(void *arg)
{
	struct watch_job *job = arg;

	job->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	return job->nl != NULL ? 0 : -1;
}

static struct mnl_socket *watch_open(const char *ns)
{
	struct watch_job job = { 0 };

	ck_assert_int_eq(nl_netns_run(ns, watch_open_cb, &job), 0);
	ck_assert_int_eq(mnl_socket_bind(job.nl, RTMGRP_IPV4_ROUTE | RTMGRP_IPV4_RULE, MNL_SOCKET_AUTOPID), 0);
	return job.nl;
}

/* One line per event: "NEWROUTE table dst type metric", "DELRULE pref iif table action[ fwmark]". */
static int watch_cb(const struct nlmsghdr *nlh, void *arg)
{
	char *journal = arg, line[128], addr[INET_ADDRSTRLEN] = "0.0.0.0", iif[16] = "-";
	size_t n = strlen(journal);
	const struct nlattr *a;

	if (nlh->nlmsg_type == RTM_NEWROUTE || nlh->nlmsg_type == RTM_DELROUTE) {
		const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
		uint32_t table = rtm->rtm_table, metric = 0;

		/* the kernel's own routes follow addresses: not the agent's doing */
		if (rtm->rtm_protocol == RTPROT_KERNEL)
			return MNL_CB_OK;

		mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
			if (mnl_attr_get_type(a) == RTA_TABLE)
				table = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == RTA_DST)
				inet_ntop(AF_INET, mnl_attr_get_payload(a), addr, sizeof(addr));
			else if (mnl_attr_get_type(a) == RTA_PRIORITY)
				metric = mnl_attr_get_u32(a);
		}
		snprintf(line, sizeof(line), "%s %u %s/%u t%u m%u;", nlh->nlmsg_type == RTM_NEWROUTE ? "NEWROUTE" : "DELROUTE",
			 table, addr, rtm->rtm_dst_len, rtm->rtm_type, metric);
	} else if (nlh->nlmsg_type == RTM_NEWRULE || nlh->nlmsg_type == RTM_DELRULE) {
		const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
		uint32_t table = frh->table, pref = 0, mark = 0;

		mnl_attr_for_each(a, nlh, sizeof(*frh)) {
			if (mnl_attr_get_type(a) == FRA_FWMARK)
				mark = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == FRA_TABLE)
				table = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == FRA_PRIORITY)
				pref = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == FRA_IIFNAME)
				snprintf(iif, sizeof(iif), "%s", mnl_attr_get_str(a));
		}
		snprintf(line, sizeof(line), "%s %u %s %u a%u%s;", nlh->nlmsg_type == RTM_NEWRULE ? "NEWRULE" : "DELRULE",
			 pref, iif, table, frh->action, mark != 0 ? " fwmark" : "");
	} else {
		return MNL_CB_OK;
	}
	ck_assert_msg(n + strlen(line) + 1 < 16384, "journal full");
	memcpy(journal + n, line, strlen(line) + 1);
	return MNL_CB_OK;
}

/* Everything the listener got so far (the kernel queued it synchronously with each change). */
static void watch_drain(struct mnl_socket *nl, char *journal)
{
	char buf[32768];
	ssize_t n;

	journal[0] = '\0';
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		ck_assert_int_ge(mnl_cb_run(buf, (size_t)n, 0, 0, watch_cb, journal), MNL_CB_STOP);
	ck_assert_msg(n < 0 && errno == EAGAIN, "listener: %s (events lost?)", strerror(errno));
}

static int count_of(const char *journal, const char *what)
{
	int n = 0;

	for (const char *p = journal; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* The routes the agent owns in the router (tables 2000..2999, its protocol in main), as "table dst type;" sorted by the kernel */
static void owned_routes(char *out, size_t size, bool with_hops)
{
	struct nl_route_entry *list = NULL;
	char err[NL_ERR_MAX];
	int count = 0;
	size_t n = 0;

	ck_assert_msg(nl_route_dump(tr_ns, &list, &count, err) == 0, "%s", err);
	out[0] = '\0';
	for (int i = 0; i < count; i++) {
		const struct nl_route_entry *e = &list[i];

		if (!(e->route.table >= DOC_TR_TABLE_MIN && e->route.table <= DOC_TR_TABLE_MAX) &&
		    !(e->route.table == 0 && e->protocol == NL_RTPROT_VPNLAB))
			continue;
		n += (size_t)snprintf(out + n, size - n, "%u %s t%u", e->route.table, e->route.dst, e->type);
		for (int h = 0; with_hops && h < e->route.nexthop_count; h++)
			n += (size_t)snprintf(out + n, size - n, " %s", e->route.nexthops[h].via);
		n += (size_t)snprintf(out + n, size - n, ";");
		ck_assert_uint_lt(n, size);
	}
	nl_route_entries_free(list, count);
}

static void rules_of(char *out, size_t size)
{
	struct nl_rule_entry *list = NULL;
	char err[NL_ERR_MAX];
	int count = 0;
	size_t n = 0;

	ck_assert_msg(nl_rule_dump(tr_ns, &list, &count, err) == 0, "%s", err);
	out[0] = '\0';
	for (int i = 0; i < count; i++) {
		n += (size_t)snprintf(out + n, size - n, "%u %s %u a%u;", list[i].pref, list[i].iif[0] ? list[i].iif : "-",
				      list[i].table, list[i].action);
		ck_assert_uint_lt(n, size);
	}
	nl_rule_entries_free(list, count);
}

#define WANTED_ROUTES                                                                                             \
	"2001 192.168.0.0/24 t1 100.96.0.2;2001 192.168.0.9/32 t6;2001 192.168.1.0/24 t1 100.96.0.2 100.96.0.3;" \
	"2002 10.0.0.0/16 t1 100.96.0.10;"

START_TEST(test_tr_adopt_prunes_exactly)
{
	char before[4096], after[4096], rules[2048], want_rules[512], journal[16384], line[128];
	struct mnl_socket *nl;

	if (nsf_skip_unless_root("transit_router"))
		return;
	apply_doc(TR_KERNEL_DOC("2001"));
	owned_routes(before, sizeof(before), true);
	ck_assert_str_eq(before, WANTED_ROUTES);

	/* the agent restarts (kill -9: nothing torn down); meanwhile leftovers of every kind appear */
	agent_detach(&D);
	/* in its tables: a route of another protocol, each non-unicast type, ECMP, a wanted
	 * destination at another metric; tables the document does not use, up to the last one */
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 10.77.0.0/16 via 100.96.0.2 proto static table 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add blackhole 10.78.0.0/16 table 2001 proto 99"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add unreachable 10.79.0.0/16 table 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add prohibit 10.81.0.0/16 table 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add throw 10.82.0.0/16 table 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 10.80.0.0/16 table 2001 proto 99 "
				       "nexthop via 100.96.0.2 nexthop via 100.96.0.3"),
			 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 192.168.0.0/24 via 100.96.0.3 metric 50 table 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add blackhole 10.90.0.0/16 table 2500"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 10.91.0.0/16 dev %s table 2999", dev_b), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add unreachable 10.95.0.0/16 table 2000"), 0);
	/* the agent's protocol in main is its own; other routes in main and other tables are not */
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 10.92.0.0/16 via 100.96.0.2 proto 99"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add 10.93.0.0/16 via 100.96.0.2 proto static"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route add blackhole 10.94.0.0/16 table 100"), 0);
	/* rules: a link's old association, a gone link's pair, another action at the blackhole's
	 * priority, a rule with one selector more, and rules the agent never makes */
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 1000 iif %s lookup 2500", dev_a), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 1000 iif lgone lookup 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 1001 iif lgone blackhole"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 1001 iif %s unreachable", dev_b), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 1000 iif %s fwmark 7 lookup 2001", dev_a), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 500 from 10.1.0.0/16 lookup 2001"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip rule add pref 32000 lookup 2002"), 0);
	/* a link of an attachment gone meanwhile, and a link that is not the agent's kind */
	ck_assert_int_eq(nsf_in(tr_ns, "sh -c 'ip link add ldeadbeef type bridge && ip addr add 100.96.0.17/29 dev "
				       "ldeadbeef && ip link set ldeadbeef up && ip link add keep0 type veth peer name keep1'"),
			 0);

	nl = watch_open(tr_ns);
	apply_doc(TR_KERNEL_DOC("2001"));
	watch_drain(nl, journal);
	mnl_socket_close(nl);

	/* what it wants is untouched: not deleted, not added again, not even replaced */
	ck_assert_msg(count_of(journal, "NEWROUTE") == 0, "%s", journal);
	ck_assert_msg(count_of(journal, "NEWRULE") == 0, "%s", journal);
	ck_assert_msg(strstr(journal, "DELROUTE 2001 192.168.0.0/24 t1 m0;") == NULL, "%s", journal);
	ck_assert_msg(strstr(journal, "DELROUTE 2001 192.168.1.0/24") == NULL, "%s", journal);
	ck_assert_msg(strstr(journal, "DELROUTE 2001 192.168.0.9/32") == NULL, "%s", journal);
	ck_assert_msg(strstr(journal, "DELROUTE 2002 10.0.0.0/16") == NULL, "%s", journal);
	snprintf(line, sizeof(line), "DELRULE 1000 %s 2001 a1;", dev_a);
	ck_assert_msg(strstr(journal, line) == NULL, "%s", journal);
	snprintf(line, sizeof(line), "DELRULE 1001 %s", dev_b);
	ck_assert_msg(count_of(journal, line) == 1, "%s", journal); /* the unreachable one only */
	/* the rest of what it owns is gone, one delete each */
	ck_assert_msg(count_of(journal, "DELROUTE") == 11, "%s", journal);
	ck_assert_msg(count_of(journal, "DELRULE") == 7, "%s", journal);
	owned_routes(after, sizeof(after), true);
	ck_assert_str_eq(after, WANTED_ROUTES);
	ck_assert_int_ne(nsf_in(tr_ns, "ip link show ldeadbeef 2>/dev/null"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip link show keep0 >/dev/null"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "sh -c 'ip link show %s && ip link show %s' >/dev/null", dev_a, dev_b), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route show 10.93.0.0/16 | grep -q via"), 0);
	ck_assert_int_eq(nsf_in(tr_ns, "ip route show table 100 | grep -q 10.94.0.0/16"), 0);
	rules_of(rules, sizeof(rules));
	snprintf(want_rules, sizeof(want_rules), "0 - 255 a1;1000 %s 2001 a1;1000 %s 2002 a1;1001 %s 0 a6;1001 %s 0 a6;"
		 "32766 - 254 a1;32767 - 253 a1;", dev_a, dev_b, dev_a, dev_b);
	ck_assert_str_eq(rules, want_rules);
}
END_TEST

/* Watches the change from document `from` to `to` of att-a's association from table 2001 to `table`. */
static void association_change(const char *from, const char *to, const char *table, char *journal)
{
	char add_new[96], del_old[96], rules[2048], want_rules[512];
	struct mnl_socket *nl;
	const char *added, *deleted;

	apply_doc(from);
	nl = watch_open(tr_ns);
	apply_doc(to);
	watch_drain(nl, journal);
	mnl_socket_close(nl);

	snprintf(add_new, sizeof(add_new), "NEWRULE 1000 %s %s a1;", dev_a, table);
	snprintf(del_old, sizeof(del_old), "DELRULE 1000 %s 2001 a1;", dev_a);
	added = strstr(journal, add_new);
	deleted = strstr(journal, del_old);
	ck_assert_msg(added != NULL && deleted != NULL, "%s", journal);
	/* the new rule is in before the old one goes: the link is never without one */
	ck_assert_msg(added < deleted, "%s", journal);
	/* nothing else about the rules moved: no blackhole rule bounced, att-b's untouched */
	ck_assert_msg(count_of(journal, "NEWRULE") == 1 && count_of(journal, "DELRULE") == 1, "%s", journal);
	rules_of(rules, sizeof(rules));
	snprintf(want_rules, sizeof(want_rules), "0 - 255 a1;1000 %s 2002 a1;1000 %s %s a1;1001 %s 0 a6;1001 %s 0 a6;"
		 "32766 - 254 a1;32767 - 253 a1;", dev_b, dev_a, table, dev_a, dev_b);
	ck_assert_str_eq(rules, want_rules);
}

START_TEST(test_tr_association_make_before_break)
{
	char journal[16384];

	if (nsf_skip_unless_root("transit_router"))
		return;
	/* att-a's association moves to att-b's table (ReplaceTransitRouterRouteTableAssociation) */
	association_change(TR_KERNEL_DOC("2001"), TR_KERNEL_DOC("2002"), "2002", journal);
}
END_TEST

/*
 * The new table is filled in the same document: the old association goes only once the new
 * table holds its route, so traffic from att-a is never dropped for want of one.
 */
START_TEST(test_tr_association_to_a_new_table)
{
	char journal[16384];
	const char *route, *deleted;

	if (nsf_skip_unless_root("transit_router"))
		return;
	association_change(TR_KERNEL_DOC("2001"),
			   TR_KERNEL_DOC_MORE("2003", ",{\"dest\":\"192.168.0.0/24\",\"table\":2003,\"nexthops\":["
						      "{\"via\":\"100.96.0.3\",\"weight\":100}]}"),
			   "2003", journal);
	route = strstr(journal, "NEWROUTE 2003 192.168.0.0/24 t1 m0;");
	deleted = strstr(journal, "DELRULE 1000");
	ck_assert_msg(route != NULL && route < deleted, "%s", journal);
}
END_TEST

/* ---- links stretched to another agent ---- */

/* text with `from` (which must occur once) replaced by `to`; malloc'd, text freed. */
static char *replaced(char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	ck_assert_msg(at != NULL, "'%s' not in the text", from);
	ck_assert_msg(strstr(at + 1, from) == NULL, "'%s' twice in the text", from);
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	free(text);
	return out;
}

/*
 * TR_DOC with att-v's link stretched to vsw-9 of vpc-9 (another agent's: not in the
 * document), and vpc-1's vsw-1 holding the far end of tr-7's link stretched here.
 */
#define STRETCH_FROM "\"vpc\":\"vpc-1\",\"vswitch\":\"vsw-1\",\"ip\":\"10.0.1.2\","
#define STRETCH_TO "\"vpc\":\"vpc-9\",\"vswitch\":\"vsw-9\",\"stretch\":{\"vni\":70000,\"peer\":\"10.99.0.2\"},\"ip\":\"10.0.1.2\","
#define PORTS_FROM "\"gateway_ip\":\"10.0.1.253\"}],"
#define PORTS_TO                                                                                                    \
	"\"gateway_ip\":\"10.0.1.253\"}],\"tr_ports\":[{\"transit_router\":\"tr-7\",\"attachment\":\"att-7\","         \
	"\"vswitch\":\"vsw-1\",\"vni\":70001,\"peer\":\"10.99.0.1\"}],"

static char *stretched_doc(void)
{
	char *text = strdup(TR_DOC);

	text = replaced(text, STRETCH_FROM, STRETCH_TO);
	return replaced(text, PORTS_FROM, PORTS_TO);
}

START_TEST(test_tr_stretch_valid)
{
	char *text = stretched_doc();
	struct doc_desired d;
	const struct doc_tr_link *l;
	struct doc_vpc copy;

	parse_ok(text, &d);
	l = doc_find_tr_link(doc_find_tr(&d, "tr-1"), "att-v", "vsw-9");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(l->kind, DOC_TR_LINK_VPC);
	ck_assert_uint_eq(l->stretch_vni, 70000);
	ck_assert_str_eq(l->stretch_peer, "10.99.0.2");
	ck_assert_str_eq(l->vpc, "vpc-9");
	/* an unstretched link has none */
	ck_assert_uint_eq(doc_find_tr_link(doc_find_tr(&d, "tr-1"), "att-n", "")->stretch_vni, 0);
	ck_assert_int_eq(d.vpcs[0].tr_port_count, 1);
	ck_assert_str_eq(d.vpcs[0].tr_ports[0].transit_router, "tr-7");
	ck_assert_str_eq(d.vpcs[0].tr_ports[0].attachment, "att-7");
	ck_assert_str_eq(d.vpcs[0].tr_ports[0].vswitch, "vsw-1");
	ck_assert_uint_eq(d.vpcs[0].tr_ports[0].vni, 70001);
	ck_assert_str_eq(d.vpcs[0].tr_ports[0].peer, "10.99.0.1");
	/* the applier's record of the VPC keeps its ports after the document is gone */
	ck_assert_int_eq(doc_vpc_copy(&copy, &d.vpcs[0]), 0);
	ck_assert_ptr_ne(copy.tr_ports, d.vpcs[0].tr_ports);
	doc_free(&d);
	ck_assert_int_eq(copy.tr_port_count, 1);
	ck_assert_uint_eq(copy.tr_ports[0].vni, 70001);
	doc_vpc_free(&copy);
	ck_assert_int_eq(copy.tr_port_count, 0);
	free(text);
}
END_TEST

static const struct {
	const char *from, *to, *expect;
} stretch_bad[] = {
	{ "\"kind\":\"vpn\",\"ip\"", "\"kind\":\"vpn\",\"stretch\":{\"vni\":70002,\"peer\":\"10.99.0.2\"},\"ip\"",
	  "transit_routers[0].links[1]: only a vpc link is stretched" },
	{ "\"stretch\":{\"vni\":70000,\"peer\":\"10.99.0.2\"}", "\"stretch\":{\"vni\":70000}",
	  "transit_routers[0].links[0].stretch: peer is required" },
	{ "\"stretch\":{\"vni\":70000,", "\"stretch\":{\"vni\":0,", "vni must be within 1..16777215" },
	{ "\"stretch\":{\"vni\":70000,", "\"stretch\":{\"mtu\":1500,\"vni\":70000,", "unknown member mtu" },
	{ "\"peer\":\"10.99.0.2\"}", "\"peer\":\"host-b\"}", "peer is not an IPv4 address" },
	{ "\"vswitch\":\"vsw-1\",\"vni\":70001", "\"vswitch\":\"vsw-9\",\"vni\":70001",
	  "vpcs[0].tr_ports[0]: vswitch vsw-9 is not in vpc vpc-1" },
	{ "\"vni\":70001", "\"vni\":4242", "vpcs[0].tr_ports: VNI 4242 is used twice" },
	{ "\"vni\":70001", "\"vni\":70000", "transit_routers[0].links: VNI 70000 is used twice" },
	{ "\"peer\":\"10.99.0.1\"}]", "\"peer\":\"10.99.0.1\"},{\"transit_router\":\"tr-7\",\"attachment\":\"att-7\","
	  "\"vswitch\":\"vsw-1\",\"vni\":70003,\"peer\":\"10.99.0.1\"}]", "tr_ports[1]: port tr-7/att-7/vsw-1 appears twice" },
	{ "\"attachment\":\"att-7\",", "", "tr_ports[0]: attachment is required" },
	{ "\"peer\":\"10.99.0.1\"}]", "\"peer\":\"10.99.0.1\",\"table\":1001}]", "unknown member table" },
};

START_TEST(test_tr_stretch_refusals)
{
	char *text = replaced(stretched_doc(), stretch_bad[_i].from, stretch_bad[_i].to);
	struct doc_desired d;
	char err[DOC_ERR_MAX] = "";

	ck_assert_int_eq(doc_parse_text(text, strlen(text), &d, err), -1);
	ck_assert_msg(strstr(err, stretch_bad[_i].expect) != NULL, "case %d: '%s' lacks '%s'", _i, err,
		      stretch_bad[_i].expect);
	ck_assert_int_eq(d.vpc_count, 0);
	free(text);
}
END_TEST

/* A stretched link's VXLAN is the router's; a port's is its VPC's: each change rebuilds only its owner. */
static const struct {
	const char *what, *from, *to, *ops;
} stretch_plans[] = {
	{ "same document: nothing", NULL, NULL, "" },
	{ "another VNI: the router's links", "\"vni\":70000", "\"vni\":70002", "update transit_router tr-1" },
	{ "the far agent moved: the router's links", "\"peer\":\"10.99.0.2\"", "\"peer\":\"10.99.0.5\"",
	  "update transit_router tr-1" },
	{ "the link no longer stretched: the router's links", "\"stretch\":{\"vni\":70000,\"peer\":\"10.99.0.2\"},", "",
	  "update transit_router tr-1" },
	{ "a port's VNI: the VPC", "\"vni\":70001", "\"vni\":70004", "update vpc vpc-1" },
	{ "the port gone (attachment deleted): the VPC", ",\"tr_ports\":[{\"transit_router\":\"tr-7\",\"attachment\":\"att-7\","
	  "\"vswitch\":\"vsw-1\",\"vni\":70001,\"peer\":\"10.99.0.1\"}]", "", "update vpc vpc-1" },
};

START_TEST(test_tr_stretch_plan)
{
	char *applied_text = stretched_doc(), *wanted_text = stretched_doc();
	struct doc_desired applied, wanted;
	struct plan p;
	char text[1024];

	if (stretch_plans[_i].from != NULL)
		wanted_text = replaced(wanted_text, stretch_plans[_i].from, stretch_plans[_i].to);
	if (strstr(wanted_text, "\"stretch\"") == NULL)
		/* an unstretched link needs its VPC in the document */
		wanted_text = replaced(wanted_text, "\"vpc\":\"vpc-9\",\"vswitch\":\"vsw-9\",",
				       "\"vpc\":\"vpc-1\",\"vswitch\":\"vsw-1\",");
	parse_ok(applied_text, &applied);
	parse_ok(wanted_text, &wanted);
	ck_assert_int_eq(reconcile_plan(&applied, &wanted, &p), 0);
	ck_assert_msg(strcmp(plan_format(&p, false, text, sizeof(text)), stretch_plans[_i].ops) == 0,
		      "%s:\n got  %s\n want %s", stretch_plans[_i].what, text, stretch_plans[_i].ops);
	plan_free(&p);
	doc_free(&applied);
	doc_free(&wanted);
	free(applied_text);
	free(wanted_text);
}
END_TEST

Suite *tr_suite(void)
{
	Suite *s = suite_create("transit_router");
	TCase *tc = tcase_create("doc");

	tcase_add_test(tc, test_tr_valid);
	tcase_add_test(tc, test_tr_absent);
	tcase_add_loop_test(tc, test_tr_refusals, 0, (int)(sizeof(tr_bad) / sizeof(tr_bad[0])));
	tcase_add_test(tc, test_tr_twice);
	tcase_add_loop_test(tc, test_tr_plan, 0, (int)(sizeof(tr_plans) / sizeof(tr_plans[0])));
	tcase_add_test(tc, test_tr_plan_delete_order);
	tcase_add_test(tc, test_tr_stretch_valid);
	tcase_add_loop_test(tc, test_tr_stretch_refusals, 0, (int)(sizeof(stretch_bad) / sizeof(stretch_bad[0])));
	tcase_add_loop_test(tc, test_tr_stretch_plan, 0, (int)(sizeof(stretch_plans) / sizeof(stretch_plans[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel");
	tcase_add_checked_fixture(tc, kernel_setup, kernel_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tr_adopt_prunes_exactly);
	tcase_add_test(tc, test_tr_association_make_before_break);
	tcase_add_test(tc, test_tr_association_to_a_new_table);
	suite_add_tcase(s, tc);
	return s;
}
