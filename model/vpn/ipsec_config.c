/*
 * IKE/IPsec, health-check and BGP settings of IPsec-VPN connections: one setter per group
 * holds every rule, so a JSON key (IkeConfig) and a flattened leaf
 * (TunnelOptionsSpecification.N.TunnelIkeConfig.*) are checked the same way.
 * Sources for each rule: api-docs/research-vpn-connection.md.
 */
#include "ipsec_config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "cidr.h"
#include "json_fields.h"
#include "model.h"
#include "text.h"

static const char *const ike_names[IKE_F_COUNT] = {
	"Psk", "IkeVersion", "IkeMode", "IkeEncAlg", "IkeAuthAlg", "IkePfs", "IkeLifetime", "LocalId", "RemoteId",
};
static const char *const phase2_names[P2_F_COUNT] = { "IpsecEncAlg", "IpsecAuthAlg", "IpsecPfs", "IpsecLifetime" };
static const char *const hc_names[HC_F_COUNT] = { "enable", "dip", "sip", "interval", "retry", "Policy" };
static const char *const bgp_names[BGP_F_COUNT] = { "EnableBgp", "LocalAsn", "TunnelCidr", "LocalBgpIp" };

/* Documented value sets (standard, i.e. non-SM, VPN gateways). */
static const char *const ike_versions[] = { "ikev1", "ikev2", NULL };
static const char *const ike_modes[] = { "main", "aggressive", NULL };
static const char *const enc_algs[] = { "aes", "aes192", "aes256", "des", "3des", NULL };
static const char *const auth_algs[] = { "md5", "sha1", "sha256", "sha384", "sha512", NULL };
static const char *const ike_pfs_groups[] = { "group1", "group2", "group5", "group14", NULL };
static const char *const ipsec_pfs_groups[] = { "disabled", "group1", "group2", "group5", "group14", NULL };
static const char *const hc_policies[] = { "revoke_route", "reserve_route", NULL };

/* Health-check bounds: not documented by the cloud; see the research notes. */
#define HC_INTERVAL_MIN 1
#define HC_INTERVAL_MAX 60
#define HC_RETRY_MIN 1
#define HC_RETRY_MAX 100

/* TunnelCidr /30 blocks the cloud reserves (CreateVpnConnection BgpConfig doc). */
static const char *const reserved_tunnel_cidrs[] = {
	"169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
	"169.254.4.0/30", "169.254.5.0/30", "169.254.6.0/30", "169.254.169.252/30",
};

const char *ipsec_ike_field_name(enum ipsec_ike_field f)
{
	return (unsigned)f < IKE_F_COUNT ? ike_names[f] : "";
}

const char *ipsec_phase2_field_name(enum ipsec_phase2_field f)
{
	return (unsigned)f < P2_F_COUNT ? phase2_names[f] : "";
}

const char *ipsec_hc_field_name(enum ipsec_hc_field f)
{
	return (unsigned)f < HC_F_COUNT ? hc_names[f] : "";
}

const char *ipsec_bgp_field_name(enum ipsec_bgp_field f)
{
	return (unsigned)f < BGP_F_COUNT ? bgp_names[f] : "";
}

void ipsec_ike_defaults(struct ipsec_ike_config *c)
{
	memset(c, 0, sizeof(*c));
	model_copy(c->ike_version, sizeof(c->ike_version), "ikev1");
	model_copy(c->ike_mode, sizeof(c->ike_mode), "main");
	model_copy(c->ike_enc_alg, sizeof(c->ike_enc_alg), "aes");
	model_copy(c->ike_auth_alg, sizeof(c->ike_auth_alg), "md5");
	model_copy(c->ike_pfs, sizeof(c->ike_pfs), "group2");
	c->ike_lifetime = IPSEC_LIFETIME_MAX;
}

