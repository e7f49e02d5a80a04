#include <stdlib.h>
#include <string.h>

#include "kv.h"
#include "sig.h"
#include "test.h"


/* Fills list from "k=v&k2=v2" written *decoded* ('&' and '=' only as separators). */
static void params_from(struct kvlist *list, const char *text)
{
	kvlist_init(list);
	ck_assert_int_eq(kvlist_parse_urlencoded(list, text, strlen(text)), 0);
}

/* ---- percent encoding ---- */

static const struct {
	const char *in;
	size_t len;	/* 0: strlen(in) */
	const char *out;
} encode_tests[] = {
	{ "", 0, "" },
	{ "AZaz09-_.~", 0, "AZaz09-_.~" },
	{ "a b", 0, "a%20b" },
	{ "*", 0, "%2A" },
	{ "+", 0, "%2B" },
	{ "/", 0, "%2F" },
	{ ":", 0, "%3A" },
	{ "=&%", 0, "%3D%26%25" },
	{ "10.0.0.0/16", 0, "10.0.0.0%2F16" },
	{ "\xe4\xb8\xad", 0, "%E4%B8%AD" },	/* UTF-8 bytes, uppercase hex */
	{ "\xff\x7f", 0, "%FF%7F" },
	{ "a\0b", 3, "a%00b" },
	{ "!'()", 0, "%21%27%28%29" },
};

START_TEST(test_percent_encode)
{
	size_t len = encode_tests[_i].len ? encode_tests[_i].len : strlen(encode_tests[_i].in);
	char *got = sig_percent_encode(encode_tests[_i].in, len);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, encode_tests[_i].out);
	free(got);
}
END_TEST

/* ---- canonical query ---- */

static const struct {
	const char *params;	/* decoded, see params_from */
	const char *exclude;
	unsigned flags;
	const char *out;
} query_tests[] = {
	{ "", NULL, 0, "" },
	{ "b=2&a=1", NULL, 0, "a=1&b=2" },
	{ "Signature=x&a=1", "Signature", 0, "a=1" },
	{ "a=&b=1", NULL, 0, "a=&b=1" },
	{ "a=&b=1", NULL, SIG_QUERY_BARE_EMPTY, "a&b=1" },
	{ "a=1&a=2", NULL, 0, "a=2" },			/* the last value wins */
	{ "q=a+b*c~", NULL, 0, "q=a%20b%2Ac~" },	/* '+' decodes to space */
	/* sorted by encoded name: "%2A" (0x25) sorts before "A" (0x41) */
	{ "A=1&*=2", NULL, 0, "%2A=2&A=1" },
	/* byte order: uppercase before lowercase */
	{ "a=1&B=2&_=3", NULL, 0, "B=2&_=3&a=1" },
	{ "Tag.1.Key=k&Tag.10.Key=j&Tag.2.Key=l", NULL, 0,
	  "Tag.1.Key=k&Tag.10.Key=j&Tag.2.Key=l" },
};

START_TEST(test_canonical_query)
{
	struct kvlist params;
	char *got;

	params_from(&params, query_tests[_i].params);
	got = sig_canonical_query(&params, query_tests[_i].exclude, query_tests[_i].flags);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, query_tests[_i].out);
	free(got);
	kvlist_free(&params);
}
END_TEST

/* ---- V2 vectors ---- */

static const struct {
	const char *name;
	const char *method;
	const char *secret;
	const char *params;	/* url-encoded as on the wire */
	const char *signature;
} v2_tests[] = {
	/* official doc (developer.aliyun.com/ask/210168), old "TimeStamp" spelling */
	{ "doc DescribeRegions", "GET", "testsecret",
	  "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1"
	  "&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0"
	  "&TimeStamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26",
	  "CT9X0VtwR86fNWSnsc6v8YGOjuE=" },
	/* alibaba-cloud-sdk-go rpc_signature_composer_test.go: empty CommonRequest
	 * (Format JSON, empty Action/Version/SignatureType) */
	{ "go sdk CommonRequest", "GET", "accessKeySecret",
	  "Version=&Action=&Format=JSON&Timestamp=mock+date&SignatureMethod=HMAC-SHA1"
	  "&SignatureType=&SignatureVersion=1.0&SignatureNonce=MOCK_UUID"
	  "&AccessKeyId=accessKeyId&RegionId=regionId",
	  "7loPmFjvDnzOVnQeQNj85S6nFGY=" },
	/* @alicloud/pop-core 1.8.0 CreateCen, POST form body (api-reference §1.6) */
	{ "pop-core CreateCen", "POST", "sk",
	  "AccessKeyId=ak&Action=CreateCen&Format=JSON&Name=c1&RegionId=cn-beijing"
	  "&SignatureMethod=HMAC-SHA1&SignatureNonce=aab29eb2b82aba4ad91a716f35e0aa2f"
	  "&SignatureVersion=1.0&Timestamp=2026-11-28T00%3A23%3A28Z&Version=2017-09-12"
	  "&Signature=2jb4y2m4Tpi9HU8rTTd%2BQxseDaM%3D",
	  "2jb4y2m4Tpi9HU8rTTd+QxseDaM=" },
};

