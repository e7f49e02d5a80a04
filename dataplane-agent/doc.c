/*
 * The desired-state document parser, shared by the agent (which refuses what it cannot
 * build) and the server (which checks what it compiles before pushing it).  The checks
 * follow schema/agent-document.schema.json; on top of it, references must resolve.
 */
#include "doc.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	char *err;
	char path[96];
};

static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[DOC_ERR_MAX - sizeof(((struct parser *)0)->path) - 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err != NULL)
		snprintf(p->err, DOC_ERR_MAX, "%s: %s", p->path[0] ? p->path : "$", msg);
	return -1;
}

/* Sets the path shown in errors: prefix, optional [index], optional .key */
static void at(struct parser *p, const char *prefix, int index, const char *key)
{
	int n = snprintf(p->path, sizeof(p->path), "%s", prefix);

	if (index >= 0 && n >= 0 && (size_t)n < sizeof(p->path))
		n += snprintf(p->path + n, sizeof(p->path) - (size_t)n, "[%d]", index);
	if (key != NULL && n >= 0 && (size_t)n < sizeof(p->path))
		snprintf(p->path + n, sizeof(p->path) - (size_t)n, ".%s", key);
}

static bool valid_ipv4(const char *s)
{
	struct in_addr a;

	return strlen(s) <= 15 && inet_pton(AF_INET, s, &a) == 1;
}

static bool valid_cidr(const char *s)
{
	char addr[16];
	const char *slash = strchr(s, '/');
	char *end;
	long prefix;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(addr))
		return false;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (!valid_ipv4(addr) || slash[1] == '\0')
		return false;
	prefix = strtol(slash + 1, &end, 10);
	return *end == '\0' && prefix >= 0 && prefix <= 32 && strlen(s) < 20;
}

static bool valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= DOC_ID_MAX)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '.' ||
		      *c == '_' || *c == '-'))
			return false;
	return true;
}

enum kind { K_ID, K_IPV4, K_CIDR, K_TEXT };

/* Copies string member key of obj into buf (size bytes); required or "" when absent. */
static int get_str(struct parser *p, json_t *obj, const char *key, bool required, enum kind kind, char *buf,
		   size_t size)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	buf[0] = '\0';
	if (v == NULL) {
		if (required)
			return fail(p, "%s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, "%s must be a string", key);
	s = json_string_value(v);
	if (strlen(s) >= size)
		return fail(p, "%s is too long", key);
	switch (kind) {
	case K_ID:
		if (!valid_id(s))
			return fail(p, "%s is not a valid id", key);
		break;
	case K_IPV4:
		if (!valid_ipv4(s))
			return fail(p, "%s is not an IPv4 address", key);
		break;
	case K_CIDR:
		if (!valid_cidr(s))
			return fail(p, "%s is not an IPv4 CIDR block", key);
		break;
	case K_TEXT:
		if (s[0] == '\0' && required)
			return fail(p, "%s is empty", key);
		break;
	}
	memcpy(buf, s, strlen(s) + 1);
	return 0;
}

static int get_int(struct parser *p, json_t *obj, const char *key, bool required, int64_t min, int64_t max,
		   int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL)
		return required ? fail(p, "%s is required", key) : 0;
	if (!json_is_integer(v))
		return fail(p, "%s must be an integer", key);
	*out = json_integer_value(v);
	if (*out < min || *out > max)
		return fail(p, "%s must be within %lld..%lld", key, (long long)min, (long long)max);
	return 0;
}

static int get_bool(struct parser *p, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);

	*out = false;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return fail(p, "%s must be a boolean", key);
	*out = json_is_true(v);
	return 0;
}

/* The array member key of obj (required), its size in *n, at most max items. */
static json_t *get_array(struct parser *p, json_t *obj, const char *key, size_t max, int *n)
{
	json_t *v = json_object_get(obj, key);

	*n = 0;
	if (!json_is_array(v)) {
		fail(p, "%s must be an array", key);
		return NULL;
	}
	if (json_array_size(v) > max) {
		fail(p, "%s has more than %zu items", key, max);
		return NULL;
	}
	*n = (int)json_array_size(v);
	return v;
}

/*
 * The array key of obj (at most max items, *n of them) with *items calloc'd for them, size bytes
 * each and one spare; NULL on error (p's message set), *items then NULL or allocated (the caller
 * frees it either way).
 */
static json_t *get_items(struct parser *p, json_t *obj, const char *key, size_t max, int *n, void **items,
			 size_t size)
{
	json_t *a = get_array(p, obj, key, max, n);

	if (a == NULL)
		return NULL;
	if ((*items = calloc((size_t)*n + 1, size)) == NULL) {
		fail(p, "out of memory");
		return NULL;
	}
	return a;
}

static int only_keys(struct parser *p, json_t *obj, const char *const *keys)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return fail(p, "must be an object");
	json_object_foreach(obj, k, v) {
		bool known = false;

		for (const char *const *kk = keys; *kk; kk++)
			if (strcmp(*kk, k) == 0)
				known = true;
		if (!known)
			return fail(p, "unknown member %s", k);
	}
	return 0;
}

static int parse_lan(struct parser *p, json_t *o, struct doc_lan *lan)
{
	static const char *const keys[] = { "vpc", "vswitch", "site", "transit_router", "link", "ip", "prefix",
					    "gateway", NULL };
	int64_t prefix;
	int places;

	if (only_keys(p, o, keys) < 0 || get_str(p, o, "vpc", false, K_ID, lan->vpc, sizeof(lan->vpc)) < 0 ||
	    get_str(p, o, "vswitch", false, K_ID, lan->vswitch, sizeof(lan->vswitch)) < 0 ||
	    get_str(p, o, "site", false, K_ID, lan->site, sizeof(lan->site)) < 0 ||
	    get_str(p, o, "transit_router", false, K_ID, lan->transit_router, sizeof(lan->transit_router)) < 0 ||
	    get_str(p, o, "link", false, K_ID, lan->link, sizeof(lan->link)) < 0 ||
	    get_str(p, o, "ip", true, K_IPV4, lan->ip, sizeof(lan->ip)) < 0 ||
	    get_int(p, o, "prefix", true, 1, 32, &prefix) < 0 ||
	    get_str(p, o, "gateway", false, K_IPV4, lan->gateway, sizeof(lan->gateway)) < 0)
		return -1;
	lan->prefix = (int)prefix;
	places = (lan->site[0] != '\0') + (lan->vpc[0] != '\0' || lan->vswitch[0] != '\0') +
		 (lan->transit_router[0] != '\0' || lan->link[0] != '\0');
	if (places != 1 || (lan->vpc[0] != '\0') != (lan->vswitch[0] != '\0') ||
	    (lan->transit_router[0] != '\0') != (lan->link[0] != '\0'))
		return fail(p, "a LAN names either a vpc and a vswitch, a site, or a transit_router and a link");
	return 0;
}

