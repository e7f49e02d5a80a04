/*
 * VPC route tables and entries (model/route_table.c, model/route_entry.c) on a real SQLite
 * store: the system table every VPC gets, custom tables (quota, busy, dependents, the
 * VPC's delete), vSwitch bindings, computed system and VPN entries, custom entries (next
 * hop rules, destination rules, uniqueness per table, quota, lifecycle), delete / modify
 * by ID or destination, DescribeRouteEntryList filters and paging.
 *
 * VPCs and vSwitches come from their models; VPN gateways, connections, gateway routes and
 * transit router attachments are rows written straight into their tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "route_entry.h"
#include "route_table.h"
#include "schema_migrations.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "vpc.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"
#define ZONE "cn-hangzhou-h"

static void add_gateway(const char *id, const char *account, const char *vpc_id)
{
	static const char *const names[] = { "vpn_gateway_id", "account", "region", "vpc_id", "status", "created_ms" };
	const char *values[] = { id, account, REGION, vpc_id, "active", "1" };

	test_insert_row(st, "vpn_gateways", names, values, countof(names));
}

static void add_connection(const char *id, const char *gw, const char *remote)
{
	static const char *const names[] = { "vpn_connection_id", "account", "region", "vpn_gateway_id", "state",
					     "remote_subnet", "local_subnet", "created_ms" };
	const char *values[] = { id, ACCOUNT, REGION, gw, "active", remote, "10.0.0.0/8", "2" };

	test_insert_row(st, "vpn_connections", names, values, countof(names));
}

static void add_published(const char *id, const char *gw, const char *dest, const char *hop, const char *published)
{
	static const char *const names[] = { "route_entry_id", "account", "region", "vpn_gateway_id", "route_type",
					     "route_dest", "next_hop", "weight", "state", "published", "created_ms" };
	const char *values[] = { id, ACCOUNT, REGION, gw, "dbr", dest, hop, "100", "published", published, "3" };

	test_insert_row(st, "vpn_route_entries", names, values, countof(names));
}

static void add_attachment(const char *id, const char *account, const char *vpc_id)
{
	static const char *const names[] = { "attachment_id", "transit_router_id", "cen_id", "account", "region",
					     "resource_type", "resource_id", "status", "created_ms" };
	const char *values[] = { id, "tr-x", "cen-x", account, REGION, "VPC", vpc_id, "Attached", "1" };

	/* tr_attachments references transit_routers: checks are off for this filler row */
	store_exec(st, "PRAGMA foreign_keys=OFF");
	test_insert_row(st, "tr_attachments", names, values, countof(names));
	store_exec(st, "PRAGMA foreign_keys=ON");
}

#define assert_err(rc, err, code, http) assert_err_at(__LINE__, (rc), (err), (code), (http))
static void assert_err_at(int line, int rc, const struct vl_err *err, const char *code, int http)
{
	ck_assert_msg(rc == -1, "line %d: succeeded, expected %s", line, code);
	ck_assert_str_eq(vl_err_code(err), code);
	ck_assert_int_eq(vl_code_http_status(err->code), http);
}

static void make_vpc(struct model_ctx *m, const char *cidr, struct vpc *out)
{
	struct vpc_create_args args = { .cidr_block = cidr };
	struct vl_err err;

	ck_assert_msg(vpc_create(m, &args, out, &err) == 0, "%s", vl_err_message(&err));
}

static void make_vswitch(struct model_ctx *m, const struct vpc *v, const char *cidr, struct vswitch *out)
{
	struct vswitch_create_args args = { .vpc_id = v->vpc_id, .zone_id = ZONE, .cidr_block = cidr };
	struct vl_err err;

	ck_assert_msg(vswitch_create(m, &args, out, &err) == 0, "%s", vl_err_message(&err));
}

static void make_table(struct model_ctx *m, const struct vpc *v, struct route_table *out)
{
	struct route_table_create_args args = { .vpc_id = v->vpc_id, .name = "custom" };
	struct vl_err err;

	ck_assert_msg(route_table_create(m, &args, out, &err) == 0, "%s", vl_err_message(&err));
}

static int entry(struct model_ctx *m, const char *table, const char *dest, const char *type, const char *hop,
		 struct route_entry *out, struct vl_err *err)
{
	struct route_entry_create_args args = { .route_table_id = table, .destination = dest,
						.next_hop_type = type, .next_hop_id = hop };

	return route_entry_create(m, &args, out, err);
}

/* The effective entries of a table as "dest type hop-type hop-id" lines. */
static char *entries_text(const char *table)
{
	static char buf[4096];
	struct route_entry *list = NULL;
	int count = 0;

	buf[0] = '\0';
	ck_assert_int_eq(route_entry_collect(st, table, &list, &count), 0);
	for (int i = 0; i < count; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s %s %s %s|", list[i].destination,
			 list[i].type, list[i].next_hop_type, list[i].next_hop_id);
	free(list);
	return buf;
}

