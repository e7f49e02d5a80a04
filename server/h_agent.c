/* Handlers of the server ↔ agent protocol: thin wrappers of model/agent.c. */
#include "h_agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "agent_client.h"

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

int h_agent_register(struct action_ctx *ctx)
{
	struct agent_register_args args = {
		.agent_id = param_str(ctx, "AgentId"),
		.zones = param_str(ctx, "Zones"),
		.zone_index = (int)param_int(ctx, "ZoneIndex", 0),
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

int h_agent_report_status(struct action_ctx *ctx)
{
	int64_t generation = 0;

	if (agent_report_status(ctx->model, param_str(ctx, "AgentId"), param_int(ctx, "AppliedGeneration", 0),
				param_str(ctx, "Tunnels"), param_str(ctx, "Logs"), &generation, ctx->err) < 0)
		return -1;
	json_put_int(ctx->response, "Generation", generation);
	return 0;
}

int h_agent_list(struct action_ctx *ctx)
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

int h_agent_deregister(struct action_ctx *ctx)
{
	return agent_deregister(ctx->model, param_str(ctx, "AgentId"), ctx->err);
}
