/*
 * VPN gateways (CreateVpnGateway, DescribeVpnGateway(s), ModifyVpnGatewayAttribute,
 * DeleteVpnGateway, DescribeVpnGatewayAvailableZones).  What the cloud does and where that
 * was read: api-docs/research-vpn-gateway.md.
 */
#include "vpn_gateway.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "lifecycle.h"
#include "public_ip.h"
#include "query.h"
#include "record_list.h"
#include "row_read.h"
#include "vpc.h"
#include "vswitch.h"

const struct lifecycle_kind vpn_gateway_lifecycle = {
	"vpn_gateway", "UPDATE vpn_gateways SET status=?1 WHERE vpn_gateway_id=?2 AND status=?3"
};

#define GW_COLUMNS                                                                           \
	"vpn_gateway_id, region, vpc_id, vswitch_id, dr_vswitch_id, zone_id, dr_zone_id, name, " \
	"description, status, business_status, network_type, vpn_type, gateway_type, "           \
	"internet_ip, dr_internet_ip, ssl_internet_ip, eni_id, dr_eni_id, eni_ip, dr_eni_ip, "    \
	"bandwidth, enable_ipsec, enable_ssl, ssl_connections, auto_propagate, enable_bgp, "      \
	"charge_type, period, end_ms, resource_group_id, order_id, created_ms"

#define countof(a) (sizeof(a) / sizeof((a)[0]))

/* Bandwidth (Mbit/s) a gateway can be bought with: China site public ∪ international public. */
static const int64_t public_bandwidths[] = { 5, 10, 20, 50, 100, 200, 500, 1000 };
static const int64_t private_bandwidths[] = { 200, 1000 };
static const int64_t ssl_connection_counts[] = { 5, 10, 20, 50, 100, 200, 500, 1000 };
static const int64_t prepaid_periods[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36 };

/* Subscriptions end at midnight China Standard Time (UTC+8), as the cloud bills them. */
#define BILLING_UTC_OFFSET_S (8 * 3600)

static bool in_set(int64_t value, const int64_t *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == value)
			return true;
	return false;
}

static void row_to_gw(struct store_stmt *stmt, struct vpn_gateway *g)
{
	memset(g, 0, sizeof(*g));
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(g->vpn_gateway_id), ROW_TEXT(g->region),
			ROW_TEXT(g->vpc_id), ROW_TEXT(g->vswitch_id), ROW_TEXT(g->dr_vswitch_id),
			ROW_TEXT(g->zone_id), ROW_TEXT(g->dr_zone_id), ROW_TEXT(g->name),
			ROW_TEXT(g->description), ROW_TEXT(g->status), ROW_TEXT(g->business_status),
			ROW_TEXT(g->network_type), ROW_TEXT(g->vpn_type), ROW_TEXT(g->gateway_type),
			ROW_TEXT(g->internet_ip), ROW_TEXT(g->dr_internet_ip), ROW_TEXT(g->ssl_internet_ip),
			ROW_TEXT(g->eni_id), ROW_TEXT(g->dr_eni_id), ROW_TEXT(g->eni_ip),
			ROW_TEXT(g->dr_eni_ip), ROW_INT64(g->bandwidth), ROW_BOOL(g->enable_ipsec),
			ROW_BOOL(g->enable_ssl), ROW_INT64(g->ssl_connections), ROW_BOOL(g->auto_propagate),
			ROW_BOOL(g->enable_bgp), ROW_TEXT(g->charge_type), ROW_INT64(g->period),
			ROW_INT64(g->end_ms), ROW_TEXT(g->resource_group_id), ROW_INT64(g->order_id),
			ROW_INT64(g->created_ms)));
}

static void row_to_gw_any(struct store_stmt *stmt, void *out)
{
	row_to_gw(stmt, out);
}

/*
 * The VPN gateway name rule: 2-100 characters, starting with a letter (Chinese is letters
 * too, as older versions of the rule said), then letters, digits, '_', '-' and '.'.  A
 * name starting with http:// is refused by the character rule already (':' and '/').
 */
