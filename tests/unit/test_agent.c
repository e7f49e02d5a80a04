/*
 * Data-plane agents (model/agent.c) on a real SQLite store with real connections: the SA
 * state → Status mapping, registration (new, refreshed, remembered id, every refused field),
 * status intake for single- and dual-tunnel connections (Status, health check Status, the
 * dataplane_tunnels rows, log lines), what is skipped (gone connections and tunnels, the
 * branch side), refused reports changing nothing, deregistration and the pusher's
 * generation bookkeeping.  Every mutation runs in a savepoint the way the engine runs one.
 * The client the server pushes with (server/agent_client.c) against a small in-process HTTP
 * server: methods, bodies, the token, answers that are not JSON, refused connections,
 * timeouts and cancellation.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent_client.h"
#include "auth.h"
#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "ipsec_config.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_connection_log.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define REGION "cn-hangzhou"

static struct vpn_connection single_conn; /* single-tunnel, health check enabled */
static struct vpn_connection dual_conn;	  /* dual-tunnel, no health check */

static struct model_ctx owner_ctx(void)
{
	struct model_ctx m = { .store = st, .account = ACCOUNT, .region = REGION, .now_ms = NOW, .cfg = &cfg };

	return m;
}

/* What the agent actions run with: no account, no region. */
static struct model_ctx agent_ctx(int64_t now)
{
	struct model_ctx m = { .store = st, .account = "", .now_ms = now, .cfg = &cfg };

	return m;
}

