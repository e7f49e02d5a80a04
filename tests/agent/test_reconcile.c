/*
 * The reconciler without root: the planner (tables of applied/wanted pairs and the
 * operations they give), route selection (a table of weights and usable hops), the applier
 * against the mock IPsec backend and a recording fake of the links (the order of what it
 * does, a failure half-way and the pass that finishes it, one tunnel's change touching no
 * other SA, no d->lock held while charons start or tunnels load), the monitor choosing
 * routes from the mock's tunnel states, and what a typed tunnel becomes in strongSwan.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "daemon_fixture.h"
#include "doc_fixture.h"
#include "ipsec_mock.h"
#include "plan.h"

Suite *reconcile_suite(void);

/* ---- documents: the fixture, then changed in C ---- */

static void fixture(struct doc_desired *d)
{
	char err[DOC_ERR_MAX] = "";

	ck_assert_msg(doc_parse_text(DOC_FIXTURE, strlen(DOC_FIXTURE), d, err) == 0, "%s", err);
	/* no checks: the health module would open sockets in namespaces that do not exist */
	memset(&d->endpoints[0].tunnels[0].health_check, 0, sizeof(struct doc_health_check));
	memset(&d->endpoints[0].tunnels[0].liveness, 0, sizeof(struct doc_health_check));
}

static struct doc_endpoint *ep(struct doc_desired *d, const char *id)
{
	return (struct doc_endpoint *)doc_find_endpoint(d, id);
}

static struct doc_tunnel *tun(struct doc_desired *d, const char *endpoint, const char *name)
{
	return (struct doc_tunnel *)doc_find_tunnel(ep(d, endpoint), name);
}

/* A second tunnel on the gateway, vco-2, toward another branch block. */
static void add_vco2(struct doc_desired *d)
{
	struct doc_endpoint *e = ep(d, "vpn-1-1");
	struct doc_tunnel *t;

	e->tunnels = realloc(e->tunnels, sizeof(*e->tunnels) * (size_t)(e->tunnel_count + 1));
	ck_assert_ptr_nonnull(e->tunnels);
	t = &e->tunnels[e->tunnel_count++];
	*t = e->tunnels[0];
	snprintf(t->name, sizeof(t->name), "vco-2");
	snprintf(t->connection_id, sizeof(t->connection_id), "vco-2");
	snprintf(t->remote_ts[0], sizeof(t->remote_ts[0]), "192.168.9.0/24");
}

static void drop_vco1_route(struct doc_desired *d)
{
	d->vpcs[0].route_count = 0;
}

static void no_underlay(struct doc_desired *d)
{
	d->agent_id[0] = '\0';
}

/* ---- the planner ---- */

static void m_none(struct doc_desired *d)
{
	(void)d;
}

static void m_empty(struct doc_desired *d)
{
	doc_free(d);
}

static void m_add_tunnel(struct doc_desired *d)
{
	add_vco2(d);
}

static void m_esp(struct doc_desired *d)
{
	snprintf(tun(d, "vpn-1-1", "vco-1")->ipsec.esp_proposal.integ, DOC_ALG_MAX, "sha1");
}

static void m_psk(struct doc_desired *d)
{
	snprintf(tun(d, "vpn-1-1", "vco-1")->ipsec.psk, DOC_PSK_MAX, "another");
}

static void m_cut(struct doc_desired *d)
{
	tun(d, "vpn-1-1", "vco-1")->cut = true;
}

static void m_check(struct doc_desired *d)
{
	struct doc_tunnel *t = tun(d, "vpn-1-1", "vco-1");

	t->liveness.enable = true;
	snprintf(t->liveness.sip, sizeof(t->liveness.sip), "10.0.1.10");
	snprintf(t->liveness.dip, sizeof(t->liveness.dip), "192.168.0.1");
	t->liveness.interval_ms = 300;
	t->liveness.retry = 3;
}

static void m_remote_ts(struct doc_desired *d)
{
	snprintf(tun(d, "vpn-1-1", "vco-1")->remote_ts[0], 20, "192.168.1.0/24");
}

static void m_move(struct doc_desired *d)
{
	snprintf(ep(d, "vpn-1-1")->public_ip, 16, "198.18.0.7");
}

static void m_bandwidth(struct doc_desired *d)
{
	ep(d, "vpn-1-1")->bandwidth_mbps = 20;
}

static void m_no_host(struct doc_desired *d)
{
	d->host_count = 0;
}

static void m_host_moved(struct doc_desired *d)
{
	snprintf(d->hosts[0].lan.ip, 16, "10.0.1.2");
}

/* Drops the endpoints from index from on (freeing what they own). */
static void drop_endpoints(struct doc_desired *d, int from)
{
	while (d->endpoint_count > from)
		doc_endpoint_free(&d->endpoints[--d->endpoint_count]);
}

static void m_no_device(struct doc_desired *d)
{
	drop_endpoints(d, 1); /* site-1-1 is the second */
}

