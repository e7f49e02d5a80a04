/*
 * VPC and VPN attachments of transit routers (model/tr_attachment.c) on a real SQLite store
 * with real VPCs, vSwitches, customer gateways, IPsec connections and a VPN gateway: the
 * zone rules, every refusal with its code (a refused request changes nothing), the
 * references the attachment holds (vSwitch interfaces and counters, the IPsec connection's
 * attachment and tunnel addresses) and gives back, Attaching → Attached and Detaching →
 * gone, the refusals and the Force path of the delete, the VPN quota, the list answers.
 * Mutations run in a savepoint the way the engine runs a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cen.h"
#include "customer_gateway.h"
#include "errors.h"
#include "ipsec_config.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "tr_attachment.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

static struct vpc vpc, vpc2;
static struct vswitch vsw_h, vsw_i, vsw_j, vsw2; /* vsw_j: a second vSwitch of vpc in zone h; vsw2 in vpc2 */
static struct cen cen;
static struct transit_router tr; /* Active, CIDR 192.168.10.0/24 */
static struct customer_gateway cgw1, cgw2;

#define sql_count(sql, arg) test_count(st, (sql), (arg))

static int64_t usage(const char *kind, const char *scope)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	int64_t used = -1;

	ck_assert_int_eq(model_usage_get(&m, kind, scope, &used), 0);
	return used;
}

/* Everything an attachment touches: a refused request must leave it as it was. */
static int64_t rows(void)
{
	return sql_count("SELECT (SELECT COUNT(*) FROM tr_attachments) + (SELECT COUNT(*) FROM tr_attachment_zones)"
			 " + (SELECT COUNT(*) FROM transit_routers) + (SELECT COUNT(*) FROM tags)"
			 " + (SELECT COUNT(*) FROM transitions) + (SELECT COUNT(*) FROM tr_cidr_allocations)"
			 " + (SELECT COUNT(*) FROM vswitch_ips) + (SELECT COUNT(*) FROM public_ips)"
			 " + (SELECT COALESCE(SUM(used), 0) FROM usage WHERE kind LIKE 'ref:%')"
			 " + (SELECT COUNT(*) FROM vpn_connections WHERE attach_type<>'NO_ASSOCIATED' OR state<>'init')",
			 NULL);
}

#define REFUSED(call, code, http) TEST_REFUSED_UNCHANGED(rows, call, code, http)

/* Runs call as one request, its error in err_, and asserts that it succeeded. */
#define REQ_OK(call)                                                                              \
	do {                                                                                      \
		struct vl_err e_;                                                                 \
		struct vl_err *err_ = &e_;                                                        \
		tx_begin();                                                                       \
		ck_assert_msg(tx_end((call)) == 0, "%s: %s", vl_err_code(err_), vl_err_message(err_)); \
	} while (0)

