/*
 * The agent's side of the server protocol (api-docs/agent-protocol.md): registration and
 * status reports, with libcurl, from one reporter thread so that a slow or absent server
 * never holds up the data plane.
 */
#include "daemon.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_body.h"

#define REPORT_MAX_MS 5000
#define HTTP_TIMEOUT_MS 3000
#define REPORT_LOGS_MAX 500
#define REPORT_BODY_MAX (1 << 20)

static struct agent_thread report_thread;

/* POSTs body (borrowed) to server path; *answer (owned, may be NULL) and the HTTP status. */
static int post_json(struct agent_daemon *d, const char *path, json_t *body, long *status, json_t **answer,
		     char *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	struct http_body b = { NULL, 0, REPORT_BODY_MAX };
	char url[512], token[300], *text = json_dumps(body, JSON_COMPACT);
	CURLcode rc;
	int ret = -1;

	*answer = NULL;
	*status = 0;
	if (c == NULL || text == NULL) {
		snprintf(err, 256, "out of memory");
		goto out;
	}
	snprintf(url, sizeof(url), "%s%s", d->opt.server_url, path);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (d->opt.token != NULL) {
		snprintf(token, sizeof(token), "X-Vpnlab-Agent-Token: %s", d->opt.token);
		h = curl_slist_append(h, token);
	}
	http_body_request(c, url, h, (long)HTTP_TIMEOUT_MS, &b);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		snprintf(err, 256, "%.160s: %s", url, curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (b.p != NULL)
		*answer = json_loads(b.p, 0, NULL);
	ret = 0;
out:
	free(b.p);
	free(text);
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	return ret;
}

int report_register(struct agent_daemon *d, char *err)
{
	json_t *body, *zones = json_array(), *roles = json_array(), *answer = NULL;
	char url[300];
	long status;
	int rc = -1;

	if (d->opt.zones != NULL && d->opt.zones[0] != '\0') {
		char *copy = strdup(d->opt.zones), *save = NULL;

		for (char *z = strtok_r(copy, ",", &save); z != NULL; z = strtok_r(NULL, ",", &save))
			json_array_append_new(zones, json_string(z));
		free(copy);
	}
	if (d->opt.role_cloud)
		json_array_append_new(roles, json_string("cloud"));
	if (d->opt.role_site)
		json_array_append_new(roles, json_string("site"));
	if (d->opt.advertise_url != NULL)
		snprintf(url, sizeof(url), "%s", d->opt.advertise_url);
	else
		snprintf(url, sizeof(url), "http://%s", d->opt.listen);
	pthread_mutex_lock(&d->lock);
	body = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I}", "AgentId", d->agent_id, "Zones",
			 zones, "Roles", roles, "UnderlayIp", d->opt.underlay_ip, "Url", url, "Backend", d->ipsec->name,
			 "BackendReason", d->ipsec_reason, "BackendUsable", d->backend_usable, "BackendError",
			 d->backend_error, "Version", AGENT_VERSION, "AppliedGeneration",
			 (json_int_t)(d->have_applied ? d->applied.generation : 0));
	pthread_mutex_unlock(&d->lock);
	if (body != NULL && d->opt.zone_index > 0)
		json_object_set_new(body, "ZoneIndex", json_integer(d->opt.zone_index));
	if (body == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	if (post_json(d, "/v1/agents", body, &status, &answer, err) < 0)
		goto out;
	if (status != 200) {
		snprintf(err, 256, "register: HTTP %ld: %s", status,
			 json_string_value(json_object_get(answer, "Message")) ?: "");
		goto out;
	}
	agent_log("registered with %s as %s (%s, %s)", d->opt.server_url, d->agent_id, d->ipsec->name,
		  json_is_true(json_object_get(body, "BackendUsable")) ? "usable" : "unusable");
	rc = 0;
out:
	json_decref(body);
	json_decref(answer);
	return rc;
}

