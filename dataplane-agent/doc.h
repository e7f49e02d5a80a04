#ifndef VL_DOC_H
#define VL_DOC_H

/*
 * The desired-state document (server → agent), parsed and validated.  The JSON form is
 * specified by schema/agent-document.schema.json; this parser is compiled into both the
 * agent (which refuses an invalid document) and the server (which checks every document it
 * compiles before pushing it).  All strings are copied into the structs: a doc_desired owns
 * everything it points to.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DOC_VERSION 2
#define DOC_ID_MAX 64
#define DOC_TS_MAX 10	    /* traffic selectors per side */
#define DOC_NEXTHOPS_MAX 16
#define DOC_ERR_MAX 256
#define DOC_IKE_ID_MAX 404  /* an IKE identity: an IPv4 address or an FQDN (100 characters, UTF-8) */
#define DOC_PSK_MAX 101
#define DOC_ALG_MAX 16

/*
 * Where a LAN-side interface sits: a vSwitch of a VPC router, a site's LAN, or the link of
 * a transit router's VPN attachment (exactly one of the three).
 */
struct doc_lan {
	char vpc[DOC_ID_MAX];	  /* "" for site LANs and transit router links */
	char vswitch[DOC_ID_MAX]; /* "" for site LANs and transit router links */
	char site[DOC_ID_MAX];	  /* "" for vSwitches and transit router links */
	char transit_router[DOC_ID_MAX]; /* "" for vSwitches and site LANs */
	char link[DOC_ID_MAX];		 /* the VPN attachment whose link this is (with transit_router) */
	char ip[16];
	int prefix;
	char gateway[16]; /* default/next router on that LAN ("" none) */
};

/*
 * A check sent through a tunnel: the customer's health check (health_check), or the cloud
 * side's own liveness probe (liveness).  Dead after retry intervals without an answer.
 */
struct doc_health_check {
	bool enable;
	char sip[16], dip[16];
	int interval_ms, retry;
};

/* One IKE or ESP proposal, in IANA-style names (not any IKE daemon's keywords). */
struct doc_proposal {
	char enc[DOC_ALG_MAX];	 /* aes128 | aes192 | aes256 | des | 3des */
	char integ[DOC_ALG_MAX]; /* md5 | sha1 | sha256 | sha384 | sha512 (HMAC) */
	char dh[DOC_ALG_MAX];	 /* modp768 | modp1024 | modp1536 | modp2048 | none (ESP without PFS) */
};

/* When an SA is renewed (rekey_s, by this end) and when it expires at the latest. 0: never. */
struct doc_lifetime {
	int rekey_s, lifetime_s;
};

/*
 * The IKE/IPsec parameters of one tunnel end: everything an IKE daemon needs to negotiate
 * it, in logical terms.  Equal parameters (memcmp: the parser zero-fills) mean the loaded
 * connection is right and its SAs stay up.
 */
struct doc_ipsec {
	char local_ip[16];		 /* this end's IKE address (the endpoint's public_ip) */
	char local_id[DOC_IKE_ID_MAX];	 /* IKE identities: an IPv4 address text, else an FQDN */
	char remote_id[DOC_IKE_ID_MAX];
	char psk[DOC_PSK_MAX];
	int ike_version;		 /* 1 | 2 */
	bool aggressive;		 /* IKEv1 aggressive mode */
	struct doc_proposal ike_proposal, esp_proposal;
	struct doc_lifetime ike_life, esp_life;
	int dpd_delay_s;		 /* 0: no DPD from this end */
	bool nat_traversal;		 /* NAT-T (UDP encapsulation when a NAT is detected) */
	bool initiator;			 /* starts the SA and restarts it (a branch device); else responds only */
	bool standby;			 /* another tunnel of this end with the same selectors is preferred:
					  * this one's SAs carry traffic only when that one has none */
};

enum doc_tunnel_role { DOC_ROLE_SINGLE, DOC_ROLE_MASTER, DOC_ROLE_SLAVE };

