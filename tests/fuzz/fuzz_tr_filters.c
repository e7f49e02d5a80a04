/*
 * libFuzzer harness for the List* parameters of the transit router route actions:
 * bytes → kvlist_parse_urlencoded → action_validate + handler of ListTransitRouterRouteEntries,
 * …RouteTables, …RouteTableAssociations and …RouteTablePropagations over a fixed in-memory
 * topology (a route table learning from a VPC and six VPN attachments, ECMP, static and
 * blackhole entries), and h_tr_route_parse_entry_filter + tr_route_filter_apply directly.
 *
 * The input reaches the table unless it names one itself ("{T}" in the input stands for the
 * table's ID).  Checked after each call:
 *   - a refusal carries a 4xx status, a code and a message;
 *   - an accepted list answers NextToken (a string), MaxResults within 1..100, TotalCount
 *     at least the number of items, at most MaxResults items, and items whose status and
 *     type obey the filters asked for;
 *   - every route the filter keeps satisfies each RouteFilter key by an independent check,
 *     and LongestPrefixMatch keeps only the longest candidates.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "catalog.h"
#include "h_tr_route.h"
#include "kv.h"
#include "store.h"
#include "tr_route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TABLE "vtb-bp1fuzz00000000000001"

static struct store *st;
static struct model_config cfg;
static struct tr_route_set routes; /* the table's routes, computed once */

static void must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tr_filters setup: %s: %s\n", what, st ? st->ops->errmsg(st) : "");
		abort();
	}
}

/*
 * Inserts a row with the given text columns; every other NOT NULL column without a default
 * gets '' or 0, so the row fits whatever the owners of the table add to it.
 */
static void insert_row(const char *table, const char *const names[], const char *const values[], int n)
{
	char pragma[128], cols[2048] = "", vals[2048] = "", sql[4300];
	const char *bind[64];
	struct store_stmt *stmt = NULL;
	int nbind = 0;

	snprintf(pragma, sizeof(pragma), "PRAGMA table_info(%s)", table);
	must(store_prepare(st, pragma, &stmt) == 0, pragma);
	while (stmt_step(stmt) == STORE_ROW && nbind < 64) {
		const char *name = stmt_text(stmt, 1), *value = NULL;
		bool required = stmt_int64(stmt, 3) != 0 && stmt_text(stmt, 4)[0] == '\0';

		for (int i = 0; i < n; i++)
			if (strcmp(names[i], name) == 0)
				value = values[i];
		if (value == NULL && !required)
			continue;
		bind[nbind] = value ? value : strstr(stmt_text(stmt, 2), "TEXT") ? "" : "0";
		snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "%s%s", nbind ? "," : "", name);
		snprintf(vals + strlen(vals), sizeof(vals) - strlen(vals), "%s?", nbind ? "," : "");
		nbind++;
	}
	stmt_release(stmt);
	snprintf(sql, sizeof(sql), "INSERT INTO %s(%s) VALUES (%s)", table, cols, vals);
	must(store_prepare(st, sql, &stmt) == 0, sql);
	for (int i = 0; i < nbind; i++)
		stmt_bind_text(stmt, i + 1, bind[i]);
	must(stmt_step(stmt) == STORE_DONE, sql);
	stmt_release(stmt);
}

