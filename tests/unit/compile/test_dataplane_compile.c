/*
 * The desired-state compiler (model/dataplane_compile.c) on a real SQLite store with a real
 * topology built through the model APIs, and agents registered as rows of `agents`:
 *
 *   VPC1 10.0.0.0/16  vsw1h (zone h, first) vsw1i (zone k)   dual-tunnel gateway gw1
 *        connA: master → cgw1, slave → cgw2   remote 192.168.10.0/24   health check
 *        connB: master → cgw2, slave → cgw1   remote 192.168.10.0/24   (ECMP with connA)
 *        lab host in vsw1h
 *   VPC2 10.1.0.0/16  vsw2i (zone i, first) vsw2h (zone g)    single-tunnel gateway gw2
 *        connS1 → cgw5 remote 172.20.0.0/16 (route weight 100)
 *        connS2 → cgw6 remote 172.20.0.0/16 (route weight 0: standby)
 *   VPC3 10.2.0.0/16  vsw3h (zone h)                           a lab host only
 *   site S1 LAN 192.168.10.0/24: devices cgw1, cgw2; a host
 *   site S3 LAN 192.168.30.0/24: devices cgw5 (Psk override on connS1), cgw6
 *   agents: agt-any (cloud, every zone), agt-h (cloud, zone h), agt-site (site),
 *           agt-both (cloud,site; first of nothing)
 * Each agent's vSwitches are in zones it serves, so every VPC sits on one agent here;
 * test_zone_spread moves zone k to an agent of its own (by ZoneIndex) to spread VPC1.
 *
 * Checked: placement, vSwitch router addresses, gateway endpoints and their tunnels, routes
 * (weights, ECMP, active/standby, explicit entries), gateway-side tunnels (responder), site
 * devices' tunnels (= LabDownloadCustomerSwanctlConfig's configuration, overrides applied), faults, hosts,
 * the underlay, determinism, and that every document passes doc_parse (the agent's parser).
 * Every compiled document is also written to <build>/dataplane-docs/ for
 * tests/api/agent_doc.test.js, which validates them against the JSON schema.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "cen.h"
#include "customer_gateway.h"
#include "dataplane_compile.h"
#include "doc.h"
#include "errors.h"
#include "lab.h"
#include "model.h"
#include "route_entry.h"
#include "route_table.h"
#include "store.h"
#include "store_test.h"
#include "test.h"
#include "tr_attachment.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_connection_config.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

#define ACCOUNT "acct-a"
#define REGION "cn-hangzhou"

static struct vpc vpc1, vpc2, vpc3;
static struct vswitch vsw1h, vsw1i, vsw2i, vsw2h, vsw3h;
static struct vpn_gateway gw1, gw2;
static struct customer_gateway cgw1, cgw2, cgw5, cgw6;
static struct vpn_connection conn_a, conn_b, conn_s1, conn_s2;
static struct lab_host host1, host3, host_site;
static char site1[64], site3[64];

static struct model_ctx ctx(void)
{
	struct model_ctx m = { .store = st, .account = ACCOUNT, .region = REGION, .now_ms = NOW, .cfg = &cfg };

	return m;
}

static void make_vswitch(struct model_ctx *m, const struct vpc *v, const char *zone, const char *cidr,
			 struct vswitch *out)
{
	struct vswitch_create_args a = { .vpc_id = v->vpc_id, .zone_id = zone, .cidr_block = cidr };

	OK(vswitch_create(m, &a, out, err));
}

static void make_gateway(struct model_ctx *m, const struct vpc *v, const struct vswitch *a, const struct vswitch *b,
			 struct vpn_gateway *out)
{
	struct vpn_gateway_create_args args = {
		.vpc_id = v->vpc_id, .vswitch_id = a->vswitch_id, .dr_vswitch_id = b->vswitch_id,
		.bandwidth = 10, .enable_ipsec = true,
	};

	OK(vpn_gateway_create(m, &args, out, err));
}

static void make_single(struct model_ctx *m, const char *cgw_id, const char *hc, struct vpn_connection *out)
{
	struct vpn_connection_create_args a = {
		.vpn_gateway_id = gw2.vpn_gateway_id, .customer_gateway_id = cgw_id, .local_subnet = "10.1.0.0/16",
		.remote_subnet = "172.20.0.0/16", .health_check_config = hc, .auto_config_route = true,
		.enable_dpd = true, .enable_nat_traversal = true,
	};

	OK(vpn_connection_create(m, &a, out, err));
	ck_assert(!out->dual_tunnel);
}

static void add_agent(const char *id, const char *zones, const char *roles, const char *ip, int64_t registered)
{
	struct store_stmt *stmt = NULL;

	ck_assert_int_eq(store_prepare(st,
				       "INSERT INTO agents(agent_id, zones, roles, underlay_ip, url, registered_ms,"
				       " last_seen_ms) VALUES (?,?,?,?,?,?,?)",
				       &stmt),
			 0);
	stmt_bind_text(stmt, 1, id);
	stmt_bind_text(stmt, 2, zones);
	stmt_bind_text(stmt, 3, roles);
	stmt_bind_text(stmt, 4, ip);
	stmt_bind_text(stmt, 5, "http://127.0.0.1:1");
	stmt_bind_int64(stmt, 6, registered);
	stmt_bind_int64(stmt, 7, registered);
	ck_assert_int_eq(stmt_step(stmt), STORE_DONE);
	stmt_release(stmt);
}

static void setup(void)
{
	struct model_ctx m;
	struct vl_err e;
	struct vpc_create_args v1 = { .cidr_block = "10.0.0.0/16" }, v2 = { .cidr_block = "10.1.0.0/16" },
			       v3 = { .cidr_block = "10.2.0.0/16" };
	const char *s1_cgws[2], *s3_cgws[2];
	struct lab_override ov = { 0 };
	struct lab_site_create_args s1 = { .lan_cidr = "192.168.10.0/24", .customer_gateway_ids = s1_cgws,
					   .customer_gateway_count = 2 };
	struct lab_site_create_args s3 = { .lan_cidr = "192.168.30.0/24", .customer_gateway_ids = s3_cgws,
					   .customer_gateway_count = 2, .overrides = &ov, .override_count = 1 };
	struct lab_host_create_args h1 = { 0 }, h3 = { 0 }, hs = { 0 };
	struct vpn_route_key key = { .route_dest = "172.20.0.0/16", .weight = 100, .priority = -1 };

	test_world_setup();
	m = ctx();
	OK(vpc_create(&m, &v1, &vpc1, err));
	OK(vpc_create(&m, &v2, &vpc2, err));
	OK(vpc_create(&m, &v3, &vpc3, err));
	make_vswitch(&m, &vpc1, "cn-hangzhou-h", "10.0.1.0/24", &vsw1h);
	make_vswitch(&m, &vpc1, "cn-hangzhou-k", "10.0.2.0/24", &vsw1i);
	make_vswitch(&m, &vpc2, "cn-hangzhou-i", "10.1.2.0/24", &vsw2i);
	make_vswitch(&m, &vpc2, "cn-hangzhou-g", "10.1.1.0/24", &vsw2h);
	make_vswitch(&m, &vpc3, "cn-hangzhou-h", "10.2.1.0/24", &vsw3h);
	make_gateway(&m, &vpc1, &vsw1h, &vsw1i, &gw1);
	make_gateway(&m, &vpc2, &vsw2i, &vsw2h, &gw2);
	/* a gateway of a single-tunnel region (the API makes dual-tunnel ones only) */
	test_exec1(st, "UPDATE vpn_gateways SET dr_vswitch_id='', dr_zone_id='', dr_internet_ip='', dr_eni_ip=''"
		       " WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	ck_assert_int_eq(vpn_gateway_get(&m, gw2.vpn_gateway_id, &gw2, &e), 0);
	test_make_cgw(&m, "203.0.113.1", &cgw1);
	test_make_cgw(&m, "203.0.113.2", &cgw2);
	test_make_cgw(&m, "203.0.113.5", &cgw5);
	test_make_cgw(&m, "203.0.113.6", &cgw6);
	test_make_dual(&m, gw1.vpn_gateway_id, cgw1.customer_gateway_id, cgw2.customer_gateway_id, &conn_a);
	test_make_dual(&m, gw1.vpn_gateway_id, cgw2.customer_gateway_id, cgw1.customer_gateway_id, &conn_b);
	/* health checks are a single-tunnel connection's setting */
	make_single(&m, cgw5.customer_gateway_id,
		    "{\"enable\":true,\"sip\":\"10.1.2.10\",\"dip\":\"192.168.30.9\",\"interval\":2,\"retry\":4}",
		    &conn_s1);
	make_single(&m, cgw6.customer_gateway_id, NULL, &conn_s2);
	/* connS2 is the standby of connS1 toward 172.20.0.0/16 */
	key.vpn_gateway_id = gw2.vpn_gateway_id;
	key.next_hop = conn_s2.vpn_connection_id;
	OK(vpn_route_modify_weight(&m, &key, 0, err));

	s1_cgws[0] = cgw1.customer_gateway_id;
	s1_cgws[1] = cgw2.customer_gateway_id;
	OK(lab_site_create(&m, &s1, site1, err));
	s3_cgws[0] = cgw5.customer_gateway_id;
	s3_cgws[1] = cgw6.customer_gateway_id;
	ov.vpn_connection_id = conn_s1.vpn_connection_id;
	ov.psk = "not-the-psk";
	ov.ike_enc_alg = "aes256";
	OK(lab_site_create(&m, &s3, site3, err));
	h1.vswitch_id = vsw1h.vswitch_id;
	OK(lab_host_create(&m, &h1, &host1, err));
	h3.vswitch_id = vsw3h.vswitch_id;
	OK(lab_host_create(&m, &h3, &host3, err));
	hs.site_id = site1;
	OK(lab_host_create(&m, &hs, &host_site, err));

	add_agent("agt-any", "", "cloud", "10.99.0.1", 10);
	add_agent("agt-h", "cn-hangzhou-h,cn-hangzhou-k", "cloud", "10.99.0.2", 20);
	add_agent("agt-site", "", "site", "10.99.0.3", 30);
	add_agent("agt-both", "cn-hangzhou-j", "cloud,site", "10.99.0.4", 40);
}

/* ---- reading documents ---- */