static int parse_ts_list(struct parser *p, json_t *o, const char *key, char (*ts)[20], int *count)
{
	json_t *a = get_array(p, o, key, DOC_TS_MAX, count);
	size_t i;
	json_t *v;

	if (a == NULL)
		return -1;
	if (*count == 0)
		return fail(p, "%s is empty", key);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !valid_cidr(json_string_value(v)))
			return fail(p, "%s[%zu] is not an IPv4 CIDR block", key, i);
		snprintf(ts[i], 20, "%s", json_string_value(v));
	}
	return 0;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static int parse_proposal(struct parser *p, json_t *o, const char *key, bool esp, struct doc_proposal *out)
{
	static const char *const keys[] = { "enc", "integ", "dh", NULL };
	static const char *const encs[] = { "aes128", "aes192", "aes256", "des", "3des", NULL };
	static const char *const integs[] = { "md5", "sha1", "sha256", "sha384", "sha512", NULL };
	static const char *const dhs[] = { "modp768", "modp1024", "modp1536", "modp2048", "none", NULL };
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		return fail(p, "%s is required", key);
	if (only_keys(p, v, keys) < 0 || get_str(p, v, "enc", true, K_TEXT, out->enc, sizeof(out->enc)) < 0 ||
	    get_str(p, v, "integ", true, K_TEXT, out->integ, sizeof(out->integ)) < 0 ||
	    get_str(p, v, "dh", true, K_TEXT, out->dh, sizeof(out->dh)) < 0)
		return -1;
	if (!one_of(out->enc, encs))
		return fail(p, "%s.enc must be one of aes128, aes192, aes256, des, 3des", key);
	if (!one_of(out->integ, integs))
		return fail(p, "%s.integ must be one of md5, sha1, sha256, sha384, sha512", key);
	if (!one_of(out->dh, dhs) || (!esp && strcmp(out->dh, "none") == 0))
		return fail(p, "%s.dh must be one of modp768, modp1024, modp1536, modp2048%s", key, esp ? ", none" : "");
	return 0;
}

static int parse_lifetime(struct parser *p, json_t *o, struct doc_lifetime *out)
{
	int64_t rekey, life;

	if (get_int(p, o, "rekey_s", true, 0, 86400, &rekey) < 0 || get_int(p, o, "lifetime_s", true, 0, 86400, &life) < 0)
		return -1;
	if (rekey > life)
		return fail(p, "rekey_s is after lifetime_s");
	out->rekey_s = (int)rekey;
	out->lifetime_s = (int)life;
	return 0;
}

/* An IKE identity: an IPv4 address or an FQDN-like text without swanctl syntax. */
static int get_identity(struct parser *p, json_t *o, const char *key, char *buf, size_t size)
{
	if (get_str(p, o, key, true, K_TEXT, buf, size) < 0)
		return -1;
	if (strpbrk(buf, " \t\n{}\"'#,") != NULL)
		return fail(p, "%s may not hold spaces, quotes, commas or braces", key);
	return 0;
}

static int parse_ipsec(struct parser *p, json_t *o, struct doc_ipsec *s)
{
	static const char *const keys[] = { "local_ip", "local_id", "remote_id", "psk", "ike", "esp", "dpd_delay_s",
					    "nat_traversal", "initiator", "standby", NULL };
	static const char *const ike_keys[] = { "version", "mode", "proposal", "rekey_s", "lifetime_s", NULL };
	static const char *const esp_keys[] = { "proposal", "rekey_s", "lifetime_s", NULL };
	json_t *ike, *esp;
	char mode[16];
	int64_t version, dpd;

	if (o == NULL)
		return fail(p, "ipsec is required");
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "local_ip", true, K_IPV4, s->local_ip, sizeof(s->local_ip)) < 0 ||
	    get_identity(p, o, "local_id", s->local_id, sizeof(s->local_id)) < 0 ||
	    get_identity(p, o, "remote_id", s->remote_id, sizeof(s->remote_id)) < 0 ||
	    get_str(p, o, "psk", true, K_TEXT, s->psk, sizeof(s->psk)) < 0 ||
	    get_int(p, o, "dpd_delay_s", true, 0, 3600, &dpd) < 0 || get_bool(p, o, "nat_traversal", &s->nat_traversal) < 0 ||
	    get_bool(p, o, "initiator", &s->initiator) < 0 || get_bool(p, o, "standby", &s->standby) < 0)
		return -1;
	s->dpd_delay_s = (int)dpd;
	ike = json_object_get(o, "ike");
	esp = json_object_get(o, "esp");
	if (ike == NULL || esp == NULL)
		return fail(p, "ike and esp are required");
	if (only_keys(p, ike, ike_keys) < 0 || get_int(p, ike, "version", true, 1, 2, &version) < 0 ||
	    get_str(p, ike, "mode", true, K_TEXT, mode, sizeof(mode)) < 0 ||
	    parse_proposal(p, ike, "proposal", false, &s->ike_proposal) < 0 || parse_lifetime(p, ike, &s->ike_life) < 0)
		return -1;
	s->ike_version = (int)version;
	if (strcmp(mode, "main") != 0 && strcmp(mode, "aggressive") != 0)
		return fail(p, "ike.mode must be main or aggressive");
	s->aggressive = strcmp(mode, "aggressive") == 0;
	if (s->aggressive && s->ike_version != 1)
		return fail(p, "ike.mode aggressive is an IKEv1 mode");
	if (only_keys(p, esp, esp_keys) < 0 || parse_proposal(p, esp, "proposal", true, &s->esp_proposal) < 0 ||
	    parse_lifetime(p, esp, &s->esp_life) < 0)
		return -1;
	return 0;
}

/* health_check (interval in seconds, enable) or liveness (interval_ms; present means on). */
static int parse_check(struct parser *p, json_t *o, bool liveness, struct doc_health_check *h)
{
	static const char *const hc_keys[] = { "enable", "sip", "dip", "interval", "retry", NULL };
	static const char *const lv_keys[] = { "sip", "dip", "interval_ms", "retry", NULL };
	int64_t interval, retry;

	if (o == NULL)
		return 0;
	if (only_keys(p, o, liveness ? lv_keys : hc_keys) < 0 ||
	    (!liveness && get_bool(p, o, "enable", &h->enable) < 0) ||
	    get_str(p, o, "sip", true, K_IPV4, h->sip, sizeof(h->sip)) < 0 ||
	    get_str(p, o, "dip", true, K_IPV4, h->dip, sizeof(h->dip)) < 0 ||
	    (liveness ? get_int(p, o, "interval_ms", true, 50, 60000, &interval)
		      : get_int(p, o, "interval", true, 1, 60, &interval)) < 0 ||
	    get_int(p, o, "retry", true, 1, 100, &retry) < 0)
		return -1;
	if (liveness)
		h->enable = true;
	h->interval_ms = (int)(liveness ? interval : interval * 1000);
	h->retry = (int)retry;
	return 0;
}

static int parse_tunnel(struct parser *p, json_t *o, struct doc_tunnel *t)
{
	static const char *const keys[] = { "name", "connection_id", "tunnel_id", "role", "peer_ip", "local_ts",
					    "remote_ts", "ipsec", "health_check", "liveness", "cut", NULL };
	char role[16];

	if (only_keys(p, o, keys) < 0 || get_str(p, o, "name", true, K_TEXT, t->name, sizeof(t->name)) < 0 ||
	    get_str(p, o, "connection_id", true, K_ID, t->connection_id, sizeof(t->connection_id)) < 0 ||
	    get_str(p, o, "tunnel_id", false, K_TEXT, t->tunnel_id, sizeof(t->tunnel_id)) < 0 ||
	    get_str(p, o, "role", true, K_TEXT, role, sizeof(role)) < 0 ||
	    get_str(p, o, "peer_ip", true, K_IPV4, t->peer_ip, sizeof(t->peer_ip)) < 0 ||
	    parse_ts_list(p, o, "local_ts", t->local_ts, &t->local_ts_count) < 0 ||
	    parse_ts_list(p, o, "remote_ts", t->remote_ts, &t->remote_ts_count) < 0 || get_bool(p, o, "cut", &t->cut) < 0)
		return -1;
	if (strcmp(role, "single") == 0)
		t->role = DOC_ROLE_SINGLE;
	else if (strcmp(role, "master") == 0)
		t->role = DOC_ROLE_MASTER;
	else if (strcmp(role, "slave") == 0)
		t->role = DOC_ROLE_SLAVE;
	else
		return fail(p, "role must be single, master or slave");
	if (strpbrk(t->name, " \t\n{}=\"'#,") != NULL)
		return fail(p, "name may not hold spaces, commas, quotes, braces or '='");
	if (parse_ipsec(p, json_object_get(o, "ipsec"), &t->ipsec) < 0 ||
	    parse_check(p, json_object_get(o, "health_check"), false, &t->health_check) < 0 ||
	    parse_check(p, json_object_get(o, "liveness"), true, &t->liveness) < 0)
		return -1;
	return 0;
}