/* The report body; takes the pending log lines.  d->lock held. */
static json_t *build_report(struct agent_daemon *d)
{
	json_t *tunnels = json_array(), *logs = json_array();
	size_t n = json_array_size(d->pending_logs);

	/* at most REPORT_LOGS_MAX lines per report (the server takes 1,000): the rest go next */
	for (size_t i = 0; i < n && i < REPORT_LOGS_MAX; i++)
		json_array_append(logs, json_array_get(d->pending_logs, i));
	for (size_t i = 0; i < n && i < REPORT_LOGS_MAX; i++)
		json_array_remove(d->pending_logs, 0);
	for (int i = 0; i < d->tunnel_count; i++) {
		const struct tunnel_rt *t = &d->tunnels[i];
		struct sa_counts total;
		/* checks run through the connection's own SA: without one, whatever answers the
		 * probes (a standby's SA with the same selectors) says nothing about this tunnel */
		const char *health = !t->health_enabled				 ? ""
				     : strcmp(t->child_state, "INSTALLED") != 0 ? "failed"
				     : t->health == HEALTH_UP			 ? "success"
				     : t->health == HEALTH_DOWN		 ? "failed"
										 : "";

		/* the tunnel's totals, monotonic across rekeys, not the current SA's own */
		sa_counters_total(&t->counters, &total);
		json_array_append_new(
			tunnels,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I}", "VpnConnectionId",
				  t->connection_id, "TunnelId", t->tunnel_id, "Endpoint", t->endpoint, "Side",
				  doc_endpoint_kind_name(t->side), "IkeState", t->ike_state, "ChildState", t->child_state,
				  "Health", health, "Active", t->active, "BytesIn", (json_int_t)total.bytes_in, "BytesOut",
				  (json_int_t)total.bytes_out, "PacketsIn", (json_int_t)total.packets_in, "PacketsOut",
				  (json_int_t)total.packets_out));
	}
	d->status_dirty = json_array_size(d->pending_logs) > 0;
	return json_pack("{s:I, s:o, s:o}", "AppliedGeneration", (json_int_t)(d->have_applied ? d->applied.generation : 0),
			 "Tunnels", tunnels, "Logs", logs);
}

static int send_report(struct agent_daemon *d, bool *registered, char *err)
{
	json_t *body, *answer = NULL;
	char path[128];
	long status;
	int rc = -1;

	pthread_mutex_lock(&d->lock);
	if (d->reregister) {
		/* the backend's usability changed: the server learns it from a registration */
		*registered = false;
		d->reregister = false;
	}
	pthread_mutex_unlock(&d->lock);
	if (!*registered) {
		if (report_register(d, err) < 0)
			return -1;
		*registered = true;
	}
	pthread_mutex_lock(&d->lock);
	body = build_report(d);
	pthread_mutex_unlock(&d->lock);
	if (body == NULL) {
		snprintf(err, 256, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "/v1/agents/%s/status", d->agent_id);
	if (post_json(d, path, body, &status, &answer, err) == 0) {
		if (status == 200) {
			rc = 0;
		} else {
			snprintf(err, 256, "status: HTTP %ld: %s", status,
				 json_string_value(json_object_get(answer, "Code")) ?: "");
			if (status == 404)
				*registered = false; /* the server forgot us (a new database): register again */
			if (status == 400) {
				/* a report the server refuses would be refused forever: its lines go */
				json_object_set_new(body, "Logs", json_array());
			}
		}
	}
	if (rc < 0) {
		/* keep what the server has not taken: the lines go first next time */
		pthread_mutex_lock(&d->lock);
		json_t *logs = json_object_get(body, "Logs");

		if (json_array_size(logs) + json_array_size(d->pending_logs) <= 2000) {
			json_array_extend(logs, d->pending_logs);
			json_decref(d->pending_logs);
			d->pending_logs = json_incref(logs);
		}
		d->status_dirty = true;
		pthread_mutex_unlock(&d->lock);
	}
	json_decref(body);
	json_decref(answer);
	return rc;
}

static void *report_main(void *arg)
{
	struct agent_daemon *d = arg;
	bool registered = false;
	int64_t last = 0, failing_since = 0;

	while (!d->stopping) {
		char err[256];
		struct timespec until;
		int64_t now = agent_now_ms();

		/* while the server is unreachable (or not up yet), try again every second */
		if (d->status_dirty || now - last >= REPORT_MAX_MS || (failing_since != 0 && now - last >= 1000)) {
			if (send_report(d, &registered, err) < 0) {
				if (failing_since == 0)
					agent_log("server unreachable, data plane goes on: %s", err);
				failing_since = failing_since ? failing_since : now;
			} else if (failing_since != 0) {
				agent_log("server reachable again after %lld ms", (long long)(agent_now_ms() - failing_since));
				failing_since = 0;
			}
			last = agent_now_ms();
		}
		pthread_mutex_lock(&d->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		/* while the server is unreachable, retry once a second rather than at every change */
		until.tv_sec += 1;
		if (!d->stopping && (!d->status_dirty || failing_since != 0))
			pthread_cond_timedwait(&d->report_wake, &d->lock, &until);
		pthread_mutex_unlock(&d->lock);
	}
	return NULL;
}

int report_start(struct agent_daemon *d)
{
	return agent_thread_start(&report_thread, report_main, d);
}

void report_stop(struct agent_daemon *d)
{
	agent_thread_stop(&report_thread, d, &d->report_wake);
}
