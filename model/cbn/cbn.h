#ifndef VL_CBN_H
#define VL_CBN_H

#include <jansson.h>
#include <stdbool.h>

#include "list.h"
#include "model.h"

/*
 * CEN / Enterprise transit routers (CBN API 2017-09-12): the records other CBN files share.
 * Tables: schema/007_cbn.sql.  CEN instances are global (region ""), the rest regional.
 * Lifecycle kinds (each defined by its model file): cen, transit_router, tr_attachment, tr_route_table,
 * tr_association, tr_propagation, tr_route_entry.
 * The records below keep their meaning for the route-table code (tr_route.c).
 */
struct transit_router {
	char transit_router_id[64];
	char cen_id[64];
	char region[32];
	char name[520];
	char description[1040];
	char type[16];	 /* Enterprise */
	char status[16]; /* Creating | Active | Modifying | Deleting */
	int64_t created_ms;
	bool support_multicast;
};

struct tr_attachment {
	char attachment_id[64];
	char transit_router_id[64];
	char cen_id[64];
	char region[32];
	char resource_type[8]; /* VPC | VPN */
	char resource_id[64];  /* VPC ID, or IPsec connection ID */
	char name[520];
	char description[1040];
	char status[16]; /* Attaching | Attached | Detaching */
	bool auto_publish;
	int64_t created_ms;
	char charge_type[16]; /* POSTPAY */
};

/* The caller's transit router in m->region; the cloud's NotFound (HTTP 400 in CBN) if absent. */
int transit_router_get(struct model_ctx *m, const char *transit_router_id,
		       struct transit_router *out, struct vl_err *err);

/*
 * Looks the caller's attachment (VPC or VPN) up: in m->region, or in any of the account's
 * regions when any_region (route tables are CBN-central).  Returns 1 with *out, 0 when
 * there is none (the caller picks its error code), or -1 with err set to a store error.
 */
int tr_attachment_find(struct model_ctx *m, const char *attachment_id, bool any_region,
		       struct tr_attachment *out, struct vl_err *err);

/* The caller's attachment (VPC or VPN) in m->region; the cloud's NotFound if absent. */
int tr_attachment_get(struct model_ctx *m, const char *attachment_id, struct tr_attachment *out,
		      struct vl_err *err);

/* ---- helpers the CBN files share (implemented in cbn.c) ---- */

/* A request parameter passed through undeclared (Filter.N.*, ZoneMappings.N.*, Zone.N.*). */
struct cbn_param {
	const char *name;
	const char *value;
};

/* count pairs as a list_source (borrows params). */
struct list_source cbn_params_source(const struct cbn_param *params, size_t count);

/* CBN's time format, minutes only: 2021-03-15T09:39Z.  buf: at least 20 bytes. */
void cbn_format_time(int64_t ms, char *buf, unsigned long size);

/*
 * The rule CBN applies to names and descriptions: empty, or 1..max characters not starting
 * with http:// or https://.  NULL (not given) passes.  On failure err is IllegalParam.<param>.
 * Returns 0 or -1.
 */
int cbn_check_text(const char *value, long max, const char *param, struct vl_err *err);

/* New reference: the resource's tags as CBN's flat list [{"Key":…,"Value":…}]; NULL on error. */
json_t *cbn_tags_flat(struct model_ctx *m, const char *resource_id);

#endif
