#include "sig.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

/* A growable NUL-terminated string; after a failed append, ok is 0 and stays 0. */
struct buf {
	char *s;
	size_t len;
	size_t cap;
	int ok;
};

static void buf_init(struct buf *b)
{
	b->s = NULL;
	b->len = 0;
	b->cap = 0;
	b->ok = 1;
}

static int buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *s;

	if (!b->ok)
		return -1;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if ((s = realloc(b->s, cap)) == NULL)
		goto fail;
	b->s = s;
	b->cap = cap;
	return 0;
fail:
	b->ok = 0;
	return -1;
}

static void buf_add(struct buf *b, const char *s, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return;
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Hands the string to the caller (NULL if any append failed) and resets b. */
static char *buf_take(struct buf *b)
{
	char *s = NULL;

	if (buf_reserve(b, 0) == 0) {
		s = b->s;
		s[b->len] = '\0';
	} else {
		free(b->s);
	}
	buf_init(b);
	return s;
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~';
}

static void buf_add_encoded(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";

	if (buf_reserve(b, len * 3) < 0)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (unreserved(c)) {
			b->s[b->len++] = (char)c;
		} else {
			b->s[b->len++] = '%';
			b->s[b->len++] = hex[c >> 4];
			b->s[b->len++] = hex[c & 15];
		}
	}
	b->s[b->len] = '\0';
}

char *sig_percent_encode(const char *s, size_t len)
{
	struct buf b;

	buf_init(&b);
	buf_add_encoded(&b, s, len);
	return buf_take(&b);
}

static void to_hex(const unsigned char *md, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
}

/* ---- canonical query ---- */

struct enc_pair {
	char *name;
	char *value;
	size_t order;	/* position in params, to keep the sort stable */
};

static int enc_pair_cmp(const void *pa, const void *pb)
{
	const struct enc_pair *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c)
		return c;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void free_pairs(struct enc_pair *pairs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(pairs[i].name);
		free(pairs[i].value);
	}
	free(pairs);
}

char *sig_canonical_query(const struct kvlist *params, const char *exclude, unsigned flags)
{
	struct enc_pair *pairs = NULL;
	size_t n = 0;
	struct buf b;
	char *out = NULL;

	buf_init(&b);
	if (params->len && (pairs = calloc(params->len, sizeof(*pairs))) == NULL)
		goto out;
	for (size_t i = 0; i < params->len; i++) {
		const struct kv *kv = &params->items[i];

		if (exclude && strcmp(kv->name, exclude) == 0)
			continue;
		pairs[n].order = i;
		pairs[n].name = sig_percent_encode(kv->name, strlen(kv->name));
		pairs[n].value = sig_percent_encode(kv->value, strlen(kv->value));
		n++;
		if (pairs[n - 1].name == NULL || pairs[n - 1].value == NULL)
			goto out;
	}
	if (n > 1)
		qsort(pairs, n, sizeof(*pairs), enc_pair_cmp);
	for (size_t i = 0; i < n; i++) {
		/* equal names are adjacent and in arrival order: keep only the last */
		if (i + 1 < n && strcmp(pairs[i].name, pairs[i + 1].name) == 0)
			continue;
		if (b.len)
			buf_add(&b, "&", 1);
		buf_adds(&b, pairs[i].name);
		if (pairs[i].value[0] || !(flags & SIG_QUERY_BARE_EMPTY)) {
			buf_add(&b, "=", 1);
			buf_adds(&b, pairs[i].value);
		}
	}
	out = buf_take(&b);
out:
	free(b.s);
	free_pairs(pairs, n);
	return out;
}

/* ---- V2 ---- */

char *sig_v2_string_to_sign(const char *method, const struct kvlist *params)
{
	char *canonical = NULL;
	struct buf b;

	buf_init(&b);
	if ((canonical = sig_canonical_query(params, "Signature", 0)) == NULL)
		return NULL;
	buf_adds(&b, method);
	buf_adds(&b, "&%2F&");
	buf_add_encoded(&b, canonical, strlen(canonical));
	free(canonical);
	return buf_take(&b);
}

int sig_v2_sign(const char *secret, const char *string_to_sign, char out[SIG_V2_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t slen = strlen(secret);
	char *key = NULL;
	int rc = -1;

	out[0] = '\0';
	if ((key = malloc(slen + 2)) == NULL)
		goto out;
	memcpy(key, secret, slen);
	memcpy(key + slen, "&", 2);
	if (HMAC(EVP_sha1(), key, (int)(slen + 1), (const unsigned char *)string_to_sign,
		 strlen(string_to_sign), md, &md_len) == NULL || md_len != SHA_DIGEST_LENGTH)
		goto out;
	EVP_EncodeBlock((unsigned char *)out, md, (int)md_len);
	rc = 0;
out:
	if (key)
		OPENSSL_cleanse(key, slen + 1);
	free(key);
	return rc;
}

/* ---- V3 ---- */

void sig_sha256_hex(const void *data, size_t len, char out[SIG_HEX256_SIZE])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(data ? data : (const void *)"", len, md);
	to_hex(md, sizeof(md), out);
}

char *sig_v3_canonical_uri(const char *path)
{
	struct buf b;
	const char *p;

	if (path == NULL || path[0] == '\0')
		path = "/";
	buf_init(&b);
	for (p = path;;) {
		const char *slash = strchr(p, '/');
		size_t seg = slash ? (size_t)(slash - p) : strlen(p);

		buf_add_encoded(&b, p, seg);
		if (slash == NULL)
			break;
		buf_add(&b, "/", 1);
		p = slash + 1;
	}
	return buf_take(&b);
}

