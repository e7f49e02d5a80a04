/* Handlers of the vpnlab lab extensions: thin, except for the list parameters and the probe relay. */
#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "agent_client.h"
#include "cidr.h"
#include "dataplane_compile.h"
#include "lab.h"
#include "vpn_connection.h"
#include "vswitch.h"

/* Largest N accepted in CustomerGatewayIds.N / Overrides.N (more is refused by the model). */
#define LIST_N_MAX 64
/* A probe runs while its HTTP request waits: Count × IntervalMs is bounded. */
#define PROBE_TOTAL_MS_MAX 60000
#define PROBE_SLACK_MS 5000

/* InvalidTarget: a probe's Target that is no IPv4 address. */
static int invalid_target(struct action_ctx *ctx)
{
	return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidTarget",
			       "Specified parameter Target is not valid: an IPv4 address.");
}

/* ---- sites ---- */

struct site_params {
	const char *cgw[LIST_N_MAX + 1]; /* by N */
	struct lab_override ov[LIST_N_MAX + 1];
	bool ov_given[LIST_N_MAX + 1];
	const char *cgw_list[LIST_N_MAX];
	struct lab_override ov_list[LIST_N_MAX];
	char *split; /* CustomerGatewayIds given as one comma-separated value */
};

/* The fields of an Overrides.N item, in the order of override_offsets. */
static const char *const override_fields[] = {
	"VpnConnectionId", "TunnelId", "Psk", "IkeVersion", "IkeEncAlg",
	"IkeAuthAlg", "IkePfs", "IpsecEncAlg", "IpsecAuthAlg", "IpsecPfs", NULL,
};
static const size_t override_offsets[] = {
	offsetof(struct lab_override, vpn_connection_id), offsetof(struct lab_override, tunnel_id),
	offsetof(struct lab_override, psk), offsetof(struct lab_override, ike_version),
	offsetof(struct lab_override, ike_enc_alg), offsetof(struct lab_override, ike_auth_alg),
	offsetof(struct lab_override, ike_pfs), offsetof(struct lab_override, ipsec_enc_alg),
	offsetof(struct lab_override, ipsec_auth_alg), offsetof(struct lab_override, ipsec_pfs),
};
static const struct list_spec cgw_id_list = { LIST_N_MAX, NULL };
static const struct list_spec override_list = { LIST_N_MAX, override_fields };

static int cgw_item(void *arg, int n, int field, const char *value)
{
	struct site_params *p = arg;

	(void)field;
	p->cgw[n] = value;
	return 0;
}

static int override_item(void *arg, int n, int field, const char *value)
{
	struct site_params *p = arg;

	*(const char **)((char *)&p->ov[n] + override_offsets[field]) = value;
	p->ov_given[n] = true;
	return 0;
}

/* Collects CustomerGatewayIds.N and Overrides.N.<Key> (flattened lists, N order).  0 or -1. */
static int collect_site_params(struct action_ctx *ctx, struct site_params *p, struct lab_site_create_args *a)
{
	const char *plain = param_str(ctx, "CustomerGatewayIds"), *offender = NULL;

	/* a malformed name (N out of range included) is Invalid<name> */
	if (action_list_walk(ctx->params, "CustomerGatewayIds", &cgw_id_list, cgw_item, p, &offender) != LIST_OK ||
	    action_list_walk(ctx->params, "Overrides", &override_list, override_item, p, &offender) != LIST_OK)
		return vl_err_invalid(ctx->err, offender);
	for (int n = 1; n <= LIST_N_MAX; n++) {
		if (p->cgw[n])
			p->cgw_list[a->customer_gateway_count++] = p->cgw[n];
		if (p->ov_given[n])
			p->ov_list[a->override_count++] = p->ov[n];
	}
	/* RPC callers may also give the IDs as one comma-separated value */
	if (a->customer_gateway_count == 0 && plain && *plain) {
		char *save = NULL;

		if ((p->split = strdup(plain)) == NULL)
			return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		for (char *tok = strtok_r(p->split, ",", &save); tok && a->customer_gateway_count < LIST_N_MAX;
		     tok = strtok_r(NULL, ",", &save))
			p->cgw_list[a->customer_gateway_count++] = tok;
	}
	a->customer_gateway_ids = p->cgw_list;
	a->overrides = p->ov_list;
	return 0;
}

