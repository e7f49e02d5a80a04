/*
 * VPC and VPN attachments of Enterprise transit routers.  Rules and sources:
 * api-docs/research-cen.md §2.4–2.6.
 */
#include "tr_attachment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cen.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "public_ip.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "tr_route.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vswitch.h"

const struct lifecycle_kind tr_attachment_lifecycle = {
	"tr_attachment", "UPDATE tr_attachments SET status=?1 WHERE attachment_id=?2 AND status=?3"
};

#define TRA_COLUMNS                                                                                  \
	"attachment_id, transit_router_id, cen_id, region, resource_type, resource_id, name, description, " \
	"status, auto_publish, created_ms, charge_type"

static void row_to_attachment(struct store_stmt *stmt, struct tr_attachment *a)
{
	memset(a, 0, sizeof(*a));
	/* TRA_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(a->attachment_id), ROW_TEXT(a->transit_router_id),
					   ROW_TEXT(a->cen_id), ROW_TEXT(a->region), ROW_TEXT(a->resource_type),
					   ROW_TEXT(a->resource_id), ROW_TEXT(a->name), ROW_TEXT(a->description),
					   ROW_TEXT(a->status), ROW_BOOL(a->auto_publish), ROW_INT64(a->created_ms),
					   ROW_TEXT(a->charge_type)));
}

static void row_to_attachment_any(struct store_stmt *stmt, void *out)
{
	row_to_attachment(stmt, out);
}

int tr_attachment_find(struct model_ctx *m, const char *attachment_id, bool any_region,
		       struct tr_attachment *out, struct vl_err *err)
{
	memset(out, 0, sizeof(*out));
	if (attachment_id == NULL || attachment_id[0] == '\0')
		return 0;
	return model_find_row(m,
			      any_region ? "SELECT " TRA_COLUMNS " FROM tr_attachments"
					   " WHERE attachment_id=?1 AND account=?2"
					 : "SELECT " TRA_COLUMNS " FROM tr_attachments"
					   " WHERE attachment_id=?1 AND account=?2 AND region=?3",
			      attachment_id, row_to_attachment_any, out, err);
}

int tr_attachment_get(struct model_ctx *m, const char *attachment_id, struct tr_attachment *out,
		      struct vl_err *err)
{
	int found = tr_attachment_find(m, attachment_id, false, out, err);

	if (found == 0)
		return vl_err_set(err, VL_TRA_NOT_FOUND, NULL);
	return found < 0 ? -1 : 0;
}

/* The attachment as an action of one kind sees it: another kind's ID is not found. */
static int get_of_kind(struct model_ctx *m, const char *attachment_id, const char *resource_type,
		       struct tr_attachment *out, struct vl_err *err)
{
	if (tr_attachment_get(m, attachment_id, out, err) < 0)
		return -1;
	if (strcmp(out->resource_type, resource_type) != 0)
		return vl_err_set(err, VL_TRA_NOT_FOUND, NULL);
	return 0;
}

static bool attachment_busy(struct model_ctx *m, const struct tr_attachment *a)
{
	return strcmp(a->status, "Attached") != 0 || lifecycle_busy(m, "tr_attachment", a->attachment_id);
}

int64_t tr_attachment_count(struct model_ctx *m, const char *transit_router_id,
			    const char *resource_type)
{
	if (resource_type == NULL)
		return model_count(m, "SELECT COUNT(*) FROM tr_attachments WHERE transit_router_id=?", transit_router_id,
				NULL);
	return model_count(m, "SELECT COUNT(*) FROM tr_attachments WHERE transit_router_id=? AND resource_type=?",
			transit_router_id, resource_type);
}

static const char *region_code(struct model_ctx *m)
{
	const struct catalog_region *r = catalog_region(m->cfg->catalog, m->region);

	return r ? r->id_code : NULL;
}

static int illegal(struct vl_err *err, const char *param)
{
	char code[96];

	snprintf(code, sizeof(code), "IllegalParam.%s", param);
	return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, code, "The specified %s is illegal.", param);
}

/* ---- zones ---- */

int tr_attachment_collect_zones(const struct cbn_param *params, size_t count, const char *prefix,
				bool vswitches, struct tr_attachment_common_args *out,
				struct vl_err *err)
{
	const struct list_source src = cbn_params_source(params, count);

	return tr_attachment_read_zones(&src, prefix, vswitches, out, err);
}

/*
 * Not list_read: a name with a valid N and any other tail (ZoneMappings.1, ZoneMappings.1x)
 * is ignored here, as undeclared parameters are, where list_read refuses it.
 */
