#ifndef VL_H_TR_ROUTE_H
#define VL_H_TR_ROUTE_H

#include "action.h"
#include "kv.h"
#include "tr_route.h"

/* The parsers of the transit router route actions' repeated parameters (tests use them too). */

/*
 * Collects the repeated parameter prefix.N (N = 1..max, decimal without leading zeros) of
 * params into out[] in N order, skipping empty values; *count receives how many.  The
 * strings point into params.  A malformed or too large N is InvalidParameter.  0 or -1.
 */
int h_tr_route_parse_list(const struct kvlist *params, const char *prefix, const char **out, int max,
			  int *count, struct vl_err *err);

/*
 * Reads the ListTransitRouterRouteEntries filters of validated params into *f (strings
 * point into params): the enumerated filters with their IllegalParam.* codes,
 * TransitRouterRouteEntryIds.N / Names.N, the Ids/Status exclusion and RouteFilter.N.Key /
 * RouteFilter.N.Value.M (keys unique, at most TR_ROUTE_FILTER_VALUES_MAX values each, IPv4
 * addresses or CIDR blocks).  Returns 0 or -1 with err set.
 */
int h_tr_route_parse_entry_filter(const struct kvlist *params, struct tr_route_entry_filter *f,
				  struct vl_err *err);

#endif