void ipsec_phase2_defaults(struct ipsec_phase2_config *c)
{
	memset(c, 0, sizeof(*c));
	model_copy(c->enc_alg, sizeof(c->enc_alg), "aes");
	model_copy(c->auth_alg, sizeof(c->auth_alg), "md5");
	model_copy(c->pfs, sizeof(c->pfs), "group2");
	c->lifetime = IPSEC_LIFETIME_MAX;
}

void ipsec_health_check_defaults(struct ipsec_health_check *c)
{
	memset(c, 0, sizeof(*c));
	c->interval = 3;
	c->retry = 3;
	model_copy(c->policy, sizeof(c->policy), "revoke_route");
}

void ipsec_bgp_defaults(struct ipsec_bgp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->local_asn = IPSEC_DEFAULT_ASN;
}

/* IllegalParam.<Field>: the product's pattern for a bad value (IllegalParam.LocalSubnet). */
static int illegal(struct vl_err *err, const char *field, const char *param)
{
	char code[200];

	snprintf(code, sizeof(code), "IllegalParam.%s", field);
	return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, code, "The specified \"%s\" is invalid.", param);
}

static bool one_of(const char *value, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(*set, value) == 0)
			return true;
	return false;
}

/* Strict unsigned decimal: digits only (1-10 of them), value ≤ max. */
static bool parse_uint(const char *text, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;

	if (text == NULL || *text == '\0')
		return false;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9' || ++digits > 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool ipsec_parse_bool(const char *text, bool *out)
{
	if (text && strcasecmp(text, "true") == 0) {
		*out = true;
		return true;
	}
	if (text && strcasecmp(text, "false") == 0) {
		*out = false;
		return true;
	}
	return false;
}

bool ipsec_valid_psk(const char *psk)
{
	/* letters, digits and these; no spaces (the doc's list) */
	static const char specials[] = "~!`@#$%^&*()_-+={}[]|;:\",.<>/?";
	size_t len = strlen(psk);

	if (len < 1 || len > IPSEC_PSK_MAX)
		return false;
	for (const char *p = psk; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			continue;
		if (strchr(specials, *p) == NULL)
			return false;
	}
	return true;
}

/* LocalId / RemoteId: up to 100 characters, no white space (IP address or FQDN). */
static bool valid_identity(const char *id)
{
	long n = text_chars(id);

	if (n < 1 || n > IPSEC_ID_MAX)
		return false;
	return strpbrk(id, " \t\r\n\v\f") == NULL;
}

int ipsec_ike_set(struct ipsec_ike_config *c, enum ipsec_ike_field f, const char *value,
		  const char *param, struct vl_err *err)
{
	int64_t n;

	if (value == NULL || (unsigned)f >= IKE_F_COUNT)
		return illegal(err, ipsec_ike_field_name(f), param);
	switch (f) {
	case IKE_F_PSK:
		if (*value && !ipsec_valid_psk(value))
			break;
		model_copy(c->psk, sizeof(c->psk), value);
		return 0;
	case IKE_F_VERSION:
		if (!one_of(value, ike_versions))
			break;
		model_copy(c->ike_version, sizeof(c->ike_version), value);
		return 0;
	case IKE_F_MODE:
		if (!one_of(value, ike_modes))
			break;
		model_copy(c->ike_mode, sizeof(c->ike_mode), value);
		return 0;
	case IKE_F_ENC_ALG:
		if (!one_of(value, enc_algs))
			break;
		model_copy(c->ike_enc_alg, sizeof(c->ike_enc_alg), value);
		return 0;
	case IKE_F_AUTH_ALG:
		if (!one_of(value, auth_algs))
			break;
		model_copy(c->ike_auth_alg, sizeof(c->ike_auth_alg), value);
		return 0;
	case IKE_F_PFS:
		if (!one_of(value, ike_pfs_groups))
			break;
		model_copy(c->ike_pfs, sizeof(c->ike_pfs), value);
		return 0;
	case IKE_F_LIFETIME:
		if (!parse_uint(value, IPSEC_LIFETIME_MAX, &n))
			break;
		c->ike_lifetime = n;
		return 0;
	case IKE_F_LOCAL_ID:
		if (*value && !valid_identity(value))
			break;
		model_copy(c->local_id, sizeof(c->local_id), value);
		return 0;
	case IKE_F_REMOTE_ID:
		if (*value && !valid_identity(value))
			break;
		model_copy(c->remote_id, sizeof(c->remote_id), value);
		return 0;
	case IKE_F_COUNT:
		break;
	}
	return illegal(err, ipsec_ike_field_name(f), param);
}

int ipsec_phase2_set(struct ipsec_phase2_config *c, enum ipsec_phase2_field f, const char *value,
		     const char *param, struct vl_err *err)
{
	int64_t n;

	if (value == NULL || (unsigned)f >= P2_F_COUNT)
		return illegal(err, ipsec_phase2_field_name(f), param);
	switch (f) {
	case P2_F_ENC_ALG:
		if (!one_of(value, enc_algs))
			break;
		model_copy(c->enc_alg, sizeof(c->enc_alg), value);
		return 0;
	case P2_F_AUTH_ALG:
		if (!one_of(value, auth_algs))
			break;
		model_copy(c->auth_alg, sizeof(c->auth_alg), value);
		return 0;
	case P2_F_PFS:
		if (!one_of(value, ipsec_pfs_groups))
			break;
		model_copy(c->pfs, sizeof(c->pfs), value);
		return 0;
	case P2_F_LIFETIME:
		if (!parse_uint(value, IPSEC_LIFETIME_MAX, &n))
			break;
		c->lifetime = n;
		return 0;
	case P2_F_COUNT:
		break;
	}
	return illegal(err, ipsec_phase2_field_name(f), param);
}

int ipsec_health_check_set(struct ipsec_health_check *c, enum ipsec_hc_field f, const char *value,
			   const char *param, struct vl_err *err)
{
	uint32_t addr;
	int64_t n;
	bool b;

	if (value == NULL || (unsigned)f >= HC_F_COUNT)
		return illegal(err, ipsec_hc_field_name(f), param);
	switch (f) {
	case HC_F_ENABLE:
		if (!ipsec_parse_bool(value, &b))
			break;
		c->enable = b;
		return 0;
	case HC_F_DIP:
	case HC_F_SIP:
		if (*value && !ipv4_parse(value, &addr))
			break;
		if (f == HC_F_DIP)
			model_copy(c->dip, sizeof(c->dip), value);
		else
			model_copy(c->sip, sizeof(c->sip), value);
		return 0;
	case HC_F_INTERVAL:
		if (!parse_uint(value, HC_INTERVAL_MAX, &n) || n < HC_INTERVAL_MIN)
			break;
		c->interval = n;
		return 0;
	case HC_F_RETRY:
		if (!parse_uint(value, HC_RETRY_MAX, &n) || n < HC_RETRY_MIN)
			break;
		c->retry = n;
		return 0;
	case HC_F_POLICY:
		if (!one_of(value, hc_policies))
			break;
		model_copy(c->policy, sizeof(c->policy), value);
		return 0;
	case HC_F_COUNT:
		break;
	}
	return illegal(err, ipsec_hc_field_name(f), param);
}

/* An ASN as a number (1-4294967295) or in the two-segment form high.low (16 bits each). */
static bool parse_asn(const char *text, int64_t *out)
{
	const char *dot = strchr(text, '.');
	int64_t high, low;
	char head[12];

	if (dot == NULL)
		return parse_uint(text, 4294967295LL, out) && *out >= 1;
	if ((size_t)(dot - text) >= sizeof(head))
		return false;
	memcpy(head, text, (size_t)(dot - text));
	head[dot - text] = '\0';
	if (!parse_uint(head, 65535, &high) || !parse_uint(dot + 1, 65535, &low))
		return false;
	*out = high * 65536 + low;
	return *out >= 1;
}

bool ipsec_valid_tunnel_cidr(const char *text)
{
	struct cidr c, link_local, reserved;

	if (!cidr_parse(text, &c) || c.prefix_len != 30)
		return false;
	cidr_parse("169.254.0.0/16", &link_local);
	if (!cidr_contains(&link_local, &c))
		return false;
	for (size_t i = 0; i < sizeof(reserved_tunnel_cidrs) / sizeof(reserved_tunnel_cidrs[0]); i++) {
		cidr_parse(reserved_tunnel_cidrs[i], &reserved);
		if (c.addr == reserved.addr)
			return false;
	}
	return true;
}

int ipsec_bgp_set(struct ipsec_bgp_config *c, enum ipsec_bgp_field f, const char *value,
		  const char *param, struct vl_err *err)
{
	uint32_t addr;
	int64_t n;
	bool b;

	if (value == NULL || (unsigned)f >= BGP_F_COUNT)
		return illegal(err, ipsec_bgp_field_name(f), param);
	switch (f) {
	case BGP_F_ENABLE:
		if (!ipsec_parse_bool(value, &b))
			break;
		c->enable = b;
		return 0;
	case BGP_F_LOCAL_ASN:
		if (!parse_asn(value, &n))
			break;
		c->local_asn = n;
		return 0;
	case BGP_F_TUNNEL_CIDR:
		if (*value && !ipsec_valid_tunnel_cidr(value))
			break;
		model_copy(c->tunnel_cidr, sizeof(c->tunnel_cidr), value);
		return 0;
	case BGP_F_LOCAL_BGP_IP:
		if (*value && !ipv4_parse(value, &addr))
			break;
		model_copy(c->local_bgp_ip, sizeof(c->local_bgp_ip), value);
		return 0;
	case BGP_F_COUNT:
		break;
	}
	return illegal(err, ipsec_bgp_field_name(f), param);
}

/*
 * A JSON member's value as the text a form parameter would carry: strings as they are,
 * integers in decimal, booleans as true/false.  NULL for null (leave the field alone);
 * *bad set for reals, arrays and objects.
 */
static const char *json_value_text(json_t *value, char *buf, size_t size, bool *bad)
{
	*bad = false;
	switch (json_typeof(value)) {
	case JSON_STRING:
		return json_string_value(value);
	case JSON_INTEGER:
		snprintf(buf, size, "%lld", (long long)json_integer_value(value));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return NULL;
	default:
		*bad = true;
		return NULL;
	}
}

typedef int (*field_setter)(void *config, int field, const char *value, const char *param,
			    struct vl_err *err);

/*
 * True when two keys of object are equal ignoring case.  Keys are matched without regard to
 * case, so {"Psk":"a","psk":"b"} would name one field twice (exact duplicates are already
 * refused by the parser); which one won would depend on the object's order.
 */
static bool has_case_duplicates(json_t *object)
{
	const char *key, *other;
	json_t *value, *other_value;
	size_t i = 0;

	json_object_foreach(object, key, value) {
		size_t j = 0;

		json_object_foreach(object, other, other_value) {
			if (j++ >= i)
				break;
			if (strcasecmp(key, other) == 0)
				return true;
		}
		i++;
	}
	return false;
}

/*
 * The shared JSON walk: parse, require an object with no key twice (ignoring case), match
 * each key (case-insensitively) against names, and set it on a scratch copy that replaces
 * *config only when every key was accepted.  set NULL: check the document's shape only
 * (object, keys, scalar values of the known keys) and change nothing.
 */
static int parse_json_object(const char *text, const char *param, const char *const *names,
			     int count, void *config, size_t config_size, field_setter set,
			     struct vl_err *err)
{
	json_t *doc = NULL, *value;
	void *scratch = NULL;
	const char *key;
	int rc = -1;

	if (text == NULL)
		return 0;
	doc = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (doc == NULL || !json_is_object(doc) || has_case_duplicates(doc)) {
		vl_err_invalid(err, param);
		goto out;
	}
	scratch = malloc(config_size);
	if (scratch == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	memcpy(scratch, config, config_size);
	json_object_foreach(doc, key, value) {
		char buf[32], name[160];
		const char *v;
		bool bad;
		int f;

		for (f = 0; f < count; f++)
			if (strcasecmp(key, names[f]) == 0)
				break;
		if (f == count)
			continue; /* unknown keys are ignored */
		snprintf(name, sizeof(name), "%s.%s", param, names[f]);
		v = json_value_text(value, buf, sizeof(buf), &bad);
		if (bad) {
			illegal(err, names[f], name);
			goto out;
		}
		if (v != NULL && set && set(scratch, f, v, name, err) < 0)
			goto out;
	}
	if (set)
		memcpy(config, scratch, config_size);
	rc = 0;
out:
	free(scratch);
	json_decref(doc);
	return rc;
}

static int set_ike(void *c, int f, const char *v, const char *p, struct vl_err *e)
{
	return ipsec_ike_set(c, (enum ipsec_ike_field)f, v, p, e);
}
static int set_phase2(void *c, int f, const char *v, const char *p, struct vl_err *e)
{
	return ipsec_phase2_set(c, (enum ipsec_phase2_field)f, v, p, e);
}
static int set_hc(void *c, int f, const char *v, const char *p, struct vl_err *e)
{
	return ipsec_health_check_set(c, (enum ipsec_hc_field)f, v, p, e);
}
static int set_bgp(void *c, int f, const char *v, const char *p, struct vl_err *e)
{
	return ipsec_bgp_set(c, (enum ipsec_bgp_field)f, v, p, e);
}

int ipsec_parse_ike_json(const char *json, const char *param, struct ipsec_ike_config *c,
			 struct vl_err *err)
{
	return parse_json_object(json, param, ike_names, IKE_F_COUNT, c, sizeof(*c), set_ike, err);
}

int ipsec_parse_phase2_json(const char *json, const char *param, struct ipsec_phase2_config *c,
			    struct vl_err *err)
{
	return parse_json_object(json, param, phase2_names, P2_F_COUNT, c, sizeof(*c), set_phase2, err);
}

int ipsec_parse_health_check_json(const char *json, const char *param, struct ipsec_health_check *c,
				  struct vl_err *err)
{
	if (parse_json_object(json, param, hc_names, HC_F_COUNT, c, sizeof(*c), set_hc, err) < 0)
		return -1;
	if (json != NULL)
		c->configured = true;
	return 0;
}

int ipsec_parse_bgp_json(const char *json, const char *param, struct ipsec_bgp_config *c,
			 struct vl_err *err)
{
	return parse_json_object(json, param, bgp_names, BGP_F_COUNT, c, sizeof(*c), set_bgp, err);
}

int ipsec_check_single_tunnel_json(const char *ike, const char *ipsec, const char *health_check,
				   const char *bgp, struct vl_err *err)
{
	/* scratch configs: the walk needs one to copy, and set == NULL never writes it back */
	struct ipsec_ike_config ike_c;
	struct ipsec_phase2_config phase2_c;
	struct ipsec_health_check hc_c;
	struct ipsec_bgp_config bgp_c;

	ipsec_ike_defaults(&ike_c);
	ipsec_phase2_defaults(&phase2_c);
	ipsec_health_check_defaults(&hc_c);
	ipsec_bgp_defaults(&bgp_c);
	if (parse_json_object(ike, "IkeConfig", ike_names, IKE_F_COUNT, &ike_c, sizeof(ike_c), NULL, err) < 0 ||
	    parse_json_object(ipsec, "IpsecConfig", phase2_names, P2_F_COUNT, &phase2_c, sizeof(phase2_c), NULL,
			      err) < 0 ||
	    parse_json_object(health_check, "HealthCheckConfig", hc_names, HC_F_COUNT, &hc_c, sizeof(hc_c), NULL,
			      err) < 0 ||
	    parse_json_object(bgp, "BgpConfig", bgp_names, BGP_F_COUNT, &bgp_c, sizeof(bgp_c), NULL, err) < 0)
		return -1;
	return 0;
}

int ipsec_health_check_finish(const struct ipsec_health_check *c, const char *prefix,
			      struct vl_err *err)
{
	char name[160];

	if (!c->enable)
		return 0;
	if (c->dip[0] == '\0') {
		snprintf(name, sizeof(name), "%s.dip", prefix);
		return vl_err_missing(err, name);
	}
	if (c->sip[0] == '\0') {
		snprintf(name, sizeof(name), "%s.sip", prefix);
		return vl_err_missing(err, name);
	}
	return 0;
}

int ipsec_bgp_finish(const struct ipsec_bgp_config *c, const char *prefix, struct vl_err *err)
{
	struct cidr cidr;
	uint32_t ip;
	char name[160];

	if (c->enable && c->tunnel_cidr[0] == '\0') {
		snprintf(name, sizeof(name), "%s.TunnelCidr", prefix);
		return vl_err_missing(err, name);
	}
	if (c->enable && c->local_bgp_ip[0] == '\0') {
		snprintf(name, sizeof(name), "%s.LocalBgpIp", prefix);
		return vl_err_missing(err, name);
	}
	if (c->local_bgp_ip[0] == '\0')
		return 0;
	/* the address must be one of the two host addresses of the /30 */
	snprintf(name, sizeof(name), "%s.LocalBgpIp", prefix);
	if (c->tunnel_cidr[0] == '\0' || !cidr_parse(c->tunnel_cidr, &cidr) ||
	    !ipv4_parse(c->local_bgp_ip, &ip) || (ip & 0xfffffffcu) != cidr.addr || (ip & 3u) == 0 ||
	    (ip & 3u) == 3)
		return illegal(err, "LocalBgpIp", name);
	return 0;
}

void ipsec_generate_psk(char *buf, size_t size)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[IPSEC_PSK_GENERATED_LEN];
	size_t got = 0, n = IPSEC_PSK_GENERATED_LEN;

	if (size == 0)
		return;
	while (got < sizeof(rnd)) {
		ssize_t r = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (r > 0)
			got += (size_t)r;
	}
	if (n > size - 1)
		n = size - 1;
	/* 256 % 36 = 4: the bias towards the first 4 characters is < 2 %, irrelevant for a lab */
	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[rnd[i] % 36];
	buf[n] = '\0';
}

void ipsec_ike_complete(struct ipsec_ike_config *c, const char *local_id, const char *remote_id)
{
	if (c->psk[0] == '\0')
		ipsec_generate_psk(c->psk, sizeof(c->psk));
	if (c->local_id[0] == '\0')
		model_copy(c->local_id, sizeof(c->local_id), local_id);
	if (c->remote_id[0] == '\0')
		model_copy(c->remote_id, sizeof(c->remote_id), remote_id);
}

void ipsec_bgp_peer_ip(const struct ipsec_bgp_config *c, char *buf, size_t size)
{
	struct cidr cidr;
	uint32_t local, peer;

	buf[0] = '\0';
	if (!cidr_parse(c->tunnel_cidr, &cidr) || cidr.prefix_len != 30)
		return;
	/* without a LocalBgpIp the cloud's convention is .1 local, .2 peer */
	if (!ipv4_parse(c->local_bgp_ip, &local) || (local & 0xfffffffcu) != cidr.addr)
		local = cidr.addr + 1;
	peer = (local & 3u) == 1 ? cidr.addr + 2 : cidr.addr + 1;
	snprintf(buf, size, "%u.%u.%u.%u", peer >> 24, (peer >> 16) & 255, (peer >> 8) & 255, peer & 255);
}

/* ---- TunnelOptionsSpecification.N.* ---- */

static const char tos_prefix[] = "TunnelOptionsSpecification.";

static int match_field(const char *name, const char *const *names, int count)
{
	for (int f = 0; f < count; f++)
		if (strcmp(name, names[f]) == 0)
			return f;
	return -1;
}

/* Records leaf (the part after "N.") in spec; false when the cloud does not define it. */
static bool record_leaf(struct ipsec_tunnel_spec *spec, const char *leaf, const char *value)
{
	static const struct {
		const char *name;
		size_t offset;
	} plain[] = {
		{ "CustomerGatewayId", offsetof(struct ipsec_tunnel_spec, customer_gateway_id) },
		{ "Role", offsetof(struct ipsec_tunnel_spec, role) },
		{ "TunnelId", offsetof(struct ipsec_tunnel_spec, tunnel_id) },
		{ "TunnelIndex", offsetof(struct ipsec_tunnel_spec, tunnel_index) },
		{ "EnableDpd", offsetof(struct ipsec_tunnel_spec, enable_dpd) },
		{ "EnableNatTraversal", offsetof(struct ipsec_tunnel_spec, enable_nat_traversal) },
		{ "RemoteCaCertificate", offsetof(struct ipsec_tunnel_spec, remote_ca_certificate) },
	};
	int f;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(leaf, plain[i].name) == 0) {
			*(const char **)((char *)spec + plain[i].offset) = value;
			return true;
		}
	}
	if (strncmp(leaf, "TunnelIkeConfig.", 16) == 0 &&
	    (f = match_field(leaf + 16, ike_names, IKE_F_COUNT)) >= 0) {
		spec->ike[f] = value;
		return true;
	}
	if (strncmp(leaf, "TunnelIpsecConfig.", 18) == 0 &&
	    (f = match_field(leaf + 18, phase2_names, P2_F_COUNT)) >= 0) {
		spec->phase2[f] = value;
		return true;
	}
	/* tunnels have no EnableBgp leaf: the connection's EnableTunnelsBgp decides */
	if (strncmp(leaf, "TunnelBgpConfig.", 16) == 0 &&
	    (f = match_field(leaf + 16, bgp_names, BGP_F_COUNT)) > BGP_F_ENABLE) {
		spec->bgp[f] = value;
		return true;
	}
	return false;
}

