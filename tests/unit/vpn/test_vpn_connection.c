/*
 * IPsec-VPN connections (model/vpn_connection.c) on a real SQLite store with real VPN
 * gateways, customer gateways and routes: both forms and which gateway takes which, every
 * validation with its code (each refused request changes nothing), defaults as Describe
 * shows them, quota, the busy gateway, account and region isolation, the reference
 * counters other resources rely on, routes made and removed with the connection, modify,
 * delete, list filters, unbound connections (CreateVpnAttachment) and the answer shapes.
 * Every mutation runs in a savepoint the way the engine runs a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "tag.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

static struct vpn_gateway gw;	     /* dual-tunnel, active, 10M */
static struct vpn_gateway single_gw; /* a legacy single-tunnel gateway (see setup) */
static struct customer_gateway cgw1, cgw2, cgw3; /* cgw1 has ASN 65001 */

#define sql_count(sql, arg) test_count(st, (sql), (arg))

#define sql_exec1(sql, arg) test_exec1(st, (sql), (arg))

#define usage(m, kind, scope) test_usage((m), (kind), (scope))

static void setup(void)
{
	struct model_ctx m;

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	test_make_gateways(&m, &gw, &single_gw);
	test_make_cgw_asn(&m, "203.0.113.1", "65001", &cgw1);
	test_make_cgw_asn(&m, "203.0.113.2", NULL, &cgw2);
	test_make_cgw_asn(&m, "203.0.113.3", NULL, &cgw3);
}

/* ---- request builders ---- */

static struct vpn_connection_create_args single_args(const char *gateway_id, const char *cgw_id)
{
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gateway_id, .customer_gateway_id = cgw_id,
		.local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.0.0/16",
		.auto_config_route = true, .enable_dpd = true, .enable_nat_traversal = true,
	};

	return a;
}

/* Tunnel specs from flattened leaves (static storage: the specs borrow the strings). */
struct tunnels {
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	int count;
};

static void make_tunnels(struct tunnels *t, const struct ipsec_param *p, size_t n)
{
	struct vl_err err;

	ck_assert_msg(ipsec_tunnel_specs_collect(p, n, t->specs, &t->count, &err) == 0, "%s", vl_err_message(&err));
}

static const struct ipsec_param *two_tunnels(void)
{
	static struct ipsec_param p[4];

	p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.CustomerGatewayId", cgw1.customer_gateway_id };
	p[1] = (struct ipsec_param){ "TunnelOptionsSpecification.1.Role", "master" };
	p[2] = (struct ipsec_param){ "TunnelOptionsSpecification.2.CustomerGatewayId", cgw2.customer_gateway_id };
	p[3] = (struct ipsec_param){ "TunnelOptionsSpecification.2.Role", "slave" };
	return p;
}

static struct vpn_connection_create_args dual_args(struct tunnels *t, const struct ipsec_param *extra, size_t n)
{
	struct vpn_connection_create_args a = single_args(gw.vpn_gateway_id, NULL);
	struct ipsec_param *all = calloc(4 + n, sizeof(*all));

	ck_assert_ptr_nonnull(all);
	memcpy(all, two_tunnels(), 4 * sizeof(*all));
	if (n)
		memcpy(all + 4, extra, n * sizeof(*all));
	make_tunnels(t, all, 4 + n);
	free(all); /* the specs point at the values, which are static */
	a.tunnels = t->specs;
	a.tunnel_count = t->count;
	return a;
}

static int create(struct model_ctx *m, const struct vpn_connection_create_args *a, struct vpn_connection *out,
		  struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_connection_create(m, a, out, err));
}

static void create_ok(struct model_ctx *m, const struct vpn_connection_create_args *a, struct vpn_connection *out)
{
	struct vl_err err;

	ck_assert_msg(create(m, a, out, &err) == 0, "%s: %s", vl_err_code(&err), vl_err_message(&err));
}

static int modify(struct model_ctx *m, const struct vpn_connection_modify_args *a, struct vpn_connection *out,
		  struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_connection_modify(m, a, out, err));
}

static int delete(struct model_ctx *m, const char *id, struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_connection_delete(m, id, err));
}

static struct vpn_connection_modify_args no_change(const char *id)
{
	struct vpn_connection_modify_args a = {
		.vpn_connection_id = id, .effect_immediately = -1, .auto_config_route = -1, .enable_dpd = -1,
		.enable_nat_traversal = -1, .enable_tunnels_bgp = -1,
	};

	return a;
}

/* What a refused request must leave as it was. */
struct snapshot {
	int64_t connections, tunnels, routes, gw_usage, single_usage, refs[3], tags;
	char gw_status[16];
};

static void take(struct model_ctx *m, struct snapshot *s)
{
	struct vpn_gateway g;
	struct vl_err err;

	s->connections = sql_count("SELECT COUNT(*) FROM vpn_connections", NULL);
	s->tunnels = sql_count("SELECT COUNT(*) FROM vpn_connection_tunnels", NULL);
	s->routes = sql_count("SELECT COUNT(*) FROM vpn_route_entries", NULL);
	s->tags = sql_count("SELECT COUNT(*) FROM tags", NULL);
	s->gw_usage = usage(m, "vpn_connection", gw.vpn_gateway_id);
	s->single_usage = usage(m, "vpn_connection", single_gw.vpn_gateway_id);
	s->refs[0] = usage(m, "ref:customer_gateway", cgw1.customer_gateway_id);
	s->refs[1] = usage(m, "ref:customer_gateway", cgw2.customer_gateway_id);
	s->refs[2] = usage(m, "ref:customer_gateway", cgw3.customer_gateway_id);
	ck_assert_int_eq(vpn_gateway_get(m, gw.vpn_gateway_id, &g, &err), 0);
	strcpy(s->gw_status, g.status);
}

static void assert_unchanged(struct model_ctx *m, const struct snapshot *before)
{
	struct snapshot now;

	take(m, &now);
	ck_assert_int_eq(now.connections, before->connections);
	ck_assert_int_eq(now.tunnels, before->tunnels);
	ck_assert_int_eq(now.routes, before->routes);
	ck_assert_int_eq(now.tags, before->tags);
	ck_assert_int_eq(now.gw_usage, before->gw_usage);
	ck_assert_int_eq(now.single_usage, before->single_usage);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(now.refs[i], before->refs[i]);
	ck_assert_str_eq(now.gw_status, before->gw_status);
}

/* ---- create: single-tunnel form ---- */