static bool valid_name(const char *name)
{
	return text_valid_name(name, 2, 100);
}

/* Description: 1-100 characters, not starting with http:// or https://. */
static bool valid_description(const char *text)
{
	return text_valid_label(text, 1, 100);
}

void vpn_gateway_spec(int64_t bandwidth, char *buf, size_t size)
{
	snprintf(buf, size, "%lldM", (long long)bandwidth);
}

/*
 * Expiry of a subscription bought at created_ms for `months`: the same calendar day that
 * many months later (clamped to the month's end), rounded up to the next midnight UTC+8.
 * The documented example — created 1492753580000, one month — ends 1495382400000.
 */
static int64_t prepaid_end_ms(int64_t created_ms, int64_t months)
{
	static const int days_in_month[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	time_t local = (time_t)(created_ms / 1000) + BILLING_UTC_OFFSET_S;
	int64_t day_seconds, end_s;
	struct tm tm;
	int max_day;

	gmtime_r(&local, &tm);
	tm.tm_mon += (int)months;
	tm.tm_year += tm.tm_mon / 12;
	tm.tm_mon %= 12;
	max_day = days_in_month[tm.tm_mon];
	if (tm.tm_mon == 1 && ((tm.tm_year + 1900) % 4 == 0 &&
			       ((tm.tm_year + 1900) % 100 != 0 || (tm.tm_year + 1900) % 400 == 0)))
		max_day = 29;
	if (tm.tm_mday > max_day)
		tm.tm_mday = max_day;
	end_s = (int64_t)timegm(&tm);
	day_seconds = end_s % 86400;
	if (day_seconds != 0 || created_ms % 1000 != 0)
		end_s += 86400 - day_seconds;
	return (end_s - BILLING_UTC_OFFSET_S) * 1000;
}

/* An order number like the cloud's (15 digits), below 2^53 so JavaScript reads it exactly. */
static int64_t new_order_id(void)
{
	uint64_t r = 0;
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom((char *)&r + got, sizeof(r) - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
	return (int64_t)(100000000000000ull + r % 900000000000000ull);
}

/* Loads vSwitch id for the gateway: it must exist, belong to the VPC and be Available. */
static int check_vswitch(struct model_ctx *m, const char *id, const struct vpc *vpc,
			 struct vswitch *out, struct vl_err *err)
{
	int found;

	if (id == NULL || id[0] == '\0')
		return vl_err_set(err, VL_VPNGW_VSWITCH_NOT_FOUND, NULL);
	found = vswitch_find(m, id, out, err);
	if (found < 0)
		return -1;
	if (found == 0 || strcmp(out->vpc_id, vpc->vpc_id) != 0)
		return vl_err_set(err, VL_VPNGW_VSWITCH_NOT_FOUND, NULL);
	if (lifecycle_busy(m, "vswitch", out->vswitch_id))
		return vl_err_set(err, VL_INCORRECT_VSWITCH_STATUS, NULL);
	return 0;
}

/* Parameter rules that need no lookup, in the order the cloud reports them. */
static int check_create_args(struct model_ctx *m, const struct vpn_gateway_create_args *a,
			     struct vpn_gateway *g, struct vl_err *err)
{
	bool is_private;

	if (a->name && !valid_name(a->name))
		return vl_err_set(err, VL_VPNGW_INVALID_NAME, NULL);
	model_copy(g->network_type, sizeof(g->network_type), a->network_type ? a->network_type : "public");
	is_private = strcmp(g->network_type, "private") == 0;
	if (!(is_private ? in_set(a->bandwidth, private_bandwidths, countof(private_bandwidths))
			 : in_set(a->bandwidth, public_bandwidths, countof(public_bandwidths))))
		return vl_err_set(err, VL_VPNGW_INVALID_SPEC, NULL);
	g->bandwidth = a->bandwidth;
	g->enable_ipsec = a->enable_ipsec;
	g->enable_ssl = a->enable_ssl;
	/* SslConnections only means something when SSL-VPN is bought */
	if (a->enable_ssl) {
		g->ssl_connections = a->ssl_connections > 0 ? a->ssl_connections : 5;
		if (!in_set(g->ssl_connections, ssl_connection_counts, countof(ssl_connection_counts)))
			return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidSslConnections",
					       "Specified parameter SslConnections is not valid.");
	}
	model_copy(g->charge_type, sizeof(g->charge_type),
	     a->instance_charge_type ? a->instance_charge_type : "POSTPAY");
	if (strcmp(g->charge_type, "PREPAY") == 0) {
		if (a->period <= 0)
			return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingPeriod",
					       "Period is mandatory for this action.");
		if (!in_set(a->period, prepaid_periods, countof(prepaid_periods)))
			return vl_err_set_code(err, VL_INVALID_PARAMETER, "InvalidPeriod",
					       "Specified parameter Period is not valid.");
		g->period = a->period;
	}
	model_copy(g->vpn_type, sizeof(g->vpn_type), a->vpn_type ? a->vpn_type : "Normal");
	return model_check_resource_group(m, a->resource_group_id, g->resource_group_id,
				    sizeof(g->resource_group_id), err);
}

