#include "route_entry.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "route_table.h"
#include "row_read.h"
#include "tr_attachment.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

const struct lifecycle_kind route_entry_lifecycle = {
	"route_entry", "UPDATE route_entries SET status=?1 WHERE route_entry_id=?2 AND status=?3"
};

/* ---- the effective list of a table ---- */

struct entry_list {
	struct route_entry *items;
	int count, cap;
};

static struct route_entry *list_add(struct entry_list *l)
{
	if (l->count == l->cap) {
		int cap = l->cap ? l->cap * 2 : 16;
		struct route_entry *grown = realloc(l->items, (size_t)cap * sizeof(*grown));

		if (grown == NULL)
			return NULL;
		l->items = grown;
		l->cap = cap;
	}
	memset(&l->items[l->count], 0, sizeof(l->items[0]));
	return &l->items[l->count++];
}

static int list_find(const struct entry_list *l, const char *destination)
{
	for (int i = 0; i < l->count; i++)
		if (strcmp(l->items[i].destination, destination) == 0)
			return i;
	return -1;
}

/*
 * A computed entry's ID: stable (derived from what it comes from, so a listing reads the same
 * twice) and in the cloud's rte- shape.  FNV-1a of the parts, in base 36.
 */
static void computed_id(char *buf, size_t size, const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;
	char digits[24];
	int n = 0;

	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ '|') * 1099511628211ull;
	for (const char *p = b; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	do {
		digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[h % 36];
		h /= 36;
	} while (h && n < (int)sizeof(digits) - 1);
	digits[n] = '\0';
	snprintf(buf, size, "rte-%s", digits);
}

static int add_computed(struct entry_list *l, const char *table_id, const char *destination,
			const char *type, const char *hop_type, const char *hop_id, const char *status,
			const char *description, int64_t modified_ms)
{
	struct route_entry *e = list_add(l);

	if (e == NULL)
		return -1;
	computed_id(e->route_entry_id, sizeof(e->route_entry_id), table_id, destination);
	model_copy(e->route_table_id, sizeof(e->route_table_id), table_id);
	model_copy(e->destination, sizeof(e->destination), destination);
	model_copy(e->type, sizeof(e->type), type);
	model_copy(e->next_hop_type, sizeof(e->next_hop_type), hop_type);
	model_copy(e->next_hop_id, sizeof(e->next_hop_id), hop_id);
	model_copy(e->status, sizeof(e->status), status);
	model_copy(e->description, sizeof(e->description), description);
	e->modified_ms = modified_ms;
	return 0;
}

/* Each CIDR of a comma-separated list (RemoteSubnet), normalised; returns how many. */
static int split_cidrs(const char *text, char out[][20], int max)
{
	char buf[512];
	int n = 0;

	model_copy(buf, sizeof(buf), text);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
		struct cidr c;

		while (*tok == ' ')
			tok++;
		if (cidr_parse(tok, &c))
			cidr_format(&c, out[n++], 20);
	}
	return n;
}

/* What the VPN walks add the gateways' routes toward a VPC to. */
struct vpn_target {
	struct entry_list *l;
	const char *table_id;
};

/* A published destination or policy route: one VPC entry per destination and gateway. */
static int add_published(void *arg, const char *destination, const char *vpn_gateway_id, bool pending,
			 int64_t created_ms)
{
	struct vpn_target *t = arg;

	if (list_find(t->l, destination) >= 0)
		return 0;
	return add_computed(t->l, t->table_id, destination, "Custom", "VpnGateway", vpn_gateway_id,
			    pending ? "Pending" : "Available", "published by the VPN gateway", created_ms);
}

/* The RemoteSubnet routes of a connection of one of the VPC's gateways. */
static int add_remote_subnets(void *arg, const char *remote_subnet, const char *vpn_gateway_id, int64_t created_ms)
{
	struct vpn_target *t = arg;
	char cidrs[16][20];
	int n = split_cidrs(remote_subnet, cidrs, 16);

	for (int i = 0; i < n; i++) {
		if (strcmp(cidrs[i], "0.0.0.0/0") == 0 || list_find(t->l, cidrs[i]) >= 0)
			continue;
		if (add_computed(t->l, t->table_id, cidrs[i], "Custom", "VpnGateway", vpn_gateway_id, "Available",
				 "IPsec connection remote subnet", created_ms) < 0)
			return -1;
	}
	return 0;
}