START_TEST(test_single_defaults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c, got;
	struct vl_err err;

	create_ok(&m, &a, &c);
	ck_assert_int_eq(strncmp(c.vpn_connection_id, "vco-bp1", 7), 0);
	ck_assert_uint_eq(strlen(c.vpn_connection_id), 4 + 24);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.state, "active");
	ck_assert_str_eq(got.status, "ike_sa_not_established");
	ck_assert_str_eq(got.attach_type, "VPNGW");
	ck_assert_str_eq(got.vpn_gateway_id, single_gw.vpn_gateway_id);
	ck_assert_str_eq(got.customer_gateway_id, cgw1.customer_gateway_id);
	ck_assert_str_eq(got.local_subnet, "10.0.0.0/16");
	ck_assert_str_eq(got.remote_subnet, "192.168.0.0/16");
	ck_assert_str_eq(got.name, "");
	ck_assert(!got.dual_tunnel && got.tunnel_count == 0);
	ck_assert(!got.effect_immediately && got.enable_dpd && got.enable_nat_traversal && got.auto_config_route);
	ck_assert_int_eq(got.created_ms, NOW);
	ck_assert_str_eq(got.internet_ip, single_gw.internet_ip);
	ck_assert_str_eq(got.zone_no, single_gw.zone_id);
	ck_assert_str_eq(got.network_type, "public");
	ck_assert_str_eq(got.spec, "10M");
	ck_assert_str_eq(got.resource_group_id, single_gw.resource_group_id);
	/* IKE/IPsec defaults; generated PSK; identities from the two gateways */
	ck_assert_str_eq(got.ike.ike_version, "ikev1");
	ck_assert_str_eq(got.ike.ike_mode, "main");
	ck_assert_str_eq(got.ike.ike_enc_alg, "aes");
	ck_assert_str_eq(got.ike.ike_auth_alg, "md5");
	ck_assert_str_eq(got.ike.ike_pfs, "group2");
	ck_assert_int_eq(got.ike.ike_lifetime, 86400);
	ck_assert_uint_eq(strlen(got.ike.psk), 16);
	ck_assert_str_eq(got.ike.psk, c.ike.psk);
	ck_assert_str_eq(got.ike.local_id, single_gw.internet_ip);
	ck_assert_str_eq(got.ike.remote_id, "203.0.113.1");
	ck_assert_str_eq(got.ipsec.enc_alg, "aes");
	ck_assert_str_eq(got.ipsec.auth_alg, "md5");
	ck_assert_str_eq(got.ipsec.pfs, "group2");
	ck_assert_int_eq(got.ipsec.lifetime, 86400);
	ck_assert(!got.health_check.configured && !got.health_check.enable);
	ck_assert(!got.bgp.enable);
	ck_assert_int_eq(got.bgp.local_asn, 45104);
	/* counters and routes */
	ck_assert_int_eq(usage(&m, "vpn_connection", single_gw.vpn_gateway_id), 1);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw1.customer_gateway_id), 1);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 1);
}
END_TEST

START_TEST(test_single_configs)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;

	a.name = "to-office";
	a.effect_immediately = true;
	a.enable_dpd = false;
	a.ike_config = "{\"Psk\":\"s3cret!\",\"IkeVersion\":\"ikev2\",\"IkeEncAlg\":\"aes256\",\"IkeAuthAlg\":\"sha256\","
		       "\"IkePfs\":\"group14\",\"IkeLifetime\":28800,\"LocalId\":\"cloud\",\"RemoteId\":\"office\"}";
	a.ipsec_config = "{\"IpsecEncAlg\":\"aes192\",\"IpsecAuthAlg\":\"sha1\",\"IpsecPfs\":\"disabled\",\"IpsecLifetime\":3600}";
	a.health_check_config = "{\"enable\":\"true\",\"dip\":\"192.168.0.10\",\"sip\":\"10.0.1.10\",\"retry\":\"5\"}";
	a.bgp_config = "{\"EnableBgp\":\"true\",\"LocalAsn\":\"65100\",\"TunnelCidr\":\"169.254.11.0/30\",\"LocalBgpIp\":\"169.254.11.1\"}";
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.name, "to-office");
	ck_assert(c.effect_immediately && !c.enable_dpd);
	ck_assert_str_eq(c.ike.psk, "s3cret!");
	ck_assert_str_eq(c.ike.ike_version, "ikev2");
	ck_assert_str_eq(c.ike.ike_mode, "main");
	ck_assert_int_eq(c.ike.ike_lifetime, 28800);
	ck_assert_str_eq(c.ike.local_id, "cloud");
	ck_assert_str_eq(c.ike.remote_id, "office");
	ck_assert_str_eq(c.ipsec.pfs, "disabled");
	ck_assert_int_eq(c.ipsec.lifetime, 3600);
	ck_assert(c.health_check.enable && c.health_check.configured);
	ck_assert_int_eq(c.health_check.interval, 3);
	ck_assert_int_eq(c.health_check.retry, 5);
	ck_assert(c.bgp.enable);
	ck_assert_int_eq(c.bgp.local_asn, 65100);
	ck_assert_str_eq(c.bgp.tunnel_cidr, "169.254.11.0/30");
}
END_TEST

START_TEST(test_destination_routing_mode)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;

	a.local_subnet = "0.0.0.0/0";
	a.remote_subnet = "0.0.0.0/0";
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.local_subnet, "0.0.0.0/0");
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 0);
}
END_TEST

START_TEST(test_auto_config_route_off)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;

	a.auto_config_route = false;
	a.remote_subnet = "192.168.1.0/24, 192.168.2.0/24";
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.remote_subnet, "192.168.1.0/24,192.168.2.0/24");
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 0);
}
END_TEST

/* ---- create: dual-tunnel form ---- */

START_TEST(test_dual_defaults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection c, got;
	struct vl_err err;

	create_ok(&m, &a, &c);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert(got.dual_tunnel);
	ck_assert_int_eq(got.tunnel_count, 2);
	ck_assert_str_eq(got.customer_gateway_id, "");
	ck_assert_str_eq(got.state, "active");
	for (int i = 0; i < 2; i++) {
		const struct vpn_tunnel *tn = &got.tunnels[i];

		ck_assert_int_eq(strncmp(tn->tunnel_id, "tun-bp1", 7), 0);
		ck_assert_int_eq(tn->tunnel_index, i + 1);
		ck_assert_str_eq(tn->role, i == 0 ? "master" : "slave");
		ck_assert_str_eq(tn->state, "active");
		ck_assert_str_eq(tn->status, "ike_sa_not_established");
		ck_assert_str_eq(tn->customer_gateway_id, i == 0 ? cgw1.customer_gateway_id : cgw2.customer_gateway_id);
		ck_assert_str_eq(tn->zone_no, i == 0 ? gw.zone_id : gw.dr_zone_id);
		ck_assert_str_eq(tn->internet_ip, i == 0 ? gw.internet_ip : gw.dr_internet_ip);
		ck_assert_str_eq(tn->ike.local_id, tn->internet_ip);
		ck_assert_str_eq(tn->ike.remote_id, i == 0 ? "203.0.113.1" : "203.0.113.2");
		ck_assert_uint_eq(strlen(tn->ike.psk), 16);
		ck_assert(tn->enable_dpd && tn->enable_nat_traversal);
		ck_assert_str_eq(tn->ike.ike_version, "ikev1");
		ck_assert_int_eq(tn->ipsec.lifetime, 86400);
		ck_assert_int_eq(tn->bgp.local_asn, 45104);
	}
	ck_assert_str_ne(got.tunnels[0].ike.psk, got.tunnels[1].ike.psk);
	ck_assert_str_ne(got.tunnels[0].tunnel_id, got.tunnels[1].tunnel_id);
	ck_assert_int_eq(usage(&m, "vpn_connection", gw.vpn_gateway_id), 1);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw1.customer_gateway_id), 1);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw2.customer_gateway_id), 1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_tunnels WHERE vpn_connection_id=?",
				   c.vpn_connection_id), 2);
}
END_TEST