static void setup(void)
{
	struct model_ctx m, g;
	struct vl_err err;
	struct vpc_create_args va = { .cidr_block = "10.0.0.0/16" }, vb = { .cidr_block = "10.1.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.2.0/24" };
	struct vswitch_create_args sj = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.3.0/29" };
	struct vswitch_create_args s2 = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.1.1.0/24" };
	struct cen_create_args ca = { .name = "cen" };
	struct transit_router_create_args ta = { .cidr_list_json = "[{\"Cidr\":\"192.168.10.0/24\"}]" };
	struct customer_gateway_create_args g1 = { .ip_address = "203.0.113.1", .asn = "65001" };
	struct customer_gateway_create_args g2 = { .ip_address = "203.0.113.2" };

	test_world_setup();
	m = test_ctx(ACCOUNT, REGION);
	g = test_ctx(ACCOUNT, NULL);
	ck_assert_int_eq(vpc_create(&m, &va, &vpc, &err), 0);
	ck_assert_int_eq(vpc_create(&m, &vb, &vpc2, &err), 0);
	sa.vpc_id = sb.vpc_id = sj.vpc_id = vpc.vpc_id;
	s2.vpc_id = vpc2.vpc_id;
	ck_assert_int_eq(vswitch_create(&m, &sa, &vsw_h, &err), 0);
	ck_assert_int_eq(vswitch_create(&m, &sb, &vsw_i, &err), 0);
	ck_assert_int_eq(vswitch_create(&m, &sj, &vsw_j, &err), 0);
	ck_assert_int_eq(vswitch_create(&m, &s2, &vsw2, &err), 0);
	ck_assert_int_eq(cen_create(&g, &ca, &cen, &err), 0);
	ta.cen_id = cen.cen_id;
	ck_assert_msg(transit_router_create(&m, &ta, &tr, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_int_eq(customer_gateway_create(&m, &g1, &cgw1, &err), 0);
	ck_assert_int_eq(customer_gateway_create(&m, &g2, &cgw2, &err), 0);
}

/* ---- builders ---- */

static struct tr_vpc_attachment_create_args vpc_args(const char *router_id)
{
	struct tr_vpc_attachment_create_args a = { .vpc_id = vpc.vpc_id };

	a.common.transit_router_id = router_id;
	a.common.zones[0] = (struct tr_zone){ "cn-hangzhou-h", vsw_h.vswitch_id };
	a.common.zones[1] = (struct tr_zone){ "cn-hangzhou-i", vsw_i.vswitch_id };
	a.common.zone_count = 2;
	return a;
}

/* An unbound IPsec connection (CreateVpnAttachment): single-tunnel, or dual with two tunnels. */
static void make_connection(struct model_ctx *m, bool dual, const char *network_type, struct vpn_connection *out)
{
	static struct ipsec_param p[4];
	struct vpn_connection_create_args a = {
		.local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.100.0/24", .auto_config_route = true,
		.enable_dpd = true, .enable_nat_traversal = true, .network_type = network_type,
	};
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vl_err err;
	int count = 0;

	if (dual) {
		p[0] = (struct ipsec_param){ "TunnelOptionsSpecification.1.CustomerGatewayId", cgw1.customer_gateway_id };
		p[1] = (struct ipsec_param){ "TunnelOptionsSpecification.1.TunnelIndex", "1" };
		p[2] = (struct ipsec_param){ "TunnelOptionsSpecification.2.CustomerGatewayId", cgw2.customer_gateway_id };
		p[3] = (struct ipsec_param){ "TunnelOptionsSpecification.2.TunnelIndex", "2" };
		ck_assert_int_eq(ipsec_tunnel_specs_collect(p, 4, specs, &count, &err), 0);
		a.tunnels = specs;
		a.tunnel_count = count;
	} else {
		a.customer_gateway_id = cgw1.customer_gateway_id;
	}
	tx_begin();
	ck_assert_msg(tx_end(vpn_connection_create(m, &a, out, &err)) == 0, "%s", vl_err_message(&err));
}

static struct tr_vpn_attachment_create_args vpn_args(const char *vpn_id, const char *zone)
{
	struct tr_vpn_attachment_create_args a = { .vpn_id = vpn_id };

	a.common.transit_router_id = tr.transit_router_id;
	a.common.auto_publish = true;
	if (zone) {
		a.common.zones[0] = (struct tr_zone){ zone, NULL };
		a.common.zone_count = 1;
	}
	return a;
}

static json_t *list(struct model_ctx *m, const char *type, const char *attachment_id, int64_t *total)
{
	struct tr_attachment_filter f = { .resource_type = type, .attachment_id = attachment_id };
	json_t *items = json_array();
	struct vl_err err;

	ck_assert_msg(tr_attachment_list(m, &f, 0, 20, items, total, &err) == 0, "%s", vl_err_message(&err));
	return items;
}

/* ---- zones ---- */

START_TEST(test_collect_zones)
{
	struct tr_attachment_common_args c = { 0 };
	struct vl_err err;
	struct cbn_param p[] = {
		{ "ZoneMappings.2.ZoneId", "cn-hangzhou-i" },
		{ "ZoneMappings.2.VSwitchId", "vsw-2" },
		{ "ZoneMappings.1.VSwitchId", "vsw-1" },
		{ "ZoneMappings.1.ZoneId", "cn-hangzhou-h" },
		{ "ZoneMappings.1.Other", "ignored" },
	};
	struct cbn_param bad[] = { { "ZoneMappings.11.ZoneId", "cn-hangzhou-h" } };
	struct cbn_param half[] = { { "ZoneMappings.1.ZoneId", "cn-hangzhou-h" } };
	struct cbn_param vpn[] = { { "Zone.1.ZoneId", "cn-hangzhou-h" }, { "Zone.2.ZoneId", "cn-hangzhou-i" } };

	ck_assert_int_eq(tr_attachment_collect_zones(p, countof(p), "ZoneMappings.", true, &c, &err), 0);
	ck_assert_int_eq(c.zone_count, 2);
	ck_assert_str_eq(c.zones[0].zone_id, "cn-hangzhou-h");
	ck_assert_str_eq(c.zones[0].vswitch_id, "vsw-1");
	ck_assert_str_eq(c.zones[1].vswitch_id, "vsw-2");
	test_assert_err(tr_attachment_collect_zones(bad, 1, "ZoneMappings.", true, &c, &err), &err,
		   "IllegalParam.ZoneMappings", 400);
	test_assert_err(tr_attachment_collect_zones(half, 1, "ZoneMappings.", true, &c, &err), &err,
		   "MissingZoneMappings.1.VSwitchId", 400);
	ck_assert_int_eq(tr_attachment_collect_zones(vpn, 2, "Zone.", false, &c, &err), 0);
	ck_assert_int_eq(c.zone_count, 2);
	ck_assert_ptr_null(c.zones[0].vswitch_id);
}
END_TEST

/* ---- VPC attachments ---- */

START_TEST(test_vpc_attach_two_zones)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_vpc_attachment_create_args a = vpc_args(tr.transit_router_id);
	struct tr_attachment att, got;
	struct vl_err err;
	int64_t total;
	json_t *items, *item, *zone;

	a.common.name = "to-vpc";
	cfg.transition_delay_ms = 1000;
	REQ_OK(tr_vpc_attachment_create(&m, &a, &att, err_));
	ck_assert_int_eq(strncmp(att.attachment_id, "tr-attach-bp1", 13), 0);
	ck_assert_str_eq(att.status, "Attaching");
	ck_assert_str_eq(att.resource_type, "VPC");
	ck_assert(!att.auto_publish);
	/* one interface address in each vSwitch; the vSwitches and the VPC are referenced */
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips WHERE owner_id=?", att.attachment_id), 2);
	ck_assert_int_eq(usage("ref:vswitch", vsw_h.vswitch_id), 1);
	ck_assert_int_eq(usage("ref:vswitch", vsw_i.vswitch_id), 1);
	ck_assert_int_eq(usage("ref:vpc", vpc.vpc_id), 1);
	test_assert_err(vswitch_delete(&m, vsw_h.vswitch_id, &err), &err, "DependencyViolation", 400);
	/* Attaching refuses changes */
	{
		struct tr_attachment_update_args u = { .attachment_id = att.attachment_id, .resource_type = "VPC",
						       .name = "x", .auto_publish = -1 };

		REFUSED(tr_attachment_update(&m, &u, err_), "IncorrectStatus.Attachment", 400);
		REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPC", false, err_), "IncorrectStatus.Attachment", 400);
	}
	test_apply_due(NOW + 1000);
	ck_assert_int_eq(tr_attachment_get(&m, att.attachment_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Attached");

	items = list(&m, "VPC", NULL, &total);
	ck_assert_int_eq(total, 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "TransitRouterAttachmentId")), att.attachment_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "Status")), "Attached");
	ck_assert_str_eq(json_string_value(json_object_get(item, "ResourceType")), "VPC");
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcId")), vpc.vpc_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcRegionId")), REGION);
	ck_assert_str_eq(json_string_value(json_object_get(item, "TransitRouterAttachmentName")), "to-vpc");
	ck_assert_str_eq(json_string_value(json_object_get(item, "ChargeType")), "POSTPAY");
	ck_assert_str_eq(json_string_value(json_object_get(item, "CreationTime")), "2026-11-28T00:23Z");
	ck_assert(json_is_false(json_object_get(item, "AutoPublishRouteEnabled")));
	ck_assert_int_eq(json_array_size(json_object_get(item, "ZoneMappings")), 2);
	zone = json_array_get(json_object_get(item, "ZoneMappings"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(zone, "ZoneId")), "cn-hangzhou-i");
	ck_assert_str_eq(json_string_value(json_object_get(zone, "VSwitchId")), vsw_i.vswitch_id);
	ck_assert_int_eq(strncmp(json_string_value(json_object_get(zone, "NetworkInterfaceId")), "eni-", 4), 0);
	ck_assert_ptr_null(json_object_get(item, "VpnId"));
	json_decref(items);
	/* a VPN list does not show it; another account does not see it */
	items = list(&m, "VPN", NULL, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	{
		struct model_ctx o = test_ctx(OTHER, REGION);

		items = list(&o, "VPC", NULL, &total);
		ck_assert_int_eq(total, 0);
		json_decref(items);
		test_assert_err(tr_attachment_get(&o, att.attachment_id, &got, &err), &err,
			   "InvalidTransitRouterAttachmentId.NotFound", 400);
	}
	/* the same VPC twice on one router */
	REFUSED(tr_vpc_attachment_create(&m, &a, &got, err_), "InstanceExist", 400);
	/* the router keeps it */
	REFUSED(transit_router_delete(&m, tr.transit_router_id, err_), "InvalidOperation.AttachedChildInstanceExist", 400);
}
END_TEST

