/*
 * libFuzzer harness for the IPsec-VPN connection settings (model/ipsec_config.c): the
 * bytes go, as one document, through each JSON-string parameter parser (IkeConfig,
 * IpsecConfig, HealthCheckConfig, BgpConfig) and, decoded as a form body, through the
 * TunnelOptionsSpecification.N.* collector and the per-tunnel setters.
 *
 * Checked after each call: a refusal carries a 400 code and a message and leaves the
 * config exactly as it was (all or nothing); an acceptance leaves every field inside its
 * documented set or range, and the cross-field checks agree with the fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "errors.h"
#include "ipsec_config.h"
#include "kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool in(const char *value, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(*set, value) == 0)
			return true;
	return false;
}

static const char *const versions[] = { "ikev1", "ikev2", NULL };
static const char *const modes[] = { "main", "aggressive", NULL };
static const char *const encs[] = { "aes", "aes192", "aes256", "des", "3des", NULL };
static const char *const auths[] = { "md5", "sha1", "sha256", "sha384", "sha512", NULL };
static const char *const ike_groups[] = { "group1", "group2", "group5", "group14", NULL };
static const char *const ipsec_groups[] = { "disabled", "group1", "group2", "group5", "group14", NULL };
static const char *const policies[] = { "revoke_route", "reserve_route", NULL };

static void check_refusal(const struct vl_err *err)
{
	if (vl_code_http_status(err->code) != 400 || vl_err_code(err)[0] == '\0' || vl_err_message(err)[0] == '\0')
		abort();
}

static bool valid_id(const char *id)
{
	return id[0] == '\0' || strpbrk(id, " \t\r\n\v\f") == NULL;
}

static void check_ike(const struct ipsec_ike_config *c)
{
	if (!in(c->ike_version, versions) || !in(c->ike_mode, modes) || !in(c->ike_enc_alg, encs) ||
	    !in(c->ike_auth_alg, auths) || !in(c->ike_pfs, ike_groups) || c->ike_lifetime < 0 ||
	    c->ike_lifetime > IPSEC_LIFETIME_MAX)
		abort();
	if (c->psk[0] && !ipsec_valid_psk(c->psk))
		abort();
	if (!valid_id(c->local_id) || !valid_id(c->remote_id))
		abort();
}

static void check_phase2(const struct ipsec_phase2_config *c)
{
	if (!in(c->enc_alg, encs) || !in(c->auth_alg, auths) || !in(c->pfs, ipsec_groups) || c->lifetime < 0 ||
	    c->lifetime > IPSEC_LIFETIME_MAX)
		abort();
}

static void check_bgp(const struct ipsec_bgp_config *c)
{
	struct ipsec_bgp_config copy = *c;
	struct vl_err err;
	struct cidr cidr;
	uint32_t ip;

	if (c->local_asn < 1 || c->local_asn > 4294967295LL)
		abort();
	if (c->tunnel_cidr[0] && !ipsec_valid_tunnel_cidr(c->tunnel_cidr))
		abort();
	if (c->local_bgp_ip[0] && !ipv4_parse(c->local_bgp_ip, &ip))
		abort();
	for (int enable = 0; enable < 2; enable++) {
		copy.enable = enable;
		vl_err_clear(&err);
		if (ipsec_bgp_finish(&copy, "BgpConfig", &err) == 0) {
			if (enable && (!copy.tunnel_cidr[0] || !copy.local_bgp_ip[0]))
				abort();
			if (copy.local_bgp_ip[0] && (!cidr_parse(copy.tunnel_cidr, &cidr) ||
						     !ipv4_parse(copy.local_bgp_ip, &ip) ||
						     (ip & 0xfffffffcu) != cidr.addr))
				abort();
		} else {
			check_refusal(&err);
		}
	}
}

static void check_health_check(const struct ipsec_health_check *c)
{
	struct vl_err err;
	uint32_t ip;

	if (c->interval < 1 || c->interval > 60 || c->retry < 1 || c->retry > 100 || !in(c->policy, policies))
		abort();
	if ((c->dip[0] && !ipv4_parse(c->dip, &ip)) || (c->sip[0] && !ipv4_parse(c->sip, &ip)))
		abort();
	vl_err_clear(&err);
	if (ipsec_health_check_finish(c, "HealthCheckConfig", &err) == 0) {
		if (c->enable && (!c->dip[0] || !c->sip[0]))
			abort();
	} else {
		check_refusal(&err);
	}
}

/* Runs one JSON parser on text over a default config and checks the outcome. */
#define RUN_JSON(type, defaults, parse, check, param)                                      \
	do {                                                                                \
		type cfg, before;                                                           \
		struct vl_err err;                                                          \
                                                                                            \
		defaults(&cfg);                                                             \
		before = cfg;                                                               \
		vl_err_clear(&err);                                                         \
		if (parse(text, param, &cfg, &err) == 0) {                                  \
			check(&cfg);                                                        \
		} else {                                                                    \
			check_refusal(&err);                                                \
			if (memcmp(&cfg, &before, sizeof(cfg)) != 0)                        \
				abort();                                                    \
		}                                                                           \
	} while (0)

