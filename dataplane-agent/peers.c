/*
 * Tunnel states of the other agents a VPC spans (its fabric peers).  A VPC route's next hop
 * may be a tunnel endpoint on another agent (a dual-tunnel gateway's master in one zone, its
 * slave in another): the route may use it only while that tunnel has its SA.  This thread
 * reads each peer's GET /v1/state (with the agent token every agent holds) every
 * PEER_POLL_MS, each tunnel's "Usable" being the peer's own verdict; a peer that does not answer (its machine is gone) has no usable tunnels once
 * its last answer is older than PEER_FRESH_MS.  The monitor decides with what is here, so
 * failover across agents stays local to the agents: the server is not asked.
 */
#include "daemon.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_body.h"

#define PEER_POLL_MS 300
#define PEER_TIMEOUT_MS 800
#define PEER_FRESH_MS 1500
#define PEER_BODY_MAX (4 << 20)

struct peer_tunnel {
	char endpoint[DOC_ID_MAX];
	char name[96];
	bool usable;
};

struct peer_state {
	char url[DOC_URL_MAX];
	int64_t answered_ms; /* last good answer, 0 never */
	int tunnel_count;
	struct peer_tunnel *tunnels;
	bool reachable; /* as the log last said */
};

struct peer_table {
	int count;
	struct peer_state *peers;
};

static struct agent_thread peers_thread;

static struct peer_state *peer_find(struct peer_table *t, const char *url)
{
	for (int i = 0; t != NULL && i < t->count; i++)
		if (strcmp(t->peers[i].url, url) == 0)
			return &t->peers[i];
	return NULL;
}

bool peers_hop_usable(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_nexthop *h)
{
	const struct doc_fabric_peer *fp = doc_find_fabric_peer(vpc, h->via);
	struct peer_state *p = fp ? peer_find(d->peer_table, fp->url) : NULL;

	if (p == NULL || p->answered_ms == 0 || agent_now_ms() - p->answered_ms > PEER_FRESH_MS)
		return false;
	for (int i = 0; i < p->tunnel_count; i++)
		if (strcmp(p->tunnels[i].endpoint, h->endpoint) == 0 && strcmp(p->tunnels[i].name, h->tunnel) == 0)
			return p->tunnels[i].usable;
	return false;
}

/* GETs url/v1/state; the answer's gateway tunnels into *out (malloc'd).  0 or -1. */
static int fetch_peer(const struct agent_daemon *d, const char *url, struct peer_tunnel **out, int *count)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct http_body b = { NULL, 0, PEER_BODY_MAX };
	char full[DOC_URL_MAX + 16], token[300];
	json_t *root = NULL, *t;
	long status = 0;
	size_t i;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (c == NULL)
		goto out;
	snprintf(full, sizeof(full), "%s/v1/state", url);
	snprintf(token, sizeof(token), "X-Vpnlab-Agent-Token: %s", d->opt.token ? d->opt.token : "");
	h = curl_slist_append(h, token);
	http_body_request(c, full, h, (long)PEER_TIMEOUT_MS, &b);
	if (curl_easy_perform(c) != CURLE_OK)
		goto out;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 || b.p == NULL || (root = json_loads(b.p, 0, NULL)) == NULL)
		goto out;
	if ((*out = calloc(json_array_size(json_object_get(root, "Tunnels")) + 1, sizeof(**out))) == NULL)
		goto out;
	json_array_foreach(json_object_get(root, "Tunnels"), i, t) {
		const char *ep = json_string_value(json_object_get(t, "Endpoint"));
		const char *name = json_string_value(json_object_get(t, "Name"));
		const char *side = json_string_value(json_object_get(t, "Side"));
		struct peer_tunnel *pt = &(*out)[*count];

		if (ep == NULL || name == NULL || side == NULL || strcmp(side, "gateway") != 0)
			continue;
		snprintf(pt->endpoint, sizeof(pt->endpoint), "%s", ep);
		snprintf(pt->name, sizeof(pt->name), "%s", name);
		/*
		 * the peer's own verdict (agent_tunnel_usable): "Health" alone would miss the cloud's
		 * liveness probe, which the peer does not report as the customer's health check
		 */
		pt->usable = json_is_true(json_object_get(t, "Usable"));
		(*count)++;
	}
	rc = 0;
out:
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*count = 0;
	}
	json_decref(root);
	free(b.p);
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	return rc;
}

static void table_free(struct peer_table *t)
{
	for (int i = 0; t != NULL && i < t->count; i++)
		free(t->peers[i].tunnels);
	if (t != NULL)
		free(t->peers);
	free(t);
}

