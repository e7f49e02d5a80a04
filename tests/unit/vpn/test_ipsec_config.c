/*
 * IKE/IPsec settings (model/ipsec_config.c): every field rule of IkeConfig, IpsecConfig,
 * HealthCheckConfig and BgpConfig as a table of accepted and refused values, the
 * documented defaults, the JSON documents (key case, unknown keys, null, duplicates,
 * types, all-or-nothing), the cross-field rules, the generated pre-shared key and the
 * flattened TunnelOptionsSpecification.N.* leaves.
 */
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "ipsec_config.h"
#include "test.h"


static void assert_code(int rc, const struct vl_err *err, const char *code)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(vl_err_code(err), code);
	ck_assert_int_eq(vl_code_http_status(err->code), 400);
}

/* ---- defaults ---- */

/* Asserts each field of got against want. */
static void assert_ike(const struct ipsec_ike_config *got, const struct ipsec_ike_config *want)
{
	ck_assert_str_eq(got->psk, want->psk);
	ck_assert_str_eq(got->ike_version, want->ike_version);
	ck_assert_str_eq(got->ike_mode, want->ike_mode);
	ck_assert_str_eq(got->ike_enc_alg, want->ike_enc_alg);
	ck_assert_str_eq(got->ike_auth_alg, want->ike_auth_alg);
	ck_assert_str_eq(got->ike_pfs, want->ike_pfs);
	ck_assert_int_eq(got->ike_lifetime, want->ike_lifetime);
	ck_assert_str_eq(got->local_id, want->local_id);
	ck_assert_str_eq(got->remote_id, want->remote_id);
}

START_TEST(test_defaults)
{
	struct ipsec_ike_config ike;
	struct ipsec_phase2_config p2;
	struct ipsec_health_check hc;
	struct ipsec_bgp_config bgp;

	ipsec_ike_defaults(&ike);
	assert_ike(&ike, &(const struct ipsec_ike_config){ .psk = "", .ike_version = "ikev1", .ike_mode = "main",
							    .ike_enc_alg = "aes", .ike_auth_alg = "md5",
							    .ike_pfs = "group2", .ike_lifetime = 86400,
							    .local_id = "", .remote_id = "" });
	ipsec_phase2_defaults(&p2);
	ck_assert_str_eq(p2.enc_alg, "aes");
	ck_assert_str_eq(p2.auth_alg, "md5");
	ck_assert_str_eq(p2.pfs, "group2");
	ck_assert_int_eq(p2.lifetime, 86400);
	ipsec_health_check_defaults(&hc);
	ck_assert(!hc.enable && !hc.configured);
	ck_assert_int_eq(hc.interval, 3);
	ck_assert_int_eq(hc.retry, 3);
	ck_assert_str_eq(hc.policy, "revoke_route");
	ipsec_bgp_defaults(&bgp);
	ck_assert(!bgp.enable);
	ck_assert_int_eq(bgp.local_asn, 45104);
	ck_assert_str_eq(bgp.tunnel_cidr, "");
}
END_TEST

/* ---- every field, accepted and refused values ---- */

enum group { G_IKE, G_P2, G_HC, G_BGP };