START_TEST(test_system_table_with_vpc)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct route_table_filter f = { .route_table_type = "System" };
	struct vpc v;
	struct route_table t;
	struct vl_err err;
	json_t *items = json_array(), *item;
	int64_t total = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	ck_assert_int_eq(route_table_get(&m, v.route_table_id, &t, &err), 0);
	ck_assert_str_eq(t.type, "System");
	{
		char region[32] = "";

		ck_assert_int_eq(route_table_region(&m, v.route_table_id, region, sizeof(region)), 1);
		ck_assert_str_eq(region, REGION);
		ck_assert_int_eq(route_table_region(&o, v.route_table_id, region, sizeof(region)), 0);
	}
	ck_assert_str_eq(t.vrouter_id, v.vrouter_id);
	ck_assert_str_eq(t.vpc_id, v.vpc_id);
	ck_assert_str_eq(t.status, "Available");
	ck_assert(strncmp(t.vrouter_id, "vrt-", 4) == 0 && strncmp(t.route_table_id, "vtb-", 4) == 0);
	/* another account sees nothing */
	assert_err(route_table_get(&o, v.route_table_id, &t, &err), &err, "InvalidRouteTableId.NotFound", 404);
	f.vpc_id = v.vpc_id;
	ck_assert_int_eq(route_table_list(&m, &f, NULL, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "RouteTableType")), "System");
	ck_assert_str_eq(json_string_value(json_object_get(item, "RouterId")), v.vrouter_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "RouterType")), "VRouter");
	ck_assert_str_eq(json_string_value(json_object_get(item, "VpcId")), v.vpc_id);
	json_decref(items);
	/* the VPC's delete takes its system table with it */
	ck_assert_int_eq(vpc_delete(&m, v.vpc_id, &err), 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM route_tables WHERE vpc_id=?1", v.vpc_id), 0);
}
END_TEST

START_TEST(test_custom_table_rules)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct vpc v;
	struct route_table t1, t2, t;
	struct route_table_create_args args = { 0 };
	struct vl_err err;

	make_vpc(&m, "10.0.0.0/16", &v);
	args.vpc_id = v.vpc_id;
	/* another account's VPC does not exist for the caller */
	assert_err(route_table_create(&o, &args, &t, &err), &err, "InvalidVpcId.NotFound", 404);
	args.associate_type = "Gateway";
	assert_err(route_table_create(&m, &args, &t, &err), &err, "InvalidParameter.AssociateType", 400);
	args.associate_type = "VSwitch";
	args.name = "http://x";
	assert_err(route_table_create(&m, &args, &t, &err), &err, "InvalidRouteTableName.Malformed", 400);
	args.name = NULL;
	cfg.quotas.route_tables_per_vpc = 2;
	make_table(&m, &v, &t1);
	make_table(&m, &v, &t2);
	ck_assert_str_eq(t1.type, "Custom");
	ck_assert_str_eq(t1.vrouter_id, v.vrouter_id);
	assert_err(route_table_create(&m, &args, &t, &err), &err, "QuotaExceeded.RouteTable", 400);
	/* a VPC with custom tables cannot go */
	assert_err(vpc_delete(&m, v.vpc_id, &err), &err, "DependencyViolation", 400);
	/* the system table cannot be deleted */
	assert_err(route_table_delete(&m, v.route_table_id, &err), &err, "OperationDenied.SystemRouteTable", 400);
	assert_err(route_table_delete(&o, t1.route_table_id, &err), &err, "InvalidRouteTableId.NotFound", 404);
	ck_assert_int_eq(route_table_modify(&m, t1.route_table_id, "renamed", "about", &err), 0);
	ck_assert_int_eq(route_table_get(&m, t1.route_table_id, &t, &err), 0);
	ck_assert_str_eq(t.name, "renamed");
	ck_assert_str_eq(t.description, "about");
	ck_assert_int_eq(route_table_delete(&m, t1.route_table_id, &err), 0);
	ck_assert_int_eq(route_table_delete(&m, t2.route_table_id, &err), 0);
	assert_err(route_table_get(&m, t1.route_table_id, &t, &err), &err, "InvalidRouteTableId.NotFound", 404);
	ck_assert_int_eq(vpc_delete(&m, v.vpc_id, &err), 0);
}
END_TEST

