#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "errors.h"
#include "kv.h"
#include "request.h"
#include "sig.h"
#include "test.h"


#define NOW ((time_t)1795825408)	/* 2026-11-28T00:23:28Z, the §1.6 vectors' time */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const char creds_text[] =
	"# vpnlab credentials\n"
	"\n"
	"ak sk acct-ak\n"
	"   testid\ttestsecret   acct-test   # trailing comment\n"
	"LTAIother othersecret acct-other\n";

/* Writes text to a new mkstemp file; returns its malloc'd path (caller unlinks). */
static char *write_temp(const char *text)
{
	char tmpl[] = "/tmp/vpnlab-auth-XXXXXX";
	int fd = mkstemp(tmpl);
	size_t len = strlen(text);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return strdup(tmpl);
}

static struct auth *strict_auth(void)
{
	struct auth *auth = NULL;
	struct vl_err err;
	char *path = write_temp(creds_text);

	ck_assert_int_eq(auth_create(&auth, AUTH_STRICT, path, &err), 0);
	unlink(path);
	free(path);
	return auth;
}

/* ---- a request under construction ---- */

struct treq {
	struct vl_request req;
	struct kvlist params;	/* merged query + form, as the server passes them */
};

static void treq_init(struct treq *t, const char *method, const char *path)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->req.method, sizeof(t->req.method), "%s", method);
	t->req.path = strdup(path);
	kvlist_init(&t->req.query);
	kvlist_init(&t->req.form);
	kvlist_init(&t->req.headers);
	kvlist_init(&t->params);
}

static void treq_free(struct treq *t)
{
	free(t->req.path);
	free(t->req.body);
	kvlist_free(&t->req.query);
	kvlist_free(&t->req.form);
	kvlist_free(&t->req.headers);
	kvlist_free(&t->params);
}

/* A query parameter: in req->query and in the merged params. */
static void treq_param(struct treq *t, const char *name, const char *value)
{
	kvlist_set(&t->req.query, name, value);
	kvlist_set(&t->params, name, value);
}

static void treq_drop_param(struct treq *t, const char *name)
{
	/* a dropped parameter is absent, not empty: rebuild without it */
	for (struct kvlist *l = &t->req.query;; l = &t->params) {
		struct kvlist keep;

		kvlist_init(&keep);
		for (size_t i = 0; i < l->len; i++)
			if (strcmp(l->items[i].name, name) != 0)
				kvlist_add_str(&keep, l->items[i].name, l->items[i].value);
		kvlist_free(l);
		*l = keep;
		if (l == &t->params)
			break;
	}
}

static void treq_drop_header(struct treq *t, const char *name)
{
	struct kvlist keep;

	kvlist_init(&keep);
	for (size_t i = 0; i < t->req.headers.len; i++)
		if (strcmp(t->req.headers.items[i].name, name) != 0)
			kvlist_add_str(&keep, t->req.headers.items[i].name,
				       t->req.headers.items[i].value);
	kvlist_free(&t->req.headers);
	t->req.headers = keep;
}

static void treq_body(struct treq *t, const char *body)
{
	free(t->req.body);
	t->req.body = strdup(body);
	t->req.body_len = strlen(body);
}

