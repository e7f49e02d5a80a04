/* The agent's pure decisions: the reconcile plan and route selection (plan.h). */
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct builder {
	struct plan *p;
	int cap;
	bool oom;
};

static void add(struct builder *b, enum plan_kind kind, enum plan_action action, const char *id, const char *tunnel,
		bool rebuild)
{
	struct plan_op *op;

	if (b->oom)
		return;
	if (b->p->count == b->cap) {
		int cap = b->cap ? b->cap * 2 : 32;
		struct plan_op *grown = realloc(b->p->ops, (size_t)cap * sizeof(*grown));

		if (grown == NULL) {
			b->oom = true;
			return;
		}
		b->p->ops = grown;
		b->cap = cap;
	}
	op = &b->p->ops[b->p->count++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->action = action;
	op->rebuild = rebuild;
	snprintf(op->id, sizeof(op->id), "%s", id ? id : "");
	snprintf(op->tunnel, sizeof(op->tunnel), "%s", tunnel ? tunnel : "");
}

static bool same_tr(const struct doc_transit_router *a, const struct doc_transit_router *b)
{
	return a->link_count == b->link_count &&
	       memcmp(a->links, b->links, sizeof(*a->links) * (size_t)a->link_count) == 0;
}

bool plan_tunnel_same_ipsec(const struct doc_tunnel *a, const struct doc_tunnel *b)
{
	return memcmp(&a->ipsec, &b->ipsec, sizeof(a->ipsec)) == 0 && strcmp(a->peer_ip, b->peer_ip) == 0 &&
	       a->local_ts_count == b->local_ts_count && a->remote_ts_count == b->remote_ts_count &&
	       memcmp(a->local_ts, b->local_ts, sizeof(a->local_ts)) == 0 &&
	       memcmp(a->remote_ts, b->remote_ts, sizeof(a->remote_ts)) == 0;
}

/* Addresses, LAN and kind: what the endpoint's namespace is built around. */
static bool same_place(const struct doc_endpoint *a, const struct doc_endpoint *b)
{
	return strcmp(a->public_ip, b->public_ip) == 0 && memcmp(&a->lan, &b->lan, sizeof(a->lan)) == 0 &&
	       a->kind == b->kind;
}

bool plan_endpoint_same_links(const struct doc_endpoint *a, const struct doc_endpoint *b)
{
	if (!same_place(a, b) || a->bandwidth_mbps != b->bandwidth_mbps || a->tunnel_count != b->tunnel_count)
		return false;
	for (int i = 0; i < a->tunnel_count; i++) {
		const struct doc_tunnel *x = &a->tunnels[i], *y = doc_find_tunnel(b, x->name);

		/* what build_endpoint sets up per tunnel: check sources, faults on the peer */
		if (y == NULL || strcmp(x->peer_ip, y->peer_ip) != 0 || x->cut != y->cut ||
		    memcmp(&x->health_check, &y->health_check, sizeof(x->health_check)) != 0 ||
		    memcmp(&x->liveness, &y->liveness, sizeof(x->liveness)) != 0)
			return false;
		/* a transit router's endpoint holds an address in each local selector */
		if (a->lan.transit_router[0] != '\0' &&
		    (x->local_ts_count != y->local_ts_count || memcmp(x->local_ts, y->local_ts, sizeof(x->local_ts)) != 0))
			return false;
	}
	return true;
}

static bool same_fabric(const struct doc_vpc *a, const struct doc_vpc *b)
{
	const struct doc_fabric *x = &a->fabric, *y = &b->fabric;

	if (a->has_fabric != b->has_fabric)
		return false;
	if (!a->has_fabric)
		return true;
	if (x->vni != y->vni || strcmp(x->ip, y->ip) != 0 || x->prefix != y->prefix || x->peer_count != y->peer_count)
		return false;
	for (int i = 0; i < x->peer_count; i++) {
		const struct doc_fabric_peer *p = &x->peers[i], *q = &y->peers[i];

		if (strcmp(p->ip, q->ip) != 0 || strcmp(p->underlay_ip, q->underlay_ip) != 0 ||
		    p->cidr_count != q->cidr_count ||
		    memcmp(p->cidrs, q->cidrs, sizeof(*p->cidrs) * (size_t)p->cidr_count) != 0)
			return false;
	}
	return true;
}

/* The VPC router's policy rules, order included (it is the order of matching). */
static bool same_policies(const struct doc_vpc *a, const struct doc_vpc *b)
{
	return a->policy_count == b->policy_count &&
	       (a->policy_count == 0 ||
		memcmp(a->policies, b->policies, sizeof(*a->policies) * (size_t)a->policy_count) == 0);
}

/* The transit routers' stretched links ending in the VPC's vSwitches (VXLAN ports of their bridges). */
static bool same_tr_ports(const struct doc_vpc *a, const struct doc_vpc *b)
{
	return a->tr_port_count == b->tr_port_count &&
	       (a->tr_port_count == 0 ||
		memcmp(a->tr_ports, b->tr_ports, sizeof(*a->tr_ports) * (size_t)a->tr_port_count) == 0);
}

static bool same_vpc(const struct doc_vpc *a, const struct doc_vpc *b)
{
	return strcmp(a->cidr, b->cidr) == 0 && a->vswitch_count == b->vswitch_count &&
	       memcmp(a->vswitches, b->vswitches, sizeof(*a->vswitches) * (size_t)a->vswitch_count) == 0 &&
	       same_fabric(a, b) && same_policies(a, b) && same_tr_ports(a, b);
}

/*
 * What build_site builds the site around: its LAN and its router's address.  Its routes are
 * the route runtime's (sync_routes, route_select), as a VPC's are: a device coming or going
 * never rebuilds the site.
 */
static bool same_site(const struct doc_site *a, const struct doc_site *b)
{
	return strcmp(a->lan_cidr, b->lan_cidr) == 0 && strcmp(a->router_ip, b->router_ip) == 0;
}

static bool same_peers(const struct doc_desired *a, const struct doc_desired *b)
{
	return a->underlay_vni == b->underlay_vni && a->peer_count == b->peer_count &&
	       (a->peer_count == 0 || memcmp(a->peers, b->peers, sizeof(*a->peers) * (size_t)a->peer_count) == 0);
}

static void plan_tunnels(struct builder *b, const struct doc_endpoint *want, const struct doc_endpoint *old)
{
	for (int i = 0; i < want->tunnel_count; i++) {
		const struct doc_tunnel *t = &want->tunnels[i];
		const struct doc_tunnel *o = old ? doc_find_tunnel(old, t->name) : NULL;

		add(b, PLAN_TUNNEL, o == NULL ? PLAN_CREATE : plan_tunnel_same_ipsec(o, t) ? PLAN_KEEP : PLAN_UPDATE,
		    want->id, t->name, false);
	}
}

/*
 * Adds a deletion for each of the applied top-level objects of kind (size bytes each) that the
 * wanted ones lack (by id: see doc_find_id).
 */
static void add_deletions(struct builder *b, enum plan_kind kind, const void *applied, int applied_count,
			  const void *wanted, int wanted_count, size_t size)
{
	for (int i = 0; i < applied_count; i++) {
		const char *id = (const char *)applied + (size_t)i * size;

		if (doc_find_id(wanted, wanted_count, size, id) == NULL)
			add(b, kind, PLAN_DELETE, id, NULL, false);
	}
}

int reconcile_plan(const struct doc_desired *applied, const struct doc_desired *wanted, struct plan *out)
{
	struct builder b = { .p = out };

	memset(out, 0, sizeof(*out));
	add(&b, PLAN_UNDERLAY,
	    applied->agent_id[0] == '\0' ? PLAN_CREATE : same_peers(applied, wanted) ? PLAN_KEEP : PLAN_UPDATE, "", NULL,
	    false);

	/* deletions, dependents first: a VPC's namespace goes after the endpoints on its vSwitches */
	for (int i = 0; i < applied->endpoint_count; i++) {
		const struct doc_endpoint *o = &applied->endpoints[i], *w = doc_find_endpoint(wanted, o->id);

		if (w == NULL || !same_place(o, w))
			continue;
		for (int j = 0; j < o->tunnel_count; j++)
			if (doc_find_tunnel(w, o->tunnels[j].name) == NULL)
				add(&b, PLAN_TUNNEL, PLAN_DELETE, o->id, o->tunnels[j].name, false);
	}
	add_deletions(&b, PLAN_HOST, applied->hosts, applied->host_count, wanted->hosts, wanted->host_count,
		      sizeof(*wanted->hosts));
	add_deletions(&b, PLAN_ENDPOINT, applied->endpoints, applied->endpoint_count, wanted->endpoints,
		      wanted->endpoint_count, sizeof(*wanted->endpoints));
	add_deletions(&b, PLAN_TR, applied->trs, applied->tr_count, wanted->trs, wanted->tr_count, sizeof(*wanted->trs));
	add_deletions(&b, PLAN_VPC, applied->vpcs, applied->vpc_count, wanted->vpcs, wanted->vpc_count,
		      sizeof(*wanted->vpcs));
	add_deletions(&b, PLAN_SITE, applied->sites, applied->site_count, wanted->sites, wanted->site_count,
		      sizeof(*wanted->sites));

	for (int i = 0; i < wanted->vpc_count; i++) {
		const struct doc_vpc *o = doc_find_vpc(applied, wanted->vpcs[i].id);

		add(&b, PLAN_VPC, o == NULL ? PLAN_CREATE : same_vpc(o, &wanted->vpcs[i]) ? PLAN_KEEP : PLAN_UPDATE,
		    wanted->vpcs[i].id, NULL, false);
	}
	for (int i = 0; i < wanted->tr_count; i++) {
		const struct doc_transit_router *o = doc_find_tr(applied, wanted->trs[i].id);

		add(&b, PLAN_TR, o == NULL ? PLAN_CREATE : same_tr(o, &wanted->trs[i]) ? PLAN_KEEP : PLAN_UPDATE,
		    wanted->trs[i].id, NULL, false);
	}
	for (int i = 0; i < wanted->site_count; i++) {
		const struct doc_site *o = doc_find_site(applied, wanted->sites[i].id);

		add(&b, PLAN_SITE, o == NULL ? PLAN_CREATE : same_site(o, &wanted->sites[i]) ? PLAN_KEEP : PLAN_UPDATE,
		    wanted->sites[i].id, NULL, false);
	}
	for (int i = 0; i < wanted->endpoint_count; i++) {
		const struct doc_endpoint *w = &wanted->endpoints[i], *o = doc_find_endpoint(applied, w->id);

		if (o == NULL) {
			add(&b, PLAN_ENDPOINT, PLAN_CREATE, w->id, NULL, false);
			plan_tunnels(&b, w, NULL);
		} else if (!same_place(o, w)) {
			add(&b, PLAN_ENDPOINT, PLAN_UPDATE, w->id, NULL, true);
			plan_tunnels(&b, w, NULL);
		} else {
			add(&b, PLAN_ENDPOINT, plan_endpoint_same_links(o, w) ? PLAN_KEEP : PLAN_UPDATE, w->id, NULL, false);
			plan_tunnels(&b, w, o);
		}
	}
	for (int i = 0; i < wanted->host_count; i++) {
		const struct doc_host *o = doc_find_host(applied, wanted->hosts[i].id);

		add(&b, PLAN_HOST,
		    o == NULL ? PLAN_CREATE
			      : memcmp(&o->lan, &wanted->hosts[i].lan, sizeof(o->lan)) == 0 ? PLAN_KEEP : PLAN_UPDATE,
		    wanted->hosts[i].id, NULL, false);
	}
	if (b.oom) {
		plan_free(out);
		return -1;
	}
	return 0;
}

void plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	free(p->ops);
	memset(p, 0, sizeof(*p));
}

