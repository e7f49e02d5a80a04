/*
 * Generic parameter validation (server/action.c) against the real action table:
 * Missing{Name} / Invalid{Name} codes and messages, defaults, boolean normalization,
 * Tag.N collection, JSON-typed parameters, paging and the accessors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "errors.h"
#include "kv.h"
#include "test.h"

#define RG "RegionId=cn-hangzhou"

/* Parses form text into a fresh list; the text must be well formed. */
static void params_from(struct kvlist *list, const char *text)
{
	kvlist_init(list);
	ck_assert_int_eq(kvlist_parse_urlencoded(list, text, strlen(text)), 0);
}

static const struct action *find(const char *name)
{
	const struct action *a = action_find(V_VPC, name);

	ck_assert_msg(a != NULL, "action %s not in the table", name);
	return a;
}

/* ---- table lookups ---- */

START_TEST(test_action_find)
{
	ck_assert_ptr_nonnull(action_find(V_VPC, "CreateVpc"));
	ck_assert_str_eq(action_find(V_VPC, "CreateVpc")->name, "CreateVpc");
	ck_assert_ptr_nonnull(action_find(NULL, "DescribeVSwitches"));	/* any version */
	ck_assert_ptr_null(action_find("2017-09-12", "CreateVpc"));
	ck_assert_ptr_null(action_find(V_VPC, "createvpc"));		/* case-sensitive */
	ck_assert_ptr_null(action_find(V_VPC, "NoSuchAction"));
	ck_assert_ptr_null(action_find(V_VPC, NULL));
	ck_assert(api_version_known("2016-04-28"));
	ck_assert(api_version_known("2017-09-12"));
	ck_assert(!api_version_known("2014-05-26"));
	ck_assert(!api_version_known(""));
	ck_assert(!api_version_known(NULL));
}
END_TEST

/* Every row is well formed: a known version, a handler, named parameters, no duplicates. */
START_TEST(test_action_table_rows)
{
	const struct action *a = action_nth(_i);

	ck_assert_ptr_nonnull(a->name);
	ck_assert(api_version_known(a->version));
	ck_assert_ptr_nonnull(a->handler);
	ck_assert_ptr_eq(action_find(a->version, a->name), a);
	/* the engine runs a slow phase only after a read transaction */
	ck_assert_msg(!((a->flags & AF_SLOW) && (a->flags & AF_MUTATES)), "%s: AF_SLOW and AF_MUTATES", a->name);
	for (const struct param_spec *p = a->params; p && p->name; p++) {
		ck_assert(p->min <= p->max || p->max == 0);
		for (const struct param_spec *q = a->params; q != p; q++)
			ck_assert_msg(strcmp(p->name, q->name) != 0, "%s: %s twice", a->name, p->name);
		if (p->default_value && p->type == PT_BOOLEAN)
			ck_assert(strcmp(p->default_value, "true") == 0 ||
				  strcmp(p->default_value, "false") == 0);
	}
}
END_TEST

/* ---- validation outcomes ---- */

