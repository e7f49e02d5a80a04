/* The table of regional resource kinds by the parameter naming them (resource_region.h). */
#include "resource_region.h"

#include <string.h>

#include "customer_gateway.h"
#include "lab.h"
#include "tr_attachment.h"
#include "tr_route.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vswitch.h"

/* One row per kind of regional resource a REST path can name. */
static const struct region_source rows[] = {
	{ "VpnConnectionId", vpn_connection_region, VL_VCO_NOT_FOUND },
	{ "VpnGatewayId", vpn_gateway_region, VL_VPNGW_NOT_FOUND },
	{ "CustomerGatewayId", customer_gateway_region, VL_CGW_NOT_FOUND },
	{ "HostId", lab_host_region, VL_LAB_HOST_NOT_FOUND },
	{ "SiteId", lab_site_region, VL_LAB_SITE_NOT_FOUND },
	{ "VSwitchId", vswitch_region, VL_INVALID_VSWITCH_ID_NOT_FOUND },
	{ "VpcId", vpc_region, VL_INVALID_VPC_ID_NOT_FOUND },
	{ "TransitRouterRouteEntryId", tr_route_entry_region, VL_TR_ROUTE_ENTRY_ID_NOT_FOUND },
	{ "TransitRouterRouteTableId", tr_route_table_region, VL_TR_ROUTE_TABLE_NOT_FOUND },
	{ "TransitRouterAttachmentId", tr_attachment_region, VL_TRA_NOT_FOUND },
	{ "TransitRouterCidrId", transit_router_cidr_region, VL_TR_CIDR_NOT_FOUND },
	{ "TransitRouterId", transit_router_region, VL_TR_NOT_FOUND },
};

const struct region_source *resource_region_source(const char *name)
{
	for (size_t i = 0; name && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (strcmp(rows[i].param, name) == 0)
			return &rows[i];
	return NULL;
}
