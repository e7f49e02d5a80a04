#ifndef VL_IPSEC_CONFIG_H
#define VL_IPSEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "errors.h"
#include "list.h"

/*
 * The IKE/IPsec settings of an IPsec-VPN connection or tunnel, as the cloud takes them:
 * the JSON-string parameters IkeConfig, IpsecConfig, HealthCheckConfig and BgpConfig, and
 * the flattened TunnelOptionsSpecification.N.* leaves.  Every field goes through one
 * setter per group, so JSON keys and flattened leaves share the same rules, and parsing
 * overlays a base config: the defaults on create, the stored values on modify.
 * Pure functions: no store, no request context (the fuzz target runs them directly).
 */

#define IPSEC_PSK_MAX 100	/* characters; the allowed ones are ASCII */
#define IPSEC_ID_MAX 100	/* LocalId / RemoteId, characters */
#define IPSEC_LIFETIME_MAX 86400
#define IPSEC_DEFAULT_ASN 45104
#define IPSEC_PSK_GENERATED_LEN 16

/* Phase 1.  Strings are NUL-terminated; "" means "not set" for psk, local_id, remote_id. */
struct ipsec_ike_config {
	char psk[IPSEC_PSK_MAX + 1];
	char ike_version[8];  /* ikev1 | ikev2 */
	char ike_mode[12];    /* main | aggressive */
	char ike_enc_alg[8];  /* aes | aes192 | aes256 | des | 3des */
	char ike_auth_alg[8]; /* md5 | sha1 | sha256 | sha384 | sha512 */
	char ike_pfs[8];      /* group1 | group2 | group5 | group14 */
	int64_t ike_lifetime; /* 0-86400 s */
	char local_id[IPSEC_ID_MAX * 4 + 1];
	char remote_id[IPSEC_ID_MAX * 4 + 1];
};

/* Phase 2. */
struct ipsec_phase2_config {
	char enc_alg[8];  /* as IkeEncAlg */
	char auth_alg[8]; /* as IkeAuthAlg */
	char pfs[9];	  /* disabled | group1 | group2 | group5 | group14 */
	int64_t lifetime; /* 0-86400 s */
};

/* HealthCheckConfig (lowercase keys on the wire) and the VcoHealthCheck it shows as. */
struct ipsec_health_check {
	bool configured; /* a HealthCheckConfig was ever given */
	bool enable;
	char dip[16], sip[16];
	int64_t interval, retry;
	char policy[16]; /* revoke_route | reserve_route */
	char status[16]; /* data plane: success | failed; "" while disabled */
};

/* BgpConfig / TunnelBgpConfig. */
struct ipsec_bgp_config {
	bool enable;	  /* BgpConfig.EnableBgp; for tunnels the connection's EnableTunnelsBgp */
	int64_t local_asn; /* 1-4294967295 */
	char tunnel_cidr[20];
	char local_bgp_ip[16];
	char status[16]; /* data plane: success | failed; "" while disabled */
};

enum ipsec_ike_field {
	IKE_F_PSK, IKE_F_VERSION, IKE_F_MODE, IKE_F_ENC_ALG, IKE_F_AUTH_ALG, IKE_F_PFS,
	IKE_F_LIFETIME, IKE_F_LOCAL_ID, IKE_F_REMOTE_ID, IKE_F_COUNT
};
enum ipsec_phase2_field { P2_F_ENC_ALG, P2_F_AUTH_ALG, P2_F_PFS, P2_F_LIFETIME, P2_F_COUNT };
enum ipsec_hc_field { HC_F_ENABLE, HC_F_DIP, HC_F_SIP, HC_F_INTERVAL, HC_F_RETRY, HC_F_POLICY, HC_F_COUNT };
enum ipsec_bgp_field { BGP_F_ENABLE, BGP_F_LOCAL_ASN, BGP_F_TUNNEL_CIDR, BGP_F_LOCAL_BGP_IP, BGP_F_COUNT };

