/*
 * vpnlab lab extensions: emulated branch sites, lab hosts and tunnel faults (no cloud
 * equivalent).  Rules in lab.h; the data plane reads these rows in dataplane_compile.c.
 * Errors use the cloud's style: Missing<Name>/Invalid<Name> (400) for bad input, the
 * resource's NotFound (404) for unknown IDs.
 */
#include "lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "customer_gateway.h"
#include "ids.h"
#include "ipsec_config.h"
#include "json_fields.h"
#include "public_ip.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "vpn_connection.h"
#include "vswitch.h"

#define HOST_ROLE "lab-host" /* vswitch_ips.role of a lab host's address */

const char *const lab_override_keys[] = {
	"VpnConnectionId", "TunnelId", "Psk", "IkeVersion", "IkeEncAlg", "IkeAuthAlg", "IkePfs",
	"IpsecEncAlg", "IpsecAuthAlg", "IpsecPfs", NULL,
};

static int missing(struct vl_err *err, const char *param)
{
	char code[128];

	snprintf(code, sizeof(code), "Missing%s", param);
	return vl_err_set_code(err, VL_MISSING_PARAMETER, code, "%s is mandatory for this action.", param);
}

static int invalid(struct vl_err *err, const char *param, const char *why)
{
	char code[128];

	snprintf(code, sizeof(code), "Invalid%s", param);
	if (why)
		return vl_err_set_code(err, VL_INVALID_PARAMETER, code, "Specified parameter %s is not valid: %s",
				       param, why);
	return vl_err_set_code(err, VL_INVALID_PARAMETER, code, "Specified parameter %s is not valid.", param);
}

static const char *region_code(struct model_ctx *m)
{
	const struct catalog_region *r = m->cfg && m->cfg->catalog ? catalog_region(m->cfg->catalog, m->region) : NULL;

	return r ? r->id_code : NULL;
}

/* ---- addresses ---- */

/* The address back_from_end before the end of block cidr, which has at least min_size addresses. */
static bool address_from_end(const char *cidr, uint64_t min_size, uint32_t back_from_end, char *out, size_t size)
{
	struct cidr c;

	if (!cidr_parse(cidr, &c) || cidr_size(&c) < min_size)
		return false;
	public_ip_format((uint32_t)(c.addr + cidr_size(&c) - back_from_end), out, size);
	return true;
}

bool lab_vswitch_gateway_ip(const char *cidr, char *out, size_t size)
{
	return address_from_end(cidr, 8, 3, out, size);
}

bool lab_lan_address(const char *lan_cidr, uint32_t index, char *out, size_t size)
{
	struct cidr c;

	if (!cidr_parse(lan_cidr, &c) || index >= cidr_size(&c))
		return false;
	public_ip_format(c.addr + index, out, size);
	return true;
}

bool lab_site_router_ip(const char *lan_cidr, char *out, size_t size)
{
	return address_from_end(lan_cidr, 4, 2, out, size);
}

/* RFC 1918 blocks: a branch LAN is private. */
static bool private_cidr(const struct cidr *c)
{
	static const char *const blocks[] = { "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16" };
	struct cidr b;

	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (cidr_parse(blocks[i], &b) && cidr_contains(&b, c))
			return true;
	return false;
}

/* Runs sql with ?1 = a, ?2 = b (NULL binds NULL); *found = it has a row.  0 or -1 (store). */
static int exists(struct model_ctx *m, const char *sql, const char *a, const char *b, bool *found, struct vl_err *err)
{
	int r = model_exists(m, sql, a, b, NULL);

	*found = r > 0;
	return r < 0 ? model_store_error(m, err) : 0;
}

/* ---- overrides ---- */

/* Does connection c use customer gateway cgw_id (itself or one of its tunnels)? */
static bool uses_cgw(const struct vpn_connection *c, const char *cgw_id)
{
	if (!c->dual_tunnel)
		return strcmp(c->customer_gateway_id, cgw_id) == 0;
	for (int i = 0; i < c->tunnel_count; i++)
		if (strcmp(c->tunnels[i].customer_gateway_id, cgw_id) == 0)
			return true;
	return false;
}

