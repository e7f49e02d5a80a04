/*
 * The customer device's configuration of IPsec-VPN connections (model/vpn_connection_config.c)
 * and connection logs (model/vpn_connection_log.c):
 *   - DownloadVpnConnectionConfig's VpnConnectionConfig for single-tunnel, dual-tunnel and
 *     unbound connections: exact keys, types, the customer's point of view;
 *   - the swanctl.conf text for several parameter sets, read back with a small parser of
 *     the strongswan.conf syntax (sections, keys, quoting) and checked key by key:
 *     proposals, identities, traffic selectors, lifetimes, DPD, secrets;
 *   - DescribeVpnConnectionLogs' time-window rules, appending, filtering, paging,
 *     retention and clean-up.
 * Real SQLite store (":memory:") with real gateways and customer gateways.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_connection_log.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define REGION "cn-hangzhou"

static struct vpn_gateway gw;	     /* dual-tunnel */
static struct vpn_gateway single_gw; /* single-tunnel (no second vSwitch) */
static struct customer_gateway cgw1, cgw2; /* cgw1 has ASN 65001 */

#define sql_count(sql, arg) test_count(st, (sql), (arg))

#define sql_exec1(sql, arg) test_exec1(st, (sql), (arg))

static void setup(void)
{
	struct model_ctx m;

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	test_make_gateways(&m, &gw, &single_gw);
	test_make_cgw_asn(&m, "203.0.113.1", "65001", &cgw1);
	test_make_cgw_asn(&m, "203.0.113.2", NULL, &cgw2);
}

/* ---- connections to look at ---- */

static void create_ok(struct model_ctx *m, const struct vpn_connection_create_args *a, struct vpn_connection *out)
{
	struct vl_err err;

	tx_begin();
	ck_assert_msg(tx_end(vpn_connection_create(m, a, out, &err)) == 0, "%s: %s", vl_err_code(&err),
		      vl_err_message(&err));
}

/* A single-tunnel connection (on single_gw, or unbound when gateway_id is NULL) with the given JSON documents. */
static void make_single(struct model_ctx *m, const char *gateway_id, const char *ike, const char *ipsec,
			const char *bgp, struct vpn_connection *out)
{
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gateway_id, .customer_gateway_id = cgw1.customer_gateway_id,
		.local_subnet = "10.0.0.0/16,10.1.0.0/16", .remote_subnet = "192.168.0.0/16",
		.ike_config = ike, .ipsec_config = ipsec, .bgp_config = bgp,
		.auto_config_route = false, .enable_dpd = true, .enable_nat_traversal = true,
	};

	create_ok(m, &a, out);
}

/* A dual-tunnel connection (on gateway_id, NULL: unbound): cgw1 master (IKEv2 etc.), cgw2 slave; extra leaves appended. */
static void make_dual_on(struct model_ctx *m, const char *gateway_id, bool bgp, struct vpn_connection *out)
{
	static const char *const leaves[][2] = {
		{ "TunnelOptionsSpecification.1.Role", "master" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeVersion", "ikev2" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeEncAlg", "aes256" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeAuthAlg", "sha256" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkePfs", "group14" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeLifetime", "3600" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.LocalId", "vpn.example.com" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.Psk", "master\"#{key}" },
		{ "TunnelOptionsSpecification.1.TunnelIpsecConfig.IpsecPfs", "disabled" },
		{ "TunnelOptionsSpecification.2.Role", "slave" },
		{ "TunnelOptionsSpecification.2.EnableDpd", "false" },
		{ "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeMode", "aggressive" },
		{ "TunnelOptionsSpecification.2.TunnelIkeConfig.Psk", "0xslavekey" },
	};
	/* tunnel CIDRs are unique per gateway: each connection gets its own pair (static: the specs borrow them) */
	static char cidrs[4][32];
	static int serial;
	struct ipsec_param p[countof(leaves) + 6];
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gateway_id, .local_subnet = "10.0.0.0/16",
		.remote_subnet = "192.168.0.0/16,172.16.0.0/12", .auto_config_route = false,
		.enable_tunnels_bgp = bgp,
	};
	struct vl_err err;
	int count = 0;
	size_t n = 0;

	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.1.CustomerGatewayId", cgw1.customer_gateway_id };
	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.2.CustomerGatewayId", cgw2.customer_gateway_id };
	for (size_t i = 0; i < countof(leaves); i++)
		p[n++] = (struct ipsec_param){ leaves[i][0], leaves[i][1] };
	serial = (serial + 1) % 100;
	snprintf(cidrs[0], sizeof(cidrs[0]), "169.254.%d.0/30", 10 + 2 * serial);
	snprintf(cidrs[1], sizeof(cidrs[1]), "169.254.%d.1", 10 + 2 * serial);
	snprintf(cidrs[2], sizeof(cidrs[2]), "169.254.%d.0/30", 11 + 2 * serial);
	snprintf(cidrs[3], sizeof(cidrs[3]), "169.254.%d.2", 11 + 2 * serial);
	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelBgpConfig.TunnelCidr", cidrs[0] };
	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelBgpConfig.LocalBgpIp", cidrs[1] };
	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.2.TunnelBgpConfig.TunnelCidr", cidrs[2] };
	p[n++] = (struct ipsec_param){ "TunnelOptionsSpecification.2.TunnelBgpConfig.LocalBgpIp", cidrs[3] };
	ck_assert_int_eq(ipsec_tunnel_specs_collect(p, n, specs, &count, &err), 0);
	a.tunnels = specs;
	a.tunnel_count = count;
	create_ok(m, &a, out);
}

static void make_dual(struct model_ctx *m, bool bgp, struct vpn_connection *out)
{
	make_dual_on(m, gw.vpn_gateway_id, bgp, out);
}

/* ---- JSON helpers ---- */

static json_t *jget(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *part;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(part)) : json_object_get(v, part);
	return v;
}

static const char *jstr(json_t *o, const char *path)
{
	json_t *v = jget(o, path);

	ck_assert_msg(v && json_is_string(v), "%s is not a string", path);
	return json_string_value(v);
}

static int64_t jint(json_t *o, const char *path)
{
	json_t *v = jget(o, path);

	ck_assert_msg(v && json_is_integer(v), "%s is not an integer", path);
	return json_integer_value(v);
}

/* The object's keys, sorted and comma-joined, equal want. */
static void assert_keys(json_t *o, const char *want)
{
	const char *keys[32], *k;
	char got[512] = "";
	json_t *v;
	size_t n = 0;

	ck_assert_ptr_nonnull(o);
	json_object_foreach(o, k, v) {
		ck_assert_uint_lt(n, countof(keys));
		keys[n++] = k;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			const char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		strcat(got, i ? "," : "");
		strcat(got, keys[i]);
	}
	ck_assert_str_eq(got, want);
}

static json_t *config_json(struct model_ctx *m, const char *id, struct vpn_connection_config *out)
{
	struct vl_err err;
	json_t *o;

	ck_assert_msg(vpn_connection_config_load(m, id, out, &err) == 0, "%s", vl_err_message(&err));
	o = vpn_connection_config_to_json(out);
	ck_assert_ptr_nonnull(o);
	return o;
}

