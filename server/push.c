/*
 * The pusher: compiles every agent's desired-state document after each committed change and
 * pushes new generations, one thread per agent for the HTTP part (push.h).
 */
#include "push.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "agent_client.h"
#include "console.h"
#include "dataplane_compile.h"
#include "doc.h"
#include "model.h"


/* One agent's push thread and what it is to push next. */
struct push_worker {
	struct pusher *p;
	char agent_id[64];
	char url[AGENT_URL_MAX + 1];
	char underlay_ip[sizeof(((struct agent *)0)->underlay_ip)];
	json_t *pending; /* owned: the next document (with its generation); NULL: nothing */
	int64_t pending_generation;
	bool busy;		  /* a PUT is in flight */
	bool retired;		  /* the agent went: finish and free yourself */
	int64_t last_attempt_ms;  /* monotonic; 0: never */
	int presence;		  /* for the console: 0 not known yet, 1 reporting, 2 silent */
	pthread_cond_t work;
	struct push_worker *next;
};

struct pusher {
	struct engine *e;
	struct pusher_config cfg;
	pthread_mutex_t mu;
	pthread_cond_t wake, workers_gone;
	bool notified, stopping;
	pthread_t thread;
	struct push_worker *workers; /* live, not retired */
	int live_workers;	     /* threads not yet exited, retired ones included */
	char bad_hash[72];	     /* last document that failed doc_parse (logged once) */
	int64_t started_ms;	     /* wall clock at start: silence counts from here at the earliest */
};

/* One agent's result of a compile pass. */
struct compiled {
	struct agent agent;
	json_t *doc; /* owned; NULL when compiling failed */
	char hash[72];
	char error[512];
	int notes_due; /* connections to tell that the agent's IPsec backend is unusable */
};

struct pass {
	struct compiled *items;
	int count;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

void pusher_config_defaults(struct pusher_config *cfg)
{
	cfg->resync_ms = 5000;
	cfg->coalesce_ms = 20;
	cfg->push_timeout_ms = 30000;
	cfg->silent_ms = AGENT_SILENT_MS;
}

void pusher_notify(void *arg)
{
	struct pusher *p = arg;

	pthread_mutex_lock(&p->mu);
	p->notified = true;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->mu);
}

/* SHA-256 of the canonical text of doc (sorted keys, compact), hex.  false when out of memory. */
static bool doc_hash(json_t *doc, char out[72])
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);

	if (text == NULL || EVP_Digest(text, strlen(text), digest, &len, EVP_sha256(), NULL) != 1) {
		free(text);
		return false;
	}
	free(text);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
	return true;
}

/* engine_read callback: every agent and its compiled document, from one snapshot. */
static int compile_all(struct model_ctx *m, void *arg)
{
	struct pass *pass = arg;
	struct agent *agents = NULL;
	struct vl_err err;
	int count = 0;

	vl_err_clear(&err);
	if (agent_list(m, NULL, &agents, &count, &err) < 0) {
		fprintf(stderr, "vpnlabd: push: cannot list agents: %s\n", vl_err_message(&err));
		return -1;
	}
	pass->items = calloc(count ? (size_t)count : 1, sizeof(*pass->items));
	if (pass->items == NULL) {
		free(agents);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		struct compiled *c = &pass->items[pass->count++];

		c->agent = agents[i];
		vl_err_clear(&err);
		if (dataplane_compile(m, c->agent.agent_id, &c->doc, &err) < 0) {
			c->doc = NULL;
			snprintf(c->error, sizeof(c->error), "%s", vl_err_message(&err));
		} else if (!json_is_object(c->doc) || !doc_hash(c->doc, c->hash)) {
			json_decref(c->doc);
			c->doc = NULL;
			snprintf(c->error, sizeof(c->error), "the compiler gave no JSON object");
		} else if (agent_note_backend_unusable(m, &c->agent, c->doc, false, &c->notes_due, &err) < 0) {
			fprintf(stderr, "vpnlabd: push: %s: %s\n", c->agent.agent_id, vl_err_message(&err));
			c->notes_due = 0;
		}
	}
	free(agents);
	return 0;
}