START_TEST(test_dual_leaves_and_order)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	/* slave given first; one customer gateway for both tunnels; per-tunnel settings */
	static struct ipsec_param p[] = {
		{ "TunnelOptionsSpecification.1.CustomerGatewayId", NULL },
		{ "TunnelOptionsSpecification.1.Role", "slave" },
		{ "TunnelOptionsSpecification.1.EnableDpd", "false" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.Psk", "slavekey" },
		{ "TunnelOptionsSpecification.1.TunnelIpsecConfig.IpsecLifetime", "600" },
		{ "TunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", "169.254.20.0/30" },
		{ "TunnelOptionsSpecification.1.TunnelBgpConfig.LocalBgpIp", "169.254.20.1" },
		{ "TunnelOptionsSpecification.2.CustomerGatewayId", NULL },
		{ "TunnelOptionsSpecification.2.Role", "master" },
		{ "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeVersion", "ikev2" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.LocalAsn", "65200" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.TunnelCidr", "169.254.21.0/30" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.LocalBgpIp", "169.254.21.2" },
	};
	struct vpn_connection_create_args a = single_args(gw.vpn_gateway_id, NULL);
	struct tunnels t;
	struct vpn_connection c;

	p[0].value = p[7].value = cgw3.customer_gateway_id;
	make_tunnels(&t, p, countof(p));
	a.tunnels = t.specs;
	a.tunnel_count = t.count;
	a.enable_tunnels_bgp = true;
	create_ok(&m, &a, &c);
	ck_assert(c.enable_tunnels_bgp);
	ck_assert_str_eq(c.tunnels[0].role, "master");
	ck_assert_str_eq(c.tunnels[0].ike.ike_version, "ikev2");
	ck_assert_int_eq(c.tunnels[0].bgp.local_asn, 65200);
	ck_assert_str_eq(c.tunnels[0].internet_ip, gw.internet_ip);
	ck_assert_str_eq(c.tunnels[1].role, "slave");
	ck_assert(!c.tunnels[1].enable_dpd);
	ck_assert_str_eq(c.tunnels[1].ike.psk, "slavekey");
	ck_assert_int_eq(c.tunnels[1].ipsec.lifetime, 600);
	ck_assert_str_eq(c.tunnels[1].internet_ip, gw.dr_internet_ip);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw3.customer_gateway_id), 2); /* per tunnel */
}
END_TEST

/* Refusals of the dual-tunnel form, each with nothing changed. */
static const struct dual_case {
	const char *name, *value; /* one extra or overriding leaf */
	bool tunnels_bgp;
	const char *code;
	int http;
} dual_cases[] = {
	{ "TunnelOptionsSpecification.1.Role", "", false, "MissingTunnelOptionsSpecification.1.Role", 400 },
	{ "TunnelOptionsSpecification.1.Role", "primary", false, "InvalidTunnelOptionsSpecification.1.Role", 400 },
	{ "TunnelOptionsSpecification.2.Role", "master", false, "IllegalParam.Role", 400 },
	{ "TunnelOptionsSpecification.2.CustomerGatewayId", "", false, "MissingTunnelOptionsSpecification.2.CustomerGatewayId", 400 },
	{ "TunnelOptionsSpecification.2.CustomerGatewayId", "cgw-nothere", false, "InvalidCustomerGatewayInstanceId.NotFound", 404 },
	{ "TunnelOptionsSpecification.2.EnableDpd", "maybe", false, "InvalidTunnelOptionsSpecification.2.EnableDpd", 400 },
	{ "TunnelOptionsSpecification.1.EnableNatTraversal", "1", false, "InvalidTunnelOptionsSpecification.1.EnableNatTraversal", 400 },
	{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeEncAlg", "sm4", false, "IllegalParam.IkeEncAlg", 400 },
	{ "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeLifetime", "86401", false, "IllegalParam.IkeLifetime", 400 },
	{ "TunnelOptionsSpecification.2.TunnelIpsecConfig.IpsecPfs", "group7", false, "IllegalParam.IpsecPfs", 400 },
	{ "TunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", "169.254.1.0/30", false, "IllegalParam.TunnelCidr", 400 },
	{ "TunnelOptionsSpecification.1.TunnelBgpConfig.LocalAsn", "0", false, "IllegalParam.LocalAsn", 400 },
	{ "TunnelOptionsSpecification.1.RemoteCaCertificate", "-----BEGIN CERTIFICATE-----", false, "IllegalParam.RemoteCaCertificate", 400 },
	{ NULL, NULL, true, "MissingTunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", 400 },
};

START_TEST(test_dual_refused)
{
	const struct dual_case *dc = &dual_cases[_i];
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct ipsec_param extra = { dc->name, dc->value };
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, &extra, dc->name ? 1 : 0);
	struct snapshot before;
	struct vpn_connection c;
	struct vl_err err;

	a.enable_tunnels_bgp = dc->tunnels_bgp;
	take(&m, &before);
	test_assert_err(create(&m, &a, &c, &err), &err, dc->code, dc->http);
	assert_unchanged(&m, &before);
}
END_TEST

START_TEST(test_dual_tunnel_cidr_twice)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	static const struct ipsec_param extra[] = {
		{ "TunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", "169.254.30.0/30" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.TunnelCidr", "169.254.30.0/30" },
	};
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, extra, countof(extra));
	struct vpn_connection c;
	struct vl_err err;

	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.TunnelCidr", 400);
}
END_TEST

START_TEST(test_dual_one_tunnel)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(gw.vpn_gateway_id, NULL);
	struct tunnels t;
	struct vpn_connection c;
	struct vl_err err;

	make_tunnels(&t, two_tunnels(), 2); /* tunnel 1 only */
	a.tunnels = t.specs;
	a.tunnel_count = t.count;
	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.TunnelOptionsSpecification", 400);
}
END_TEST

/* ---- which gateway takes which form ---- */

START_TEST(test_form_per_gateway)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a;
	struct tunnels t;
	struct vpn_connection c;
	struct snapshot before;
	struct vl_err err;

	take(&m, &before);
	/* single-tunnel form on a dual-tunnel gateway: the tunnels are required */
	a = single_args(gw.vpn_gateway_id, cgw1.customer_gateway_id);
	test_assert_err(create(&m, &a, &c, &err), &err, "MissingTunnelOptionsSpecification", 400);
	/* dual-tunnel form on a single-tunnel gateway */
	a = dual_args(&t, NULL, 0);
	a.vpn_gateway_id = single_gw.vpn_gateway_id;
	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.TunnelOptionsSpecification", 400);
	/* single-tunnel gateway without a customer gateway */
	a = single_args(single_gw.vpn_gateway_id, NULL);
	test_assert_err(create(&m, &a, &c, &err), &err, "MissingCustomerGatewayId", 400);
	assert_unchanged(&m, &before);
	/* on a dual-tunnel gateway the single-tunnel fields are not used (not even checked) */
	a = dual_args(&t, NULL, 0);
	a.customer_gateway_id = cgw3.customer_gateway_id;
	a.ike_config = "{\"IkeVersion\":\"ikev9\"}";
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.customer_gateway_id, "");
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw3.customer_gateway_id), 0);
}
END_TEST

/* ---- common field rules (single-tunnel gateway) ---- */

