/*
 * Request authentication in the cloud's two dialects (api-reference.md §1.3, §1.4):
 * V2 signs the parameters (Signature, SignatureNonce, Timestamp among them), V3
 * signs a canonical request named by an "Authorization: ACS3-HMAC-SHA256 ..." header.
 * Error codes and messages follow what the cloud returns; where a source was not
 * found the choice is said at the place it is made.
 */
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "sig.h"

#define AUTH_WINDOW 900		/* seconds: the cloud's 15-minute timestamp/nonce window */
#define DEFAULT_ACCOUNT "default"
#define ACCOUNT_ID_DIGITS 16	/* an Alibaba Cloud account id (UID): 16 decimal digits */
/*
 * A timing-wheel slot per second of expiry.  Expiry = timestamp + AUTH_WINDOW and a
 * timestamp is at most AUTH_WINDOW ahead, so every live entry expires within
 * 2 * AUTH_WINDOW seconds from now: fewer seconds than slots.
 */
#define NONCE_WHEEL 2048
#define NONCE_MIN_BUCKETS 1024

struct cred {
	char *akid;
	char *secret;
	char *account;
	size_t live_nonces;	/* entries of this key in the nonce store (guarded by auth->lock) */
};

/*
 * Replay protection (design; README "Authentication").  A nonce is remembered until
 * the request that carried it can no longer be accepted: its timestamp passes while
 * now <= timestamp + AUTH_WINDOW, so the entry lives exactly that long (a request
 * stamped 14 minutes ahead is remembered for 29 minutes, not 15).  No entry is ever
 * evicted before that, so no amount of traffic from anyone can make room for a
 * replay.  Memory is bounded per AccessKeyId instead: a key may hold at most
 * nonce_cap live nonces, and past that its own new requests are refused with
 * Throttling.User until its entries expire; other keys are untouched.  The whole
 * store is thus bounded by (keys in the credentials file) x nonce_cap.
 *
 * Structure: a chained hash set keyed by AccessKeyId '\0' nonce, grown and shrunk
 * with its population, and a timing wheel of one-second slots by expiry, so that
 * expiring costs only the entries that expire.
 */
struct nonce_entry {
	struct nonce_entry *hash_next;
	struct nonce_entry *wheel_next;
	struct cred *owner;	/* whose live_nonces this entry counts in */
	time_t expires;		/* forgotten once now > expires */
	uint64_t hash;
	size_t key_len;
	char key[];		/* AccessKeyId '\0' nonce, not NUL-terminated */
};

struct nonce_store {
	struct nonce_entry **buckets;
	size_t nbuckets;	/* a power of two */
	size_t count;
	struct nonce_entry *wheel[NONCE_WHEEL];
	time_t swept_until;	/* entries expiring before this second are gone */
	uint64_t seed;		/* per process: chains cannot be predicted from outside */
};

struct auth {
	enum auth_mode mode;
	struct cred *creds;
	size_t ncreds;
	size_t nonce_cap;	/* live nonces per AccessKeyId */
	pthread_mutex_t lock;	/* guards nonces and every cred's live_nonces */
	struct nonce_store nonces;
};

/* ---- nonce store ---- */

static uint64_t nonce_hash(uint64_t seed, const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	/* murmur3's finaliser: FNV's low bits, which pick the bucket, mix poorly */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static int nonce_init(struct nonce_store *s)
{
	struct timespec ts;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_REALTIME, &ts);
	s->seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec ^
		  (uint64_t)(uintptr_t)s;
	s->nbuckets = NONCE_MIN_BUCKETS;
	s->buckets = calloc(s->nbuckets, sizeof(*s->buckets));
	return s->buckets ? 0 : -1;
}

/* Rehashes into n buckets; on ENOMEM keeps the old table (longer chains, still correct). */
static void nonce_rehash(struct nonce_store *s, size_t n)
{
	struct nonce_entry **buckets = calloc(n, sizeof(*buckets));

	if (buckets == NULL)
		return;
	for (size_t i = 0; i < s->nbuckets; i++) {
		struct nonce_entry *e = s->buckets[i], *next;

		for (; e; e = next) {
			next = e->hash_next;
			e->hash_next = buckets[e->hash & (n - 1)];
			buckets[e->hash & (n - 1)] = e;
		}
	}
	free(s->buckets);
	s->buckets = buckets;
	s->nbuckets = n;
}