/* <build>/dataplane-docs: next to the bin/ directory this test runs from (build/ for bin/). */
static void docs_dir(char *out, size_t size)
{
	char exe[PATH_MAX], *dir, *top;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	snprintf(out, size, "build/dataplane-docs");
	if (n <= 0)
		return;
	exe[n] = '\0';
	dir = dirname(exe); /* …/bin */
	dir = dirname(dir); /* …/build-asan or the repo */
	top = strrchr(dir, '/');
	if (top && strncmp(top + 1, "build", 5) == 0)
		snprintf(out, size, "%s/dataplane-docs", dir);
	else
		snprintf(out, size, "%s/build/dataplane-docs", dir);
}

/* Checks doc with the agent's own parser and writes it for the schema test. */
static void check_and_save(json_t *doc, const char *name)
{
	struct doc_desired d;
	char err[DOC_ERR_MAX], dir[PATH_MAX], path[PATH_MAX + 64];
	json_t *copy = json_deep_copy(doc);

	json_object_set_new(copy, "generation", json_integer(1));
	ck_assert_msg(doc_parse(copy, &d, err) == 0, "%s: doc_parse: %s", name, err);
	doc_free(&d);
	docs_dir(dir, sizeof(dir));
	if (mkdir(dir, 0755) == 0 || errno == EEXIST) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, name);
		ck_assert_int_eq(json_dump_file(copy, path, JSON_INDENT(1) | JSON_SORT_KEYS), 0);
	}
	json_decref(copy);
}

static json_t *compile(const char *agent)
{
	struct model_ctx m = ctx();
	struct vl_err err;
	json_t *doc = NULL;

	m.account = "somebody-else"; /* agents serve every account */
	ck_assert_msg(dataplane_compile(&m, agent, &doc, &err) == 0, "%s: %s", vl_err_code(&err), vl_err_message(&err));
	ck_assert_ptr_nonnull(doc);
	ck_assert_ptr_null(json_object_get(doc, "generation"));
	return doc;
}

static json_t *find(json_t *list, const char *key, const char *value)
{
	size_t i;
	json_t *item;

	json_array_foreach(list, i, item) {
		const char *v = json_string_value(json_object_get(item, key));

		if (v && strcmp(v, value) == 0)
			return item;
	}
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	ck_assert_msg(v != NULL, "no string %s", key);
	return v;
}

static json_t *endpoint(json_t *doc, const char *id)
{
	json_t *e = find(json_object_get(doc, "endpoints"), "id", id);

	ck_assert_msg(e != NULL, "no endpoint %s", id);
	return e;
}

static json_t *route(json_t *doc, const char *vpc, const char *dest)
{
	json_t *v = find(json_object_get(doc, "vpcs"), "id", vpc), *r;

	ck_assert_msg(v != NULL, "no vpc %s", vpc);
	r = find(json_object_get(v, "routes"), "dest", dest);
	ck_assert_msg(r != NULL, "no route %s in %s", dest, vpc);
	return r;
}

static char *ep_name(const char *id, int n)
{
	static char buf[4][96];
	static int slot;
	char *b = buf[slot++ % 4];

	snprintf(b, 96, "%s-%d", id, n);
	return b;
}

static json_t *ipsec_of(json_t *tunnel)
{
	json_t *o = json_object_get(tunnel, "ipsec");

	ck_assert_ptr_nonnull(o);
	return o;
}

static const char *proposal_text(json_t *section)
{
	static char buf[4][64];
	static int slot;
	char *b = buf[slot++ % 4];
	json_t *p = json_object_get(section, "proposal");

	snprintf(b, 64, "%s-%s-%s", str(p, "enc"), str(p, "integ"), str(p, "dh"));
	return b;
}

static int64_t int_of(json_t *o, const char *key)
{
	ck_assert_msg(json_is_integer(json_object_get(o, key)), "%s is not an integer", key);
	return json_integer_value(json_object_get(o, key));
}

/*
 * Tunnel entry t negotiates tunnel index of configuration c as the customer device would
 * from its text (c as vpn_connection_config_load gives it, overrides applied by the caller).
 */
static void check_as_configured(json_t *t, const struct vpn_connection_config *c, int index)
{
	const struct vpn_connection_config_tunnel *ct = &c->tunnels[index];
	json_t *ip = ipsec_of(t), *ike = json_object_get(ip, "ike"), *esp = json_object_get(ip, "esp");
	char want[64];

	ck_assert_str_eq(str(t, "name"), vpn_connection_config_tunnel_name(c, index));
	ck_assert_str_eq(str(t, "peer_ip"), ct->remote_addr);
	ck_assert_str_eq(str(ip, "local_ip"), ct->local_addr);
	ck_assert_str_eq(str(ip, "psk"), ct->ike.psk);
	ck_assert_str_eq(str(ip, "local_id"), ct->ike.local_id[0] ? ct->ike.local_id : ct->local_addr);
	ck_assert_str_eq(str(ip, "remote_id"), ct->ike.remote_id[0] ? ct->ike.remote_id : ct->remote_addr);
	ck_assert(json_is_true(json_object_get(ip, "initiator")));
	ck_assert(json_is_false(json_object_get(ip, "standby")));
	ck_assert_int_eq(int_of(ike, "version"), strcmp(ct->ike.ike_version, "ikev1") == 0 ? 1 : 2);
	snprintf(want, sizeof(want), "%s-%s-%s", vpn_connection_config_swan_enc(ct->ike.ike_enc_alg), ct->ike.ike_auth_alg,
		 vpn_connection_config_swan_dh(ct->ike.ike_pfs));
	ck_assert_str_eq(proposal_text(ike), want);
	snprintf(want, sizeof(want), "%s-%s-%s", vpn_connection_config_swan_enc(ct->ipsec.enc_alg), ct->ipsec.auth_alg,
		 strcmp(ct->ipsec.pfs, "disabled") == 0 ? "none" : vpn_connection_config_swan_dh(ct->ipsec.pfs));
	ck_assert_str_eq(proposal_text(esp), want);
	/* the customer device renews 10 % before the limit */
	ck_assert_int_eq(int_of(ike, "lifetime_s"), ct->ike.ike_lifetime);
	ck_assert_int_eq(int_of(ike, "rekey_s"), ct->ike.ike_lifetime - ct->ike.ike_lifetime / 10);
	ck_assert_int_eq(int_of(esp, "lifetime_s"), ct->ipsec.lifetime);
	ck_assert_int_eq(int_of(esp, "rekey_s"), ct->ipsec.lifetime - ct->ipsec.lifetime / 10);
	ck_assert_int_eq(int_of(ip, "dpd_delay_s"), ct->enable_dpd ? c->dpd_delay_s : 0);
	ck_assert(json_is_boolean(json_object_get(ip, "nat_traversal")));
}

/* The configuration a customer downloads for conn_id; malloc'd. */
static struct vpn_connection_config *download_config(const char *conn_id)
{
	struct model_ctx m = ctx();
	struct vpn_connection_config *c = malloc(sizeof(*c));
	struct vl_err err;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(vpn_connection_config_load(&m, conn_id, c, &err), 0);
	return c;
}

static int64_t weight_of(json_t *hop)
{
	return json_integer_value(json_object_get(hop, "weight"));
}

/* ---- tests ---- */

START_TEST(test_placement)
{
	json_t *any = compile("agt-any"), *h = compile("agt-h"), *site = compile("agt-site");
	json_t *both = compile("agt-both"), *vpcs;

	/* VPC1 and VPC3 start in zone h: the agent naming zone h, though registered later */
	vpcs = json_object_get(h, "vpcs");
	ck_assert_int_eq(json_array_size(vpcs), 2);
	ck_assert_str_eq(str(json_array_get(vpcs, 0), "id"), vpc1.vpc_id);
	ck_assert_str_eq(str(json_array_get(vpcs, 1), "id"), vpc3.vpc_id);
	/* VPC2 starts in zone i, which no agent names: the first every-zone agent */
	vpcs = json_object_get(any, "vpcs");
	ck_assert_int_eq(json_array_size(vpcs), 1);
	ck_assert_str_eq(str(json_array_get(vpcs, 0), "id"), vpc2.vpc_id);
	/* a VPC without gateway or host is not built */
	ck_assert_ptr_null(find(json_object_get(h, "vpcs"), "id", "nothing"));
	/* sites: the first site agent */
	ck_assert_int_eq(json_array_size(json_object_get(site, "sites")), 2);
	ck_assert_int_eq(json_array_size(json_object_get(site, "vpcs")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(site, "endpoints")), 4);
	/* agt-both is first of nothing */
	ck_assert_int_eq(json_array_size(json_object_get(both, "vpcs")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(both, "endpoints")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(both, "sites")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(both, "hosts")), 0);
	check_and_save(any, "agt-any");
	check_and_save(h, "agt-h");
	check_and_save(site, "agt-site");
	check_and_save(both, "agt-both");
	json_decref(any);
	json_decref(h);
	json_decref(site);
	json_decref(both);

	/* an agent naming the zones beats an earlier every-zone agent */
	test_exec1(st, "UPDATE agents SET zones='cn-hangzhou-j,cn-hangzhou-i,cn-hangzhou-g' WHERE agent_id=?",
		   "agt-both");
	both = compile("agt-both");
	ck_assert_int_eq(json_array_size(json_object_get(both, "vpcs")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(both, "vpcs"), 0), "id"), vpc2.vpc_id);
	ck_assert_int_eq(json_array_size(json_object_get(both, "sites")), 0);
	json_decref(both);
	any = compile("agt-any");
	ck_assert_int_eq(json_array_size(json_object_get(any, "vpcs")), 0);
	json_decref(any);
	/* registered first, it is also the first site agent */
	test_exec1(st, "UPDATE agents SET registered_ms=5 WHERE agent_id=?", "agt-both");
	both = compile("agt-both");
	ck_assert_int_eq(json_array_size(json_object_get(both, "sites")), 2);
	json_decref(both);
}
END_TEST

START_TEST(test_placement_fallbacks)
{
	json_t *doc;

	/* without an every-zone agent, VPC2 (zone i, nobody serves it) goes to the first cloud agent */
	test_exec1(st, "DELETE FROM agents WHERE agent_id<>?", "agt-h");
	test_exec1(st, "UPDATE agents SET zones='cn-hangzhou-x' WHERE agent_id=?", "agt-h");
	doc = compile("agt-h");
	ck_assert_int_eq(json_array_size(json_object_get(doc, "vpcs")), 3);
	/* no site agent: sites are not built, and no tunnel is (its branch end is missing) */
	ck_assert_int_eq(json_array_size(json_object_get(doc, "sites")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 1)), "tunnels")), 0);
	ck_assert_ptr_null(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 1)), "swanctl"));
	ck_assert_int_eq(json_array_size(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id),
							 "routes")),
			 0);
	ck_assert_int_eq(json_array_size(json_object_get(json_object_get(doc, "underlay"), "peers")), 0);
	check_and_save(doc, "lone-cloud-agent");
	json_decref(doc);
}
END_TEST

