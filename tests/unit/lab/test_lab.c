/*
 * The lab extensions' model (model/lab.c) on a real SQLite store: sites (LAN and customer
 * gateway rules, overrides, devices' addresses, describe, delete with their hosts), lab
 * hosts (address allocation in vSwitches and site LANs, given addresses, the vSwitch
 * reference that keeps DeleteVSwitch from succeeding), faults (cut and restore, whole
 * connection and single tunnels) and the override application the data plane uses.  Every
 * mutation runs in a savepoint as the engine runs a request; refusals change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "customer_gateway.h"
#include "errors.h"
#include "lab.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

static struct vpc vpc;
static struct vswitch vsw_h, vsw_i, vsw_small;
static struct vpn_gateway gw;
static struct customer_gateway cgw1, cgw2, cgw3, other_cgw;
static struct vpn_connection conn; /* dual: master cgw1, slave cgw2 */
static struct vpn_connection conn3; /* dual: both tunnels to cgw3 */

#define count(sql, arg) test_count(st, (sql), (arg))

/* Runs a refused call in a savepoint and checks its code and HTTP status. */
#define REFUSED(want, http, call)                                                                          \
	do {                                                                                               \
		struct vl_err err_;                                                                        \
		struct vl_err *err = &err_;                                                                \
		int rc_;                                                                                   \
		tx_begin();                                                                                \
		rc_ = tx_end(call);                                                                        \
		ck_assert_msg(rc_ == -1, "%s: expected %s, got success", #call, want);                    \
		ck_assert_msg(strcmp(vl_err_code(err), want) == 0, "%s: expected %s, got %s (%s)", #call, want, \
			      vl_err_code(err), vl_err_message(err));                                      \
		ck_assert_int_eq(vl_code_http_status(err_.code), http);                                    \
	} while (0)

static void setup(void)
{
	struct model_ctx m, o;
	struct vpc_create_args va = { .cidr_block = "10.0.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.2.0/24" };
	struct vswitch_create_args sc = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.3.0/29" };
	struct vpn_gateway_create_args ga = { .bandwidth = 10, .enable_ipsec = true };

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	o = test_ctx(OTHER, REGION);
	OK(vpc_create(&m, &va, &vpc, err));
	sa.vpc_id = sb.vpc_id = sc.vpc_id = vpc.vpc_id;
	OK(vswitch_create(&m, &sa, &vsw_h, err));
	OK(vswitch_create(&m, &sb, &vsw_i, err));
	OK(vswitch_create(&m, &sc, &vsw_small, err));
	ga.vpc_id = vpc.vpc_id;
	ga.vswitch_id = vsw_h.vswitch_id;
	ga.dr_vswitch_id = vsw_i.vswitch_id;
	OK(vpn_gateway_create(&m, &ga, &gw, err));
	test_make_cgw(&m, "203.0.113.1", &cgw1);
	test_make_cgw(&m, "203.0.113.2", &cgw2);
	test_make_cgw(&m, "203.0.113.3", &cgw3);
	test_make_cgw(&o, "203.0.113.9", &other_cgw);
	test_make_dual(&m, gw.vpn_gateway_id, cgw1.customer_gateway_id, cgw2.customer_gateway_id, &conn);
	test_make_dual(&m, gw.vpn_gateway_id, cgw3.customer_gateway_id, cgw3.customer_gateway_id, &conn3);
}

static int site(struct model_ctx *m, const char *lan, const char *a, const char *b, const struct lab_override *ov,
		int n_ov, char *id, struct vl_err *err)
{
	const char *ids[2] = { a, b };
	struct lab_site_create_args args = {
		.lan_cidr = lan, .customer_gateway_ids = ids, .customer_gateway_count = a ? (b ? 2 : 1) : 0,
		.overrides = ov, .override_count = n_ov,
	};

	return lab_site_create(m, &args, id, err);
}

#define SITES() count("SELECT COUNT(*) FROM lab_sites", NULL)
#define DEVICES() count("SELECT COUNT(*) FROM lab_site_devices", NULL)

START_TEST(test_site_create_describe_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct lab_override ov = { .vpn_connection_id = conn.vpn_connection_id, .tunnel_id = conn.tunnels[1].tunnel_id,
				   .psk = "wrong", .ipsec_pfs = "disabled" };
	json_t *items = json_array(), *s, *d;
	struct vl_err e;
	int64_t total = 0;
	char id[64], id2[64];

	OK(site(&m, "192.168.10.0/24", cgw1.customer_gateway_id, cgw2.customer_gateway_id, &ov, 1, id, err));
	ck_assert(strncmp(id, "site-bp1", 8) == 0);
	ck_assert_int_eq(strlen(id), 29);
	ck_assert_int_eq(DEVICES(), 2);
	ck_assert_int_eq(lab_site_list(&m, NULL, 0, 10, items, &total, &e), 0);
	ck_assert_int_eq(total, 1);
	s = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(s, "SiteId")), id);
	ck_assert_str_eq(json_string_value(json_object_get(s, "LanCidr")), "192.168.10.0/24");
	ck_assert_int_eq(json_integer_value(json_object_get(s, "CreateTime")), NOW);
	d = json_object_get(s, "Devices");
	ck_assert_int_eq(json_array_size(d), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(d, 0), "Index")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "LanIp")), "192.168.10.1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 0), "IpAddress")), "203.0.113.1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 1), "LanIp")), "192.168.10.2");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(d, 1), "CustomerGatewayId")),
			 cgw2.customer_gateway_id);
	d = json_array_get(json_object_get(s, "Overrides"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(d, "TunnelId")), conn.tunnels[1].tunnel_id);
	ck_assert_str_eq(json_string_value(json_object_get(d, "Psk")), "wrong");
	ck_assert_str_eq(json_string_value(json_object_get(d, "IpsecPfs")), "disabled");
	ck_assert_ptr_null(json_object_get(d, "IkeEncAlg")); /* only what was given */
	json_array_clear(items);

	/* a second site; the list is oldest first, filtered by ID, other accounts see nothing */
	OK(site(&m, "10.10.0.0/16", cgw3.customer_gateway_id, NULL, NULL, 0, id2, err));
	ck_assert_int_eq(lab_site_list(&m, NULL, 1, 10, items, &total, &e), 0);
	ck_assert_int_eq(total, 2);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "SiteId")), id2);
	json_array_clear(items);
	ck_assert_int_eq(lab_site_list(&m, id, 0, 10, items, &total, &e), 0);
	ck_assert_int_eq(total, 1);
	json_array_clear(items);
	{
		struct model_ctx o = test_ctx(OTHER, REGION);

		ck_assert_int_eq(lab_site_list(&o, NULL, 0, 10, items, &total, &e), 0);
		ck_assert_int_eq(total, 0);
		REFUSED("InvalidSiteId.NotFound", 404, lab_site_delete(&o, id, err));
	}

	/* delete: devices and hosts go with the site; the customer gateway is free again */
	{
		struct lab_host_create_args ha = { .site_id = id };
		struct lab_host h;

		OK(lab_host_create(&m, &ha, &h, err));
	}
	OK(lab_site_delete(&m, id, err));
	ck_assert_int_eq(SITES(), 1);
	ck_assert_int_eq(DEVICES(), 1);
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_hosts", NULL), 0);
	REFUSED("InvalidSiteId.NotFound", 404, lab_site_delete(&m, id, err));
	OK(site(&m, "192.168.10.0/24", cgw1.customer_gateway_id, NULL, NULL, 0, id, err));
	json_decref(items);
}
END_TEST