/* The fabric peers' URLs of the applied document, each once (d->lock held). */
static struct peer_table *wanted_peers(struct agent_daemon *d)
{
	struct peer_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	for (int i = 0; d->have_applied && i < d->applied.vpc_count; i++) {
		const struct doc_vpc *v = &d->applied.vpcs[i];

		for (int j = 0; v->has_fabric && j < v->fabric.peer_count; j++) {
			struct peer_state *grown;

			if (peer_find(t, v->fabric.peers[j].url) != NULL)
				continue;
			if ((grown = realloc(t->peers, sizeof(*grown) * (size_t)(t->count + 1))) == NULL)
				continue;
			t->peers = grown;
			memset(&t->peers[t->count], 0, sizeof(t->peers[0]));
			snprintf(t->peers[t->count].url, sizeof(t->peers[0].url), "%s", v->fabric.peers[j].url);
			t->count++;
		}
	}
	return t;
}

static bool same_view(const struct peer_state *a, const struct peer_state *b, int64_t now)
{
	bool fresh_a = a->answered_ms && now - a->answered_ms <= PEER_FRESH_MS;
	bool fresh_b = b->answered_ms && now - b->answered_ms <= PEER_FRESH_MS;

	if (fresh_a != fresh_b || a->tunnel_count != b->tunnel_count)
		return false;
	for (int i = 0; i < a->tunnel_count; i++)
		if (strcmp(a->tunnels[i].endpoint, b->tunnels[i].endpoint) != 0 ||
		    strcmp(a->tunnels[i].name, b->tunnels[i].name) != 0 || a->tunnels[i].usable != b->tunnels[i].usable)
			return false;
	return true;
}

static void *peers_main(void *arg)
{
	struct agent_daemon *d = arg;

	while (!d->stopping) {
		struct peer_table *fresh;
		struct timespec ts = { 0, PEER_POLL_MS * 1000000L };
		bool changed = false;

		pthread_mutex_lock(&d->lock);
		fresh = wanted_peers(d);
		/* carry the last answers over: a missed poll does not forget a peer at once */
		for (int i = 0; fresh != NULL && i < fresh->count; i++) {
			struct peer_state *old = peer_find(d->peer_table, fresh->peers[i].url);

			if (old != NULL) {
				fresh->peers[i].answered_ms = old->answered_ms;
				fresh->peers[i].reachable = old->reachable;
			}
		}
		pthread_mutex_unlock(&d->lock);
		if (fresh == NULL) {
			nanosleep(&ts, NULL);
			continue;
		}
		/* the network calls are made without the lock */
		for (int i = 0; i < fresh->count && !d->stopping; i++) {
			struct peer_state *p = &fresh->peers[i];

			if (fetch_peer(d, p->url, &p->tunnels, &p->tunnel_count) == 0)
				p->answered_ms = agent_now_ms();
		}
		pthread_mutex_lock(&d->lock);
		for (int i = 0; i < fresh->count; i++) {
			struct peer_state *p = &fresh->peers[i], *old = peer_find(d->peer_table, p->url);
			int64_t now = agent_now_ms();
			bool reachable = p->answered_ms && now - p->answered_ms <= PEER_FRESH_MS;

			if (old == NULL || !same_view(old, p, now))
				changed = true;
			if (p->tunnel_count == 0 && old != NULL && old->tunnel_count > 0 && reachable &&
			    p->answered_ms == old->answered_ms) {
				/* no answer this round, still fresh: keep the last tunnels */
				p->tunnels = calloc((size_t)old->tunnel_count, sizeof(*p->tunnels));
				if (p->tunnels != NULL) {
					memcpy(p->tunnels, old->tunnels, sizeof(*p->tunnels) * (size_t)old->tunnel_count);
					p->tunnel_count = old->tunnel_count;
				}
			}
			if (reachable != p->reachable)
				agent_log("fabric peer %s %s", p->url, reachable ? "answers" : "stopped answering");
			p->reachable = reachable;
		}
		table_free(d->peer_table);
		d->peer_table = fresh;
		if (changed)
			pthread_cond_broadcast(&d->wake);
		pthread_mutex_unlock(&d->lock);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int peers_start(struct agent_daemon *d)
{
	return agent_thread_start(&peers_thread, peers_main, d);
}

void peers_stop(struct agent_daemon *d)
{
	if (!agent_thread_stop(&peers_thread, d, NULL))
		return;
	pthread_mutex_lock(&d->lock);
	table_free(d->peer_table);
	d->peer_table = NULL;
	pthread_mutex_unlock(&d->lock);
}