static int h_lab_create_site(struct action_ctx *ctx)
{
	struct lab_site_create_args args = { .lan_cidr = param_str(ctx, "LanCidr") };
	struct site_params *p = calloc(1, sizeof(*p));
	char site_id[64];
	int rc = -1;

	if (p == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (collect_site_params(ctx, p, &args) < 0 || lab_site_create(ctx->model, &args, site_id, ctx->err) < 0)
		goto out;
	json_put_str(ctx->response, "SiteId", site_id);
	rc = 0;
out:
	free(p->split);
	free(p);
	return rc;
}

static int h_lab_describe_sites(struct action_ctx *ctx)
{
	json_t *items = json_array();
	int64_t total = 0;
	int rc = lab_site_list(ctx->model, param_str(ctx, "SiteId"), ctx->offset, ctx->limit, items, &total,
			       ctx->err);

	return h_page_answer(ctx, rc, "Sites", "Site", items, total);
}

static int h_lab_delete_site(struct action_ctx *ctx)
{
	return lab_site_delete(ctx->model, param_str(ctx, "SiteId"), ctx->err);
}

/* ---- hosts ---- */

static int h_lab_create_host(struct action_ctx *ctx)
{
	struct lab_host_create_args args = {
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.site_id = param_str(ctx, "SiteId"),
		.ip_address = param_str(ctx, "IpAddress"),
	};
	struct lab_host h;

	if (lab_host_create(ctx->model, &args, &h, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "HostId", h.host_id);
	json_put_str(ctx->response, "IpAddress", h.ip_address);
	return 0;
}

static int h_lab_describe_hosts(struct action_ctx *ctx)
{
	struct lab_host_filter f = {
		.host_id = param_str(ctx, "HostId"),
		.vswitch_id = param_str(ctx, "VSwitchId"),
		.site_id = param_str(ctx, "SiteId"),
	};
	json_t *items = json_array();
	int64_t total = 0;
	int rc = lab_host_list(ctx->model, &f, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_page_answer(ctx, rc, "Hosts", "Host", items, total);
}

static int h_lab_delete_host(struct action_ctx *ctx)
{
	return lab_host_delete(ctx->model, param_str(ctx, "HostId"), ctx->err);
}

/* ---- probes ---- */

/* Copies the agent's probe figures into the answer; false when one is missing. */
static bool copy_figures(struct action_ctx *ctx, json_t *answer)
{
	static const char *const keys[] = { "Sent", "Received", "LossPercent", "RttAvgMs", "RttMaxMs" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(answer, keys[i]);

		if (!json_is_number(v))
			return false;
		json_object_set(ctx->response, keys[i], v);
	}
	return true;
}

/* What the slow phase of LabRunProbe needs once the read transaction has ended. */
struct probe_call {
	char host_id[64], target[16], agent_id[64], url[256];
	char underlay_ip[16]; /* decides, with the URL, whether the server may call the agent */
	int64_t count, interval_ms;
};

/*
 * The waiting phase of LabRunProbe (AF_SLOW): relays the probe to the agent and maps its
 * answer.  Runs outside the engine: no reader slot, no transaction, no store.
 */
static int probe_relay(struct action_ctx *ctx, void *state)
{
	const struct probe_call *p = state;
	char why[256] = "";
	json_t *body = NULL, *answer = NULL;
	long status = 0;
	int rc = -1;

	body = json_pack("{s:s, s:s, s:I, s:I}", "HostId", p->host_id, "Target", p->target, "Count",
			 (json_int_t)p->count, "IntervalMs", (json_int_t)p->interval_ms);
	if (body == NULL) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (agent_client_call(p->url, p->underlay_ip, "POST", "/v1/probes", body, (long)(p->count * p->interval_ms + PROBE_SLACK_MS),
			      &status, &answer, why) < 0) {
		vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE, "The agent %s that builds lab host %s did not answer: %s",
			   p->agent_id, p->host_id, why);
		goto out;
	}
	if (status == 200 && copy_figures(ctx, answer)) {
		rc = 0;
	} else if (status == 404) {
		vl_err_set(ctx->err, VL_LAB_HOST_NOT_FOUND, "The agent %s has not built lab host %s yet.", p->agent_id,
			   p->host_id);
	} else if (status == 400) {
		const char *code = json_string_value(json_object_get(answer, "Code"));
		const char *msg = json_string_value(json_object_get(answer, "Message"));

		vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, code ? code : "InvalidParameter", "%s",
				msg ? msg : "The agent refused the probe.");
	} else {
		vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE, "The agent %s answered the probe with HTTP %ld%s.",
			   p->agent_id, status, status == 200 ? " but without its figures" : "");
	}
out:
	json_decref(body);
	json_decref(answer);
	return rc;
}