/* The VPN gateways' routes toward the VPC (system table only): see route_entry.h. */
static int add_vpn_routes(struct store *st, struct entry_list *l, const char *table_id, const char *vpc_id)
{
	struct vpn_target target = { l, table_id };

	if (vpn_route_for_each_published_in_vpc(st, vpc_id, add_published, &target) < 0)
		return -1;
	return vpn_connection_for_each_remote_subnet_in_vpc(st, vpc_id, add_remote_subnets, &target);
}

/* What add_local adds a vSwitch's system entry to. */
struct local_target {
	struct entry_list *l;
	const char *table_id;
};

static int add_local(void *arg, const char *cidr_block, int64_t created_ms)
{
	struct local_target *t = arg;

	return add_computed(t->l, t->table_id, cidr_block, "System", "local", "", "Available", "", created_ms);
}

int route_entry_collect(struct store *st, const char *route_table_id, struct route_entry **out,
			int *count)
{
	struct local_target local;
	struct entry_list l = { 0 };
	struct store_stmt *stmt = NULL;
	char vpc_id[64] = "", type[8] = "";
	int64_t created = 0;

	*out = NULL;
	*count = 0;
	if (route_table_kind(st, route_table_id, vpc_id, type, &created) < 0)
		return -1;
	if (vpc_id[0] == '\0')
		return 0;

	local.l = &l;
	local.table_id = route_table_id;
	if (vswitch_for_each_in_vpc(st, vpc_id, add_local, &local) < 0)
		goto fail;
	if (add_computed(&l, route_table_id, ROUTE_ENTRY_RESERVED_CIDR, "System", "service", "", "Available", "",
			 created) < 0)
		goto fail;

	/* custom entries first into a side list: one of them replaces a VPN route to its destination */
	{
		struct entry_list custom = { 0 };

		if (store_prepare(st, "SELECT route_entry_id, destination, next_hop_type, next_hop_id, name,"
				      " description, status, modified_ms FROM route_entries WHERE route_table_id=?"
				      " ORDER BY created_ms, seq",
				  &stmt) < 0)
			goto fail;
		stmt_bind_text(stmt, 1, route_table_id);
		while (stmt_step(stmt) == STORE_ROW) {
			struct route_entry *e = list_add(&custom);

			if (e == NULL) {
				free(custom.items);
				goto fail;
			}
			model_copy(e->route_entry_id, sizeof(e->route_entry_id), stmt_text(stmt, 0));
			model_copy(e->route_table_id, sizeof(e->route_table_id), route_table_id);
			model_copy(e->destination, sizeof(e->destination), stmt_text(stmt, 1));
			model_copy(e->type, sizeof(e->type), "Custom");
			row_read_columns_at(stmt, 2, ROW_COLUMNS(ROW_TEXT(e->next_hop_type),
					ROW_TEXT(e->next_hop_id), ROW_TEXT(e->name), ROW_TEXT(e->description),
					ROW_TEXT(e->status)));
			e->stored = true;
			e->modified_ms = stmt_int64(stmt, 7);
		}
		stmt_release(stmt);
		stmt = NULL;
		/* mark custom destinations so VPN routes to them are not listed twice */
		for (int i = 0; i < custom.count; i++) {
			struct route_entry *e = list_add(&l);

			if (e == NULL) {
				free(custom.items);
				goto fail;
			}
			*e = custom.items[i];
		}
		free(custom.items);
	}
	if (strcmp(type, "System") == 0) {
		int before = l.count;

		if (add_vpn_routes(st, &l, route_table_id, vpc_id) < 0)
			goto fail;
		/* VPN routes go before the custom entries: the order of the rule list above */
		if (l.count > before) {
			int first_custom = before;

			while (first_custom > 0 && l.items[first_custom - 1].stored)
				first_custom--;
			if (first_custom < before) {
				int vpn = l.count - before, custom = before - first_custom;
				struct route_entry *tmp = malloc((size_t)custom * sizeof(*tmp));

				if (tmp == NULL)
					goto fail;
				memcpy(tmp, &l.items[first_custom], (size_t)custom * sizeof(*tmp));
				memmove(&l.items[first_custom], &l.items[before], (size_t)vpn * sizeof(*tmp));
				memcpy(&l.items[first_custom + vpn], tmp, (size_t)custom * sizeof(*tmp));
				free(tmp);
			}
		}
	}
	*out = l.items;
	*count = l.count;
	return 0;
fail:
	stmt_release(stmt);
	free(l.items);
	return -1;
}

/* ---- JSON ---- */

