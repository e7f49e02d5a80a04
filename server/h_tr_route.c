/*
 * Thin handlers of the transit router route actions, and the parsers of their repeated
 * list parameters (TransitRouterRouteTableIds.N, RouteFilter.N.Value.M …), which the
 * generic action table does not declare.
 */
#include "h_tr_route.h"

#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Positions of RouteFilter.N accepted (the four keys must be unique, so few are used). */
#define ROUTE_FILTER_SLOTS 100

static int invalid(struct vl_err *err, const char *name)
{
	return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
			       "The specified parameter %s is not valid.", name);
}

/* Strict positive decimal (no sign, no leading zero) of at most 9 digits; -1 if not one. */
static long parse_index(const char *text, const char **end)
{
	long v = 0;
	int digits = 0;

	if (*text < '1' || *text > '9')
		return -1;
	while (*text >= '0' && *text <= '9') {
		if (++digits > 9)
			return -1;
		v = v * 10 + (*text - '0');
		text++;
	}
	*end = text;
	return v;
}

/* The value param without ctx: empty strings count as absent, as the SDKs never send them. */
static const char *get(const struct kvlist *params, const char *name)
{
	const char *v = kvlist_get(params, name);

	return v && *v ? v : NULL;
}

int h_tr_route_parse_list(const struct kvlist *params, const char *prefix, const char **out, int max,
			  int *count, struct vl_err *err)
{
	size_t plen = strlen(prefix);
	const char *slots[TR_ROUTE_LIST_IDS_MAX + 1] = { 0 };

	*count = 0;
	if (max > TR_ROUTE_LIST_IDS_MAX)
		max = TR_ROUTE_LIST_IDS_MAX;
	for (size_t i = 0; i < params->len; i++) {
		const char *name = params->items[i].name, *end = NULL;
		long n;

		if (strncmp(name, prefix, plen) != 0 || name[plen] != '.')
			continue;
		n = parse_index(name + plen + 1, &end);
		if (n < 1 || *end != '\0' || n > max)
			return invalid(err, name);
		slots[n] = params->items[i].value; /* the last one given wins, as for single params */
	}
	for (int n = 1; n <= max; n++)
		if (slots[n] && *slots[n])
			out[(*count)++] = slots[n];
	return 0;
}

/* An IPv4 address (as a /32) or a strict CIDR block. */
static bool parse_ip_or_cidr(const char *text, struct cidr *out)
{
	uint32_t addr;

	if (strchr(text, '/'))
		return cidr_parse(text, out);
	if (!ipv4_parse(text, &addr))
		return false;
	out->addr = addr;
	out->prefix_len = 32;
	return true;
}

static bool one_of(const char *value, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(*allowed, value) == 0)
			return true;
	return false;
}

static const struct route_filter_key {
	const char *name;
	enum vl_code illegal;
} route_filter_keys[TR_MATCH__COUNT] = {
	[TR_MATCH_EXACT] = { "PrefixExactMatchCidrs", VL_TR_ROUTE_ILLEGAL_PREFIX_EXACT },
	[TR_MATCH_LONGEST] = { "LongestPrefixMatchCidrs", VL_TR_ROUTE_ILLEGAL_LONGEST_PREFIX },
	[TR_MATCH_SUBNET_OF] = { "SubnetOfMatchCidrs", VL_TR_ROUTE_ILLEGAL_SUBNET_OF },
	[TR_MATCH_SUPERNET_OF] = { "SupernetOfMatchCidrs", VL_TR_ROUTE_ILLEGAL_SUPERNET_OF },
};

/*
 * RouteFilter.N.Key / RouteFilter.N.Value.M.  Keys first (unknown: InvalidFilterKey, twice:
 * FilterKeyDuplicated.RouteFilter), then the values of each (a value without its key is
 * InvalidFilterKey; a bad one, one past M = 500, or a key without values is the key's
 * IllegalParam.*).  Values of one key are ORed, keys ANDed (tr_route_filter_apply).
 */
static int parse_route_filter(const struct kvlist *params, struct tr_route_entry_filter *f,
			      struct vl_err *err)
{
	static const char prefix[] = "RouteFilter.";
	const size_t plen = sizeof(prefix) - 1;
	int slot_key[ROUTE_FILTER_SLOTS + 1];