static const struct {
	const char *action;
	const char *query;
	const char *code;	/* NULL: accepted */
	const char *message;	/* NULL: not checked */
	int http;
} validate_tests[] = {
	/* RegionId on regional actions */
	{ "CreateVpc", "", "MissingRegionId", "RegionId is mandatory for this action.", 400 },
	{ "CreateVpc", "RegionId=", "MissingRegionId", "RegionId is mandatory for this action.", 400 },
	{ "CreateVpc", RG, NULL, NULL, 0 },
	{ "DescribeZones", "", "MissingRegionId", NULL, 400 },
	{ "DescribeRegions", "", NULL, NULL, 0 },	/* not regional */
	/* required business parameters, in declaration order, after RegionId */
	{ "ModifyVpcAttribute", "VpcId=vpc-1", "MissingRegionId", NULL, 400 },
	{ "ModifyVpcAttribute", RG, "MissingVpcId", "VpcId is mandatory for this action.", 400 },
	{ "ModifyVpcAttribute", RG "&VpcId=", "MissingVpcId", "VpcId is mandatory for this action.", 400 },
	{ "ModifyVpcAttribute", RG "&VpcId=vpc-1", NULL, NULL, 0 },
	{ "DeleteVpc", RG, "MissingVpcId", "VpcId is mandatory for this action.", 400 },
	{ "DeleteVpc", RG "&VpcId=vpc-1", NULL, NULL, 0 },
	{ "CreateVSwitch", RG, "MissingVpcId", NULL, 400 },
	{ "CreateVSwitch", RG "&VpcId=vpc-1", "MissingZoneId", "ZoneId is mandatory for this action.", 400 },
	{ "CreateVSwitch", RG "&VpcId=vpc-1&ZoneId=cn-hangzhou-h", "MissingCidrBlock",
	  "CidrBlock is mandatory for this action.", 400 },
	{ "CreateVSwitch", RG "&VpcId=vpc-1&ZoneId=cn-hangzhou-h&CidrBlock=10.0.0.0/24", NULL, NULL, 0 },
	{ "ModifyVSwitchAttribute", RG, "MissingVSwitchId", "VSwitchId is mandatory for this action.", 400 },
	{ "DeleteVSwitch", RG, "MissingVSwitchId", "VSwitchId is mandatory for this action.", 400 },
	{ "DeleteVSwitch", RG "&VSwitchId=vsw-1", NULL, NULL, 0 },
	/* paging: integers 1..50 for PageSize, >= 1 for PageNumber */
	{ "DescribeVpcs", RG "&PageSize=50", NULL, NULL, 0 },
	{ "DescribeVpcs", RG "&PageSize=1", NULL, NULL, 0 },
	{ "DescribeVpcs", RG "&PageSize=51", "InvalidPageSize", "Specified parameter PageSize is not valid.", 400 },
	{ "DescribeVpcs", RG "&PageSize=0", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=-1", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=abc", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=1.5", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=1e1", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=0x10", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=%2B5", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=+5", "InvalidPageSize", NULL, 400 },	/* ' 5' */
	{ "DescribeVpcs", RG "&PageSize=5+", "InvalidPageSize", NULL, 400 },	/* '5 ' */
	{ "DescribeVpcs", RG "&PageSize=", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=99999999999999999999", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageNumber=0", "InvalidPageNumber",
	  "Specified parameter PageNumber is not valid.", 400 },
	{ "DescribeVpcs", RG "&PageNumber=1000000000", NULL, NULL, 0 },
	{ "DescribeVpcs", RG "&PageNumber=1000000001", "InvalidPageNumber", NULL, 400 },
	{ "DescribeVSwitches", RG "&PageSize=51", "InvalidPageSize", NULL, 400 },
	{ "DescribeVSwitches", RG "&PageNumber=x", "InvalidPageNumber", NULL, 400 },
	/* lookups take the last copy; the front doors refuse repeats first (test_repeated_names) */
	{ "DescribeVpcs", RG "&PageSize=10&PageSize=51", "InvalidPageSize", NULL, 400 },
	{ "DescribeVpcs", RG "&PageSize=51&PageSize=10", NULL, NULL, 0 },
	/* booleans: true/false in any case, nothing else */
	{ "CreateVpc", RG "&DryRun=true", NULL, NULL, 0 },
	{ "CreateVpc", RG "&DryRun=FALSE", NULL, NULL, 0 },
	{ "CreateVpc", RG "&DryRun=yes", "InvalidDryRun", "Specified parameter DryRun is not valid.", 400 },
	{ "CreateVpc", RG "&DryRun=1", "InvalidDryRun", NULL, 400 },
	{ "CreateVpc", RG "&DryRun=", "InvalidDryRun", NULL, 400 },
	{ "CreateVpc", RG "&DryRun=true+", "InvalidDryRun", NULL, 400 },
	{ "CreateVpc", RG "&EnableIpv6=maybe", "InvalidEnableIpv6", NULL, 400 },
	{ "DeleteVpc", RG "&VpcId=v&ForceDelete=0", "InvalidForceDelete", NULL, 400 },
	{ "DescribeVpcs", RG "&IsDefault=True", NULL, NULL, 0 },
	{ "DescribeVpcs", RG "&IsDefault=no", "InvalidIsDefault", NULL, 400 },
	/* string length bounds (ClientToken 1..64) */
	{ "CreateVpc", RG "&ClientToken=a", NULL, NULL, 0 },
	{ "CreateVpc", RG "&ClientToken=0123456789012345678901234567890123456789012345678901234567890123",
	  NULL, NULL, 0 },
	{ "CreateVpc", RG "&ClientToken=01234567890123456789012345678901234567890123456789012345678901234",
	  "InvalidClientToken", "Specified parameter ClientToken is not valid.", 400 },
	{ "CreateVpc", RG "&ClientToken=", "InvalidClientToken", NULL, 400 },
	/* allowed value lists */
	{ "DescribeRegions", "AcceptLanguage=en-US", NULL, NULL, 0 },
	{ "DescribeRegions", "AcceptLanguage=zh-cn", NULL, NULL, 0 },
	{ "DescribeRegions", "AcceptLanguage=fr-FR", "InvalidAcceptLanguage",
	  "Specified parameter AcceptLanguage is not valid.", 400 },
	{ "DescribeZones", RG "&AcceptLanguage=EN-US", "InvalidAcceptLanguage", NULL, 400 },
	/* Tag.N */
	{ "CreateVpc", RG "&Tag.1.Key=k&Tag.1.Value=v", NULL, NULL, 0 },
	{ "CreateVpc", RG "&Tag.20.Key=k", NULL, NULL, 0 },
	{ "CreateVpc", RG "&Tag.1.Key=k", NULL, NULL, 0 },		/* value optional */
	{ "CreateVpc", RG "&Tag.21.Key=k", "InvalidParameter.TagCount", "The number of Tag exceeds 20.", 400 },
	{ "CreateVpc", RG "&Tag.21.Value=v", "InvalidParameter.TagCount", NULL, 400 },
	{ "CreateVpc", RG "&Tag.99999999999999999999.Key=k", "InvalidParameter.TagCount", NULL, 400 },
	{ "CreateVpc", RG "&Tag.1.Value=v", "MissingTag.1.Key", "Tag.1.Key is mandatory for this action.", 400 },
	{ "CreateVpc", RG "&Tag.1.Key=a&Tag.3.Value=v", "MissingTag.3.Key", NULL, 400 },
	{ "CreateVpc", RG "&Tag.1.Key=&Tag.1.Value=v", "MissingTag.1.Key", NULL, 400 },
	{ "CreateVpc", RG "&Tag.0.Key=k", "InvalidTag.0.Key", "Specified parameter Tag.0.Key is not valid.", 400 },
	{ "CreateVpc", RG "&Tag.01.Key=k", "InvalidTag.01.Key", NULL, 400 },
	{ "CreateVpc", RG "&Tag.x.Key=k", "InvalidTag.x.Key", NULL, 400 },
	{ "CreateVpc", RG "&Tag.1.Name=k", "InvalidTag.1.Name", NULL, 400 },
	{ "CreateVpc", RG "&Tag.1=k", "InvalidTag.1", NULL, 400 },
	{ "CreateVpc", RG "&Tag.=k", "InvalidTag.", NULL, 400 },
	{ "CreateVpc", RG "&Tag=k", NULL, NULL, 0 },			/* not Tag.N: ignored */
	{ "CreateVpc", RG "&Tags.1.Key=k", NULL, NULL, 0 },		/* another name */
	{ "DescribeVSwitches", RG "&Tag.1.Value=v", "MissingTag.1.Key", NULL, 400 },
	{ "DeleteVpc", RG "&VpcId=v&Tag.1.Value=v", NULL, NULL, 0 },	/* no Tag parameter */
	/* undeclared parameters are ignored, as the cloud ignores them */
	{ "CreateVpc", RG "&Foo=bar&OwnerId=1", NULL, NULL, 0 },
	{ "DescribeRegions", "PageSize=500", NULL, NULL, 0 },		/* not paged */
};

START_TEST(test_validate)
{
	const struct action *a = find(validate_tests[_i].action);
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	vl_err_clear(&err);
	params_from(&params, validate_tests[_i].query);
	rc = action_validate(a, &params, &ctx, &err);
	if (validate_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s?%s refused: %s %s", validate_tests[_i].action,
			      validate_tests[_i].query, vl_err_code(&err), vl_err_message(&err));
		ck_assert_ptr_eq(ctx.action, a);
		ck_assert_ptr_eq(ctx.params, &params);
	} else {
		ck_assert_msg(rc == -1, "%s?%s accepted", validate_tests[_i].action,
			      validate_tests[_i].query);
		ck_assert_str_eq(vl_err_code(&err), validate_tests[_i].code);
		ck_assert_int_eq(vl_code_http_status(err.code), validate_tests[_i].http);
		if (validate_tests[_i].message)
			ck_assert_str_eq(vl_err_message(&err), validate_tests[_i].message);
	}
	kvlist_free(&params);
}
END_TEST