static void setup(void)
{
	static const char *const sql[] = {
		"INSERT INTO cens(cen_id, account, status, created_ms) VALUES ('cen-f', 'acct', 'Active', 1)",
		"INSERT INTO transit_routers(transit_router_id, cen_id, account, region, status, created_ms)"
		" VALUES ('tr-f', 'cen-f', 'acct', 'cn-hangzhou', 'Active', 1)",
		"INSERT INTO tr_route_tables(route_table_id, transit_router_id, account, region, type, status, created_ms)"
		" VALUES ('" TABLE "', 'tr-f', 'acct', 'cn-hangzhou', 'Custom', 'Active', 1)",
		"INSERT INTO vpcs(vpc_id, account, region, cidr_block, status, vrouter_id, route_table_id,"
		" resource_group_id, created_ms) VALUES ('vpc-f', 'acct', 'cn-hangzhou', '10.0.0.0/8', 'Available',"
		" 'vrt', 'vtb', 'rg', 1)",
		"INSERT INTO vswitches(vswitch_id, vpc_id, account, region, zone_id, cidr_block, cidr_first, cidr_last,"
		" status, resource_group_id, created_ms) VALUES ('vsw-1', 'vpc-f', 'acct', 'cn-hangzhou', 'z',"
		" '10.1.0.0/16', 167837696, 167903231, 'Available', 'rg', 1)",
		"INSERT INTO vswitches(vswitch_id, vpc_id, account, region, zone_id, cidr_block, cidr_first, cidr_last,"
		" status, resource_group_id, created_ms) VALUES ('vsw-2', 'vpc-f', 'acct', 'cn-hangzhou', 'z',"
		" '10.2.0.0/24', 167903232, 167903487, 'Available', 'rg', 1)",
		"INSERT INTO tr_attachments(attachment_id, transit_router_id, cen_id, account, region, resource_type,"
		" resource_id, status, created_ms) VALUES ('tr-attach-vpc', 'tr-f', 'cen-f', 'acct', 'cn-hangzhou',"
		" 'VPC', 'vpc-f', 'Attached', 1)",
		"INSERT INTO tr_propagations(propagation_id, attachment_id, route_table_id, status, created_ms)"
		" VALUES ('trp-vpc', 'tr-attach-vpc', '" TABLE "', 'Active', 1)",
		"INSERT INTO tr_route_entries(route_entry_id, route_table_id, account, destination, dest_first,"
		" dest_prefix_len, next_hop_type, next_hop_id, name, status, created_ms) VALUES"
		" ('rte-1', '" TABLE "', 'acct', '10.1.0.0/16', 167837696, 16, 'Attachment', 'tr-attach-vpc', 'one',"
		" 'Active', 2), ('rte-2', '" TABLE "', 'acct', '0.0.0.0/0', 0, 0, 'BlackHole', '', 'two', 'Active', 3),"
		" ('rte-3', '" TABLE "', 'acct', '192.168.7.0/24', 3232237312, 24, 'BlackHole', '', 'three',"
		" 'Creating', 4)",
	};
	static const char *const subnets[] = {
		"192.168.0.0/16,10.9.0.0/16", "192.168.0.0/16", "192.168.0.0/16,172.16.0.0/12",
		"192.168.7.0/24", "10.1.0.0/16,0.0.0.0/0", "192.168.0.0/17",
	};
	struct vl_err err;
	struct model_ctx m = { .account = "acct", .region = "cn-hangzhou", .cfg = &cfg };

	model_config_defaults(&cfg);
	cfg.transition_delay_ms = 0;
	cfg.catalog = catalog_default();
	must(store_open_sqlite(":memory:", false, &st, &err) == 0, "open");
	must(store_migrate(st, &err) == 0, "migrate");
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		must(store_exec(st, sql[i]) == 0, sql[i]);
	for (size_t i = 0; i < sizeof(subnets) / sizeof(subnets[0]); i++) {
		char q[1024];

		static const char *const names[] = { "vpn_connection_id", "account", "region", "local_subnet",
						     "remote_subnet", "state", "attach_type", "network_type",
						     "created_ms" };
		char vco[32];
		const char *values[] = { vco, "acct", "cn-hangzhou", "0.0.0.0/0", subnets[i], "attached", "CEN",
					 "public", "1" };

		snprintf(vco, sizeof(vco), "vco-%zu", i);
		insert_row("vpn_connections", names, values, (int)(sizeof(names) / sizeof(names[0])));
		snprintf(q, sizeof(q),
			 "INSERT INTO tr_attachments(attachment_id, transit_router_id, cen_id, account, region,"
			 " resource_type, resource_id, status, created_ms) VALUES ('tr-attach-vpn%zu', 'tr-f', 'cen-f',"
			 " 'acct', 'cn-hangzhou', 'VPN', 'vco-%zu', 'Attached', 1)",
			 i, i);
		must(store_exec(st, q) == 0, q);
		snprintf(q, sizeof(q),
			 "INSERT INTO tr_propagations(propagation_id, attachment_id, route_table_id, status, created_ms)"
			 " VALUES ('trp-%zu', 'tr-attach-vpn%zu', '" TABLE "', '%s', %zu)",
			 i, i, i == 5 ? "Enabling" : "Active", 10 + i);
		must(store_exec(st, q) == 0, q);
	}
	m.store = st;
	must(tr_route_compute(&m, TABLE, &routes, &err) == 0, "compute");
}