START_TEST(test_site_refusals)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	const char *five[5] = { "a", "b", "c", "d", "e" };
	struct lab_site_create_args many = { .lan_cidr = "192.168.1.0/24", .customer_gateway_ids = five,
					     .customer_gateway_count = 5 };
	char id[64], other_site[64];
	const char *c1 = cgw1.customer_gateway_id;

	REFUSED("MissingLanCidr", 400, site(&m, NULL, c1, NULL, NULL, 0, id, err));
	REFUSED("InvalidLanCidr", 400, site(&m, "8.8.8.0/24", c1, NULL, NULL, 0, id, err));	  /* public */
	REFUSED("InvalidLanCidr", 400, site(&m, "192.168.1.0/30", c1, NULL, NULL, 0, id, err));  /* too small */
	REFUSED("InvalidLanCidr", 400, site(&m, "10.0.0.0/15", c1, NULL, NULL, 0, id, err));	  /* too large */
	REFUSED("InvalidLanCidr", 400, site(&m, "192.168.1.1/24", c1, NULL, NULL, 0, id, err));  /* host bits */
	REFUSED("InvalidLanCidr", 400, site(&m, "192.168.1.0", c1, NULL, NULL, 0, id, err));
	REFUSED("MissingCustomerGatewayIds", 400, site(&m, "192.168.1.0/24", NULL, NULL, NULL, 0, id, err));
	REFUSED("InvalidCustomerGatewayIds", 400, lab_site_create(&m, &many, id, err));
	REFUSED("InvalidCustomerGatewayIds", 400, site(&m, "192.168.1.0/24", c1, c1, NULL, 0, id, err));
	REFUSED("InvalidCustomerGatewayInstanceId.NotFound", 404,
		site(&m, "192.168.1.0/24", c1, "cgw-nope", NULL, 0, id, err));
	/* another account's customer gateway is not the caller's */
	REFUSED("InvalidCustomerGatewayInstanceId.NotFound", 404,
		site(&m, "192.168.1.0/24", other_cgw.customer_gateway_id, NULL, NULL, 0, id, err));
	ck_assert_int_eq(SITES(), 0);
	ck_assert_int_eq(DEVICES(), 0);

	/* a customer gateway is a device of one site only */
	OK(site(&m, "192.168.1.0/24", c1, NULL, NULL, 0, id, err));
	REFUSED("InvalidCustomerGatewayId.InUse", 400,
		site(&m, "192.168.2.0/24", cgw2.customer_gateway_id, c1, NULL, 0, id, err));
	/* the underlay is shared: another account's device already owns 203.0.113.1 */
	{
		struct customer_gateway same_ip;

		test_make_cgw(&o, "203.0.113.1", &same_ip);
		REFUSED("InvalidIpAddress.InUse", 400,
			site(&o, "192.168.1.0/24", same_ip.customer_gateway_id, NULL, NULL, 0, other_site, err));
		/* and a VPN gateway's public address is taken too */
		test_make_cgw(&o, gw.internet_ip, &same_ip);
		REFUSED("InvalidIpAddress.InUse", 400,
			site(&o, "192.168.1.0/24", same_ip.customer_gateway_id, NULL, NULL, 0, other_site, err));
	}
	ck_assert_int_eq(SITES(), 1);
	ck_assert_int_eq(DEVICES(), 1);
}
END_TEST