static const struct field_case {
	enum group group;
	int field;
	const char *value;
	bool ok;
} field_cases[] = {
	{ G_IKE, IKE_F_PSK, "a", true },
	{ G_IKE, IKE_F_PSK, "Passw0rd~!`@#$%^&*()_-+={}[]|;:\",.<>/?", true },
	{ G_IKE, IKE_F_PSK, "has space", false },
	{ G_IKE, IKE_F_PSK, "back\\slash", false },
	{ G_IKE, IKE_F_PSK, "quote'", false },
	{ G_IKE, IKE_F_PSK, "ümlaut", false },
	{ G_IKE, IKE_F_PSK, "", true }, /* "" = not set: generated later */
	{ G_IKE, IKE_F_VERSION, "ikev1", true },
	{ G_IKE, IKE_F_VERSION, "ikev2", true },
	{ G_IKE, IKE_F_VERSION, "IKEV2", false },
	{ G_IKE, IKE_F_VERSION, "ikev3", false },
	{ G_IKE, IKE_F_MODE, "main", true },
	{ G_IKE, IKE_F_MODE, "aggressive", true },
	{ G_IKE, IKE_F_MODE, "quick", false },
	{ G_IKE, IKE_F_ENC_ALG, "aes", true },
	{ G_IKE, IKE_F_ENC_ALG, "aes192", true },
	{ G_IKE, IKE_F_ENC_ALG, "aes256", true },
	{ G_IKE, IKE_F_ENC_ALG, "des", true },
	{ G_IKE, IKE_F_ENC_ALG, "3des", true },
	{ G_IKE, IKE_F_ENC_ALG, "sm4", false }, /* China SM gateways only: not emulated */
	{ G_IKE, IKE_F_ENC_ALG, "aes128", false },
	{ G_IKE, IKE_F_AUTH_ALG, "md5", true },
	{ G_IKE, IKE_F_AUTH_ALG, "sha1", true },
	{ G_IKE, IKE_F_AUTH_ALG, "sha256", true },
	{ G_IKE, IKE_F_AUTH_ALG, "sha384", true },
	{ G_IKE, IKE_F_AUTH_ALG, "sha512", true },
	{ G_IKE, IKE_F_AUTH_ALG, "sm3", false },
	{ G_IKE, IKE_F_AUTH_ALG, "sha224", false },
	{ G_IKE, IKE_F_PFS, "group1", true },
	{ G_IKE, IKE_F_PFS, "group2", true },
	{ G_IKE, IKE_F_PFS, "group5", true },
	{ G_IKE, IKE_F_PFS, "group14", true },
	{ G_IKE, IKE_F_PFS, "disabled", false }, /* phase 2 only */
	{ G_IKE, IKE_F_PFS, "group24", false },
	{ G_IKE, IKE_F_LIFETIME, "0", true },
	{ G_IKE, IKE_F_LIFETIME, "86400", true },
	{ G_IKE, IKE_F_LIFETIME, "86401", false },
	{ G_IKE, IKE_F_LIFETIME, "-1", false },
	{ G_IKE, IKE_F_LIFETIME, "1e3", false },
	{ G_IKE, IKE_F_LIFETIME, "", false },
	{ G_IKE, IKE_F_LOCAL_ID, "vpn.example.com", true },
	{ G_IKE, IKE_F_LOCAL_ID, "a b", false },
	{ G_IKE, IKE_F_LOCAL_ID, "tab\there", false },
	{ G_IKE, IKE_F_REMOTE_ID, "203.0.113.7", true },
	{ G_IKE, IKE_F_REMOTE_ID, "línea", true },
	{ G_P2, P2_F_ENC_ALG, "aes256", true },
	{ G_P2, P2_F_ENC_ALG, "blowfish", false },
	{ G_P2, P2_F_AUTH_ALG, "sha512", true },
	{ G_P2, P2_F_AUTH_ALG, "none", false },
	{ G_P2, P2_F_PFS, "disabled", true },
	{ G_P2, P2_F_PFS, "group14", true },
	{ G_P2, P2_F_PFS, "group3", false },
	{ G_P2, P2_F_LIFETIME, "0", true },
	{ G_P2, P2_F_LIFETIME, "86400", true },
	{ G_P2, P2_F_LIFETIME, "99999", false },
	{ G_HC, HC_F_ENABLE, "true", true },
	{ G_HC, HC_F_ENABLE, "FALSE", true },
	{ G_HC, HC_F_ENABLE, "yes", false },
	{ G_HC, HC_F_DIP, "192.168.10.1", true },
	{ G_HC, HC_F_DIP, "192.168.10", false },
	{ G_HC, HC_F_SIP, "10.10.1.1", true },
	{ G_HC, HC_F_SIP, "10.10.1.256", false },
	{ G_HC, HC_F_INTERVAL, "1", true },
	{ G_HC, HC_F_INTERVAL, "60", true },
	{ G_HC, HC_F_INTERVAL, "0", false },
	{ G_HC, HC_F_INTERVAL, "61", false },
	{ G_HC, HC_F_RETRY, "1", true },
	{ G_HC, HC_F_RETRY, "100", true },
	{ G_HC, HC_F_RETRY, "0", false },
	{ G_HC, HC_F_RETRY, "101", false },
	{ G_HC, HC_F_POLICY, "revoke_route", true },
	{ G_HC, HC_F_POLICY, "reserve_route", true },
	{ G_HC, HC_F_POLICY, "drop", false },
	{ G_BGP, BGP_F_ENABLE, "true", true },
	{ G_BGP, BGP_F_ENABLE, "1", false },
	{ G_BGP, BGP_F_LOCAL_ASN, "1", true },
	{ G_BGP, BGP_F_LOCAL_ASN, "4294967295", true },
	{ G_BGP, BGP_F_LOCAL_ASN, "4294967296", false },
	{ G_BGP, BGP_F_LOCAL_ASN, "0", false },
	{ G_BGP, BGP_F_LOCAL_ASN, "123.456", true }, /* two-segment form */
	{ G_BGP, BGP_F_LOCAL_ASN, "123.65536", false },
	{ G_BGP, BGP_F_LOCAL_ASN, "0.0", false },
	{ G_BGP, BGP_F_LOCAL_ASN, "65530a", false },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.11.0/30", true },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.7.0/30", true },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.0.0/30", false }, /* reserved */
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.6.0/30", false },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.169.252/30", false },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.11.0/29", false },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "169.254.11.1/30", false },
	{ G_BGP, BGP_F_TUNNEL_CIDR, "10.0.0.0/30", false },
	{ G_BGP, BGP_F_LOCAL_BGP_IP, "169.254.11.1", true },
	{ G_BGP, BGP_F_LOCAL_BGP_IP, "169.254.11", false },
};