START_TEST(test_v2_vectors)
{
	struct kvlist params;
	char sig[SIG_V2_SIZE];
	char *sts;

	params_from(&params, v2_tests[_i].params);
	sts = sig_v2_string_to_sign(v2_tests[_i].method, &params);
	ck_assert_ptr_nonnull(sts);
	ck_assert_int_eq(sig_v2_sign(v2_tests[_i].secret, sts, sig), 0);
	ck_assert_msg(strcmp(sig, v2_tests[_i].signature) == 0, "%s: got %s, want %s",
		      v2_tests[_i].name, sig, v2_tests[_i].signature);
	free(sts);
	kvlist_free(&params);
}
END_TEST

/* The Go SDK's buildRpcStringToSign cases: value encoded once in the canonical
 * string, the canonical string encoded again. */
START_TEST(test_v2_string_to_sign)
{
	struct kvlist params;
	char *sts;

	kvlist_init(&params);
	sts = sig_v2_string_to_sign("GET", &params);
	ck_assert_str_eq(sts, "GET&%2F&");
	free(sts);
	kvlist_add_str(&params, "key", "value");
	kvlist_add_str(&params, "q", "http://domain/?q=value&q2=value2");
	sts = sig_v2_string_to_sign("GET", &params);
	ck_assert_str_eq(sts, "GET&%2F&key%3Dvalue%26q%3Dhttp%253A%252F%252Fdomain%252F%253Fq"
			      "%253Dvalue%2526q2%253Dvalue2");
	free(sts);
	kvlist_free(&params);
}
END_TEST

/* ---- V3 ---- */

#define VPC_NONCE "56227194f11523e98aee3899208e5f000bc288c74b9da5d8a49a0c05f0c93e32"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define VPC_SIGNED "host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;" \
		   "x-acs-date;x-acs-signature-nonce;x-acs-version"

static void vpc_headers(struct kvlist *h)
{
	kvlist_init(h);
	kvlist_add_str(h, "host", "127.0.0.1:18099");
	kvlist_add_str(h, "x-acs-version", "2016-04-28");
	kvlist_add_str(h, "x-acs-action", "CreateVpc");
	kvlist_add_str(h, "x-acs-date", "2026-11-28T00:23:28Z");
	kvlist_add_str(h, "x-acs-signature-nonce", VPC_NONCE);
	kvlist_add_str(h, "x-acs-content-sha256", EMPTY_SHA256);
	kvlist_add_str(h, "x-acs-credentials-provider", "static_ak");
	kvlist_add_str(h, "user-agent", "AlibabaCloud (darwin; arm64) Node.js/v22");
}

/* @alicloud/vpc20160428 7.3.2 createVpc (api-reference §1.6). */
START_TEST(test_v3_vector_create_vpc)
{
	struct kvlist query, headers;
	struct sig_v3_request in;
	char sig[SIG_HEX256_SIZE];
	char *canonical, *sts;

	params_from(&query, "CidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1");
	vpc_headers(&headers);
	in = (struct sig_v3_request){
		.method = "POST",
		.path = "/",
		.query = &query,
		.headers = &headers,
		.signed_headers = { VPC_SIGNED, strlen(VPC_SIGNED) },
		.payload_hash = EMPTY_SHA256,
	};
	canonical = sig_v3_canonical_request(&in);
	ck_assert_ptr_nonnull(canonical);
	ck_assert_str_eq(canonical,
			 "POST\n/\nCidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1\n"
			 "host:127.0.0.1:18099\n"
			 "x-acs-action:CreateVpc\n"
			 "x-acs-content-sha256:" EMPTY_SHA256 "\n"
			 "x-acs-credentials-provider:static_ak\n"
			 "x-acs-date:2026-11-28T00:23:28Z\n"
			 "x-acs-signature-nonce:" VPC_NONCE "\n"
			 "x-acs-version:2016-04-28\n"
			 "\n" VPC_SIGNED "\n" EMPTY_SHA256);
	sts = sig_v3_string_to_sign(canonical);
	ck_assert_ptr_nonnull(sts);
	ck_assert_int_eq(strncmp(sts, "ACS3-HMAC-SHA256\n", 17), 0);
	ck_assert_int_eq(sig_v3_sign("sk", sts, sig), 0);
	ck_assert_str_eq(sig, "6b52e238eea1b296511ba4f2ae9be20f8c46d02de18c3e775c32e4d784acfccf");
	free(canonical);
	free(sts);
	kvlist_free(&query);
	kvlist_free(&headers);
}
END_TEST