static void setup(void)
{
	struct model_ctx m;
	struct vl_err err;
	struct vpc vpc;
	struct vswitch vsw_h, vsw_i;
	struct vpn_gateway gw, single_gw;
	struct customer_gateway cgw1, cgw2;
	struct vpc_create_args va = { .cidr_block = "10.0.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.2.0/24" };
	struct vpn_gateway_create_args ga = { .bandwidth = 10, .enable_ipsec = true };
	struct customer_gateway_create_args c1 = { .ip_address = "203.0.113.1" }, c2 = { .ip_address = "203.0.113.2" };
	struct vpn_connection_create_args single = {
		.local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.0.0/16",
		.health_check_config = "{\"enable\":\"true\",\"dip\":\"192.168.0.10\",\"sip\":\"10.0.1.10\"}",
	};
	struct vpn_connection_create_args dual = { .local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.0.0/16" };
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	int spec_count = 0;

	test_world_setup();
	m = owner_ctx();
	ck_assert_int_eq(vpc_create(&m, &va, &vpc, &err), 0);
	sa.vpc_id = sb.vpc_id = vpc.vpc_id;
	ck_assert_int_eq(vswitch_create(&m, &sa, &vsw_h, &err), 0);
	ck_assert_int_eq(vswitch_create(&m, &sb, &vsw_i, &err), 0);
	ga.vpc_id = vpc.vpc_id;
	ga.vswitch_id = vsw_h.vswitch_id;
	ga.dr_vswitch_id = vsw_i.vswitch_id;
	ck_assert_msg(vpn_gateway_create(&m, &ga, &gw, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_msg(vpn_gateway_create(&m, &ga, &single_gw, &err) == 0, "%s", vl_err_message(&err));
	/* a gateway of a single-tunnel region: no second vSwitch, address or zone */
	test_exec1(st,
		   "UPDATE vpn_gateways SET dr_vswitch_id='', dr_zone_id='', dr_internet_ip='' WHERE vpn_gateway_id=?",
		   single_gw.vpn_gateway_id);
	ck_assert_int_eq(customer_gateway_create(&m, &c1, &cgw1, &err), 0);
	ck_assert_int_eq(customer_gateway_create(&m, &c2, &cgw2, &err), 0);
	single.vpn_gateway_id = single_gw.vpn_gateway_id;
	single.customer_gateway_id = cgw1.customer_gateway_id;
	ck_assert_msg(vpn_connection_create(&m, &single, &single_conn, &err) == 0, "%s", vl_err_message(&err));
	test_dual_tunnel_specs(cgw1.customer_gateway_id, cgw2.customer_gateway_id, specs, &spec_count);
	dual.vpn_gateway_id = gw.vpn_gateway_id;
	dual.tunnels = specs;
	dual.tunnel_count = spec_count;
	ck_assert_msg(vpn_connection_create(&m, &dual, &dual_conn, &err) == 0, "%s", vl_err_message(&err));
	ck_assert(!single_conn.dual_tunnel && dual_conn.dual_tunnel && dual_conn.tunnel_count == 2);
}

/* ---- helpers ---- */

static int do_register(int64_t now, const struct agent_register_args *a, char *id, struct vl_err *err)
{
	struct model_ctx m = agent_ctx(now);

	test_savepoint(st);
	return test_release(st, agent_register(&m, a, id, err));
}

static struct agent_register_args good_args(void)
{
	struct agent_register_args a = {
		.zones = "[\"cn-hangzhou-h\",\"cn-hangzhou-i\"]", .roles = "[\"cloud\"]", .underlay_ip = "10.99.0.1",
		.url = "http://10.99.0.1:8181", .backend = "kernel-libipsec", .backend_reason = "no XFRM ESP",
		.version = "0.5.0",
	};

	return a;
}

static void register_ok(char *id)
{
	struct agent_register_args a = good_args();
	struct vl_err err;

	ck_assert_msg(do_register(NOW, &a, id, &err) == 0, "%s: %s", vl_err_code(&err), vl_err_message(&err));
}

static int report(const char *id, int64_t now, int64_t applied, const char *tunnels, const char *logs,
		  int64_t *generation, struct vl_err *err)
{
	struct model_ctx m = agent_ctx(now);
	int64_t ignored;

	test_savepoint(st);
	return test_release(st, agent_report_status(&m, id, applied, tunnels, logs, generation ? generation : &ignored,
						    err));
}

static void report_ok(const char *id, const char *tunnels, const char *logs)
{
	struct vl_err err;

	ck_assert_msg(report(id, NOW + 1000, 0, tunnels, logs, NULL, &err) == 0, "%s: %s", vl_err_code(&err),
		      vl_err_message(&err));
}

static struct vpn_connection get_conn(const char *id)
{
	struct model_ctx m = owner_ctx();
	struct vpn_connection c;
	struct vl_err err;

	ck_assert_int_eq(vpn_connection_get(&m, id, &c, &err), 0);
	return c;
}

static struct agent get_agent(const char *id)
{
	struct model_ctx m = agent_ctx(NOW);
	struct agent a;
	struct vl_err err;

	ck_assert_int_eq(agent_get(&m, id, &a, &err), 0);
	return a;
}

static int64_t log_count(const char *conn)
{
	return test_count(st, "SELECT COUNT(*) FROM vpn_connection_logs WHERE vpn_connection_id=?", conn);
}

/* One Tunnels element (static buffer per call site through the caller's array). */
static void tunnel_json(char *buf, size_t size, const char *conn, const char *tunnel, const char *side,
			const char *ike, const char *child, const char *health)
{
	snprintf(buf, size,
		 "{\"VpnConnectionId\":\"%s\",\"TunnelId\":\"%s\",\"Endpoint\":\"ep-1\",\"Side\":\"%s\","
		 "\"IkeState\":\"%s\",\"ChildState\":\"%s\",\"Health\":\"%s\",\"Active\":true,\"BytesIn\":10,"
		 "\"BytesOut\":20,\"PacketsIn\":1,\"PacketsOut\":2}",
		 conn, tunnel, side, ike, child, health);
}

/* ---- the mapping ---- */

static const struct {
	const char *ike, *child, *status;
} mapping[] = {
	{ "ESTABLISHED", "INSTALLED", "ipsec_sa_established" },
	{ "ESTABLISHED", "REKEYING", "ipsec_sa_established" },
	{ "REKEYING", "INSTALLED", "ipsec_sa_established" },
	{ "ESTABLISHED", "", "ipsec_sa_not_established" },
	{ "ESTABLISHED", "INSTALLING", "ipsec_sa_not_established" },
	{ "ESTABLISHED", NULL, "ipsec_sa_not_established" },
	{ "CONNECTING", "INSTALLED", "ike_sa_not_established" },
	{ "CONNECTING", "", "ike_sa_not_established" },
	{ "", "", "ike_sa_not_established" },
	{ NULL, NULL, "ike_sa_not_established" },
	{ "DELETING", "INSTALLED", "ike_sa_not_established" },
};

START_TEST(test_status_mapping)
{
	ck_assert_str_eq(agent_tunnel_status(mapping[_i].ike, mapping[_i].child), mapping[_i].status);
}
END_TEST

/* ---- registration ---- */

START_TEST(test_register)
{
	struct agent_register_args a = good_args();
	char id[64], again[64];
	struct vl_err err;
	struct agent got;
	json_t *o;

	register_ok(id);
	ck_assert(strncmp(id, "agt-", 4) == 0);
	got = get_agent(id);
	ck_assert_str_eq(got.zones, "cn-hangzhou-h,cn-hangzhou-i");
	ck_assert_str_eq(got.roles, "cloud");
	ck_assert_str_eq(got.url, "http://10.99.0.1:8181");
	ck_assert_str_eq(got.backend_reason, "no XFRM ESP");
	ck_assert_int_eq(got.registered_ms, NOW);
	ck_assert_int_eq(got.generation, 0);
	ck_assert_str_eq(got.doc_hash, "");

	/* the pusher compiled generation 3; the agent restarts with an empty state: refreshed, hash reset */
	{
		struct model_ctx m = agent_ctx(NOW);

		ck_assert_int_eq(agent_set_generation(&m, id, 0, 3, "h3", &err), 1);
		ck_assert_int_eq(agent_set_applied(&m, id, 3, false, &err), 0);
	}
	a.agent_id = id;
	a.roles = "[\"site\",\"cloud\"]";
	a.zones = NULL;
	a.url = "http://agent-2.lab:9000/";
	ck_assert_int_eq(do_register(NOW + 5000, &a, again, &err), 0);
	ck_assert_str_eq(again, id);
	got = get_agent(id);
	ck_assert_str_eq(got.roles, "cloud,site");
	ck_assert_str_eq(got.zones, "");
	ck_assert_str_eq(got.url, "http://agent-2.lab:9000/");
	ck_assert_int_eq(got.registered_ms, NOW);
	ck_assert_int_eq(got.last_seen_ms, NOW + 5000);
	ck_assert_int_eq(got.generation, 3);
	ck_assert_int_eq(got.applied_generation, 0);
	ck_assert_str_eq(got.doc_hash, "");
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM agents", NULL), 1);

	/* the server forgot it: the id its state kept comes back, generation above what it applied */
	test_exec1(st, "DELETE FROM agents WHERE agent_id=?", id);
	a.applied_generation = 7;
	ck_assert_int_eq(do_register(NOW, &a, again, &err), 0);
	ck_assert_str_eq(again, id);
	got = get_agent(id);
	ck_assert_int_eq(got.generation, 7);
	ck_assert_int_eq(got.applied_generation, 7);

	/* the list item */
	{
		struct model_ctx m = agent_ctx(NOW + AGENT_ONLINE_MS);

		o = agent_to_json(&m, &got);
		ck_assert(json_is_true(json_object_get(o, "Online")));
		ck_assert_int_eq(json_array_size(json_object_get(o, "Roles")), 2);
		ck_assert_int_eq(json_array_size(json_object_get(o, "Zones")), 0);
		ck_assert_int_eq(json_integer_value(json_object_get(o, "Generation")), 7);
		json_decref(o);
		m.now_ms = NOW + AGENT_ONLINE_MS + 1;
		o = agent_to_json(&m, &got);
		ck_assert(json_is_false(json_object_get(o, "Online")));
		json_decref(o);
	}
}
END_TEST

static const struct {
	const char *field, *value, *code;
} register_cases[] = {
	{ "AgentId", "vpn-123", "InvalidAgentId" },
	{ "AgentId", "agt-", "InvalidAgentId" },
	{ "AgentId", "agt-a/b", "InvalidAgentId" },
	{ "Zones", "\"cn-hangzhou-h\"", "InvalidZones" },
	{ "Zones", "[\"cn-nowhere-z\"]", "InvalidZones" },
	{ "Zones", "[\"cn-hangzhou-h\",\"cn-hangzhou-h\"]", "InvalidZones" },
	{ "Zones", "[1]", "InvalidZones" },
	{ "Zones", "{}", "InvalidZones" },
	{ "Roles", "[]", "InvalidRoles" },
	{ "Roles", "[\"cloud\",\"cloud\"]", "InvalidRoles" },
	{ "Roles", "[\"edge\"]", "InvalidRoles" },
	{ "Roles", "cloud", "InvalidRoles" },
	{ "UnderlayIp", "10.99.0", "InvalidUnderlayIp" },
	{ "UnderlayIp", "10.99.0.256", "InvalidUnderlayIp" },
	{ "UnderlayIp", "0.0.0.0", "InvalidUnderlayIp" },
	{ "UnderlayIp", "", "InvalidUnderlayIp" },
	{ "Url", "ftp://10.0.0.1:21", "InvalidUrl" },
	{ "Url", "http://", "InvalidUrl" },
	{ "Url", "http://10.0.0.1:0", "InvalidUrl" },
	{ "Url", "http://10.0.0.1:65536", "InvalidUrl" },
	{ "Url", "http://user@10.0.0.1", "InvalidUrl" },
	{ "Url", "http://10.0.0.1:8181/x?y=1", "InvalidUrl" },
	{ "Url", "http://10.0.0.1:8181 /", "InvalidUrl" },
	{ "Url", "http://-x:1", "InvalidUrl" },
	{ "Backend", "kernel-pfkey", "InvalidBackend" },
	{ "BackendReason", "line\nbreak", "InvalidBackendReason" },
	{ "Version", "1.0 beta", "InvalidVersion" },
	{ "Version", "123456789012345678901234567890123", "InvalidVersion" },
};

START_TEST(test_register_refused)
{
	struct agent_register_args a = good_args();
	char id[64];
	struct vl_err err;
	const char *v = register_cases[_i].value;
	const char *f = register_cases[_i].field;

	if (strcmp(f, "AgentId") == 0)
		a.agent_id = v;
	else if (strcmp(f, "Zones") == 0)
		a.zones = v;
	else if (strcmp(f, "Roles") == 0)
		a.roles = v;
	else if (strcmp(f, "UnderlayIp") == 0)
		a.underlay_ip = v;
	else if (strcmp(f, "Url") == 0)
		a.url = v;
	else if (strcmp(f, "Backend") == 0)
		a.backend = v;
	else if (strcmp(f, "BackendReason") == 0)
		a.backend_reason = v;
	else
		a.version = v;
	test_assert_err(do_register(NOW, &a, id, &err), &err, register_cases[_i].code, 400);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM agents", NULL), 0);
}
END_TEST

START_TEST(test_register_generation_range)
{
	struct agent_register_args a = good_args();
	char id[64];
	struct vl_err err;

	a.applied_generation = -1;
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidAppliedGeneration", 400);
	a.roles = NULL;
	a.applied_generation = 0;
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidRoles", 400);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM agents", NULL), 0);
}
END_TEST

/* ---- status intake ---- */

START_TEST(test_report_single)
{
	char id[64], t[512], tunnels[600], logs[600];
	const char *conn = single_conn.vpn_connection_id;
	struct vpn_connection c;
	struct agent a;
	int64_t generation = -1;
	struct vl_err err;

	register_ok(id);
	c = get_conn(conn);
	ck_assert_str_eq(c.status, "ike_sa_not_established");
	ck_assert_str_eq(c.health_check.status, "");

	tunnel_json(t, sizeof(t), conn, "", "gateway", "ESTABLISHED", "INSTALLED", "success");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t);
	snprintf(logs, sizeof(logs),
		 "[{\"VpnConnectionId\":\"%s\",\"TunnelId\":\"\",\"TimeMs\":%lld,"
		 "\"Line\":\"2026-11-28 00:23:29 %s [INFO]: CHILD_SA established\\n\"}]",
		 conn, NOW + 1000, conn);
	ck_assert_int_eq(report(id, NOW + 1000, 4, tunnels, logs, &generation, &err), 0);
	ck_assert_int_eq(generation, 0);
	c = get_conn(conn);
	ck_assert_str_eq(c.status, "ipsec_sa_established");
	ck_assert_str_eq(c.health_check.status, "success");
	ck_assert_int_eq(log_count(conn), 1);
	ck_assert_int_eq(test_count(st, "SELECT bytes_out FROM dataplane_tunnels WHERE vpn_connection_id=?", conn), 20);
	a = get_agent(id);
	ck_assert_int_eq(a.last_seen_ms, NOW + 1000);
	ck_assert_int_eq(a.applied_generation, 4);

	/* the CHILD_SA goes, then the IKE SA; the health check fails */
	tunnel_json(t, sizeof(t), conn, "", "gateway", "ESTABLISHED", "", "failed");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t);
	report_ok(id, tunnels, NULL);
	c = get_conn(conn);
	ck_assert_str_eq(c.status, "ipsec_sa_not_established");
	ck_assert_str_eq(c.health_check.status, "failed");
	tunnel_json(t, sizeof(t), conn, "", "gateway", "CONNECTING", "", "failed");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t);
	report_ok(id, tunnels, NULL);
	ck_assert_str_eq(get_conn(conn).status, "ike_sa_not_established");
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 1);
}
END_TEST

