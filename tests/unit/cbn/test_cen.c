/*
 * CEN instances and transit routers (model/cen.c, model/transit_router.c) on a real SQLite
 * store (":memory:", migrated): defaults, name and CIDR rules with their codes (a refused
 * request changes nothing), one router per CEN and region with its System route table,
 * DescribeCens filters, ListTransitRouters answers, the busy states, the refusals of
 * DeleteTransitRouter / DeleteCen and the asynchronous removal (Deleting, then gone), the
 * CIDR blocks and the addresses handed out of them.  Mutations run in a savepoint the way
 * the engine runs a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cen.h"
#include "errors.h"
#include "lifecycle.h"
#include "model.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "tr_attachment.h"
#include "transit_router.h"
#include "vpc.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define OTHER "acct-b"
#define REGION "cn-hangzhou"

#define sql_count(sql, arg) test_count(st, (sql), (arg))

/* Rows of every CBN table: a refused request must leave them as they were. */
static int64_t cbn_rows(void)
{
	return sql_count("SELECT (SELECT COUNT(*) FROM cens) + (SELECT COUNT(*) FROM transit_routers)"
			 " + (SELECT COUNT(*) FROM transit_router_cidrs) + (SELECT COUNT(*) FROM tr_route_tables)"
			 " + (SELECT COUNT(*) FROM tr_attachments) + (SELECT COUNT(*) FROM tags)"
			 " + (SELECT COUNT(*) FROM transitions) + (SELECT COUNT(*) FROM tr_cidr_allocations)",
			 NULL);
}

#define REFUSED(call, code, http) TEST_REFUSED_UNCHANGED(cbn_rows, call, code, http)

/* A Custom route table vtb-custom of router_id, written as its model stores it. */
static void add_custom_route_table(const char *router_id)
{
	test_exec2(st, "INSERT INTO tr_route_tables(route_table_id, transit_router_id, account, region, type, status,"
		 " created_ms) VALUES ('vtb-custom', ?, 'acct-a', 'cn-hangzhou', 'Custom', 'Active', 0)",
		 router_id, NULL);
}

/* An Attached attachment tr-attach-x of router_id (in region, CEN cen_id) to resource_id of
 * resource_type, written as its model stores it. */
static void add_attachment(const char *router_id, const char *cen_id, const char *region, const char *resource_type,
			   const char *resource_id)
{
	const char *const names[] = { "attachment_id", "transit_router_id", "cen_id", "account", "region",
				      "resource_type", "resource_id", "status", "created_ms" };
	const char *const values[] = { "tr-attach-x", router_id, cen_id, "acct-a", region,
				       resource_type, resource_id, "Attached", "0" };

	test_insert_row(st, "tr_attachments", names, values, 9);
}

static void make_cen(struct model_ctx *m, const char *name, struct cen *out)
{
	struct cen_create_args a = { .name = name };
	struct vl_err err;

	tx_begin();
	ck_assert_msg(tx_end(cen_create(m, &a, out, &err)) == 0, "%s", vl_err_message(&err));
}

static void make_router(struct model_ctx *m, const char *cen_id, const char *cidrs, struct transit_router *out)
{
	struct transit_router_create_args a = { .cen_id = cen_id, .cidr_list_json = cidrs };
	struct vl_err err;

	tx_begin();
	ck_assert_msg(tx_end(transit_router_create(m, &a, out, &err)) == 0, "%s %s", vl_err_code(&err),
		      vl_err_message(&err));
}

static json_t *list_cens(struct model_ctx *m, const struct cen_filter *f, int64_t *total)
{
	json_t *items = json_array();
	struct vl_err err;

	ck_assert_msg(cen_list(m, f, 0, 50, items, total, &err) == 0, "%s", vl_err_message(&err));
	return items;
}

/* ---- CEN ---- */

