#include <strings.h>

#include "catalog.h"
#include "handlers.h"

int h_describe_regions(struct action_ctx *ctx)
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

int h_describe_zones(struct action_ctx *ctx)
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