static int parse_endpoint(struct parser *p, json_t *o, int index, void *slot)
{
	static const char *const keys[] = { "id", "kind", "public_ip", "lan", "bandwidth_mbps", "tunnels",
					    NULL };
	struct doc_endpoint *e = slot;
	char kind[16];
	int64_t bw;
	json_t *a, *v;
	size_t i;

	at(p, "endpoints", index, NULL);
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "id", true, K_ID, e->id, sizeof(e->id)) < 0 ||
	    get_str(p, o, "kind", true, K_TEXT, kind, sizeof(kind)) < 0 ||
	    get_str(p, o, "public_ip", true, K_IPV4, e->public_ip, sizeof(e->public_ip)) < 0 ||
	    get_int(p, o, "bandwidth_mbps", false, 0, 100000, &bw) < 0)
		return -1;
	e->bandwidth_mbps = (int)bw;
	if (strcmp(kind, "gateway") == 0)
		e->kind = DOC_EP_GATEWAY;
	else if (strcmp(kind, "site_device") == 0)
		e->kind = DOC_EP_SITE_DEVICE;
	else
		return fail(p, "kind must be gateway or site_device");
	at(p, "endpoints", index, "lan");
	if (parse_lan(p, json_object_get(o, "lan"), &e->lan) < 0)
		return -1;
	if ((e->kind == DOC_EP_GATEWAY) != (e->lan.site[0] == '\0'))
		return fail(p, "a gateway sits on a vswitch, a site device on a site LAN");
	at(p, "endpoints", index, NULL);
	a = get_items(p, o, "tunnels", 4096, &e->tunnel_count, (void **)&e->tunnels, sizeof(*e->tunnels));
	if (a == NULL)
		return -1;
	json_array_foreach(a, i, v) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "endpoints[%d].tunnels", index);
		at(p, prefix, (int)i, NULL);
		if (parse_tunnel(p, v, &e->tunnels[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(e->tunnels[j].name, e->tunnels[i].name) == 0)
				return fail(p, "tunnel name %s appears twice", e->tunnels[i].name);
		if (strcmp(e->tunnels[i].ipsec.local_ip, e->public_ip) != 0)
			return fail(p, "ipsec.local_ip is not the endpoint's public_ip");
	}
	return 0;
}

static int parse_fabric(struct parser *p, json_t *o, int index, struct doc_vpc *vpc)
{
	static const char *const keys[] = { "vni", "ip", "prefix", "peers", NULL };
	static const char *const peer_keys[] = { "ip", "underlay_ip", "url", "cidrs", NULL };
	struct doc_fabric *f = &vpc->fabric;
	char prefix[48];
	int64_t vni, len;
	json_t *a, *v;
	size_t i;

	snprintf(prefix, sizeof(prefix), "vpcs[%d].fabric", index);
	at(p, prefix, -1, NULL);
	if (only_keys(p, o, keys) < 0 || get_int(p, o, "vni", true, 1, 0xffffff, &vni) < 0 ||
	    get_str(p, o, "ip", true, K_IPV4, f->ip, sizeof(f->ip)) < 0 ||
	    get_int(p, o, "prefix", true, 8, 30, &len) < 0)
		return -1;
	f->vni = (uint32_t)vni;
	f->prefix = (int)len;
	vpc->has_fabric = true;
	if ((a = get_items(p, o, "peers", DOC_FABRIC_PEERS_MAX, &f->peer_count, (void **)&f->peers,
			   sizeof(*f->peers))) == NULL)
		return -1;
	if (f->peer_count == 0)
		return fail(p, "peers is empty");
	json_array_foreach(a, i, v) {
		struct doc_fabric_peer *peer = &f->peers[i];
		json_t *cidrs, *c;
		size_t j;

		snprintf(prefix, sizeof(prefix), "vpcs[%d].fabric.peers", index);
		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, peer_keys) < 0 || get_str(p, v, "ip", true, K_IPV4, peer->ip, sizeof(peer->ip)) < 0 ||
		    get_str(p, v, "underlay_ip", true, K_IPV4, peer->underlay_ip, sizeof(peer->underlay_ip)) < 0 ||
		    get_str(p, v, "url", true, K_TEXT, peer->url, sizeof(peer->url)) < 0)
			return -1;
		if (strncmp(peer->url, "http://", 7) != 0 && strncmp(peer->url, "https://", 8) != 0)
			return fail(p, "url must be http(s)://");
		if (strcmp(peer->ip, f->ip) == 0)
			return fail(p, "ip is this agent's own fabric address");
		for (size_t k = 0; k < i; k++)
			if (strcmp(f->peers[k].ip, peer->ip) == 0)
				return fail(p, "%s appears twice", peer->ip);
		if ((cidrs = get_items(p, v, "cidrs", 1024, &peer->cidr_count, (void **)&peer->cidrs,
				       sizeof(*peer->cidrs))) == NULL)
			return -1;
		json_array_foreach(cidrs, j, c) {
			const char *text = json_string_value(c);

			if (text == NULL || strlen(text) >= sizeof(peer->cidrs[0]) || !valid_cidr(text))
				return fail(p, "cidrs[%zu] is not an IPv4 CIDR block", j);
			snprintf(peer->cidrs[j], sizeof(peer->cidrs[j]), "%s", text);
		}
	}
	return 0;
}

/*
 * The "table" member: a custom route table's kernel table (min..max), absent for the main
 * one unless required.
 */
static int get_table_in(struct parser *p, json_t *o, bool required, int64_t min, int64_t max, uint32_t *out)
{
	int64_t table = 0;

	*out = 0;
	if (json_object_get(o, "table") == NULL && !required)
		return 0;
	if (get_int(p, o, "table", true, min, max, &table) < 0)
		return -1;
	*out = (uint32_t)table;
	return 0;
}

/*
 * The optional "table" member of a VPC's vSwitch or route: a custom route table's kernel
 * table (or, where policies may name it, a policy's), absent for the main one.
 */
static int get_table(struct parser *p, json_t *o, bool policy_ok, uint32_t *out)
{
	return get_table_in(p, o, false, DOC_TABLE_MIN, policy_ok ? DOC_PBR_TABLE_MAX : DOC_TABLE_MAX, out);
}

/*
 * What an owner's "routes" may hold.  A VPC's route may name a table; a transit router's
 * names one of its own and may be a blackhole; a site's has neither, and each of its hops is
 * a device tunnel (endpoint and tunnel required, never remote: a site is built whole on one
 * agent).  A VPC's or transit router's hop is a tunnel's (usable with it) or a router's
 * (always usable).
 */
enum route_table_rule { ROUTE_NO_TABLE, ROUTE_VPC_TABLE, ROUTE_TR_TABLE };

struct route_rules {
	const char *const *route_keys, *const *hop_keys;
	size_t max_routes;
	enum route_table_rule table;
	bool blackhole_ok;
	bool tunnel_hops_only; /* endpoint and tunnel required */
	bool unique_dest;
};