START_TEST(test_unknown_agent)
{
	struct model_ctx m = ctx();
	struct vl_err err;
	json_t *doc = (json_t *)1;

	ck_assert_int_eq(dataplane_compile(&m, "agt-nobody", &doc, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "Agent.NotFound");
	ck_assert_ptr_null(doc);
}
END_TEST

START_TEST(test_vpc_and_endpoints)
{
	json_t *doc = compile("agt-h"), *vpc, *vsw, *e1, *e2, *lan, *t, *ip;
	size_t i;

	vpc = find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id);
	ck_assert_str_eq(str(vpc, "cidr"), "10.0.0.0/16");
	vsw = json_object_get(vpc, "vswitches");
	ck_assert_int_eq(json_array_size(vsw), 2);
	ck_assert_str_eq(str(json_array_get(vsw, 0), "id"), vsw1h.vswitch_id);
	/* the cloud's router address: x.x.x.253 of a /24 */
	ck_assert_str_eq(str(json_array_get(vsw, 0), "gateway_ip"), "10.0.1.253");
	ck_assert_str_eq(str(json_array_get(vsw, 1), "gateway_ip"), "10.0.2.253");

	/* one endpoint per public address of the gateway */
	e1 = endpoint(doc, ep_name(gw1.vpn_gateway_id, 1));
	e2 = endpoint(doc, ep_name(gw1.vpn_gateway_id, 2));
	ck_assert_str_eq(str(e1, "kind"), "gateway");
	ck_assert_str_eq(str(e1, "public_ip"), gw1.internet_ip);
	ck_assert_str_eq(str(e2, "public_ip"), gw1.dr_internet_ip);
	ck_assert_int_eq(json_integer_value(json_object_get(e1, "bandwidth_mbps")), 10);
	lan = json_object_get(e1, "lan");
	ck_assert_str_eq(str(lan, "vpc"), vpc1.vpc_id);
	ck_assert_str_eq(str(lan, "vswitch"), vsw1h.vswitch_id);
	ck_assert_str_eq(str(lan, "ip"), gw1.eni_ip);
	ck_assert_int_eq(json_integer_value(json_object_get(lan, "prefix")), 24);
	ck_assert_str_eq(str(lan, "gateway"), "10.0.1.253");
	ck_assert_str_eq(str(json_object_get(e2, "lan"), "vswitch"), vsw1i.vswitch_id);
	ck_assert_str_eq(str(json_object_get(e2, "lan"), "ip"), gw1.dr_eni_ip);

	/* masters on the first address, slaves on the second; in creation order */
	ck_assert_int_eq(json_array_size(json_object_get(e1, "tunnels")), 2);
	t = json_array_get(json_object_get(e1, "tunnels"), 0);
	ck_assert_str_eq(str(t, "name"), conn_a.tunnels[0].tunnel_id);
	ck_assert_str_eq(str(t, "connection_id"), conn_a.vpn_connection_id);
	ck_assert_str_eq(str(t, "tunnel_id"), conn_a.tunnels[0].tunnel_id);
	ck_assert_str_eq(str(t, "role"), "master");
	ck_assert_str_eq(str(t, "peer_ip"), "203.0.113.1");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "local_ts"), 0)), "10.0.0.0/16");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "remote_ts"), 0)), "192.168.10.0/24");
	ck_assert(json_is_false(json_object_get(t, "cut")));
	ck_assert_ptr_null(json_object_get(t, "health_check"));
	t = json_array_get(json_object_get(e1, "tunnels"), 1);
	ck_assert_str_eq(str(t, "name"), conn_b.tunnels[0].tunnel_id);
	ck_assert_str_eq(str(t, "peer_ip"), "203.0.113.2");
	t = json_array_get(json_object_get(e2, "tunnels"), 0);
	ck_assert_str_eq(str(t, "name"), conn_a.tunnels[1].tunnel_id);
	ck_assert_str_eq(str(t, "role"), "slave");
	ck_assert_str_eq(str(t, "peer_ip"), "203.0.113.2");

	/* the gateway side responds and renews 5 % before the limit */
	json_array_foreach(json_object_get(e1, "tunnels"), i, t) {
		ip = ipsec_of(t);
		ck_assert(json_is_false(json_object_get(ip, "initiator")));
		ck_assert(json_is_false(json_object_get(ip, "standby")));
		ck_assert_str_eq(str(ip, "local_ip"), gw1.internet_ip);
		ck_assert_str_eq(str(ip, "local_id"), gw1.internet_ip);
		ck_assert_int_eq(int_of(ip, "dpd_delay_s"), 30);
		ck_assert_int_eq(int_of(json_object_get(ip, "ike"), "rekey_s"),
				 int_of(json_object_get(ip, "ike"), "lifetime_s") * 19 / 20);
		/* connA and connB both lead to 192.168.10.0/24 from this endpoint: a probe would take
		 * whichever SA the policies prefer, so neither is probed (test_liveness covers one that is) */
		ck_assert_ptr_null(json_object_get(t, "liveness"));
	}
	t = json_array_get(json_object_get(e1, "tunnels"), 0);
	ck_assert_str_eq(str(ipsec_of(t), "psk"), conn_a.tunnels[0].ike.psk);
	ck_assert_str_eq(str(ipsec_of(t), "remote_id"), "203.0.113.1");
	ck_assert_ptr_null(json_object_get(e1, "swanctl"));

	/* single-tunnel gateway: one endpoint, tunnels named after their connections */
	json_decref(doc);
	doc = compile("agt-any");
	e1 = endpoint(doc, ep_name(gw2.vpn_gateway_id, 1));
	ck_assert_ptr_null(find(json_object_get(doc, "endpoints"), "id", ep_name(gw2.vpn_gateway_id, 2)));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "endpoints")), 1);
	t = json_array_get(json_object_get(e1, "tunnels"), 0);
	ck_assert_str_eq(str(t, "name"), conn_s1.vpn_connection_id);
	ck_assert_str_eq(str(t, "role"), "single");
	ck_assert_ptr_null(json_object_get(t, "tunnel_id"));
	ck_assert_str_eq(str(json_object_get(t, "health_check"), "sip"), "10.1.2.10");
	ck_assert_str_eq(str(json_object_get(t, "health_check"), "dip"), "192.168.30.9");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(t, "health_check"), "interval")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(t, "health_check"), "retry")), 4);
	ck_assert(json_is_true(json_object_get(json_object_get(t, "health_check"), "enable")));
	ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(e1, "tunnels"), 1), "health_check"));
	/* the customer's health check does the job of the liveness probe */
	ck_assert_ptr_null(json_object_get(t, "liveness"));
	/* the gateway keeps the connection's PSK; the override is the branch's mistake */
	ck_assert_str_eq(str(ipsec_of(t), "psk"), conn_s1.ike.psk);
	check_and_save(doc, "single-tunnel");
	json_decref(doc);
}
END_TEST

START_TEST(test_routes)
{
	json_t *doc = compile("agt-h"), *r, *hops, *hop;

	/* connA and connB both reach 192.168.10.0/24: the two masters share it (ECMP), slaves stand by */
	r = route(doc, vpc1.vpc_id, "192.168.10.0/24");
	hops = json_object_get(r, "nexthops");
	ck_assert_int_eq(json_array_size(hops), 4);
	for (int i = 0; i < 2; i++) {
		hop = json_array_get(hops, (size_t)i);
		ck_assert_int_eq(json_integer_value(json_object_get(hop, "weight")), 100);
		ck_assert_str_eq(str(hop, "endpoint"), ep_name(gw1.vpn_gateway_id, 1));
		ck_assert_str_eq(str(hop, "via"), gw1.eni_ip);
		hop = json_array_get(hops, (size_t)i + 2);
		ck_assert_int_eq(json_integer_value(json_object_get(hop, "weight")), 0);
		ck_assert_str_eq(str(hop, "endpoint"), ep_name(gw1.vpn_gateway_id, 2));
		ck_assert_str_eq(str(hop, "via"), gw1.dr_eni_ip);
	}
	ck_assert_ptr_nonnull(find(hops, "tunnel", conn_a.tunnels[0].tunnel_id));
	ck_assert_ptr_nonnull(find(hops, "tunnel", conn_b.tunnels[0].tunnel_id));
	ck_assert_ptr_nonnull(find(hops, "tunnel", conn_a.tunnels[1].tunnel_id));
	ck_assert_ptr_nonnull(find(hops, "tunnel", conn_b.tunnels[1].tunnel_id));
	ck_assert_int_eq(json_array_size(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id),
							 "routes")),
			 1);
	/* VPC3 has no gateway: no routes */
	ck_assert_int_eq(json_array_size(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc3.vpc_id),
							 "routes")),
			 0);
	json_decref(doc);

	/* single-tunnel: the route entries' weights (connS2's entry was set to 0) */
	doc = compile("agt-any");
	hops = json_object_get(route(doc, vpc2.vpc_id, "172.20.0.0/16"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 2);
	hop = json_array_get(hops, 0);
	ck_assert_str_eq(str(hop, "tunnel"), conn_s1.vpn_connection_id);
	ck_assert_int_eq(json_integer_value(json_object_get(hop, "weight")), 100);
	ck_assert_str_eq(str(hop, "via"), gw2.eni_ip);
	hop = json_array_get(hops, 1);
	ck_assert_str_eq(str(hop, "tunnel"), conn_s2.vpn_connection_id);
	ck_assert_int_eq(json_integer_value(json_object_get(hop, "weight")), 0);
	json_decref(doc);

	/* without the route entries, the RemoteSubnet gives each connection weight 100 */
	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	doc = compile("agt-any");
	hops = json_object_get(route(doc, vpc2.vpc_id, "172.20.0.0/16"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(hops, 0), "weight")), 100);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(hops, 1), "weight")), 100);
	json_decref(doc);

	/* an unpublished entry is not the VPC's; a published one for another prefix adds a route */
	test_exec1(st, "UPDATE vpn_route_entries SET published=0 WHERE vpn_gateway_id=?", gw1.vpn_gateway_id);
	test_exec1(st,
		   "INSERT INTO vpn_route_entries(route_entry_id, account, region, vpn_gateway_id, route_type,"
		   " route_dest, next_hop, weight, state, published, created_ms)"
		   " SELECT 'rte-x', account, region, vpn_gateway_id, 'dbr', '172.31.0.0/16', vpn_connection_id, 100,"
		   " 'published', 1, 1 FROM vpn_connections WHERE vpn_connection_id=?",
		   conn_b.vpn_connection_id);
	doc = compile("agt-h");
	hops = json_object_get(route(doc, vpc1.vpc_id, "172.31.0.0/16"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 2); /* connB's master and slave only */
	ck_assert_str_eq(str(json_array_get(hops, 0), "tunnel"), conn_b.tunnels[0].tunnel_id);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(hops, 1), "weight")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(route(doc, vpc1.vpc_id, "192.168.10.0/24"), "nexthops")), 4);
	check_and_save(doc, "explicit-routes");
	json_decref(doc);
}
END_TEST