START_TEST(test_report_dual)
{
	char id[64], t1[512], t2[512], tunnels[1100];
	const char *conn = dual_conn.vpn_connection_id;
	const char *master = dual_conn.tunnels[0].tunnel_id, *slave = dual_conn.tunnels[1].tunnel_id;
	struct vpn_connection c;

	register_ok(id);
	tunnel_json(t1, sizeof(t1), conn, master, "gateway", "ESTABLISHED", "", "success");
	tunnel_json(t2, sizeof(t2), conn, slave, "gateway", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s,%s]", t1, t2);
	report_ok(id, tunnels, NULL);
	c = get_conn(conn);
	ck_assert_str_eq(c.tunnels[0].status, "ipsec_sa_not_established");
	ck_assert_str_eq(c.tunnels[1].status, "ipsec_sa_established");
	ck_assert_str_eq(c.status, "ipsec_sa_established"); /* the best of its tunnels */
	ck_assert_str_eq(c.health_check.status, "");	    /* no health check configured */
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels WHERE vpn_connection_id=?", conn), 2);

	/* the slave goes down: the master's state is the best left */
	tunnel_json(t2, sizeof(t2), conn, slave, "gateway", "", "", "");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t2);
	report_ok(id, tunnels, NULL);
	c = get_conn(conn);
	ck_assert_str_eq(c.tunnels[1].status, "ike_sa_not_established");
	ck_assert_str_eq(c.status, "ipsec_sa_not_established");
}
END_TEST

/* An agent that stops reporting: its tunnels read down, the logs say why; its next report heals it. */
static int mark_silent(int64_t now, int64_t since, bool write, int *marked)
{
	struct model_ctx m = agent_ctx(now);
	struct vl_err err;

	test_savepoint(st);
	return test_release(st, agent_mark_silent(&m, since, AGENT_SILENT_MS, write, marked, &err));
}