START_TEST(test_vpc_attach_refusals)
{
	const struct {
		const char *make_busy, *make_ready, *id, *code;
		int http;
	} busy[] = {
		{ "UPDATE vpcs SET status='Pending' WHERE vpc_id=?", "UPDATE vpcs SET status='Available' WHERE vpc_id=?",
		  vpc.vpc_id, "IncorrectStatus.Vpc", 400 },
		{ "UPDATE vswitches SET status='Pending' WHERE vswitch_id=?",
		  "UPDATE vswitches SET status='Available' WHERE vswitch_id=?", vsw_i.vswitch_id,
		  "IncorrectStatus.VpcSwitch", 409 },
		{ "UPDATE transit_routers SET status='Creating' WHERE transit_router_id=?",
		  "UPDATE transit_routers SET status='Active' WHERE transit_router_id=?", tr.transit_router_id,
		  "IncorrectStatus.TransitRouterInstance", 400 },
		{ "UPDATE cens SET status='Creating' WHERE cen_id=?", "UPDATE cens SET status='Active' WHERE cen_id=?",
		  cen.cen_id, "InvalidOperation.CenInstanceStatus", 409 },
	};
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_vpc_attachment_create_args a;
	struct tr_attachment att;
	char name[140];

	a = vpc_args(NULL);
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "MissingParam.CenIdOrRegionId", 400);
	a = vpc_args("tr-nothere");
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "InvalidTransitRouterId.NotFound", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.cen_id = "cen-other";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.CenId", 400);
	a = vpc_args(NULL);
	a.common.cen_id = "cen-nothere";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "InvalidCenId.NotFound", 400);
	a = vpc_args(tr.transit_router_id);
	memset(name, 'a', 129);
	name[129] = '\0';
	a.common.name = name;
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.TransitRouterAttachmentName", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.description = "http://x";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.TransitRouterAttachmentDescription", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.charge_type = "PREPAY";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.ChargeType", 400);
	a = vpc_args(tr.transit_router_id);
	a.vpc_owner_id = "1234567890123456";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.VpcOwnerId", 400);
	a = vpc_args(tr.transit_router_id);
	a.vpc_id = "vpc-nothere";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "InvalidVpcId.NotFound", 404);
	a = vpc_args(tr.transit_router_id);
	a.common.zone_count = 0;
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "MissingZoneMappings", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.zones[1].zone_id = "cn-beijing-a";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.ZoneId", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.zones[1] = (struct tr_zone){ "cn-hangzhou-h", vsw_j.vswitch_id };
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "Duplicated.ZoneMapping", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.zones[1].vswitch_id = "vsw-nothere";
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "InvalidVSwitchId.NotFound", 404);
	a = vpc_args(tr.transit_router_id);
	a.common.zones[0].vswitch_id = vsw2.vswitch_id; /* another VPC's */
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.VSwitchId", 400);
	a = vpc_args(tr.transit_router_id);
	a.common.zones[0].zone_id = "cn-hangzhou-k"; /* vsw_h is in zone h */
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "IllegalParam.ZoneId", 400);

	/* busy VPC, vSwitch, router, CEN */
	a = vpc_args(tr.transit_router_id);
	for (size_t i = 0; i < countof(busy); i++) {
		test_exec2(st, busy[i].make_busy, busy[i].id, NULL);
		REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), busy[i].code, busy[i].http);
		test_exec2(st, busy[i].make_ready, busy[i].id, NULL);
	}

	/* a vSwitch without a free address */
	a = vpc_args(tr.transit_router_id);
	a.common.zones[0].vswitch_id = vsw_j.vswitch_id; /* a /29: 3 usable addresses */
	{
		/* fill every usable host of the /29 (first usable 10.0.3.1 .. last usable 10.0.3.4) */
		struct store_stmt *stmt = NULL;

		for (unsigned host = 1; host <= 4; host++) {
			ck_assert_int_eq(store_prepare(st,
						       "INSERT INTO vswitch_ips(vswitch_id, ip_num, ip, account, owner_id,"
						       " role, created_ms) VALUES (?, ?, 'x', 'acct-a', 'x', 'x', 0)",
						       &stmt), 0);
			stmt_bind_text(stmt, 1, vsw_j.vswitch_id);
			stmt_bind_int64(stmt, 2, (10u << 24) + (3u << 8) + host);
			ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
			stmt_release(stmt);
		}
	}
	REFUSED(tr_vpc_attachment_create(&m, &a, &att, err_), "InsufficientIpAddr.vsw", 400);
}
END_TEST