#define IKE_KEYS "IkeAuthAlg,IkeEncAlg,IkeLifetime,IkeMode,IkePfs,IkeVersion,LocalId,Psk,RemoteId"
#define IPSEC_KEYS "IpsecAuthAlg,IpsecEncAlg,IpsecLifetime,IpsecPfs"

/* ---- DownloadVpnConnectionConfig ---- */

START_TEST(test_config_single)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	json_t *o;

	make_single(&m, single_gw.vpn_gateway_id,
		    "{\"IkeVersion\":\"ikev2\",\"IkeEncAlg\":\"aes192\",\"IkeAuthAlg\":\"sha1\",\"IkePfs\":\"group5\","
		    "\"IkeLifetime\":28800,\"Psk\":\"s3cret\",\"LocalId\":\"gw.example.com\"}",
		    "{\"IpsecEncAlg\":\"3des\",\"IpsecAuthAlg\":\"sha512\",\"IpsecPfs\":\"group1\",\"IpsecLifetime\":1800}",
		    "{\"EnableBgp\":true,\"LocalAsn\":65100,\"TunnelCidr\":\"169.254.20.0/30\",\"LocalBgpIp\":\"169.254.20.1\"}",
		    &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	assert_keys(o, "BgpConfigs,IkeConfig,IpsecConfig,Local,LocalSubnet,Remote,RemoteSubnet");
	/* the customer's side: Local is the customer gateway, LocalSubnet the data center */
	ck_assert_str_eq(jstr(o, "Local"), cgw1.ip_address);
	ck_assert_str_eq(jstr(o, "Remote"), single_gw.internet_ip);
	ck_assert_str_eq(jstr(o, "LocalSubnet"), "192.168.0.0/16");
	ck_assert_str_eq(jstr(o, "RemoteSubnet"), "10.0.0.0/16,10.1.0.0/16");
	assert_keys(jget(o, "IkeConfig"), IKE_KEYS);
	ck_assert_str_eq(jstr(o, "IkeConfig.LocalId"), cgw1.ip_address); /* the connection's RemoteId */
	ck_assert_str_eq(jstr(o, "IkeConfig.RemoteId"), "gw.example.com");
	ck_assert_str_eq(jstr(o, "IkeConfig.Psk"), "s3cret");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeVersion"), "ikev2");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeMode"), "main");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeEncAlg"), "aes192");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeAuthAlg"), "sha1");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkePfs"), "group5");
	ck_assert_int_eq(jint(o, "IkeConfig.IkeLifetime"), 28800);
	assert_keys(jget(o, "IpsecConfig"), IPSEC_KEYS);
	ck_assert_str_eq(jstr(o, "IpsecConfig.IpsecEncAlg"), "3des");
	ck_assert_str_eq(jstr(o, "IpsecConfig.IpsecAuthAlg"), "sha512");
	ck_assert_str_eq(jstr(o, "IpsecConfig.IpsecPfs"), "group1");
	ck_assert_int_eq(jint(o, "IpsecConfig.IpsecLifetime"), 1800);
	/* BGP from the customer's side, every field a string; no TunnelId for one tunnel */
	ck_assert_uint_eq(json_array_size(jget(o, "BgpConfigs.BgpConfig")), 1);
	assert_keys(jget(o, "BgpConfigs.BgpConfig.0"), "LocalAsn,LocalBgpIp,PeerAsn,PeerBgpIp,TunnelCidr");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.LocalAsn"), "65001");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.PeerAsn"), "65100");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.LocalBgpIp"), "169.254.20.2");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.PeerBgpIp"), "169.254.20.1");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.TunnelCidr"), "169.254.20.0/30");
	json_decref(o);
}
END_TEST

START_TEST(test_config_single_defaults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	json_t *o;

	make_single(&m, single_gw.vpn_gateway_id, NULL, NULL, NULL, &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	/* no BGP: no BgpConfigs */
	assert_keys(o, "IkeConfig,IpsecConfig,Local,LocalSubnet,Remote,RemoteSubnet");
	ck_assert_str_eq(jstr(o, "IkeConfig.LocalId"), cgw1.ip_address);
	ck_assert_str_eq(jstr(o, "IkeConfig.RemoteId"), single_gw.internet_ip);
	ck_assert_str_eq(jstr(o, "IkeConfig.Psk"), conn.ike.psk);
	ck_assert_int_eq(strlen(conn.ike.psk), 16);
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeVersion"), "ikev1");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeEncAlg"), "aes");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkeAuthAlg"), "md5");
	ck_assert_str_eq(jstr(o, "IkeConfig.IkePfs"), "group2");
	ck_assert_int_eq(jint(o, "IkeConfig.IkeLifetime"), 86400);
	ck_assert_str_eq(jstr(o, "IpsecConfig.IpsecPfs"), "group2");
	ck_assert_int_eq(jint(o, "IpsecConfig.IpsecLifetime"), 86400);
	json_decref(o);
}
END_TEST

START_TEST(test_config_dual)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	json_t *o;

	make_dual(&m, false, &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	/* the single-tunnel objects are absent; the tunnels carry them */
	assert_keys(o, "LocalSubnet,RemoteSubnet,TunnelsConfig");
	ck_assert_str_eq(jstr(o, "LocalSubnet"), "192.168.0.0/16,172.16.0.0/12");
	ck_assert_str_eq(jstr(o, "RemoteSubnet"), "10.0.0.0/16");
	ck_assert_uint_eq(json_array_size(jget(o, "TunnelsConfig.TunnelConfig")), 2);
	assert_keys(jget(o, "TunnelsConfig.TunnelConfig.0"), "IkeConfig,IpsecConfig,Local,Remote,TunnelId");
	assert_keys(jget(o, "TunnelsConfig.TunnelConfig.1.IkeConfig"), IKE_KEYS);
	assert_keys(jget(o, "TunnelsConfig.TunnelConfig.1.IpsecConfig"), IPSEC_KEYS);
	/* master first, each with its own peer and gateway address */
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.TunnelId"), conn.tunnels[0].tunnel_id);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.TunnelId"), conn.tunnels[1].tunnel_id);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.Local"), cgw1.ip_address);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.Local"), cgw2.ip_address);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.Remote"), gw.internet_ip);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.Remote"), gw.dr_internet_ip);
	ck_assert_str_ne(gw.internet_ip, gw.dr_internet_ip);
	/* identities swapped per tunnel */
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.IkeConfig.LocalId"), cgw1.ip_address);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.IkeConfig.RemoteId"), "vpn.example.com");
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.IkeConfig.LocalId"), cgw2.ip_address);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.IkeConfig.RemoteId"), gw.dr_internet_ip);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.IkeConfig.Psk"), "master\"#{key}");
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.IkeConfig.IkeVersion"), "ikev2");
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.IkeConfig.IkeMode"), "aggressive");
	ck_assert_int_eq(jint(o, "TunnelsConfig.TunnelConfig.0.IkeConfig.IkeLifetime"), 3600);
	ck_assert_int_eq(jint(o, "TunnelsConfig.TunnelConfig.1.IkeConfig.IkeLifetime"), 86400);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.IpsecConfig.IpsecPfs"), "disabled");
	ck_assert_int_eq(jint(o, "TunnelsConfig.TunnelConfig.0.IpsecConfig.IpsecLifetime"), 86400);
	json_decref(o);

	/* with tunnel BGP: one BgpConfig per tunnel, named by TunnelId */
	make_dual(&m, true, &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	assert_keys(o, "BgpConfigs,LocalSubnet,RemoteSubnet,TunnelsConfig");
	ck_assert_uint_eq(json_array_size(jget(o, "BgpConfigs.BgpConfig")), 2);
	assert_keys(jget(o, "BgpConfigs.BgpConfig.1"), "LocalAsn,LocalBgpIp,PeerAsn,PeerBgpIp,TunnelCidr,TunnelId");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.TunnelId"), conn.tunnels[0].tunnel_id);
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.LocalAsn"), "65001");
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.PeerAsn"), "45104");
	/* the customer's BGP address is the other host of the /30 (.1 on the gateway: .2 here) */
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.PeerBgpIp"), conn.tunnels[0].bgp.local_bgp_ip);
	ck_assert(strcmp(strrchr(jstr(o, "BgpConfigs.BgpConfig.0.LocalBgpIp"), '.'), ".2") == 0);
	ck_assert(strncmp(jstr(o, "BgpConfigs.BgpConfig.0.LocalBgpIp"), conn.tunnels[0].bgp.local_bgp_ip,
			  strlen(conn.tunnels[0].bgp.local_bgp_ip) - 1) == 0);
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.0.TunnelCidr"), conn.tunnels[0].bgp.tunnel_cidr);
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.1.LocalAsn"), ""); /* cgw2 has no ASN */
	ck_assert(strcmp(strrchr(jstr(o, "BgpConfigs.BgpConfig.1.LocalBgpIp"), '.'), ".1") == 0);
	ck_assert_str_eq(jstr(o, "BgpConfigs.BgpConfig.1.PeerBgpIp"), conn.tunnels[1].bgp.local_bgp_ip);
	ck_assert(strcmp(strrchr(conn.tunnels[1].bgp.local_bgp_ip, '.'), ".2") == 0);
	json_decref(o);
}
END_TEST

