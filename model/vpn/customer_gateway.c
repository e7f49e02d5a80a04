/*
 * Customer gateways (CreateCustomerGateway and friends, VPC API 2016-04-28).  Rules and
 * their sources: api-docs/research-customer-gateway-routes.md.
 */
#include "customer_gateway.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "record_list.h"
#include "row_read.h"

#define CGW_COLUMNS                                                                        \
	"customer_gateway_id, region, ip_address, asn, auth_key, name, description, created_ms, " \
	"resource_group_id"

/* Alibaba Cloud's own ASN (IANA): "The value 45104 is not supported." */
#define ALIBABA_CLOUD_ASN 45104u

/*
 * Addresses the cloud refuses for a customer gateway (CreateCustomerGateway IpAddress doc):
 * shared, loopback, link-local, multicast and 255/8.
 */
static const char *const refused_ranges[] = {
	"100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.0.0.0/8",
};

static void row_to_cgw(struct store_stmt *stmt, struct customer_gateway *g)
{
	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(g->customer_gateway_id), ROW_TEXT(g->region),
			ROW_TEXT(g->ip_address), ROW_TEXT(g->asn), ROW_TEXT(g->auth_key), ROW_TEXT(g->name),
			ROW_TEXT(g->description), ROW_INT64(g->created_ms), ROW_TEXT(g->resource_group_id)));
}

static void row_to_cgw_any(struct store_stmt *stmt, void *out)
{
	row_to_cgw(stmt, out);
}

/* Name and Description: 1-100 characters, not starting with http:// or https://. */
static bool valid_text(const char *text)
{
	return text_valid_label(text, 1, 100);
}

/* AuthKey: 1-64 ASCII characters, no spaces, no Chinese, no half-width '?'. */
static bool valid_auth_key(const char *key)
{
	size_t len = strlen(key);

	if (len < 1 || len > 64)
		return false;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '?')
			return false;
	return true;
}

