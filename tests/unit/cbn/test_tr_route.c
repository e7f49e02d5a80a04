/*
 * Transit router route rules (model/tr_route.c, server/h_tr_route.c) on a real SQLite store:
 * route tables (create/list/update/delete and their refusals), associations and
 * propagations (one association per attachment, same router, Attached/Active, busy states),
 * static entries (destination rules, next hop, duplicates, quota, delete by ID or by
 * destination) and the computed routes: VPC propagation (vSwitch CIDRs), VPN propagation
 * (RemoteSubnet without 0.0.0.0/0), ECMP with 2 and 17 VPN attachments, static over
 * propagated, VPC over VPN, every filter of ListTransitRouterRouteEntries (parser
 * included) and NextToken paging through the action handler; plus a timing bound for a
 * table with 50 attachments and 1,000 static entries.
 *
 * CENs, transit routers, System tables, attachments, VPCs, vSwitches and IPsec connections
 * are rows written straight into their tables (their own models have their own tests);
 * every column the schema requires gets a filler value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "action.h"
#include "catalog.h"
#include "errors.h"
#include "h_tr_route.h"
#include "kv.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "tr_route.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

#define CEN1 "cen-one000000000000000001"
#define CEN3 "cen-three00000000000000003"
#define TR1 "tr-bp1one00000000000000001"   /* ACCOUNT, Active */
#define TR2 "tr-bp1two00000000000000002"   /* ACCOUNT, Active */
#define TR3 "tr-bp1three000000000000003"   /* OTHER */
#define SYS1 "vtb-bp1system0000000000001" /* TR1's System table */
#define SYS2 "vtb-bp1system0000000000002"
#define VPC1 "vpc-bp1one0000000000000001" /* 10.1.0.0/16: 10.1.1.0/24, 10.1.2.0/24 */
#define VPC2 "vpc-bp1two0000000000000002" /* 10.2.0.0/16: 10.2.1.0/24 */
#define VPC3 "vpc-bp1three00000000000003" /* 10.3.0.0/16 … and a vSwitch 10.1.1.0/24 clash */
#define A_VPC1 "tr-attach-vpc1000000000001" /* TR1 */
#define A_VPC3 "tr-attach-vpc3000000000003" /* TR1 */
#define A_VPC2 "tr-attach-vpc2000000000002" /* TR2 */
#define A_OTHER "tr-attach-other00000000009" /* TR3, OTHER */

static void exec(const char *sql)
{
	ck_assert_msg(store_exec(st, sql) == 0, "%s: %s", sql, st->ops->errmsg(st));
}

static void add_cen(const char *id, const char *account)
{
	static const char *const names[] = { "cen_id", "account", "status", "created_ms" };
	const char *values[] = { id, account, "Active", "1" };

	test_insert_row(st, "cens", names, values, countof(names));
}

static void add_router(const char *id, const char *cen, const char *account, const char *system_table)
{
	static const char *const names[] = { "transit_router_id", "cen_id", "account", "region", "status",
					     "type", "created_ms" };
	const char *values[] = { id, cen, account, REGION, "Active", "Enterprise", "1" };
	static const char *const tnames[] = { "route_table_id", "transit_router_id", "account", "region",
					      "type", "status", "created_ms" };
	const char *tvalues[] = { system_table, id, account, REGION, "System", "Active", "1" };

	test_insert_row(st, "transit_routers", names, values, countof(names));
	test_insert_row(st, "tr_route_tables", tnames, tvalues, countof(tnames));
}

static void add_vpc(const char *id, const char *cidr)
{
	static const char *const names[] = { "vpc_id", "account", "region", "cidr_block", "status",
					     "vrouter_id", "route_table_id", "resource_group_id",
					     "created_ms" };
	const char *values[] = { id, ACCOUNT, REGION, cidr, "Available", "vrt-x", "vtb-x", "rg-x", "1" };

	test_insert_row(st, "vpcs", names, values, countof(names));
}

static void add_vswitch(const char *id, const char *vpc, const char *cidr)
{
	static const char *const names[] = { "vswitch_id", "vpc_id", "account", "region", "zone_id",
					     "cidr_block", "cidr_first", "cidr_last", "status",
					     "resource_group_id", "created_ms" };
	struct cidr c;
	char first[16], last[16];
	const char *values[] = { id, vpc, ACCOUNT, REGION, "cn-hangzhou-h", cidr, first, last,
				 "Available", "rg-x", "1" };

	ck_assert(cidr_parse(cidr, &c));
	snprintf(first, sizeof(first), "%u", c.addr);
	snprintf(last, sizeof(last), "%u", (unsigned)(c.addr + cidr_size(&c) - 1));
	test_insert_row(st, "vswitches", names, values, countof(names));
}

static void add_attachment(const char *id, const char *tr, const char *account, const char *type,
			   const char *resource, const char *status, const char *created_ms)
{
	static const char *const names[] = { "attachment_id", "transit_router_id", "cen_id", "account",
					     "region", "resource_type", "resource_id", "status",
					     "created_ms" };
	const char *values[] = { id, tr, CEN1, account, REGION, type, resource, status, created_ms };

	test_insert_row(st, "tr_attachments", names, values, countof(names));
}

/* A VPN attachment number n on tr with an unbound IPsec connection; the ID in out[64]. */
static void add_vpn(int n, const char *tr, const char *remote_subnet, char *out)
{
	static const char *const names[] = { "vpn_connection_id", "account", "region", "state",
					     "attach_type", "network_type", "dual_tunnel",
					     "local_subnet", "remote_subnet", "resource_group_id",
					     "created_ms" };
	char vco[64], created[32];
	const char *values[] = { vco, ACCOUNT, REGION, "attached", "CEN", "public", "0", "0.0.0.0/0",
				 remote_subnet, "rg-x", "1" };

	snprintf(vco, sizeof(vco), "vco-bp1conn%014d", n);
	snprintf(out, 64, "tr-attach-vpn%012d", n);
	snprintf(created, sizeof(created), "%d", 100 + n);
	test_insert_row(st, "vpn_connections", names, values, countof(names));
	add_attachment(out, tr, ACCOUNT, "VPN", vco, "Attached", created);
}

static void setup(void)
{
	test_world_setup();
	add_cen(CEN1, ACCOUNT);
	add_cen(CEN3, OTHER);
	add_router(TR1, CEN1, ACCOUNT, SYS1);
	add_router(TR2, CEN1, ACCOUNT, SYS2);
	add_router(TR3, CEN3, OTHER, "vtb-bp1system0000000000003");
	add_vpc(VPC1, "10.1.0.0/16");
	add_vpc(VPC2, "10.2.0.0/16");
	add_vpc(VPC3, "10.3.0.0/16");
	add_vswitch("vsw-bp1a", VPC1, "10.1.1.0/24");
	add_vswitch("vsw-bp1b", VPC1, "10.1.2.0/24");
	add_vswitch("vsw-bp1c", VPC2, "10.2.1.0/24");
	add_vswitch("vsw-bp1d", VPC3, "10.3.1.0/24");
	add_attachment(A_VPC1, TR1, ACCOUNT, "VPC", VPC1, "Attached", "10");
	add_attachment(A_VPC3, TR1, ACCOUNT, "VPC", VPC3, "Attached", "11");
	add_attachment(A_VPC2, TR2, ACCOUNT, "VPC", VPC2, "Attached", "12");
	add_attachment(A_OTHER, TR3, OTHER, "VPC", VPC2, "Attached", "13");
}