static void iso_time(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int run_as(struct auth *auth, struct treq *t, const char *action, const char *version,
		  time_t now, char *account, size_t size, struct vl_err *err)
{
	const struct auth_target target = { action, version };

	vl_err_clear(err);
	return auth_authenticate(auth, &t->req, &t->params, &target, now, account, size, err);
}

/* Routed as the RPC door routes: the Action parameter, else x-acs-action (same for Version). */
static int run(struct auth *auth, struct treq *t, time_t now, char *account, size_t size,
	       struct vl_err *err)
{
	const char *action = kvlist_get(&t->params, "Action");
	const char *version = kvlist_get(&t->params, "Version");

	if (action == NULL)
		action = kvlist_get_ci(&t->req.headers, "x-acs-action");
	if (version == NULL)
		version = kvlist_get_ci(&t->req.headers, "x-acs-version");
	return run_as(auth, t, action ? action : "DescribeVpcs", version ? version : "2016-04-28",
		      now, account, size, err);
}

#define ASSERT_FAILS_WITH(rc, err, code)                                                   \
	do {                                                                               \
		ck_assert_int_eq((rc), -1);                                                \
		ck_assert_str_eq(vl_err_code(err), (code));                                \
	} while (0)

/* ---- V2 ---- */

static void v2_sign(struct treq *t, const char *secret)
{
	char sig[SIG_V2_SIZE];
	char *sts = sig_v2_string_to_sign(t->req.method, &t->params);

	ck_assert_ptr_nonnull(sts);
	ck_assert_int_eq(sig_v2_sign(secret, sts, sig), 0);
	treq_param(t, "Signature", sig);
	free(sts);
}

/* The parameters the Go SDK sends, for DescribeVpcs. */
static void v2_build(struct treq *t, const char *method, const char *akid, const char *nonce,
		     time_t ts)
{
	char when[32];

	iso_time(ts, when);
	treq_init(t, method, "/");
	treq_param(t, "AccessKeyId", akid);
	treq_param(t, "Action", "DescribeVpcs");
	treq_param(t, "Format", "JSON");
	treq_param(t, "RegionId", "cn-hangzhou");
	treq_param(t, "SignatureMethod", "HMAC-SHA1");
	treq_param(t, "SignatureNonce", nonce);
	treq_param(t, "SignatureType", "");
	treq_param(t, "SignatureVersion", "1.0");
	treq_param(t, "Timestamp", when);
	treq_param(t, "Version", "2016-04-28");
}

enum {
	V2_WRONG_SECRET = 1 << 0,
	V2_TAMPER = 1 << 1,		/* change a parameter after signing */
	V2_SEND_POST = 1 << 2,		/* sign for GET, send as POST */
	V2_OLD_TIMESTAMP = 1 << 3,	/* "TimeStamp" spelling */
};

static const struct {
	const char *name;
	const char *akid;
	long ts_offset;
	const char *set_name, *set_value;	/* set before signing (NULL: none) */
	const char *drop;			/* removed before signing */
	unsigned flags;
	const char *want;			/* Code, NULL for success */
	const char *account;
} v2_cases[] = {
	{ "good", "testid", 0, NULL, NULL, NULL, 0, NULL, "acct-test" },
	{ "good at +15min", "ak", 900, NULL, NULL, NULL, 0, NULL, "acct-ak" },
	{ "good at -15min", "ak", -900, NULL, NULL, NULL, 0, NULL, "acct-ak" },
	{ "good TimeStamp spelling", "ak", 0, NULL, NULL, NULL, V2_OLD_TIMESTAMP, NULL, "acct-ak" },
	{ "good without SignatureMethod", "ak", 0, NULL, NULL, "SignatureMethod", 0, NULL,
	  "acct-ak" },
	{ "good, body-positioned value with *", "ak", 0, "Description", "a b*c~/", NULL, 0, NULL,
	  "acct-ak" },
	{ "wrong secret", "ak", 0, NULL, NULL, NULL, V2_WRONG_SECRET, "SignatureDoesNotMatch",
	  NULL },
	{ "tampered", "ak", 0, NULL, NULL, NULL, V2_TAMPER, "SignatureDoesNotMatch", NULL },
	{ "method differs", "ak", 0, NULL, NULL, NULL, V2_SEND_POST, "SignatureDoesNotMatch",
	  NULL },
	{ "unknown key", "nobody", 0, NULL, NULL, NULL, 0, "InvalidAccessKeyId.NotFound", NULL },
	{ "expired past", "ak", -901, NULL, NULL, NULL, 0, "InvalidTimeStamp.Expired", NULL },
	{ "expired future", "ak", 901, NULL, NULL, NULL, 0, "InvalidTimeStamp.Expired", NULL },
	{ "timestamp format", "ak", 0, "Timestamp", "2026-11-28 00:23:28", NULL, 0,
	  "InvalidTimeStamp.Format", NULL },
	{ "timestamp millis", "ak", 0, "Timestamp", "2026-11-28T00:23:28.000Z", NULL, 0,
	  "InvalidTimeStamp.Format", NULL },
	{ "timestamp feb 30", "ak", 0, "Timestamp", "2026-02-30T00:23:28Z", NULL, 0,
	  "InvalidTimeStamp.Format", NULL },
	{ "timestamp hour 24", "ak", 0, "Timestamp", "2026-11-28T24:00:00Z", NULL, 0,
	  "InvalidTimeStamp.Format", NULL },
	{ "signature method", "ak", 0, "SignatureMethod", "HMAC-SHA256", NULL, 0,
	  "InvalidSignatureMethod", NULL },
	{ "signature version", "ak", 0, "SignatureVersion", "2.0", NULL, 0,
	  "InvalidSignatureVersion", NULL },
	{ "no signature version", "ak", 0, NULL, NULL, "SignatureVersion", 0,
	  "MissingSignatureVersion", NULL },
	{ "no nonce", "ak", 0, NULL, NULL, "SignatureNonce", 0, "MissingSignatureNonce", NULL },
	{ "empty nonce", "ak", 0, "SignatureNonce", "", NULL, 0, "MissingSignatureNonce", NULL },
	{ "no timestamp", "ak", 0, NULL, NULL, "Timestamp", 0, "MissingTimestamp", NULL },
	{ "no access key", "ak", 0, NULL, NULL, "AccessKeyId", 0, "MissingAccessKeyId", NULL },
};

START_TEST(test_v2_cases)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64] = "junk";
	char nonce[32];
	int rc;

	snprintf(nonce, sizeof(nonce), "nonce-%d", _i);
	v2_build(&t, "GET", v2_cases[_i].akid, nonce, NOW + v2_cases[_i].ts_offset);
	if (v2_cases[_i].flags & V2_OLD_TIMESTAMP) {
		char when[32];

		iso_time(NOW, when);
		treq_drop_param(&t, "Timestamp");
		treq_param(&t, "TimeStamp", when);
	}
	if (v2_cases[_i].set_name)
		treq_param(&t, v2_cases[_i].set_name, v2_cases[_i].set_value);
	if (v2_cases[_i].drop)
		treq_drop_param(&t, v2_cases[_i].drop);
	v2_sign(&t, v2_cases[_i].flags & V2_WRONG_SECRET ? "bad" :
		    strcmp(v2_cases[_i].akid, "testid") == 0 ? "testsecret" : "sk");
	if (v2_cases[_i].flags & V2_TAMPER)
		treq_param(&t, "RegionId", "cn-beijing");
	if (v2_cases[_i].flags & V2_SEND_POST)
		strcpy(t.req.method, "POST");

	rc = run(auth, &t, NOW, account, sizeof(account), &err);
	if (v2_cases[_i].want == NULL) {
		ck_assert_msg(rc == 0, "%s: %s %s", v2_cases[_i].name, vl_err_code(&err),
			      vl_err_message(&err));
		ck_assert_str_eq(account, v2_cases[_i].account);
	} else {
		ck_assert_msg(rc == -1 && strcmp(vl_err_code(&err), v2_cases[_i].want) == 0,
			      "%s: rc %d code %s", v2_cases[_i].name, rc, vl_err_code(&err));
		ck_assert_str_eq(account, "");
		ck_assert_int_eq(vl_code_http_status(err.code),
				 strcmp(v2_cases[_i].want, "InvalidAccessKeyId.NotFound") ? 400 : 404);
	}
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* The server string to sign is in the message, as the cloud sends it. */
START_TEST(test_v2_mismatch_message)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];
	char *sts;

	v2_build(&t, "GET", "ak", "n-msg", NOW);
	v2_sign(&t, "wrong");
	sts = sig_v2_string_to_sign("GET", &t.params);
	ASSERT_FAILS_WITH(run(auth, &t, NOW, account, sizeof(account), &err), &err,
			  "SignatureDoesNotMatch");
	ck_assert_str_eq(vl_err_message(&err) + strlen("Specified signature is not matched with "
						       "our calculation. server string to sign is:"),
			 sts);
	ck_assert_int_eq(strncmp(vl_err_message(&err), "Specified signature is not matched", 34), 0);
	free(sts);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* @alicloud/pop-core CreateCen exactly as captured: POST, everything in the form body. */