static void check_refusal(const struct vl_err *err)
{
	int status = vl_code_http_status(err->code);

	if (status < 400 || status >= 500 || vl_err_code(err)[0] == '\0' || vl_err_message(err)[0] == '\0')
		abort();
}

/* The independent oracle for one kept route and one non-longest RouteFilter key. */
static bool key_holds(enum tr_route_match k, const struct tr_route_cidr_set *set, const struct cidr *d)
{
	for (int i = 0; i < set->count; i++) {
		const struct cidr *v = &set->items[i];
		uint64_t vsize = cidr_size(v), dsize = cidr_size(d);

		switch (k) {
		case TR_MATCH_EXACT:
			if (v->addr == d->addr && v->prefix_len == d->prefix_len)
				return true;
			break;
		case TR_MATCH_SUBNET_OF: /* d inside v: by address arithmetic, not cidr_contains */
			if (d->addr >= v->addr && (uint64_t)d->addr + dsize <= (uint64_t)v->addr + vsize)
				return true;
			break;
		case TR_MATCH_SUPERNET_OF:
			if (v->addr >= d->addr && (uint64_t)v->addr + vsize <= (uint64_t)d->addr + dsize)
				return true;
			break;
		default:
			return true;
		}
	}
	return false;
}

static void check_filter(const struct tr_route_entry_filter *f)
{
	bool *keep = calloc(routes.count + 1, sizeof(*keep));
	size_t kept;

	if (keep == NULL)
		abort();
	kept = tr_route_filter_apply(f, routes.items, routes.count, keep);
	if (kept > routes.count)
		abort();
	for (size_t i = 0; i < routes.count; i++) {
		const struct tr_route *r = &routes.items[i];

		if (!keep[i])
			continue;
		kept--;
		for (int k = 0; k < TR_MATCH__COUNT; k++)
			if (f->has_match[k] && k != TR_MATCH_LONGEST && !key_holds(k, &f->match[k], &r->destination))
				abort();
		if (f->type && strcmp(f->type, r->is_static ? "Static" : "Propagated") != 0)
			abort();
		if (f->id_count == 0 && f->name_count == 0) {
			const char *status = f->status ? f->status : "Active";

			if (strcmp(status, "All") != 0 && strcmp(status, r->status) != 0)
				abort();
		} else if (!r->is_static) {
			abort();
		}
		if (f->has_match[TR_MATCH_LONGEST]) {
			/* for some value the route holds, no kept route holds it more precisely
			 * (a longer one would have been kept for that value as well) */
			bool longest = false;

			for (int v = 0; v < f->match[TR_MATCH_LONGEST].count && !longest; v++) {
				const struct cidr *val = &f->match[TR_MATCH_LONGEST].items[v];
				bool beaten = false;

				if (!cidr_contains(&r->destination, val))
					continue;
				for (size_t j = 0; j < routes.count && !beaten; j++)
					beaten = keep[j] && cidr_contains(&routes.items[j].destination, val) &&
						 routes.items[j].destination.prefix_len > r->destination.prefix_len;
				longest = !beaten;
			}
			if (!longest)
				abort();
		}
	}
	if (kept != 0)
		abort();
	free(keep);
}