static bool in_list(const char *id, const char *const *ids, int count)
{
	for (int i = 0; i < count; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* One override field: which setter checks it, under which API key. */
struct override_field {
	const char *key;
	bool phase2;
	int field; /* enum ipsec_ike_field or enum ipsec_phase2_field */
	size_t offset;
};

#define OV(key, p2, f, member) { key, p2, f, offsetof(struct lab_override, member) }
static const struct override_field override_fields[] = {
	OV("Psk", false, IKE_F_PSK, psk),
	OV("IkeVersion", false, IKE_F_VERSION, ike_version),
	OV("IkeEncAlg", false, IKE_F_ENC_ALG, ike_enc_alg),
	OV("IkeAuthAlg", false, IKE_F_AUTH_ALG, ike_auth_alg),
	OV("IkePfs", false, IKE_F_PFS, ike_pfs),
	OV("IpsecEncAlg", true, P2_F_ENC_ALG, ipsec_enc_alg),
	OV("IpsecAuthAlg", true, P2_F_AUTH_ALG, ipsec_auth_alg),
	OV("IpsecPfs", true, P2_F_PFS, ipsec_pfs),
};
#undef OV
#define OVERRIDE_FIELD_COUNT (sizeof(override_fields) / sizeof(override_fields[0]))

static const char *override_value(const struct lab_override *o, const struct override_field *f)
{
	return *(const char *const *)((const char *)o + f->offset);
}

/* Sets one field through the cloud's own setter (same values, same codes).  0 or -1. */
static int override_set(const struct override_field *f, const char *value, struct ipsec_ike_config *ike,
			struct ipsec_phase2_config *p2, const char *param, struct vl_err *err)
{
	if (f->phase2)
		return ipsec_phase2_set(p2, (enum ipsec_phase2_field)f->field, value, param, err);
	return ipsec_ike_set(ike, (enum ipsec_ike_field)f->field, value, param, err);
}

/*
 * Checks override n (1-based, for the parameter names) against the site's customer
 * gateways and appends its stored form to out.  Returns 0 or -1 with err set.
 */
static int check_override(struct model_ctx *m, int n, const struct lab_override *o, const char *const *cgw_ids,
			  int cgw_count, json_t *out, struct vl_err *err)
{
	struct vpn_connection *c = NULL;
	struct ipsec_ike_config ike;
	struct ipsec_phase2_config p2;
	char param[96];
	json_t *item = NULL;
	int settings = 0, rc = -1;

	snprintf(param, sizeof(param), "Overrides.%d.VpnConnectionId", n);
	if (text_empty(o->vpn_connection_id))
		return missing(err, param);
	if ((c = malloc(sizeof(*c))) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(m, o->vpn_connection_id, c, err) < 0)
		goto out;
	if (c->vpn_gateway_id[0] == '\0') {
		invalid(err, param, "the connection is not bound to a VPN gateway.");
		goto out;
	}
	item = json_object();
	json_put_str(item, "VpnConnectionId", c->vpn_connection_id);
	if (!text_empty(o->tunnel_id)) {
		int t = -1;

		for (int i = 0; i < c->tunnel_count; i++)
			if (strcmp(c->tunnels[i].tunnel_id, o->tunnel_id) == 0)
				t = i;
		if (t < 0) {
			vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND,
				   "The specified tunnel (Overrides.%d.TunnelId) does not exist.", n);
			goto out;
		}
		if (!in_list(c->tunnels[t].customer_gateway_id, cgw_ids, cgw_count)) {
			snprintf(param, sizeof(param), "Overrides.%d.TunnelId", n);
			invalid(err, param, "the tunnel does not end at a customer gateway of this site.");
			goto out;
		}
		json_put_str(item, "TunnelId", o->tunnel_id);
	} else {
		bool any = false;

		for (int i = 0; i < cgw_count; i++)
			any = any || uses_cgw(c, cgw_ids[i]);
		if (!any) {
			invalid(err, param, "the connection does not use a customer gateway of this site.");
			goto out;
		}
	}
	ipsec_ike_defaults(&ike);
	ipsec_phase2_defaults(&p2);
	for (size_t i = 0; i < OVERRIDE_FIELD_COUNT; i++) {
		const char *v = override_value(o, &override_fields[i]);

		if (v == NULL)
			continue;
		snprintf(param, sizeof(param), "Overrides.%d.%s", n, override_fields[i].key);
		/* an empty PSK would mean "not set" to the setter; here it would mean nothing */
		if (*v == '\0') {
			invalid(err, param, NULL);
			goto out;
		}
		if (override_set(&override_fields[i], v, &ike, &p2, param, err) < 0)
			goto out;
		json_put_str(item, override_fields[i].key, v);
		settings++;
	}
	if (settings == 0) {
		snprintf(param, sizeof(param), "Overrides.%d", n);
		invalid(err, param, "an override changes at least one of Psk, IkeVersion, IkeEncAlg, IkeAuthAlg, "
				    "IkePfs, IpsecEncAlg, IpsecAuthAlg, IpsecPfs.");
		goto out;
	}
	json_array_append(out, item);
	rc = 0;
out:
	json_decref(item);
	free(c);
	return rc;
}

int lab_overrides_apply(const json_t *overrides, struct vpn_connection_config *cfg)
{
	const json_t *item;
	size_t i;
	int changed = 0;

	/* connection-wide entries first, so an entry naming a tunnel has the last word */
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(overrides, i, item) {
			const char *conn = json_string_value(json_object_get(item, "VpnConnectionId"));
			const char *tunnel = json_string_value(json_object_get(item, "TunnelId"));

			if (conn == NULL || strcmp(conn, cfg->vpn_connection_id) != 0 ||
			    (pass == 0) != (tunnel == NULL))
				continue;
			for (int t = 0; t < cfg->tunnel_count; t++) {
				struct vpn_connection_config_tunnel *tun = &cfg->tunnels[t];

				if (tunnel && strcmp(tunnel, tun->tunnel_id) != 0)
					continue;
				for (size_t f = 0; f < OVERRIDE_FIELD_COUNT; f++) {
					const char *v =
						json_string_value(json_object_get(item, override_fields[f].key));
					struct vl_err ignored;

					/* values were checked when the site was created */
					if (v && override_set(&override_fields[f], v, &tun->ike, &tun->ipsec,
							      "Overrides", &ignored) == 0)
						changed++;
				}
			}
		}
	}
	return changed;
}