START_TEST(test_v2_pop_core_vector)
{
	static const char body[] =
		"AccessKeyId=ak&Action=CreateCen&Format=JSON&Name=c1&RegionId=cn-beijing"
		"&SignatureMethod=HMAC-SHA1&SignatureNonce=aab29eb2b82aba4ad91a716f35e0aa2f"
		"&SignatureVersion=1.0&Timestamp=2026-11-28T00%3A23%3A28Z&Version=2017-09-12"
		"&Signature=2jb4y2m4Tpi9HU8rTTd%2BQxseDaM%3D";
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	treq_init(&t, "POST", "/");
	treq_body(&t, body);
	ck_assert_int_eq(kvlist_parse_urlencoded(&t.req.form, body, strlen(body)), 0);
	ck_assert_int_eq(kvlist_parse_urlencoded(&t.params, body, strlen(body)), 0);
	kvlist_add_str(&t.req.headers, "content-type", "application/x-www-form-urlencoded");
	kvlist_add_str(&t.req.headers, "x-acs-action", "CreateCen");
	kvlist_add_str(&t.req.headers, "x-acs-version", "2017-09-12");
	ck_assert_int_eq(run(auth, &t, NOW + 60, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "acct-ak");
	/* replayed: same key, same nonce, within 15 minutes */
	ASSERT_FAILS_WITH(run(auth, &t, NOW + 120, account, sizeof(account), &err), &err,
			  "SignatureNonceUsed");
	treq_free(&t);
	auth_free(auth);
}
END_TEST

START_TEST(test_v2_nonce_reuse)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	v2_build(&t, "GET", "ak", "same-nonce", NOW);
	v2_sign(&t, "sk");
	ck_assert_int_eq(run(auth, &t, NOW, account, sizeof(account), &err), 0);
	ASSERT_FAILS_WITH(run(auth, &t, NOW + 1, account, sizeof(account), &err), &err,
			  "SignatureNonceUsed");
	treq_free(&t);

	/* a failed signature does not burn the nonce */
	v2_build(&t, "GET", "ak", "fresh-nonce", NOW);
	v2_sign(&t, "bad");
	ASSERT_FAILS_WITH(run(auth, &t, NOW, account, sizeof(account), &err), &err,
			  "SignatureDoesNotMatch");
	v2_sign(&t, "sk");
	ck_assert_int_eq(run(auth, &t, NOW, account, sizeof(account), &err), 0);
	treq_free(&t);

	/* another key may use the same nonce */
	v2_build(&t, "GET", "testid", "same-nonce", NOW);
	v2_sign(&t, "testsecret");
	ck_assert_int_eq(run(auth, &t, NOW, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "acct-test");
	treq_free(&t);

	/* 15 minutes later the nonce is forgotten (the request re-signed with a fresh time) */
	v2_build(&t, "GET", "ak", "same-nonce", NOW + 901);
	v2_sign(&t, "sk");
	ck_assert_int_eq(run(auth, &t, NOW + 901, account, sizeof(account), &err), 0);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* ---- V3 ---- */

#define V3_SIGNED "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;" \
		  "x-acs-version"

/* Signs t (query, headers and body already set) and adds the Authorization header. */
static void v3_sign(struct treq *t, const char *akid, const char *secret, const char *signed_headers,
		    unsigned query_flags)
{
	struct sig_v3_request in = {
		.method = t->req.method,
		.path = t->req.path,
		.query = &t->req.query,
		.headers = &t->req.headers,
		.signed_headers = { signed_headers, strlen(signed_headers) },
		.payload_hash = kvlist_get(&t->req.headers, "x-acs-content-sha256"),
		.query_flags = query_flags,
	};
	char sig[SIG_HEX256_SIZE];
	char header[512];
	char *canonical = sig_v3_canonical_request(&in);
	char *sts = sig_v3_string_to_sign(canonical);

	ck_assert_int_eq(sig_v3_sign(secret, sts, sig), 0);
	snprintf(header, sizeof(header), "ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=%s,Signature=%s",
		 akid, signed_headers, sig);
	kvlist_set(&t->req.headers, "authorization", header);
	free(canonical);
	free(sts);
}

/* What the generated SDK sends for an RPC action, before signing. */
static void v3_build(struct treq *t, const char *method, const char *path, const char *body,
		     const char *nonce, time_t ts)
{
	char when[32], hash[SIG_HEX256_SIZE];

	iso_time(ts, when);
	treq_init(t, method, path);
	treq_param(t, "RegionId", "cn-hangzhou");
	treq_param(t, "VpcName", "lab vpc*1");
	if (body) {
		treq_body(t, body);
		kvlist_parse_urlencoded(&t->req.form, body, strlen(body));
		kvlist_parse_urlencoded(&t->params, body, strlen(body));
		kvlist_add_str(&t->req.headers, "content-type", "application/x-www-form-urlencoded");
	}
	sig_sha256_hex(body, body ? strlen(body) : 0, hash);
	kvlist_add_str(&t->req.headers, "host", "127.0.0.1:8080");
	kvlist_add_str(&t->req.headers, "x-acs-action", "CreateVpc");
	kvlist_add_str(&t->req.headers, "x-acs-version", "2016-04-28");
	kvlist_add_str(&t->req.headers, "x-acs-date", when);
	kvlist_add_str(&t->req.headers, "x-acs-signature-nonce", nonce);
	kvlist_add_str(&t->req.headers, "x-acs-content-sha256", hash);
	kvlist_add_str(&t->req.headers, "user-agent", "test");
}

enum {
	V3_WRONG_SECRET = 1 << 0,
	V3_TAMPER_QUERY = 1 << 1,
	V3_TAMPER_BODY = 1 << 2,	/* body changed, hash header kept */
	V3_TAMPER_HEADER = 1 << 3,	/* a signed header changed after signing */
	V3_BARE_EMPTY = 1 << 4,		/* sign the Python way: "k" for empty values */
	V3_EMPTY_PARAM = 1 << 5,	/* add DryRun= (empty) to the query */
	V3_UPPER_HEX = 1 << 6,		/* uppercase hex signature */
};

static const struct {
	const char *name;
	const char *method, *path, *body;
	const char *akid;
	long ts_offset;
	const char *signed_headers;	/* NULL: V3_SIGNED */
	const char *set_header, *set_value;	/* set before signing; NULL value: "" */
	const char *authorization;	/* replaces the header after signing */
	unsigned flags;
	const char *want;
	const char *account;
} v3_cases[] = {
	{ "good RPC", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL, 0, NULL, "acct-ak" },
	{ "good RPC GET", "GET", "/", NULL, "testid", 0, NULL, NULL, NULL, NULL, 0, NULL,
	  "acct-test" },
	{ "good form body", "POST", "/", "Description=a+b&Tag.1.Key=k", "ak", 0,
	  "content-type;" V3_SIGNED, NULL, NULL, NULL, 0, NULL, "acct-ak" },
	{ "good REST path", "DELETE", "/v1/vpn-gateways/vpn-123 x", NULL, "ak", -600, NULL, NULL,
	  NULL, NULL, 0, NULL, "acct-ak" },
	{ "good empty value k=", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL,
	  V3_EMPTY_PARAM, NULL, "acct-ak" },
	{ "good empty value bare k", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL,
	  V3_EMPTY_PARAM | V3_BARE_EMPTY, NULL, "acct-ak" },
	{ "good uppercase hex", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL, V3_UPPER_HEX,
	  NULL, "acct-ak" },
	{ "good with extra signed header", "POST", "/", NULL, "ak", 0,
	  "host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;"
	  "x-acs-version", NULL, NULL, NULL, 0, NULL, "acct-ak" },
	{ "wrong secret", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL, V3_WRONG_SECRET,
	  "SignatureDoesNotMatch", NULL },
	{ "tampered query", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL, V3_TAMPER_QUERY,
	  "SignatureDoesNotMatch", NULL },
	{ "tampered header", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL, NULL, V3_TAMPER_HEADER,
	  "SignatureDoesNotMatch", NULL },
	{ "tampered body", "POST", "/", "Description=x", "ak", 0, "content-type;" V3_SIGNED, NULL,
	  NULL, NULL, V3_TAMPER_BODY, "SignatureDoesNotMatch", NULL },
	{ "unknown key", "POST", "/", NULL, "LTAInobody", 0, NULL, NULL, NULL, NULL, 0,
	  "InvalidAccessKeyId.NotFound", NULL },
	{ "expired", "POST", "/", NULL, "ak", -901, NULL, NULL, NULL, NULL, 0,
	  "InvalidTimeStamp.Expired", NULL },
	{ "date format", "POST", "/", NULL, "ak", 0, NULL, "x-acs-date",
	  "Sat, 28 Nov 2026 00:23:28 GMT", NULL, 0, "InvalidTimeStamp.Format", NULL },
	{ "no date", "POST", "/", NULL, "ak", 0, "host;x-acs-action;x-acs-content-sha256;"
	  "x-acs-signature-nonce;x-acs-version", "x-acs-date", NULL, NULL, 0, "MissingParameter",
	  NULL },
	{ "no nonce", "POST", "/", NULL, "ak", 0, "host;x-acs-action;x-acs-content-sha256;"
	  "x-acs-date;x-acs-version", "x-acs-signature-nonce", NULL, NULL, 0, "MissingParameter",
	  NULL },
	{ "no content hash", "POST", "/", NULL, "ak", 0, "host;x-acs-action;x-acs-date;"
	  "x-acs-signature-nonce;x-acs-version", "x-acs-content-sha256", NULL, NULL, 0,
	  "MissingParameter", NULL },
	{ "date not signed", "POST", "/", NULL, "ak", 0, "host;x-acs-action;x-acs-content-sha256;"
	  "x-acs-signature-nonce;x-acs-version", NULL, NULL, NULL, 0, "IncompleteSignature", NULL },
	{ "action not signed", "POST", "/", NULL, "ak", 0, "host;x-acs-content-sha256;x-acs-date;"
	  "x-acs-signature-nonce;x-acs-version", NULL, NULL, NULL, 0, "IncompleteSignature", NULL },
	{ "no Signature part", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL,
	  "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=" V3_SIGNED, 0, "IncompleteSignature",
	  NULL },
	{ "no Credential part", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL,
	  "ACS3-HMAC-SHA256 SignedHeaders=" V3_SIGNED ",Signature=00", 0, "IncompleteSignature",
	  NULL },
	{ "SM3 algorithm", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL,
	  "ACS3-HMAC-SM3 Credential=ak,SignedHeaders=host,Signature=00", 0,
	  "InvalidSignatureMethod", NULL },
	{ "short signature", "POST", "/", NULL, "ak", 0, NULL, NULL, NULL,
	  "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=" V3_SIGNED ",Signature=abc", 0,
	  "SignatureDoesNotMatch", NULL },
};

START_TEST(test_v3_cases)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64] = "junk";
	char nonce[32];
	const char *signed_headers = v3_cases[_i].signed_headers ? v3_cases[_i].signed_headers :
								    V3_SIGNED;
	unsigned flags = v3_cases[_i].flags;
	int rc;

	snprintf(nonce, sizeof(nonce), "v3-nonce-%d", _i);
	v3_build(&t, v3_cases[_i].method, v3_cases[_i].path, v3_cases[_i].body, nonce,
		 NOW + v3_cases[_i].ts_offset);
	if (flags & V3_EMPTY_PARAM)
		treq_param(&t, "DryRun", "");
	if (v3_cases[_i].set_header)	/* an empty header counts as absent */
		kvlist_set(&t.req.headers, v3_cases[_i].set_header,
			   v3_cases[_i].set_value ? v3_cases[_i].set_value : "");
	v3_sign(&t, v3_cases[_i].akid, flags & V3_WRONG_SECRET ? "nope" :
		    strcmp(v3_cases[_i].akid, "testid") == 0 ? "testsecret" : "sk",
		signed_headers, flags & V3_BARE_EMPTY ? SIG_QUERY_BARE_EMPTY : 0);
	if (v3_cases[_i].authorization)
		kvlist_set(&t.req.headers, "authorization", v3_cases[_i].authorization);
	if (flags & V3_TAMPER_QUERY)
		treq_param(&t, "VpcName", "other");
	if (flags & V3_TAMPER_BODY)
		treq_body(&t, "Description=y");
	if (flags & V3_TAMPER_HEADER)
		kvlist_set(&t.req.headers, "x-acs-action", "DeleteVpc");
	if (flags & V3_UPPER_HEX) {
		char *h = t.req.headers.items[t.req.headers.len - 1].value;

		for (char *p = strstr(h, "Signature=") + 10; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	}

	rc = run(auth, &t, NOW, account, sizeof(account), &err);
	if (v3_cases[_i].want == NULL) {
		ck_assert_msg(rc == 0, "%s: %s %s", v3_cases[_i].name, vl_err_code(&err),
			      vl_err_message(&err));
		ck_assert_str_eq(account, v3_cases[_i].account);
		/* and the same request again is a replay */
		ASSERT_FAILS_WITH(run(auth, &t, NOW + 5, account, sizeof(account), &err), &err,
				  "SignatureNonceUsed");
	} else {
		ck_assert_msg(rc == -1 && strcmp(vl_err_code(&err), v3_cases[_i].want) == 0,
			      "%s: rc %d code %s (%s)", v3_cases[_i].name, rc, vl_err_code(&err),
			      vl_err_message(&err));
		ck_assert_str_eq(account, "");
	}
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* @alicloud/vpc20160428 createVpc exactly as captured (api-reference §1.6). */
START_TEST(test_v3_create_vpc_vector)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	treq_init(&t, "POST", "/");
	kvlist_parse_urlencoded(&t.req.query, "CidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1",
				strlen("CidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1"));
	kvlist_parse_urlencoded(&t.params, "CidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1",
				strlen("CidrBlock=10.0.0.0%2F16&RegionId=cn-beijing&VpcName=v1"));
	kvlist_add_str(&t.req.headers, "host", "127.0.0.1:18099");
	kvlist_add_str(&t.req.headers, "x-acs-version", "2016-04-28");
	kvlist_add_str(&t.req.headers, "x-acs-action", "CreateVpc");
	kvlist_add_str(&t.req.headers, "x-acs-date", "2026-11-28T00:23:28Z");
	kvlist_add_str(&t.req.headers, "x-acs-signature-nonce",
		       "56227194f11523e98aee3899208e5f000bc288c74b9da5d8a49a0c05f0c93e32");
	kvlist_add_str(&t.req.headers, "x-acs-content-sha256", EMPTY_SHA256);
	kvlist_add_str(&t.req.headers, "x-acs-credentials-provider", "static_ak");
	kvlist_add_str(&t.req.headers, "authorization",
		       "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-action;"
		       "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;"
		       "x-acs-signature-nonce;x-acs-version,Signature=6b52e238eea1b296511ba4f2ae9be2"
		       "0f8c46d02de18c3e775c32e4d784acfccf");
	ck_assert_int_eq(run(auth, &t, NOW, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "acct-ak");
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* ---- unsigned and odd requests, strict mode ---- */

static const struct {
	const char *name;
	const char *akid;		/* AccessKeyId param, NULL: none */
	const char *authorization;	/* header, NULL: none */
	const char *want;
	int http;
} unsigned_cases[] = {
	{ "nothing", NULL, NULL, "MissingAccessKeyId", 400 },
	{ "empty key", "", NULL, "MissingAccessKeyId", 400 },
	{ "key, no signature", "ak", NULL, "MissingSignature", 400 },
	{ "other scheme", "ak", "Bearer abc", "IncompleteSignature", 400 },
	{ "ROA v1 scheme", NULL, "acs ak:c2lnbmF0dXJl", "IncompleteSignature", 400 },
};

START_TEST(test_unsigned_cases)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	treq_init(&t, "GET", "/");
	treq_param(&t, "Action", "DescribeVpcs");
	if (unsigned_cases[_i].akid)
		treq_param(&t, "AccessKeyId", unsigned_cases[_i].akid);
	if (unsigned_cases[_i].authorization)
		kvlist_add_str(&t.req.headers, "authorization", unsigned_cases[_i].authorization);
	ASSERT_FAILS_WITH(run(auth, &t, NOW, account, sizeof(account), &err), &err,
			  unsigned_cases[_i].want);
	ck_assert_int_eq(vl_code_http_status(err.code), unsigned_cases[_i].http);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* ---- open mode ---- */

START_TEST(test_open_mode)
{
	struct auth *auth = NULL;
	struct treq t;
	struct vl_err err;
	char account[64], tiny[4];

	ck_assert_int_eq(auth_create(&auth, AUTH_OPEN, NULL, &err), 0);

	/* unsigned: the default account */
	treq_init(&t, "GET", "/");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "default");
	/* any key an SDK is configured with acts for the same account as unsigned curl */
	treq_param(&t, "AccessKeyId", "LTAIanything");
	treq_param(&t, "Signature", "garbage");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "default");
	/* except a 16-digit account id, which names that account */
	treq_param(&t, "AccessKeyId", "1234567890123456");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "1234567890123456");
	/* 15 or 17 digits, or not only digits: an ordinary key */
	static const char *const not_ids[] = { "123456789012345", "12345678901234567",
					       "123456789012345a", " 123456789012345", "default" };
	for (size_t i = 0; i < countof(not_ids); i++) {
		treq_param(&t, "AccessKeyId", not_ids[i]);
		ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
		ck_assert_msg(strcmp(account, "default") == 0, "%s -> %s", not_ids[i], account);
	}
	/* the account does not fit the caller's buffer: an error, never a cut name */
	ck_assert_int_eq(run(auth, &t, 0, tiny, sizeof(tiny), &err), -1);
	/* the V3 Credential is the key when the header parses, whatever the parameter says */
	treq_param(&t, "AccessKeyId", "1234567890123456");
	kvlist_add_str(&t.req.headers, "authorization",
		       "ACS3-HMAC-SHA256 Credential=1987654321098765,SignedHeaders=host,Signature=00");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "1987654321098765");
	kvlist_set(&t.req.headers, "authorization",
		   "ACS3-HMAC-SHA256 Credential=team-b,SignedHeaders=host,Signature=00");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "default");
	/* a malformed header falls back to the parameter */
	kvlist_set(&t.req.headers, "authorization", "ACS3-HMAC-SHA256 nonsense");
	ck_assert_int_eq(run(auth, &t, 0, account, sizeof(account), &err), 0);
	ck_assert_str_eq(account, "1234567890123456");
	treq_free(&t);

	/* expired, unknown, replayed, bound to nothing: none of it matters in open mode */
	v2_build(&t, "GET", "1234567890123456", "n", 0);
	v2_sign(&t, "x");
	ck_assert_int_eq(run(auth, &t, NOW, account, sizeof(account), &err), 0);
	ck_assert_int_eq(run_as(auth, &t, "CreateVpc", "2016-04-28", NOW, account, sizeof(account),
				&err), 0);
	ck_assert_str_eq(account, "1234567890123456");
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* ---- binding: the action that runs is the action that was signed (issue 10.3) ---- */

