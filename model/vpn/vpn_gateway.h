#ifndef VL_VPN_GATEWAY_H
#define VL_VPN_GATEWAY_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "tag.h"

/*
 * VPN gateway.  Status: provisioning → active; updating while one of its connections or
 * routes changes (one change at a time: VpnGateway.Configuring otherwise); deleting.
 * A subscription gateway created without AutoPay stays init (its order is unpaid).
 * DeleteVpnGateway removes the row at once (Describe then answers NotFound), so
 * deleting is never stored.  See api-docs/research-vpn-gateway.md.
 */
struct vpn_gateway {
	char vpn_gateway_id[64];
	char region[32];
	char vpc_id[64];
	char vswitch_id[64];
	char dr_vswitch_id[64];	 /* DisasterRecoveryVSwitchId; "" for single-tunnel gateways */
	char name[520];
	char description[1040];
	char status[16];	 /* init | provisioning | active | updating */
	char network_type[16];	 /* public | private */
	char internet_ip[16];	 /* first tunnel's address (public pool, or vSwitch for private) */
	char dr_internet_ip[16]; /* second tunnel's address in dual-tunnel gateways, else "" */
	char zone_id[64];	 /* zone of vswitch_id */
	char dr_zone_id[64];	 /* zone of dr_vswitch_id */
	int64_t bandwidth;	 /* Mbit/s */
	bool enable_ipsec, enable_ssl, auto_propagate, enable_bgp;
	int64_t ssl_connections;
	char charge_type[16]; /* POSTPAY | PREPAY */
	int64_t created_ms;
	char business_status[24];   /* Normal | FinancialLocked */
	char vpn_type[24];	    /* Normal */
	char gateway_type[24];	    /* Traditional */
	char ssl_internet_ip[16];   /* SSL-VPN address of public gateways with SSL, else "" */
	char eni_id[64];	    /* the gateway's interface in vswitch_id */
	char dr_eni_id[64];	    /* its interface in dr_vswitch_id, "" when single-tunnel */
	char eni_ip[16];	    /* address of eni_id inside vswitch_id */
	char dr_eni_ip[16];	    /* address of dr_eni_id inside dr_vswitch_id */
	char resource_group_id[64];
	int64_t period;		    /* months, PREPAY only */
	int64_t end_ms;		    /* PREPAY expiry (ms), 0 for POSTPAY */
	int64_t order_id;
};

/* CreateVpnGateway's parameters; strings borrowed from the request, NULL when absent. */
struct vpn_gateway_create_args {
	const char *vpc_id;
	const char *vswitch_id;
	const char *dr_vswitch_id;
	int64_t bandwidth;
	const char *network_type;	  /* NULL: public */
	bool enable_ipsec;
	bool enable_ssl;
	int64_t ssl_connections;	  /* <= 0: not given (5 when SSL is enabled) */
	const char *instance_charge_type; /* NULL: POSTPAY */
	int64_t period;			  /* <= 0: not given */
	bool auto_pay;
	const char *name;		  /* NULL: the gateway ID */
	const char *vpn_type;		  /* NULL: Normal */
	const char *resource_group_id;	  /* NULL: the account's default group */
};

/* DescribeVpnGateways filters; NULL fields do not filter. */
struct vpn_gateway_filter {
	const char *vpc_id;
	const char *vpn_gateway_id;
	const char *status;
	const char *business_status;
	const char *gateway_type;
	const char *resource_group_id;
	struct tag_list tags;
};

struct vpn_gateway_modify_args {
	const char *vpn_gateway_id;
	const char *name;	 /* NULL: unchanged */
	const char *description; /* NULL: unchanged */
	int auto_propagate;	 /* -1 unchanged, 0 false, 1 true */
};

/*
 * Creates a gateway (provisioning, then active through the lifecycle engine): checks the
 * VPC and its two vSwitches, takes the quota, its addresses and vSwitch references.
 * Fills *out.  Returns 0 or -1 with err set; nothing is changed on failure (the caller's
 * transaction is rolled back).
 */
int vpn_gateway_create(struct model_ctx *m, const struct vpn_gateway_create_args *args,
		       struct vpn_gateway *out, struct vl_err *err);

/* Loads the caller's gateway; InvalidVpnGatewayInstanceId.NotFound (404) if absent. */
int vpn_gateway_get(struct model_ctx *m, const char *vpn_gateway_id, struct vpn_gateway *out,
		    struct vl_err *err);

