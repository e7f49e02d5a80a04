#ifndef VL_AUTH_H
#define VL_AUTH_H

#include <stdbool.h>
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

struct action;

/*
 * Who a request for action a acts as, for both front doors: the agent protocol's actions
 * (AF_AGENT) serve every account and carry no signature; they always need the server's
 * agent token in X-Vpnlab-Agent-Token (else Forbidden.AgentToken, 403), whatever the auth
 * mode, and act as account "".  Every other action (and a == NULL, an unknown action) goes
 * through auth_authenticate.  Returns 0 with account set, or -1 with err.
 */
int auth_for_action(struct auth *auth, const struct action *a, const struct vl_request *req,
		    const struct kvlist *params, char *account, size_t account_size, struct vl_err *err);

/* ---- the agent token (process-wide, set once at start; read by every thread) ---- */

#define AGENT_TOKEN_MIN 16
#define AGENT_TOKEN_MAX 256

/* Sets the token sent to agents and required from them (copied; NULL or "" sets none). */
void auth_agent_token_set(const char *token);

/* The token set, or NULL; valid until the next auth_agent_token_set. */
const char *auth_agent_token(void);

/*
 * Loads the token from path, or, when path does not exist, creates it (O_EXCL, mode 0600)
 * with a new random token (32 bytes from OpenSSL's RAND_bytes, as 64 hex digits) and sets
 * that.  An existing file must be a regular file no one but its owner may access, holding
 * one valid token (auth_agent_token_valid; a trailing newline is ignored).  *created
 * tells whether the file was made now.  Returns 0, or -1 with err (256 bytes) set.
 */
int auth_agent_token_file(const char *path, bool *created, char *err);

/* True when token is AGENT_TOKEN_MIN..AGENT_TOKEN_MAX printable ASCII characters, no spaces. */
bool auth_agent_token_valid(const char *token);

/*
 * True when presented equals the token set (compared in constant time).  False when none is
 * set: the agent protocol is never open.  presented may be NULL.
 */
bool auth_agent_token_ok(const char *presented);

#endif