static const struct common_case {
	const char *field, *value, *code;
} common_cases[] = {
	{ "Name", "http://x", "InvalidName" },
	{ "Name", "https://x", "InvalidName" },
	{ "LocalSubnet", "10.0.0.1/16", "IllegalParam.LocalSubnet" },
	{ "LocalSubnet", "10.0.0.0/33", "IllegalParam.LocalSubnet" },
	{ "LocalSubnet", "10.0.0.0/16,", "IllegalParam.LocalSubnet" },
	{ "LocalSubnet", "10.0.0.0/16,10.0.0.0/16", "IllegalParam.LocalSubnet" },
	{ "LocalSubnet", "0.0.0.0/0,10.0.0.0/16", "IllegalParam.LocalSubnet" },
	{ "LocalSubnet", "10.1.0.0/24,10.2.0.0/24,10.3.0.0/24,10.4.0.0/24,10.5.0.0/24,10.6.0.0/24", "IllegalParam.LocalSubnet" },
	{ "RemoteSubnet", "192.168.0.0", "IllegalParam.RemoteSubnet" },
	{ "RemoteSubnet", "fe80::/64", "IllegalParam.RemoteSubnet" },
	{ "IkeConfig", "{\"IkeVersion\":\"ikev3\"}", "IllegalParam.IkeVersion" },
	{ "IkeConfig", "{\"IkeMode\":\"fast\"}", "IllegalParam.IkeMode" },
	{ "IkeConfig", "{\"Psk\":\"with space\"}", "IllegalParam.Psk" },
	{ "IkeConfig", "{\"LocalId\":\"a b\"}", "IllegalParam.LocalId" },
	{ "IkeConfig", "[]", "InvalidIkeConfig" },
	{ "IpsecConfig", "{\"IpsecLifetime\":100000}", "IllegalParam.IpsecLifetime" },
	{ "IpsecConfig", "{\"IpsecEncAlg\":\"rc4\"}", "IllegalParam.IpsecEncAlg" },
	{ "HealthCheckConfig", "{\"enable\":\"true\",\"sip\":\"10.0.0.1\"}", "MissingHealthCheckConfig.dip" },
	{ "HealthCheckConfig", "{\"interval\":\"0\"}", "IllegalParam.interval" },
	{ "HealthCheckConfig", "{\"Policy\":\"keep\"}", "IllegalParam.Policy" },
	{ "BgpConfig", "{\"EnableBgp\":\"true\"}", "MissingBgpConfig.TunnelCidr" },
	{ "BgpConfig", "{\"TunnelCidr\":\"169.254.169.252/30\"}", "IllegalParam.TunnelCidr" },
	{ "BgpConfig", "{\"TunnelCidr\":\"169.254.11.0/30\",\"LocalBgpIp\":\"169.254.12.1\"}", "IllegalParam.LocalBgpIp" },
	{ "BgpConfig", "{\"LocalAsn\":\"4294967296\"}", "IllegalParam.LocalAsn" },
	{ "RemoteCaCertificate", "-----BEGIN CERTIFICATE-----", "IllegalParam.RemoteCaCertificate" },
	{ "CustomerGatewayId", "cgw-nothere", "InvalidCustomerGatewayInstanceId.NotFound" },
	{ "VpnGatewayId", "vpn-nothere", "InvalidVpnGatewayInstanceId.NotFound" },
};

START_TEST(test_common_refused)
{
	const struct common_case *cc = &common_cases[_i];
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	const char **slot = NULL;
	struct snapshot before;
	struct vpn_connection c;
	struct vl_err err;

	if (strcmp(cc->field, "Name") == 0)
		slot = &a.name;
	else if (strcmp(cc->field, "LocalSubnet") == 0)
		slot = &a.local_subnet;
	else if (strcmp(cc->field, "RemoteSubnet") == 0)
		slot = &a.remote_subnet;
	else if (strcmp(cc->field, "IkeConfig") == 0)
		slot = &a.ike_config;
	else if (strcmp(cc->field, "IpsecConfig") == 0)
		slot = &a.ipsec_config;
	else if (strcmp(cc->field, "HealthCheckConfig") == 0)
		slot = &a.health_check_config;
	else if (strcmp(cc->field, "BgpConfig") == 0)
		slot = &a.bgp_config;
	else if (strcmp(cc->field, "RemoteCaCertificate") == 0)
		slot = &a.remote_ca_certificate;
	else if (strcmp(cc->field, "CustomerGatewayId") == 0)
		slot = &a.customer_gateway_id;
	else
		slot = &a.vpn_gateway_id;
	*slot = cc->value;
	take(&m, &before);
	test_assert_err(create(&m, &a, &c, &err), &err, cc->code, strstr(cc->code, "NotFound") ? 404 : 400);
	assert_unchanged(&m, &before);
}
END_TEST

START_TEST(test_name_and_subnet_limits)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;
	struct vl_err err;
	char name[110];

	memset(name, 'n', 100);
	name[100] = '\0';
	a.name = name;
	a.local_subnet = "10.1.0.0/24,10.2.0.0/24,10.3.0.0/24,10.4.0.0/24,10.5.0.0/24";
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.name, name);
	ck_assert_str_eq(c.local_subnet, a.local_subnet);
	a.customer_gateway_id = cgw2.customer_gateway_id;
	name[100] = 'n';
	name[101] = '\0';
	test_assert_err(create(&m, &a, &c, &err), &err, "InvalidName", 400);
	/* the subnet count follows the quota */
	name[100] = '\0';
	cfg.quotas.subnets_per_connection = 4;
	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.LocalSubnet", 400);
	cfg.quotas.subnets_per_connection = 5;
	create_ok(&m, &a, &c);
}
END_TEST

START_TEST(test_ipsec_disabled_gateway)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;
	struct vl_err err;

	sql_exec1("UPDATE vpn_gateways SET enable_ipsec=0 WHERE vpn_gateway_id=?", single_gw.vpn_gateway_id);
	test_assert_err(create(&m, &a, &c, &err), &err, "OperationFailed.IpsecNotSupport", 400);
}
END_TEST

START_TEST(test_already_exists)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;
	struct snapshot before;
	struct vl_err err;

	create_ok(&m, &a, &c);
	take(&m, &before);
	a.remote_subnet = "172.16.0.0/16";
	test_assert_err(create(&m, &a, &c, &err), &err, "InvalidVpnConnection.AlreadyExists", 400);
	assert_unchanged(&m, &before);
	a.customer_gateway_id = cgw2.customer_gateway_id;
	create_ok(&m, &a, &c);
}
END_TEST

START_TEST(test_tunnel_cidr_unique_per_gateway)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	static const struct ipsec_param extra[] = {
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.TunnelCidr", "169.254.11.0/30" },
	};
	struct tunnels t;
	struct vpn_connection c;
	struct vl_err err;

	a.bgp_config = "{\"TunnelCidr\":\"169.254.11.0/30\"}";
	create_ok(&m, &a, &c);
	a.customer_gateway_id = cgw2.customer_gateway_id;
	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.TunnelCidr", 400);
	/* another gateway may use the same block */
	a = dual_args(&t, extra, countof(extra));
	create_ok(&m, &a, &c);
	a = dual_args(&t, extra, countof(extra));
	test_assert_err(create(&m, &a, &c, &err), &err, "IllegalParam.TunnelCidr", 400);
}
END_TEST

/* ---- quota and the busy gateway ---- */

START_TEST(test_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection c, kept;
	struct snapshot before;
	struct vl_err err;

	cfg.quotas.vpn_connections_per_gateway = 2;
	create_ok(&m, &a, &c);
	create_ok(&m, &a, &kept);
	take(&m, &before);
	test_assert_err(create(&m, &a, &c, &err), &err, "Resource.QuotaFull", 400);
	assert_unchanged(&m, &before);
	ck_assert_int_eq(delete(&m, kept.vpn_connection_id, &err), 0);
	create_ok(&m, &a, &c); /* a freed place is usable again */
	cfg.quotas.vpn_connections_per_gateway = 10;
}
END_TEST