/*
 * The read phase: checks the request, finds the host and the agent that builds it, and
 * leaves the relay (up to a minute) to probe_relay, which the engine runs after releasing
 * this request's reader (AF_SLOW).
 */
static int h_lab_run_probe(struct action_ctx *ctx)
{
	const char *host_id = param_str(ctx, "HostId"), *target = param_str(ctx, "Target");
	int64_t count = param_int(ctx, "Count", 5), interval = param_int(ctx, "IntervalMs", 200);
	struct probe_call *call = NULL;
	struct agent placed_on;
	struct lab_host h;
	uint32_t addr;
	int placed;

	if (!ipv4_parse(target, &addr))
		return invalid_target(ctx);
	if (count * interval > PROBE_TOTAL_MS_MAX)
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, "InvalidCount",
				       "Count x IntervalMs may not exceed %d ms.", PROBE_TOTAL_MS_MAX);
	if (lab_host_get(ctx->model, host_id, &h, ctx->err) < 0)
		return -1;
	if ((call = calloc(1, sizeof(*call))) == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	/* the engine frees it whatever happens from here on */
	ctx->slow_state = call;
	ctx->slow_state_free = free;
	placed = dataplane_host_agent(ctx->model, host_id, call->agent_id, call->url, sizeof(call->url), ctx->err);
	if (placed < 0)
		return -1;
	if (placed == 0)
		return vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE,
				  "No data-plane agent builds lab host %s: no agent with the role %s is registered.",
				  host_id, h.site_id[0] ? "site" : "cloud");
	if (agent_get(ctx->model, call->agent_id, &placed_on, ctx->err) < 0)
		return -1;
	model_copy(call->underlay_ip, sizeof(call->underlay_ip), placed_on.underlay_ip);
	model_copy(call->host_id, sizeof(call->host_id), h.host_id);
	model_copy(call->target, sizeof(call->target), target);
	call->count = count;
	call->interval_ms = interval;
	ctx->slow = probe_relay;
	return 0;
}

/* ---- flows ---- */

/* Beyond Seconds: server start, iperf3's setup and end-of-test exchange, a loaded machine. */
#define FLOW_SLACK_MS 30000
#define FLOW_SERVER_START_MS 10000
/* The iperf3 server's own deadline on its agent (the server stops it sooner). */
#define FLOW_SERVER_LIFETIME_SLACK_S 40

/* One end of a flow: the lab host and the agent that builds it. */
struct flow_end {
	char host_id[64], agent_id[64], url[256], underlay_ip[16];
};

/* What the slow phase of LabRunFlow needs once the read transaction has ended. */
struct flow_call {
	struct flow_end from, to;
	char target[16], protocol[4];
	int64_t streams, seconds;
};

/* Finds the agent of host (the caller's, checked) into *end.  0 or -1 with err. */
static int flow_end_place(struct action_ctx *ctx, const struct lab_host *h, struct flow_end *end)
{
	struct agent placed_on;
	int placed = dataplane_host_agent(ctx->model, h->host_id, end->agent_id, end->url, sizeof(end->url), ctx->err);

	if (placed < 0)
		return -1;
	if (placed == 0)
		return vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE,
				  "No data-plane agent builds lab host %s: no agent with the role %s is registered.",
				  h->host_id, h->site_id[0] ? "site" : "cloud");
	if (agent_get(ctx->model, end->agent_id, &placed_on, ctx->err) < 0)
		return -1;
	model_copy(end->underlay_ip, sizeof(end->underlay_ip), placed_on.underlay_ip);
	model_copy(end->host_id, sizeof(end->host_id), h->host_id);
	return 0;
}

