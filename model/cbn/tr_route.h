#ifndef VL_TR_ROUTE_H
#define VL_TR_ROUTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cidr.h"
#include "model.h"
#include "query.h"
#include "tag.h"

/*
 * Route tables, associations, propagations and route entries of Enterprise transit routers
 * (CBN API 2017-09-12).  Tables: schema/007_cbn.sql (+ 009_tr_route.sql).  Rules and their
 * sources: api-docs/research-tr-route.md.
 *
 * Only static entries are stored.  Propagated entries are computed when read
 * (tr_route_compute) from the Active propagations into the table: a VPC attachment
 * contributes its VPC's system routes (one per vSwitch CIDR), a VPN attachment each
 * RemoteSubnet CIDR of its IPsec connection.  Then, per destination:
 *   1. a static entry wins; propagated routes to the same destination are Rejected;
 *   2. else a VPC-learned route wins (the first propagation enabled); further VPC-learned
 *      routes are Rejected (learned routes may not overlap), VPN-learned ones Standby;
 *   3. else VPN-learned routes are ECMP: the first TR_ROUTE_ECMP_MAX (in the order their
 *      propagations were enabled) are Active, the rest Candidate.
 *
 * Lifecycle kinds (defined here): tr_route_table (Creating → Active), tr_association
 * (Associating → Active, Dissociating → Deleted), tr_propagation (Enabling → Active,
 * Disabling → Deleted), tr_route_entry (Creating → Active, Deleting → Deleted); the
 * triggers of schema/009_tr_route.sql remove a row the moment it reaches Deleted.
 *
 * Everything is scoped to m->account.  CBN is a central service: apart from
 * tr_route_table_create (whose region is the transit router's, m->region) nothing here
 * reads m->region; resource IDs are unique across regions.
 */

#define TR_ROUTE_ECMP_MAX 16 /* IPsec connections in one ECMP group per TR: 16, not adjustable */
/* QuotaExceeded.TransitRouterRoutEntry: static entries per route table (model_quotas
 * tr_route_entries_per_table once it exists; the cloud's number is not published) */
/* quota: m->cfg->quotas.tr_route_entries_per_table (default 1000) */
#define TR_ROUTE_LIST_IDS_MAX 20	 /* TransitRouterRouteTableIds.N, …Names.N, …EntryIds.N */
#define TR_ROUTE_FILTER_VALUES_MAX 500 /* RouteFilter.N.Value.M per key */

/* ---------------------------------------------------------------- route tables */

struct tr_route_table {
	char route_table_id[64];
	char transit_router_id[64];
	char region[32];
	char type[16]; /* System | Custom */
	char name[520];
	char description[1040];
	char status[16]; /* Creating | Active | Deleting */
	char multi_region_ecmp[16]; /* enable | disable */
	int64_t created_ms;
};

/* CreateTransitRouterRouteTable; strings borrowed, NULL: not given. */
struct tr_route_table_create_args {
	const char *transit_router_id;
	const char *name;
	const char *description;
	const char *multi_region_ecmp; /* NULL: disable */
	struct tag_list tags;
};

/* UpdateTransitRouterRouteTable; NULL leaves a field as it is. */
struct tr_route_table_update_args {
	const char *route_table_id;
	const char *name;
	const char *description;
	const char *multi_region_ecmp;
};

/* ListTransitRouterRouteTables filters; NULL / 0: any.  Strings borrowed. */
struct tr_route_table_filter {
	const char *transit_router_id;
	const char *type;   /* System | Custom */
	const char *status; /* Creating | Active | Deleting */
	const char *multi_region_ecmp;
	const char *ids[TR_ROUTE_LIST_IDS_MAX];
	int id_count;
	const char *names[TR_ROUTE_LIST_IDS_MAX];
	int name_count;
	struct tag_list tags;
};

/*
 * Creates a custom route table (Creating, then Active) on the caller's transit router in
 * m->region.  The router must be Active (IncorrectStatus.TransitRouterInstance).  Fills
 * *out.  Returns 0 or -1 with err set (nothing changed).
 */