START_TEST(test_cen_create)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL);
	struct cen_create_args a = { .name = "c1", .description = "d" };
	const char *keys[] = { "env" }, *values[] = { "lab" };
	struct cen c, got;
	struct vl_err err;
	json_t *item;
	char name[200];

	a.tags.keys[0] = keys[0];
	a.tags.values[0] = values[0];
	a.tags.count = 1;
	tx_begin();
	ck_assert_int_eq(tx_end(cen_create(&m, &a, &c, &err)), 0);
	ck_assert_int_eq(strncmp(c.cen_id, "cen-", 4), 0);
	ck_assert_int_eq(strlen(c.cen_id), 28);
	ck_assert_str_eq(c.status, "Active");
	ck_assert_str_eq(c.protection_level, "REDUCED");
	ck_assert_int_eq(cen_get(&m, c.cen_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "c1");
	item = cen_to_json(&m, &got);
	ck_assert_str_eq(json_string_value(json_object_get(item, "CreationTime")), "2026-11-28T00:23Z");
	ck_assert_str_eq(json_string_value(json_object_get(item, "Status")), "Active");
	ck_assert_str_eq(json_string_value(json_object_get(item, "Ipv6Level")), "DISABLED");
	ck_assert(json_is_array(json_object_get(json_object_get(item, "CenBandwidthPackageIds"), "CenBandwidthPackageId")));
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(json_object_get(item, "Tags"), "Tag"), 0), "Value")),
			 "lab");
	json_decref(item);

	/* names: empty or 1-128 characters, not starting with http(s):// */
	memset(name, 'x', 129);
	name[129] = '\0';
	a = (struct cen_create_args){ .name = name };
	REFUSED(cen_create(&m, &a, &c, err_), "IllegalParam.Name", 400);
	a = (struct cen_create_args){ .description = "https://x" };
	REFUSED(cen_create(&m, &a, &c, err_), "IllegalParam.Description", 400);
	a = (struct cen_create_args){ .protection_level = "FULL" };
	REFUSED(cen_create(&m, &a, &c, err_), "IllegalParam.ProtectionLevel", 400);
	name[128] = '\0';
	a = (struct cen_create_args){ .name = name, .description = "" };
	tx_begin();
	ck_assert_int_eq(tx_end(cen_create(&m, &a, &c, &err)), 0);

	/* another account does not see it */
	m = test_ctx(OTHER, NULL);
	test_assert_err(cen_get(&m, c.cen_id, &got, &err), &err, "ParameterCenInstanceId", 400);
	test_assert_err(cen_get_for_child(&m, c.cen_id, &got, &err), &err, "InvalidCenId.NotFound", 400);
}
END_TEST