/* The gateway's addresses: interfaces in its vSwitches, public addresses from the pool. */
static int allocate_addresses(struct model_ctx *m, struct vpn_gateway *g,
			      const struct vswitch *vsw, const struct vswitch *dr,
			      struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	const char *code = region ? region->id_code : NULL;

	ids_new(g->eni_id, sizeof(g->eni_id), "eni", code);
	if (public_ip_vswitch_allocate(m, vsw->vswitch_id, vsw->cidr_block, g->vpn_gateway_id,
				       "tunnel1", g->eni_ip, sizeof(g->eni_ip), err) < 0)
		return -1;
	if (dr) {
		ids_new(g->dr_eni_id, sizeof(g->dr_eni_id), "eni", code);
		if (public_ip_vswitch_allocate(m, dr->vswitch_id, dr->cidr_block, g->vpn_gateway_id,
					       "tunnel2", g->dr_eni_ip, sizeof(g->dr_eni_ip), err) < 0)
			return -1;
	}
	if (strcmp(g->network_type, "private") == 0) {
		/* a private gateway is reached at its interfaces' own addresses */
		model_copy(g->internet_ip, sizeof(g->internet_ip), g->eni_ip);
		model_copy(g->dr_internet_ip, sizeof(g->dr_internet_ip), g->dr_eni_ip);
		return 0;
	}
	if (public_ip_allocate(m, g->vpn_gateway_id, "tunnel1", g->internet_ip,
			       sizeof(g->internet_ip), err) < 0)
		return -1;
	if (dr && public_ip_allocate(m, g->vpn_gateway_id, "tunnel2", g->dr_internet_ip,
				     sizeof(g->dr_internet_ip), err) < 0)
		return -1;
	/* dual-tunnel gateways serve SSL-VPN on an address of its own */
	if (dr && g->enable_ssl &&
	    public_ip_allocate(m, g->vpn_gateway_id, "ssl", g->ssl_internet_ip,
			       sizeof(g->ssl_internet_ip), err) < 0)
		return -1;
	return 0;
}