START_TEST(test_vpc_attach_creates_router)
{
	struct model_ctx m = test_ctx(ACCOUNT, "cn-beijing"), g = test_ctx(ACCOUNT, NULL);
	struct vpc_create_args va = { .cidr_block = "10.5.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-beijing-a", .cidr_block = "10.5.1.0/24" };
	struct tr_vpc_attachment_create_args a = { 0 };
	struct transit_router found;
	struct tr_attachment att;
	struct vswitch s;
	struct vl_err err;
	struct vpc v;

	(void)g;
	ck_assert_int_eq(vpc_create(&m, &va, &v, &err), 0);
	sa.vpc_id = v.vpc_id;
	ck_assert_int_eq(vswitch_create(&m, &sa, &s, &err), 0);
	a.vpc_id = v.vpc_id;
	a.common.cen_id = cen.cen_id;
	a.common.zones[0] = (struct tr_zone){ "cn-beijing-a", s.vswitch_id };
	a.common.zone_count = 1;
	/* no router of the CEN in cn-beijing: the attachment brings one */
	REQ_OK(tr_vpc_attachment_create(&m, &a, &att, err_));
	ck_assert_int_eq(transit_router_find(&m, cen.cen_id, &found, &err), 0);
	ck_assert_str_eq(att.transit_router_id, found.transit_router_id);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=?", found.transit_router_id), 1);
}
END_TEST