/* Asserts that call succeeds; no savepoint, so it also runs inside the scale test's own transaction. */
#define DIRECT_OK(call)                                                                             \
	do {                                                                                 \
		struct vl_err ok_err_;                                                       \
		struct vl_err *e_ = &ok_err_;                                                \
		vl_err_clear(e_);                                                            \
		ck_assert_msg((call) == 0, "%s: %s %s", #call, vl_err_code(e_), vl_err_message(e_)); \
	} while (0)

/* Creates a custom table on tr (Active at once: no transition delay); ID into out[64]. */
static void mk_table(struct model_ctx *m, const char *tr, const char *name, char *out)
{
	struct tr_route_table_create_args args = { .transit_router_id = tr, .name = name };
	struct tr_route_table t;

	DIRECT_OK(tr_route_table_create(m, &args, &t, e_));
	snprintf(out, 64, "%s", t.route_table_id);
}

static int entry(struct model_ctx *m, const char *table, const char *dest, const char *type,
		 const char *hop, char *id, struct vl_err *err)
{
	struct tr_route_entry_create_args args = { .route_table_id = table, .destination = dest,
						   .next_hop_type = type, .next_hop_id = hop };
	char scratch[64];

	return tr_route_entry_create(m, &args, id ? id : scratch, 64, err);
}

static void entry_ok(struct model_ctx *m, const char *table, const char *dest, const char *type,
		     const char *hop, char *id)
{
	DIRECT_OK(entry(m, table, dest, type, hop, id, e_));
}

/* ListTransitRouterRouteEntries through the model with the given status ("All", NULL …). */
static json_t *routes(struct model_ctx *m, const char *table, const char *status)
{
	struct tr_route_entry_filter *f = calloc(1, sizeof(*f));
	json_t *items = json_array();
	int64_t total = -1;

	ck_assert_ptr_nonnull(f);
	f->route_table_id = table;
	f->status = status;
	DIRECT_OK(tr_route_entry_list(m, f, 0, 100000, items, &total, e_));
	ck_assert_int_eq(total, (int64_t)json_array_size(items));
	free(f);
	return items;
}

static const char *sget(json_t *item, const char *key)
{
	json_t *v = json_object_get(item, key);

	return v ? json_string_value(v) : NULL;
}

/* How many items have destination dest and status (NULL: any). */
static int count_routes(json_t *items, const char *dest, const char *status)
{
	size_t i;
	json_t *item;
	int n = 0;

	json_array_foreach(items, i, item)
		if (strcmp(sget(item, "TransitRouterRouteEntryDestinationCidrBlock"), dest) == 0 &&
		    (status == NULL || strcmp(sget(item, "TransitRouterRouteEntryStatus"), status) == 0))
			n++;
	return n;
}

/* The status of the route to dest via next hop hop ("" when absent). */
static const char *route_status(json_t *items, const char *dest, const char *hop)
{
	size_t i;
	json_t *item;

	json_array_foreach(items, i, item) {
		const char *h = sget(item, "TransitRouterRouteEntryNextHopId");

		if (strcmp(sget(item, "TransitRouterRouteEntryDestinationCidrBlock"), dest) == 0 &&
		    strcmp(h ? h : "", hop) == 0)
			return sget(item, "TransitRouterRouteEntryStatus");
	}
	return "";
}

static void apply_due(int64_t at)
{
	int64_t next = 0;

	ck_assert_int_ge(lifecycle_apply_due(st, at, &next), 0);
}

/* Static entries of a table that count against the quota (not Deleting). */
static int64_t usage(struct model_ctx *m, const char *table)
{
	(void)m;
	return test_count(st, "SELECT COUNT(*) FROM tr_route_entries WHERE route_table_id=? AND status<>'Deleting'",
			  table);
}

/* ---------------------------------------------------------------- route tables */

START_TEST(test_table_create_list)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_route_table_create_args args = {
		.transit_router_id = TR1, .name = "blue", .description = "d", .multi_region_ecmp = "enable",
	};
	struct tr_route_table t, got;
	struct tr_route_table_filter f = { .transit_router_id = TR1 };
	json_t *items = json_array(), *item;
	int64_t total = 0;
	struct vl_err err;

	args.tags.keys[0] = "env";
	args.tags.values[0] = "lab";
	args.tags.count = 1;
	DIRECT_OK(tr_route_table_create(&m, &args, &t, e_));
	ck_assert(strncmp(t.route_table_id, "vtb-bp1", 7) == 0);
	ck_assert_str_eq(t.status, "Active");
	ck_assert_str_eq(t.type, "Custom");
	DIRECT_OK(tr_route_table_get(&m, t.route_table_id, &got, e_));
	ck_assert_str_eq(got.multi_region_ecmp, "enable");
	ck_assert_str_eq(got.transit_router_id, TR1);

	DIRECT_OK(tr_route_table_list(&m, &f, 0, 20, items, &total, e_));
	ck_assert_int_eq(total, 2); /* System first (oldest), then the new one */
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteTableType"), "System");
	item = json_array_get(items, 1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteTableId"), t.route_table_id);
	ck_assert_str_eq(sget(item, "TransitRouterRouteTableName"), "blue");
	ck_assert_str_eq(sget(item, "TransitRouterRouteTableDescription"), "d");
	ck_assert_str_eq(sget(item, "TransitRouterRouteTableStatus"), "Active");
	ck_assert_str_eq(sget(item, "TransitRouterId"), TR1);
	ck_assert_str_eq(sget(item, "RegionId"), REGION);
	ck_assert_str_eq(sget(item, "CreateTime"), "2026-11-28T00:23Z");
	ck_assert_str_eq(sget(json_object_get(item, "RouteTableOptions"), "MultiRegionECMP"), "enable");
	ck_assert_str_eq(sget(json_array_get(json_object_get(item, "Tags"), 0), "Key"), "env");
	json_decref(items);

	/* filters: type, IDs, names, tags, status; another account sees nothing */
	f.type = "Custom";
	items = json_array();
	DIRECT_OK(tr_route_table_list(&m, &f, 0, 20, items, &total, e_));
	ck_assert_int_eq(total, 1);
	json_decref(items);
	memset(&f, 0, sizeof(f));
	f.ids[0] = SYS2;
	f.ids[1] = t.route_table_id;
	f.id_count = 2;
	items = json_array();
	DIRECT_OK(tr_route_table_list(&m, &f, 0, 20, items, &total, e_));
	ck_assert_int_eq(total, 2);
	json_decref(items);
	memset(&f, 0, sizeof(f));
	f.names[0] = "blue";
	f.name_count = 1;
	f.tags = args.tags;
	f.status = "Active";
	items = json_array();
	DIRECT_OK(tr_route_table_list(&m, &f, 0, 20, items, &total, e_));
	ck_assert_int_eq(total, 1);
	json_decref(items);
	{
		struct model_ctx o = test_ctx(OTHER, REGION);

		memset(&f, 0, sizeof(f));
		f.transit_router_id = TR1;
		items = json_array();
		DIRECT_OK(tr_route_table_list(&o, &f, 0, 20, items, &total, e_));
		ck_assert_int_eq(total, 0);
		json_decref(items);
		test_assert_err(tr_route_table_get(&o, t.route_table_id, &got, &err), &err,
			   "InvalidTransitRouterRouteTableId.NotFound", 400);
	}
}
END_TEST

START_TEST(test_table_create_refusals)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	struct tr_route_table_create_args args = { .transit_router_id = TR1 };
	struct tr_route_table t;
	struct vl_err err;
	static const struct {
		struct tr_route_table_create_args args;
		const char *code;
	} bad_fields[] = {
		{ { .transit_router_id = TR1, .name = "http://x" }, "InvalidName" },
		{ { .transit_router_id = TR1, .name = "ok", .description = "https://x" }, "InvalidDescription" },
		{ { .transit_router_id = TR1, .name = "ok", .multi_region_ecmp = "maybe" }, "InvalidParameter" },
	};

	for (size_t i = 0; i < countof(bad_fields); i++)
		test_assert_err(tr_route_table_create(&m, &bad_fields[i].args, &t, &err), &err, bad_fields[i].code, 400);
	args.name = "ok";
	args.transit_router_id = TR3; /* another account's router */
	ck_assert_int_eq(tr_route_table_create(&m, &args, &t, &err), -1);
	ck_assert(strstr(vl_err_code(&err), "NotFound") != NULL);
	args.transit_router_id = TR1;
	ck_assert_int_eq(tr_route_table_create(&o, &args, &t, &err), -1);
	exec("UPDATE transit_routers SET status='Modifying' WHERE transit_router_id='" TR1 "'");
	test_assert_err(tr_route_table_create(&m, &args, &t, &err), &err, "IncorrectStatus.TransitRouterInstance", 400);
	/* nothing was written by any refusal */
	ck_assert_int_eq(test_count(st, "SELECT COUNT(*) FROM tr_route_tables WHERE type='Custom'", NULL), 0);
}
END_TEST