/* ---- sites ---- */

/* Checks one customer gateway for a new site.  0 or -1 with err set. */
static int check_device_cgw(struct model_ctx *m, const char *id, struct customer_gateway *g, struct vl_err *err)
{
	bool found;

	if (customer_gateway_get(m, id, g, err) < 0)
		return -1;
	if (exists(m, "SELECT 1 FROM lab_site_devices WHERE customer_gateway_id=?", id, NULL, &found, err) < 0)
		return -1;
	if (found)
		return vl_err_set(err, VL_LAB_CGW_IN_USE, "The customer gateway %s is already a device of a site.", id);
	/* the underlay is shared by every account: one address, one box */
	if (exists(m,
		   "SELECT 1 FROM lab_site_devices d"
		   " WHERE " CUSTOMER_GATEWAY_IP_SQL("d.customer_gateway_id") "=?",
		   g->ip_address, NULL, &found, err) < 0)
		return -1;
	if (!found && public_ip_pool_holds(m, g->ip_address, &found) < 0)
		return model_store_error(m, err);
	if (found)
		return vl_err_set(err, VL_LAB_IP_IN_USE,
				  "The address %s of customer gateway %s is already in use on the lab's underlay.",
				  g->ip_address, id);
	return 0;
}

static int insert_site(struct model_ctx *m, const char *site_id, const char *lan_cidr, const char *overrides,
		       struct vl_err *err)
{
	return model_run(m,
			 "INSERT INTO lab_sites(site_id, account, region_id, lan_cidr, overrides, created_ms)"
			 " VALUES (?,?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(site_id), MODEL_TEXT(m->account), MODEL_TEXT(m->region),
				    MODEL_TEXT(lan_cidr), MODEL_TEXT(overrides), MODEL_INT(m->now_ms)),
			 err);
}

static int insert_device(struct model_ctx *m, const char *site_id, const char *cgw_id, int index, const char *lan_ip,
			 struct vl_err *err)
{
	const char *sql = "INSERT INTO lab_site_devices(site_id, customer_gateway_id, device_index, lan_ip)"
			  " VALUES (?,?,?,?)";
	enum store_step_result r = model_step_once(
		m->store, sql, MODEL_ARGS(MODEL_TEXT(site_id), MODEL_TEXT(cgw_id), MODEL_INT(index), MODEL_TEXT(lan_ip)),
		NULL, NULL);