/* ---- defaults ---- */

static const struct {
	const char *action, *query;
	const char *name, *value;	/* after validation */
} default_tests[] = {
	{ "CreateVpc", RG, "DryRun", "false" },
	{ "CreateVpc", RG, "EnableIpv6", "false" },
	{ "CreateVpc", RG "&DryRun=true", "DryRun", "true" },	/* given: kept */
	{ "DeleteVpc", RG "&VpcId=v", "ForceDelete", "false" },
	{ "DescribeVpcs", RG, "PageNumber", "1" },
	{ "DescribeVpcs", RG, "PageSize", "10" },
	{ "DescribeVpcs", RG "&PageSize=25", "PageSize", "25" },
	{ "DescribeVSwitches", RG, "PageSize", "10" },
	{ "DescribeRegions", "", "ProductType", "VPC" },
	{ "DescribeRegions", "ProductType=CEN", "ProductType", "CEN" },
	{ "DescribeZones", RG, "ZoneType", "AvailabilityZone" },
	/* no default: stays absent */
	{ "DescribeVpcs", RG, "IsDefault", NULL },
	{ "CreateVpc", RG, "CidrBlock", NULL },
	{ "DescribeRegions", "", "AcceptLanguage", NULL },
	{ "DescribeRegions", "", "PageSize", NULL },
};

