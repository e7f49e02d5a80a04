#ifndef VL_AUTH_H
#define VL_AUTH_H

#include <stddef.h>
#include <time.h>

#include "errors.h"
#include "kv.h"
#include "request.h"

/*
 * Request authentication: which account a request acts for.
 *   AUTH_OPEN   (lab default) nothing is verified; the AccessKeyId names the account.
 *   AUTH_STRICT V2 (HMAC-SHA1 params) or V3 (ACS3-HMAC-SHA256 header) signatures are
 *               verified against the credentials file, with the cloud's 15-minute
 *               timestamp window and signature-nonce replay check.
 */
enum auth_mode { AUTH_OPEN, AUTH_STRICT };

struct auth; /* opaque: mode, credentials, nonce cache; thread-safe */

/*
 * Loads credentials_path (may be NULL in open mode): one
 * "ACCESS_KEY_ID ACCESS_KEY_SECRET ACCOUNT_ID" per line, '#' comments, blank lines.
 * Returns 0 and *out (caller frees with auth_free), or -1 with err set (message
 * names file and line).
 */
int auth_create(struct auth **out, enum auth_mode mode, const char *credentials_path,
		struct vl_err *err);

void auth_free(struct auth *auth); /* NULL ok */

/*
 * Authenticates one RPC (path "/") or REST (/v1/...) request.  params = merged
 * decoded query+form parameters.  now = current UNIX time.  On success writes the
 * account id (NUL-terminated) and returns 0; else -1 with err set to the cloud's code.
 * Safe to call from several threads at once on the same auth.
 */
int auth_authenticate(struct auth *auth, const struct vl_request *req, const struct kvlist *params,
		      time_t now, char *account, size_t account_size, struct vl_err *err);

#endif