static int insert_row(struct model_ctx *m, const struct vpn_gateway *g, struct vl_err *err)
{
	return model_run(m,
			 "INSERT INTO vpn_gateways(" GW_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?,"
			 "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			 MODEL_ARGS(MODEL_TEXT(g->vpn_gateway_id), MODEL_TEXT(g->region), MODEL_TEXT(g->vpc_id),
				    MODEL_TEXT(g->vswitch_id), MODEL_TEXT(g->dr_vswitch_id), MODEL_TEXT(g->zone_id),
				    MODEL_TEXT(g->dr_zone_id), MODEL_TEXT(g->name), MODEL_TEXT(g->description),
				    MODEL_TEXT(g->status), MODEL_TEXT(g->business_status),
				    MODEL_TEXT(g->network_type), MODEL_TEXT(g->vpn_type),
				    MODEL_TEXT(g->gateway_type), MODEL_TEXT(g->internet_ip),
				    MODEL_TEXT(g->dr_internet_ip), MODEL_TEXT(g->ssl_internet_ip),
				    MODEL_TEXT(g->eni_id), MODEL_TEXT(g->dr_eni_id), MODEL_TEXT(g->eni_ip),
				    MODEL_TEXT(g->dr_eni_ip), MODEL_INT(g->bandwidth), MODEL_INT(g->enable_ipsec),
				    MODEL_INT(g->enable_ssl), MODEL_INT(g->ssl_connections),
				    MODEL_INT(g->auto_propagate), MODEL_INT(g->enable_bgp),
				    MODEL_TEXT(g->charge_type), MODEL_INT(g->period), MODEL_INT(g->end_ms),
				    MODEL_TEXT(g->resource_group_id), MODEL_INT(g->order_id),
				    MODEL_INT(g->created_ms), MODEL_TEXT(m->account)),
			 err);
}

/* usage "ref:vswitch"/<id> for each distinct vSwitch of the gateway, by delta. */
static int reference_vswitches(struct model_ctx *m, const struct vpn_gateway *g, int64_t delta)
{
	if (model_usage_add(m, "ref:vswitch", g->vswitch_id, delta) < 0)
		return -1;
	if (g->dr_vswitch_id[0] && strcmp(g->dr_vswitch_id, g->vswitch_id) != 0 &&
	    model_usage_add(m, "ref:vswitch", g->dr_vswitch_id, delta) < 0)
		return -1;
	return 0;
}

