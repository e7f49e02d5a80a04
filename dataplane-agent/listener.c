/*
 * The agent's HTTP side (api-docs/agent-protocol.md): the server pushes desired-state
 * documents and asks for probes; people and tests read /v1/state.  libmicrohttpd, one
 * thread per connection; documents are applied one at a time.
 */
#include "daemon.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "probe.h"

#define BODY_MAX (16u << 20)
#define LAB_PROBE_REPLY_WAIT_MS 1000

static struct MHD_Daemon *httpd;
static pthread_mutex_t apply_lock = PTHREAD_MUTEX_INITIALIZER;

struct request {
	char *body;
	size_t len;
	bool too_big;
	bool forbidden; /* no right token: its body is read and dropped, never kept */
};

static enum MHD_Result answer_json(struct MHD_Connection *c, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	struct MHD_Response *r;
	enum MHD_Result rc;

	json_decref(body);
	if (text == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result answer_error(struct MHD_Connection *c, unsigned status, const char *code, const char *msg)
{
	return answer_json(c, status, json_pack("{s:s, s:s}", "Code", code, "Message", msg));
}

static enum MHD_Result put_desired(struct MHD_Connection *c, struct agent_daemon *d, struct request *rq)
{
	struct doc_desired want;
	char err[256];
	int64_t generation;

	if (doc_parse_text(rq->body ? rq->body : "", rq->len, &want, err) < 0)
		return answer_error(c, 400, "InvalidDocument", err);
	if (strcmp(want.agent_id, d->agent_id) != 0) {
		doc_free(&want);
		return answer_error(c, 400, "InvalidDocument", "the document is for another agent");
	}
	generation = want.generation;
	pthread_mutex_lock(&d->lock);
	if (!d->backend_usable) {
		char msg[sizeof(d->backend_error) + 64];

		snprintf(msg, sizeof(msg), "the IPsec backend is unusable: %s", d->backend_error);
		pthread_mutex_unlock(&d->lock);
		doc_free(&want);
		return answer_error(c, 503, "BackendUnusable", msg);
	}
	pthread_mutex_unlock(&d->lock);
	pthread_mutex_lock(&apply_lock);
	if (d->have_applied && d->applied.generation > generation) {
		int64_t have = d->applied.generation;

		pthread_mutex_unlock(&apply_lock);
		doc_free(&want);
		snprintf(err, sizeof(err), "generation %lld is applied already", (long long)have);
		return answer_error(c, 409, "StaleGeneration", err);
	}
	if (agent_reconcile(d, &want, err) < 0) {
		pthread_mutex_unlock(&apply_lock);
		agent_log("generation %lld: %s", (long long)generation, err);
		doc_free(&want);
		return answer_error(c, 500, "ApplyFailed", err);
	}
	if (state_save_doc(d, rq->body, rq->len, err) < 0)
		agent_log("%s (the data plane is built; a restart will rebuild it)", err);
	pthread_mutex_unlock(&apply_lock);
	agent_log("generation %lld applied", (long long)generation);
	return answer_json(c, 200, json_pack("{s:I}", "Generation", (json_int_t)generation));
}

static int int_member(json_t *o, const char *key, int fallback, int min, int max, bool *bad)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return fallback;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		*bad = true;
		return fallback;
	}
	return (int)json_integer_value(v);
}

static enum MHD_Result post_probe(struct MHD_Connection *c, struct agent_daemon *d, struct request *rq)
{
	json_t *in = json_loadb(rq->body ? rq->body : "", rq->len, 0, NULL);
	const char *host = json_string_value(json_object_get(in, "HostId"));
	const char *target = json_string_value(json_object_get(in, "Target"));
	bool bad = false, found = false;
	int count = int_member(in, "Count", 5, 1, 1000, &bad);
	int interval = int_member(in, "IntervalMs", 200, 10, 10000, &bad);
	struct probe_result res;
	struct in_addr a;
	char ns[NS_NAME_MAX], err[256] = "", to[16];