/* V2 signs parameters and method, not the path: a signed DescribeVpcs cannot run CreateVpc. */
START_TEST(test_v2_binding)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	/* the attack: a captured read-only POST DescribeVpcs sent as POST /v1/vpcs (CreateVpc) */
	v2_build(&t, "POST", "ak", "bind-1", NOW);
	treq_param(&t, "CidrBlock", "10.0.0.0/16");
	v2_sign(&t, "sk");
	ASSERT_FAILS_WITH(run_as(auth, &t, "CreateVpc", "2016-04-28", NOW, account, sizeof(account),
				 &err), &err, "SignatureDoesNotMatch");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "Action DescribeVpcs"));
	ck_assert_str_eq(account, "");
	/* same action, another API version */
	ASSERT_FAILS_WITH(run_as(auth, &t, "DescribeVpcs", "2017-09-12", NOW, account,
				 sizeof(account), &err), &err, "SignatureDoesNotMatch");
	/* the refusals did not burn the nonce: the request as signed still runs, once */
	ck_assert_int_eq(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				sizeof(account), &err), 0);
	ASSERT_FAILS_WITH(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				 sizeof(account), &err), &err, "SignatureNonceUsed");
	treq_free(&t);

	/* a V2 signature that names no action binds to nothing: refused on every route */
	v2_build(&t, "POST", "ak", "bind-2", NOW);
	treq_drop_param(&t, "Action");
	v2_sign(&t, "sk");
	ASSERT_FAILS_WITH(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				 sizeof(account), &err), &err, "SignatureDoesNotMatch");
	treq_free(&t);
	v2_build(&t, "POST", "ak", "bind-3", NOW);
	treq_drop_param(&t, "Version");
	v2_sign(&t, "sk");
	ASSERT_FAILS_WITH(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				 sizeof(account), &err), &err, "SignatureDoesNotMatch");
	treq_free(&t);

	/* V2 does not sign headers: an x-acs-action naming another action is refused too */
	v2_build(&t, "POST", "ak", "bind-4", NOW);
	v2_sign(&t, "sk");
	kvlist_add_str(&t.req.headers, "x-acs-action", "DeleteVpc");
	ASSERT_FAILS_WITH(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				 sizeof(account), &err), &err, "SignatureDoesNotMatch");
	kvlist_set(&t.req.headers, "x-acs-action", "DescribeVpcs");
	kvlist_add_str(&t.req.headers, "x-acs-version", "2016-04-28");
	ck_assert_int_eq(run_as(auth, &t, "DescribeVpcs", "2016-04-28", NOW, account,
				sizeof(account), &err), 0);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* V3 signs method, path, query, body and x-acs-*: each name it carries must be what runs. */