START_TEST(test_config_unbound)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	struct vl_err err;
	char *text = (char *)1;
	json_t *o;

	make_single(&m, NULL, NULL, NULL, NULL, &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	/* no gateway address yet: Remote and the gateway's identity are empty */
	ck_assert_str_eq(jstr(o, "Local"), cgw1.ip_address);
	ck_assert_str_eq(jstr(o, "Remote"), "");
	ck_assert_str_eq(jstr(o, "IkeConfig.RemoteId"), "");
	ck_assert_str_eq(jstr(o, "IkeConfig.LocalId"), cgw1.ip_address);
	json_decref(o);
	/* …so a customer device cannot be configured yet */
	test_assert_err(vpn_connection_config_swanctl(&c, &text, &err), &err, "IncorrectStatus.VpnConnection", 400);
	ck_assert_ptr_null(text);

	/* a transit router gives it an address */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_attachment(&m, conn.vpn_connection_id, "tr-1", "tr", "cen-1",
							      "198.51.100.7", "cn-hangzhou-h", &err)), 0);
	o = config_json(&m, conn.vpn_connection_id, &c);
	ck_assert_str_eq(jstr(o, "Remote"), "198.51.100.7");
	json_decref(o);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_ptr_nonnull(strstr(text, "        remote_addrs = 198.51.100.7\n"));
	/* the empty gateway identity is its address */
	ck_assert_ptr_nonnull(strstr(text, "        remote {\n            auth = psk\n            id = 198.51.100.7\n"));
	free(text);
}
END_TEST

START_TEST(test_config_unbound_dual)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn, bound;
	struct vl_err err;
	char *text = NULL;
	json_t *o;

	make_dual_on(&m, NULL, false, &conn);
	o = config_json(&m, conn.vpn_connection_id, &c);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.Remote"), "");
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.Remote"), "");
	json_decref(o);
	test_assert_err(vpn_connection_config_swanctl(&c, &text, &err), &err, "IncorrectStatus.VpnConnection", 400);

	/* the transit router gives each tunnel its own address */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_tunnel_endpoint(&m, conn.vpn_connection_id, conn.tunnels[0].tunnel_id,
								   "198.51.100.1", "cn-hangzhou-h", &err)), 0);
	o = config_json(&m, conn.vpn_connection_id, &c);
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.0.Remote"), "198.51.100.1");
	ck_assert_str_eq(jstr(o, "TunnelsConfig.TunnelConfig.1.Remote"), "");
	json_decref(o);
	test_assert_err(vpn_connection_config_swanctl(&c, &text, &err), &err, "IncorrectStatus.VpnConnection", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_tunnel_endpoint(&m, conn.vpn_connection_id, conn.tunnels[1].tunnel_id,
								   "198.51.100.2", "cn-hangzhou-i", &err)), 0);
	ck_assert_int_eq(vpn_connection_config_load(&m, conn.vpn_connection_id, &c, &err), 0);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_ptr_nonnull(strstr(text, "        remote_addrs = 198.51.100.2\n"));
	free(text);
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &bound, &err), 0);
	ck_assert_str_eq(bound.tunnels[1].zone_no, "cn-hangzhou-i");

	/* refused: a gateway's connection, an unknown tunnel, a bad address */
	make_dual(&m, false, &bound);
	tx_begin();
	test_assert_err(tx_end(vpn_connection_set_tunnel_endpoint(&m, bound.vpn_connection_id, bound.tunnels[0].tunnel_id,
							     "198.51.100.3", "", &err)), &err, "IncorrectStatus.VpnConnection", 400);
	tx_begin();
	test_assert_err(tx_end(vpn_connection_set_tunnel_endpoint(&m, conn.vpn_connection_id, "tun-nothere", "198.51.100.3", "",
							     &err)), &err, "InvalidTunnelId.NotFound", 404);
	tx_begin();
	test_assert_err(tx_end(vpn_connection_set_tunnel_endpoint(&m, conn.vpn_connection_id, conn.tunnels[0].tunnel_id,
							     "198.51.100.300", "", &err)), &err, "InvalidInternetIp", 400);
	/* detached: no address again */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_set_tunnel_endpoint(&m, conn.vpn_connection_id, conn.tunnels[0].tunnel_id,
								   NULL, NULL, &err)), 0);
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &bound, &err), 0);
	ck_assert_str_eq(bound.tunnels[0].internet_ip, "");
}
END_TEST