static json_t *next_hops_json(const struct route_entry *e, bool detailed)
{
	json_t *hop, *list = json_array();

	if (e->next_hop_id[0] == '\0')
		return list;
	hop = json_object();
	json_put_fields(hop, JSON_FIELDS(JSON_TEXT("NextHopType", e->next_hop_type),
			JSON_TEXT("NextHopId", e->next_hop_id), JSON_INT("Enabled", 1), JSON_INT("Weight", 0)));
	if (detailed) {
		json_t *related = json_object();

		json_put_str(hop, "NextHopRegionId", "");
		json_put_str(related, "InstanceId", "");
		json_put_str(related, "InstanceType", "");
		json_put_str(related, "RegionId", "");
		json_object_set_new_nocheck(hop, "NextHopRelatedInfo", related);
	}
	json_array_append_new(list, hop);
	return list;
}

json_t *route_entry_to_json(const struct route_entry *e)
{
	json_t *item = json_object();
	char modified[32];

	model_format_time(e->modified_ms, modified, sizeof(modified));
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("RouteEntryId", e->route_entry_id),
			JSON_TEXT("RouteTableId", e->route_table_id),
			JSON_TEXT("DestinationCidrBlock", e->destination), JSON_TEXT("Type", e->type),
			JSON_TEXT("Status", e->status), JSON_TEXT("RouteEntryName", e->name),
			JSON_TEXT("Description", e->description), JSON_TEXT("IpVersion", "ipv4"),
			JSON_TEXT("GmtModified", modified), JSON_TEXT("Origin", ""),
			JSON_TEXT("ServiceType", "")));
	json_put_wrapped(item, "NextHops", "NextHop", next_hops_json(e, true));
	return item;
}

json_t *route_entry_to_table_json(const struct route_entry *e)
{
	json_t *item = json_object();

	json_put_fields(item, JSON_FIELDS(JSON_TEXT("RouteEntryId", e->route_entry_id),
			JSON_TEXT("RouteTableId", e->route_table_id),
			JSON_TEXT("DestinationCidrBlock", e->destination), JSON_TEXT("Type", e->type),
			JSON_TEXT("Status", e->status), JSON_TEXT("InstanceId", e->next_hop_id),
			JSON_TEXT("NextHopType", e->next_hop_type), JSON_TEXT("RouteEntryName", e->name),
			JSON_TEXT("Description", e->description)));
	json_put_wrapped(item, "NextHops", "NextHop", next_hops_json(e, false));
	return item;
}

/* ---- changes ---- */

/* Checks a next hop for a custom entry of table t: type supported, the caller's, same VPC. */
static int check_next_hop(struct model_ctx *m, const struct route_table *t, const char *type, const char *id,
			  struct vl_err *err)
{
	char vpc[64] = "";
	int found;

	if (type == NULL || (strcmp(type, "VpnGateway") != 0 && strcmp(type, "Attachment") != 0))
		return vl_err_set(err, VL_ROUTE_ENTRY_NEXT_HOP_TYPE, NULL);
	if (id == NULL || id[0] == '\0')
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingNextHopId", "NextHopId is mandatory for this action.");
	found = strcmp(type, "VpnGateway") == 0 ? vpn_gateway_vpc_of(m, id, vpc, sizeof(vpc))
						: tr_attachment_vpc_of(m, id, vpc, sizeof(vpc));
	if (found < 0)
		return model_store_error(m, err);
	if (!found)
		return vl_err_set(err, VL_ROUTE_ENTRY_NEXT_HOP_NOT_FOUND, NULL);
	if (strcmp(vpc, t->vpc_id) != 0)
		return vl_err_set(err, VL_ROUTE_ENTRY_NEXT_HOP_OTHER_VPC, NULL);
	return 0;
}

/* A walk over the VPC's vSwitches that stops at the first one holding destination. */
struct holder {
	const struct cidr *destination;
	bool found;
};

static int find_holder(void *arg, const char *cidr_block, int64_t created_ms)
{
	struct holder *h = arg;
	struct cidr v;

	(void)created_ms;
	if (cidr_parse(cidr_block, &v) && cidr_contains(&v, h->destination)) {
		h->found = true;
		return -1;
	}
	return 0;
}

/*
 * Parses a destination the cloud's way (an address alone is a /32) and checks it against
 * 100.64.0.0/10 and the VPC's vSwitch CIDRs.  Writes the normalised CIDR (20 bytes).
 */
static int check_destination(struct model_ctx *m, const struct route_table *t, const char *text, char *out,
			     struct cidr *c, struct vl_err *err)
{
	struct holder overlap = { 0 };
	struct cidr reserved;
	char buf[32];