static int set_field(const struct field_case *c, struct ipsec_ike_config *ike, struct ipsec_phase2_config *p2,
		     struct ipsec_health_check *hc, struct ipsec_bgp_config *bgp, struct vl_err *err)
{
	switch (c->group) {
	case G_IKE:
		return ipsec_ike_set(ike, (enum ipsec_ike_field)c->field, c->value, "X", err);
	case G_P2:
		return ipsec_phase2_set(p2, (enum ipsec_phase2_field)c->field, c->value, "X", err);
	case G_HC:
		return ipsec_health_check_set(hc, (enum ipsec_hc_field)c->field, c->value, "X", err);
	case G_BGP:
		return ipsec_bgp_set(bgp, (enum ipsec_bgp_field)c->field, c->value, "X", err);
	}
	return -2;
}

static const char *field_name(const struct field_case *c)
{
	switch (c->group) {
	case G_IKE:
		return ipsec_ike_field_name((enum ipsec_ike_field)c->field);
	case G_P2:
		return ipsec_phase2_field_name((enum ipsec_phase2_field)c->field);
	case G_HC:
		return ipsec_hc_field_name((enum ipsec_hc_field)c->field);
	case G_BGP:
		return ipsec_bgp_field_name((enum ipsec_bgp_field)c->field);
	}
	return "";
}

START_TEST(test_field_rules)
{
	const struct field_case *c = &field_cases[_i];
	struct ipsec_ike_config ike, ike0;
	struct ipsec_phase2_config p2, p20;
	struct ipsec_health_check hc, hc0;
	struct ipsec_bgp_config bgp, bgp0;
	struct vl_err err;
	char code[96];
	int rc;

	ipsec_ike_defaults(&ike);
	ipsec_phase2_defaults(&p2);
	ipsec_health_check_defaults(&hc);
	ipsec_bgp_defaults(&bgp);
	ike0 = ike, p20 = p2, hc0 = hc, bgp0 = bgp;
	vl_err_clear(&err);
	rc = set_field(c, &ike, &p2, &hc, &bgp, &err);
	if (c->ok) {
		ck_assert_msg(rc == 0, "%s=%s refused: %s", field_name(c), c->value, vl_err_message(&err));
		return;
	}
	snprintf(code, sizeof(code), "IllegalParam.%s", field_name(c));
	assert_code(rc, &err, code);
	ck_assert_str_eq(vl_err_message(&err), "The specified \"X\" is invalid.");
	/* a refused value changes nothing */
	ck_assert(memcmp(&ike, &ike0, sizeof(ike)) == 0 && memcmp(&p2, &p20, sizeof(p2)) == 0);
	ck_assert(memcmp(&hc, &hc0, sizeof(hc)) == 0 && memcmp(&bgp, &bgp0, sizeof(bgp)) == 0);
}
END_TEST

START_TEST(test_setters_store)
{
	struct ipsec_ike_config ike;
	struct ipsec_bgp_config bgp;
	struct vl_err err;

	ipsec_ike_defaults(&ike);
	ck_assert_int_eq(ipsec_ike_set(&ike, IKE_F_LIFETIME, "300", "p", &err), 0);
	ck_assert_int_eq(ike.ike_lifetime, 300);
	ck_assert_int_eq(ipsec_ike_set(&ike, IKE_F_VERSION, "ikev2", "p", &err), 0);
	ck_assert_str_eq(ike.ike_version, "ikev2");
	ipsec_bgp_defaults(&bgp);
	ck_assert_int_eq(ipsec_bgp_set(&bgp, BGP_F_LOCAL_ASN, "123.456", "p", &err), 0);
	ck_assert_int_eq(bgp.local_asn, 123 * 65536 + 456);
	ck_assert_int_eq(ipsec_bgp_set(&bgp, BGP_F_LOCAL_ASN, "65530", "p", &err), 0);
	ck_assert_int_eq(bgp.local_asn, 65530);
}
END_TEST

