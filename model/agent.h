#ifndef VL_AGENT_H
#define VL_AGENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/*
 * Data-plane agents (api-docs/agent-protocol.md): the registry (table agents) and the
 * intake of their status reports (table dataplane_tunnels, the connections' Status, the
 * health check's Status and the connection logs).  Agents serve every account: these
 * functions ignore m->account and m->region, and look each connection's owner up.
 */

#define AGENT_ZONES_MAX 64
#define AGENT_URL_MAX 255
#define AGENT_ONLINE_MS 15000	   /* seen within this long: online */
/*
 * Not seen for this long (two missed 5 s reports): its tunnels read ike_sa_not_established
 * (the server's default; vpnlabd --agent-silent-ms).  The pusher looks every
 * AGENT_SILENCE_CHECK_MS, so a dead agent's tunnels go down within 11 s of its last report.
 */
#define AGENT_SILENT_MS 10000
#define AGENT_SILENCE_CHECK_MS 1000
#define AGENT_ZONE_INDEX_MAX 64	   /* ZoneIndex: position in a region's DescribeZones list */
#define AGENT_REPORT_TUNNELS_MAX 4096 /* per status report */
#define AGENT_REPORT_LOGS_MAX 1000	   /* per status report */
#define AGENT_BACKEND_ERROR_MAX 1024	   /* bytes of BackendError */

struct agent {
	char agent_id[64];
	char zones[1024]; /* comma-separated; "" = every zone */
	char roles[16];	  /* cloud | site | cloud,site */
	char underlay_ip[16];
	char url[AGENT_URL_MAX + 1];
	char backend[32];
	char backend_reason[260];
	bool backend_usable;	  /* the agent's preflight charon started */
	char backend_error[AGENT_BACKEND_ERROR_MAX + 4]; /* why not ("" when usable) */
	char version[40];
	int64_t registered_ms, last_seen_ms;
	int64_t generation, applied_generation;
	char doc_hash[72];
	int zone_index;		  /* also serves the zone at this position (1-based) of every region; 0 none */
	int64_t silent_since_ms;  /* marked silent then (its tunnels shown down); 0 while it reports */
};

/* AgentRegister; strings borrowed, NULL = not given.  zones and roles are JSON arrays as text. */
struct agent_register_args {
	const char *agent_id;
	const char *zones, *roles;
	const char *underlay_ip, *url;
	const char *backend, *backend_reason, *version;
	bool backend_unusable;	  /* BackendUsable false (so a zeroed struct is a working agent) */
	const char *backend_error; /* why not; NULL or "" when usable */
	int64_t applied_generation;
	int zone_index; /* ZoneIndex: 0 none, else 1..AGENT_ZONE_INDEX_MAX */
};

/*
 * Registers an agent, or refreshes the registration of a known one (same AgentId).  A new
 * agent gets the AgentId it asked for (the one its state directory kept, after the server
 * forgot it) or a new one.  A registration also resets the agent's document hash so the
 * pusher compiles and pushes a new generation, never lower than what the agent says it
 * applied.  Every field is checked first (InvalidZones, InvalidUrl, …; nothing changes on
 * error).  Writes the agent's id into agent_id_out (64 bytes).  Returns 0 or -1 with err.
 */
int agent_register(struct model_ctx *m, const struct agent_register_args *args, char *agent_id_out,
		   struct vl_err *err);

/*
 * A status report (also the heartbeat) of agent_id: tunnels and logs are the report's JSON
 * arrays as text (NULL = none).  The whole report is checked before anything is applied
 * (InvalidTunnels / InvalidLogs naming the element; nothing changes on error).  For every
 * gateway-side tunnel: the dataplane_tunnels row, the connection's (and tunnel's) Status and
 * the health check's Status; gateway-side log lines go to the connection's logs.
 * Connections and tunnels that do not exist (any more) are skipped: the agent may lag.
 * Updates last_seen_ms and applied_generation.  *generation receives the generation the
 * server holds for the agent.  Returns 0, or -1 with err (Agent.NotFound when unknown).
 */
int agent_report_status(struct model_ctx *m, const char *agent_id, int64_t applied_generation,
			const char *tunnels, const char *logs, int64_t *generation, struct vl_err *err);

/*
 * For the pusher, about an agent whose IPsec backend is unusable (a->backend_usable false):
 * its reason goes into the logs of every connection (per tunnel for dual-tunnel ones) whose
 * gateway side doc, the document compiled for it, places there, as one "[ERROR]" line; a
 * connection told within the last VCO_LOG_MINUTE_PERIOD_MAX minutes (the longest window a
 * log query may ask for) is not told again.  write false: only counts into *due what would
 * be written (for a read transaction); write true: writes it.  doc borrowed.  0 or -1 with err.
 */
int agent_note_backend_unusable(struct model_ctx *m, const struct agent *a, json_t *doc, bool write, int *due,
				struct vl_err *err);

/*
 * The silence sweep: every agent not seen for silent_ms (counted from watching_since_ms
 * at the earliest: the server's start, so a server that was down itself blames nobody for
 * the reports it could not receive) that is not marked yet becomes silent: the tunnels it reported read ike_sa_not_established (their health check failed, and
 * none active), each connection's log says the agent stopped reporting, and the console says
 * so.  Its next report (or registration) clears the mark and brings the real state back.
 * *marked counts the agents marked (write false: only counts, for a read transaction).
 * 0 or -1 with err.
 */
int agent_mark_silent(struct model_ctx *m, int64_t watching_since_ms, int64_t silent_ms, bool write, int *marked,
		      struct vl_err *err);

/* Removes an agent and the tunnel states it reported.  0, or -1 with err (Agent.NotFound). */
int agent_deregister(struct model_ctx *m, const char *agent_id, struct vl_err *err);

/* Loads one agent.  0, or -1 with err (Agent.NotFound). */
int agent_get(struct model_ctx *m, const char *agent_id, struct agent *out, struct vl_err *err);

/*
 * Loads every agent (by id; agent_id non-NULL: that one only) into *out (malloc'd array,
 * caller frees; NULL when none) and *count.  Returns 0 or -1 with err.
 */
int agent_list(struct model_ctx *m, const char *agent_id, struct agent **out, int *count, struct vl_err *err);

/*
 * Loads every agent in registration order (then by id: the order the data-plane compiler
 * places by) into *out (malloc'd array, caller frees; NULL when none) and *count.  Returns 0
 * or -1 with err.
 */
int agent_list_by_registration(struct model_ctx *m, struct agent **out, int *count, struct vl_err *err);

/* Returns a new reference: the AgentList item of a (Online relative to m->now_ms). */
json_t *agent_to_json(struct model_ctx *m, const struct agent *a);

/*
 * For the pusher: records that generation (with document hash doc_hash) was compiled for
 * agent_id, provided the agent still holds expected_generation (a registration in between
 * wins).  Returns 1 when recorded, 0 when the agent is gone or moved on, -1 with err.
 */
int agent_set_generation(struct model_ctx *m, const char *agent_id, int64_t expected_generation,
			 int64_t generation, const char *doc_hash, struct vl_err *err);

/*
 * For the pusher: the agent answered that it applied generation (a PUT's answer).  When the
 * agent says it holds a generation newer than the server's (409 StaleGeneration after the
 * server lost its state), newer is true: the server's generation jumps to it and the hash is
 * reset so the next document goes above it.  0 (also when the agent is gone) or -1 with err.
 */
int agent_set_applied(struct model_ctx *m, const char *agent_id, int64_t generation, bool newer,
		      struct vl_err *err);

/*
 * The API Status of an IPsec connection or tunnel from the data plane's view:
 * IKE SA up and a CHILD_SA installed → ipsec_sa_established; IKE SA up without one →
 * ipsec_sa_not_established; otherwise ike_sa_not_established.  Static string.
 */
const char *agent_tunnel_status(const char *ike_state, const char *child_state);

/* One tunnel's SA counters as its gateway-side agent last reported them (GET /metrics). */
struct tunnel_counters {
	char vpn_connection_id[64];
	char tunnel_id[64]; /* "" for a single-tunnel connection */
	int64_t bytes_in, bytes_out, packets_in, packets_out;
};

/*
 * Every tunnel's counters (every account: /metrics is the operator's view), ordered by
 * connection then tunnel.  *rows is malloc'd (NULL when none), the caller frees it.
 * 0, or -1 with err.
 */
int dataplane_tunnel_counters(struct model_ctx *m, struct tunnel_counters **rows, size_t *count,
			      struct vl_err *err);

#endif
