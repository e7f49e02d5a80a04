#include "engine.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "lifecycle.h"
#include "resource_region.h"
#include "store.h"

#define WRITE_BATCH_MAX 512

struct write_job {
	int (*run)(struct engine *e, struct write_job *job); /* inside the batch transaction */
	struct action_ctx *ctx;
	const char *account;
	int result;
	bool done;
	bool changed; /* kept changes that need the commit to succeed */
	bool quiet;   /* engine_write, AF_NO_DOCUMENT: its commit does not call the commit hook */
	int (*fn)(struct model_ctx *m, void *arg); /* engine_write */
	void *arg;
	struct write_job *next;
};

struct engine {
	const struct model_config *cfg;
	struct store *writer_store;
	pthread_t writer_thread, lifecycle_thread;
	pthread_mutex_t mu;
	pthread_cond_t jobs_ready, jobs_done, lifecycle_wake;
	struct write_job *head, *tail;
	bool stopping;
	int64_t next_transition_ms; /* 0: none known */
	void (*commit_hook)(void *arg); /* under mu */
	void *commit_hook_arg;

	struct store **readers;
	bool *reader_busy;
	int reader_count;
	pthread_mutex_t readers_mu;
	pthread_cond_t reader_free;

	/* AF_SLOW calls running, per account (only accounts with at least one are listed) */
	pthread_mutex_t slow_mu;
	struct slow_account *slow_accounts;
};

struct slow_account {
	char *account;
	int64_t running;
	struct slow_account *next;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- writer ---- */

static void run_batch(struct engine *e, struct write_job *batch)
{
	int64_t earliest = 0;
	bool commit_failed = false, notify = false;

	if (store_exec(e->writer_store, "BEGIN IMMEDIATE") < 0) {
		for (struct write_job *j = batch; j; j = j->next) {
			j->result = -1;
			if (j->ctx)
				vl_err_set(j->ctx->err, VL_SERVICE_UNAVAILABLE, NULL);
		}
		return;
	}
	for (struct write_job *j = batch; j; j = j->next) {
		store_exec(e->writer_store, "SAVEPOINT request");
		j->result = j->run(e, j);
		if (j->result < 0 || !j->changed)
			store_exec(e->writer_store, "ROLLBACK TO request");
		store_exec(e->writer_store, "RELEASE request");
		if (j->result == 0 && j->changed && !j->quiet)
			notify = true;
		if (j->result == 0 && j->changed && j->ctx && j->ctx->model->next_transition_ms &&
		    (earliest == 0 || j->ctx->model->next_transition_ms < earliest))
			earliest = j->ctx->model->next_transition_ms;
	}
	if (store_exec(e->writer_store, "COMMIT") < 0) {
		fprintf(stderr, "vpnlabd: commit failed: %s\n", e->writer_store->ops->errmsg(e->writer_store));
		store_exec(e->writer_store, "ROLLBACK");
		commit_failed = true;
	}
	for (struct write_job *j = batch; j; j = j->next) {
		if (commit_failed && j->result == 0 && j->changed) {
			j->result = -1;
			if (j->ctx)
				vl_err_set(j->ctx->err, VL_INTERNAL_ERROR, NULL);
		}
	}
	if (!commit_failed && earliest) {
		pthread_mutex_lock(&e->mu);
		if (e->next_transition_ms == 0 || earliest < e->next_transition_ms)
			e->next_transition_ms = earliest;
		pthread_cond_signal(&e->lifecycle_wake);
		pthread_mutex_unlock(&e->mu);
	}
	if (!commit_failed && notify) {
		pthread_mutex_lock(&e->mu);
		if (e->commit_hook)
			e->commit_hook(e->commit_hook_arg);
		pthread_mutex_unlock(&e->mu);
	}
}

static void *writer_main(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		struct write_job *batch, *last;
		int n = 1;

		while (e->head == NULL && !e->stopping)
			pthread_cond_wait(&e->jobs_ready, &e->mu);
		if (e->head == NULL && e->stopping)
			break;
		batch = last = e->head;
		while (last->next && n < WRITE_BATCH_MAX) {
			last = last->next;
			n++;
		}
		e->head = last->next;
		if (e->head == NULL)
			e->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&e->mu);

		run_batch(e, batch);

