#ifndef VL_ROUTE_ENTRY_H
#define VL_ROUTE_ENTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/*
 * Entries of VPC route tables (route_table.h).  What a table holds, in this order:
 *   1. System entries, computed: one per vSwitch CIDR of the VPC (next hop type "local")
 *      and 100.64.0.0/10 (next hop type "service"), in every table of the VPC;
 *   2. in the system table only, computed: a VPN gateway's routes toward the VPC — each
 *      destination route published with PublishVpnRouteEntry (PublishVpc=true), and each
 *      RemoteSubnet CIDR of an IPsec connection of the gateway (the routes the cloud adds
 *      and publishes for a connection; 0.0.0.0/0 excepted).  Type Custom, next hop type
 *      VpnGateway; they go when the route is withdrawn or deleted, and cannot be deleted
 *      from the VPC side (withdraw them at the gateway);
 *   3. custom entries (CreateRouteEntry), stored in route_entries; a custom destination
 *      equal to one of 2 replaces it.
 * This list is also what the data-plane compiler builds (dataplane_compile.c), so what
 * DescribeRouteEntryList shows is what the VPC router's kernel does.
 *
 * Custom next hops: VpnGateway (a gateway of the table's VPC) and Attachment (a transit
 * router VPC attachment of the table's VPC; stored and listed, not forwarded until the
 * transit router data plane exists).  Other cloud types are refused (IllegalParam.NextHopType).
 *
 * Lifecycle kind "route_entry": Pending → Available (create), Modifying → Available (next
 * hop change), Deleting → Deleted (row removed by schema 14's trigger).  Quota:
 * m->cfg->quotas.route_entries_per_table custom entries per table (the cloud's 200).
 */

#define ROUTE_ENTRY_RESERVED_CIDR "100.64.0.0/10"
#define ROUTE_ENTRY_DEST_LIST_MAX 20

struct route_entry {
	char route_entry_id[64];
	char route_table_id[64];
	char destination[20];
	char type[8];		  /* System | Custom */
	char next_hop_type[24];	  /* local | service | VpnGateway | Attachment */
	char next_hop_id[64];	  /* "" for local and service */
	char name[520];
	char description[1040];
	char status[16];	  /* Pending | Available | Modifying | Deleting */
	bool stored;		  /* a custom entry of route_entries (deletable) */
	int64_t modified_ms;
};

struct route_entry_create_args {
	const char *route_table_id;
	const char *destination;
	const char *next_hop_type; /* NULL: Instance (the cloud's default; refused) */
	const char *next_hop_id;
	const char *name;	   /* NULL: none */
	const char *description;   /* NULL: none */
};

/* What DescribeRouteEntryList filters on; NULL: any. */
struct route_entry_filter {
	const char *route_entry_id;
	const char *destination;
	const char *name;
	const char *type;	   /* Custom | System | BGP | CEN | ECR */
	const char *next_hop_id;
	const char *next_hop_type;
	const char *ip_version;	   /* ipv4 | ipv6 */
	const char *destinations[ROUTE_ENTRY_DEST_LIST_MAX]; /* DestCidrBlockList.N: any of them */
	int destination_count;
};

/*
 * CreateRouteEntry (and each item of CreateRouteEntries): refuses an unknown table
 * (InvalidRouteTableId.NotFound), a table not Available (IncorrectStatus.RouteTable), a
 * malformed destination (InvalidDestinationCidrBlock.Malformed), one inside 100.64.0.0/10
 * or equal to / inside a vSwitch CIDR (InvalidCidrBlock.Overlapped), a destination already
 * in the table (RouterEntryConflict.Duplicated), an unsupported next hop type
 * (IllegalParam.NextHopType), a next hop that is not the caller's (InvalidNextHopId.NotFound)
 * or not in the table's VPC (OperationFailed.NextHopNotInSameVpc), the quota (QuotaExceeded).
 * Fills *out.  0 or -1 with err set.
 */
int route_entry_create(struct model_ctx *m, const struct route_entry_create_args *args,
		       struct route_entry *out, struct vl_err *err);

/*
 * DeleteRouteEntry: by route_entry_id, or by route_table_id + destination (+ next_hop_id
 * when given).  A computed entry is refused (InvalidRouteEntry.SystemRoute); an entry not
 * Available gives IncorrectRouteEntryStatus; none gives InvalidRouteEntry.NotFound.
 */
int route_entry_delete(struct model_ctx *m, const char *route_table_id, const char *route_entry_id,
		       const char *destination, const char *next_hop_id, struct vl_err *err);

/*
 * ModifyRouteEntry: name / description (NULL: unchanged) at once; a new next hop
 * (new_type and new_id, both or neither) puts the entry in Modifying.  Same refusals as
 * create and delete.
 */
int route_entry_modify(struct model_ctx *m, const char *route_table_id, const char *route_entry_id,
		       const char *destination, const char *name, const char *description,
		       const char *new_type, const char *new_id, struct vl_err *err);

/*
 * Every entry of table t (any account's; the caller has checked access), in the order
 * described above.  *out is malloc'd (caller frees), *count its length.  0 or -1.
 */
int route_entry_collect(struct store *st, const char *route_table_id, struct route_entry **out,
			int *count);

/*
 * DescribeRouteEntryList: the entries of the caller's table matching filter, from offset,
 * at most limit; *next_offset is where the next page starts, or -1 after the last.
 * Appends items to items (borrowed).  0 or -1 (InvalidRouteTableId.NotFound, store).
 */
int route_entry_list(struct model_ctx *m, const char *route_table_id,
		     const struct route_entry_filter *filter, int64_t offset, int64_t limit,
		     json_t *items, int64_t *total, int64_t *next_offset, struct vl_err *err);

/* A new reference: the DescribeRouteEntryList item for e. */
json_t *route_entry_to_json(const struct route_entry *e);

/* A new reference: the DescribeRouteTables RouteEntry item for e. */
json_t *route_entry_to_table_json(const struct route_entry *e);

/* Every entry of the table as DescribeRouteTables shows them (route_table_entries_json_fn): a new array, NULL on a store error. */
json_t *route_entry_table_json(struct model_ctx *m, const char *route_table_id);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind route_entry_lifecycle;

#endif