START_TEST(test_table_lifecycle)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct route_table t, got;
	struct route_entry e;
	struct vl_err err;
	int64_t next = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	cfg.transition_delay_ms = 1000;
	make_table(&m, &v, &t);
	ck_assert_str_eq(t.status, "Pending");
	assert_err(route_table_delete(&m, t.route_table_id, &err), &err, "IncorrectRouteTableStatus", 400);
	assert_err(entry(&m, t.route_table_id, "192.168.0.0/24", "VpnGateway", "vpn-x", &e, &err), &err,
		   "IncorrectStatus.RouteTable", 400);
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(route_table_get(&m, t.route_table_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Available");
	ck_assert_int_eq(route_table_delete(&m, t.route_table_id, &err), 0);
	ck_assert_int_eq(route_table_get(&m, t.route_table_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Deleting");
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 2000, &next), 1);
	assert_err(route_table_get(&m, t.route_table_id, &got, &err), &err, "InvalidRouteTableId.NotFound", 404);
}
END_TEST

START_TEST(test_bindings)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v, w;
	struct vswitch s1, s2, sw;
	struct route_table t, t2;
	struct route_table_filter f = { 0 };
	struct vl_err err;
	json_t *items = json_array();
	int64_t total = 0;
	char bound[64];

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vpc(&m, "10.1.0.0/16", &w);
	make_vswitch(&m, &v, "10.0.1.0/24", &s1);
	make_vswitch(&m, &v, "10.0.2.0/24", &s2);
	make_vswitch(&m, &w, "10.1.1.0/24", &sw);
	make_table(&m, &v, &t);
	make_table(&m, &v, &t2);
	assert_err(route_table_bind(&m, t.route_table_id, sw.vswitch_id, true, &err), &err,
		   "InvalidVSwitchId.NotInSameVpc", 400);
	assert_err(route_table_bind(&m, v.route_table_id, s1.vswitch_id, true, &err), &err,
		   "OperationDenied.SystemRouteTable", 400);
	assert_err(route_table_bind(&m, t.route_table_id, s1.vswitch_id, false, &err), &err,
		   "OperationDenied.VSwitchNotAssociated", 400);
	ck_assert_int_eq(route_table_bind(&m, t.route_table_id, s1.vswitch_id, true, &err), 0);
	assert_err(route_table_bind(&m, t2.route_table_id, s1.vswitch_id, true, &err), &err,
		   "OperationDenied.VSwitchAssociated", 400);
	ck_assert_int_eq(route_table_of_vswitch(st, s1.vswitch_id, bound), 0);
	ck_assert_str_eq(bound, t.route_table_id);
	ck_assert_int_eq(route_table_of_vswitch(st, s2.vswitch_id, bound), 0);
	ck_assert_str_eq(bound, v.route_table_id);
	/* DescribeVSwitches shows the table that routes the vSwitch */
	ck_assert_int_eq(vswitch_get(&m, s1.vswitch_id, &sw, &err), 0);
	ck_assert_str_eq(sw.route_table_id, t.route_table_id);
	ck_assert(sw.route_table_custom);
	ck_assert_int_eq(vswitch_get(&m, s2.vswitch_id, &sw, &err), 0);
	ck_assert(!sw.route_table_custom);
	/* the system table lists the unbound vSwitch, the custom one its binding */
	f.vpc_id = v.vpc_id;
	ck_assert_int_eq(route_table_list(&m, &f, NULL, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 3);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(json_array_get(items, 0),
		"VSwitchIds"), "VSwitchId"), 0)), s2.vswitch_id);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(json_array_get(items, 1),
		"VSwitchIds"), "VSwitchId"), 0)), s1.vswitch_id);
	json_decref(items);
	assert_err(route_table_delete(&m, t.route_table_id, &err), &err, "DependencyViolation.VSwitch", 400);
	ck_assert_int_eq(route_table_bind(&m, t.route_table_id, s1.vswitch_id, false, &err), 0);
	ck_assert_int_eq(route_table_of_vswitch(st, s1.vswitch_id, bound), 0);
	ck_assert_str_eq(bound, v.route_table_id);
	/* a vSwitch's delete drops its binding */
	ck_assert_int_eq(route_table_bind(&m, t.route_table_id, s1.vswitch_id, true, &err), 0);
	ck_assert_int_eq(vswitch_delete(&m, s1.vswitch_id, &err), 0);
	ck_assert_int_eq(route_table_delete(&m, t.route_table_id, &err), 0);
}
END_TEST

START_TEST(test_bind_busy_vswitch)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct vswitch s;
	struct route_table t;
	struct vl_err err;
	int64_t next = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vswitch(&m, &v, "10.0.1.0/24", &s);
	make_table(&m, &v, &t);
	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(route_table_bind(&m, t.route_table_id, s.vswitch_id, true, &err), 0);
	/* Pending while its binding changes, as DescribeVSwitchAttributes shows it */
	ck_assert_int_eq(test_count(st, "SELECT status='Pending' FROM vswitches WHERE vswitch_id=?1", s.vswitch_id), 1);
	assert_err(route_table_bind(&m, t.route_table_id, s.vswitch_id, false, &err), &err, "IncorrectVSwitchStatus", 400);
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1000, &next), 1);
	ck_assert_int_eq(route_table_bind(&m, t.route_table_id, s.vswitch_id, false, &err), 0);
}
END_TEST

