/*
 * The monitor: every MONITOR_POLL_MS (and at once when a health check changes verdict) it
 * reads each charon's SAs and log, re-selects the VPC routes' next hops (routes.c), keeps
 * branch devices' tunnels alive, and reports to the server.  Failover is decided here,
 * locally: the server may be gone.  A push being applied does not hold it up: the applier
 * takes d->lock only to publish what it built (reconcile.c).  Nor does a slow charon hold
 * up the state API, reports or the applier: the poll asks the charons without d->lock and
 * takes the lock only to merge what they said.
 */
#include "daemon.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#define MONITOR_POLL_MS 200
#define LOGS_PENDING_MAX 2000
#define BRANCH_REINITIATE_MS 3000

static struct agent_thread monitor_thread;

void monitor_health_changed(void *arg, const char *key, enum health_state state)
{
	struct agent_daemon *d = arg;

	agent_log("health %s: %s", key, state == HEALTH_UP ? "up" : state == HEALTH_DOWN ? "down" : "unknown");
	pthread_mutex_lock(&d->lock);
	d->health_changed = true;
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
}

static const struct doc_tunnel *doc_tunnel_of(const struct agent_daemon *d, const char *endpoint, const char *name)
{
	const struct doc_endpoint *e = doc_find_endpoint(&d->applied, endpoint);

	return e ? doc_find_tunnel(e, name) : NULL;
}

struct log_ctx {
	struct agent_daemon *d;
	struct endpoint_rt *ep;
};