int tr_route_table_create(struct model_ctx *m, const struct tr_route_table_create_args *args,
			  struct tr_route_table *out, struct vl_err *err);

/* Loads the caller's route table; InvalidTransitRouterRouteTableId.NotFound (400) if absent. */
int tr_route_table_get(struct model_ctx *m, const char *route_table_id, struct tr_route_table *out,
		       struct vl_err *err);

/* Changes name, description or MultiRegionECMP of an Active table.  0 or -1 with err set. */
int tr_route_table_update(struct model_ctx *m, const struct tr_route_table_update_args *args,
			  struct vl_err *err);

/*
 * Deletes a custom table that has no association, propagation or static entry (in that
 * order of checks, each with its OperationFailed.DeleteRouteTableWith* code).  The System
 * table cannot be deleted.  0 or -1 with err set.
 */
int tr_route_table_delete(struct model_ctx *m, const char *route_table_id, struct vl_err *err);

/*
 * Appends the ListTransitRouterRouteTables items of rows [offset, offset+limit) to items
 * (borrowed array) and sets *total.  Returns 0 or -1 with err set.
 */
int tr_route_table_list(struct model_ctx *m, const struct tr_route_table_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err);

/* New reference: the ListTransitRouterRouteTables item for t (tags read from the store). */
json_t *tr_route_table_to_json(struct model_ctx *m, const struct tr_route_table *t);

/* ---------------------------------------------------------------- associations, propagations */

/* ListTransitRouterRouteTableAssociations / …Propagations filters; NULL: any. */
struct tr_route_link_filter {
	const char *route_table_id;
	const char *attachment_id;
	const char *resource_id;   /* the attachment's VPC or IPsec connection */
	const char *resource_type; /* VPC | VBR | TR | VPN */
	const char *status;
};

/*
 * AssociateTransitRouterAttachmentWithRouteTable: the attachment forwards by this table
 * (Associating, then Active).  One association per attachment; attachment and table on the
 * same transit router; the attachment Attached and the table Active.  0 or -1 with err set.
 */
int tr_route_associate(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
		       struct vl_err *err);

/* DissociateTransitRouterAttachmentFromRouteTable: Dissociating, then gone. */
/*
 * ReplaceTransitRouterRouteTableAssociation: moves the attachment's Active association to
 * another Active table of its router (Associating, then Active).  Refused without an Active
 * association (IncorrectStatus.AttachmentOrRouteTable) or to the table it has
 * (OperationFailed.RouteTableAssociationExist).  0 or -1 with err set.
 */
int tr_route_replace_association(struct model_ctx *m, const char *attachment_id,
				 const char *route_table_id, struct vl_err *err);

int tr_route_dissociate(struct model_ctx *m, const char *attachment_id, const char *route_table_id,
			struct vl_err *err);

/* EnableTransitRouterRouteTablePropagation: Enabling, then Active (routes appear). */
int tr_route_enable_propagation(struct model_ctx *m, const char *attachment_id,
				const char *route_table_id, struct vl_err *err);

/* DisableTransitRouterRouteTablePropagation: Disabling, then gone (routes disappear at once). */
int tr_route_disable_propagation(struct model_ctx *m, const char *attachment_id,
				 const char *route_table_id, struct vl_err *err);

/*
 * The answers of ListTransitRouterRouteTableAssociations (propagations false) and
 * …Propagations (true): rows [offset, offset+limit) appended to items, *total set.
 * With f->route_table_id set for propagations the table must exist.  0 or -1.
 */
int tr_route_link_list(struct model_ctx *m, bool propagations, const struct tr_route_link_filter *f,
		       int64_t offset, int64_t limit, json_t *items, int64_t *total, struct vl_err *err);

/* ---------------------------------------------------------------- route entries */

struct tr_route_entry_create_args {
	const char *route_table_id;
	const char *destination;   /* TransitRouterRouteEntryDestinationCidrBlock */
	const char *next_hop_type; /* Attachment | BlackHole */
	const char *next_hop_id;   /* an attachment of the same transit router */
	const char *name;
	const char *description;
};