		pthread_mutex_lock(&e->mu);
		for (struct write_job *j = batch; j; j = j->next)
			j->done = true;
		pthread_cond_broadcast(&e->jobs_done);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* Queues job and waits until its batch is committed. */
static int submit_and_wait(struct engine *e, struct write_job *job)
{
	job->next = NULL;
	job->done = false;
	pthread_mutex_lock(&e->mu);
	if (e->stopping) {
		pthread_mutex_unlock(&e->mu);
		return -1;
	}
	if (e->tail)
		e->tail->next = job;
	else
		e->head = job;
	e->tail = job;
	pthread_cond_signal(&e->jobs_ready);
	while (!job->done)
		pthread_cond_wait(&e->jobs_done, &e->mu);
	pthread_mutex_unlock(&e->mu);
	return job->result;
}

/* ---- lifecycle ---- */

static int run_lifecycle(struct engine *e, struct write_job *job)
{
	int64_t next = 0;
	int applied = lifecycle_apply_due(e->writer_store, now_ms(), &next);

	job->changed = applied > 0;
	pthread_mutex_lock(&e->mu);
	e->next_transition_ms = next;
	pthread_mutex_unlock(&e->mu);
	return applied < 0 ? -1 : 0;
}

/* engine_release_transitions: every timed transition falls due now, then applies. */
static int run_release(struct engine *e, struct write_job *job)
{
	int64_t now = now_ms();
	int applied = 0;

	if (lifecycle_make_due(e->writer_store, now) < 0)
		return -1;
	/* a batch applies at most 256: go on until nothing is due */
	for (;;) {
		int64_t next = 0;
		int n = lifecycle_apply_due(e->writer_store, now, &next);

		if (n < 0)
			return -1;
		if (n == 0)
			break;
		applied += n;
	}
	job->changed = applied > 0;
	return applied;
}

int engine_release_transitions(struct engine *e)
{
	struct write_job job = { .run = run_release };
	int rc = submit_and_wait(e, &job);

	if (rc > 0) {
		/* the lifecycle thread recomputes its next due time from the table */
		pthread_mutex_lock(&e->mu);
		e->next_transition_ms = now_ms();
		pthread_cond_signal(&e->lifecycle_wake);
		pthread_mutex_unlock(&e->mu);
	}
	return rc;
}

static void *lifecycle_main(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->mu);
	while (!e->stopping) {
		int64_t now = now_ms(), due = e->next_transition_ms;

		if (due != 0 && due <= now) {
			struct write_job job = { .run = run_lifecycle };

			pthread_mutex_unlock(&e->mu);
			submit_and_wait(e, &job);
			pthread_mutex_lock(&e->mu);
			continue;
		}
		{
			/* sleep until the next due time, or at most a second (new work wakes us) */
			int64_t wait_ms = due ? due - now : 1000;
			struct timespec ts;

			if (wait_ms > 1000)
				wait_ms = 1000;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += wait_ms / 1000;
			ts.tv_nsec += (wait_ms % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&e->lifecycle_wake, &e->mu, &ts);
		}
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* ---- idempotency ---- */

/* Parameters that do not make two requests different. */
static bool is_protocol_param(const char *name)
{
	static const char *const names[] = {
		"Action", "Version", "Format", "AccessKeyId", "Signature", "SignatureMethod",
		"SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "TimeStamp",
		"ClientToken", "SecurityToken", "DryRun", NULL,
	};

	for (const char *const *n = names; *n; n++)
		if (strcmp(*n, name) == 0)
			return true;
	return false;
}

static void params_hash(const struct kvlist *params, char out[65])
{
	struct kvlist sorted;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	EVP_MD_CTX *sha = EVP_MD_CTX_new();

	kvlist_init(&sorted);
	for (size_t i = 0; i < params->len; i++)
		if (!is_protocol_param(params->items[i].name))
			kvlist_add_str(&sorted, params->items[i].name, params->items[i].value);
	kvlist_sort(&sorted);
	EVP_DigestInit_ex(sha, EVP_sha256(), NULL);
	for (size_t i = 0; i < sorted.len; i++) {
		EVP_DigestUpdate(sha, sorted.items[i].name, strlen(sorted.items[i].name) + 1);
		EVP_DigestUpdate(sha, sorted.items[i].value, strlen(sorted.items[i].value) + 1);
	}
	EVP_DigestFinal_ex(sha, digest, &digest_len);
	EVP_MD_CTX_free(sha);
	kvlist_free(&sorted);
	out[0] = '\0';
	for (unsigned i = 0; i < digest_len && i < 32; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
}

/* 1: replayed an earlier answer into ctx->response; 0: new token; -1: error set. */
static int token_lookup(struct engine *e, struct action_ctx *ctx, const char *account,
			const char *token, const char *hash)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	int rc = 0;

	if (store_prepare(e->writer_store,
			  "SELECT params_hash, response FROM client_tokens WHERE account=? AND action=? AND token=?",
			  &stmt) < 0)
		return model_store_error(ctx->model, ctx->err);
	stmt_bind_text(stmt, 1, account);
	stmt_bind_text(stmt, 2, ctx->action->name);
	stmt_bind_text(stmt, 3, token);
	r = stmt_step(stmt);
	if (r == STORE_ROW) {
		if (strcmp(stmt_text(stmt, 0), hash) != 0) {
			rc = vl_err_set(ctx->err, VL_IDEMPOTENT_PARAMETER_MISMATCH, NULL);
		} else {
			json_t *saved = json_loads(stmt_text(stmt, 1), 0, NULL);

			if (saved) {
				json_object_update(ctx->response, saved);
				json_decref(saved);
			}
			rc = 1;
		}
	} else if (r != STORE_DONE) {
		rc = model_store_error(ctx->model, ctx->err);
	}
	stmt_release(stmt);
	return rc;
}

static int token_save(struct engine *e, struct action_ctx *ctx, const char *account,
		      const char *token, const char *hash)
{
	struct store_stmt *stmt = NULL;
	char *text = json_dumps(ctx->response, JSON_COMPACT);
	int rc = -1;

	if (text == NULL || store_prepare(e->writer_store,
					  "INSERT INTO client_tokens(account, action, token, params_hash, response, created_ms)"
					  " VALUES (?,?,?,?,?,?)",
					  &stmt) < 0)
		goto out;
	stmt_bind_text(stmt, 1, account);
	stmt_bind_text(stmt, 2, ctx->action->name);
	stmt_bind_text(stmt, 3, token);
	stmt_bind_text(stmt, 4, hash);
	stmt_bind_text(stmt, 5, text);
	stmt_bind_int64(stmt, 6, ctx->model->now_ms);
	rc = stmt_step(stmt) == STORE_DONE ? 0 : -1;
out:
	stmt_release(stmt);
	free(text);
	return rc < 0 ? model_store_error(ctx->model, ctx->err) : 0;
}

/* A mutating action, inside the batch transaction and its own savepoint. */
static int run_action(struct engine *e, struct write_job *job)
{
	struct action_ctx *ctx = job->ctx;
	/* only actions that declare them take ClientToken and DryRun, as in the cloud */
	const char *token = action_has_param(ctx->action, "ClientToken") ? param_str(ctx, "ClientToken") : NULL;
	bool dry_run = action_has_param(ctx->action, "DryRun") && param_bool(ctx, "DryRun", false);
	char hash[65];
	int found;

	ctx->model->store = e->writer_store;
	ctx->model->now_ms = now_ms();
	if (token && *token && !dry_run) {
		params_hash(ctx->params, hash);
		found = token_lookup(e, ctx, job->account, token, hash);
		if (found != 0)
			return found < 0 ? -1 : 0;
	}
	if (ctx->action->handler(ctx) < 0)
		return -1;
	if (dry_run)
		return vl_err_set(ctx->err, VL_DRY_RUN_OPERATION, NULL);
	if (token && *token && token_save(e, ctx, job->account, token, hash) < 0)
		return -1;
	job->changed = true;
	return 0;
}

/* An engine_write callback, inside the batch transaction and its own savepoint. */
static int run_callback(struct engine *e, struct write_job *job)
{
	struct model_ctx model = { .store = e->writer_store, .account = "", .cfg = e->cfg, .now_ms = now_ms() };
	int rc = job->fn(&model, job->arg);

	job->changed = rc == 0;
	return rc;
}

int engine_write(struct engine *e, int (*fn)(struct model_ctx *m, void *arg), void *arg)
{
	struct write_job job = { .run = run_callback, .fn = fn, .arg = arg, .quiet = true };

	return submit_and_wait(e, &job);
}

void engine_set_commit_hook(struct engine *e, void (*hook)(void *arg), void *arg)
{
	pthread_mutex_lock(&e->mu);
	e->commit_hook = hook;
	e->commit_hook_arg = arg;
	pthread_mutex_unlock(&e->mu);
}

/* ---- readers ---- */

static struct store *reader_acquire(struct engine *e, int *slot)
{
	pthread_mutex_lock(&e->readers_mu);
	for (;;) {
		for (int i = 0; i < e->reader_count; i++) {
			if (!e->reader_busy[i]) {
				e->reader_busy[i] = true;
				*slot = i;
				pthread_mutex_unlock(&e->readers_mu);
				return e->readers[i];
			}
		}
		pthread_cond_wait(&e->reader_free, &e->readers_mu);
	}
}

static void reader_release(struct engine *e, int slot)
{
	pthread_mutex_lock(&e->readers_mu);
	e->reader_busy[slot] = false;
	pthread_cond_signal(&e->reader_free);
	pthread_mutex_unlock(&e->readers_mu);
}

int engine_read(struct engine *e, int (*fn)(struct model_ctx *m, void *arg), void *arg)
{
	struct model_ctx model = { .account = "", .cfg = e->cfg, .now_ms = now_ms() };
	int rc, slot;

	model.store = reader_acquire(e, &slot);
	store_exec(model.store, "BEGIN");
	rc = fn(&model, arg);
	store_exec(model.store, "COMMIT");
	reader_release(e, slot);
	return rc;
}

/* ---- AF_SLOW calls: a per-account limit on work that waits outside the engine ---- */

/* Counts one more AF_SLOW call of account.  0, or -1 with Throttling.User when at the limit. */
static int slow_enter(struct engine *e, const char *account, struct vl_err *err)
{
	int64_t limit = e->cfg->quotas.lab_calls_per_account;
	struct slow_account *s;
	int rc = 0;

	pthread_mutex_lock(&e->slow_mu);
	for (s = e->slow_accounts; s; s = s->next)
		if (strcmp(s->account, account) == 0)
			break;
	if ((s ? s->running : 0) >= limit) {
		rc = vl_err_set(err, VL_THROTTLING_USER,
				"Request was denied due to user flow control: at most %lld long lab calls "
				"(LabRunProbe, LabRunFlow) of an account run at once; retry when one has ended.",
				(long long)limit);
		goto out;
	}
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL || (s->account = strdup(account)) == NULL) {
			free(s);
			rc = vl_err_set(err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		s->next = e->slow_accounts;
		e->slow_accounts = s;
	}
	s->running++;
out:
	pthread_mutex_unlock(&e->slow_mu);
	return rc;
}

/* Ends one AF_SLOW call of account (counted by slow_enter). */
static void slow_leave(struct engine *e, const char *account)
{
	struct slow_account **link, *s;

	pthread_mutex_lock(&e->slow_mu);
	for (link = &e->slow_accounts; (s = *link) != NULL; link = &s->next) {
		if (strcmp(s->account, account) != 0)
			continue;
		if (--s->running == 0) {
			*link = s->next;
			free(s->account);
			free(s);
		}
		break;
	}
	pthread_mutex_unlock(&e->slow_mu);
}

/*
 * The region of the caller's resource id as src finds it (src->region_of), on a reader
 * connection.  Returns 1 with region filled, 0 when there is no such resource (a store
 * failure reads as none: the request then gets the resource's NotFound).
 */
static int lookup_region(struct engine *e, const struct region_source *src, const char *id,
			 const char *account, char *region, size_t size)
{
	struct model_ctx model = { .account = account, .cfg = e->cfg };
	int slot, found;

	model.store = reader_acquire(e, &slot);
	found = src->region_of(&model, id, region, size) == 1;
	reader_release(e, slot);
	return found && region[0] != '\0';
}

static bool region_given(const struct kvlist *params)
{
	const char *region = kvlist_get(params, "RegionId");

	return region && *region;
}

/*
 * Fills in RegionId from the resource the request names, when the action allows it and
 * the client sent none.  Returns 0 (possibly without a region: validation then reports
 * MissingRegionId) or -1 with the resource's NotFound.
 */
static int infer_region(struct engine *e, const struct action *a, struct kvlist *params,
			const char *account, struct vl_err *err)
{
	const char *id;
	char found[64];

	if (!(a->flags & AF_REGIONAL) || a->region_from == NULL || region_given(params))
		return 0;
	id = kvlist_get(params, a->region_from->param);
	if (id == NULL || *id == '\0')
		return 0;
	if (!lookup_region(e, a->region_from, id, account, found, sizeof(found)))
		return vl_err_set(err, a->region_from->not_found, NULL);
	/* set, not added: an empty RegionId the client sent is replaced, not repeated */
	return kvlist_set(params, "RegionId", found) < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 0;
}

int engine_execute(struct engine *e, const struct action *a, struct kvlist *params,
		   const char *account, json_t *response, struct vl_err *err)
{
	struct model_ctx model = { .account = account, .cfg = e->cfg };
	struct action_ctx ctx = { .model = &model, .response = response, .err = err };
	bool slow_allowed = (a->flags & (AF_SLOW | AF_MUTATES)) == AF_SLOW;
	int rc, slot;

	if (infer_region(e, a, params, account, err) < 0)
		return -1;
	if (action_validate(a, params, &ctx, err) < 0)
		return -1;
	model.region = param_str(&ctx, "RegionId");
	if ((a->flags & AF_REGIONAL) && catalog_region(e->cfg->catalog, model.region) == NULL) {
		/* CBN documents its own code (and status) for a region it does not serve */
		if (strcmp(a->version, "2017-09-12") == 0)
			return vl_err_set_code(err, VL_INVALID_PARAMETER, "IllegalParam.RegionId",
					       "The specified RegionId is invalid.");
		return vl_err_set(err, VL_INVALID_REGION_ID_NOT_FOUND, NULL);
	}
	if (a->flags & AF_MUTATES) {
		struct write_job job = { .run = run_action, .ctx = &ctx, .account = account,
					 .quiet = (a->flags & AF_NO_DOCUMENT) != 0 };

		rc = submit_and_wait(e, &job);
		if (rc < 0 && err->code == VL_OK)
			vl_err_set(err, VL_SERVICE_UNAVAILABLE, NULL);
		goto out;
	}
	/* refused before it reads anything: a throttled call costs no reader */
	if ((a->flags & AF_SLOW) && slow_enter(e, account, err) < 0)
		return -1;
	model.store = reader_acquire(e, &slot);
	model.now_ms = now_ms();
	/* one read transaction: the count and the page come from the same snapshot */
	store_exec(model.store, "BEGIN");
	rc = a->handler(&ctx);
	store_exec(model.store, "COMMIT");
	reader_release(e, slot);
	model.store = NULL;
	if (rc == 0 && action_has_param(a, "DryRun") && param_bool(&ctx, "DryRun", false))
		rc = vl_err_set(err, VL_DRY_RUN_OPERATION, NULL);
	/* the waiting phase: no transaction, no reader, only the account's AF_SLOW count */
	if (rc == 0 && ctx.slow && slow_allowed)
		rc = ctx.slow(&ctx, ctx.slow_state);
	if (a->flags & AF_SLOW)
		slow_leave(e, account);
out:
	/* only a read declared AF_SLOW may defer work: anything else is a bug, not a success */
	if (rc == 0 && ctx.slow && !slow_allowed)
		rc = vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (ctx.slow_state_free)
		ctx.slow_state_free(ctx.slow_state);
	return rc;
}

/* ---- the REST door: regions found, lists of every region ---- */

/*
 * RegionId for a REST request that gave none, from the resource its path names (the route's
 * {id} parameter).  Returns 1 with RegionId set, 0 when the path names no regional resource,
 * -1 with that resource's NotFound (also for another account's id).
 */
static int rest_resolve_region(struct engine *e, const struct action *a, struct kvlist *params,
			       const char *id_param, const char *account, struct vl_err *err)
{
	const struct region_source *src = resource_region_source(id_param);
	const char *id = id_param ? kvlist_get(params, id_param) : NULL;
	char found[64];

	if (src == NULL || id == NULL || *id == '\0')
		return 0;
	if (!lookup_region(e, src, id, account, found, sizeof(found))) {
		/* an action that finds its region by this resource itself says NotFound its own way */
		if (a->region_from && strcmp(a->region_from->param, src->param) == 0)
			return vl_err_set(err, a->region_from->not_found, NULL);
		return vl_err_set(err, src->not_found, NULL);
	}
	return kvlist_set(params, "RegionId", found) < 0 ? vl_err_set(err, VL_INTERNAL_ERROR, NULL) : 1;
}

/* The items array of a list answer: answer[outer][inner], or answer[outer] when inner is NULL. */
static json_t *list_items(json_t *answer, const char *outer, const char *inner)
{
	json_t *o = json_object_get(answer, outer);

	return inner ? json_object_get(o, inner) : o;
}

/*
 * A regional list with no RegionId: the list of each region of the catalogue, in catalogue
 * order (DescribeRegions'), concatenated, each item with its RegionId.  Paging runs over the
 * concatenation: each region is asked for the part of the page it holds (its own TotalCount
 * says how many rows it has before the page), so a page costs one query per region, and
 * TotalCount counts every region.  One read transaction: every region from one snapshot.
 */
static int execute_every_region(struct engine *e, const struct action *a, struct kvlist *params,
				const char *account, const char *outer, const char *inner,
				json_t *response, struct vl_err *err)
{
	const struct catalog *cat = e->cfg->catalog;
	struct model_ctx model = { .account = account, .cfg = e->cfg };
	struct action_ctx ctx = { .model = &model, .err = err };
	bool paged = (a->flags & (AF_PAGED | AF_TOKEN_PAGED)) != 0;
	json_t *merged = NULL, *envelope = NULL;
	int64_t skip, need, total = 0, first_offset;
	int rc = -1, slot = -1;

	if (cat == NULL || cat->region_count == 0)
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingRegionId",
				       "RegionId is mandatory for this action.");
	/* validated once: the parameters do not depend on the region */
	if (kvlist_set(params, "RegionId", cat->regions[0].region_id) < 0)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (action_validate(a, params, &ctx, err) < 0)
		return -1;
	first_offset = skip = ctx.offset;
	need = ctx.limit;
	if ((merged = json_array()) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	model.store = reader_acquire(e, &slot);
	model.now_ms = now_ms();
	store_exec(model.store, "BEGIN");
	for (int i = 0; i < cat->region_count; i++) {
		const char *region = cat->regions[i].region_id;
		json_t *answer = json_object(), *items, *item;
		int64_t region_total;
		size_t n, k;

		if (answer == NULL || kvlist_set(params, "RegionId", region) < 0) {
			json_decref(answer);
			vl_err_set(err, VL_INTERNAL_ERROR, NULL);
			goto out;
		}
		model.region = region;
		ctx.response = answer;
		ctx.offset = skip;
		ctx.limit = need;
		if (a->handler(&ctx) < 0) {
			json_decref(answer);
			goto out;
		}
		items = list_items(answer, outer, inner);
		n = json_array_size(items);
		json_array_foreach(items, k, item)
			if (json_is_object(item) && json_object_get(item, "RegionId") == NULL)
				json_object_set_new(item, "RegionId", json_string(region));
		if (items)
			json_array_extend(merged, items);
		region_total = paged ? json_integer_value(json_object_get(answer, "TotalCount")) : (int64_t)n;
		total += region_total;
		if (paged) {
			skip = skip >= region_total ? skip - region_total : 0;
			need = need > (int64_t)n ? need - (int64_t)n : 0;
		}
		if (envelope == NULL)
			envelope = answer;
		else
			json_decref(answer);
	}
	/* the first region's answer carries the other members (PageNumber, PageSize, …) */
	json_object_update(response, envelope);
	json_object_del(response, "RegionId"); /* an answer's own RegionId would name one of many */
	if (inner)
		json_object_set_new(response, outer, json_pack("{s:O}", inner, merged));
	else
		json_object_set(response, outer, merged);
	if (paged)
		json_object_set_new(response, "TotalCount", json_integer(total));
	if (a->flags & AF_TOKEN_PAGED) {
		ctx.response = response;
		ctx.offset = first_offset;
		action_set_token_page(&ctx, outer, json_incref(merged), total);
	}
	rc = 0;
	if (action_has_param(a, "DryRun") && param_bool(&ctx, "DryRun", false))
		rc = vl_err_set(err, VL_DRY_RUN_OPERATION, NULL);
out:
	store_exec(model.store, "COMMIT");
	reader_release(e, slot);
	json_decref(envelope);
	json_decref(merged);
	return rc;
}

int engine_execute_rest(struct engine *e, const struct action *a, struct kvlist *params,
			const char *account, const struct engine_rest_shape *shape, json_t *response,
			struct vl_err *err)
{
	int rc;

	if (!(a->flags & AF_REGIONAL) || region_given(params))
		return engine_execute(e, a, params, account, response, err);
	rc = rest_resolve_region(e, a, params, shape->id_param, account, err);
	if (rc != 0)
		return rc < 0 ? -1 : engine_execute(e, a, params, account, response, err);
	/* a filter the action finds its region by (DescribeVSwitches' VpcId) still decides */
	if (infer_region(e, a, params, account, err) < 0)
		return -1;
	if (!(a->flags & AF_MUTATES) && shape->list_outer && !region_given(params))
		return execute_every_region(e, a, params, account, shape->list_outer, shape->list_inner,
					    response, err);
	return engine_execute(e, a, params, account, response, err);
}

/* ---- start / stop ---- */

int engine_start(struct engine **out, const char *db_path, int reader_count,
		 const struct model_config *cfg, struct vl_err *err)
{
	struct engine *e = calloc(1, sizeof(*e));
	struct write_job first = { .run = run_lifecycle };

	if (e == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "out of memory");
	e->cfg = cfg;
	pthread_mutex_init(&e->mu, NULL);
	pthread_mutex_init(&e->readers_mu, NULL);
	pthread_mutex_init(&e->slow_mu, NULL);
	pthread_cond_init(&e->jobs_ready, NULL);
	pthread_cond_init(&e->jobs_done, NULL);
	pthread_cond_init(&e->lifecycle_wake, NULL);
	pthread_cond_init(&e->reader_free, NULL);
	if (store_open_sqlite(db_path, false, &e->writer_store, err) < 0 ||
	    store_migrate(e->writer_store, err) < 0)
		goto fail;
	e->readers = calloc((size_t)reader_count, sizeof(*e->readers));
	e->reader_busy = calloc((size_t)reader_count, sizeof(*e->reader_busy));
	if (e->readers == NULL || e->reader_busy == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, "out of memory");
		goto fail;
	}
	for (int i = 0; i < reader_count; i++) {
		if (store_open_sqlite(db_path, true, &e->readers[i], err) < 0)
			goto fail;
		e->reader_count++;
	}
	if (pthread_create(&e->writer_thread, NULL, writer_main, e) != 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot start writer thread");
		goto fail;
	}
	/* transitions that fell due while the server was down are applied before serving */
	submit_and_wait(e, &first);
	if (pthread_create(&e->lifecycle_thread, NULL, lifecycle_main, e) != 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, "cannot start lifecycle thread");
		pthread_mutex_lock(&e->mu);
		e->stopping = true;
		pthread_cond_broadcast(&e->jobs_ready);
		pthread_mutex_unlock(&e->mu);
		pthread_join(e->writer_thread, NULL);
		goto fail;
	}
	*out = e;
	return 0;
fail:
	for (int i = 0; i < e->reader_count; i++)
		store_close(e->readers[i]);
	free(e->readers);
	free(e->reader_busy);
	store_close(e->writer_store);
	free(e);
	return -1;
}

void engine_stop(struct engine *e)
{
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mu);
	e->stopping = true;
	pthread_cond_broadcast(&e->jobs_ready);
	pthread_cond_broadcast(&e->lifecycle_wake);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->lifecycle_thread, NULL);
	pthread_join(e->writer_thread, NULL);
	for (int i = 0; i < e->reader_count; i++)
		store_close(e->readers[i]);
	free(e->readers);
	free(e->reader_busy);
	store_close(e->writer_store);
	/* none is left once the HTTP daemon has joined its threads; free what a caller forgot */
	while (e->slow_accounts) {
		struct slow_account *next = e->slow_accounts->next;

		free(e->slow_accounts->account);
		free(e->slow_accounts);
		e->slow_accounts = next;
	}
	free(e);
}