struct doc_tunnel {
	char name[96];		      /* the IKE connection's name (unique within the endpoint) */
	char connection_id[DOC_ID_MAX];
	char tunnel_id[DOC_ID_MAX];   /* "" for single-tunnel connections */
	enum doc_tunnel_role role;
	char peer_ip[16];
	int local_ts_count, remote_ts_count;
	char local_ts[DOC_TS_MAX][20], remote_ts[DOC_TS_MAX][20];
	struct doc_ipsec ipsec;
	struct doc_health_check health_check; /* the customer's (gateway side: sends; branch: expects) */
	struct doc_health_check liveness;     /* the cloud's own probe when health_check is off */
	bool cut; /* lab fault: drop this tunnel's underlay traffic (UDP 500/4500 to/from peer) */
};

enum doc_endpoint_kind { DOC_EP_GATEWAY, DOC_EP_SITE_DEVICE };

/* An IPsec endpoint: one tunnel end of a VPN gateway, or a branch site's gateway device. */
struct doc_endpoint {
	char id[DOC_ID_MAX]; /* "vpn-xxx-m"/"vpn-xxx-s" or "<site>-<cgw>" */
	enum doc_endpoint_kind kind;
	char public_ip[16];  /* its address on the underlay */
	struct doc_lan lan;  /* inner interface */
	int bandwidth_mbps;  /* 0: unlimited */
	int tunnel_count;
	struct doc_tunnel *tunnels;
};

struct doc_nexthop {
	char via[16];		   /* next-hop address on a vSwitch or link (an endpoint's lan.ip, a router) */
	int weight;		   /* 0..100: the highest weight among usable hops carries traffic */
	char endpoint[DOC_ID_MAX]; /* the endpoint behind via; "" for a router (always usable) */
	char tunnel[96];	   /* the tunnel whose health decides whether the hop is usable; "" with endpoint */
	bool remote;		   /* endpoint runs on another agent: via is that agent's fabric address, the
				      tunnel's state comes from that agent (its fabric peer's url) */
};

/* Kernel tables of custom VPC route tables: DOC_TABLE_MIN..DOC_TABLE_MAX (0: the main table). */
#define DOC_TABLE_MIN 1000
#define DOC_TABLE_MAX 1999

/*
 * Kernel tables of transit router route tables, in the router's own namespace (the same
 * numbers as the VPC routers' policy tables, which live in the VPC routers' namespaces).
 */
#define DOC_TR_TABLE_MIN 2000
#define DOC_TR_TABLE_MAX 2999

/* Kernel tables of the VPN gateways' policy routes: DOC_PBR_TABLE_MIN..DOC_PBR_TABLE_MAX. */
#define DOC_PBR_TABLE_MIN 2000
#define DOC_PBR_TABLE_MAX 2999
#define DOC_POLICIES_MAX (DOC_PBR_TABLE_MAX - DOC_PBR_TABLE_MIN + 1)

/*
 * A policy rule of the VPC router (a VPN gateway's policy-based route): traffic from `from`
 * to `to` is routed by kernel table `table`, ahead of every other rule; the document's order
 * is the order of matching.
 */
struct doc_policy {
	char from[20];
	char to[20];
	uint32_t table; /* DOC_PBR_TABLE_MIN..DOC_PBR_TABLE_MAX, one policy each */
};

struct doc_route {
	char dest[20];
	uint32_t table;		   /* 0: the VPC's system route table (main); else a custom table's or a policy's,
				      or a transit router's table */
	bool blackhole;		   /* drop (transit router BlackHole entries): no next hops */
	int nexthop_count;
	struct doc_nexthop nexthops[DOC_NEXTHOPS_MAX];
};

struct doc_vswitch {
	char id[DOC_ID_MAX];
	char cidr[20];
	char gateway_ip[16];
	uint32_t table; /* traffic entering from this vSwitch is routed by this table; 0: main */
};

