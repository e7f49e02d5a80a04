#ifndef VL_VPN_CONNECTION_LOG_H
#define VL_VPN_CONNECTION_LOG_H

#include <jansson.h>
#include <stdint.h>

#include "model.h"

/*
 * IPsec-VPN connection logs (DescribeVpnConnectionLogs).  Lines are written by the data
 * plane only; the API answers exactly the lines written, none made up, so a connection
 * without a data plane has none.  Sources: api-docs/research-vpn-connection.md §8.
 */

#define VCO_LOG_LINE_MAX 4096			   /* bytes of one line */
#define VCO_LOG_RETENTION_MS (180LL * 86400 * 1000) /* the console shows up to 180 days */
#define VCO_LOG_MINUTE_PERIOD_MAX 10		   /* MinutePeriod: 1-10 minutes */

/*
 * For the data plane: records one log line of the caller's connection vpn_connection_id
 * (m->account / m->region name its owner, as for vpn_connection_set_status).
 * tunnel_id: "" or NULL for the connection as a whole (single-tunnel connections), else one
 * of its tunnels (InvalidTunnelId.NotFound otherwise).  time_ms: when the line was logged
 * (UNIX ms).  line: the text DescribeVpnConnectionLogs will show, in the cloud's form
 * "2022-12-14 15:52:28 vco-… [DEBUG]: message" (the agent formats it); one line of valid
 * UTF-8, at most VCO_LOG_LINE_MAX bytes (one trailing newline is dropped), copied.
 * Lines older than the retention are removed on the way.  Returns 0 or -1 with err set.
 */
int vpn_connection_log_append(struct model_ctx *m, const char *vpn_connection_id, const char *tunnel_id,
			      int64_t time_ms, const char *line, struct vl_err *err);

/*
 * The time window of a query, by the documented rules: From and To (UNIX seconds, -1 when
 * not given) bound it; From with MinutePeriod (minutes, -1 when not given) runs forward,
 * To with MinutePeriod backward, MinutePeriod alone ends now.  From or To alone, or
 * nothing, needs MinutePeriod (MissingMinutePeriod); From after To is IllegalParam.To.
 * Writes [*start_ms, *end_ms) with To's whole second included.  Returns 0 or -1 with err set.
 */
int vpn_connection_log_window(int64_t from, int64_t to, int64_t minute_period, int64_t now_ms,
			      int64_t *start_ms, int64_t *end_ms, struct vl_err *err);

struct vpn_connection_log_query {
	const char *vpn_connection_id;
	const char *tunnel_id;	       /* NULL or "": every line of the connection */
	int64_t from, to;	       /* UNIX seconds; -1: not given */
	int64_t minute_period;	       /* minutes; -1: not given */
	int64_t offset, limit;	       /* the page, as rows */
};

/*
 * DescribeVpnConnectionLogs: appends to logs (a borrowed array) the lines of the caller's
 * connection inside the window, oldest first, for the requested page.  A TunnelId must be
 * one of the connection's tunnels (InvalidTunnelId.NotFound; single-tunnel connections have
 * none).  Returns 0 or -1 with err set.
 */
int vpn_connection_log_query(struct model_ctx *m, const struct vpn_connection_log_query *q, json_t *logs,
			     struct vl_err *err);

/* Removes every line of a connection (with DeleteVpnConnection).  0 or -1 with err set. */
int vpn_connection_log_delete_all(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err);

/*
 * Whether conn/tunnel was told text (a line containing it) at or after since_ms: 1 yes,
 * 0 no, -1 with a store error.
 */
int vpn_connection_log_told_since(struct model_ctx *m, const char *conn, const char *tunnel, const char *text,
				  int64_t since_ms, struct vl_err *err);

#endif