static void m_no_gateway(struct doc_desired *d)
{
	drop_vco1_route(d);
	doc_endpoint_free(&d->endpoints[0]);
	d->endpoints[0] = d->endpoints[1];
	d->endpoint_count = 1;
}

static void m_peers(struct doc_desired *d)
{
	free(d->peers);
	d->peers = calloc(1, sizeof(*d->peers));
	snprintf(d->peers[0], 16, "192.0.2.9");
	d->peer_count = 1;
}

static void m_vswitch(struct doc_desired *d)
{
	struct doc_vpc *v = &d->vpcs[0];

	v->vswitches = realloc(v->vswitches, sizeof(*v->vswitches) * 2);
	v->vswitches[1] = v->vswitches[0];
	snprintf(v->vswitches[1].id, DOC_ID_MAX, "vsw-2");
	snprintf(v->vswitches[1].cidr, 20, "10.0.2.0/24");
	v->vswitch_count = 2;
}

static void m_no_vpc_nor_site(struct doc_desired *d)
{
	m_no_host(d);
	drop_endpoints(d, 0);
	for (int i = 0; i < d->vpc_count; i++)
		doc_vpc_free(&d->vpcs[i]);
	d->vpc_count = 0;
	d->site_count = 0;
}

/* A VPN gateway's policy route: rule from 10.0.1.0/24 to the branch, its table's route. */
static void m_policy(struct doc_desired *d)
{
	struct doc_vpc *v = &d->vpcs[0];

	v->routes = realloc(v->routes, sizeof(*v->routes) * (size_t)(v->route_count + 1));
	v->routes[v->route_count] = v->routes[0];
	v->routes[v->route_count].table = DOC_PBR_TABLE_MIN + 1;
	v->route_count++;
	v->policies = calloc(1, sizeof(*v->policies));
	snprintf(v->policies[0].from, sizeof(v->policies[0].from), "10.0.1.0/24");
	snprintf(v->policies[0].to, sizeof(v->policies[0].to), "%s", v->routes[0].dest);
	v->policies[0].table = DOC_PBR_TABLE_MIN + 1;
	v->policy_count = 1;
}

static void m_policy_moved(struct doc_desired *d)
{
	m_policy(d);
	snprintf(d->vpcs[0].policies[0].from, sizeof(d->vpcs[0].policies[0].from), "10.0.2.0/24");
}

static void m_route_weight(struct doc_desired *d)
{
	d->vpcs[0].routes[0].nexthops[0].weight = 50;
}

static void m_site_router(struct doc_desired *d)
{
	snprintf(d->sites[0].router_ip, sizeof(d->sites[0].router_ip), "192.168.0.254");
}

/* A branch device tunnel named name on endpoint id toward 10.0.0.0/16 (a copy of vco-1 seen from the branch). */
static void add_device_tunnel(struct doc_desired *d, const char *id, const char *name)
{
	struct doc_endpoint *e = ep(d, id);
	struct doc_tunnel *t;

	e->tunnels = realloc(e->tunnels, sizeof(*e->tunnels) * (size_t)(e->tunnel_count + 1));
	ck_assert_ptr_nonnull(e->tunnels);
	t = &e->tunnels[e->tunnel_count++];
	*t = *tun(d, "vpn-1-1", "vco-1");
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->local_ts[0], sizeof(t->local_ts[0]), "192.168.0.0/24");
	snprintf(t->remote_ts[0], sizeof(t->remote_ts[0]), "10.0.0.0/16");
	snprintf(t->peer_ip, sizeof(t->peer_ip), "198.18.0.1");
	t->ipsec.initiator = true;
	memset(&t->health_check, 0, sizeof(t->health_check));
	memset(&t->liveness, 0, sizeof(t->liveness));
}

/*
 * A two-device site with a router: device 2 (site-1-2, 192.168.0.2) added, a tunnel on each
 * device, and the router's route toward 10.0.0.0/16 over both, weights w1 and w2.
 */