/* Inserts what the route-table actions would hang on an attachment. */
static void hang_route_state(const char *attachment_id, int which)
{
	const char *table = "vtb-sys";

	test_exec2(st, "INSERT OR IGNORE INTO tr_route_tables(route_table_id, transit_router_id, account, region, type, status,"
		 " created_ms) VALUES ('vtb-sys', ?, 'acct-a', 'cn-hangzhou', 'Custom', 'Active', 0)",
		 tr.transit_router_id, NULL);
	if (which == 0)
		test_exec2(st, "INSERT INTO tr_associations(attachment_id, route_table_id, status, created_ms)"
			 " VALUES (?, ?, 'Active', 0)", attachment_id, table);
	else if (which == 1)
		test_exec2(st, "INSERT INTO tr_propagations(propagation_id, attachment_id, route_table_id, status, created_ms)"
			 " VALUES ('prop-1', ?, ?, 'Active', 0)", attachment_id, table);
	else
		test_exec2(st, "INSERT INTO tr_route_entries(route_entry_id, route_table_id, account, destination, dest_first,"
			 " dest_prefix_len, next_hop_type, next_hop_id, status, created_ms) VALUES ('rte-1', ?, 'acct-a',"
			 " '10.9.0.0/16', 168361984, 16, 'Attachment', ?, 'Active', 0)", table, attachment_id);
}