/* The VPC router's routes are its system route table's VpnGateway entries, as listed. */
START_TEST(test_routes_follow_route_table)
{
	struct model_ctx m = ctx();
	struct route_entry_create_args args = { .route_table_id = vpc1.route_table_id, .next_hop_type = "VpnGateway",
						.next_hop_id = gw1.vpn_gateway_id };
	struct route_entry e;
	struct vl_err e_;
	json_t *doc, *hops;

	/* a custom entry to the gateway for a destination no connection names: every tunnel of it */
	args.destination = "172.25.0.0/16";
	ck_assert_msg(route_entry_create(&m, &args, &e, &e_) == 0, "%s", vl_err_message(&e_));
	/* inside a connection's RemoteSubnet: that connection's tunnels */
	args.destination = "192.168.10.128/25";
	ck_assert_msg(route_entry_create(&m, &args, &e, &e_) == 0, "%s", vl_err_message(&e_));
	/* an Attachment next hop is listed but not forwarded yet */
	test_exec1(st, "PRAGMA foreign_keys=OFF", NULL);
	test_exec1(st, "INSERT INTO tr_attachments(attachment_id, transit_router_id, cen_id, account, region,"
		       " resource_type, resource_id, status, created_ms) SELECT 'tr-attach-compile', 'tr-x', 'cen-x',"
		       " account, region, 'VPC', vpc_id, 'Attached', 1 FROM vpcs WHERE vpc_id=?1", vpc1.vpc_id);
	test_exec1(st, "PRAGMA foreign_keys=ON", NULL);
	args.destination = "172.26.0.0/16";
	args.next_hop_type = "Attachment";
	args.next_hop_id = "tr-attach-compile";
	ck_assert_msg(route_entry_create(&m, &args, &e, &e_) == 0, "%s", vl_err_message(&e_));

	doc = compile("agt-h");
	hops = json_object_get(route(doc, vpc1.vpc_id, "172.25.0.0/16"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 4);
	ck_assert_int_eq(weight_of(json_array_get(hops, 0)), 100);
	ck_assert_int_eq(weight_of(json_array_get(hops, 3)), 0);
	hops = json_object_get(route(doc, vpc1.vpc_id, "192.168.10.128/25"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 4);
	ck_assert_ptr_null(find(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id), "routes"),
				"dest", "172.26.0.0/16"));
	ck_assert_int_eq(json_array_size(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id),
							 "routes")), 3);
	json_decref(doc);

	/* deleting the entry takes the route away (Deleting already: the kernel follows the list) */
	cfg.transition_delay_ms = 1000;
	ck_assert_int_eq(route_entry_delete(&m, vpc1.route_table_id, NULL, "172.25.0.0/16", NULL, &e_), 0);
	doc = compile("agt-h");
	ck_assert_ptr_null(find(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id), "routes"),
				"dest", "172.25.0.0/16"));
	json_decref(doc);
}
END_TEST

/* A custom table bound to a vSwitch: the vSwitch names its kernel table, the table's routes carry it. */
START_TEST(test_custom_table_binding)
{
	struct model_ctx m = ctx();
	struct route_table_create_args targs = { .vpc_id = vpc1.vpc_id };
	struct route_table t1, t2;
	struct route_entry_create_args args = { .next_hop_type = "VpnGateway", .next_hop_id = gw1.vpn_gateway_id,
						.destination = "192.168.10.0/24" };
	struct route_entry e;
	struct vl_err e_;
	json_t *doc, *vpc, *vsw, *r;
	size_t i;
	int in_table = 0;

	OK(route_table_create(&m, &targs, &t1, err));
	OK(route_table_create(&m, &targs, &t2, err));
	OK(route_table_bind(&m, t2.route_table_id, vsw1h.vswitch_id, true, err));
	doc = compile("agt-h");
	vpc = find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id);
	vsw = find(json_object_get(vpc, "vswitches"), "id", vsw1h.vswitch_id);
	/* the second custom table of the VPC: 1002; an unbound table builds nothing */
	ck_assert_int_eq(json_integer_value(json_object_get(vsw, "table")), 1002);
	ck_assert_ptr_null(json_object_get(find(json_object_get(vpc, "vswitches"), "id", vsw1i.vswitch_id), "table"));
	/* no entry to the branch in that table: no route in it */
	json_array_foreach(json_object_get(vpc, "routes"), i, r)
		in_table += json_object_get(r, "table") != NULL;
	ck_assert_int_eq(in_table, 0);
	check_and_save(doc, "custom-table-empty");
	json_decref(doc);

	args.route_table_id = t2.route_table_id;
	ck_assert_msg(route_entry_create(&m, &args, &e, &e_) == 0, "%s", vl_err_message(&e_));
	doc = compile("agt-h");
	vpc = find(json_object_get(doc, "vpcs"), "id", vpc1.vpc_id);
	in_table = 0;
	json_array_foreach(json_object_get(vpc, "routes"), i, r)
		if (json_integer_value(json_object_get(r, "table")) == 1002) {
			in_table++;
			ck_assert_str_eq(str(r, "dest"), "192.168.10.0/24");
			ck_assert_int_eq(json_array_size(json_object_get(r, "nexthops")), 4);
		}
	ck_assert_int_eq(in_table, 1);
	check_and_save(doc, "custom-table-route");
	json_decref(doc);
}
END_TEST

START_TEST(test_site_devices)
{
	json_t *doc = compile("agt-site"), *d1, *d2, *d5, *d6, *t, *lan;
	struct vpn_connection_config *want;
	char id[96];

	snprintf(id, sizeof(id), "%s-1", site1);
	d1 = endpoint(doc, id);
	snprintf(id, sizeof(id), "%s-2", site1);
	d2 = endpoint(doc, id);
	snprintf(id, sizeof(id), "%s-1", site3);
	d5 = endpoint(doc, id);
	snprintf(id, sizeof(id), "%s-2", site3);
	d6 = endpoint(doc, id);
	ck_assert_str_eq(str(d1, "kind"), "site_device");
	ck_assert_str_eq(str(d1, "public_ip"), "203.0.113.1");
	lan = json_object_get(d1, "lan");
	ck_assert_str_eq(str(lan, "site"), site1);
	ck_assert_str_eq(str(lan, "ip"), "192.168.10.1");
	ck_assert_int_eq(json_integer_value(json_object_get(lan, "prefix")), 24);
	ck_assert_str_eq(str(json_object_get(d2, "lan"), "ip"), "192.168.10.2");
	ck_assert_ptr_null(json_object_get(d1, "bandwidth_mbps"));

	/* device 1 (cgw1): connA's master and connB's slave, seen from the branch */
	ck_assert_int_eq(json_array_size(json_object_get(d1, "tunnels")), 2);
	t = json_array_get(json_object_get(d1, "tunnels"), 0);
	ck_assert_str_eq(str(t, "name"), conn_a.tunnels[0].tunnel_id);
	ck_assert_str_eq(str(t, "role"), "master");
	ck_assert_str_eq(str(t, "peer_ip"), gw1.internet_ip);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "local_ts"), 0)), "192.168.10.0/24");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "remote_ts"), 0)), "10.0.0.0/16");
	t = json_array_get(json_object_get(d1, "tunnels"), 1);
	ck_assert_str_eq(str(t, "name"), conn_b.tunnels[1].tunnel_id);
	ck_assert_str_eq(str(t, "role"), "slave");
	ck_assert_str_eq(str(t, "peer_ip"), gw1.dr_internet_ip);
	/* the branch initiates; it expects no probes on a path the gateway cannot probe alone */
	ck_assert(json_is_true(json_object_get(ipsec_of(t), "initiator")));
	ck_assert_ptr_null(json_object_get(t, "liveness"));
	ck_assert_ptr_null(json_object_get(d1, "swanctl"));

	/* a device with one whole connection runs exactly what the API hands out */
	want = download_config(conn_s2.vpn_connection_id);
	check_as_configured(json_array_get(json_object_get(d6, "tunnels"), 0), want, 0);
	free(want);
	/* the override (Psk, IkeEncAlg) reaches connS1's branch only */
	t = json_array_get(json_object_get(d5, "tunnels"), 0);
	ck_assert_str_eq(str(ipsec_of(t), "psk"), "not-the-psk");
	ck_assert_str_eq(proposal_text(json_object_get(ipsec_of(t), "ike")), "aes256-md5-modp1024");
	/* the branch knows the health check's rhythm */
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(t, "health_check"), "retry")), 4);
	ck_assert_str_eq(str(t, "peer_ip"), gw2.internet_ip);
	/* the same as the download with the override applied by hand */
	want = download_config(conn_s1.vpn_connection_id);
	snprintf(want->tunnels[0].ike.psk, sizeof(want->tunnels[0].ike.psk), "not-the-psk");
	snprintf(want->tunnels[0].ike.ike_enc_alg, sizeof(want->tunnels[0].ike.ike_enc_alg), "aes256");
	check_as_configured(t, want, 0);
	free(want);

	/* sites and their hosts: default router = the site's router on the LAN's last usable address */
	ck_assert_str_eq(str(find(json_object_get(doc, "sites"), "id", site1), "lan_cidr"), "192.168.10.0/24");
	ck_assert_str_eq(str(find(json_object_get(doc, "sites"), "id", site1), "router_ip"), "192.168.10.254");
	t = find(json_object_get(doc, "hosts"), "id", host_site.host_id);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(str(json_object_get(t, "lan"), "site"), site1);
	ck_assert_str_eq(str(json_object_get(t, "lan"), "ip"), "192.168.10.3");
	ck_assert_str_eq(str(json_object_get(t, "lan"), "gateway"), "192.168.10.254");
	ck_assert_int_eq(json_array_size(json_object_get(doc, "hosts")), 1);
	json_decref(doc);
}
END_TEST

