#ifndef VL_RESOURCE_REGION_H
#define VL_RESOURCE_REGION_H

#include "action.h"

/*
 * Where a regional resource lives, by the parameter that names it (VpcId, VpnGatewayId, …):
 * the REST door's region resolver.  A resource id is unique, so a REST request that names
 * one needs no RegionId; the RPC door keeps the cloud's rules (the action table's own
 * region_from, nothing more).  Each row names the model function that finds the region of
 * the caller's resource: another account's id finds nothing, as if it did not exist.
 */

/* The row for parameter name (exact), or NULL when name names no regional resource.  Static. */
const struct region_source *resource_region_source(const char *name);

#endif
