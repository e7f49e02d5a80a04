#include "store_test.h"

#include "errors.h"
#include "ipsec_config.h"
#include "test.h"

void test_world_open(struct store **st, struct catalog **cat, struct model_config *cfg)
{
	struct vl_err err;

	ck_assert_msg(store_open_sqlite(":memory:", false, st, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_msg(store_migrate(*st, &err) == 0, "%s", vl_err_message(&err));
	ck_assert_ptr_nonnull(*cat = catalog_default());
	model_config_defaults(cfg);
	cfg->catalog = *cat;
	cfg->transition_delay_ms = 0; /* Available at once unless a test says otherwise */
}

void test_world_close(struct store **st, struct catalog **cat)
{
	store_close(*st);
	*st = NULL;
	catalog_free(*cat);
	*cat = NULL;
}

void test_assert_err(int rc, const struct vl_err *err, const char *code, int http)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(vl_err_code(err), code);
	ck_assert_int_eq(vl_code_http_status(err->code), http);
}

void test_savepoint(struct store *st)
{
	ck_assert_int_eq(store_exec(st, "SAVEPOINT req"), 0);
}

int test_release(struct store *st, int rc)
{
	if (rc != 0)
		ck_assert_int_eq(store_exec(st, "ROLLBACK TO req"), 0);
	ck_assert_int_eq(store_exec(st, "RELEASE req"), 0);
	return rc;
}

int64_t test_count(struct store *st, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;
	int64_t n = -1;

	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	if (arg)
		stmt_bind_text(stmt, 1, arg);
	if (stmt_step(stmt) == STORE_ROW)
		n = stmt_int64(stmt, 0);
	stmt_release(stmt);
	return n;
}

void test_exec1(struct store *st, const char *sql, const char *arg)
{
	struct store_stmt *stmt = NULL;

	ck_assert_int_eq(store_prepare(st, sql, &stmt), 0);
	stmt_bind_text(stmt, 1, arg);
	ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
	stmt_release(stmt);
}

int64_t test_usage(struct model_ctx *m, const char *kind, const char *scope)
{
	int64_t used = -1;

	ck_assert_int_eq(model_usage_get(m, kind, scope, &used), 0);
	return used;
}

void test_make_cgw(struct model_ctx *m, const char *ip, struct customer_gateway *out)
{
	struct customer_gateway_create_args a = { .ip_address = ip };
	struct vl_err err;

	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, customer_gateway_create(m, &a, out, &err)) == 0, "cgw %s: %s: %s", ip,
		      vl_err_code(&err), vl_err_message(&err));
}

void test_make_dual(struct model_ctx *m, const char *gateway_id, const char *master, const char *slave,
		    struct vpn_connection *out)
{
	struct ipsec_param p[4] = {
		{ "TunnelOptionsSpecification.1.CustomerGatewayId", master },
		{ "TunnelOptionsSpecification.1.Role", "master" },
		{ "TunnelOptionsSpecification.2.CustomerGatewayId", slave },
		{ "TunnelOptionsSpecification.2.Role", "slave" },
	};
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gateway_id, .local_subnet = "10.0.0.0/16", .remote_subnet = "192.168.10.0/24",
		.auto_config_route = true, .enable_dpd = true, .enable_nat_traversal = true, .tunnels = specs,
	};
	struct vl_err err;

	ck_assert_int_eq(ipsec_tunnel_specs_collect(p, 4, specs, &a.tunnel_count, &err), 0);
	test_savepoint(m->store);
	ck_assert_msg(test_release(m->store, vpn_connection_create(m, &a, out, &err)) == 0, "dual connection: %s: %s",
		      vl_err_code(&err), vl_err_message(&err));
	ck_assert(out->dual_tunnel);
}