int vpn_gateway_create(struct model_ctx *m, const struct vpn_gateway_create_args *args,
		       struct vpn_gateway *out, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	struct vswitch vsw, dr;
	struct vpc vpc;
	int64_t used = 0;
	bool unpaid, dual;

	memset(out, 0, sizeof(*out));
	if (check_create_args(m, args, out, err) < 0)
		return -1;
	if (vpc_get(m, args->vpc_id, &vpc, err) < 0)
		return -1;
	if (lifecycle_busy(m, "vpc", vpc.vpc_id))
		return vl_err_set(err, VL_INCORRECT_VPC_STATUS, NULL);
	/*
	 * A dual-tunnel region (the catalogue's default) needs both vSwitches (a missing one is
	 * answered as not found, as the cloud does), in two zones unless the region has only one
	 * zone, where the same vSwitch may serve both tunnels.  A single-tunnel region builds
	 * gateways on one vSwitch; a second one is refused rather than dropped, so a caller never
	 * believes it got a standby tunnel it does not have.
	 */
	dual = region == NULL || region->vpn_dual_tunnel;
	if (check_vswitch(m, args->vswitch_id, &vpc, &vsw, err) < 0)
		return -1;
	if (!dual && args->dr_vswitch_id && args->dr_vswitch_id[0])
		return vl_err_set_code(err, VL_INVALID_PARAMETER, "IllegalParam.DisasterRecoveryVSwitchId",
				       "The region %s does not support dual-tunnel VPN gateways: "
				       "specify VSwitchId only.", m->region);
	if (dual && check_vswitch(m, args->dr_vswitch_id, &vpc, &dr, err) < 0)
		return -1;
	if (dual && region && region->zone_count > 1 && strcmp(vsw.zone_id, dr.zone_id) == 0)
		return vl_err_set(err, VL_VPNGW_VSWITCH_SAME_ZONE, NULL);
	if (model_usage_get(m, "vpn_gateway", "*", &used) < 0)
		return model_store_error(m, err);
	if (used >= m->cfg->quotas.vpn_gateways_per_account)
		return vl_err_set(err, VL_VPNGW_QUOTA_FULL, NULL);

	ids_new(out->vpn_gateway_id, sizeof(out->vpn_gateway_id), "vpn", region ? region->id_code : NULL);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->vpc_id, sizeof(out->vpc_id), vpc.vpc_id);
	model_copy(out->vswitch_id, sizeof(out->vswitch_id), vsw.vswitch_id);
	model_copy(out->zone_id, sizeof(out->zone_id), vsw.zone_id);
	if (dual) {
		model_copy(out->dr_vswitch_id, sizeof(out->dr_vswitch_id), dr.vswitch_id);
		model_copy(out->dr_zone_id, sizeof(out->dr_zone_id), dr.zone_id);
	}
	model_copy(out->name, sizeof(out->name), args->name ? args->name : out->vpn_gateway_id);
	model_copy(out->business_status, sizeof(out->business_status), "Normal");
	model_copy(out->gateway_type, sizeof(out->gateway_type), "Traditional");
	/* new gateways learn and advertise routes over BGP unless told otherwise */
	out->enable_bgp = true;
	out->auto_propagate = true;
	out->created_ms = m->now_ms;
	out->order_id = new_order_id();
	if (strcmp(out->charge_type, "PREPAY") == 0)
		out->end_ms = prepaid_end_ms(out->created_ms, out->period);
	/* a subscription is only built once its order is paid; there is no payment API here */
	unpaid = strcmp(out->charge_type, "PREPAY") == 0 && !args->auto_pay;
	model_copy(out->status, sizeof(out->status), unpaid ? "init" : "provisioning");

	if (allocate_addresses(m, out, &vsw, dual ? &dr : NULL, err) < 0 || insert_row(m, out, err) < 0)
		return -1;
	if (model_usage_add(m, "vpn_gateway", "*", 1) < 0 || reference_vswitches(m, out, 1) < 0)
		return model_store_error(m, err);
	if (unpaid)
		return 0;
	return lifecycle_start(m, "vpn_gateway", out->vpn_gateway_id, "provisioning", "active", out->status,
			       sizeof(out->status), err);
}

int vpn_gateway_get(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_gateway *out,
		    struct vl_err *err)
{
	return model_get_row(m, "SELECT " GW_COLUMNS " FROM vpn_gateways WHERE vpn_gateway_id=? AND account=?"
			  " AND region=?", vpn_gateway_id, row_to_gw_any, out, VL_VPNGW_NOT_FOUND, err);
}

bool vpn_gateway_is_dual_tunnel(const struct vpn_gateway *gw)
{
	return gw->dr_vswitch_id[0] != '\0';
}

static int set_text(struct model_ctx *m, const char *column_sql, const char *value,
		    const char *id, struct vl_err *err)
{
	return model_run(m, column_sql, MODEL_ARGS(MODEL_TEXT(value), MODEL_TEXT(id)), err);
}

/* Active and with no transition pending: the only state that takes a change. */
static bool accepts_change(struct model_ctx *m, const struct vpn_gateway *g)
{
	return strcmp(g->status, "active") == 0 && !lifecycle_busy(m, "vpn_gateway", g->vpn_gateway_id);
}

/* Moves an active gateway to updating and schedules its return to active. */
static int start_update(struct model_ctx *m, const char *id, struct vl_err *err)
{
	if (set_text(m, "UPDATE vpn_gateways SET status=? WHERE vpn_gateway_id=?", "updating", id,
		     err) < 0)
		return -1;
	return lifecycle_schedule(m, "vpn_gateway", id, "updating", "active", -1, err);
}

int vpn_gateway_begin_change(struct model_ctx *m, const char *vpn_gateway_id, struct vl_err *err)
{
	struct vpn_gateway g;

	if (vpn_gateway_get(m, vpn_gateway_id, &g, err) < 0)
		return -1;
	if (!accepts_change(m, &g))
		return vl_err_set(err, VL_VPNGW_CONFIGURING, NULL);
	return start_update(m, g.vpn_gateway_id, err);
}