	if (host == NULL || target == NULL || inet_pton(AF_INET, target, &a) != 1 || bad) {
		json_decref(in);
		return answer_error(c, 400, "InvalidParameter", "HostId, Target (IPv4), Count 1-1000, IntervalMs 10-10000");
	}
	inet_ntop(AF_INET, &a, to, sizeof(to));
	pthread_mutex_lock(&d->lock);
	for (int i = 0; d->have_applied && i < d->applied.host_count; i++)
		found |= strcmp(d->applied.hosts[i].id, host) == 0;
	agent_ns_name(d, host, ns);
	pthread_mutex_unlock(&d->lock);
	json_decref(in);
	if (!found)
		return answer_error(c, 404, "InvalidHostId.NotFound", "this agent has no such lab host");
	/*
	 * A reply later than a second is a loss.  The paths are a few namespaces long, but
	 * userspace ESP on a loaded machine can hold a packet for hundreds of milliseconds, and
	 * a late reply is no loss to a user (ping counts it too); RttMaxMs shows the delay.
	 */
	if (probe_icmp(ns, to, count, interval, LAB_PROBE_REPLY_WAIT_MS, &res, err) < 0)
		return answer_error(c, 500, "ProbeFailed", err);
	return answer_json(c, 200,
			   json_pack("{s:i, s:i, s:f, s:f, s:f}", "Sent", res.sent, "Received", res.received,
				     "LossPercent", res.loss_percent, "RttAvgMs", res.rtt_avg_ms, "RttMaxMs",
				     res.rtt_max_ms));
}

/* True when the applied document has lab host host; its namespace in ns.  Takes d->lock. */
static bool lab_host_ns(struct agent_daemon *d, const char *host, char ns[NS_NAME_MAX])
{
	bool found = false;

	pthread_mutex_lock(&d->lock);
	for (int i = 0; d->have_applied && i < d->applied.host_count; i++)
		found |= strcmp(d->applied.hosts[i].id, host) == 0;
	agent_ns_name(d, host, ns);
	pthread_mutex_unlock(&d->lock);
	return found;
}

/* POST /v1/flows/servers {HostId, LifetimeSeconds}: a one-test iperf3 server in the host. */
static enum MHD_Result post_flow_server(struct MHD_Connection *c, struct agent_daemon *d, struct request *rq)
{
	json_t *in = json_loadb(rq->body ? rq->body : "", rq->len, 0, NULL);
	const char *host = json_string_value(json_object_get(in, "HostId"));
	bool bad = false;
	int lifetime = int_member(in, "LifetimeSeconds", 0, 1, FLOW_SECONDS_MAX + 2 * FLOW_SLACK_S, &bad);
	char ns[NS_NAME_MAX], err[FLOW_ERR_MAX] = "";
	int id = 0, port = 0;

	if (host == NULL || lifetime == 0 || bad) {
		json_decref(in);
		return answer_error(c, 400, "InvalidParameter", "HostId, LifetimeSeconds 1-100");
	}
	if (!lab_host_ns(d, host, ns)) {
		json_decref(in);
		return answer_error(c, 404, "InvalidHostId.NotFound", "this agent has no such lab host");
	}
	json_decref(in);
	if (flow_server_start(ns, lifetime, &id, &port, err) < 0)
		return answer_error(c, 500, "FlowFailed", err);
	return answer_json(c, 200, json_pack("{s:i, s:i}", "ServerId", id, "Port", port));
}

/* DELETE /v1/flows/servers/<id>: stops it (if its test has not ended it already). */
static enum MHD_Result delete_flow_server(struct MHD_Connection *c, const char *id_text)
{
	char *end = NULL;
	long id = strtol(id_text, &end, 10);

	if (end == id_text || *end != '\0' || id <= 0 || id > 0x7fffffff)
		return answer_error(c, 400, "InvalidParameter", "a server id");
	if (flow_server_stop((int)id) < 0)
		return answer_error(c, 404, "NotFound", "no such flow server (its test or its lifetime ended)");
	return answer_json(c, 200, json_pack("{s:i}", "ServerId", (int)id));
}

