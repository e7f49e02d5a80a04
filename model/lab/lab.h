#ifndef VL_LAB_H
#define VL_LAB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "vpn_connection_config.h"

/*
 * vpnlab lab extensions (no cloud equivalent): emulated branch sites, lab hosts and tunnel
 * faults.  What they become in the data plane is model/compile/dataplane_compile.c's business; here
 * are the rules, the rows and the answers.
 *
 * A site is a branch office: one gateway device per customer gateway (up to
 * LAB_SITE_DEVICES_MAX, all on the site's LAN at its first addresses .1, .2, …), each owning
 * its customer gateway's IpAddress on the underlay and running strongSwan with exactly the
 * customer-side configuration the API hands out for every IPsec connection (or tunnel) that
 * uses that customer gateway.  Overrides change some settings of that configuration for one
 * connection (or tunnel) to emulate a misconfigured branch.
 *
 * A lab host is a namespace with one address, in a vSwitch of the caller (default router:
 * the vSwitch's gateway address, lab_vswitch_gateway_ip) or in a site LAN (default router:
 * the site's router on the LAN's last usable address, lab_site_router_ip, which spreads the
 * traffic toward the cloud over the site's devices).  A vSwitch host takes its address in vswitch_ips and counts in usage
 * "ref:vswitch", so DeleteVSwitch (and so DeleteVpc) is refused with DependencyViolation
 * while the vSwitch has lab hosts.  Deleting a site deletes its hosts.
 *
 * A fault cuts the underlay traffic (UDP 500/4500) of one tunnel or of every tunnel of a
 * connection until it is restored.
 */

#define LAB_SITE_DEVICES_MAX 4
#define LAB_OVERRIDES_MAX 16
#define LAB_LAN_PREFIX_MIN 16
#define LAB_LAN_PREFIX_MAX 29

/* One per-connection override of a site's customer-side settings; strings borrowed, NULL = not given. */
struct lab_override {
	const char *vpn_connection_id; /* required */
	const char *tunnel_id;	       /* NULL: every tunnel of the connection on this site */
	const char *psk, *ike_version, *ike_enc_alg, *ike_auth_alg, *ike_pfs;
	const char *ipsec_enc_alg, *ipsec_auth_alg, *ipsec_pfs;
};

struct lab_site_create_args {
	const char *lan_cidr;
	const char *const *customer_gateway_ids; /* in device order */
	int customer_gateway_count;
	const struct lab_override *overrides;
	int override_count;
};

/* The override keys as the API names them (Overrides.N.<key>), NULL-terminated; static. */
extern const char *const lab_override_keys[];

/*
 * LabCreateSite.  Checks the LAN (a private IPv4 CIDR, mask LAB_LAN_PREFIX_MIN..MAX), the
 * customer gateways (1..LAB_SITE_DEVICES_MAX distinct ones of the caller's region, none a
 * device of another site, none whose address another site's device or a VPN gateway
 * already holds on the underlay) and the overrides (each names a connection of the caller
 * that uses one of these customer gateways, optionally one of its tunnels that does, and at
 * least one valid setting).  Writes the new site's ID into site_id (64 bytes).  Returns 0 or
 * -1 with err set (nothing changed).
 */
int lab_site_create(struct model_ctx *m, const struct lab_site_create_args *args, char *site_id,
		    struct vl_err *err);

/*
 * LabDescribeSites: appends the caller's sites of the region (site_id non-NULL: that one
 * only) on rows [offset, offset+limit), oldest first, to items (borrowed array) and sets
 * *total.  Returns 0 or -1 with err set.
 */
int lab_site_list(struct model_ctx *m, const char *site_id, int64_t offset, int64_t limit, json_t *items,
		  int64_t *total, struct vl_err *err);

/* LabDeleteSite: the site, its devices and its hosts.  0, or -1 with err (InvalidSiteId.NotFound). */
int lab_site_delete(struct model_ctx *m, const char *site_id, struct vl_err *err);

struct lab_host_create_args {
	const char *vswitch_id; /* exactly one of vswitch_id, site_id */
	const char *site_id;
	const char *ip_address; /* NULL: the next free address */
};

/* A lab host as Describe shows it. */
struct lab_host {
	char host_id[64];
	char region[32];
	char vswitch_id[64]; /* "" in a site */
	char vpc_id[64];     /* "" in a site */
	char site_id[64];    /* "" in a vSwitch */
	char ip_address[16];
	int prefix;	     /* of the vSwitch's or the LAN's CIDR */
	char gateway[16];    /* its default router */
	int64_t created_ms;
};

/*
 * LabCreateHost.  In a vSwitch: the lowest free usable address (the vSwitch's reserved
 * addresses, VPN gateway interfaces and other hosts skipped), or IpAddress checked (inside
 * the CIDR, not reserved, not taken).  In a site LAN: the lowest address after the devices'
 * that no host has (below the router's), or IpAddress checked likewise.  Fills *out.  Returns 0 or -1 with err.
 */
