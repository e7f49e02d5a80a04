#ifndef VL_ENGINE_H
#define VL_ENGINE_H

#include <jansson.h>

#include "action.h"
#include "errors.h"
#include "kv.h"
#include "model.h"

/*
 * The execution engine: runs actions against the store.  Reads use a pool of read-only
 * connections (WAL snapshots).  Writes go to one writer thread that group-commits: every
 * request in a batch runs in its own savepoint, the batch is committed (and fsynced)
 * once, and only then are the requests answered, so an acknowledged change is durable.
 * The lifecycle thread applies due transitions through the same writer.
 */
struct engine;

/*
 * Opens the database (creating it and applying migrations), starts the writer and the
 * lifecycle thread.  cfg is borrowed and must outlive the engine.  Returns 0 and *out
 * (stop with engine_stop) or -1 with err set.
 */
int engine_start(struct engine **out, const char *db_path, int reader_count,
		 const struct model_config *cfg, struct vl_err *err);

/* Stops the threads, closes the connections, frees e (NULL ok). */
void engine_stop(struct engine *e);

/*
 * Validates params for action a, runs it for account and fills response (borrowed
 * object; the caller adds RequestId).  params may gain defaults.  Returns 0, or -1 with
 * err set to the cloud's error; no change is kept when it fails.
 */
int engine_execute(struct engine *e, const struct action *a, struct kvlist *params,
		   const char *account, json_t *response, struct vl_err *err);

/* What the REST door knows of a route beyond its action (engine_execute_rest). */
struct engine_rest_shape {
	const char *id_param;		     /* the parameter the path's {id} fills, or NULL */
	const char *list_outer, *list_inner; /* where a list answer holds its items, or NULL */
};

/*
 * engine_execute for the REST door, where a resource id is enough: when a regional action
 * gets no RegionId, it is the region of the caller's resource named by shape->id_param (the
 * path's {id}); else the action's own region_from applies (a create names its region or its
 * parent as over RPC), and a read that names no resource (a list: shape->list_outer set)
 * runs in every region of the catalogue,
 * its items concatenated in catalogue order, each with its RegionId, paged over the whole
 * (TotalCount counts every region).  An id of no resource of the account (another
 * account's too) answers that resource's NotFound.  The RPC door keeps the cloud's rule
 * (engine_execute).  Same ownership and result as engine_execute.
 */
int engine_execute_rest(struct engine *e, const struct action *a, struct kvlist *params,
			const char *account, const struct engine_rest_shape *shape, json_t *response,
			struct vl_err *err);

/*
 * For server-internal work (the agent pusher): runs fn(m, arg) in one read transaction on a
 * reader connection (m->account "", m->region NULL).  Returns what fn returns.
 */
int engine_read(struct engine *e, int (*fn)(struct model_ctx *m, void *arg), void *arg);

/*
 * Runs fn(m, arg) in the writer's transaction (its own savepoint, kept when fn returns 0,
 * rolled back otherwise) and waits for the commit.  Such writes do not call the commit
 * hook, and lifecycle transitions fn schedules are not picked up (server bookkeeping only).
 * Returns fn's result, or -1 when the commit failed or the engine is stopping.
 */
int engine_write(struct engine *e, int (*fn)(struct model_ctx *m, void *arg), void *arg);

/*
 * Makes every pending timed transition (Pending, provisioning, Creating, … waiting on
 * --transition-delay-ms) fall due now and applies them; transitions awaiting the data
 * plane keep waiting.  The server does it on SIGUSR1, so that tests hold a transitional
 * state with a long delay and end it when they choose, never racing a timer.  Returns the
 * number completed, or -1 when the store failed or the engine is stopping.
 */
int engine_release_transitions(struct engine *e);

/*
 * Registers hook(arg), called on the writer thread after every successful commit that kept
 * a change of a mutating request or of a lifecycle transition (not of engine_write).  It
 * runs under the engine's lock: it must only signal (no engine calls, no blocking).  NULL
 * removes it.
 */
void engine_set_commit_hook(struct engine *e, void (*hook)(void *arg), void *arg);

#endif