START_TEST(test_v3_binding)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct vl_err err;
	char account[64];

	/* x-acs-action CreateVpc signed, but the path routes elsewhere */
	v3_build(&t, "DELETE", "/v1/vpcs/vpc-1", NULL, "v3-bind-1", NOW);
	v3_sign(&t, "ak", "sk", V3_SIGNED, 0);
	ASSERT_FAILS_WITH(run_as(auth, &t, "DeleteVpc", "2016-04-28", NOW, account, sizeof(account),
				 &err), &err, "SignatureDoesNotMatch");
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "x-acs-action CreateVpc"));
	treq_free(&t);

	/* a REST request needs no x-acs-action: its method and path are signed and name it */
	v3_build(&t, "DELETE", "/v1/vpcs/vpc-1", NULL, "v3-bind-2", NOW);
	treq_drop_header(&t, "x-acs-action");
	v3_sign(&t, "ak", "sk", "host;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;"
		"x-acs-version", 0);
	ck_assert_int_eq(run_as(auth, &t, "DeleteVpc", "2016-04-28", NOW, account, sizeof(account),
				&err), 0);
	treq_free(&t);

	/* signed query Action and signed header disagree: the signer meant neither for sure */
	v3_build(&t, "POST", "/", NULL, "v3-bind-3", NOW);
	treq_param(&t, "Action", "DeleteVpc");
	v3_sign(&t, "ak", "sk", V3_SIGNED, 0);
	ASSERT_FAILS_WITH(run_as(auth, &t, "DeleteVpc", "2016-04-28", NOW, account, sizeof(account),
				 &err), &err, "SignatureDoesNotMatch");
	ASSERT_FAILS_WITH(run_as(auth, &t, "CreateVpc", "2016-04-28", NOW, account, sizeof(account),
				 &err), &err, "SignatureDoesNotMatch");
	treq_free(&t);

	/* signed x-acs-version of another API */
	v3_build(&t, "POST", "/", NULL, "v3-bind-4", NOW);
	v3_sign(&t, "ak", "sk", V3_SIGNED, 0);
	ASSERT_FAILS_WITH(run_as(auth, &t, "CreateVpc", "2017-09-12", NOW, account, sizeof(account),
				 &err), &err, "SignatureDoesNotMatch");
	ck_assert_int_eq(run_as(auth, &t, "CreateVpc", "2016-04-28", NOW, account, sizeof(account),
				&err), 0);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* ---- auth_create ---- */

