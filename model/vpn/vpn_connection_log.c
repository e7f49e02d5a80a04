/*
 * IPsec-VPN connection logs: the data plane appends lines, DescribeVpnConnectionLogs pages
 * through them by time window.  Rules and sources: api-docs/research-vpn-connection.md §8.
 */
#include "vpn_connection_log.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "vpn_connection.h"

/* The tunnel must be one of c's (a single-tunnel connection has none). */
static int check_tunnel(const struct vpn_connection *c, const char *tunnel_id, struct vl_err *err)
{
	char shown[80];

	if (text_empty(tunnel_id))
		return 0;
	for (int i = 0; i < c->tunnel_count; i++)
		if (strcmp(c->tunnels[i].tunnel_id, tunnel_id) == 0)
			return 0;
	text_excerpt(shown, sizeof(shown), tunnel_id, 64);
	return vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND, "The specified tunnel (%s) does not exist.", shown);
}

int vpn_connection_log_append(struct model_ctx *m, const char *vpn_connection_id, const char *tunnel_id,
			      int64_t time_ms, const char *line, struct vl_err *err)
{
	struct vpn_connection *c = NULL;
	char *text = NULL;
	size_t len;
	int rc = -1;

	if (line == NULL)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidLine", "A log line is required.");
	len = strlen(line);
	/* one trailing line end is how log readers hand lines over; it is not part of the line */
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || len > VCO_LOG_LINE_MAX || memchr(line, '\n', len) || memchr(line, '\r', len) ||
	    !text_valid_utf8(line, len))
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidLine",
				       "A log line is one line of 1-%d bytes of UTF-8 text.", VCO_LOG_LINE_MAX);
	if (time_ms < 0)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidTime",
				       "The time of a log line is in UNIX milliseconds.");
	c = malloc(sizeof(*c));
	text = strndup(line, len);
	if (c == NULL || text == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (vpn_connection_get(m, vpn_connection_id, c, err) < 0 || check_tunnel(c, tunnel_id, err) < 0)
		goto out;
	if (model_run(m, "INSERT INTO vpn_connection_logs (vpn_connection_id, tunnel_id, time_ms, line) VALUES (?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(c->vpn_connection_id), MODEL_TEXT(text_empty(tunnel_id) ? "" : tunnel_id),
				 MODEL_INT(time_ms), MODEL_TEXT(text)),
		      err) < 0)
		goto out;
	/* the store keeps what the cloud keeps: lines past the retention go */
	if (model_run(m, "DELETE FROM vpn_connection_logs WHERE vpn_connection_id=? AND time_ms<?",
		      MODEL_ARGS(MODEL_TEXT(c->vpn_connection_id), MODEL_INT(m->now_ms - VCO_LOG_RETENTION_MS)),
		      err) < 0)
		goto out;
	rc = 0;
out:
	free(text);
	free(c);
	return rc;
}

int vpn_connection_log_window(int64_t from, int64_t to, int64_t minute_period, int64_t now_ms,
			      int64_t *start_ms, int64_t *end_ms, struct vl_err *err)
{
	int64_t span = minute_period * 60;

	/* the action table bounds these; callers from elsewhere get the same answers */
	if (minute_period != -1 && (minute_period < 1 || minute_period > VCO_LOG_MINUTE_PERIOD_MAX))
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidMinutePeriod",
				       "Specified parameter MinutePeriod is not valid.");
	if (from < -1 || from > INT32_MAX)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidFrom", "Specified parameter From is not valid.");
	if (to < -1 || to > INT32_MAX)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidTo", "Specified parameter To is not valid.");
	if (from >= 0 && to >= 0) {
		/* both bounds given: MinutePeriod has nothing left to decide */
		if (from > to)
			return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.To",
					       "The specified \"To\" (%lld) is earlier than \"From\" (%lld).",
					       (long long)to, (long long)from);
	} else if (minute_period == -1) {
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingMinutePeriod", "%s",
				       from >= 0 ? "MinutePeriod is mandatory when From is given without To."
				       : to >= 0 ? "MinutePeriod is mandatory when To is given without From."
						 : "MinutePeriod is mandatory when neither From nor To is given.");
	} else if (from >= 0) {
		to = from + span;
	} else if (to >= 0) {
		from = to > span ? to - span : 0;
	} else {
		to = now_ms / 1000;
		from = to > span ? to - span : 0;
	}
	*start_ms = from * 1000;
	*end_ms = (to + 1) * 1000;
	return 0;
}

int vpn_connection_log_query(struct model_ctx *m, const struct vpn_connection_log_query *q, json_t *logs,
			     struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	struct vpn_connection *c = NULL;
	enum store_step_result r;
	int64_t start_ms, end_ms, horizon = m->now_ms - VCO_LOG_RETENTION_MS;
	int rc = -1;

	if (vpn_connection_log_window(q->from, q->to, q->minute_period, m->now_ms, &start_ms, &end_ms, err) < 0)
		return -1;
	c = malloc(sizeof(*c));
	if (c == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(m, q->vpn_connection_id, c, err) < 0 || check_tunnel(c, q->tunnel_id, err) < 0)
		goto out;
	/* lines past the retention are gone in the cloud even if not yet pruned here */
	if (start_ms < horizon)
		start_ms = horizon;
	if (model_prepare(m->store,
			  "SELECT line FROM vpn_connection_logs WHERE vpn_connection_id=?1 AND time_ms>=?2 AND time_ms<?3"
			  " AND (?4='' OR tunnel_id=?4) ORDER BY time_ms, log_id LIMIT ?5 OFFSET ?6",
			  MODEL_ARGS(MODEL_TEXT(c->vpn_connection_id), MODEL_INT(start_ms), MODEL_INT(end_ms),
				     MODEL_TEXT(text_empty(q->tunnel_id) ? "" : q->tunnel_id), MODEL_INT(q->limit),
				     MODEL_INT(q->offset)),
			  &stmt) < 0) {
		model_store_error(m, err);
		goto out;
	}
	while ((r = stmt_step(stmt)) == STORE_ROW)
		json_array_append_new(logs, json_string_nocheck(stmt_text(stmt, 0)));
	if (r != STORE_DONE) {
		model_store_error(m, err);
		goto out;
	}
	rc = 0;
out:
	stmt_release(stmt);
	free(c);
	return rc;
}

int vpn_connection_log_delete_all(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err)
{
	return model_run(m, "DELETE FROM vpn_connection_logs WHERE vpn_connection_id=?",
			 MODEL_ARGS(MODEL_TEXT(vpn_connection_id)), err);
}

int vpn_connection_log_told_since(struct model_ctx *m, const char *conn, const char *tunnel, const char *text,
				  int64_t since_ms, struct vl_err *err)
{
	enum store_step_result r = model_step_once(
		m->store,
		"SELECT 1 FROM vpn_connection_logs WHERE vpn_connection_id=? AND tunnel_id=? AND time_ms>=? "
		"AND instr(line, ?) > 0 LIMIT 1",
		MODEL_ARGS(MODEL_TEXT(conn), MODEL_TEXT(tunnel), MODEL_INT(since_ms), MODEL_TEXT(text)), NULL, NULL);

	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}
