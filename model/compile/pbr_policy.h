#ifndef VL_PBR_POLICY_H
#define VL_PBR_POLICY_H

/*
 * Policy-based VPN routes (CreateVpnPbrRouteEntry) as the data plane builds them: pure
 * functions of a gateway's entries, kept apart from the compiler so unit tests can check
 * them with tables.
 *
 * The gateway matches policy routes before destination routes, by priority (smaller first,
 * then creation), on source and destination; entries with the same source, destination and
 * priority toward different connections are one active/standby group (weights 100/0).
 *
 * Every connection of a gateway ends on the same endpoint, and without ESP in the kernel
 * (kernel-libipsec) the endpoint picks a connection's SA only by the packet's addresses
 * against the SAs' traffic selectors, most specific first.  So a connection that policy
 * routes point at (and no destination route does) is negotiated with its gateway-side
 * selectors narrowed to the sources those routes send it: the endpoint then sends each
 * source through its own connection (pbr_local_selectors).
 */

#include <stdbool.h>
#include <stddef.h>

#include "vpn_route.h"

#define PBR_SELECTORS_MAX 10 /* the document's traffic selectors per side */

/*
 * Sets shadowed[i] for each of rules[0..count-1] (in match order) that no packet can reach:
 * an earlier entry's source and destination contain its own, and the two are not one
 * active/standby group (same source, destination and priority).  Pure.
 */
void pbr_shadowed(const struct vpn_pbr_rule *rules, int count, bool shadowed[]);

/*
 * The gateway-side selectors of connection conn_id (configured LocalSubnet local_subnet,
 * comma-separated) narrowed to what its unshadowed policy routes send it: each route's
 * source within a LocalSubnet block (or the block, when the source contains it), plus
 * each address of keep_addrs (comma-separated: where its health check or liveness probe
 * leaves from; NULL or "" none) as a /32 when some block holds it, so the checks still run
 * through the SA.  Nested selectors are reduced to the outer one.
 * Writes the comma-separated list into out (size bytes) and returns how many selectors
 * it holds (at most PBR_SELECTORS_MAX); 0 when no unshadowed route points at conn_id
 * within LocalSubnet.  Pure.
 */
int pbr_local_selectors(const char *local_subnet, const struct vpn_pbr_rule *rules, int count,
			const bool shadowed[], const char *conn_id, const char *keep_addrs, char *out, size_t size);

/*
 * The highest weight among the unshadowed routes toward conn_id; -1 when none points at it.
 * Pure.
 */
int pbr_weight(const struct vpn_pbr_rule *rules, int count, const bool shadowed[], const char *conn_id);

#endif