START_TEST(test_vpc_detach)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_vpc_attachment_create_args a = vpc_args(tr.transit_router_id);
	struct tr_attachment_update_args u = { .resource_type = "VPC", .name = "renamed", .auto_publish = 1 };
	struct tr_attachment att, got;
	struct vl_err err;
	int64_t total;
	json_t *items;

	REQ_OK(tr_vpc_attachment_create(&m, &a, &att, err_));
	u.attachment_id = att.attachment_id;
	REQ_OK(tr_attachment_update(&m, &u, err_));
	ck_assert_int_eq(tr_attachment_get(&m, att.attachment_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "renamed");
	ck_assert(got.auto_publish);
	u.resource_type = "VPN"; /* the VPN action does not know a VPC attachment */
	REFUSED(tr_attachment_update(&m, &u, err_), "InvalidTransitRouterAttachmentId.NotFound", 400);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPN", false, err_),
		"InvalidTransitRouterAttachmentId.NotFound", 400);

	/* route state keeps it unless forced */
	hang_route_state(att.attachment_id, 0);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPC", false, err_), "OperationFailed.RouteTableAssociationExist", 400);
	test_exec2(st, "DELETE FROM tr_associations", NULL, NULL);
	hang_route_state(att.attachment_id, 1);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPC", false, err_), "OperationFailed.RouteTablePropagationExist", 400);
	test_exec2(st, "DELETE FROM tr_propagations", NULL, NULL);
	hang_route_state(att.attachment_id, 2);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPC", false, err_), "OperationFailed.RouteEntryExist", 400);
	hang_route_state(att.attachment_id, 0);
	hang_route_state(att.attachment_id, 1);

	/* Force: they go with it; Detaching (busy), then gone; references given back at once */
	cfg.transition_delay_ms = 800;
	REQ_OK(tr_attachment_delete(&m, att.attachment_id, "VPC", true, err_));
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_associations WHERE attachment_id=?", att.attachment_id), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_propagations WHERE attachment_id=?", att.attachment_id), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_entries WHERE next_hop_id=?", att.attachment_id), 0);
	ck_assert_int_eq(tr_attachment_get(&m, att.attachment_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Detaching");
	ck_assert_int_eq(usage("ref:vswitch", vsw_h.vswitch_id), 0);
	ck_assert_int_eq(usage("ref:vpc", vpc.vpc_id), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM vswitch_ips WHERE owner_id=?", att.attachment_id), 0);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPC", false, err_), "IncorrectStatus.Attachment", 400);
	items = list(&m, "VPC", att.attachment_id, &total);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "Status")), "Detaching");
	json_decref(items);
	test_apply_due(NOW + 800);
	test_assert_err(tr_attachment_get(&m, att.attachment_id, &got, &err), &err, "InvalidTransitRouterAttachmentId.NotFound", 400);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_attachment_zones", NULL), 0);
	ck_assert_int_eq(vswitch_delete(&m, vsw_h.vswitch_id, &err), 0);
}
END_TEST

/* ---- VPN attachments ---- */

START_TEST(test_vpn_attach_single_tunnel)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_vpn_attachment_create_args a;
	struct vpn_connection conn, got;
	struct tr_attachment att, a2;
	struct vl_err err;
	int64_t total;
	json_t *items, *item;

	make_connection(&m, false, "public", &conn);
	a = vpn_args(conn.vpn_connection_id, NULL);
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "MissingParam.ZoneId", 400);
	a = vpn_args("vco-nothere", "cn-hangzhou-h");
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "InvalidVpnId.NotFound", 400);
	a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-z");
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "IllegalParam.ZoneId", 400);
	a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-h");
	a.vpn_owner_id = "42";
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "IllegalParam.VpnOwnerId", 400);

	cfg.transition_delay_ms = 600;
	a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-h");
	a.common.name = "vpn-att";
	REQ_OK(tr_vpn_attachment_create(&m, &a, &att, err_));
	ck_assert_str_eq(att.status, "Attaching");
	ck_assert(att.auto_publish);
	/* the connection: attached to the router, address from the public pool, attaching */
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.attach_type, "CEN");
	ck_assert_str_eq(got.transit_router_id, tr.transit_router_id);
	ck_assert_str_eq(got.attach_instance_id, cen.cen_id);
	ck_assert_str_eq(got.state, "attaching");
	ck_assert_str_eq(got.zone_no, "cn-hangzhou-h");
	ck_assert_int_eq(strncmp(got.internet_ip, "198.18.", 7), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips WHERE owner_id=?", att.attachment_id), 1);
	/* a connection attaches to one router only, and only once */
	REFUSED(tr_vpn_attachment_create(&m, &a, &a2, err_), "IncorrectStatus.VpnConnection", 400);
	test_assert_err(vpn_connection_delete(&m, conn.vpn_connection_id, &err), &err, "VpnConnection.Configuring", 400);
	test_apply_due(NOW + 600);
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.state, "attached");
	ck_assert_int_eq(tr_attachment_get(&m, att.attachment_id, &a2, &err), 0);
	ck_assert_str_eq(a2.status, "Attached");
	REFUSED(tr_vpn_attachment_create(&m, &a, &a2, err_), "IncorrectStatus.VpnConnection", 400);
	test_assert_err(vpn_connection_delete(&m, conn.vpn_connection_id, &err), &err, "IncorrectStatus.VpnConnection", 400);

	items = list(&m, "VPN", NULL, &total);
	ck_assert_int_eq(total, 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpnId")), conn.vpn_connection_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "ResourceType")), "VPN");
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpnRegionId")), REGION);
	ck_assert_int_eq(json_integer_value(json_object_get(item, "VpnOwnerId")), model_owner_id(ACCOUNT));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(item, "Zones"), 0), "ZoneId")),
			 "cn-hangzhou-h");
	ck_assert(json_is_true(json_object_get(item, "AutoPublishRouteEnabled")));
	json_decref(items);

	/* detach: the connection goes back (detaching, then init) with its address */
	REQ_OK(tr_attachment_delete(&m, att.attachment_id, "VPN", false, err_));
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.attach_type, "NO_ASSOCIATED");
	ck_assert_str_eq(got.transit_router_id, "");
	ck_assert_str_eq(got.internet_ip, "");
	ck_assert_str_eq(got.state, "detaching");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM public_ips WHERE owner_id=?", att.attachment_id), 0);
	REFUSED(tr_attachment_delete(&m, att.attachment_id, "VPN", false, err_), "IncorrectStatus.ResourceStatus", 400);
	test_apply_due(NOW + 600);
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.state, "init");
	test_assert_err(tr_attachment_get(&m, att.attachment_id, &a2, &err), &err, "InvalidTransitRouterAttachmentId.NotFound", 400);
	/* attachable again, and deletable */
	cfg.transition_delay_ms = 0;
	REQ_OK(tr_vpn_attachment_create(&m, &a, &att, err_));
	REQ_OK(tr_attachment_delete(&m, att.attachment_id, "VPN", false, err_));
	tx_begin();
	ck_assert_int_eq(tx_end(vpn_connection_delete(&m, conn.vpn_connection_id, &err)), 0);
}
END_TEST

