#ifndef VL_DAEMON_H
#define VL_DAEMON_H

/*
 * The agent daemon's state, shared by its parts: the reconciler (reconcile.c) that builds
 * the desired document, the monitor (monitor.c) that watches SAs and health and switches
 * routes, the HTTP listener (listener.c) the server pushes to, the reporter (report.c)
 * that registers and reports to the server, and the state directory (state.c).
 *
 * Locking: d->apply_lock serialises the reconciler (plan and apply) and guards d->record;
 * d->lock guards everything below it and is held by the monitor for one poll and by the
 * reconciler only to publish what it built: a charon start or a tunnel load never waits
 * for a failover decision, nor one for them.  Taken in that order.  Network calls to the
 * server are made without either.
 */

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "doc.h"
#include "health.h"
#include "ipsec.h"
#include "sa_counters.h"

#define AGENT_VERSION "0.5.0"
#define NS_NAME_MAX 96

struct agent_options {
	const char *server_url;	/* http://127.0.0.1:8080 */
	const char *zones;	/* comma-separated; "" every zone */
	int zone_index;		/* also the Nth zone of every region (ZoneIndex); 0 none */
	bool role_cloud, role_site;
	const char *state_dir;	/* default /var/lib/vpnlab-agent */
	const char *listen;	/* ADDR:PORT the server pushes to */
	const char *underlay_ip;/* address other agents reach this one's VXLAN at */
	const char *advertise_url; /* URL given to the server; default http://listen */
	const char *token;	/* X-Vpnlab-Agent-Token, required both ways (main refuses to start without) */
	bool keep_dataplane;
	int report_interval_ms;
	int preflight_retry_s;	/* how often an unusable IPsec backend is checked again (30) */
};

/* What the agent tracks for one tunnel of one endpoint it built. */
struct tunnel_rt {
	char endpoint[DOC_ID_MAX];
	char name[96];
	char connection_id[DOC_ID_MAX], tunnel_id[DOC_ID_MAX];
	enum doc_endpoint_kind side;
	bool present; /* still in the applied document */
	/* from charon */
	char ike_state[24], child_state[24];
	uint64_t bytes_in, bytes_out, packets_in, packets_out; /* the current CHILD_SA's */
	uint32_t child_spi;
	struct sa_counters counters; /* the tunnel's totals across rekeys (reported) */
	int64_t child_since_ms;	  /* when this CHILD_SA appeared; 0: before this agent started */
	bool child_seen;	  /* a CHILD_SA was seen since this agent started */
	int64_t last_prefer_ms;	  /* last time the agent made it the preferred SA */
	/* checks through the tunnel (gateway side): the customer's health check, else the cloud's liveness probe */
	bool health_enabled; /* the customer's health check (reported as the connection's) */
	bool check_enabled;  /* either check runs */
	enum health_state health;
	/* branch side: when packets_in last moved, and when the agent last (re)initiated */
	int64_t last_in_change_ms;
	int64_t last_initiate_ms;
	bool active; /* carries the VPC's traffic now (gateway side) */
};

/* One endpoint's charon. */
struct endpoint_rt {
	char id[DOC_ID_MAX];
	char ns[NS_NAME_MAX];
	struct ipsec_instance *ipsec;
	uint32_t start_fail_sig; /* the last charon death at start told to the connection logs; 0 none */
};

/* One route of a VPC router or of a site's router, and the next hops installed for it. */
struct route_rt {
	char vpc[DOC_ID_MAX];  /* the router: a VPC's or a transit router's id; "" for a site router's route */
	char site[DOC_ID_MAX]; /* "" for a VPC or transit router's route */
	uint32_t table; /* 0: main (the system route table); else a custom table's kernel table */
	char dest[20];
	char chosen[200]; /* the next hops installed now, "via,via" */
};

struct agent_daemon;

/*
 * What the applier does to the links of each object (everything but charon): namespaces,
 * veths, bridges, addresses, routes, faults and rates.  Each call is idempotent and gets
 * the object as it is wanted and as it was last built (NULL when not).  The agent uses
 * agent_links_netlink; unit tests a fake that records calls.
 */