/* "<endpoint>/<tunnel>@<via>:<weight>" of each hop of a site route, ", "-joined. */
static void hops_text(json_t *route, char *out, size_t size)
{
	json_t *hop;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach(json_object_get(route, "nexthops"), i, hop)
		n += (size_t)snprintf(out + n, size - n, "%s%s/%s@%s:%lld", i ? ", " : "", str(hop, "endpoint"),
				      str(hop, "tunnel"), str(hop, "via"), (long long)weight_of(hop));
}

/*
 * The site router's routes: one per cloud block, a hop per device tunnel toward it; masters
 * and singles weigh 100, slaves 0, so two devices with a master each toward one block are
 * ECMP and the single-tunnel connections of site 3 too; at most 16 hops, slaves dropped first.
 */
START_TEST(test_site_router_routes)
{
	struct model_ctx m = ctx();
	json_t *doc = compile("agt-site"), *s1, *s3, *r;
	struct vpn_connection more[7];
	char d1[96], d2[96], d5[96], d6[96], want[1024], got[1024];

	snprintf(d1, sizeof(d1), "%s-1", site1);
	snprintf(d2, sizeof(d2), "%s-2", site1);
	snprintf(d5, sizeof(d5), "%s-1", site3);
	snprintf(d6, sizeof(d6), "%s-2", site3);
	s1 = find(json_object_get(doc, "sites"), "id", site1);
	ck_assert_int_eq(json_array_size(json_object_get(s1, "routes")), 1);
	r = json_array_get(json_object_get(s1, "routes"), 0);
	ck_assert_str_eq(str(r, "dest"), "10.0.0.0/16");
	/* connA: master on device 1, slave on device 2; connB the other way round */
	snprintf(want, sizeof(want),
		 "%s/%s@192.168.10.1:100, %s/%s@192.168.10.2:100, %s/%s@192.168.10.1:0, %s/%s@192.168.10.2:0", d1,
		 conn_a.tunnels[0].tunnel_id, d2, conn_b.tunnels[0].tunnel_id, d1, conn_b.tunnels[1].tunnel_id, d2,
		 conn_a.tunnels[1].tunnel_id);
	hops_text(r, got, sizeof(got));
	ck_assert_str_eq(got, want);
	s3 = find(json_object_get(doc, "sites"), "id", site3);
	ck_assert_str_eq(str(s3, "router_ip"), "192.168.30.254");
	r = json_array_get(json_object_get(s3, "routes"), 0);
	ck_assert_str_eq(str(r, "dest"), "10.1.0.0/16");
	snprintf(want, sizeof(want), "%s/%s@192.168.30.1:100, %s/%s@192.168.30.2:100", d5, conn_s1.vpn_connection_id, d6,
		 conn_s2.vpn_connection_id);
	hops_text(r, got, sizeof(got));
	ck_assert_str_eq(got, want);
	check_and_save(doc, "agt-site");
	json_decref(doc);

	/* 9 connections between the two devices: 18 tunnels, the 9 masters and the first 7 slaves */
	for (int i = 0; i < 7; i++)
		test_make_dual(&m, gw1.vpn_gateway_id, cgw1.customer_gateway_id, cgw2.customer_gateway_id, &more[i]);
	doc = compile("agt-site");
	r = json_array_get(json_object_get(find(json_object_get(doc, "sites"), "id", site1), "routes"), 0);
	ck_assert_int_eq(json_array_size(json_object_get(r, "nexthops")), 16);
	for (size_t i = 0; i < 16; i++)
		ck_assert_int_eq(weight_of(json_array_get(json_object_get(r, "nexthops"), i)), i < 9 ? 100 : 0);
	/* device order within a weight: device 1's tunnels first */
	ck_assert_str_eq(str(json_array_get(json_object_get(r, "nexthops"), 0), "endpoint"), d1);
	ck_assert_str_eq(str(json_array_get(json_object_get(r, "nexthops"), 8), "endpoint"), d2);
	check_and_save(doc, "agt-site-16");
	json_decref(doc);
}
END_TEST

START_TEST(test_device_owns_whole_dual_connection)
{
	struct model_ctx m = ctx();
	struct customer_gateway cgw7;
	struct vpn_connection conn_c;
	const char *ids[1];
	struct lab_site_create_args s = { .lan_cidr = "192.168.40.0/24", .customer_gateway_ids = ids,
					  .customer_gateway_count = 1 };
	char site[64], id[96];
	struct vpn_connection_config *want;
	json_t *doc;

	test_make_cgw(&m, "203.0.113.7", &cgw7);
	test_make_dual(&m, gw1.vpn_gateway_id, cgw7.customer_gateway_id, cgw7.customer_gateway_id, &conn_c);
	ids[0] = cgw7.customer_gateway_id;
	OK(lab_site_create(&m, &s, site, err));
	doc = compile("agt-site");
	snprintf(id, sizeof(id), "%s-1", site);
	want = download_config(conn_c.vpn_connection_id);
	ck_assert_int_eq(json_array_size(json_object_get(endpoint(doc, id), "tunnels")), 2);
	for (int i = 0; i < 2; i++)
		check_as_configured(json_array_get(json_object_get(endpoint(doc, id), "tunnels"), (size_t)i), want, i);
	free(want);
	check_and_save(doc, "whole-dual");
	json_decref(doc);
}
END_TEST

/* A customer gateway no lab site claims is the user's own device: the gateway side is built
 * and waits for it; once a site claims it, the tunnel is built with that site's device only. */
START_TEST(test_own_device)
{
	struct model_ctx m = ctx();
	struct customer_gateway cgw8;
	struct vpn_connection conn_d;
	const char *ids[1];
	struct lab_site_create_args s = { .lan_cidr = "192.168.50.0/24", .customer_gateway_ids = ids,
					  .customer_gateway_count = 1 };
	char site[64];
	json_t *doc;

	test_make_cgw(&m, "203.0.113.8", &cgw8);
	test_make_dual(&m, gw1.vpn_gateway_id, cgw8.customer_gateway_id, cgw8.customer_gateway_id, &conn_d);
	doc = compile("agt-h");
	for (int k = 0; k < 2; k++)
		ck_assert_ptr_nonnull(find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, k + 1)), "tunnels"),
					   "name", conn_d.tunnels[k].tunnel_id));
	check_and_save(doc, "own-device");
	json_decref(doc);

	/* claimed by a site while no site agent exists: neither end is built */
	ids[0] = cgw8.customer_gateway_id;
	OK(lab_site_create(&m, &s, site, err));
	test_exec1(st, "DELETE FROM agents WHERE agent_id<>?", "agt-h");
	doc = compile("agt-h");
	for (int k = 0; k < 2; k++)
		ck_assert_ptr_null(find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, k + 1)), "tunnels"),
					"name", conn_d.tunnels[k].tunnel_id));
	json_decref(doc);
}
END_TEST

START_TEST(test_faults)
{
	struct model_ctx m = ctx();
	json_t *cut = json_array(), *doc, *t;
	char id[96];

	OK(lab_fault_set(&m, conn_a.vpn_connection_id, conn_a.tunnels[1].tunnel_id, true, cut, err));
	OK(lab_fault_set(&m, conn_s1.vpn_connection_id, NULL, true, cut, err));
	doc = compile("agt-h");
	t = find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 2)), "tunnels"), "name",
		 conn_a.tunnels[1].tunnel_id);
	ck_assert(json_is_true(json_object_get(t, "cut")));
	t = find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 1)), "tunnels"), "name",
		 conn_a.tunnels[0].tunnel_id);
	ck_assert(json_is_false(json_object_get(t, "cut")));
	json_decref(doc);
	doc = compile("agt-site");
	snprintf(id, sizeof(id), "%s-2", site1); /* cgw2: connA's slave */
	t = find(json_object_get(endpoint(doc, id), "tunnels"), "name", conn_a.tunnels[1].tunnel_id);
	ck_assert(json_is_true(json_object_get(t, "cut")));
	snprintf(id, sizeof(id), "%s-1", site3);
	t = find(json_object_get(endpoint(doc, id), "tunnels"), "name", conn_s1.vpn_connection_id);
	ck_assert(json_is_true(json_object_get(t, "cut")));
	check_and_save(doc, "faults-site");
	json_decref(doc);
	doc = compile("agt-any");
	t = find(json_object_get(endpoint(doc, ep_name(gw2.vpn_gateway_id, 1)), "tunnels"), "name",
		 conn_s1.vpn_connection_id);
	ck_assert(json_is_true(json_object_get(t, "cut")));
	t = find(json_object_get(endpoint(doc, ep_name(gw2.vpn_gateway_id, 1)), "tunnels"), "name",
		 conn_s2.vpn_connection_id);
	ck_assert(json_is_false(json_object_get(t, "cut")));
	json_decref(doc);
	json_decref(cut);
}
END_TEST

static bool standby_of(json_t *doc, const char *endpoint_id, const char *tunnel)
{
	json_t *t = find(json_object_get(endpoint(doc, endpoint_id), "tunnels"), "name", tunnel);

	ck_assert_ptr_nonnull(t);
	return json_is_true(json_object_get(ipsec_of(t), "standby"));
}

static int standby_count(json_t *e)
{
	json_t *t;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(e, "tunnels"), i, t)
		n += json_is_true(json_object_get(ipsec_of(t), "standby"));
	return n;
}

/*
 * connS1 (route weight 100) and connS2 (0) on gw2's one endpoint, same selectors: the
 * standby is marked so, the active is not.
 */
