#ifndef VL_IPSEC_H
#define VL_IPSEC_H

/*
 * The agent's IPsec backend: one strongSwan charon per tunnel-endpoint namespace, driven
 * over VICI (its own socket per instance).  Two implementations share this vtable and
 * differ in where ESP happens: "kernel-netlink" (the kernel's XFRM does ESP) and
 * "kernel-libipsec" (charon does ESP in user space over a TUN device, for kernels without
 * ESP, as on the project's CI machines).  ipsec_backend_detect() picks one at start.
 *
 * Functions return 0 or -1 with a one-line reason in err (IPSEC_ERR_MAX bytes) when err is
 * not NULL.  Two threads may use one instance at once, the reconciler (tunnel calls) and the
 * monitor (list_sas, initiate, terminate, make_preferred, drain_logs): each call talks to
 * charon over its own VICI connection, and only the monitor calls drain_logs.  start, stop
 * and detach are called while no other thread can reach the instance.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "doc.h"

#define IPSEC_ERR_MAX 256
#define IPSEC_NAME_MAX 96
/* kernel-libipsec: the receive buffer (bytes, as getsockopt reports it) of charon's UDP sockets */
#define IPSEC_UDP_RCVBUF (4 << 20)

struct ipsec_instance;

/* Which tunnel a call is about: its connection name within the instance. */
struct ipsec_tunnel_id {
	const char *name;
};

struct ipsec_instance_cfg {
	const char *ns;	  /* named network namespace charon runs in */
	const char *dir;  /* instance directory (created if missing): strongswan.conf,
			   * swanctl.conf, vici socket, charon.log, charon.pid live here */
	const char *label; /* for the agent's own log lines */
	const char *extra_plugins; /* NULL; appended to the plugin list (tests: a critical "name!"
				    * that is not installed makes charon die at start) */
	bool scratch; /* charon dies with the thread that started it (the preflight's): a killed
		       * agent must not leave it behind, while tunnel charons outlive restarts */
};

/* One IKE_SA (and its first CHILD_SA) as charon reports it; names are swanctl's. */
struct ipsec_sa_state {
	char conn_name[IPSEC_NAME_MAX];	 /* the connection section's name */
	char child_name[IPSEC_NAME_MAX]; /* "" when no CHILD_SA */
	char ike_state[24];		 /* CONNECTING, ESTABLISHED, DELETING, … */
	char child_state[24];		 /* INSTALLED, REKEYING, … or "" */
	uint64_t ike_spi_i;		 /* identifies this IKE_SA across polls */
	uint32_t child_spi_in;		 /* identifies the CHILD_SA across polls */
	uint64_t bytes_in, bytes_out, packets_in, packets_out; /* CHILD_SA counters */
	int64_t established_s;		 /* seconds since the IKE_SA was established */
};

/* One line of charon's log, attributed to a connection when charon names the IKE_SA. */
struct ipsec_log_line {
	int64_t time_ms;		/* when charon logged it */
	char conn_name[IPSEC_NAME_MAX]; /* "" for lines about no IKE_SA */
	char text[512];			/* the message, without charon's prefix */
};

typedef void (*ipsec_log_fn)(void *arg, const struct ipsec_log_line *line);

struct ipsec_backend_ops {
	const char *name; /* "kernel-libipsec" | "kernel-netlink" */

	/*
	 * Starts charon in cfg->ns with its files in cfg->dir, or adopts the charon already
	 * running for that directory (its pid file names a live charon whose VICI socket
	 * answers): then nothing is restarted and no SA is touched.  Waits until VICI answers
	 * (≤5 s).  *out is owned by the caller (stop or detach it).
	 */
	int (*start)(const struct ipsec_instance_cfg *cfg, struct ipsec_instance **out, char *err);