	if (r == STORE_CONSTRAINT)
		return vl_err_set(err, VL_LAB_CGW_IN_USE, "The customer gateway %s is already a device of a site.",
				  cgw_id);
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

int lab_site_create(struct model_ctx *m, const struct lab_site_create_args *a, char *site_id, struct vl_err *err)
{
	struct customer_gateway g;
	struct cidr lan;
	json_t *overrides = NULL;
	char *overrides_text = NULL, id[64], lan_ip[16];
	int rc = -1;

	if (text_empty(a->lan_cidr))
		return missing(err, "LanCidr");
	if (!cidr_parse(a->lan_cidr, &lan) || !private_cidr(&lan) || lan.prefix_len < LAB_LAN_PREFIX_MIN ||
	    lan.prefix_len > LAB_LAN_PREFIX_MAX)
		return invalid(err, "LanCidr",
			       "a private IPv4 block (10/8, 172.16/12, 192.168/16) with a mask of 16 to 29.");
	if (a->customer_gateway_count <= 0)
		return missing(err, "CustomerGatewayIds");
	if (a->customer_gateway_count > LAB_SITE_DEVICES_MAX)
		return invalid(err, "CustomerGatewayIds", "a site has 1 to 4 customer gateways.");
	for (int i = 0; i < a->customer_gateway_count; i++) {
		if (text_empty(a->customer_gateway_ids[i]))
			return invalid(err, "CustomerGatewayIds", "an ID is empty.");
		if (in_list(a->customer_gateway_ids[i], a->customer_gateway_ids, i))
			return invalid(err, "CustomerGatewayIds", "a customer gateway is named twice.");
		if (check_device_cgw(m, a->customer_gateway_ids[i], &g, err) < 0)
			return -1;
	}
	if (a->override_count > LAB_OVERRIDES_MAX)
		return invalid(err, "Overrides", "at most 16 overrides.");
	if ((overrides = json_array()) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	for (int i = 0; i < a->override_count; i++) {
		const struct lab_override *o = &a->overrides[i];

		if (check_override(m, i + 1, o, a->customer_gateway_ids, a->customer_gateway_count, overrides, err) < 0)
			goto out;
		/* one entry per connection (and tunnel): two would contradict each other */
		for (int j = 0; j < i; j++) {
			const struct lab_override *p = &a->overrides[j];

			if (strcmp(p->vpn_connection_id, o->vpn_connection_id) == 0 &&
			    strcmp(p->tunnel_id ? p->tunnel_id : "", o->tunnel_id ? o->tunnel_id : "") == 0) {
				char param[32];

				snprintf(param, sizeof(param), "Overrides.%d", i + 1);
				invalid(err, param, "another override names the same connection and tunnel.");
				goto out;
			}
		}
	}
	if ((overrides_text = json_dumps(overrides, JSON_COMPACT)) == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	ids_new(id, sizeof(id), "site", region_code(m));
	if (insert_site(m, id, a->lan_cidr, overrides_text, err) < 0)
		goto out;
	for (int i = 0; i < a->customer_gateway_count; i++) {
		lab_lan_address(a->lan_cidr, (uint32_t)(i + 1), lan_ip, sizeof(lan_ip));
		if (insert_device(m, id, a->customer_gateway_ids[i], i + 1, lan_ip, err) < 0)
			goto out;
	}
	snprintf(site_id, 64, "%s", id);
	rc = 0;
out:
	free(overrides_text);
	json_decref(overrides);
	return rc;
}

/* The devices of a site as Describe lists them. */
static json_t *site_devices_json(struct model_ctx *m, const char *site_id)
{
	struct store_stmt *stmt = NULL;
	json_t *list = json_array();

	if (list == NULL ||
	    store_prepare(m->store,
			  "SELECT d.device_index, d.customer_gateway_id, d.lan_ip,"
			  " COALESCE(" CUSTOMER_GATEWAY_IP_SQL("d.customer_gateway_id") ", '')"
			  " FROM lab_site_devices d WHERE d.site_id=? ORDER BY d.device_index",
			  &stmt) < 0) {
		json_decref(list);
		return NULL;
	}
	stmt_bind_text(stmt, 1, site_id);
	while (stmt_step(stmt) == STORE_ROW) {
		json_t *d = json_object();

		json_put_int(d, "Index", stmt_int64(stmt, 0));
		json_put_str(d, "CustomerGatewayId", stmt_text(stmt, 1));
		json_put_str(d, "LanIp", stmt_text(stmt, 2));
		/* "" once the customer gateway is deleted: the device is then left out of the data plane */
		json_put_str(d, "IpAddress", stmt_text(stmt, 3));
		json_array_append_new(list, d);
	}
	stmt_release(stmt);
	return list;
}

static json_t *site_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	json_t *item = json_object(), *devices = site_devices_json(m, stmt_text(stmt, 0));
	json_t *ov = json_loads(stmt_text(stmt, 3), 0, NULL);

	(void)arg;
	if (item == NULL || devices == NULL) {
		json_decref(item);
		json_decref(devices);
		json_decref(ov);
		return NULL;
	}
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("SiteId", stmt_text(stmt, 0)),
					  JSON_TEXT("RegionId", stmt_text(stmt, 1)),
					  JSON_TEXT("LanCidr", stmt_text(stmt, 2)),
					  JSON_INT("CreateTime", stmt_int64(stmt, 4)),
					  JSON_INT("HostCount", stmt_int64(stmt, 5))));
	json_object_set_new_nocheck(item, "Devices", devices);
	json_object_set_new_nocheck(item, "Overrides", ov ? ov : json_array());
	return item;
}

/* The caller's rows of a lab table (alias "s." in the query) in m->region, with the optional filters. */
static void lab_where(struct model_ctx *m, struct model_where *w, const char *alias, const struct model_filter *filters,
		      size_t count)
{
	model_where_owner(w, m, alias, "region_id");
	model_where_filters(w, filters, count);
}

int lab_site_list(struct model_ctx *m, const char *site_id, int64_t offset, int64_t limit, json_t *items,
		  int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = "s.site_id, s.region_id, s.lan_cidr, s.overrides, s.created_ms,"
			   " (SELECT COUNT(*) FROM lab_hosts h WHERE h.site_id=s.site_id)",
		.from = "lab_sites s",
		.order_by = "s.created_ms, s.seq",
	};
	const struct model_filter filters[] = { { "s.site_id=?", text_empty(site_id) ? NULL : site_id } };
	struct model_where where;

	lab_where(m, &where, "s.", filters, 1);
	return model_list(m, &query, &where, offset, limit, total, site_item, NULL, items, err);
}