START_TEST(test_sha256_hex)
{
	char out[SIG_HEX256_SIZE];

	sig_sha256_hex(NULL, 0, out);
	ck_assert_str_eq(out, EMPTY_SHA256);
	sig_sha256_hex("abc", 3, out);
	ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

static const struct {
	const char *path;
	const char *out;
} uri_tests[] = {
	{ NULL, "/" },
	{ "", "/" },
	{ "/", "/" },
	{ "/v1/vpn-gateways", "/v1/vpn-gateways" },
	{ "/v1/vpn-gateways/vpn-1 2", "/v1/vpn-gateways/vpn-1%202" },
	{ "/v1/a*b/c~d/", "/v1/a%2Ab/c~d/" },
	{ "/v1//x", "/v1//x" },
	{ "/v1/%", "/v1/%25" },
};

START_TEST(test_v3_canonical_uri)
{
	char *got = sig_v3_canonical_uri(uri_tests[_i].path);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, uri_tests[_i].out);
	free(got);
}
END_TEST

START_TEST(test_v3_canonical_headers)
{
	static const char list[] = "Host;x-acs-a;x-acs-missing;;x-acs-multi";
	struct kvlist h;
	char *got;

	kvlist_init(&h);
	kvlist_add_str(&h, "host", "  example.com:80 \t");
	kvlist_add_str(&h, "x-acs-a", "1");
	kvlist_add_str(&h, "x-acs-multi", "b");
	kvlist_add_str(&h, "X-Acs-Multi", " a ");
	kvlist_add_str(&h, "x-acs-unsigned", "ignored");
	got = sig_v3_canonical_headers(&h, (struct sig_span){ list, strlen(list) });
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, "host:example.com:80\nx-acs-a:1\nx-acs-missing:\nx-acs-multi:a,b\n");
	free(got);
	kvlist_free(&h);
}
END_TEST

/* ---- Authorization header ---- */

static const struct {
	const char *header;
	int ok;
	const char *credential, *signed_headers, *signature;
} authz_tests[] = {
	{ "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-date,Signature=abc", 1,
	  "ak", "host;x-acs-date", "abc" },
	{ "ACS3-HMAC-SHA256 Signature=s, Credential=k ,SignedHeaders=h", 1, "k", "h", "s" },
	{ "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host", 0, NULL, NULL, NULL },
	{ "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=x", 0, NULL, NULL, NULL },
	{ "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=h,Signature=x", 0, NULL, NULL,
	  NULL },
	{ "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h,Signature=x,Extra=1", 0, NULL, NULL, NULL },
	{ "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h,Signature=x,", 0, NULL, NULL, NULL },
	{ "ACS3-HMAC-SHA256 ", 0, NULL, NULL, NULL },
	{ "ACS3-HMAC-SM3 Credential=a,SignedHeaders=h,Signature=x", 0, NULL, NULL, NULL },
	{ "acs ak:sig", 0, NULL, NULL, NULL },
	{ "", 0, NULL, NULL, NULL },
};

static void assert_span(struct sig_span s, const char *want)
{
	ck_assert_uint_eq(s.len, strlen(want));
	ck_assert_int_eq(memcmp(s.ptr, want, s.len), 0);
}

START_TEST(test_v3_parse_authorization)
{
	struct sig_v3_auth a;
	int rc = sig_v3_parse_authorization(authz_tests[_i].header, &a);

	ck_assert_int_eq(rc, authz_tests[_i].ok ? 0 : -1);
	if (!authz_tests[_i].ok)
		return;
	assert_span(a.credential, authz_tests[_i].credential);
	assert_span(a.signed_headers, authz_tests[_i].signed_headers);
	assert_span(a.signature, authz_tests[_i].signature);
}
END_TEST

START_TEST(test_equal)
{
	ck_assert(sig_equal("abc", "abc"));
	ck_assert(!sig_equal("abc", "abd"));
	ck_assert(!sig_equal("abc", "abcd"));
	ck_assert(sig_equal("", ""));
}
END_TEST

Suite *sig_suite_create(void)
{
	const struct test_entry encode[] = {
		{ test_percent_encode, countof(encode_tests) },
		{ test_canonical_query, countof(query_tests) }, { test_equal },
	};
	const struct test_entry v2[] = {
		{ test_v2_vectors, countof(v2_tests) }, { test_v2_string_to_sign },
	};
	const struct test_entry v3[] = {
		{ test_v3_vector_create_vpc }, { test_sha256_hex },
		{ test_v3_canonical_uri, countof(uri_tests) }, { test_v3_canonical_headers },
		{ test_v3_parse_authorization, countof(authz_tests) },
	};
	const struct test_case cases[] = {
		TEST_CASE(encode), TEST_CASE(v2), TEST_CASE(v3),
	};

	return test_suite_of_cases("sig", NULL, NULL, cases, countof(cases));
}