int tr_attachment_read_zones(const struct list_source *params, const char *prefix, bool vswitches,
			     struct tr_attachment_common_args *out, struct vl_err *err)
{
	const char *zone_ids[TR_ZONES_MAX + 1] = { 0 }, *vswitch_ids[TR_ZONES_MAX + 1] = { 0 };
	const char *group = vswitches ? "ZoneMappings" : "Zone";
	size_t plen = strlen(prefix);

	out->zone_count = 0;
	for (size_t i = 0; i < params->count; i++) {
		const char *name = NULL, *value = NULL, *p;
		char *end = NULL;
		long n;

		params->at(params->pairs, i, &name, &value);
		if (name == NULL || strncmp(name, prefix, plen) != 0)
			continue;
		p = name + plen;
		n = (*p >= '1' && *p <= '9') ? strtol(p, &end, 10) : 0;
		if (n < 1 || n > TR_ZONES_MAX)
			return illegal(err, group);
		if (strcmp(end, ".ZoneId") == 0)
			zone_ids[n] = value;
		else if (vswitches && strcmp(end, ".VSwitchId") == 0)
			vswitch_ids[n] = value;
		/* other leaves are not the API's: ignored, as undeclared parameters are */
	}
	for (int n = 1; n <= TR_ZONES_MAX; n++) {
		char code[64];

		if (zone_ids[n] == NULL && vswitch_ids[n] == NULL)
			continue;
		if (zone_ids[n] == NULL || zone_ids[n][0] == '\0' ||
		    (vswitches && (vswitch_ids[n] == NULL || vswitch_ids[n][0] == '\0'))) {
			const char *leaf = (zone_ids[n] == NULL || zone_ids[n][0] == '\0') ? "ZoneId" : "VSwitchId";

			snprintf(code, sizeof(code), "Missing%s.%d.%s", group, n, leaf);
			return vl_err_set_code(err, VL_MISSING_PARAMETER, code, "%s.%d.%s is mandatory for this action.",
					       group, n, leaf);
		}
		out->zones[out->zone_count].zone_id = zone_ids[n];
		out->zones[out->zone_count].vswitch_id = vswitch_ids[n];
		out->zone_count++;
	}
	return 0;
}

/* Every zone in the region's catalogue, none twice.  0 or -1. */
static int check_zones(struct model_ctx *m, const struct tr_attachment_common_args *args, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);

	for (int i = 0; i < args->zone_count; i++) {
		if (catalog_zone(region, args->zones[i].zone_id) == NULL)
			return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.ZoneId",
					       "The specified ZoneId is illegal.");
		for (int j = 0; j < i; j++)
			if (strcmp(args->zones[i].zone_id, args->zones[j].zone_id) == 0)
				return vl_err_set(err, VL_TRA_ZONE_DUPLICATED, NULL);
	}
	return 0;
}

/* ---- shared create steps ---- */

static int check_common(const struct tr_attachment_common_args *args, struct vl_err *err)
{
	if (cbn_check_text(args->name, 128, "TransitRouterAttachmentName", err) < 0 ||
	    cbn_check_text(args->description, 256, "TransitRouterAttachmentDescription", err) < 0)
		return -1;
	if (args->charge_type && strcmp(args->charge_type, "POSTPAY") != 0)
		return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.ChargeType",
				       "The specified ChargeType is illegal.");
	return tag_validate(&args->tags, err);
}

/* An owner ID the caller may name: none, or its own. */
static int check_owner(struct model_ctx *m, const char *owner_id, const char *param, struct vl_err *err)
{
	char own[32];

	if (owner_id == NULL || owner_id[0] == '\0')
		return 0;
	snprintf(own, sizeof(own), "%lld", (long long)model_owner_id(m->account));
	/* connecting another account's network needs grants the emulator does not model */
	return strcmp(own, owner_id) == 0 ? 0 : illegal(err, param);
}

/*
 * The router the attachment goes to: TransitRouterId, or the CEN's router in m->region.
 * *needs_router: no router exists yet for CenId (the VPC action then creates one).
 */
