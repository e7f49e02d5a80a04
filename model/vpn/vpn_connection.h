#ifndef VL_VPN_CONNECTION_H
#define VL_VPN_CONNECTION_H

#include <jansson.h>
#include <stdbool.h>

#include "ipsec_config.h"
#include "model.h"
#include "query.h"
#include "tag.h"

/*
 * One tunnel of a dual-tunnel connection (TunnelOptionsSpecification.TunnelOptions[]).
 * The master tunnel uses the gateway's first address and zone, the slave its disaster
 * recovery ones.
 */
struct vpn_tunnel {
	char tunnel_id[64];	/* tun-… */
	char role[8];		/* master | slave */
	int tunnel_index;	/* 1 (master) | 2 (slave) */
	char state[24];		/* as the connection's State */
	char status[32];	/* IKE/IPsec SA state from the data plane */
	char customer_gateway_id[64];
	bool enable_dpd, enable_nat_traversal;
	char zone_no[64];
	char internet_ip[16];
	struct ipsec_ike_config ike;
	struct ipsec_phase2_config ipsec;
	struct ipsec_bgp_config bgp; /* bgp.enable mirrors the connection's enable_tunnels_bgp */
};

/*
 * IPsec connection, bound to a VPN gateway (CreateVpnConnection) or unbound for a transit
 * router (CreateVpnAttachment: vpn_gateway_id "", attach_type NO_ASSOCIATED).
 * State (lifecycle kind "vpn_connection", column state) and Status (IKE/IPsec SA state,
 * reported by the data plane; ike_sa_not_established until one exists).
 * Routes and transit routers read these fields too.
 */
struct vpn_connection {
	char vpn_connection_id[64];
	char region[32];
	char vpn_gateway_id[64];      /* "" when unbound */
	char customer_gateway_id[64]; /* single-tunnel form; "" in dual-tunnel form */
	char name[520];
	char local_subnet[512];	 /* comma-separated CIDRs */
	char remote_subnet[512]; /* comma-separated CIDRs */
	char state[24];
	char status[32];
	char attach_type[24];	    /* VPNGW | CEN | NO_ASSOCIATED */
	char transit_router_id[64]; /* when attached to one */
	char network_type[16];	    /* public | private */
	bool dual_tunnel;
	int64_t created_ms;

	/* ---- the rest of the connection, as Describe shows it ---- */
	char transit_router_name[520];
	char attach_instance_id[64]; /* the CEN of the transit router */
	char internet_ip[16];	     /* the gateway's address; unbound: the transit router's, once attached */
	char zone_no[64];
	char spec[16];		     /* bandwidth, e.g. "10M" */
	char resource_group_id[64];
	char tunnel_bandwidth[16];   /* Standard | Large (unbound connections); "" otherwise */
	bool effect_immediately, enable_dpd, enable_nat_traversal, enable_tunnels_bgp, auto_config_route;
	struct ipsec_ike_config ike;	      /* single-tunnel form */
	struct ipsec_phase2_config ipsec;     /* single-tunnel form */
	struct ipsec_health_check health_check;
	struct ipsec_bgp_config bgp;	      /* single-tunnel form */
	int tunnel_count;		      /* 0 or 2 */
	struct vpn_tunnel tunnels[IPSEC_TUNNELS_MAX]; /* master first */
};

/*
 * CreateVpnConnection (vpn_gateway_id set) and CreateVpnAttachment (vpn_gateway_id NULL).
 * Strings are borrowed from the request; NULL means "not given".  The JSON-string
 * parameters are the raw documents.  Which form is used: a dual-tunnel gateway takes the
 * tunnel specs (and ignores the single-tunnel fields), a single-tunnel gateway refuses them;
 * an unbound connection is dual-tunnel when tunnel specs are given.
 */
struct vpn_connection_create_args {
	const char *vpn_gateway_id;
	const char *customer_gateway_id;
	const char *local_subnet, *remote_subnet;
	const char *name;
	const char *ike_config, *ipsec_config, *health_check_config, *bgp_config;
	bool effect_immediately, auto_config_route, enable_dpd, enable_nat_traversal, enable_tunnels_bgp;
	const char *remote_ca_certificate;
	const char *network_type;      /* unbound: public | private (default public) */
	const char *resource_group_id; /* unbound */
	const char *tunnel_bandwidth;  /* unbound: Standard | Large (default Standard) */
	const struct ipsec_tunnel_spec *tunnels;
	int tunnel_count;
	struct tag_list tags;
};

