#ifndef VL_TR_ATTACHMENT_H
#define VL_TR_ATTACHMENT_H

#include <jansson.h>
#include <stdbool.h>

#include "cbn.h"
#include "model.h"
#include "tag.h"

/*
 * VPC and VPN attachments of Enterprise transit routers (Create/List/Update/Delete
 * TransitRouterVpcAttachment(s), …VpnAttachment(s)).  Attaching → Attached through the
 * lifecycle engine (kind "tr_attachment"); a delete moves Attached → Detaching and the row
 * disappears when that transition completes (schema/008_cbn_core.sql).
 *
 * References kept while an attachment exists (released when its delete is accepted):
 *   VPC: usage "ref:vswitch"/<vSwitch> +1 per mapped vSwitch, "ref:vpc"/<VPC> +1, one
 *        interface address in each mapped vSwitch (vswitch_ips, owner = attachment ID).
 *   VPN: the IPsec connection (AttachType CEN, State attaching → attached), one address per
 *        tunnel from the router's CIDR blocks (private connections) or the public pool
 *        (public connections).
 */

#define TR_ZONES_MAX 10		       /* ZoneMappings.N / Zone.N */
#define TR_VPN_ATTACHMENTS_MAX 50      /* IPsec connections per transit router (cloud quota) */

struct tr_zone {
	const char *zone_id;
	const char *vswitch_id; /* VPC attachments; NULL for VPN zones */
};

/* Fields shared by both create actions; strings borrowed from the request. */
struct tr_attachment_common_args {
	const char *transit_router_id; /* or cen_id (+ m->region) */
	const char *cen_id;
	const char *name;
	const char *description;
	const char *charge_type; /* NULL: POSTPAY */
	bool auto_publish;
	struct tag_list tags;
	struct tr_zone zones[TR_ZONES_MAX];
	int zone_count;
};

struct tr_vpc_attachment_create_args {
	struct tr_attachment_common_args common;
	const char *vpc_id;
	const char *vpc_owner_id; /* NULL: the caller */
};

struct tr_vpn_attachment_create_args {
	struct tr_attachment_common_args common;
	const char *vpn_id;	  /* an unbound IPsec connection (CreateVpnAttachment) */
	const char *vpn_owner_id; /* NULL: the caller */
};

struct tr_attachment_filter {
	const char *resource_type;	 /* VPC | VPN */
	const char *cen_id;		 /* NULL: any */
	const char *region;		 /* NULL: any */
	const char *transit_router_id;	 /* NULL: any */
	const char *attachment_id;	 /* NULL: any */
	const char *resource_id;	 /* VpcId; NULL: any */
	struct tag_list tags;
};

struct tr_attachment_update_args {
	const char *attachment_id;
	const char *resource_type; /* VPC | VPN: the action's kind */
	const char *name;	   /* NULL: unchanged */
	const char *description;   /* NULL: unchanged */
	int auto_publish;	   /* -1: unchanged */
};

/*
 * Builds zones from ZoneMappings.N.ZoneId / .VSwitchId (prefix "ZoneMappings.", vswitches
 * true) or Zone.N.ZoneId (prefix "Zone.", vswitches false), N = 1..TR_ZONES_MAX, in N order.
 * Pointers borrow from params.  Returns 0 or -1 with err set (N out of range, a leaf
 * unknown or missing).
 */
int tr_attachment_read_zones(const struct list_source *params, const char *prefix, bool vswitches,
			     struct tr_attachment_common_args *out, struct vl_err *err);

/* tr_attachment_read_zones over an array of count name/value pairs. */
int tr_attachment_collect_zones(const struct cbn_param *params, size_t count, const char *prefix,
				bool vswitches, struct tr_attachment_common_args *out,
				struct vl_err *err);

/* CreateTransitRouterVpcAttachment; fills *out.  0 or -1 with err set (nothing changed). */
int tr_vpc_attachment_create(struct model_ctx *m, const struct tr_vpc_attachment_create_args *args,
			     struct tr_attachment *out, struct vl_err *err);

/* CreateTransitRouterVpnAttachment; fills *out.  0 or -1 with err set (nothing changed). */
int tr_vpn_attachment_create(struct model_ctx *m, const struct tr_vpn_attachment_create_args *args,
			     struct tr_attachment *out, struct vl_err *err);

/*
 * Appends the List…Attachments items of rows [offset, offset+limit), newest first, to
 * items (borrowed) and sets *total.  m->region is not used: filter->region selects.
 */
int tr_attachment_list(struct model_ctx *m, const struct tr_attachment_filter *filter,
		       int64_t offset, int64_t limit, json_t *items, int64_t *total,
		       struct vl_err *err);

/* Update…AttachmentAttribute of an Attached attachment.  0 or -1 with err set. */
int tr_attachment_update(struct model_ctx *m, const struct tr_attachment_update_args *args,
			 struct vl_err *err);

/*
 * Delete…Attachment (resource_type VPC | VPN).  Without force, refused while the
 * attachment is associated with a route table, propagates to one, or is the next hop of a
 * route entry; with force those go with it.  0 or -1 with err set.
 */
int tr_attachment_delete(struct model_ctx *m, const char *attachment_id, const char *resource_type,
			 bool force, struct vl_err *err);

/* Number of attachments of a transit router (any kind and status), -1 on a store error. */
int64_t tr_attachment_count(struct model_ctx *m, const char *transit_router_id,
			    const char *resource_type);

/* New reference: the List…Attachments item of a. */
json_t *tr_attachment_to_json(struct model_ctx *m, const struct tr_attachment *a);

/* The region of the transit router attachment attachment_id of m->account: model_region_of. */
int tr_attachment_region(struct model_ctx *m, const char *attachment_id, char *region, unsigned long size);

/*
 * The VPC of the caller's VPC attachment attachment_id into vpc_id (size bytes).  1, 0
 * when the caller has no such VPC attachment, -1 on a store failure.
 */
int tr_attachment_vpc_of(struct model_ctx *m, const char *attachment_id, char *vpc_id, unsigned long size);

/* An Attached attachment as the data plane compiler needs it (any account). */
struct tr_attachment_dataplane {
	char attachment_id[64];
	char resource_type[8]; /* VPC | VPN */
	char resource_id[64];  /* VPC ID, or IPsec connection ID */
	char account[64];
	char region[32];
};

/*
 * The Attached attachments of transit_router_id (any account: the compiler reads every
 * one), by creation, into *out (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int tr_attachment_dataplane_list(struct model_ctx *m, const char *transit_router_id,
				 struct tr_attachment_dataplane **out, int *count, struct vl_err *err);

/* A VPC attachment's interface in one mapped vSwitch (its ENI address). */
struct tr_attachment_interface {
	char zone_id[64];
	char vswitch_id[64];
	char ip[16];
};

/*
 * The interfaces of VPC attachment attachment_id, in ZoneMappings order, into *out
 * (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int tr_attachment_interfaces(struct model_ctx *m, const char *attachment_id, struct tr_attachment_interface **out,
			     int *count, struct vl_err *err);

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind tr_attachment_lifecycle;

#endif