#define DOC_FABRIC_PEERS_MAX 64
#define DOC_URL_MAX 256

/* Another agent's router of the same VPC, on the VPC's fabric. */
struct doc_fabric_peer {
	char ip[16];	      /* its router's fabric address */
	char underlay_ip[16]; /* that agent's host address: the fabric VXLAN's remote end */
	char url[DOC_URL_MAX]; /* that agent's listener: remote hops' tunnel states come from there */
	int cidr_count;
	char (*cidrs)[20]; /* the vSwitches that agent builds: routed to ip */
};

/* A VPC spread over several agents: its routers joined by a VXLAN segment of its own. */
struct doc_fabric {
	uint32_t vni;
	char ip[16]; /* this agent's router */
	int prefix;
	int peer_count;
	struct doc_fabric_peer *peers;
};

/*
 * The far end of a transit router's stretched link (doc_tr_link.stretch_vni): a VXLAN port
 * of vSwitch `vswitch`'s bridge toward the router's agent, whose end holds the router's
 * interface address.  VNI and peer as in that link.
 */
struct doc_tr_port {
	char transit_router[DOC_ID_MAX];
	char attachment[DOC_ID_MAX];
	char vswitch[DOC_ID_MAX];
	uint32_t vni;
	char peer[16]; /* the router's agent's underlay address */
};

#define DOC_TR_PORTS_MAX 1024

struct doc_vpc {
	char id[DOC_ID_MAX];
	char cidr[20];
	bool has_fabric;
	struct doc_fabric fabric;
	int tr_port_count;
	struct doc_tr_port *tr_ports; /* transit routers' stretched links into its vSwitches */
	int vswitch_count;
	struct doc_vswitch *vswitches;
	int route_count;
	struct doc_route *routes;
	int policy_count;
	struct doc_policy *policies; /* in the order they match */
};

/*
 * A branch site's LAN and its router: the site namespace holds the LAN bridge and, on it,
 * router_ip, the site hosts' default router.  Each route sends a cloud block to the site's
 * gateway devices: a hop per device tunnel that leads to the block (via the device's LAN
 * address, endpoint = the device, tunnel = that tunnel), chosen by route_select exactly as a
 * VPC route's hops are, so equal weights over several devices are one multipath route
 * (ECMP, L4-hashed per flow) and a device whose tunnels toward the block are down leaves it.
 */
struct doc_site {
	char id[DOC_ID_MAX];
	char lan_cidr[20];
	char router_ip[16]; /* "" (a document without a router): hosts name their router themselves */
	int route_count;
	struct doc_route *routes; /* main table; nexthops never remote */
};

enum doc_tr_link_kind { DOC_TR_LINK_VPN, DOC_TR_LINK_VPC };

/*
 * One link of a transit router: a VPN attachment's link (a bridge in the router on which
 * the attachment's endpoints sit: ip/prefix is the router's address there), or a VPC
 * attachment's interface in one mapped vSwitch (ip/prefix: the attachment's address in the
 * vSwitch; gateway: the VPC router's address there).  Traffic entering from the link is
 * routed by kernel table `table` (its associated route table), 0: dropped (no association).
 * A VPC link whose vSwitch another agent builds is stretched (stretch_vni != 0): a VXLAN
 * device in the router toward that agent's underlay address stretch_peer, where the other
 * end is a port of the vSwitch's bridge (doc_tr_port); the VPC need not be in the document.
 */
struct doc_tr_link {
	char attachment[DOC_ID_MAX];
	enum doc_tr_link_kind kind;
	char vpc[DOC_ID_MAX], vswitch[DOC_ID_MAX]; /* VPC links */
	char ip[16];
	int prefix;
	char gateway[16]; /* VPC links */
	uint32_t table;
	uint32_t stretch_vni; /* VPC links: 0, or the VNI of the link stretched to another agent */
	char stretch_peer[16];
};