static void two_device_site(struct doc_desired *d, int w1, int w2)
{
	struct doc_endpoint *e;
	struct doc_site *site = &d->sites[0];
	struct doc_route *r;

	m_site_router(d);
	d->endpoints = realloc(d->endpoints, sizeof(*d->endpoints) * (size_t)(d->endpoint_count + 1));
	ck_assert_ptr_nonnull(d->endpoints);
	e = &d->endpoints[d->endpoint_count++];
	ck_assert_int_eq(doc_endpoint_copy(e, ep(d, "site-1-1")), 0);
	snprintf(e->id, sizeof(e->id), "site-1-2");
	snprintf(e->public_ip, sizeof(e->public_ip), "203.0.113.2");
	snprintf(e->lan.ip, sizeof(e->lan.ip), "192.168.0.2");
	add_device_tunnel(d, "site-1-1", "t1");
	add_device_tunnel(d, "site-1-2", "t2");
	site->routes = calloc(1, sizeof(*site->routes));
	ck_assert_ptr_nonnull(site->routes);
	site->route_count = 1;
	r = &site->routes[0];
	snprintf(r->dest, sizeof(r->dest), "10.0.0.0/16");
	r->nexthop_count = 2;
	snprintf(r->nexthops[0].via, sizeof(r->nexthops[0].via), "192.168.0.1");
	snprintf(r->nexthops[0].endpoint, sizeof(r->nexthops[0].endpoint), "site-1-1");
	snprintf(r->nexthops[0].tunnel, sizeof(r->nexthops[0].tunnel), "t1");
	r->nexthops[0].weight = w1;
	snprintf(r->nexthops[1].via, sizeof(r->nexthops[1].via), "192.168.0.2");
	snprintf(r->nexthops[1].endpoint, sizeof(r->nexthops[1].endpoint), "site-1-2");
	snprintf(r->nexthops[1].tunnel, sizeof(r->nexthops[1].tunnel), "t2");
	r->nexthops[1].weight = w2;
}

static void m_site_ecmp(struct doc_desired *d)
{
	two_device_site(d, 100, 100);
}

static void m_site_standby(struct doc_desired *d)
{
	two_device_site(d, 100, 0);
}

static const struct plan_case {
	const char *what;
	void (*applied)(struct doc_desired *);
	void (*wanted)(struct doc_desired *);
	const char *ops; /* without keeps */
} plan_cases[] = {
	{ "first pass: everything is created, in dependency order", m_empty, m_none,
	  "create underlay; create vpc vpc-1; create site site-1; create endpoint vpn-1-1; create tunnel vpn-1-1/vco-1; "
	  "create endpoint site-1-1; create host host-1" },
	{ "same document: nothing", m_none, m_none, "" },
	{ "route weights live in the monitor: nothing to build", m_none, m_route_weight, "" },
	{ "a new tunnel: its endpoint's links (its fault and check) and the tunnel", m_none, m_add_tunnel,
	  "update endpoint vpn-1-1; create tunnel vpn-1-1/vco-2" },
	{ "a removed tunnel goes first", m_add_tunnel, m_none, "delete tunnel vpn-1-1/vco-2; update endpoint vpn-1-1" },
	{ "an ESP proposal: that tunnel only", m_none, m_esp, "update tunnel vpn-1-1/vco-1" },
	{ "a PSK: that tunnel only", m_none, m_psk, "update tunnel vpn-1-1/vco-1" },
	{ "selectors: that tunnel only", m_none, m_remote_ts, "update tunnel vpn-1-1/vco-1" },
	{ "a lab cut: links only, the SA stays", m_none, m_cut, "update endpoint vpn-1-1" },
	{ "a liveness probe: links only", m_none, m_check, "update endpoint vpn-1-1" },
	{ "bandwidth: links only", m_none, m_bandwidth, "update endpoint vpn-1-1" },
	{ "a moved endpoint is rebuilt with its tunnels", m_none, m_move,
	  "update endpoint vpn-1-1 (rebuild); create tunnel vpn-1-1/vco-1" },
	{ "a removed host", m_none, m_no_host, "delete host host-1" },
	{ "a moved host", m_none, m_host_moved, "update host host-1" },
	{ "a removed device", m_none, m_no_device, "delete endpoint site-1-1" },
	{ "a removed gateway takes its tunnels along (no tunnel deletes)", m_none, m_no_gateway,
	  "delete endpoint vpn-1-1" },
	{ "new underlay peers", m_none, m_peers, "update underlay" },
	{ "a new vSwitch", m_none, m_vswitch, "update vpc vpc-1" },
	{ "a policy route: the VPC router's rules, no tunnel", m_none, m_policy, "update vpc vpc-1" },
	{ "the same policy route: nothing", m_policy, m_policy, "" },
	{ "a policy route's source: its rule", m_policy, m_policy_moved, "update vpc vpc-1" },
	{ "a removed policy route", m_policy, m_none, "update vpc vpc-1" },
	{ "everything removed: dependents first", m_none, m_no_vpc_nor_site,
	  "delete host host-1; delete endpoint vpn-1-1; delete endpoint site-1-1; delete vpc vpc-1; delete site site-1" },
	{ "no underlay recorded yet (a half-done first pass)", no_underlay, m_none, "create underlay" },
	{ "a site gets its router: the site only", m_none, m_site_router, "update site site-1" },
	{ "a site router's routes live in the monitor: nothing to build", m_site_standby, m_site_ecmp, "" },
	{ "a second device: its endpoint and tunnel; the site stays", m_site_router, m_site_ecmp,
	  "update endpoint site-1-1; create tunnel site-1-1/t1; create endpoint site-1-2; create tunnel site-1-2/t2" },
};