START_TEST(test_defaults)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	memset(&ctx, 0, sizeof(ctx));
	params_from(&params, default_tests[_i].query);
	ck_assert_int_eq(action_validate(find(default_tests[_i].action), &params, &ctx, &err), 0);
	if (default_tests[_i].value == NULL) {
		ck_assert_ptr_null(param_str(&ctx, default_tests[_i].name));
	} else {
		ck_assert_str_eq(param_str(&ctx, default_tests[_i].name), default_tests[_i].value);
		ck_assert_str_eq(kvlist_get(&params, default_tests[_i].name), default_tests[_i].value);
	}
	kvlist_free(&params);
}
END_TEST

static const struct {
	const char *query;
	int64_t page_number, page_size;
} paging_tests[] = {
	{ RG, 1, 10 },
	{ RG "&PageNumber=3&PageSize=50", 3, 50 },
	{ RG "&PageNumber=007", 7, 10 },
	{ RG "&PageSize=1", 1, 1 },
};

START_TEST(test_paging)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	memset(&ctx, 0, sizeof(ctx));
	params_from(&params, paging_tests[_i].query);
	ck_assert_int_eq(action_validate(find("DescribeVpcs"), &params, &ctx, &err), 0);
	ck_assert_int_eq(ctx.page_number, paging_tests[_i].page_number);
	ck_assert_int_eq(ctx.page_size, paging_tests[_i].page_size);
	kvlist_free(&params);
}
END_TEST

/* ---- boolean normalization ---- */

static const struct {
	const char *given, *stored;
} bool_tests[] = {
	{ "true", "true" }, { "TRUE", "true" }, { "True", "true" }, { "tRuE", "true" },
	{ "false", "false" }, { "FALSE", "false" }, { "False", "false" },
};

START_TEST(test_boolean_normalized)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	char query[64];
	bool expect = strcmp(bool_tests[_i].stored, "true") == 0;

	memset(&ctx, 0, sizeof(ctx));
	snprintf(query, sizeof(query), RG "&DryRun=%s&IsDefault=%s", bool_tests[_i].given,
		 bool_tests[_i].given);
	params_from(&params, query);
	ck_assert_int_eq(action_validate(find("DescribeVpcs"), &params, &ctx, &err), 0);
	ck_assert_str_eq(param_str(&ctx, "DryRun"), bool_tests[_i].stored);
	ck_assert_str_eq(param_str(&ctx, "IsDefault"), bool_tests[_i].stored);
	ck_assert(param_bool(&ctx, "DryRun", !expect) == expect);
	ck_assert_int_eq(param_tristate(&ctx, "IsDefault"), expect ? 1 : 0);
	kvlist_free(&params);
}
END_TEST

START_TEST(test_accessors)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	memset(&ctx, 0, sizeof(ctx));
	params_from(&params, RG "&VpcName=web&PageSize=20");
	ck_assert_int_eq(action_validate(find("DescribeVpcs"), &params, &ctx, &err), 0);
	ck_assert_str_eq(param_str(&ctx, "VpcName"), "web");
	ck_assert_ptr_null(param_str(&ctx, "VpcId"));
	ck_assert_int_eq(param_int(&ctx, "PageSize", -1), 20);
	ck_assert_int_eq(param_int(&ctx, "VpcName", -1), -1);	/* not a number */
	ck_assert_int_eq(param_int(&ctx, "Absent", 42), 42);
	ck_assert(param_bool(&ctx, "Absent", true));
	ck_assert(!param_bool(&ctx, "Absent", false));
	ck_assert(!param_bool(&ctx, "DryRun", true));		/* default "false" applied */
	ck_assert_int_eq(param_tristate(&ctx, "IsDefault"), -1);
	kvlist_free(&params);
}
END_TEST

