#ifndef VL_CATALOG_H
#define VL_CATALOG_H

#include <stdbool.h>

#include "errors.h"

/* The region/zone catalogue behind DescribeRegions, DescribeZones and zone checks. */
struct catalog_zone {
	char *zone_id;
	char *local_name;
};

struct catalog_region {
	char *region_id;
	char *local_name;
	char *endpoint;
	char *id_code; /* three characters in resource IDs, e.g. "bp1" */
	/*
	 * VPN gateways here are dual-tunnel (VSwitchId + DisasterRecoveryVSwitchId, connections
	 * with TunnelOptionsSpecification); false: single-tunnel gateways with one vSwitch.
	 */
	bool vpn_dual_tunnel;
	struct catalog_zone *zones;
	int zone_count;
};

struct catalog {
	struct catalog_region *regions;
	int region_count;
};

/* The built-in catalogue (the cloud's regions and common zones).  Caller frees. */
struct catalog *catalog_default(void);

/*
 * Loads a catalogue from a JSON file:
 * {"Regions":[{"RegionId":"cn-hangzhou","LocalName":"…","RegionEndpoint":"…","IdCode":"bp1",
 *   "VpnDualTunnel":true,"Zones":[{"ZoneId":"cn-hangzhou-h","LocalName":"…"}]}]}
 * RegionId and Zones[].ZoneId are required; VpnDualTunnel is optional (default true) and
 * must be a JSON boolean.  Documented for users in README.md ("Region catalogue").
 * Returns 0 and *out (caller frees with catalog_free) or -1 with err set.
 */
int catalog_load(const char *path, struct catalog **out, struct vl_err *err);

void catalog_free(struct catalog *cat);

/* Borrowed lookups; NULL when absent. */
const struct catalog_region *catalog_region(const struct catalog *cat, const char *region_id);
const struct catalog_zone *catalog_zone(const struct catalog_region *region, const char *zone_id);

#endif