START_TEST(test_vpn_attach_dual_tunnel_private)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_vpn_attachment_create_args a;
	struct vpn_connection conn, got;
	struct tr_attachment att;
	struct vl_err err;
	int64_t total;
	json_t *items, *zones;

	make_connection(&m, true, "private", &conn);
	a = vpn_args(conn.vpn_connection_id, NULL); /* dual-tunnel: Zone may be left out */
	REQ_OK(tr_vpn_attachment_create(&m, &a, &att, err_));
	ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
	ck_assert_str_eq(got.state, "attached");
	/* each tunnel an address of the router's CIDR block, in its own zone; master first */
	ck_assert_str_eq(got.tunnels[0].internet_ip, "192.168.10.1");
	ck_assert_str_eq(got.tunnels[1].internet_ip, "192.168.10.2");
	ck_assert_str_eq(got.tunnels[0].zone_no, "cn-hangzhou-b");
	ck_assert_str_eq(got.tunnels[1].zone_no, "cn-hangzhou-d");
	ck_assert_str_eq(got.internet_ip, "192.168.10.1");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_cidr_allocations WHERE attachment_id=?", att.attachment_id), 2);
	items = list(&m, "VPN", att.attachment_id, &total);
	zones = json_object_get(json_array_get(items, 0), "Zones");
	ck_assert_int_eq(json_array_size(zones), 2);
	json_decref(items);
	/* the block cannot go while its addresses are in use */
	{
		struct transit_router_cidr cidr;
		char id[64];
		struct store_stmt *stmt = NULL;

		ck_assert_int_eq(store_prepare(st, "SELECT transit_router_cidr_id FROM transit_router_cidrs", &stmt), 0);
		ck_assert_int_eq(stmt_step(stmt), STORE_ROW);
		snprintf(id, sizeof(id), "%s", stmt_text(stmt, 0));
		stmt_release(stmt);
		REFUSED(transit_router_cidr_delete(&m, tr.transit_router_id, id, err_), "OperationFailed.CidrInUse", 400);
		REQ_OK(tr_attachment_delete(&m, att.attachment_id, "VPN", false, err_));
		ck_assert_int_eq(vpn_connection_get(&m, conn.vpn_connection_id, &got, &err), 0);
		ck_assert_str_eq(got.tunnels[0].internet_ip, "");
		ck_assert_str_eq(got.tunnels[1].zone_no, "");
		ck_assert_str_eq(got.state, "init");
		REQ_OK(transit_router_cidr_delete(&m, tr.transit_router_id, id, err_));
		(void)cidr;
	}
	/* without a CIDR block the router cannot attach a connection */
	a = vpn_args(conn.vpn_connection_id, NULL);
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "OperationFailed.AllocateCidrFailed", 400);
}
END_TEST

