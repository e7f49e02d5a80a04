/*
 * The action table: every action this server answers, declared once.
 *
 * Row fields: name, API version, handler, flags, parameters, one-line doc.
 *   flags: AF_MUTATES  runs in the write transaction (group-committed, ClientToken, DryRun)
 *          AF_REGIONAL RegionId required, must be in the region catalogue
 *          AF_PAGED    PageNumber/PageSize validated and passed in ctx
 * Parameter fields: name, type, flags (PF_REQUIRED), default, min/max (integer bounds or
 * string length), allowed values, doc.  Parameters not declared are ignored, as the cloud
 * ignores them.
 */
#include "action.h"
#include "handlers.h"

#define V_VPC "2016-04-28"
#define PARAM_END { NULL, PT_STRING, 0, NULL, 0, 0, NULL, NULL }
#define TAGS_PARAM { "Tag", PT_TAGS, 0, NULL, 0, 0, NULL, "tags (up to 20)" }
#define CLIENT_TOKEN { "ClientToken", PT_STRING, 0, NULL, 1, 64, NULL, "idempotency token (ASCII)" }
#define DRY_RUN { "DryRun", PT_BOOLEAN, 0, "false", 0, 0, NULL, "validate only; answers DryRunOperation" }

static const struct region_source region_of_vpc = {
	"VpcId", "SELECT region FROM vpcs WHERE vpc_id=?1 AND account=?2", VL_INVALID_VPC_ID_NOT_FOUND,
};
static const struct region_source region_of_vswitch = {
	"VSwitchId", "SELECT region FROM vswitches WHERE vswitch_id=?1 AND account=?2",
	VL_INVALID_VSWITCH_ID_NOT_FOUND,
};

static const struct param_spec create_vpc_params[] = {
	{ "CidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "IPv4 CIDR, mask 8-28; default 172.16.0.0/12" },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, "1-128 characters, starts with a letter" },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, "1-256 characters, not http(s)://" },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "EnableIpv6", PT_BOOLEAN, 0, "false", 0, 0, NULL, "accepted; IPv6 is not emulated" },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vpcs_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, "up to 20 IDs, comma-separated" },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "IsDefault", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, DRY_RUN, PARAM_END,
};

static const struct param_spec modify_vpc_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "VpcName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "CidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "must still contain every vSwitch" },
	DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vpc_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "ForceDelete", PT_BOOLEAN, 0, "false", 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec create_vswitch_params[] = {
	{ "VpcId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "ZoneId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a zone of the region" },
	{ "CidrBlock", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "mask 16-29, inside the VPC, no overlap" },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec describe_vswitches_params[] = {
	{ "VpcId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VSwitchId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "ZoneId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "IsDefault", PT_BOOLEAN, 0, NULL, 0, 0, NULL, NULL },
	{ "ResourceGroupId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	TAGS_PARAM, DRY_RUN, PARAM_END,
};

static const struct param_spec modify_vswitch_params[] = {
	{ "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	{ "VSwitchName", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "Description", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	DRY_RUN, PARAM_END,
};

static const struct param_spec delete_vswitch_params[] = {
	{ "VSwitchId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, NULL },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const char *const languages[] = { "zh-CN", "en-US", "ja", "zh-cn", "en-us", NULL };

static const struct param_spec describe_regions_params[] = {
	{ "AcceptLanguage", PT_STRING, 0, NULL, 0, 0, languages, NULL },
	{ "ProductType", PT_STRING, 0, "VPC", 0, 0, NULL, NULL },
	PARAM_END,
};

static const struct param_spec describe_zones_params[] = {
	{ "AcceptLanguage", PT_STRING, 0, NULL, 0, 0, languages, NULL },
	{ "ZoneType", PT_STRING, 0, "AvailabilityZone", 0, 0, NULL, NULL },
	PARAM_END,
};

/*
 * Each VPN Gateway and CBN resource declares its parameters and rows in its own fragment; the
 * fragment defines <RESOURCE>_ACTION_ROWS, expanded into the one table below.
 */
#include "actions_vpn_gateway.inc"
#include "actions_customer_gateway.inc"
#include "actions_vpn_connection.inc"
#include "actions_vpn_route.inc"
#include "actions_cen.inc"
#include "actions_tr_route.inc"
#include "actions_agent.inc"
#include "actions_lab.inc"

const struct action action_table[] = {
	{ "CreateVpc", V_VPC, h_create_vpc, AF_MUTATES | AF_REGIONAL, create_vpc_params,
	  "Creates a VPC (Pending, then Available) with its vRouter and system route table." },
	{ "DescribeVpcs", V_VPC, h_describe_vpcs, AF_REGIONAL | AF_PAGED, describe_vpcs_params,
	  "Lists the caller's VPCs in the region: Vpcs.Vpc[]." },
	{ "ModifyVpcAttribute", V_VPC, h_modify_vpc_attribute, AF_MUTATES | AF_REGIONAL,
	  modify_vpc_params, "Changes name, description or primary CIDR of an Available VPC.",
	  &region_of_vpc },
	{ "DeleteVpc", V_VPC, h_delete_vpc, AF_MUTATES | AF_REGIONAL, delete_vpc_params,
	  "Deletes an Available VPC that has no vSwitches (DependencyViolation.VSwitch).",
	  &region_of_vpc },
	{ "CreateVSwitch", V_VPC, h_create_vswitch, AF_MUTATES | AF_REGIONAL, create_vswitch_params,
	  "Creates a vSwitch in a zone of an Available VPC.", &region_of_vpc },
	{ "DescribeVSwitches", V_VPC, h_describe_vswitches, AF_REGIONAL | AF_PAGED,
	  describe_vswitches_params, "Lists the caller's vSwitches: VSwitches.VSwitch[].",
	  &region_of_vpc },
	{ "ModifyVSwitchAttribute", V_VPC, h_modify_vswitch_attribute, AF_MUTATES | AF_REGIONAL,
	  modify_vswitch_params, "Changes name or description of an Available vSwitch.",
	  &region_of_vswitch },
	{ "DeleteVSwitch", V_VPC, h_delete_vswitch, AF_MUTATES | AF_REGIONAL, delete_vswitch_params,
	  "Deletes an Available vSwitch.", &region_of_vswitch },
	{ "DescribeRegions", V_VPC, h_describe_regions, 0, describe_regions_params,
	  "Lists the region catalogue: Regions.Region[]." },
	{ "DescribeZones", V_VPC, h_describe_zones, AF_REGIONAL, describe_zones_params,
	  "Lists the zones of a region: Zones.Zone[]." },
	VPN_GATEWAY_ACTION_ROWS
	CUSTOMER_GATEWAY_ACTION_ROWS
	VPN_CONNECTION_ACTION_ROWS
	VPN_ROUTE_ACTION_ROWS
	CEN_ACTION_ROWS
	TR_ROUTE_ACTION_ROWS
	AGENT_ACTION_ROWS
	LAB_ACTION_ROWS
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL },
};