START_TEST(test_silent_agent)
{
	char id[64], t1[512], t2[512], tunnels[1100];
	const char *conn = dual_conn.vpn_connection_id;
	const char *master = dual_conn.tunnels[0].tunnel_id, *slave = dual_conn.tunnels[1].tunnel_id;
	int64_t last = NOW + 1000, logs;
	struct vpn_connection c;
	struct vl_err err;
	int marked = -1;

	register_ok(id);
	tunnel_json(t1, sizeof(t1), conn, master, "gateway", "ESTABLISHED", "INSTALLED", "");
	tunnel_json(t2, sizeof(t2), conn, slave, "gateway", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s,%s]", t1, t2);
	report_ok(id, tunnels, NULL);
	logs = log_count(conn);

	/* within AGENT_SILENT_MS, or while the server itself has not watched that long: nothing */
	ck_assert_int_eq(mark_silent(last + AGENT_SILENT_MS, 0, true, &marked), 0);
	ck_assert_int_eq(marked, 0);
	ck_assert_int_eq(mark_silent(last + 60000, last + 55000, true, &marked), 0);
	ck_assert_int_eq(marked, 0);
	ck_assert_str_eq(get_conn(conn).status, "ipsec_sa_established");
	/* counting changes nothing */
	ck_assert_int_eq(mark_silent(last + AGENT_SILENT_MS + 1, 0, false, &marked), 0);
	ck_assert_int_eq(marked, 1);
	ck_assert_str_eq(get_conn(conn).status, "ipsec_sa_established");

	ck_assert_int_eq(mark_silent(last + AGENT_SILENT_MS + 1, 0, true, &marked), 0);
	ck_assert_int_eq(marked, 1);
	c = get_conn(conn);
	ck_assert_str_eq(c.tunnels[0].status, "ike_sa_not_established");
	ck_assert_str_eq(c.tunnels[1].status, "ike_sa_not_established");
	ck_assert_str_eq(c.status, "ike_sa_not_established");
	ck_assert_int_eq(log_count(conn), logs + 2); /* one line per tunnel */
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM vpn_connection_logs WHERE vpn_connection_id=? AND "
					"instr(line, 'stopped reporting') > 0 AND instr(line, '[ERROR]') > 0",
				    conn),
			 2);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels WHERE agent_id=? AND active=0 AND "
					"child_state=''",
				    id),
			 2);
	ck_assert(get_agent(id).silent_since_ms != 0);
	/* marked once */
	ck_assert_int_eq(mark_silent(last + AGENT_SILENT_MS + 5000, 0, true, &marked), 0);
	ck_assert_int_eq(marked, 0);
	ck_assert_int_eq(log_count(conn), logs + 2);

	/* it reports again: the real state is back, and the logs say so */
	ck_assert_msg(report(id, last + 30000, 0, tunnels, NULL, NULL, &err) == 0, "%s", vl_err_message(&err));
	c = get_conn(conn);
	ck_assert_str_eq(c.tunnels[0].status, "ipsec_sa_established");
	ck_assert_str_eq(c.status, "ipsec_sa_established");
	ck_assert_int_eq(get_agent(id).silent_since_ms, 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM vpn_connection_logs WHERE vpn_connection_id=? AND "
					"instr(line, 'reports again after') > 0",
				    conn),
			 2);
}
END_TEST

START_TEST(test_register_zone_index)
{
	struct agent_register_args a = good_args();
	struct vl_err err;
	char id[64];
	json_t *o;
	struct model_ctx m = agent_ctx(NOW);
	struct agent got;

	a.zone_index = 2;
	ck_assert_msg(do_register(NOW, &a, id, &err) == 0, "%s", vl_err_message(&err));
	got = get_agent(id);
	ck_assert_int_eq(got.zone_index, 2);
	o = agent_to_json(&m, &got);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "ZoneIndex")), 2);
	ck_assert(json_is_false(json_object_get(o, "Silent")));
	json_decref(o);
	a.agent_id = id;
	a.zone_index = AGENT_ZONE_INDEX_MAX + 1;
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidZoneIndex", 400);
	ck_assert_int_eq(get_agent(id).zone_index, 2);
	a.zone_index = 0; /* a registration without it serves no index any more */
	ck_assert_int_eq(do_register(NOW, &a, id, &err), 0);
	ck_assert_int_eq(get_agent(id).zone_index, 0);
}
END_TEST

