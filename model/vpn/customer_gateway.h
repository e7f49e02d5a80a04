#ifndef VL_CUSTOMER_GATEWAY_H
#define VL_CUSTOMER_GATEWAY_H

#include <jansson.h>
#include <stdint.h>

#include "model.h"
#include "tag.h"

/*
 * Customer gateway: the customer's VPN device.  One per IP address per account and
 * region.  Connections that use one count in usage "ref:customer_gateway"/<id>, and
 * DeleteCustomerGateway is refused while that is above zero.
 */
struct customer_gateway {
	char customer_gateway_id[64];
	char region[32];
	char ip_address[16];
	char asn[16]; /* "" when not given; 1-4294967295 */
	char auth_key[80];
	char name[520];
	char description[1040];
	int64_t created_ms;
	char resource_group_id[64];
};

struct customer_gateway_create_args {
	const char *ip_address; /* required */
	const char *asn;	/* NULL or "": none; "65530" or two-segment "1.10" */
	const char *auth_key;	/* NULL or "": none */
	const char *name;
	const char *description;
	const char *resource_group_id; /* NULL: the account's default group */
	struct tag_list tags;
};

struct customer_gateway_filter {
	const char *customer_gateway_id; /* NULL: any */
	const char *resource_group_id;	 /* NULL: any */
	struct tag_list tags;		 /* every one must match */
};

struct customer_gateway_modify_args {
	const char *customer_gateway_id;
	const char *name;	 /* NULL: unchanged */
	const char *description; /* NULL: unchanged */
	const char *auth_key;	 /* NULL: unchanged */
};

/* Loads the caller's customer gateway; InvalidCustomerGatewayInstanceId.NotFound if absent. */
int customer_gateway_get(struct model_ctx *m, const char *customer_gateway_id,
			 struct customer_gateway *out, struct vl_err *err);

/*
 * Creates a customer gateway and fills *out.  Refuses addresses the cloud does not take
 * (InvalidIpAddress.WrongFormat), a second gateway with the same address in the account's
 * region (InvalidIpAddress.AlreadyExist), a bad Asn/AuthKey/Name/Description, and the
 * region quota (Resource.QuotaFull).  Returns 0 or -1 with err set.
 */
int customer_gateway_create(struct model_ctx *m, const struct customer_gateway_create_args *args,
			    struct customer_gateway *out, struct vl_err *err);

/*
 * Appends one DescribeCustomerGateways item per match on the page (rows offset.. offset+limit)
 * to items (borrowed array) and sets *total to the number of matches.  Returns 0 or -1.
 */
int customer_gateway_list(struct model_ctx *m, const struct customer_gateway_filter *filter,
			  int64_t offset, int64_t limit, json_t *items, int64_t *total,
			  struct vl_err *err);

/* Changes name, description or BGP key; *out receives the gateway afterwards.  0 or -1. */
int customer_gateway_modify(struct model_ctx *m, const struct customer_gateway_modify_args *args,
			    struct customer_gateway *out, struct vl_err *err);

/* Deletes a gateway no connection uses (DependencyViolation.VpnConnection).  0 or -1. */
int customer_gateway_delete(struct model_ctx *m, const char *customer_gateway_id,
			    struct vl_err *err);

/*
 * Returns a new reference: the DescribeCustomerGateway(s) object for g (Asn only when one
 * was given, as the SDK models it optional), or NULL on a store error.
 */
json_t *customer_gateway_to_json(struct model_ctx *m, const struct customer_gateway *g);

/*
 * Parses an ASN as the cloud takes it: decimal 1-4294967295, or the two-segment form
 * "high.low" (each 0-65535, value high*65536+low).  45104 (Alibaba Cloud's own) is refused.
 * Returns true and *value on success.
 */
bool customer_gateway_parse_asn(const char *text, uint32_t *value);

/* The region of the customer gateway customer_gateway_id of m->account: model_region_of. */
int customer_gateway_region(struct model_ctx *m, const char *customer_gateway_id, char *region, unsigned long size);

/* SQL: the IP address of the customer gateway whose ID is id_sql (a literal); NULL when none. */
#define CUSTOMER_GATEWAY_IP_SQL(id_sql) "(SELECT ip_address FROM customer_gateways WHERE customer_gateway_id = " id_sql ")"

#endif