struct agent_links_ops {
	int (*underlay)(struct agent_daemon *d, const struct doc_desired *want, const struct doc_desired *old,
			char *err);
	int (*vpc)(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_vpc *old, char *err);
	int (*transit_router)(struct agent_daemon *d, const struct doc_transit_router *tr,
			      const struct doc_transit_router *old, char *err);
	int (*site)(struct agent_daemon *d, const struct doc_site *site, const struct doc_site *old, char *err);
	int (*endpoint)(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *ep,
			const struct doc_endpoint *old, char *err);
	/* a branch device's routes toward sibling devices (they depend on the whole document) */
	int (*site_fallback)(struct agent_daemon *d, const struct doc_desired *want, const struct doc_endpoint *ep,
			     char *err);
	int (*host)(struct agent_daemon *d, const struct doc_host *h, const struct doc_host *old, char *err);
	/* removes the namespace of object_id (and all in it) */
	void (*remove)(struct agent_daemon *d, const char *object_id);
};

extern const struct agent_links_ops agent_links_netlink;

struct agent_daemon {
	struct agent_options opt;
	char agent_id[DOC_ID_MAX];
	char ns_prefix[16];
	const struct ipsec_backend_ops *ipsec;
	char ipsec_reason[160];
	/* the preflight (preflight.c): a scratch charon with the backend's plugins starts */
	bool backend_usable;
	char backend_error[IPSEC_ERR_MAX + 64]; /* why not, "" when usable */
	bool reregister;     /* the registration changed (backend usability): register again */
	bool preflight_due;  /* check again now (an endpoint's charon died at start) */
	pthread_cond_t preflight_wake;

	const struct agent_links_ops *links;

	pthread_mutex_t apply_lock;
	struct doc_desired record; /* what the applier built, object by object (apply_lock) */

	pthread_mutex_t lock;
	struct doc_desired applied; /* the last document applied in full; generation 0: none yet */
	int64_t applying;	    /* the generation a pass is applying now; 0: none */
	bool have_applied;
	int endpoint_count;
	struct endpoint_rt *endpoints;
	int tunnel_count;
	struct tunnel_rt *tunnels;
	int route_count;
	struct route_rt *routes;
	struct health *health;

	/* log lines waiting to go to the server (gateway side) */
	json_t *pending_logs; /* JSON array */
	bool status_dirty;
	pthread_cond_t wake;	     /* monitor wake-up: health change, new document */
	bool health_changed;	     /* a check changed verdict since the monitor last looked */
	pthread_cond_t report_wake; /* reporter wake-up: status_dirty was set */
	volatile int stopping;
	int64_t polls; /* monitor polls done: SAs seen at the first one were running before */
	/* the monitor is asking the charons it listed, without d->lock: an instance taken out of
	 * the runtime meanwhile is stopped or detached only after poll_done (monitor_poll_wait) */
	bool polling;
	pthread_cond_t poll_done;
	struct peer_table *peer_table; /* the fabric peers' tunnel states (peers.c) */
};

/* ---- names and runtime look-ups (runtime.c) ---- */
/* Namespace of a document object (a VPC, endpoint, site LAN, host, or "ul"). */
void agent_ns_name(const struct agent_daemon *d, const char *object_id, char out[NS_NAME_MAX]);
/* A 9-character interface name for object_id: prefix letter + 8 hex digits of its hash. */
void agent_if_name(char letter, const char *object_id, char out[16]);

/* The tracked tunnel name of endpoint, or NULL; points into d->tunnels (d->lock held). */
struct tunnel_rt *agent_tunnel_find(struct agent_daemon *d, const char *endpoint, const char *name);
/* The health module's key of a tunnel: "<endpoint>/<tunnel>". */
void agent_health_key(const char *endpoint, const char *tunnel, char out[HEALTH_KEY_MAX]);

/* ---- routes.c ---- */
/*
 * Selects each VPC route's and each site router's route's next hops from the tunnels' states
 * (route_select) and installs what changed; marks the gateway tunnels that carry the VPCs'
 * traffic.  d->lock held.  Returns how many routes changed.
 */
int agent_routes_update(struct agent_daemon *d);
/*
 * Whether tunnel t may carry a route's traffic: its CHILD_SA is installed and no check
 * through it (the customer's health check, else the cloud's liveness probe) failed.  Local
 * hops and the fabric peers (GET /v1/state "Usable") are judged by this one rule.
 */
bool agent_tunnel_usable(const struct tunnel_rt *t);

/* ---- reconcile.c ---- */
/*
 * Makes the data plane match want (validated): plans (reconcile_plan) against what was
 * built and applies the plan an object at a time, under d->apply_lock (d->lock only to
 * publish).  On success want's contents move into d->applied (want is zeroed).  Returns 0
 * or -1 with err (256) set; a failure leaves d->applied unchanged and the objects built so
 * far recorded, so the next push or resync does only the rest.
 */
