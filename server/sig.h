#ifndef VL_SIG_H
#define VL_SIG_H

#include <stddef.h>

#include "kv.h"

/*
 * Alibaba Cloud request signatures, as pure functions over decoded parameters:
 *   V2 (RPC, HMAC-SHA1):  Signature = base64(HMAC-SHA1(secret + "&", StringToSign))
 *   V3 (ACS3-HMAC-SHA256): Signature = hex(HMAC-SHA256(secret, StringToSign))
 * See api-reference.md §1.3/§1.4.  No function here keeps state; all are thread-safe.
 * Every returned char * is malloc'd and owned by the caller (free()); NULL means
 * out of memory unless documented otherwise.
 */

#define SIG_V2_SIZE 29		/* base64 of a SHA-1 HMAC (28) + NUL */
#define SIG_HEX256_SIZE 65	/* hex of a SHA-256 digest (64) + NUL */
#define SIG_V3_ALGORITHM "ACS3-HMAC-SHA256"

/* A borrowed slice of some caller-owned string (not NUL-terminated). */
struct sig_span {
	const char *ptr;
	size_t len;
};

/*
 * Alibaba's RFC 3986 variant: A-Z a-z 0-9 - _ . ~ stay, every other byte becomes
 * %XX with uppercase hex (space -> %20, '*' -> %2A, '/' -> %2F).  s may hold NULs.
 * Returns a new NUL-terminated string; the caller frees.
 */
char *sig_percent_encode(const char *s, size_t len);

/* Flags for sig_canonical_query. */
enum {
	/* A parameter with an empty value canonicalizes as "k" instead of "k=" (the
	 * Python V3 util does this; the Go and JS ones write "k="). */
	SIG_QUERY_BARE_EMPTY = 1u << 0,
};

/*
 * The canonicalized query string shared by V2 and V3: every parameter of params
 * except those named exclude (NULL: none), name and value percent-encoded, sorted by
 * encoded name (byte order), joined as k=v with '&'.  When a name occurs more than
 * once the last value wins, as kvlist_get() and the SDKs' maps do.
 * V2: sig_canonical_query(merged query+form, "Signature", 0).
 * V3: sig_canonical_query(&req->query, NULL, 0).
 * Returns a new string ("" for no parameters); the caller frees.
 */
char *sig_canonical_query(const struct kvlist *params, const char *exclude, unsigned flags);

/*
 * V2 StringToSign: method + "&%2F&" + percentEncode(canonical query of params
 * without "Signature").  method is used as given (the HTTP method actually used).
 * Returns a new string; the caller frees.
 */
char *sig_v2_string_to_sign(const char *method, const struct kvlist *params);

/*
 * V2 signature of string_to_sign with key secret + "&", base64 into out.
 * Returns 0, or -1 if the crypto library fails (out is then "").
 */
int sig_v2_sign(const char *secret, const char *string_to_sign, char out[SIG_V2_SIZE]);

/* Lowercase hex SHA-256 of data[0..len) into out (data may be NULL when len is 0). */
void sig_sha256_hex(const void *data, size_t len, char out[SIG_HEX256_SIZE]);

/*
 * V3 canonical URI: path split on '/', each segment percent-encoded, joined with
 * '/'.  NULL or "" gives "/".  path is the decoded path.  Returns a new string.
 */
char *sig_v3_canonical_uri(const char *path);

/*
 * V3 canonical headers: for each name in signed_headers (';'-separated, in that
 * order), "name:value\n" with name lowercased and value trimmed of surrounding
 * whitespace.  A header sent several times gives its trimmed values sorted and
 * joined with ','; a listed header that was not sent gives "name:\n" (so the
 * signature cannot match unless the client signed it empty).  headers is looked up
 * case-insensitively.  Returns a new string; the caller frees.
 */
char *sig_v3_canonical_headers(const struct kvlist *headers, struct sig_span signed_headers);

/* Everything a V3 canonical request is built from; all members borrowed. */
struct sig_v3_request {
	const char *method;		/* as sent, e.g. "POST" */
	const char *path;		/* decoded path, NULL -> "/" */
	const struct kvlist *query;	/* decoded query parameters only */
	const struct kvlist *headers;	/* request headers */
	struct sig_span signed_headers;	/* SignedHeaders from Authorization */
	const char *payload_hash;	/* x-acs-content-sha256 as sent */
	unsigned query_flags;		/* SIG_QUERY_* for the canonical query */
};

/*
 * CanonicalRequest = METHOD \n URI \n QUERY \n HEADERS \n SIGNED_HEADERS \n PAYLOAD_HASH
 * (HEADERS already ends in '\n', so an empty line follows it).
 * Returns a new string; the caller frees.
 */
char *sig_v3_canonical_request(const struct sig_v3_request *in);

/*
 * V3 StringToSign: "ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request)).
 * Returns a new string; the caller frees.
 */
char *sig_v3_string_to_sign(const char *canonical_request);

/*
 * V3 signature: lowercase hex HMAC-SHA256(secret, string_to_sign) into out.
 * Returns 0, or -1 if the crypto library fails (out is then "").
 */
int sig_v3_sign(const char *secret, const char *string_to_sign, char out[SIG_HEX256_SIZE]);

/* The three parts of a V3 Authorization header; spans point into the header. */
struct sig_v3_auth {
	struct sig_span credential;	/* AccessKeyId */
	struct sig_span signed_headers;	/* "host;x-acs-date;..." */
	struct sig_span signature;	/* hex, as sent */
};

/*
 * Parses "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=.." (parts in
 * any order, optional blanks after commas).  Returns 0 with *out filled (borrowing
 * from header, which must outlive *out), or -1 when the algorithm is not
 * ACS3-HMAC-SHA256, a part is missing, empty, repeated or unknown.
 */
int sig_v3_parse_authorization(const char *header, struct sig_v3_auth *out);

/* Constant-time equality of two NUL-terminated strings (length leaks, content not). */
int sig_equal(const char *a, const char *b);

#endif