struct set_generation {
	const struct compiled *c;
	int64_t generation;
	int result;
};

static int write_generation(struct model_ctx *m, void *arg)
{
	struct set_generation *s = arg;
	struct vl_err err;

	vl_err_clear(&err);
	s->result = agent_set_generation(m, s->c->agent.agent_id, s->c->agent.generation, s->generation, s->c->hash,
					 &err);
	if (s->result < 0)
		fprintf(stderr, "vpnlabd: push: cannot record generation of %s: %s\n", s->c->agent.agent_id,
			vl_err_message(&err));
	return s->result < 0 ? -1 : 0;
}

static int write_notes(struct model_ctx *m, void *arg)
{
	const struct compiled *c = arg;
	struct vl_err err;
	int due = 0;

	vl_err_clear(&err);
	if (agent_note_backend_unusable(m, &c->agent, c->doc, true, &due, &err) < 0) {
		fprintf(stderr, "vpnlabd: push: cannot write the backend reason of %s into connection logs: %s\n",
			c->agent.agent_id, vl_err_message(&err));
		return -1;
	}
	return 0;
}

struct set_applied {
	const char *agent_id;
	int64_t generation;
	bool newer;
};

static int write_applied(struct model_ctx *m, void *arg)
{
	struct set_applied *s = arg;
	struct vl_err err;

	vl_err_clear(&err);
	if (agent_set_applied(m, s->agent_id, s->generation, s->newer, &err) < 0) {
		fprintf(stderr, "vpnlabd: push: cannot record what %s applied: %s\n", s->agent_id,
			vl_err_message(&err));
		return -1;
	}
	return 0;
}

/* ---- per-agent push threads ---- */

/* Handles the agent's answer to a PUT of generation. */
static void push_answered(struct pusher *p, const char *agent_id, int64_t generation, long status, json_t *answer)
{
	json_t *g = json_object_get(answer, "Generation");
	struct set_applied s = { agent_id, json_is_integer(g) ? json_integer_value(g) : generation, false };

	if (status == 200) {
		engine_write(p->e, write_applied, &s);
		return;
	}
	if (status == 409 && json_is_integer(g) && json_integer_value(g) >= generation) {
		/* the agent holds a newer generation than the server remembers: go above it */
		fprintf(stderr, "vpnlabd: push: %s already applied generation %lld > %lld; recompiling above it\n",
			agent_id, (long long)s.generation, (long long)generation);
		s.newer = true;
		if (engine_write(p->e, write_applied, &s) == 0)
			pusher_notify(p);
		return;
	}
	/* 400 InvalidDocument means the server and the agent disagree on the format: a bug */
	fprintf(stderr, "vpnlabd: push: %s refused generation %lld: HTTP %ld %s: %s\n", agent_id, (long long)generation,
		status, json_string_value(json_object_get(answer, "Code")) ?: "",
		json_string_value(json_object_get(answer, "Message")) ?: "");
}