static const char *const table_route_keys[] = { "dest", "table", "nexthops", "blackhole", NULL };
static const char *const table_hop_keys[] = { "via", "weight", "endpoint", "tunnel", "remote", NULL };
static const char *const site_route_keys[] = { "dest", "nexthops", NULL };
static const char *const site_hop_keys[] = { "via", "weight", "endpoint", "tunnel", NULL };

static const struct route_rules vpc_route_rules = {
	.route_keys = table_route_keys, .hop_keys = table_hop_keys, .max_routes = 100000, .table = ROUTE_VPC_TABLE,
};
static const struct route_rules tr_route_rules = {
	.route_keys = table_route_keys, .hop_keys = table_hop_keys, .max_routes = 100000, .table = ROUTE_TR_TABLE,
	.blackhole_ok = true,
};
static const struct route_rules site_route_rules = {
	.route_keys = site_route_keys, .hop_keys = site_hop_keys, .max_routes = 4096, .table = ROUTE_NO_TABLE,
	.tunnel_hops_only = true, .unique_dest = true,
};

static int get_route_table(struct parser *p, json_t *v, enum route_table_rule rule, uint32_t *out)
{
	switch (rule) {
	case ROUTE_VPC_TABLE:
		return get_table(p, v, true, out);
	case ROUTE_TR_TABLE:
		return get_table_in(p, v, true, DOC_TR_TABLE_MIN, DOC_TR_TABLE_MAX, out);
	case ROUTE_NO_TABLE:
		break;
	}
	*out = 0;
	return 0;
}

static int parse_nexthops(struct parser *p, json_t *v, const struct route_rules *rules, struct doc_route *r)
{
	json_t *hops, *h;
	size_t j;

	hops = get_array(p, v, "nexthops", DOC_NEXTHOPS_MAX, &r->nexthop_count);
	if (hops == NULL)
		return -1;
	if (r->nexthop_count == 0)
		return fail(p, "nexthops is empty");
	json_array_foreach(hops, j, h) {
		struct doc_nexthop *n = &r->nexthops[j];
		int64_t weight;

		if (only_keys(p, h, rules->hop_keys) < 0 ||
		    get_str(p, h, "via", true, K_IPV4, n->via, sizeof(n->via)) < 0 ||
		    get_int(p, h, "weight", true, 0, 100, &weight) < 0 ||
		    get_str(p, h, "endpoint", rules->tunnel_hops_only, K_ID, n->endpoint, sizeof(n->endpoint)) < 0 ||
		    get_str(p, h, "tunnel", rules->tunnel_hops_only, K_TEXT, n->tunnel, sizeof(n->tunnel)) < 0 ||
		    get_bool(p, h, "remote", &n->remote) < 0)
			return -1;
		if ((n->endpoint[0] != '\0') != (n->tunnel[0] != '\0'))
			return fail(p, "a nexthop names both an endpoint and a tunnel, or neither");
		if (n->endpoint[0] == '\0' && n->remote)
			return fail(p, "a remote nexthop names its endpoint and tunnel");
		n->weight = (int)weight;
	}
	return 0;
}

/*
 * The "routes" array of owner[index] ("vpcs", "transit_routers", "sites") under rules into
 * *routes (allocated here, the caller's to free) / *count.
 */
static int parse_routes(struct parser *p, json_t *o, const char *owner, int index, const struct route_rules *rules,
			struct doc_route **routes, int *count)
{
	char prefix[64];
	json_t *a, *v;
	size_t i;

	at(p, owner, index, NULL);
	a = get_items(p, o, "routes", rules->max_routes, count, (void **)routes, sizeof(**routes));
	if (a == NULL)
		return -1;
	snprintf(prefix, sizeof(prefix), "%s[%d].routes", owner, index);
	json_array_foreach(a, i, v) {
		struct doc_route *r = &(*routes)[i];

		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, rules->route_keys) < 0 ||
		    get_str(p, v, "dest", true, K_CIDR, r->dest, sizeof(r->dest)) < 0 ||
		    get_route_table(p, v, rules->table, &r->table) < 0 || get_bool(p, v, "blackhole", &r->blackhole) < 0)
			return -1;
		if (r->blackhole) {
			if (!rules->blackhole_ok)
				return fail(p, "only transit router routes may be blackholes");
			if (json_object_get(v, "nexthops") != NULL)
				return fail(p, "a blackhole has no nexthops");
			continue;
		}
		if (parse_nexthops(p, v, rules, r) < 0)
			return -1;
		for (size_t k = 0; rules->unique_dest && k < i; k++)
			if (strcmp((*routes)[k].dest, r->dest) == 0)
				return fail(p, "dest %s appears twice", r->dest);
	}
	return 0;
}

/* The VPC router's policy rules: each names a table of its own that a route fills. */
static int parse_policies(struct parser *p, json_t *o, int index, struct doc_vpc *vpc)
{
	static const char *const keys[] = { "from", "to", "table", NULL };
	char prefix[48];
	json_t *a, *v;
	size_t i;

	if (json_object_get(o, "policies") == NULL)
		return 0;
	if ((a = get_items(p, o, "policies", DOC_POLICIES_MAX, &vpc->policy_count, (void **)&vpc->policies,
			   sizeof(*vpc->policies))) == NULL)
		return -1;
	snprintf(prefix, sizeof(prefix), "vpcs[%d].policies", index);
	json_array_foreach(a, i, v) {
		struct doc_policy *pol = &vpc->policies[i];
		int64_t table;
		bool routed = false;

		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, keys) < 0 || get_str(p, v, "from", true, K_CIDR, pol->from, sizeof(pol->from)) < 0 ||
		    get_str(p, v, "to", true, K_CIDR, pol->to, sizeof(pol->to)) < 0 ||
		    get_int(p, v, "table", true, DOC_PBR_TABLE_MIN, DOC_PBR_TABLE_MAX, &table) < 0)
			return -1;
		pol->table = (uint32_t)table;
		for (size_t j = 0; j < i; j++)
			if (vpc->policies[j].table == pol->table)
				return fail(p, "table %u appears twice", pol->table);
		for (int r = 0; r < vpc->route_count && !routed; r++)
			routed = vpc->routes[r].table == pol->table;
		if (!routed)
			return fail(p, "no route fills table %u", pol->table);
	}
	return 0;
}

/* A stretched link's VXLAN (members of o): its VNI and the other agent's underlay address. */
static int get_vni_peer(struct parser *p, json_t *o, uint32_t *vni, char peer[16])
{
	int64_t n;

	if (get_int(p, o, "vni", true, 1, 0xffffff, &n) < 0 || get_str(p, o, "peer", true, K_IPV4, peer, 16) < 0)
		return -1;
	*vni = (uint32_t)n;
	return 0;
}

static int parse_stretch(struct parser *p, json_t *o, uint32_t *vni, char peer[16])
{
	static const char *const keys[] = { "vni", "peer", NULL };

	return only_keys(p, o, keys) < 0 ? -1 : get_vni_peer(p, o, vni, peer);
}

