#include "catalog.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Built-in regions.  Endpoints per alibaba-cloud-sdk-go services/vpc/endpoint.go; zone
 * lists are the commonly used zones (see api-docs/research-vpc.md §10).  ID codes are the
 * infixes seen in real resource IDs of each region.
 */
static const struct {
	const char *id, *name, *code, *zones;
} builtin_regions[] = {
	{ "cn-qingdao", "China (Qingdao)", "m5e", "b c" },
	{ "cn-beijing", "China (Beijing)", "2ze", "a c f g h i j k l" },
	{ "cn-zhangjiakou", "China (Zhangjiakou)", "8vb", "a b c" },
	{ "cn-huhehaote", "China (Hohhot)", "hp3", "a b" },
	{ "cn-wulanchabu", "China (Ulanqab)", "0jl", "a b c" },
	{ "cn-hangzhou", "China (Hangzhou)", "bp1", "b d e f g h i j k" },
	{ "cn-shanghai", "China (Shanghai)", "uf6", "b e g l m n" },
	{ "cn-shenzhen", "China (Shenzhen)", "wz9", "a b c d e f" },
	{ "cn-chengdu", "China (Chengdu)", "2vc", "a b" },
	{ "cn-hongkong", "China (Hong Kong)", "j6c", "b c d" },
	{ "ap-northeast-1", "Japan (Tokyo)", "6we", "a b c" },
	{ "ap-northeast-2", "South Korea (Seoul)", "mj7", "a" },
	{ "ap-southeast-1", "Singapore", "t4n", "a b c" },
	{ "ap-southeast-3", "Malaysia (Kuala Lumpur)", "8ps", "a b" },
	{ "ap-southeast-5", "Indonesia (Jakarta)", "k1a", "a b c" },
	{ "us-east-1", "US (Virginia)", "0xi", "a b" },
	{ "us-west-1", "US (Silicon Valley)", "rj9", "a b" },
	{ "eu-west-1", "UK (London)", "d7o", "a b" },
	{ "eu-central-1", "Germany (Frankfurt)", "gw8", "a b c" },
	{ "me-east-1", "UAE (Dubai)", "eb3", "a" },
};

/* Endpoint rule: nine regions answer on the central endpoint (research-vpc.md §9). */
static const char *const central_endpoint_regions[] = {
	"cn-qingdao", "cn-beijing", "cn-hangzhou", "cn-shanghai", "cn-shenzhen",
	"cn-hongkong", "ap-southeast-1", "us-east-1", "us-west-1",
};

void catalog_free(struct catalog *cat)
{
	if (cat == NULL)
		return;
	for (int i = 0; i < cat->region_count; i++) {
		struct catalog_region *r = &cat->regions[i];

		for (int z = 0; z < r->zone_count; z++) {
			free(r->zones[z].zone_id);
			free(r->zones[z].local_name);
		}
		free(r->zones);
		free(r->region_id);
		free(r->local_name);
		free(r->endpoint);
		free(r->id_code);
	}
	free(cat->regions);
	free(cat);
}

static char *endpoint_for(const char *region_id)
{
	char buf[128];

	for (size_t i = 0; i < sizeof(central_endpoint_regions) / sizeof(char *); i++)
		if (strcmp(central_endpoint_regions[i], region_id) == 0)
			return strdup("vpc.aliyuncs.com");
	snprintf(buf, sizeof(buf), "vpc.%s.aliyuncs.com", region_id);
	return strdup(buf);
}

struct catalog *catalog_default(void)
{
	size_t n = sizeof(builtin_regions) / sizeof(builtin_regions[0]);
	struct catalog *cat = calloc(1, sizeof(*cat));

	if (cat == NULL || (cat->regions = calloc(n, sizeof(*cat->regions))) == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		struct catalog_region *r = &cat->regions[i];
		const char *letters = builtin_regions[i].zones;
		int count = 0;

		cat->region_count++;
		r->region_id = strdup(builtin_regions[i].id);
		r->local_name = strdup(builtin_regions[i].name);
		r->id_code = strdup(builtin_regions[i].code);
		r->endpoint = endpoint_for(builtin_regions[i].id);
		/* every built-in region is listed as dual-tunnel (research-vpn-gateway.md §2) */
		r->vpn_dual_tunnel = true;
		if (!r->region_id || !r->local_name || !r->id_code || !r->endpoint)
			goto fail;
		r->zones = calloc(strlen(letters), sizeof(*r->zones));
		if (r->zones == NULL)
			goto fail;
		for (const char *p = letters; *p; p++) {
			char id[64], name[128];

			if (*p == ' ')
				continue;
			snprintf(id, sizeof(id), "%s-%c", r->region_id, *p);
			snprintf(name, sizeof(name), "%s Zone %c", r->local_name, *p - 'a' + 'A');
			r->zones[count].zone_id = strdup(id);
			r->zones[count].local_name = strdup(name);
			r->zone_count = ++count;
			if (!r->zones[count - 1].zone_id || !r->zones[count - 1].local_name)
				goto fail;
		}
	}
	return cat;
fail:
	catalog_free(cat);
	return NULL;
}