START_TEST(test_busy_gateway)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection_modify_args mod;
	struct vpn_connection c, d;
	struct vpn_gateway g;
	struct snapshot before;
	struct vl_err err;
	int64_t next = 0;

	create_ok(&m, &a, &d); /* while idle */
	cfg.transition_delay_ms = 1000;
	create_ok(&m, &a, &c);
	ck_assert_int_eq(vpn_gateway_get(&m, gw.vpn_gateway_id, &g, &err), 0);
	ck_assert_str_eq(g.status, "updating"); /* the gateway, not the connection, shows it */
	ck_assert_str_eq(c.state, "active");
	take(&m, &before);
	test_assert_err(create(&m, &a, &c, &err), &err, "VpnGateway.Configuring", 400);
	mod = no_change(d.vpn_connection_id);
	mod.name = "renamed";
	test_assert_err(modify(&m, &mod, &c, &err), &err, "VpnGateway.Configuring", 400);
	test_assert_err(delete(&m, d.vpn_connection_id, &err), &err, "VpnGateway.Configuring", 400);
	assert_unchanged(&m, &before);
	/* the gateway's change and the pending routes of the new connection */
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(vpn_gateway_get(&m, gw.vpn_gateway_id, &g, &err), 0);
	ck_assert_str_eq(g.status, "active");
	ck_assert_int_eq(delete(&m, d.vpn_connection_id, &err), 0);
	ck_assert_int_eq(vpn_gateway_get(&m, gw.vpn_gateway_id, &g, &err), 0);
	ck_assert_str_eq(g.status, "updating"); /* deleting is a change of the gateway too */
}
END_TEST

/* ---- isolation ---- */

START_TEST(test_isolation)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct model_ctx other = test_ctx(OTHER, REGION);
	struct model_ctx elsewhere = test_ctx(ACCOUNT, "cn-beijing");
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection_modify_args mod;
	struct vpn_connection_filter f = { 0 };
	struct vpn_connection c, got;
	struct customer_gateway mine;
	json_t *items = json_array();
	int64_t total = -1;
	struct vl_err err;

	create_ok(&m, &a, &c);
	test_assert_err(vpn_connection_get(&other, c.vpn_connection_id, &got, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	test_assert_err(vpn_connection_get(&elsewhere, c.vpn_connection_id, &got, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	test_assert_err(delete(&other, c.vpn_connection_id, &err), &err, "InvalidVpnConnectionInstanceId.NotFound", 404);
	mod = no_change(c.vpn_connection_id);
	test_assert_err(modify(&other, &mod, &got, &err), &err, "InvalidVpnConnectionInstanceId.NotFound", 404);
	ck_assert_int_eq(vpn_connection_list(&other, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(vpn_connection_list(&elsewhere, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_uint_eq(json_array_size(items), 0);
	/* another account can use neither my gateway nor my customer gateway */
	test_make_cgw_asn(&other, "203.0.113.50", NULL, &mine);
	a = single_args(single_gw.vpn_gateway_id, mine.customer_gateway_id);
	test_assert_err(create(&other, &a, &got, &err), &err, "InvalidVpnGatewayInstanceId.NotFound", 404);
	a = single_args(NULL, cgw2.customer_gateway_id);
	test_assert_err(create(&other, &a, &got, &err), &err, "InvalidCustomerGatewayInstanceId.NotFound", 404);
	json_decref(items);
}
END_TEST

/* ---- counters other resources rely on ---- */

START_TEST(test_references_block_deletes)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection c;
	struct vl_err err;

	create_ok(&m, &a, &c);
	tx_begin();
	test_assert_err(tx_end(customer_gateway_delete(&m, cgw2.customer_gateway_id, &err)), &err,
		   "DependencyViolation.VpnConnection", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_gateway_delete(&m, gw.vpn_gateway_id, &err)), -1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_gateways WHERE vpn_gateway_id=?", gw.vpn_gateway_id), 1);
	ck_assert_int_eq(delete(&m, c.vpn_connection_id, &err), 0);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw1.customer_gateway_id), 0);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw2.customer_gateway_id), 0);
	ck_assert_int_eq(usage(&m, "vpn_connection", gw.vpn_gateway_id), 0);
	tx_begin();
	ck_assert_int_eq(tx_end(customer_gateway_delete(&m, cgw2.customer_gateway_id, &err)), 0);
	tx_begin();
	ck_assert_msg(tx_end(vpn_gateway_delete(&m, gw.vpn_gateway_id, &err)) == 0, "%s", vl_err_message(&err));
}
END_TEST

/* ---- delete ---- */

START_TEST(test_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct tunnels t;
	struct vpn_connection c, d, got;
	struct vl_err err;
	const char *keys[] = { "env" }, *values[] = { "lab" };

	a.remote_subnet = "192.168.1.0/24,192.168.2.0/24";
	memcpy(a.tags.keys, keys, sizeof(keys));
	memcpy(a.tags.values, values, sizeof(values));
	a.tags.count = 1;
	create_ok(&m, &a, &c);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 2);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tags WHERE resource_id=?", c.vpn_connection_id), 1);
	a = dual_args(&t, NULL, 0);
	create_ok(&m, &a, &d);
	/* the routes whose next hop is the connection go with it, as the cloud does */
	ck_assert_int_eq(delete(&m, c.vpn_connection_id, &err), 0);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tags WHERE resource_id=?", c.vpn_connection_id), 0);
	test_assert_err(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	test_assert_err(delete(&m, c.vpn_connection_id, &err), &err, "InvalidVpnConnectionInstanceId.NotFound", 404);
	ck_assert_int_eq(delete(&m, d.vpn_connection_id, &err), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_tunnels", NULL), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connections", NULL), 0);
	ck_assert_int_eq(usage(&m, "vpn_connection", single_gw.vpn_gateway_id), 0);
}
END_TEST

/* ---- modify ---- */

START_TEST(test_modify_single)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection_modify_args mod;
	struct vpn_connection c, got;
	struct snapshot before;
	struct tunnels t;
	struct vl_err err;
	char psk[128];

	a.remote_subnet = "192.168.1.0/24";
	create_ok(&m, &a, &c);
	strcpy(psk, c.ike.psk);
	mod = no_change(c.vpn_connection_id);
	mod.name = "renamed";
	mod.remote_subnet = "192.168.1.0/24,192.168.9.0/24";
	mod.auto_config_route = 1;
	mod.effect_immediately = 1;
	mod.enable_nat_traversal = 0;
	mod.ike_config = "{\"IkeAuthAlg\":\"sha1\"}";
	mod.health_check_config = "{\"enable\":true,\"dip\":\"192.168.1.1\",\"sip\":\"10.0.1.1\",\"interval\":10}";
	ck_assert_int_eq(modify(&m, &mod, &got, &err), 0);
	ck_assert_str_eq(got.name, "renamed");
	ck_assert_str_eq(got.remote_subnet, "192.168.1.0/24,192.168.9.0/24");
	ck_assert(got.effect_immediately && !got.enable_nat_traversal && got.enable_dpd);
	ck_assert_str_eq(got.ike.ike_auth_alg, "sha1");
	ck_assert_str_eq(got.ike.ike_enc_alg, "aes"); /* untouched fields stay */
	ck_assert_str_eq(got.ike.psk, psk);
	ck_assert(got.health_check.enable);
	ck_assert_int_eq(got.health_check.interval, 10);
	ck_assert_int_eq(got.health_check.retry, 3);
	ck_assert_int_eq(vpn_route_count_by_next_hop(&m, c.vpn_connection_id), 2); /* one more CIDR routed */
	/* refusals change nothing */
	take(&m, &before);
	mod = no_change(c.vpn_connection_id);
	mod.name = "again";
	mod.bgp_config = "{\"EnableBgp\":\"true\"}";
	test_assert_err(modify(&m, &mod, &got, &err), &err, "MissingBgpConfig.TunnelCidr", 400);
	mod.bgp_config = NULL;
	mod.local_subnet = "nonsense";
	test_assert_err(modify(&m, &mod, &got, &err), &err, "IllegalParam.LocalSubnet", 400);
	mod = no_change(c.vpn_connection_id);
	mod.name = "http://bad";
	test_assert_err(modify(&m, &mod, &got, &err), &err, "InvalidName", 400);
	(void)dual_args(&t, NULL, 0); /* any two tunnel specs */
	mod = no_change(c.vpn_connection_id);
	mod.tunnels = t.specs;
	mod.tunnel_count = t.count;
	test_assert_err(modify(&m, &mod, &got, &err), &err, "IllegalParam.TunnelOptionsSpecification", 400);
	assert_unchanged(&m, &before);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "renamed");
	/* an emptied Psk is generated anew */
	mod = no_change(c.vpn_connection_id);
	mod.ike_config = "{\"Psk\":\"\"}";
	ck_assert_int_eq(modify(&m, &mod, &got, &err), 0);
	ck_assert_uint_eq(strlen(got.ike.psk), 16);
	ck_assert_str_ne(got.ike.psk, psk);
}
END_TEST