static void check_list(const char *name, const char *key, const json_t *response,
		       const struct kvlist *params)
{
	const json_t *items = json_object_get(response, key);
	const json_t *token = json_object_get(response, "NextToken");
	json_int_t max = json_integer_value(json_object_get(response, "MaxResults"));
	json_int_t total = json_integer_value(json_object_get(response, "TotalCount"));
	const char *status = kvlist_get(params, "TransitRouterRouteEntryStatus");
	const json_t *item;
	size_t i;

	if (!json_is_array(items) || !json_is_string(token) || max < 1 || max > 100 ||
	    total < (json_int_t)json_array_size(items) || json_array_size(items) > (size_t)max)
		abort();
	if (strcmp(name, "ListTransitRouterRouteEntries") != 0)
		return;
	json_array_foreach(items, i, item) {
		const char *s = json_string_value(json_object_get(item, "TransitRouterRouteEntryStatus"));

		if (s == NULL || json_string_value(json_object_get(item, "TransitRouterRouteEntryDestinationCidrBlock")) == NULL)
			abort();
		if (kvlist_get(params, "TransitRouterRouteEntryIds.1") == NULL &&
		    kvlist_get(params, "TransitRouterRouteEntryNames.1") == NULL && status && *status &&
		    strcmp(status, "All") != 0 && strcmp(status, s) != 0)
			abort();
	}
}

static const struct {
	const char *action, *key;
} lists[] = {
	{ "ListTransitRouterRouteEntries", "TransitRouterRouteEntries" },
	{ "ListTransitRouterRouteTables", "TransitRouterRouteTables" },
	{ "ListTransitRouterRouteTableAssociations", "TransitRouterAssociations" },
	{ "ListTransitRouterRouteTablePropagations", "TransitRouterPropagations" },
};

static void run_list(const struct kvlist *parsed, size_t which)
{
	const struct action *a = action_find("2017-09-12", lists[which].action);
	struct model_ctx m = { .store = st, .account = "acct", .region = "cn-hangzhou", .cfg = &cfg };
	struct action_ctx ctx;
	struct kvlist params;
	struct vl_err err;

	if (a == NULL)
		abort();
	kvlist_init(&params);
	for (size_t i = 0; i < parsed->len; i++)
		if (kvlist_add_str(&params, parsed->items[i].name, parsed->items[i].value) < 0)
			abort();
	memset(&ctx, 0, sizeof(ctx));
	vl_err_clear(&err);
	ctx.model = &m;
	ctx.err = &err;
	ctx.response = json_object();
	if (action_validate(a, &params, &ctx, &err) == 0 && a->handler(&ctx) == 0)
		check_list(lists[which].action, lists[which].key, ctx.response, &params);
	else
		check_refusal(&err);
	json_decref(ctx.response);
	kvlist_free(&params);
}

/* Copies the input replacing "{T}" by the table ID. */
static char *expand(const uint8_t *data, size_t size, size_t *out_len)
{
	char *out = malloc(size * 8 + 64);
	size_t o = 0;

	if (out == NULL)
		abort();
	for (size_t i = 0; i < size;) {
		if (i + 3 <= size && memcmp(data + i, "{T}", 3) == 0) {
			memcpy(out + o, TABLE, strlen(TABLE));
			o += strlen(TABLE);
			i += 3;
		} else {
			out[o++] = (char)data[i++];
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tr_route_entry_filter filter;
	struct kvlist parsed;
	struct vl_err err;
	size_t len;
	char *text;

	if (st == NULL)
		setup();
	text = expand(data, size, &len);
	kvlist_init(&parsed);
	/* on a malformed escape the pairs decoded before it are still used */
	(void)kvlist_parse_urlencoded(&parsed, text, len);
	free(text);
	if (kvlist_get(&parsed, "TransitRouterRouteTableId") == NULL &&
	    kvlist_add_str(&parsed, "TransitRouterRouteTableId", TABLE) < 0)
		abort();
	vl_err_clear(&err);
	if (h_tr_route_parse_entry_filter(&parsed, &filter, &err) == 0) {
		for (int k = 0; k < TR_MATCH__COUNT; k++)
			if (filter.match[k].count < 0 || filter.match[k].count > TR_ROUTE_FILTER_VALUES_MAX ||
			    (filter.match[k].count > 0) != filter.has_match[k])
				abort();
		if (filter.id_count > TR_ROUTE_LIST_IDS_MAX || filter.name_count > TR_ROUTE_LIST_IDS_MAX ||
		    (filter.id_count > 0 && filter.status))
			abort();
		check_filter(&filter);
	} else {
		check_refusal(&err);
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		run_list(&parsed, i);
	kvlist_free(&parsed);
	return 0;
}