START_TEST(test_config_not_found)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx("acct-b", REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	struct vl_err err;

	test_assert_err(vpn_connection_config_load(&m, "vco-nothere", &c, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
	make_single(&m, single_gw.vpn_gateway_id, NULL, NULL, NULL, &conn);
	test_assert_err(vpn_connection_config_load(&other, conn.vpn_connection_id, &c, &err), &err,
		   "InvalidVpnConnectionInstanceId.NotFound", 404);
}
END_TEST

/* ---- a reader of the strongswan.conf syntax, as swanctl's parser takes it ---- */

#define DOC_MAX 512

struct swan_doc {
	int n;
	char path[DOC_MAX][192];
	char value[DOC_MAX][512];
	int nsec;
	char section[DOC_MAX][192];
};

/* Section names and keys: any printable character except . , : { } = " # and white space. */
static bool swan_name_ok(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || strchr(".,:{}=\"#", s[i]))
			return false;
	return true;
}

/*
 * Reads text line by line (the generator writes one statement per line, indented by four
 * spaces per level) into d.  Quoted values are unescaped; bare values may not hold
 * characters that start a comment, a section or a quote.  Returns NULL or what is wrong.
 */
static const char *swan_parse(const char *text, struct swan_doc *d)
{
	static char why[256];
	char stack[16][192];
	int depth = 0, lineno = 0;

	memset(d, 0, sizeof(*d));
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n'), *s = p;
		size_t len, indent = 0;
		char line[1024];

		lineno++;
		if (end == NULL)
			return "the text does not end with a newline";
		len = (size_t)(end - p);
		if (len >= sizeof(line))
			return "line too long";
		memcpy(line, p, len);
		line[len] = '\0';
		p = end + 1;
		s = line;
		while (*s == ' ')
			s++, indent++;
		if (*s == '\0' || *s == '#')
			continue;
		if (strcmp(s, "}") == 0) {
			if (depth == 0)
				return "unbalanced }";
			depth--;
			if (indent != (size_t)depth * 4)
				return snprintf(why, sizeof(why), "line %d: indentation", lineno), why;
			continue;
		}
		if (indent != (size_t)depth * 4)
			return snprintf(why, sizeof(why), "line %d: indentation", lineno), why;
		if (len >= 2 && strcmp(line + len - 2, " {") == 0) {
			size_t nlen = strlen(s) - 2;

			if (!swan_name_ok(s, nlen) || depth >= 16)
				return snprintf(why, sizeof(why), "line %d: bad section name", lineno), why;
			snprintf(stack[depth], sizeof(stack[depth]), "%s%s%.*s", depth ? stack[depth - 1] : "",
				 depth ? "." : "", (int)nlen, s);
			ck_assert_int_lt(d->nsec, DOC_MAX);
			strcpy(d->section[d->nsec++], stack[depth]);
			depth++;
			continue;
		}
		{
			const char *eq = strstr(s, " = ");
			char value[512];
			size_t vlen = 0;

			if (eq == NULL || !swan_name_ok(s, (size_t)(eq - s)))
				return snprintf(why, sizeof(why), "line %d: not key = value: %.64s", lineno, s), why;
			if (depth == 0)
				return "key outside a section";
			eq += 3;
			if (*eq == '"') {
				for (eq++; *eq && *eq != '"'; eq++) {
					if (*eq == '\\') {
						eq++;
						if (*eq != '"' && *eq != '\\')
							return snprintf(why, sizeof(why), "line %d: escape", lineno), why;
					}
					value[vlen++] = *eq;
				}
				if (*eq != '"' || eq[1] != '\0')
					return snprintf(why, sizeof(why), "line %d: unterminated quote", lineno), why;
			} else {
				if (*eq == '\0' || strpbrk(eq, "#{}\" \t"))
					return snprintf(why, sizeof(why), "line %d: bare value %s", lineno, eq), why;
				vlen = strlen(eq);
				memcpy(value, eq, vlen);
			}
			value[vlen] = '\0';
			ck_assert_int_lt(d->n, DOC_MAX);
			snprintf(d->path[d->n], sizeof(d->path[d->n]), "%s.%.*s", stack[depth - 1], (int)(strchr(s, ' ') - s), s);
			for (int i = 0; i < d->n; i++)
				if (strcmp(d->path[i], d->path[d->n]) == 0)
					return snprintf(why, sizeof(why), "line %d: duplicate key %s", lineno, d->path[i]), why;
			strcpy(d->value[d->n], value);
			d->n++;
		}
	}
	return depth == 0 ? NULL : "unbalanced {";
}

/* The value at path, or NULL. */
static const char *sget(const struct swan_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *sget(const struct swan_doc *d, const char *fmt, ...)
{
	char path[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->path[i], path) == 0)
			return d->value[i];
	return NULL;
}

/* How many sections sit directly under prefix. */
static int sections_under(const struct swan_doc *d, const char *prefix)
{
	size_t plen = strlen(prefix);
	int n = 0;

	for (int i = 0; i < d->nsec; i++)
		if (strncmp(d->section[i], prefix, plen) == 0 && d->section[i][plen] == '.' &&
		    strchr(d->section[i] + plen + 1, '.') == NULL)
			n++;
	return n;
}

static void assert_sval(const struct swan_doc *d, const char *path, const char *want)
{
	const char *got = sget(d, "%s", path);

	ck_assert_msg(got != NULL, "%s missing", path);
	ck_assert_msg(strcmp(got, want) == 0, "%s = '%s', want '%s'", path, got, want);
}

static void parse_ok(const char *text, struct swan_doc *d)
{
	const char *why = swan_parse(text, d);

	ck_assert_msg(why == NULL, "%s in:\n%s", why, text);
}

START_TEST(test_reader_refuses)
{
	struct swan_doc *d = malloc(sizeof(*d));

	/* the reader itself must be able to say no */
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(swan_parse("connections {\n    a {\n}\n", d));
	ck_assert_ptr_nonnull(swan_parse("connections {\n    id = a#b\n}\n", d));
	ck_assert_ptr_nonnull(swan_parse("connections {\n    id = \"a\"b\"\n}\n", d));
	ck_assert_ptr_nonnull(swan_parse("connections {\n    x.y {\n    }\n}\n", d));
	ck_assert_ptr_nonnull(swan_parse("connections {\n    k = 1\n    k = 2\n}\n", d));
	ck_assert_ptr_null(swan_parse("connections {\n    id = \"a\\\"b\"\n}\n", d));
	ck_assert_str_eq(sget(d, "connections.id"), "a\"b");
	free(d);
}
END_TEST

/* ---- swanctl.conf for several parameter sets ---- */

struct swan_case {
	const char *name;
	/* input: the customer's view of one single-tunnel connection */
	const char *version, *mode, *enc, *auth, *pfs;
	int64_t ike_life;
	const char *p2_enc, *p2_auth, *p2_pfs;
	int64_t p2_life;
	bool dpd;
	const char *local_subnet, *remote_subnet, *local_id, *remote_id, *psk;
	/* expected */
	const char *version_out, *proposals, *esp, *ike_rekey, *over, *child_rekey, *child_life;
	const char *local_id_out, *remote_id_out, *secret_out;
	int children; /* 1: one child named after the connection */
	const char *ts[4][2]; /* local_ts, remote_ts of each child */
};

