#ifndef VL_TRANSIT_ROUTER_H
#define VL_TRANSIT_ROUTER_H

#include <jansson.h>
#include <stdbool.h>

#include "cbn.h"
#include "model.h"
#include "tag.h"

/*
 * Enterprise transit routers and their CIDR blocks (CreateTransitRouter, ListTransitRouters,
 * UpdateTransitRouter, DeleteTransitRouter, Create/List/Modify/DeleteTransitRouterCidr).
 * One Enterprise router per CEN and region.  Each router gets its System route table (a
 * tr_route_tables row that follows the router's Creating → Active).  The CIDR blocks give
 * addresses to the tunnels of IPsec connections attached to the router
 * (transit_router_cidr_allocate).
 */

#define TR_CIDRS_MAX 5 /* CIDR blocks per transit router */

struct transit_router_create_args {
	const char *cen_id;
	const char *name;
	const char *description;
	bool support_multicast;
	const char *cidr_list_json; /* TransitRouterCidrList: JSON array of {Cidr, Name, Description, PublishCidrRoute}; NULL: none */
	struct tag_list tags;
};

struct transit_router_filter {
	const char *cen_id;	       /* NULL: any */
	const char *region;	       /* NULL: any */
	const char *transit_router_id; /* NULL: any */
	const char *status;	       /* NULL: any */
	const char *name;	       /* NULL: any */
	const char *type;	       /* NULL: any */
	int multicast;		       /* FeatureFilter Multicast: -1 any, 0 Disabled, 1 Enabled */
	struct tag_list tags;
};

struct transit_router_update_args {
	const char *transit_router_id;
	const char *name;	 /* NULL: unchanged */
	const char *description; /* NULL: unchanged */
};

struct transit_router_cidr {
	char transit_router_cidr_id[64];
	char transit_router_id[64];
	char cidr[20];
	char name[520];
	char description[1040];
	bool publish_cidr_route;
	int64_t created_ms;
};

struct transit_router_cidr_args {
	const char *transit_router_id;
	const char *transit_router_cidr_id; /* modify only */
	const char *cidr;		    /* create: required; modify: NULL unchanged */
	const char *name;		    /* NULL: unchanged / "" */
	const char *description;	    /* NULL: unchanged / "" */
	int publish_cidr_route;		    /* -1: unchanged / default true */
};

/* What stands in the way of deleting a router. */
struct transit_router_dependents {
	int64_t attachments;	    /* VPC and VPN attachments, any status */
	int64_t custom_tables;	    /* tr_route_tables of type Custom */
	int64_t route_entries;	    /* static entries in any of its route tables */
};

/*
 * Creates the CEN's Enterprise router in m->region (Creating, then Active) with its System
 * route table, the CIDR blocks of cidr_list_json and the tags; fills *out.  0 or -1 with err
 * set (nothing changed).
 */
int transit_router_create(struct model_ctx *m, const struct transit_router_create_args *args,
			  struct transit_router *out, struct vl_err *err);

/* The CEN's router in m->region; InvalidOperation.TransitRouterNotExist if none.  0 or -1. */
int transit_router_find(struct model_ctx *m, const char *cen_id, struct transit_router *out,
			struct vl_err *err);

/* True while the router is not Active or has a pending transition. */
bool transit_router_busy(struct model_ctx *m, const struct transit_router *tr);

/*
 * Appends the ListTransitRouters items of rows [offset, offset+limit), newest first, to items
 * (borrowed) and sets *total.  m->region is not used: filter->region selects.  0 or -1.
 */
int transit_router_list(struct model_ctx *m, const struct transit_router_filter *filter,
			int64_t offset, int64_t limit, json_t *items, int64_t *total,
			struct vl_err *err);

/* UpdateTransitRouter (name, description) of an Active router.  0 or -1 with err set. */
int transit_router_update(struct model_ctx *m, const struct transit_router_update_args *args,
			  struct vl_err *err);