	if (text == NULL || strlen(text) > 18)
		return vl_err_set(err, VL_ROUTE_ENTRY_DEST_MALFORMED, NULL);
	snprintf(buf, sizeof(buf), strchr(text, '/') ? "%s" : "%s/32", text);
	if (!cidr_parse(buf, c))
		return vl_err_set(err, VL_ROUTE_ENTRY_DEST_MALFORMED, NULL);
	cidr_format(c, out, 20);
	cidr_parse(ROUTE_ENTRY_RESERVED_CIDR, &reserved);
	if (cidr_contains(&reserved, c))
		return vl_err_set(err, VL_ROUTE_ENTRY_OVERLAPPED, NULL);
	/* the same as or inside a vSwitch CIDR; containing one is allowed */
	overlap.destination = c;
	if (vswitch_for_each_in_vpc(m->store, t->vpc_id, find_holder, &overlap) < 0)
		return overlap.found ? vl_err_set(err, VL_ROUTE_ENTRY_OVERLAPPED, NULL) : model_store_error(m, err);
	return 0;
}

int route_entry_create(struct model_ctx *m, const struct route_entry_create_args *args,
		       struct route_entry *out, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	struct route_entry *entries = NULL;
	struct route_table t;
	struct cidr c;
	int count = 0, custom = 0, rc = -1;

	memset(out, 0, sizeof(*out));
	if (route_table_get(m, args->route_table_id, &t, err) < 0)
		return -1;
	if (strcmp(t.status, "Available") != 0 || lifecycle_busy(m, "route_table", t.route_table_id))
		return vl_err_set(err, VL_ROUTE_TABLE_BIND_INCORRECT_STATUS, NULL);
	if (model_check_name_description(args->name, args->description, "RouteEntry", "route entry", err) < 0)
		return -1;
	if (check_destination(m, &t, args->destination, out->destination, &c, err) < 0)
		return -1;
	if (check_next_hop(m, &t, args->next_hop_type ? args->next_hop_type : "Instance", args->next_hop_id, err) < 0)
		return -1;
	if (route_entry_collect(m->store, t.route_table_id, &entries, &count) < 0)
		return model_store_error(m, err);
	for (int i = 0; i < count; i++) {
		custom += entries[i].stored;
		if (strcmp(entries[i].destination, out->destination) == 0) {
			vl_err_set(err, VL_ROUTE_ENTRY_DUPLICATED, "A route entry already exists, which CIDR is '%s'.",
				   out->destination);
			goto out;
		}
	}
	if (custom >= m->cfg->quotas.route_entries_per_table) {
		vl_err_set(err, VL_ROUTE_ENTRY_QUOTA_EXCEEDED, NULL);
		goto out;
	}

	ids_new(out->route_entry_id, sizeof(out->route_entry_id), "rte", region ? region->id_code : NULL);
	model_copy(out->route_table_id, sizeof(out->route_table_id), t.route_table_id);
	model_copy(out->type, sizeof(out->type), "Custom");
	model_copy(out->next_hop_type, sizeof(out->next_hop_type), args->next_hop_type);
	model_copy(out->next_hop_id, sizeof(out->next_hop_id), args->next_hop_id);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	model_copy(out->status, sizeof(out->status), "Pending");
	out->stored = true;
	out->modified_ms = m->now_ms;
	if (model_run(m,
		      "INSERT INTO route_entries(route_entry_id, account, region, route_table_id,"
		      " destination, dest_first, dest_last, next_hop_type, next_hop_id, name, description,"
		      " status, created_ms, modified_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->route_entry_id), MODEL_TEXT(m->account), MODEL_TEXT(m->region),
				 MODEL_TEXT(out->route_table_id), MODEL_TEXT(out->destination), MODEL_INT(c.addr),
				 MODEL_INT((int64_t)c.addr + (int64_t)cidr_size(&c) - 1),
				 MODEL_TEXT(out->next_hop_type), MODEL_TEXT(out->next_hop_id),
				 MODEL_TEXT(out->name), MODEL_TEXT(out->description), MODEL_TEXT(out->status),
				 MODEL_INT(m->now_ms), MODEL_INT(m->now_ms)),
		      err) < 0 ||
	    lifecycle_start(m, "route_entry", out->route_entry_id, "Pending", "Available", out->status,
			    sizeof(out->status), err) < 0)
		goto out;
	rc = 0;
out:
	free(entries);
	return rc;
}