static const struct {
	const char *name;
	enum auth_mode mode;
	const char *text;	/* NULL: no file */
	int ok;
	const char *msg_part;	/* expected in the error message after the path */
} create_cases[] = {
	{ "strict ok", AUTH_STRICT, creds_text, 1, NULL },
	{ "open without file", AUTH_OPEN, NULL, 1, NULL },
	{ "open with file", AUTH_OPEN, creds_text, 1, NULL },
	{ "strict without file", AUTH_STRICT, NULL, 0, "credentials file" },
	{ "strict, only comments", AUTH_STRICT, "# none\n\n", 0, "no credentials" },
	{ "two fields", AUTH_STRICT, "# c\nak sk acct\nak2 sk2\n", 0, ":3: expected" },
	{ "four fields", AUTH_STRICT, "ak sk acct extra\n", 0, ":1: expected" },
	{ "duplicate key", AUTH_STRICT, "ak sk a\n\nak sk2 b\n", 0, ":3: duplicate AccessKeyId ak" },
	{ "open, bad file", AUTH_OPEN, "x\n", 0, ":1: expected" },
	{ "no final newline", AUTH_STRICT, "ak sk acct", 1, NULL },
};

START_TEST(test_create_cases)
{
	struct auth *auth = (struct auth *)1;
	struct vl_err err;
	char *path = create_cases[_i].text ? write_temp(create_cases[_i].text) : NULL;
	int rc;

	vl_err_clear(&err);
	rc = auth_create(&auth, create_cases[_i].mode, path, &err);
	if (create_cases[_i].ok) {
		ck_assert_msg(rc == 0, "%s: %s", create_cases[_i].name, vl_err_message(&err));
		ck_assert_ptr_nonnull(auth);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(auth);
		ck_assert_msg(strstr(vl_err_message(&err), create_cases[_i].msg_part) != NULL,
			      "%s: message %s", create_cases[_i].name, vl_err_message(&err));
		if (path)
			ck_assert_msg(strstr(vl_err_message(&err), path) != NULL, "no path in %s",
				      vl_err_message(&err));
	}
	auth_free(auth);
	if (path)
		unlink(path);
	free(path);
}
END_TEST

