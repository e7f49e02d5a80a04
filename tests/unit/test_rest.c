/*
 * The REST front door's pure parts (server/rest.c): the route matcher (404 vs 405 with
 * Allow, {id} capture, trailing slash) and the JSON body flattening into action
 * parameters (Tag.1.Key, numbers, booleans, JSON-typed parameters, refusals).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "errors.h"
#include "kv.h"
#include "rest.h"
#include "test.h"

/* ---- rest_match ---- */

static const struct {
	const char *method, *path;
	const char *action;	/* NULL: no route */
	const char *id;		/* captured {id}, "" when the route has none */
	int path_known;
	const char *allow;
	enum rest_shape shape;
} match_tests[] = {
	{ "POST", "/v1/vpcs", "CreateVpc", "", 1, "POST, GET", RS_CREATE },
	{ "GET", "/v1/vpcs", "DescribeVpcs", "", 1, "POST, GET", RS_LIST },
	{ "GET", "/v1/vpcs/vpc-bp15zckdt37pq72zvw3ab1c", "DescribeVpcs", "vpc-bp15zckdt37pq72zvw3ab1c", 1,
	  "GET, PATCH, DELETE", RS_ITEM },
	{ "PATCH", "/v1/vpcs/vpc-1", "ModifyVpcAttribute", "vpc-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "DELETE", "/v1/vpcs/vpc-1", "DeleteVpc", "vpc-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "POST", "/v1/vswitches", "CreateVSwitch", "", 1, "POST, GET", RS_CREATE },
	{ "GET", "/v1/vswitches", "DescribeVSwitches", "", 1, "POST, GET", RS_LIST },
	{ "GET", "/v1/vswitches/vsw-1", "DescribeVSwitches", "vsw-1", 1, "GET, PATCH, DELETE", RS_ITEM },
	{ "PATCH", "/v1/vswitches/vsw-1", "ModifyVSwitchAttribute", "vsw-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "DELETE", "/v1/vswitches/vsw-1", "DeleteVSwitch", "vsw-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "GET", "/v1/regions", "DescribeRegions", "", 1, "GET", RS_LIST },
	{ "GET", "/v1/zones", "DescribeZones", "", 1, "GET", RS_LIST },
	/* {id} characters: letters, digits, '-', '_', '.' */
	{ "GET", "/v1/vpcs/A_b.9-z", "DescribeVpcs", "A_b.9-z", 1, "GET, PATCH, DELETE", RS_ITEM },
	/* a trailing slash is tolerated */
	{ "GET", "/v1/vpcs/", "DescribeVpcs", "", 1, "POST, GET", RS_LIST },
	{ "DELETE", "/v1/vpcs/vpc-1/", "DeleteVpc", "vpc-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	/* known path, other method: 405 with Allow */
	{ "PUT", "/v1/vpcs", NULL, "", 1, "POST, GET", RS_PLAIN },
	{ "DELETE", "/v1/vpcs", NULL, "", 1, "POST, GET", RS_PLAIN },
	{ "POST", "/v1/vpcs/vpc-1", NULL, "", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "PUT", "/v1/vswitches/vsw-1", NULL, "", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "POST", "/v1/regions", NULL, "", 1, "GET", RS_PLAIN },
	{ "HEAD", "/v1/zones/", NULL, "", 1, "GET", RS_PLAIN },
	{ "get", "/v1/vpcs", NULL, "", 1, "POST, GET", RS_PLAIN },	/* methods are case-sensitive */
	{ "", "/v1/vpcs", NULL, "", 1, "POST, GET", RS_PLAIN },
	/* unknown paths: 404 */
	{ "GET", "/", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/nothing", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcsx", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpc", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/V1/VPCS", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "v1/vpcs", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs//", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "//v1/vpcs", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc-1//", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc-1/extra", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc%201", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc 1", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc-1?x=1", NULL, "", 0, "", RS_PLAIN },	/* callers strip the query */
	{ "GET", "/v1/regions/cn-hangzhou", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpcs/vpc-1/vswitches", NULL, "", 0, "", RS_PLAIN },
	/* VPN Gateway resources (route fragments) */
	{ "POST", "/v1/vpn-gateways", "CreateVpnGateway", "", 1, "POST, GET", RS_CREATE },
	{ "GET", "/v1/vpn-gateways/vpn-1", "DescribeVpnGateway", "vpn-1", 1, "GET, PATCH, DELETE", RS_PLAIN },
	{ "DELETE", "/v1/customer-gateways/cgw-1", "DeleteCustomerGateway", "cgw-1", 1, "GET, PATCH, DELETE",
	  RS_PLAIN },
	{ "GET", "/v1/vpn-connections", "DescribeVpnConnections", "", 1, "POST, GET", RS_LIST },
	{ "POST", "/v1/vpn-attachments", "CreateVpnAttachment", "", 1, "POST, GET", RS_CREATE },
	{ "GET", "/v1/vpn-attachments", "DescribeVpnAttachments", "", 1, "POST, GET", RS_PLAIN },
	{ "PUT", "/v1/vpn-attachments", NULL, "", 1, "POST, GET", RS_PLAIN },
	{ "GET", "/v1/vpn-gateway-zones", "DescribeVpnGatewayAvailableZones", "", 1, "GET", RS_PLAIN },
	{ "GET", "/v1/vpn-gateways/vpn-1/route-entries", "DescribeVpnRouteEntries", "vpn-1", 1,
	  "GET, POST, DELETE", RS_LIST },
	{ "DELETE", "/v1/vpn-gateways/vpn-1/route-entries/", "DeleteVpnRouteEntry", "vpn-1", 1,
	  "GET, POST, DELETE", RS_PLAIN },
	{ "PATCH", "/v1/vpn-gateways/vpn-1/route-entries", NULL, "", 1, "GET, POST, DELETE", RS_PLAIN },
	{ "PATCH", "/v1/vpn-gateways/vpn-1/route-entries/weight", "ModifyVpnRouteEntryWeight", "vpn-1", 1,
	  "PATCH", RS_PLAIN },
	{ "POST", "/v1/vpn-gateways/vpn-1/route-entries/publish", "PublishVpnRouteEntry", "vpn-1", 1, "POST",
	  RS_PLAIN },
	{ "POST", "/v1/vpn-gateways/vpn-1/pbr-route-entries/publish", "PublishVpnRouteEntry", "vpn-1", 1,
	  "POST", RS_PLAIN },
	{ "PATCH", "/v1/vpn-gateways/vpn-1/pbr-route-entries/priority", "ModifyVpnPbrRouteEntryPriority",
	  "vpn-1", 1, "PATCH", RS_PLAIN },
	{ "GET", "/v1/vpn-gateways/vpn-1/pbr-route-entries/priority", NULL, "", 1, "PATCH", RS_PLAIN },
	{ "GET", "/v1/vpn-gateways/route-entries", "DescribeVpnGateway", "route-entries", 1,
	  "GET, PATCH, DELETE", RS_PLAIN },	/* any segment is an {id} */
	{ "GET", "/v1/vpn-gateways//route-entries", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpn-gateways/vpn-1/route-entries/x", NULL, "", 0, "", RS_PLAIN },
	{ "GET", "/v1/vpn-gateways/vpn-1/weight", NULL, "", 0, "", RS_PLAIN },
};

START_TEST(test_match)
{
	char id[128] = "", allow[128] = "junk";
	int known = -1;
	const struct rest_route *r = rest_match(match_tests[_i].method, match_tests[_i].path, id,
						sizeof(id), &known, allow, sizeof(allow));

	ck_assert_int_eq(known, match_tests[_i].path_known);
	ck_assert_str_eq(allow, match_tests[_i].allow);
	if (match_tests[_i].action == NULL) {
		ck_assert_msg(r == NULL, "%s %s matched %s", match_tests[_i].method, match_tests[_i].path,
			      r ? action_of_route(r)->name : "");
		return;
	}
	ck_assert_msg(r != NULL, "%s %s: no route", match_tests[_i].method, match_tests[_i].path);
	ck_assert_str_eq(action_of_route(r)->name, match_tests[_i].action);
	ck_assert_str_eq(r->method, match_tests[_i].method);
	ck_assert_int_eq(r->shape, match_tests[_i].shape);
	if (r->id_param)
		ck_assert_str_eq(id, match_tests[_i].id);
}
END_TEST

/*
 * A route without {id} leaves nothing stale in id.  rest_match() copies its local
 * scratch buffer into id for every match, also when the pattern had no {id} and the
 * buffer was never written: the copy reads uninitialized stack memory (and may read
 * past the 128-byte buffer).  Dirty the stack first so the garbage is visible.
 */
static __attribute__((noinline)) void dirty_stack(void)
{
	volatile char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 'Z';
}

static __attribute__((noinline)) const struct rest_route *match_after_dirty(const char *method,
									    const char *path, char *id,
									    size_t size)
{
	char allow[128];
	int known;

	return rest_match(method, path, id, size, &known, allow, sizeof(allow));
}

static const char *const no_id_paths[][2] = {
	{ "POST", "/v1/vpcs" },
	{ "GET", "/v1/vswitches" },
	{ "GET", "/v1/regions" },
	{ "GET", "/v1/zones" },
};

START_TEST(test_match_no_id_leaves_id_empty)
{
	char id[128] = "";
	const struct rest_route *r;

	dirty_stack();
	r = match_after_dirty(no_id_paths[_i][0], no_id_paths[_i][1], id, sizeof(id));
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(r->id_param);
	ck_assert_msg(id[0] == '\0', "%s %s: id = \"%.16s...\" (%zu bytes of stack garbage)",
		      no_id_paths[_i][0], no_id_paths[_i][1], id, strlen(id));
}
END_TEST

START_TEST(test_match_long_id)
{
	char path[300], id[128], allow[64];
	int known;

	/* 127 ID characters fit the capture, 128 do not */
	strcpy(path, "/v1/vpcs/");
	memset(path + 9, 'a', 127);
	path[9 + 127] = '\0';
	ck_assert_ptr_nonnull(rest_match("GET", path, id, sizeof(id), &known, allow, sizeof(allow)));
	ck_assert_uint_eq(strlen(id), 127);
	strcat(path, "a");
	ck_assert_ptr_null(rest_match("GET", path, id, sizeof(id), &known, allow, sizeof(allow)));
	ck_assert_int_eq(known, 0);
}
END_TEST

START_TEST(test_match_small_buffers)
{
	char id[8], allow[6];
	int known;

	/* Allow is cut to the buffer, never overrun */
	ck_assert_ptr_null(rest_match("PUT", "/v1/vpcs/vpc-1", id, sizeof(id), &known, allow, sizeof(allow)));
	ck_assert_int_eq(known, 1);
	ck_assert_str_eq(allow, "GET, ");
	/* no Allow buffer at all */
	ck_assert_ptr_null(rest_match("PUT", "/v1/vpcs", id, sizeof(id), &known, NULL, 0));
	ck_assert_int_eq(known, 1);
}
END_TEST

/* The i-th REST route of the action table, or NULL past the last. */
static const struct rest_route *route_nth(int i)
{
	const struct action *a;

	for (size_t k = 0; (a = action_nth(k)) != NULL; k++)
		for (int j = 0; j < ACTION_REST_ROUTES && a->rest[j].method; j++)
			if (i-- == 0)
				return &a->rest[j];
	return NULL;
}

/* Every route belongs to an action of the table, and its {id} parameter is declared there. */
START_TEST(test_routes_resolve)
{
	const struct rest_route *r = route_nth(_i);
	const struct action *a = r ? action_of_route(r) : NULL;
	bool has_id = strstr(r->pattern, "{id}") != NULL, declared = false;

	ck_assert_msg(r != NULL && a != NULL, "route %d: no action", _i);
	ck_assert_ptr_eq(action_find(a->version, a->name), a);
	ck_assert(has_id == (r->id_param != NULL));
	for (const struct param_spec *p = a->params; r->id_param && p && p->name; p++)
		declared |= strcmp(p->name, r->id_param) == 0;
	ck_assert(declared || r->id_param == NULL);
	if (r->shape == RS_LIST || r->shape == RS_ITEM)
		ck_assert(r->list_outer && r->list_inner);
	if (r->shape == RS_ITEM)
		ck_assert_int_ne(vl_code_http_status(r->not_found), 200);
	/* fixed parameters: Name=value pairs joined by '&', each declared with that value allowed */
	for (const char *p = r->fixed; p && *p;) {
		size_t pair = strcspn(p, "&"), n = strcspn(p, "=");
		const struct param_spec *spec = NULL;
		bool allowed;

		ck_assert_msg(n > 0 && n < pair && n < 64 && pair - n - 1 < 64, "%s %s: fixed pair %.*s", r->method,
			      r->pattern, (int)pair, p);
		for (const struct param_spec *q = a->params; q && q->name; q++)
			if (strlen(q->name) == n && strncmp(q->name, p, n) == 0)
				spec = q;
		ck_assert_msg(spec != NULL, "%s %s: fixed %.*s is not a parameter of %s", r->method, r->pattern,
			      (int)n, p, a->name);
		allowed = spec->allowed == NULL;
		for (const char *const *v = spec->allowed; v && *v; v++)
			allowed |= strlen(*v) == pair - n - 1 && strncmp(*v, p + n + 1, pair - n - 1) == 0;
		ck_assert_msg(allowed, "%s %s: fixed %.*s", r->method, r->pattern, (int)pair, p);
		p += pair;
		if (*p == '&')
			p++;
	}
}
END_TEST

/* rest_route_params: {id} and the fixed parameters override what the query or body said. */
START_TEST(test_route_params)
{
	static const struct rest_route fixed = {
		"POST", "/v1/x/{id}/y", RS_PLAIN, "VpnGatewayId", NULL, NULL, VL_OK, "RouteType=pbr&PublishVpc=true",
	};
	static const struct rest_route odd = {
		"POST", "/v1/x", RS_PLAIN, NULL, NULL, NULL, VL_OK,
		"novalue&=x&&A=1&B=&"
		"LongValue=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	};
	struct kvlist params;

	kvlist_init(&params);
	ck_assert_int_eq(kvlist_add_str(&params, "VpnGatewayId", "vpn-from-body"), 0);
	ck_assert_int_eq(kvlist_add_str(&params, "RouteType", "dbr"), 0);
	ck_assert_int_eq(kvlist_add_str(&params, "RouteDest", "10.0.0.0/16"), 0);
	ck_assert_int_eq(rest_route_params(&fixed, "vpn-from-path", &params), 0);
	ck_assert_str_eq(kvlist_get(&params, "VpnGatewayId"), "vpn-from-path");
	ck_assert_str_eq(kvlist_get(&params, "RouteType"), "pbr");
	ck_assert_str_eq(kvlist_get(&params, "PublishVpc"), "true");
	ck_assert_str_eq(kvlist_get(&params, "RouteDest"), "10.0.0.0/16");
	ck_assert_uint_eq(params.len, 4);
	kvlist_free(&params);

	/* malformed or oversized pairs are skipped, the others applied; no {id}: nothing set */
	kvlist_init(&params);
	ck_assert_int_eq(rest_route_params(&odd, "ignored", &params), 0);
	ck_assert_str_eq(kvlist_get(&params, "A"), "1");
	ck_assert_str_eq(kvlist_get(&params, "B"), "");
	ck_assert_ptr_null(kvlist_get(&params, "novalue"));
	ck_assert_ptr_null(kvlist_get(&params, "LongValue"));
	ck_assert_ptr_null(kvlist_get(&params, "VpnGatewayId"));
	ck_assert_uint_eq(params.len, 2);
	kvlist_free(&params);
}
END_TEST

static int route_count(void)
{
	int n = 0;

	while (route_nth(n))
		n++;
	return n;
}

/* ---- rest_body_to_params ---- */

static const struct {
	const char *body;
	const char *params;	/* rendered; NULL: refused */
	const char *message;	/* refusal message prefix */
} body_tests[] = {
	{ "", "", NULL },
	{ "{}", "", NULL },
	{ "{\"VpcName\":\"web\",\"CidrBlock\":\"10.0.0.0/8\"}", "VpcName=web|CidrBlock=10.0.0.0/8", NULL },
	{ "{\"Tag\":[{\"Key\":\"env\",\"Value\":\"prod\"},{\"Key\":\"team\"}]}",
	  "Tag.1.Key=env|Tag.1.Value=prod|Tag.2.Key=team", NULL },
	{ "{\"PageSize\":20,\"PageNumber\":-1}", "PageSize=20|PageNumber=-1", NULL },
	{ "{\"DryRun\":true,\"EnableIpv6\":false}", "DryRun=true|EnableIpv6=false", NULL },
	{ "{\"Ratio\":1.5}", "Ratio=1.5", NULL },
	{ "{\"Big\":9223372036854775807}", "Big=9223372036854775807", NULL },
	{ "{\"A\":{\"B\":{\"C\":\"d\"}}}", "A.B.C=d", NULL },
	{ "{\"L\":[\"a\",\"b\",[\"c\"]]}", "L.1=a|L.2=b|L.3.1=c", NULL },
	{ "{\"N\":null,\"S\":\"\"}", "S=", NULL },
	{ "{\"E\":[],\"O\":{}}", "", NULL },
	{ "{\"U\":\"\\u4e2d\"}", "U=\xe4\xb8\xad", NULL },
	{ "  {\"A\":1}  ", "A=1", NULL },
	/* refusals */
	{ "[1,2]", NULL, "The request body must be a JSON object." },
	{ "[]", NULL, "The request body must be a JSON object." },
	{ "\"text\"", NULL, "The request body is not valid JSON: " },
	{ "42", NULL, "The request body is not valid JSON: " },
	{ "null", NULL, "The request body is not valid JSON: " },
	{ "{bad", NULL, "The request body is not valid JSON: " },
	{ "{\"A\":1,}", NULL, "The request body is not valid JSON: " },
	{ "{\"A\":1}{}", NULL, "The request body is not valid JSON: " },
	/* a repeated key, at any depth (issue 10.7) */
	{ "{\"X\":\"1\",\"X\":\"2\"}", NULL, "The request body is not valid JSON: duplicate object key" },
	{ "{\"A\":{\"B\":1,\"B\":1}}", NULL, "The request body is not valid JSON: duplicate object key" },
	{ "{\"A\":\"\\u0000\"}", NULL, "The request body is not valid JSON: " },
	{ "{\"A\":\"\xff\"}", NULL, "The request body is not valid JSON: " },
	{ " ", NULL, "The request body is not valid JSON: " },
	{ "{\"A\":{\"B\":{\"C\":{\"D\":{\"E\":{\"F\":{\"G\":{\"H\":{\"I\":{\"J\":1}}}}}}}}}}", NULL,
	  "The request body is nested too deeply." },
	{ "{\"A\":[[[[[[[[[1]]]]]]]]]}", NULL, "The request body is nested too deeply." },
	{ "{\"A\":{\"B\":{\"C\":{\"D\":{\"E\":{\"F\":{\"G\":{\"H\":1}}}}}}}}", "A.B.C.D.E.F.G.H=1", NULL },
};

START_TEST(test_body)
{
	struct kvlist params;
	struct vl_err err;
	char buf[512];
	int rc;

	kvlist_init(&params);
	vl_err_clear(&err);
	rc = rest_body_to_params(body_tests[_i].body, strlen(body_tests[_i].body),
				 action_find(V_VPC, "CreateVpc"), &params, &err);
	if (body_tests[_i].params) {
		ck_assert_msg(rc == 0, "%s refused: %s", body_tests[_i].body, vl_err_message(&err));
		test_render_kvlist(&params, buf, sizeof(buf));
		ck_assert_str_eq(buf, body_tests[_i].params);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(vl_err_code(&err), "InvalidParameter");
		ck_assert_int_eq(vl_code_http_status(err.code), 400);
		ck_assert_msg(strncmp(vl_err_message(&err), body_tests[_i].message,
				      strlen(body_tests[_i].message)) == 0, "message: %s", vl_err_message(&err));
	}
	kvlist_free(&params);
}
END_TEST

START_TEST(test_body_length_bounds)
{
	static const char body[] = "{\"A\":1}garbage";
	struct kvlist params;
	struct vl_err err;

	/* only len bytes are read; no NUL terminator needed */
	kvlist_init(&params);
	ck_assert_int_eq(rest_body_to_params(body, 7, NULL, &params, &err), 0);
	ck_assert_str_eq(kvlist_get(&params, "A"), "1");
	ck_assert_int_eq(rest_body_to_params(body, sizeof(body) - 1, NULL, &params, &err), -1);
	ck_assert_int_eq(rest_body_to_params(NULL, 10, NULL, &params, &err), 0);
	kvlist_free(&params);
}
END_TEST

START_TEST(test_body_overrides_query)
{
	struct kvlist params;
	struct vl_err err;
	static const char body[] = "{\"VpcName\":\"from-body\"}";

	/* the body is appended after the query; the front door then refuses the repeated name */
	kvlist_init(&params);
	ck_assert_int_eq(kvlist_add_str(&params, "VpcName", "from-query"), 0);
	ck_assert_int_eq(kvlist_add_str(&params, "RegionId", "cn-hangzhou"), 0);
	ck_assert_int_eq(rest_body_to_params(body, strlen(body), NULL, &params, &err), 0);
	ck_assert_str_eq(kvlist_get(&params, "VpcName"), "from-body");
	ck_assert_str_eq(kvlist_get(&params, "RegionId"), "cn-hangzhou");
	ck_assert_int_eq(action_check_unique_names(&params, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "RepeatedVpcName");
	kvlist_free(&params);
}
END_TEST

/* JSON-typed parameters (IkeConfig) stay JSON text; a local action declares one. */
static int noop_handler(struct action_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const struct param_spec json_params[] = {
	{ "IkeConfig", PT_JSON, 0, NULL, 0, 0, NULL, NULL },
	{ NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL },
};

static const struct action json_action = {
	"LocalJson", "2017-09-12", noop_handler, 0, json_params,
};

/* A body cannot expand into an unbounded number of parameters. */
static char *array_body(int values)
{
	char *body = malloc((size_t)values * 4 + 16), *p = body;

	ck_assert_ptr_nonnull(body);
	p += sprintf(p, "{\"L\":[");
	for (int i = 0; i < values; i++)
		p += sprintf(p, i ? ",%d" : "%d", i % 10);
	strcpy(p, "]}");
	return body;
}

START_TEST(test_body_value_limit)
{
	struct kvlist params;
	struct vl_err err;
	char *body = array_body(1000);

	kvlist_init(&params);
	ck_assert_int_eq(rest_body_to_params(body, strlen(body), NULL, &params, &err), 0);
	ck_assert_str_eq(kvlist_get(&params, "L.1000"), "9");
	kvlist_free(&params);
	free(body);

	body = array_body(5000);
	ck_assert_int_eq(rest_body_to_params(body, strlen(body), NULL, &params, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidParameter");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	ck_assert_str_eq(vl_err_message(&err), "The request has more than 1000 parameters.");
	kvlist_free(&params);
	free(body);
}
END_TEST

START_TEST(test_body_json_param)
{
	static const char body[] =
		"{\"IkeConfig\":{\"IkeVersion\":\"ikev2\",\"IkeLifetime\":86400},\"Other\":{\"K\":\"v\"}}";
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	json_t *doc;

	kvlist_init(&params);
	ck_assert_int_eq(rest_body_to_params(body, strlen(body), &json_action, &params, &err), 0);
	ck_assert_str_eq(kvlist_get(&params, "Other.K"), "v");	/* not declared JSON: flattened */
	ck_assert_ptr_null(kvlist_get(&params, "IkeConfig.IkeVersion"));
	doc = json_loads(kvlist_get(&params, "IkeConfig"), 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "IkeVersion")), "ikev2");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "IkeLifetime")), 86400);
	json_decref(doc);
	/* and it passes validation as JSON */
	memset(&ctx, 0, sizeof(ctx));
	ck_assert_int_eq(action_validate(&json_action, &params, &ctx, &err), 0);
	kvlist_free(&params);
}
END_TEST

/* Any JSON value of a JSON-typed parameter reaches the action as JSON text (for it to judge). */
START_TEST(test_body_json_param_any)
{
	static const char *const bodies[][2] = {
		{ "{\"IkeConfig\":[1,{\"a\":2}]}", "[1,{\"a\":2}]" },
		{ "{\"IkeConfig\":[]}", "[]" },
		{ "{\"IkeConfig\":{}}", "{}" },
		{ "{\"IkeConfig\":\"{\\\"IkeMode\\\":\\\"main\\\"}\"}", "{\"IkeMode\":\"main\"}" },
		{ "{\"IkeConfig\":7}", "7" },
	};
	struct kvlist params;
	struct vl_err err;

	for (size_t i = 0; i < countof(bodies); i++) {
		kvlist_init(&params);
		ck_assert_int_eq(rest_body_to_params(bodies[i][0], strlen(bodies[i][0]), &json_action, &params,
						     &err), 0);
		ck_assert_uint_eq(params.len, 1);
		ck_assert_str_eq(kvlist_get(&params, "IkeConfig"), bodies[i][1]);
		kvlist_free(&params);
	}
	/* an undeclared name is still flattened */
	kvlist_init(&params);
	ck_assert_int_eq(rest_body_to_params("{\"L\":[{\"K\":1}]}", 15, &json_action, &params, &err), 0);
	ck_assert_str_eq(kvlist_get(&params, "L.1.K"), "1");
	kvlist_free(&params);
}
END_TEST

/* ---- body → validation, end to end ---- */

static const struct {
	const char *action, *body;
	const char *code;	/* NULL: accepted */
} body_validate_tests[] = {
	{ "CreateVpc", "{\"RegionId\":\"cn-hangzhou\",\"CidrBlock\":\"10.0.0.0/8\",\"DryRun\":true}", NULL },
	{ "CreateVpc", "{\"RegionId\":\"cn-hangzhou\",\"Tag\":[{\"Key\":\"a\",\"Value\":\"b\"}]}", NULL },
	{ "CreateVpc", "{\"RegionId\":\"cn-hangzhou\",\"Tag\":[{\"Value\":\"b\"}]}", "MissingTag.1.Key" },
	{ "CreateVpc", "{\"CidrBlock\":\"10.0.0.0/8\"}", "MissingRegionId" },
	{ "CreateVpc", "{\"RegionId\":\"cn-hangzhou\",\"DryRun\":1}", "InvalidDryRun" },
	{ "DescribeVpcs", "{\"RegionId\":\"cn-hangzhou\",\"PageSize\":50}", NULL },
	{ "DescribeVpcs", "{\"RegionId\":\"cn-hangzhou\",\"PageSize\":51}", "InvalidPageSize" },
	{ "DescribeVpcs", "{\"RegionId\":\"cn-hangzhou\",\"PageSize\":1.5}", "InvalidPageSize" },
	{ "DescribeVpcs", "{\"RegionId\":\"cn-hangzhou\",\"IsDefault\":false}", NULL },
	{ "CreateVSwitch", "{\"RegionId\":\"cn-hangzhou\",\"VpcId\":\"vpc-1\",\"ZoneId\":\"cn-hangzhou-h\"}",
	  "MissingCidrBlock" },
};

START_TEST(test_body_validate)
{
	const struct action *a = action_find(V_VPC, body_validate_tests[_i].action);
	const char *body = body_validate_tests[_i].body;
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	int rc;

	ck_assert_ptr_nonnull(a);
	memset(&ctx, 0, sizeof(ctx));
	kvlist_init(&params);
	ck_assert_int_eq(rest_body_to_params(body, strlen(body), a, &params, &err), 0);
	rc = action_validate(a, &params, &ctx, &err);
	if (body_validate_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s refused: %s", body, vl_err_code(&err));
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(vl_err_code(&err), body_validate_tests[_i].code);
		ck_assert_int_eq(vl_code_http_status(err.code), 400);
	}
	kvlist_free(&params);
}
END_TEST

Suite *rest_suite_create(void)
{
	const struct test_entry match[] = {
		{ test_match, countof(match_tests) },
		{ test_match_no_id_leaves_id_empty, countof(no_id_paths) }, { test_match_long_id },
		{ test_match_small_buffers }, { test_routes_resolve, route_count() }, { test_route_params },
	};
	const struct test_entry body[] = {
		{ test_body, countof(body_tests) }, { test_body_length_bounds },
		{ test_body_overrides_query }, { test_body_value_limit }, { test_body_json_param },
		{ test_body_json_param_any }, { test_body_validate, countof(body_validate_tests) },
	};
	const struct test_case cases[] = {
		TEST_CASE(match), TEST_CASE(body),
	};

	return test_suite_of_cases("rest", NULL, NULL, cases, countof(cases));
}