/* A site's LAN and device count. */
struct site_lan {
	char lan_cidr[20];
	int devices;
};

static void fill_site_lan(struct store_stmt *stmt, void *out)
{
	struct site_lan *s = out;

	model_copy(s->lan_cidr, sizeof(s->lan_cidr), stmt_text(stmt, 0));
	s->devices = (int)stmt_int64(stmt, 1);
}

/* The caller's site's LAN and device count.  0, or -1 with err (InvalidSiteId.NotFound). */
static int site_get(struct model_ctx *m, const char *site_id, struct site_lan *out, struct vl_err *err)
{
	if (text_empty(site_id))
		return vl_err_set(err, VL_LAB_SITE_NOT_FOUND, NULL);
	return model_get_row(m,
			     "SELECT s.lan_cidr, (SELECT COUNT(*) FROM lab_site_devices d WHERE d.site_id=s.site_id)"
			     " FROM lab_sites s WHERE s.site_id=?1 AND s.account=?2 AND s.region_id=?3",
			     site_id, fill_site_lan, out, VL_LAB_SITE_NOT_FOUND, err);
}

int lab_site_delete(struct model_ctx *m, const char *site_id, struct vl_err *err)
{
	struct site_lan site;

	if (site_get(m, site_id, &site, err) < 0)
		return -1;
	/* devices and hosts go with it (ON DELETE CASCADE); site hosts hold no vSwitch address */
	return model_exec2(m, "DELETE FROM lab_sites WHERE site_id=? AND account=?", site_id, m->account, err);
}

/* ---- hosts ---- */

#define HOST_COLUMNS                                                                           \
	"h.host_id, h.region_id, COALESCE(h.vswitch_id, ''),"                                  \
	" COALESCE(" VSWITCH_COLUMN_SQL("vpc_id", "h.vswitch_id") ", ''), COALESCE(h.site_id, '')," \
	" h.ip_address, h.created_ms,"                                                         \
	" COALESCE(" VSWITCH_COLUMN_SQL("cidr_block", "h.vswitch_id") ", s.lan_cidr, '')"
#define HOST_FROM "lab_hosts h LEFT JOIN lab_sites s ON s.site_id=h.site_id"
#define HOST_SELECT "SELECT " HOST_COLUMNS " FROM " HOST_FROM

static void row_to_host(struct store_stmt *stmt, struct lab_host *h)
{
	struct cidr c;
	const char *cidr = stmt_text(stmt, 7);

	memset(h, 0, sizeof(*h));
	/* HOST_COLUMNS, in order */
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(h->host_id), ROW_TEXT(h->region), ROW_TEXT(h->vswitch_id),
					   ROW_TEXT(h->vpc_id), ROW_TEXT(h->site_id), ROW_TEXT(h->ip_address),
					   ROW_INT64(h->created_ms)));
	if (cidr_parse(cidr, &c))
		h->prefix = c.prefix_len;
	if (h->vswitch_id[0])
		lab_vswitch_gateway_ip(cidr, h->gateway, sizeof(h->gateway));
	else
		lab_site_router_ip(cidr, h->gateway, sizeof(h->gateway));
}

static void row_to_host_any(struct store_stmt *stmt, void *out)
{
	row_to_host(stmt, out);
}

int lab_host_get(struct model_ctx *m, const char *host_id, struct lab_host *out, struct vl_err *err)
{
	if (text_empty(host_id))
		return vl_err_set(err, VL_LAB_HOST_NOT_FOUND, NULL);
	return model_get_row(m, HOST_SELECT " WHERE h.host_id=? AND h.account=? AND h.region_id=?", host_id,
			     row_to_host_any, out, VL_LAB_HOST_NOT_FOUND, err);
}

int lab_host_by_ip(struct model_ctx *m, const char *ip, const char *prefer_not, struct lab_host *out,
		   struct vl_err *err)
{
	return row_find(m,
			HOST_SELECT " WHERE h.ip_address=? AND h.account=? AND h.region_id=? "
				    "ORDER BY h.host_id=? , h.seq LIMIT 1",
			MODEL_ARGS(MODEL_TEXT(ip), MODEL_TEXT(m->account), MODEL_TEXT(m->region),
				   MODEL_TEXT(prefer_not ? prefer_not : "")),
			row_to_host_any, out, err);
}

json_t *lab_host_to_json(const struct lab_host *h)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_put_fields(o, JSON_FIELDS(JSON_TEXT("HostId", h->host_id), JSON_TEXT("RegionId", h->region),
				       JSON_TEXT("VpcId", h->vpc_id), JSON_TEXT("VSwitchId", h->vswitch_id),
				       JSON_TEXT("SiteId", h->site_id), JSON_TEXT("IpAddress", h->ip_address),
				       JSON_INT("PrefixLength", h->prefix), JSON_TEXT("Gateway", h->gateway),
				       JSON_INT("CreateTime", h->created_ms)));
	return o;
}