static void list_where(struct model_ctx *m, struct model_where *w, const struct vpn_gateway_filter *f)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER("vpc_id=?", struct vpn_gateway_filter, vpc_id),
		MODEL_FILTER_MEMBER("vpn_gateway_id=?", struct vpn_gateway_filter, vpn_gateway_id),
		MODEL_FILTER_MEMBER("status=?", struct vpn_gateway_filter, status),
		MODEL_FILTER_MEMBER("business_status=?", struct vpn_gateway_filter, business_status),
		MODEL_FILTER_MEMBER("gateway_type=?", struct vpn_gateway_filter, gateway_type),
		MODEL_FILTER_MEMBER("resource_group_id=?", struct vpn_gateway_filter, resource_group_id),
	};

	model_where_region_members(w, m, "", f, filters, sizeof(filters) / sizeof(filters[0]));
	tag_where(w, "vpn_gateway_id", &f->tags);
}
static json_t *list_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct vpn_gateway g;

	row_to_gw(stmt, &g);
	return vpn_gateway_to_json(m, &g, *(const bool *)arg);
}

int vpn_gateway_list(struct model_ctx *m, const struct vpn_gateway_filter *f, int64_t offset,
		     int64_t limit, bool include_reservation, json_t *items, int64_t *total,
		     struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = GW_COLUMNS,
		.from = "vpn_gateways",
		.order_by = "created_ms DESC, seq DESC",
	};
	struct model_where where;

	list_where(m, &where, f);
	return model_list(m, &query, &where, offset, limit, total, list_item, &include_reservation, items, err);
}
/* The answer's ChargeType: the billing system's names, not the request's. */
static const char *charge_type_name(const struct vpn_gateway *g)
{
	return strcmp(g->charge_type, "PREPAY") == 0 ? "Prepay" : "PostpayByFlow";
}

/* Tag: the system labels the cloud puts on a gateway, as one JSON text. */
static json_t *system_labels(const struct vpn_gateway *g)
{
	char text[256];

	snprintf(text, sizeof(text),
		 "{\"VpnEnableBgp\":\"%s\",\"VisuallySsl\":\"false\",\"PbrPriority\":\"true\","
		 "\"VpnNewImage\":\"true\",\"IDaaSNewVersion\":\"false\"}",
		 g->enable_bgp ? "true" : "false");
	return json_string_nocheck(text);
}

/* The addresses both answers (list item, attribute) show, in the cloud's order. */
static void put_addresses(json_t *item, const struct vpn_gateway *g)
{
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("VpnGatewayId", g->vpn_gateway_id),
			JSON_TEXT("VpcId", g->vpc_id), JSON_TEXT("VSwitchId", g->vswitch_id),
			JSON_TEXT("DisasterRecoveryVSwitchId", g->dr_vswitch_id),
			JSON_TEXT("InternetIp", g->internet_ip),
			JSON_TEXT("DisasterRecoveryInternetIp", g->dr_internet_ip),
			JSON_TEXT("SslVpnInternetIp", g->ssl_internet_ip)));
}

/* The times, spec, names and states both answers show, in the cloud's order. */
static void put_state(json_t *item, const struct vpn_gateway *g)
{
	char spec[16];

	vpn_gateway_spec(g->bandwidth, spec, sizeof(spec));
	json_put_int(item, "CreateTime", g->created_ms);
	/* pay-as-you-go gateways do not expire: the answer has no EndTime for them */
	if (g->end_ms > 0)
		json_put_int(item, "EndTime", g->end_ms);
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("Spec", spec), JSON_TEXT("Name", g->name),
			JSON_TEXT("Description", g->description), JSON_TEXT("Status", g->status),
			JSON_TEXT("BusinessStatus", g->business_status)));
}