static const struct swan_case swan_cases[] = {
	{ "cloud defaults", "ikev1", "main", "aes", "md5", "group2", 86400, "aes", "md5", "group2", 86400, true,
	  "192.168.0.0/16", "10.0.0.0/16", "203.0.113.1", "198.18.0.9", "abc123",
	  "1", "aes128-md5-modp1024", "aes128-md5-modp1024", "77760s", "8640s", "77760s", "86400s",
	  "203.0.113.1", "198.18.0.9", "abc123", 1, { { "192.168.0.0/16", "10.0.0.0/16" } } },
	{ "ikev2, strong algorithms, no pfs, several subnets, fqdn ids", "ikev2", "main", "aes256", "sha256", "group14", 3600,
	  "aes192", "sha512", "disabled", 1800, false,
	  "192.168.0.0/24,192.168.1.0/24", "10.0.0.0/16,10.1.0.0/16,10.2.0.0/16", "branch.example.com", "user@example.com",
	  "q\"#{}[]|;:,.<>/?~!`@$%^&*()_-+=",
	  "2", "aes256-sha256-modp2048", "aes192-sha512", "3240s", "360s", "1620s", "1800s",
	  "fqdn:branch.example.com", "fqdn:user@example.com", "q\"#{}[]|;:,.<>/?~!`@$%^&*()_-+=", 1,
	  { { "192.168.0.0/24,192.168.1.0/24", "10.0.0.0/16,10.1.0.0/16,10.2.0.0/16" } } },
	{ "ikev1 aggressive, legacy algorithms, lifetime 0, subnet pairs, hex key", "ikev1", "aggressive", "des", "sha1", "group1", 0,
	  "3des", "sha384", "group5", 0, true,
	  "192.168.0.0/24,192.168.1.0/24", "10.0.0.0/16,10.1.0.0/16", "203.0.113.1", "CN=vpn,O=lab", "0xbeef",
	  "1", "des-sha1-modp768", "3des-sha384-modp1536", "0s", "0s", "0s", "0s",
	  "203.0.113.1", "fqdn:CN=vpn,O=lab", "0xbeef", 4,
	  { { "192.168.0.0/24", "10.0.0.0/16" }, { "192.168.0.0/24", "10.1.0.0/16" },
	    { "192.168.1.0/24", "10.0.0.0/16" }, { "192.168.1.0/24", "10.1.0.0/16" } } },
	{ "ikev2 ignores the IKEv1 mode; empty ids are the addresses; destination routing", "ikev2", "aggressive", "3des", "sha384",
	  "group5", 7, "des", "md5", "group1", 19, true,
	  "0.0.0.0/0", "0.0.0.0/0", "", "", "0sAbCd",
	  "2", "3des-sha384-modp1536", "des-md5-modp768", "7s", "0s", "18s", "19s",
	  "203.0.113.77", "198.18.0.1", "0sAbCd", 1, { { "0.0.0.0/0", "0.0.0.0/0" } } },
};

static void fill_case(const struct swan_case *k, struct vpn_connection_config *c)
{
	struct vpn_connection_config_tunnel *t = &c->tunnels[0];

	memset(c, 0, sizeof(*c));
	strcpy(c->vpn_connection_id, "vco-case");
	c->tunnel_count = 1;
	strcpy(c->local_subnet, k->local_subnet);
	strcpy(c->remote_subnet, k->remote_subnet);
	strcpy(t->local_addr, k->local_id[0] ? "203.0.113.1" : "203.0.113.77");
	strcpy(t->remote_addr, k->remote_id[0] ? "198.18.0.9" : "198.18.0.1");
	strcpy(t->ike.ike_version, k->version);
	strcpy(t->ike.ike_mode, k->mode);
	strcpy(t->ike.ike_enc_alg, k->enc);
	strcpy(t->ike.ike_auth_alg, k->auth);
	strcpy(t->ike.ike_pfs, k->pfs);
	t->ike.ike_lifetime = k->ike_life;
	strcpy(t->ike.local_id, k->local_id);
	strcpy(t->ike.remote_id, k->remote_id);
	strcpy(t->ike.psk, k->psk);
	strcpy(t->ipsec.enc_alg, k->p2_enc);
	strcpy(t->ipsec.auth_alg, k->p2_auth);
	strcpy(t->ipsec.pfs, k->p2_pfs);
	t->ipsec.lifetime = k->p2_life;
	t->enable_dpd = k->dpd;
}

/* The secret as swanctl turns it into bytes: 0x… is hex. */
static void secret_bytes(const char *value, char *out, size_t size)
{
	if (strncmp(value, "0x", 2) == 0) {
		size_t n = 0;

		for (const char *p = value + 2; p[0] && p[1] && n + 1 < size; p += 2) {
			unsigned byte;

			ck_assert_int_eq(sscanf(p, "%2x", &byte), 1);
			out[n++] = (char)byte;
		}
		out[n] = '\0';
		return;
	}
	snprintf(out, size, "%s", value);
}

START_TEST(test_swanctl_cases)
{
	const struct swan_case *k = &swan_cases[_i];
	struct vpn_connection_config c;
	struct swan_doc *d = malloc(sizeof(*d));
	char child[64], bytes[256];
	const char *conn = "connections.vco-case";
	char *text = NULL;
	struct vl_err err;

	ck_assert_ptr_nonnull(d);
	fill_case(k, &c);
	ck_assert_msg(vpn_connection_config_swanctl(&c, &text, &err) == 0, "%s: %s", k->name, vl_err_message(&err));
	parse_ok(text, d);
	ck_assert_int_eq(sections_under(d, "connections"), 1);
	assert_sval(d, "connections.vco-case.version", k->version_out);
	assert_sval(d, "connections.vco-case.local_addrs", c.tunnels[0].local_addr);
	assert_sval(d, "connections.vco-case.remote_addrs", c.tunnels[0].remote_addr);
	assert_sval(d, "connections.vco-case.proposals", k->proposals);
	assert_sval(d, "connections.vco-case.rekey_time", k->ike_rekey);
	assert_sval(d, "connections.vco-case.over_time", k->over);
	assert_sval(d, "connections.vco-case.keyingtries", "0");
	if (strcmp(k->version, "ikev1") == 0 && strcmp(k->mode, "aggressive") == 0)
		assert_sval(d, "connections.vco-case.aggressive", "yes");
	else
		ck_assert_ptr_null(sget(d, "%s.aggressive", conn));
	if (k->dpd)
		assert_sval(d, "connections.vco-case.dpd_delay", "30s");
	else
		ck_assert_ptr_null(sget(d, "%s.dpd_delay", conn));
	assert_sval(d, "connections.vco-case.local.auth", "psk");
	assert_sval(d, "connections.vco-case.remote.auth", "psk");
	assert_sval(d, "connections.vco-case.local.id", k->local_id_out);
	assert_sval(d, "connections.vco-case.remote.id", k->remote_id_out);
	ck_assert_int_eq(sections_under(d, "connections.vco-case.children"), k->children);
	for (int i = 0; i < k->children; i++) {
		if (k->children == 1)
			snprintf(child, sizeof(child), "vco-case");
		else
			snprintf(child, sizeof(child), "vco-case-%d", i + 1);
		ck_assert_str_eq(sget(d, "%s.children.%s.local_ts", conn, child), k->ts[i][0]);
		ck_assert_str_eq(sget(d, "%s.children.%s.remote_ts", conn, child), k->ts[i][1]);
		ck_assert_str_eq(sget(d, "%s.children.%s.esp_proposals", conn, child), k->esp);
		ck_assert_str_eq(sget(d, "%s.children.%s.rekey_time", conn, child), k->child_rekey);
		ck_assert_str_eq(sget(d, "%s.children.%s.life_time", conn, child), k->child_life);
		ck_assert_str_eq(sget(d, "%s.children.%s.start_action", conn, child), "start");
		if (k->dpd)
			ck_assert_str_eq(sget(d, "%s.children.%s.dpd_action", conn, child), "restart");
		else
			ck_assert_ptr_null(sget(d, "%s.children.%s.dpd_action", conn, child));
	}
	/* one secret, bound to both identities exactly as the connection states them */
	ck_assert_int_eq(sections_under(d, "secrets"), 1);
	assert_sval(d, "secrets.ike-vco-case.id-local", k->local_id_out);
	assert_sval(d, "secrets.ike-vco-case.id-remote", k->remote_id_out);
	ck_assert_ptr_nonnull(sget(d, "secrets.ike-vco-case.secret"));
	secret_bytes(sget(d, "secrets.ike-vco-case.secret"), bytes, sizeof(bytes));
	ck_assert_str_eq(bytes, k->secret_out);
	/* a key that looks like swanctl's hex/Base64 forms is written in hex, never as text */
	if (strncmp(k->psk, "0x", 2) == 0 || strncmp(k->psk, "0s", 2) == 0)
		ck_assert(strncmp(sget(d, "secrets.ike-vco-case.secret"), "0x", 2) == 0 &&
			  strcmp(sget(d, "secrets.ike-vco-case.secret"), k->psk) != 0);
	free(text);
	free(d);
}
END_TEST