/* Unlinks e from its hash chain and frees it (the caller unlinks it from the wheel). */
static void nonce_forget(struct nonce_store *s, struct nonce_entry *e)
{
	struct nonce_entry **pp = &s->buckets[e->hash & (s->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->hash_next;
	*pp = e->hash_next;
	e->owner->live_nonces--;
	s->count--;
	free(e);
}

/* Forgets every entry whose request can no longer be accepted at now (expires < now). */
static void nonce_sweep(struct nonce_store *s, time_t now)
{
	time_t from = s->swept_until;

	if (now <= from)
		return;
	/* a long quiet spell: one pass over the whole wheel covers every second */
	if (now - from > NONCE_WHEEL)
		from = now - NONCE_WHEEL;
	for (time_t sec = from; sec < now; sec++) {
		struct nonce_entry **pp = &s->wheel[(uint64_t)sec & (NONCE_WHEEL - 1)];

		while (*pp) {
			struct nonce_entry *e = *pp;

			if (e->expires < now) {
				*pp = e->wheel_next;
				nonce_forget(s, e);
			} else {
				pp = &e->wheel_next;
			}
		}
	}
	s->swept_until = now;
	if (s->nbuckets > NONCE_MIN_BUCKETS && s->count < s->nbuckets / 8)
		nonce_rehash(s, s->nbuckets / 2);
}

static void nonce_free(struct nonce_store *s)
{
	for (size_t i = 0; s->buckets && i < s->nbuckets; i++) {
		struct nonce_entry *e = s->buckets[i], *next;

		for (; e; e = next) {
			next = e->hash_next;
			free(e);
		}
	}
	free(s->buckets);
	s->buckets = NULL;
}

static int nonce_seen(const struct nonce_store *s, const char *key, size_t len, uint64_t hash,
		      time_t now)
{
	for (const struct nonce_entry *e = s->buckets[hash & (s->nbuckets - 1)]; e;
	     e = e->hash_next)
		if (e->hash == hash && e->key_len == len && memcmp(e->key, key, len) == 0 &&
		    e->expires >= now)
			return 1;
	return 0;
}

/*
 * Atomically: SignatureNonceUsed if cred's key used nonce in a request that could still
 * be accepted; Throttling.User if the key already holds nonce_cap live nonces; else
 * remembers the nonce until timestamp + AUTH_WINDOW.  Called only once the signature
 * has been verified, so only holders of a secret reach the store.
 */
static int nonce_check_and_record(struct auth *auth, struct cred *cred, const char *nonce,
				  time_t timestamp, time_t now, struct vl_err *err)
{
	struct nonce_store *s = &auth->nonces;
	size_t alen = strlen(cred->akid), nlen = strlen(nonce), len = alen + 1 + nlen;
	struct nonce_entry *e = malloc(sizeof(*e) + len);
	int rc = 0;

	if (e == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	memcpy(e->key, cred->akid, alen + 1);
	memcpy(e->key + alen + 1, nonce, nlen);
	e->key_len = len;
	e->owner = cred;
	/* the timestamp passed check_timestamp at this now, so this is >= now */
	e->expires = timestamp + AUTH_WINDOW;
	pthread_mutex_lock(&auth->lock);
	e->hash = nonce_hash(s->seed, e->key, len);
	nonce_sweep(s, now);
	if (nonce_seen(s, e->key, len, e->hash, now)) {
		rc = vl_err_set(err, VL_SIGNATURE_NONCE_USED, NULL);
		free(e);
	} else if (cred->live_nonces >= auth->nonce_cap) {
		rc = vl_err_set(err, VL_THROTTLING_USER,
				"Request was denied due to user flow control: AccessKeyId %s has "
				"sent %zu signed requests whose timestamps are still valid.",
				cred->akid, cred->live_nonces);
		free(e);
	} else {
		e->hash_next = s->buckets[e->hash & (s->nbuckets - 1)];
		s->buckets[e->hash & (s->nbuckets - 1)] = e;
		e->wheel_next = s->wheel[(uint64_t)e->expires & (NONCE_WHEEL - 1)];
		s->wheel[(uint64_t)e->expires & (NONCE_WHEEL - 1)] = e;
		cred->live_nonces++;
		s->count++;
		if (s->count > s->nbuckets)
			nonce_rehash(s, s->nbuckets * 2);
	}
	pthread_mutex_unlock(&auth->lock);
	return rc;
}

/* ---- credentials file ---- */

static void free_creds(struct cred *creds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(creds[i].akid);
		if (creds[i].secret)
			explicit_bzero(creds[i].secret, strlen(creds[i].secret));
		free(creds[i].secret);
		free(creds[i].account);
	}
	free(creds);
}

static struct cred *find_cred(const struct auth *auth, const char *akid, size_t len)
{
	for (size_t i = 0; i < auth->ncreds; i++)
		if (strlen(auth->creds[i].akid) == len && memcmp(auth->creds[i].akid, akid, len) == 0)
			return &auth->creds[i];
	return NULL;
}

/*
 * Splits line into at most 4 blank-separated tokens (in place).  Returns the count;
 * a token starting with '#' ends the line.
 */
static int split_fields(char *line, char *tok[4])
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 4;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (t[0] == '#')
			break;
		tok[n++] = t;
	}
	return n;
}