static int resolve_router(struct model_ctx *m, const struct tr_attachment_common_args *args,
			  struct transit_router *tr, struct cen *c, bool *needs_router, struct vl_err *err)
{
	*needs_router = false;
	if (args->transit_router_id && args->transit_router_id[0]) {
		if (transit_router_get(m, args->transit_router_id, tr, err) < 0)
			return -1;
		if (args->cen_id && args->cen_id[0] && strcmp(args->cen_id, tr->cen_id) != 0)
			return illegal(err, "CenId");
		if (cen_get_for_child(m, tr->cen_id, c, err) < 0)
			return -1;
	} else if (args->cen_id && args->cen_id[0]) {
		struct vl_err none;

		if (cen_get_for_child(m, args->cen_id, c, err) < 0)
			return -1;
		if (transit_router_find(m, c->cen_id, tr, &none) < 0) {
			if (none.code != VL_TR_NOT_EXIST) {
				*err = none;
				return -1;
			}
			*needs_router = true;
		}
	} else {
		return vl_err_set(err, VL_TRA_MISSING_CEN_OR_REGION, NULL);
	}
	if (cen_busy(m, c))
		return vl_err_set(err, VL_CEN_STATUS, NULL);
	if (!*needs_router && transit_router_busy(m, tr))
		return vl_err_set(err, VL_TR_INCORRECT_STATUS, NULL);
	return 0;
}

static int insert_attachment(struct model_ctx *m, const struct tr_attachment *a, struct vl_err *err)
{
	return model_run(m, "INSERT INTO tr_attachments(" TRA_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(a->attachment_id), MODEL_TEXT(a->transit_router_id),
				    MODEL_TEXT(a->cen_id), MODEL_TEXT(a->region), MODEL_TEXT(a->resource_type),
				    MODEL_TEXT(a->resource_id), MODEL_TEXT(a->name), MODEL_TEXT(a->description),
				    MODEL_TEXT(a->status), MODEL_INT(a->auto_publish), MODEL_INT(a->created_ms),
				    MODEL_TEXT(a->charge_type), MODEL_TEXT(m->account)),
			 err);
}

static int insert_zone(struct model_ctx *m, const char *attachment_id, const char *zone_id,
		       const char *vswitch_id, const char *eni_id, const char *ip, struct vl_err *err)
{
	return model_run(m,
			 "INSERT INTO tr_attachment_zones(attachment_id, zone_id, vswitch_id, network_interface_id, ip)"
			 " VALUES (?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(attachment_id), MODEL_TEXT(zone_id),
				    MODEL_TEXT(vswitch_id ? vswitch_id : ""), MODEL_TEXT(eni_id ? eni_id : ""),
				    MODEL_TEXT(ip ? ip : "")),
			 err);
}

/* Fills the row fields both kinds share. */
static void fill_common(struct model_ctx *m, const struct tr_attachment_common_args *args,
			const struct transit_router *tr, const char *type, const char *resource_id,
			struct tr_attachment *a)
{
	memset(a, 0, sizeof(*a));
	ids_new(a->attachment_id, sizeof(a->attachment_id), "tr-attach", region_code(m));
	model_copy(a->transit_router_id, sizeof(a->transit_router_id), tr->transit_router_id);
	model_copy(a->cen_id, sizeof(a->cen_id), tr->cen_id);
	model_copy(a->region, sizeof(a->region), tr->region);
	model_copy(a->resource_type, sizeof(a->resource_type), type);
	model_copy(a->resource_id, sizeof(a->resource_id), resource_id);
	model_copy(a->name, sizeof(a->name), args->name);
	model_copy(a->description, sizeof(a->description), args->description);
	model_copy(a->status, sizeof(a->status), "Attaching");
	model_copy(a->charge_type, sizeof(a->charge_type), "POSTPAY");
	a->auto_publish = args->auto_publish;
	a->created_ms = m->now_ms;
}

/* ---- VPC attachments ---- */

struct mapped_vswitch {
	struct vswitch vsw;
	char eni_id[64];
	char ip[16];
};

static int check_vswitches(struct model_ctx *m, const struct tr_vpc_attachment_create_args *args,
			   const struct vpc *vpc, struct mapped_vswitch *mapped, struct vl_err *err)
{
	const struct tr_attachment_common_args *c = &args->common;

	if (c->zone_count == 0)
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingZoneMappings",
				       "ZoneMappings is mandatory for this action.");
	if (check_zones(m, c, err) < 0)
		return -1;
	for (int i = 0; i < c->zone_count; i++) {
		struct vswitch *s = &mapped[i].vsw;

		int found = vswitch_find(m, c->zones[i].vswitch_id, s, err);

		if (found <= 0)
			return found < 0 ? -1 : vl_err_set(err, VL_TRA_VSWITCH_NOT_FOUND, NULL);
		if (strcmp(s->vpc_id, vpc->vpc_id) != 0)
			return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.VSwitchId", "VSwitchId is illegal.");
		if (strcmp(s->zone_id, c->zones[i].zone_id) != 0)
			return vl_err_set_code(err, VL_CEN_ILLEGAL_PARAM, "IllegalParam.ZoneId",
					       "The specified ZoneId is illegal.");
		if (strcmp(s->status, "Available") != 0 || lifecycle_busy(m, "vswitch", s->vswitch_id))
			return vl_err_set(err, VL_TRA_VSWITCH_STATUS, NULL);
	}
	return 0;
}