START_TEST(test_cen_creating_is_busy)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION);
	struct cen_modify_args mod = { .name = "n" };
	struct transit_router_create_args tra = { 0 };
	struct transit_router tr;
	struct cen c, got;
	struct vl_err err;

	cfg.transition_delay_ms = 1000;
	make_cen(&m, "c", &c);
	ck_assert_str_eq(c.status, "Creating");
	ck_assert(cen_busy(&m, &c));
	mod.cen_id = c.cen_id;
	REFUSED(cen_modify(&m, &mod, err_), "InvalidOperation.CenInstanceStatus", 409);
	REFUSED(cen_delete(&m, c.cen_id, err_), "InvalidOperation.CenInstanceStatus", 409);
	tra.cen_id = c.cen_id;
	REFUSED(transit_router_create(&r, &tra, &tr, err_), "IncorrectStatus.CenInstance", 400);
	test_apply_due(NOW + 999);
	ck_assert_int_eq(cen_get(&m, c.cen_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Creating");
	test_apply_due(NOW + 1000);
	ck_assert_int_eq(cen_get(&m, c.cen_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Active");
	tx_begin();
	ck_assert_int_eq(tx_end(cen_modify(&m, &mod, &err)), 0);
	ck_assert_int_eq(cen_get(&m, c.cen_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "n");
	ck_assert_str_eq(got.description, "");
}
END_TEST

START_TEST(test_cen_filters)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), o = test_ctx(OTHER, NULL);
	struct cen a, b, c, x;
	struct cen_filter f = { 0 };
	struct cbn_param p[6];
	struct vl_err err;
	int64_t total;
	json_t *items;

	make_cen(&m, "alpha", &a);
	make_cen(&m, "beta", &b);
	make_cen(&m, "alpha", &c);
	make_cen(&o, "alpha", &x);
	items = list_cens(&m, &f, &total);
	ck_assert_int_eq(total, 3);
	json_decref(items);

	/* values of one key OR, keys AND */
	p[0] = (struct cbn_param){ "Filter.1.Key", "CenId" };
	p[1] = (struct cbn_param){ "Filter.1.Value.1", a.cen_id };
	p[2] = (struct cbn_param){ "Filter.1.Value.2", b.cen_id };
	ck_assert_int_eq(cen_filter_collect(p, 3, &f, &err), 0);
	items = list_cens(&m, &f, &total);
	ck_assert_int_eq(total, 2);
	json_decref(items);
	p[3] = (struct cbn_param){ "Filter.2.Key", "Name" };
	p[4] = (struct cbn_param){ "Filter.2.Value.1", "alpha" };
	ck_assert_int_eq(cen_filter_collect(p, 5, &f, &err), 0);
	items = list_cens(&m, &f, &total);
	ck_assert_int_eq(total, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "CenId")), a.cen_id);
	json_decref(items);
	/* another account's ID matches nothing */
	p[1].value = x.cen_id;
	ck_assert_int_eq(cen_filter_collect(p, 2, &f, &err), 0);
	items = list_cens(&m, &f, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	/* the resource group: the account's default one only */
	f = (struct cen_filter){ .resource_group_id = "rg-other" };
	items = list_cens(&m, &f, &total);
	ck_assert_int_eq(total, 0);
	json_decref(items);

	p[0] = (struct cbn_param){ "Filter.1.Key", "Status" };
	test_assert_err(cen_filter_collect(p, 2, &f, &err), &err, "InvalidFilter.1.Key", 400);
	p[0] = (struct cbn_param){ "Filter.6.Key", "Name" };
	test_assert_err(cen_filter_collect(p, 1, &f, &err), &err, "InvalidParameter", 400);
	p[0] = (struct cbn_param){ "Filter.1.Value.6", "x" };
	test_assert_err(cen_filter_collect(p, 1, &f, &err), &err, "InvalidParameter", 400);
	p[0] = (struct cbn_param){ "Filter.2.Value.1", "x" };
	test_assert_err(cen_filter_collect(p, 1, &f, &err), &err, "MissingFilter.2.Key", 400);
}
END_TEST

START_TEST(test_cen_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION), q = test_ctx(ACCOUNT, "cn-beijing");
	struct transit_router tr, tr2;
	struct cen c, got;
	struct vl_err err;

	make_cen(&m, "c", &c);
	make_router(&r, c.cen_id, "[{\"Cidr\":\"10.99.0.0/24\"}]", &tr);
	make_router(&q, c.cen_id, NULL, &tr2);

	/* a custom route table or a route entry keeps the CEN */
	add_custom_route_table(tr.transit_router_id);
	REFUSED(cen_delete(&m, c.cen_id, err_), "OperationFailed.DeleteCenWithCustomRouteTable", 400);
	test_exec2(st, "UPDATE tr_route_tables SET type='System' WHERE route_table_id='vtb-custom'", NULL, NULL);
	test_exec2(st, "INSERT INTO tr_route_entries(route_entry_id, route_table_id, account, destination, dest_first,"
		 " dest_prefix_len, next_hop_type, status, created_ms) VALUES ('rte-1', 'vtb-custom', 'acct-a',"
		 " '10.0.0.0/8', 167772160, 8, 'BlackHole', 'Active', 0)",
		 NULL, NULL);
	REFUSED(cen_delete(&m, c.cen_id, err_), "OperationFailed.DeleteCenWithRouteEntry", 400);
	test_exec2(st, "DELETE FROM tr_route_entries", NULL, NULL);
	test_exec2(st, "DELETE FROM tr_route_tables WHERE route_table_id='vtb-custom'", NULL, NULL);
	/* an attachment keeps it too */
	add_attachment(tr2.transit_router_id, c.cen_id, "cn-beijing", "VPC", "vpc-x");
	REFUSED(cen_delete(&m, c.cen_id, err_), "InvalidOperation.AttachedChildInstanceExist", 400);
	test_exec2(st, "DELETE FROM tr_attachments", NULL, NULL);

	/* Deleting, then gone with its routers, their route tables and CIDR blocks */
	cfg.transition_delay_ms = 500;
	tx_begin();
	ck_assert_int_eq(tx_end(cen_delete(&m, c.cen_id, &err)), 0);
	ck_assert_int_eq(cen_get(&m, c.cen_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Deleting");
	ck_assert_int_eq(transit_router_get(&r, tr.transit_router_id, &tr, &err), 0);
	ck_assert_str_eq(tr.status, "Deleting");
	REFUSED(cen_delete(&m, c.cen_id, err_), "InvalidOperation.CenInstanceStatus", 409);
	test_apply_due(NOW + 500);
	test_assert_err(cen_get(&m, c.cen_id, &got, &err), &err, "ParameterCenInstanceId", 400);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM transit_routers", NULL), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables", NULL), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM transit_router_cidrs", NULL), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM transitions", NULL), 0);
	test_assert_err(cen_delete(&m, "cen-nothere", &err), &err, "ParameterCenInstanceId", 400);
}
END_TEST