START_TEST(test_modify_dual)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t, mt;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection_modify_args mod;
	struct vpn_connection c, got;
	struct ipsec_param p[4];
	struct vl_err err;

	create_ok(&m, &a, &c);
	/* by TunnelId: move the slave to cgw3 (its RemoteId follows), change IKE */
	p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelId", c.tunnels[1].tunnel_id };
	p[1] = (struct ipsec_param){ "TunnelOptionsSpecification.1.CustomerGatewayId", cgw3.customer_gateway_id };
	p[2] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeVersion", "ikev2" };
	p[3] = (struct ipsec_param){ "TunnelOptionsSpecification.2.Role", "master" }; /* by role, nothing else */
	make_tunnels(&mt, p, 4);
	mod = no_change(c.vpn_connection_id);
	mod.tunnels = mt.specs;
	mod.tunnel_count = mt.count;
	ck_assert_msg(modify(&m, &mod, &got, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_str_eq(got.tunnels[1].customer_gateway_id, cgw3.customer_gateway_id);
	ck_assert_str_eq(got.tunnels[1].ike.remote_id, "203.0.113.3");
	ck_assert_str_eq(got.tunnels[1].ike.ike_version, "ikev2");
	ck_assert_str_eq(got.tunnels[1].ike.psk, c.tunnels[1].ike.psk);
	ck_assert_str_eq(got.tunnels[0].ike.ike_version, "ikev1");
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw2.customer_gateway_id), 0);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw3.customer_gateway_id), 1);

	/* refusals */
	p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelId", "tun-nothere" };
	make_tunnels(&mt, p, 1);
	mod.tunnels = mt.specs;
	mod.tunnel_count = mt.count;
	test_assert_err(modify(&m, &mod, &got, &err), &err, "InvalidTunnelId.NotFound", 404);
	p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.EnableDpd", "false" };
	make_tunnels(&mt, p, 1);
	mod.tunnels = mt.specs;
	mod.tunnel_count = mt.count;
	test_assert_err(modify(&m, &mod, &got, &err), &err, "MissingTunnelOptionsSpecification.1.TunnelId", 400);
	p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelId", c.tunnels[0].tunnel_id };
	p[1] = (struct ipsec_param){ "TunnelOptionsSpecification.1.Role", "slave" };
	make_tunnels(&mt, p, 2);
	mod.tunnels = mt.specs;
	mod.tunnel_count = mt.count;
	test_assert_err(modify(&m, &mod, &got, &err), &err, "IllegalParam.Role", 400);
	mod = no_change(c.vpn_connection_id);
	mod.enable_tunnels_bgp = 1;
	test_assert_err(modify(&m, &mod, &got, &err), &err, "MissingTunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", 400);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert(!got.enable_tunnels_bgp);
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw3.customer_gateway_id), 1);
}
END_TEST

/*
 * Dual-tunnel connections do not use IkeConfig, IpsecConfig, HealthCheckConfig and BgpConfig,
 * but a malformed one ([], null, a key twice ignoring case) is refused on create and modify,
 * with nothing changed, as the single-tunnel form refuses it.
 */
static const struct unused_json_case {
	const char *ike, *ipsec, *hc, *bgp, *code;
} unused_json_cases[] = {
	{ "[]", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "null", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "{\"Psk\":\"x\",\"psk\":\"y\"}", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ NULL, "[1]", NULL, NULL, "InvalidIpsecConfig" },
	{ NULL, NULL, "\"on\"", NULL, "InvalidHealthCheckConfig" },
	{ NULL, NULL, NULL, "{\"TunnelCidr\":\"169.254.1.0/30\",\"tunnelcidr\":\"169.254.2.0/30\"}", "InvalidBgpConfig" },
};

