#include <strings.h>

#include "catalog.h"
#include "handlers.h"

static int h_describe_regions(struct action_ctx *ctx)
{
	const struct catalog *cat = ctx->model->cfg->catalog;
	json_t *list = json_array();

	for (int i = 0; i < cat->region_count; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "RegionId",
						      cat->regions[i].region_id, "LocalName",
						      cat->regions[i].local_name, "RegionEndpoint",
						      cat->regions[i].endpoint));
	json_object_set_new(ctx->response, "Regions", json_pack("{s:o}", "Region", list));
	return 0;
}

static int h_describe_zones(struct action_ctx *ctx)
{
	const struct catalog_region *r = catalog_region(ctx->model->cfg->catalog, ctx->model->region);
	json_t *list = json_array();

	for (int i = 0; r && i < r->zone_count; i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "ZoneId", r->zones[i].zone_id,
						      "LocalName", r->zones[i].local_name, "ZoneType",
						      "AvailabilityZone"));
	json_object_set_new(ctx->response, "Zones", json_pack("{s:o}", "Zone", list));
	return 0;
}

/* ---- the action table ---- */

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

const struct action region_actions[] = {
	{ "DescribeRegions", V_VPC, h_describe_regions, 0, describe_regions_params,
	  .rest = { { "GET", "/v1/regions", RS_LIST, NULL, "Regions", "Region" } },
	  .doc = "Lists the region catalogue: Regions.Region[]." },
	{ "DescribeZones", V_VPC, h_describe_zones, AF_REGIONAL, describe_zones_params,
	  .rest = { { "GET", "/v1/zones", RS_LIST, NULL, "Zones", "Zone" } },
	  .doc = "Lists the zones of a region: Zones.Zone[]." },
	ACTIONS_END,
};