/* ---- Tag.N collection ---- */

START_TEST(test_tags_collected_in_order)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	memset(&ctx, 0, sizeof(ctx));
	params_from(&params, RG "&Tag.20.Key=last&Tag.2.Value=two&Tag.2.Key=b&Tag.1.Key=a"
				"&Tag.5.Key=e&Tag.5.Value=");
	ck_assert_int_eq(action_validate(find("CreateVpc"), &params, &ctx, &err), 0);
	ck_assert_int_eq(ctx.tags.count, 4);
	/* N order, not request order; gaps closed */
	ck_assert_str_eq(ctx.tags.keys[0], "a");
	ck_assert_ptr_null(ctx.tags.values[0]);
	ck_assert_str_eq(ctx.tags.keys[1], "b");
	ck_assert_str_eq(ctx.tags.values[1], "two");
	ck_assert_str_eq(ctx.tags.keys[2], "e");
	ck_assert_str_eq(ctx.tags.values[2], "");
	ck_assert_str_eq(ctx.tags.keys[3], "last");
	kvlist_free(&params);
}
END_TEST

START_TEST(test_tags_twenty)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	char query[2048] = RG;

	memset(&ctx, 0, sizeof(ctx));
	for (int n = 1; n <= 20; n++) {
		size_t len = strlen(query);

		snprintf(query + len, sizeof(query) - len, "&Tag.%d.Key=k%d&Tag.%d.Value=v%d", n, n, n, n);
	}
	params_from(&params, query);
	ck_assert_int_eq(action_validate(find("CreateVpc"), &params, &ctx, &err), 0);
	ck_assert_int_eq(ctx.tags.count, 20);
	ck_assert_str_eq(ctx.tags.keys[19], "k20");
	ck_assert_str_eq(ctx.tags.values[19], "v20");
	kvlist_free(&params);

	/* one more is refused */
	memset(&ctx, 0, sizeof(ctx));
	strncat(query, "&Tag.21.Key=k21", sizeof(query) - strlen(query) - 1);
	params_from(&params, query);
	ck_assert_int_eq(action_validate(find("CreateVpc"), &params, &ctx, &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "InvalidParameter.TagCount");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	kvlist_free(&params);
}
END_TEST

/* Issue 10.7: a name may occur once; the front doors check it before anything reads one. */
static const struct {
	const char *text;
	const char *code;	/* NULL: accepted */
} repeated_tests[] = {
	{ RG "&Tag.1.Key=first&Tag.1.Key=second", "RepeatedTag.1.Key" },
	{ "RouteFilter.1.Value.1=a&RouteFilter.1.Key=k&RouteFilter.1.Value.1=b",
	  "RepeatedRouteFilter.1.Value.1" },
	{ "A=1&B=2&C=3&B=2", "RepeatedB" },	/* the same value twice is still twice */
	{ "A=&A=", "RepeatedA" },
	{ "A=1&a=1&A.1=1&A1=1", NULL },	/* names are case-sensitive and exact */
	{ RG "&Tag.1.Key=k&Tag.2.Key=k", NULL },
	{ "", NULL },
	{ "A=1", NULL },
};

START_TEST(test_repeated_names)
{
	struct kvlist params;
	struct vl_err err;
	int rc;

	params_from(&params, repeated_tests[_i].text);
	vl_err_clear(&err);
	rc = action_check_unique_names(&params, &err);
	if (repeated_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s: %s", repeated_tests[_i].text, vl_err_code(&err));
	} else {
		char message[128];

		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(vl_err_code(&err), repeated_tests[_i].code);
		ck_assert_int_eq(vl_code_http_status(err.code), 400);
		snprintf(message, sizeof(message), "The specified %s is repeated.",
			 repeated_tests[_i].code + strlen("Repeated"));
		ck_assert_str_eq(vl_err_message(&err), message);
	}
	kvlist_free(&params);
}
END_TEST

/* ---- parameter types the table does not use yet: a local action ---- */