/* The counters GET /metrics shows: the gateway side's, per tunnel, ordered by connection then tunnel. */
START_TEST(test_report_counters)
{
	char id[64], t1[512], t2[512], t3[512], tunnels[1700];
	const char *conn = dual_conn.vpn_connection_id;
	const char *master = dual_conn.tunnels[0].tunnel_id, *slave = dual_conn.tunnels[1].tunnel_id;
	struct model_ctx m = agent_ctx(NOW);
	struct tunnel_counters *rows = NULL;
	struct vl_err err;
	size_t n = 0;

	register_ok(id);
	tunnel_json(t1, sizeof(t1), conn, slave, "gateway", "ESTABLISHED", "INSTALLED", "");
	tunnel_json(t2, sizeof(t2), conn, master, "gateway", "ESTABLISHED", "INSTALLED", "");
	/* the branch's view of the same tunnel is not the gateway's: it is not counted */
	tunnel_json(t3, sizeof(t3), conn, master, "site_device", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s,%s,%s]", t1, t2, t3);
	report_ok(id, tunnels, NULL);
	ck_assert_int_eq(dataplane_tunnel_counters(&m, &rows, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(rows[0].vpn_connection_id, conn);
	ck_assert_str_eq(rows[0].tunnel_id, strcmp(master, slave) < 0 ? master : slave);
	ck_assert_str_eq(rows[1].tunnel_id, strcmp(master, slave) < 0 ? slave : master);
	ck_assert(rows[0].bytes_in == 10 && rows[0].bytes_out == 20 && rows[0].packets_in == 1 && rows[0].packets_out == 2);
	free(rows);

	/* the connection goes: so do its counters */
	test_exec1(st, "DELETE FROM dataplane_tunnels WHERE vpn_connection_id=?", conn);
	ck_assert_int_eq(dataplane_tunnel_counters(&m, &rows, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(rows);
}
END_TEST

START_TEST(test_report_skips)
{
	char id[64], t[6][512], tunnels[3200], logs[1200];
	const char *single = single_conn.vpn_connection_id, *dual = dual_conn.vpn_connection_id;
	struct vpn_connection c;

	register_ok(id);
	/* gone connection, gone tunnel, each form's wrong TunnelId, the branch device's view */
	tunnel_json(t[0], sizeof(t[0]), "vco-gone", "", "gateway", "ESTABLISHED", "INSTALLED", "success");
	tunnel_json(t[1], sizeof(t[1]), dual, "tun-gone", "gateway", "ESTABLISHED", "INSTALLED", "success");
	tunnel_json(t[2], sizeof(t[2]), single, "tun-x", "gateway", "ESTABLISHED", "INSTALLED", "success");
	tunnel_json(t[3], sizeof(t[3]), dual, "", "gateway", "ESTABLISHED", "INSTALLED", "success");
	tunnel_json(t[4], sizeof(t[4]), single, "", "site_device", "ESTABLISHED", "INSTALLED", "success");
	tunnel_json(t[5], sizeof(t[5]), dual, dual_conn.tunnels[0].tunnel_id, "site_device", "ESTABLISHED", "INSTALLED",
		    "");
	snprintf(tunnels, sizeof(tunnels), "[%s,%s,%s,%s,%s,%s]", t[0], t[1], t[2], t[3], t[4], t[5]);
	snprintf(logs, sizeof(logs),
		 "[{\"VpnConnectionId\":\"vco-gone\",\"TimeMs\":1,\"Line\":\"a\"},"
		 "{\"VpnConnectionId\":\"%s\",\"TunnelId\":\"tun-gone\",\"TimeMs\":1,\"Line\":\"b\"},"
		 "{\"VpnConnectionId\":\"%s\",\"Side\":\"site_device\",\"TimeMs\":1,\"Line\":\"c\"},"
		 "{\"VpnConnectionId\":\"%s\",\"TunnelId\":\"%s\",\"TimeMs\":%lld,\"Line\":\"kept\"}]",
		 dual, single, dual, dual_conn.tunnels[1].tunnel_id, NOW);
	report_ok(id, tunnels, logs);
	c = get_conn(single);
	ck_assert_str_eq(c.status, "ike_sa_not_established");
	ck_assert_str_eq(c.health_check.status, "");
	c = get_conn(dual);
	ck_assert_str_eq(c.status, "ike_sa_not_established");
	ck_assert_str_eq(c.tunnels[0].status, "ike_sa_not_established");
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 0);
	ck_assert_int_eq(log_count(single), 0);
	ck_assert_int_eq(log_count(dual), 1);

	/* a connection deleted after a report: its row goes with the next report naming it */
	tunnel_json(t[0], sizeof(t[0]), single, "", "gateway", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t[0]);
	report_ok(id, tunnels, NULL);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 1);
	test_exec1(st, "UPDATE dataplane_tunnels SET vpn_connection_id='vco-gone' WHERE vpn_connection_id=?", single);
	tunnel_json(t[0], sizeof(t[0]), "vco-gone", "", "gateway", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t[0]);
	report_ok(id, tunnels, NULL);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 0);
}
END_TEST

static const struct {
	const char *tunnels, *logs, *code;
} report_cases[] = {
	{ "{}", NULL, "InvalidTunnels" },
	{ "[1]", NULL, "InvalidTunnels.1" },
	{ "[{\"Endpoint\":\"e\",\"Side\":\"gateway\"}]", NULL, "InvalidTunnels.1.VpnConnectionId" },
	{ "[{\"VpnConnectionId\":\"vco/1\",\"Endpoint\":\"e\",\"Side\":\"gateway\"}]", NULL,
	  "InvalidTunnels.1.VpnConnectionId" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"TunnelId\":7}]", NULL,
	  "InvalidTunnels.1.TunnelId" },
	{ "[{\"VpnConnectionId\":\"v\",\"Side\":\"gateway\"}]", NULL, "InvalidTunnels.1.Endpoint" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\"}]", NULL, "InvalidTunnels.1.Side" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"cloud\"}]", NULL, "InvalidTunnels.1.Side" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"IkeState\":\"UP\"}]", NULL,
	  "InvalidTunnels.1.IkeState" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"ChildState\":\"installed\"}]", NULL,
	  "InvalidTunnels.1.ChildState" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"Health\":\"ok\"}]", NULL,
	  "InvalidTunnels.1.Health" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"Active\":\"yes\"}]", NULL,
	  "InvalidTunnels.1.Active" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"BytesIn\":-1}]", NULL,
	  "InvalidTunnels.1.BytesIn" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\",\"PacketsOut\":1.5}]", NULL,
	  "InvalidTunnels.1.PacketsOut" },
	{ "[{\"VpnConnectionId\":\"v\",\"Endpoint\":\"e\",\"Side\":\"gateway\"},{}]", NULL,
	  "InvalidTunnels.2.VpnConnectionId" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"Line\":\"x\"}]", "InvalidLogs.1.TimeMs" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":-5,\"Line\":\"x\"}]", "InvalidLogs.1.TimeMs" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":1}]", "InvalidLogs.1.Line" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":1,\"Line\":\"\"}]", "InvalidLogs.1.Line" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":1,\"Line\":\"a\\nb\"}]", "InvalidLogs.1.Line" },
	{ NULL, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":1,\"Line\":\"x\",\"Side\":\"x\"}]", "InvalidLogs.1.Side" },
	{ NULL, "[{\"TimeMs\":1,\"Line\":\"x\"}]", "InvalidLogs.1.VpnConnectionId" },
	{ NULL, "\"x\"", "InvalidLogs" },
};

START_TEST(test_report_refused)
{
	char id[64], good[512], tunnels[2048];
	const char *conn = single_conn.vpn_connection_id;
	const char *bad_logs = report_cases[_i].logs;
	struct vl_err err;

	register_ok(id);
	/* a good element first: the bad one refuses the whole report */
	tunnel_json(good, sizeof(good), conn, "", "gateway", "ESTABLISHED", "INSTALLED", "success");
	if (report_cases[_i].tunnels)
		snprintf(tunnels, sizeof(tunnels), "%s", report_cases[_i].tunnels);
	else
		snprintf(tunnels, sizeof(tunnels), "[%s]", good);
	test_assert_err(report(id, NOW + 1000, 2, tunnels, bad_logs, NULL, &err), &err, report_cases[_i].code, 400);
	ck_assert_str_eq(get_conn(conn).status, "ike_sa_not_established");
	ck_assert_int_eq(get_agent(id).last_seen_ms, NOW);
	ck_assert_int_eq(get_agent(id).applied_generation, 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 0);
	ck_assert_int_eq(log_count(conn), 0);
}
END_TEST

START_TEST(test_report_limits)
{
	char id[64], *big;
	size_t cap = 1024 * 1024, len = 0;
	struct vl_err err;

	register_ok(id);
	test_assert_err(report("agt-unknown", NOW, 0, "[]", "[]", NULL, &err), &err, "Agent.NotFound", 404);
	test_assert_err(report(id, NOW, -1, "[]", "[]", NULL, &err), &err, "InvalidAppliedGeneration", 400);
	/* one log line past VCO_LOG_LINE_MAX, and one element too many */
	big = malloc(cap);
	ck_assert_ptr_nonnull(big);
	len = (size_t)snprintf(big, cap, "[{\"VpnConnectionId\":\"v\",\"TimeMs\":1,\"Line\":\"");
	memset(big + len, 'x', VCO_LOG_LINE_MAX + 1);
	len += VCO_LOG_LINE_MAX + 1;
	snprintf(big + len, cap - len, "\"}]");
	test_assert_err(report(id, NOW, 0, NULL, big, NULL, &err), &err, "InvalidLogs.1.Line", 400);
	len = (size_t)snprintf(big, cap, "[");
	for (int i = 0; i <= AGENT_REPORT_LOGS_MAX; i++)
		len += (size_t)snprintf(big + len, cap - len, "%s{}", i ? "," : "");
	snprintf(big + len, cap - len, "]");
	test_assert_err(report(id, NOW, 0, NULL, big, NULL, &err), &err, "InvalidLogs", 400);
	free(big);
}
END_TEST

/* ---- deregistration and the pusher's bookkeeping ---- */

START_TEST(test_deregister)
{
	char id[64], other[64], t[512], tunnels[600];
	struct model_ctx m = agent_ctx(NOW);
	struct vl_err err;
	struct agent *list = NULL;
	int count = -1;

	register_ok(id);
	register_ok(other);
	tunnel_json(t, sizeof(t), single_conn.vpn_connection_id, "", "gateway", "ESTABLISHED", "INSTALLED", "");
	snprintf(tunnels, sizeof(tunnels), "[%s]", t);
	report_ok(id, tunnels, NULL);
	ck_assert_int_eq(agent_list(&m, NULL, &list, &count, &err), 0);
	ck_assert_int_eq(count, 2);
	free(list);
	ck_assert_int_eq(agent_deregister(&m, id, &err), 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM dataplane_tunnels", NULL), 0);
	test_assert_err(agent_deregister(&m, id, &err), &err, "Agent.NotFound", 404);
	ck_assert_int_eq(agent_list(&m, id, &list, &count, &err), 0);
	ck_assert_int_eq(count, 0);
	free(list);
	ck_assert_int_eq(agent_list(&m, other, &list, &count, &err), 0);
	ck_assert_int_eq(count, 1);
	ck_assert_str_eq(list[0].agent_id, other);
	free(list);
}
END_TEST

START_TEST(test_generations)
{
	char id[64];
	struct model_ctx m = agent_ctx(NOW);
	struct vl_err err;
	struct agent a;

	register_ok(id);
	ck_assert_int_eq(agent_set_generation(&m, id, 0, 1, "aa", &err), 1);
	/* a stale expectation (a registration came in between) records nothing */
	ck_assert_int_eq(agent_set_generation(&m, id, 0, 2, "bb", &err), 0);
	ck_assert_int_eq(agent_set_generation(&m, "agt-gone", 1, 2, "bb", &err), 0);
	a = get_agent(id);
	ck_assert_int_eq(a.generation, 1);
	ck_assert_str_eq(a.doc_hash, "aa");
	ck_assert_int_eq(agent_set_applied(&m, id, 1, false, &err), 0);
	ck_assert_int_eq(get_agent(id).applied_generation, 1);
	/* 409 StaleGeneration with 9: the next document goes above it */
	ck_assert_int_eq(agent_set_applied(&m, id, 9, true, &err), 0);
	a = get_agent(id);
	ck_assert_int_eq(a.generation, 9);
	ck_assert_int_eq(a.applied_generation, 9);
	ck_assert_str_eq(a.doc_hash, "");
	test_assert_err(agent_set_applied(&m, id, -1, false, &err), &err, "InvalidGeneration", 400);
}
END_TEST

/* ---- an agent whose IPsec backend is unusable ---- */

static int note(const struct agent *a, json_t *doc, int64_t now, bool write, int *due)
{
	struct model_ctx m = agent_ctx(now);
	struct vl_err err;
	int rc;

	test_savepoint(st);
	rc = test_release(st, agent_note_backend_unusable(&m, a, doc, write, due, &err));
	ck_assert_msg(rc == 0, "%s: %s", vl_err_code(&err), vl_err_message(&err));
	return rc;
}

START_TEST(test_backend_unusable)
{
	static const char why[] = "preflight: charon exited at start: plugin 'openssl': failed to load - "
				  "openssl_plugin_create not found and no plugin file available (install the "
				  "Debian package libstrongswan-standard-plugins)";
	struct agent_register_args a = good_args();
	char id[64], big[AGENT_BACKEND_ERROR_MAX + 2];
	struct vl_err err;
	struct agent ag;
	json_t *doc;
	int due = -1;
	int64_t single_before = log_count(single_conn.vpn_connection_id), dual_before;

	a.backend_unusable = true;
	test_assert_err(do_register(NOW, &a, id, &err), &err, "MissingBackendError", 400);
	a.backend_error = "";
	test_assert_err(do_register(NOW, &a, id, &err), &err, "MissingBackendError", 400);
	a.backend_error = "two\nlines";
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidBackendError", 400);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a.backend_error = big;
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidBackendError", 400);
	a.backend_unusable = false;
	a.backend_error = "a usable backend has nothing to say";
	test_assert_err(do_register(NOW, &a, id, &err), &err, "InvalidBackendError", 400);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM agents", NULL), 0);

	a.backend_unusable = true;
	a.backend_error = why;
	ck_assert_int_eq(do_register(NOW, &a, id, &err), 0);
	ag = get_agent(id);
	ck_assert(!ag.backend_usable);
	ck_assert_str_eq(ag.backend_error, why);
	{
		json_t *o = agent_to_json(&(struct model_ctx){ .store = st, .now_ms = NOW }, &ag);

		ck_assert(json_is_false(json_object_get(o, "BackendUsable")));
		ck_assert_str_eq(json_string_value(json_object_get(o, "BackendError")), why);
		json_decref(o);
	}

	/* what the compiler would place there: both tunnels of the dual one, the single one, the
	 * branch side (not the cloud's to log) and a connection that is gone */
	doc = json_pack("{s:[{s:s, s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s}]}, {s:s, s:[{s:s, s:s}]}]}", "endpoints",
			"kind", "gateway", "tunnels", "connection_id", dual_conn.vpn_connection_id, "tunnel_id",
			dual_conn.tunnels[0].tunnel_id, "connection_id", dual_conn.vpn_connection_id, "tunnel_id",
			dual_conn.tunnels[1].tunnel_id, "connection_id", single_conn.vpn_connection_id, "tunnel_id", "",
			"connection_id", "vco-gone", "kind", "site_device", "tunnels", "connection_id",
			single_conn.vpn_connection_id, "tunnel_id", "");
	ck_assert_ptr_nonnull(doc);
	dual_before = log_count(dual_conn.vpn_connection_id);
	note(&ag, doc, NOW + 1000, false, &due);
	ck_assert_int_eq(due, 3);
	ck_assert_int_eq(log_count(dual_conn.vpn_connection_id), dual_before); /* counting writes nothing */
	note(&ag, doc, NOW + 1000, true, &due);
	ck_assert_int_eq(log_count(dual_conn.vpn_connection_id), dual_before + 2);
	ck_assert_int_eq(log_count(single_conn.vpn_connection_id), single_before + 1);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM vpn_connection_logs WHERE line LIKE '2026-11-28 00:23:29 vco-% [ERROR]: the IPsec backend of agent agt-% is unusable: preflight: %libstrongswan-standard-plugins)'", NULL), 3);
	/* told: nothing is due, nothing written again, for ten minutes */
	note(&ag, doc, NOW + 2000, false, &due);
	ck_assert_int_eq(due, 0);
	note(&ag, doc, NOW + 9 * 60000, true, &due);
	ck_assert_int_eq(log_count(dual_conn.vpn_connection_id), dual_before + 2);
	note(&ag, doc, NOW + 11 * 60000, false, &due);
	ck_assert_int_eq(due, 3);
	/* another reason is news at once */
	snprintf(ag.backend_error, sizeof(ag.backend_error), "preflight: something else");
	note(&ag, doc, NOW + 3000, false, &due);
	ck_assert_int_eq(due, 3);
	/* a usable agent has nothing to say */
	ag.backend_usable = true;
	note(&ag, doc, NOW + 11 * 60000, true, &due);
	ck_assert_int_eq(due, 0);

	/* usable again: the registration clears the reason */
	a.backend_unusable = false;
	a.backend_error = NULL;
	ck_assert_int_eq(do_register(NOW + 5000, &(struct agent_register_args){ .agent_id = id, .roles = "[\"cloud\"]",
		.underlay_ip = "10.99.0.1", .url = "http://10.99.0.1:8181" }, id, &err), 0);
	ag = get_agent(id);
	ck_assert(ag.backend_usable);
	ck_assert_str_eq(ag.backend_error, "");
	json_decref(doc);
}
END_TEST

/* ---- the server's HTTP client toward agents ---- */

struct echo_state {
	char *body;
	size_t len;
};

/* Answers {"Method", "Path", "Body", "Token"}; /text answers text, /teapot 418, /slow after 3 s. */
static enum MHD_Result echo(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct echo_state *es = *con_cls;
	struct MHD_Response *resp;
	const char *token;
	char *text;
	json_t *o;
	enum MHD_Result rc;
	unsigned status = 200;

	(void)cls;
	(void)version;
	if (es == NULL) {
		*con_cls = calloc(1, sizeof(struct echo_state));
		return *con_cls ? MHD_YES : MHD_NO;
	}
	if (*upload_size) {
		char *grown = realloc(es->body, es->len + *upload_size + 1);

		if (grown == NULL)
			return MHD_NO;
		es->body = grown;
		memcpy(es->body + es->len, upload, *upload_size);
		es->len += *upload_size;
		es->body[es->len] = '\0';
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/slow") == 0)
		sleep(3);
	token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Vpnlab-Agent-Token");
	if (strcmp(url, "/text") == 0) {
		text = strdup("plain text");
	} else {
		o = json_pack("{s:s, s:s, s:s, s:s}", "Method", method, "Path", url, "Body", es->body ? es->body : "",
			      "Token", token ? token : "");
		text = json_dumps(o, JSON_COMPACT);
		json_decref(o);
	}
	if (strcmp(url, "/teapot") == 0)
		status = 418;
	free(es->body);
	free(es);
	*con_cls = NULL;
	resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static struct MHD_Daemon *echo_daemon;
static char echo_url[64];

static void client_setup(void)
{
	const union MHD_DaemonInfo *info;

	echo_daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
				       echo, NULL, MHD_OPTION_END);
	ck_assert_ptr_nonnull(echo_daemon);
	info = MHD_get_daemon_info(echo_daemon, MHD_DAEMON_INFO_BIND_PORT);
	ck_assert_ptr_nonnull(info);
	snprintf(echo_url, sizeof(echo_url), "http://127.0.0.1:%u", (unsigned)info->port);
	auth_agent_token_set(NULL);
}

static void client_teardown(void)
{
	MHD_stop_daemon(echo_daemon);
	echo_daemon = NULL;
	auth_agent_token_set(NULL);
}

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)) ?: "(none)";
}

