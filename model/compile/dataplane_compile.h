#ifndef VL_DATAPLANE_COMPILE_H
#define VL_DATAPLANE_COMPILE_H

#include <jansson.h>
#include <stddef.h>

#include "model.h"

/*
 * The desired-state compiler: the complete document (schema/agent-document.schema.json) one
 * data-plane agent must build, from the model of every account (agents serve everyone).
 *
 * Placement (deterministic; api-docs/agent-protocol.md "Placement"):
 *   - a VPC that has a VPN gateway (not an unpaid "init" one) or a lab host goes to one agent
 *     with the role cloud: the first (by registration time, then agent ID) whose zones
 *     include the zone of the VPC's first vSwitch (by creation), else the first cloud agent
 *     that serves every zone (zones ''), else the first cloud agent.  The VPC's gateway
 *     endpoints and lab hosts go with it;
 *   - every lab site, with its gateway devices and hosts, goes to the first agent with the
 *     role site.
 * A tunnel (an IPsec connection's, or one tunnel of a dual-tunnel one) is built only when
 * both of its ends are placed: its gateway's VPC on a cloud agent and its customer gateway
 * as a device of a site on a site agent.  Connections bound to no VPN gateway (transit
 * router attachments) are not built yet.
 */

#define DATAPLANE_UNDERLAY_VNI 4242

/*
 * Compiles agent_id's document into *doc (new reference, caller decrefs): every member the
 * schema requires except "generation", which the pusher adds.  m gives the store (any
 * account; m->account and m->region are not used) and the clock.  Returns 0, or -1 with err
 * set (Agent.NotFound for an unknown agent, InternalError on a store failure).
 */
int dataplane_compile(struct model_ctx *m, const char *agent_id, json_t **doc, struct vl_err *err);

/*
 * Which agent builds lab host host_id of the caller (m->account, m->region): writes its ID
 * (64 bytes) and push URL (url_size bytes).  Returns 1 when placed, 0 when no agent of the
 * needed role is registered, -1 with err set (InvalidHostId.NotFound, store failure).
 */
int dataplane_host_agent(struct model_ctx *m, const char *host_id, char *agent_id, char *url, size_t url_size,
			 struct vl_err *err);

#endif