START_TEST(test_table_lifecycle_update_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	struct tr_route_table_create_args args = { .transit_router_id = TR1, .name = "a" };
	struct tr_route_table_update_args up = { .name = "b", .description = "desc", .multi_region_ecmp = "enable" };
	struct tr_route_table t, got;
	struct vl_err err;
	char table[64];

	cfg.transition_delay_ms = 1000;
	DIRECT_OK(tr_route_table_create(&m, &args, &t, e_));
	ck_assert_str_eq(t.status, "Creating");
	up.route_table_id = t.route_table_id;
	/* Creating: queries only */
	test_assert_err(tr_route_table_update(&m, &up, &err), &err, "IncorrectStatus.TransitRouterRouteTable", 400);
	test_assert_err(tr_route_table_delete(&m, t.route_table_id, &err), &err,
		   "IncorrectStatus.TransitRouterRouteTable", 400);
	test_assert_err(entry(&m, t.route_table_id, "10.9.0.0/16", "BlackHole", NULL, NULL, &err), &err,
		   "IncorrectStatus.TransitRouterRouteTable", 400);
	apply_due(NOW + 1000);
	DIRECT_OK(tr_route_table_get(&m, t.route_table_id, &got, e_));
	ck_assert_str_eq(got.status, "Active");
	cfg.transition_delay_ms = 0;
	DIRECT_OK(tr_route_table_update(&m, &up, e_));
	DIRECT_OK(tr_route_table_get(&m, t.route_table_id, &got, e_));
	ck_assert_str_eq(got.name, "b");
	ck_assert_str_eq(got.description, "desc");
	ck_assert_str_eq(got.multi_region_ecmp, "enable");
	up.name = "http://bad";
	test_assert_err(tr_route_table_update(&m, &up, &err), &err, "InvalidName", 400);

	/* the System table stays */
	test_assert_err(tr_route_table_delete(&m, SYS1, &err), &err, "OperationFailed.DeleteSystemRouteTable", 400);
	/* refused while associated, propagating, or holding static entries; in that order */
	snprintf(table, sizeof(table), "%s", t.route_table_id);
	DIRECT_OK(tr_route_associate(&m, A_VPC1, table, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC3, table, e_));
	entry_ok(&m, table, "10.9.0.0/16", "BlackHole", NULL, NULL);
	test_assert_err(tr_route_table_delete(&m, table, &err), &err, "OperationFailed.DeleteRouteTableWithAssociation", 400);
	DIRECT_OK(tr_route_dissociate(&m, A_VPC1, table, e_));
	test_assert_err(tr_route_table_delete(&m, table, &err), &err, "OperationFailed.DeleteRouteTableWithPropagation", 400);
	DIRECT_OK(tr_route_disable_propagation(&m, A_VPC3, table, e_));
	test_assert_err(tr_route_table_delete(&m, table, &err), &err, "OperationFailed.DeleteRouteTableWithRouteEntry", 400);
	{
		struct tr_route_entry_key key = { .route_table_id = table, .destination = "10.9.0.0/16" };

		DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	}
	DIRECT_OK(tr_route_table_delete(&m, table, e_));
	test_assert_err(tr_route_table_get(&m, table, &got, &err), &err, "InvalidTransitRouterRouteTableId.NotFound", 400);
	test_assert_err(tr_route_table_delete(&m, table, &err), &err, "InvalidTransitRouterRouteTableId.NotFound", 400);
}
END_TEST

/* ---------------------------------------------------------------- associations, propagations */

static json_t *links(struct model_ctx *m, bool propagations, const char *table, int64_t *total)
{
	struct tr_route_link_filter f = { .route_table_id = table };
	json_t *items = json_array();

	DIRECT_OK(tr_route_link_list(m, propagations, &f, 0, 50, items, total, e_));
	return items;
}

START_TEST(test_associations)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	char t1[64], t2[64], t_tr2[64];
	struct vl_err err;
	json_t *items;
	int64_t total = 0;

	mk_table(&m, TR1, "t1", t1);
	mk_table(&m, TR1, "t2", t2);
	mk_table(&m, TR2, "x", t_tr2);
	/* unknown or foreign: the propagation pages' 404 codes */
	test_assert_err(tr_route_associate(&m, A_VPC1, "vtb-nope", &err), &err, "InvalidRouteTableId.NotFound", 404);
	test_assert_err(tr_route_associate(&m, "tr-attach-nope", t1, &err), &err, "InvalidAttachmentId.NotFound", 404);
	test_assert_err(tr_route_associate(&o, A_VPC1, t1, &err), &err, "InvalidRouteTableId.NotFound", 404);
	/* table of another router */
	test_assert_err(tr_route_associate(&m, A_VPC1, t_tr2, &err), &err,
		   "InvalidParameter.TransitRouterRouteTableId", 400);
	/* the attachment must be Attached */
	exec("UPDATE tr_attachments SET status='Attaching' WHERE attachment_id='" A_VPC1 "'");
	test_assert_err(tr_route_associate(&m, A_VPC1, t1, &err), &err, "IncorrectStatus.AttachmentOrRouteTable", 400);
	exec("UPDATE tr_attachments SET status='Attached' WHERE attachment_id='" A_VPC1 "'");

	cfg.transition_delay_ms = 500;
	DIRECT_OK(tr_route_associate(&m, A_VPC1, t1, e_));
	items = links(&m, false, t1, &total);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Associating");
	ck_assert_str_eq(sget(json_array_get(items, 0), "ResourceId"), VPC1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "ResourceType"), "VPC");
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterAttachmentId"), A_VPC1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteTableId"), t1);
	json_decref(items);
	/* busy while Associating */
	test_assert_err(tr_route_dissociate(&m, A_VPC1, t1, &err), &err, "IncorrectStatus.AttachmentOrRouteTable", 400);
	test_assert_err(tr_route_associate(&m, A_VPC1, t2, &err), &err, "IncorrectStatus.AttachmentOrRouteTable", 400);
	apply_due(NOW + 500);
	items = links(&m, false, NULL, &total);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Active");
	json_decref(items);
	/* one association per attachment */
	test_assert_err(tr_route_associate(&m, A_VPC1, t2, &err), &err, "OperationFailed.RouteTableAssociationExist", 400);
	test_assert_err(tr_route_associate(&m, A_VPC1, t1, &err), &err, "OperationFailed.RouteTableAssociationExist", 400);
	/* dissociate names the associated table */
	test_assert_err(tr_route_dissociate(&m, A_VPC1, t2, &err), &err, "InvalidParameter.TransitRouterRouteTableId", 400);
	test_assert_err(tr_route_dissociate(&m, A_VPC3, t1, &err), &err, "InvalidParameter.TransitRouterAttachmentId", 400);
	test_assert_err(tr_route_dissociate(&m, "tr-attach-nope", t1, &err), &err, "InvalidAttachmentId.NotFound", 400);
	DIRECT_OK(tr_route_dissociate(&m, A_VPC1, t1, e_));
	items = links(&m, false, t1, &total);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Dissociating");
	json_decref(items);
	apply_due(NOW + 1000);
	items = links(&m, false, t1, &total);
	ck_assert_int_eq(total, 0); /* gone, not "Deleted" */
	json_decref(items);
	cfg.transition_delay_ms = 0;
	DIRECT_OK(tr_route_associate(&m, A_VPC1, t2, e_)); /* free to associate elsewhere now */
	/* the router must be Active */
	exec("UPDATE transit_routers SET status='Modifying' WHERE transit_router_id='" TR1 "'");
	test_assert_err(tr_route_associate(&m, A_VPC3, t1, &err), &err, "IncorrectStatus.TransitRouterInstance", 400);
	test_assert_err(tr_route_dissociate(&m, A_VPC1, t2, &err), &err, "IncorrectStatus.TransitRouterInstance", 400);
}
END_TEST

/* ReplaceTransitRouterRouteTableAssociation moves an Active association, through Associating. */
START_TEST(test_replace_association)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	char t1[64], t2[64], t_tr2[64];
	struct vl_err err;
	json_t *items;
	int64_t total = 0;

	mk_table(&m, TR1, "t1", t1);
	mk_table(&m, TR1, "t2", t2);
	mk_table(&m, TR2, "x", t_tr2);
	/* nothing to replace yet */
	test_assert_err(tr_route_replace_association(&m, A_VPC1, t2, &err), &err,
		   "IncorrectStatus.AttachmentOrRouteTable", 400);
	DIRECT_OK(tr_route_associate(&m, A_VPC1, t1, e_));
	test_assert_err(tr_route_replace_association(&m, A_VPC1, "vtb-nope", &err), &err, "InvalidRouteTableId.NotFound", 404);
	test_assert_err(tr_route_replace_association(&m, "tr-attach-nope", t2, &err), &err, "InvalidAttachmentId.NotFound", 404);
	test_assert_err(tr_route_replace_association(&o, A_VPC1, t2, &err), &err, "InvalidRouteTableId.NotFound", 404);
	test_assert_err(tr_route_replace_association(&m, A_VPC1, t_tr2, &err), &err,
		   "InvalidParameter.TransitRouterRouteTableId", 400);
	test_assert_err(tr_route_replace_association(&m, A_VPC1, t1, &err), &err,
		   "OperationFailed.RouteTableAssociationExist", 400);

	cfg.transition_delay_ms = 500;
	DIRECT_OK(tr_route_replace_association(&m, A_VPC1, t2, e_));
	items = links(&m, false, t1, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	items = links(&m, false, t2, &total);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Associating");
	json_decref(items);
	/* busy until it is Active again */
	test_assert_err(tr_route_replace_association(&m, A_VPC1, t1, &err), &err,
		   "IncorrectStatus.AttachmentOrRouteTable", 400);
	apply_due(NOW + 500);
	items = links(&m, false, t2, &total);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Active");
	json_decref(items);
}
END_TEST