static int str_ptr_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* Appends "name:v1,v2\n" for one signed header name (given lowercase). */
static void add_canonical_header(struct buf *b, const struct kvlist *headers, const char *name)
{
	char **vals = NULL;
	size_t n = 0;

	if (headers->len && (vals = calloc(headers->len, sizeof(*vals))) == NULL) {
		b->ok = 0;
		return;
	}
	for (size_t i = 0; i < headers->len; i++) {
		const char *v = headers->items[i].value;
		size_t len;

		if (strcasecmp(headers->items[i].name, name) != 0)
			continue;
		while (*v && isspace((unsigned char)*v))
			v++;
		len = strlen(v);
		while (len && isspace((unsigned char)v[len - 1]))
			len--;
		if ((vals[n] = strndup(v, len)) == NULL) {
			b->ok = 0;
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(vals, n, sizeof(*vals), str_ptr_cmp);
	buf_adds(b, name);
	buf_add(b, ":", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_add(b, ",", 1);
		buf_adds(b, vals[i]);
	}
	buf_add(b, "\n", 1);
out:
	for (size_t i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
}

char *sig_v3_canonical_headers(const struct kvlist *headers, struct sig_span signed_headers)
{
	struct buf b;
	size_t start = 0;

	buf_init(&b);
	while (start < signed_headers.len && b.ok) {
		size_t end = start;
		char *name;

		while (end < signed_headers.len && signed_headers.ptr[end] != ';')
			end++;
		if (end > start) {
			if ((name = strndup(signed_headers.ptr + start, end - start)) == NULL) {
				b.ok = 0;
				break;
			}
			for (char *c = name; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			add_canonical_header(&b, headers, name);
			free(name);
		}
		start = end + 1;
	}
	return buf_take(&b);
}

char *sig_v3_canonical_request(const struct sig_v3_request *in)
{
	char *uri = NULL, *query = NULL, *headers = NULL, *out = NULL;
	struct buf b;

	buf_init(&b);
	uri = sig_v3_canonical_uri(in->path);
	query = sig_canonical_query(in->query, NULL, in->query_flags);
	headers = sig_v3_canonical_headers(in->headers, in->signed_headers);
	if (uri == NULL || query == NULL || headers == NULL)
		goto out;
	buf_adds(&b, in->method);
	buf_add(&b, "\n", 1);
	buf_adds(&b, uri);
	buf_add(&b, "\n", 1);
	buf_adds(&b, query);
	buf_add(&b, "\n", 1);
	buf_adds(&b, headers);
	buf_add(&b, "\n", 1);
	buf_add(&b, in->signed_headers.ptr, in->signed_headers.len);
	buf_add(&b, "\n", 1);
	buf_adds(&b, in->payload_hash ? in->payload_hash : "");
	out = buf_take(&b);
out:
	free(b.s);
	free(uri);
	free(query);
	free(headers);
	return out;
}

char *sig_v3_string_to_sign(const char *canonical_request)
{
	static const char prefix[] = SIG_V3_ALGORITHM "\n";
	char *out = malloc(sizeof(prefix) - 1 + SIG_HEX256_SIZE);

	if (out == NULL)
		return NULL;
	memcpy(out, prefix, sizeof(prefix) - 1);
	sig_sha256_hex(canonical_request, strlen(canonical_request), out + sizeof(prefix) - 1);
	return out;
}

int sig_v3_sign(const char *secret, const char *string_to_sign, char out[SIG_HEX256_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	out[0] = '\0';
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)string_to_sign,
		 strlen(string_to_sign), md, &md_len) == NULL || md_len != SHA256_DIGEST_LENGTH)
		return -1;
	to_hex(md, md_len, out);
	return 0;
}

/* ---- Authorization header ---- */

/* Matches one "Key=value" part against its name; fills *slot if empty so far. */
static int take_part(const char *part, size_t len, const char *key, struct sig_span *slot)
{
	size_t klen = strlen(key);

	if (len <= klen || strncmp(part, key, klen) != 0 || part[klen] != '=')
		return 0;
	if (slot->ptr != NULL || len == klen + 1)
		return -1;	/* repeated or empty */
	slot->ptr = part + klen + 1;
	slot->len = len - klen - 1;
	return 1;
}

int sig_v3_parse_authorization(const char *header, struct sig_v3_auth *out)
{
	static const char algo[] = SIG_V3_ALGORITHM " ";
	const char *p;

	memset(out, 0, sizeof(*out));
	if (strncmp(header, algo, sizeof(algo) - 1) != 0)
		return -1;
	p = header + sizeof(algo) - 1;
	for (;;) {
		const char *end;
		size_t len;
		int r;

		while (*p == ' ')
			p++;
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		while (len && p[len - 1] == ' ')
			len--;
		if ((r = take_part(p, len, "Credential", &out->credential)) == 0 &&
		    (r = take_part(p, len, "SignedHeaders", &out->signed_headers)) == 0)
			r = take_part(p, len, "Signature", &out->signature);
		if (r <= 0)
			return -1;
		if (end == NULL)
			break;
		p = end + 1;
	}
	if (!out->credential.ptr || !out->signed_headers.ptr || !out->signature.ptr)
		return -1;
	return 0;
}

int sig_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}
