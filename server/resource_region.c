/* The table of regional resource kinds by the parameter naming them (resource_region.h). */
#include "resource_region.h"

#include <string.h>

/* One row per kind of regional resource a REST path can name. */
static const struct region_source rows[] = {
	{ "VpnConnectionId", "SELECT region FROM vpn_connections WHERE vpn_connection_id=?1 AND account=?2",
	  VL_VCO_NOT_FOUND },
	{ "VpnGatewayId", "SELECT region FROM vpn_gateways WHERE vpn_gateway_id=?1 AND account=?2",
	  VL_VPNGW_NOT_FOUND },
	{ "CustomerGatewayId", "SELECT region FROM customer_gateways WHERE customer_gateway_id=?1 AND account=?2",
	  VL_CGW_NOT_FOUND },
	{ "HostId", "SELECT region_id FROM lab_hosts WHERE host_id=?1 AND account=?2", VL_LAB_HOST_NOT_FOUND },
	{ "SiteId", "SELECT region_id FROM lab_sites WHERE site_id=?1 AND account=?2", VL_LAB_SITE_NOT_FOUND },
	{ "VSwitchId", "SELECT region FROM vswitches WHERE vswitch_id=?1 AND account=?2",
	  VL_INVALID_VSWITCH_ID_NOT_FOUND },
	{ "VpcId", "SELECT region FROM vpcs WHERE vpc_id=?1 AND account=?2", VL_INVALID_VPC_ID_NOT_FOUND },
	{ "TransitRouterRouteEntryId",
	  "SELECT t.region FROM tr_route_entries e JOIN tr_route_tables t ON t.route_table_id=e.route_table_id"
	  " WHERE e.route_entry_id=?1 AND e.account=?2",
	  VL_TR_ROUTE_ENTRY_ID_NOT_FOUND },
	{ "TransitRouterRouteTableId", "SELECT region FROM tr_route_tables WHERE route_table_id=?1 AND account=?2",
	  VL_TR_ROUTE_TABLE_NOT_FOUND },
	{ "TransitRouterAttachmentId", "SELECT region FROM tr_attachments WHERE attachment_id=?1 AND account=?2",
	  VL_TRA_NOT_FOUND },
	{ "TransitRouterCidrId",
	  "SELECT r.region FROM transit_router_cidrs c JOIN transit_routers r"
	  " ON r.transit_router_id=c.transit_router_id WHERE c.transit_router_cidr_id=?1 AND c.account=?2",
	  VL_TR_CIDR_NOT_FOUND },
	{ "TransitRouterId", "SELECT region FROM transit_routers WHERE transit_router_id=?1 AND account=?2",
	  VL_TR_NOT_FOUND },
};

const struct region_source *resource_region_source(const char *name)
{
	for (size_t i = 0; name && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].param, name) == 0)
			return &rows[i];
	return NULL;
}