/* UpdateTransitRouterRouteEntry renames an Active static entry, nothing else. */
START_TEST(test_entry_update)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	char t1[64], id[64];
	struct vl_err err;
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	entry_ok(&m, t1, "10.9.0.0/16", "Attachment", A_VPC1, id);
	DIRECT_OK(tr_route_entry_update(&m, id, "renamed", "why", e_));
	items = routes(&m, t1, NULL);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *r = json_array_get(items, i);

		if (strcmp(sget(r, "TransitRouterRouteEntryId"), id) != 0)
			continue;
		ck_assert_str_eq(sget(r, "TransitRouterRouteEntryName"), "renamed");
		ck_assert_str_eq(sget(r, "TransitRouterRouteEntryDescription"), "why");
	}
	json_decref(items);
	test_assert_err(tr_route_entry_update(&m, "rte-nope", "x", NULL, &err), &err,
		   "IllegalParam.TransitRouterRouteEntryId", 400);
	test_assert_err(tr_route_entry_update(&o, id, "x", NULL, &err), &err, "IllegalParam.TransitRouterRouteEntryId", 400);
	test_assert_err(tr_route_entry_update(&m, id, "http://x", NULL, &err), &err, "InvalidName", 400);
	exec("UPDATE tr_route_entries SET status='Creating'");
	test_assert_err(tr_route_entry_update(&m, id, "x", NULL, &err), &err, "Operation.Blocking", 400);
}
END_TEST

START_TEST(test_propagations)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], vpn[64];
	struct vl_err err;
	json_t *items;
	int64_t total = 0;

	mk_table(&m, TR1, "t1", t1);
	add_vpn(1, TR1, "192.168.1.0/24", vpn);
	test_assert_err(tr_route_enable_propagation(&m, "tr-attach-nope", t1, &err), &err, "InvalidAttachmentId.NotFound", 404);
	test_assert_err(tr_route_enable_propagation(&m, A_VPC2, t1, &err), &err,
		   "InvalidParameter.TransitRouterRouteTableId", 400);
	cfg.transition_delay_ms = 300;
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, vpn, t1, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, SYS1, e_)); /* one attachment, many tables */
	items = links(&m, true, t1, &total);
	ck_assert_int_eq(total, 2);
	ck_assert_str_eq(sget(json_array_get(items, 0), "Status"), "Enabling");
	ck_assert_str_eq(sget(json_array_get(items, 1), "ResourceType"), "VPN");
	json_decref(items);
	/* Enabling learns nothing yet */
	items = routes(&m, t1, "All");
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	test_assert_err(tr_route_enable_propagation(&m, A_VPC1, t1, &err), &err, "IncorrectStatus.AttachmentOrRouteTable", 400);
	test_assert_err(tr_route_disable_propagation(&m, A_VPC1, t1, &err), &err, "IncorrectStatus.AttachmentOrRouteTable", 400);
	apply_due(NOW + 300);
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(json_array_size(items), 3); /* two vSwitches + one remote subnet */
	json_decref(items);
	/* filters of the list */
	{
		struct tr_route_link_filter f = { .route_table_id = t1, .resource_type = "VPN" };

		items = json_array();
		DIRECT_OK(tr_route_link_list(&m, true, &f, 0, 50, items, &total, e_));
		ck_assert_int_eq(total, 1);
		ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterAttachmentId"), vpn);
		json_decref(items);
		f.resource_type = NULL;
		f.status = "Active";
		f.resource_id = VPC1;
		items = json_array();
		DIRECT_OK(tr_route_link_list(&m, true, &f, 0, 50, items, &total, e_));
		ck_assert_int_eq(total, 1);
		json_decref(items);
		f.route_table_id = "vtb-nope";
		items = json_array();
		test_assert_err(tr_route_link_list(&m, true, &f, 0, 50, items, &total, &err), &err,
			   "InvalidTransitRouterRouteTableId.NotFound", 400);
		json_decref(items);
	}
	DIRECT_OK(tr_route_disable_propagation(&m, vpn, t1, e_));
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(json_array_size(items), 2); /* learning stops at once */
	json_decref(items);
	apply_due(NOW + 600);
	items = links(&m, true, t1, &total);
	ck_assert_int_eq(total, 1);
	json_decref(items);
	test_assert_err(tr_route_disable_propagation(&m, vpn, t1, &err), &err, "InvalidParameter.TransitRouterAttachmentId", 400);
	test_assert_err(tr_route_disable_propagation(&m, vpn, "vtb-nope", &err), &err, "InvalidRouteTableId.NotFound", 404);
	cfg.transition_delay_ms = 0;
	DIRECT_OK(tr_route_enable_propagation(&m, vpn, t1, e_)); /* again, after it is gone */
}
END_TEST

/* ---------------------------------------------------------------- static entries */

START_TEST(test_entry_create_rules)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION), o = test_ctx(OTHER, REGION);
	char t1[64], id[64];
	struct vl_err err;
	json_t *items, *item;

	mk_table(&m, TR1, "t1", t1);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Nowhere", A_VPC1, NULL, &err), &err, "IllegalParam.NextHopType", 400);
	test_assert_err(entry(&m, t1, "10.9.0.1/16", "Attachment", A_VPC1, NULL, &err), &err,
		   "IllegalParam.TransitRouterDestinationCidrBlock", 400);
	test_assert_err(entry(&m, t1, "2001:db8::/32", "Attachment", A_VPC1, NULL, &err), &err,
		   "IllegalParam.TransitRouterDestinationCidrBlock", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "BlackHole", A_VPC1, NULL, &err), &err,
		   "ParamExclusive.NextHopTypeBlackHoleAndNextHopId", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Attachment", NULL, NULL, &err), &err,
		   "MissingParam.TransitRouterRouteEntryNextHopId", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Attachment", "tr-attach-nope", NULL, &err), &err,
		   "InvalidTransitRouterRouteEntryNextHopId.NotFound", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Attachment", A_VPC2, NULL, &err), &err, /* TR2's */
		   "InvalidTransitRouterRouteEntryNextHopId.NotFound", 400);
	test_assert_err(entry(&m, "vtb-nope", "10.9.0.0/16", "BlackHole", NULL, NULL, &err), &err,
		   "InvalidTransitRouterRouteTableId.NotFound", 400);
	test_assert_err(entry(&o, t1, "10.9.0.0/16", "BlackHole", NULL, NULL, &err), &err,
		   "InvalidTransitRouterRouteTableId.NotFound", 400);
	{
		struct tr_route_entry_create_args args = { .route_table_id = t1, .destination = "10.9.0.0/16",
							   .next_hop_type = "BlackHole", .name = "http://n" };

		test_assert_err(tr_route_entry_create(&m, &args, id, sizeof(id), &err), &err, "InvalidName", 400);
		args.name = "n";
		args.description = "https://d";
		test_assert_err(tr_route_entry_create(&m, &args, id, sizeof(id), &err), &err, "InvalidDescription", 400);
	}
	ck_assert_int_eq(usage(&m, t1), 0);

	cfg.transition_delay_ms = 100;
	entry_ok(&m, t1, "10.9.0.0/16", "Attachment", A_VPC1, id);
	ck_assert(strncmp(id, "rte-bp1", 7) == 0);
	items = routes(&m, t1, "All");
	ck_assert_int_eq(json_array_size(items), 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryStatus"), "Creating");
	json_decref(items);
	items = routes(&m, t1, NULL); /* the default filter shows Active routes only */
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
	apply_due(NOW + 100);
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(json_array_size(items), 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryId"), id);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryType"), "Static");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopType"), "Attachment");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopId"), A_VPC1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceId"), VPC1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceType"), "VPC");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryOriginResourceType"), "TR");
	ck_assert_str_eq(sget(item, "CreateTime"), "2026-11-28T00:23Z");
	ck_assert(json_is_true(json_object_get(item, "OperationalMode")));
	ck_assert_str_eq(sget(json_object_get(item, "PathAttributes"), "OriginRouteType"), "Static");
	json_decref(items);
	cfg.transition_delay_ms = 0;

	/* one static entry per destination */
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Attachment", A_VPC1, NULL, &err), &err,
		   "InstanceExist.TransitRouterRouteEntry", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "Attachment", A_VPC3, NULL, &err), &err,
		   "OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock", 400);
	test_assert_err(entry(&m, t1, "10.9.0.0/16", "BlackHole", NULL, NULL, &err), &err,
		   "OperationFailed.CreateRouteEntryWithSameDestinationCidrBlock", 400);
	entry_ok(&m, t1, "10.9.0.0/17", "BlackHole", NULL, NULL); /* another prefix is another destination */
	entry_ok(&m, SYS1, "10.9.0.0/16", "BlackHole", NULL, NULL); /* and another table */
	entry_ok(&m, t1, "0.0.0.0/0", "Attachment", A_VPC3, NULL);
	ck_assert_int_eq(usage(&m, t1), 3);
	items = routes(&m, t1, NULL);
	item = json_array_get(items, 1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryDestinationCidrBlock"), "10.9.0.0/16");
	item = json_array_get(items, 2);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopType"), "BlackHole");
	ck_assert_ptr_null(json_object_get(item, "TransitRouterRouteEntryNextHopId"));
	ck_assert_str_eq(sget(json_object_get(item, "PathAttributes"), "OriginRouteType"), "BlackHole");
	json_decref(items);
}
END_TEST