/* Claims a given address of a vSwitch for host_id.  0 or -1 with err set. */
static int claim_vswitch_ip(struct model_ctx *m, const struct vswitch *vsw, const char *ip, const char *host_id,
			    struct vl_err *err)
{
	uint32_t addr, first, last;
	int r;

	if (!ipv4_parse(ip, &addr))
		return invalid(err, "IpAddress", NULL);
	if (!public_ip_vswitch_range(vsw->cidr_block, &first, &last) || addr < first || addr > last)
		return invalid(err, "IpAddress", "not a usable address of the vSwitch (the first and the last three "
						 "addresses are reserved).");
	/* vswitch_ips is the one register of the addresses non-instances take in a vSwitch */
	r = public_ip_vswitch_claim(m, vsw->vswitch_id, addr, ip, host_id, HOST_ROLE);
	if (r > 0)
		return vl_err_set(err, VL_LAB_IP_IN_USE, "The address %s of the vSwitch is already in use.", ip);
	return r == 0 ? 0 : model_store_error(m, err);
}

/* A host's address in a site LAN: ip checked, or the lowest free one after the devices'. */
static int site_host_ip(struct model_ctx *m, const char *site_id, const char *lan_cidr, int devices, const char *ip,
			char *out, size_t size, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	struct cidr lan;
	uint64_t n;
	uint8_t *used = NULL;
	uint32_t addr;
	int rc = -1;

	if (!cidr_parse(lan_cidr, &lan))
		return vl_err_set(err, VL_INTERNAL_ERROR, "site %s has a bad LAN %s", site_id, lan_cidr);
	n = cidr_size(&lan);
	if (ip) {
		if (!ipv4_parse(ip, &addr))
			return invalid(err, "IpAddress", NULL);
		if (addr <= lan.addr + (uint32_t)devices || addr >= lan.addr + n - 2)
			return invalid(err, "IpAddress", "not a free host address of the site's LAN (the network, "
							 "broadcast, router and device addresses are taken).");
	}
	if ((used = calloc((size_t)n, 1)) == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (store_prepare(m->store, "SELECT ip_address FROM lab_hosts WHERE site_id=?", &stmt) < 0) {
		model_store_error(m, err);
		goto out;
	}
	stmt_bind_text(stmt, 1, site_id);
	while (stmt_step(stmt) == STORE_ROW) {
		uint32_t a;

		if (ipv4_parse(stmt_text(stmt, 0), &a) && a >= lan.addr && a - lan.addr < n)
			used[a - lan.addr] = 1;
	}
	stmt_release(stmt);
	if (ip) {
		if (used[addr - lan.addr]) {
			vl_err_set(err, VL_LAB_IP_IN_USE, "The address %s of the site's LAN is already in use.", ip);
			goto out;
		}
		snprintf(out, size, "%s", ip);
		rc = 0;
		goto out;
	}
	/* the last usable address is the site's router (lab_site_router_ip) */
	for (uint64_t i = (uint64_t)devices + 1; i + 2 < n; i++)
		if (!used[i]) {
			public_ip_format((uint32_t)(lan.addr + i), out, size);
			rc = 0;
			goto out;
		}
	vl_err_set(err, VL_LAB_IP_NOT_ENOUGH, NULL);
out:
	free(used);
	return rc;
}

static int insert_host(struct model_ctx *m, const struct lab_host *h, struct vl_err *err)
{
	const char *sql = "INSERT INTO lab_hosts(host_id, account, region_id, vswitch_id, site_id, ip_address,"
			  " created_ms) VALUES (?,?,?,?,?,?,?)";
	enum store_step_result r = model_step_once(
		m->store, sql,
		MODEL_ARGS(MODEL_TEXT(h->host_id), MODEL_TEXT(m->account), MODEL_TEXT(m->region),
			   MODEL_TEXT(h->vswitch_id[0] ? h->vswitch_id : NULL), MODEL_TEXT(h->site_id[0] ? h->site_id : NULL),
			   MODEL_TEXT(h->ip_address), MODEL_INT(m->now_ms)),
		NULL, NULL);

	if (r == STORE_CONSTRAINT)
		return vl_err_set(err, VL_LAB_IP_IN_USE, "The address %s is already in use.", h->ip_address);
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

int lab_host_create(struct model_ctx *m, const struct lab_host_create_args *a, struct lab_host *out,
		    struct vl_err *err)
{
	struct lab_host h;
	const char *ip = text_empty(a->ip_address) ? NULL : a->ip_address;

	memset(&h, 0, sizeof(h));
	if (!text_empty(a->vswitch_id) && !text_empty(a->site_id))
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidParameter",
				       "A lab host is in a vSwitch (VSwitchId) or in a site's LAN (SiteId), not both.");
	if (text_empty(a->vswitch_id) && text_empty(a->site_id))
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingVSwitchId",
				       "VSwitchId (or SiteId) is mandatory for this action.");
	ids_new(h.host_id, sizeof(h.host_id), "host", region_code(m));
	if (!text_empty(a->vswitch_id)) {
		struct vswitch vsw;

		if (vswitch_get(m, a->vswitch_id, &vsw, err) < 0)
			return -1;
		model_copy(h.vswitch_id, sizeof(h.vswitch_id), vsw.vswitch_id);
		if (ip) {
			if (claim_vswitch_ip(m, &vsw, ip, h.host_id, err) < 0)
				return -1;
			model_copy(h.ip_address, sizeof(h.ip_address), ip);
		} else if (public_ip_vswitch_allocate(m, vsw.vswitch_id, vsw.cidr_block, h.host_id, HOST_ROLE,
						      h.ip_address, sizeof(h.ip_address), err) < 0) {
			return -1;
		}
		/* DeleteVSwitch (and so DeleteVpc) is refused while the vSwitch has lab hosts */
		if (model_usage_add(m, "ref:vswitch", vsw.vswitch_id, +1) < 0)
			return model_store_error(m, err);
	} else {
		struct site_lan site;

		if (site_get(m, a->site_id, &site, err) < 0 ||
		    site_host_ip(m, a->site_id, site.lan_cidr, site.devices, ip, h.ip_address, sizeof(h.ip_address),
				 err) < 0)
			return -1;
		model_copy(h.site_id, sizeof(h.site_id), a->site_id);
	}
	if (insert_host(m, &h, err) < 0)
		return -1;
	return lab_host_get(m, h.host_id, out, err);
}