/* Transit routers' stretched links ending in the VPC's vSwitches: each names one of them. */
static int parse_tr_ports(struct parser *p, json_t *o, int index, struct doc_vpc *vpc)
{
	static const char *const keys[] = { "transit_router", "attachment", "vswitch", "vni", "peer", NULL };
	char prefix[48];
	json_t *a, *v;
	size_t i;

	if (json_object_get(o, "tr_ports") == NULL)
		return 0;
	if ((a = get_items(p, o, "tr_ports", DOC_TR_PORTS_MAX, &vpc->tr_port_count, (void **)&vpc->tr_ports,
			   sizeof(*vpc->tr_ports))) == NULL)
		return -1;
	snprintf(prefix, sizeof(prefix), "vpcs[%d].tr_ports", index);
	json_array_foreach(a, i, v) {
		struct doc_tr_port *t = &vpc->tr_ports[i];
		bool known = false;

		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, keys) < 0 ||
		    get_str(p, v, "transit_router", true, K_ID, t->transit_router, sizeof(t->transit_router)) < 0 ||
		    get_str(p, v, "attachment", true, K_ID, t->attachment, sizeof(t->attachment)) < 0 ||
		    get_str(p, v, "vswitch", true, K_ID, t->vswitch, sizeof(t->vswitch)) < 0)
			return -1;
		if (get_vni_peer(p, v, &t->vni, t->peer) < 0)
			return -1;
		for (int s = 0; s < vpc->vswitch_count; s++)
			known |= strcmp(vpc->vswitches[s].id, t->vswitch) == 0;
		if (!known)
			return fail(p, "vswitch %s is not in vpc %s", t->vswitch, vpc->id);
		for (size_t k = 0; k < i; k++)
			if (strcmp(vpc->tr_ports[k].transit_router, t->transit_router) == 0 &&
			    strcmp(vpc->tr_ports[k].attachment, t->attachment) == 0 &&
			    strcmp(vpc->tr_ports[k].vswitch, t->vswitch) == 0)
				return fail(p, "port %s/%s/%s appears twice", t->transit_router, t->attachment, t->vswitch);
	}
	return 0;
}

static int parse_vpc(struct parser *p, json_t *o, int index, void *slot)
{
	static const char *const keys[] = { "id", "cidr", "vswitches", "routes", "fabric", "policies", "tr_ports", NULL };
	static const char *const vsw_keys[] = { "id", "cidr", "gateway_ip", "table", NULL };
	struct doc_vpc *vpc = slot;
	json_t *a, *v;
	size_t i;

	at(p, "vpcs", index, NULL);
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "id", true, K_ID, vpc->id, sizeof(vpc->id)) < 0 ||
	    get_str(p, o, "cidr", true, K_CIDR, vpc->cidr, sizeof(vpc->cidr)) < 0)
		return -1;
	a = get_items(p, o, "vswitches", 1024, &vpc->vswitch_count, (void **)&vpc->vswitches, sizeof(*vpc->vswitches));
	if (a == NULL)
		return -1;
	json_array_foreach(a, i, v) {
		struct doc_vswitch *s = &vpc->vswitches[i];
		char prefix[48];

		snprintf(prefix, sizeof(prefix), "vpcs[%d].vswitches", index);
		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, vsw_keys) < 0 || get_str(p, v, "id", true, K_ID, s->id, sizeof(s->id)) < 0 ||
		    get_str(p, v, "cidr", true, K_CIDR, s->cidr, sizeof(s->cidr)) < 0 ||
		    get_str(p, v, "gateway_ip", true, K_IPV4, s->gateway_ip, sizeof(s->gateway_ip)) < 0 ||
		    get_table(p, v, false, &s->table) < 0)
			return -1;
	}
	at(p, "vpcs", index, NULL);
	if (json_object_get(o, "fabric") != NULL && parse_fabric(p, json_object_get(o, "fabric"), index, vpc) < 0)
		return -1;
	if (parse_routes(p, o, "vpcs", index, &vpc_route_rules, &vpc->routes, &vpc->route_count) < 0)
		return -1;
	at(p, "vpcs", index, NULL);
	if (parse_policies(p, o, index, vpc) < 0)
		return -1;
	at(p, "vpcs", index, NULL);
	return parse_tr_ports(p, o, index, vpc);
}

static int parse_tr(struct parser *p, json_t *o, int index, void *slot)
{
	static const char *const keys[] = { "id", "links", "routes", NULL };
	static const char *const link_keys[] = { "attachment", "kind", "vpc", "vswitch", "ip", "prefix", "gateway",
						 "table", "stretch", NULL };
	struct doc_transit_router *tr = slot;
	char prefix[48], kind[8];
	json_t *a, *v;
	size_t i;

	at(p, "transit_routers", index, NULL);
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "id", true, K_ID, tr->id, sizeof(tr->id)) < 0)
		return -1;
	a = get_items(p, o, "links", 1024, &tr->link_count, (void **)&tr->links, sizeof(*tr->links));
	if (a == NULL)
		return -1;
	snprintf(prefix, sizeof(prefix), "transit_routers[%d].links", index);
	json_array_foreach(a, i, v) {
		struct doc_tr_link *l = &tr->links[i];
		int64_t len;

		at(p, prefix, (int)i, NULL);
		if (only_keys(p, v, link_keys) < 0 ||
		    get_str(p, v, "attachment", true, K_ID, l->attachment, sizeof(l->attachment)) < 0 ||
		    get_str(p, v, "kind", true, K_TEXT, kind, sizeof(kind)) < 0 ||
		    get_str(p, v, "vpc", false, K_ID, l->vpc, sizeof(l->vpc)) < 0 ||
		    get_str(p, v, "vswitch", false, K_ID, l->vswitch, sizeof(l->vswitch)) < 0 ||
		    get_str(p, v, "ip", true, K_IPV4, l->ip, sizeof(l->ip)) < 0 ||
		    get_int(p, v, "prefix", true, 1, 30, &len) < 0 ||
		    get_str(p, v, "gateway", false, K_IPV4, l->gateway, sizeof(l->gateway)) < 0 ||
		    get_table_in(p, v, false, DOC_TR_TABLE_MIN, DOC_TR_TABLE_MAX, &l->table) < 0)
			return -1;
		l->prefix = (int)len;
		if (strcmp(kind, "vpn") == 0) {
			l->kind = DOC_TR_LINK_VPN;
			if (l->vpc[0] || l->vswitch[0] || l->gateway[0])
				return fail(p, "a vpn link has no vpc, vswitch or gateway");
		} else if (strcmp(kind, "vpc") == 0) {
			l->kind = DOC_TR_LINK_VPC;
			if (!l->vpc[0] || !l->vswitch[0] || !l->gateway[0])
				return fail(p, "a vpc link names its vpc, vswitch and gateway");
		} else {
			return fail(p, "kind must be vpn or vpc");
		}
		if (json_object_get(v, "stretch") != NULL) {
			json_t *st = json_object_get(v, "stretch");

			if (l->kind != DOC_TR_LINK_VPC)
				return fail(p, "only a vpc link is stretched");
			at(p, prefix, (int)i, "stretch");
			if (parse_stretch(p, st, &l->stretch_vni, l->stretch_peer) < 0)
				return -1;
			at(p, prefix, (int)i, NULL);
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(tr->links[k].attachment, l->attachment) == 0 &&
			    strcmp(tr->links[k].vswitch, l->vswitch) == 0)
				return fail(p, "link %s%s%s appears twice", l->attachment, l->vswitch[0] ? "/" : "", l->vswitch);
	}
	return parse_routes(p, o, "transit_routers", index, &tr_route_rules, &tr->routes, &tr->route_count);
}