static int noop_handler(struct action_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static const char *const modes[] = { "main", "aggressive", NULL };

static const struct param_spec local_params[] = {
	{ "IkeConfig", PT_JSON, 0, NULL, 0, 0, NULL, NULL },
	{ "Name", PT_STRING, 0, NULL, 2, 4, NULL, NULL },
	{ "Mtu", PT_INTEGER, 0, "1500", 576, 9000, NULL, NULL },
	{ "Port", PT_INTEGER, 0, NULL, 0, 0, NULL, NULL },	/* any int64 */
	{ "Mode", PT_STRING, 0, "main", 0, 0, modes, NULL },
	{ NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL },
};

static const struct action local_action = {
	"LocalTest", "2017-09-12", noop_handler, 0, local_params,
};

static const struct {
	const char *query;
	const char *code;	/* NULL: accepted */
} local_tests[] = {
	{ "", NULL },
	{ "IkeConfig=%7B%22IkeVersion%22%3A%22ikev2%22%7D", NULL },	/* {"IkeVersion":"ikev2"} */
	{ "IkeConfig=%5B1%2C2%5D", NULL },				/* [1,2] */
	{ "IkeConfig=%22text%22", NULL },				/* "text" */
	{ "IkeConfig=42", NULL },
	{ "IkeConfig=%7Bbad", "InvalidIkeConfig" },
	{ "IkeConfig=%7B%22a%22%3A%7D", "InvalidIkeConfig" },
	{ "IkeConfig=ikev2", "InvalidIkeConfig" },
	{ "IkeConfig=", "InvalidIkeConfig" },
	{ "IkeConfig=%7B%7D%7B%7D", "InvalidIkeConfig" },		/* trailing garbage */
	{ "Name=ab", NULL },
	{ "Name=abcd", NULL },
	{ "Name=%E4%B8%AD%E6%96%87", NULL },		/* two characters, six bytes */
	{ "Name=a", "InvalidName" },
	{ "Name=abcde", "InvalidName" },
	{ "Name=%E4%B8%AD%E6%96%87%E4%B8%AD%E6%96%87%E4%B8%AD", "InvalidName" },
	{ "Mtu=576", NULL },
	{ "Mtu=9000", NULL },
	{ "Mtu=575", "InvalidMtu" },
	{ "Mtu=9001", "InvalidMtu" },
	{ "Port=-9223372036854775808", NULL },
	{ "Port=9223372036854775807", NULL },
	{ "Port=9223372036854775808", "InvalidPort" },
	{ "Port=-", "InvalidPort" },
	{ "Mode=aggressive", NULL },
	{ "Mode=Main", "InvalidMode" },
	{ "Mode=", "InvalidMode" },
};

START_TEST(test_local_types)
{
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	vl_err_clear(&err);
	params_from(&params, local_tests[_i].query);
	rc = action_validate(&local_action, &params, &ctx, &err);
	if (local_tests[_i].code == NULL) {
		ck_assert_msg(rc == 0, "%s refused: %s", local_tests[_i].query, vl_err_code(&err));
		ck_assert_str_eq(param_str(&ctx, "Mode") ? param_str(&ctx, "Mode") : "",
				 strstr(local_tests[_i].query, "Mode=") ? "aggressive" : "main");
		if (strstr(local_tests[_i].query, "Mtu=") == NULL)
			ck_assert_int_eq(param_int(&ctx, "Mtu", 0), 1500);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(vl_err_code(&err), local_tests[_i].code);
		ck_assert_int_eq(vl_code_http_status(err.code), 400);
	}
	kvlist_free(&params);
}
END_TEST

/* Every action: empty input ends in success or a Missing* error, never anything else. */
START_TEST(test_every_action_empty)
{
	const struct action *a = action_nth(_i);
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	memset(&ctx, 0, sizeof(ctx));
	vl_err_clear(&err);
	kvlist_init(&params);
	if (action_validate(a, &params, &ctx, &err) < 0) {
		ck_assert_msg(strncmp(vl_err_code(&err), "Missing", 7) == 0, "%s: %s", a->name,
			      vl_err_code(&err));
		ck_assert_int_eq(vl_code_http_status(err.code), 400);
	} else {
		ck_assert_int_eq(ctx.tags.count, 0);
		ck_assert_int_eq(ctx.page_number, 1);
		ck_assert_int_eq(ctx.page_size, 10);
	}
	kvlist_free(&params);
}
END_TEST

static int action_count(void)
{
	int n = 0;

	while (action_nth(n))
		n++;
	return n;
}

/* ---- action_list_walk: the one parser of Name.N / Name.N.Field ---- */

static const char *const walk_fields[] = { "Key", "Value", NULL };
static const struct list_spec walk_scalar = { 2, NULL };
static const struct list_spec walk_items = { 3, walk_fields };

/* Records "N.field=value;" for each item the walk hands over. */
static int walk_record(void *arg, int n, int field, const char *value)
{
	char *out = arg;
	size_t len = strlen(out);

	snprintf(out + len, 256 - len, "%d.%d=%s;", n, field, value);
	return 0;
}

static const struct {
	const char *query;		/* urlencoded parameters */
	const struct list_spec *spec; /* list "L" */
	int fault;
	const char *offender; /* the name reported, or NULL */
	const char *items;    /* what was handed over (up to the fault) */
} walk_tests[] = {
	{ "L.1=a&L.2=b&L=plain&LX.1=other&Other=1", &walk_scalar, LIST_OK, NULL, "1.0=a;2.0=b;" },
	{ "L.2=b&L.1=a", &walk_scalar, LIST_OK, NULL, "2.0=b;1.0=a;" },
	{ "L.0=a", &walk_scalar, LIST_BAD_NAME, "L.0", "" },
	{ "L.01=a", &walk_scalar, LIST_BAD_NAME, "L.01", "" },
	{ "L.x=a", &walk_scalar, LIST_BAD_NAME, "L.x", "" },
	{ "L.=a", &walk_scalar, LIST_BAD_NAME, "L.", "" },
	{ "L.1x=a", &walk_scalar, LIST_BAD_NAME, "L.1x", "" },
	{ "L.1.Key=a", &walk_scalar, LIST_BAD_NAME, "L.1.Key", "" },
	{ "L.1=a&L.3=c", &walk_scalar, LIST_TOO_MANY, "L.3", "1.0=a;" },
	{ "L.99999999999999999999=a", &walk_scalar, LIST_TOO_MANY, "L.99999999999999999999", "" },
	{ "L.1.Key=k&L.1.Value=v&L.3.Key=k3", &walk_items, LIST_OK, NULL, "1.0=k;1.1=v;3.0=k3;" },
	{ "L.1=a", &walk_items, LIST_BAD_NAME, "L.1", "" },
	{ "L.1.Other=a", &walk_items, LIST_BAD_NAME, "L.1.Other", "" },
	{ "L.1.key=a", &walk_items, LIST_BAD_NAME, "L.1.key", "" },
	{ "L.1.Key.x=a", &walk_items, LIST_BAD_NAME, "L.1.Key.x", "" },
	{ "L.4.Key=a", &walk_items, LIST_TOO_MANY, "L.4.Key", "" },
	/* the first bad name in parameter order is the one reported */
	{ "L.1.Key=a&L.9.Key=b&L.x.Key=c", &walk_items, LIST_TOO_MANY, "L.9.Key", "1.0=a;" },
	{ "L.x.Key=c&L.9.Key=b", &walk_items, LIST_BAD_NAME, "L.x.Key", "" },
};

START_TEST(test_list_walk)
{
	struct kvlist params;
	char items[256] = "";
	const char *offender = "unset";
	int fault;

	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, walk_tests[_i].query, strlen(walk_tests[_i].query)), 0);
	fault = action_list_walk(&params, "L", walk_tests[_i].spec, walk_record, items, &offender);
	ck_assert_int_eq(fault, walk_tests[_i].fault);
	if (walk_tests[_i].offender)
		ck_assert_str_eq(offender, walk_tests[_i].offender);
	else
		ck_assert_ptr_null(offender);
	ck_assert_str_eq(items, walk_tests[_i].items);
	kvlist_free(&params);
}
END_TEST

