/* Handlers of the server ↔ agent protocol: thin wrappers of model/agent.c. */
#include "h_agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "agent_client.h"
#include "handlers.h"

int h_authenticate(struct auth *auth, const struct action *a, const struct vl_request *req,
		   const struct kvlist *params, char *account, size_t account_size, struct vl_err *err)
{
	if (a == NULL || !(a->flags & AF_AGENT))
		return auth_authenticate(auth, req, params,
					 &(struct auth_target){ a ? a->name : NULL, a ? a->version : NULL },
					 time(NULL), account, account_size, err);
	if (!agent_client_token_ok(kvlist_get_ci(&req->headers, "x-vpnlab-agent-token")))
		return vl_err_set(err, VL_AGENT_FORBIDDEN, NULL);
	if (account_size)
		account[0] = '\0';
	return 0;
}

static int h_agent_register(struct action_ctx *ctx)
{
	struct agent_register_args args = {
		.agent_id = param_str(ctx, "AgentId"),
		.zones = param_str(ctx, "Zones"),
		.roles = param_str(ctx, "Roles"),
		.underlay_ip = param_str(ctx, "UnderlayIp"),
		.url = param_str(ctx, "Url"),
		.backend = param_str(ctx, "Backend"),
		.backend_reason = param_str(ctx, "BackendReason"),
		.backend_unusable = !param_bool(ctx, "BackendUsable", true),
		.backend_error = param_str(ctx, "BackendError"),
		.version = param_str(ctx, "Version"),
		.applied_generation = param_int(ctx, "AppliedGeneration", 0),
	};
	char id[64], why[200];

	/* a malformed Url (-1) is the model's InvalidUrl; a well-formed one must be allowed */
	if (agent_client_url_allowed(args.url, args.underlay_ip, why, sizeof(why)) == 0)
		return vl_err_set(ctx->err, VL_AGENT_URL_FORBIDDEN, "%s", why);
	if (agent_register(ctx->model, &args, id, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "AgentId", id);
	return 0;
}

static int h_agent_report_status(struct action_ctx *ctx)
{
	int64_t generation = 0;

	if (agent_report_status(ctx->model, param_str(ctx, "AgentId"), param_int(ctx, "AppliedGeneration", 0),
				param_str(ctx, "Tunnels"), param_str(ctx, "Logs"), &generation, ctx->err) < 0)
		return -1;
	json_put_int(ctx->response, "Generation", generation);
	return 0;
}

static int h_agent_list(struct action_ctx *ctx)
{
	struct agent *agents = NULL;
	json_t *items;
	int count = 0;

	if (agent_list(ctx->model, param_str(ctx, "AgentId"), &agents, &count, ctx->err) < 0)
		return -1;
	items = json_array();
	for (int i = 0; i < count; i++)
		json_array_append_new(items, agent_to_json(ctx->model, &agents[i]));
	free(agents);
	json_put_int(ctx->response, "TotalCount", count);
	json_put_wrapped(ctx->response, "Agents", "Agent", items);
	return 0;
}

static int h_agent_deregister(struct action_ctx *ctx)
{
	return agent_deregister(ctx->model, param_str(ctx, "AgentId"), ctx->err);
}

/* ---- the action table ---- */

/*
 * The server ↔ agent protocol (api-docs/agent-protocol.md), a vpnlab extension with no cloud
 * equivalent.  AF_AGENT: agents serve every account, so these actions act for none and carry no
 * signature; they always need the server's X-Vpnlab-Agent-Token header (h_authenticate), in both
 * auth modes.  Nested JSON bodies (Zones, Roles, Tunnels, Logs) arrive as JSON text (PT_JSON) and
 * are checked element by element in model/agent.c.
 *
 * REST: The server ↔ agent protocol (api-docs/agent-protocol.md): an agent registers, reports
 * status (also its heartbeat) and may be forgotten; GET lists them for people and tests.
 */
#define AGENT_ID_PARAM(flags, doc) { "AgentId", PT_STRING, flags, NULL, 1, 63, NULL, doc }

static const struct param_spec agent_register_params[] = {
	AGENT_ID_PARAM(0, "agt-…: the id the agent's state directory kept (after the server forgot it); "
			  "absent: a new one"),
	{ "Zones", PT_JSON, 0, NULL, 0, 0, NULL, "JSON array of zone ids the agent serves; [] or absent: every zone" },
	{ "Roles", PT_JSON, PF_REQUIRED, NULL, 0, 0, NULL, "JSON array: \"cloud\" and/or \"site\"" },
	{ "UnderlayIp", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "the agent's IPv4 address on the hosts' network" },
	{ "Url", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL,
	  "http(s)://HOST:PORT the server pushes the desired-state document to; HOST an IPv4 address the server "
	  "allows (loopback, the agent's UnderlayIp, an --agent-url-allow network; else Forbidden.AgentUrl)" },
	{ "Backend", PT_STRING, 0, NULL, 0, 0, NULL, "kernel-libipsec or kernel-netlink" },
	{ "BackendReason", PT_STRING, 0, NULL, 0, 0, NULL, "why the agent chose that backend (up to 256 bytes)" },
	{ "BackendUsable", PT_BOOLEAN, 0, "true", 0, 0, NULL,
	  "false: the agent's preflight charon (its backend's plugin list, in a scratch namespace) did not start" },
	{ "BackendError", PT_STRING, 0, NULL, 0, 0, NULL,
	  "why the backend is unusable (charon's telling log line and the package that fixes it; up to 1024 "
	  "bytes); required when BackendUsable is false, empty otherwise" },
	{ "Version", PT_STRING, 0, NULL, 0, 0, NULL, "the agent's version (up to 32 of [A-Za-z0-9.+_~-])" },
	{ "AppliedGeneration", PT_INTEGER, 0, "0", 0, 9007199254740991LL, NULL,
	  "the generation the agent applied last (0: none)" },
	PARAM_END,
};

static const struct param_spec agent_report_status_params[] = {
	AGENT_ID_PARAM(PF_REQUIRED, NULL),
	{ "AppliedGeneration", PT_INTEGER, 0, "0", 0, 9007199254740991LL, NULL,
	  "the generation the agent applied last" },
	{ "Tunnels", PT_JSON, 0, NULL, 0, 0, NULL,
	  "JSON array (up to 4096) of {VpnConnectionId, TunnelId, Endpoint, Side gateway/site_device, IkeState, "
	  "ChildState, Health success/failed/\"\", Active, BytesIn, BytesOut, PacketsIn, PacketsOut}" },
	{ "Logs", PT_JSON, 0, NULL, 0, 0, NULL,
	  "JSON array (up to 1000) of {VpnConnectionId, TunnelId, Side (gateway), TimeMs, Line}" },
	PARAM_END,
};

static const struct param_spec agent_list_params[] = {
	AGENT_ID_PARAM(0, "only this agent"),
	PARAM_END,
};

static const struct param_spec agent_deregister_params[] = {
	AGENT_ID_PARAM(PF_REQUIRED, NULL),
	PARAM_END,
};

const struct action agent_actions[] = {
	{ "AgentRegister", V_VPC, h_agent_register, AF_MUTATES | AF_AGENT, agent_register_params,
	  .rest = { { "POST", "/v1/agents" } },
	  .region_from = NULL,
	  .doc = "vpnlab extension (agent protocol): registers a data-plane agent or refreshes its "
		  "registration; the server then pushes it a new document generation: {AgentId}." },
	{ "AgentReportStatus", V_VPC, h_agent_report_status, AF_MUTATES | AF_AGENT | AF_NO_DOCUMENT, agent_report_status_params,
	  .rest = { { "POST", "/v1/agents/{id}/status", RS_PLAIN, "AgentId" } },
	  .region_from = NULL,
	  .doc = "vpnlab extension (agent protocol): an agent's status report and heartbeat; gateway-side "
		  "tunnels set the connections' Status and health check Status, gateway-side lines go to "
		  "the connection logs: {Generation}." },
	{ "AgentList", V_VPC, h_agent_list, AF_AGENT, agent_list_params,
	  .rest = { { "GET", "/v1/agents", RS_LIST, NULL, "Agents", "Agent" },
		    { "GET", "/v1/agents/{id}", RS_ITEM, "AgentId", "Agents", "Agent", VL_AGENT_NOT_FOUND } },
	  .region_from = NULL,
	  .doc = "vpnlab extension (agent protocol): the registered agents with their generations and "
		  "whether they are online (seen within 15 s): TotalCount, Agents.Agent[]." },
	{ "AgentDeregister", V_VPC, h_agent_deregister, AF_MUTATES | AF_AGENT, agent_deregister_params,
	  .rest = { { "DELETE", "/v1/agents/{id}", RS_PLAIN, "AgentId" } },
	  .region_from = NULL,
	  .doc = "vpnlab extension (agent protocol): forgets an agent and the tunnel states it reported." },
	ACTIONS_END,
};
