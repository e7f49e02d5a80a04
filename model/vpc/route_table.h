#ifndef VL_ROUTE_TABLE_H
#define VL_ROUTE_TABLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "query.h"
#include "tag.h"

/*
 * VPC route tables (Vpc 2016-04-28): the System table every VPC has from its creation
 * (schema/014_route_tables.sql creates its row with the VPC) and Custom tables made by
 * CreateRouteTable and bound to vSwitches with AssociateRouteTable.  A vSwitch without a
 * binding uses its VPC's system table.  Entries: route_entry.h.
 *
 * Lifecycle kind "route_table": Pending → Available on create, Deleting → Deleted (the row
 * goes, schema 14's trigger).  AssociateRouteTable / UnassociateRouteTable move the vSwitch
 * Pending → Available (kind "vswitch"), as the cloud documents (DescribeVSwitchAttributes
 * shows Pending while the binding changes).
 *
 * Quotas: m->cfg->quotas.route_tables_per_vpc custom tables per VPC (the cloud's 9); each
 * custom table holds usage "ref:vpc" on its VPC so DeleteVpc refuses while one exists.
 */

struct route_table {
	char route_table_id[64];
	char region[32];
	char vpc_id[64];
	char vrouter_id[64];
	char type[8];	 /* System | Custom */
	char name[520];
	char description[1040];
	char status[16]; /* Pending | Available | Deleting */
	char resource_group_id[64];
	int64_t created_ms;
};

struct route_table_create_args {
	const char *vpc_id;
	const char *name;	    /* NULL: none */
	const char *description;    /* NULL: none */
	const char *associate_type; /* NULL or "VSwitch"; "Gateway" is refused (not emulated) */
	struct tag_list tags;
};

/* Both list actions' filters; NULL / -1: not filtered. */
struct route_table_filter {
	const char *vpc_id;
	const char *route_table_id;
	const char *route_table_name;
	const char *route_table_type; /* System | Custom */
	const char *router_id;	      /* the VPC's vRouter (vrt-…) */
	const char *router_type;      /* VRouter matches every table; anything else none */
	const char *resource_group_id;
	struct tag_list tags;
};

/*
 * CreateRouteTable: a Custom table (Pending) in the caller's Available VPC.  Refuses an
 * unknown VPC (InvalidVpcId.NotFound), a VPC not Available (IncorrectVpcStatus), malformed
 * name / description, AssociateType Gateway, the quota (QuotaExceeded.RouteTable).
 * Fills *out.  0 or -1 with err set.
 */
int route_table_create(struct model_ctx *m, const struct route_table_create_args *args,
		       struct route_table *out, struct vl_err *err);

/* Loads the caller's table; InvalidRouteTableId.NotFound if absent or another account's. */
int route_table_get(struct model_ctx *m, const char *route_table_id, struct route_table *out,
		    struct vl_err *err);

/*
 * DeleteRouteTable: a Custom, Available table without bound vSwitches and without custom
 * entries.  The system table is refused; so is a busy one (IncorrectRouteTableStatus).
 */
int route_table_delete(struct model_ctx *m, const char *route_table_id, struct vl_err *err);

/* ModifyRouteTableAttributes: name and/or description (NULL: unchanged), either table. */
int route_table_modify(struct model_ctx *m, const char *route_table_id, const char *name,
		       const char *description, struct vl_err *err);

/*
 * AssociateRouteTable (bind) / UnassociateRouteTable (unbind): a vSwitch of the table's VPC
 * and a Custom, Available table; the vSwitch must be Available.  Binding a vSwitch already
 * bound to a custom table, or unbinding one that is not bound to this table, is refused.
 */
int route_table_bind(struct model_ctx *m, const char *route_table_id, const char *vswitch_id,
		     bool bind, struct vl_err *err);

/* A table's entries as DescribeRouteTables shows them: a new array, NULL on a store error. */
typedef json_t *(*route_table_entries_json_fn)(struct model_ctx *m, const char *route_table_id);

/*
 * DescribeRouteTableList (entries_json NULL: its RouterTableListType items) and
 * DescribeRouteTables (entries_json = route_entry_table_json; passed in because route_entry.c
 * depends on this file: RouteTable items with every entry of the table, as the Terraform
 * provider reads them).  Appends the page's items to items (borrowed) and sets *total.
 * Unknown IDs give an empty page, as the cloud answers.  0 or -1.
 */
int route_table_list(struct model_ctx *m, const struct route_table_filter *filter,
		     route_table_entries_json_fn entries_json, int64_t offset, int64_t limit, json_t *items, int64_t *total,
		     struct vl_err *err);

/*
 * The region of the caller's route table route_table_id (the action rows' region lookup
 * when a request names a table but no RegionId): 1 found (region filled, size bytes), 0 no
 * such table of m->account, -1 store failure.
 */
int route_table_region(struct model_ctx *m, const char *route_table_id, char *region, unsigned long size);

/* True when route_table_id is a Custom table (false for System, unknown or a store failure). */

/*
 * The table that routes traffic entering from vswitch_id: its custom binding, else its
 * VPC's system table.  Writes the ID (64 bytes) and returns 0, or -1 on a store failure.
 * Not scoped to an account (the compiler uses it for every account).
 */
int route_table_of_vswitch(struct store *st, const char *vswitch_id, char *route_table_id);

/*
 * Reads route table route_table_id's VPC (64 bytes), type (8 bytes: System | Custom) and
 * creation time.  Returns 1, 0 when there is no such table, -1 on a store failure.  Not
 * scoped to an account (the compiler computes every account's tables).
 */
int route_table_kind(struct store *st, const char *route_table_id, char *vpc_id, char *type, int64_t *created_ms);

/*
 * The Custom route tables of VPC vpc_id (any account) by creation into *out (malloc'd,
 * caller frees) and *count.  0 or -1 with err.
 */
int route_table_custom_ids_in_vpc(struct model_ctx *m, const char *vpc_id, struct model_id **out, int *count,
				  struct vl_err *err);

/*
 * The vSwitches bound to route table route_table_id into *out (malloc'd, caller frees) and
 * *count.  0 or -1 with err.
 */
int route_table_bound_vswitches(struct model_ctx *m, const char *route_table_id, struct model_id **out, int *count,
				struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind route_table_lifecycle;

#endif