START_TEST(test_system_entries)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct vswitch s1, s2;
	struct route_table t;
	struct route_entry *list = NULL;
	struct vl_err err;
	int count = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vswitch(&m, &v, "10.0.1.0/24", &s1);
	make_vswitch(&m, &v, "10.0.2.0/24", &s2);
	make_table(&m, &v, &t);
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |10.0.2.0/24 System local |100.64.0.0/10 System service |");
	/* a custom table carries the VPC's system entries too */
	ck_assert_str_eq(entries_text(t.route_table_id), entries_text(v.route_table_id));
	/* stable IDs, unique within the table, in the cloud's shape */
	ck_assert_int_eq(route_entry_collect(st, v.route_table_id, &list, &count), 0);
	ck_assert_int_eq(count, 3);
	ck_assert(strncmp(list[0].route_entry_id, "rte-", 4) == 0);
	ck_assert_str_ne(list[0].route_entry_id, list[1].route_entry_id);
	/* system entries cannot be deleted, by ID or by destination */
	assert_err(route_entry_delete(&m, v.route_table_id, list[0].route_entry_id, NULL, NULL, &err), &err,
		   "InvalidRouteEntry.SystemRoute", 400);
	assert_err(route_entry_delete(&m, v.route_table_id, NULL, "100.64.0.0/10", NULL, &err), &err,
		   "InvalidRouteEntry.SystemRoute", 400);
	free(list);
	assert_err(route_entry_delete(&m, v.route_table_id, NULL, "192.168.9.0/24", NULL, &err), &err,
		   "InvalidRouteEntry.NotFound", 404);
	assert_err(route_entry_delete(&m, NULL, "rte-nothere", NULL, NULL, &err), &err, "InvalidRouteEntry.NotFound", 404);
}
END_TEST

