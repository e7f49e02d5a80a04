#ifndef VL_VPC_H
#define VL_VPC_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "tag.h"

/* A VPC row; strings are NUL-terminated copies. */
struct vpc {
	char vpc_id[64];
	char region[32];
	char name[520];
	char description[1040];
	char cidr_block[20];
	char status[16]; /* Pending | Available */
	char vrouter_id[64];
	char route_table_id[64];
	char resource_group_id[64];
	bool is_default;
	int64_t created_ms;
};

struct vpc_create_args {
	const char *cidr_block; /* NULL: 172.16.0.0/12 */
	const char *name;
	const char *description;
	const char *resource_group_id;
	struct tag_list tags;
};

struct vpc_filter {
	const char *vpc_ids; /* comma-separated, up to 20 */
	const char *name;
	const char *resource_group_id;
	int is_default; /* -1: any */
	struct tag_list tags;
};

struct vpc_modify_args {
	const char *vpc_id;
	const char *name;	 /* NULL: unchanged */
	const char *description; /* NULL: unchanged */
	const char *cidr_block;	 /* NULL: unchanged */
};

/* Creates a VPC (status Pending) with its vRouter and system route table; fills *out. */
int vpc_create(struct model_ctx *m, const struct vpc_create_args *args, struct vpc *out,
	       struct vl_err *err);

/* Loads the caller's VPC; InvalidVpcId.NotFound if absent or another account's. */
int vpc_get(struct model_ctx *m, const char *vpc_id, struct vpc *out, struct vl_err *err);

/*
 * Appends one JSON item per matching VPC, up to limit after the first offset matches, to
 * items (borrowed array) and sets *total to the number of matches.  Returns 0 or -1.
 */
int vpc_list(struct model_ctx *m, const struct vpc_filter *filter, int64_t offset,
	     int64_t limit, json_t *items, int64_t *total, struct vl_err *err);

int vpc_modify(struct model_ctx *m, const struct vpc_modify_args *args, struct vl_err *err);

/* Deletes an Available VPC without dependents. */
int vpc_delete(struct model_ctx *m, const char *vpc_id, struct vl_err *err);

/* Returns a new reference: the DescribeVpcs item for v. */
json_t *vpc_to_json(struct model_ctx *m, const struct vpc *v);

/* The region of the VPC vpc_id of m->account: model_region_of. */
int vpc_region(struct model_ctx *m, const char *vpc_id, char *region, unsigned long size);

/*
 * Returns a new reference: the DescribeVpcAttribute answer for v, without RequestId and
 * without AssociatedCens (transit-router attachments: the caller adds them).
 */
json_t *vpc_attribute_json(struct model_ctx *m, const struct vpc *v);
/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind vpc_lifecycle;

/* The system route table of VPC vpc_id of any account into table_id (64 bytes; "" when gone).  0 or -1 with err. */
int vpc_system_route_table(struct model_ctx *m, const char *vpc_id, char *table_id, struct vl_err *err);

/* SQL: one column (a literal) of the VPC whose ID is id_sql (a literal); for other tables' rows. */
#define VPC_COLUMN_SQL(column, id_sql) "(SELECT " column " FROM vpcs WHERE vpc_id = " id_sql ")"

/* SQL: the system route table of the VPC whose ID is id_sql (a literal); for its vSwitches' rows. */
#define VPC_SYSTEM_ROUTE_TABLE_SQL(id_sql) VPC_COLUMN_SQL("route_table_id", id_sql)

#endif