START_TEST(test_swanctl_maps)
{
	static const char *const enc[][2] = {
		{ "aes", "aes128" }, { "aes192", "aes192" }, { "aes256", "aes256" }, { "des", "des" }, { "3des", "3des" },
	};
	static const char *const dh[][2] = {
		{ "group1", "modp768" }, { "group2", "modp1024" }, { "group5", "modp1536" }, { "group14", "modp2048" },
	};

	for (size_t i = 0; i < countof(enc); i++)
		ck_assert_str_eq(vpn_connection_config_swan_enc(enc[i][0]), enc[i][1]);
	for (size_t i = 0; i < countof(dh); i++)
		ck_assert_str_eq(vpn_connection_config_swan_dh(dh[i][0]), dh[i][1]);
	ck_assert_ptr_null(vpn_connection_config_swan_enc("sm4"));
	ck_assert_ptr_null(vpn_connection_config_swan_dh("disabled"));
	ck_assert_ptr_null(vpn_connection_config_swan_dh(NULL));
}
END_TEST

START_TEST(test_swanctl_dual)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	struct swan_doc *d = malloc(sizeof(*d));
	const char *t1, *t2;
	char *text = NULL, bytes[64];
	struct vl_err err;

	ck_assert_ptr_nonnull(d);
	make_dual(&m, false, &conn);
	ck_assert_int_eq(vpn_connection_config_load(&m, conn.vpn_connection_id, &c, &err), 0);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	parse_ok(text, d);
	t1 = conn.tunnels[0].tunnel_id;
	t2 = conn.tunnels[1].tunnel_id;
	/* one connection per tunnel, named after it */
	ck_assert_int_eq(sections_under(d, "connections"), 2);
	ck_assert_str_eq(sget(d, "connections.%s.local_addrs", t1), cgw1.ip_address);
	ck_assert_str_eq(sget(d, "connections.%s.remote_addrs", t1), gw.internet_ip);
	ck_assert_str_eq(sget(d, "connections.%s.local_addrs", t2), cgw2.ip_address);
	ck_assert_str_eq(sget(d, "connections.%s.remote_addrs", t2), gw.dr_internet_ip);
	/* master: IKEv2 aes256/sha256/group14, 3600 s, ESP without PFS; slave: IKEv1 aggressive defaults */
	ck_assert_str_eq(sget(d, "connections.%s.version", t1), "2");
	ck_assert_str_eq(sget(d, "connections.%s.proposals", t1), "aes256-sha256-modp2048");
	ck_assert_str_eq(sget(d, "connections.%s.rekey_time", t1), "3240s");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s.esp_proposals", t1, t1), "aes128-md5");
	ck_assert_str_eq(sget(d, "connections.%s.version", t2), "1");
	ck_assert_str_eq(sget(d, "connections.%s.aggressive", t2), "yes");
	ck_assert_str_eq(sget(d, "connections.%s.proposals", t2), "aes128-md5-modp1024");
	/* DPD per tunnel (the slave's is off) */
	ck_assert_str_eq(sget(d, "connections.%s.dpd_delay", t1), "30s");
	ck_assert_ptr_null(sget(d, "connections.%s.dpd_delay", t2));
	/* identities: the customer's is the connection's RemoteId, the gateway's its LocalId */
	ck_assert_str_eq(sget(d, "connections.%s.local.id", t1), cgw1.ip_address);
	ck_assert_str_eq(sget(d, "connections.%s.remote.id", t1), "fqdn:vpn.example.com");
	ck_assert_str_eq(sget(d, "connections.%s.remote.id", t2), gw.dr_internet_ip);
	/* selectors swapped: the customer protects its RemoteSubnet towards the VPC's LocalSubnet */
	ck_assert_str_eq(sget(d, "connections.%s.children.%s.local_ts", t1, t1), "192.168.0.0/16,172.16.0.0/12");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s.remote_ts", t1, t1), "10.0.0.0/16");
	/* IKEv1 needs one CHILD_SA per selector pair: two local blocks, one remote */
	ck_assert_int_eq(sections_under(d, "connections.tun"), 0);
	{
		char prefix[128];

		snprintf(prefix, sizeof(prefix), "connections.%s.children", t2);
		ck_assert_int_eq(sections_under(d, prefix), 2);
	}
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-1.local_ts", t2, t2), "192.168.0.0/16");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-2.local_ts", t2, t2), "172.16.0.0/12");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-2.remote_ts", t2, t2), "10.0.0.0/16");
	/* a secret per tunnel */
	ck_assert_int_eq(sections_under(d, "secrets"), 2);
	ck_assert_str_eq(sget(d, "secrets.ike-%s.id-local", t1), cgw1.ip_address);
	ck_assert_str_eq(sget(d, "secrets.ike-%s.id-remote", t1), "fqdn:vpn.example.com");
	ck_assert_str_eq(sget(d, "secrets.ike-%s.secret", t1), "master\"#{key}");
	secret_bytes(sget(d, "secrets.ike-%s.secret", t2), bytes, sizeof(bytes));
	ck_assert_str_eq(bytes, "0xslavekey");
	ck_assert_str_eq(sget(d, "secrets.ike-%s.id-remote", t2), gw.dr_internet_ip);
	free(text);
	free(d);
}
END_TEST

/* --dpd-delay-s reaches both sides' texts; its default keeps them as they always were */
START_TEST(test_swanctl_dpd_delay)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	struct swan_doc *d = malloc(sizeof(*d));
	char *text = NULL, *before = NULL;
	const char *id;
	struct vl_err err;

	ck_assert_ptr_nonnull(d);
	make_single(&m, single_gw.vpn_gateway_id, NULL, NULL, NULL, &conn);
	id = conn.vpn_connection_id;
	ck_assert_int_eq(vpn_connection_get(&m, id, &conn, &err), 0);
	ck_assert_int_eq(cfg.dpd_delay_s, 30);

	/* the default: 30 s; a configuration naming no interval renders the same bytes */
	ck_assert_int_eq(vpn_connection_config_load(&m, id, &c, &err), 0);
	ck_assert_int_eq(c.dpd_delay_s, 30);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &before, &err), 0);
	c.dpd_delay_s = 0;
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_str_eq(text, before);
	parse_ok(text, d);
	ck_assert_str_eq(sget(d, "connections.%s.dpd_delay", id), "30s");
	free(text);
	free(before);

	cfg.dpd_delay_s = 1;
	/* the customer side (LabDownloadCustomerSwanctlConfig) */
	ck_assert_int_eq(vpn_connection_config_load(&m, id, &c, &err), 0);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	parse_ok(text, d);
	ck_assert_str_eq(sget(d, "connections.%s.dpd_delay", id), "1s");
	ck_assert_ptr_null(strstr(text, "dpd_delay = 30s"));
	free(text);
	/* the gateway side (the data plane's endpoints) */
	ck_assert_int_eq(vpn_connection_config_build_gateway_side(&m, &conn, &c, &err), 0);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	parse_ok(text, d);
	ck_assert_str_eq(sget(d, "connections.%s.dpd_delay", id), "1s");
	free(text);
	/* still only where DPD is on */
	c.tunnels[0].enable_dpd = false;
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_ptr_null(strstr(text, "dpd_delay"));
	free(text);
	free(d);
}
END_TEST