START_TEST(test_plan_table)
{
	const struct plan_case *c = &plan_cases[_i];
	struct doc_desired applied, wanted;
	struct plan p;
	char text[1024];

	fixture(&applied);
	fixture(&wanted);
	c->applied(&applied);
	c->wanted(&wanted);
	ck_assert_int_eq(reconcile_plan(&applied, &wanted, &p), 0);
	ck_assert_msg(strcmp(plan_format(&p, false, text, sizeof(text)), c->ops) == 0, "%s:\n got  %s\n want %s", c->what,
		      text, c->ops);
	/* every object of the wanted document has one operation (keeps included) */
	{
		int objects = 1 + wanted.vpc_count + wanted.site_count + wanted.host_count;

		for (int i = 0; i < wanted.endpoint_count; i++)
			objects += 1 + wanted.endpoints[i].tunnel_count;
		for (int i = 0; i < p.count; i++)
			objects -= p.ops[i].action != PLAN_DELETE;
		ck_assert_msg(objects == 0, "%s: %d objects without an operation", c->what, objects);
	}
	plan_free(&p);
	doc_free(&applied);
	doc_free(&wanted);
}
END_TEST

/* ---- route selection ---- */

static const struct route_case {
	const char *what;
	int weights[4];
	bool usable[4];
	int count;
	const char *carry; /* one char per hop: 1 carries */
	bool any;
} route_cases[] = {
	{ "master up: master", { 100, 0 }, { true, true }, 2, "10", true },
	{ "master down: slave", { 100, 0 }, { false, true }, 2, "01", true },
	{ "both down: the master keeps the route", { 100, 0 }, { false, false }, 2, "10", false },
	{ "equal weights: ECMP", { 100, 100 }, { true, true }, 2, "11", true },
	{ "equal weights, one down: the other", { 100, 100 }, { true, false }, 2, "10", true },
	{ "three ranks, top down: the middle", { 100, 50, 0 }, { false, true, true }, 3, "010", true },
	{ "single hop down: it keeps the route", { 100 }, { false }, 1, "1", false },
	{ "all standby, all up: ECMP of zeros", { 0, 0, 0 }, { true, true, true }, 3, "111", true },
	/* a site router: two devices with a master and a slave each (masters first, as compiled) */
	{ "site: both devices' masters up: ECMP over the devices", { 100, 100, 0, 0 }, { true, true, true, true }, 4,
	  "1100", true },
	{ "site: device 1's master down: device 2 alone", { 100, 100, 0, 0 }, { false, true, true, true }, 4, "0100",
	  true },
	{ "site: both masters down: the slaves, ECMP", { 100, 100, 0, 0 }, { false, false, true, true }, 4, "0011",
	  true },
};

START_TEST(test_route_select_table)
{
	const struct route_case *c = &route_cases[_i];
	struct doc_route r = { .nexthop_count = c->count };
	bool carry[DOC_NEXTHOPS_MAX];
	char got[8] = "";

	for (int h = 0; h < c->count; h++)
		r.nexthops[h].weight = c->weights[h];
	ck_assert_int_eq(route_select(&r, c->usable, carry), c->any);
	for (int h = 0; h < c->count; h++)
		got[h] = carry[h] ? '1' : '0';
	ck_assert_msg(strcmp(got, c->carry) == 0, "%s: %s, want %s", c->what, got, c->carry);
}
END_TEST

/* ---- the applier, against the mock backend and fake links ---- */

static int fake(char *err, const char *fmt, const char *id)
{
	char entry[160];

	snprintf(entry, sizeof(entry), fmt, id);
	return ipsec_mock_record(entry, err);
}

static int f_underlay(struct agent_daemon *d, const struct doc_desired *want, const struct doc_desired *old, char *err)
{
	(void)d, (void)want, (void)old;
	return fake(err, "link underlay%s", "");
}

static int f_vpc(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_vpc *old, char *err)
{
	(void)d, (void)old;
	return fake(err, "link vpc %s", vpc->id);
}

static int f_site(struct agent_daemon *d, const struct doc_site *site, const struct doc_site *old, char *err)
{
	(void)d, (void)old;
	return fake(err, "link site %s", site->id);
}

static int f_endpoint(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *e,
		      const struct doc_endpoint *old, char *err)
{
	(void)d, (void)want, (void)old;
	return fake(err, "link endpoint %s", e->id);
}

static int f_site_fallback(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *e,
			   char *err)
{
	(void)d, (void)want, (void)e, (void)err;
	return 0;
}

static int f_host(struct agent_daemon *d, const struct doc_host *h, const struct doc_host *old, char *err)
{
	(void)d, (void)old;
	return fake(err, "link host %s", h->id);
}

static void f_remove(struct agent_daemon *d, const char *id)
{
	(void)d;
	fake(NULL, "unlink %s", id);
}

static const struct agent_links_ops fake_links = {
	.underlay = f_underlay,
	.vpc = f_vpc,
	.site = f_site,
	.endpoint = f_endpoint,
	.site_fallback = f_site_fallback,
	.host = f_host,
	.remove = f_remove,
};

