#include "store_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "ipsec_config.h"
#include "lifecycle.h"
#include "vpc.h"
#include "vswitch.h"
#include "test.h"

struct store *st;
struct catalog *cat;
struct model_config cfg;

void test_world_setup(void)
{
	test_world_open(&st, &cat, &cfg);
}

void test_world_teardown(void)
{
	test_world_close(&st, &cat);
}

struct model_ctx test_ctx(const char *account, const char *region)
{
	struct model_ctx m = {
		.store = st, .account = account, .region = region, .now_ms = NOW, .cfg = &cfg,
	};

	return m;
}

void test_apply_due(int64_t at)
{
	int64_t next = 0;

	ck_assert_int_ge(lifecycle_apply_due(st, at, &next), 0);
}

void test_world_open(struct store **store, struct catalog **catalog, struct model_config *config)
{
	struct vl_err err;

	ck_assert_msg(store_open_sqlite(":memory:", false, store, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_msg(store_migrate(*store, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_ptr_nonnull(*catalog = catalog_default());
	model_config_defaults(config);
	config->catalog = *catalog;
	config->transition_delay_ms = 0; /* Available at once unless a test says otherwise */
}

void test_world_close(struct store **store, struct catalog **catalog)
{
	store_close(*store);
	*store = NULL;
	catalog_free(*catalog);
	*catalog = NULL;
}

void test_assert_err(int rc, const struct vl_err *err, const char *code, int http)
{
	ck_assert_msg(rc == -1, "expected %s, got success", code);
	ck_assert_msg(strcmp(vl_err_code(err), code) == 0, "expected %s, got %s (%s)", code, vl_err_code(err),
		      vl_err_message(err));
	ck_assert_int_eq(vl_code_http_status(err->code), http);
}

void test_savepoint(struct store *store)
{
	ck_assert_int_eq(store_exec(store, "SAVEPOINT req"), 0);
}

int test_release(struct store *store, int rc)
{
	if (rc != 0)
		ck_assert_int_eq(store_exec(store, "ROLLBACK TO req"), 0);
	ck_assert_int_eq(store_exec(store, "RELEASE req"), 0);
	return rc;
}

int64_t test_count(struct store *store, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;
	int64_t n = -1;

	ck_assert_int_eq(store_prepare(store, sql, &stmt), 0);
	if (arg)
		stmt_bind_text(stmt, 1, arg);
	if (stmt_step(stmt) == STORE_ROW)
		n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

void test_exec1(struct store *store, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;

	ck_assert_int_eq(store_prepare(store, sql, &stmt), 0);
	stmt_bind_text(stmt, 1, arg);
	ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
	stmt_release(stmt);
}

void test_exec2(struct store *store, const char *sql, const char *a, const char *b)
{
	struct store_stmt *stmt = NULL;

	ck_assert_int_eq(store_prepare(store, sql, &stmt), 0);
	if (a)
		stmt_bind_text(stmt, 1, a);
	if (b)
		stmt_bind_text(stmt, 2, b);
	ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
	stmt_release(stmt);
}

void test_insert_row(struct store *store, const char *table, const char *const names[], const char *const values[],
		     int n)
{
	char pragma[128], cols[2048] = "", vals[2048] = "", sql[sizeof(cols) + sizeof(vals) + 128];
	const char *bind[128];
	struct store_stmt *stmt = NULL;
	int nbind = 0;

	snprintf(pragma, sizeof(pragma), "PRAGMA table_info(%s)", table);
	ck_assert_int_eq(store_prepare(store, pragma, &stmt), 0);
	while (stmt_step(stmt) == STORE_ROW) {
		const char *name = stmt_text(stmt, 1), *type = stmt_text(stmt, 2);
		bool notnull = stmt_int64(stmt, 3) != 0;
		bool has_default = stmt_text(stmt, 4)[0] != '\0';
		const char *value = NULL;

		for (int i = 0; i < n; i++)
			if (strcmp(names[i], name) == 0)
				value = values[i];
		if (value == NULL && (!notnull || has_default))
			continue;
		if (value == NULL)
			value = strstr(type, "TEXT") ? "" : "0";
		ck_assert_int_lt(nbind, 128);
		bind[nbind] = value;
		snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s", nbind ? "," : "", name);
		snprintf(vals + strlen(vals), sizeof(vals) - strlen(vals), "%s?", nbind ? "," : "");
		nbind++;
	}
	stmt_release(stmt);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(%s) VALUES (%s)", table, cols, vals);
	ck_assert_int_eq(store_prepare(store, sql, &stmt), 0);
	for (int i = 0; i < nbind; i++)
		stmt_bind_text(stmt, i + 1, bind[i]);
	ck_assert_msg(stmt_step(stmt) == STORE_DONE, "%s: %s", sql, store->ops->errmsg(store));
	stmt_release(stmt);
}

int64_t test_usage(struct model_ctx *m, const char *kind, const char *scope)
{
	int64_t used = -1;

	ck_assert_int_eq(model_usage_get(m, kind, scope, &used), 0);
	return used;
}

static void make_gateway(struct model_ctx *m, const struct vpc *v, const struct vswitch *a,
			 const struct vswitch *b, struct vpn_gateway *out)
{
	struct vpn_gateway_create_args args = {
		.vpc_id = v->vpc_id, .vswitch_id = a->vswitch_id, .dr_vswitch_id = b->vswitch_id,
		.bandwidth = 10, .enable_ipsec = true,
	};
	struct vl_err err;

	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, vpn_gateway_create(m, &args, out, &err)) == 0, "%s",
		      vl_err_message(&err));
	ck_assert_str_eq(out->status, "active");
}

void test_make_gateways(struct model_ctx *m, struct vpn_gateway *dual, struct vpn_gateway *single)
{
	struct vl_err err;
	struct vpc vpc;
	struct vswitch vsw_h, vsw_i;
	struct vpc_create_args va = { .cidr_block = "10.0.0.0/16" };
	struct vswitch_create_args sa = { .zone_id = "cn-hangzhou-h", .cidr_block = "10.0.1.0/24" };
	struct vswitch_create_args sb = { .zone_id = "cn-hangzhou-i", .cidr_block = "10.0.2.0/24" };

	ck_assert_int_eq(vpc_create(m, &va, &vpc, &err), 0);
	sa.vpc_id = sb.vpc_id = vpc.vpc_id;
	ck_assert_int_eq(vswitch_create(m, &sa, &vsw_h, &err), 0);
	ck_assert_int_eq(vswitch_create(m, &sb, &vsw_i, &err), 0);
	make_gateway(m, &vpc, &vsw_h, &vsw_i, dual);
	make_gateway(m, &vpc, &vsw_h, &vsw_i, single);
	test_exec1(m->store,
		   "UPDATE vpn_gateways SET dr_vswitch_id='', dr_zone_id='', dr_internet_ip='' WHERE vpn_gateway_id=?",
		   single->vpn_gateway_id);
	ck_assert_int_eq(vpn_gateway_get(m, single->vpn_gateway_id, single, &err), 0);
	ck_assert(!vpn_gateway_is_dual_tunnel(single));
	ck_assert(vpn_gateway_is_dual_tunnel(dual));
}

void test_make_cgw_asn(struct model_ctx *m, const char *ip, const char *asn, struct customer_gateway *out)
{
	struct customer_gateway_create_args a = { .ip_address = ip, .asn = asn };
	struct vl_err err;

	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, customer_gateway_create(m, &a, out, &err)) == 0, "%s",
		      vl_err_message(&err));
}

void test_make_cgw(struct model_ctx *m, const char *ip, struct customer_gateway *out)
{
	struct customer_gateway_create_args a = { .ip_address = ip };
	struct vl_err err;

	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, customer_gateway_create(m, &a, out, &err)) == 0, "cgw %s: %s: %s", ip,
		      vl_err_code(&err), vl_err_message(&err));
}

void test_dual_tunnel_specs(const char *master, const char *slave, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			    int *count)
{
	const struct ipsec_param p[4] = {
		{ "TunnelOptionsSpecification.1.CustomerGatewayId", master },
		{ "TunnelOptionsSpecification.1.Role", "master" },
		{ "TunnelOptionsSpecification.2.CustomerGatewayId", slave },
		{ "TunnelOptionsSpecification.2.Role", "slave" },
	};
	struct vl_err err;

	ck_assert_int_eq(ipsec_tunnel_specs_collect(p, 4, specs, count, &err), 0);
}

void test_make_dual(struct model_ctx *m, const char *gateway_id, const char *master, const char *slave,
		    struct vpn_connection *out)
{
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gateway_id, .local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.10.0/24",
		.auto_config_route = true, .enable_dpd = true, .enable_nat_traversal = true, .tunnels = specs,
	};
	struct vl_err err;

	test_dual_tunnel_specs(master, slave, specs, &a.tunnel_count);
	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, vpn_connection_create(m, &a, out, &err)) == 0, "dual connection: %s: %s",
		      vl_err_code(&err), vl_err_message(&err));
	ck_assert(out->dual_tunnel);
}