static void *worker_main(void *arg)
{
	struct push_worker *w = arg;
	struct pusher *p = w->p;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		char url[sizeof(w->url)], underlay_ip[sizeof(w->underlay_ip)], agent_id[sizeof(w->agent_id)], err[256];
		json_t *doc, *answer = NULL;
		int64_t generation, started;
		long status = 0;

		while (w->pending == NULL && !w->retired && !p->stopping)
			pthread_cond_wait(&w->work, &p->mu);
		if (w->retired || p->stopping)
			break;
		doc = w->pending;
		generation = w->pending_generation;
		w->pending = NULL;
		w->busy = true;
		w->last_attempt_ms = started = mono_ms();
		memcpy(url, w->url, sizeof(url));
		memcpy(underlay_ip, w->underlay_ip, sizeof(underlay_ip));
		memcpy(agent_id, w->agent_id, sizeof(agent_id));
		pthread_mutex_unlock(&p->mu);

		if (agent_client_call(url, underlay_ip, "PUT", "/v1/desired", doc, p->cfg.push_timeout_ms, &status,
				      &answer, err) < 0)
			fprintf(stderr, "vpnlabd: push: %s generation %lld: %s\n", agent_id, (long long)generation,
				err);
		else
			push_answered(p, agent_id, generation, status, answer);
		if (status == 200)
			fprintf(stderr, "vpnlabd: push: %s applied generation %lld (%lld ms)\n", agent_id,
				(long long)generation, (long long)(mono_ms() - started));
		json_decref(answer);
		json_decref(doc);

		pthread_mutex_lock(&p->mu);
		w->busy = false;
	}
	/* a retired worker is unlinked already; one leaving because the pusher stops is not */
	for (struct push_worker **link = &p->workers; *link; link = &(*link)->next) {
		if (*link == w) {
			*link = w->next;
			break;
		}
	}
	json_decref(w->pending);
	pthread_cond_destroy(&w->work);
	free(w);
	p->live_workers--;
	pthread_cond_broadcast(&p->workers_gone);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The worker of agent_id, started when missing.  Under p->mu.  NULL when out of resources. */
static struct push_worker *worker_for(struct pusher *p, const char *agent_id)
{
	struct push_worker *w;
	pthread_attr_t attr;
	pthread_t thread;
	int rc;

	for (w = p->workers; w; w = w->next)
		if (strcmp(w->agent_id, agent_id) == 0)
			return w;
	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->p = p;
	snprintf(w->agent_id, sizeof(w->agent_id), "%s", agent_id);
	pthread_cond_init(&w->work, NULL);
	/* detached: a retired worker may still be inside a PUT; it frees itself */
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_cond_destroy(&w->work);
		free(w);
		return NULL;
	}
	p->live_workers++;
	w->next = p->workers;
	p->workers = w;
	return w;
}

/* Retires the workers of agents not in pass (deregistered).  Under p->mu. */
static void retire_gone(struct pusher *p, const struct pass *pass)
{
	struct push_worker **link = &p->workers;

	while (*link) {
		struct push_worker *w = *link;
		bool known = false;

		for (int i = 0; i < pass->count && !known; i++)
			known = strcmp(pass->items[i].agent.agent_id, w->agent_id) == 0;
		if (known) {
			link = &w->next;
			continue;
		}
		*link = w->next;
		w->retired = true;
		pthread_cond_signal(&w->work);
	}
}

/* ---- the coordinator ---- */

/* Adds generation to doc and checks it with the agent's own parser.  false: a server bug, logged. */
static bool finish_document(struct pusher *p, const struct compiled *c, json_t *doc, int64_t generation)
{
	struct doc_desired parsed;
	char err[DOC_ERR_MAX];

	json_object_set_new(doc, "generation", json_integer(generation));
	if (doc_parse(doc, &parsed, err) == 0) {
		doc_free(&parsed);
		return true;
	}
	pthread_mutex_lock(&p->mu);
	if (strcmp(p->bad_hash, c->hash) != 0) {
		char *text = json_dumps(doc, JSON_COMPACT);

		snprintf(p->bad_hash, sizeof(p->bad_hash), "%s", c->hash);
		fprintf(stderr,
			"vpnlabd: push: BUG: the document compiled for %s does not pass doc_parse (%s); "
			"not pushed: %.2000s\n",
			c->agent.agent_id, err, text ? text : "?");
		free(text);
	}
	pthread_mutex_unlock(&p->mu);
	return false;
}

/* Hands doc (reference taken) to the agent's worker, replacing what it had not sent yet. */
static void queue_push(struct pusher *p, const struct agent *a, json_t *doc, int64_t generation)
{
	struct push_worker *w;

	pthread_mutex_lock(&p->mu);
	w = p->stopping ? NULL : worker_for(p, a->agent_id);
	if (w == NULL) {
		pthread_mutex_unlock(&p->mu);
		json_decref(doc);
		return;
	}
	snprintf(w->url, sizeof(w->url), "%s", a->url);
	snprintf(w->underlay_ip, sizeof(w->underlay_ip), "%s", a->underlay_ip);
	json_decref(w->pending);
	w->pending = doc;
	w->pending_generation = generation;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&p->mu);
}