/* An item callback that fails stops the walk and the failure is returned. */
static int walk_refuse(void *arg, int n, int field, const char *value)
{
	(void)arg, (void)n, (void)field, (void)value;
	return -1;
}

START_TEST(test_list_walk_callback_stops)
{
	struct kvlist params;
	const char *offender = NULL;

	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, "L.1=a&L.x=b", 11), 0);
	ck_assert_int_eq(action_list_walk(&params, "L", &walk_scalar, walk_refuse, NULL, &offender), -1);
	kvlist_free(&params);
}
END_TEST

/* ---- action_list_read: field rules and a field that is a list (RouteFilter.N.Value.M) ---- */

static const struct list_field read_value_rule = { LIST_TEXT, 1, 3, NULL };
static const struct list_spec read_values = { 2, NULL, &read_value_rule };
static const struct list_field read_rules[] = {
	{ LIST_INTEGER, 1, 9, NULL }, /* Key */
	{ LIST_TEXT, 0, 0, &read_values }, /* Value.M */
};
static const struct list_spec read_nested = { 3, walk_fields, read_rules };

/* Records "N.field=M:leaf:value;" for each item the walk hands over. */
static int read_record(void *arg, const struct list_item *it)
{
	char value[128];

	snprintf(value, sizeof(value), "%d:%s:%s", it->m, it->leaf ? it->leaf : "", it->value);
	return walk_record(arg, it->n, it->field, value);
}