int lab_host_create(struct model_ctx *m, const struct lab_host_create_args *args, struct lab_host *out,
		    struct vl_err *err);

/* Loads the caller's host.  0, or -1 with err (InvalidHostId.NotFound). */
int lab_host_get(struct model_ctx *m, const char *host_id, struct lab_host *out, struct vl_err *err);

/*
 * The caller's lab host (this region) with address ip, a host other than prefer_not (may be
 * NULL) first, then the oldest: addresses repeat across VPCs and sites.  1 with *out filled,
 * 0 when none has it, -1 with err.
 */
int lab_host_by_ip(struct model_ctx *m, const char *ip, const char *prefer_not, struct lab_host *out,
		   struct vl_err *err);

/* LabDescribeHosts filters; NULL: any. */
struct lab_host_filter {
	const char *host_id, *vswitch_id, *site_id;
};

/* As lab_site_list, for hosts. */
int lab_host_list(struct model_ctx *m, const struct lab_host_filter *filter, int64_t offset, int64_t limit,
		  json_t *items, int64_t *total, struct vl_err *err);

/* LabDeleteHost: the host, its address and its vSwitch reference.  0, or -1 with err. */
int lab_host_delete(struct model_ctx *m, const char *host_id, struct vl_err *err);

/* Returns a new reference: the LabDescribeHosts item for h. */
json_t *lab_host_to_json(const struct lab_host *h);

/*
 * LabInjectFault: cut (or restore) the tunnel tunnel_id (NULL or "": every tunnel) of the
 * caller's connection vpn_connection_id.  A tunnel ID must be one of the connection's
 * (InvalidTunnelId.NotFound; single-tunnel connections have none).  Restoring one tunnel of
 * a connection cut as a whole leaves its other tunnels cut.  Appends the IDs of the tunnels
 * that are cut afterwards ("" for a single-tunnel connection) to cut (borrowed array).
 * Returns 0 or -1 with err set.
 */
int lab_fault_set(struct model_ctx *m, const char *vpn_connection_id, const char *tunnel_id, bool cut,
		  json_t *cut_tunnels, struct vl_err *err);

/*
 * For the data plane: applies a site's stored overrides (the JSON array lab_site_create
 * wrote) to cfg, the customer-side configuration of one connection: connection-wide entries
 * first, then the ones naming a tunnel.  Entries that name another connection or a tunnel
 * cfg does not hold are ignored.  Returns how many tunnel settings changed.
 */
int lab_overrides_apply(const json_t *overrides, struct vpn_connection_config *cfg);

/*
 * The vSwitch's router address as the data plane builds it, by the cloud's convention: the
 * lowest of the three addresses the cloud reserves at the top of every vSwitch, i.e. the
 * broadcast address minus 2 (x.x.x.253 in a /24).  out: 16 bytes.  false for a bad CIDR.
 */
bool lab_vswitch_gateway_ip(const char *cidr, char *out, size_t size);

/* Address index (0 = network) of a site LAN as dotted text; device n has index n.  out: 16 bytes. */
bool lab_lan_address(const char *lan_cidr, uint32_t index, char *out, size_t size);

/*
 * The site router's address on a site LAN: its last usable address (broadcast minus 1,
 * x.x.x.254 in a /24), which hosts never get.  out: 16 bytes.  false for a bad CIDR.
 */
bool lab_site_router_ip(const char *lan_cidr, char *out, size_t size);

/* The region of the lab site site_id of m->account: model_region_of. */
int lab_site_region(struct model_ctx *m, const char *site_id, char *region, unsigned long size);

/* The region of the lab host host_id of m->account: model_region_of. */
int lab_host_region(struct model_ctx *m, const char *host_id, char *region, unsigned long size);

/* A fault as stored: tunnel_id "" cuts every tunnel of the connection. */
struct lab_fault {
	char vpn_connection_id[64];
	char tunnel_id[64];
};

/* Every fault of every account into *out (malloc'd, caller frees) and *count.  0 or -1 with err. */
int lab_fault_list_all(struct model_ctx *m, struct lab_fault **out, int *count, struct vl_err *err);

/* A site as the data plane needs it. */
struct lab_site {
	char site_id[64];
	char lan_cidr[20];
	json_t *overrides; /* the stored overrides array (owned; NULL when unreadable) */
};

/*
 * Every site of every account by creation into *out (free with lab_sites_free) and *count.
 * 0 or -1 with err.
 */
int lab_site_list_all(struct model_ctx *m, struct lab_site **out, int *count, struct vl_err *err);
void lab_sites_free(struct lab_site *sites, int count);

/*
 * The hosts on site site_id's LAN by creation into *out (malloc'd, caller frees) and *count;
 * each has host_id, site_id and ip_address.  0 or -1 with err.
 */
int lab_host_list_in_site(struct model_ctx *m, const char *site_id, struct lab_host **out, int *count,
			  struct vl_err *err);

#endif