/* DeleteTransitRouterRouteEntry: by ID, or by table + destination (+ next hop). */
struct tr_route_entry_key {
	const char *route_entry_id;
	const char *route_table_id;
	const char *destination;
	const char *next_hop_type;
	const char *next_hop_id;
};

/*
 * Creates a static entry (Creating, then Active) and writes its ID into entry_id (64
 * bytes).  One static entry per destination and table; at most quotas.tr_route_entries_per_table
 * entries (not Deleting) per table.  0 or -1 with err set.
 */
int tr_route_entry_create(struct model_ctx *m, const struct tr_route_entry_create_args *args,
			  char *entry_id, size_t size, struct vl_err *err);

/* Deletes a static entry (Deleting, then gone).  0 or -1 with err set. */
/*
 * UpdateTransitRouterRouteEntry: the name and description (NULL: unchanged) of an Active
 * static entry of the caller.  Unknown or propagated entries are
 * IllegalParam.TransitRouterRouteEntryId; one still Creating is Operation.Blocking.
 */
int tr_route_entry_update(struct model_ctx *m, const char *route_entry_id, const char *name,
			  const char *description, struct vl_err *err);

int tr_route_entry_delete(struct model_ctx *m, const struct tr_route_entry_key *key,
			  struct vl_err *err);

/* RouteFilter.N.Key values, in the order the parser reports errors for them. */
enum tr_route_match {
	TR_MATCH_EXACT,	    /* PrefixExactMatchCidrs */
	TR_MATCH_LONGEST,   /* LongestPrefixMatchCidrs: per value, the longest prefixes holding it */
	TR_MATCH_SUBNET_OF, /* SubnetOfMatchCidrs: destinations inside a value (or equal) */
	TR_MATCH_SUPERNET_OF, /* SupernetOfMatchCidrs: destinations holding a value (or equal) */
	TR_MATCH__COUNT,
};

struct tr_route_cidr_set {
	int count;
	struct cidr items[TR_ROUTE_FILTER_VALUES_MAX];
};

/*
 * ListTransitRouterRouteEntries filters.  Strings borrowed; NULL: any.  status NULL means
 * the default Active, "All" every status.  With ids or names only static entries match and
 * the status filter does not apply (the two exclude each other).
 */
struct tr_route_entry_filter {
	const char *route_table_id;
	const char *ids[TR_ROUTE_LIST_IDS_MAX];
	int id_count;
	const char *names[TR_ROUTE_LIST_IDS_MAX];
	int name_count;
	bool has_destination; /* the deprecated TransitRouterRouteEntryDestinationCidrBlock */
	struct cidr destination;
	const char *status;
	const char *type; /* Static | Propagated */
	const char *next_hop_type;
	const char *next_hop_id;
	const char *next_hop_resource_id;
	const char *next_hop_resource_type;
	const char *origin_resource_id;
	const char *origin_resource_type;
	const char *prefix_list_id; /* no prefix lists exist: any value is refused */
	bool has_match[TR_MATCH__COUNT];
	struct tr_route_cidr_set match[TR_MATCH__COUNT];
};

/* One route of a table as ListTransitRouterRouteEntries shows it. */
struct tr_route {
	char entry_id[64];  /* static only */
	struct cidr destination;
	bool is_static;
	char status[16];    /* Creating | Active | Deleting | Rejected | Standby | Candidate */
	char next_hop_type[16]; /* Attachment | BlackHole */
	char next_hop_id[64];   /* attachment; "" for BlackHole */
	char next_hop_resource_id[64];
	char next_hop_resource_type[8]; /* VPC | VPN */
	char origin_id[64];
	char origin_type[8];	     /* VPC | VPN | TR */
	char origin_route_type[16]; /* System | Static | BlackHole */
	char *name;		     /* static only; owned by the set */
	char *description;	     /* static only; owned by the set */
	int64_t created_ms;
	int rank;  /* preference class: 0 static, 1 VPC-learned, 2 VPN-learned */
	long order; /* tie-break: position of the static entry / propagation in creation order */
};

