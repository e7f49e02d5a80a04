/*
 * The customer device's configuration of an IPsec-VPN connection: the cloud's
 * DownloadVpnConnectionConfig answer and the vpnlab extension that renders the same
 * settings as a strongSwan swanctl.conf for the emulated branch sites.
 *
 * Both are derived from the stored connection only, seen from the customer gateway (the
 * cloud documents the answer as "the configurations of the peer gateway device": Local is
 * the customer gateway, LocalSubnet the data-center side, LocalId the customer's
 * identity).  What the cloud does and where that is written: api-docs/research-vpn-connection.md §7.
 */
#include "vpn_connection_config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cidr.h"
#include "customer_gateway.h"
#include "json_fields.h"

/*
 * DPD probe interval of the texts when the configuration names none (the cloud does not
 * publish its own); the server's --dpd-delay-s sets struct model_config's.
 */
#define SWAN_DPD_DELAY_S 30

/*
 * strongSwan's kernel-netlink priority of an IPsec policy without protocol, ports or
 * interface (kernel_netlink_ipsec.c get_priority): 2 × PRIO_BASE (200000), minus 512 per
 * prefix bit of both selectors, minus 1 for a regular (not trap) policy.
 */
#define SWAN_PRIO_DEFAULT 400000u
#define SWAN_PRIO_PER_BIT 512u

/* ---- the customer's view ---- */

/* The connection's IKE settings with the two identities swapped to the customer's side. */
static void peer_ike(struct ipsec_ike_config *dst, const struct ipsec_ike_config *src)
{
	*dst = *src;
	model_copy(dst->local_id, sizeof(dst->local_id), src->remote_id);
	model_copy(dst->remote_id, sizeof(dst->remote_id), src->local_id);
}

static void peer_bgp(struct vpn_connection_config_tunnel *t, const struct ipsec_bgp_config *bgp,
		     const struct customer_gateway *cgw)
{
	t->bgp = true;
	model_copy(t->bgp_local_asn, sizeof(t->bgp_local_asn), cgw->asn);
	t->bgp_peer_asn = bgp->local_asn;
	model_copy(t->bgp_tunnel_cidr, sizeof(t->bgp_tunnel_cidr), bgp->tunnel_cidr);
	ipsec_bgp_peer_ip(bgp, t->bgp_local_ip, sizeof(t->bgp_local_ip));
	model_copy(t->bgp_peer_ip, sizeof(t->bgp_peer_ip), bgp->local_bgp_ip);
}

/* What one tunnel is configured from: the connection's own fields (one tunnel) or one of its tunnels'. */
struct tunnel_source {
	const char *tunnel_id, *role; /* "" for a single-tunnel connection */
	const char *customer_gateway_id;
	const char *internet_ip; /* the gateway's address of the tunnel */
	const struct ipsec_ike_config *ike;
	const struct ipsec_phase2_config *ipsec;
	bool enable_dpd, enable_nat_traversal;
	const struct ipsec_bgp_config *bgp; /* NULL: BGP is off */
};

/* The sources of c's tunnels into src (IPSEC_TUNNELS_MAX entries).  Returns how many. */
static int tunnel_sources(const struct vpn_connection *c, struct tunnel_source *src)
{
	int n = 0;

	if (!c->dual_tunnel) {
		src[0] = (struct tunnel_source){ .tunnel_id = "", .role = "", .customer_gateway_id = c->customer_gateway_id,
						 .internet_ip = c->internet_ip, .ike = &c->ike, .ipsec = &c->ipsec,
						 .enable_dpd = c->enable_dpd, .enable_nat_traversal = c->enable_nat_traversal,
						 .bgp = c->bgp.enable ? &c->bgp : NULL };
		return 1;
	}
	for (; n < c->tunnel_count && n < IPSEC_TUNNELS_MAX; n++) {
		const struct vpn_tunnel *t = &c->tunnels[n];

		src[n] = (struct tunnel_source){ t->tunnel_id, t->role, t->customer_gateway_id, t->internet_ip, &t->ike,
						 &t->ipsec, t->enable_dpd, t->enable_nat_traversal,
						 c->enable_tunnels_bgp ? &t->bgp : NULL };
	}
	return n;
}

/*
 * Both ends' configuration of c: the gateway's (vpnlab data plane; local = the gateway's
 * address) or the customer device's (local = the customer gateway's, IDs and subnets
 * swapped, BGP as the peer).
 */