START_TEST(test_active_standby)
{
	struct model_ctx m = ctx();
	struct vpn_route_key key = { .route_dest = "172.20.0.0/16", .priority = -1 };
	json_t *doc = compile("agt-any"), *site, *hops;
	const char *s1 = conn_s1.vpn_connection_id, *s2 = conn_s2.vpn_connection_id;
	char id[96];

	/* the standby yields to the active tunnel with the same selectors (the backend turns that
	 * into a policy priority behind the active's) */
	ck_assert(!standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s1));
	ck_assert(standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s2));
	/* the VPC's route: both hops through the one endpoint, the active first */
	hops = json_object_get(route(doc, vpc2.vpc_id, "172.20.0.0/16"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 2);
	ck_assert_str_eq(str(json_array_get(hops, 0), "tunnel"), s1);
	ck_assert_int_eq(weight_of(json_array_get(hops, 0)), 100);
	ck_assert_str_eq(str(json_array_get(hops, 1), "tunnel"), s2);
	ck_assert_int_eq(weight_of(json_array_get(hops, 1)), 0);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(str(json_array_get(hops, i), "via"), gw2.eni_ip);
		ck_assert_str_eq(str(json_array_get(hops, i), "endpoint"), ep_name(gw2.vpn_gateway_id, 1));
	}
	check_and_save(doc, "active-standby");
	json_decref(doc);
	/* the branches run what the API hands out: nobody stands by there */
	site = compile("agt-site");
	snprintf(id, sizeof(id), "%s-2", site3);
	ck_assert(!standby_of(site, id, s2));
	json_decref(site);

	/* weights swapped: connS2 is the active one */
	key.vpn_gateway_id = gw2.vpn_gateway_id;
	key.next_hop = s1;
	key.weight = 100;
	OK(vpn_route_modify_weight(&m, &key, 0, err));
	key.next_hop = s2;
	key.weight = 0;
	OK(vpn_route_modify_weight(&m, &key, 100, err));
	doc = compile("agt-any");
	ck_assert(standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s1));
	ck_assert(!standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s2));
	ck_assert_str_eq(str(json_array_get(json_object_get(route(doc, vpc2.vpc_id, "172.20.0.0/16"), "nexthops"), 0),
			     "tunnel"), s2);
	json_decref(doc);

	/* unpublished, the weight-0 entry still ranks the tunnels: the gateway's own table picks */
	test_exec1(st, "UPDATE vpn_route_entries SET published=0 WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	doc = compile("agt-any");
	ck_assert(standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s1));
	ck_assert(!standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s2));
	/* …while the VPC routes by RemoteSubnet, 100 each */
	hops = json_object_get(route(doc, vpc2.vpc_id, "172.20.0.0/16"), "nexthops");
	ck_assert_int_eq(weight_of(json_array_get(hops, 0)) + weight_of(json_array_get(hops, 1)), 200);
	json_decref(doc);

	/* no route entry: RemoteSubnet routes weigh 100, nobody stands by */
	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	doc = compile("agt-any");
	ck_assert(!standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s1));
	ck_assert(!standby_of(doc, ep_name(gw2.vpn_gateway_id, 1), s2));
	json_decref(doc);

	/* dual-tunnel: the slaves (endpoint 2) by the same rule, the masters are active */
	doc = compile("agt-h");
	ck_assert_int_eq(standby_count(endpoint(doc, ep_name(gw1.vpn_gateway_id, 1))), 0);
	ck_assert_int_eq(standby_count(endpoint(doc, ep_name(gw1.vpn_gateway_id, 2))), 2);
	json_decref(doc);
}
END_TEST

/* The strings of JSON array a, comma-separated (for comparing lists at once). */
static const char *joined(json_t *a)
{
	static char buf[512];
	size_t used = 0, i;
	json_t *v;

	buf[0] = '\0';
	json_array_foreach(a, i, v)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "," : "", json_string_value(v));
	return buf;
}

static json_t *table_route(json_t *doc, const char *vpc, int table)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc), "routes"), i, r)
		if (json_integer_value(json_object_get(r, "table")) == table)
			return r;
	return NULL;
}

static void make_pbr(const char *source, const char *next_hop, int weight, int priority)
{
	struct model_ctx m = ctx();
	struct vpn_route_create_args a = { .vpn_gateway_id = gw2.vpn_gateway_id, .pbr = true, .route_source = source,
					   .route_dest = "172.20.0.0/16", .next_hop = next_hop, .weight = weight,
					   .priority = priority, .publish_vpc = true };
	struct vpn_route r;

	OK(vpn_route_create(&m, &a, &r, err));
}

/*
 * Policy routes on gw2 (connS1, connS2: one endpoint, LocalSubnet 10.1.0.0/16, RemoteSubnet
 * 172.20.0.0/16): a connection only policy routes point at is negotiated with its
 * gateway-side selectors narrowed to their sources (plus its health check's source), and
 * the VPC router gets a rule per group, in match order, with a table of its own.
 */
START_TEST(test_policy_routes)
{
	const char *s1 = conn_s1.vpn_connection_id, *s2 = conn_s2.vpn_connection_id;
	const char *ep = ep_name(gw2.vpn_gateway_id, 1);
	json_t *doc, *vpc, *policies, *hops;

	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	make_pbr("10.1.1.0/24", s1, 100, 10);
	make_pbr("10.1.2.0/24", s2, 100, 10);
	/* shadowed: the first route's source and destination contain it, and it matches later */
	make_pbr("10.1.1.128/25", s2, 100, 20);
	doc = compile("agt-any");
	/* connS1's health check leaves from 10.1.2.10: kept within its selectors */
	ck_assert_str_eq(joined(json_object_get(find(json_object_get(endpoint(doc, ep), "tunnels"), "name", s1), "local_ts")),
			 "10.1.1.0/24,10.1.2.10/32");
	ck_assert_str_eq(joined(json_object_get(find(json_object_get(endpoint(doc, ep), "tunnels"), "name", s2), "local_ts")),
			 "10.1.2.0/24");
	ck_assert(!standby_of(doc, ep, s1));
	ck_assert(!standby_of(doc, ep, s2));
	vpc = find(json_object_get(doc, "vpcs"), "id", vpc2.vpc_id);
	policies = json_object_get(vpc, "policies");
	ck_assert_int_eq(json_array_size(policies), 2);
	ck_assert_str_eq(str(json_array_get(policies, 0), "from"), "10.1.1.0/24");
	ck_assert_str_eq(str(json_array_get(policies, 0), "to"), "172.20.0.0/16");
	ck_assert_int_eq(int_of(json_array_get(policies, 0), "table"), 2001);
	ck_assert_str_eq(str(json_array_get(policies, 1), "from"), "10.1.2.0/24");
	ck_assert_int_eq(int_of(json_array_get(policies, 1), "table"), 2002);
	hops = json_object_get(table_route(doc, vpc2.vpc_id, 2001), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 1);
	ck_assert_str_eq(str(json_array_get(hops, 0), "tunnel"), s1);
	ck_assert_str_eq(str(json_array_get(hops, 0), "via"), gw2.eni_ip);
	hops = json_object_get(table_route(doc, vpc2.vpc_id, 2002), "nexthops");
	ck_assert_str_eq(str(json_array_get(hops, 0), "tunnel"), s2);
	ck_assert_ptr_null(table_route(doc, vpc2.vpc_id, 2003));
	check_and_save(doc, "policy-routes");
	json_decref(doc);

	/* the branch side negotiates what the API hands out: IKEv2 narrows it at the gateway */
	doc = compile("agt-site");
	json_decref(doc);

	/* a weight-0 route of 10.1.1.0/24's group through connS2: its standby */
	make_pbr("10.1.1.0/24", s2, 0, 10);
	doc = compile("agt-any");
	ck_assert_str_eq(joined(json_object_get(find(json_object_get(endpoint(doc, ep), "tunnels"), "name", s2), "local_ts")),
			 "10.1.2.0/24,10.1.1.0/24");
	hops = json_object_get(table_route(doc, vpc2.vpc_id, 2001), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 2);
	ck_assert_str_eq(str(json_array_get(hops, 0), "tunnel"), s1);
	ck_assert_int_eq(weight_of(json_array_get(hops, 0)), 100);
	ck_assert_str_eq(str(json_array_get(hops, 1), "tunnel"), s2);
	ck_assert_int_eq(weight_of(json_array_get(hops, 1)), 0);
	json_decref(doc);

	/* a destination route toward connS2: it carries its whole LocalSubnet again */
	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=? AND route_source<>'10.1.1.0/24'",
		   gw2.vpn_gateway_id);
	{
		struct model_ctx m = ctx();
		struct vpn_route_create_args a = { .vpn_gateway_id = gw2.vpn_gateway_id, .route_dest = "172.20.0.0/16",
						   .next_hop = s2, .weight = 0, .publish_vpc = true };
		struct vpn_route r;

		OK(vpn_route_create(&m, &a, &r, err));
	}
	doc = compile("agt-any");
	ck_assert_str_eq(joined(json_object_get(find(json_object_get(endpoint(doc, ep), "tunnels"), "name", s2), "local_ts")),
			 "10.1.0.0/16");
	ck_assert(standby_of(doc, ep, s2));
	ck_assert_int_eq(json_array_size(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc2.vpc_id), "policies")), 1);
	json_decref(doc);

	/* unpublished and no other entry toward the gateway for that block: the VPC never hands
	 * the packets to the gateway, so no rule */
	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=? AND route_type='dbr'", gw2.vpn_gateway_id);
	test_exec1(st, "UPDATE vpn_route_entries SET route_dest='10.200.0.0/16', published=0 WHERE vpn_gateway_id=?",
		   gw2.vpn_gateway_id);
	doc = compile("agt-any");
	ck_assert_ptr_null(json_object_get(find(json_object_get(doc, "vpcs"), "id", vpc2.vpc_id), "policies"));
	json_decref(doc);

	/* no health check: the liveness probe's source (the endpoint's LAN address) stays in */
	test_exec1(st, "DELETE FROM vpn_route_entries WHERE vpn_gateway_id=?", gw2.vpn_gateway_id);
	make_pbr("10.1.1.0/24", s2, 100, 10);
	doc = compile("agt-any");
	{
		char want[64];

		snprintf(want, sizeof(want), "10.1.1.0/24,%s/32", gw2.eni_ip);
		ck_assert_str_eq(
			joined(json_object_get(find(json_object_get(endpoint(doc, ep), "tunnels"), "name", s2), "local_ts")),
			want);
	}
	json_decref(doc);
}
END_TEST

/* Tunnels of endpoint e whose DPD interval is delay_s. */
static int dpd_count(json_t *e, int delay_s)
{
	json_t *t;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(e, "tunnels"), i, t)
		n += int_of(ipsec_of(t), "dpd_delay_s") == delay_s;
	return n;
}