START_TEST(test_override_refusals)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	const char *c1 = cgw1.customer_gateway_id, *c3 = cgw3.customer_gateway_id;
	struct lab_override ov[2];
	char id[64];

#define OV_RESET() memset(ov, 0, sizeof(ov))
	OV_RESET();
	ov[0].psk = "x";
	REFUSED("MissingOverrides.1.VpnConnectionId", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].vpn_connection_id = "vco-nope";
	REFUSED("InvalidVpnConnectionInstanceId.NotFound", 404, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	/* conn3 uses cgw3 only */
	ov[0].vpn_connection_id = conn3.vpn_connection_id;
	REFUSED("InvalidOverrides.1.VpnConnectionId", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	/* conn's slave tunnel ends at cgw2, not at this site */
	ov[0].vpn_connection_id = conn.vpn_connection_id;
	ov[0].tunnel_id = conn.tunnels[1].tunnel_id;
	REFUSED("InvalidOverrides.1.TunnelId", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].tunnel_id = "tun-nope";
	REFUSED("InvalidTunnelId.NotFound", 404, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].tunnel_id = NULL;
	ov[0].psk = NULL;
	REFUSED("InvalidOverrides.1", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].psk = "";
	REFUSED("InvalidOverrides.1.Psk", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].psk = NULL;
	/* values follow the cloud's rules, with its codes */
	ov[0].ike_enc_alg = "rot13";
	REFUSED("IllegalParam.IkeEncAlg", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].ike_enc_alg = NULL;
	ov[0].ipsec_pfs = "group99";
	REFUSED("IllegalParam.IpsecPfs", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].ipsec_pfs = NULL;
	ov[0].ike_version = "ikev3";
	REFUSED("IllegalParam.IkeVersion", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 1, id, err));
	ov[0].ike_version = "ikev2";
	ov[1] = ov[0];
	REFUSED("InvalidOverrides.2", 400, site(&m, "192.168.1.0/24", c1, NULL, ov, 2, id, err));
	ck_assert_int_eq(SITES(), 0);
	/* a connection-wide entry and one for a tunnel of the same connection may coexist */
	ov[1].vpn_connection_id = conn3.vpn_connection_id;
	ov[1].tunnel_id = conn3.tunnels[1].tunnel_id;
	ov[0].vpn_connection_id = conn3.vpn_connection_id;
	OK(site(&m, "192.168.1.0/24", c3, c1, ov, 2, id, err));
#undef OV_RESET
}
END_TEST