int tr_vpc_attachment_create(struct model_ctx *m, const struct tr_vpc_attachment_create_args *args,
			     struct tr_attachment *out, struct vl_err *err)
{
	const struct tr_attachment_common_args *c = &args->common;
	struct mapped_vswitch mapped[TR_ZONES_MAX];
	struct transit_router tr;
	struct vpc vpc;
	struct cen cen;
	bool needs_router;

	memset(out, 0, sizeof(*out));
	if (check_common(c, err) < 0 || check_owner(m, args->vpc_owner_id, "VpcOwnerId", err) < 0)
		return -1;
	if (resolve_router(m, c, &tr, &cen, &needs_router, err) < 0)
		return -1;
	if (vpc_get(m, args->vpc_id, &vpc, err) < 0)
		return -1;
	if (strcmp(vpc.status, "Available") != 0 || lifecycle_busy(m, "vpc", vpc.vpc_id))
		return vl_err_set(err, VL_TRA_VPC_STATUS, NULL);
	if (check_vswitches(m, args, &vpc, mapped, err) < 0)
		return -1;
	if (!needs_router && model_count(m, "SELECT COUNT(*) FROM tr_attachments WHERE transit_router_id=? AND resource_id=?",
				      tr.transit_router_id, vpc.vpc_id) != 0)
		return vl_err_set(err, VL_TRA_INSTANCE_EXIST, NULL);
	if (needs_router) {
		/* "the system automatically creates an Enterprise Edition transit router" */
		struct transit_router_create_args tr_args = { .cen_id = cen.cen_id };

		if (transit_router_create(m, &tr_args, &tr, err) < 0)
			return -1;
	}
	fill_common(m, c, &tr, "VPC", vpc.vpc_id, out);
	for (int i = 0; i < c->zone_count; i++) {
		if (public_ip_vswitch_allocate(m, mapped[i].vsw.vswitch_id, mapped[i].vsw.cidr_block, out->attachment_id,
					       "tr-eni", mapped[i].ip, sizeof(mapped[i].ip), err) < 0) {
			if (err->code == VL_VPNGW_VSWITCH_IP_NOT_ENOUGH)
				vl_err_set(err, VL_TRA_IP_NOT_ENOUGH, NULL);
			return -1;
		}
		ids_new(mapped[i].eni_id, sizeof(mapped[i].eni_id), "eni", region_code(m));
	}
	if (insert_attachment(m, out, err) < 0)
		return -1;
	for (int i = 0; i < c->zone_count; i++) {
		if (insert_zone(m, out->attachment_id, c->zones[i].zone_id, mapped[i].vsw.vswitch_id, mapped[i].eni_id,
				mapped[i].ip, err) < 0)
			return -1;
		if (model_usage_add(m, "ref:vswitch", mapped[i].vsw.vswitch_id, 1) < 0)
			return model_store_error(m, err);
	}
	if (model_usage_add(m, "ref:vpc", vpc.vpc_id, 1) < 0)
		return model_store_error(m, err);
	return lifecycle_created_moving(m, "tr_attachment", out->attachment_id, "TransitRouterVpcAttachment", &c->tags,
					"Attaching", "Attached", out->status, sizeof(out->status), err);
}

/* ---- VPN attachments ---- */

/* The tunnels' zones: the request's Zone.N, else the region's first zones (master first). */
static void tunnel_zones(struct model_ctx *m, const struct tr_attachment_common_args *args,
			 const char *zones[2])
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);

	for (int t = 0; t < 2; t++) {
		if (args->zone_count > 0)
			zones[t] = args->zones[t < args->zone_count ? t : 0].zone_id;
		else if (region && region->zone_count > 0)
			zones[t] = region->zones[t < region->zone_count ? t : 0].zone_id;
		else
			zones[t] = "";
	}
}

/* One tunnel address: from the router's CIDR blocks (private) or the public pool. */
static int tunnel_address(struct model_ctx *m, const struct vpn_connection *conn, const char *tr_id,
			  const char *attachment_id, const char *tunnel_id, char *ip, size_t size,
			  struct vl_err *err)
{
	if (strcmp(conn->network_type, "private") == 0)
		return transit_router_cidr_allocate(m, tr_id, attachment_id, tunnel_id, ip, size, err);
	return public_ip_allocate(m, attachment_id, tunnel_id && tunnel_id[0] ? tunnel_id : "tunnel", ip, size, err);
}