static struct agent_daemon D;

static void daemon_up(void)
{
	test_daemon_up(&D, &fake_links);
	snprintf(D.ns_prefix, sizeof(D.ns_prefix), "vlt");
	ipsec_mock_reset();
}

static void daemon_down(void)
{
	test_daemon_down(&D);
	doc_free(&D.record);
}

/*
 * Applies the fixture changed by mutate (NULL: as it is) with a clear journal; the journal
 * then holds what the pass did.  0 or -1 with err.
 */
static int apply(void (*mutate)(struct doc_desired *), char *err)
{
	struct doc_desired want;

	fixture(&want);
	if (mutate)
		mutate(&want);
	ipsec_mock_journal_clear();
	err[0] = '\0';
	{
		int rc = agent_reconcile(&D, &want, err);

		doc_free(&want);
		return rc;
	}
}

static void with_vco2(struct doc_desired *d)
{
	add_vco2(d);
}

static void with_vco2_changed(struct doc_desired *d)
{
	add_vco2(d);
	snprintf(tun(d, "vpn-1-1", "vco-2")->ipsec.esp_proposal.integ, DOC_ALG_MAX, "md5");
}

static void with_vco2_cut_and_changed(struct doc_desired *d)
{
	with_vco2_changed(d);
	tun(d, "vpn-1-1", "vco-2")->cut = true;
}

START_TEST(test_apply_order)
{
	char err[256];

	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(),
			 "link underlay; link vpc vpc-1; link site site-1; link endpoint vpn-1-1; start vpn-1-1; "
			 "add vpn-1-1/vco-1; link endpoint site-1-1; start site-1-1; link host host-1");
	ck_assert(D.have_applied);
	ck_assert_int_eq(D.tunnel_count, 1);
	ck_assert_int_eq(D.endpoint_count, 2);
	/* the same document again: nothing is done */
	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "");
}
END_TEST

/* Endpoints a pass deletes have their charons stopped together, before the first deletion's links go. */
START_TEST(test_apply_deletes_stop_charons_together)
{
	char err[256];

	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	ck_assert_msg(apply(m_no_vpc_nor_site, err) == 0, "%s", err);
	ck_assert_msg(strstr(ipsec_mock_journal_text(), "stop vpn-1-1; stop site-1-1; unlink ") != NULL ||
			      strstr(ipsec_mock_journal_text(), "stop site-1-1; stop vpn-1-1; unlink ") != NULL,
		      "%s", ipsec_mock_journal_text());
	ck_assert_int_eq(D.endpoint_count, 0);
	ck_assert_int_eq(D.record.endpoint_count, 0);
}
END_TEST