static int build(struct model_ctx *m, const struct vpn_connection *c, bool gateway_side,
		 struct vpn_connection_config *out, struct vl_err *err)
{
	struct tunnel_source src[IPSEC_TUNNELS_MAX];
	int n = tunnel_sources(c, src);

	memset(out, 0, sizeof(*out));
	model_copy(out->vpn_connection_id, sizeof(out->vpn_connection_id), c->vpn_connection_id);
	out->dual_tunnel = c->dual_tunnel;
	out->gateway_side = gateway_side;
	out->dpd_delay_s = m->cfg ? m->cfg->dpd_delay_s : 0;
	/* the customer's local side is the connection's remote one */
	model_copy(out->local_subnet, sizeof(out->local_subnet), gateway_side ? c->local_subnet : c->remote_subnet);
	model_copy(out->remote_subnet, sizeof(out->remote_subnet), gateway_side ? c->remote_subnet : c->local_subnet);
	for (int i = 0; i < n; i++) {
		struct vpn_connection_config_tunnel *t = &out->tunnels[i];
		struct customer_gateway cgw;

		if (customer_gateway_get(m, src[i].customer_gateway_id, &cgw, err) < 0)
			return -1;
		model_copy(t->tunnel_id, sizeof(t->tunnel_id), src[i].tunnel_id);
		model_copy(t->role, sizeof(t->role), src[i].role);
		model_copy(t->customer_gateway_id, sizeof(t->customer_gateway_id), cgw.customer_gateway_id);
		model_copy(t->local_addr, sizeof(t->local_addr), gateway_side ? src[i].internet_ip : cgw.ip_address);
		model_copy(t->remote_addr, sizeof(t->remote_addr), gateway_side ? cgw.ip_address : src[i].internet_ip);
		if (gateway_side)
			t->ike = *src[i].ike;
		else
			peer_ike(&t->ike, src[i].ike);
		t->ipsec = *src[i].ipsec;
		t->enable_dpd = src[i].enable_dpd;
		t->enable_nat_traversal = src[i].enable_nat_traversal;
		if (!gateway_side && src[i].bgp)
			peer_bgp(t, src[i].bgp, &cgw);
		out->tunnel_count++;
	}
	return 0;
}

int vpn_connection_config_build(struct model_ctx *m, const struct vpn_connection *c,
				struct vpn_connection_config *out, struct vl_err *err)
{
	return build(m, c, false, out, err);
}

/* ---- the gateway's view (vpnlab data plane) ---- */

int vpn_connection_config_build_gateway_side(struct model_ctx *m, const struct vpn_connection *c,
					     struct vpn_connection_config *out, struct vl_err *err)
{
	return build(m, c, true, out, err);
}

int vpn_connection_config_load(struct model_ctx *m, const char *vpn_connection_id,
			       struct vpn_connection_config *out, struct vl_err *err)
{
	struct vpn_connection *c = malloc(sizeof(*c));
	int rc = -1;