START_TEST(test_entry_quota)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], dest[32];
	struct vl_err err;
	struct tr_route_entry_key key = { 0 };

	/* a small configured quota: the quota comes from the server's settings */
	cfg.quotas.tr_route_entries_per_table = 40;
	mk_table(&m, TR1, "t1", t1);
	exec("BEGIN");
	for (int i = 0; i < 40; i++) {
		snprintf(dest, sizeof(dest), "172.%d.%d.0/24", 16 + i / 256, i % 256);
		entry_ok(&m, t1, dest, "BlackHole", NULL, NULL);
	}
	exec("COMMIT");
	ck_assert_int_eq(usage(&m, t1), 40);
	test_assert_err(entry(&m, t1, "192.168.0.0/24", "BlackHole", NULL, NULL, &err), &err,
		   "QuotaExceeded.TransitRouterRoutEntry", 400);
	entry_ok(&m, SYS1, "192.168.0.0/24", "BlackHole", NULL, NULL); /* per table */
	key.route_table_id = t1;
	key.destination = "172.16.0.0/24";
	DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	entry_ok(&m, t1, "192.168.0.0/24", "BlackHole", NULL, NULL);
}
END_TEST

START_TEST(test_entry_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], id[64], id2[64];
	struct tr_route_entry_key key = { 0 };
	struct vl_err err;
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	entry_ok(&m, t1, "10.9.0.0/16", "Attachment", A_VPC1, id);
	entry_ok(&m, t1, "10.8.0.0/16", "BlackHole", NULL, id2);
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));

	key.route_entry_id = id;
	key.route_table_id = t1;
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err,
		   "ParamExclusive.RouteEntryIdAndRouteTableIdOrDestCidrBlock", 400);
	key.route_table_id = NULL;
	key.route_entry_id = "rte-nope";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "IllegalParam.TransitRouterRouteEntryId", 400);
	memset(&key, 0, sizeof(key));
	key.destination = "10.9.0.0/16";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "IllegalParam.TransitRouterRouteTableId", 400);
	key.route_table_id = "vtb-nope";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "InvalidTransitRouterRouteTableId.NotFound", 400);
	key.route_table_id = t1;
	key.destination = "10.7.0.0/16";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "InvalidDestinationCidrBlock.NotFound", 400);
	key.destination = "10.1.1.0/24"; /* learned from VPC1 */
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "OperationFailed.DeleteTransitRouterRouteEntry", 400);
	key.destination = "10.9.0.0/16";
	key.next_hop_type = "BlackHole"; /* a next hop, when given, must match */
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "InvalidDestinationCidrBlock.NotFound", 400);
	key.next_hop_type = "Attachment";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "MissingParam.TransitRouterRouteEntryNextHopId", 400);
	key.next_hop_type = "Bogus";
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "IllegalParam.NextHopType", 400);
	key.next_hop_type = "Attachment";
	key.next_hop_id = A_VPC1;
	cfg.transition_delay_ms = 50;
	DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	ck_assert_int_eq(usage(&m, t1), 1);
	items = routes(&m, t1, "All");
	ck_assert_str_eq(route_status(items, "10.9.0.0/16", A_VPC1), "Deleting");
	json_decref(items);
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "Operation.Blocking", 400);
	apply_due(NOW + 50);
	items = routes(&m, t1, "All");
	ck_assert_str_eq(route_status(items, "10.9.0.0/16", A_VPC1), "");
	json_decref(items);
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "InvalidDestinationCidrBlock.NotFound", 400);
	/* by ID; a Creating entry is busy too */
	memset(&key, 0, sizeof(key));
	key.route_entry_id = id2;
	DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	entry_ok(&m, t1, "10.6.0.0/16", "BlackHole", NULL, id);
	key.route_entry_id = id;
	test_assert_err(tr_route_entry_delete(&m, &key, &err), &err, "Operation.Blocking", 400);
	cfg.transition_delay_ms = 0;
	apply_due(NOW + 100);
	DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	ck_assert_int_eq(usage(&m, t1), 0);
}
END_TEST

/* ---------------------------------------------------------------- computed routes */

START_TEST(test_vpc_propagation)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64];
	json_t *items, *item, *path;

	mk_table(&m, TR1, "t1", t1);
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	items = routes(&m, t1, NULL);
	/* the VPC's system routes (vSwitch CIDRs), not the VPC CIDR */
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_int_eq(count_routes(items, "10.1.0.0/16", NULL), 0);
	item = json_array_get(items, 0);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryDestinationCidrBlock"), "10.1.1.0/24");
	ck_assert_str_eq(sget(json_array_get(items, 1), "TransitRouterRouteEntryDestinationCidrBlock"), "10.1.2.0/24");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryType"), "Propagated");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryStatus"), "Active");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopType"), "Attachment");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopId"), A_VPC1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceId"), VPC1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceType"), "VPC");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryOriginResourceId"), VPC1);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryOriginResourceType"), "VPC");
	ck_assert(json_is_false(json_object_get(item, "OperationalMode")));
	/* static-only fields are absent on learned routes */
	ck_assert_ptr_null(json_object_get(item, "TransitRouterRouteEntryId"));
	ck_assert_ptr_null(json_object_get(item, "TransitRouterRouteEntryName"));
	ck_assert_ptr_null(json_object_get(item, "CreateTime"));
	path = json_object_get(item, "PathAttributes");
	ck_assert_str_eq(sget(path, "OriginInstanceId"), VPC1);
	ck_assert_str_eq(sget(path, "OriginInstanceType"), "VPC");
	ck_assert_str_eq(sget(path, "OriginRouteType"), "System");
	ck_assert_int_eq(json_integer_value(json_object_get(path, "Preference")), 50);
	ck_assert(json_is_array(json_object_get(path, "AsPaths")));
	ck_assert(json_is_array(json_object_get(path, "Communities")));
	json_decref(items);
	/* a vSwitch added later is learned at once (computed on read) */
	add_vswitch("vsw-bp1e", VPC1, "10.1.3.0/24");
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(json_array_size(items), 3);
	json_decref(items);
	/* the System table learns nothing it was not told to */
	items = routes(&m, SYS1, "All");
	ck_assert_int_eq(json_array_size(items), 0);
	json_decref(items);
}
END_TEST