static json_t *host_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct lab_host h;

	(void)m;
	(void)arg;
	row_to_host(stmt, &h);
	return lab_host_to_json(&h);
}

int lab_host_list(struct model_ctx *m, const struct lab_host_filter *f, int64_t offset, int64_t limit, json_t *items,
		  int64_t *total, struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = HOST_COLUMNS,
		.from = HOST_FROM,
		.count_from = "lab_hosts h",
		.order_by = "h.created_ms, h.seq",
	};
	const struct model_filter filters[] = {
		{ "h.host_id=?", text_empty(f->host_id) ? NULL : f->host_id },
		{ "h.vswitch_id=?", text_empty(f->vswitch_id) ? NULL : f->vswitch_id },
		{ "h.site_id=?", text_empty(f->site_id) ? NULL : f->site_id },
	};
	struct model_where where;

	lab_where(m, &where, "h.", filters, sizeof(filters) / sizeof(filters[0]));
	return model_list(m, &query, &where, offset, limit, total, host_item, NULL, items, err);
}

int lab_host_delete(struct model_ctx *m, const char *host_id, struct vl_err *err)
{
	struct lab_host h;

	if (lab_host_get(m, host_id, &h, err) < 0)
		return -1;
	if (h.vswitch_id[0]) {
		if (public_ip_vswitch_release(m, h.host_id) < 0 ||
		    model_usage_add(m, "ref:vswitch", h.vswitch_id, -1) < 0)
			return model_store_error(m, err);
	}
	return model_exec2(m, "DELETE FROM lab_hosts WHERE host_id=? AND account=?", h.host_id, m->account, err);
}

/* ---- faults ---- */

/* Marks conn/tunnel ("" = every tunnel) cut; a second cut changes nothing.  0 or -1. */
static int fault_insert(struct model_ctx *m, const char *conn, const char *tunnel, struct vl_err *err)
{
	return model_run(m,
			 "INSERT INTO lab_faults(vpn_connection_id, tunnel_id, account, created_ms) VALUES (?,?,?,?)"
			 " ON CONFLICT(vpn_connection_id, tunnel_id) DO NOTHING",
			 MODEL_ARGS(MODEL_TEXT(conn), MODEL_TEXT(tunnel), MODEL_TEXT(m->account),
				    MODEL_INT(m->now_ms)), err);
}

#define FAULT_DELETE_ONE "DELETE FROM lab_faults WHERE vpn_connection_id=? AND tunnel_id=?"

/* The faults in force for c after a change: appends what is cut to cut_tunnels.  0 or -1. */
static int faults_now(struct model_ctx *m, const struct vpn_connection *c, json_t *cut_tunnels, struct vl_err *err)
{
	bool whole, found = false;

	if (exists(m, "SELECT 1 FROM lab_faults WHERE vpn_connection_id=? AND tunnel_id=''", c->vpn_connection_id, NULL,
		   &whole, err) < 0)
		return -1;
	if (!c->dual_tunnel) {
		if (whole)
			json_array_append_new(cut_tunnels, json_string(""));
		return 0;
	}
	for (int i = 0; i < c->tunnel_count; i++) {
		if (!whole && exists(m, "SELECT 1 FROM lab_faults WHERE vpn_connection_id=? AND tunnel_id=?",
				     c->vpn_connection_id, c->tunnels[i].tunnel_id, &found, err) < 0)
			return -1;
		if (whole || found)
			json_array_append_new(cut_tunnels, json_string(c->tunnels[i].tunnel_id));
	}
	return 0;
}