json_t *vpn_gateway_to_json(struct model_ctx *m, const struct vpn_gateway *g,
			    bool include_reservation)
{
	json_t *tags = tag_to_json(m, g->vpn_gateway_id), *item, *enis;

	if (tags == NULL)
		return NULL;
	item = json_object();
	put_addresses(item, g);
	put_state(item, g);
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("ChargeType", charge_type_name(g)),
			JSON_TEXT("IpsecVpn", g->enable_ipsec ? "enable" : "disable"),
			JSON_TEXT("SslVpn", g->enable_ssl ? "enable" : "disable"),
			JSON_INT("SslMaxConnections", g->ssl_connections),
			JSON_BOOL("EnableBgp", g->enable_bgp), JSON_BOOL("AutoPropagate", g->auto_propagate),
			JSON_TEXT("NetworkType", g->network_type), JSON_TEXT("VpnType", g->vpn_type),
			JSON_TEXT("GatewayType", g->gateway_type),
			JSON_TEXT("ResourceGroupId", g->resource_group_id)));
	json_object_set_new_nocheck(item, "Tag", system_labels(g));
	json_object_set_new_nocheck(item, "Tags", tags);
	enis = json_array();
	json_array_append_new(enis, json_string_nocheck(g->eni_id));
	if (g->dr_eni_id[0])
		json_array_append_new(enis, json_string_nocheck(g->dr_eni_id));
	json_put_wrapped(item, "EniInstanceIds", "EniInstanceId", enis);
	/* no renewal or temporary-upgrade orders exist in the lab: nothing is pending */
	if (include_reservation)
		json_object_set_new_nocheck(item, "ReservationData", json_object());
	return item;
}

json_t *vpn_gateway_attribute_json(struct model_ctx *m, const struct vpn_gateway *g)
{
	json_t *item = json_object();

	(void)m;
	put_addresses(item, g);
	/* the vSwitch address is only shown for single-tunnel gateways with IPsec */
	json_put_str(item, "IntranetIp",
		     !vpn_gateway_is_dual_tunnel(g) && g->enable_ipsec ? g->eni_ip : "");
	put_state(item, g);
	json_put_bool(item, "EnableBgp", g->enable_bgp);
	json_put_bool(item, "AutoPropagate", g->auto_propagate);
	json_put_str(item, "ResourceGroupId", g->resource_group_id);
	return item;
}

int vpn_gateway_modify(struct model_ctx *m, const struct vpn_gateway_modify_args *args,
		       struct vpn_gateway *out, struct vl_err *err)
{
	struct vpn_gateway g;
	const char *id;

	if (vpn_gateway_get(m, args->vpn_gateway_id, &g, err) < 0)
		return -1;
	id = g.vpn_gateway_id;
	if (args->name && !valid_name(args->name))
		return vl_err_set(err, VL_VPNGW_INVALID_NAME, NULL);
	if (args->description && !valid_description(args->description))
		return vl_err_set(err, VL_VPNGW_INVALID_DESCRIPTION, NULL);
	if (!accepts_change(m, &g))
		return vl_err_set(err, VL_VPNGW_CONFIGURING, NULL);
	if (args->name && set_text(m, "UPDATE vpn_gateways SET name=? WHERE vpn_gateway_id=?",
				   args->name, id, err) < 0)
		return -1;
	if (args->description &&
	    set_text(m, "UPDATE vpn_gateways SET description=? WHERE vpn_gateway_id=?",
		     args->description, id, err) < 0)
		return -1;
	/* propagation reconfigures the gateway's routes: a change like a connection's */
	if (args->auto_propagate >= 0 && (args->auto_propagate != 0) != g.auto_propagate) {
		if (set_text(m, "UPDATE vpn_gateways SET auto_propagate=? WHERE vpn_gateway_id=?",
			     args->auto_propagate ? "1" : "0", id, err) < 0 ||
		    start_update(m, id, err) < 0)
			return -1;
	}
	return vpn_gateway_get(m, id, out, err);
}