static char *json_strdup(json_t *obj, const char *key, const char *fallback)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return strdup(v ? v : fallback);
}

int catalog_load(const char *path, struct catalog **out, struct vl_err *err)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *regions, *region;
	struct catalog *cat = NULL;
	size_t i;

	if (root == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, "%s:%d: %s", path, jerr.line, jerr.text);
	regions = json_object_get(root, "Regions");
	if (!json_is_array(regions) || json_array_size(regions) == 0) {
		vl_err_set(err, VL_INTERNAL_ERROR, "%s: \"Regions\" must be a non-empty array", path);
		goto fail;
	}
	cat = calloc(1, sizeof(*cat));
	if (cat == NULL || (cat->regions = calloc(json_array_size(regions), sizeof(*cat->regions))) == NULL)
		goto oom;
	json_array_foreach(regions, i, region) {
		struct catalog_region *r = &cat->regions[i];
		json_t *zones = json_object_get(region, "Zones"), *zone;
		json_t *dual = json_object_get(region, "VpnDualTunnel");
		const char *id = json_string_value(json_object_get(region, "RegionId"));
		size_t z;

		cat->region_count++;
		if (id == NULL || !json_is_array(zones)) {
			vl_err_set(err, VL_INTERNAL_ERROR,
				   "%s: region %zu needs \"RegionId\" and \"Zones\"", path, i + 1);
			goto fail;
		}
		/* a typo such as "false" in quotes must not silently give a dual-tunnel region */
		if (dual != NULL && !json_is_boolean(dual)) {
			vl_err_set(err, VL_INTERNAL_ERROR, "%s: region %s: \"VpnDualTunnel\" must be true or false",
				   path, id);
			goto fail;
		}
		r->vpn_dual_tunnel = dual == NULL || json_is_true(dual);
		r->region_id = strdup(id);
		r->local_name = json_strdup(region, "LocalName", id);
		r->id_code = json_strdup(region, "IdCode", "");
		r->endpoint = json_object_get(region, "RegionEndpoint")
				      ? json_strdup(region, "RegionEndpoint", "")
				      : endpoint_for(id);
		r->zones = calloc(json_array_size(zones) + 1, sizeof(*r->zones));
		if (!r->region_id || !r->local_name || !r->id_code || !r->endpoint || !r->zones)
			goto oom;
		json_array_foreach(zones, z, zone) {
			const char *zid = json_string_value(json_object_get(zone, "ZoneId"));

			if (zid == NULL) {
				vl_err_set(err, VL_INTERNAL_ERROR, "%s: region %s zone %zu needs \"ZoneId\"",
					   path, id, z + 1);
				goto fail;
			}
			r->zones[z].zone_id = strdup(zid);
			r->zones[z].local_name = json_strdup(zone, "LocalName", zid);
			r->zone_count++;
			if (!r->zones[z].zone_id || !r->zones[z].local_name)
				goto oom;
		}
	}
	json_decref(root);
	*out = cat;
	return 0;
oom:
	vl_err_set(err, VL_INTERNAL_ERROR, "out of memory loading %s", path);
fail:
	catalog_free(cat);
	json_decref(root);
	return -1;
}

const struct catalog_region *catalog_region(const struct catalog *cat, const char *region_id)
{
	for (int i = 0; region_id && i < cat->region_count; i++)
		if (strcmp(cat->regions[i].region_id, region_id) == 0)
			return &cat->regions[i];
	return NULL;
}

const struct catalog_zone *catalog_zone(const struct catalog_region *region, const char *zone_id)
{
	for (int i = 0; region && zone_id && i < region->zone_count; i++)
		if (strcmp(region->zones[i].zone_id, zone_id) == 0)
			return &region->zones[i];
	return NULL;
}