START_TEST(test_create_missing_file)
{
	struct auth *auth = NULL;
	struct vl_err err;

	ck_assert_int_eq(auth_create(&auth, AUTH_STRICT, "/nonexistent/vpnlab-creds", &err), -1);
	ck_assert_ptr_null(auth);
	ck_assert_ptr_nonnull(strstr(vl_err_message(&err), "/nonexistent/vpnlab-creds"));
	auth_free(NULL);
}
END_TEST

/* ---- concurrency: one nonce, many threads, exactly one winner ---- */

struct race {
	struct auth *auth;
	struct treq *t;
	int ok;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	struct vl_err err;
	char account[64];

	r->ok = run_as(r->auth, r->t, "DescribeVpcs", "2016-04-28", NOW, account, sizeof(account),
		       &err) == 0;
	return NULL;
}

START_TEST(test_nonce_race)
{
	struct auth *auth = strict_auth();
	struct treq t;
	struct race r[8];
	pthread_t th[8];
	int wins = 0;

	v2_build(&t, "GET", "ak", "raced", NOW);
	v2_sign(&t, "sk");
	for (int i = 0; i < 8; i++) {
		r[i] = (struct race){ auth, &t, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, race_thread, &r[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		wins += r[i].ok;
	}
	ck_assert_int_eq(wins, 1);
	treq_free(&t);
	auth_free(auth);
}
END_TEST

/* Signs and sends one V2 DescribeVpcs of akid with nonce and timestamp ts, at now. */
static int send_v2(struct auth *auth, const char *akid, const char *nonce, time_t ts, time_t now,
		   struct vl_err *err)
{
	struct treq t;
	char account[64];
	int rc;

	v2_build(&t, "GET", akid, nonce, ts);
	v2_sign(&t, strcmp(akid, "testid") == 0 ? "testsecret" : "sk");
	rc = run(auth, &t, now, account, sizeof(account), err);
	treq_free(&t);
	return rc;
}

/*
 * Issue 10.4: one key's flood cannot flush another key's nonces.  The old store held
 * 65,536 nonces for all keys and evicted the oldest, so 66,000 requests of one tenant
 * made another's captured request replayable.
 */
START_TEST(test_nonce_flood)
{
	struct auth *auth = strict_auth();
	struct vl_err err;
	char nonce[32];

	/* the victim's request, captured by the attacker */
	ck_assert_int_eq(send_v2(auth, "testid", "victim", NOW, NOW, &err), 0);
	for (int i = 0; i < 66000; i++) {
		snprintf(nonce, sizeof(nonce), "flood-%d", i);
		ck_assert_int_eq(send_v2(auth, "ak", nonce, NOW, NOW + i / 1000, &err), 0);
	}
	ASSERT_FAILS_WITH(send_v2(auth, "testid", "victim", NOW, NOW + 66, &err), &err,
			  "SignatureNonceUsed");
	/* and the flooder's own first nonce is still remembered */
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "flood-0", NOW, NOW + 66, &err), &err,
			  "SignatureNonceUsed");
	auth_free(auth);
}
END_TEST

