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
 *   - what sits in a zone (a vSwitch: its bridge, the VPN gateway endpoint whose VSwitchId or
 *     DisasterRecoveryVSwitchId it is, its lab hosts) goes to one agent with the role cloud:
 *     the first (by registration time, then agent ID) that serves the zone (named in its
 *     zones, or at its zone_index in the zone's region), else the first cloud agent that
 *     serves every zone (no zones, no zone_index), else the first cloud agent.  So a
 *     dual-tunnel gateway's master endpoint runs where its VSwitchId's zone is served and the
 *     slave where its DisasterRecoveryVSwitchId's is;
 *   - a VPC (one that has a VPN gateway, not an unpaid "init" one, or a lab host) gets a
 *     router on every agent that builds one of its vSwitches; with more than one, the
 *     routers are joined by the VPC's fabric (its own VXLAN segment), each routing the other
 *     agents' vSwitches there, and a route's next hop on another agent goes through that
 *     agent's router ("remote" hops, whose state the agents tell each other);
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