START_TEST(test_vpn_attach_refusals)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc_create_args va = { .cidr_block = "10.7.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.7.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.7.2.0/24" };
	struct vpn_gateway_create_args ga = { .bandwidth = 10, .enable_ipsec = true };
	struct vpn_connection_create_args ca = {
		.local_subnet = "10.7.0.0/16", .remote_subnet = "192.168.7.0/24", .enable_dpd = true,
	};
	struct tr_vpn_attachment_create_args a;
	struct vpn_connection conn, bound;
	struct vpn_gateway gw;
	struct tr_attachment att, last;
	struct vswitch s1, s2;
	struct vl_err err;
	struct vpc v;

	/* a connection bound to a VPN gateway is not the router's to attach */
	ck_assert_int_eq(vpc_create(&m, &va, &v, &err), 0);
	sa.vpc_id = sb.vpc_id = v.vpc_id;
	ck_assert_int_eq(vswitch_create(&m, &sa, &s1, &err), 0);
	ck_assert_int_eq(vswitch_create(&m, &sb, &s2, &err), 0);
	ga.vpc_id = v.vpc_id;
	ga.vswitch_id = s1.vswitch_id;
	ga.dr_vswitch_id = s2.vswitch_id;
	tx_begin();
	ck_assert_msg(tx_end(vpn_gateway_create(&m, &ga, &gw, &err)) == 0, "%s", vl_err_message(&err));
	{
		struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
		int count = 0;

		test_dual_tunnel_specs(cgw1.customer_gateway_id, cgw2.customer_gateway_id, specs, &count);
		ca.vpn_gateway_id = gw.vpn_gateway_id;
		ca.tunnels = specs;
		ca.tunnel_count = count;
		tx_begin();
		ck_assert_msg(tx_end(vpn_connection_create(&m, &ca, &bound, &err)) == 0, "%s", vl_err_message(&err));
	}
	a = vpn_args(bound.vpn_connection_id, NULL);
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "IncorrectStatus.VpnConnection", 400);

	/* CenId without a router in the region */
	make_connection(&m, false, "public", &conn);
	a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-h");
	{
		struct model_ctx q = test_ctx(ACCOUNT, "cn-beijing");

		a = vpn_args(conn.vpn_connection_id, "cn-beijing-a");
		a.common.transit_router_id = NULL;
		a.common.cen_id = cen.cen_id;
		REFUSED(tr_vpn_attachment_create(&q, &a, &att, err_), "InvalidOperation.TransitRouterNotExist", 400);
	}
	/* the connection is regional */
	{
		struct model_ctx o = test_ctx(OTHER, REGION);

		a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-h");
		REFUSED(tr_vpn_attachment_create(&o, &a, &att, err_), "InvalidTransitRouterId.NotFound", 400);
	}

	/* 50 IPsec connections per router */
	cfg.transition_delay_ms = 0;
	for (int i = 0; i < TR_VPN_ATTACHMENTS_MAX; i++) {
		struct vpn_connection c;

		make_connection(&m, false, "public", &c);
		a = vpn_args(c.vpn_connection_id, "cn-hangzhou-h");
		REQ_OK(tr_vpn_attachment_create(&m, &a, &last, err_));
	}
	a = vpn_args(conn.vpn_connection_id, "cn-hangzhou-h");
	REFUSED(tr_vpn_attachment_create(&m, &a, &att, err_), "QuotaExceeded.CenQuotaVpnAttachPerTransitRouter", 400);
	REQ_OK(tr_attachment_delete(&m, last.attachment_id, "VPN", false, err_));
	REQ_OK(tr_vpn_attachment_create(&m, &a, &att, err_));
}
END_TEST

Suite *tr_attachment_suite_create(void)
{
	const struct test_entry tr_attachment[] = {
		{ test_collect_zones }, { test_vpc_attach_two_zones }, { test_vpc_attach_refusals },
		{ test_vpc_attach_creates_router }, { test_vpc_detach }, { test_vpn_attach_single_tunnel },
		{ test_vpn_attach_dual_tunnel_private }, { test_vpn_attach_refusals },
	};
	const struct test_case cases[] = {
		{ "tr_attachment", tr_attachment, countof(tr_attachment), NULL, NULL, 30 },
	};

	return test_suite_of_cases("tr_attachment", setup, test_world_teardown, cases, countof(cases));
}
