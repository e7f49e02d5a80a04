/*
 * Route next hops, of VPC routers, transit routers and site routers alike: chosen by
 * route_select (plan.c) from the tunnels' states, installed in the router's namespace when the
 * choice changes; a transit router's blackholes are installed once.  Called by the monitor
 * after each poll and by the reconciler once it published a document, both with d->lock held.
 */
#include "daemon.h"

#include <stdio.h>
#include <string.h>

#include "nl.h"
#include "plan.h"

bool agent_tunnel_usable(const struct tunnel_rt *t)
{
	if (strcmp(t->child_state, "INSTALLED") != 0)
		return false;
	return !t->check_enabled || t->health != HEALTH_DOWN;
}

/*
 * A next hop may carry traffic when its tunnel is usable; a remote one's tunnel is on
 * another agent, which says so over the fabric (peers.c).
 */
static bool hop_usable(struct agent_daemon *d, const struct doc_vpc *vpc, const struct doc_nexthop *h)
{
	struct tunnel_rt *t;

	if (h->endpoint[0] == '\0')
		return true; /* a router (a VPC's, a transit router's): there as long as the route is */
	if (h->remote)
		return vpc != NULL && peers_hop_usable(d, vpc, h);
	t = agent_tunnel_find(d, h->endpoint, h->tunnel);
	return t != NULL && agent_tunnel_usable(t);
}

static const struct doc_route *route_in(const struct doc_route *routes, int count, uint32_t table, const char *dest)
{
	for (int j = 0; j < count; j++)
		if (routes[j].table == table && strcmp(routes[j].dest, dest) == 0)
			return &routes[j];
	return NULL;
}

/* The applied route of router `vpc` (a VPC or a transit router: *in NULL then). */
static const struct doc_route *doc_route_of(const struct agent_daemon *d, const char *vpc, uint32_t table,
					    const char *dest, const struct doc_vpc **in)
{
	const struct doc_route *r;

	for (int i = 0; i < d->applied.tr_count; i++)
		if (strcmp(d->applied.trs[i].id, vpc) == 0 &&
		    (r = route_in(d->applied.trs[i].routes, d->applied.trs[i].route_count, table, dest)) != NULL) {
			*in = NULL;
			return r;
		}
	for (int i = 0; i < d->applied.vpc_count; i++)
		if (strcmp(d->applied.vpcs[i].id, vpc) == 0 &&
		    (r = route_in(d->applied.vpcs[i].routes, d->applied.vpcs[i].route_count, table, dest)) != NULL) {
			*in = &d->applied.vpcs[i];
			return r;
		}
	return NULL;
}

/* A site router's route as applied, or NULL. */
static const struct doc_route *site_route_of(const struct agent_daemon *d, const char *site, const char *dest)
{
	for (int i = 0; i < d->applied.site_count; i++) {
		if (strcmp(d->applied.sites[i].id, site) != 0)
			continue;
		for (int j = 0; j < d->applied.sites[i].route_count; j++)
			if (strcmp(d->applied.sites[i].routes[j].dest, dest) == 0)
				return &d->applied.sites[i].routes[j];
	}
	return NULL;
}

int agent_routes_update(struct agent_daemon *d)
{
	int changed = 0;

	for (int i = 0; i < d->tunnel_count; i++)
		d->tunnels[i].active = false;
	for (int i = 0; i < d->route_count; i++) {
		struct route_rt *rt = &d->routes[i];
		const struct doc_vpc *vpc = NULL;
		/* a site router's hops are its own devices' tunnels: never remote */
		const struct doc_route *r = rt->site[0] ? site_route_of(d, rt->site, rt->dest)
							: doc_route_of(d, rt->vpc, rt->table, rt->dest, &vpc);
		bool usable[DOC_NEXTHOPS_MAX], carry[DOC_NEXTHOPS_MAX], any;
		struct nl_route nr = { 0 };
		char chosen[sizeof(rt->chosen)] = "", ns[NS_NAME_MAX], err[NL_ERR_MAX];

		if (r == NULL)
			continue;
		if (r->blackhole) {
			if (strcmp(rt->chosen, "blackhole") == 0)
				continue;
			snprintf(nr.dst, sizeof(nr.dst), "%s", r->dest);
			nr.table = rt->table;
			nr.blackhole = true;
			agent_ns_name(d, rt->vpc, ns);
			if (d->links == &agent_links_netlink && nl_route_replace(ns, &nr, err) < 0) {
				agent_log("route %s (table %u) in %s: blackhole: %s", rt->dest, rt->table, rt->vpc, err);
				continue;
			}
			snprintf(rt->chosen, sizeof(rt->chosen), "blackhole");
			changed++;
			continue;
		}
		for (int h = 0; h < r->nexthop_count; h++)
			usable[h] = hop_usable(d, vpc, &r->nexthops[h]);
		any = route_select(r, usable, carry);
		snprintf(nr.dst, sizeof(nr.dst), "%s", r->dest);
		nr.table = rt->table;
		for (int h = 0; h < r->nexthop_count; h++) {
			const struct doc_nexthop *hop = &r->nexthops[h];
			struct tunnel_rt *t;
			size_t n = strlen(chosen);
			bool dup = false;

			if (!carry[h])
				continue;
			if (rt->site[0] == '\0' && (t = agent_tunnel_find(d, hop->endpoint, hop->tunnel)) != NULL && any)
				t->active = true;
			for (int k = 0; k < nr.nexthop_count; k++)
				dup |= strcmp(nr.nexthops[k].via, hop->via) == 0;
			if (dup)
				continue;
			snprintf(nr.nexthops[nr.nexthop_count].via, sizeof(nr.nexthops[0].via), "%s", hop->via);
			nr.nexthops[nr.nexthop_count].weight = 1;
			nr.nexthop_count++;
			snprintf(chosen + n, sizeof(chosen) - n, "%s%s", n ? "," : "", hop->via);
		}
		if (nr.nexthop_count == 0 || strcmp(chosen, rt->chosen) == 0)
			continue;
		agent_ns_name(d, rt->site[0] ? rt->site : rt->vpc, ns);
		if (d->links == &agent_links_netlink && nl_route_replace(ns, &nr, err) < 0) {
			agent_log("route %s (table %u) in %s via %s: %s", rt->dest, rt->table,
				  rt->site[0] ? rt->site : rt->vpc, chosen, err);
			continue;
		}
		agent_log("route %s (table %u) in %s: via %s (was %s)", rt->dest, rt->table, rt->site[0] ? rt->site : rt->vpc,
			  chosen, rt->chosen[0] ? rt->chosen : "-");
		snprintf(rt->chosen, sizeof(rt->chosen), "%s", chosen);
		d->status_dirty = true;
		changed++;
	}
	return changed;
}