static void on_log_line(void *arg, const struct ipsec_log_line *line)
{
	struct log_ctx *c = arg;
	struct tunnel_rt *t;
	json_t *logs = c->d->pending_logs;
	char stamp[32], text[800];
	time_t sec;
	struct tm tm;

	if (line->conn_name[0] == '\0' || (t = agent_tunnel_find(c->d, c->ep->id, line->conn_name)) == NULL)
		return;
	if (t->side != DOC_EP_GATEWAY || json_array_size(logs) >= LOGS_PENDING_MAX)
		return;
	sec = (time_t)(line->time_ms / 1000);
	gmtime_r(&sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	/* the cloud's form: "2022-12-14 15:52:28 vco-… [INFO]: message" */
	snprintf(text, sizeof(text), "%s %s [INFO]: %s", stamp, t->connection_id, line->text);
	json_array_append_new(logs, json_pack("{s:s, s:s, s:I, s:s}", "VpnConnectionId", t->connection_id, "TunnelId",
					      t->tunnel_id, "TimeMs", (json_int_t)line->time_ms, "Line", text));
	c->d->status_dirty = true;
}

/*
 * What one poll read from one charon.  Gathered without d->lock (a VICI round trip per
 * charon adds up to most of a second with a couple of hundred of them), merged under it.
 */
struct endpoint_poll {
	char id[DOC_ID_MAX];
	struct ipsec_instance *ipsec; /* the runtime's; alive while d->polling is set */
	bool listed;		      /* list_sas answered */
	struct ipsec_sa_state *sas;   /* malloc'd */
	int count;
	struct ipsec_log_line *logs; /* malloc'd; lines about a connection only */
	int log_count, log_cap;
};

static void collect_log_line(void *arg, const struct ipsec_log_line *line)
{
	struct endpoint_poll *p = arg;

	/* on_log_line drops the others, and the server takes at most LOGS_PENDING_MAX */
	if (line->conn_name[0] == '\0' || p->log_count >= LOGS_PENDING_MAX)
		return;
	if (p->log_count == p->log_cap) {
		int cap = p->log_cap ? p->log_cap * 2 : 16;
		struct ipsec_log_line *more = realloc(p->logs, sizeof(*more) * (size_t)cap);

		if (more == NULL)
			return;
		p->logs = more;
		p->log_cap = cap;
	}
	p->logs[p->log_count++] = *line;
}

/* Reads one charon's SAs and new log lines.  Without d->lock. */
static void gather_endpoint(struct agent_daemon *d, struct endpoint_poll *p)
{
	char err[IPSEC_ERR_MAX];

	if (d->ipsec->list_sas(p->ipsec, &p->sas, &p->count, err) < 0) {
		agent_log("%s: list-sas: %s", p->id, err);
		p->sas = NULL;
		p->count = 0;
		return;
	}
	p->listed = true;
	if (d->ipsec->drain_logs(p->ipsec, collect_log_line, p, err) < 0)
		agent_log("%s: log: %s", p->id, err);
}

/*
 * Takes what gather_endpoint read into the tunnels of its endpoint (d->lock held).  An
 * endpoint that left the runtime meanwhile, or got another charon, is skipped; tunnels that
 * went are not in d->tunnels any more, and ones added since keep their state until the
 * next poll.
 */
static void merge_endpoint(struct agent_daemon *d, const struct endpoint_poll *p, int64_t now)
{
	const struct ipsec_sa_state *sas = p->sas;
	int count = p->count;
	struct endpoint_rt *ep = NULL;
	struct log_ctx lc;

	for (int i = 0; i < d->endpoint_count && ep == NULL; i++)
		if (strcmp(d->endpoints[i].id, p->id) == 0 && d->endpoints[i].ipsec == p->ipsec)
			ep = &d->endpoints[i];
	if (ep == NULL || !p->listed)
		return;
	for (int i = 0; i < d->tunnel_count; i++) {
		struct tunnel_rt *t = &d->tunnels[i];
		const struct ipsec_sa_state *best = NULL;
		char ike[24] = "", child[24] = "";

		if (strcmp(t->endpoint, ep->id) != 0)
			continue;
		/* several IKE_SAs of one connection (a rekey, a re-initiation): prefer an installed one */
		for (int k = 0; k < count; k++)
			if (strcmp(sas[k].conn_name, t->name) == 0 &&
			    (best == NULL || (strcmp(sas[k].child_state, "INSTALLED") == 0 &&
					      strcmp(best->child_state, "INSTALLED") != 0)))
				best = &sas[k];
		if (best != NULL) {
			snprintf(ike, sizeof(ike), "%s", best->ike_state);
			snprintf(child, sizeof(child), "%s", best->child_state);
		}
		if (strcmp(ike, t->ike_state) != 0 || strcmp(child, t->child_state) != 0) {
			agent_log("%s %s: IKE %s, CHILD %s", ep->id, t->name, ike[0] ? ike : "none",
				  child[0] ? child : "none");
			d->status_dirty = true;
		}
		snprintf(t->ike_state, sizeof(t->ike_state), "%s", ike);
		snprintf(t->child_state, sizeof(t->child_state), "%s", child);
		if (best != NULL && (best->packets_in != t->packets_in || best->child_spi_in != t->child_spi))
			t->last_in_change_ms = now;
		if (best != NULL && best->child_spi_in != 0 && best->child_spi_in != t->child_spi) {
			/* what ran before this agent started (adopted) counts as oldest */
			t->child_since_ms = d->polls == 0 && !t->child_seen ? 0 : now;
			t->child_seen = true;
		}
		t->packets_in = best ? best->packets_in : 0;
		t->packets_out = best ? best->packets_out : 0;
		t->bytes_in = best ? best->bytes_in : 0;
		t->bytes_out = best ? best->bytes_out : 0;
		t->child_spi = best ? best->child_spi_in : 0;
		{
			struct sa_counts seen = { t->bytes_in, t->bytes_out, t->packets_in, t->packets_out };

			sa_counters_observe(&t->counters, t->child_spi, &seen);
		}
	}
	lc.d = d;
	lc.ep = ep;
	for (int i = 0; i < p->log_count; i++)
		on_log_line(&lc, &p->logs[i]);
}

/*
 * charon calls a poll decided on under d->lock and makes after releasing it (d->polling
 * still set, so the instances stay): a branch device re-initiating or dropping its
 * tunnels, a preferred SA.  With a couple of hundred branch tunnels coming up these are
 * hundreds of VICI round trips per poll.
 */
enum later_kind { LATER_INITIATE, LATER_TERMINATE, LATER_PREFER };

struct later_call {
	enum later_kind kind;
	struct ipsec_instance *ipsec;
	char endpoint[DOC_ID_MAX];
	char name[96];
};

struct later {
	struct later_call *calls; /* malloc'd */
	int count, cap;
};

static void later_run_one(struct agent_daemon *d, const struct later_call *c)
{
	char err[IPSEC_ERR_MAX];
	int rc;

	switch (c->kind) {
	case LATER_INITIATE:
		rc = d->ipsec->initiate(c->ipsec, c->name, err);
		break;
	case LATER_TERMINATE:
		rc = d->ipsec->terminate(c->ipsec, c->name, err);
		break;
	default:
		rc = d->ipsec->make_preferred(c->ipsec, c->name, err);
		break;
	}
	if (rc < 0)
		agent_log("%s %s: %s: %s", c->endpoint, c->name,
			  c->kind == LATER_INITIATE ? "initiate" : c->kind == LATER_TERMINATE ? "terminate" : "prefer", err);
}

/* Queues a call for after the lock; makes it now when there is no memory to queue it. */
static void later_add(struct agent_daemon *d, struct later *l, enum later_kind kind, struct endpoint_rt *ep,
		      const char *name)
{
	struct later_call c = { .kind = kind, .ipsec = ep->ipsec };

	snprintf(c.endpoint, sizeof(c.endpoint), "%s", ep->id);
	snprintf(c.name, sizeof(c.name), "%s", name);
	if (l->count == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		struct later_call *more = realloc(l->calls, sizeof(*more) * (size_t)cap);

		if (more == NULL) {
			later_run_one(d, &c);
			return;
		}
		l->calls = more;
		l->cap = cap;
	}
	l->calls[l->count++] = c;
}

/*
 * A branch device's side of active/standby: the gateway's health checks arrive through
 * every tunnel each interval, so a tunnel whose SA has received nothing for interval ×
 * retry is dead; the device drops it so that its traffic leaves through the other tunnel,
 * and keeps re-initiating it, as a branch router with tunnel tracking does.
 */
static void keep_branch(struct agent_daemon *d, struct tunnel_rt *t, struct endpoint_rt *ep, int64_t now,
			struct later *later)
{
	const struct doc_tunnel *dt = doc_tunnel_of(d, t->endpoint, t->name);
	const struct doc_health_check *check;

	if (dt == NULL || ep->ipsec == NULL)
		return;
	if (t->ike_state[0] == '\0') {
		if (now - t->last_initiate_ms >= BRANCH_REINITIATE_MS) {
			t->last_initiate_ms = now;
			t->last_in_change_ms = now;
			later_add(d, later, LATER_INITIATE, ep, t->name);
		}
		return;
	}
	if ((check = doc_tunnel_check(dt)) == NULL || strcmp(t->child_state, "INSTALLED") != 0)
		return;
	if (now - t->last_in_change_ms > (int64_t)check->interval_ms * check->retry + MONITOR_POLL_MS) {
		agent_log("%s %s: nothing received for %lld ms: dropping the tunnel", t->endpoint, t->name,
			  (long long)(now - t->last_in_change_ms));
		later_add(d, later, LATER_TERMINATE, ep, t->name);
		t->last_initiate_ms = now;
		t->last_in_change_ms = now;
		t->ike_state[0] = t->child_state[0] = '\0';
		d->status_dirty = true;
	}
}

static bool shares_remote_block(const struct doc_tunnel *a, const struct doc_tunnel *b)
{
	for (int i = 0; i < a->remote_ts_count; i++)
		for (int j = 0; j < b->remote_ts_count; j++)
			if (strcmp(a->remote_ts[i], b->remote_ts[j]) == 0)
				return true;
	return false;
}

/*
 * Active/standby connections on one gateway endpoint share their traffic selectors, and
 * enforce_preference keeps the active one's SA the one that carries the traffic.
 * When its health check fails, the endpoint drops that SA so the standby's takes over; the
 * branch re-establishes it when the path is back, and its priority brings traffic back.
 */
/* The highest route weight that points at a tunnel (its rank among standbys); -1 none. */
static int tunnel_weight(const struct agent_daemon *d, const char *endpoint, const char *name)
{
	int best = -1;

	for (int i = 0; i < d->applied.vpc_count; i++)
		for (int r = 0; r < d->applied.vpcs[i].route_count; r++)
			for (int h = 0; h < d->applied.vpcs[i].routes[r].nexthop_count; h++) {
				const struct doc_nexthop *n = &d->applied.vpcs[i].routes[r].nexthops[h];

				if (strcmp(n->endpoint, endpoint) == 0 && strcmp(n->tunnel, name) == 0 && n->weight > best)
					best = n->weight;
			}
	return best;
}

static void drop_failed_active(struct agent_daemon *d, struct tunnel_rt *t)
{
	const struct doc_tunnel *dt = doc_tunnel_of(d, t->endpoint, t->name);
	int weight = tunnel_weight(d, t->endpoint, t->name);
	char err[IPSEC_ERR_MAX];

	if (dt == NULL || strcmp(t->child_state, "INSTALLED") != 0)
		return;
	/*
	 * Only the active one (a higher weight than the standby's) is dropped: the standby's
	 * own checks run through the active SA too (the same selectors), so they fail with it.
	 */
	for (int i = 0; i < d->tunnel_count; i++) {
		struct tunnel_rt *o = &d->tunnels[i];
		const struct doc_tunnel *odt;

		if (o == t || strcmp(o->endpoint, t->endpoint) != 0 || strcmp(o->child_state, "INSTALLED") != 0 ||
		    tunnel_weight(d, o->endpoint, o->name) >= weight ||
		    (odt = doc_tunnel_of(d, o->endpoint, o->name)) == NULL || !shares_remote_block(dt, odt))
			continue;
		for (int k = 0; k < d->endpoint_count; k++)
			if (strcmp(d->endpoints[k].id, t->endpoint) == 0 && d->endpoints[k].ipsec != NULL) {
				agent_log("%s %s: health check failed, %s takes over: dropping its SA", t->endpoint, t->name,
					  o->name);
				if (d->ipsec->terminate(d->endpoints[k].ipsec, t->name, err) < 0)
					agent_log("%s %s: terminate: %s", t->endpoint, t->name, err);
				t->ike_state[0] = t->child_state[0] = '\0';
				d->status_dirty = true;
			}
		return;
	}
}

/* How much a tunnel is preferred among tunnels with the same selectors on one endpoint. */
static int preference(const struct agent_daemon *d, const struct tunnel_rt *t)
{
	const struct doc_tunnel *dt;

	if (t->side == DOC_EP_GATEWAY)
		return tunnel_weight(d, t->endpoint, t->name);
	dt = doc_tunnel_of(d, t->endpoint, t->name);
	return dt != NULL && dt->role == DOC_ROLE_SLAVE ? 0 : 100;
}

/*
 * Keeps the preferred (active) tunnel's SA the one that carries traffic when a less
 * preferred one with the same selectors was installed after it (a standby coming up, or
 * rekeying): see ipsec_backend_ops.make_preferred.
 */
static void enforce_preference(struct agent_daemon *d, struct endpoint_rt *ep, int64_t now, struct later *later)
{
	for (int i = 0; i < d->tunnel_count; i++) {
		struct tunnel_rt *t = &d->tunnels[i];
		const struct doc_tunnel *dt = doc_tunnel_of(d, t->endpoint, t->name);

		if (strcmp(t->endpoint, ep->id) != 0 || dt == NULL || strcmp(t->child_state, "INSTALLED") != 0 ||
		    t->health == HEALTH_DOWN || now - t->last_prefer_ms < 3000)
			continue;
		for (int j = 0; j < d->tunnel_count; j++) {
			struct tunnel_rt *o = &d->tunnels[j];
			const struct doc_tunnel *odt;

			/* installed at the same poll: which is newer is unknown, so decide it (adopted SAs
			 * are left alone: they run as they did) */
			bool newer = o->child_since_ms > t->child_since_ms ||
				     (o->child_since_ms == t->child_since_ms && t->child_since_ms != 0);

			if (o == t || strcmp(o->endpoint, ep->id) != 0 || strcmp(o->child_state, "INSTALLED") != 0 ||
			    !newer || preference(d, o) >= preference(d, t) ||
			    (odt = doc_tunnel_of(d, o->endpoint, o->name)) == NULL || !shares_remote_block(dt, odt))
				continue;
			agent_log("%s: %s was installed after %s: making %s's SA the active one", ep->id, o->name,
				  t->name, t->name);
			t->last_prefer_ms = now;
			later_add(d, later, LATER_PREFER, ep, t->name);
			break;
		}
	}
}

/* Takes the checks' verdicts over into the tunnels (a failed active one loses its SA). */
static void take_checks(struct agent_daemon *d)
{
	for (int i = 0; i < d->tunnel_count; i++) {
		struct tunnel_rt *t = &d->tunnels[i];
		char key[HEALTH_KEY_MAX];
		enum health_state h;

		if (!t->check_enabled)
			continue;
		agent_health_key(t->endpoint, t->name, key);
		h = health_get(d->health, key);
		if (h != t->health) {
			d->status_dirty = true;
			t->health = h;
			if (h == HEALTH_DOWN && t->side == DOC_EP_GATEWAY)
				drop_failed_active(d, t);
		}
	}
}

void monitor_checks_changed(struct agent_daemon *d)
{
	take_checks(d);
	agent_routes_update(d);
}

void monitor_poll(struct agent_daemon *d)
{
	int64_t now = agent_now_ms(), gathered, held, took;
	struct later later = { 0 };
	struct endpoint_poll *polls;
	int count = 0;

	pthread_mutex_lock(&d->lock);
	polls = calloc((size_t)d->endpoint_count + 1, sizeof(*polls));
	for (int i = 0; polls != NULL && i < d->endpoint_count; i++)
		if (d->endpoints[i].ipsec != NULL) {
			snprintf(polls[count].id, sizeof(polls[count].id), "%s", d->endpoints[i].id);
			polls[count++].ipsec = d->endpoints[i].ipsec;
		}
	/* the applier stops or detaches an instance it took out of the runtime only after this poll */
	d->polling = true;
	pthread_mutex_unlock(&d->lock);

	for (int i = 0; i < count; i++) {
		gather_endpoint(d, &polls[i]);
		/* a check that changed verdict moves the routes now, not after every charon answered */
		pthread_mutex_lock(&d->lock);
		if (d->health_changed) {
			d->health_changed = false;
			monitor_checks_changed(d);
		}
		pthread_mutex_unlock(&d->lock);
	}

	pthread_mutex_lock(&d->lock);
	gathered = agent_now_ms();
	for (int i = 0; i < count; i++)
		merge_endpoint(d, &polls[i], now);
	take_checks(d);
	for (int i = 0; i < d->tunnel_count; i++) {
		struct tunnel_rt *t = &d->tunnels[i];

		if (t->side == DOC_EP_SITE_DEVICE)
			for (int k = 0; k < d->endpoint_count; k++)
				if (strcmp(d->endpoints[k].id, t->endpoint) == 0)
					keep_branch(d, t, &d->endpoints[k], now, &later);
	}
	for (int i = 0; i < d->endpoint_count; i++)
		if (d->endpoints[i].ipsec != NULL)
			enforce_preference(d, &d->endpoints[i], now, &later);
	agent_routes_update(d);
	d->polls++;
	held = agent_now_ms() - gathered;
	pthread_mutex_unlock(&d->lock);

	for (int i = 0; i < later.count; i++)
		later_run_one(d, &later.calls[i]);
	free(later.calls);

	pthread_mutex_lock(&d->lock);
	d->polling = false;
	pthread_cond_broadcast(&d->poll_done);
	/* a slow poll delays the next look at every tunnel: say so, and how long d->lock was held */
	if ((took = agent_now_ms() - now) > 4 * MONITOR_POLL_MS)
		agent_log("monitor: one poll of %d charons took %lld ms (d->lock held %lld ms of it)", count,
			  (long long)took, (long long)held);
	pthread_mutex_unlock(&d->lock);
	for (int i = 0; i < count; i++) {
		free(polls[i].sas);
		free(polls[i].logs);
	}
	free(polls);
}

static void *monitor_main(void *arg)
{
	struct agent_daemon *d = arg;

	struct timespec next = { 0 };

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		if (d->health_changed && (now.tv_sec < next.tv_sec ||
					  (now.tv_sec == next.tv_sec && now.tv_nsec < next.tv_nsec))) {
			/*
			 * A check changed verdict between polls: the routes follow at once, without
			 * asking every charon first (that poll's time grows with their number)
			 */
			d->health_changed = false;
			monitor_checks_changed(d);
		} else {
			d->health_changed = false;
			pthread_mutex_unlock(&d->lock);
			monitor_poll(d);
			pthread_mutex_lock(&d->lock);
			clock_gettime(CLOCK_REALTIME, &next);
			next.tv_nsec += MONITOR_POLL_MS * 1000000L;
			if (next.tv_nsec >= 1000000000L) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000L;
			}
		}
		/* the reporter sends without holding the lock: a server that is gone or slow never
		 * delays a failover */
		if (d->status_dirty)
			pthread_cond_broadcast(&d->report_wake);
		if (!d->stopping && !d->health_changed)
			pthread_cond_timedwait(&d->wake, &d->lock, &next);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int monitor_start(struct agent_daemon *d)
{
	return agent_thread_start(&monitor_thread, monitor_main, d);
}

void monitor_stop(struct agent_daemon *d)
{
	agent_thread_stop(&monitor_thread, d, &d->wake);
}

void monitor_poll_wait(struct agent_daemon *d)
{
	while (d->polling)
		pthread_cond_wait(&d->poll_done, &d->lock);
}