static const struct {
	const char *query; /* urlencoded parameters of list "L" */
	int fault;
	const char *offender;
	const char *items;
} read_tests[] = {
	{ "L.1.Key=5&L.1.Value.2=ab&L.2.Value.1=abc&L=x", LIST_OK, NULL, "1.0=0:Key:5;1.1=2:Value.2:ab;2.1=1:Value.1:abc;" },
	{ "L.1.Key=0", LIST_BAD_VALUE, "L.1.Key", "" },
	{ "L.1.Key=x", LIST_BAD_VALUE, "L.1.Key", "" },
	{ "L.1.Value.1=abcd", LIST_BAD_VALUE, "L.1.Value.1", "" },
	{ "L.1.Value.1=", LIST_BAD_VALUE, "L.1.Value.1", "" },
	{ "L.1.Value=a", LIST_BAD_NESTED, "L.1.Value", "" },
	{ "L.1.Value.3=a", LIST_BAD_NESTED, "L.1.Value.3", "" },
	{ "L.1.Value.0=a", LIST_BAD_NESTED, "L.1.Value.0", "" },
	{ "L.1.Value.1.x=a", LIST_BAD_NESTED, "L.1.Value.1.x", "" },
	{ "L.1.Key.1=1", LIST_BAD_NAME, "L.1.Key.1", "" },
	{ "L.1.Values.1=a", LIST_BAD_NAME, "L.1.Values.1", "" },
	{ "L.4.Value.1=a", LIST_TOO_MANY, "L.4.Value.1", "" },
};

START_TEST(test_list_read)
{
	struct kvlist params;
	char items[256] = "";
	const char *offender = "unset";

	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, read_tests[_i].query, strlen(read_tests[_i].query)), 0);
	ck_assert_int_eq(action_list_read(&params, "L", &read_nested, read_record, items, &offender),
			 read_tests[_i].fault);
	if (read_tests[_i].offender)
		ck_assert_str_eq(offender, read_tests[_i].offender);
	else
		ck_assert_ptr_null(offender);
	ck_assert_str_eq(items, read_tests[_i].items);
	kvlist_free(&params);
}
END_TEST

/* Records whose leaves the caller matches: other leaves are handed over with field -1. */
START_TEST(test_list_read_open_fields)
{
	static const struct list_spec open = { 2, walk_fields, NULL, true };
	static const char query[] = "L.1.Key=k&L.2.Sub.Leaf=v&L.1.=e";
	struct kvlist params;
	char items[256] = "";
	const char *offender = NULL;

	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, query, strlen(query)), 0);
	ck_assert_int_eq(action_list_read(&params, "L", &open, read_record, items, &offender), LIST_OK);
	ck_assert_str_eq(items, "1.0=0:Key:k;2.-1=0:Sub.Leaf:v;1.-1=0::e;");
	kvlist_free(&params);
	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, "L.3.Key=k", 9), 0);
	ck_assert_int_eq(action_list_read(&params, "L", &open, read_record, items, &offender), LIST_TOO_MANY);
	kvlist_free(&params);
	kvlist_init(&params);
	ck_assert_int_eq(kvlist_parse_urlencoded(&params, "L.1=k", 5), 0);
	ck_assert_int_eq(action_list_read(&params, "L", &open, read_record, items, &offender), LIST_BAD_NAME);
	kvlist_free(&params);
}
END_TEST

Suite *params_suite_create(void)
{
	const struct test_entry table[] = {
		{ test_action_find }, { test_action_table_rows, action_count() },
		{ test_every_action_empty, action_count() },
	};
	const struct test_entry validate[] = {
		{ test_validate, countof(validate_tests) }, { test_local_types, countof(local_tests) },
		{ test_list_walk, countof(walk_tests) }, { test_list_walk_callback_stops },
		{ test_list_read, countof(read_tests) }, { test_list_read_open_fields },
	};
	const struct test_entry defaults[] = {
		{ test_defaults, countof(default_tests) }, { test_paging, countof(paging_tests) },
		{ test_boolean_normalized, countof(bool_tests) }, { test_accessors },
	};
	const struct test_entry tags[] = {
		{ test_tags_collected_in_order }, { test_tags_twenty },
		{ test_repeated_names, countof(repeated_tests) },
	};
	const struct test_case cases[] = {
		TEST_CASE(table), TEST_CASE(validate), TEST_CASE(defaults), TEST_CASE(tags),
	};

	return test_suite_of_cases("params", NULL, NULL, cases, countof(cases));
}