/*
 * True when a lagging agent is due for a re-push: its worker idle and its last attempt some
 * time ago (half a period: resync passes do not fall exactly a period after the attempt).
 */
static bool resync_due(struct pusher *p, const char *agent_id, int64_t now)
{
	bool due = true;

	pthread_mutex_lock(&p->mu);
	for (struct push_worker *w = p->workers; w; w = w->next)
		if (strcmp(w->agent_id, agent_id) == 0)
			due = !w->busy && w->pending == NULL &&
			      (w->last_attempt_ms == 0 || now - w->last_attempt_ms >= p->cfg.resync_ms / 2);
	pthread_mutex_unlock(&p->mu);
	return due;
}

/*
 * The console's news of agents that stop reporting (disconnected without deregistering:
 * killed, or their host gone) and come back: a pass runs at least every resync period.
 * Under p->mu.
 */
static void note_presence(struct pusher *p, const struct pass *pass)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	for (int i = 0; i < pass->count; i++) {
		const struct agent *a = &pass->items[i].agent;
		int presence = now - a->last_seen_ms <= AGENT_ONLINE_MS ? 1 : 2;
		char line[160];

		for (struct push_worker *w = p->workers; w; w = w->next) {
			if (strcmp(w->agent_id, a->agent_id) != 0)
				continue;
			if (w->presence && w->presence != presence) {
				if (presence == 2)
					snprintf(line, sizeof(line), "agent %s disconnected (silent for %lld s)",
						 a->agent_id, (long long)((now - a->last_seen_ms) / 1000));
				else
					snprintf(line, sizeof(line), "agent %s reports again", a->agent_id);
				console_event(line);
			}
			w->presence = presence;
		}
	}
}

static void run_pass(struct pusher *p)
{
	struct pass pass = { NULL, 0 };
	int64_t now = mono_ms();

	if (engine_read(p->e, compile_all, &pass) < 0) {
		free(pass.items);
		return;
	}
	for (int i = 0; i < pass.count; i++) {
		struct compiled *c = &pass.items[i];
		const struct agent *a = &c->agent;

		if (c->doc == NULL) {
			fprintf(stderr, "vpnlabd: push: cannot compile the document of %s: %s\n", a->agent_id,
				c->error);
			continue;
		}
		if (!a->backend_usable) {
			/*
			 * It could build nothing (it refuses documents meanwhile): its connections' logs
			 * say why instead.  When it works again it registers, and the registration
			 * brings its document.
			 */
			if (c->notes_due > 0)
				engine_write(p->e, write_notes, c);
			continue;
		}
		if (strcmp(c->hash, a->doc_hash) != 0) {
			struct set_generation s = { c, a->generation + 1, 0 };

			if (!finish_document(p, c, c->doc, s.generation))
				continue;
			/* recorded before it is sent, so a generation is never reused for another body */
			if (engine_write(p->e, write_generation, &s) < 0 || s.result != 1)
				continue; /* a registration came in between: its notification brings a new pass */
			queue_push(p, a, c->doc, s.generation);
			c->doc = NULL;
		} else if (a->applied_generation < a->generation && resync_due(p, a->agent_id, now)) {
			if (!finish_document(p, c, c->doc, a->generation))
				continue;
			queue_push(p, a, c->doc, a->generation);
			c->doc = NULL;
		}
	}
	pthread_mutex_lock(&p->mu);
	retire_gone(p, &pass);
	note_presence(p, &pass);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < pass.count; i++)
		json_decref(pass.items[i].doc);
	free(pass.items);
}

struct silence {
	int64_t since_ms, after_ms;
	int due;
};