static int check_connection(struct model_ctx *m, const struct tr_vpn_attachment_create_args *args,
			    struct vpn_connection *conn, struct vl_err *err)
{
	int found = vpn_connection_find(m, args->vpn_id, conn, err);

	if (found <= 0)
		return found < 0 ? -1 : vl_err_set(err, VL_TRA_VPN_NOT_FOUND, NULL);
	if (conn->vpn_gateway_id[0])
		return vl_err_set(err, VL_TRA_VPN_STATUS, "The IPsec-VPN connection %s is bound to VPN gateway %s.",
				  conn->vpn_connection_id, conn->vpn_gateway_id);
	/* an IPsec connection attaches to at most one transit router */
	if (strcmp(conn->attach_type, "NO_ASSOCIATED") != 0 || strcmp(conn->state, "init") != 0 ||
	    lifecycle_busy(m, "vpn_connection", conn->vpn_connection_id) ||
	    model_count(m, "SELECT COUNT(*) FROM tr_attachments WHERE resource_id=?", conn->vpn_connection_id, NULL) != 0)
		return vl_err_set(err, VL_TRA_VPN_STATUS, "The IPsec-VPN connection %s is already attached to a transit router.",
				  conn->vpn_connection_id);
	return 0;
}

int tr_vpn_attachment_create(struct model_ctx *m, const struct tr_vpn_attachment_create_args *args,
			     struct tr_attachment *out, struct vl_err *err)
{
	const struct tr_attachment_common_args *c = &args->common;
	struct vpn_connection *conn = NULL;
	struct transit_router tr;
	struct cen cen;
	const char *zones[2];
	char ip[16] = "";
	bool needs_router;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (check_common(c, err) < 0 || check_owner(m, args->vpn_owner_id, "VpnOwnerId", err) < 0 ||
	    check_zones(m, c, err) < 0)
		return -1;
	if (resolve_router(m, c, &tr, &cen, &needs_router, err) < 0)
		return -1;
	if (needs_router)
		return vl_err_set(err, VL_TR_NOT_EXIST, NULL);
	if ((conn = malloc(sizeof(*conn))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (check_connection(m, args, conn, err) < 0)
		goto out;
	if (conn->tunnel_count == 0 && c->zone_count == 0) {
		vl_err_set_code(err, VL_CEN_MISSING_PARAM, "MissingParam.ZoneId",
				"Zone.N.ZoneId is mandatory for a single-tunnel IPsec-VPN connection.");
		goto out;
	}
	/* the tunnels' addresses come from the router's CIDR blocks: one must exist */
	if (transit_router_cidr_count(m, tr.transit_router_id) <= 0) {
		vl_err_set(err, VL_TR_CIDR_ALLOCATE_FAILED, "The transit router %s has no CIDR block.",
			   tr.transit_router_id);
		goto out;
	}
	if (tr_attachment_count(m, tr.transit_router_id, "VPN") >= TR_VPN_ATTACHMENTS_MAX) {
		vl_err_set(err, VL_TRA_VPN_QUOTA, NULL);
		goto out;
	}
	fill_common(m, c, &tr, "VPN", conn->vpn_connection_id, out);
	tunnel_zones(m, c, zones);
	if (conn->tunnel_count == 0) {
		if (tunnel_address(m, conn, tr.transit_router_id, out->attachment_id, NULL, ip, sizeof(ip), err) < 0)
			goto out;
	} else {
		for (int t = 0; t < conn->tunnel_count && t < 2; t++) {
			char tunnel_ip[16];

			if (tunnel_address(m, conn, tr.transit_router_id, out->attachment_id, conn->tunnels[t].tunnel_id,
					   tunnel_ip, sizeof(tunnel_ip), err) < 0 ||
			    vpn_connection_set_tunnel_endpoint(m, conn->vpn_connection_id, conn->tunnels[t].tunnel_id,
							       tunnel_ip, zones[t], err) < 0)
				goto out;
			if (t == 0)
				model_copy(ip, sizeof(ip), tunnel_ip); /* the connection shows its master's */
		}
	}
	if (lifecycle_schedule(m, "vpn_connection", conn->vpn_connection_id, "init", "attaching", 0, err) < 0 ||
	    vpn_connection_set_attachment(m, conn->vpn_connection_id, tr.transit_router_id, tr.name, tr.cen_id, ip,
					  zones[0], err) < 0 ||
	    lifecycle_schedule(m, "vpn_connection", conn->vpn_connection_id, "attaching", "attached", -1, err) < 0)
		goto out;
	if (insert_attachment(m, out, err) < 0)
		goto out;
	/* Zones[]: the zones the tunnels use */
	for (int t = 0; t < (conn->tunnel_count ? 2 : 1); t++) {
		if (t == 1 && strcmp(zones[1], zones[0]) == 0)
			break;
		if (zones[t][0] && insert_zone(m, out->attachment_id, zones[t], NULL, NULL, NULL, err) < 0)
			goto out;
	}
	if (lifecycle_created_moving(m, "tr_attachment", out->attachment_id, "TransitRouterVpnAttachment", &c->tags,
				     "Attaching", "Attached", out->status, sizeof(out->status), err) < 0)
		goto out;
	rc = 0;
out:
	free(conn);
	return rc;
}

/* ---- list ---- */

static const struct model_filter_member list_filters[] = {
	MODEL_FILTER_MEMBER("cen_id=?", struct tr_attachment_filter, cen_id),
	MODEL_FILTER_MEMBER("region=?", struct tr_attachment_filter, region),
	MODEL_FILTER_MEMBER("transit_router_id=?", struct tr_attachment_filter, transit_router_id),
	MODEL_FILTER_MEMBER("attachment_id=?", struct tr_attachment_filter, attachment_id),
	MODEL_FILTER_MEMBER("resource_id=?", struct tr_attachment_filter, resource_id),
};

static json_t *attachment_json(struct model_ctx *m, const void *a)
{
	return tr_attachment_to_json(m, a);
}

int tr_attachment_list(struct model_ctx *m, const struct tr_attachment_filter *f, int64_t offset,
		       int64_t limit, json_t *items, int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = TRA_COLUMNS,
		.from = "tr_attachments",
		.order_by = "created_ms DESC, seq DESC",
	};
	static const struct model_record_type attachments = { sizeof(struct tr_attachment), row_to_attachment_any,
							      attachment_json };
	struct model_where where;

	if (f->region && catalog_region(m->cfg->catalog, f->region) == NULL)
		return vl_err_set(err, VL_INVALID_REGION_ID_NOT_FOUND, NULL);
	/* a page holds 100 attachments at the most, whatever the request asks */
	if (limit < 0 || limit > 100)
		limit = 100;
	model_where_init(&where);
	model_where_text(&where, "account=?", m->account);
	/* the action's kind: VPC or VPN */
	model_where_text(&where, "resource_type=?", f->resource_type);
	model_where_members(&where, f, list_filters, sizeof(list_filters) / sizeof(list_filters[0]));
	tag_where(&where, "attachment_id", &f->tags);
	return model_list_records(m, &query, &where, offset, limit, total, &attachments, items, err);
}

/* ZoneMappings[] (VPC) or Zones[] (VPN) of an attachment. */
static json_t *zones_json(struct model_ctx *m, const struct tr_attachment *a, bool vpc)
{
	struct store_stmt *stmt = NULL;
	json_t *list = json_array();
	enum store_step_result r;

	if (store_prepare(m->store,
			  "SELECT zone_id, vswitch_id, network_interface_id FROM tr_attachment_zones"
			  " WHERE attachment_id=? ORDER BY seq",
			  &stmt) < 0) {
		json_decref(list);
		return NULL;
	}
	stmt_bind_text(stmt, 1, a->attachment_id);
	while ((r = stmt_step(stmt)) == STORE_ROW) {
		json_t *o = json_object();

		json_put_str(o, "ZoneId", stmt_text(stmt, 0));
		if (vpc) {
			json_put_str(o, "VSwitchId", stmt_text(stmt, 1));
			json_put_str(o, "NetworkInterfaceId", stmt_text(stmt, 2));
		}
		json_array_append_new(list, o);
	}
	stmt_release(stmt);
	if (r == STORE_FAILED) {
		json_decref(list);
		return NULL;
	}
	return list;
}

json_t *tr_attachment_to_json(struct model_ctx *m, const struct tr_attachment *a)
{
	bool vpc = strcmp(a->resource_type, "VPC") == 0;
	json_t *tags = cbn_tags_flat(m, a->attachment_id), *zones = zones_json(m, a, vpc), *item;
	char created[24];

	if (tags == NULL || zones == NULL) {
		json_decref(tags);
		json_decref(zones);
		return NULL;
	}
	cbn_format_time(a->created_ms, created, sizeof(created));
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("TransitRouterAttachmentId", a->attachment_id),
					  JSON_TEXT("TransitRouterId", a->transit_router_id),
					  JSON_TEXT("CenId", a->cen_id), JSON_TEXT("ResourceType", a->resource_type),
					  JSON_TEXT("Status", a->status), JSON_TEXT("CreationTime", created),
					  JSON_TEXT("TransitRouterAttachmentName", a->name),
					  JSON_TEXT("TransitRouterAttachmentDescription", a->description),
					  JSON_BOOL("AutoPublishRouteEnabled", a->auto_publish),
					  JSON_TEXT("ChargeType", a->charge_type),
					  JSON_TEXT("OrderType", "PayByCenOwner")));
	json_object_set_new_nocheck(item, "Tags", tags);
	if (vpc) {
		json_t *options = json_object();

		json_put_str(item, "VpcId", a->resource_id);
		json_put_int(item, "VpcOwnerId", model_owner_id(m->account));
		json_put_str(item, "VpcRegionId", a->region);
		json_object_set_new_nocheck(item, "ZoneMappings", zones);
		json_put_str(options, "ipv6Support", "disable");
		json_object_set_new_nocheck(item, "TransitRouterVPCAttachmentOptions", options);
	} else {
		json_put_str(item, "VpnId", a->resource_id);
		json_put_int(item, "VpnOwnerId", model_owner_id(m->account));
		json_put_str(item, "VpnRegionId", a->region);
		json_object_set_new_nocheck(item, "Zones", zones);
	}
	return item;
}