/* ---- transit routers ---- */

START_TEST(test_router_create)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION), q = test_ctx(ACCOUNT, "cn-beijing");
	struct transit_router_create_args a = { 0 };
	struct transit_router tr, got, other;
	struct cen c, c2;
	struct vl_err err;
	char name[140];

	make_cen(&m, "c", &c);
	make_cen(&m, "c2", &c2);
	a.cen_id = "cen-nothere";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "InvalidCenId.NotFound", 400);
	a.cen_id = c.cen_id;
	memset(name, 'n', 129);
	name[129] = '\0';
	a.name = name;
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.TransitRouterName", 400);
	a.name = NULL;
	a.description = "http://d";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.TransitRouterDescription", 400);
	a.description = NULL;
	/* the CIDR list: JSON array of objects, up to 5, each block valid and unique */
	a.cidr_list_json = "{\"Cidr\":\"10.0.0.0/24\"}";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.TransitRouterCidrList", 400);
	a.cidr_list_json = "[{\"Cidr\":10}]";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.TransitRouterCidrList", 400);
	a.cidr_list_json = "[{\"Cidr\":\"10.0.0.0/25\"}]";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.Cidr", 400);
	a.cidr_list_json = "[{\"Cidr\":\"10.0.0.0/24\"},{\"Cidr\":\"10.0.0.128/25\"}]";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "IllegalParam.Cidr", 400);
	a.cidr_list_json = "[{\"Cidr\":\"10.0.0.0/24\"},{\"Cidr\":\"10.0.0.0/16\"}]";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "OperationFailed.CidrConflict", 400);
	a.cidr_list_json = "[{\"Cidr\":\"10.1.0.0/24\"},{\"Cidr\":\"10.2.0.0/24\"},{\"Cidr\":\"10.3.0.0/24\"},"
			   "{\"Cidr\":\"10.4.0.0/24\"},{\"Cidr\":\"10.5.0.0/24\"},{\"Cidr\":\"10.6.0.0/24\"}]";
	REFUSED(transit_router_create(&r, &a, &tr, err_), "QuotaExceeded.TransitRouterCidr", 400);
	a.cidr_list_json = "[{\"Cidr\":\"10.1.0.0/24\",\"Name\":\"n\",\"PublishCidrRoute\":false},{\"Cidr\":\"10.2.0.0/16\"}]";
	a.support_multicast = true;
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_create(&r, &a, &tr, &err)), 0);
	ck_assert_int_eq(strncmp(tr.transit_router_id, "tr-bp1", 6), 0);
	ck_assert_str_eq(tr.type, "Enterprise");
	ck_assert_str_eq(tr.status, "Active");
	ck_assert_int_eq(transit_router_get(&r, tr.transit_router_id, &got, &err), 0);
	ck_assert(got.support_multicast);
	ck_assert_int_eq(transit_router_cidr_count(&r, tr.transit_router_id), 2);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=? AND type='System'"
				   " AND status='Active'", tr.transit_router_id), 1);
	/* the router is regional */
	test_assert_err(transit_router_get(&q, tr.transit_router_id, &got, &err), &err, "InvalidTransitRouterId.NotFound", 400);

	/* one Enterprise router per CEN and region */
	a = (struct transit_router_create_args){ .cen_id = c.cen_id };
	REFUSED(transit_router_create(&r, &a, &other, err_), "InstanceExist.TransitRouterInstance", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_create(&q, &a, &other, &err)), 0);
	/* a block of another router of the same CEN conflicts; of another CEN it does not */
	a.cen_id = c2.cen_id;
	a.cidr_list_json = "[{\"Cidr\":\"10.2.3.0/24\"}]";
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_create(&r, &a, &other, &err)), 0);
	{
		struct transit_router_cidr_args ca = { .transit_router_id = NULL, .cidr = "10.2.4.0/24",
						       .publish_cidr_route = 1 };
		struct transit_router q_tr;
		struct transit_router_cidr cidr;

		ck_assert_int_eq(transit_router_find(&q, c.cen_id, &q_tr, &err), 0);
		ca.transit_router_id = q_tr.transit_router_id;
		REFUSED(transit_router_cidr_create(&q, &ca, &cidr, err_), "OperationFailed.CidrConflict", 400);
	}
}
END_TEST