/* A gateway-side standby tunnel: a child priority just behind strongSwan's automatic one. */
START_TEST(test_swanctl_standby_priority)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config c;
	struct vpn_connection conn;
	struct swan_doc *d = malloc(sizeof(*d));
	unsigned automatic = 400000 - 512 * 32 - 1; /* kernel-netlink's for a /16 === /16 policy */
	char *text = NULL;
	const char *id;
	struct vl_err err;

	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(vpn_connection_config_standby_priority("10.1.0.0/16", "172.20.0.0/16"), automatic + 2);
	ck_assert_uint_eq(vpn_connection_config_standby_priority("0.0.0.0/0", "0.0.0.0/0"), 400001);
	/* the least specific pair counts: a /28 prefix sum */
	ck_assert_uint_eq(vpn_connection_config_standby_priority("10.1.2.0/24,10.0.0.0/16",
								 "172.16.0.0/12,192.168.0.0/16"),
			  400000 - 512 * 28 + 1);
	/* behind the automatic one of the same size, ahead of every less specific one */
	ck_assert_uint_gt(vpn_connection_config_standby_priority("10.0.0.0/16", "192.168.0.0/16"), automatic);
	ck_assert_uint_lt(vpn_connection_config_standby_priority("10.0.0.0/16", "192.168.0.0/16"),
			  400000 - 512 * 31 - 1);
	ck_assert_uint_eq(vpn_connection_config_standby_priority("", "10.0.0.0/8"), 0);

	/* IKEv1 gateway side: one child per pair of selectors, each with its priority */
	make_single(&m, single_gw.vpn_gateway_id, NULL, NULL, NULL, &conn);
	id = conn.vpn_connection_id;
	ck_assert_int_eq(vpn_connection_get(&m, id, &conn, &err), 0);
	ck_assert_int_eq(vpn_connection_config_build_gateway_side(&m, &conn, &c, &err), 0);
	ck_assert(!c.tunnels[0].standby);
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_ptr_null(strstr(text, "priority"));
	free(text);
	c.tunnels[0].standby = true;
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	parse_ok(text, d);
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-1.local_ts", id, id), "10.0.0.0/16");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-1.priority", id, id), "383617");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-2.local_ts", id, id), "10.1.0.0/16");
	ck_assert_str_eq(sget(d, "connections.%s.children.%s-2.priority", id, id), "383617");
	ck_assert_ptr_null(sget(d, "connections.%s.priority", id));
	free(text);
	/* an IKEv2 child holds every selector: its least specific pair */
	snprintf(c.tunnels[0].ike.ike_version, sizeof(c.tunnels[0].ike.ike_version), "ikev2");
	snprintf(c.remote_subnet, sizeof(c.remote_subnet), "192.168.0.0/16,172.16.0.0/12");
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	parse_ok(text, d);
	ck_assert_str_eq(sget(d, "connections.%s.children.%s.priority", id, id), "385665");
	free(text);

	/* the customer's texts never carry one */
	ck_assert_int_eq(vpn_connection_config_load(&m, id, &c, &err), 0);
	c.tunnels[0].standby = true;
	ck_assert_int_eq(vpn_connection_config_swanctl(&c, &text, &err), 0);
	ck_assert_ptr_null(strstr(text, "priority"));
	free(text);
	free(d);
}
END_TEST

/* ---- DescribeVpnConnectionLogs ---- */

struct window_case {
	int64_t from, to, period;
	const char *code; /* NULL: accepted */
	int64_t start_ms, end_ms;
};

#define NOW_S (NOW / 1000)

static const struct window_case window_cases[] = {
	{ 1000, 2000, -1, NULL, 1000000, 2001000 },
	{ 1000, 1000, -1, NULL, 1000000, 1001000 },
	{ 1000, 2000, 3, NULL, 1000000, 2001000 }, /* both bounds: MinutePeriod decides nothing */
	{ 2000, 1000, -1, "IllegalParam.To", 0, 0 },
	{ 1000, -1, 5, NULL, 1000000, 1301000 },
	{ -1, 1000, 10, NULL, 400000, 1001000 },
	{ -1, 100, 10, NULL, 0, 101000 },
	{ -1, -1, 1, NULL, (NOW_S - 60) * 1000, (NOW_S + 1) * 1000 },
	{ 1000, -1, -1, "MissingMinutePeriod", 0, 0 },
	{ -1, 1000, -1, "MissingMinutePeriod", 0, 0 },
	{ -1, -1, -1, "MissingMinutePeriod", 0, 0 },
	{ -1, -1, 0, "InvalidMinutePeriod", 0, 0 },
	{ -1, -1, 11, "InvalidMinutePeriod", 0, 0 },
	{ -5, 1000, 1, "InvalidFrom", 0, 0 },
	{ 1000, 4294967296LL, 1, "InvalidTo", 0, 0 },
};

START_TEST(test_log_window)
{
	const struct window_case *k = &window_cases[_i];
	int64_t start = -7, end = -7;
	struct vl_err err;
	int rc = vpn_connection_log_window(k->from, k->to, k->period, NOW, &start, &end, &err);

	if (k->code) {
		test_assert_err(rc, &err, k->code, 400);
		ck_assert_int_eq(start, -7);
		return;
	}
	ck_assert_msg(rc == 0, "case %d: %s", _i, vl_err_message(&err));
	ck_assert_int_eq(start, k->start_ms);
	ck_assert_int_eq(end, k->end_ms);
}
END_TEST

static int append(struct model_ctx *m, const char *id, const char *tunnel, int64_t t, const char *line,
		  struct vl_err *err)
{
	tx_begin();
	return tx_end(vpn_connection_log_append(m, id, tunnel, t, line, err));
}

static void append_ok(struct model_ctx *m, const char *id, const char *tunnel, int64_t t, const char *line)
{
	struct vl_err err;

	ck_assert_msg(append(m, id, tunnel, t, line, &err) == 0, "%s", vl_err_message(&err));
}

/* The lines a query answers, joined by '|'; "ERR:<code>" on error. */
static const char *query(struct model_ctx *m, const char *id, const char *tunnel, int64_t from, int64_t to,
			 int64_t period, int64_t offset, int64_t limit)
{
	static char out[1024];
	struct vpn_connection_log_query q = {
		.vpn_connection_id = id, .tunnel_id = tunnel, .from = from, .to = to, .minute_period = period,
		.offset = offset, .limit = limit,
	};
	json_t *logs = json_array();
	struct vl_err err;

	out[0] = '\0';
	if (vpn_connection_log_query(m, &q, logs, &err) < 0) {
		snprintf(out, sizeof(out), "ERR:%s", vl_err_code(&err));
		json_decref(logs);
		return out;
	}
	for (size_t i = 0; i < json_array_size(logs); i++) {
		ck_assert(json_is_string(json_array_get(logs, i)));
		strcat(out, i ? "|" : "");
		strcat(out, json_string_value(json_array_get(logs, i)));
	}
	json_decref(logs);
	return out;
}