START_TEST(test_vpn_propagation)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], vpn[64];
	json_t *items, *item;

	mk_table(&m, TR1, "t1", t1);
	add_vpn(1, TR1, "192.168.1.0/24, 192.168.2.0/24,0.0.0.0/0,192.168.1.0/24", vpn);
	DIRECT_OK(tr_route_enable_propagation(&m, vpn, t1, e_));
	items = routes(&m, t1, "All");
	/* each remote subnet once; 0.0.0.0/0 (destination-routing mode) is not a route */
	ck_assert_int_eq(json_array_size(items), 2);
	ck_assert_int_eq(count_routes(items, "0.0.0.0/0", NULL), 0);
	item = json_array_get(items, 0);
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryDestinationCidrBlock"), "192.168.1.0/24");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceType"), "VPN");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopResourceId"), "vco-bp1conn00000000000001");
	ck_assert_str_eq(sget(item, "TransitRouterRouteEntryNextHopId"), vpn);
	ck_assert_str_eq(sget(json_object_get(item, "PathAttributes"), "OriginRouteType"), "Static");
	json_decref(items);
	/* the connection's subnets change: the routes follow */
	exec("UPDATE vpn_connections SET remote_subnet='172.20.0.0/16' WHERE vpn_connection_id='vco-bp1conn00000000000001'");
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_int_eq(count_routes(items, "172.20.0.0/16", "Active"), 1);
	json_decref(items);
}
END_TEST

START_TEST(test_ecmp_two)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], v1[64], v2[64];
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	add_vpn(1, TR1, "192.168.0.0/16", v1);
	add_vpn(2, TR1, "192.168.0.0/16,172.16.0.0/16", v2);
	DIRECT_OK(tr_route_enable_propagation(&m, v1, t1, e_));
	m.now_ms++;
	DIRECT_OK(tr_route_enable_propagation(&m, v2, t1, e_));
	items = routes(&m, t1, NULL);
	ck_assert_int_eq(count_routes(items, "192.168.0.0/16", "Active"), 2);
	ck_assert_str_eq(route_status(items, "192.168.0.0/16", v1), "Active");
	ck_assert_str_eq(route_status(items, "192.168.0.0/16", v2), "Active");
	ck_assert_int_eq(count_routes(items, "172.16.0.0/16", "Active"), 1);
	json_decref(items);
}
END_TEST

START_TEST(test_ecmp_seventeen)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], vpn[17][64];
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	for (int i = 0; i < 17; i++) {
		add_vpn(i + 1, TR1, "10.200.0.0/16", vpn[i]);
		m.now_ms = NOW + i;
		DIRECT_OK(tr_route_enable_propagation(&m, vpn[i], t1, e_));
	}
	items = routes(&m, t1, "All");
	ck_assert_int_eq(count_routes(items, "10.200.0.0/16", NULL), 17);
	ck_assert_int_eq(count_routes(items, "10.200.0.0/16", "Active"), TR_ROUTE_ECMP_MAX);
	ck_assert_int_eq(count_routes(items, "10.200.0.0/16", "Candidate"), 1);
	/* the one enabled last waits */
	ck_assert_str_eq(route_status(items, "10.200.0.0/16", vpn[16]), "Candidate");
	ck_assert_str_eq(route_status(items, "10.200.0.0/16", vpn[0]), "Active");
	json_decref(items);
	items = routes(&m, t1, NULL); /* default: Active only */
	ck_assert_int_eq(json_array_size(items), 16);
	json_decref(items);
	items = routes(&m, t1, "Candidate");
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	/* one of the first sixteen stops learning: the candidate takes its place */
	m.now_ms = NOW + 100;
	DIRECT_OK(tr_route_disable_propagation(&m, vpn[3], t1, e_));
	items = routes(&m, t1, "All");
	ck_assert_int_eq(count_routes(items, "10.200.0.0/16", "Active"), 16);
	ck_assert_str_eq(route_status(items, "10.200.0.0/16", vpn[16]), "Active");
	ck_assert_str_eq(route_status(items, "10.200.0.0/16", vpn[3]), "");
	json_decref(items);
	/* re-enabled, it comes back last in line */
	m.now_ms = NOW + 200;
	DIRECT_OK(tr_route_enable_propagation(&m, vpn[3], t1, e_));
	items = routes(&m, t1, "All");
	ck_assert_str_eq(route_status(items, "10.200.0.0/16", vpn[3]), "Candidate");
	json_decref(items);
}
END_TEST

START_TEST(test_static_over_propagated)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], v1[64], v2[64], id[64];
	struct tr_route_entry_key key = { 0 };
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	add_vpn(1, TR1, "192.168.0.0/16", v1);
	add_vpn(2, TR1, "192.168.0.0/16", v2);
	DIRECT_OK(tr_route_enable_propagation(&m, v1, t1, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, v2, t1, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	entry_ok(&m, t1, "192.168.0.0/16", "Attachment", A_VPC1, id);
	entry_ok(&m, t1, "10.1.1.0/24", "BlackHole", NULL, NULL); /* shadows a VPC system route */
	items = routes(&m, t1, "All");
	ck_assert_str_eq(route_status(items, "192.168.0.0/16", A_VPC1), "Active");
	ck_assert_str_eq(route_status(items, "192.168.0.0/16", v1), "Rejected");
	ck_assert_str_eq(route_status(items, "192.168.0.0/16", v2), "Rejected");
	ck_assert_str_eq(route_status(items, "10.1.1.0/24", ""), "Active");
	ck_assert_str_eq(route_status(items, "10.1.1.0/24", A_VPC1), "Rejected");
	ck_assert_str_eq(route_status(items, "10.1.2.0/24", A_VPC1), "Active");
	/* the static entry is listed first within its destination */
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteEntryType"), "Static");
	json_decref(items);
	items = routes(&m, t1, "Rejected");
	ck_assert_int_eq(json_array_size(items), 3);
	json_decref(items);
	/* a static route only wins while it exists */
	key.route_entry_id = id;
	DIRECT_OK(tr_route_entry_delete(&m, &key, e_));
	items = routes(&m, t1, "All");
	ck_assert_int_eq(count_routes(items, "192.168.0.0/16", "Active"), 2);
	json_decref(items);
}
END_TEST

START_TEST(test_vpc_over_vpn_and_overlap)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], v1[64];
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	add_vswitch("vsw-bp1z", VPC3, "10.1.1.0/24"); /* VPC3 uses VPC1's vSwitch CIDR too */
	add_vpn(1, TR1, "10.1.2.0/24", v1);
	DIRECT_OK(tr_route_enable_propagation(&m, v1, t1, e_));
	m.now_ms++;
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	m.now_ms++;
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC3, t1, e_));
	items = routes(&m, t1, "All");
	/* VPC-learned beats VPN-learned whatever the order */
	ck_assert_str_eq(route_status(items, "10.1.2.0/24", A_VPC1), "Active");
	ck_assert_str_eq(route_status(items, "10.1.2.0/24", v1), "Standby");
	/* the first VPC to propagate a destination keeps it */
	ck_assert_str_eq(route_status(items, "10.1.1.0/24", A_VPC1), "Active");
	ck_assert_str_eq(route_status(items, "10.1.1.0/24", A_VPC3), "Rejected");
	ck_assert_str_eq(route_status(items, "10.3.1.0/24", A_VPC3), "Active");
	json_decref(items);
	items = routes(&m, t1, "Standby");
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
}
END_TEST

/* ---------------------------------------------------------------- filters */

/* Parses "a=b&c=d" into a fresh list (caller frees). */
static void parse_params(struct kvlist *params, const char *text)
{
	kvlist_init(params);
	ck_assert_int_eq(kvlist_parse_urlencoded(params, text, strlen(text)), 0);
}

static void parse_fails(const char *text, const char *code)
{
	struct kvlist params;
	struct tr_route_entry_filter *f = malloc(sizeof(*f));
	struct vl_err err;

	parse_params(&params, text);
	vl_err_clear(&err);
	ck_assert_msg(h_tr_route_parse_entry_filter(&params, f, &err) == -1, "%s accepted", text);
	ck_assert_msg(strcmp(vl_err_code(&err), code) == 0, "%s: %s, want %s", text, vl_err_code(&err), code);
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	kvlist_free(&params);
	free(f);
}

/* Lists the table with the filters of text (plus the table ID); returns the items. */
static json_t *filtered(struct model_ctx *m, const char *table, const char *text)
{
	struct kvlist params;
	struct tr_route_entry_filter *f = malloc(sizeof(*f));
	json_t *items = json_array();
	int64_t total = 0;
	char buf[8192];

	snprintf(buf, sizeof(buf), "TransitRouterRouteTableId=%s&%s", table, text);
	parse_params(&params, buf);
	DIRECT_OK(h_tr_route_parse_entry_filter(&params, f, e_));
	DIRECT_OK(tr_route_entry_list(m, f, 0, 1000, items, &total, e_));
	ck_assert_int_eq(total, (int64_t)json_array_size(items));
	kvlist_free(&params);
	free(f);
	return items;
}