/* Maps an agent's refusal of a flow call (status != 200) to the API's error. */
static int flow_agent_error(struct action_ctx *ctx, const struct flow_end *end, const char *what, long status,
			    json_t *answer)
{
	const char *msg = json_string_value(json_object_get(answer, "Message"));

	if (status == 404)
		return vl_err_set(ctx->err, VL_LAB_HOST_NOT_FOUND, "The agent %s has not built lab host %s yet.",
				  end->agent_id, end->host_id);
	return vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE, "The agent %s could not %s (HTTP %ld): %s", end->agent_id,
			  what, status, msg ? msg : "no reason given");
}

/* Copies the agent's flow figures into the answer; false when one is missing. */
static bool copy_flow_figures(struct action_ctx *ctx, json_t *answer)
{
	json_t *total = json_object_get(answer, "TotalMbps"), *streams = json_object_get(answer, "Streams");
	json_t *retrans = json_object_get(answer, "Retransmits"), *bytes = json_object_get(answer, "Bytes");

	if (!json_is_number(total) || !json_is_array(streams) || !json_is_integer(retrans) || !json_is_integer(bytes))
		return false;
	json_object_set(ctx->response, "TotalMbps", total);
	json_object_set(ctx->response, "Streams", streams);
	json_object_set(ctx->response, "Retransmits", retrans);
	json_object_set(ctx->response, "Bytes", bytes);
	if (json_is_number(json_object_get(answer, "LostPercent")))
		json_object_set(ctx->response, "LostPercent", json_object_get(answer, "LostPercent"));
	return true;
}

/*
 * The waiting phase of LabRunFlow (AF_SLOW): an iperf3 server in the target host (its
 * agent), the client run in the sending host (its agent, maybe another), then the server
 * stopped whatever happened.  Runs outside the engine.
 */
static int flow_relay(struct action_ctx *ctx, void *state)
{
	const struct flow_call *f = state;
	json_t *body = NULL, *answer = NULL;
	char why[256] = "", path[64];
	long status = 0;
	int64_t server_id = 0, port;
	int rc = -1;

	body = json_pack("{s:s, s:I}", "HostId", f->to.host_id, "LifetimeSeconds",
			 (json_int_t)(f->seconds + FLOW_SERVER_LIFETIME_SLACK_S));
	if (body == NULL) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (agent_client_call(f->to.url, f->to.underlay_ip, "POST", "/v1/flows/servers", body, FLOW_SERVER_START_MS,
			      &status, &answer, why) < 0) {
		vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE, "The agent %s that builds lab host %s did not answer: %s",
			   f->to.agent_id, f->to.host_id, why);
		goto out;
	}
	server_id = json_integer_value(json_object_get(answer, "ServerId"));
	port = json_integer_value(json_object_get(answer, "Port"));
	if (status != 200 || server_id <= 0 || port <= 0 || port > 65535) {
		if (status == 200)
			status = 502; /* an answer without its figures */
		server_id = 0;
		flow_agent_error(ctx, &f->to, "start an iperf3 server", status, answer);
		goto out;
	}
	json_decref(body);
	json_decref(answer);
	answer = NULL;
	body = json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "HostId", f->from.host_id, "Target", f->target, "Port",
			 (json_int_t)port, "Streams", (json_int_t)f->streams, "Seconds", (json_int_t)f->seconds,
			 "Protocol", f->protocol);
	if (body == NULL) {
		vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	if (agent_client_call(f->from.url, f->from.underlay_ip, "POST", "/v1/flows", body,
			      (long)(f->seconds * 1000 + FLOW_SLACK_MS), &status, &answer, why) < 0) {
		vl_err_set(ctx->err, VL_LAB_AGENT_UNAVAILABLE, "The agent %s that builds lab host %s did not answer: %s",
			   f->from.agent_id, f->from.host_id, why);
		goto out;
	}
	if (status != 200 || !copy_flow_figures(ctx, answer)) {
		flow_agent_error(ctx, &f->from, "run the iperf3 client", status == 200 ? 502 : status, answer);
		goto out;
	}
	rc = 0;
out:
	if (server_id > 0) {
		/* 404: its one test ended and it exited; the agent kills it at its lifetime anyway */
		snprintf(path, sizeof(path), "/v1/flows/servers/%lld", (long long)server_id);
		agent_client_call(f->to.url, f->to.underlay_ip, "DELETE", path, NULL, FLOW_SERVER_START_MS, &status, NULL,
				  why);
	}
	json_decref(body);
	json_decref(answer);
	return rc;
}