/* --dpd-delay-s reaches every tunnel of the documents, gateway and branch side */
START_TEST(test_dpd_delay)
{
	json_t *doc = compile("agt-any");

	ck_assert_int_eq(dpd_count(endpoint(doc, ep_name(gw2.vpn_gateway_id, 1)), 30), 2);
	json_decref(doc);
	cfg.dpd_delay_s = 1;
	doc = compile("agt-any");
	ck_assert_int_eq(dpd_count(endpoint(doc, ep_name(gw2.vpn_gateway_id, 1)), 1), 2);
	ck_assert_int_eq(dpd_count(endpoint(doc, ep_name(gw2.vpn_gateway_id, 1)), 30), 0);
	json_decref(doc);
	doc = compile("agt-site");
	{
		json_t *e;
		size_t i;
		int n = 0;

		json_array_foreach(json_object_get(doc, "endpoints"), i, e) {
			ck_assert_int_eq(dpd_count(e, 30), 0);
			n += dpd_count(e, 1);
		}
		/* connA's and connB's masters (their slaves inherit DPD too), connS1, connS2 */
		ck_assert_int_ge(n, 4);
	}
	check_and_save(doc, "dpd-1s");
	json_decref(doc);
}
END_TEST

/*
 * A dual-tunnel connection with a path of its own (no other tunnel of its gateway endpoints
 * leads to its RemoteSubnet): each gateway end probes its tunnel, from its LAN address to
 * the device's, and the device expects the same rhythm; --liveness-interval-ms 0: no probes.
 */
START_TEST(test_liveness)
{
	struct model_ctx m = ctx();
	struct customer_gateway cgw8;
	struct vpn_connection conn_d;
	const char *ids[1];
	struct lab_site_create_args sa = { .lan_cidr = "192.168.50.0/24", .customer_gateway_ids = ids,
					   .customer_gateway_count = 1 };
	char site[64], dev[96];
	json_t *doc, *t, *e;
	size_t i, j;

	test_make_cgw(&m, "203.0.113.8", &cgw8);
	test_make_dual(&m, gw1.vpn_gateway_id, cgw8.customer_gateway_id, cgw8.customer_gateway_id, &conn_d);
	test_exec1(st, "UPDATE vpn_connections SET remote_subnet='192.168.50.0/24' WHERE vpn_connection_id=?",
		   conn_d.vpn_connection_id);
	ids[0] = cgw8.customer_gateway_id;
	OK(lab_site_create(&m, &sa, site, err));
	snprintf(dev, sizeof(dev), "%s-1", site);

	doc = compile("agt-h");
	t = find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 1)), "tunnels"), "name",
		 conn_d.tunnels[0].tunnel_id);
	ck_assert_str_eq(str(json_object_get(t, "liveness"), "sip"), gw1.eni_ip);
	ck_assert_str_eq(str(json_object_get(t, "liveness"), "dip"), "192.168.50.1");
	ck_assert_int_eq(int_of(json_object_get(t, "liveness"), "interval_ms"), 300);
	ck_assert_int_eq(int_of(json_object_get(t, "liveness"), "retry"), 3);
	t = find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 2)), "tunnels"), "name",
		 conn_d.tunnels[1].tunnel_id);
	ck_assert_str_eq(str(json_object_get(t, "liveness"), "sip"), gw1.dr_eni_ip);
	json_decref(doc);
	/* the device expects both */
	doc = compile("agt-site");
	json_array_foreach(json_object_get(endpoint(doc, dev), "tunnels"), i, t) {
		ck_assert_str_eq(str(json_object_get(t, "liveness"), "dip"), "192.168.50.1");
		ck_assert_str_eq(str(json_object_get(t, "liveness"), "sip"),
				 strcmp(str(t, "peer_ip"), gw1.internet_ip) == 0 ? gw1.eni_ip : gw1.dr_eni_ip);
	}
	ck_assert_int_eq(json_array_size(json_object_get(endpoint(doc, dev), "tunnels")), 2);
	check_and_save(doc, "liveness");
	json_decref(doc);

	/* other settings reach both ends; 0 turns the probes off everywhere */
	cfg.liveness_interval_ms = 150;
	cfg.liveness_retry = 5;
	doc = compile("agt-h");
	t = find(json_object_get(endpoint(doc, ep_name(gw1.vpn_gateway_id, 2)), "tunnels"), "name",
		 conn_d.tunnels[1].tunnel_id);
	ck_assert_int_eq(int_of(json_object_get(t, "liveness"), "interval_ms"), 150);
	ck_assert_int_eq(int_of(json_object_get(t, "liveness"), "retry"), 5);
	json_decref(doc);
	cfg.liveness_interval_ms = 0;
	doc = compile("agt-site");
	json_array_foreach(json_object_get(doc, "endpoints"), i, e)
		json_array_foreach(json_object_get(e, "tunnels"), j, t)
			ck_assert_ptr_null(json_object_get(t, "liveness"));
	json_decref(doc);
	cfg.liveness_interval_ms = 300;
	cfg.liveness_retry = 3;
}
END_TEST

START_TEST(test_hosts_underlay_determinism)
{
	json_t *doc = compile("agt-h"), *again, *h, *peers;
	char *a, *b;

	h = find(json_object_get(doc, "hosts"), "id", host1.host_id);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(str(json_object_get(h, "lan"), "vpc"), vpc1.vpc_id);
	ck_assert_str_eq(str(json_object_get(h, "lan"), "vswitch"), vsw1h.vswitch_id);
	ck_assert_str_eq(str(json_object_get(h, "lan"), "ip"), host1.ip_address);
	ck_assert_str_eq(str(json_object_get(h, "lan"), "gateway"), "10.0.1.253");
	/* the gateway's interface took the vSwitch's first address; the host the next one */
	ck_assert_str_eq(gw1.eni_ip, "10.0.1.1");
	ck_assert_str_eq(host1.ip_address, "10.0.1.2");
	ck_assert_ptr_nonnull(find(json_object_get(doc, "hosts"), "id", host3.host_id));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "hosts")), 2);
	peers = json_object_get(json_object_get(doc, "underlay"), "peers");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(doc, "underlay"), "vni")), 4242);
	ck_assert_int_eq(json_array_size(peers), 3);
	ck_assert_str_eq(json_string_value(json_array_get(peers, 0)), "10.99.0.1");
	ck_assert_str_eq(json_string_value(json_array_get(peers, 1)), "10.99.0.3");
	ck_assert_str_eq(json_string_value(json_array_get(peers, 2)), "10.99.0.4");
	ck_assert_str_eq(str(doc, "agent_id"), "agt-h");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 2);
	/* the same model gives the same bytes (the pusher compares hashes) */
	again = compile("agt-h");
	a = json_dumps(doc, JSON_COMPACT);
	b = json_dumps(again, JSON_COMPACT);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	json_decref(again);
	json_decref(doc);
}
END_TEST

START_TEST(test_host_agent)
{
	struct model_ctx m = ctx();
	struct vl_err err;
	char agent[64], url[256];

	ck_assert_int_eq(dataplane_host_agent(&m, host1.host_id, agent, url, sizeof(url), &err), 1);
	ck_assert_str_eq(agent, "agt-h");
	ck_assert_str_eq(url, "http://127.0.0.1:1");
	ck_assert_int_eq(dataplane_host_agent(&m, host_site.host_id, agent, url, sizeof(url), &err), 1);
	ck_assert_str_eq(agent, "agt-site");
	ck_assert_int_eq(dataplane_host_agent(&m, "host-nope", agent, url, sizeof(url), &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidHostId.NotFound");
	test_exec1(st, "DELETE FROM agents WHERE roles LIKE ?", "%site%");
	ck_assert_int_eq(dataplane_host_agent(&m, host_site.host_id, agent, url, sizeof(url), &err), 0);
	test_exec1(st, "DELETE FROM agents WHERE agent_id<>?", "");
	ck_assert_int_eq(dataplane_host_agent(&m, host1.host_id, agent, url, sizeof(url), &err), 0);
}
END_TEST

/*
 * Zones are real: agt-k serves zone k (the ninth of cn-hangzhou's DescribeZones list) by
 * ZoneIndex, so VPC1 spans agt-h (vsw1h: gw1's master endpoint, host1) and agt-k (vsw1i: its
 * slave endpoint), its routers joined by the VPC's fabric.
 */
START_TEST(test_zone_spread)
{
	json_t *h, *k, *vpc, *fabric, *peer, *hops, *hop;
	struct model_ctx m = ctx();
	struct vl_err err;
	char agent[64], url[256];
	size_t i;
	int remote = 0, local = 0;

	test_exec1(st, "UPDATE agents SET zones='cn-hangzhou-h' WHERE agent_id=?", "agt-h");
	add_agent("agt-k", "", "cloud", "10.99.0.5", 50);
	test_exec1(st, "UPDATE agents SET zone_index=9, url='http://10.99.0.5:8181' WHERE agent_id=?", "agt-k");
	h = compile("agt-h");
	k = compile("agt-k");
	check_and_save(h, "spread-agt-h");
	check_and_save(k, "spread-agt-k");

	/* each agent builds its zone's vSwitch and the endpoint on it */
	vpc = find(json_object_get(h, "vpcs"), "id", vpc1.vpc_id);
	ck_assert_ptr_nonnull(vpc);
	ck_assert_int_eq(json_array_size(json_object_get(vpc, "vswitches")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(vpc, "vswitches"), 0), "id"), vsw1h.vswitch_id);
	endpoint(h, ep_name(gw1.vpn_gateway_id, 1));
	ck_assert_ptr_null(find(json_object_get(h, "endpoints"), "id", ep_name(gw1.vpn_gateway_id, 2)));
	ck_assert_ptr_nonnull(find(json_object_get(h, "hosts"), "id", host1.host_id));
	vpc = find(json_object_get(k, "vpcs"), "id", vpc1.vpc_id);
	ck_assert_ptr_nonnull(vpc);
	ck_assert_int_eq(json_array_size(json_object_get(vpc, "vswitches")), 1);
	ck_assert_str_eq(str(json_array_get(json_object_get(vpc, "vswitches"), 0), "id"), vsw1i.vswitch_id);
	endpoint(k, ep_name(gw1.vpn_gateway_id, 2));
	ck_assert_ptr_null(find(json_object_get(k, "endpoints"), "id", ep_name(gw1.vpn_gateway_id, 1)));
	ck_assert_ptr_null(find(json_object_get(k, "hosts"), "id", host1.host_id));
	/* VPC3 lives in zone h only: no fabric, nothing on agt-k */
	ck_assert_ptr_null(json_object_get(find(json_object_get(h, "vpcs"), "id", vpc3.vpc_id), "fabric"));
	ck_assert_ptr_null(find(json_object_get(k, "vpcs"), "id", vpc3.vpc_id));

	/* the fabric: same VNI both ways, each router at its agent's address, the other's vSwitch routed there */
	fabric = json_object_get(vpc, "fabric");
	ck_assert_ptr_nonnull(fabric);
	ck_assert_int_eq(json_integer_value(json_object_get(fabric, "vni")),
			 json_integer_value(json_object_get(
				 json_object_get(find(json_object_get(h, "vpcs"), "id", vpc1.vpc_id), "fabric"), "vni")));
	ck_assert_int_ne(json_integer_value(json_object_get(fabric, "vni")), DATAPLANE_UNDERLAY_VNI);
	ck_assert_str_eq(str(fabric, "ip"), "169.254.1.5");
	ck_assert_int_eq(json_array_size(json_object_get(fabric, "peers")), 1);
	peer = json_array_get(json_object_get(fabric, "peers"), 0);
	ck_assert_str_eq(str(peer, "ip"), "169.254.1.2");
	ck_assert_str_eq(str(peer, "underlay_ip"), "10.99.0.2");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(peer, "cidrs"), 0)), "10.0.1.0/24");

	/* routes on agt-k: connA's master (agt-h) is a remote hop via agt-h's router, its slave local */
	hops = json_object_get(route(k, vpc1.vpc_id, "192.168.10.0/24"), "nexthops");
	json_array_foreach(hops, i, hop) {
		if (json_is_true(json_object_get(hop, "remote"))) {
			ck_assert_str_eq(str(hop, "via"), "169.254.1.2");
			ck_assert_str_eq(str(hop, "endpoint"), ep_name(gw1.vpn_gateway_id, 1));
			remote++;
		} else {
			ck_assert_str_eq(str(hop, "via"), gw1.dr_eni_ip);
			local++;
		}
	}
	ck_assert_int_gt(remote, 0);
	ck_assert_int_gt(local, 0);
	/* the lab host goes where its vSwitch is */
	ck_assert_int_eq(dataplane_host_agent(&m, host1.host_id, agent, url, sizeof(url), &err), 1);
	ck_assert_str_eq(agent, "agt-h");
	json_decref(h);
	json_decref(k);
}
END_TEST