START_TEST(test_psk_limits)
{
	char psk[120];

	memset(psk, 'k', 100);
	psk[100] = '\0';
	ck_assert(ipsec_valid_psk(psk));
	psk[100] = 'k';
	psk[101] = '\0';
	ck_assert(!ipsec_valid_psk(psk));
	ck_assert(!ipsec_valid_psk(""));
}
END_TEST

START_TEST(test_identity_limits)
{
	struct ipsec_ike_config ike;
	struct vl_err err;
	char id[500] = "";

	ipsec_ike_defaults(&ike);
	for (int i = 0; i < 100; i++)
		strcat(id, "é"); /* 100 characters, 200 bytes */
	ck_assert_int_eq(ipsec_ike_set(&ike, IKE_F_LOCAL_ID, id, "p", &err), 0);
	ck_assert_str_eq(ike.local_id, id);
	strcat(id, "e");
	assert_code(ipsec_ike_set(&ike, IKE_F_LOCAL_ID, id, "p", &err), &err, "IllegalParam.LocalId");
}
END_TEST

/* ---- JSON documents ---- */

START_TEST(test_json_ike_full)
{
	struct ipsec_ike_config ike;
	struct vl_err err;

	ipsec_ike_defaults(&ike);
	ck_assert_int_eq(ipsec_parse_ike_json("{\"Psk\":\"1234abcd\",\"IkeVersion\":\"ikev2\",\"IkeMode\":\"aggressive\","
					      "\"IkeEncAlg\":\"aes256\",\"IkeAuthAlg\":\"sha256\",\"IkePfs\":\"group14\","
					      "\"IkeLifetime\":3600,\"LocalId\":\"left\",\"RemoteId\":\"right\"}",
					      "IkeConfig", &ike, &err),
			 0);
	assert_ike(&ike, &(const struct ipsec_ike_config){ .psk = "1234abcd", .ike_version = "ikev2",
							    .ike_mode = "aggressive", .ike_enc_alg = "aes256",
							    .ike_auth_alg = "sha256", .ike_pfs = "group14",
							    .ike_lifetime = 3600, .local_id = "left", .remote_id = "right" });
}
END_TEST

START_TEST(test_json_overlay_and_keys)
{
	struct ipsec_ike_config ike;
	struct ipsec_health_check hc;
	struct ipsec_bgp_config bgp;
	struct vl_err err;

	ipsec_ike_defaults(&ike);
	/* absent keys keep their value; key case does not matter; unknown keys are ignored;
	 * numbers may come as strings; null leaves the field alone */
	ck_assert_int_eq(ipsec_parse_ike_json("{\"ikeencalg\":\"3des\",\"IkeLifetime\":\"600\",\"Foo\":1,\"IkePfs\":null}",
					      "IkeConfig", &ike, &err),
			 0);
	ck_assert_str_eq(ike.ike_enc_alg, "3des");
	ck_assert_int_eq(ike.ike_lifetime, 600);
	ck_assert_str_eq(ike.ike_pfs, "group2");
	ck_assert_str_eq(ike.ike_version, "ikev1");
	ck_assert_int_eq(ipsec_parse_ike_json("{}", "IkeConfig", &ike, &err), 0);
	ck_assert_int_eq(ipsec_parse_ike_json(NULL, "IkeConfig", &ike, &err), 0); /* absent */

	ipsec_health_check_defaults(&hc);
	ck_assert_int_eq(ipsec_parse_health_check_json("{\"enable\":\"true\",\"dip\":\"192.168.10.1\","
						       "\"sip\":\"10.10.1.1\",\"Policy\":\"reserve_route\"}",
						       "HealthCheckConfig", &hc, &err),
			 0);
	ck_assert(hc.enable && hc.configured);
	ck_assert_int_eq(hc.interval, 3); /* defaults stay */
	ck_assert_int_eq(hc.retry, 3);
	ck_assert_str_eq(hc.policy, "reserve_route");

	ipsec_bgp_defaults(&bgp);
	ck_assert_int_eq(ipsec_parse_bgp_json("{\"EnableBgp\":true,\"TunnelCidr\":\"169.254.11.0/30\","
					      "\"LocalBgpIp\":\"169.254.11.1\"}",
					      "BgpConfig", &bgp, &err),
			 0);
	ck_assert(bgp.enable);
	ck_assert_int_eq(bgp.local_asn, 45104);
	ck_assert_int_eq(ipsec_bgp_finish(&bgp, "BgpConfig", &err), 0);
}
END_TEST