START_TEST(test_router_list_and_update)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION), q = test_ctx(ACCOUNT, "cn-beijing");
	struct transit_router_filter f = { .multicast = -1 };
	struct transit_router_update_args u = { 0 };
	struct transit_router tr, tr2, got;
	json_t *items, *item, *cidr;
	struct cen c;
	struct vl_err err;
	int64_t total;

	make_cen(&m, "c", &c);
	make_router(&r, c.cen_id, "[{\"Cidr\":\"192.168.10.0/24\",\"Description\":\"d\"}]", &tr);
	make_router(&q, c.cen_id, NULL, &tr2);
	items = json_array();
	ck_assert_int_eq(transit_router_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 2);
	json_decref(items);
	f.region = REGION;
	items = json_array();
	ck_assert_int_eq(transit_router_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 1);
	item = json_array_get(items, 0);
	ck_assert_str_eq(json_string_value(json_object_get(item, "TransitRouterId")), tr.transit_router_id);
	ck_assert_str_eq(json_string_value(json_object_get(item, "RegionId")), REGION);
	ck_assert_str_eq(json_string_value(json_object_get(item, "Type")), "Enterprise");
	ck_assert_str_eq(json_string_value(json_object_get(item, "CreationTime")), "2026-11-28T00:23Z");
	ck_assert_int_eq(json_integer_value(json_object_get(item, "AliUid")), model_owner_id(ACCOUNT));
	ck_assert(json_is_false(json_object_get(item, "SupportMulticast")));
	ck_assert(json_is_array(json_object_get(item, "Tags")));
	cidr = json_array_get(json_object_get(item, "TransitRouterCidrList"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(cidr, "Cidr")), "192.168.10.0/24");
	ck_assert_str_eq(json_string_value(json_object_get(cidr, "Description")), "d");
	ck_assert(json_is_true(json_object_get(cidr, "PublishCidrRoute")));
	ck_assert_int_eq(strncmp(json_string_value(json_object_get(cidr, "TransitRouterCidrId")), "cidr-", 5), 0);
	json_decref(items);
	f = (struct transit_router_filter){ .multicast = 1 };
	items = json_array();
	ck_assert_int_eq(transit_router_list(&m, &f, 0, 10, items, &total, &err), 0);
	ck_assert_int_eq(total, 0);
	json_decref(items);
	f = (struct transit_router_filter){ .multicast = -1, .region = "xx-nowhere-1" };
	items = json_array();
	test_assert_err(transit_router_list(&m, &f, 0, 10, items, &total, &err), &err, "InvalidRegionId.NotFound", 404);
	json_decref(items);

	u.transit_router_id = tr.transit_router_id;
	u.name = "renamed";
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_update(&r, &u, &err)), 0);
	ck_assert_int_eq(transit_router_get(&r, tr.transit_router_id, &got, &err), 0);
	ck_assert_str_eq(got.name, "renamed");
	u.description = "https://x";
	REFUSED(transit_router_update(&r, &u, err_), "IllegalParam.TransitRouterDescription", 400);
	u.description = NULL;
	u.transit_router_id = "tr-nothere";
	REFUSED(transit_router_update(&r, &u, err_), "InvalidTransitRouterId.NotFound", 400);
}
END_TEST

