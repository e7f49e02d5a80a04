#ifndef VL_PLAN_H
#define VL_PLAN_H

/*
 * The agent's pure decisions, kept apart from the code that acts on them so that unit
 * tests can check them with tables:
 *
 * reconcile_plan: what must happen to turn what is applied into what is wanted, as one
 * operation per object (keep, create, update, delete), in the order the applier runs them,
 * as OpenBSD bgpd's reconf_action marks each peer and prefix set.
 *
 * route_select: which next hops of a VPC route, or of a site router's route, carry traffic,
 * given which are usable.
 */

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

enum plan_action { PLAN_KEEP, PLAN_CREATE, PLAN_UPDATE, PLAN_DELETE };
enum plan_kind { PLAN_UNDERLAY, PLAN_VPC, PLAN_SITE, PLAN_ENDPOINT, PLAN_TUNNEL, PLAN_HOST, PLAN_TR };

struct plan_op {
	enum plan_kind kind;
	enum plan_action action;
	char id[DOC_ID_MAX]; /* the object; a tunnel's endpoint; "" for the underlay */
	char tunnel[96];     /* the tunnel's name (PLAN_TUNNEL) */
	bool rebuild;	     /* PLAN_ENDPOINT update: its addresses or LAN moved, charon starts anew */
};

struct plan {
	int count;
	struct plan_op *ops; /* malloc'd */
};

/*
 * Compares applied (what the applier built, object by object; applied->agent_id is set once
 * the underlay is) with wanted, and fills *out with one operation per object of either, in
 * the applier's order: the underlay; deletions (tunnels of endpoints that stay, hosts,
 * endpoints, transit routers, VPCs, sites: dependents first); then VPCs, transit routers
 * (their VPC links sit on vSwitches), sites, each endpoint followed by its tunnels, hosts.
 * A VPC, transit router or site is updated only when what its namespace is built around
 * changed (vSwitches and fabric; links; LAN and router address), never for its routes, which
 * the route runtime follows at publish.  An endpoint whose addresses or LAN changed is rebuilt (its tunnels are
 * created again); a tunnel is updated only when its IKE/IPsec parameters, peer or
 * selectors changed, so a fault or health-check change never touches its SAs.  Pure: reads
 * only its arguments.  Returns 0 or -1 (out of memory; *out empty).  Free with plan_free.
 */
int reconcile_plan(const struct doc_desired *applied, const struct doc_desired *wanted, struct plan *out);
void plan_free(struct plan *p);

/* Whether t's connection in the IKE daemon is right for want (its IKE/IPsec parameters). */
bool plan_tunnel_same_ipsec(const struct doc_tunnel *a, const struct doc_tunnel *b);
/* Whether an endpoint's links, faults, rate and check sources match (not its IPsec). */
bool plan_endpoint_same_links(const struct doc_endpoint *a, const struct doc_endpoint *b);

const char *plan_action_name(enum plan_action a);
const char *plan_kind_name(enum plan_kind k);
/*
 * The plan as text for logs and tests: "create vpc vpc-1; keep tunnel ep/t; …", keeps
 * included only when with_keep.  Writes at most size bytes; returns buf.
 */
char *plan_format(const struct plan *p, bool with_keep, char *buf, size_t size);

/*
 * Route selection.  The hops with the highest weight among usable ones carry the route;
 * when none is usable, the highest-weighted of all keep it (traffic has nowhere better to
 * go, and comes back at once when their tunnel does).  Sets carry[h] for each of
 * r->nexthop_count hops and returns whether any hop was usable.  Pure.
 */
bool route_select(const struct doc_route *r, const bool usable[], bool carry[]);

#endif