/* ModifyVpnConnectionAttribute: NULL / -1 leaves a field as it is. */
struct vpn_connection_modify_args {
	const char *vpn_connection_id;
	const char *name;
	const char *local_subnet, *remote_subnet;
	const char *ike_config, *ipsec_config, *health_check_config, *bgp_config;
	int effect_immediately, auto_config_route, enable_dpd, enable_nat_traversal, enable_tunnels_bgp;
	const char *remote_ca_certificate;
	const struct ipsec_tunnel_spec *tunnels;
	int tunnel_count;
};

/* DescribeVpnConnections filters; NULL: any. */
struct vpn_connection_filter {
	const char *vpn_gateway_id;
	const char *customer_gateway_id; /* matches the connection's or any of its tunnels' */
	const char *vpn_connection_id;
	const char *resource_group_id;
	const char *attach_type; /* VPNGW | CEN | NO_ASSOCIATED; NULL: any */
	struct tag_list tags;
};

/* Answer shapes: the cloud types some fields differently per action (see to_json). */
enum vpn_connection_json_style {
	VCO_JSON_DESCRIBE, /* DescribeVpnConnection: the object itself, Tags.Tag[] */
	VCO_JSON_LIST,	   /* DescribeVpnConnections item: Tag.Tag[] */
	VCO_JSON_MODIFY,   /* ModifyVpnConnectionAttribute answer */
	VCO_JSON_ATTACHMENT,	    /* DescribeVpnAttachments item */
	VCO_JSON_MODIFY_ATTACHMENT, /* ModifyVpnAttachmentAttribute answer */
};

/*
 * Creates a connection with the cloud's defaults; on a gateway the connection is active
 * at once while the gateway goes updating (vpn_gateway_begin_change), unbound it is init.
 * Maintains usage "vpn_connection"/<gateway> (quota vpn_connections_per_gateway) and
 * "ref:customer_gateway"/<cgw> (+1 per connection or tunnel using it), configures routes
 * when auto_config_route.  Fills *out.  Returns 0 or -1 with err set (nothing changed).
 */
int vpn_connection_create(struct model_ctx *m, const struct vpn_connection_create_args *args,
			  struct vpn_connection *out, struct vl_err *err);

/*
 * Loads the caller's connection in m->region (with its tunnels) into *out: 1, 0 when there
 * is none (err untouched: the caller picks its error), -1 with a store error.
 */
int vpn_connection_find(struct model_ctx *m, const char *vpn_connection_id, struct vpn_connection *out,
			struct vl_err *err);

/* Loads the caller's connection; InvalidVpnConnectionInstanceId.NotFound (404) if absent. */
int vpn_connection_get(struct model_ctx *m, const char *vpn_connection_id,
		       struct vpn_connection *out, struct vl_err *err);

/*
 * Appends the DescribeVpnConnections items of rows [offset, offset+limit) of the matches
 * to items (borrowed array) and sets *total.  Returns 0 or -1 with err set.
 */
int vpn_connection_list(struct model_ctx *m, const struct vpn_connection_filter *filter,
			int64_t offset, int64_t limit, json_t *items, int64_t *total,
			struct vl_err *err);

/*
 * As vpn_connection_list, in the given answer style (VCO_JSON_LIST for
 * DescribeVpnConnections, VCO_JSON_ATTACHMENT for DescribeVpnAttachments).
 */
int vpn_connection_list_styled(struct model_ctx *m, const struct vpn_connection_filter *filter,
			       int64_t offset, int64_t limit, enum vpn_connection_json_style style,
			       json_t *items, int64_t *total, struct vl_err *err);

/*
 * The caller's connection made by CreateVpnAttachment (not bound to a VPN gateway): the
 * Vpn…Attachment actions name only those; a gateway's connection is
 * InvalidVpnConnectionInstanceId.NotFound to them.  Returns 0 or -1 with err set.
 */
int vpn_attachment_get(struct model_ctx *m, const char *vpn_connection_id, struct vpn_connection *out,
		       struct vl_err *err);

/* Applies a modification (same rules as create) and fills *out with the result. */
int vpn_connection_modify(struct model_ctx *m, const struct vpn_connection_modify_args *args,
			  struct vpn_connection *out, struct vl_err *err);

/*
 * Deletes a connection and what hangs on it (tunnels, tags, counters).  A gateway
 * connection starts a gateway change; an unbound one must not be attached to a transit
 * router.  Returns 0 or -1 with err set.
 */
int vpn_connection_delete(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err);

/* Returns a new reference: the answer object of c in the given style. */
json_t *vpn_connection_to_json(struct model_ctx *m, const struct vpn_connection *c,
			       enum vpn_connection_json_style style);