/* True when the gateway has two tunnels (DisasterRecoveryVSwitchId was given). */
bool vpn_gateway_is_dual_tunnel(const struct vpn_gateway *gw);

/*
 * Starts a configuration change on an active gateway (a connection or route of it is
 * created, changed or deleted): status becomes updating and returns to active through the
 * lifecycle engine.  Refuses with VpnGateway.Configuring (400) when the gateway is not
 * active.  Returns 0 or -1 with err set.
 */
int vpn_gateway_begin_change(struct model_ctx *m, const char *vpn_gateway_id, struct vl_err *err);

/*
 * Appends one DescribeVpnGateways item per gateway of the page to items (borrowed array)
 * and sets *total to the number of matches.  Returns 0 or -1 with err set.
 */
int vpn_gateway_list(struct model_ctx *m, const struct vpn_gateway_filter *filter,
		     int64_t offset, int64_t limit, bool include_reservation, json_t *items,
		     int64_t *total, struct vl_err *err);

/*
 * Changes name, description and AutoPropagate of an active gateway.  A new AutoPropagate
 * value reconfigures the gateway (updating, then active).  Fills *out with the gateway as
 * it is afterwards.  Returns 0 or -1 with err set.
 */
int vpn_gateway_modify(struct model_ctx *m, const struct vpn_gateway_modify_args *args,
		       struct vpn_gateway *out, struct vl_err *err);

/*
 * Deletes an active gateway without IPsec connections (usage "vpn_connection"/<id>) and
 * gives back its addresses, vSwitch references and quota.  Returns 0 or -1 with err set.
 */
int vpn_gateway_delete(struct model_ctx *m, const char *vpn_gateway_id, struct vl_err *err);

/*
 * New reference: the DescribeVpnGateway answer / DescribeVpnGateways item for gw, with
 * ReservationData when include_reservation.  NULL on a store error.
 */
json_t *vpn_gateway_to_json(struct model_ctx *m, const struct vpn_gateway *gw,
			    bool include_reservation);

/* New reference: the fields ModifyVpnGatewayAttribute answers with. */
json_t *vpn_gateway_attribute_json(struct model_ctx *m, const struct vpn_gateway *gw);

/*
 * New reference: DescribeVpnGatewayAvailableZones' AvailableZoneIdList for the caller's
 * region (every zone of the region catalogue), or NULL for an unknown region.
 */
json_t *vpn_gateway_available_zones(struct model_ctx *m);

/* The Spec string the cloud shows for a bandwidth ("10M").  buf: 16 bytes. */
void vpn_gateway_spec(int64_t bandwidth, char *buf, size_t size);

/* The region of the VPN gateway vpn_gateway_id of m->account: model_region_of. */
int vpn_gateway_region(struct model_ctx *m, const char *vpn_gateway_id, char *region, unsigned long size);


/*
 * The VPC of the caller's gateway vpn_gateway_id (any region) into vpc_id (size bytes).
 * 1, 0 when the caller has no such gateway, -1 on a store failure.
 */
int vpn_gateway_vpc_of(struct model_ctx *m, const char *vpn_gateway_id, char *vpc_id, unsigned long size);

/* SQL: the IDs of the gateways (not unpaid orders) in the VPC whose ID is vpc_sql (a literal). */
#define VPN_GATEWAYS_ACTIVE_IN_VPC_SQL(vpc_sql) \
	"(SELECT vpn_gateway_id FROM vpn_gateways WHERE vpc_id = " vpc_sql " AND status <> 'init')"

/* SQL: the account of the gateway whose ID is id_sql (a literal). */
#define VPN_GATEWAY_ACCOUNT_SQL(id_sql) "(SELECT account FROM vpn_gateways WHERE vpn_gateway_id = " id_sql ")"
/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind vpn_gateway_lifecycle;

/* A gateway and its owner (account and region), for readers of every account. */
struct vpn_gateway_owner {
	char vpn_gateway_id[64];
	char account[64];
	char region[64];
};

/*
 * The paid VPN gateways (status not init) of VPC vpc_id, any account, by creation into *out
 * (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int vpn_gateway_list_paid_in_vpc(struct model_ctx *m, const char *vpc_id, struct vpn_gateway_owner **out, int *count,
				 struct vl_err *err);

#endif