START_TEST(test_apply_failure_half_way)
{
	char err[256];
	unsigned sa1;

	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	sa1 = ipsec_mock_sa_id("vpn-1-1", "vco-1");
	ck_assert_uint_ne(sa1, 0);
	D.applied.generation = 3;

	/* a second tunnel whose load fails: the pass stops there */
	ipsec_mock_fail("add vpn-1-1/vco-2");
	ck_assert_int_eq(apply(with_vco2, err), -1);
	ck_assert_msg(strstr(err, "vco-2") != NULL, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "link endpoint vpn-1-1");
	/* the monitor's view stays the last complete document */
	ck_assert_int_eq(D.tunnel_count, 1);
	/* what was done is recorded: the links of vpn-1-1 are not done again */
	ck_assert_int_eq(doc_find_endpoint(&D.record, "vpn-1-1")->tunnel_count, 1);

	/* the next pass does only what is left */
	ck_assert_msg(apply(with_vco2, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "link endpoint vpn-1-1; add vpn-1-1/vco-2");
	ck_assert_int_eq(D.tunnel_count, 2);
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-1"), sa1);

	/* a failure in the links (before any charon call) leaves the tunnels alone too */
	ipsec_mock_fail("link endpoint vpn-1-1");
	ck_assert_int_eq(apply(with_vco2_cut_and_changed, err), -1);
	ck_assert_str_eq(ipsec_mock_journal_text(), "");
	ck_assert_msg(apply(with_vco2_cut_and_changed, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "link endpoint vpn-1-1; update vpn-1-1/vco-2");
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-1"), sa1);
}
END_TEST

START_TEST(test_apply_one_tunnel_only)
{
	char err[256];
	unsigned sa1, sa2;

	ck_assert_msg(apply(with_vco2, err) == 0, "%s", err);
	sa1 = ipsec_mock_sa_id("vpn-1-1", "vco-1");
	sa2 = ipsec_mock_sa_id("vpn-1-1", "vco-2");
	ck_assert_msg(apply(with_vco2_changed, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "update vpn-1-1/vco-2");
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-1"), sa1);
	ck_assert_uint_ne(ipsec_mock_sa_id("vpn-1-1", "vco-2"), sa2);
	/* removing it touches it alone */
	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	ck_assert_str_eq(ipsec_mock_journal_text(), "remove vpn-1-1/vco-2; link endpoint vpn-1-1");
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-1"), sa1);
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-2"), 0);
}
END_TEST

START_TEST(test_apply_adopts_and_prunes)
{
	char err[256];
	unsigned sa1;

	ck_assert_msg(apply(with_vco2, err) == 0, "%s", err);
	sa1 = ipsec_mock_sa_id("vpn-1-1", "vco-1");
	/* a restarted agent: no runtime, no record; the charons (mock instances) still run */
	agent_detach(&D);
	ck_assert_msg(apply(NULL, err) == 0, "%s", err);
	/* vco-2, loaded but no longer wanted, is unloaded; vco-1 is loaded again, unchanged */
	ck_assert_msg(strstr(ipsec_mock_journal_text(), "start vpn-1-1; remove vpn-1-1/vco-2; add vpn-1-1/vco-1") != NULL,
		      "%s", ipsec_mock_journal_text());
	ck_assert_uint_eq(ipsec_mock_sa_id("vpn-1-1", "vco-1"), sa1);
}
END_TEST

/* Inside every backend and links call: is d->lock free (the monitor could poll now)? */
static int lock_held_calls, calls;

static void check_lock(const char *entry, void *arg)
{
	struct agent_daemon *d = arg;

	(void)entry;
	calls++;
	if (pthread_mutex_trylock(&d->lock) != 0)
		lock_held_calls++;
	else
		pthread_mutex_unlock(&d->lock);
}

START_TEST(test_apply_never_holds_the_monitor_lock)
{
	char err[256];

	ipsec_mock_on_call(check_lock, &D);
	ck_assert_msg(apply(with_vco2, err) == 0, "%s", err);
	ck_assert_msg(apply(with_vco2_changed, err) == 0, "%s", err);
	ck_assert_int_ge(calls, 10);
	ck_assert_int_eq(lock_held_calls, 0);
}
END_TEST

/* ---- the monitor: states from the backend, routes from the states ---- */

static void dual(struct doc_desired *d)
{
	struct doc_route *r = &d->vpcs[0].routes[0];

	add_vco2(d);
	/* vco-2 as the standby toward the same block */
	snprintf(tun(d, "vpn-1-1", "vco-2")->remote_ts[0], 20, "192.168.0.0/24");
	r->nexthop_count = 2;
	r->nexthops[1] = r->nexthops[0];
	snprintf(r->nexthops[1].tunnel, sizeof(r->nexthops[1].tunnel), "vco-2");
	snprintf(r->nexthops[1].via, sizeof(r->nexthops[1].via), "10.0.1.11");
	r->nexthops[1].weight = 0;
}

START_TEST(test_monitor_routes_from_states)
{
	char err[256];

	ck_assert_msg(apply(dual, err) == 0, "%s", err);
	monitor_poll(&D);
	ck_assert_str_eq(D.routes[0].chosen, "10.0.1.10");
	ck_assert_str_eq(agent_tunnel_find(&D, "vpn-1-1", "vco-1")->child_state, "INSTALLED");
	/* the active tunnel's SA goes: the standby carries the route at the next poll */
	ipsec_mock_set_child_state("vpn-1-1", "vco-1", "");
	monitor_poll(&D);
	ck_assert_str_eq(D.routes[0].chosen, "10.0.1.11");
	ck_assert(agent_tunnel_find(&D, "vpn-1-1", "vco-2")->active);
	ipsec_mock_set_child_state("vpn-1-1", "vco-1", "INSTALLED");
	monitor_poll(&D);
	ck_assert_str_eq(D.routes[0].chosen, "10.0.1.10");
}
END_TEST

/* The installed next hops of site site's route toward dest ("" none). */
static const char *site_chosen(const char *site, const char *dest)
{
	for (int i = 0; i < D.route_count; i++)
		if (strcmp(D.routes[i].site, site) == 0 && strcmp(D.routes[i].dest, dest) == 0)
			return D.routes[i].chosen;
	return "";
}

/*
 * A site router's route follows its devices' tunnels like a VPC route its gateway's: ECMP
 * over both devices, the one whose tunnel loses its SA leaves the route at the next poll and
 * comes back with it; with weights 100/0 it is active/standby.
 */
START_TEST(test_monitor_site_routes_from_states)
{
	char err[256];

	ck_assert_msg(apply(m_site_ecmp, err) == 0, "%s", err);
	monitor_poll(&D);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "192.168.0.1,192.168.0.2");
	/* the VPC's route is unaffected, and no device tunnel counts as carrying a VPC's traffic */
	ck_assert_str_eq(D.routes[0].vpc, "vpc-1");
	ck_assert(!agent_tunnel_find(&D, "site-1-1", "t1")->active);
	ipsec_mock_set_child_state("site-1-1", "t1", "");
	monitor_poll(&D);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "192.168.0.2");
	ipsec_mock_set_child_state("site-1-1", "t1", "INSTALLED");
	monitor_poll(&D);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "192.168.0.1,192.168.0.2");

	/* weights 100/0: device 1 alone, device 2 when device 1's tunnel is down */
	ck_assert_msg(apply(m_site_standby, err) == 0, "%s", err);
	monitor_poll(&D);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "192.168.0.1");
	ipsec_mock_set_child_state("site-1-1", "t1", "");
	monitor_poll(&D);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "192.168.0.2");

	/* the route goes with the site's router */
	ck_assert_msg(apply(m_site_router, err) == 0, "%s", err);
	ck_assert_str_eq(site_chosen("site-1", "10.0.0.0/16"), "");
	ck_assert_int_eq(D.applied.sites[0].route_count, 0);
}
END_TEST