START_TEST(test_filter_parse_errors)
{
	static char big[65536];
	size_t len = 0;

	parse_fails("TransitRouterRouteEntryStatus=Up", "IllegalParam.TransitRouterRouteEntryStatus");
	parse_fails("TransitRouterRouteEntryType=Learned", "IllegalParam.TransitRouterRouteEntryType");
	parse_fails("TransitRouterRouteEntryNextHopType=Peer", "IllegalParam.TransitRouterRouteEntryNextHopType");
	parse_fails("TransitRouterRouteEntryNextHopResourceType=ECS",
		    "IllegalParam.TransitRouterRouteEntryNextHopResourceType");
	parse_fails("TransitRouterRouteEntryOriginResourceType=ECS",
		    "IllegalParam.TransitRouterRouteEntryOriginResourceType");
	parse_fails("TransitRouterRouteEntryIds.1=rte-a&TransitRouterRouteEntryStatus=All",
		    "ParamExclusive.RouteEntryIdsAndStatus");
	parse_fails("TransitRouterRouteEntryIds.0=rte-a", "InvalidParameter");
	parse_fails("TransitRouterRouteEntryIds.21=rte-a", "InvalidParameter");
	parse_fails("TransitRouterRouteEntryIds.01=rte-a", "InvalidParameter");
	parse_fails("RouteFilter.1.Key=Everything&RouteFilter.1.Value.1=10.0.0.0/8", "InvalidFilterKey");
	parse_fails("RouteFilter.1.Value.1=10.0.0.0/8", "InvalidFilterKey");
	parse_fails("RouteFilter.1.Key=PrefixExactMatchCidrs&RouteFilter.1.Value.1=10.0.0.0/8"
		    "&RouteFilter.2.Key=PrefixExactMatchCidrs&RouteFilter.2.Value.1=10.0.0.0/8",
		    "FilterKeyDuplicated.RouteFilter");
	parse_fails("RouteFilter.1.Key=PrefixExactMatchCidrs&RouteFilter.1.Value.1=10.0.0.1/8",
		    "IllegalParam.PrefixExactMatchCidr");
	parse_fails("RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=10.0.0",
		    "IllegalParam.LongestPrefixMatchCidr");
	parse_fails("RouteFilter.1.Key=SubnetOfMatchCidrs&RouteFilter.1.Value.1=fe80::/10",
		    "IllegalParam.SubnetOfMatchCidr");
	parse_fails("RouteFilter.1.Key=SupernetOfMatchCidrs", "IllegalParam.SupernetOfMatchCidr");
	parse_fails("RouteFilter.1.Key=SupernetOfMatchCidrs&RouteFilter.1.Value.501=10.0.0.0/8",
		    "IllegalParam.SupernetOfMatchCidr");
	parse_fails("RouteFilter.x.Key=SupernetOfMatchCidrs", "InvalidParameter");
	parse_fails("RouteFilter.1.Name=SupernetOfMatchCidrs", "InvalidParameter");
	parse_fails("TransitRouterRouteEntryDestinationCidrBlock=10.0.0.0/33",
		    "IllegalParam.TransitRouterDestinationCidrBlock");
	/* 500 values are fine, the 501st is not */
	len = (size_t)snprintf(big, sizeof(big), "RouteFilter.1.Key=SubnetOfMatchCidrs");
	for (int i = 1; i <= 501; i++)
		len += (size_t)snprintf(big + len, sizeof(big) - len, "&RouteFilter.1.Value.%d=10.%d.0.0/16",
					i > 500 ? 1 : i, i % 256);
	parse_fails(big, "IllegalParam.SubnetOfMatchCidr");
}
END_TEST

START_TEST(test_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], vpn[64], id[64], id2[64], q[512];
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	add_vpn(1, TR1, "192.168.0.0/16,192.168.10.0/24", vpn);
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_)); /* 10.1.1.0/24, 10.1.2.0/24 */
	DIRECT_OK(tr_route_enable_propagation(&m, vpn, t1, e_));
	{
		struct tr_route_entry_create_args args = { .route_table_id = t1, .destination = "10.0.0.0/8",
							   .next_hop_type = "Attachment", .next_hop_id = A_VPC3,
							   .name = "wide" };

		DIRECT_OK(tr_route_entry_create(&m, &args, id, sizeof(id), e_));
	}
	entry_ok(&m, t1, "192.168.10.128/25", "BlackHole", NULL, id2);

	items = filtered(&m, t1, "");
	ck_assert_int_eq(json_array_size(items), 6);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryType=Static");
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryType=Propagated&TransitRouterRouteEntryNextHopResourceType=VPN");
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryNextHopType=BlackHole");
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	snprintf(q, sizeof(q), "TransitRouterRouteEntryNextHopId=%s", A_VPC1);
	items = filtered(&m, t1, q);
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryOriginResourceId=" VPC1);
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryOriginResourceType=TR");
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryNextHopResourceId=" VPC3);
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryDestinationCidrBlock=10.1.2.0/24");
	ck_assert_int_eq(json_array_size(items), 1);
	json_decref(items);
	/* IDs and names: static entries only, whatever their status */
	snprintf(q, sizeof(q), "TransitRouterRouteEntryIds.1=%s&TransitRouterRouteEntryIds.2=%s", id, id2);
	items = filtered(&m, t1, q);
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "TransitRouterRouteEntryNames.1=wide");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteEntryId"), id);
	json_decref(items);
	/* RouteFilter */
	items = filtered(&m, t1, "RouteFilter.1.Key=PrefixExactMatchCidrs&RouteFilter.1.Value.1=10.1.1.0/24"
				 "&RouteFilter.1.Value.2=10.0.0.0/8");
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	items = filtered(&m, t1, "RouteFilter.1.Key=SubnetOfMatchCidrs&RouteFilter.1.Value.1=192.168.0.0/16");
	ck_assert_int_eq(json_array_size(items), 3); /* /16 itself, the /24 and the /25 */
	json_decref(items);
	items = filtered(&m, t1, "RouteFilter.1.Key=SupernetOfMatchCidrs&RouteFilter.1.Value.1=192.168.10.128/26");
	ck_assert_int_eq(json_array_size(items), 3); /* /16, /24, /25 */
	json_decref(items);
	items = filtered(&m, t1, "RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=192.168.10.200");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteEntryDestinationCidrBlock"),
			 "192.168.10.128/25");
	json_decref(items);
	items = filtered(&m, t1, "RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=10.1.1.7"
				 "&RouteFilter.1.Value.2=10.99.0.0/16&RouteFilter.1.Value.3=172.31.0.1");
	ck_assert_int_eq(json_array_size(items), 2); /* 10.1.1.0/24 and, for 10.99/16, 10.0.0.0/8 */
	json_decref(items);
	/* keys are ANDed; longest prefix among what the other filters keep */
	items = filtered(&m, t1, "RouteFilter.1.Key=LongestPrefixMatchCidrs&RouteFilter.1.Value.1=192.168.10.200"
				 "&TransitRouterRouteEntryType=Propagated");
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(sget(json_array_get(items, 0), "TransitRouterRouteEntryDestinationCidrBlock"),
			 "192.168.10.0/24");
	json_decref(items);
	items = filtered(&m, t1, "RouteFilter.2.Key=SubnetOfMatchCidrs&RouteFilter.2.Value.1=192.168.0.0/16"
				 "&RouteFilter.1.Key=SupernetOfMatchCidrs&RouteFilter.1.Value.1=192.168.10.0/24");
	ck_assert_int_eq(json_array_size(items), 2); /* /16 and /24 */
	json_decref(items);
	/* no prefix lists exist */
	{
		struct tr_route_entry_filter *f = calloc(1, sizeof(*f));
		json_t *list = json_array();
		int64_t total;
		struct vl_err err;

		f->route_table_id = t1;
		f->prefix_list_id = "pl-x";
		test_assert_err(tr_route_entry_list(&m, f, 0, 10, list, &total, &err), &err,
			   "ResourceNotFound.PrefixlistAssociation", 400);
		f->prefix_list_id = NULL;
		f->route_table_id = "vtb-nope";
		test_assert_err(tr_route_entry_list(&m, f, 0, 10, list, &total, &err), &err,
			   "InvalidTransitRouterRouteTableId.NotFound", 400);
		json_decref(list);
		free(f);
	}
}
END_TEST

/* Runs one action through validation and its handler, as the engine does for reads. */
static int run_action(struct model_ctx *m, const char *name, const char *query, json_t **response,
		      struct vl_err *err)
{
	const struct action *a = action_find("2017-09-12", name);
	struct kvlist params;
	struct action_ctx ctx;
	int rc;