	for (int n = 0; n <= ROUTE_FILTER_SLOTS; n++)
		slot_key[n] = -1;
	/* pass 1: the keys */
	for (size_t i = 0; i < params->len; i++) {
		const char *name = params->items[i].name, *value = params->items[i].value, *rest = NULL;
		long n;
		int k;

		if (strncmp(name, prefix, plen) != 0)
			continue;
		n = parse_index(name + plen, &rest);
		if (n < 1 || n > ROUTE_FILTER_SLOTS || *rest != '.')
			return invalid(err, name);
		if (strncmp(rest, ".Value.", 7) == 0)
			continue;
		if (strcmp(rest, ".Key") != 0)
			return invalid(err, name);
		for (k = 0; k < TR_MATCH__COUNT; k++)
			if (strcmp(value, route_filter_keys[k].name) == 0)
				break;
		if (k == TR_MATCH__COUNT)
			return vl_err_set(err, VL_TR_ROUTE_INVALID_FILTER_KEY, NULL);
		if (slot_key[n] == k)
			continue; /* the same pair sent twice */
		if (f->has_match[k] || slot_key[n] >= 0)
			return vl_err_set(err, VL_TR_ROUTE_FILTER_KEY_DUPLICATED, NULL);
		slot_key[n] = k;
		f->has_match[k] = true;
	}
	/* pass 2: the values */
	for (size_t i = 0; i < params->len; i++) {
		const char *name = params->items[i].name, *value = params->items[i].value, *rest = NULL;
		const char *mend = NULL;
		struct tr_route_cidr_set *set;
		long n, mth;
		int k;

		if (strncmp(name, prefix, plen) != 0)
			continue;
		n = parse_index(name + plen, &rest);
		if (strncmp(rest, ".Value.", 7) != 0)
			continue;
		if ((k = slot_key[n]) < 0)
			return vl_err_set(err, VL_TR_ROUTE_INVALID_FILTER_KEY, NULL);
		mth = parse_index(rest + 7, &mend);
		if (mth < 1 || *mend != '\0')
			return invalid(err, name);
		set = &f->match[k];
		if (mth > TR_ROUTE_FILTER_VALUES_MAX || set->count >= TR_ROUTE_FILTER_VALUES_MAX ||
		    !parse_ip_or_cidr(value, &set->items[set->count]))
			return vl_err_set(err, route_filter_keys[k].illegal, NULL);
		set->count++;
	}
	for (int k = 0; k < TR_MATCH__COUNT; k++)
		if (f->has_match[k] && f->match[k].count == 0)
			return vl_err_set(err, route_filter_keys[k].illegal, NULL);
	return 0;
}

int h_tr_route_parse_entry_filter(const struct kvlist *params, struct tr_route_entry_filter *f,
				  struct vl_err *err)
{
	static const char *const statuses[] = { "All", "Active", "Rejected", "Prohibited", "Standby",
						"Candidate", NULL };
	static const char *const types[] = { "Static", "Propagated", NULL };
	static const char *const hop_types[] = { "BlackHole", "Attachment", NULL };
	static const char *const resource_types[] = { "VPC", "VBR", "TR", "VPN", NULL };
	const char *dest;

	memset(f, 0, sizeof(*f));
	f->route_table_id = get(params, "TransitRouterRouteTableId");
	f->status = get(params, "TransitRouterRouteEntryStatus");
	f->type = get(params, "TransitRouterRouteEntryType");
	f->next_hop_type = get(params, "TransitRouterRouteEntryNextHopType");
	f->next_hop_id = get(params, "TransitRouterRouteEntryNextHopId");
	f->next_hop_resource_id = get(params, "TransitRouterRouteEntryNextHopResourceId");
	f->next_hop_resource_type = get(params, "TransitRouterRouteEntryNextHopResourceType");
	f->origin_resource_id = get(params, "TransitRouterRouteEntryOriginResourceId");
	f->origin_resource_type = get(params, "TransitRouterRouteEntryOriginResourceType");
	f->prefix_list_id = get(params, "PrefixListId");
	if (f->status && !one_of(f->status, statuses))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_STATUS, NULL);
	if (f->type && !one_of(f->type, types))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_FILTER_TYPE, NULL);
	if (f->next_hop_type && !one_of(f->next_hop_type, hop_types))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_FILTER_NEXT_HOP_TYPE, NULL);
	if (f->next_hop_resource_type && !one_of(f->next_hop_resource_type, resource_types))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_FILTER_NEXT_HOP_RESOURCE_TYPE, NULL);
	if (f->origin_resource_type && !one_of(f->origin_resource_type, resource_types))
		return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_FILTER_ORIGIN_RESOURCE_TYPE, NULL);
	if ((dest = get(params, "TransitRouterRouteEntryDestinationCidrBlock")) != NULL) {
		if (!parse_ip_or_cidr(dest, &f->destination))
			return vl_err_set(err, VL_TR_ROUTE_ILLEGAL_DESTINATION, NULL);
		f->has_destination = true;
	}
	if (h_tr_route_parse_list(params, "TransitRouterRouteEntryIds", f->ids, TR_ROUTE_LIST_IDS_MAX,
				  &f->id_count, err) < 0 ||
	    h_tr_route_parse_list(params, "TransitRouterRouteEntryNames", f->names, TR_ROUTE_LIST_IDS_MAX,
				  &f->name_count, err) < 0)
		return -1;
	if (f->id_count > 0 && f->status)
		return vl_err_set(err, VL_TR_ROUTE_IDS_AND_STATUS, NULL);
	return parse_route_filter(params, f, err);
}