/* POST /v1/flows {HostId, Target, Port, Streams, Seconds, Protocol}: the iperf3 client run. */
static enum MHD_Result post_flow(struct MHD_Connection *c, struct agent_daemon *d, struct request *rq)
{
	json_t *in = json_loadb(rq->body ? rq->body : "", rq->len, 0, NULL), *streams;
	const char *host = json_string_value(json_object_get(in, "HostId"));
	const char *target = json_string_value(json_object_get(in, "Target"));
	const char *protocol = json_string_value(json_object_get(in, "Protocol"));
	bool bad = false;
	int port = int_member(in, "Port", 0, 1, 65535, &bad);
	int count = int_member(in, "Streams", 1, 1, FLOW_STREAMS_MAX, &bad);
	int seconds = int_member(in, "Seconds", 10, 1, FLOW_SECONDS_MAX, &bad);
	struct flow_result *res = NULL;
	struct in_addr a;
	char ns[NS_NAME_MAX], err[FLOW_ERR_MAX] = "", to[16];
	bool udp;

	if (protocol == NULL)
		protocol = "tcp";
	if (host == NULL || target == NULL || inet_pton(AF_INET, target, &a) != 1 || port == 0 || bad ||
	    (strcmp(protocol, "tcp") != 0 && strcmp(protocol, "udp") != 0)) {
		json_decref(in);
		return answer_error(c, 400, "InvalidParameter",
				    "HostId, Target (IPv4), Port, Streams 1-128, Seconds 1-60, Protocol tcp|udp");
	}
	udp = strcmp(protocol, "udp") == 0;
	inet_ntop(AF_INET, &a, to, sizeof(to));
	if (!lab_host_ns(d, host, ns)) {
		json_decref(in);
		return answer_error(c, 404, "InvalidHostId.NotFound", "this agent has no such lab host");
	}
	json_decref(in);
	if ((res = calloc(1, sizeof(*res))) == NULL)
		return answer_error(c, 500, "FlowFailed", "out of memory");
	if (flow_client_run(ns, to, port, count, seconds, udp, res, err) < 0) {
		free(res);
		return answer_error(c, 500, "FlowFailed", err);
	}
	streams = json_array();
	for (int i = 0; i < res->stream_count; i++)
		json_array_append_new(streams, json_pack("{s:f}", "Mbps", res->stream_mbps[i]));
	in = json_pack("{s:f, s:o, s:I, s:I, s:f}", "TotalMbps", res->total_mbps, "Streams", streams, "Retransmits",
		       (json_int_t)res->retransmits, "Bytes", (json_int_t)res->bytes, "LostPercent", res->lost_percent);
	free(res);
	return answer_json(c, 200, in);
}

static enum MHD_Result get_state(struct MHD_Connection *c, struct agent_daemon *d)
{
	json_t *tunnels = json_array(), *routes = json_array(), *ns = json_object();
	json_int_t generation, applying;
	char name[NS_NAME_MAX];

	pthread_mutex_lock(&d->lock);
	generation = d->have_applied ? d->applied.generation : 0;
	applying = d->applying;
	for (int i = 0; i < d->tunnel_count; i++) {
		const struct tunnel_rt *t = &d->tunnels[i];

		json_array_append_new(
			tunnels, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I}", "Endpoint", t->endpoint,
					   "Name", t->name, "VpnConnectionId", t->connection_id, "TunnelId", t->tunnel_id,
					   "Side", doc_endpoint_kind_name(t->side), "IkeState", t->ike_state, "ChildState",
					   t->child_state, "Health",
					   !t->health_enabled ? "" : t->health == HEALTH_UP ? "success"
								: t->health == HEALTH_DOWN ? "failed" : "",
					   "Usable", agent_tunnel_usable(t), "Active", t->active, "PacketsIn", (json_int_t)t->packets_in, "PacketsOut",
					   (json_int_t)t->packets_out, "ChildSpi", (json_int_t)t->child_spi));
	}
	for (int i = 0; i < d->route_count; i++)
		json_array_append_new(routes, json_pack("{s:s, s:s, s:I, s:s, s:s}", "Vpc", d->routes[i].vpc, "Site",
							d->routes[i].site, "Table", (json_int_t)d->routes[i].table, "Dest",
							d->routes[i].dest, "Via", d->routes[i].chosen));
	for (int i = 0; d->have_applied && i < d->applied.host_count; i++) {
		agent_ns_name(d, d->applied.hosts[i].id, name);
		json_object_set_new(ns, d->applied.hosts[i].id, json_string(name));
	}
	for (int i = 0; d->have_applied && i < d->applied.endpoint_count; i++) {
		agent_ns_name(d, d->applied.endpoints[i].id, name);
		json_object_set_new(ns, d->applied.endpoints[i].id, json_string(name));
	}
	for (int i = 0; d->have_applied && i < d->applied.vpc_count; i++) {
		agent_ns_name(d, d->applied.vpcs[i].id, name);
		json_object_set_new(ns, d->applied.vpcs[i].id, json_string(name));
	}
	pthread_mutex_unlock(&d->lock);
	return answer_json(c, 200,
			   json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:o}", "AgentId", d->agent_id, "Backend",
				     d->ipsec->name, "BackendReason", d->ipsec_reason, "AppliedGeneration", generation,
				     "ApplyingGeneration", applying, "Tunnels", tunnels, "Routes", routes, "Namespaces", ns));
}