START_TEST(test_router_busy_and_delete)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION);
	struct transit_router_update_args u = { .name = "x" };
	struct transit_router tr, got;
	struct cen c;
	struct vl_err err;

	make_cen(&m, "c", &c);
	cfg.transition_delay_ms = 1000;
	make_router(&r, c.cen_id, NULL, &tr);
	ck_assert_str_eq(tr.status, "Creating");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=? AND status='Creating'",
				   tr.transit_router_id), 1);
	u.transit_router_id = tr.transit_router_id;
	REFUSED(transit_router_update(&r, &u, err_), "IncorrectStatus.TransitRouterInstance", 400);
	REFUSED(transit_router_delete(&r, tr.transit_router_id, err_), "IncorrectStatus.TransitRouterInstance", 400);
	test_apply_due(NOW + 1000);
	ck_assert_int_eq(transit_router_get(&r, tr.transit_router_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Active");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=? AND status='Active'",
				   tr.transit_router_id), 1);

	/* what keeps a router */
	add_attachment(tr.transit_router_id, c.cen_id, "cn-hangzhou", "VPN", "vco-x");
	REFUSED(transit_router_delete(&r, tr.transit_router_id, err_), "InvalidOperation.AttachedChildInstanceExist", 400);
	test_exec2(st, "DELETE FROM tr_attachments", NULL, NULL);
	add_custom_route_table(tr.transit_router_id);
	REFUSED(transit_router_delete(&r, tr.transit_router_id, err_), "OperationFailed.DeleteTransitRouter", 400);
	test_exec2(st, "DELETE FROM tr_route_tables WHERE route_table_id='vtb-custom'", NULL, NULL);
	test_exec2(st, "INSERT INTO tr_route_entries(route_entry_id, route_table_id, account, destination, dest_first,"
		 " dest_prefix_len, next_hop_type, status, created_ms) SELECT 'rte-1', route_table_id, 'acct-a',"
		 " '10.0.0.0/8', 167772160, 8, 'BlackHole', 'Active', 0 FROM tr_route_tables WHERE transit_router_id=?",
		 tr.transit_router_id, NULL);
	REFUSED(transit_router_delete(&r, tr.transit_router_id, err_), "OperationFailed.DeleteTransitRouter", 400);
	test_exec2(st, "DELETE FROM tr_route_entries", NULL, NULL);

	/* Deleting (busy), then gone with its System route table */
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_delete(&r, tr.transit_router_id, &err)), 0);
	ck_assert_int_eq(transit_router_get(&r, tr.transit_router_id, &got, &err), 0);
	ck_assert_str_eq(got.status, "Deleting");
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables WHERE transit_router_id=? AND status='Deleting'",
				   tr.transit_router_id), 1);
	REFUSED(transit_router_delete(&r, tr.transit_router_id, err_), "IncorrectStatus.TransitRouterInstance", 400);
	test_apply_due(NOW + 1000);
	test_assert_err(transit_router_get(&r, tr.transit_router_id, &got, &err), &err, "InvalidTransitRouterId.NotFound", 400);
	test_assert_err(transit_router_delete(&r, tr.transit_router_id, &err), &err, "InvalidTransitRouterInstance.NotFound", 400);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM tr_route_tables", NULL), 0);
	/* the CEN may have a router in the region again */
	cfg.transition_delay_ms = 0;
	make_router(&r, c.cen_id, NULL, &tr);
}
END_TEST

/* ---- CIDR blocks ---- */

/* Blocks a transit router refuses (IllegalParam.Cidr): wider than /16, narrower than /24,
 * in shared, link-local or multicast space, with host bits set, no CIDR at all. */
static const char *const refused_cidrs[] = {
	"10.0.0.0/15", "10.0.0.0/25", "100.64.1.0/24", "169.254.0.0/16", "224.0.0.0/24", "10.0.0.1/24", "nonsense",
};