START_TEST(test_custom_entries)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct vpc v, w, vo;
	struct vswitch s;
	struct route_table t;
	struct route_entry e, e2, e3;
	struct vl_err err;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vpc(&m, "10.1.0.0/16", &w);
	make_vpc(&o, "10.0.0.0/16", &vo);
	make_vswitch(&m, &v, "10.0.1.0/24", &s);
	make_table(&m, &v, &t);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	add_gateway("vpn-gw2", ACCOUNT, w.vpc_id);
	add_gateway("vpn-gwo", OTHER, vo.vpc_id);
	add_attachment("tr-attach-1", ACCOUNT, v.vpc_id);
	add_attachment("tr-attach-o", OTHER, vo.vpc_id);

	assert_err(entry(&m, "vtb-nothere", "192.168.0.0/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidRouteTableId.NotFound", 404);
	assert_err(entry(&o, v.route_table_id, "192.168.0.0/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidRouteTableId.NotFound", 404);
	/* next hops: the types vpnlab routes, the caller's, in the table's VPC */
	assert_err(entry(&m, v.route_table_id, "192.168.0.0/24", "Instance", "i-1", &e, &err), &err,
		   "IllegalParam.NextHopType", 400);
	assert_err(entry(&m, v.route_table_id, "192.168.0.0/24", NULL, "i-1", &e, &err), &err,
		   "IllegalParam.NextHopType", 400);
	assert_err(entry(&m, v.route_table_id, "192.168.0.0/24", "VpnGateway", "vpn-gwo", &e, &err), &err,
		   "InvalidNextHopId.NotFound", 400);
	assert_err(entry(&m, v.route_table_id, "192.168.0.0/24", "Attachment", "tr-attach-o", &e, &err), &err,
		   "InvalidNextHopId.NotFound", 400);
	assert_err(entry(&m, v.route_table_id, "192.168.0.0/24", "VpnGateway", "vpn-gw2", &e, &err), &err,
		   "OperationFailed.NextHopNotInSameVpc", 400);
	/* destinations */
	assert_err(entry(&m, v.route_table_id, "192.168.0.1/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidDestinationCidrBlock.Malformed", 400);
	assert_err(entry(&m, v.route_table_id, "100.64.1.0/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidCidrBlock.Overlapped", 400);
	assert_err(entry(&m, v.route_table_id, "10.0.1.128/25", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidCidrBlock.Overlapped", 400);
	assert_err(entry(&m, v.route_table_id, "10.0.1.0/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "InvalidCidrBlock.Overlapped", 400);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM route_entries", NULL), 0);
	/* containing a vSwitch CIDR is allowed; an address alone is a /32 */
	ck_assert_int_eq(entry(&m, v.route_table_id, "10.0.0.0/8", "VpnGateway", "vpn-gw1", &e, &err), 0);
	ck_assert_int_eq(entry(&m, v.route_table_id, "192.168.7.7", "Attachment", "tr-attach-1", &e2, &err), 0);
	ck_assert_str_eq(e2.destination, "192.168.7.7/32");
	ck_assert(strncmp(e.route_entry_id, "rte-", 4) == 0);
	ck_assert_str_eq(e.status, "Available");
	/* one destination per table, not per VPC */
	assert_err(entry(&m, v.route_table_id, "10.0.0.0/8", "Attachment", "tr-attach-1", &e3, &err), &err,
		   "RouterEntryConflict.Duplicated", 400);
	ck_assert_int_eq(entry(&m, t.route_table_id, "10.0.0.0/8", "Attachment", "tr-attach-1", &e3, &err), 0);
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |100.64.0.0/10 System service |10.0.0.0/8 Custom VpnGateway vpn-gw1|"
			 "192.168.7.7/32 Custom Attachment tr-attach-1|");
	/* modify: names at once, a new next hop through Modifying */
	ck_assert_int_eq(route_entry_modify(&m, NULL, e.route_entry_id, NULL, "n1", "d1", "Attachment", "tr-attach-1",
					    &err), 0);
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |100.64.0.0/10 System service |10.0.0.0/8 Custom Attachment tr-attach-1|"
			 "192.168.7.7/32 Custom Attachment tr-attach-1|");
	assert_err(route_entry_modify(&m, NULL, e.route_entry_id, NULL, NULL, NULL, "VpnGateway", "vpn-gwo", &err),
		   &err, "InvalidNextHopId.NotFound", 400);
	assert_err(route_entry_modify(&m, NULL, e.route_entry_id, NULL, NULL, NULL, "VpnGateway", NULL, &err),
		   &err, "MissingNewNextHopId", 400);
	/* delete by destination and next hop, then by ID */
	assert_err(route_entry_delete(&m, v.route_table_id, NULL, "10.0.0.0/8", "vpn-gw1", &err), &err,
		   "InvalidRouteEntry.NotFound", 404);
	ck_assert_int_eq(route_entry_delete(&m, v.route_table_id, NULL, "10.0.0.0/8", "tr-attach-1", &err), 0);
	assert_err(route_entry_delete(&o, NULL, e2.route_entry_id, NULL, NULL, &err), &err, "InvalidRouteEntry.NotFound", 404);
	ck_assert_int_eq(route_entry_delete(&m, NULL, e2.route_entry_id, NULL, NULL, &err), 0);
	/* a table with entries cannot be deleted */
	assert_err(route_table_delete(&m, t.route_table_id, &err), &err, "DependencyViolation.RouteEntry", 400);
}
END_TEST

/* The counters DeleteRouteTable, DeleteVpnGateway and the attachment delete read follow the rows. */
static int64_t usage(struct model_ctx *m, const char *kind, const char *scope)
{
	int64_t used = -1;

	ck_assert_int_eq(model_usage_get(m, kind, scope, &used), 0);
	return used;
}

START_TEST(test_entry_counters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct route_table t;
	struct route_entry e1, e2;
	struct vl_err err;
	int64_t next = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_table(&m, &v, &t);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	add_attachment("tr-attach-1", ACCOUNT, v.vpc_id);
	ck_assert_int_eq(entry(&m, t.route_table_id, "192.168.1.0/24", "VpnGateway", "vpn-gw1", &e1, &err), 0);
	ck_assert_int_eq(entry(&m, t.route_table_id, "192.168.2.0/24", "Attachment", "tr-attach-1", &e2, &err), 0);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_IN_TABLE, t.route_table_id), 2);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "vpn-gw1"), 1);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "tr-attach-1"), 1);
	/* a new next hop moves the entry's count from the old one to the new one */
	ck_assert_int_eq(route_entry_modify(&m, NULL, e1.route_entry_id, NULL, NULL, NULL, "Attachment", "tr-attach-1",
					    &err), 0);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "vpn-gw1"), 0);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "tr-attach-1"), 2);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM usage WHERE scope='vpn-gw1'", NULL), 0);
	/* another account's counters are its own */
	ck_assert_int_eq(usage(&(struct model_ctx){ .store = st, .account = OTHER }, USAGE_ROUTE_ENTRIES_IN_TABLE,
			       t.route_table_id), 0);
	/* deleted entries stop counting once they are gone, and the table can go */
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1, &next), 0);
	ck_assert_int_eq(route_entry_delete(&m, NULL, e1.route_entry_id, NULL, NULL, &err), 0);
	ck_assert_int_eq(route_entry_delete(&m, NULL, e2.route_entry_id, NULL, NULL, &err), 0);
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1, &next), 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM route_entries", NULL), 0);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_IN_TABLE, t.route_table_id), 0);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "tr-attach-1"), 0);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM usage WHERE kind LIKE '%route_entry'", NULL), 0);
	ck_assert_int_eq(route_table_delete(&m, t.route_table_id, &err), 0);
}
END_TEST