START_TEST(test_logs)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), other = test_ctx("acct-b", REGION);
	struct vpn_connection dual, single;
	const char *t1, *t2, *D, *S;
	int64_t before;
	struct vl_err err;
	char big[VCO_LOG_LINE_MAX + 2];

	make_dual(&m, false, &dual);
	make_single(&m, single_gw.vpn_gateway_id, NULL, NULL, NULL, &single);
	D = dual.vpn_connection_id;
	S = single.vpn_connection_id;
	t1 = dual.tunnels[0].tunnel_id;
	t2 = dual.tunnels[1].tunnel_id;

	/* no data plane yet: nothing, and no made-up lines */
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, 10, 0, 10), "");

	append_ok(&m, D, t1, NOW - 120000, "l1");
	append_ok(&m, D, t2, NOW - 60000, "l2");
	append_ok(&m, D, "", NOW - 30000, "l3");
	append_ok(&m, D, t1, NOW - 1000, "l4 \xe6\x97\xa5\xe5\xbf\x97\n"); /* a trailing newline is dropped */
	append_ok(&m, D, t2, NOW - 120000, "l0"); /* same millisecond as l1: written order */
	append_ok(&m, S, NULL, NOW - 5000, "s1");

	/* oldest first; the window of the last 10 minutes; tunnel filter; pages */
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, 10, 0, 10), "l1|l0|l2|l3|l4 \xe6\x97\xa5\xe5\xbf\x97");
	ck_assert_str_eq(query(&m, D, t1, -1, -1, 10, 0, 10), "l1|l4 \xe6\x97\xa5\xe5\xbf\x97");
	ck_assert_str_eq(query(&m, D, t2, -1, -1, 10, 0, 10), "l0|l2");
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, 10, 2, 2), "l2|l3");
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, 10, 5, 2), "");
	/* the last minute: l2 is exactly 60 s old, on the window's first millisecond */
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, 1, 0, 10), "l2|l3|l4 \xe6\x97\xa5\xe5\xbf\x97");
	/* From/To in seconds, To's second included */
	ck_assert_str_eq(query(&m, D, NULL, (NOW - 90000) / 1000, (NOW - 30000) / 1000, -1, 0, 10), "l2|l3");
	ck_assert_str_eq(query(&m, D, NULL, (NOW - 120000) / 1000, -1, 1, 0, 10), "l1|l0|l2");
	ck_assert_str_eq(query(&m, D, NULL, -1, (NOW - 60000) / 1000, 1, 0, 10), "l1|l0|l2");
	ck_assert_str_eq(query(&m, S, NULL, -1, -1, 10, 0, 10), "s1");

	/* refusals */
	ck_assert_str_eq(query(&m, D, NULL, -1, -1, -1, 0, 10), "ERR:MissingMinutePeriod");
	ck_assert_str_eq(query(&m, D, NULL, 2000, 1000, -1, 0, 10), "ERR:IllegalParam.To");
	ck_assert_str_eq(query(&m, D, "tun-nothere", -1, -1, 10, 0, 10), "ERR:InvalidTunnelId.NotFound");
	ck_assert_str_eq(query(&m, S, t1, -1, -1, 10, 0, 10), "ERR:InvalidTunnelId.NotFound");
	ck_assert_str_eq(query(&m, "vco-nothere", NULL, -1, -1, 10, 0, 10), "ERR:InvalidVpnConnectionInstanceId.NotFound");
	ck_assert_str_eq(query(&other, D, NULL, -1, -1, 10, 0, 10), "ERR:InvalidVpnConnectionInstanceId.NotFound");

	/* bad lines change nothing */
	before = sql_count("SELECT COUNT(*) FROM vpn_connection_logs", NULL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	test_assert_err(append(&m, D, t1, NOW, "two\nlines", &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, "", &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, "\r\n", &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, "bad \xff utf-8", &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, "cut \xe6\x97", &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, big, &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, NOW, NULL, &err), &err, "InvalidLine", 400);
	test_assert_err(append(&m, D, t1, -1, "x", &err), &err, "InvalidTime", 400);
	test_assert_err(append(&m, D, "tun-nothere", NOW, "x", &err), &err, "InvalidTunnelId.NotFound", 404);
	test_assert_err(append(&m, S, t1, NOW, "x", &err), &err, "InvalidTunnelId.NotFound", 404);
	test_assert_err(append(&m, "vco-nothere", NULL, NOW, "x", &err), &err, "InvalidVpnConnectionInstanceId.NotFound", 404);
	test_assert_err(append(&other, D, NULL, NOW, "x", &err), &err, "InvalidVpnConnectionInstanceId.NotFound", 404);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_logs", NULL), before);
	big[VCO_LOG_LINE_MAX] = '\n'; /* exactly the limit, plus the line end that is dropped */
	append_ok(&m, D, t1, NOW - 2000, big);
	ck_assert_int_eq(sql_count("SELECT MAX(length(line)) FROM vpn_connection_logs", NULL), VCO_LOG_LINE_MAX);

	/* retention: 180 days; older lines go when the next line comes, and never show */
	before = sql_count("SELECT COUNT(*) FROM vpn_connection_logs", NULL);
	append_ok(&m, D, t1, NOW - VCO_LOG_RETENTION_MS + 60000, "kept");
	append_ok(&m, D, t1, NOW - VCO_LOG_RETENTION_MS - 1, "expired");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_logs", NULL), before + 1);
	ck_assert_str_eq(query(&m, D, t1, (NOW - VCO_LOG_RETENTION_MS) / 1000 - 60,
			       (NOW - VCO_LOG_RETENTION_MS) / 1000 + 120, -1, 0, 10), "kept");
	sql_exec1("INSERT INTO vpn_connection_logs (vpn_connection_id, tunnel_id, time_ms, line)"
		  " VALUES (?, '', 1000, 'ancient')", D);
	ck_assert_str_eq(query(&m, D, NULL, 0, 10, -1, 0, 10), "");

	/* the lines go with the connection; the other connection's stay */
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_delete(&m, D, &err)), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_logs WHERE vpn_connection_id=?", D), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vpn_connection_logs WHERE vpn_connection_id=?", S), 1);
}
END_TEST

Suite *vpn_connection_config_suite_create(void)
{
	const struct test_entry config[] = {
		{ test_config_single }, { test_config_single_defaults }, { test_config_dual },
		{ test_config_unbound }, { test_config_unbound_dual }, { test_config_not_found },
		{ test_reader_refuses }, { test_swanctl_cases, countof(swan_cases) }, { test_swanctl_maps },
		{ test_swanctl_dual }, { test_swanctl_dpd_delay }, { test_swanctl_standby_priority },
	};
	const struct test_entry logs[] = {
		{ test_log_window, countof(window_cases) }, { test_logs },
	};
	const struct test_case cases[] = {
		TEST_CASE(config), TEST_CASE(logs),
	};

	return test_suite_of_cases("vpn_connection_config", setup, test_world_teardown, cases, countof(cases));
}