/* Counts the router's attachments, custom route tables and route entries.  0 or -1. */
int transit_router_dependents(struct model_ctx *m, const char *transit_router_id,
			      struct transit_router_dependents *out, struct vl_err *err);

/*
 * Starts the removal of a router known to have no dependents: Deleting now, gone when the
 * transition completes (with its System route table and CIDR blocks).  0 or -1.
 */
int transit_router_begin_delete(struct model_ctx *m, const struct transit_router *tr,
				struct vl_err *err);

/* DeleteTransitRouter with the cloud's checks.  0 or -1 with err set. */
int transit_router_delete(struct model_ctx *m, const char *transit_router_id, struct vl_err *err);

/* New reference: the ListTransitRouters item of tr (flat Tags and TransitRouterCidrList). */
json_t *transit_router_to_json(struct model_ctx *m, const struct transit_router *tr);

/* CreateTransitRouterCidr; fills *out.  0 or -1 with err set. */
int transit_router_cidr_create(struct model_ctx *m, const struct transit_router_cidr_args *args,
			       struct transit_router_cidr *out, struct vl_err *err);

/*
 * ListTransitRouterCidr: appends the CidrLists items of the router (only the one given by
 * transit_router_cidr_id when not NULL) to items (borrowed).  0 or -1.
 */
int transit_router_cidr_list(struct model_ctx *m, const char *transit_router_id,
			     const char *transit_router_cidr_id, json_t *items, struct vl_err *err);

/* ModifyTransitRouterCidr.  A block with allocated addresses keeps its Cidr.  0 or -1. */
int transit_router_cidr_modify(struct model_ctx *m, const struct transit_router_cidr_args *args,
			       struct vl_err *err);

/* DeleteTransitRouterCidr; refused while addresses of the block are allocated.  0 or -1. */
int transit_router_cidr_delete(struct model_ctx *m, const char *transit_router_id,
			       const char *transit_router_cidr_id, struct vl_err *err);

/* Number of CIDR blocks of the router (0 or -1 on a store error). */
int64_t transit_router_cidr_count(struct model_ctx *m, const char *transit_router_id);

/*
 * Takes the lowest free host address of the router's CIDR blocks (in the order they were
 * added) for attachment_id / tunnel_id and writes it into out (16 bytes).  Returns 0, or -1
 * with OperationFailed.AllocateCidrFailed when the router has no block or all are full.
 */
int transit_router_cidr_allocate(struct model_ctx *m, const char *transit_router_id,
				 const char *attachment_id, const char *tunnel_id, char *out,
				 size_t size, struct vl_err *err);

/* Gives back every address attachment_id holds.  0 or -1 (store failure). */
int transit_router_cidr_release(struct model_ctx *m, const char *attachment_id);

/* The region of the transit router transit_router_id of m->account: model_region_of. */
int transit_router_region(struct model_ctx *m, const char *transit_router_id, char *region, unsigned long size);

/* The region of the CIDR block transit_router_cidr_id (its router's region) of m->account: model_region_of. */
int transit_router_cidr_region(struct model_ctx *m, const char *transit_router_cidr_id, char *region, unsigned long size);
/*
 * DeleteCen (here, not in cen.c: a CEN goes with its routers, and routers know their
 * CEN): refused while one of its transit routers has attachments, custom route tables
 * or custom route entries, or is itself changing; otherwise the CEN and its (empty) routers
 * go Deleting and disappear when the transition completes.  0 or -1 with err set.
 */
int cen_delete(struct model_ctx *m, const char *cen_id, struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind transit_router_lifecycle;

/* A transit router and its owner, for the data plane compiler. */
struct transit_router_owner {
	char transit_router_id[64];
	char account[64];
	char region[32];
};

/*
 * The transit routers (every account) with at least one Attached attachment, by creation,
 * into *out (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int transit_router_list_attached(struct model_ctx *m, struct transit_router_owner **out, int *count,
				 struct vl_err *err);

#endif