START_TEST(test_client_methods)
{
	json_t *body = json_pack("{s:i, s:s}", "generation", 3, "agent_id", "agt-1"), *answer = NULL, *sent;
	char err[256], base[80];
	long status = -1;

	/* a JSON body, compact, with the method and path as given; no token set: none sent */
	ck_assert_msg(agent_client_call(echo_url, NULL, "PUT", "/v1/desired", body, 5000, &status, &answer, err) == 0, "%s",
		      err);
	ck_assert_int_eq(status, 200);
	ck_assert_str_eq(member(answer, "Method"), "PUT");
	ck_assert_str_eq(member(answer, "Path"), "/v1/desired");
	ck_assert_str_eq(member(answer, "Token"), "");
	sent = json_loads(member(answer, "Body"), 0, NULL);
	ck_assert(json_equal(sent, body));
	json_decref(sent);
	json_decref(answer);
	/* a trailing slash of the base is not doubled; GET and bodiless POST and DELETE */
	snprintf(base, sizeof(base), "%s/", echo_url);
	auth_agent_token_set("t0ken");
	ck_assert_int_eq(agent_client_call(base, NULL, "GET", "/v1/state", NULL, 5000, &status, &answer, err), 0);
	ck_assert_str_eq(member(answer, "Path"), "/v1/state");
	ck_assert_str_eq(member(answer, "Method"), "GET");
	ck_assert_str_eq(member(answer, "Token"), "t0ken");
	json_decref(answer);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "POST", "/v1/probes", NULL, 5000, &status, &answer, err), 0);
	ck_assert_str_eq(member(answer, "Method"), "POST");
	ck_assert_str_eq(member(answer, "Body"), "");
	json_decref(answer);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "DELETE", "/x", NULL, 5000, &status, NULL, err), 0);
	ck_assert_int_eq(status, 200);
	/* any status is an answer; a body that is not JSON is none */
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "GET", "/teapot", NULL, 5000, &status, &answer, err), 0);
	ck_assert_int_eq(status, 418);
	ck_assert_ptr_nonnull(answer);
	json_decref(answer);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "GET", "/text", NULL, 5000, &status, &answer, err), 0);
	ck_assert_int_eq(status, 200);
	ck_assert_ptr_null(answer);
	json_decref(body);
}
END_TEST