static const struct json_case {
	const char *doc;
	const char *code;
} bad_ike_docs[] = {
	{ "not json", "InvalidIkeConfig" },
	{ "[1,2]", "InvalidIkeConfig" },
	{ "\"ikev1\"", "InvalidIkeConfig" },
	{ "{\"IkeVersion\":\"ikev1\",\"IkeVersion\":\"ikev2\"}", "InvalidIkeConfig" }, /* duplicate */
	/* keys match ignoring case, so these name one field twice */
	{ "{\"Psk\":\"x\",\"psk\":\"y\"}", "InvalidIkeConfig" },
	{ "{\"IkeVersion\":\"ikev1\",\"IKEVERSION\":\"ikev1\"}", "InvalidIkeConfig" },
	/* and unknown keys too: the document is malformed whatever the keys mean */
	{ "{\"Psk\":\"x\",\"Other\":1,\"oTHER\":2}", "InvalidIkeConfig" },
	{ "null", "InvalidIkeConfig" },
	{ "[]", "InvalidIkeConfig" },
	{ "7", "InvalidIkeConfig" },
	{ "{\"IkeLifetime\":1.5}", "IllegalParam.IkeLifetime" },
	{ "{\"IkeLifetime\":-5}", "IllegalParam.IkeLifetime" },
	{ "{\"IkeVersion\":[\"ikev1\"]}", "IllegalParam.IkeVersion" },
	{ "{\"IkeMode\":{}}", "IllegalParam.IkeMode" },
	{ "{\"IkeEncAlg\":\"aes\",\"IkeAuthAlg\":\"bad\"}", "IllegalParam.IkeAuthAlg" },
	{ "{\"Psk\":\"two words\"}", "IllegalParam.Psk" },
};

START_TEST(test_json_refused)
{
	const struct json_case *c = &bad_ike_docs[_i];
	struct ipsec_ike_config ike, before;
	struct vl_err err;

	ipsec_ike_defaults(&ike);
	before = ike;
	vl_err_clear(&err);
	assert_code(ipsec_parse_ike_json(c->doc, "IkeConfig", &ike, &err), &err, c->code);
	/* all or nothing: an accepted key before the bad one is not kept */
	ck_assert(memcmp(&ike, &before, sizeof(ike)) == 0);
}
END_TEST

START_TEST(test_json_error_names)
{
	struct ipsec_phase2_config p2;
	struct vl_err err;

	ipsec_phase2_defaults(&p2);
	assert_code(ipsec_parse_phase2_json("{\"IpsecPfs\":\"group3\"}", "IpsecConfig", &p2, &err), &err,
		    "IllegalParam.IpsecPfs");
	ck_assert_str_eq(vl_err_message(&err), "The specified \"IpsecConfig.IpsecPfs\" is invalid.");
	assert_code(ipsec_parse_phase2_json("[]", "IpsecConfig", &p2, &err), &err, "InvalidIpsecConfig");
	ck_assert_str_eq(vl_err_message(&err), "Specified parameter IpsecConfig is not valid.");
}
END_TEST

/* Every JSON parameter refuses keys equal ignoring case, with its own name in the code. */
START_TEST(test_json_case_duplicates_everywhere)
{
	struct ipsec_phase2_config p2;
	struct ipsec_health_check hc;
	struct ipsec_bgp_config bgp;
	struct vl_err err;

	ipsec_phase2_defaults(&p2);
	ipsec_health_check_defaults(&hc);
	ipsec_bgp_defaults(&bgp);
	assert_code(ipsec_parse_phase2_json("{\"IpsecPfs\":\"group2\",\"ipsecpfs\":\"group5\"}", "IpsecConfig", &p2,
					    &err),
		    &err, "InvalidIpsecConfig");
	assert_code(ipsec_parse_health_check_json("{\"dip\":\"10.0.0.1\",\"Dip\":\"10.0.0.2\"}", "HealthCheckConfig",
						  &hc, &err),
		    &err, "InvalidHealthCheckConfig");
	ck_assert(!hc.configured);
	assert_code(ipsec_parse_bgp_json("{\"LocalAsn\":65000,\"localasn\":65001}", "BgpConfig", &bgp, &err), &err,
		    "InvalidBgpConfig");
	ck_assert_int_eq(bgp.local_asn, IPSEC_DEFAULT_ASN);
	/* distinct keys in any case are still one each */
	ck_assert_int_eq(ipsec_parse_bgp_json("{\"localasn\":65000,\"TUNNELCIDR\":\"169.254.10.0/30\"}", "BgpConfig",
					      &bgp, &err),
			 0);
	ck_assert_int_eq(bgp.local_asn, 65000);
}
END_TEST