static int count_silent(struct model_ctx *m, void *arg)
{
	struct silence *s = arg;
	struct vl_err err;

	vl_err_clear(&err);
	return agent_mark_silent(m, s->since_ms, s->after_ms, false, &s->due, &err);
}

static int write_silent(struct model_ctx *m, void *arg)
{
	struct silence *s = arg;
	struct vl_err err;

	vl_err_clear(&err);
	if (agent_mark_silent(m, s->since_ms, s->after_ms, true, &s->due, &err) < 0) {
		fprintf(stderr, "vpnlabd: push: cannot mark silent agents: %s\n", vl_err_message(&err));
		return -1;
	}
	return 0;
}

/*
 * Agents that stopped reporting: their tunnels must not keep reading established.  A read
 * finds them (cheap, every AGENT_SILENCE_CHECK_MS); only then a write marks them.
 */
static void check_silence(struct pusher *p)
{
	struct silence s = { p->started_ms, p->cfg.silent_ms, 0 };

	if (engine_read(p->e, count_silent, &s) == 0 && s.due > 0)
		engine_write(p->e, write_silent, &s);
}

static void *coordinator_main(void *arg)
{
	struct pusher *p = arg;
	int64_t next_resync = mono_ms() + p->cfg.resync_ms;
	int64_t next_silence = mono_ms() + AGENT_SILENCE_CHECK_MS;

	pthread_mutex_lock(&p->mu);
	/* a first pass at start: agents registered before a restart get their documents */
	p->notified = true;
	while (!p->stopping) {
		struct timespec ts;

		if (mono_ms() >= next_silence) {
			next_silence = mono_ms() + AGENT_SILENCE_CHECK_MS;
			pthread_mutex_unlock(&p->mu);
			check_silence(p);
			pthread_mutex_lock(&p->mu);
			continue;
		}
		if (!p->notified && mono_ms() < next_resync) {
			deadline_in(&ts, (next_resync < next_silence ? next_resync : next_silence) - mono_ms());
			pthread_cond_timedwait(&p->wake, &p->mu, &ts);
			continue;
		}
		if (p->notified && p->cfg.coalesce_ms > 0) {
			/* a burst of commits makes one pass: what arrives meanwhile is in it */
			deadline_in(&ts, p->cfg.coalesce_ms);
			while (!p->stopping && pthread_cond_timedwait(&p->wake, &p->mu, &ts) == 0)
				;
		}
		if (p->stopping)
			break;
		p->notified = false;
		if (mono_ms() >= next_resync)
			next_resync = mono_ms() + p->cfg.resync_ms;
		pthread_mutex_unlock(&p->mu);
		run_pass(p);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int pusher_start(struct pusher **out, struct engine *e, const struct pusher_config *cfg, struct vl_err *err)
{
	struct pusher *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "out of memory");
	p->e = e;
	p->cfg = *cfg;
	{
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		p->started_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	}
	pthread_mutex_init(&p->mu, NULL);
	cond_init_monotonic(&p->wake);
	pthread_cond_init(&p->workers_gone, NULL);
	if (pthread_create(&p->thread, NULL, coordinator_main, p) != 0) {
		pthread_cond_destroy(&p->wake);
		pthread_cond_destroy(&p->workers_gone);
		pthread_mutex_destroy(&p->mu);
		free(p);
		return vl_err_set(err, VL_INTERNAL_ERROR, "cannot start the pusher thread");
	}
	engine_set_commit_hook(e, pusher_notify, p);
	*out = p;
	return 0;
}

void pusher_stop(struct pusher *p)
{
	if (p == NULL)
		return;
	engine_set_commit_hook(p->e, NULL, NULL);
	agent_client_cancel_all();
	pthread_mutex_lock(&p->mu);
	p->stopping = true;
	pthread_cond_signal(&p->wake);
	for (struct push_worker *w = p->workers; w; w = w->next)
		pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_lock(&p->mu);
	while (p->live_workers > 0)
		pthread_cond_wait(&p->workers_gone, &p->mu);
	pthread_mutex_unlock(&p->mu);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->workers_gone);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