/*
 * Finds the entry a Delete/Modify names, among the effective entries of the caller's
 * tables: by ID (in route_table_id when given), else by table and destination (and next
 * hop when given).  Fills *e.  0, or -1 with err set.
 */
static int find_entry(struct model_ctx *m, const char *route_table_id, const char *route_entry_id,
		      const char *destination, const char *next_hop_id, struct route_entry *e, struct vl_err *err)
{
	struct route_entry *entries = NULL;
	struct route_table t;
	char table[64] = "", dest[20] = "";
	int count = 0, found = -1;

	if (route_entry_id && route_entry_id[0]) {
		struct store_stmt *stmt = NULL;

		if (store_prepare(m->store, "SELECT route_table_id FROM route_entries WHERE route_entry_id=?1 AND account=?2",
				  &stmt) < 0)
			return model_store_error(m, err);
		stmt_bind_text(stmt, 1, route_entry_id);
		stmt_bind_text(stmt, 2, m->account);
		if (stmt_step(stmt) == STORE_ROW)
			model_copy(table, sizeof(table), stmt_text(stmt, 0));
		stmt_release(stmt);
		/* a computed entry's ID is only known within its table */
		if (table[0] == '\0' && route_table_id)
			model_copy(table, sizeof(table), route_table_id);
		if (table[0] == '\0')
			return vl_err_set(err, VL_ROUTE_ENTRY_NOT_FOUND, NULL);
	} else {
		struct cidr c;
		char buf[32];

		if (route_table_id == NULL || destination == NULL)
			return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingRouteEntryId",
					       "RouteEntryId is mandatory for this action.");
		snprintf(buf, sizeof(buf), strchr(destination, '/') ? "%.20s" : "%.20s/32", destination);
		if (!cidr_parse(buf, &c))
			return vl_err_set(err, VL_ROUTE_ENTRY_NOT_FOUND, NULL);
		cidr_format(&c, dest, sizeof(dest));
		model_copy(table, sizeof(table), route_table_id);
	}
	if (route_table_get(m, table, &t, err) < 0)
		return -1;
	if (route_table_id && strcmp(route_table_id, t.route_table_id) != 0)
		return vl_err_set(err, VL_ROUTE_ENTRY_NOT_FOUND, NULL);
	if (route_entry_collect(m->store, t.route_table_id, &entries, &count) < 0)
		return model_store_error(m, err);
	for (int i = 0; i < count && found < 0; i++) {
		if (route_entry_id && route_entry_id[0] ? strcmp(entries[i].route_entry_id, route_entry_id) == 0
							: strcmp(entries[i].destination, dest) == 0)
			found = i;
	}
	if (found >= 0 && next_hop_id && next_hop_id[0] && strcmp(entries[found].next_hop_id, next_hop_id) != 0)
		found = -1;
	if (found >= 0)
		*e = entries[found];
	free(entries);
	if (found < 0)
		return vl_err_set(err, VL_ROUTE_ENTRY_NOT_FOUND, NULL);
	return 0;
}

/* A stored entry that is Available and idle, else the refusal. */
static int check_changeable(struct model_ctx *m, const struct route_entry *e, struct vl_err *err)
{
	if (!e->stored)
		return vl_err_set(err, VL_ROUTE_ENTRY_SYSTEM, NULL);
	if (strcmp(e->status, "Available") != 0 || lifecycle_busy(m, "route_entry", e->route_entry_id))
		return vl_err_set(err, VL_ROUTE_ENTRY_INCORRECT_STATUS, NULL);
	return 0;
}

int route_entry_delete(struct model_ctx *m, const char *route_table_id, const char *route_entry_id,
		       const char *destination, const char *next_hop_id, struct vl_err *err)
{
	struct route_entry e;

	if (find_entry(m, route_table_id, route_entry_id, destination, next_hop_id, &e, err) < 0 ||
	    check_changeable(m, &e, err) < 0)
		return -1;
	if (model_exec2(m, "UPDATE route_entries SET status='Deleting' WHERE route_entry_id=?1 AND account=?2",
			e.route_entry_id, m->account, err) < 0)
		return -1;
	return lifecycle_schedule(m, "route_entry", e.route_entry_id, "Deleting", "Deleted", -1, err);
}