static void run_json(const char *text)
{
	RUN_JSON(struct ipsec_ike_config, ipsec_ike_defaults, ipsec_parse_ike_json, check_ike, "IkeConfig");
	RUN_JSON(struct ipsec_phase2_config, ipsec_phase2_defaults, ipsec_parse_phase2_json, check_phase2,
		 "IpsecConfig");
	RUN_JSON(struct ipsec_health_check, ipsec_health_check_defaults, ipsec_parse_health_check_json,
		 check_health_check, "HealthCheckConfig");
	RUN_JSON(struct ipsec_bgp_config, ipsec_bgp_defaults, ipsec_parse_bgp_json, check_bgp, "BgpConfig");
}

static void run_tunnels(const uint8_t *data, size_t size)
{
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct ipsec_param *params;
	struct kvlist list;
	struct vl_err err;
	int count = -1;

	kvlist_init(&list);
	(void)kvlist_parse_urlencoded(&list, (const char *)data, size);
	params = calloc(list.len + 1, sizeof(*params));
	if (params == NULL)
		abort();
	for (size_t i = 0; i < list.len; i++) {
		params[i].name = list.items[i].name;
		params[i].value = list.items[i].value;
	}
	vl_err_clear(&err);
	if (ipsec_tunnel_specs_collect(params, list.len, specs, &count, &err) == 0) {
		if (count < 0 || count > IPSEC_TUNNELS_MAX)
			abort();
		for (int i = 0; i < count; i++) {
			struct ipsec_ike_config ike;
			struct ipsec_phase2_config p2;
			struct ipsec_bgp_config bgp;

			if (specs[i].n < 1 || specs[i].n > IPSEC_TUNNELS_MAX || (i > 0 && specs[i].n <= specs[i - 1].n))
				abort();
			if (specs[i].bgp[BGP_F_ENABLE] != NULL)
				abort(); /* tunnels take no EnableBgp leaf */
			ipsec_ike_defaults(&ike);
			ipsec_phase2_defaults(&p2);
			ipsec_bgp_defaults(&bgp);
			vl_err_clear(&err);
			if (ipsec_tunnel_spec_apply(&specs[i], &ike, &p2, &bgp, &err) == 0) {
				check_ike(&ike);
				check_phase2(&p2);
				check_bgp(&bgp);
				ipsec_ike_complete(&ike, "198.18.0.1", "203.0.113.1");
				if (!ipsec_valid_psk(ike.psk) || ike.local_id[0] == '\0' || ike.remote_id[0] == '\0')
					abort();
			} else {
				check_refusal(&err);
			}
		}
	} else {
		check_refusal(&err);
	}
	free(params);
	kvlist_free(&list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* parameters are C strings: an embedded NUL ends the value */
	run_json(text);
	free(text);
	run_tunnels(data, size);
	return 0;
}