static int add_cred(struct auth *auth, size_t *cap, char *tok[3])
{
	struct cred *c;

	if (auth->ncreds == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct cred *n = realloc(auth->creds, ncap * sizeof(*n));

		if (n == NULL)
			return -1;
		auth->creds = n;
		*cap = ncap;
	}
	c = &auth->creds[auth->ncreds];
	c->akid = strdup(tok[0]);
	c->secret = strdup(tok[1]);
	c->account = strdup(tok[2]);
	c->live_nonces = 0;
	auth->ncreds++;	/* counted even when partial, so free_creds releases it */
	if (c->akid == NULL || c->secret == NULL || c->account == NULL)
		return -1;
	return 0;
}

static int load_credentials(struct auth *auth, const char *path, struct vl_err *err)
{
	FILE *f = NULL;
	char *line = NULL;
	size_t line_cap = 0, cap = 0;
	unsigned lineno = 0;
	int rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "credentials file %s: %s", path, strerror(errno));
		goto out;
	}
	while (getline(&line, &line_cap, f) >= 0) {
		char *tok[4];
		int n;

		lineno++;
		if ((n = split_fields(line, tok)) == 0)
			continue;
		if (n != 3) {
			vl_err_set(err, VL_INTERNAL_ERROR,
				   "%s:%u: expected \"ACCESS_KEY_ID ACCESS_KEY_SECRET ACCOUNT_ID\"",
				   path, lineno);
			goto out;
		}
		if (find_cred(auth, tok[0], strlen(tok[0]))) {
			vl_err_set(err, VL_INTERNAL_ERROR, "%s:%u: duplicate AccessKeyId %s", path,
				   lineno, tok[0]);
			goto out;
		}
		if (add_cred(auth, &cap, tok) < 0) {
			vl_err_set(err, VL_INTERNAL_ERROR, "%s:%u: out of memory", path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		vl_err_set(err, VL_INTERNAL_ERROR, "credentials file %s: read error", path);
		goto out;
	}
	rc = 0;
out:
	free(line);
	if (f)
		fclose(f);
	return rc;
}

int auth_create(struct auth **out, enum auth_mode mode, const char *credentials_path,
		struct vl_err *err)
{
	struct auth *auth;

	*out = NULL;
	if ((auth = calloc(1, sizeof(*auth))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "auth: out of memory");
	auth->mode = mode;
	auth->nonce_cap = AUTH_NONCE_CAP_DEFAULT;
	pthread_mutex_init(&auth->lock, NULL);
	if (credentials_path && load_credentials(auth, credentials_path, err) < 0)
		goto out_free;
	if (mode == AUTH_STRICT) {
		if (credentials_path == NULL) {
			vl_err_set(err, VL_INTERNAL_ERROR, "strict auth needs a credentials file");
			goto out_free;
		}
		if (auth->ncreds == 0) {
			vl_err_set(err, VL_INTERNAL_ERROR, "%s: no credentials", credentials_path);
			goto out_free;
		}
		if (nonce_init(&auth->nonces) < 0) {
			vl_err_set(err, VL_INTERNAL_ERROR, "auth: out of memory");
			goto out_free;
		}
	}
	*out = auth;
	return 0;
out_free:
	auth_free(auth);
	return -1;
}

void auth_set_nonce_cap(struct auth *auth, size_t per_key)
{
	pthread_mutex_lock(&auth->lock);
	auth->nonce_cap = per_key;
	pthread_mutex_unlock(&auth->lock);
}

void auth_free(struct auth *auth)
{
	if (auth == NULL)
		return;
	free_creds(auth->creds, auth->ncreds);
	nonce_free(&auth->nonces);
	pthread_mutex_destroy(&auth->lock);
	free(auth);
}

/* ---- shared checks ---- */

static int empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* A missing V3 header, in the gateway's generic MissingParameter wording. */
static int err_missing_header(struct vl_err *err, const char *name)
{
	return vl_err_set(err, VL_MISSING_PARAMETER,
			  "The input parameter \"%s\" that is mandatory for processing this "
			  "request is not supplied.", name);
}

static int two_digits(const char *s, int *out)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/* Parses exactly "YYYY-MM-DDThh:mm:ssZ" (UTC); rejects impossible dates. */
static int parse_timestamp(const char *s, time_t *out)
{
	struct tm tm, back;
	int c, y, mo, d, h, mi, se;
	time_t t;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return -1;
	if (two_digits(s, &c) || two_digits(s + 2, &y) || two_digits(s + 5, &mo) ||
	    two_digits(s + 8, &d) || two_digits(s + 11, &h) || two_digits(s + 14, &mi) ||
	    two_digits(s + 17, &se))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = c * 100 + y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	/* timegm normalises 02-30 into March: a round trip catches that */
	if (gmtime_r(&t, &back) == NULL || back.tm_year != tm.tm_year || back.tm_mon != mo - 1 ||
	    back.tm_mday != d || back.tm_hour != h || back.tm_min != mi || back.tm_sec != se)
		return -1;
	*out = t;
	return 0;
}

/* Accepts s when it is within AUTH_WINDOW of now either way; *t receives it. */
static int check_timestamp(const char *s, time_t now, time_t *t, struct vl_err *err)
{
	int64_t skew;

	if (parse_timestamp(s, t) < 0)
		return vl_err_set(err, VL_INVALID_TIMESTAMP_FORMAT, NULL);
	skew = (int64_t)*t - (int64_t)now;
	if (skew > AUTH_WINDOW || skew < -AUTH_WINDOW)
		return vl_err_set(err, VL_INVALID_TIMESTAMP_EXPIRED, NULL);
	return 0;
}

static int copy_account(char *account, size_t size, const char *id, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(account, id, len);
	account[len] = '\0';
	return 0;
}

/* The end of every successful verification: replay check, then the account. */
static int finish(struct auth *auth, struct cred *cred, const char *nonce, time_t timestamp,
		  time_t now, char *account, size_t account_size, struct vl_err *err)
{
	if (copy_account(account, account_size, cred->account, strlen(cred->account)) < 0)
		return vl_err_set(err, VL_INTERNAL_ERROR, "account id %s is too long", cred->account);
	if (nonce_check_and_record(auth, cred, nonce, timestamp, now, err) < 0) {
		account[0] = '\0';
		return -1;
	}
	return 0;
}

/* ---- open mode ---- */

static int is_account_id(const char *s, size_t len)
{
	if (len != ACCOUNT_ID_DIGITS)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Open mode, LocalStack's convention: whatever key an SDK is configured with, it acts
 * for the account unsigned curl calls act for ("default"), so resources made either
 * way are seen both ways.  An AccessKeyId that is itself a 16-digit account id names
 * that account: two such keys are two tenants, for tests of isolation.
 */
static int open_account(const struct kvlist *params, const char *authz, char *account,
			size_t account_size, struct vl_err *err)
{
	struct sig_v3_auth a;
	const char *akid = kvlist_get(params, "AccessKeyId");
	const char *id = DEFAULT_ACCOUNT;
	size_t len = strlen(DEFAULT_ACCOUNT);

	if (authz && sig_v3_parse_authorization(authz, &a) == 0) {
		if (is_account_id(a.credential.ptr, a.credential.len)) {
			id = a.credential.ptr;
			len = a.credential.len;
		}
	} else if (!empty(akid) && is_account_id(akid, strlen(akid))) {
		id = akid;
		len = strlen(akid);
	}
	if (copy_account(account, account_size, id, len) < 0)
		return vl_err_set(err, VL_INTERNAL_ERROR, "account buffer too small");
	return 0;
}

/* ---- binding: the action that runs is the action that was signed ---- */

/*
 * A front door routes a request to an action from several places: the Action and
 * Version parameters, the x-acs-action and x-acs-version headers, and on the REST door
 * the method and path.  Only some of them are signed: V2 signs the parameters and the
 * method but not the path or any header, V3 signs the method, path, query, body and the
 * x-acs-* headers.  So each of them that the request carries must name the action
 * that runs (a V2 DescribeVpcs replayed as POST /v1/vpcs names DescribeVpcs), and a V2
 * signature must carry Action and Version among its parameters, because nothing else
 * it covers names the action.  A disagreement means the signature was made for another
 * request: SignatureDoesNotMatch, as when any signed part differs.
 */
static int check_claim(const char *what, const char *claimed, const char *runs,
		       struct vl_err *err)
{
	if (claimed == NULL || strcmp(claimed, runs) == 0)
		return 0;
	return vl_err_set(err, VL_SIGNATURE_DOES_NOT_MATCH,
			  "Specified signature is not matched with our calculation. The request "
			  "was signed for %s %s but runs %s.", what, claimed, runs);
}

static int check_binding(const struct vl_request *req, const struct kvlist *params,
			 const struct auth_target *target, int v2, struct vl_err *err)
{
	const char *action = kvlist_get(params, "Action");
	const char *version = kvlist_get(params, "Version");

	if (target == NULL || target->action == NULL || target->version == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "no action to bind the signature to");
	if (v2 && (empty(action) || empty(version)))
		return vl_err_set(err, VL_SIGNATURE_DOES_NOT_MATCH,
				  "Specified signature is not matched with our calculation. The "
				  "signed parameters must name the Action and Version this request "
				  "runs (%s, %s).", target->action, target->version);
	if (check_claim("Action", action, target->action, err) < 0 ||
	    check_claim("Version", version, target->version, err) < 0 ||
	    check_claim("x-acs-action", kvlist_get_ci(&req->headers, "x-acs-action"),
			target->action, err) < 0 ||
	    check_claim("x-acs-version", kvlist_get_ci(&req->headers, "x-acs-version"),
			target->version, err) < 0)
		return -1;
	return 0;
}

/* ---- V2 ---- */

static int v2_check_params(const struct kvlist *params, time_t now, time_t *timestamp,
			   struct vl_err *err)
{
	const char *method = kvlist_get(params, "SignatureMethod");
	const char *version = kvlist_get(params, "SignatureVersion");
	const char *ts = kvlist_get(params, "Timestamp");

	if (ts == NULL)
		ts = kvlist_get(params, "TimeStamp");	/* the old doc's spelling */
	if (empty(kvlist_get(params, "AccessKeyId")))
		return vl_err_missing(err, "AccessKeyId");
	/* the error-code page says SignatureMethod may be left out: HMAC-SHA1 is the default */
	if (!empty(method) && strcmp(method, "HMAC-SHA1") != 0)
		return vl_err_set(err, VL_INVALID_SIGNATURE_METHOD, NULL);
	if (empty(version))
		return vl_err_missing(err, "SignatureVersion");
	/* Invalid{Param} wording of the same page; no specific code found for this */
	if (strcmp(version, "1.0") != 0)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidSignatureVersion",
				       "Specified parameter SignatureVersion is not valid.");
	if (empty(ts))
		return vl_err_missing(err, "Timestamp");
	if (check_timestamp(ts, now, timestamp, err) < 0)
		return -1;
	if (empty(kvlist_get(params, "SignatureNonce")))
		return vl_err_missing(err, "SignatureNonce");
	return 0;
}

static int verify_v2(struct auth *auth, const struct vl_request *req, const struct kvlist *params,
		     const struct auth_target *target, time_t now, char *account,
		     size_t account_size, struct vl_err *err)
{
	const char *akid = kvlist_get(params, "AccessKeyId");
	struct cred *cred;
	char expect[SIG_V2_SIZE];
	char *sts = NULL;
	time_t timestamp;
	int rc = -1;

	if (v2_check_params(params, now, &timestamp, err) < 0)
		return -1;
	if ((cred = find_cred(auth, akid, strlen(akid))) == NULL)
		return vl_err_set(err, VL_INVALID_ACCESS_KEY_ID_NOT_FOUND, NULL);
	if ((sts = sig_v2_string_to_sign(req->method, params)) == NULL ||
	    sig_v2_sign(cred->secret, sts, expect) < 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (!sig_equal(expect, kvlist_get(params, "Signature"))) {
		/* the cloud's own wording, which SDKs parse to show the difference */
		vl_err_set(err, VL_SIGNATURE_DOES_NOT_MATCH,
			   "Specified signature is not matched with our calculation. "
			   "server string to sign is:%s", sts);
		goto out;
	}
	if (check_binding(req, params, target, 1, err) < 0)
		goto out;
	rc = finish(auth, cred, kvlist_get(params, "SignatureNonce"), timestamp, now, account,
		    account_size, err);
out:
	free(sts);
	return rc;
}

/* ---- V3 ---- */

/*
 * "All common request headers except Authorization, when present, must be signed"
 * (V3 doc): unsigned, they could be swapped on a captured request.
 */
static const char *const v3_must_sign[] = {
	"host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce",
	"x-acs-content-sha256", "x-acs-security-token",
};

static int span_has_token(struct sig_span list, const char *name)
{
	size_t nlen = strlen(name), start = 0;

	while (start <= list.len) {
		size_t end = start;

		while (end < list.len && list.ptr[end] != ';')
			end++;
		if (end - start == nlen && strncasecmp(list.ptr + start, name, nlen) == 0)
			return 1;
		start = end + 1;
	}
	return 0;
}

static int v3_check_headers(const struct vl_request *req, const struct sig_v3_auth *a,
			    time_t now, time_t *timestamp, struct vl_err *err)
{
	static const char *const required[] = {
		"x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256",
	};
	const char *date = kvlist_get_ci(&req->headers, "x-acs-date");
	const char *content = kvlist_get_ci(&req->headers, "x-acs-content-sha256");
	char body_hash[SIG_HEX256_SIZE];

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (empty(kvlist_get_ci(&req->headers, required[i])))
			return err_missing_header(err, required[i]);
	for (size_t i = 0; i < sizeof(v3_must_sign) / sizeof(v3_must_sign[0]); i++)
		if (kvlist_get_ci(&req->headers, v3_must_sign[i]) &&
		    !span_has_token(a->signed_headers, v3_must_sign[i]))
			return vl_err_set(err, VL_INCOMPLETE_SIGNATURE, NULL);
	if (check_timestamp(date, now, timestamp, err) < 0)
		return -1;
	/*
	 * No documented code for a body that does not match its declared hash was
	 * found; the body is part of what is signed, so SignatureDoesNotMatch.
	 */
	sig_sha256_hex(req->body, req->body ? req->body_len : 0, body_hash);
	if (strcasecmp(content, body_hash) != 0)
		return vl_err_set(err, VL_SIGNATURE_DOES_NOT_MATCH,
				  "Specified signature does not match our calculation. "
				  "x-acs-content-sha256 is not the SHA-256 of the request body.");
	return 0;
}

static int query_has_empty_value(const struct kvlist *query)
{
	for (size_t i = 0; i < query->len; i++)
		if (query->items[i].value[0] == '\0')
			return 1;
	return 0;
}

/*
 * Computes the V3 signature of req with secret, with the given canonical-query
 * flags.  Returns 1 if it equals given (lowercase hex), 0 if not, -1 on ENOMEM.
 * *sts_out receives the StringToSign (caller frees) for the error message.
 */
static int v3_matches(const struct vl_request *req, const struct sig_v3_auth *a,
		      const char *secret, unsigned flags, const char *given, char **sts_out)
{
	struct sig_v3_request in = {
		.method = req->method,
		.path = req->path,
		.query = &req->query,
		.headers = &req->headers,
		.signed_headers = a->signed_headers,
		.payload_hash = kvlist_get_ci(&req->headers, "x-acs-content-sha256"),
		.query_flags = flags,
	};
	char expect[SIG_HEX256_SIZE];
	char *canonical = NULL, *sts = NULL;
	int rc = -1;

	*sts_out = NULL;
	if ((canonical = sig_v3_canonical_request(&in)) == NULL ||
	    (sts = sig_v3_string_to_sign(canonical)) == NULL ||
	    sig_v3_sign(secret, sts, expect) < 0)
		goto out;
	rc = sig_equal(expect, given);
	*sts_out = sts;
	sts = NULL;
out:
	free(canonical);
	free(sts);
	return rc;
}

static int v3_verify_signature(const struct vl_request *req, const struct sig_v3_auth *a,
			       const struct cred *cred, struct vl_err *err)
{
	char given[SIG_HEX256_SIZE] = "";
	char *sts = NULL, *sts_bare = NULL;
	int rc;

	if (a->signature.len == SIG_HEX256_SIZE - 1) {
		for (size_t i = 0; i < a->signature.len; i++)
			given[i] = (char)tolower((unsigned char)a->signature.ptr[i]);
		given[a->signature.len] = '\0';
	}
	rc = v3_matches(req, a, cred->secret, 0, given, &sts);
	/* "k=" (Go, JS) and "k" (Python) both occur for empty values: accept either */
	if (rc == 0 && query_has_empty_value(&req->query))
		rc = v3_matches(req, a, cred->secret, SIG_QUERY_BARE_EMPTY, given, &sts_bare);
	if (rc < 0)
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	else if (rc == 0)
		/* wording as the gateway answers V3 requests (developer.aliyun.com/ask/678646) */
		vl_err_set(err, VL_SIGNATURE_DOES_NOT_MATCH,
			   "Specified signature does not match our calculation. "
			   "server StringToSign is [%s]", sts ? sts : "");
	free(sts);
	free(sts_bare);
	return rc == 1 ? 0 : -1;
}

static int verify_v3(struct auth *auth, const struct vl_request *req, const struct kvlist *params,
		     const char *authz, const struct auth_target *target, time_t now,
		     char *account, size_t account_size, struct vl_err *err)
{
	struct sig_v3_auth a;
	struct cred *cred;
	time_t timestamp;

	if (sig_v3_parse_authorization(authz, &a) < 0)
		return vl_err_set(err, VL_INCOMPLETE_SIGNATURE, NULL);
	if (v3_check_headers(req, &a, now, &timestamp, err) < 0)
		return -1;
	if ((cred = find_cred(auth, a.credential.ptr, a.credential.len)) == NULL)
		return vl_err_set(err, VL_INVALID_ACCESS_KEY_ID_NOT_FOUND, NULL);
	if (v3_verify_signature(req, &a, cred, err) < 0 ||
	    check_binding(req, params, target, 0, err) < 0)
		return -1;
	return finish(auth, cred, kvlist_get_ci(&req->headers, "x-acs-signature-nonce"), timestamp,
		      now, account, account_size, err);
}

/* ---- entry point ---- */

int auth_authenticate(struct auth *auth, const struct vl_request *req, const struct kvlist *params,
		      const struct auth_target *target, time_t now, char *account,
		      size_t account_size, struct vl_err *err)
{
	const char *authz = kvlist_get_ci(&req->headers, "authorization");

	if (account_size)
		account[0] = '\0';
	if (auth->mode == AUTH_OPEN)
		return open_account(params, authz, account, account_size, err);
	if (authz && strncmp(authz, SIG_V3_ALGORITHM " ", sizeof(SIG_V3_ALGORITHM)) == 0)
		return verify_v3(auth, req, params, authz, target, now, account, account_size, err);
	/* ACS3-HMAC-SM3, ACS3-RSA-SHA256: V3 algorithms the emulator does not verify */
	if (authz && strncmp(authz, "ACS3-", 5) == 0)
		return vl_err_set(err, VL_INVALID_SIGNATURE_METHOD, NULL);
	if (kvlist_get(params, "Signature"))
		return verify_v2(auth, req, params, target, now, account, account_size, err);
	if (authz)
		return vl_err_set(err, VL_INCOMPLETE_SIGNATURE, NULL);
	/*
	 * Unsigned: the gateway answers MissingAccessKeyId "AccessKeyId is mandatory for
	 * this action." and, with a key but no signature, MissingSignature "Signature is
	 * mandatory for this action." (both seen in captured SDK error responses).
	 */
	if (empty(kvlist_get(params, "AccessKeyId")))
		return vl_err_missing(err, "AccessKeyId");
	return vl_err_missing(err, "Signature");
}

int auth_for_action(struct auth *auth, const struct action *a, const struct vl_request *req,
		    const struct kvlist *params, char *account, size_t account_size, struct vl_err *err)
{
	if (a == NULL || !(a->flags & AF_AGENT))
		return auth_authenticate(auth, req, params,
					 &(struct auth_target){ a ? a->name : NULL, a ? a->version : NULL },
					 time(NULL), account, account_size, err);
	if (!auth_agent_token_ok(kvlist_get_ci(&req->headers, "x-vpnlab-agent-token")))
		return vl_err_set(err, VL_AGENT_FORBIDDEN, NULL);
	if (account_size)
		account[0] = '\0';
	return 0;
}

/*
 * ---- the agent token: the shared secret of the server <-> agent protocol, required from
 * agents (auth_for_action, http.c's body limit) and sent to them (agent_client.c) ----
 */

/* Random bytes of a generated token (written as twice as many hex digits). */
#define TOKEN_RANDOM_BYTES 32

static char *agent_token;

void auth_agent_token_set(const char *token)
{
	free(agent_token);
	agent_token = token && *token ? strdup(token) : NULL;
}

const char *auth_agent_token(void)
{
	return agent_token;
}

bool auth_agent_token_ok(const char *presented)
{
	if (agent_token == NULL || presented == NULL) /* no token set: the channel stays shut */
		return false;
	return sig_equal(presented, agent_token); /* constant time */
}

bool auth_agent_token_valid(const char *token)
{
	size_t n = token ? strlen(token) : 0;

	if (n < AGENT_TOKEN_MIN || n > AGENT_TOKEN_MAX)
		return false;
	for (; *token; token++)
		if (*token < 0x21 || *token > 0x7e) /* an HTTP header value, whole: no spaces or controls */
			return false;
	return true;
}

/* Reads the token of an existing file into buf; refuses files others may read. */
static int token_read(int fd, const char *path, char *buf, size_t size, char *err)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, 256, "agent token file %.160s is not a regular file", path);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, 256, "agent token file %.160s may be read by others (chmod 600 it)", path);
		return -1;
	}
	n = read(fd, buf, size - 1);
	if (n < 0) {
		snprintf(err, 256, "cannot read %.160s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (!auth_agent_token_valid(buf)) {
		snprintf(err, 256, "agent token file %.160s does not hold one line of %d-%d printable characters", path,
			 AGENT_TOKEN_MIN, AGENT_TOKEN_MAX);
		return -1;
	}
	return 0;
}

