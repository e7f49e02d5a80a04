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

/* Largest N accepted in CustomerGatewayIds.N / Overrides.N (more is refused by the model). */
#define LIST_N_MAX 64
/* A probe runs while its HTTP request waits: Count × IntervalMs is bounded. */
#define PROBE_TOTAL_MS_MAX 60000
#define PROBE_SLACK_MS 5000

static int invalid(struct action_ctx *ctx, const char *name, const char *why)
{
	char code[128];

	snprintf(code, sizeof(code), "Invalid%s", name);
	if (why)
		return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, code, "Specified parameter %s is not valid: %s",
				       name, why);
	return vl_err_set_code(ctx->err, VL_INVALID_PARAMETER, code, "Specified parameter %s is not valid.", name);
}

/*
 * Reads "<prefix>.N[.rest]": returns N (1..LIST_N_MAX) with *rest after "N" ("" or ".Key"),
 * 0 when name is not an item of that list, -1 when N is not a number in range.
 */
static int list_item(const char *name, const char *prefix, const char **rest)
{
	size_t plen = strlen(prefix);
	char *end = NULL;
	long n;

	if (strncmp(name, prefix, plen) != 0 || name[plen] != '.')
		return 0;
	name += plen + 1;
	if (*name < '1' || *name > '9')
		return -1;
	n = strtol(name, &end, 10);
	if (n < 1 || n > LIST_N_MAX || (*end != '\0' && *end != '.'))
		return -1;
	*rest = end;
	return (int)n;
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

static const char **override_member(struct lab_override *o, const char *key)
{
	static const struct {
		const char *key;
		size_t offset;
	} members[] = {
		{ "VpnConnectionId", offsetof(struct lab_override, vpn_connection_id) },
		{ "TunnelId", offsetof(struct lab_override, tunnel_id) },
		{ "Psk", offsetof(struct lab_override, psk) },
		{ "IkeVersion", offsetof(struct lab_override, ike_version) },
		{ "IkeEncAlg", offsetof(struct lab_override, ike_enc_alg) },
		{ "IkeAuthAlg", offsetof(struct lab_override, ike_auth_alg) },
		{ "IkePfs", offsetof(struct lab_override, ike_pfs) },
		{ "IpsecEncAlg", offsetof(struct lab_override, ipsec_enc_alg) },
		{ "IpsecAuthAlg", offsetof(struct lab_override, ipsec_auth_alg) },
		{ "IpsecPfs", offsetof(struct lab_override, ipsec_pfs) },
	};

	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (strcmp(members[i].key, key) == 0)
			return (const char **)((char *)o + members[i].offset);
	return NULL;
}

/* Collects CustomerGatewayIds.N and Overrides.N.<Key> (flattened lists, N order).  0 or -1. */
static int collect_site_params(struct action_ctx *ctx, struct site_params *p, struct lab_site_create_args *a)
{
	const char *plain = param_str(ctx, "CustomerGatewayIds");

	for (size_t i = 0; i < ctx->params->len; i++) {
		const char *name = ctx->params->items[i].name, *value = ctx->params->items[i].value, *rest = NULL;
		int n;

		if ((n = list_item(name, "CustomerGatewayIds", &rest)) != 0) {
			if (n < 0 || *rest)
				return invalid(ctx, name, NULL);
			p->cgw[n] = value;
		} else if ((n = list_item(name, "Overrides", &rest)) != 0) {
			const char **member;

			if (n < 0 || *rest != '.' || (member = override_member(&p->ov[n], rest + 1)) == NULL)
				return invalid(ctx, name, NULL);
			*member = value;
			p->ov_given[n] = true;
		}
	}
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

	if (lab_site_list(ctx->model, param_str(ctx, "SiteId"), ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "Sites", "Site", items, total);
	return 0;
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

	if (lab_host_list(ctx->model, &f, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	h_set_page(ctx, "Hosts", "Host", items, total);
	return 0;
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
		return invalid(ctx, "Target", "an IPv4 address.");
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
	"SiteId", "SELECT region_id FROM lab_sites WHERE site_id=?1 AND account=?2", VL_LAB_SITE_NOT_FOUND,
};
static const struct region_source lab_region_of_host = {
	"HostId", "SELECT region_id FROM lab_hosts WHERE host_id=?1 AND account=?2", VL_LAB_HOST_NOT_FOUND,
};
static const struct region_source lab_region_of_vswitch = {
	"VSwitchId", "SELECT region FROM vswitches WHERE vswitch_id=?1 AND account=?2", VL_INVALID_VSWITCH_ID_NOT_FOUND,
};
static const struct region_source lab_region_of_connection = {
	"VpnConnectionId", "SELECT region FROM vpn_connections WHERE vpn_connection_id=?1 AND account=?2", VL_VCO_NOT_FOUND,
};

static const char *const lab_fault_actions[] = { "cut", "restore", NULL };

static const struct param_spec lab_create_site_params[] = {
	{ "CustomerGatewayIds", PT_STRING, 0, NULL, 0, 0, NULL,
	  "required: 1-4 customer gateways of the region, CustomerGatewayIds.N (or one comma-separated value); "
	  "one gateway device each, in this order (LAN addresses .1, .2, …)" },
	{ "LanCidr", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "private IPv4 CIDR, mask 16-29: the branch LAN" },
	{ "Overrides", PT_STRING, 0, NULL, 0, 0, NULL,
	  "up to 16, Overrides.N.{VpnConnectionId (required), TunnelId, Psk, IkeVersion, IkeEncAlg, IkeAuthAlg, "
	  "IkePfs, IpsecEncAlg, IpsecAuthAlg, IpsecPfs}: settings of the customer side that differ from the "
	  "connection's (a misconfigured branch)" },
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
		  "{Sent, Received, LossPercent, RttAvgMs, RttMaxMs}; 503 Agent.Unavailable without an agent.  The "
		  "wait holds no server resource other callers need; at most 2 probes of an account run at once "
		  "(quota lab_calls_per_account), beyond: 400 Throttling.User." },
	{ "LabInjectFault", V_VPC, h_lab_inject_fault, AF_MUTATES | AF_REGIONAL, lab_inject_fault_params,
	  .rest = { { "POST", "/v1/lab/faults" } },
	  .region_from = &lab_region_of_connection,
	  .doc = "vpnlab extension: cuts (or restores) the underlay traffic of a connection's tunnel(s) in the data "
		  "plane: {VpnConnectionId, Action, CutTunnelIds[]} (\"\" for a single-tunnel connection)." },
	ACTIONS_END,
};