	ck_assert_ptr_nonnull(a);
	parse_params(&params, query);
	memset(&ctx, 0, sizeof(ctx));
	ctx.model = m;
	ctx.err = err;
	ctx.response = json_object();
	vl_err_clear(err);
	rc = action_validate(a, &params, &ctx, err);
	if (rc == 0)
		rc = a->handler(&ctx);
	kvlist_free(&params);
	*response = ctx.response;
	return rc;
}

START_TEST(test_next_token_paging)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], dest[32], query[256], token[64] = "";
	json_t *resp;
	struct vl_err err;
	int seen = 0, pages = 0;

	mk_table(&m, TR1, "t1", t1);
	for (int i = 0; i < 23; i++) {
		snprintf(dest, sizeof(dest), "172.16.%d.0/24", i);
		entry_ok(&m, t1, dest, "BlackHole", NULL, NULL);
	}
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	do {
		json_t *list;
		size_t i;
		json_t *item;

		snprintf(query, sizeof(query), "TransitRouterRouteTableId=%s&MaxResults=10%s%s", t1,
			 token[0] ? "&NextToken=" : "", token);
		ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteEntries", query, &resp, &err), 0);
		ck_assert_int_eq(json_integer_value(json_object_get(resp, "TotalCount")), 25);
		ck_assert_int_eq(json_integer_value(json_object_get(resp, "MaxResults")), 10);
		list = json_object_get(resp, "TransitRouterRouteEntries");
		ck_assert(json_is_array(list));
		json_array_foreach(list, i, item) {
			(void)item;
			seen++;
		}
		snprintf(token, sizeof(token), "%s", json_string_value(json_object_get(resp, "NextToken")));
		json_decref(resp);
		pages++;
	} while (token[0] && pages < 10);
	ck_assert_int_eq(seen, 25);
	ck_assert_int_eq(pages, 3);
	/* a foreign token and bad filters are refused through the handler too */
	snprintf(query, sizeof(query), "TransitRouterRouteTableId=%s&NextToken=abc", t1);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteEntries", query, &resp, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "IllegalParam.NextToken");
	json_decref(resp);
	snprintf(query, sizeof(query), "TransitRouterRouteTableId=%s&RouteFilter.1.Key=Nope&RouteFilter.1.Value.1=1.2.3.4", t1);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteEntries", query, &resp, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidFilterKey");
	json_decref(resp);
	/* associations and propagations default to 50 per page; route tables to 20 */
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteTablePropagations",
				    "TransitRouterRouteTableId=vtb-nope", &resp, &err), -1);
	json_decref(resp);
	snprintf(query, sizeof(query), "TransitRouterRouteTableId=%s", t1);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteTablePropagations", query, &resp, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(resp, "MaxResults")), 50);
	ck_assert_int_eq(json_array_size(json_object_get(resp, "TransitRouterPropagations")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(resp, "NextToken")), "");
	json_decref(resp);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteTableAssociations", "", &resp, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(resp, "MaxResults")), 50);
	ck_assert(json_is_array(json_object_get(resp, "TransitRouterAssociations")));
	json_decref(resp);
	snprintf(query, sizeof(query), "TransitRouterId=%s&TransitRouterRouteTableIds.1=%s&MaxResults=1", TR1, t1);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteTables", query, &resp, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(resp, "TotalCount")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(resp, "TransitRouterRouteTables"), 0),
							   "TransitRouterRouteTableId")), t1);
	json_decref(resp);
	ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteTables", "TransitRouterId=" TR1, &resp, &err), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(resp, "MaxResults")), 20);
	ck_assert_int_eq(json_integer_value(json_object_get(resp, "TotalCount")), 2);
	json_decref(resp);
}
END_TEST

START_TEST(test_attachment_forget)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64];
	int64_t total;
	json_t *items;

	mk_table(&m, TR1, "t1", t1);
	DIRECT_OK(tr_route_associate(&m, A_VPC1, t1, e_));
	DIRECT_OK(tr_route_enable_propagation(&m, A_VPC1, t1, e_));
	entry_ok(&m, t1, "10.50.0.0/16", "Attachment", A_VPC1, NULL);
	entry_ok(&m, t1, "10.51.0.0/16", "Attachment", A_VPC3, NULL);
	entry_ok(&m, t1, "10.52.0.0/16", "BlackHole", NULL, NULL);
	ck_assert_int_eq(usage(&m, t1), 3);
	DIRECT_OK(tr_route_attachment_forget(&m, "", e_)); /* blackhole entries have no attachment */
	ck_assert_int_eq(usage(&m, t1), 3);
	DIRECT_OK(tr_route_attachment_forget(&m, A_VPC1, e_));
	ck_assert_int_eq(usage(&m, t1), 2);
	items = links(&m, false, t1, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	items = links(&m, true, t1, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	items = routes(&m, t1, "All");
	ck_assert_int_eq(json_array_size(items), 2);
	json_decref(items);
	/* the row can go now: nothing of this model refers to it */
	exec("DELETE FROM tr_attachments WHERE attachment_id='" A_VPC1 "'");
}
END_TEST

/* ---------------------------------------------------------------- scale */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

START_TEST(test_scale_50_attachments_1000_entries)
{
	struct model_ctx m = test_ctx(ACCOUNT, REGION);
	char t1[64], vpn[64], dest[32], remote[128], query[160];
	struct timespec t0;
	double elapsed;
	json_t *resp;
	struct vl_err err;

	mk_table(&m, TR1, "t1", t1);
	exec("BEGIN");
	for (int i = 0; i < 50; i++) {
		/* each connection: its own /24 and a shared /16 (ECMP among the first 16) */
		snprintf(remote, sizeof(remote), "10.%d.%d.0/24,10.250.0.0/16", 100 + i / 100, i % 100);
		add_vpn(i + 1, TR1, remote, vpn);
		m.now_ms = NOW + i;
		DIRECT_OK(tr_route_enable_propagation(&m, vpn, t1, e_));
	}
	for (int i = 0; i < 1000; i++) {
		snprintf(dest, sizeof(dest), "172.%d.%d.0/24", 16 + i / 256, i % 256);
		entry_ok(&m, t1, dest, "BlackHole", NULL, NULL);
	}
	exec("COMMIT");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 20; i++) {
		snprintf(query, sizeof(query), "TransitRouterRouteTableId=%s&TransitRouterRouteEntryStatus=All&MaxResults=100",
			 t1);
		ck_assert_int_eq(run_action(&m, "ListTransitRouterRouteEntries", query, &resp, &err), 0);
		ck_assert_int_eq(json_integer_value(json_object_get(resp, "TotalCount")), 1100);
		json_decref(resp);
	}
	elapsed = seconds_since(&t0);
	/* 20 requests over 1,100 routes: well under a second optimised; generous for ASan */
	ck_assert_msg(elapsed < 4.0, "20 lists took %.3f s", elapsed);
	{
		json_t *items = routes(&m, t1, "All");

		ck_assert_int_eq(count_routes(items, "10.250.0.0/16", "Active"), 16);
		ck_assert_int_eq(count_routes(items, "10.250.0.0/16", "Candidate"), 34);
		json_decref(items);
	}
}
END_TEST

Suite *tr_route_suite_create(void)
{
	const struct test_entry tables[] = {
		{ test_table_create_list }, { test_table_create_refusals },
		{ test_table_lifecycle_update_delete },
	};
	const struct test_entry associations_propagations[] = {
		{ test_associations }, { test_propagations }, { test_attachment_forget },
		{ test_replace_association }, { test_entry_update },
	};
	const struct test_entry entries[] = {
		{ test_entry_create_rules }, { test_entry_quota }, { test_entry_delete },
	};
	const struct test_entry computed[] = {
		{ test_vpc_propagation }, { test_vpn_propagation }, { test_ecmp_two },
		{ test_ecmp_seventeen }, { test_static_over_propagated }, { test_vpc_over_vpn_and_overlap },
	};
	const struct test_entry filters[] = {
		{ test_filter_parse_errors }, { test_filters }, { test_next_token_paging },
	};
	const struct test_entry scale[] = {
		{ test_scale_50_attachments_1000_entries },
	};
	const struct test_case cases[] = {
		TEST_CASE(tables), TEST_CASE(associations_propagations), TEST_CASE(entries),
		TEST_CASE(computed), TEST_CASE(filters), { "scale", scale, countof(scale), NULL, NULL, 60 },
	};

	return test_suite_of_cases("tr_route", setup, test_world_teardown, cases, countof(cases));
}