/* Entries stored before the counters existed are counted by the migration that adds them. */
START_TEST(test_migration_counts_route_entries)
{
	struct model_ctx m;
	struct vl_err err;
	char version[64];
	int i;

	store_close(st);
	ck_assert_int_eq(store_open_sqlite(":memory:", false, &st, &err), 0);
	for (i = 0; i < schema_migration_count && strncmp(schema_migrations[i].name, "020", 3) != 0; i++)
		ck_assert_msg(store_exec(st, schema_migrations[i].sql) == 0, "%s", schema_migrations[i].name);
	ck_assert_int_lt(i, schema_migration_count);
	snprintf(version, sizeof(version), "PRAGMA user_version=%d", i);
	ck_assert_int_eq(store_exec(st, version), 0);
	ck_assert_int_eq(store_exec(st, "INSERT INTO route_entries(route_entry_id, account, region, route_table_id,"
				    " destination, dest_first, dest_last, next_hop_type, next_hop_id, status, created_ms,"
				    " modified_ms) VALUES"
				    " ('rte-1', 'acct-a', 'cn-hangzhou', 'vtb-1', '192.168.1.0/24', 1, 2, 'VpnGateway',"
				    " 'vpn-gw1', 'Available', 5, 5),"
				    " ('rte-2', 'acct-a', 'cn-hangzhou', 'vtb-1', '192.168.2.0/24', 3, 4, 'VpnGateway',"
				    " 'vpn-gw1', 'Available', 5, 5),"
				    " ('rte-3', 'acct-a', 'cn-hangzhou', 'vtb-2', '192.168.2.0/24', 3, 4, 'Attachment',"
				    " 'tr-attach-1', 'Available', 5, 5)"), 0);
	ck_assert_msg(store_migrate(st, &err) == 0, "%s", vl_err_message(&err));
	m = test_ctx(ACCOUNT, REGION);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_IN_TABLE, "vtb-1"), 2);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_IN_TABLE, "vtb-2"), 1);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "vpn-gw1"), 2);
	ck_assert_int_eq(usage(&m, USAGE_ROUTE_ENTRIES_VIA, "tr-attach-1"), 1);
}
END_TEST

START_TEST(test_entry_quota_and_lifecycle)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct route_entry e;
	struct vl_err err;
	int64_t next = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	cfg.quotas.route_entries_per_table = 2;
	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(entry(&m, v.route_table_id, "192.168.1.0/24", "VpnGateway", "vpn-gw1", &e, &err), 0);
	ck_assert_str_eq(e.status, "Pending");
	assert_err(route_entry_delete(&m, NULL, e.route_entry_id, NULL, NULL, &err), &err, "IncorrectRouteEntryStatus", 400);
	assert_err(route_entry_modify(&m, NULL, e.route_entry_id, NULL, "x", NULL, NULL, NULL, &err), &err,
		   "IncorrectRouteEntryStatus", 400);
	ck_assert_int_eq(entry(&m, v.route_table_id, "192.168.2.0/24", "VpnGateway", "vpn-gw1", &e, &err), 0);
	/* system and VPN entries do not count against the custom quota; custom ones do */
	assert_err(entry(&m, v.route_table_id, "192.168.3.0/24", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "QuotaExceeded", 400);
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 1000, &next), 2);
	ck_assert_int_eq(route_entry_delete(&m, v.route_table_id, NULL, "192.168.2.0/24", NULL, &err), 0);
	/* Deleting until the engine removes it, and still counted */
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM route_entries WHERE status='Deleting'", NULL), 1);
	assert_err(route_entry_delete(&m, v.route_table_id, NULL, "192.168.2.0/24", NULL, &err), &err,
		   "IncorrectRouteEntryStatus", 400);
	ck_assert_int_ge(lifecycle_apply_due(st, NOW + 2000, &next), 1);
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM route_entries", NULL), 1);
	ck_assert_int_eq(entry(&m, v.route_table_id, "192.168.3.0/24", "VpnGateway", "vpn-gw1", &e, &err), 0);
}
END_TEST