	if (c == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (vpn_connection_get(m, vpn_connection_id, c, err) == 0)
		rc = vpn_connection_config_build(m, c, out, err);
	free(c);
	return rc;
}

/* ---- DownloadVpnConnectionConfig ---- */

/* BgpConfigs.BgpConfig[] item: every field a string in the SDK model. */
static json_t *bgp_json(const struct vpn_connection_config_tunnel *t, bool with_tunnel_id)
{
	json_t *o = json_object();
	char asn[24];

	snprintf(asn, sizeof(asn), "%lld", (long long)t->bgp_peer_asn);
	if (with_tunnel_id)
		json_put_str(o, "TunnelId", t->tunnel_id);
	json_put_fields(o, JSON_FIELDS(JSON_TEXT("LocalAsn", t->bgp_local_asn),
			JSON_TEXT("LocalBgpIp", t->bgp_local_ip), JSON_TEXT("PeerAsn", asn),
			JSON_TEXT("PeerBgpIp", t->bgp_peer_ip), JSON_TEXT("TunnelCidr", t->bgp_tunnel_cidr)));
	return o;
}

json_t *vpn_connection_config_to_json(const struct vpn_connection_config *cfg)
{
	json_t *o = json_object(), *bgp = json_array();

	if (o == NULL || bgp == NULL) {
		json_decref(o);
		json_decref(bgp);
		return NULL;
	}
	json_put_str(o, "LocalSubnet", cfg->local_subnet);
	json_put_str(o, "RemoteSubnet", cfg->remote_subnet);
	if (!cfg->dual_tunnel) {
		const struct vpn_connection_config_tunnel *t = &cfg->tunnels[0];

		json_put_str(o, "Local", t->local_addr);
		json_put_str(o, "Remote", t->remote_addr);
		json_object_set_new_nocheck(o, "IkeConfig", ipsec_ike_to_json(&t->ike, false));
		json_object_set_new_nocheck(o, "IpsecConfig", ipsec_phase2_to_json(&t->ipsec, false));
		if (t->bgp)
			json_array_append_new(bgp, bgp_json(t, false));
	} else {
		json_t *tunnels = json_array();

		for (int i = 0; i < cfg->tunnel_count; i++) {
			const struct vpn_connection_config_tunnel *t = &cfg->tunnels[i];
			json_t *item = json_object();

			json_put_str(item, "TunnelId", t->tunnel_id);
			json_put_str(item, "Local", t->local_addr);
			json_put_str(item, "Remote", t->remote_addr);
			json_object_set_new_nocheck(item, "IkeConfig", ipsec_ike_to_json(&t->ike, false));
			json_object_set_new_nocheck(item, "IpsecConfig", ipsec_phase2_to_json(&t->ipsec, false));
			json_array_append_new(tunnels, item);
			if (t->bgp)
				json_array_append_new(bgp, bgp_json(t, true));
		}
		json_put_wrapped(o, "TunnelsConfig", "TunnelConfig", tunnels);
	}
	/* BgpConfigs only when the connection (or its tunnels) run BGP */
	if (json_array_size(bgp) > 0)
		json_put_wrapped(o, "BgpConfigs", "BgpConfig", bgp);
	else
		json_decref(bgp);
	return o;
}

/* ---- swanctl.conf ---- */

const char *vpn_connection_config_swan_enc(const char *alg)
{
	static const char *const map[][2] = {
		{ "aes", "aes128" }, { "aes192", "aes192" }, { "aes256", "aes256" }, { "des", "des" }, { "3des", "3des" },
	};

	for (size_t i = 0; alg && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(alg, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

const char *vpn_connection_config_swan_dh(const char *group)
{
	static const char *const map[][2] = {
		{ "group1", "modp768" }, { "group2", "modp1024" }, { "group5", "modp1536" }, { "group14", "modp2048" },
	};

	for (size_t i = 0; group && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(group, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

/* The cloud's integrity names are strongSwan's keywords (HMAC, 128-bit truncation for SHA-2). */
static const char *swan_integ(const char *alg)
{
	static const char *const known[] = { "md5", "sha1", "sha256", "sha384", "sha512" };

	for (size_t i = 0; alg && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(alg, known[i]) == 0)
			return known[i];
	return NULL;
}

/* A growing text buffer; oom sticks, so callers check once at the end. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_grow(struct sbuf *b, size_t more)
{
	char *p;
	size_t cap;

	if (b->oom || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 2048;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = true;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void sb_putc(struct sbuf *b, char c)
{
	sb_grow(b, 1);
	if (b->oom)
		return;
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	sb_grow(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Indentation: four spaces per level, as the strongSwan documentation writes it. */
static void sb_indent(struct sbuf *b, int level)
{
	for (int i = 0; i < level; i++)
		sb_printf(b, "    ");
}

/* Opens section name at level (closed by sb_close at the same level). */
static void sb_open(struct sbuf *b, int level, const char *name)
{
	sb_indent(b, level);
	sb_printf(b, "%s {\n", name);
}

static void sb_close(struct sbuf *b, int level)
{
	sb_indent(b, level);
	sb_printf(b, "}\n");
}

/*
 * A value of the strongswan.conf syntax: bare when made only of characters that cannot
 * start a comment, a section or a reference; otherwise double-quoted, with '"' and '\'
 * escaped (the settings lexer takes backslash escapes inside quotes).
 */
static void sb_value(struct sbuf *b, const char *v)
{
	static const char bare[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:,%";

	if (*v && strspn(v, bare) == strlen(v)) {
		sb_printf(b, "%s", v);
		return;
	}
	sb_putc(b, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_putc(b, '\\');
		sb_putc(b, *p);
	}
	sb_putc(b, '"');
}

/* key = value on its own line. */
static void sb_kv(struct sbuf *b, int level, const char *key, const char *value)
{
	sb_indent(b, level);
	sb_printf(b, "%s = ", key);
	sb_value(b, value);
	sb_putc(b, '\n');
}

static void sb_kv_seconds(struct sbuf *b, int level, const char *key, int64_t seconds)
{
	sb_indent(b, level);
	sb_printf(b, "%s = %llds\n", key, (long long)seconds);
}

/*
 * An IKE identity as strongSwan must see it to match what the VPN gateway sends: an IPv4
 * address stays an address (ID_IPV4_ADDR); anything else is the FQDN the cloud documents
 * (the fqdn: prefix keeps strongSwan from reading '@' as an e-mail address or '=' as a
 * distinguished name).  An identity left empty (unbound connections) is the address.
 */
static void identity(char *buf, size_t size, const char *id, const char *addr)
{
	struct in_addr a;
	const char *v = *id ? id : addr;

	if (inet_pton(AF_INET, v, &a) == 1)
		model_copy(buf, size, v);
	else
		snprintf(buf, size, "fqdn:%s", v);
}

/*
 * The pre-shared key: quoted as text, except that swanctl reads a value starting with 0x
 * as hex and 0s as Base64 — such a key is written in hex so it stays the same bytes.
 */
static void sb_secret(struct sbuf *b, int level, const char *psk)
{
	if (strncasecmp(psk, "0x", 2) != 0 && strncasecmp(psk, "0s", 2) != 0) {
		sb_kv(b, level, "secret", psk);
		return;
	}
	sb_indent(b, level);
	sb_printf(b, "secret = 0x");
	for (const unsigned char *p = (const unsigned char *)psk; *p; p++)
		sb_printf(b, "%02x", *p);
	sb_putc(b, '\n');
}

/* enc-integ-dh (IKE) or enc-integ[-dh] (ESP; IpsecPfs "disabled": no DH group). */
static int proposal(char *buf, size_t size, const char *enc_alg, const char *auth_alg, const char *pfs,
		    bool pfs_optional)
{
	const char *enc = vpn_connection_config_swan_enc(enc_alg), *integ = swan_integ(auth_alg), *dh = NULL;

	if (enc == NULL || integ == NULL)
		return -1;
	if (!(pfs_optional && strcmp(pfs, "disabled") == 0)) {
		dh = vpn_connection_config_swan_dh(pfs);
		if (dh == NULL)
			return -1;
	}
	if (dh)
		snprintf(buf, size, "%s-%s-%s", enc, integ, dh);
	else
		snprintf(buf, size, "%s-%s", enc, integ);
	return 0;
}

/*
 * Lifetimes: the cloud's lifetime is the hard limit; the customer device rekeys 10 % before
 * it (IKE: rekey_time + over_time = lifetime; CHILD_SA: rekey_time, life_time = lifetime),
 * so its SAs are renewed before the gateway's expire.  The data plane's gateway side rekeys
 * only 5 % before the limit, so the branch normally renews first and the two ends do not
 * both start a rekeying at once.  0 disables both, as strongSwan reads 0.
 */
static int64_t rekey_of(const struct vpn_connection_config *cfg, int64_t lifetime)
{
	return lifetime - lifetime / (cfg->gateway_side ? 20 : 10);
}

int64_t vpn_connection_config_rekey_s(const struct vpn_connection_config *cfg, int64_t lifetime)
{
	return rekey_of(cfg, lifetime);
}

int vpn_connection_config_dpd_delay_s(const struct vpn_connection_config *cfg, int index)
{
	if (!cfg->tunnels[index].enable_dpd)
		return 0;
	return cfg->dpd_delay_s > 0 ? cfg->dpd_delay_s : SWAN_DPD_DELAY_S;
}

/* Splits a normalised CIDR list ("a/b,c/d") into its blocks; returns how many (at most max). */
static int split_subnets(const char *list, char out[][24], int max)
{
	int n = 0;

	for (const char *p = list; *p && n < max;) {
		size_t len = strcspn(p, ",");

		if (len > 0 && len < 24) {
			memcpy(out[n], p, len);
			out[n][len] = '\0';
			n++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return n;
}

#define SUBNETS_MAX 64

/* The shortest prefix length in a CIDR list; -1 when it holds none. */
static int shortest_prefix(const char *list)
{
	char blocks[SUBNETS_MAX][24];
	int n = split_subnets(list, blocks, SUBNETS_MAX), shortest = -1;
	struct cidr c;

	for (int i = 0; i < n; i++)
		if (cidr_parse(blocks[i], &c) && (shortest < 0 || c.prefix_len < shortest))
			shortest = c.prefix_len;
	return shortest;
}

/*
 * Active/standby on one gateway endpoint: two connections with the same selectors in one
 * charon.  The standby's policies get the automatic priority of its least specific pair
 * plus 2, the active's keep their automatic one, so with kernel-netlink (XFRM) the active
 * SA's policy is installed while it exists and the standby's after it, while every other
 * policy keeps its place by selector size (a flat number such as 1000 would outrank every
 * automatic priority, more specific selectors and bypass policies included).  +2 stays
 * within the selector size class (512 per prefix bit).  kernel-libipsec ignores fixed
 * priorities: it orders by selector size and, between equal ones, uses the CHILD_SA
 * installed last (api-docs/research-vpn-connection.md §7).
 */
unsigned vpn_connection_config_standby_priority(const char *local_ts, const char *remote_ts)
{
	int l = shortest_prefix(local_ts), r = shortest_prefix(remote_ts);

	if (l < 0 || r < 0)
		return 0;
	return SWAN_PRIO_DEFAULT - SWAN_PRIO_PER_BIT * (unsigned)(l + r) - 1 + 2;
}

/*
 * One CHILD_SA.  The customer device starts it at once and restarts it when DPD declares
 * the peer dead; the gateway side only answers (start_action none) and clears what DPD finds
 * dead, so it never competes with the branch for the same SA.
 */
static void child(struct sbuf *b, const struct vpn_connection_config *cfg, const char *name, const char *local_ts,
		  const char *remote_ts, const char *esp, const struct vpn_connection_config_tunnel *t)
{
	unsigned prio = 0;

	if (cfg->gateway_side && t->standby)
		prio = vpn_connection_config_standby_priority(local_ts, remote_ts);
	sb_open(b, 3, name);
	sb_kv(b, 4, "local_ts", local_ts);
	sb_kv(b, 4, "remote_ts", remote_ts);
	sb_kv(b, 4, "esp_proposals", esp);
	sb_kv_seconds(b, 4, "rekey_time", rekey_of(cfg, t->ipsec.lifetime));
	sb_kv_seconds(b, 4, "life_time", t->ipsec.lifetime);
	if (prio) {
		sb_indent(b, 4);
		sb_printf(b, "priority = %u\n", prio);
	}
	if (t->enable_dpd)
		sb_kv(b, 4, "dpd_action", cfg->gateway_side ? "clear" : "restart");
	sb_kv(b, 4, "start_action", cfg->gateway_side ? "none" : "start");
	sb_close(b, 3);
}

/* One authentication round (local or remote) of a connection: the pre-shared key and an identity. */
static void sb_psk_round(struct sbuf *b, const char *side, const char *id)
{
	sb_open(b, 2, side);
	sb_kv(b, 3, "auth", "psk");
	sb_kv(b, 3, "id", id);
	sb_close(b, 2);
}

/* One connection section: the IKE peer, its two authentication rounds and its children. */
static int connection(struct sbuf *b, const struct vpn_connection_config *cfg,
		      const struct vpn_connection_config_tunnel *t, const char *name, const char *local_id,
		      const char *remote_id)
{
	char ike[64], esp[64];
	char local[SUBNETS_MAX][24], remote[SUBNETS_MAX][24];
	int nl, nr;
	bool v1 = strcmp(t->ike.ike_version, "ikev1") == 0;

	if (proposal(ike, sizeof(ike), t->ike.ike_enc_alg, t->ike.ike_auth_alg, t->ike.ike_pfs, false) < 0 ||
	    proposal(esp, sizeof(esp), t->ipsec.enc_alg, t->ipsec.auth_alg, t->ipsec.pfs, true) < 0)
		return -1;
	sb_open(b, 1, name);
	sb_indent(b, 2);
	sb_printf(b, "version = %d\n", v1 ? 1 : 2);
	/* Main/aggressive mode is an IKEv1 notion; IKEv2 has one exchange */
	if (v1 && strcmp(t->ike.ike_mode, "aggressive") == 0)
		sb_kv(b, 2, "aggressive", "yes");
	sb_kv(b, 2, "local_addrs", t->local_addr);
	sb_kv(b, 2, "remote_addrs", t->remote_addr);
	sb_kv(b, 2, "proposals", ike);
	sb_kv_seconds(b, 2, "rekey_time", rekey_of(cfg, t->ike.ike_lifetime));
	sb_kv_seconds(b, 2, "over_time", t->ike.ike_lifetime - rekey_of(cfg, t->ike.ike_lifetime));
	/* a branch device keeps trying until the gateway answers; the gateway only responds */
	sb_kv(b, 2, "keyingtries", cfg->gateway_side ? "1" : "0");
	if (t->enable_dpd) {
		sb_indent(b, 2);
		sb_printf(b, "dpd_delay = %ds\n", cfg->dpd_delay_s > 0 ? cfg->dpd_delay_s : SWAN_DPD_DELAY_S);
	}
	sb_psk_round(b, "local", local_id);
	sb_psk_round(b, "remote", remote_id);
	sb_open(b, 2, "children");
	nl = split_subnets(cfg->local_subnet, local, SUBNETS_MAX);
	nr = split_subnets(cfg->remote_subnet, remote, SUBNETS_MAX);
	if (nl == 0 || nr == 0)
		return -1;
	if (!v1) {
		/* IKEv2 negotiates every selector of both lists in one CHILD_SA */
		child(b, cfg, name, cfg->local_subnet, cfg->remote_subnet, esp, t);
	} else if (nl == 1 && nr == 1) {
		child(b, cfg, name, local[0], remote[0], esp, t);
	} else {
		/*
		 * IKEv1 Quick Mode carries one pair of selectors ("only the first selector is
		 * interpreted"): one CHILD_SA per pair of local and remote blocks.
		 */
		int n = 0;

		for (int i = 0; i < nl; i++)
			for (int j = 0; j < nr; j++) {
				char child_name[96];

				snprintf(child_name, sizeof(child_name), "%s-%d", name, ++n);
				child(b, cfg, child_name, local[i], remote[j], esp, t);
			}
	}
	sb_close(b, 2);
	sb_close(b, 1);
	return 0;
}

const char *vpn_connection_config_tunnel_name(const struct vpn_connection_config *cfg, int index)
{
	return cfg->dual_tunnel ? cfg->tunnels[index].tunnel_id : cfg->vpn_connection_id;
}

/* The identities of every tunnel of one configuration, computed once for both sections. */
struct rendered_ids {
	char local[IPSEC_TUNNELS_MAX][IPSEC_ID_MAX * 4 + 8];
	char remote[IPSEC_TUNNELS_MAX][IPSEC_ID_MAX * 4 + 8];
};

/*
 * The comment lines on top: what the file is for, then per connection the dual-tunnel roles
 * and the routing mode.  With one customer-side configuration the lines are the ones
 * LabDownloadCustomerSwanctlConfig has always written.
 */
static void header(struct sbuf *b, const struct vpn_connection_config *const *cfgs, int count)
{
	if (cfgs[0]->gateway_side || count > 1) {
		sb_printf(b, "# strongSwan swanctl.conf for the %s of IPsec-VPN connection%s",
			  cfgs[0]->gateway_side ? "VPN gateway side" : "customer gateway", count > 1 ? "s" : "");
		for (int i = 0; i < count; i++)
			sb_printf(b, "%s %s", i ? "," : "", cfgs[i]->vpn_connection_id);
		sb_putc(b, '\n');
	} else {
		sb_printf(b, "# strongSwan swanctl.conf for the customer gateway of IPsec-VPN connection %s\n",
			  cfgs[0]->vpn_connection_id);
	}
	if (cfgs[0]->gateway_side)
		sb_printf(b, "# (vpnlab data plane: the gateway responds, the customer gateway initiates)\n");
	else
		sb_printf(b, "# (vpnlab extension LabDownloadCustomerSwanctlConfig; load with: swanctl --load-all)\n");
	for (int i = 0; i < count; i++) {
		const struct vpn_connection_config *cfg = cfgs[i];
		char prefix[80] = "";

		if (count > 1)
			snprintf(prefix, sizeof(prefix), "%s ", cfg->vpn_connection_id);
		if (cfg->dual_tunnel && cfg->tunnel_count == 2) {
			sb_printf(b, "# %sdual-tunnel: %s is the master tunnel, %s the standby one\n", prefix,
				  vpn_connection_config_tunnel_name(cfg, 0), vpn_connection_config_tunnel_name(cfg, 1));
		} else if (cfg->dual_tunnel) {
			/* one tunnel of the two: the other one ends on another device */
			sb_printf(b, "# %sdual-tunnel: %s is the %s tunnel\n", prefix,
				  vpn_connection_config_tunnel_name(cfg, 0),
				  strcmp(cfg->tunnels[0].role, "slave") == 0 ? "standby" : "master");
		}
		if (strcmp(cfg->local_subnet, "0.0.0.0/0") == 0 && strcmp(cfg->remote_subnet, "0.0.0.0/0") == 0)
			sb_printf(b, "# %sdestination-based routing mode: 0.0.0.0/0 on both sides\n", prefix);
	}
}

int vpn_connection_config_swanctl_multi(const struct vpn_connection_config *const *cfgs, int count, char **text,
					struct vl_err *err)
{
	struct sbuf b = { 0 };
	struct rendered_ids *ids = NULL;
	int rc = -1;

	*text = NULL;
	if (count < 1)
		return vl_err_set(err, VL_INTERNAL_ERROR, "no configuration to render");
	ids = calloc((size_t)count, sizeof(*ids));
	if (ids == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	for (int c = 0; c < count; c++) {
		const struct vpn_connection_config *cfg = cfgs[c];

		if (cfg->tunnel_count < 1 || cfg->tunnel_count > IPSEC_TUNNELS_MAX ||
		    cfg->gateway_side != cfgs[0]->gateway_side) {
			vl_err_set(err, VL_INTERNAL_ERROR, "connection %s has %d tunnels", cfg->vpn_connection_id,
				   cfg->tunnel_count);
			goto out;
		}
		for (int i = 0; i < cfg->tunnel_count; i++) {
			const struct vpn_connection_config_tunnel *t = &cfg->tunnels[i];

			if (t->remote_addr[0] == '\0' || t->local_addr[0] == '\0') {
				vl_err_set(err, VL_VCO_INCORRECT_STATUS,
					   "The IPsec-VPN connection %s has no VPN gateway address yet: attach it to a "
					   "transit router first.", cfg->vpn_connection_id);
				goto out;
			}
			identity(ids[c].local[i], sizeof(ids[c].local[i]), t->ike.local_id, t->local_addr);
			identity(ids[c].remote[i], sizeof(ids[c].remote[i]), t->ike.remote_id, t->remote_addr);
		}
	}

	header(&b, cfgs, count);
	sb_open(&b, 0, "connections");
	for (int c = 0; c < count; c++)
		for (int i = 0; i < cfgs[c]->tunnel_count; i++)
			if (connection(&b, cfgs[c], &cfgs[c]->tunnels[i], vpn_connection_config_tunnel_name(cfgs[c], i),
				       ids[c].local[i], ids[c].remote[i]) < 0) {
				vl_err_set(err, VL_INTERNAL_ERROR, "connection %s holds settings swanctl cannot express",
					   cfgs[c]->vpn_connection_id);
				goto out;
			}
	sb_close(&b, 0);
	sb_open(&b, 0, "secrets");
	for (int c = 0; c < count; c++)
		for (int i = 0; i < cfgs[c]->tunnel_count; i++) {
			char section[80];

			snprintf(section, sizeof(section), "ike-%s", vpn_connection_config_tunnel_name(cfgs[c], i));
			sb_open(&b, 1, section);
			sb_kv(&b, 2, "id-local", ids[c].local[i]);
			sb_kv(&b, 2, "id-remote", ids[c].remote[i]);
			sb_secret(&b, 2, cfgs[c]->tunnels[i].ike.psk);
			sb_close(&b, 1);
		}
	sb_close(&b, 0);
	if (b.oom) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	*text = b.p;
	b.p = NULL;
	rc = 0;
out:
	free(b.p);
	free(ids);
	return rc;
}

int vpn_connection_config_swanctl(const struct vpn_connection_config *cfg, char **text, struct vl_err *err)
{
	return vpn_connection_config_swanctl_multi(&cfg, 1, text, err);
}