/* ---------------------------------------------------------------- route tables */

int h_create_transit_router_route_table(struct action_ctx *ctx)
{
	struct tr_route_table_create_args args = {
		.transit_router_id = param_str(ctx, "TransitRouterId"),
		.name = param_str(ctx, "TransitRouterRouteTableName"),
		.description = param_str(ctx, "TransitRouterRouteTableDescription"),
		.multi_region_ecmp = param_str(ctx, "RouteTableOptions.MultiRegionECMP"),
		.tags = ctx->tags,
	};
	struct tr_route_table t;

	if (tr_route_table_create(ctx->model, &args, &t, ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "TransitRouterRouteTableId", t.route_table_id);
	return 0;
}

int h_list_transit_router_route_tables(struct action_ctx *ctx)
{
	struct tr_route_table_filter f = {
		.transit_router_id = get(ctx->params, "TransitRouterId"),
		.type = get(ctx->params, "TransitRouterRouteTableType"),
		.status = get(ctx->params, "TransitRouterRouteTableStatus"),
		.multi_region_ecmp = get(ctx->params, "RouteTableOptions.MultiRegionECMP"),
		.tags = ctx->tags,
	};
	json_t *items;
	int64_t total = 0;

	if (h_tr_route_parse_list(ctx->params, "TransitRouterRouteTableIds", f.ids, TR_ROUTE_LIST_IDS_MAX,
				  &f.id_count, ctx->err) < 0 ||
	    h_tr_route_parse_list(ctx->params, "TransitRouterRouteTableNames", f.names,
				  TR_ROUTE_LIST_IDS_MAX, &f.name_count, ctx->err) < 0)
		return -1;
	items = json_array();
	if (tr_route_table_list(ctx->model, &f, ctx->offset, ctx->limit, items, &total, ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	action_set_token_page(ctx, "TransitRouterRouteTables", items, total);
	return 0;
}

int h_update_transit_router_route_table(struct action_ctx *ctx)
{
	struct tr_route_table_update_args args = {
		.route_table_id = param_str(ctx, "TransitRouterRouteTableId"),
		.name = param_str(ctx, "TransitRouterRouteTableName"),
		.description = param_str(ctx, "TransitRouterRouteTableDescription"),
		.multi_region_ecmp = param_str(ctx, "RouteTableOptions.MultiRegionECMP"),
	};

	return tr_route_table_update(ctx->model, &args, ctx->err);
}

int h_delete_transit_router_route_table(struct action_ctx *ctx)
{
	return tr_route_table_delete(ctx->model, param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

/* ---------------------------------------------------------------- associations, propagations */

int h_associate_transit_router_attachment_with_route_table(struct action_ctx *ctx)
{
	return tr_route_associate(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
				  param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

int h_replace_transit_router_route_table_association(struct action_ctx *ctx)
{
	return tr_route_replace_association(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
					    param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

int h_update_transit_router_route_entry(struct action_ctx *ctx)
{
	return tr_route_entry_update(ctx->model, param_str(ctx, "TransitRouterRouteEntryId"),
				     param_str(ctx, "TransitRouterRouteEntryName"),
				     param_str(ctx, "TransitRouterRouteEntryDescription"), ctx->err);
}

/*
 * Zones of the region for an Enterprise transit router: every catalogue zone, as master,
 * slave and (upgraded routers) available zone.  Multicast is not emulated: asked for
 * multicast zones, the answer is empty, which the cloud documents as "multicast is not
 * supported in this region".
 */
int h_list_transit_router_available_resource(struct action_ctx *ctx)
{
	const struct catalog_region *region = catalog_region(ctx->model->cfg->catalog, ctx->model->region);
	bool multicast = param_bool(ctx, "SupportMulticast", false);
	json_t *master = json_array(), *slave = json_array(), *available = json_array();

	for (int i = 0; region && !multicast && i < region->zone_count; i++) {
		json_array_append_new(master, json_string(region->zones[i].zone_id));
		json_array_append_new(slave, json_string(region->zones[i].zone_id));
		json_array_append_new(available, json_string(region->zones[i].zone_id));
	}
	json_object_set_new(ctx->response, "MasterZones", master);
	json_object_set_new(ctx->response, "SlaveZones", slave);
	json_object_set_new(ctx->response, "AvailableZones", available);
	json_object_set_new(ctx->response, "SupportMulticast", json_boolean(multicast));
	return 0;
}

int h_dissociate_transit_router_attachment_from_route_table(struct action_ctx *ctx)
{
	return tr_route_dissociate(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
				   param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

int h_enable_transit_router_route_table_propagation(struct action_ctx *ctx)
{
	return tr_route_enable_propagation(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
					   param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

int h_disable_transit_router_route_table_propagation(struct action_ctx *ctx)
{
	return tr_route_disable_propagation(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
					    param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

static int list_links(struct action_ctx *ctx, bool propagations)
{
	struct tr_route_link_filter f = {
		.route_table_id = get(ctx->params, "TransitRouterRouteTableId"),
		.attachment_id = get(ctx->params, "TransitRouterAttachmentId"),
		.resource_id = get(ctx->params, "TransitRouterAttachmentResourceId"),
		.resource_type = get(ctx->params, "TransitRouterAttachmentResourceType"),
		.status = get(ctx->params, "Status"),
	};
	json_t *items = json_array();
	int64_t total = 0;

	if (tr_route_link_list(ctx->model, propagations, &f, ctx->offset, ctx->limit, items, &total,
			       ctx->err) < 0) {
		json_decref(items);
		return -1;
	}
	action_set_token_page(ctx, propagations ? "TransitRouterPropagations" : "TransitRouterAssociations",
			      items, total);
	return 0;
}

int h_list_transit_router_route_table_associations(struct action_ctx *ctx)
{
	return list_links(ctx, false);
}

int h_list_transit_router_route_table_propagations(struct action_ctx *ctx)
{
	return list_links(ctx, true);
}

/* ---------------------------------------------------------------- route entries */

int h_create_transit_router_route_entry(struct action_ctx *ctx)
{
	struct tr_route_entry_create_args args = {
		.route_table_id = param_str(ctx, "TransitRouterRouteTableId"),
		.destination = param_str(ctx, "TransitRouterRouteEntryDestinationCidrBlock"),
		.next_hop_type = param_str(ctx, "TransitRouterRouteEntryNextHopType"),
		.next_hop_id = param_str(ctx, "TransitRouterRouteEntryNextHopId"),
		.name = param_str(ctx, "TransitRouterRouteEntryName"),
		.description = param_str(ctx, "TransitRouterRouteEntryDescription"),
	};
	char id[64];

	if (tr_route_entry_create(ctx->model, &args, id, sizeof(id), ctx->err) < 0)
		return -1;
	json_put_str(ctx->response, "TransitRouterRouteEntryId", id);
	return 0;
}

int h_delete_transit_router_route_entry(struct action_ctx *ctx)
{
	struct tr_route_entry_key key = {
		.route_entry_id = param_str(ctx, "TransitRouterRouteEntryId"),
		.route_table_id = param_str(ctx, "TransitRouterRouteTableId"),
		.destination = param_str(ctx, "TransitRouterRouteEntryDestinationCidrBlock"),
		.next_hop_type = param_str(ctx, "TransitRouterRouteEntryNextHopType"),
		.next_hop_id = param_str(ctx, "TransitRouterRouteEntryNextHopId"),
	};

	return tr_route_entry_delete(ctx->model, &key, ctx->err);
}

int h_list_transit_router_route_entries(struct action_ctx *ctx)
{
	/* RouteFilter sets are large (4 × 500 CIDRs): keep them off the handler's stack */
	struct tr_route_entry_filter *f = malloc(sizeof(*f));
	json_t *items = NULL;
	int64_t total = 0;
	int rc = -1;

	if (f == NULL)
		return vl_err_set(ctx->err, VL_INTERNAL_ERROR, NULL);
	if (h_tr_route_parse_entry_filter(ctx->params, f, ctx->err) < 0)
		goto out;
	items = json_array();
	if (tr_route_entry_list(ctx->model, f, ctx->offset, ctx->limit, items, &total, ctx->err) < 0)
		goto out;
	action_set_token_page(ctx, "TransitRouterRouteEntries", items, total);
	items = NULL;
	rc = 0;
out:
	json_decref(items);
	free(f);
	return rc;
}