/* Dual-tunnel requests: the single-tunnel documents are checked for shape only. */
static const struct shape_case {
	const char *ike, *ipsec, *hc, *bgp;
	const char *code; /* NULL: accepted */
} shape_cases[] = {
	{ NULL, NULL, NULL, NULL, NULL },
	{ "{\"IkeMode\":\"fast\"}", NULL, NULL, NULL, NULL }, /* values are not used, so not checked */
	{ "{}", "{}", "{}", "{}", NULL },
	{ "[]", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "null", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "\"x\"", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "{\"Psk\":\"x\",\"psk\":\"y\"}", NULL, NULL, NULL, "InvalidIkeConfig" },
	{ "{\"IkeLifetime\":[1]}", NULL, NULL, NULL, "IllegalParam.IkeLifetime" },
	{ NULL, "[]", NULL, NULL, "InvalidIpsecConfig" },
	{ NULL, NULL, "null", NULL, "InvalidHealthCheckConfig" },
	{ NULL, NULL, NULL, "{\"EnableBgp\":true,\"enablebgp\":false}", "InvalidBgpConfig" },
};

START_TEST(test_single_tunnel_json_shape)
{
	const struct shape_case *c = &shape_cases[_i];
	struct vl_err err;

	vl_err_clear(&err);
	if (c->code == NULL)
		ck_assert_int_eq(ipsec_check_single_tunnel_json(c->ike, c->ipsec, c->hc, c->bgp, &err), 0);
	else
		assert_code(ipsec_check_single_tunnel_json(c->ike, c->ipsec, c->hc, c->bgp, &err), &err, c->code);
}
END_TEST

/* ---- cross-field rules ---- */