START_TEST(test_client_token_check)
{
	char path[] = "/tmp/vpnlab-token-XXXXXX", err[256] = "", first[80];
	bool created = false;
	int fd;
	FILE *f;

	/* no token set: nothing matches (the channel is never open) */
	auth_agent_token_set(NULL);
	ck_assert(!auth_agent_token_ok(NULL));
	ck_assert(!auth_agent_token_ok(""));
	ck_assert(!auth_agent_token_ok("anything"));
	auth_agent_token_set("s3cret-s3cret-s3cret");
	ck_assert(auth_agent_token_ok("s3cret-s3cret-s3cret"));
	ck_assert(!auth_agent_token_ok(NULL));
	ck_assert(!auth_agent_token_ok(""));
	ck_assert(!auth_agent_token_ok("s3cret-s3cret-s3cre"));
	ck_assert(!auth_agent_token_ok("s3cret-s3cret-s3cret!"));
	ck_assert(!auth_agent_token_ok("s3cret-s3cret-s3creT"));
	auth_agent_token_set("");
	ck_assert(!auth_agent_token_ok(NULL));
	ck_assert(!auth_agent_token_ok(""));
	/* the rule for tokens: 16-256 printable characters without spaces */
	ck_assert(auth_agent_token_valid("0123456789abcdef"));
	ck_assert(!auth_agent_token_valid("0123456789abcde"));
	ck_assert(!auth_agent_token_valid("0123456789 abcdef"));
	ck_assert(!auth_agent_token_valid("0123456789abcdef\n"));

	/* a missing file is created 0600 with 64 random hex digits, then read back as is */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	ck_assert_msg(auth_agent_token_file(path, &created, err) == 0, "%s", err);
	ck_assert(created);
	{
		struct stat info;

		ck_assert_int_eq(stat(path, &info), 0);
		ck_assert_int_eq(info.st_mode & 0777, 0600);
	}
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(first, sizeof(first), f));
	fclose(f);
	ck_assert_int_eq(strlen(first), 65);
	ck_assert_int_eq(strspn(first, "0123456789abcdef"), 64);
	first[64] = '\0';
	ck_assert(auth_agent_token_ok(first));
	auth_agent_token_set(NULL);
	ck_assert_msg(auth_agent_token_file(path, &created, err) == 0, "%s", err);
	ck_assert(!created);
	ck_assert(auth_agent_token_ok(first));
	/* a file others may read, or one without a valid token, is refused */
	chmod(path, 0644);
	ck_assert_int_eq(auth_agent_token_file(path, &created, err), -1);
	ck_assert_msg(strstr(err, "chmod 600") != NULL, "%s", err);
	chmod(path, 0600);
	f = fopen(path, "w");
	fputs("short\n", f);
	fclose(f);
	ck_assert_int_eq(auth_agent_token_file(path, &created, err), -1);
	unlink(path);
	auth_agent_token_set(NULL);
}
END_TEST

