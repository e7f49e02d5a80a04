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

#endif