/* TunnelOptionsSpecification.N.<leaf>, N 1..2; the leaves are record_leaf's. */
static const char *const no_declared_fields[] = { NULL };
const struct list_spec ipsec_tunnel_options_list = { IPSEC_TUNNELS_MAX, no_declared_fields, NULL, true };

struct tunnel_read {
	struct ipsec_tunnel_spec *specs;
	bool used[IPSEC_TUNNELS_MAX];
};

static int tunnel_item(void *arg, const struct list_item *it)
{
	struct tunnel_read *r = arg;

	if (record_leaf(&r->specs[it->n - 1], it->leaf, it->value))
		r->used[it->n - 1] = true;
	return 0;
}

static void ipsec_param_pair(const void *pairs, size_t i, const char **name, const char **value)
{
	const struct ipsec_param *p = pairs;

	*name = p[i].name;
	*value = p[i].value;
}

int ipsec_tunnel_specs_collect(const struct ipsec_param *params, size_t n,
			       struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX], int *count,
			       struct vl_err *err)
{
	const struct list_source src = { params, n, ipsec_param_pair };

	return ipsec_tunnel_specs_read(&src, specs, count, err);
}

int ipsec_tunnel_specs_read(const struct list_source *params, struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX],
			    int *count, struct vl_err *err)
{
	struct tunnel_read r = { specs, { false } };
	const bool *used = r.used;
	const char *offender = NULL;

	memset(specs, 0, sizeof(specs[0]) * IPSEC_TUNNELS_MAX);
	*count = 0;
	if (list_read(params, "TunnelOptionsSpecification", &ipsec_tunnel_options_list, tunnel_item, &r, &offender) !=
	    LIST_OK)
		return vl_err_set_code(err, VL_VCO_ILLEGAL_PARAM, "IllegalParam.TunnelOptionsSpecification",
				       "An IPsec-VPN connection has two tunnels: only "
				       "TunnelOptionsSpecification.1 and .2 are accepted.");
	for (int i = 0, out = 0; i < IPSEC_TUNNELS_MAX; i++) {
		if (!used[i])
			continue;
		if (out != i)
			specs[out] = specs[i];
		specs[out].n = i + 1;
		out++;
		*count = out;
	}
	for (int i = *count; i < IPSEC_TUNNELS_MAX; i++)
		memset(&specs[i], 0, sizeof(specs[i]));
	return 0;
}

