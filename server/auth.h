#ifndef VL_AUTH_H
#define VL_AUTH_H

#include <stddef.h>
#include <time.h>

#include "errors.h"
#include "kv.h"
#include "request.h"

/*
 * Request authentication: which account a request acts for.
 *   AUTH_OPEN   (lab default) nothing is verified; every request acts for the account
 *               "default", except that an AccessKeyId of 16 digits (an account id) names
 *               that account.
 *   AUTH_STRICT V2 (HMAC-SHA1 params) or V3 (ACS3-HMAC-SHA256 header) signatures are
 *               verified against the credentials file, with the cloud's 15-minute
 *               timestamp window and signature-nonce replay check; the signature must be
 *               for the action that runs.
 */
enum auth_mode { AUTH_OPEN, AUTH_STRICT };

struct auth; /* opaque: mode, credentials, nonce store; thread-safe */

/*
 * Live signature nonces one AccessKeyId may hold by default (a nonce lives until its
 * request's timestamp expires, up to 30 minutes); past it that key gets Throttling.User.
 */
#define AUTH_NONCE_CAP_DEFAULT 262144

/* The action a front door routed a request to (strings borrowed from the action table). */
struct auth_target {
	const char *action;
	const char *version;
};

/*
 * Loads credentials_path (may be NULL in open mode): one
 * "ACCESS_KEY_ID ACCESS_KEY_SECRET ACCOUNT_ID" per line, '#' comments, blank lines.
 * Returns 0 and *out (caller frees with auth_free), or -1 with err set (message
 * names file and line).
 */
int auth_create(struct auth **out, enum auth_mode mode, const char *credentials_path,
		struct vl_err *err);

void auth_free(struct auth *auth); /* NULL ok */

/* Sets how many live nonces one AccessKeyId may hold (strict mode; >= 0). */
void auth_set_nonce_cap(struct auth *auth, size_t per_key);

/*
 * Authenticates one RPC (path "/") or REST (/v1/...) request for target, the action the
 * front door routed it to.  params = the parameters the action will get (RPC: merged
 * query+form; REST: query, flattened JSON body and the route's own).  now = current UNIX
 * time (tests pass any clock).  On success writes the account id (NUL-terminated) and
 * returns 0; else -1 with err set to the cloud's code.  Safe to call from several threads
 * at once on the same auth; nothing is borrowed past the call.
 */
int auth_authenticate(struct auth *auth, const struct vl_request *req, const struct kvlist *params,
		      const struct auth_target *target, time_t now, char *account,
		      size_t account_size, struct vl_err *err);

#endif