/* The cloud's key of each field (IkeEncAlg, dip, …); static strings. */
const char *ipsec_ike_field_name(enum ipsec_ike_field f);
const char *ipsec_phase2_field_name(enum ipsec_phase2_field f);
const char *ipsec_hc_field_name(enum ipsec_hc_field f);
const char *ipsec_bgp_field_name(enum ipsec_bgp_field f);

/* The documented defaults (aes/md5/group2/86400, ikev1/main; health check 3 s × 3, revoke_route; ASN 45104). */
void ipsec_ike_defaults(struct ipsec_ike_config *c);
void ipsec_phase2_defaults(struct ipsec_phase2_config *c);
void ipsec_health_check_defaults(struct ipsec_health_check *c);
void ipsec_bgp_defaults(struct ipsec_bgp_config *c);

/*
 * Field setters: validate value (text as sent; JSON numbers and booleans arrive as their
 * text) and store it into c.  param names the value in errors (e.g. "IkeConfig.IkeEncAlg"
 * or "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeEncAlg").  An empty Psk/LocalId/
 * RemoteId/dip/sip means "not set".  Return 0, or -1 with err set; c is unchanged on error.
 */
int ipsec_ike_set(struct ipsec_ike_config *c, enum ipsec_ike_field f, const char *value,
		  const char *param, struct vl_err *err);
int ipsec_phase2_set(struct ipsec_phase2_config *c, enum ipsec_phase2_field f, const char *value,
		     const char *param, struct vl_err *err);
int ipsec_health_check_set(struct ipsec_health_check *c, enum ipsec_hc_field f, const char *value,
			   const char *param, struct vl_err *err);
int ipsec_bgp_set(struct ipsec_bgp_config *c, enum ipsec_bgp_field f, const char *value,
		  const char *param, struct vl_err *err);

/*
 * JSON-string parameters: json must be one JSON object; its keys are matched without regard
 * to case (the cloud's JSON binding does the same), unknown keys are ignored, null values
 * leave a field as it was, duplicate keys are refused (also keys equal ignoring case,
 * {"Psk":"a","psk":"b"}: Invalid<param>).  Each known key overlays c through
 * the setter above.  param is the parameter's name (IkeConfig, …) for errors.  A refused
 * document leaves c unchanged.  Return 0 or -1 with err set.
 */
int ipsec_parse_ike_json(const char *json, const char *param, struct ipsec_ike_config *c,
			 struct vl_err *err);
int ipsec_parse_phase2_json(const char *json, const char *param, struct ipsec_phase2_config *c,
			    struct vl_err *err);
int ipsec_parse_health_check_json(const char *json, const char *param, struct ipsec_health_check *c,
				  struct vl_err *err);
int ipsec_parse_bgp_json(const char *json, const char *param, struct ipsec_bgp_config *c,
			 struct vl_err *err);

/*
 * The single-tunnel JSON parameters of a request for a dual-tunnel connection, which does
 * not use them (its tunnels have their own settings): each given one (NULL: absent) must
 * still be a well-formed document as above (one object, no key twice ignoring case, scalar
 * values for the known keys), or it is refused as ipsec_parse_*_json refuses it; values are
 * not checked further and nothing is applied.  Returns 0 or -1 with err set.
 */
int ipsec_check_single_tunnel_json(const char *ike, const char *ipsec, const char *health_check,
				   const char *bgp, struct vl_err *err);

/*
 * Cross-field rules applied once a config is complete: an enabled health check needs dip
 * and sip; an enabled BGP needs TunnelCidr and LocalBgpIp (LocalBgpIp inside TunnelCidr).
 * prefix names the parameter for errors ("HealthCheckConfig", "BgpConfig",
 * "TunnelOptionsSpecification.2.TunnelBgpConfig").  Return 0 or -1 with err set.
 */
int ipsec_health_check_finish(const struct ipsec_health_check *c, const char *prefix,
			      struct vl_err *err);
int ipsec_bgp_finish(const struct ipsec_bgp_config *c, const char *prefix, struct vl_err *err);