START_TEST(test_vpn_routes_in_system_table)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct vpc v;
	struct vswitch s;
	struct route_table t;
	struct route_entry e, *list = NULL;
	struct vl_err err;
	int count = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vswitch(&m, &v, "10.0.1.0/24", &s);
	make_table(&m, &v, &t);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	add_connection("vco-1", "vpn-gw1", "192.168.10.0/24,192.168.11.0/24");
	add_connection("vco-2", "vpn-gw1", "0.0.0.0/0");
	add_published("r1", "vpn-gw1", "172.16.0.0/16", "vco-2", "1");
	add_published("r2", "vpn-gw1", "172.17.0.0/16", "vco-2", "0");
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |100.64.0.0/10 System service |"
			 "172.16.0.0/16 Custom VpnGateway vpn-gw1|192.168.10.0/24 Custom VpnGateway vpn-gw1|"
			 "192.168.11.0/24 Custom VpnGateway vpn-gw1|");
	/* only the system table learns them */
	ck_assert_str_eq(entries_text(t.route_table_id), "10.0.1.0/24 System local |100.64.0.0/10 System service |");
	/* a custom entry cannot take a published destination, nor can it be deleted from the VPC */
	assert_err(entry(&m, v.route_table_id, "172.16.0.0/16", "VpnGateway", "vpn-gw1", &e, &err), &err,
		   "RouterEntryConflict.Duplicated", 400);
	assert_err(route_entry_delete(&m, v.route_table_id, NULL, "172.16.0.0/16", NULL, &err), &err,
		   "InvalidRouteEntry.SystemRoute", 400);
	ck_assert_int_eq(entry(&m, v.route_table_id, "172.18.0.0/16", "VpnGateway", "vpn-gw1", &e, &err), 0);
	/* withdrawn: gone; custom entries stay last */
	test_exec1(st, "UPDATE vpn_route_entries SET published=0 WHERE route_entry_id=?1", "r1");
	test_exec1(st, "UPDATE vpn_route_entries SET published=1 WHERE route_entry_id=?1", "r2");
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |100.64.0.0/10 System service |"
			 "172.17.0.0/16 Custom VpnGateway vpn-gw1|192.168.10.0/24 Custom VpnGateway vpn-gw1|"
			 "192.168.11.0/24 Custom VpnGateway vpn-gw1|172.18.0.0/16 Custom VpnGateway vpn-gw1|");
	ck_assert_int_eq(route_entry_collect(st, v.route_table_id, &list, &count), 0);
	ck_assert(!list[2].stored && list[5].stored);
	free(list);
	/* an unpaid gateway publishes nothing */
	test_exec1(st, "UPDATE vpn_gateways SET status='init' WHERE vpn_gateway_id=?1", "vpn-gw1");
	ck_assert_str_eq(entries_text(v.route_table_id),
			 "10.0.1.0/24 System local |100.64.0.0/10 System service |172.18.0.0/16 Custom VpnGateway vpn-gw1|");
}
END_TEST

START_TEST(test_entry_list_paging)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct route_entry_filter none = { 0 }, custom = { .type = "Custom" }, by_hop = { .next_hop_id = "vpn-gw1" };
	struct vpc v;
	struct vswitch s;
	struct route_entry e;
	struct vl_err err;
	json_t *items = json_array(), *item;
	int64_t total = 0, next = 0;
	char dest[32];

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vswitch(&m, &v, "10.0.1.0/24", &s);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	for (int i = 0; i < 5; i++) {
		snprintf(dest, sizeof(dest), "192.168.%d.0/24", i);
		ck_assert_int_eq(entry(&m, v.route_table_id, dest, "VpnGateway", "vpn-gw1", &e, &err), 0);
	}
	ck_assert_int_eq(route_entry_list(&m, v.route_table_id, &none, 0, 4, items, &total, &next, &err), 0);
	ck_assert_int_eq(total, 7);
	ck_assert_int_eq(json_array_size(items), 4);
	ck_assert_int_eq(next, 4);
	json_array_clear(items);
	ck_assert_int_eq(route_entry_list(&m, v.route_table_id, &none, 4, 4, items, &total, &next, &err), 0);
	ck_assert_int_eq(json_array_size(items), 3);
	ck_assert_int_eq(next, -1);
	item = json_array_get(items, 2);
	ck_assert_str_eq(json_string_value(json_object_get(item, "DestinationCidrBlock")), "192.168.4.0/24");
	ck_assert_str_eq(json_string_value(json_object_get(item, "Type")), "Custom");
	ck_assert_str_eq(json_string_value(json_object_get(item, "IpVersion")), "ipv4");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(item,
		"NextHops"), "NextHop"), 0), "NextHopType")), "VpnGateway");
	json_array_clear(items);
	ck_assert_int_eq(route_entry_list(&m, v.route_table_id, &custom, 0, 100, items, &total, &next, &err), 0);
	ck_assert_int_eq(total, 5);
	json_array_clear(items);
	ck_assert_int_eq(route_entry_list(&m, v.route_table_id, &by_hop, 0, 2, items, &total, &next, &err), 0);
	ck_assert_int_eq(total, 5);
	ck_assert_int_eq(next, 2);
	json_array_clear(items);
	assert_err(route_entry_list(&m, "vtb-nothere", &none, 0, 10, items, &total, &next, &err), &err,
		   "InvalidRouteTableId.NotFound", 404);
	json_decref(items);
}
END_TEST