int ipsec_tunnel_spec_apply(const struct ipsec_tunnel_spec *spec, struct ipsec_ike_config *ike,
			    struct ipsec_phase2_config *phase2, struct ipsec_bgp_config *bgp,
			    struct vl_err *err)
{
	char name[160];

	for (int f = 0; ike && f < IKE_F_COUNT; f++) {
		if (spec->ike[f] == NULL)
			continue;
		snprintf(name, sizeof(name), "%s%d.TunnelIkeConfig.%s", tos_prefix, spec->n, ike_names[f]);
		if (ipsec_ike_set(ike, (enum ipsec_ike_field)f, spec->ike[f], name, err) < 0)
			return -1;
	}
	for (int f = 0; phase2 && f < P2_F_COUNT; f++) {
		if (spec->phase2[f] == NULL)
			continue;
		snprintf(name, sizeof(name), "%s%d.TunnelIpsecConfig.%s", tos_prefix, spec->n, phase2_names[f]);
		if (ipsec_phase2_set(phase2, (enum ipsec_phase2_field)f, spec->phase2[f], name, err) < 0)
			return -1;
	}
	for (int f = BGP_F_ENABLE + 1; bgp && f < BGP_F_COUNT; f++) {
		if (spec->bgp[f] == NULL)
			continue;
		snprintf(name, sizeof(name), "%s%d.TunnelBgpConfig.%s", tos_prefix, spec->n, bgp_names[f]);
		if (ipsec_bgp_set(bgp, (enum ipsec_bgp_field)f, spec->bgp[f], name, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- answers ---- */

/* Describe answers carry lifetimes as text, Modify answers as numbers (the SDK models differ). */
static void put_lifetime(json_t *o, const char *key, int64_t value, bool as_text)
{
	char text[24];

	if (!as_text) {
		json_put_int(o, key, value);
		return;
	}
	snprintf(text, sizeof(text), "%lld", (long long)value);
	json_put_str(o, key, text);
}

json_t *ipsec_ike_to_json(const struct ipsec_ike_config *c, bool numbers_as_text)
{
	json_t *o = json_object();

	json_put_fields(o, JSON_FIELDS(JSON_TEXT("Psk", c->psk), JSON_TEXT("IkeVersion", c->ike_version),
			JSON_TEXT("IkeMode", c->ike_mode), JSON_TEXT("IkeEncAlg", c->ike_enc_alg),
			JSON_TEXT("IkeAuthAlg", c->ike_auth_alg), JSON_TEXT("IkePfs", c->ike_pfs)));
	put_lifetime(o, "IkeLifetime", c->ike_lifetime, numbers_as_text);
	json_put_str(o, "LocalId", c->local_id);
	json_put_str(o, "RemoteId", c->remote_id);
	return o;
}

json_t *ipsec_phase2_to_json(const struct ipsec_phase2_config *c, bool numbers_as_text)
{
	json_t *o = json_object();

	json_put_str(o, "IpsecEncAlg", c->enc_alg);
	json_put_str(o, "IpsecAuthAlg", c->auth_alg);
	json_put_str(o, "IpsecPfs", c->pfs);
	put_lifetime(o, "IpsecLifetime", c->lifetime, numbers_as_text);
	return o;
}