/*
 * Fills what the cloud fills when it is not given: a generated pre-shared key (16 random
 * lowercase letters and digits, from the kernel's generator), LocalId (the VPN gateway's
 * address; may be "" for unbound connections) and RemoteId (the customer gateway's).
 */
void ipsec_ike_complete(struct ipsec_ike_config *c, const char *local_id, const char *remote_id);

/* Writes a new random pre-shared key of IPSEC_PSK_GENERATED_LEN characters; buf ≥ 17 bytes. */
void ipsec_generate_psk(char *buf, size_t size);

/* True when psk satisfies the documented rule (1-100 characters of the allowed set). */
bool ipsec_valid_psk(const char *psk);

/* The peer's BGP address: the other host address of the /30.  "" when no TunnelCidr. */
void ipsec_bgp_peer_ip(const struct ipsec_bgp_config *c, char *buf, size_t size);

/* "true"/"false" in any case, as the parameter layer accepts booleans.  Returns false if neither. */
bool ipsec_parse_bool(const char *text, bool *out);

/*
 * TunnelOptionsSpecification.N.* — the dual-tunnel leaves sent in the form body.
 * A spec holds borrowed pointers to the request's values (NULL: leaf absent).
 */
#define IPSEC_TUNNELS_MAX 2

struct ipsec_param {
	const char *name;
	const char *value;
};

struct ipsec_tunnel_spec {
	int n; /* the N of TunnelOptionsSpecification.N */
	const char *customer_gateway_id, *role, *tunnel_id, *tunnel_index;
	const char *enable_dpd, *enable_nat_traversal, *remote_ca_certificate;
	const char *ike[IKE_F_COUNT];	  /* TunnelIkeConfig.<field> */
	const char *phase2[P2_F_COUNT];	  /* TunnelIpsecConfig.<field> */
	const char *bgp[BGP_F_COUNT];	  /* TunnelBgpConfig.<field>; BGP_F_ENABLE never set */
};

/*
 * Collects every TunnelOptionsSpecification.N.<leaf> of params into specs,
 * ordered by N.  N must be 1 or 2 (written without leading zeros); leaves the cloud does
 * not define are ignored as undeclared parameters are.  *count receives how many specs
 * have at least one known leaf.  Returns 0 or -1 with err set (bad N).
 */
/* TunnelOptionsSpecification.N.<leaf>, N 1..2: the list ipsec_tunnel_specs_read reads. */
extern const struct list_spec ipsec_tunnel_options_list;

int ipsec_tunnel_specs_read(const struct list_source *params, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			    int *count, struct vl_err *err);

/* ipsec_tunnel_specs_read over an array of n name/value pairs. */
int ipsec_tunnel_specs_collect(const struct ipsec_param *params, size_t n,
			       struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX], int *count,
			       struct vl_err *err);

/*
 * Overlays the TunnelIkeConfig / TunnelIpsecConfig / TunnelBgpConfig leaves of spec onto
 * ike, phase2 and bgp (each through its setter).  Any of the three may be NULL to skip.
 * Returns 0 or -1 with err set; on error the configs may be partly updated (callers work
 * on copies).
 */
int ipsec_tunnel_spec_apply(const struct ipsec_tunnel_spec *spec, struct ipsec_ike_config *ike,
			    struct ipsec_phase2_config *phase2, struct ipsec_bgp_config *bgp,
			    struct vl_err *err);

/*
 * New references: IkeConfig / IpsecConfig objects of an answer for c, lifetimes as text
 * when numbers_as_text (the Describe answers), else as numbers (Modify, the device
 * configuration: the SDK models differ).
 */
json_t *ipsec_ike_to_json(const struct ipsec_ike_config *c, bool numbers_as_text);
json_t *ipsec_phase2_to_json(const struct ipsec_phase2_config *c, bool numbers_as_text);

/* The TunnelBgpConfig CIDR rule: a /30 inside 169.254.0.0/16 outside the reserved ones. */
bool ipsec_valid_tunnel_cidr(const char *text);

#endif