/* Creates path (mode 0600, never an existing file) with a new random token. */
static int token_create(const char *path, char *buf, size_t size, char *err)
{
	unsigned char random[TOKEN_RANDOM_BYTES];
	int fd, rc = -1;
	size_t len;

	if (RAND_bytes(random, sizeof(random)) != 1) {
		snprintf(err, 256, "cannot generate an agent token: OpenSSL RAND_bytes failed");
		return -1;
	}
	for (size_t i = 0; i < sizeof(random) && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, 3, "%02x", random[i]);
	OPENSSL_cleanse(random, sizeof(random));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1; /* another server made it meanwhile: read that one */
		snprintf(err, 256, "cannot create agent token file %.160s: %s", path, strerror(errno));
		return -1;
	}
	len = strlen(buf);
	buf[len] = '\n';
	if (write(fd, buf, len + 1) != (ssize_t)(len + 1) || fsync(fd) < 0) {
		snprintf(err, 256, "cannot write agent token file %.160s: %s", path, strerror(errno));
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	buf[len] = '\0';
	close(fd);
	return rc;
}

int auth_agent_token_file(const char *path, bool *created, char *err)
{
	char token[AGENT_TOKEN_MAX + 2];
	int fd, rc = -1;

	*created = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			rc = token_read(fd, path, token, sizeof(token), err);
			close(fd);
			break;
		}
		if (errno != ENOENT) {
			snprintf(err, 256, "cannot open agent token file %.160s: %s", path, strerror(errno));
			break;
		}
		rc = token_create(path, token, sizeof(token), err);
		if (rc <= 0) {
			*created = rc == 0;
			break;
		}
	}
	if (rc == 0)
		auth_agent_token_set(token);
	OPENSSL_cleanse(token, sizeof(token));
	return rc == 0 ? 0 : -1;
}