static int delete_row(struct model_ctx *m, const char *id)
{
	return model_exec(m->store, "DELETE FROM vpn_gateways WHERE vpn_gateway_id=?", MODEL_ARGS(MODEL_TEXT(id)));
}

int vpn_gateway_delete(struct model_ctx *m, const char *vpn_gateway_id, struct vl_err *err)
{
	struct vpn_gateway g;
	int64_t connections = 0;
	bool unpaid;

	if (vpn_gateway_get(m, vpn_gateway_id, &g, err) < 0)
		return -1;
	unpaid = strcmp(g.status, "init") == 0;
	/* a paid subscription runs to its end; an unpaid order can simply be dropped */
	if (strcmp(g.charge_type, "PREPAY") == 0 && !unpaid && m->now_ms < g.end_ms)
		return vl_err_set(err, VL_VPNGW_FORBIDDEN_RELEASE, NULL);
	if (!unpaid && !accepts_change(m, &g))
		return vl_err_set(err, VL_VPNGW_CONFIGURING, NULL);
	if (model_usage_get(m, "vpn_connection", g.vpn_gateway_id, &connections) < 0)
		return model_store_error(m, err);
	if (connections > 0)
		return vl_err_set(err, VL_VPNGW_DEPENDENCY_VPN_CONNECTION, NULL);
	/* a VPC route entry still sends traffic to it */
	if (model_usage_get(m, USAGE_ROUTE_ENTRIES_VIA, g.vpn_gateway_id, &connections) < 0)
		return model_store_error(m, err);
	if (connections > 0)
		return vl_err_set(err, VL_ROUTE_ENTRY_DEPENDENCY, NULL);
	if (public_ip_release(m, g.vpn_gateway_id) < 0 ||
	    public_ip_vswitch_release(m, g.vpn_gateway_id) < 0 ||
	    reference_vswitches(m, &g, -1) < 0 || model_usage_add(m, "vpn_gateway", "*", -1) < 0 ||
	    tag_detach_all(m, g.vpn_gateway_id) < 0 ||
	    lifecycle_cancel(m, "vpn_gateway", g.vpn_gateway_id) < 0 ||
	    delete_row(m, g.vpn_gateway_id) < 0)
		return model_store_error(m, err);
	return 0;
}

json_t *vpn_gateway_available_zones(struct model_ctx *m)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	json_t *list;

	if (region == NULL)
		return NULL;
	list = json_array();
	for (int i = 0; i < region->zone_count; i++) {
		json_t *zone = json_object();

		json_put_str(zone, "ZoneId", region->zones[i].zone_id);
		json_put_str(zone, "ZoneName", region->zones[i].local_name);
		json_array_append_new(list, zone);
	}
	return list;
}

int vpn_gateway_region(struct model_ctx *m, const char *vpn_gateway_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM vpn_gateways WHERE vpn_gateway_id=?1 AND account=?2", vpn_gateway_id, region, size);
}

int vpn_gateway_vpc_of(struct model_ctx *m, const char *vpn_gateway_id, char *vpc_id, unsigned long size)
{
	return model_region_of(m, "SELECT vpc_id FROM vpn_gateways WHERE vpn_gateway_id=?1 AND account=?2", vpn_gateway_id,
			       vpc_id, size);
}

static void fill_owner(struct store_stmt *stmt, void *row)
{
	struct vpn_gateway_owner *o = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(o->vpn_gateway_id), ROW_TEXT(o->account),
			ROW_TEXT(o->region)));
}

int vpn_gateway_list_paid_in_vpc(struct model_ctx *m, const char *vpc_id, struct vpn_gateway_owner **out, int *count,
				 struct vl_err *err)
{
	return model_collect(m, "SELECT vpn_gateway_id, account, region FROM vpn_gateways"
				" WHERE vpc_id=? AND status<>'init' ORDER BY created_ms, seq",
			     vpc_id, sizeof(**out), fill_owner, (void **)out, count, err);
}