START_TEST(test_describe_route_tables_shape)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct route_table_filter f = { 0 };
	struct vpc v;
	struct vswitch s;
	struct route_entry e;
	struct vl_err err;
	json_t *items = json_array(), *entries;
	int64_t total = 0;

	make_vpc(&m, "10.0.0.0/16", &v);
	make_vswitch(&m, &v, "10.0.1.0/24", &s);
	add_gateway("vpn-gw1", ACCOUNT, v.vpc_id);
	ck_assert_int_eq(entry(&m, v.route_table_id, "192.168.1.0/24", "VpnGateway", "vpn-gw1", &e, &err), 0);
	f.route_table_id = v.route_table_id;
	ck_assert_int_eq(route_table_list(&m, &f, route_entry_table_json, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "VRouterId")), v.vrouter_id);
	entries = json_object_get(json_object_get(json_array_get(items, 0), "RouteEntrys"), "RouteEntry");
	ck_assert_int_eq(json_array_size(entries), 3);
	/* what Terraform's alicloud_route_entry matches on: destination, type, InstanceId */
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 2), "InstanceId")), "vpn-gw1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 2), "NextHopType")), "VpnGateway");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(entries, 2), "Status")), "Available");
	/* an unknown table: an empty page, not an error (the provider checks the length) */
	json_array_clear(items);
	f.route_table_id = "vtb-nothere";
	ck_assert_int_eq(route_table_list(&m, &f, route_entry_table_json, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	json_decref(items);
}
END_TEST

/* A database made before schema 14: its VPCs get their system tables when it is migrated. */
START_TEST(test_migration_backfills_system_tables)
{
	struct model_ctx m;
	struct route_table t;
	struct vl_err err;
	char version[64];
	int i;

	store_close(st);
	ck_assert_int_eq(store_open_sqlite(":memory:", false, &st, &err), 0);
	for (i = 0; i < schema_migration_count && strncmp(schema_migrations[i].name, "014", 3) != 0; i++)
		ck_assert_msg(store_exec(st, schema_migrations[i].sql) == 0, "%s", schema_migrations[i].name);
	ck_assert_int_lt(i, schema_migration_count);
	snprintf(version, sizeof(version), "PRAGMA user_version=%d", i);
	ck_assert_int_eq(store_exec(st, version), 0);
	ck_assert_int_eq(store_exec(st, "INSERT INTO vpcs(vpc_id, account, region, cidr_block, status, vrouter_id,"
				    " route_table_id, resource_group_id, created_ms) VALUES ('vpc-old', 'acct-a',"
				    " 'cn-hangzhou', '10.0.0.0/16', 'Available', 'vrt-old', 'vtb-old', 'rg-x', 5)"), 0);
	ck_assert_msg(store_migrate(st, &err) == 0, "%s", vl_err_message(&err));
	m = test_ctx(ACCOUNT, REGION);
	ck_assert_int_eq(route_table_get(&m, "vtb-old", &t, &err), 0);
	ck_assert_str_eq(t.type, "System");
	ck_assert_str_eq(t.vrouter_id, "vrt-old");
	ck_assert_str_eq(t.vpc_id, "vpc-old");
	ck_assert_str_eq(t.status, "Available");
	ck_assert_str_eq(entries_text("vtb-old"), "100.64.0.0/10 System service |");
}
END_TEST

Suite *route_table_suite_create(void)
{
	const struct test_entry tables[] = {
		{ test_system_table_with_vpc }, { test_migration_backfills_system_tables },
		{ test_custom_table_rules }, { test_table_lifecycle }, { test_bindings },
		{ test_bind_busy_vswitch },
	};
	const struct test_entry entries[] = {
		{ test_system_entries }, { test_custom_entries }, { test_entry_quota_and_lifecycle },
		{ test_entry_counters }, { test_migration_counts_route_entries },
		{ test_vpn_routes_in_system_table }, { test_entry_list_paging },
		{ test_describe_route_tables_shape },
	};
	const struct test_case cases[] = {
		TEST_CASE(tables), TEST_CASE(entries),
	};

	return test_suite_of_cases("route_table", test_world_setup, test_world_teardown, cases, countof(cases));
}