/* One site: its LAN, its router's address and the router's routes toward the cloud. */
static int parse_site(struct parser *p, json_t *o, int index, void *slot)
{
	static const char *const keys[] = { "id", "lan_cidr", "router_ip", "routes", NULL };
	struct doc_site *site = slot;

	at(p, "sites", index, NULL);
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "id", true, K_ID, site->id, sizeof(site->id)) < 0 ||
	    get_str(p, o, "lan_cidr", true, K_CIDR, site->lan_cidr, sizeof(site->lan_cidr)) < 0 ||
	    get_str(p, o, "router_ip", false, K_IPV4, site->router_ip, sizeof(site->router_ip)) < 0)
		return -1;
	if (json_object_get(o, "routes") == NULL)
		return 0;
	if (site->router_ip[0] == '\0')
		return fail(p, "routes need a router_ip");
	return parse_routes(p, o, "sites", index, &site_route_rules, &site->routes, &site->route_count);
}

/* A site route's hops are devices of that site, each hop's tunnel one of its device's. */
static int check_site_routes(struct parser *p, const struct doc_desired *d, int index)
{
	const struct doc_site *s = &d->sites[index];
	char prefix[48];

	snprintf(prefix, sizeof(prefix), "sites[%d].routes", index);
	for (int r = 0; r < s->route_count; r++)
		for (int h = 0; h < s->routes[r].nexthop_count; h++) {
			const struct doc_nexthop *n = &s->routes[r].nexthops[h];
			const struct doc_endpoint *e = doc_find_endpoint(d, n->endpoint);

			at(p, prefix, r, "nexthops");
			if (e == NULL || e->kind != DOC_EP_SITE_DEVICE || strcmp(e->lan.site, s->id) != 0)
				return fail(p, "endpoint %s is no device of site %s", n->endpoint, s->id);
			if (strcmp(e->lan.ip, n->via) != 0)
				return fail(p, "via %s is not device %s's LAN address", n->via, n->endpoint);
			if (doc_find_tunnel(e, n->tunnel) == NULL)
				return fail(p, "endpoint %s has no tunnel %s", n->endpoint, n->tunnel);
		}
	return 0;
}

static const struct doc_vpc *find_vpc(const struct doc_desired *d, const char *id)
{
	for (int i = 0; i < d->vpc_count; i++)
		if (strcmp(d->vpcs[i].id, id) == 0)
			return &d->vpcs[i];
	return NULL;
}

static bool has_site(const struct doc_desired *d, const char *id)
{
	for (int i = 0; i < d->site_count; i++)
		if (strcmp(d->sites[i].id, id) == 0)
			return true;
	return false;
}

static int check_lan_ref(struct parser *p, const struct doc_desired *d, const struct doc_lan *lan)
{
	const struct doc_vpc *vpc;

	if (lan->transit_router[0] != '\0') {
		const struct doc_transit_router *tr = doc_find_tr(d, lan->transit_router);

		if (tr == NULL)
			return fail(p, "transit_router %s is not in the document", lan->transit_router);
		if (doc_find_tr_link(tr, lan->link, "") == NULL)
			return fail(p, "transit_router %s has no vpn link %s", lan->transit_router, lan->link);
		return 0;
	}
	if (lan->site[0] != '\0')
		return has_site(d, lan->site) ? 0 : fail(p, "site %s is not in the document", lan->site);
	vpc = find_vpc(d, lan->vpc);
	if (vpc == NULL)
		return fail(p, "vpc %s is not in the document", lan->vpc);
	for (int i = 0; i < vpc->vswitch_count; i++)
		if (strcmp(vpc->vswitches[i].id, lan->vswitch) == 0)
			return 0;
	return fail(p, "vswitch %s is not in vpc %s", lan->vswitch, lan->vpc);
}

/* A route's hops name tunnels of endpoints in the document (remote ones: fabric peers). */
static int check_hops(struct parser *p, const struct doc_desired *d, const struct doc_vpc *vpc, const char *owner,
		      int index, const struct doc_route *routes, int route_count)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s[%d].routes", owner, index);
	for (int r = 0; r < route_count; r++)
		for (int h = 0; h < routes[r].nexthop_count; h++) {
			const struct doc_nexthop *n = &routes[r].nexthops[h];
			const struct doc_endpoint *e;

			at(p, prefix, r, "nexthops");
			if (n->endpoint[0] == '\0')
				continue;
			if (n->remote) {
				/* the endpoint is another agent's: reached through its fabric peer */
				if (vpc == NULL || doc_find_fabric_peer(vpc, n->via) == NULL)
					return fail(p, "remote hop via %s is no fabric peer", n->via);
				continue;
			}
			if ((e = doc_find_endpoint(d, n->endpoint)) == NULL)
				return fail(p, "endpoint %s is not in the document", n->endpoint);
			if (doc_find_tunnel(e, n->tunnel) == NULL)
				return fail(p, "endpoint %s has no tunnel %s", n->endpoint, n->tunnel);
		}
	return 0;
}

/* Records vni in seen[*count]; -1 (error at where[idx].member) when it is there already. */
static int vni_once(struct parser *p, uint32_t *seen, int *count, uint32_t vni, const char *where, int idx,
		    const char *member)
{
	for (int k = 0; k < *count; k++)
		if (seen[k] == vni) {
			at(p, where, idx, member);
			return fail(p, "VNI %u is used twice", (unsigned)vni);
		}
	seen[(*count)++] = vni;
	return 0;
}

/*
 * Every VXLAN the document makes shares the agent's UDP socket, where a VNI can be had once:
 * a stretched link's (either end) must be no other stretched link's, nor the underlay's or
 * a VPC fabric's.  (Fabric VNIs are hashes the kernel alone arbitrates, as before stretched
 * links: a clash there fails that VPC's fabric, not the whole document.)
 */
static int check_vnis(struct parser *p, const struct doc_desired *d)
{
	size_t total = 1;
	uint32_t *seen;
	int count = 0, rc = 0;

	for (int i = 0; i < d->vpc_count; i++)
		total += 1 + (size_t)d->vpcs[i].tr_port_count;
	for (int i = 0; i < d->tr_count; i++)
		total += (size_t)d->trs[i].link_count;
	if ((seen = calloc(total, sizeof(*seen))) == NULL)
		return fail(p, "out of memory");
	seen[count++] = d->underlay_vni;
	for (int i = 0; i < d->vpc_count; i++)
		if (d->vpcs[i].has_fabric)
			seen[count++] = d->vpcs[i].fabric.vni;
	for (int i = 0; i < d->vpc_count && rc == 0; i++)
		for (int j = 0; j < d->vpcs[i].tr_port_count && rc == 0; j++)
			rc = vni_once(p, seen, &count, d->vpcs[i].tr_ports[j].vni, "vpcs", i, "tr_ports");
	for (int i = 0; i < d->tr_count && rc == 0; i++)
		for (int j = 0; j < d->trs[i].link_count && rc == 0; j++)
			if (d->trs[i].links[j].stretch_vni != 0)
				rc = vni_once(p, seen, &count, d->trs[i].links[j].stretch_vni, "transit_routers", i,
					      "links");
	free(seen);
	return rc;
}