/* Allocates an address of router_id's blocks to (attachment, tunnel) and asserts it is expected. */
static void expect_allocated(struct model_ctx *r, const char *router_id, const char *attachment, const char *tunnel,
			     const char *expected)
{
	struct vl_err err;
	char ip[16];

	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_allocate(r, router_id, attachment, tunnel, ip, sizeof(ip), &err)),
			 0);
	ck_assert_str_eq(ip, expected);
}

START_TEST(test_router_cidrs)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION);
	struct transit_router_cidr_args a = { .publish_cidr_route = 1 };
	struct transit_router_cidr c1, c2;
	struct transit_router tr;
	struct vl_err err;
	struct cen c;
	json_t *items;

	make_cen(&m, "c", &c);
	make_router(&r, c.cen_id, NULL, &tr);
	a.transit_router_id = tr.transit_router_id;
	for (size_t i = 0; i < sizeof(refused_cidrs) / sizeof(refused_cidrs[0]); i++) {
		a.cidr = refused_cidrs[i];
		REFUSED(transit_router_cidr_create(&r, &a, &c1, err_), "IllegalParam.Cidr", 400);
	}
	a.cidr = "192.168.0.0/24";
	a.name = "https://n";
	REFUSED(transit_router_cidr_create(&r, &a, &c1, err_), "IllegalParam.Name", 400);
	a.name = "n1";
	a.transit_router_id = "tr-nothere";
	REFUSED(transit_router_cidr_create(&r, &a, &c1, err_), "InvalidTransitRouterId.NotFound", 400);
	a.transit_router_id = tr.transit_router_id;
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_create(&r, &a, &c1, &err)), 0);
	ck_assert_str_eq(c1.cidr, "192.168.0.0/24");
	a.cidr = "192.168.0.0/16";
	REFUSED(transit_router_cidr_create(&r, &a, &c2, err_), "OperationFailed.CidrConflict", 400);
	for (int i = 1; i <= 4; i++) {
		char text[32];

		snprintf(text, sizeof(text), "172.16.%d.0/24", i);
		a.cidr = text;
		tx_begin();
		ck_assert_int_eq(tx_end(transit_router_cidr_create(&r, &a, &c2, &err)), 0);
	}
	a.cidr = "172.17.0.0/24";
	REFUSED(transit_router_cidr_create(&r, &a, &c2, err_), "QuotaExceeded.TransitRouterCidr", 400);

	/* list: all, or one; the List item carries TransitRouterId and Family */
	items = json_array();
	ck_assert_int_eq(transit_router_cidr_list(&r, tr.transit_router_id, NULL, items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 5);
	json_decref(items);
	items = json_array();
	ck_assert_int_eq(transit_router_cidr_list(&r, tr.transit_router_id, c1.transit_router_cidr_id, items, &err), 0);
	ck_assert_int_eq(json_array_size(items), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "Family")), "IPv4");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "Name")), "n1");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "TransitRouterId")),
			 tr.transit_router_id);
	json_decref(items);

	/* addresses: lowest free host of the first block, never the network address */
	expect_allocated(&r, tr.transit_router_id, "tr-attach-1", "tun-1", "192.168.0.1");
	expect_allocated(&r, tr.transit_router_id, "tr-attach-1", "tun-2", "192.168.0.2");
	expect_allocated(&r, tr.transit_router_id, "tr-attach-2", "", "192.168.0.3");
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_release(&r, "tr-attach-1")), 0);
	expect_allocated(&r, tr.transit_router_id, "tr-attach-3", "", "192.168.0.1");

	/* a block with allocated addresses is kept, and keeps its Cidr */
	REFUSED(transit_router_cidr_delete(&r, tr.transit_router_id, c1.transit_router_cidr_id, err_),
		"OperationFailed.CidrInUse", 400);
	a = (struct transit_router_cidr_args){ .transit_router_id = tr.transit_router_id,
					       .transit_router_cidr_id = c1.transit_router_cidr_id,
					       .cidr = "192.168.1.0/24", .publish_cidr_route = -1 };
	REFUSED(transit_router_cidr_modify(&r, &a, err_), "OperationFailed.CidrInUse", 400);
	a.cidr = NULL;
	a.name = "renamed";
	a.publish_cidr_route = 0;
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_modify(&r, &a, &err)), 0);
	ck_assert_int_eq(sql_count("SELECT COUNT(*) FROM transit_router_cidrs WHERE name='renamed' AND"
				   " publish_cidr_route=0 AND transit_router_cidr_id=?", c1.transit_router_cidr_id), 1);
	a.transit_router_cidr_id = "cidr-nothere";
	REFUSED(transit_router_cidr_modify(&r, &a, err_), "InvalidTransitRouterCidrId.NotFound", 400);
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_release(&r, "tr-attach-2")), 0);
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_release(&r, "tr-attach-3")), 0);
	a.transit_router_cidr_id = c1.transit_router_cidr_id;
	a.cidr = "192.168.1.0/24";
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_modify(&r, &a, &err)), 0);
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_delete(&r, tr.transit_router_id, c1.transit_router_cidr_id, &err)), 0);
	REFUSED(transit_router_cidr_delete(&r, tr.transit_router_id, c1.transit_router_cidr_id, err_),
		"InvalidTransitRouterCidrId.NotFound", 400);
}
END_TEST