/*
 * The read phase: checks everything (nothing runs on bad input), finds both hosts and their
 * agents, and leaves the run to flow_relay (AF_SLOW).
 */
static int h_lab_run_flow(struct action_ctx *ctx)
{
	const char *host_id = param_str(ctx, "HostId"), *target = param_str(ctx, "Target");
	const char *protocol = param_str(ctx, "Protocol");
	struct flow_call *call = NULL;
	struct lab_host from, to;
	uint32_t addr;
	int found;

	if (!ipv4_parse(target, &addr))
		return invalid_target(ctx);
	if (lab_host_get(ctx->model, host_id, &from, ctx->err) < 0) {
		if (ctx->err->code != VL_LAB_HOST_NOT_FOUND)
			return -1;
		vl_err_clear(ctx->err);
		return vl_err_set(ctx->err, VL_LAB_FLOW_HOST_UNKNOWN, NULL);
	}
	found = lab_host_by_ip(ctx->model, target, from.host_id, &to, ctx->err);
	if (found < 0)
		return -1;
	if (found == 0)
		return vl_err_set(ctx->err, VL_LAB_FLOW_TARGET_NOT_HOST,
				  "No lab host of yours in this region has the address %s: the iperf3 server runs in "
				  "the target host's namespace.", target);
	if ((call = calloc(1, sizeof(*call))) == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	/* the engine frees it whatever happens from here on */
	ctx->slow_state = call;
	ctx->slow_state_free = free;
	if (flow_end_place(ctx, &from, &call->from) < 0 || flow_end_place(ctx, &to, &call->to) < 0)
		return -1;
	model_copy(call->target, sizeof(call->target), to.ip_address);
	model_copy(call->protocol, sizeof(call->protocol), protocol);
	call->streams = param_int(ctx, "Streams", 1);
	call->seconds = param_int(ctx, "Seconds", 10);
	ctx->slow = flow_relay;
	return 0;
}

/* ---- faults ---- */

static int h_lab_inject_fault(struct action_ctx *ctx)
{
	const char *conn = param_str(ctx, "VpnConnectionId"), *action = param_str(ctx, "Action");
	bool cutting = strcmp(action, "cut") == 0; /* the table allows cut | restore only */
	json_t *cut = json_array();

	if (cut == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (lab_fault_set(ctx->model, conn, param_str(ctx, "TunnelId"), cutting, cut, ctx->err) < 0) {
		json_decref(cut);
		return -1;
	}
	json_put_str(ctx->response, "VpnConnectionId", conn);
	json_put_str(ctx->response, "Action", action);
	json_object_set_new(ctx->response, "CutTunnelIds", cut);
	return 0;
}

/* ---- the action table ---- */

/*
 * vpnlab extensions with no cloud equivalent (the Lab prefix keeps them from passing for cloud
 * actions): emulated branch sites, lab hosts, ICMP probes from a host, tunnel faults. Rules in
 * model/lab.h; what the data plane builds from them in model/dataplane_compile.h. The list
 * parameters are flattened as the cloud flattens lists (CustomerGatewayIds.N, Overrides.N.<Key>; a
 * REST body gives JSON arrays); the handler reads them from the passed-through parameters, and the
 * rows below only document them.
 *
 * REST: vpnlab extensions with no cloud equivalent live under /v1/lab/.  Sites and hosts are
 * collections (create 201, list flattened, item = the single item of the filtered list or its
 * NotFound); a probe and a fault are commands that create nothing: POST, 200.
 */
static const struct region_source lab_region_of_site = {
	"SiteId", lab_site_region, VL_LAB_SITE_NOT_FOUND,
};
static const struct region_source lab_region_of_host = {
	"HostId", lab_host_region, VL_LAB_HOST_NOT_FOUND,
};
static const struct region_source lab_region_of_vswitch = {
	"VSwitchId", vswitch_region, VL_INVALID_VSWITCH_ID_NOT_FOUND,
};
static const struct region_source lab_region_of_connection = {
	"VpnConnectionId", vpn_connection_region, VL_VCO_NOT_FOUND,
};

static const struct region_source lab_region_of_flow_host = {
	"HostId", lab_host_region, VL_LAB_FLOW_HOST_UNKNOWN,
};

static const char *const lab_fault_actions[] = { "cut", "restore", NULL };
static const char *const lab_flow_protocols[] = { "tcp", "udp", NULL };

static const struct param_spec lab_create_site_params[] = {
	{ "CustomerGatewayIds", PT_LIST, 0, NULL, 0, 0, NULL,
	  "required: 1-4 customer gateways of the region, CustomerGatewayIds.N (or one comma-separated value); "
	  "one gateway device each, in this order (LAN addresses .1, .2, …)", &cgw_id_list },
	{ "LanCidr", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "private IPv4 CIDR, mask 16-29: the branch LAN" },
	{ "Overrides", PT_LIST, 0, NULL, 0, 0, NULL,
	  "up to 16, Overrides.N.{VpnConnectionId (required), TunnelId, Psk, IkeVersion, IkeEncAlg, IkeAuthAlg, "
	  "IkePfs, IpsecEncAlg, IpsecAuthAlg, IpsecPfs}: settings of the customer side that differ from the "
	  "connection's (a misconfigured branch)", &override_list },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec lab_describe_sites_params[] = {
	{ "SiteId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec lab_delete_site_params[] = {
	{ "SiteId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "its lab hosts are deleted with it" },
	PARAM_END,
};

static const struct param_spec lab_create_host_params[] = {
	{ "VSwitchId", PT_STRING, 0, NULL, 0, 0, NULL, "a vSwitch of the caller (or SiteId)" },
	{ "SiteId", PT_STRING, 0, NULL, 0, 0, NULL, "a site's LAN (or VSwitchId; then RegionId is required)" },
	{ "IpAddress", PT_STRING, 0, NULL, 0, 0, NULL, "default: the lowest free address" },
	CLIENT_TOKEN, PARAM_END,
};

static const struct param_spec lab_describe_hosts_params[] = {
	{ "HostId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VSwitchId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "SiteId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec lab_delete_host_params[] = {
	{ "HostId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec lab_run_probe_params[] = {
	{ "HostId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "the lab host that sends" },
	{ "Target", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "IPv4 address" },
	{ "Count", PT_INTEGER, 0, "5", 1, 1000, NULL, "echo requests" },
	{ "IntervalMs", PT_INTEGER, 0, "200", 10, 10000, NULL, "between requests; Count x IntervalMs <= 60000" },
	PARAM_END,
};

static const struct param_spec lab_run_flow_params[] = {
	{ "HostId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "the lab host that sends (iperf3 client)" },
	{ "Target", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "IPv4 address of another lab host of the caller (iperf3 server, started for this flow and stopped after)" },
	{ "Streams", PT_INTEGER, 0, "1", 1, 128, NULL, "parallel streams (iperf3 -P)" },
	{ "Seconds", PT_INTEGER, 0, "10", 1, 60, NULL, "duration (iperf3 -t)" },
	{ "Protocol", PT_STRING, 0, "tcp", 0, 0, lab_flow_protocols, "tcp | udp (udp: unlimited rate, -b 0)" },
	PARAM_END,
};

static const struct param_spec lab_inject_fault_params[] = {
	{ "VpnConnectionId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "TunnelId", PT_STRING, 0, NULL, 0, 0, NULL, "dual-tunnel connections: one tunnel; default: every tunnel" },
	{ "Action", PT_STRING, PF_REQUIRED, NULL, 0, 0, lab_fault_actions, "cut | restore" },
	PARAM_END,
};

const struct action lab_actions[] = {
	{ "LabCreateSite", V_VPC, h_lab_create_site, AF_MUTATES | AF_REGIONAL, lab_create_site_params,
	  .rest = { { "POST", "/v1/lab/sites", RS_CREATE } },
	  .doc = "vpnlab extension (no cloud equivalent): an emulated branch office with one strongSwan gateway "
		  "device per customer gateway, configured as the API configures that customer gateway: {SiteId}." },
	{ "LabDescribeSites", V_VPC, h_lab_describe_sites, AF_REGIONAL | AF_PAGED, lab_describe_sites_params,
	  .rest = { { "GET", "/v1/lab/sites", RS_LIST, NULL, "Sites", "Site" },
		    { "GET", "/v1/lab/sites/{id}", RS_ITEM, "SiteId", "Sites", "Site", VL_LAB_SITE_NOT_FOUND } },
	  .region_from = &lab_region_of_site,
	  .doc = "vpnlab extension: the caller's sites, oldest first: Sites.Site[] {SiteId, RegionId, LanCidr, "
		  "CreateTime, HostCount, Devices[], Overrides[]}." },
	{ "LabDeleteSite", V_VPC, h_lab_delete_site, AF_MUTATES | AF_REGIONAL, lab_delete_site_params,
	  .rest = { { "DELETE", "/v1/lab/sites/{id}", RS_PLAIN, "SiteId" } },
	  .region_from = &lab_region_of_site,
	  .doc = "vpnlab extension: deletes a site with its devices and lab hosts." },
	{ "LabCreateHost", V_VPC, h_lab_create_host, AF_MUTATES | AF_REGIONAL, lab_create_host_params,
	  .rest = { { "POST", "/v1/lab/hosts", RS_CREATE } },
	  .region_from = &lab_region_of_vswitch,
	  .doc = "vpnlab extension: a lab host (its own network namespace) in a vSwitch or a site's LAN: "
		  "{HostId, IpAddress}.  A vSwitch with lab hosts cannot be deleted (DependencyViolation)." },
	{ "LabDescribeHosts", V_VPC, h_lab_describe_hosts, AF_REGIONAL | AF_PAGED, lab_describe_hosts_params,
	  .rest = { { "GET", "/v1/lab/hosts", RS_LIST, NULL, "Hosts", "Host" },
		    { "GET", "/v1/lab/hosts/{id}", RS_ITEM, "HostId", "Hosts", "Host", VL_LAB_HOST_NOT_FOUND } },
	  .region_from = &lab_region_of_host,
	  .doc = "vpnlab extension: the caller's lab hosts, oldest first: Hosts.Host[] {HostId, RegionId, VpcId, "
		  "VSwitchId, SiteId, IpAddress, PrefixLength, Gateway, CreateTime}." },
	{ "LabDeleteHost", V_VPC, h_lab_delete_host, AF_MUTATES | AF_REGIONAL, lab_delete_host_params,
	  .rest = { { "DELETE", "/v1/lab/hosts/{id}", RS_PLAIN, "HostId" } },
	  .region_from = &lab_region_of_host,
	  .doc = "vpnlab extension: deletes a lab host." },
	{ "LabRunProbe", V_VPC, h_lab_run_probe, AF_REGIONAL | AF_SLOW, lab_run_probe_params,
	  .rest = { { "POST", "/v1/lab/probes" } },
	  .region_from = &lab_region_of_host,
	  .doc = "vpnlab extension: real ICMP echo from a lab host's namespace, run by the agent that builds it: "
		  "{Sent, Received, LossPercent, RttAvgMs, RttMaxMs} (a reply later than 1 s counts as lost); 503 "
		  "Agent.Unavailable without an agent.  The "
		  "wait holds no server resource other callers need; at most 2 probes of an account run at once "
		  "(quota lab_calls_per_account), beyond: 400 Throttling.User." },
	{ "LabRunFlow", V_VPC, h_lab_run_flow, AF_REGIONAL | AF_SLOW, lab_run_flow_params,
	  .rest = { { "POST", "/v1/lab/flows" } },
	  .region_from = &lab_region_of_flow_host,
	  .doc = "vpnlab extension: a real iperf3 run from a lab host to another lab host's address, each end run by "
		  "the agent that builds its host: {TotalMbps (received), Streams[] {Mbps}, Retransmits (TCP), Bytes "
		  "(received), LostPercent (UDP)}.  An unknown HostId is 400 InvalidHostId.Unknown, a Target no lab host "
		  "of the caller has 400 InvalidTarget.NotLabHost; nothing runs then.  503 Agent.Unavailable without "
		  "an agent.  Shares the quota lab_calls_per_account with LabRunProbe." },
	{ "LabInjectFault", V_VPC, h_lab_inject_fault, AF_MUTATES | AF_REGIONAL, lab_inject_fault_params,
	  .rest = { { "POST", "/v1/lab/faults" } },
	  .region_from = &lab_region_of_connection,
	  .doc = "vpnlab extension: cuts (or restores) the underlay traffic of a connection's tunnel(s) in the data "
		  "plane: {VpnConnectionId, Action, CutTunnelIds[]} (\"\" for a single-tunnel connection)." },
	ACTIONS_END,
};