/* References must resolve and ids be unique, so the agent can build without guessing. */
static int check_references(struct parser *p, const struct doc_desired *d)
{
	for (int i = 0; i < d->tr_count; i++) {
		const struct doc_transit_router *tr = &d->trs[i];

		for (int j = 0; j < i; j++)
			if (strcmp(tr->id, d->trs[j].id) == 0)
				return at(p, "transit_routers", i, "id"), fail(p, "%s appears twice", tr->id);
		for (int j = 0; j < d->vpc_count; j++)
			if (strcmp(tr->id, d->vpcs[j].id) == 0)
				return at(p, "transit_routers", i, "id"), fail(p, "%s is also a vpc", tr->id);
		for (int l = 0; l < tr->link_count; l++) {
			const struct doc_tr_link *link = &tr->links[l];
			char prefix[48];

			snprintf(prefix, sizeof(prefix), "transit_routers[%d].links", i);
			at(p, prefix, l, NULL);
			/* a stretched link's VPC router is another agent's */
			if (link->kind == DOC_TR_LINK_VPC && link->stretch_vni == 0) {
				struct doc_lan lan = { 0 };

				snprintf(lan.vpc, sizeof(lan.vpc), "%s", link->vpc);
				snprintf(lan.vswitch, sizeof(lan.vswitch), "%s", link->vswitch);
				if (check_lan_ref(p, d, &lan) < 0)
					return -1;
			}
		}
		if (check_hops(p, d, NULL, "transit_routers", i, tr->routes, tr->route_count) < 0)
			return -1;
	}
	for (int i = 0; i < d->vpc_count; i++) {
		for (int j = 0; j < i; j++)
			if (strcmp(d->vpcs[i].id, d->vpcs[j].id) == 0)
				return at(p, "vpcs", i, "id"), fail(p, "%s appears twice", d->vpcs[i].id);
		if (check_hops(p, d, &d->vpcs[i], "vpcs", i, d->vpcs[i].routes, d->vpcs[i].route_count) < 0)
			return -1;
	}
	for (int i = 0; i < d->site_count; i++) {
		for (int j = 0; j < i; j++)
			if (strcmp(d->sites[i].id, d->sites[j].id) == 0)
				return at(p, "sites", i, "id"), fail(p, "%s appears twice", d->sites[i].id);
		if (check_site_routes(p, d, i) < 0)
			return -1;
	}
	for (int i = 0; i < d->endpoint_count; i++) {
		at(p, "endpoints", i, "lan");
		if (check_lan_ref(p, d, &d->endpoints[i].lan) < 0)
			return -1;
		for (int j = 0; j < i; j++)
			if (strcmp(d->endpoints[i].id, d->endpoints[j].id) == 0)
				return at(p, "endpoints", i, "id"), fail(p, "%s appears twice", d->endpoints[i].id);
	}
	for (int i = 0; i < d->host_count; i++) {
		at(p, "hosts", i, "lan");
		if (check_lan_ref(p, d, &d->hosts[i].lan) < 0)
			return -1;
		for (int j = 0; j < i; j++)
			if (strcmp(d->hosts[i].id, d->hosts[j].id) == 0)
				return at(p, "hosts", i, "id"), fail(p, "%s appears twice", d->hosts[i].id);
	}
	return check_vnis(p, d);
}

static int parse_host(struct parser *p, json_t *o, int index, void *slot)
{
	static const char *const keys[] = { "id", "lan", NULL };
	struct doc_host *host = slot;

	at(p, "hosts", index, NULL);
	if (only_keys(p, o, keys) < 0 || get_str(p, o, "id", true, K_ID, host->id, sizeof(host->id)) < 0)
		return -1;
	at(p, "hosts", index, "lan");
	return parse_lan(p, json_object_get(o, "lan"), &host->lan);
}

/*
 * Parses root's top-level array key (at most max items; when optional, an absent key is an empty
 * array) into *items, count elements of size bytes each, one parse_item call per element.  *items
 * is calloc'd with one spare element and set before any element is parsed, so that doc_free frees
 * what a failure leaves half-filled.
 */
static int parse_top_array(struct parser *p, json_t *root, const char *key, size_t max, bool optional, void **items,
			   int *count, size_t size, int (*parse_item)(struct parser *p, json_t *o, int index, void *slot))
{
	json_t *a = NULL, *v;
	size_t i;

	p->path[0] = '\0';
	if ((!optional || json_object_get(root, key) != NULL) && (a = get_array(p, root, key, max, count)) == NULL)
		return -1;
	if ((*items = calloc((size_t)*count + 1, size)) == NULL)
		return -1;
	json_array_foreach(a, i, v)
		if (parse_item(p, v, (int)i, (char *)*items + i * size) < 0)
			return -1;
	return 0;
}

int doc_parse(json_t *root, struct doc_desired *out, char *err)
{
	static const char *const keys[] = { "version", "generation", "agent_id", "underlay", "vpcs",
					    "transit_routers", "endpoints", "sites", "hosts", NULL };
	static const char *const ul_keys[] = { "vni", "peers", NULL };
	struct parser p = { .err = err };
	int64_t version, vni;
	json_t *a, *v, *ul;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (only_keys(&p, root, keys) < 0 || get_int(&p, root, "version", true, DOC_VERSION, DOC_VERSION, &version) < 0 ||
	    get_int(&p, root, "generation", true, 1, INT64_MAX, &out->generation) < 0 ||
	    get_str(&p, root, "agent_id", true, K_ID, out->agent_id, sizeof(out->agent_id)) < 0)
		goto fail;
	ul = json_object_get(root, "underlay");
	at(&p, "underlay", -1, NULL);
	if (only_keys(&p, ul, ul_keys) < 0 || get_int(&p, ul, "vni", true, 1, 16777215, &vni) < 0)
		goto fail;
	out->underlay_vni = (uint32_t)vni;
	a = get_array(&p, ul, "peers", 256, &out->peer_count);
	if (a == NULL)
		goto fail;
	out->peers = calloc((size_t)out->peer_count + 1, sizeof(*out->peers));
	if (out->peers == NULL)
		goto fail;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || !valid_ipv4(json_string_value(v))) {
			fail(&p, "peers[%zu] is not an IPv4 address", i);
			goto fail;
		}
		snprintf(out->peers[i], 16, "%s", json_string_value(v));
	}

	if (parse_top_array(&p, root, "vpcs", 100000, false, (void **)&out->vpcs, &out->vpc_count, sizeof(*out->vpcs),
			    parse_vpc) < 0 ||
	    /* optional: a document without transit routers (older servers) has none */
	    parse_top_array(&p, root, "transit_routers", 10000, true, (void **)&out->trs, &out->tr_count,
			    sizeof(*out->trs), parse_tr) < 0 ||
	    parse_top_array(&p, root, "endpoints", 100000, false, (void **)&out->endpoints, &out->endpoint_count,
			    sizeof(*out->endpoints), parse_endpoint) < 0 ||
	    parse_top_array(&p, root, "sites", 100000, false, (void **)&out->sites, &out->site_count,
			    sizeof(*out->sites), parse_site) < 0 ||
	    parse_top_array(&p, root, "hosts", 100000, false, (void **)&out->hosts, &out->host_count,
			    sizeof(*out->hosts), parse_host) < 0)
		goto fail;
	if (check_references(&p, out) < 0)
		goto fail;
	return 0;
fail:
	if (err != NULL && err[0] == '\0')
		snprintf(err, DOC_ERR_MAX, "out of memory");
	doc_free(out);
	return -1;
}

int doc_parse_text(const char *text, size_t len, struct doc_desired *out, char *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc;

	memset(out, 0, sizeof(*out));
	if (root == NULL) {
		if (err != NULL)
			snprintf(err, DOC_ERR_MAX, "not JSON: %s (line %d)", jerr.text, jerr.line);
		return -1;
	}
	rc = doc_parse(root, out, err);
	json_decref(root);
	return rc;
}