/* ---- update ---- */

int tr_attachment_update(struct model_ctx *m, const struct tr_attachment_update_args *args,
			 struct vl_err *err)
{
	struct tr_attachment a;

	if (get_of_kind(m, args->attachment_id, args->resource_type, &a, err) < 0)
		return -1;
	if (cbn_check_text(args->name, 128, "TransitRouterAttachmentName", err) < 0 ||
	    cbn_check_text(args->description, 256, "TransitRouterAttachmentDescription", err) < 0)
		return -1;
	if (attachment_busy(m, &a))
		return vl_err_set(err, VL_TRA_INCORRECT_STATUS, NULL);
	/* auto_publish has INTEGER affinity: "1" and "0" are stored as the numbers */
	const struct model_change changes[] = {
		{ "name", args->name },
		{ "description", args->description },
		{ "auto_publish", args->auto_publish < 0 ? NULL : args->auto_publish ? "1" : "0" },
	};

	return model_update(m, "tr_attachments", "attachment_id", a.attachment_id, changes,
			    sizeof(changes) / sizeof(changes[0]), err);
}

/* ---- delete ---- */

/*
 * What the route-table actions hang on the attachment.  Without force: the cloud's refusal;
 * with force ("all related dependencies are also deleted") they are removed with their
 * pending transitions and tags.
 */