START_TEST(test_overrides_apply)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpn_connection_config *c = malloc(sizeof(*c));
	struct vl_err e;
	json_t *ov = json_loads("[{\"VpnConnectionId\":\"X\",\"TunnelId\":\"T2\",\"Psk\":\"tunnel-two\"},"
				"{\"VpnConnectionId\":\"X\",\"Psk\":\"everyone\",\"IkeVersion\":\"ikev2\","
				"\"IpsecPfs\":\"disabled\"},"
				"{\"VpnConnectionId\":\"Y\",\"Psk\":\"other\"}]",
				0, NULL);

	ck_assert_ptr_nonnull(ov);
	ck_assert_int_eq(vpn_connection_config_load(&m, conn.vpn_connection_id, c, &e), 0);
	snprintf(c->vpn_connection_id, sizeof(c->vpn_connection_id), "X");
	snprintf(c->tunnels[1].tunnel_id, sizeof(c->tunnels[1].tunnel_id), "T2");
	/* 3 settings on two tunnels, then the tunnel's own Psk */
	ck_assert_int_eq(lab_overrides_apply(ov, c), 7);
	ck_assert_str_eq(c->tunnels[0].ike.psk, "everyone");
	ck_assert_str_eq(c->tunnels[1].ike.psk, "tunnel-two"); /* the tunnel entry has the last word */
	ck_assert_str_eq(c->tunnels[0].ike.ike_version, "ikev2");
	ck_assert_str_eq(c->tunnels[1].ipsec.pfs, "disabled");
	ck_assert_str_eq(c->tunnels[0].ike.ike_enc_alg, "aes"); /* untouched */
	json_decref(ov);
	free(c);
}
END_TEST