START_TEST(test_dual_unused_json_refused)
{
	const struct unused_json_case *uc = &unused_json_cases[_i];
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection_modify_args mod;
	struct vpn_connection c, got;
	struct snapshot before;
	struct vl_err err;

	a.ike_config = uc->ike;
	a.ipsec_config = uc->ipsec;
	a.health_check_config = uc->hc;
	a.bgp_config = uc->bgp;
	take(&m, &before);
	test_assert_err(create(&m, &a, &c, &err), &err, uc->code, 400);
	assert_unchanged(&m, &before);

	a = dual_args(&t, NULL, 0);
	create_ok(&m, &a, &c);
	take(&m, &before);
	mod = no_change(c.vpn_connection_id);
	mod.name = "renamed";
	mod.ike_config = uc->ike;
	mod.ipsec_config = uc->ipsec;
	mod.health_check_config = uc->hc;
	mod.bgp_config = uc->bgp;
	test_assert_err(modify(&m, &mod, &got, &err), &err, uc->code, 400);
	assert_unchanged(&m, &before);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert_str_ne(got.name, "renamed");
	/* well-formed documents are accepted and, unused, change nothing of the tunnels */
	mod.ike_config = "{\"IkeMode\":\"aggressive\"}";
	mod.ipsec_config = mod.health_check_config = mod.bgp_config = NULL;
	ck_assert_msg(modify(&m, &mod, &got, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_str_eq(got.name, "renamed");
	ck_assert_str_eq(got.tunnels[0].ike.ike_mode, c.tunnels[0].ike.ike_mode);
}
END_TEST

/* ---- list ---- */

START_TEST(test_list_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection_filter f = { 0 };
	struct vpn_connection c1, c2, c3;
	struct tunnels t;
	json_t *items;
	int64_t total;
	struct vl_err err;
	const char *keys[] = { "team" }, *values[] = { "net" };

	create_ok(&m, &a, &c1);
	a.customer_gateway_id = cgw3.customer_gateway_id;
	memcpy(a.tags.keys, keys, sizeof(keys));
	memcpy(a.tags.values, values, sizeof(values));
	a.tags.count = 1;
	create_ok(&m, &a, &c2);
	a = dual_args(&t, NULL, 0); /* tunnels on cgw1 and cgw2 */
	create_ok(&m, &a, &c3);

	items = json_array();
	ck_assert_int_eq(vpn_connection_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_uint_eq(json_array_size(items), 3);
	json_decref(items);

	f.vpn_gateway_id = single_gw.vpn_gateway_id;
	items = json_array();
	ck_assert_int_eq(vpn_connection_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 2);
	json_decref(items);

	memset(&f, 0, sizeof(f));
	f.customer_gateway_id = cgw1.customer_gateway_id; /* c1 directly, c3 through its master tunnel */
	items = json_array();
	ck_assert_int_eq(vpn_connection_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 2);
	json_decref(items);

	memset(&f, 0, sizeof(f));
	f.vpn_connection_id = c2.vpn_connection_id;
	items = json_array();
	ck_assert_int_eq(vpn_connection_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VpnConnectionId")),
			 c2.vpn_connection_id);
	json_decref(items);

	memset(&f, 0, sizeof(f));
	memcpy(f.tags.keys, keys, sizeof(keys));
	f.tags.count = 1;
	items = json_array();
	ck_assert_int_eq(vpn_connection_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	json_decref(items);

	memset(&f, 0, sizeof(f));
	items = json_array(); /* page 2 of size 2 */
	ck_assert_int_eq(vpn_connection_list(&m, &f, 2, 2, items, &total, &err), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_uint_eq(json_array_size(items), 1);
	json_decref(items);
}
END_TEST

/* ---- unbound connections (CreateVpnAttachment) ---- */

/* DescribeVpnAttachments lists unbound connections attached to a router; the attachment actions name only them. */
START_TEST(test_attachment_list_and_get)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(NULL, cgw1.customer_gateway_id);
	struct vpn_connection_filter cen = { .attach_type = "CEN" };
	struct vpn_connection c, gwc, got;
	struct vl_err err;
	json_t *items = json_array(), *item;
	int64_t total = -1;

	create_ok(&m, &a, &c);
	a = single_args(single_gw.vpn_gateway_id, cgw2.customer_gateway_id);
	create_ok(&m, &a, &gwc);
	ck_assert_int_eq(vpn_attachment_get(&m, c.vpn_connection_id, &got, &err), 0);
	test_assert_err(vpn_attachment_get(&m, gwc.vpn_connection_id, &got, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	ck_assert_int_eq(vpn_connection_list_styled(&m, &cen, 0, 10, VCO_JSON_ATTACHMENT, items, &total, &err), 0);
	ck_assert_int_eq(total, 0); /* not attached yet */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_attachment(&m, c.vpn_connection_id, "tr-1", "hub", "cen-1",
							      "198.18.9.9", "cn-hangzhou-h", &err)), 0);
	ck_assert_int_eq(vpn_connection_list_styled(&m, &cen, 0, 10, VCO_JSON_ATTACHMENT, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "InstanceId")), c.vpn_connection_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "AttachType")), "CEN");
	ck_assert_str_eq(json_string_value(json_object_get(item, "TransitRouterId")), "tr-1");
	ck_assert_str_eq(json_string_value(json_object_get(item, "TransitRouterName")), "hub");
	ck_assert(json_is_array(json_object_get(item, "Tags"))); /* flat, unlike every other tag list */
	ck_assert_ptr_null(json_object_get(item, "IkeConfig"));
	json_decref(items);
	/* the Modify answer of an attachment says where it is attached */
	item = vpn_connection_to_json(&m, &c, VCO_JSON_MODIFY_ATTACHMENT);
	ck_assert_str_eq(json_string_value(json_object_get(item, "AttachType")), "NO_ASSOCIATED");
	ck_assert_ptr_nonnull(json_object_get(item, "NetworkType"));
	ck_assert_ptr_null(json_object_get(item, "State"));
	json_decref(item);
}
END_TEST

START_TEST(test_attachment)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(NULL, cgw1.customer_gateway_id);
	struct vpn_connection c, d, got;
	struct snapshot before;
	struct tunnels t;
	struct vl_err err;
	static struct ipsec_param p[] = {
		{ "TunnelOptionsSpecification.1.CustomerGatewayId", NULL },
		{ "TunnelOptionsSpecification.1.TunnelIndex", "2" },
		{ "TunnelOptionsSpecification.2.CustomerGatewayId", NULL },
		{ "TunnelOptionsSpecification.2.TunnelIndex", "1" },
	};

	take(&m, &before);
	create_ok(&m, &a, &c);
	ck_assert_str_eq(c.state, "init");
	ck_assert_str_eq(c.attach_type, "NO_ASSOCIATED");
	ck_assert_str_eq(c.vpn_gateway_id, "");
	ck_assert_str_eq(c.network_type, "public");
	ck_assert_str_eq(c.tunnel_bandwidth, "Standard");
	ck_assert_str_eq(c.ike.local_id, ""); /* no gateway address yet */
	ck_assert_str_eq(c.ike.remote_id, "203.0.113.1");
	ck_assert_int_eq(usage(&m, "ref:customer_gateway", cgw1.customer_gateway_id), before.refs[0] + 1);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_route_entries", NULL), 0);

	/* dual-tunnel: roles follow TunnelIndex */
	p[0].value = p[2].value = cgw2.customer_gateway_id;
	a = single_args(NULL, NULL);
	make_tunnels(&t, p, countof(p));
	a.tunnels = t.specs;
	a.tunnel_count = t.count;
	a.network_type = "private";
	a.tunnel_bandwidth = "Large";
	create_ok(&m, &a, &d);
	ck_assert(d.dual_tunnel);
	ck_assert_str_eq(d.tunnels[0].role, "master");
	ck_assert_int_eq(d.tunnels[0].tunnel_index, 1);
	ck_assert_str_eq(d.tunnels[0].state, "init");
	ck_assert_str_eq(d.network_type, "private");
	ck_assert_str_eq(d.spec, "3000M");

	/* attached to a transit router, it cannot be deleted; detached, it can */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_attachment(&m, c.vpn_connection_id, "tr-1", "tr", "cen-1",
							      "198.18.9.9", "cn-hangzhou-h", &err)), 0);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.attach_type, "CEN");
	ck_assert_str_eq(got.transit_router_id, "tr-1");
	ck_assert_str_eq(got.attach_instance_id, "cen-1");
	test_assert_err(delete(&m, c.vpn_connection_id, &err), &err, "IncorrectStatus.VpnConnection", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_attachment(&m, c.vpn_connection_id, NULL, NULL, NULL, NULL, NULL, &err)), 0);
	/* while the transit-router model moves it, it is busy */
	tx_begin();
	ck_assert_int_eq(tx_end(lifecycle_schedule(&m, "vpn_connection", c.vpn_connection_id, "init", "attaching",
						   5000, &err)), 0);
	test_assert_err(delete(&m, c.vpn_connection_id, &err), &err, "VpnConnection.Configuring", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(lifecycle_cancel(&m, "vpn_connection", c.vpn_connection_id)), 0);
	ck_assert_int_eq(delete(&m, c.vpn_connection_id, &err), 0);
	ck_assert_int_eq(delete(&m, d.vpn_connection_id, &err), 0);
	assert_unchanged(&m, &before);
	/* a gateway connection is not the transit router's to attach */
	a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	create_ok(&m, &a, &c);
	test_assert_err(vpn_connection_set_attachment(&m, c.vpn_connection_id, "tr-1", "", "", "", "", &err), &err,
		   "IncorrectStatus.VpnConnection", 400);
}
END_TEST

START_TEST(test_attachment_refused)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(NULL, NULL);
	struct vpn_connection c;
	struct vl_err err;

	test_assert_err(create(&m, &a, &c, &err), &err, "MissingCustomerGatewayId", 400);
	a.customer_gateway_id = cgw1.customer_gateway_id;
	a.resource_group_id = "group-1";
	test_assert_err(create(&m, &a, &c, &err), &err, "InvalidResourceGroupId", 400);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connections", NULL), 0);
}
END_TEST