/*
 * Inside the backend's list call, another thread (the state API, a report, the applier
 * publishing) takes d->lock and changes the runtime, as it could while a slow charon
 * answers: the poll must not hold the lock then, and must not merge into what went.
 */
enum { LIST_LOCK_ONLY, LIST_DROP_TUNNEL, LIST_DROP_ENDPOINT };
static int list_mode, list_calls, list_locked;

static void *lock_from_elsewhere(void *arg)
{
	struct agent_daemon *d = arg;
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	/* a poll that held d->lock across the call would keep this waiting until the deadline */
	if (pthread_mutex_timedlock(&d->lock, &until) != 0)
		return NULL;
	list_locked++;
	if (list_mode == LIST_DROP_TUNNEL) {
		struct tunnel_rt *t = agent_tunnel_find(d, "vpn-1-1", "vco-2");

		if (t != NULL)
			*t = d->tunnels[--d->tunnel_count];
	} else if (list_mode == LIST_DROP_ENDPOINT) {
		/* the mock owns its instances: dropping the runtime's entry leaks nothing */
		for (int i = 0; i < d->endpoint_count; i++)
			if (strcmp(d->endpoints[i].id, "vpn-1-1") == 0) {
				d->endpoints[i] = d->endpoints[--d->endpoint_count];
				break;
			}
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

static void on_list(const char *entry, void *arg)
{
	pthread_t th;

	if (strncmp(entry, "list ", 5) != 0)
		return;
	list_calls++;
	ck_assert_int_eq(pthread_create(&th, NULL, lock_from_elsewhere, arg), 0);
	pthread_join(th, NULL);
}

START_TEST(test_monitor_polls_without_the_lock)
{
	char err[256];
	int charons;

	ck_assert_msg(apply(dual, err) == 0, "%s", err);
	charons = D.endpoint_count;
	ck_assert_int_ge(charons, 1);
	list_calls = list_locked = 0;
	list_mode = LIST_LOCK_ONLY;
	ipsec_mock_on_call(on_list, &D);
	monitor_poll(&D);
	ck_assert_int_eq(list_calls, charons);
	ck_assert_int_eq(list_locked, charons);
	ck_assert_str_eq(D.routes[0].chosen, "10.0.1.10");
	ck_assert_str_eq(agent_tunnel_find(&D, "vpn-1-1", "vco-2")->child_state, "INSTALLED");

	/* a tunnel removed while its charon was asked stays removed; the others are merged */
	list_mode = LIST_DROP_TUNNEL;
	ipsec_mock_set_child_state("vpn-1-1", "vco-1", "");
	monitor_poll(&D);
	ck_assert_int_eq(list_locked, 2 * charons);
	ck_assert_ptr_null(agent_tunnel_find(&D, "vpn-1-1", "vco-2"));
	ck_assert_str_eq(agent_tunnel_find(&D, "vpn-1-1", "vco-1")->child_state, "");

	/* an endpoint that left the runtime meanwhile: what its charon said is not merged */
	list_mode = LIST_DROP_ENDPOINT;
	ipsec_mock_set_child_state("vpn-1-1", "vco-1", "INSTALLED");
	monitor_poll(&D);
	ck_assert_int_eq(list_locked, 3 * charons);
	ck_assert_int_eq(D.endpoint_count, charons - 1);
	ck_assert_str_eq(agent_tunnel_find(&D, "vpn-1-1", "vco-1")->child_state, "");
	ipsec_mock_on_call(NULL, NULL);
}
END_TEST

/*
 * The standby's SA comes up after the active one's: the poll makes the active one's SA the
 * preferred one again, and calls charon for it only after releasing d->lock.
 */
START_TEST(test_monitor_prefers_without_the_lock)
{
	char err[256];

	ck_assert_msg(apply(dual, err) == 0, "%s", err);
	monitor_poll(&D); /* both SAs ran before: adopted, left as they are */
	ipsec_mock_set_child_state("vpn-1-1", "vco-2", "");
	monitor_poll(&D);
	ipsec_mock_journal_clear();
	calls = lock_held_calls = 0;
	ipsec_mock_on_call(check_lock, &D);
	ipsec_mock_set_child_state("vpn-1-1", "vco-2", "INSTALLED");
	monitor_poll(&D);
	ipsec_mock_on_call(NULL, NULL);
	ck_assert_str_eq(ipsec_mock_journal_text(), "prefer vpn-1-1/vco-1");
	ck_assert_int_ge(calls, 2); /* the list calls and the prefer */
	ck_assert_int_eq(lock_held_calls, 0);
}
END_TEST

/* ---- what a typed tunnel becomes in strongSwan ---- */

START_TEST(test_swan_messages)
{
	struct doc_desired d;
	struct doc_tunnel *t;
	json_t *conn, *c, *children, *secret;

	fixture(&d);
	t = tun(&d, "vpn-1-1", "vco-1");
	conn = ipsec_swan_conn_msg(t);
	c = json_object_get(conn, "vco-1");
	ck_assert_str_eq(json_string_value(json_object_get(c, "version")), "2");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "proposals"), 0)), "aes128-sha1-modp1024");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "remote_addrs"), 0)), "203.0.113.1");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "remote"), "id")), "fqdn:branch.example");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "local"), "id")), "198.18.0.1");
	ck_assert_str_eq(json_string_value(json_object_get(c, "keyingtries")), "1");
	ck_assert_str_eq(json_string_value(json_object_get(c, "dpd_delay")), "30s");
	ck_assert_str_eq(json_string_value(json_object_get(c, "rekey_time")), "82080s");
	ck_assert_str_eq(json_string_value(json_object_get(c, "over_time")), "4320s");
	children = json_object_get(c, "children");
	ck_assert_int_eq(json_object_size(children), 1);
	c = json_object_get(children, "vco-1");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "esp_proposals"), 0)), "aes256-sha256");
	ck_assert_str_eq(json_string_value(json_object_get(c, "start_action")), "none");
	ck_assert_str_eq(json_string_value(json_object_get(c, "dpd_action")), "clear");
	ck_assert_ptr_null(json_object_get(c, "priority"));
	json_decref(conn);

	/* an IKEv1 initiator with two blocks a side: one CHILD_SA per pair; a standby's priority */
	t->ipsec.ike_version = 1;
	t->ipsec.initiator = true;
	t->ipsec.standby = true;
	t->local_ts_count = t->remote_ts_count = 2;
	snprintf(t->local_ts[1], 20, "10.1.0.0/16");
	snprintf(t->remote_ts[1], 20, "192.168.1.0/24");
	conn = ipsec_swan_conn_msg(t);
	c = json_object_get(conn, "vco-1");
	ck_assert_str_eq(json_string_value(json_object_get(c, "keyingtries")), "0");
	children = json_object_get(c, "children");
	ck_assert_int_eq(json_object_size(children), 4);
	c = json_object_get(children, "vco-1-2");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "local_ts"), 0)), "10.0.0.0/16");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(c, "remote_ts"), 0)), "192.168.1.0/24");
	ck_assert_str_eq(json_string_value(json_object_get(c, "start_action")), "start");
	ck_assert_str_eq(json_string_value(json_object_get(c, "dpd_action")), "restart");
	/* 400000 - 512 × (16 + 24) - 1 + 2 */
	ck_assert_str_eq(json_string_value(json_object_get(c, "priority")), "379521");
	json_decref(conn);

	secret = ipsec_swan_secret_msg(t);
	ck_assert_str_eq(json_string_value(json_object_get(secret, "id")), "ike-vco-1");
	ck_assert_str_eq(json_string_value(json_object_get(secret, "data")), "s3cret");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(secret, "owners"), 1)), "fqdn:branch.example");
	json_decref(secret);
	doc_free(&d);
}
END_TEST

Suite *reconcile_suite(void)
{
	Suite *s = suite_create("reconcile");
	TCase *tc = tcase_create("plan");
	TCase *ta = tcase_create("apply");

	tcase_add_loop_test(tc, test_plan_table, 0, sizeof(plan_cases) / sizeof(plan_cases[0]));
	tcase_add_loop_test(tc, test_route_select_table, 0, sizeof(route_cases) / sizeof(route_cases[0]));
	tcase_add_test(tc, test_swan_messages);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(ta, daemon_up, daemon_down);
	tcase_add_test(ta, test_apply_order);
	tcase_add_test(ta, test_apply_failure_half_way);
	tcase_add_test(ta, test_apply_deletes_stop_charons_together);
	tcase_add_test(ta, test_apply_one_tunnel_only);
	tcase_add_test(ta, test_apply_adopts_and_prunes);
	tcase_add_test(ta, test_apply_never_holds_the_monitor_lock);
	tcase_add_test(ta, test_monitor_routes_from_states);
	tcase_add_test(ta, test_monitor_site_routes_from_states);
	tcase_add_test(ta, test_monitor_polls_without_the_lock);
	tcase_add_test(ta, test_monitor_prefers_without_the_lock);
	suite_add_tcase(s, ta);
	return s;
}