int lab_fault_set(struct model_ctx *m, const char *vpn_connection_id, const char *tunnel_id, bool cut,
		  json_t *cut_tunnels, struct vl_err *err)
{
	struct vpn_connection *c = malloc(sizeof(*c));
	const char *conn;
	bool whole;
	int t = -1, rc = -1;

	if (c == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(m, vpn_connection_id, c, err) < 0)
		goto out;
	conn = c->vpn_connection_id;
	if (!text_empty(tunnel_id)) {
		for (int i = 0; i < c->tunnel_count; i++)
			if (strcmp(c->tunnels[i].tunnel_id, tunnel_id) == 0)
				t = i;
		if (t < 0) {
			vl_err_set(err, VL_VCO_TUNNEL_NOT_FOUND, NULL);
			goto out;
		}
	}
	if (cut && t < 0) {
		/* the whole connection: its per-tunnel rows say nothing more */
		if (fault_insert(m, conn, "", err) < 0 ||
		    model_exec2(m, "DELETE FROM lab_faults WHERE vpn_connection_id=? AND tunnel_id<>?", conn, "",
				err) < 0)
			goto out;
	} else if (cut) {
		if (fault_insert(m, conn, c->tunnels[t].tunnel_id, err) < 0)
			goto out;
	} else if (t < 0) {
		if (model_exec2(m, "DELETE FROM lab_faults WHERE vpn_connection_id=? AND account=?", conn, m->account,
				err) < 0)
			goto out;
	} else {
		if (exists(m, "SELECT 1 FROM lab_faults WHERE vpn_connection_id=? AND tunnel_id=''", conn, NULL, &whole,
			   err) < 0)
			goto out;
		/* restoring one tunnel of a connection cut as a whole: the others stay cut */
		if (whole) {
			for (int i = 0; i < c->tunnel_count; i++)
				if (i != t && fault_insert(m, conn, c->tunnels[i].tunnel_id, err) < 0)
					goto out;
			if (model_exec2(m, FAULT_DELETE_ONE, conn, "", err) < 0)
				goto out;
		}
		if (model_exec2(m, FAULT_DELETE_ONE, conn, c->tunnels[t].tunnel_id, err) < 0)
			goto out;
	}
	rc = faults_now(m, c, cut_tunnels, err);
out:
	free(c);
	return rc;
}

int lab_site_region(struct model_ctx *m, const char *site_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region_id FROM lab_sites WHERE site_id=?1 AND account=?2", site_id, region, size);
}

int lab_host_region(struct model_ctx *m, const char *host_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region_id FROM lab_hosts WHERE host_id=?1 AND account=?2", host_id, region, size);
}

static void fill_fault(struct store_stmt *stmt, void *row)
{
	struct lab_fault *f = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(f->vpn_connection_id), ROW_TEXT(f->tunnel_id)));
}

int lab_fault_list_all(struct model_ctx *m, struct lab_fault **out, int *count, struct vl_err *err)
{
	return model_collect(m, "SELECT vpn_connection_id, tunnel_id FROM lab_faults", NULL, sizeof(**out), fill_fault,
			     (void **)out, count, err);
}

static void fill_site(struct store_stmt *stmt, void *row)
{
	struct lab_site *s = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(s->site_id), ROW_TEXT(s->lan_cidr)));
	s->overrides = json_loads(stmt_text(stmt, 2), 0, NULL);
}

int lab_site_list_all(struct model_ctx *m, struct lab_site **out, int *count, struct vl_err *err)
{
	return model_collect(m, "SELECT site_id, lan_cidr, overrides FROM lab_sites ORDER BY created_ms, seq", NULL,
			     sizeof(**out), fill_site, (void **)out, count, err);
}

void lab_sites_free(struct lab_site *sites, int count)
{
	for (int i = 0; i < count; i++)
		json_decref(sites[i].overrides);
	free(sites);
}

static void fill_site_host(struct store_stmt *stmt, void *row)
{
	struct lab_host *h = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(h->host_id), ROW_TEXT(h->site_id), ROW_TEXT(h->ip_address)));
}

int lab_host_list_in_site(struct model_ctx *m, const char *site_id, struct lab_host **out, int *count,
			  struct vl_err *err)
{
	return model_collect(m, "SELECT host_id, site_id, ip_address FROM lab_hosts WHERE site_id=?"
				" ORDER BY created_ms, seq",
			     site_id, sizeof(**out), fill_site_host, (void **)out, count, err);
}