/* ---- the data plane's status ---- */

START_TEST(test_status_report)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection c, got;
	struct vl_err err;

	create_ok(&m, &a, &c);
	ck_assert_int_eq(vpn_connection_set_status(&m, c.vpn_connection_id, c.tunnels[1].tunnel_id,
						   "ipsec_sa_established", &err), 0);
	ck_assert_int_eq(vpn_connection_set_status(&m, c.vpn_connection_id, NULL, "ike_sa_established", &err), 0);
	ck_assert_int_eq(vpn_connection_get(&m, c.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "ike_sa_established");
	ck_assert_str_eq(got.tunnels[0].status, "ike_sa_not_established");
	ck_assert_str_eq(got.tunnels[1].status, "ipsec_sa_established");
	test_assert_err(vpn_connection_set_status(&m, c.vpn_connection_id, NULL, "up", &err), &err, "InvalidStatus", 400);
	test_assert_err(vpn_connection_set_status(&m, c.vpn_connection_id, "tun-x", "ike_sa_established", &err), &err,
		   "InvalidTunnelId.NotFound", 404);
}
END_TEST

/* ---- answer shapes ---- */

static const char *jstr(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *part;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(part)) : json_object_get(v, part);
	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *jget(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *part;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(part)) : json_object_get(v, part);
	return v;
}

START_TEST(test_json_single)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_create_args a = single_args(single_gw.vpn_gateway_id, cgw1.customer_gateway_id);
	struct vpn_connection c;
	json_t *o, *list;

	a.bgp_config = "{\"EnableBgp\":\"true\",\"TunnelCidr\":\"169.254.11.0/30\",\"LocalBgpIp\":\"169.254.11.1\"}";
	create_ok(&m, &a, &c);
	o = vpn_connection_to_json(&m, &c, VCO_JSON_DESCRIBE);
	ck_assert_str_eq(jstr(o, "VpnConnectionId"), c.vpn_connection_id);
	ck_assert_str_eq(jstr(o, "State"), "active");
	ck_assert_str_eq(jstr(o, "Status"), "ike_sa_not_established");
	ck_assert_str_eq(jstr(o, "AttachType"), "VPNGW");
	ck_assert_str_eq(jstr(o, "InternetIp"), single_gw.internet_ip);
	ck_assert(json_is_integer(jget(o, "CreateTime")));
	ck_assert(json_is_true(jget(o, "EnableDpd")));
	ck_assert(json_is_integer(jget(o, "IkeConfig.IkeLifetime")));
	ck_assert_str_eq(jstr(o, "IkeConfig.RemoteId"), "203.0.113.1");
	ck_assert(json_is_integer(jget(o, "IpsecConfig.IpsecLifetime")));
	ck_assert_str_eq(jstr(o, "VcoHealthCheck.Enable"), "false");
	ck_assert_int_eq(json_integer_value(jget(o, "VcoHealthCheck.Interval")), 0); /* never configured */
	ck_assert_str_eq(jstr(o, "VpnBgpConfig.EnableBgp"), "true");
	ck_assert_int_eq(json_integer_value(jget(o, "VpnBgpConfig.LocalAsn")), 45104);
	ck_assert_int_eq(json_integer_value(jget(o, "VpnBgpConfig.PeerAsn")), 65001);
	ck_assert_str_eq(jstr(o, "VpnBgpConfig.PeerBgpIp"), "169.254.11.2");
	ck_assert(json_is_array(jget(o, "Tags.Tag")));
	ck_assert_ptr_null(jget(o, "Tag"));
	ck_assert_ptr_null(jget(o, "TunnelOptionsSpecification")); /* single-tunnel */
	json_decref(o);

	list = vpn_connection_to_json(&m, &c, VCO_JSON_LIST);
	ck_assert(json_is_array(jget(list, "Tag.Tag"))); /* the list's odd wrapper */
	ck_assert_ptr_null(jget(list, "Tags"));
	ck_assert_ptr_null(jget(list, "VpnBgpConfig.EnableBgp"));
	json_decref(list);

	o = vpn_connection_to_json(&m, &c, VCO_JSON_MODIFY);
	ck_assert_str_eq(jstr(o, "Description"), "");
	ck_assert_ptr_null(jget(o, "State"));
	ck_assert_ptr_null(jget(o, "Tags"));
	json_decref(o);
}
END_TEST

START_TEST(test_json_dual)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tunnels t;
	struct vpn_connection_create_args a = dual_args(&t, NULL, 0);
	struct vpn_connection c;
	json_t *o;

	create_ok(&m, &a, &c);
	o = vpn_connection_to_json(&m, &c, VCO_JSON_DESCRIBE);
	ck_assert_ptr_null(jget(o, "IkeConfig")); /* single-tunnel objects are absent */
	ck_assert(json_is_false(jget(o, "EnableTunnelsBgp")));
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.Role"), "master");
	ck_assert_int_eq(json_integer_value(jget(o, "TunnelOptionsSpecification.TunnelOptions.1.TunnelIndex")), 2);
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.1.InternetIp"), gw.dr_internet_ip);
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.1.ZoneNo"), gw.dr_zone_id);
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.Status"), "ike_sa_not_established");
	/* Describe types these as strings, as the SDK models them */
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.EnableDpd"), "true");
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelIkeConfig.IkeLifetime"), "86400");
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelBgpConfig.LocalAsn"), "45104");
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelBgpConfig.PeerAsn"), "65001");
	ck_assert_str_eq(jstr(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelBgpConfig.BgpStatus"), "");
	json_decref(o);
	o = vpn_connection_to_json(&m, &c, VCO_JSON_MODIFY);
	/* …and the Modify answer as booleans and numbers */
	ck_assert(json_is_true(jget(o, "TunnelOptionsSpecification.TunnelOptions.0.EnableDpd")));
	ck_assert(json_is_integer(jget(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelIkeConfig.IkeLifetime")));
	ck_assert(json_is_integer(jget(o, "TunnelOptionsSpecification.TunnelOptions.0.TunnelBgpConfig.LocalAsn")));
	ck_assert_ptr_null(jget(o, "TunnelOptionsSpecification.TunnelOptions.0.Status"));
	json_decref(o);
}
END_TEST

Suite *vpn_connection_suite_create(void)
{
	const struct test_entry model[] = {
		{ test_single_defaults }, { test_single_configs }, { test_destination_routing_mode },
		{ test_auto_config_route_off }, { test_dual_defaults }, { test_dual_leaves_and_order },
		{ test_dual_refused, countof(dual_cases) },
		{ test_dual_unused_json_refused, countof(unused_json_cases) },
		{ test_dual_tunnel_cidr_twice }, { test_dual_one_tunnel }, { test_form_per_gateway },
		{ test_common_refused, countof(common_cases) }, { test_name_and_subnet_limits },
		{ test_ipsec_disabled_gateway }, { test_already_exists },
		{ test_tunnel_cidr_unique_per_gateway }, { test_quota }, { test_busy_gateway },
		{ test_isolation }, { test_references_block_deletes }, { test_delete },
		{ test_modify_single }, { test_modify_dual }, { test_list_filters }, { test_attachment },
		{ test_attachment_list_and_get }, { test_attachment_refused }, { test_status_report },
		{ test_json_single }, { test_json_dual },
	};

	return test_suite("vpn_connection", "model", setup, test_world_teardown, model, countof(model));
}