/* Constant time in the presented bytes; no expected token (never in a running agent) matches nothing. */
static bool token_matches(const char *expected, const char *presented)
{
	size_t n;

	if (expected == NULL || presented == NULL)
		return false;
	n = strlen(expected);
	return strlen(presented) == n && CRYPTO_memcmp(presented, expected, n) == 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct agent_daemon *d = cls;
	struct request *rq = *con_cls;

	(void)version;
	if (rq == NULL) {
		rq = calloc(1, sizeof(*rq));
		if (rq == NULL)
			return MHD_NO;
		/* every route, always: the token is the only thing between a caller and root's data plane */
		rq->forbidden = !token_matches(d->opt.token, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
											     "X-Vpnlab-Agent-Token"));
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (rq->forbidden) {
			/* nothing kept */
		} else if (rq->len + *upload_size > BODY_MAX) {
			rq->too_big = true;
		} else {
			char *p = realloc(rq->body, rq->len + *upload_size + 1);

			if (p == NULL)
				return MHD_NO;
			memcpy(p + rq->len, upload, *upload_size);
			rq->body = p;
			rq->len += *upload_size;
			p[rq->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->forbidden)
		return answer_error(c, 403, "Forbidden", "X-Vpnlab-Agent-Token is missing or wrong");
	if (rq->too_big)
		return answer_error(c, 413, "RequestTooLarge", "the body is larger than 16 MiB");
	if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
		return answer_json(c, 200, json_pack("{s:s}", "Status", "ok"));
	if (strcmp(url, "/v1/desired") == 0 && strcmp(method, "PUT") == 0)
		return put_desired(c, d, rq);
	if (strcmp(url, "/v1/probes") == 0 && strcmp(method, "POST") == 0)
		return post_probe(c, d, rq);
	if (strcmp(url, "/v1/flows") == 0 && strcmp(method, "POST") == 0)
		return post_flow(c, d, rq);
	if (strcmp(url, "/v1/flows/servers") == 0 && strcmp(method, "POST") == 0)
		return post_flow_server(c, d, rq);
	if (strncmp(url, "/v1/flows/servers/", 18) == 0 && strcmp(method, "DELETE") == 0)
		return delete_flow_server(c, url + 18);
	if (strcmp(url, "/v1/state") == 0 && strcmp(method, "GET") == 0)
		return get_state(c, d);
	return answer_error(c, 404, "NotFound", "no such route");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)cls, (void)c, (void)toe;
	if (rq != NULL) {
		free(rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

int listener_start(struct agent_daemon *d, char *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(d->opt.listen, ':');

	if (colon == NULL || (size_t)(colon - d->opt.listen) >= sizeof(host)) {
		snprintf(err, 256, "--listen wants ADDR:PORT, not %s", d->opt.listen);
		return -1;
	}
	memcpy(host, d->opt.listen, (size_t)(colon - d->opt.listen));
	host[colon - d->opt.listen] = '\0';
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 || atoi(colon + 1) <= 0 || atoi(colon + 1) > 65535) {
		snprintf(err, 256, "--listen wants an IPv4 ADDR:PORT, not %s", d->opt.listen);
		return -1;
	}
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	httpd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
				 on_request, d, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED,
				 on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_END);
	if (httpd == NULL) {
		snprintf(err, 256, "cannot listen on %s", d->opt.listen);
		return -1;
	}
	return 0;
}

void listener_stop(void)
{
	if (httpd != NULL)
		MHD_stop_daemon(httpd);
	httpd = NULL;
}