const char *plan_action_name(enum plan_action a)
{
	static const char *const names[] = { "keep", "create", "update", "delete" };

	return names[a];
}

const char *plan_kind_name(enum plan_kind k)
{
	static const char *const names[] = { "underlay", "vpc", "site", "endpoint", "tunnel", "host", "transit_router" };

	return names[k];
}

char *plan_format(const struct plan *p, bool with_keep, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (int i = 0; i < p->count && n < size; i++) {
		const struct plan_op *op = &p->ops[i];

		if (op->action == PLAN_KEEP && !with_keep)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s %s%s%s%s%s%s", n ? "; " : "", plan_action_name(op->action),
				      plan_kind_name(op->kind), op->id[0] || op->tunnel[0] ? " " : "", op->id,
				      op->tunnel[0] ? "/" : "", op->tunnel, op->rebuild ? " (rebuild)" : "");
	}
	return buf;
}

bool route_select(const struct doc_route *r, const bool usable[], bool carry[])
{
	bool any = false;
	int best = -1;

	for (int h = 0; h < r->nexthop_count; h++)
		any |= usable[h];
	for (int h = 0; h < r->nexthop_count; h++)
		if ((!any || usable[h]) && r->nexthops[h].weight > best)
			best = r->nexthops[h].weight;
	for (int h = 0; h < r->nexthop_count; h++)
		carry[h] = (!any || usable[h]) && r->nexthops[h].weight == best;
	return any;
}
