#ifndef VL_VSWITCH_H
#define VL_VSWITCH_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
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

#endif