START_TEST(test_vswitch_hosts)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct lab_host_create_args a = { .vswitch_id = vsw_h.vswitch_id };
	struct lab_host h1, h2, h3, got;
	struct lab_host_filter small_only = { .vswitch_id = vsw_small.vswitch_id };
	struct vl_err e;
	json_t *items = json_array();
	int64_t total;

	/* the gateway's interface took .1: hosts take the next free addresses */
	ck_assert_str_eq(gw.eni_ip, "10.0.1.1");
	OK(lab_host_create(&m, &a, &h1, err));
	ck_assert_str_eq(h1.ip_address, "10.0.1.2");
	ck_assert(strncmp(h1.host_id, "host-bp1", 8) == 0);
	ck_assert_str_eq(h1.vpc_id, vpc.vpc_id);
	ck_assert_str_eq(h1.gateway, "10.0.1.253");
	ck_assert_int_eq(h1.prefix, 24);
	a.ip_address = "10.0.1.3";
	OK(lab_host_create(&m, &a, &h2, err));
	a.ip_address = NULL;
	OK(lab_host_create(&m, &a, &h3, err));
	ck_assert_str_eq(h3.ip_address, "10.0.1.4");
	ck_assert_int_eq(test_usage(&m, "ref:vswitch", vsw_h.vswitch_id), 4); /* the gateway's and three hosts */

	/* given addresses: inside, usable, free */
	a.ip_address = "10.0.2.9";
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.0";
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.253"; /* the vSwitch's router */
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.255";
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.01";
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.1"; /* the VPN gateway's interface */
	REFUSED("InvalidIpAddress.InUse", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = "10.0.1.3";
	REFUSED("InvalidIpAddress.InUse", 400, lab_host_create(&m, &a, &got, err));
	a.ip_address = NULL;
	a.vswitch_id = "vsw-nope";
	REFUSED("InvalidVSwitchId.NotFound", 404, lab_host_create(&m, &a, &got, err));
	a.vswitch_id = vsw_h.vswitch_id;
	REFUSED("InvalidVSwitchId.NotFound", 404, lab_host_create(&o, &a, &got, err));
	a.site_id = "site-x";
	REFUSED("InvalidParameter", 400, lab_host_create(&m, &a, &got, err));
	a.site_id = a.vswitch_id = NULL;
	REFUSED("MissingVSwitchId", 400, lab_host_create(&m, &a, &got, err));
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_hosts", NULL), 3);
	ck_assert_int_eq(test_usage(&m, "ref:vswitch", vsw_h.vswitch_id), 4);

	/* a full vSwitch: a /29 has 4 usable addresses */
	a.vswitch_id = vsw_small.vswitch_id;
	for (int i = 0; i < 4; i++)
		OK(lab_host_create(&m, &a, &got, err));
	ck_assert_str_eq(got.ip_address, "10.0.3.4");
	ck_assert_str_eq(got.gateway, "10.0.3.5");
	REFUSED("InvalidVSwitchId.IpNotEnough", 400, lab_host_create(&m, &a, &got, err));

	/* the vSwitch cannot go while it has lab hosts */
	REFUSED("DependencyViolation", 400, vswitch_delete(&m, vsw_small.vswitch_id, err));
	ck_assert_int_eq(lab_host_list(&m, &small_only, 0, 50, items, &total, &e), 0);
	ck_assert_int_eq(total, 4);
	for (size_t i = 0; i < json_array_size(items); i++)
		OK(lab_host_delete(&m, json_string_value(json_object_get(json_array_get(items, i), "HostId")), err));
	OK(vswitch_delete(&m, vsw_small.vswitch_id, err));

	/* delete gives the address and the reference back */
	OK(lab_host_delete(&m, h1.host_id, err));
	ck_assert_int_eq(test_usage(&m, "ref:vswitch", vsw_h.vswitch_id), 3);
	REFUSED("InvalidHostId.NotFound", 404, lab_host_delete(&m, h1.host_id, err));
	REFUSED("InvalidHostId.NotFound", 404, lab_host_delete(&o, h2.host_id, err));
	a.vswitch_id = vsw_h.vswitch_id;
	OK(lab_host_create(&m, &a, &got, err));
	ck_assert_str_eq(got.ip_address, "10.0.1.2");

	/* describe: one, filtered, paged */
	ck_assert_int_eq(lab_host_get(&m, h2.host_id, &got, &e), 0);
	ck_assert_str_eq(got.ip_address, "10.0.1.3");
	ck_assert_str_eq(got.vswitch_id, vsw_h.vswitch_id);
	json_array_clear(items);
	ck_assert_int_eq(lab_host_list(&m, &(struct lab_host_filter){ 0 }, 1, 1, items, &total, &e), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "HostId")), h3.host_id);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "Gateway")), "10.0.1.253");
	json_decref(items);
}
END_TEST

START_TEST(test_site_hosts)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct lab_host_create_args a = { 0 };
	struct lab_host h;
	char id[64];

	OK(site(&m, "192.168.10.0/29", cgw1.customer_gateway_id, cgw2.customer_gateway_id, NULL, 0, id, err));
	a.site_id = id;
	OK(lab_host_create(&m, &a, &h, err));
	/* after the two devices */
	ck_assert_str_eq(h.ip_address, "192.168.10.3");
	/* the site's router: the LAN's last usable address */
	ck_assert_str_eq(h.gateway, "192.168.10.6");
	ck_assert_str_eq(h.site_id, id);
	ck_assert_str_eq(h.vswitch_id, "");
	ck_assert_int_eq(h.prefix, 29);
	a.ip_address = "192.168.10.6"; /* the router */
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &h, err));
	a.ip_address = "192.168.10.5";
	OK(lab_host_create(&m, &a, &h, err));
	REFUSED("InvalidIpAddress.InUse", 400, lab_host_create(&m, &a, &h, err));
	a.ip_address = "192.168.10.2"; /* device 2 */
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &h, err));
	a.ip_address = "192.168.10.7"; /* broadcast */
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &h, err));
	a.ip_address = "192.168.11.4";
	REFUSED("InvalidIpAddress", 400, lab_host_create(&m, &a, &h, err));
	a.ip_address = NULL;
	OK(lab_host_create(&m, &a, &h, err));
	ck_assert_str_eq(h.ip_address, "192.168.10.4");
	REFUSED("InvalidIpAddress.NotEnough", 400, lab_host_create(&m, &a, &h, err));
	REFUSED("InvalidSiteId.NotFound", 404, lab_host_create(&o, &a, &h, err));
	a.site_id = "site-nope";
	REFUSED("InvalidSiteId.NotFound", 404, lab_host_create(&m, &a, &h, err));
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_hosts WHERE site_id=?", id), 3);
}
END_TEST

