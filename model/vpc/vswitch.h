#ifndef VL_VSWITCH_H
#define VL_VSWITCH_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "query.h"
#include "tag.h"

struct vswitch {
	char vswitch_id[64];
	char vpc_id[64];
	char region[32];
	char zone_id[64];
	char name[520];
	char description[1040];
	char cidr_block[20];
	char status[16]; /* Pending | Available */
	char resource_group_id[64];
	char route_table_id[64]; /* its custom route table if bound to one, else the VPC's system table */
	bool route_table_custom;  /* route_table_id is a custom table */
	bool is_default;
	int64_t created_ms;
};

struct vswitch_create_args {
	const char *vpc_id;
	const char *zone_id;
	const char *cidr_block;
	const char *name;
	const char *description;
	struct tag_list tags;
};

struct vswitch_filter {
	const char *vpc_id;
	const char *vswitch_id;
	const char *zone_id;
	const char *name;
	const char *resource_group_id;
	int is_default; /* -1: any */
	struct tag_list tags;
};

struct vswitch_modify_args {
	const char *vswitch_id;
	const char *name;
	const char *description;
};

/* Creates a vSwitch (Pending) in an Available VPC of the caller; fills *out. */
int vswitch_create(struct model_ctx *m, const struct vswitch_create_args *args,
		   struct vswitch *out, struct vl_err *err);

/*
 * Loads the caller's vSwitch in m->region into *out: 1, 0 when there is none (err untouched:
 * the caller picks its error), -1 with a store error.
 */
int vswitch_find(struct model_ctx *m, const char *vswitch_id, struct vswitch *out, struct vl_err *err);

/* Loads the caller's vSwitch; InvalidVSwitchId.NotFound if absent. */
int vswitch_get(struct model_ctx *m, const char *vswitch_id, struct vswitch *out,
		struct vl_err *err);

/*
 * Appends up to limit items after the first offset matches to items (borrowed) and sets
 * *total to the number of matches.  Returns 0 or -1.
 */
int vswitch_list(struct model_ctx *m, const struct vswitch_filter *filter, int64_t offset,
		 int64_t limit, json_t *items, int64_t *total, struct vl_err *err);

int vswitch_modify(struct model_ctx *m, const struct vswitch_modify_args *args,
		   struct vl_err *err);

int vswitch_delete(struct model_ctx *m, const char *vswitch_id, struct vl_err *err);

/* New reference: the DescribeVSwitches item. */
json_t *vswitch_to_json(struct model_ctx *m, const struct vswitch *v);

/* The region of the vSwitch vswitch_id of m->account: model_region_of. */
int vswitch_region(struct model_ctx *m, const char *vswitch_id, char *region, unsigned long size);
/* Where a vSwitch is: its block and zone. */
struct vswitch_placement {
	char vswitch_id[64];
	char cidr_block[20];
	char zone_id[64];
};

/*
 * The vSwitches of VPC vpc_id (any account) by creation into *out (malloc'd, caller frees)
 * and *count.  0 or -1 with err.
 */
int vswitch_list_in_vpc(struct model_ctx *m, const char *vpc_id, struct vswitch_placement **out, int *count,
			struct vl_err *err);

/* The zone of vSwitch vswitch_id of any account into zone (size bytes; "" when gone).  0 or -1 with err. */
int vswitch_zone(struct model_ctx *m, const char *vswitch_id, char *zone, size_t size, struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind vswitch_lifecycle;

/*
 * SQL: one column (a literal: "vpc_id", "cidr_block") of the vSwitch whose ID is id_sql (a
 * literal); NULL when there is none.  For other tables' rows that name a vSwitch.
 */
#define VSWITCH_COLUMN_SQL(column, id_sql) "(SELECT " column " FROM vswitches WHERE vswitch_id = " id_sql ")"

/*
 * Route table bindings (AssociateRouteTable): route_table.c checks the request, the rows
 * are kept here with the vSwitch.
 */

/* The number of vSwitches bound to route table route_table_id, or -1 on a store failure. */
int64_t vswitch_count_bound_to(struct model_ctx *m, const char *route_table_id);

/*
 * Binds vswitch_id to route_table_id (bind) or removes that binding, and shows the vSwitch
 * Pending until its lifecycle makes it Available.  0 or -1 with err set.
 */
int vswitch_bind_route_table(struct model_ctx *m, const char *vswitch_id, const char *route_table_id, bool bind,
			     struct vl_err *err);

/*
 * The table that routes traffic entering from vswitch_id: its custom binding, else its
 * VPC's system table.  Writes the ID (64 bytes) and returns 0, or -1 (store failure, none).
 * Not scoped to an account.
 */
int vswitch_route_table_of(struct store *st, const char *vswitch_id, char *route_table_id);

/*
 * Returns a new array of vSwitch IDs (the caller owns it; NULL on a store failure): with
 * system_of_vpc, that VPC's vSwitches bound to no custom table (creation order); else the
 * vSwitches bound to route_table_id (binding order).
 */
json_t *vswitch_ids_routed_by(struct model_ctx *m, const char *system_of_vpc, const char *route_table_id);

/*
 * The vSwitches bound to route table route_table_id into *out (malloc'd, caller frees) and
 * *count, by ID.  0 or -1 with err.
 */
int vswitch_ids_bound_to(struct model_ctx *m, const char *route_table_id, struct model_id **out, int *count,
			 struct vl_err *err);

/*
 * Calls fn(arg, cidr_block, created_ms) for each vSwitch of vpc_id in creation order; fn
 * returns -1 to stop.  Not scoped to an account (route tables are computed for any).
 * Returns 0, or -1 when fn stopped the walk or on a store failure.
 */
int vswitch_for_each_in_vpc(struct store *st, const char *vpc_id,
			    int (*fn)(void *arg, const char *cidr_block, int64_t created_ms), void *arg);

#endif