/* Routes of one table: items[count], sorted by destination then preference. */
struct tr_route_set {
	struct tr_route *items;
	size_t count, capacity;
};

/*
 * Computes every route of route_table_id (static and propagated) with its status by the
 * preference rules above, in one pass: three indexed queries, no per-route query.  The
 * caller checked the table is the caller's.  *out must be zeroed; free with
 * tr_route_set_free.  Returns 0 or -1 with err set.
 */
int tr_route_compute(struct model_ctx *m, const char *route_table_id, struct tr_route_set *out,
		     struct vl_err *err);

void tr_route_set_free(struct tr_route_set *set);

/*
 * Applies f to routes (sorted as tr_route_compute leaves them): keep[i] is set for the
 * routes that match.  Pure; the LongestPrefixMatch filter is evaluated among the routes
 * that pass every other filter.  Returns how many are kept.
 */
size_t tr_route_filter_apply(const struct tr_route_entry_filter *f, const struct tr_route *routes,
			     size_t count, bool *keep);

/*
 * ListTransitRouterRouteEntries: the table must be the caller's; rows [offset,
 * offset+limit) of the matching routes are appended to items and *total set.  0 or -1.
 */
int tr_route_entry_list(struct model_ctx *m, const struct tr_route_entry_filter *f, int64_t offset,
			int64_t limit, json_t *items, int64_t *total, struct vl_err *err);

/* New reference: the ListTransitRouterRouteEntries item of r. */
json_t *tr_route_to_json(const struct tr_route *r);

/* ---------------------------------------------------------------- for the attachment model */

/*
 * For DeleteTransitRouter*Attachment with Force: removes every row of this model that
 * refers to the attachment (association, propagations, static entries pointing at it),
 * their pending transitions and the entries' tags.  0 or -1 with err set.
 */
int tr_route_attachment_forget(struct model_ctx *m, const char *attachment_id, struct vl_err *err);

/* Writes a CBN CreateTime ("2021-03-15T09:39Z", UTC, minutes) for ms into buf (32 bytes). */
void tr_route_format_time(int64_t ms, char *buf, size_t size);

/* The region of the route table route_table_id of m->account: model_region_of. */
int tr_route_table_region(struct model_ctx *m, const char *route_table_id, char *region, unsigned long size);

/* The region of the route entry route_entry_id (its table's region) of m->account: model_region_of. */
int tr_route_entry_region(struct model_ctx *m, const char *route_entry_id, char *region, unsigned long size);
/* What the route tables hang on an attachment (its delete refuses, or forces them away). */
struct tr_route_attachment_links {
	int64_t associations;
	int64_t propagations;
	int64_t entries; /* route entries whose next hop is the attachment */
};

/* Counts the rows that hang on attachment_id into *out.  0, or -1 with a store error. */
int tr_route_attachment_links(struct model_ctx *m, const char *attachment_id,
			      struct tr_route_attachment_links *out, struct vl_err *err);

/* ---------------------------------------------------------------- for the data plane compiler */

/*
 * The route tables of transit_router_id (any account), by creation, into *out (malloc'd,
 * caller frees) and *count.  0 or -1 with err.
 */
int tr_route_table_ids_of_router(struct model_ctx *m, const char *transit_router_id, struct model_id **out,
				 int *count, struct vl_err *err);

/*
 * The route table attachment_id forwards by: its Active association's table into
 * table_id (64 bytes), "" when it has none.  0 or -1 with err.
 */
int tr_route_active_association(struct model_ctx *m, const char *attachment_id, char *table_id,
				struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind tr_route_table_lifecycle;
extern const struct lifecycle_kind tr_association_lifecycle;
extern const struct lifecycle_kind tr_propagation_lifecycle;
extern const struct lifecycle_kind tr_route_entry_lifecycle;

#endif
