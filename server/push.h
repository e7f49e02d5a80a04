#ifndef VL_PUSH_H
#define VL_PUSH_H

#include <stdint.h>

#include "engine.h"
#include "errors.h"

/*
 * The pusher keeps every registered agent's desired-state document current
 * (api-docs/agent-protocol.md, PUT /v1/desired).  A coordinator thread wakes on every
 * committed change (the engine's commit hook), waits coalesce_ms so a burst makes one
 * pass, compiles each agent's document in one read transaction, and when a document's hash
 * changed records generation+1 (through the writer) and hands the document to that agent's
 * own push thread, so a slow agent stalls nobody else.  Every resync_ms it re-pushes to
 * agents whose applied generation lags behind.  No HTTP is done while the writer is held.
 */
struct pusher;

struct pusher_config {
	int64_t resync_ms;	 /* re-push period for lagging agents (default 5000) */
	int64_t coalesce_ms;	 /* wait after the first notification (default 20) */
	long push_timeout_ms;	 /* one PUT, the agent's apply included (default 30000) */
	int64_t silent_ms;	 /* an agent not seen this long is silent: its tunnels read down (AGENT_SILENT_MS) */
};

/* Fills cfg with the defaults above. */
void pusher_config_defaults(struct pusher_config *cfg);

/*
 * Starts the pusher on a running engine and registers it as the engine's commit hook; cfg
 * is copied.  Returns 0 and *out (stop with pusher_stop before engine_stop), or -1 with err.
 */
int pusher_start(struct pusher **out, struct engine *e, const struct pusher_config *cfg, struct vl_err *err);

/* Asks for a pass soon (what the commit hook calls; arg is the pusher).  Never blocks long. */
void pusher_notify(void *arg);

/*
 * Unregisters the commit hook, cancels pushes in flight (agent_client_cancel_all), waits for
 * every thread and frees p (NULL ok).
 */
void pusher_stop(struct pusher *p);

#endif
