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
};

/* Loads the caller's customer gateway; InvalidCustomerGatewayInstanceId.NotFound if absent. */
int customer_gateway_get(struct model_ctx *m, const char *customer_gateway_id,
			 struct customer_gateway *out, struct vl_err *err);

#endif