START_TEST(test_health_check_finish)
{
	struct ipsec_health_check hc;
	struct vl_err err;

	ipsec_health_check_defaults(&hc);
	ck_assert_int_eq(ipsec_health_check_finish(&hc, "HealthCheckConfig", &err), 0); /* disabled */
	hc.enable = true;
	ck_assert_int_eq(ipsec_health_check_finish(&hc, "HealthCheckConfig", &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "MissingHealthCheckConfig.dip");
	strcpy(hc.dip, "192.168.1.1");
	ck_assert_int_eq(ipsec_health_check_finish(&hc, "HealthCheckConfig", &err), -1);
	ck_assert_str_eq(vl_err_code(&err), "MissingHealthCheckConfig.sip");
	strcpy(hc.sip, "10.0.0.1");
	ck_assert_int_eq(ipsec_health_check_finish(&hc, "HealthCheckConfig", &err), 0);
}
END_TEST

static const struct bgp_case {
	bool enable;
	const char *cidr, *ip, *code;
} bgp_cases[] = {
	{ false, "", "", NULL },
	{ true, "", "", "MissingBgpConfig.TunnelCidr" },
	{ true, "169.254.11.0/30", "", "MissingBgpConfig.LocalBgpIp" },
	{ true, "169.254.11.0/30", "169.254.11.1", NULL },
	{ true, "169.254.11.0/30", "169.254.11.2", NULL },
	{ true, "169.254.11.0/30", "169.254.11.0", "IllegalParam.LocalBgpIp" }, /* network */
	{ true, "169.254.11.0/30", "169.254.11.3", "IllegalParam.LocalBgpIp" }, /* broadcast */
	{ true, "169.254.11.0/30", "169.254.12.1", "IllegalParam.LocalBgpIp" }, /* outside */
	{ false, "", "169.254.12.1", "IllegalParam.LocalBgpIp" },		 /* no CIDR for it */
	{ false, "169.254.11.0/30", "", NULL },
};

START_TEST(test_bgp_finish)
{
	const struct bgp_case *c = &bgp_cases[_i];
	struct ipsec_bgp_config bgp;
	struct vl_err err;
	int rc;

	ipsec_bgp_defaults(&bgp);
	bgp.enable = c->enable;
	strcpy(bgp.tunnel_cidr, c->cidr);
	strcpy(bgp.local_bgp_ip, c->ip);
	rc = ipsec_bgp_finish(&bgp, "BgpConfig", &err);
	if (c->code == NULL)
		ck_assert_msg(rc == 0, "%s %s: %s", c->cidr, c->ip, vl_err_code(&err));
	else
		assert_code(rc, &err, c->code);
}
END_TEST

START_TEST(test_bgp_peer_ip)
{
	struct ipsec_bgp_config bgp;
	char peer[16];

	ipsec_bgp_defaults(&bgp);
	ipsec_bgp_peer_ip(&bgp, peer, sizeof(peer));
	ck_assert_str_eq(peer, "");
	strcpy(bgp.tunnel_cidr, "169.254.10.0/30");
	strcpy(bgp.local_bgp_ip, "169.254.10.1");
	ipsec_bgp_peer_ip(&bgp, peer, sizeof(peer));
	ck_assert_str_eq(peer, "169.254.10.2");
	strcpy(bgp.local_bgp_ip, "169.254.10.2");
	ipsec_bgp_peer_ip(&bgp, peer, sizeof(peer));
	ck_assert_str_eq(peer, "169.254.10.1");
}
END_TEST

/* ---- generated values ---- */

START_TEST(test_generated_psk)
{
	char a[32], b[32];

	ipsec_generate_psk(a, sizeof(a));
	ipsec_generate_psk(b, sizeof(b));
	ck_assert_uint_eq(strlen(a), 16);
	ck_assert_uint_eq(strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789"), 16);
	ck_assert(ipsec_valid_psk(a));
	ck_assert_str_ne(a, b);
	ipsec_generate_psk(a, 5); /* never past the buffer */
	ck_assert_uint_eq(strlen(a), 4);
}
END_TEST

START_TEST(test_complete)
{
	struct ipsec_ike_config ike;

	ipsec_ike_defaults(&ike);
	ipsec_ike_complete(&ike, "198.18.0.1", "203.0.113.5");
	ck_assert_uint_eq(strlen(ike.psk), 16);
	ck_assert_str_eq(ike.local_id, "198.18.0.1");
	ck_assert_str_eq(ike.remote_id, "203.0.113.5");
	strcpy(ike.psk, "mine");
	strcpy(ike.local_id, "me");
	ipsec_ike_complete(&ike, "198.18.0.9", "203.0.113.9");
	ck_assert_str_eq(ike.psk, "mine"); /* given values stay */
	ck_assert_str_eq(ike.local_id, "me");
	ck_assert_str_eq(ike.remote_id, "203.0.113.5");
}
END_TEST

/* ---- TunnelOptionsSpecification.N.* ---- */

START_TEST(test_tunnel_collect)
{
	static const struct ipsec_param params[] = {
		{ "RegionId", "cn-hangzhou" },
		{ "TunnelOptionsSpecification.2.Role", "slave" },
		{ "TunnelOptionsSpecification.1.CustomerGatewayId", "cgw-1" },
		{ "TunnelOptionsSpecification.1.Role", "master" },
		{ "TunnelOptionsSpecification.1.TunnelIkeConfig.IkeVersion", "ikev2" },
		{ "TunnelOptionsSpecification.1.TunnelIpsecConfig.IpsecPfs", "disabled" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.TunnelCidr", "169.254.20.0/30" },
		{ "TunnelOptionsSpecification.2.TunnelBgpConfig.EnableBgp", "true" }, /* not a tunnel leaf */
		{ "TunnelOptionsSpecification.2.Unknown", "x" },
		{ "TunnelOptionsSpecification.2.EnableDpd", "false" },
	};
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct ipsec_ike_config ike;
	struct ipsec_phase2_config p2;
	struct ipsec_bgp_config bgp;
	struct vl_err err;
	int count = -1;

	ck_assert_int_eq(ipsec_tunnel_specs_collect(params, countof(params), specs, &count, &err), 0);
	ck_assert_int_eq(count, 2);
	ck_assert_int_eq(specs[0].n, 1);
	ck_assert_str_eq(specs[0].customer_gateway_id, "cgw-1");
	ck_assert_str_eq(specs[0].role, "master");
	ck_assert_str_eq(specs[0].ike[IKE_F_VERSION], "ikev2");
	ck_assert_str_eq(specs[0].phase2[P2_F_PFS], "disabled");
	ck_assert_ptr_null(specs[0].enable_dpd);
	ck_assert_int_eq(specs[1].n, 2);
	ck_assert_str_eq(specs[1].role, "slave");
	ck_assert_str_eq(specs[1].enable_dpd, "false");
	ck_assert_str_eq(specs[1].bgp[BGP_F_TUNNEL_CIDR], "169.254.20.0/30");
	ck_assert_ptr_null(specs[1].bgp[BGP_F_ENABLE]);
	ck_assert_ptr_null(specs[1].customer_gateway_id);

	ipsec_ike_defaults(&ike);
	ipsec_phase2_defaults(&p2);
	ipsec_bgp_defaults(&bgp);
	ck_assert_int_eq(ipsec_tunnel_spec_apply(&specs[0], &ike, &p2, &bgp, &err), 0);
	ck_assert_str_eq(ike.ike_version, "ikev2");
	ck_assert_str_eq(p2.pfs, "disabled");
	ck_assert_int_eq(ipsec_tunnel_spec_apply(&specs[1], &ike, &p2, &bgp, &err), 0);
	ck_assert_str_eq(bgp.tunnel_cidr, "169.254.20.0/30");
}
END_TEST

START_TEST(test_tunnel_collect_only_second)
{
	static const struct ipsec_param params[] = {
		{ "TunnelOptionsSpecification.2.Role", "slave" },
	};
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vl_err err;
	int count = -1;

	ck_assert_int_eq(ipsec_tunnel_specs_collect(params, countof(params), specs, &count, &err), 0);
	ck_assert_int_eq(count, 1);
	ck_assert_int_eq(specs[0].n, 2); /* keeps its N for error names */
	ck_assert_ptr_null(specs[1].role);
	ck_assert_int_eq(ipsec_tunnel_specs_collect(params, 0, specs, &count, &err), 0);
	ck_assert_int_eq(count, 0);
}
END_TEST

static const char *const bad_indexes[] = {
	"TunnelOptionsSpecification.3.Role", "TunnelOptionsSpecification.0.Role",
	"TunnelOptionsSpecification.01.Role", "TunnelOptionsSpecification.x.Role",
	"TunnelOptionsSpecification.1", "TunnelOptionsSpecification.12345.Role",
};

START_TEST(test_tunnel_collect_bad_index)
{
	struct ipsec_param p = { bad_indexes[_i], "master" };
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct vl_err err;
	int count;

	assert_code(ipsec_tunnel_specs_collect(&p, 1, specs, &count, &err), &err,
		    "IllegalParam.TunnelOptionsSpecification");
}
END_TEST

START_TEST(test_tunnel_apply_error_names)
{
	static const struct ipsec_param params[] = {
		{ "TunnelOptionsSpecification.2.TunnelIkeConfig.IkeMode", "fast" },
	};
	struct ipsec_tunnel_spec specs[IPSEC_TUNNELS_MAX];
	struct ipsec_ike_config ike;
	struct vl_err err;
	int count;

	ck_assert_int_eq(ipsec_tunnel_specs_collect(params, 1, specs, &count, &err), 0);
	ipsec_ike_defaults(&ike);
	assert_code(ipsec_tunnel_spec_apply(&specs[0], &ike, NULL, NULL, &err), &err, "IllegalParam.IkeMode");
	ck_assert_str_eq(vl_err_message(&err),
			 "The specified \"TunnelOptionsSpecification.2.TunnelIkeConfig.IkeMode\" is invalid.");
}
END_TEST

Suite *ipsec_config_suite_create(void)
{
	const struct test_entry rules[] = {
		{ test_defaults }, { test_field_rules, countof(field_cases) }, { test_setters_store },
		{ test_psk_limits }, { test_identity_limits }, { test_json_ike_full },
		{ test_json_overlay_and_keys }, { test_json_refused, countof(bad_ike_docs) },
		{ test_json_error_names }, { test_json_case_duplicates_everywhere },
		{ test_single_tunnel_json_shape, countof(shape_cases) }, { test_health_check_finish },
		{ test_bgp_finish, countof(bgp_cases) }, { test_bgp_peer_ip }, { test_generated_psk },
		{ test_complete }, { test_tunnel_collect }, { test_tunnel_collect_only_second },
		{ test_tunnel_collect_bad_index, countof(bad_indexes) }, { test_tunnel_apply_error_names },
	};

	return test_suite("ipsec_config", "rules", NULL, NULL, rules, countof(rules));
}
