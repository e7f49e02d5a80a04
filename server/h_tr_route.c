/*
 * Thin handlers of the transit router route actions, and the parsers of their repeated
 * list parameters (TransitRouterRouteTableIds.N, RouteFilter.N.Value.M …), which the
 * generic action table does not declare.
 */
#include "h_tr_route.h"

#include "catalog.h"
#include "handlers.h"
#include "transit_router.h"

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

/* The value param without ctx: empty strings count as absent, as the SDKs never send them. */
static const char *get(const struct kvlist *params, const char *name)
{
	const char *v = kvlist_get(params, name);

	return v && *v ? v : NULL;
}

/* Keeps the last value given for each N, as for single parameters. */
static int list_slot(void *arg, int n, int field, const char *value)
{
	const char **slots = arg;

	(void)field;
	slots[n] = value;
	return 0;
}

/* …Ids.N and …Names.N of the list actions. */
static const struct list_spec tr_route_id_list = { TR_ROUTE_LIST_IDS_MAX, NULL, NULL, false };

int h_tr_route_parse_list(const struct kvlist *params, const char *prefix, const char **out, int max,
			  int *count, struct vl_err *err)
{
	const char *slots[TR_ROUTE_LIST_IDS_MAX + 1] = { 0 }, *offender = NULL;
	struct list_spec spec = tr_route_id_list;

	if (max < spec.max_items)
		spec.max_items = max;

	*count = 0;
	if (action_list_walk(params, prefix, &spec, list_slot, slots, &offender) != LIST_OK)
		return invalid(err, offender);
	for (int n = 1; n <= spec.max_items; n++)
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
 * RouteFilter.N.Key / RouteFilter.N.Value.M.  M is read up to 9 digits here; past
 * TR_ROUTE_FILTER_VALUES_MAX it is the key's IllegalParam (checked below, after the keys).
 */
static const struct list_spec route_filter_values = { 999999999, NULL, NULL };
static const char *const route_filter_fields[] = { "Key", "Value", NULL };
static const struct list_field route_filter_rules[] = {
	{ LIST_TEXT, 0, 0, NULL, false },
	{ LIST_TEXT, 0, 0, &route_filter_values, true },
};
static const struct list_spec route_filter_list = { ROUTE_FILTER_SLOTS, route_filter_fields,
						     route_filter_rules };

struct route_filter_read {
	struct tr_route_entry_filter *f;
	struct vl_err *err;
	int slot_key[ROUTE_FILTER_SLOTS + 1];
	struct list_item *values; /* the Value.M items, in params order */
	size_t value_count;
};

/* The keys as they come (unknown: InvalidFilterKey, twice: FilterKeyDuplicated.RouteFilter). */
static int route_filter_item(void *arg, const struct list_item *it)
{
	struct route_filter_read *r = arg;
	int k;

	if (it->field == 1) {
		r->values[r->value_count++] = *it;
		return 0;
	}
	for (k = 0; k < TR_MATCH__COUNT; k++)
		if (strcmp(it->value, route_filter_keys[k].name) == 0)
			break;
	if (k == TR_MATCH__COUNT)
		return vl_err_set(r->err, VL_TR_ROUTE_INVALID_FILTER_KEY, NULL);
	if (r->slot_key[it->n] == k)
		return 0; /* the same pair sent twice */
	if (r->f->has_match[k] || r->slot_key[it->n] >= 0)
		return vl_err_set(r->err, VL_TR_ROUTE_FILTER_KEY_DUPLICATED, NULL);
	r->slot_key[it->n] = k;
	r->f->has_match[k] = true;
	return 0;
}

/*
 * Keys first (as route_filter_item), then the values of each (a value without its key is
 * InvalidFilterKey; a malformed M is InvalidParameter; a bad value, one past M = 500, or a
 * key without values is the key's IllegalParam.*).  Values of one key are ORed, keys ANDed
 * (tr_route_filter_apply).
 */
static int parse_route_filter(const struct kvlist *params, struct tr_route_entry_filter *f,
			      struct vl_err *err)
{
	struct route_filter_read r = { .f = f, .err = err };
	const char *offender = NULL;
	int rc = -1;

	for (int n = 0; n <= ROUTE_FILTER_SLOTS; n++)
		r.slot_key[n] = -1;
	if ((r.values = calloc(params->len + 1, sizeof(*r.values))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	switch (action_list_read(params, "RouteFilter", &route_filter_list, route_filter_item, &r, &offender)) {
	case LIST_OK:
		break;
	case -1:
		goto out;
	default:
		invalid(err, offender);
		goto out;
	}
	for (size_t i = 0; i < r.value_count; i++) {
		const struct list_item *v = &r.values[i];
		struct tr_route_cidr_set *set;
		int k = r.slot_key[v->n];

		if (k < 0) {
			vl_err_set(err, VL_TR_ROUTE_INVALID_FILTER_KEY, NULL);
			goto out;
		}
		if (v->m < 0) {
			invalid(err, v->name);
			goto out;
		}
		set = &f->match[k];
		if (v->m > TR_ROUTE_FILTER_VALUES_MAX || set->count >= TR_ROUTE_FILTER_VALUES_MAX ||
		    !parse_ip_or_cidr(v->value, &set->items[set->count])) {
			vl_err_set(err, route_filter_keys[k].illegal, NULL);
			goto out;
		}
		set->count++;
	}
	for (int k = 0; k < TR_MATCH__COUNT; k++)
		if (f->has_match[k] && f->match[k].count == 0) {
			vl_err_set(err, route_filter_keys[k].illegal, NULL);
			goto out;
		}
	rc = 0;
out:
	free(r.values);
	return rc;
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

static int h_create_transit_router_route_table(struct action_ctx *ctx)
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

static int h_list_transit_router_route_tables(struct action_ctx *ctx)
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
	int rc = tr_route_table_list(ctx->model, &f, ctx->offset, ctx->limit, items, &total, ctx->err);

	return h_token_page_answer(ctx, rc, "TransitRouterRouteTables", items, total);
}

static int h_update_transit_router_route_table(struct action_ctx *ctx)
{
	struct tr_route_table_update_args args = {
		.route_table_id = param_str(ctx, "TransitRouterRouteTableId"),
		.name = param_str(ctx, "TransitRouterRouteTableName"),
		.description = param_str(ctx, "TransitRouterRouteTableDescription"),
		.multi_region_ecmp = param_str(ctx, "RouteTableOptions.MultiRegionECMP"),
	};

	return tr_route_table_update(ctx->model, &args, ctx->err);
}

static int h_delete_transit_router_route_table(struct action_ctx *ctx)
{
	return tr_route_table_delete(ctx->model, param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

/* ---------------------------------------------------------------- associations, propagations */

static int h_associate_transit_router_attachment_with_route_table(struct action_ctx *ctx)
{
	return tr_route_associate(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
				  param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

static int h_replace_transit_router_route_table_association(struct action_ctx *ctx)
{
	return tr_route_replace_association(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
					    param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

static int h_update_transit_router_route_entry(struct action_ctx *ctx)
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
static int h_list_transit_router_available_resource(struct action_ctx *ctx)
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

static int h_dissociate_transit_router_attachment_from_route_table(struct action_ctx *ctx)
{
	return tr_route_dissociate(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
				   param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

static int h_enable_transit_router_route_table_propagation(struct action_ctx *ctx)
{
	return tr_route_enable_propagation(ctx->model, param_str(ctx, "TransitRouterAttachmentId"),
					   param_str(ctx, "TransitRouterRouteTableId"), ctx->err);
}

static int h_disable_transit_router_route_table_propagation(struct action_ctx *ctx)
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
	int rc = tr_route_link_list(ctx->model, propagations, &f, ctx->offset, ctx->limit, items, &total,
				    ctx->err);

	return h_token_page_answer(ctx, rc, propagations ? "TransitRouterPropagations" : "TransitRouterAssociations",
				   items, total);
}

static int h_list_transit_router_route_table_associations(struct action_ctx *ctx)
{
	return list_links(ctx, false);
}

static int h_list_transit_router_route_table_propagations(struct action_ctx *ctx)
{
	return list_links(ctx, true);
}

/* ---------------------------------------------------------------- route entries */

static int h_create_transit_router_route_entry(struct action_ctx *ctx)
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

static int h_delete_transit_router_route_entry(struct action_ctx *ctx)
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

static int h_list_transit_router_route_entries(struct action_ctx *ctx)
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

/* ---- the action table ---- */

/*
 * Parameters as the SDK models declare them (cbn-20170912).  None of these actions has a RegionId
 * (CBN is a central service): they are not AF_REGIONAL and the model scopes by account;
 * CreateTransitRouterRouteTable takes its region from the transit router. Repeated parameters
 * (TransitRouterRouteTableIds.N, …Names.N, TransitRouterRouteEntryIds.N, …Names.N,
 * RouteFilter.N.Key / RouteFilter.N.Value.M) are read by the handlers (h_tr_route_parse_*).  The
 * enumerated filters of ListTransitRouterRouteEntries are checked there too, because the cloud
 * answers them with IllegalParam.* codes.  The association and propagation lists default
 * MaxResults to 50 (the generic default is 20): declaring the parameter here applies that default
 * first.
 *
 * REST: Every List* answers a flat array (TransitRouterRouteTables[], TransitRouterAssociations[],
 * TransitRouterPropagations[], TransitRouterRouteEntries[], with NextToken/MaxResults): RS_PLAIN.
 * An association or a propagation has no ID of its own: it is the pair (route table, attachment),
 * so it lives under its route table and the attachment travels as TransitRouterAttachmentId in the
 * body (POST) or the query (DELETE).  Route entries are listed and created under their table; a
 * static entry is deleted by its own ID.
 */
static const struct region_source tr_route_region_of_router = {
	"TransitRouterId", transit_router_region, VL_TR_NOT_FOUND,
};

static const char *const tr_route_ecmp_values[] = { "enable", "disable", NULL };
static const char *const tr_route_table_types[] = { "System", "Custom", NULL };
static const char *const tr_route_table_statuses[] = { "Creating", "Active", "Deleting", NULL };
static const char *const tr_route_resource_types[] = { "VPC", "VBR", "TR", "VPN", NULL };
static const char *const tr_route_association_statuses[] = { "Active", "Associating", "Dissociating", NULL };
static const char *const tr_route_propagation_statuses[] = { "Active", "Enabling", "Disabling", NULL };

#define TR_ROUTE_TABLE_ID(flags) { "TransitRouterRouteTableId", PT_STRING, flags, NULL, 0, 0, NULL, NULL }
#define TR_ROUTE_ATTACHMENT_ID(flags) { "TransitRouterAttachmentId", PT_STRING, flags, NULL, 0, 0, NULL, NULL }
#define TR_ROUTE_TABLE_NAME { "TransitRouterRouteTableName", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-128 characters, not http(s)://" }
#define TR_ROUTE_TABLE_DESCRIPTION { "TransitRouterRouteTableDescription", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-256 characters, not http(s)://" }
#define TR_ROUTE_ECMP(def) { "RouteTableOptions.MultiRegionECMP", PT_STRING, 0, def, 0, 0, tr_route_ecmp_values, "multi-region ECMP (recorded; one region is emulated)" }
#define TR_ROUTE_LIST_MAX50 { "MaxResults", PT_INTEGER, 0, "50", 1, 100, NULL, "default 50 for this list" }
#define TR_ROUTE_ENTRY_DEST { "TransitRouterRouteEntryDestinationCidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "IPv4 CIDR block" }
#define TR_ROUTE_ENTRY_HOP_TYPE(flags) { "TransitRouterRouteEntryNextHopType", PT_STRING, flags, NULL, 0, 0, NULL, "Attachment | BlackHole" }
#define TR_ROUTE_ENTRY_HOP_ID { "TransitRouterRouteEntryNextHopId", PT_STRING, 0, NULL, 0, 0, NULL, "an attachment of the same transit router" }

static const struct param_spec create_tr_route_table_params[] = {
	{ "TransitRouterId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "an Enterprise transit router" },
	TR_ROUTE_TABLE_NAME, TR_ROUTE_TABLE_DESCRIPTION, TR_ROUTE_ECMP(NULL),
	TAGS_PARAM, CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec list_tr_route_tables_params[] = {
	{ "TransitRouterId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterRouteTableType", PT_STRING, 0, NULL, 0, 0, tr_route_table_types, NULL },
	{ "TransitRouterRouteTableStatus", PT_STRING, 0, NULL, 0, 0, tr_route_table_statuses, NULL },
	TR_ROUTE_ECMP(NULL),
	{ "TransitRouterRouteTableIds", PT_LIST, 0, NULL, 0, 0, NULL, "as TransitRouterRouteTableIds.N, N 1-20", &tr_route_id_list },
	{ "TransitRouterRouteTableNames", PT_LIST, 0, NULL, 0, 0, NULL, "as TransitRouterRouteTableNames.N, N 1-20", &tr_route_id_list },
	TAGS_PARAM, PARAM_END,
};

static const struct param_spec update_tr_route_table_params[] = {
	TR_ROUTE_TABLE_ID(PF_REQUIRED), TR_ROUTE_TABLE_NAME, TR_ROUTE_TABLE_DESCRIPTION, TR_ROUTE_ECMP(NULL),
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec delete_tr_route_table_params[] = {
	TR_ROUTE_TABLE_ID(PF_REQUIRED), CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec tr_route_link_params[] = {
	TR_ROUTE_ATTACHMENT_ID(PF_REQUIRED), TR_ROUTE_TABLE_ID(PF_REQUIRED), CLIENT_TOKEN, DRY_RUN,
	PARAM_END,
};

static const struct param_spec list_tr_route_associations_params[] = {
	TR_ROUTE_TABLE_ID(0), TR_ROUTE_ATTACHMENT_ID(0),
	{ "TransitRouterAttachmentResourceId", PT_STRING, 0, NULL, 0, 0, NULL, "the VPC or IPsec connection" },
	{ "TransitRouterAttachmentResourceType", PT_STRING, 0, NULL, 0, 0, tr_route_resource_types, NULL },
	{ "Status", PT_STRING, 0, NULL, 0, 0, tr_route_association_statuses, NULL },
	TR_ROUTE_LIST_MAX50, PARAM_END,
};

static const struct param_spec list_tr_route_propagations_params[] = {
	TR_ROUTE_TABLE_ID(PF_REQUIRED), TR_ROUTE_ATTACHMENT_ID(0),
	{ "TransitRouterAttachmentResourceId", PT_STRING, 0, NULL, 0, 0, NULL, "the VPC or IPsec connection" },
	{ "TransitRouterAttachmentResourceType", PT_STRING, 0, NULL, 0, 0, tr_route_resource_types, NULL },
	{ "Status", PT_STRING, 0, NULL, 0, 0, tr_route_propagation_statuses, NULL },
	TR_ROUTE_LIST_MAX50, PARAM_END,
};

static const struct param_spec create_tr_route_entry_params[] = {
	TR_ROUTE_TABLE_ID(PF_REQUIRED),
	{ "TransitRouterRouteEntryDestinationCidrBlock", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "IPv4 CIDR block; one static entry per destination" },
	TR_ROUTE_ENTRY_HOP_TYPE(PF_REQUIRED), TR_ROUTE_ENTRY_HOP_ID,
	{ "TransitRouterRouteEntryName", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-128 characters, not http(s)://" },
	{ "TransitRouterRouteEntryDescription", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-256 characters, not http(s)://" },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec delete_tr_route_entry_params[] = {
	{ "TransitRouterRouteEntryId", PT_STRING, 0, NULL, 0, 0, NULL, "or TransitRouterRouteTableId + destination" },
	TR_ROUTE_TABLE_ID(0), TR_ROUTE_ENTRY_DEST, TR_ROUTE_ENTRY_HOP_TYPE(0), TR_ROUTE_ENTRY_HOP_ID,
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec list_tr_route_entries_params[] = {
	TR_ROUTE_TABLE_ID(PF_REQUIRED),
	{ "TransitRouterRouteEntryStatus", PT_STRING, 0, NULL, 0, 0, NULL, "All | Active (default) | Rejected | Prohibited | Standby | Candidate" },
	{ "TransitRouterRouteEntryType", PT_STRING, 0, NULL, 0, 0, NULL, "Static | Propagated" },
	{ "TransitRouterRouteEntryDestinationCidrBlock", PT_STRING, 0, NULL, 0, 0, NULL, "deprecated: exact destination" },
	TR_ROUTE_ENTRY_HOP_TYPE(0), TR_ROUTE_ENTRY_HOP_ID,
	{ "TransitRouterRouteEntryNextHopResourceId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterRouteEntryNextHopResourceType", PT_STRING, 0, NULL, 0, 0, NULL, "VPC | VBR | TR | VPN" },
	{ "TransitRouterRouteEntryOriginResourceId", PT_STRING, 0, NULL, 0, 0, NULL, NULL },
	{ "TransitRouterRouteEntryOriginResourceType", PT_STRING, 0, NULL, 0, 0, NULL, "VPC | VBR | TR | VPN" },
	{ "PrefixListId", PT_STRING, 0, NULL, 0, 0, NULL, "no prefix lists are emulated" },
	{ "TransitRouterRouteEntryIds", PT_LIST, 0, NULL, 0, 0, NULL, "as TransitRouterRouteEntryIds.N, N 1-20: static entries, excludes the status filter", &tr_route_id_list },
	{ "TransitRouterRouteEntryNames", PT_LIST, 0, NULL, 0, 0, NULL, "as TransitRouterRouteEntryNames.N, N 1-20: static entries", &tr_route_id_list },
	{ "RouteFilter", PT_LIST, 0, NULL, 0, 0, NULL, "as RouteFilter.N.Key (PrefixExactMatchCidrs | LongestPrefixMatchCidrs | SubnetOfMatchCidrs | SupernetOfMatchCidrs) and RouteFilter.N.Value.M (M 1-500)", &route_filter_list },
	PARAM_END,
};

static const struct param_spec update_tr_route_entry_params[] = {
	{ "TransitRouterRouteEntryId", PT_STRING, PF_REQUIRED, NULL, 0, 0, NULL, "a static entry" },
	{ "TransitRouterRouteEntryName", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-128 characters, not http(s)://" },
	{ "TransitRouterRouteEntryDescription", PT_STRING, 0, NULL, 0, 0, NULL, "empty or 1-256 characters, not http(s)://" },
	CLIENT_TOKEN, DRY_RUN, PARAM_END,
};

static const struct param_spec tr_available_resource_params[] = {
	{ "SupportMulticast", PT_BOOLEAN, 0, "false", 0, 0, NULL, "true: the zones with multicast (none are emulated)" },
	PARAM_END,
};

const struct action tr_route_actions[] = {
	{ "CreateTransitRouterRouteTable", V_CBN, h_create_transit_router_route_table, AF_MUTATES | AF_REGIONAL, create_tr_route_table_params,
	  .rest = { { "POST", "/v1/transit-router-route-tables", RS_CREATE } },
	  .region_from = &tr_route_region_of_router,
	  .doc = "Creates a custom route table on a transit router (Creating, then Active)." },
	{ "ListTransitRouterRouteTables", V_CBN, h_list_transit_router_route_tables, AF_TOKEN_PAGED, list_tr_route_tables_params,
	  .rest = { { "GET", "/v1/transit-router-route-tables" } },
	  .doc = "Lists route tables: TransitRouterRouteTables[] (flat), NextToken/MaxResults." },
	{ "UpdateTransitRouterRouteTable", V_CBN, h_update_transit_router_route_table, AF_MUTATES, update_tr_route_table_params,
	  .rest = { { "PATCH", "/v1/transit-router-route-tables/{id}", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Changes name, description or MultiRegionECMP of an Active route table." },
	{ "DeleteTransitRouterRouteTable", V_CBN, h_delete_transit_router_route_table, AF_MUTATES, delete_tr_route_table_params,
	  .rest = { { "DELETE", "/v1/transit-router-route-tables/{id}", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Deletes a custom route table without associations, propagations or static entries." },
	{ "ListTransitRouterRouteTableAssociations", V_CBN, h_list_transit_router_route_table_associations, AF_TOKEN_PAGED, list_tr_route_associations_params,
	  .rest = { { "GET", "/v1/transit-router-route-tables/{id}/associations", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Lists associations: TransitRouterAssociations[] (flat)." },
	{ "AssociateTransitRouterAttachmentWithRouteTable", V_CBN, h_associate_transit_router_attachment_with_route_table, AF_MUTATES, tr_route_link_params,
	  .rest = { { "POST", "/v1/transit-router-route-tables/{id}/associations", RS_CREATE, "TransitRouterRouteTableId" } },
	  .doc = "Associates an attachment with a route table of its router (Associating, then Active)." },
	{ "ReplaceTransitRouterRouteTableAssociation", V_CBN, h_replace_transit_router_route_table_association, AF_MUTATES, tr_route_link_params,
	  .rest = { { "PUT", "/v1/transit-router-route-tables/{id}/associations", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Moves an attachment's Active association to another route table of its router (Associating, then Active)." },
	{ "DissociateTransitRouterAttachmentFromRouteTable", V_CBN, h_dissociate_transit_router_attachment_from_route_table, AF_MUTATES, tr_route_link_params,
	  .rest = { { "DELETE", "/v1/transit-router-route-tables/{id}/associations", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Removes an association (Dissociating, then gone)." },
	{ "ListTransitRouterRouteTablePropagations", V_CBN, h_list_transit_router_route_table_propagations, AF_TOKEN_PAGED, list_tr_route_propagations_params,
	  .rest = { { "GET", "/v1/transit-router-route-tables/{id}/propagations", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Lists the propagations into a route table: TransitRouterPropagations[] (flat)." },
	{ "EnableTransitRouterRouteTablePropagation", V_CBN, h_enable_transit_router_route_table_propagation, AF_MUTATES, tr_route_link_params,
	  .rest = { { "POST", "/v1/transit-router-route-tables/{id}/propagations", RS_CREATE, "TransitRouterRouteTableId" } },
	  .doc = "Makes a route table learn an attachment's routes (Enabling, then Active)." },
	{ "DisableTransitRouterRouteTablePropagation", V_CBN, h_disable_transit_router_route_table_propagation, AF_MUTATES, tr_route_link_params,
	  .rest = { { "DELETE", "/v1/transit-router-route-tables/{id}/propagations", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Stops route learning (Disabling, then gone)." },
	{ "ListTransitRouterRouteEntries", V_CBN, h_list_transit_router_route_entries, AF_TOKEN_PAGED, list_tr_route_entries_params,
	  .rest = { { "GET", "/v1/transit-router-route-tables/{id}/route-entries", RS_PLAIN, "TransitRouterRouteTableId" } },
	  .doc = "Lists static and learned routes with their status (ECMP, preference): TransitRouterRouteEntries[]." },
	{ "CreateTransitRouterRouteEntry", V_CBN, h_create_transit_router_route_entry, AF_MUTATES, create_tr_route_entry_params,
	  .rest = { { "POST", "/v1/transit-router-route-tables/{id}/route-entries", RS_CREATE, "TransitRouterRouteTableId" } },
	  .doc = "Adds a static or blackhole route to a route table (Creating, then Active)." },
	{ "UpdateTransitRouterRouteEntry", V_CBN, h_update_transit_router_route_entry, AF_MUTATES, update_tr_route_entry_params,
	  .rest = { { "PATCH", "/v1/transit-router-route-entries/{id}", RS_PLAIN, "TransitRouterRouteEntryId" } },
	  .doc = "Renames an Active static route (name, description)." },
	{ "DeleteTransitRouterRouteEntry", V_CBN, h_delete_transit_router_route_entry, AF_MUTATES, delete_tr_route_entry_params,
	  .rest = { { "DELETE", "/v1/transit-router-route-entries/{id}", RS_PLAIN, "TransitRouterRouteEntryId" } },
	  .doc = "Deletes a static route by ID, or by route table and destination (Deleting, then gone)." },
	{ "ListTransitRouterAvailableResource", V_CBN, h_list_transit_router_available_resource, AF_REGIONAL, tr_available_resource_params,
	  .rest = { { "GET", "/v1/transit-router-available-resources", RS_PLAIN } },
	  .doc = "Zones of a region for Enterprise transit routers: MasterZones, SlaveZones, AvailableZones." },
	ACTIONS_END,
};