/*
 * For the transit-router model: records that an unbound connection is attached to
 * transit_router_id (attach_type CEN, with the router's name, its CEN and the address and
 * zone the tunnel uses), or detached when transit_router_id is NULL/"" (NO_ASSOCIATED).
 * The State moves through the lifecycle kind "vpn_connection".  0 or -1 with err set.
 */
int vpn_connection_set_attachment(struct model_ctx *m, const char *vpn_connection_id,
				  const char *transit_router_id, const char *transit_router_name,
				  const char *cen_id, const char *internet_ip, const char *zone_no,
				  struct vl_err *err);

/*
 * For the transit-router model, with dual-tunnel unbound connections: the address and zone
 * one tunnel (tunnel_id) uses on the transit router once attached, or "" / NULL when
 * detached (set_attachment gives the connection one address; each tunnel needs its own for
 * DownloadVpnConnectionConfig and the customer device).  Refused for connections bound to a
 * VPN gateway (IncorrectStatus.VpnConnection) and unknown tunnels (InvalidTunnelId.NotFound).
 * Returns 0 or -1 with err set.
 */
int vpn_connection_set_tunnel_endpoint(struct model_ctx *m, const char *vpn_connection_id,
				       const char *tunnel_id, const char *internet_ip, const char *zone_no,
				       struct vl_err *err);

/*
 * For the data plane: the IKE/IPsec SA state of a connection (tunnel_id NULL) or of one of
 * its tunnels: ike_sa_not_established | ike_sa_established | ipsec_sa_not_established |
 * ipsec_sa_established.  0 or -1 with err set.
 */
int vpn_connection_set_status(struct model_ctx *m, const char *vpn_connection_id,
			      const char *tunnel_id, const char *status, struct vl_err *err);

/*
 * For the data plane: the Status of the connection's health check (VcoHealthCheck.Status),
 * success | failed.  Left "" while the health check is disabled.  0 or -1 with err set.
 */
int vpn_connection_set_health_status(struct model_ctx *m, const char *vpn_connection_id, const char *status,
				     struct vl_err *err);

/* The region of the IPsec connection vpn_connection_id of m->account: model_region_of. */
int vpn_connection_region(struct model_ctx *m, const char *vpn_connection_id, char *region, unsigned long size);


/*
 * Calls fn(arg, RemoteSubnet, gateway ID, creation time) for each connection of the
 * gateways (not unpaid orders) in vpc_id, oldest first; fn returns -1 to stop.  Any
 * account.  0, or -1 when fn stopped or on a store failure.
 */
int vpn_connection_for_each_remote_subnet_in_vpc(struct store *st, const char *vpc_id,
						 int (*fn)(void *arg, const char *remote_subnet,
							   const char *vpn_gateway_id, int64_t created_ms),
						 void *arg);
/*
 * The owner of a connection in any account, for the data plane's calls that act as that
 * account: 1 found (account: 128 bytes, region: 64, *dual), 0 gone, -1 with a store error.
 */
int vpn_connection_owner(struct model_ctx *m, const char *conn, char *account, char *region, bool *dual,
			 struct vl_err *err);

/*
 * What a connection's changes do to the rows that hang off it: the gateway's routes through
 * it (vpn_route.c) and its log lines (vpn_connection_log.c).  Those modules depend on this
 * one (they look connections up), so this one reaches them through this table, filled in
 * by vpn_connection_dependents.c, and neither includes the other.
 */
struct vpn_connection_dependents {
	/* adds the destination routes AutoConfigRoute asks for; 0 or -1 with err set */
	int (*auto_config_routes)(struct model_ctx *m, const char *vpn_gateway_id,
				  const char *vpn_connection_id, const char *remote_subnets,
				  struct vl_err *err);
	/* removes the routes whose next hop is the connection; 0 or -1 with err set */
	int (*delete_routes_via)(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err);
	/* removes the connection's log lines; 0 or -1 with err set */
	int (*delete_logs)(struct model_ctx *m, const char *vpn_connection_id, struct vl_err *err);
};

extern const struct vpn_connection_dependents vpn_connection_dependents;

/* Where the lifecycle engine (lifecycle.c) finds this kind's status. */
struct lifecycle_kind;
extern const struct lifecycle_kind vpn_connection_lifecycle;

/*
 * The connections of VPN gateway vpn_gateway_id (any account) by creation into *out
 * (malloc'd, caller frees) and *count.  0 or -1 with err.
 */
int vpn_connection_ids_in_gateway(struct model_ctx *m, const char *vpn_gateway_id, struct model_id **out, int *count,
				  struct vl_err *err);

#endif