void doc_free(struct doc_desired *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < d->vpc_count && d->vpcs != NULL; i++) {
		free(d->vpcs[i].vswitches);
		free(d->vpcs[i].routes);
		free(d->vpcs[i].policies);
		free(d->vpcs[i].tr_ports);
		for (int j = 0; j < d->vpcs[i].fabric.peer_count && d->vpcs[i].fabric.peers != NULL; j++)
			free(d->vpcs[i].fabric.peers[j].cidrs);
		free(d->vpcs[i].fabric.peers);
	}
	for (int i = 0; i < d->endpoint_count && d->endpoints != NULL; i++) {
		free(d->endpoints[i].tunnels);
	}
	for (int i = 0; i < d->tr_count && d->trs != NULL; i++) {
		free(d->trs[i].links);
		free(d->trs[i].routes);
	}
	free(d->trs);
	for (int i = 0; i < d->site_count && d->sites != NULL; i++)
		free(d->sites[i].routes);
	free(d->vpcs);
	free(d->endpoints);
	free(d->sites);
	free(d->hosts);
	free(d->peers);
	memset(d, 0, sizeof(*d));
}

/* Each top-level object starts with its id, so one search serves them all. */
_Static_assert(offsetof(struct doc_vpc, id) == 0 && offsetof(struct doc_transit_router, id) == 0 &&
		       offsetof(struct doc_endpoint, id) == 0 && offsetof(struct doc_site, id) == 0 &&
		       offsetof(struct doc_host, id) == 0,
	       "doc_find_id reads the id at the start of each element");

const void *doc_find_id(const void *array, int count, size_t size, const char *id)
{
	for (int i = 0; i < count; i++) {
		const char *element = (const char *)array + (size_t)i * size;

		if (strcmp(element, id) == 0)
			return element;
	}
	return NULL;
}

const struct doc_vpc *doc_find_vpc(const struct doc_desired *d, const char *id)
{
	return doc_find_id(d->vpcs, d->vpc_count, sizeof(*d->vpcs), id);
}

const struct doc_transit_router *doc_find_tr(const struct doc_desired *d, const char *id)
{
	return doc_find_id(d->trs, d->tr_count, sizeof(*d->trs), id);
}

const struct doc_endpoint *doc_find_endpoint(const struct doc_desired *d, const char *id)
{
	return doc_find_id(d->endpoints, d->endpoint_count, sizeof(*d->endpoints), id);
}

const struct doc_site *doc_find_site(const struct doc_desired *d, const char *id)
{
	return doc_find_id(d->sites, d->site_count, sizeof(*d->sites), id);
}

const struct doc_host *doc_find_host(const struct doc_desired *d, const char *id)
{
	return doc_find_id(d->hosts, d->host_count, sizeof(*d->hosts), id);
}

const struct doc_tr_link *doc_find_tr_link(const struct doc_transit_router *tr, const char *attachment,
					   const char *vswitch)
{
	for (int i = 0; i < tr->link_count; i++)
		if (strcmp(tr->links[i].attachment, attachment) == 0 && strcmp(tr->links[i].vswitch, vswitch) == 0)
			return &tr->links[i];
	return NULL;
}

const struct doc_fabric_peer *doc_find_fabric_peer(const struct doc_vpc *vpc, const char *ip)
{
	for (int i = 0; vpc->has_fabric && i < vpc->fabric.peer_count; i++)
		if (strcmp(vpc->fabric.peers[i].ip, ip) == 0)
			return &vpc->fabric.peers[i];
	return NULL;
}

const struct doc_tunnel *doc_find_tunnel(const struct doc_endpoint *e, const char *name)
{
	for (int i = 0; i < e->tunnel_count; i++)
		if (strcmp(e->tunnels[i].name, name) == 0)
			return &e->tunnels[i];
	return NULL;
}

const char *doc_role_name(enum doc_tunnel_role r)
{
	return r == DOC_ROLE_MASTER ? "master" : r == DOC_ROLE_SLAVE ? "slave" : "single";
}

const char *doc_endpoint_kind_name(enum doc_endpoint_kind k)
{
	return k == DOC_EP_GATEWAY ? "gateway" : "site_device";
}

void doc_vpc_free(struct doc_vpc *v)
{
	for (int i = 0; i < v->fabric.peer_count && v->fabric.peers != NULL; i++)
		free(v->fabric.peers[i].cidrs);
	free(v->fabric.peers);
	free(v->vswitches);
	free(v->routes);
	free(v->policies);
	free(v->tr_ports);
	memset(v, 0, sizeof(*v));
}

void doc_endpoint_free(struct doc_endpoint *e)
{
	free(e->tunnels);
	memset(e, 0, sizeof(*e));
}

static void *dup_array(const void *src, int count, size_t size)
{
	void *p = calloc((size_t)count + 1, size);

	if (p != NULL && count > 0)
		memcpy(p, src, (size_t)count * size);
	return p;
}

int doc_vpc_copy(struct doc_vpc *dst, const struct doc_vpc *src)
{
	bool ok;

	*dst = *src;
	dst->fabric.peers = NULL;
	dst->vswitches = dup_array(src->vswitches, src->vswitch_count, sizeof(*src->vswitches));
	dst->routes = dup_array(src->routes, src->route_count, sizeof(*src->routes));
	dst->policies = dup_array(src->policies, src->policy_count, sizeof(*src->policies));
	dst->tr_ports = dup_array(src->tr_ports, src->tr_port_count, sizeof(*src->tr_ports));
	ok = dst->vswitches != NULL && dst->routes != NULL && dst->policies != NULL && dst->tr_ports != NULL;
	/* the fabric's peers too: a record must outlive the document it was copied from */
	if (ok && src->fabric.peers != NULL) {
		dst->fabric.peers = dup_array(src->fabric.peers, src->fabric.peer_count, sizeof(*src->fabric.peers));
		if (dst->fabric.peers == NULL) {
			dst->fabric.peer_count = 0;
			ok = false;
		}
		for (int i = 0; ok && i < src->fabric.peer_count; i++)
			dst->fabric.peers[i].cidrs = NULL;
		for (int i = 0; ok && i < src->fabric.peer_count; i++) {
			const struct doc_fabric_peer *p = &src->fabric.peers[i];

			dst->fabric.peers[i].cidrs = dup_array(p->cidrs, p->cidr_count, sizeof(*p->cidrs));
			ok = dst->fabric.peers[i].cidrs != NULL;
		}
	}
	if (!ok) {
		doc_vpc_free(dst);
		return -1;
	}
	return 0;
}

void doc_tr_free(struct doc_transit_router *t)
{
	free(t->links);
	free(t->routes);
	memset(t, 0, sizeof(*t));
}

int doc_tr_copy(struct doc_transit_router *dst, const struct doc_transit_router *src)
{
	*dst = *src;
	dst->links = dup_array(src->links, src->link_count, sizeof(*src->links));
	dst->routes = dup_array(src->routes, src->route_count, sizeof(*src->routes));
	if (dst->links == NULL || dst->routes == NULL) {
		doc_tr_free(dst);
		return -1;
	}
	return 0;
}

int doc_endpoint_copy(struct doc_endpoint *dst, const struct doc_endpoint *src)
{
	*dst = *src;
	dst->tunnels = dup_array(src->tunnels, src->tunnel_count, sizeof(*src->tunnels));
	if (dst->tunnels == NULL) {
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	return 0;
}

void doc_site_free(struct doc_site *s)
{
	free(s->routes);
	memset(s, 0, sizeof(*s));
}

int doc_site_copy(struct doc_site *dst, const struct doc_site *src)
{
	*dst = *src;
	dst->routes = dup_array(src->routes, src->route_count, sizeof(*src->routes));
	if (dst->routes == NULL) {
		memset(dst, 0, sizeof(*dst));
		return -1;
	}
	return 0;
}

const struct doc_health_check *doc_tunnel_check(const struct doc_tunnel *t)
{
	if (t->health_check.enable)
		return &t->health_check;
	return t->liveness.enable ? &t->liveness : NULL;
}