/* The tunnels LabInjectFault answers as cut, comma-joined. */
static const char *cut_of(struct model_ctx *m, const char *conn_id, const char *tunnel, bool cut)
{
	static char out[256];
	json_t *list = json_array(), *v;
	struct vl_err e;
	size_t i;

	tx_begin();
	ck_assert_msg(tx_end(lab_fault_set(m, conn_id, tunnel, cut, list, &e)) == 0, "%s", vl_err_message(&e));
	out[0] = '\0';
	json_array_foreach(list, i, v) {
		const char *t = json_string_value(v);

		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? "," : "",
			 strcmp(t, conn.tunnels[0].tunnel_id) == 0 ? "master" :
			 strcmp(t, conn.tunnels[1].tunnel_id) == 0 ? "slave" : t);
	}
	json_decref(list);
	return out;
}

START_TEST(test_faults)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	const char *c = conn.vpn_connection_id, *master = conn.tunnels[0].tunnel_id, *slave = conn.tunnels[1].tunnel_id;
	json_t *list = json_array();

	ck_assert_str_eq(cut_of(&m, c, slave, true), "slave");
	ck_assert_str_eq(cut_of(&m, c, slave, true), "slave"); /* twice: no change */
	ck_assert_str_eq(cut_of(&m, c, NULL, true), "master,slave");
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_faults", NULL), 1);
	/* restoring one tunnel of a connection cut as a whole leaves the other cut */
	ck_assert_str_eq(cut_of(&m, c, master, false), "slave");
	ck_assert_str_eq(cut_of(&m, c, master, true), "master,slave");
	ck_assert_str_eq(cut_of(&m, c, NULL, false), "");
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_faults", NULL), 0);
	REFUSED("InvalidTunnelId.NotFound", 404, lab_fault_set(&m, c, "tun-nope", true, list, err));
	REFUSED("InvalidTunnelId.NotFound", 404, lab_fault_set(&m, c, conn3.tunnels[0].tunnel_id, true, list, err));
	REFUSED("InvalidVpnConnectionInstanceId.NotFound", 404, lab_fault_set(&o, c, NULL, true, list, err));
	REFUSED("InvalidVpnConnectionInstanceId.NotFound", 404, lab_fault_set(&m, "vco-nope", NULL, true, list, err));
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_faults", NULL), 0);
	/* a fault goes with its connection */
	ck_assert_str_eq(cut_of(&m, c, slave, true), "slave");
	OK(vpn_connection_delete(&m, c, err));
	ck_assert_int_eq(count("SELECT COUNT(*) FROM lab_faults", NULL), 0);
	json_decref(list);
}
END_TEST

START_TEST(test_addresses)
{
	char buf[16];

	ck_assert(lab_vswitch_gateway_ip("10.0.1.0/24", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "10.0.1.253");
	ck_assert(lab_vswitch_gateway_ip("172.16.0.0/16", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "172.16.255.253");
	ck_assert(lab_vswitch_gateway_ip("10.0.3.0/29", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "10.0.3.5");
	ck_assert(!lab_vswitch_gateway_ip("10.0.3.0/30", buf, sizeof(buf)));
	ck_assert(!lab_vswitch_gateway_ip("nope", buf, sizeof(buf)));
	ck_assert(lab_lan_address("192.168.10.0/24", 2, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "192.168.10.2");
	ck_assert(!lab_lan_address("192.168.10.0/30", 4, buf, sizeof(buf)));
}
END_TEST

Suite *lab_suite_create(void)
{
	const struct test_entry lab[] = {
		{ test_site_create_describe_delete }, { test_site_refusals }, { test_override_refusals },
		{ test_overrides_apply }, { test_vswitch_hosts }, { test_site_hosts }, { test_faults },
		{ test_addresses },
	};

	return test_suite("lab", "lab", setup, test_world_teardown, lab, countof(lab));
}