/* Decimal digits only, at most max; fails on empty text, signs, spaces and overflow. */
static bool parse_decimal(const char *text, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(text[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool customer_gateway_parse_asn(const char *text, uint32_t *value)
{
	const char *dot = strchr(text, '.');
	uint64_t v = 0, high, low;

	if (dot) {
		if (!parse_decimal(text, (size_t)(dot - text), 65535, &high) ||
		    !parse_decimal(dot + 1, strlen(dot + 1), 65535, &low))
			return false;
		v = high * 65536 + low;
	} else if (!parse_decimal(text, strlen(text), 4294967295u, &v)) {
		return false;
	}
	if (v < 1 || v == ALIBABA_CLOUD_ASN)
		return false;
	*value = (uint32_t)v;
	return true;
}

/* A dotted IPv4 address outside the ranges the cloud refuses. */
static bool valid_ip_address(const char *text)
{
	uint32_t addr;

	if (text == NULL || !ipv4_parse(text, &addr))
		return false;
	for (size_t i = 0; i < sizeof(refused_ranges) / sizeof(refused_ranges[0]); i++) {
		struct cidr range, host = { .addr = addr, .prefix_len = 32 };

		cidr_parse(refused_ranges[i], &range);
		if (cidr_contains(&range, &host))
			return false;
	}
	return true;
}

/* 1 when the account already has a customer gateway with this address here, 0, -1. */
static int ip_taken(struct model_ctx *m, const char *ip)
{
	return model_exists(m, "SELECT 1 FROM customer_gateways WHERE ip_address=?1 AND account=?2 AND region=?3", ip,
			    m->account, m->region);
}

/*
 * Checks Asn and AuthKey of a create request; writes the canonical decimal ASN into asn_out
 * ("" when none was given).  Empty values count as absent, as the SDKs send them.
 */
static int check_bgp(const char *asn, const char *auth_key, char *asn_out, size_t size,
		     struct vl_err *err)
{
	uint32_t value;

	asn_out[0] = '\0';
	if (asn && asn[0]) {
		if (!customer_gateway_parse_asn(asn, &value))
			return vl_err_set(err, VL_CGW_INVALID_ASN, NULL);
		snprintf(asn_out, size, "%u", value);
	}
	if (auth_key && auth_key[0] && !valid_auth_key(auth_key))
		return vl_err_set(err, VL_CGW_INVALID_AUTH_KEY, NULL);
	return 0;
}

int customer_gateway_create(struct model_ctx *m, const struct customer_gateway_create_args *args,
			    struct customer_gateway *out, struct vl_err *err)
{
	const struct catalog_region *region = catalog_region(m->cfg->catalog, m->region);
	int64_t used = 0;
	int taken;

	memset(out, 0, sizeof(*out));
	if (!valid_ip_address(args->ip_address))
		return vl_err_set(err, VL_CGW_IP_WRONG_FORMAT, NULL);
	if (args->name && !valid_text(args->name))
		return vl_err_set(err, VL_CGW_INVALID_NAME, NULL);
	if (args->description && !valid_text(args->description))
		return vl_err_set(err, VL_CGW_INVALID_DESCRIPTION, NULL);
	if (check_bgp(args->asn, args->auth_key, out->asn, sizeof(out->asn), err) < 0)
		return -1;
	if (tag_validate(&args->tags, err) < 0)
		return -1;
	if (model_check_resource_group(m, args->resource_group_id, out->resource_group_id,
				 sizeof(out->resource_group_id), err) < 0)
		return -1;
	if ((taken = ip_taken(m, args->ip_address)) < 0)
		return model_store_error(m, err);
	if (taken)
		return vl_err_set(err, VL_CGW_IP_ALREADY_EXIST, NULL);
	if (model_usage_get(m, "customer_gateway", m->region, &used) < 0)
		return model_store_error(m, err);
	if (used >= m->cfg->quotas.customer_gateways_per_region)
		return vl_err_set(err, VL_CGW_QUOTA_FULL, NULL);

	ids_new(out->customer_gateway_id, sizeof(out->customer_gateway_id), "cgw",
		region ? region->id_code : NULL);
	model_copy(out->region, sizeof(out->region), m->region);
	model_copy(out->ip_address, sizeof(out->ip_address), args->ip_address);
	model_copy(out->auth_key, sizeof(out->auth_key), args->auth_key);
	model_copy(out->name, sizeof(out->name), args->name);
	model_copy(out->description, sizeof(out->description), args->description);
	out->created_ms = m->now_ms;

	if (model_run(m, "INSERT INTO customer_gateways(" CGW_COLUMNS ", account) VALUES (?,?,?,?,?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_TEXT(out->customer_gateway_id), MODEL_TEXT(out->region),
				 MODEL_TEXT(out->ip_address), MODEL_TEXT(out->asn), MODEL_TEXT(out->auth_key),
				 MODEL_TEXT(out->name), MODEL_TEXT(out->description), MODEL_INT(out->created_ms),
				 MODEL_TEXT(out->resource_group_id), MODEL_TEXT(m->account)),
		      err) < 0)
		return -1;
	if (model_usage_add(m, "customer_gateway", m->region, 1) < 0)
		return model_store_error(m, err);
	return tag_attach(m, "CUSTOMERGATEWAY", out->customer_gateway_id, &args->tags, err);
}

int customer_gateway_get(struct model_ctx *m, const char *customer_gateway_id,
			 struct customer_gateway *out, struct vl_err *err)
{
	return model_get_row(m, "SELECT " CGW_COLUMNS " FROM customer_gateways"
			  " WHERE customer_gateway_id=? AND account=? AND region=?", customer_gateway_id, row_to_cgw_any, out, VL_CGW_NOT_FOUND, err);
}

static void list_where(struct model_ctx *m, struct model_where *w,
		       const struct customer_gateway_filter *f)
{
	static const struct model_filter_member filters[] = {
		MODEL_FILTER_MEMBER("customer_gateway_id=?", struct customer_gateway_filter, customer_gateway_id),
		MODEL_FILTER_MEMBER("resource_group_id=?", struct customer_gateway_filter, resource_group_id),
	};

	model_where_region_members(w, m, "", f, filters, sizeof(filters) / sizeof(filters[0]));
	tag_where(w, "customer_gateway_id", &f->tags);
}
static json_t *list_item(struct model_ctx *m, struct store_stmt *stmt, void *arg)
{
	struct customer_gateway g;

	(void)arg;
	row_to_cgw(stmt, &g);
	return customer_gateway_to_json(m, &g);
}

int customer_gateway_list(struct model_ctx *m, const struct customer_gateway_filter *f,
			  int64_t offset, int64_t limit, json_t *items, int64_t *total,
			  struct vl_err *err)
{
	static const struct model_list_query query = {
		.columns = CGW_COLUMNS,
		.from = "customer_gateways",
		.order_by = "created_ms DESC, seq DESC",
	};
	struct model_where where;

	list_where(m, &where, f);
	return model_list(m, &query, &where, offset, limit, total, list_item, NULL, items, err);
}
json_t *customer_gateway_to_json(struct model_ctx *m, const struct customer_gateway *g)
{
	json_t *tags = tag_to_json(m, g->customer_gateway_id);
	json_t *item;

	if (tags == NULL)
		return NULL;
	item = json_object();
	json_put_fields(item, JSON_FIELDS(JSON_TEXT("CustomerGatewayId", g->customer_gateway_id),
			JSON_TEXT("Name", g->name), JSON_TEXT("Description", g->description),
			JSON_TEXT("IpAddress", g->ip_address)));
	/*
	 * Asn is a Long in the SDK models and optional: a gateway created without one has
	 * none (a 0 here would make Terraform's optional "asn" differ from the config).
	 */
	if (g->asn[0])
		json_put_int(item, "Asn", strtoll(g->asn, NULL, 10));
	json_put_str(item, "AuthKey", g->auth_key);
	json_put_int(item, "CreateTime", g->created_ms);
	json_put_str(item, "ResourceGroupId", g->resource_group_id);
	json_object_set_new_nocheck(item, "Tags", tags);
	return item;
}

int customer_gateway_modify(struct model_ctx *m, const struct customer_gateway_modify_args *args,
			    struct customer_gateway *out, struct vl_err *err)
{
	struct customer_gateway g;

	if (customer_gateway_get(m, args->customer_gateway_id, &g, err) < 0)
		return -1;
	if (args->name && !valid_text(args->name))
		return vl_err_set(err, VL_CGW_INVALID_NAME, NULL);
	if (args->description && !valid_text(args->description))
		return vl_err_set(err, VL_CGW_INVALID_DESCRIPTION, NULL);
	if (args->auth_key && !valid_auth_key(args->auth_key))
		return vl_err_set(err, VL_CGW_INVALID_AUTH_KEY, NULL);
	{
		const struct model_change changes[] = {
			{ "name", args->name },
			{ "description", args->description },
			{ "auth_key", args->auth_key },
		};

		if (model_update(m, "customer_gateways", "customer_gateway_id", g.customer_gateway_id, changes,
				 sizeof(changes) / sizeof(changes[0]), err) < 0)
			return -1;
	}
	return customer_gateway_get(m, g.customer_gateway_id, out, err);
}

int customer_gateway_delete(struct model_ctx *m, const char *customer_gateway_id,
			    struct vl_err *err)
{
	struct customer_gateway g;
	int64_t users = 0;

	if (customer_gateway_get(m, customer_gateway_id, &g, err) < 0)
		return -1;
	/* the connection model counts its users; see model.h "ref:<kind>" */
	if (model_usage_get(m, "ref:customer_gateway", g.customer_gateway_id, &users) < 0)
		return model_store_error(m, err);
	if (users > 0)
		return vl_err_set(err, VL_CGW_DEPENDENCY_VPN_CONNECTION, NULL);
	if (tag_detach_all(m, g.customer_gateway_id) < 0 ||
	    model_usage_add(m, "customer_gateway", m->region, -1) < 0)
		return model_store_error(m, err);
	return model_exec2(m, "DELETE FROM customer_gateways WHERE customer_gateway_id=?", g.customer_gateway_id, NULL,
			   err);
}

int customer_gateway_region(struct model_ctx *m, const char *customer_gateway_id, char *region, unsigned long size)
{
	return model_region_of(m, "SELECT region FROM customer_gateways WHERE customer_gateway_id=?1 AND account=?2", customer_gateway_id, region, size);
}