/* A transit router: its links and the routes of its route tables (each in its kernel table). */
struct doc_transit_router {
	char id[DOC_ID_MAX];
	int link_count;
	struct doc_tr_link *links;
	int route_count;
	struct doc_route *routes;
};

struct doc_host {
	char id[DOC_ID_MAX];
	struct doc_lan lan;
};

struct doc_desired {
	int64_t generation;
	char agent_id[DOC_ID_MAX];
	uint32_t underlay_vni;
	int peer_count;
	char (*peers)[16]; /* other agents' underlay addresses (VXLAN head-end replication) */
	int vpc_count, endpoint_count, site_count, host_count, tr_count;
	struct doc_vpc *vpcs;
	struct doc_transit_router *trs;
	struct doc_endpoint *endpoints;
	struct doc_site *sites;
	struct doc_host *hosts;
};

/*
 * Parses and validates root into *out (zeroed first).  Checks types, sizes, addresses and
 * CIDRs, unique ids, and that every reference (vpc, vswitch, site, endpoint, tunnel) names
 * something in the document.  Returns 0, or -1 with err (DOC_ERR_MAX) naming the JSON path
 * of the first problem; *out is then empty.  Free with doc_free.
 */
int doc_parse(json_t *root, struct doc_desired *out, char *err);
/* Same, from text. */
int doc_parse_text(const char *text, size_t len, struct doc_desired *out, char *err);
/* Frees what *d owns and zeroes it; NULL ok. */
void doc_free(struct doc_desired *d);
/* Deep copies (the copy owns its arrays): 0, or -1 when out of memory (*dst then empty). */
int doc_vpc_copy(struct doc_vpc *dst, const struct doc_vpc *src);
int doc_endpoint_copy(struct doc_endpoint *dst, const struct doc_endpoint *src);
int doc_site_copy(struct doc_site *dst, const struct doc_site *src);
void doc_vpc_free(struct doc_vpc *v);
int doc_tr_copy(struct doc_transit_router *dst, const struct doc_transit_router *src);
void doc_tr_free(struct doc_transit_router *t);
/* The transit router of d with that id, or NULL (a pointer into d). */
const struct doc_transit_router *doc_find_tr(const struct doc_desired *d, const char *id);
/* The link of tr for attachment (and vswitch, "" for VPN links), or NULL. */
const struct doc_tr_link *doc_find_tr_link(const struct doc_transit_router *tr, const char *attachment,
					   const char *vswitch);
void doc_endpoint_free(struct doc_endpoint *e);
void doc_site_free(struct doc_site *s);
/* The check a tunnel's liveness is judged by: the customer's health check, else the cloud's
 * liveness probe; NULL when neither is on. */
const struct doc_health_check *doc_tunnel_check(const struct doc_tunnel *t);

/*
 * The element of array (count elements of size bytes, each a top-level object: a struct that
 * starts with its char id[DOC_ID_MAX]) whose id is id, or NULL (a pointer into array).
 */
const void *doc_find_id(const void *array, int count, size_t size, const char *id);
/* The top-level object of d with that id, or NULL (a pointer into d). */
const struct doc_vpc *doc_find_vpc(const struct doc_desired *d, const char *id);
const struct doc_endpoint *doc_find_endpoint(const struct doc_desired *d, const char *id);
const struct doc_site *doc_find_site(const struct doc_desired *d, const char *id);
const struct doc_host *doc_find_host(const struct doc_desired *d, const char *id);
/* The fabric peer of vpc whose router is at ip, or NULL. */
const struct doc_fabric_peer *doc_find_fabric_peer(const struct doc_vpc *vpc, const char *ip);
const struct doc_tunnel *doc_find_tunnel(const struct doc_endpoint *e, const char *name);
const char *doc_role_name(enum doc_tunnel_role r);
const char *doc_endpoint_kind_name(enum doc_endpoint_kind k);

#endif