static int dependents(struct model_ctx *m, const struct tr_attachment *a, bool force, struct vl_err *err)
{
	struct tr_route_attachment_links links;
	int64_t vpc_entries;

	if (tr_route_attachment_links(m, a->attachment_id, &links, err) < 0)
		return -1;
	/* a VPC route entry in the customer's own table is not the router's to remove, forced or not */
	if (model_usage_get(m, USAGE_ROUTE_ENTRIES_VIA, a->attachment_id, &vpc_entries) < 0)
		return model_store_error(m, err);
	if (vpc_entries > 0)
		return vl_err_set(err, VL_TRA_ROUTE_ENTRY_EXIST, NULL);
	if (!force) {
		if (links.associations > 0)
			return vl_err_set(err, VL_TRA_ASSOCIATION_EXIST, NULL);
		if (links.propagations > 0)
			return vl_err_set(err, VL_TRA_PROPAGATION_EXIST, NULL);
		if (links.entries > 0)
			return vl_err_set(err, VL_TRA_ROUTE_ENTRY_EXIST, NULL);
		return 0;
	}
	return tr_route_attachment_forget(m, a->attachment_id, err);
}

/* Gives back the vSwitch interfaces and the VPC and vSwitch references. */
static int release_vpc(struct model_ctx *m, const struct tr_attachment *a, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	char vswitches[TR_ZONES_MAX][64];
	int n = 0;

	if (store_prepare(m->store, "SELECT vswitch_id FROM tr_attachment_zones WHERE attachment_id=?", &stmt) < 0)
		return model_store_error(m, err);
	stmt_bind_text(stmt, 1, a->attachment_id);
	while (n < TR_ZONES_MAX && stmt_step(stmt) == STORE_ROW)
		model_copy(vswitches[n++], sizeof(vswitches[0]), stmt_text(stmt, 0));
	stmt_release(stmt);
	for (int i = 0; i < n; i++)
		if (vswitches[i][0] && model_usage_add(m, "ref:vswitch", vswitches[i], -1) < 0)
			return model_store_error(m, err);
	if (model_usage_add(m, "ref:vpc", a->resource_id, -1) < 0 || public_ip_vswitch_release(m, a->attachment_id) < 0)
		return model_store_error(m, err);
	return 0;
}