/* Past its cap a key is throttled; its nonces are never evicted, others are untouched. */
START_TEST(test_nonce_cap)
{
	struct auth *auth = strict_auth();
	struct vl_err err;
	char nonce[32];

	auth_set_nonce_cap(auth, 100);
	ck_assert_int_eq(send_v2(auth, "testid", "victim", NOW, NOW, &err), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(nonce, sizeof(nonce), "capped-%d", i);
		ck_assert_int_eq(send_v2(auth, "ak", nonce, NOW, NOW + 10, &err), 0);
	}
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "capped-100", NOW, NOW + 10, &err), &err,
			  "Throttling.User");
	ck_assert_int_eq(vl_code_http_status(err.code), 400);
	/* a replay is still called a replay, throttled or not */
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "capped-0", NOW, NOW + 10, &err), &err,
			  "SignatureNonceUsed");
	/* the other key works, and its captured request still cannot be replayed */
	ck_assert_int_eq(send_v2(auth, "testid", "victim-2", NOW, NOW + 10, &err), 0);
	ASSERT_FAILS_WITH(send_v2(auth, "testid", "victim", NOW, NOW + 10, &err), &err,
			  "SignatureNonceUsed");
	/* once the flooder's timestamps expire, so do its nonces, and it may send again */
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "capped-100", NOW, NOW + 900, &err), &err,
			  "Throttling.User");
	ck_assert_int_eq(send_v2(auth, "ak", "capped-100", NOW + 901, NOW + 901, &err), 0);
	/* a raised cap applies at once */
	auth_set_nonce_cap(auth, 1000);
	ck_assert_int_eq(send_v2(auth, "ak", "capped-101", NOW + 901, NOW + 901, &err), 0);
	auth_free(auth);
}
END_TEST

/*
 * Issue 10.5: a nonce is kept until its request's timestamp can no longer be accepted.
 * A request stamped 14 minutes ahead passes the timestamp check for 29 minutes; the old
 * cache forgot its nonce 15 minutes after first use, so it could be replayed at +905 s.
 * The clock is the now argument.
 */
START_TEST(test_nonce_future_timestamp)
{
	struct auth *auth = strict_auth();
	struct vl_err err;

	ck_assert_int_eq(send_v2(auth, "ak", "ahead", NOW + 840, NOW, &err), 0);
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "ahead", NOW + 840, NOW + 905, &err), &err,
			  "SignatureNonceUsed");
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "ahead", NOW + 840, NOW + 1740, &err), &err,
			  "SignatureNonceUsed");
	/* one second later the timestamp itself is refused */
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "ahead", NOW + 840, NOW + 1741, &err), &err,
			  "InvalidTimeStamp.Expired");
	/* and the nonce is free again for a request with a fresh timestamp */
	ck_assert_int_eq(send_v2(auth, "ak", "ahead", NOW + 1741, NOW + 1741, &err), 0);

	/* a request stamped in the past is forgotten sooner: at its timestamp + 900 s */
	ck_assert_int_eq(send_v2(auth, "ak", "behind", NOW - 800, NOW, &err), 0);
	ASSERT_FAILS_WITH(send_v2(auth, "ak", "behind", NOW - 800, NOW + 100, &err), &err,
			  "SignatureNonceUsed");
	ck_assert_int_eq(send_v2(auth, "ak", "behind", NOW + 101, NOW + 101, &err), 0);

	/* a clock jump of hours sweeps the whole store in one pass, and nothing leaks */
	ck_assert_int_eq(send_v2(auth, "ak", "ahead", NOW + 86400, NOW + 86400, &err), 0);
	auth_free(auth);
}
END_TEST

Suite *auth_suite_create(void)
{
	const struct test_entry v2[] = {
		{ test_v2_cases, countof(v2_cases) }, { test_v2_mismatch_message },
		{ test_v2_pop_core_vector }, { test_v2_nonce_reuse }, { test_v2_binding },
	};
	const struct test_entry v3[] = {
		{ test_v3_cases, countof(v3_cases) }, { test_v3_create_vpc_vector }, { test_v3_binding },
	};
	const struct test_entry modes[] = {
		{ test_unsigned_cases, countof(unsigned_cases) }, { test_open_mode },
		{ test_create_cases, countof(create_cases) }, { test_create_missing_file },
	};
	const struct test_entry nonce[] = {
		{ test_nonce_race }, { test_nonce_flood }, { test_nonce_cap },
		{ test_nonce_future_timestamp },
	};
	const struct test_case cases[] = {
		TEST_CASE(v2), TEST_CASE(v3), TEST_CASE(modes),
		{ "nonce", nonce, countof(nonce), NULL, NULL, 60 },
	};

	return test_suite_of_cases("auth", NULL, NULL, cases, countof(cases));
}