/* A VPC attachment of tr mapping vsw (zone): Attached (no transition delay here); its id into out. */
static void attach_vpc(const struct transit_router *tr, const struct vpc *v, const struct vswitch *vsw, char *out)
{
	struct model_ctx m = ctx();
	struct tr_vpc_attachment_create_args a = { .vpc_id = v->vpc_id };
	struct tr_attachment att;

	a.common.transit_router_id = tr->transit_router_id;
	a.common.zones[0] = (struct tr_zone){ vsw->zone_id, vsw->vswitch_id };
	a.common.zone_count = 1;
	OK(tr_vpc_attachment_create(&m, &a, &att, err));
	test_exec1(st, "UPDATE tr_attachments SET status='Attached' WHERE attachment_id=?", att.attachment_id);
	strcpy(out, att.attachment_id);
}

/* The one link of doc's transit router for vswitch_id, or NULL. */
static json_t *tr_link(json_t *doc, const char *vswitch_id)
{
	return find(json_object_get(json_array_get(json_object_get(doc, "transit_routers"), 0), "links"), "vswitch",
		    vswitch_id);
}

/*
 * A transit router on agt-h (VPC3's attachment, zone h, came first) with VPC2 attached by
 * vsw2i, a vSwitch agt-any builds: the link is stretched, the router's end on agt-h, the far
 * end a port of vsw2i on agt-any, one VNI clear of the fabrics'.  VPC2's other vSwitch (zone
 * g) moves to agt-both: that router reaches the attachment over the VPC's fabric.  Detached,
 * both ends go.
 */
START_TEST(test_tr_stretched_link)
{
	struct model_ctx m = ctx(), g = ctx();
	struct cen_create_args ca = { .name = "cen" };
	struct transit_router_create_args ta = { .cidr_list_json = "[{\"Cidr\":\"192.168.250.0/24\"}]" };
	struct route_entry_create_args ra = { .route_table_id = vpc2.route_table_id, .destination = "192.168.77.0/24",
					      .next_hop_type = "Attachment" };
	struct route_entry re;
	struct cen cen;
	struct transit_router tr;
	char att3[64], att2[64];
	json_t *h, *any, *both, *link, *stretch, *port, *hops, *vpc;
	int64_t vni;

	test_exec1(st, "UPDATE agents SET zones='cn-hangzhou-g' WHERE agent_id=?", "agt-both");
	g.region = NULL;
	OK(cen_create(&g, &ca, &cen, err));
	ta.cen_id = cen.cen_id;
	OK(transit_router_create(&m, &ta, &tr, err));
	attach_vpc(&tr, &vpc3, &vsw3h, att3);
	attach_vpc(&tr, &vpc2, &vsw2i, att2);
	ra.next_hop_id = att2;
	OK(route_entry_create(&m, &ra, &re, err));
	h = compile("agt-h");
	any = compile("agt-any");
	both = compile("agt-both");
	check_and_save(h, "tr-stretch-agt-h");
	check_and_save(any, "tr-stretch-agt-any");
	check_and_save(both, "tr-stretch-agt-both");

	/* the router is agt-h's: VPC3's link a veth, VPC2's stretched toward agt-any */
	ck_assert_int_eq(json_array_size(json_object_get(h, "transit_routers")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(any, "transit_routers")), 0);
	link = tr_link(h, vsw3h.vswitch_id);
	ck_assert_ptr_nonnull(link);
	ck_assert_ptr_null(json_object_get(link, "stretch"));
	link = tr_link(h, vsw2i.vswitch_id);
	ck_assert_ptr_nonnull(link);
	ck_assert_str_eq(str(link, "attachment"), att2);
	ck_assert_str_eq(str(link, "vpc"), vpc2.vpc_id);
	ck_assert_str_eq(str(link, "gateway"), "10.1.2.253");
	stretch = json_object_get(link, "stretch");
	ck_assert_ptr_nonnull(stretch);
	ck_assert_str_eq(str(stretch, "peer"), "10.99.0.1");
	vni = int_of(stretch, "vni");
	ck_assert_int_ge(vni, 0x10000);
	ck_assert_int_lt(vni, 0x100000);
	ck_assert_int_ne(vni, DATAPLANE_UNDERLAY_VNI);
	/* agt-h has no router of VPC2: the link does not need one there */
	ck_assert_ptr_null(find(json_object_get(h, "vpcs"), "id", vpc2.vpc_id));

	/* the far end: a port of vsw2i's bridge on agt-any, same VNI, toward agt-h */
	vpc = find(json_object_get(any, "vpcs"), "id", vpc2.vpc_id);
	ck_assert_ptr_nonnull(vpc);
	ck_assert_int_eq(json_array_size(json_object_get(vpc, "tr_ports")), 1);
	port = json_array_get(json_object_get(vpc, "tr_ports"), 0);
	ck_assert_str_eq(str(port, "transit_router"), tr.transit_router_id);
	ck_assert_str_eq(str(port, "attachment"), att2);
	ck_assert_str_eq(str(port, "vswitch"), vsw2i.vswitch_id);
	ck_assert_str_eq(str(port, "peer"), "10.99.0.2");
	ck_assert_int_eq(int_of(port, "vni"), vni);
	ck_assert_int_ne(vni, int_of(json_object_get(vpc, "fabric"), "vni"));
	/* VPC3's link is local: no port anywhere */
	ck_assert_ptr_null(json_object_get(find(json_object_get(h, "vpcs"), "id", vpc3.vpc_id), "tr_ports"));

	/* the Attachment entry: agt-any's router via the interface, agt-both's via agt-any's router on the fabric */
	hops = json_object_get(route(any, vpc2.vpc_id, "192.168.77.0/24"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 1);
	ck_assert_str_eq(str(json_array_get(hops, 0), "via"), str(link, "ip"));
	hops = json_object_get(route(both, vpc2.vpc_id, "192.168.77.0/24"), "nexthops");
	ck_assert_int_eq(json_array_size(hops), 1);
	ck_assert_str_eq(str(json_array_get(hops, 0), "via"), "169.254.1.1");
	ck_assert_ptr_null(json_object_get(find(json_object_get(both, "vpcs"), "id", vpc2.vpc_id), "tr_ports"));
	json_decref(h);
	json_decref(any);
	json_decref(both);

	/* detached: both ends go, VPC3's link stays */
	test_exec1(st, "UPDATE tr_attachments SET status='Detaching' WHERE attachment_id=?", att2);
	h = compile("agt-h");
	any = compile("agt-any");
	ck_assert_ptr_null(tr_link(h, vsw2i.vswitch_id));
	ck_assert_ptr_nonnull(tr_link(h, vsw3h.vswitch_id));
	ck_assert_ptr_null(json_object_get(find(json_object_get(any, "vpcs"), "id", vpc2.vpc_id), "tr_ports"));
	json_decref(h);
	json_decref(any);

	/* the router moves to agt-any (its first attachment is VPC2's now): the link is a veth, no port */
	test_exec1(st, "UPDATE tr_attachments SET status='Attached' WHERE attachment_id=?", att2);
	test_exec1(st, "UPDATE tr_attachments SET status='Detaching' WHERE attachment_id=?", att3);
	any = compile("agt-any");
	ck_assert_ptr_nonnull(tr_link(any, vsw2i.vswitch_id));
	ck_assert_ptr_null(json_object_get(tr_link(any, vsw2i.vswitch_id), "stretch"));
	ck_assert_ptr_null(json_object_get(find(json_object_get(any, "vpcs"), "id", vpc2.vpc_id), "tr_ports"));
	check_and_save(any, "tr-moved-agt-any");
	json_decref(any);
}
END_TEST

Suite *dataplane_compile_suite_create(void)
{
	const struct test_entry compile[] = {
		{ test_placement }, { test_placement_fallbacks }, { test_unknown_agent },
		{ test_vpc_and_endpoints }, { test_routes }, { test_routes_follow_route_table },
		{ test_custom_table_binding }, { test_site_devices }, { test_site_router_routes },
		{ test_device_owns_whole_dual_connection }, { test_own_device }, { test_faults },
		{ test_active_standby }, { test_policy_routes }, { test_dpd_delay }, { test_liveness },
		{ test_hosts_underlay_determinism }, { test_host_agent }, { test_zone_spread },
		{ test_tr_stretched_link },
	};

	return test_suite("dataplane_compile", "compile", setup, test_world_teardown, compile, countof(compile));
}