/* Gives the IPsec connection back (NO_ASSOCIATED, State detaching → init) with its addresses. */
static int release_vpn(struct model_ctx *m, const struct tr_attachment *a, struct vl_err *err)
{
	struct vpn_connection *conn = malloc(sizeof(*conn));
	int rc = -1;

	if (conn == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(m, a->resource_id, conn, err) < 0)
		goto out;
	if (transit_router_cidr_release(m, a->attachment_id) < 0 || public_ip_release(m, a->attachment_id) < 0) {
		model_store_error(m, err);
		goto out;
	}
	for (int t = 0; t < conn->tunnel_count; t++)
		if (vpn_connection_set_tunnel_endpoint(m, conn->vpn_connection_id, conn->tunnels[t].tunnel_id, "", "",
						       err) < 0)
			goto out;
	if (vpn_connection_set_attachment(m, conn->vpn_connection_id, NULL, NULL, NULL, NULL, NULL, err) < 0 ||
	    lifecycle_schedule(m, "vpn_connection", conn->vpn_connection_id, conn->state, "detaching", 0, err) < 0 ||
	    lifecycle_schedule(m, "vpn_connection", conn->vpn_connection_id, "detaching", "init", -1, err) < 0)
		goto out;
	rc = 0;
out:
	free(conn);
	return rc;
}

int tr_attachment_delete(struct model_ctx *m, const char *attachment_id, const char *resource_type,
			 bool force, struct vl_err *err)
{
	bool vpc = strcmp(resource_type, "VPC") == 0;
	struct tr_attachment a;

	if (get_of_kind(m, attachment_id, resource_type, &a, err) < 0)
		return -1;
	if (attachment_busy(m, &a))
		return vl_err_set(err, vpc ? VL_TRA_INCORRECT_STATUS : VL_TRA_RESOURCE_STATUS, NULL);
	if (dependents(m, &a, force, err) < 0)
		return -1;
	if ((vpc ? release_vpc(m, &a, err) : release_vpn(m, &a, err)) < 0)
		return -1;
	if (lifecycle_schedule(m, "tr_attachment", a.attachment_id, "Attached", "Detaching", 0, err) < 0)
		return -1;
	return lifecycle_schedule(m, "tr_attachment", a.attachment_id, "Detaching", "Detached", -1, err);
}

int tr_attachment_region(struct model_ctx *m, const char *attachment_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM tr_attachments WHERE attachment_id=?1 AND account=?2", attachment_id, region, size);
}

int tr_attachment_vpc_of(struct model_ctx *m, const char *attachment_id, char *vpc_id, unsigned long size)
{
	return model_region_of(m, "SELECT resource_id FROM tr_attachments WHERE attachment_id=?1 AND account=?2"
				  " AND resource_type='VPC'",
			       attachment_id, vpc_id, size);
}

/* ---------------------------------------------------------------- for the data plane compiler */

static void fill_dataplane_attachment(struct store_stmt *stmt, void *row)
{
	struct tr_attachment_dataplane *a = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(a->attachment_id), ROW_TEXT(a->resource_type),
					   ROW_TEXT(a->resource_id), ROW_TEXT(a->account), ROW_TEXT(a->region)));
}

int tr_attachment_dataplane_list(struct model_ctx *m, const char *transit_router_id,
				 struct tr_attachment_dataplane **out, int *count, struct vl_err *err)
{
	return model_collect(m,
			     "SELECT attachment_id, resource_type, resource_id, account, region FROM tr_attachments"
			     " WHERE transit_router_id=? AND status='Attached' ORDER BY created_ms, seq",
			     transit_router_id, sizeof(**out), fill_dataplane_attachment, (void **)out, count, err);
}

static void fill_interface(struct store_stmt *stmt, void *row)
{
	struct tr_attachment_interface *i = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(i->zone_id), ROW_TEXT(i->vswitch_id), ROW_TEXT(i->ip)));
}

int tr_attachment_interfaces(struct model_ctx *m, const char *attachment_id, struct tr_attachment_interface **out,
			     int *count, struct vl_err *err)
{
	return model_collect(m,
			     "SELECT zone_id, vswitch_id, ip FROM tr_attachment_zones"
			     " WHERE attachment_id=? AND vswitch_id<>'' AND ip<>'' ORDER BY seq",
			     attachment_id, sizeof(**out), fill_interface, (void **)out, count, err);
}
