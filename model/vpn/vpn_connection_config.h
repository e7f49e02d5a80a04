#ifndef VL_VPN_CONNECTION_CONFIG_H
#define VL_VPN_CONNECTION_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "ipsec_config.h"
#include "model.h"
#include "vpn_connection.h"

/*
 * The configuration of the customer's device of an IPsec-VPN connection: what
 * DownloadVpnConnectionConfig answers ("the configurations of the peer gateway device") and
 * what the vpnlab extension LabDownloadCustomerSwanctlConfig renders as a strongSwan
 * swanctl.conf.  Everything here is the connection seen from the customer gateway: "local"
 * is the customer side, "remote" the VPN gateway (or the transit router of an unbound
 * connection).  Sources and decisions: api-docs/research-vpn-connection.md §7.
 */

/*
 * One IKE peer of the customer device: a single-tunnel connection has one, a dual-tunnel two.
 * Built for the gateway side (vpn_connection_config_build_gateway_side), local and remote
 * are the other way round: local is the VPN gateway, remote the customer gateway.
 */
struct vpn_connection_config_tunnel {
	char tunnel_id[64];   /* "" for single-tunnel connections */
	char role[8];	      /* master | slave; "" for single-tunnel connections */
	char customer_gateway_id[64]; /* the customer gateway this tunnel reaches */
	char local_addr[16];  /* the customer gateway's IP address */
	char remote_addr[16]; /* the VPN gateway's (tunnel's) address; "" while an unbound
			       * connection has none */
	/* IKE settings with the identities swapped: local_id is the customer gateway's
	 * identity (the connection's RemoteId), remote_id the VPN gateway's (its LocalId).
	 * Gateway side: not swapped. */
	struct ipsec_ike_config ike;
	struct ipsec_phase2_config ipsec;
	bool enable_dpd, enable_nat_traversal;
	/*
	 * Gateway side: another tunnel of the same gateway endpoint is preferred for the same
	 * traffic (the highest route weight pointing at this one is 0, or it is a dual-tunnel
	 * slave): its CHILD_SAs get a fixed policy priority behind the automatic one
	 * (vpn_connection_config_standby_priority).  Set by the data-plane compiler; the build
	 * functions leave it false.
	 */
	bool standby;
	/* BGP from the customer's side; only when BGP is enabled on the connection */
	bool bgp;
	char bgp_local_asn[16];	   /* the customer gateway's ASN; "" when it has none */
	int64_t bgp_peer_asn;	   /* the VPN gateway side's LocalAsn */
	char bgp_tunnel_cidr[20];
	char bgp_local_ip[16];	   /* the customer's BGP address: the connection's PeerBgpIp */
	char bgp_peer_ip[16];	   /* the VPN gateway's BGP address: the connection's LocalBgpIp */
};

struct vpn_connection_config {
	char vpn_connection_id[64];
	bool dual_tunnel;
	bool gateway_side;	 /* built by vpn_connection_config_build_gateway_side */
	char local_subnet[512];	 /* customer side: the connection's RemoteSubnet (gateway side: LocalSubnet) */
	char remote_subnet[512]; /* VPC side: the connection's LocalSubnet (gateway side: RemoteSubnet) */
	int tunnel_count;	 /* 1 (single-tunnel) or 2 (master first) */
	int dpd_delay_s;	 /* DPD probe interval of the texts (the server's --dpd-delay-s); 0: 30 s */
	struct vpn_connection_config_tunnel tunnels[IPSEC_TUNNELS_MAX];
};

/*
 * Derives the customer-side configuration of c (as vpn_connection_get filled it) into
 * *out, looking up the customer gateways' addresses and ASNs; the DPD interval is
 * m->cfg->dpd_delay_s.  Returns 0 or -1 with err set.
 */
int vpn_connection_config_build(struct model_ctx *m, const struct vpn_connection *c,
				struct vpn_connection_config *out, struct vl_err *err);