	/*
	 * Tunnels, in the shape of strongSwan's kernel_ipsec_t (an id and the configuration):
	 * each call touches that one tunnel's connection and secret, never another's SAs.
	 *
	 * add_tunnel loads the connection and its PSK (an initiator's then starts it); loading
	 * one that is loaded with the same parameters changes nothing (an adopted charon keeps
	 * its SAs).  update_tunnel replaces a loaded connection whose parameters changed: its
	 * SAs are torn down and renegotiated with the new ones.  remove_tunnel unloads the
	 * connection and secret and tears its SAs down; an unknown name is not an error.
	 */
	int (*add_tunnel)(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
			  char *err);
	int (*update_tunnel)(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
			     char *err);
	int (*remove_tunnel)(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, char *err);
	/* The names of the loaded connections; *names malloc'd (caller frees), *count set. */
	int (*list_tunnels)(struct ipsec_instance *in, char (**names)[IPSEC_NAME_MAX], int *count, char *err);

	/* Every IKE_SA of the instance; *out malloc'd (caller frees), *count set. */
	int (*list_sas)(struct ipsec_instance *in, struct ipsec_sa_state **out, int *count, char *err);

	/* Starts connection conn_name's IKE_SA and children without waiting. */
	int (*initiate)(struct ipsec_instance *in, const char *conn_name, char *err);
	/* Tears down every IKE_SA of conn_name at once (force, no waiting for the peer). */
	int (*terminate)(struct ipsec_instance *in, const char *conn_name, char *err);

	/*
	 * Makes child_name's CHILD_SA the one that carries traffic among CHILD_SAs with the same
	 * selectors.  The kernel honours the policy priorities in the configuration, so the
	 * kernel backend has nothing to do; libipsec sends through the SA installed last
	 * (priorities are not passed to it), so that backend rekeys child_name's CHILD_SA.
	 */
	int (*make_preferred)(struct ipsec_instance *in, const char *child_name, char *err);

	/* Calls fn for each log line charon wrote since the last call (or since start/adoption). */
	int (*drain_logs)(struct ipsec_instance *in, ipsec_log_fn fn, void *arg, char *err);

	/* charon's pid (for memory figures and cleanup). */
	pid_t (*pid)(const struct ipsec_instance *in);

	/* Stops charon (SIGTERM, then SIGKILL after 3 s), removes cfg->dir, frees in. NULL ok. */
	void (*stop)(struct ipsec_instance *in);
	/*
	 * Stops count charons together (SIGTERM to all, one shared wait of up to 3 s, then
	 * SIGKILL to the stragglers), removes their directories and frees each instance; NULL
	 * entries are skipped.  Takes about as long as one stop.  The array is the caller's.
	 */
	void (*stop_many)(struct ipsec_instance **ins, int count);
	/* Frees in and leaves charon running (agent exit with --keep-dataplane). NULL ok. */
	void (*detach)(struct ipsec_instance *in);
};

extern const struct ipsec_backend_ops ipsec_backend_libipsec;
extern const struct ipsec_backend_ops ipsec_backend_kernel;
/* In memory, no charon (ipsec_mock.c): for unit tests of the planner and the applier. */
extern const struct ipsec_backend_ops ipsec_backend_mock;

/*
 * The strongSwan VICI load-conn message of tunnel t (its name, selectors and IKE/IPsec
 * parameters), as {name: {…}}, and the load-shared message of its PSK.  New references (NULL when out of
 * memory).  Exposed for unit tests: what a tunnel becomes in charon.
 */
json_t *ipsec_swan_conn_msg(const struct doc_tunnel *t);
json_t *ipsec_swan_secret_msg(const struct doc_tunnel *t);

/*
 * Finds out whether this kernel does ESP (an XFRM ESP state can be added in a scratch
 * namespace) and returns the backend to use; why (size ≥ 128) gets a one-line reason.
 */
const struct ipsec_backend_ops *ipsec_backend_detect(char *why, size_t why_size);

/*
 * After a start that failed because charon died: the most telling line of its log in
 * instance directory dir (a plugin that failed to load, with the Debian package that ships
 * it; a feature with an unmet dependency; else its last line) into out.
 */
void ipsec_start_diagnosis(const char *dir, char *out, size_t size);

/*
 * The last max (at most) lines charon logged in instance directory dir, oldest first, into
 * lines (caller's array of max); returns how many.  For the connection logs of an endpoint
 * whose charon died at start.
 */
int ipsec_start_log(const char *dir, struct ipsec_log_line *lines, int max);

/* The Debian package that ships strongSwan plugin name (one the backends load), or NULL. */
const char *ipsec_plugin_package(const char *plugin);

#endif
