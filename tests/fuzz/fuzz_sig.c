/*
 * libFuzzer harness for the signature canonicalizers and auth_authenticate (strict).
 *
 * Input: byte 0 = flags, then up to four '\n'-separated parts:
 *   query string (url-encoded) \n Authorization header \n body \n path
 * Flag bit 0: the harness V2-signs the parsed parameters itself, bit 1: it V3-signs
 * the request, so the success path (and the nonce cache) is reached too; otherwise
 * the request goes in as the bytes say.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "errors.h"
#include "kv.h"
#include "request.h"
#include "sig.h"

#define NOW ((time_t)1795825408)	/* 2026-11-28T00:23:28Z */
#define NOW_TEXT "2026-11-28T00:23:28Z"
#define V3_SIGNED "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct auth *strict_auth(void)
{
	static struct auth *auth;
	static const char creds[] = "# fuzz\nak sk acct\nLTAIfuzz s3cr3t acct2\n";
	char path[] = "/tmp/vpnlab-fuzz-creds-XXXXXX";
	struct vl_err err;
	int fd;

	if (auth)
		return auth;
	if ((fd = mkstemp(path)) < 0 || write(fd, creds, sizeof(creds) - 1) < 0)
		abort();
	close(fd);
	if (auth_create(&auth, AUTH_STRICT, path, &err) < 0)
		abort();
	unlink(path);
	return auth;
}

/* Splits data[0..size) on '\n' into at most n NUL-terminated parts (missing: ""). */
static void split(const uint8_t *data, size_t size, char **part, int n)
{
	size_t start = 0;

	for (int i = 0; i < n; i++) {
		size_t end = start;

		while (end < size && (data[end] != '\n' || i == n - 1))
			end++;
		part[i] = strndup(start < size ? (const char *)data + start : "",
				  start < size ? end - start : 0);
		start = end + 1;
	}
}

static void exercise_sig(struct vl_request *req, const struct kvlist *params, const char *authz)
{
	struct sig_v3_auth a;
	char *s;

	free(sig_canonical_query(params, "Signature", 0));
	free(sig_canonical_query(&req->query, NULL, SIG_QUERY_BARE_EMPTY));
	free(sig_v2_string_to_sign(req->method, params));
	free(sig_v3_canonical_uri(req->path));
	if ((s = sig_percent_encode(authz, strlen(authz))) != NULL)
		free(s);
	if (sig_v3_parse_authorization(authz, &a) == 0) {
		struct sig_v3_request in = {
			.method = req->method,
			.path = req->path,
			.query = &req->query,
			.headers = &req->headers,
			.signed_headers = a.signed_headers,
			.payload_hash = "",
		};

		free(sig_v3_canonical_headers(&req->headers, a.signed_headers));
		free(sig_v3_canonical_request(&in));
	}
}

static void sign_v2(struct vl_request *req, struct kvlist *params)
{
	char sig[SIG_V2_SIZE];
	char *sts;

	kvlist_set(params, "AccessKeyId", "ak");
	/* the action the harness routes to, unless the input names another */
	if (kvlist_get(params, "Action") == NULL)
		kvlist_set(params, "Action", "CreateVpc");
	if (kvlist_get(params, "Version") == NULL)
		kvlist_set(params, "Version", "2016-04-28");
	kvlist_set(params, "SignatureMethod", "HMAC-SHA1");
	kvlist_set(params, "SignatureVersion", "1.0");
	kvlist_set(params, "Timestamp", NOW_TEXT);
	if (kvlist_get(params, "SignatureNonce") == NULL)
		kvlist_set(params, "SignatureNonce", "n");
	if ((sts = sig_v2_string_to_sign(req->method, params)) == NULL)
		return;
	if (sig_v2_sign("sk", sts, sig) == 0)
		kvlist_set(params, "Signature", sig);
	free(sts);
}

static void sign_v3(struct vl_request *req)
{
	struct sig_v3_request in = {
		.method = req->method,
		.path = req->path,
		.query = &req->query,
		.headers = &req->headers,
		.signed_headers = { V3_SIGNED, sizeof(V3_SIGNED) - 1 },
		.payload_hash = kvlist_get(&req->headers, "x-acs-content-sha256"),
	};
	char sig[SIG_HEX256_SIZE], header[256];
	char *canonical = sig_v3_canonical_request(&in);
	char *sts = canonical ? sig_v3_string_to_sign(canonical) : NULL;

	if (sts && sig_v3_sign("sk", sts, sig) == 0) {
		snprintf(header, sizeof(header),
			 "ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=" V3_SIGNED ",Signature=%s", sig);
		kvlist_set(&req->headers, "authorization", header);
	}
	free(canonical);
	free(sts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth *auth = strict_auth();
	struct vl_request req;
	struct kvlist params;
	struct vl_err err;
	const struct auth_target target = { "CreateVpc", "2016-04-28" };
	char account[64], hash[SIG_HEX256_SIZE];
	char *part[4];
	unsigned flags;

	if (size == 0)
		return 0;
	flags = data[0];
	split(data + 1, size - 1, part, 4);
	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "%s", flags & 4 ? "GET" : "POST");
	req.path = part[3][0] ? part[3] : "/";
	kvlist_init(&req.query);
	kvlist_init(&req.form);
	kvlist_init(&req.headers);
	kvlist_init(&params);
	/* a malformed escape keeps what was decoded before it, as the server does */
	kvlist_parse_urlencoded(&req.query, part[0], strlen(part[0]));
	kvlist_parse_urlencoded(&params, part[0], strlen(part[0]));
	req.body = part[2];
	req.body_len = strlen(part[2]);
	sig_sha256_hex(req.body, req.body_len, hash);
	kvlist_add_str(&req.headers, "host", "127.0.0.1:8080");
	kvlist_add_str(&req.headers, "x-acs-action", "CreateVpc");
	kvlist_add_str(&req.headers, "x-acs-date", NOW_TEXT);
	kvlist_add_str(&req.headers, "x-acs-signature-nonce", part[0]);
	kvlist_add_str(&req.headers, "x-acs-content-sha256", hash);
	if (part[1][0])
		kvlist_add_str(&req.headers, "authorization", part[1]);

	exercise_sig(&req, &params, part[1]);
	if (flags & 1)
		sign_v2(&req, &params);
	if (flags & 2)
		sign_v3(&req);
	vl_err_clear(&err);
	if (auth_authenticate(auth, &req, &params, &target, NOW, account, sizeof(account), &err) == 0) {
		if (strlen(account) >= sizeof(account) || account[0] == '\0')
			abort();
	} else if (vl_code_http_status(err.code) < 400) {
		abort();	/* a failure always carries an error status */
	}

	kvlist_free(&req.query);
	kvlist_free(&req.form);
	kvlist_free(&req.headers);
	kvlist_free(&params);
	for (int i = 0; i < 4; i++)
		free(part[i]);
	return 0;
}