int route_entry_modify(struct model_ctx *m, const char *route_table_id, const char *route_entry_id,
		       const char *destination, const char *name, const char *description,
		       const char *new_type, const char *new_id, struct vl_err *err)
{
	struct route_entry e;

	if (find_entry(m, route_table_id, route_entry_id, destination, NULL, &e, err) < 0 ||
	    check_changeable(m, &e, err) < 0)
		return -1;
	if (model_check_name_description(name, description, "RouteEntry", "route entry", err) < 0)
		return -1;
	if ((new_type == NULL) != (new_id == NULL))
		return vl_err_set_code(err, VL_MISSING_PARAMETER, new_type ? "MissingNewNextHopId" : "MissingNewNextHopType",
				       "%s is mandatory for this action.", new_type ? "NewNextHopId" : "NewNextHopType");
	if (new_type) {
		struct route_table t;

		if (route_table_get(m, e.route_table_id, &t, err) < 0 || check_next_hop(m, &t, new_type, new_id, err) < 0)
			return -1;
	}
	if (model_run(m,
		      "UPDATE route_entries SET name=COALESCE(?2, name), description=COALESCE(?3, description),"
		      " next_hop_type=COALESCE(?4, next_hop_type), next_hop_id=COALESCE(?5, next_hop_id),"
		      " status=CASE WHEN ?4 IS NULL THEN status ELSE 'Modifying' END, modified_ms=?6"
		      " WHERE route_entry_id=?1",
		      MODEL_ARGS(MODEL_TEXT(e.route_entry_id), MODEL_TEXT(name), MODEL_TEXT(description),
				 MODEL_TEXT(new_type), MODEL_TEXT(new_id), MODEL_INT(m->now_ms)),
		      err) < 0)
		return -1;
	if (new_type)
		return lifecycle_schedule(m, "route_entry", e.route_entry_id, "Modifying", "Available", -1, err);
	return 0;
}

/* ---- DescribeRouteEntryList ---- */

/* The filters that ask for one exact value: where each is in the filter and in the entry. */
#define EXACT_FILTER(member) { offsetof(struct route_entry_filter, member), offsetof(struct route_entry, member) }
static const struct {
	size_t filter_offset;
	size_t entry_offset;
} exact_filters[] = {
	EXACT_FILTER(route_entry_id),
	EXACT_FILTER(destination),
	EXACT_FILTER(name),
	EXACT_FILTER(type),
	EXACT_FILTER(next_hop_id),
	EXACT_FILTER(next_hop_type),
};
#undef EXACT_FILTER

static bool matches(const struct route_entry *e, const struct route_entry_filter *f)
{
	if (f->ip_version && strcasecmp(f->ip_version, "ipv4") != 0)
		return false;
	for (size_t i = 0; i < sizeof(exact_filters) / sizeof(exact_filters[0]); i++) {
		const char *wanted = *(const char *const *)((const char *)f + exact_filters[i].filter_offset);

		if (wanted && strcmp(wanted, (const char *)e + exact_filters[i].entry_offset) != 0)
			return false;
	}
	if (f->destination_count > 0) {
		bool any = false;

		for (int i = 0; i < f->destination_count && !any; i++)
			any = strcmp(f->destinations[i], e->destination) == 0;
		return any;
	}
	return true;
}

int route_entry_list(struct model_ctx *m, const char *route_table_id,
		     const struct route_entry_filter *filter, int64_t offset, int64_t limit,
		     json_t *items, int64_t *total, int64_t *next_offset, struct vl_err *err)
{
	struct route_entry *entries = NULL;
	struct route_table t;
	int count = 0;
	int64_t seen = 0, taken = 0;

	*total = 0;
	*next_offset = -1;
	if (route_table_get(m, route_table_id, &t, err) < 0)
		return -1;
	if (route_entry_collect(m->store, t.route_table_id, &entries, &count) < 0)
		return model_store_error(m, err);
	for (int i = 0; i < count; i++) {
		if (!matches(&entries[i], filter))
			continue;
		if (seen >= offset && taken < limit) {
			json_array_append_new(items, route_entry_to_json(&entries[i]));
			taken++;
		}
		seen++;
	}
	*total = seen;
	if (offset + taken < seen)
		*next_offset = offset + taken;
	free(entries);
	return 0;
}

json_t *route_entry_table_json(struct model_ctx *m, const char *route_table_id)
{
	struct route_entry *entries = NULL;
	json_t *list;
	int count = 0;

	if (route_entry_collect(m->store, route_table_id, &entries, &count) < 0)
		return NULL;
	list = json_array();
	for (int i = 0; i < count; i++)
		json_array_append_new(list, route_entry_to_table_json(&entries[i]));
	free(entries);
	return list;
}