int agent_reconcile(struct agent_daemon *d, struct doc_desired *want, char *err);
/* Removes everything the applied document built (SIGTERM without --keep-dataplane). */
void agent_teardown(struct agent_daemon *d);
/* Frees the runtime without touching the data plane (--keep-dataplane). */
void agent_detach(struct agent_daemon *d);
/* Removes every namespace with this agent's prefix and charons named in the state dir. */
int agent_cleanup_leftovers(struct agent_daemon *d);

/* ---- the daemon's threads (runtime.c) ---- */
/* One of the daemon's threads (monitor, reporter, peers, preflight); zero: not running. */
struct agent_thread {
	pthread_t id;
	bool running;
};
/* Starts main(d) as t: 0, or -1 (t not running). */
int agent_thread_start(struct agent_thread *t, void *(*main)(void *), struct agent_daemon *d);
/*
 * Joins t when it runs; before, unless wake is NULL, sets d->stopping and broadcasts wake
 * under d->lock.  False when t was not running.
 */
bool agent_thread_stop(struct agent_thread *t, struct agent_daemon *d, pthread_cond_t *wake);

/* ---- monitor.c ---- */
int monitor_start(struct agent_daemon *d);
void monitor_stop(struct agent_daemon *d);
/* Health-module callback: a check changed verdict (wakes the monitor). */
void monitor_health_changed(void *arg, const char *key, enum health_state state);
/*
 * One poll: charons' SAs and logs (read without d->lock), checks, branch keep-alive,
 * routes (under it).  Called without d->lock.
 */
void monitor_poll(struct agent_daemon *d);
/* Waits (d->lock held) until no monitor poll is reading a charon without the lock. */
void monitor_poll_wait(struct agent_daemon *d);
/* The checks' verdicts and the routes only (a check changed verdict).  d->lock held. */
void monitor_checks_changed(struct agent_daemon *d);

/* ---- peers.c ---- */
/* Starts the thread that reads the fabric peers' tunnel states; 0 or -1. */
int peers_start(struct agent_daemon *d);
/* Joins it (after d->stopping is set) and frees the table. */
void peers_stop(struct agent_daemon *d);
/*
 * Whether a remote hop of vpc may carry traffic: its fabric peer answered within the last
 * moments and reports that tunnel usable (agent_tunnel_usable on the peer) (d->lock held).
 */
bool peers_hop_usable(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_nexthop *h);

/* ---- listener.c ---- */
int listener_start(struct agent_daemon *d, char *err);
void listener_stop(void);

/* ---- report.c ---- */
/* Registers with the server (POST /v1/agents); 0 or -1 with err (256). */
int report_register(struct agent_daemon *d, char *err);
/*
 * The reporter thread: sends a status report when d->status_dirty is set (woken through
 * d->report_wake) and at least every 5 s; registers again when the server forgot the
 * agent.  Reports are built under d->lock and sent without it.
 */
int report_start(struct agent_daemon *d);
void report_stop(struct agent_daemon *d);

/* ---- preflight.c ---- */
/*
 * Proves the IPsec backend works: starts one scratch charon with the backend's plugin list
 * in a scratch namespace and stops it.  0, or -1 with why (one line: charon's telling log
 * line and the Debian package that fixes it when a plugin is missing).  Takes no lock.
 */
int preflight_check(struct agent_daemon *d, char *why, size_t size);
/* Records the outcome of a check (d->lock held): logs a change once, asks the reporter to register again. */
void preflight_record(struct agent_daemon *d, bool usable, const char *why);
/*
 * The preflight thread: while the backend is unusable it checks again every
 * opt.preflight_retry_s seconds (and at once when d->preflight_due is set); once it works,
 * healed(d) runs (without d->lock; it rebuilds the stored document) before the backend is
 * marked usable and the agent registers again.
 */
int preflight_start(struct agent_daemon *d, void (*healed)(struct agent_daemon *d));
void preflight_stop(struct agent_daemon *d);
/* Asks for a check now (d->lock held): an endpoint's charon died at start. */
void preflight_request(struct agent_daemon *d);

/* ---- state.c ---- */
/* Loads or creates the agent id in the state dir. */
int state_load_id(struct agent_daemon *d, char *err);
/* Writes the applied document text atomically (rename). */
int state_save_doc(struct agent_daemon *d, const char *text, size_t len, char *err);
/* Reads the applied document text (malloc'd, NULL if none). */
char *state_load_doc(struct agent_daemon *d, size_t *len);
void state_remove_doc(struct agent_daemon *d);
/* The instance directory of an endpoint's charon under the state dir. */
void state_endpoint_dir(const struct agent_daemon *d, const char *endpoint_id, char *out, size_t size);

int64_t agent_now_ms(void);
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