/*
 * The same connection seen from the VPN gateway, for the data plane's gateway endpoints:
 * local is the gateway's (tunnel's) address and LocalSubnet, remote the customer gateway's
 * address and RemoteSubnet, identities as the connection stores them (LocalId is the
 * gateway's).  Rendered by the swanctl functions below as a responder: the branch initiates.
 * Customer gateways are looked up in m's account and region; the DPD interval is
 * m->cfg->dpd_delay_s; no tunnel is marked standby.  Returns 0 or -1 with err set.
 */
int vpn_connection_config_build_gateway_side(struct model_ctx *m, const struct vpn_connection *c,
					     struct vpn_connection_config *out, struct vl_err *err);

/*
 * Loads the caller's connection vpn_connection_id and derives its configuration
 * (InvalidVpnConnectionInstanceId.NotFound when absent).  Returns 0 or -1 with err set.
 */
int vpn_connection_config_load(struct model_ctx *m, const char *vpn_connection_id,
			       struct vpn_connection_config *out, struct vl_err *err);

/*
 * The VpnConnectionConfig object of DownloadVpnConnectionConfig.  Returns a new reference
 * (NULL only when out of memory).
 */
json_t *vpn_connection_config_to_json(const struct vpn_connection_config *cfg);

/*
 * Renders cfg as a complete swanctl.conf for the customer device: one connection per
 * tunnel, PSK secrets, children covering the protected subnets.  *text receives a
 * malloc'd NUL-terminated string the caller frees.  Refuses a configuration whose
 * VPN-gateway address is not known yet (an unbound connection not attached to a transit
 * router): IncorrectStatus.VpnConnection.  Returns 0 or -1 with err set (*text NULL).
 */
int vpn_connection_config_swanctl(const struct vpn_connection_config *cfg, char **text,
				  struct vl_err *err);

/*
 * Renders several configurations (count >= 1, all built for the same side; each may hold a
 * subset of its connection's tunnels) as one swanctl.conf: one connections {} and one
 * secrets {} section holding every tunnel, so one charon loads it in one go.  With one
 * configuration the text is exactly vpn_connection_config_swanctl's.  Gateway-side
 * configurations render as responders (start_action none, dpd_action clear, keyingtries 1,
 * rekeying after the branch would), standby tunnels with a child priority
 * (vpn_connection_config_standby_priority).  *text as for vpn_connection_config_swanctl.
 * Returns 0 or -1 with err set (*text NULL).
 */
int vpn_connection_config_swanctl_multi(const struct vpn_connection_config *const *cfgs, int count, char **text,
					struct vl_err *err);

/*
 * The swanctl child priority of a gateway-side standby CHILD_SA whose selectors are the
 * comma-separated CIDR lists local_ts and remote_ts: two behind the priority strongSwan's
 * kernel-netlink computes itself for its least specific pair of selectors (lower is
 * preferred).  Returns it, or 0 (no fixed priority) when a list holds no CIDR.
 */
unsigned vpn_connection_config_standby_priority(const char *local_ts, const char *remote_ts);

/*
 * The swanctl connection (and CHILD_SA, secret "ike-<name>") name of tunnel index of cfg:
 * the tunnel ID in dual-tunnel connections, the connection ID otherwise.  Points into cfg.
 */
const char *vpn_connection_config_tunnel_name(const struct vpn_connection_config *cfg, int index);

/*
 * When an SA of lifetime seconds is renewed by the side cfg was built for (the customer
 * device 10 % before the limit, the gateway 5 %): the texts' rekey_time, the data-plane
 * document's rekey_s.
 */
int64_t vpn_connection_config_rekey_s(const struct vpn_connection_config *cfg, int64_t lifetime);
/* The DPD interval of tunnel index (seconds), 0 when its DPD is off. */
int vpn_connection_config_dpd_delay_s(const struct vpn_connection_config *cfg, int index);
/* strongSwan algorithm keywords for the cloud's names ("aes" → "aes128", "group2" → "modp1024"); NULL if unknown. */
const char *vpn_connection_config_swan_enc(const char *alg);
const char *vpn_connection_config_swan_dh(const char *group);

#endif