START_TEST(test_client_url_rules)
{
	char why[200] = "";
	long status = -1;
	json_t *answer = NULL;
	char err[256];

	/* loopback, and the agent's own underlay address */
	ck_assert_int_eq(agent_client_url_allowed("http://127.0.0.1:8181", NULL, why, sizeof(why)), 1);
	ck_assert_int_eq(agent_client_url_allowed("https://127.8.9.10/x", "10.0.0.1", why, sizeof(why)), 1);
	ck_assert_int_eq(agent_client_url_allowed("http://10.99.0.1:8181", "10.99.0.1", why, sizeof(why)), 1);
	/* anything else is refused, with a reason */
	ck_assert_int_eq(agent_client_url_allowed("http://10.99.0.2:8181", "10.99.0.1", why, sizeof(why)), 0);
	ck_assert_msg(strstr(why, "10.99.0.2") != NULL, "%s", why);
	ck_assert_int_eq(agent_client_url_allowed("http://10.99.0.2:8181", NULL, why, sizeof(why)), 0);
	/* a name could resolve anywhere; special addresses are nobody's underlay */
	ck_assert_int_eq(agent_client_url_allowed("http://localhost:8181", NULL, why, sizeof(why)), 0);
	ck_assert_int_eq(agent_client_url_allowed("http://evil.example/", "10.0.0.1", why, sizeof(why)), 0);
	ck_assert_int_eq(agent_client_url_allowed("http://169.254.169.254/", "169.254.169.254", why, sizeof(why)), 0);
	ck_assert_int_eq(agent_client_url_allowed("http://224.0.0.1/", "224.0.0.1", why, sizeof(why)), 0);
	ck_assert_int_eq(agent_client_url_allowed("http://0.1.2.3/", "0.1.2.3", why, sizeof(why)), 0);
	/* not a URL of the protocol's form at all: the model's InvalidUrl */
	ck_assert_int_eq(agent_client_url_allowed("ftp://127.0.0.1/", NULL, why, sizeof(why)), -1);
	ck_assert_int_eq(agent_client_url_allowed("http://:80/", NULL, why, sizeof(why)), -1);
	ck_assert_int_eq(agent_client_url_allowed("http://127.0.0.1:80@192.0.2.1/", NULL, why, sizeof(why)), -1);
	ck_assert_int_eq(agent_client_url_allowed("http://127.0.0.1/x@192.0.2.1", NULL, why, sizeof(why)), -1);
	ck_assert_int_eq(agent_client_url_allowed("http://127.0.0.1/?x", NULL, why, sizeof(why)), -1);
	ck_assert_int_eq(agent_client_url_allowed(NULL, NULL, why, sizeof(why)), -1);
	/* a network the operator allows */
	ck_assert_int_eq(agent_client_url_allow("10.99.0.0/24"), 0);
	ck_assert_int_eq(agent_client_url_allow("10.99.0.1/24"), -1);
	ck_assert_int_eq(agent_client_url_allow("not a cidr"), -1);
	ck_assert_int_eq(agent_client_url_allowed("http://10.99.0.2:8181", NULL, why, sizeof(why)), 1);
	ck_assert_int_eq(agent_client_url_allowed("http://10.99.1.2:8181", NULL, why, sizeof(why)), 0);
	/* the client itself never contacts a refused URL */
	ck_assert_int_eq(agent_client_call("http://192.0.2.1:9", NULL, "GET", "/v1/state", NULL, 5000, &status,
					   &answer, err),
			 -1);
	ck_assert_int_eq(status, 0);
	ck_assert_ptr_null(answer);
	ck_assert_msg(strstr(err, "refused") != NULL, "%s", err);
}
END_TEST

static int64_t elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

START_TEST(test_client_failures)
{
	char err[256], closed[64];
	json_t *answer = (json_t *)1;
	long status = -1;
	struct timespec t0;
	struct MHD_Daemon *gone;
	const union MHD_DaemonInfo *info;

	/* a port nobody listens on any more: an error, not an answer */
	gone = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, echo, NULL, MHD_OPTION_END);
	ck_assert_ptr_nonnull(gone);
	info = MHD_get_daemon_info(gone, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(closed, sizeof(closed), "http://127.0.0.1:%u", (unsigned)info->port);
	MHD_stop_daemon(gone);
	ck_assert_int_eq(agent_client_call(closed, NULL, "GET", "/healthz", NULL, 2000, &status, &answer, err), -1);
	ck_assert_int_eq(status, 0);
	ck_assert_ptr_null(answer);
	ck_assert_msg(strstr(err, "/healthz") != NULL, "%s", err);
	/* the timeout bounds the whole exchange */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "GET", "/slow", NULL, 300, &status, &answer, err), -1);
	ck_assert_int_lt(elapsed_ms(&t0), 2000);
	ck_assert_int_eq(status, 0);
}
END_TEST

static void *cancel_later(void *arg)
{
	(void)arg;
	usleep(200 * 1000);
	agent_client_cancel_all();
	return NULL;
}

START_TEST(test_client_cancel)
{
	char err[256];
	long status = -1;
	struct timespec t0;
	pthread_t thread;

	/* irreversible for the process: only where each test runs in its own (CK_FORK) */
	if (getenv("CK_FORK") && strcmp(getenv("CK_FORK"), "no") == 0)
		return;
	/* a call in flight gives up within about a second of the cancellation… */
	ck_assert_int_eq(pthread_create(&thread, NULL, cancel_later, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "GET", "/slow", NULL, 30000, &status, NULL, err), -1);
	ck_assert_int_lt(elapsed_ms(&t0), 2000);
	pthread_join(thread, NULL);
	/* …and later calls fail at once */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(agent_client_call(echo_url, NULL, "GET", "/v1/state", NULL, 30000, &status, NULL, err), -1);
	ck_assert_int_lt(elapsed_ms(&t0), 100);
	ck_assert_msg(strstr(err, "cancelled") != NULL, "%s", err);
}
END_TEST

Suite *agent_suite_create(void)
{
	const struct test_entry model[] = {
		{ test_status_mapping, countof(mapping) }, { test_register },
		{ test_register_refused, countof(register_cases) }, { test_register_generation_range },
		{ test_report_single }, { test_report_dual }, { test_silent_agent },
		{ test_register_zone_index }, { test_report_counters }, { test_report_skips },
		{ test_report_refused, countof(report_cases) }, { test_report_limits }, { test_deregister },
		{ test_generations }, { test_backend_unusable },
	};
	const struct test_entry client[] = {
		{ test_client_methods }, { test_client_token_check }, { test_client_url_rules },
		{ test_client_failures }, { test_client_cancel },
	};
	const struct test_case cases[] = {
		{ "model", model, countof(model), setup, test_world_teardown },
		{ "client", client, countof(client), client_setup, client_teardown, 20 },
	};

	return test_suite_of_cases("agent", NULL, NULL, cases, countof(cases));
}