START_TEST(test_cidr_exhausted_and_vpc_conflict)
{
	struct model_ctx m = test_ctx(ACCOUNT, NULL), r = test_ctx(ACCOUNT, REGION);
	struct transit_router_cidr_args a = { .publish_cidr_route = 1 };
	struct transit_router_cidr c1;
	struct transit_router tr;
	struct vl_err err;
	struct cen c;
	char ip[16];

	make_cen(&m, "c", &c);
	make_router(&r, c.cen_id, "[{\"Cidr\":\"10.20.30.0/24\"}]", &tr);
	for (int i = 0; i < 254; i++) {
		tx_begin();
		ck_assert_int_eq(tx_end(transit_router_cidr_allocate(&r, tr.transit_router_id, "tr-attach-1", "", ip,
								     sizeof(ip), &err)), 0);
	}
	ck_assert_str_eq(ip, "10.20.30.254");
	REFUSED(transit_router_cidr_allocate(&r, tr.transit_router_id, "tr-attach-1", "", ip, sizeof(ip), err_),
		"OperationFailed.AllocateCidrFailed", 400);

	/* a block may not overlap a VPC attached to the CEN */
	test_exec2(st, "INSERT INTO vpcs(vpc_id, account, region, cidr_block, status, vrouter_id, route_table_id,"
		 " resource_group_id, created_ms) VALUES ('vpc-x', 'acct-a', 'cn-hangzhou', '172.20.0.0/16', 'Available',"
		 " 'vrt-x', 'vtb-x', 'rg-x', 0)",
		 NULL, NULL);
	test_exec2(st, "INSERT INTO tr_attachments(attachment_id, transit_router_id, cen_id, account, region, resource_type,"
		 " resource_id, status, created_ms) VALUES ('tr-attach-x', ?, ?, 'acct-a', 'cn-hangzhou', 'VPC', 'vpc-x',"
		 " 'Attached', 0)",
		 tr.transit_router_id, c.cen_id);
	a.transit_router_id = tr.transit_router_id;
	a.cidr = "172.20.5.0/24";
	REFUSED(transit_router_cidr_create(&r, &a, &c1, err_), "OperationFailed.CidrConflict", 400);
	a.cidr = "172.21.5.0/24";
	tx_begin();
	ck_assert_int_eq(tx_end(transit_router_cidr_create(&r, &a, &c1, &err)), 0);
}
END_TEST

Suite *cen_suite_create(void)
{
	const struct test_entry cen[] = {
		{ test_cen_create }, { test_cen_creating_is_busy }, { test_cen_filters }, { test_cen_delete },
		{ test_router_create }, { test_router_list_and_update }, { test_router_busy_and_delete },
		{ test_router_cidrs }, { test_cidr_exhausted_and_vpc_conflict },
	};

	return test_suite("cen", "cen", test_world_setup, test_world_teardown, cen, countof(cen));
}
