/* Data-plane agents: the registry and the intake of status reports (api-docs/agent-protocol.md). */
#include "agent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "cidr.h"
#include "ids.h"
#include "json_fields.h"
#include "query.h"
#include "row_read.h"
#include "vpn_connection.h"
#include "vpn_connection_log.h"

#define AGENT_COLUMNS                                                                                     \
	"agent_id, zones, roles, underlay_ip, url, backend, backend_reason, version, registered_ms, "    \
	"last_seen_ms, generation, applied_generation, doc_hash, backend_usable, backend_error, zone_index, "      \
	"silent_since_ms"

#define VERSION_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+_~-"

/* Largest generation accepted from an agent: what a JSON double holds exactly. */
#define GENERATION_MAX 9007199254740991LL

/* ---- checks ---- */

/* The ids the desired-state document accepts: 1-63 of [A-Za-z0-9._-]. */
static bool valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= 63 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

static bool valid_agent_id(const char *s)
{
	return valid_id(s) && strncmp(s, "agt-", 4) == 0 && s[4] != '\0';
}

static bool in_list(const char *value, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, value) == 0)
			return true;
	return false;
}

/*
 * http://HOST[:PORT][/PATH] or https://…: HOST a name or IPv4 address, PORT 1-65535, no
 * user info, query or fragment, nothing a shell or a header could misread.
 */
static bool valid_url(const char *url)
{
	const char *p, *host_end;
	size_t n = url ? strlen(url) : 0;

	if (n == 0 || n > AGENT_URL_MAX)
		return false;
	if (strncmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return false;
	host_end = p + strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (host_end == p || *p == '.' || *p == '-')
		return false;
	if (*host_end == ':') {
		char *end = NULL;
		long port;

		if (host_end[1] < '0' || host_end[1] > '9')
			return false;
		port = strtol(host_end + 1, &end, 10);
		if (port < 1 || port > 65535 || end - host_end > 6)
			return false;
		p = end;
	} else {
		p = host_end;
	}
	if (*p == '\0')
		return true;
	if (*p != '/')
		return false;
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._~-") == strlen(p);
}

static bool zone_known(const struct catalog *cat, const char *zone)
{
	if (cat == NULL) /* no catalogue to check against (tests): the id rule only */
		return true;
	for (int r = 0; r < cat->region_count; r++)
		if (catalog_zone(&cat->regions[r], zone))
			return true;
	return false;
}

/* Zones: a JSON array of distinct catalogue zones (text); writes them comma-separated. */
static int parse_zones(struct model_ctx *m, const char *text, char *out, size_t size, struct vl_err *err)
{
	json_t *zones = text ? json_loads(text, JSON_DECODE_ANY, NULL) : json_array();
	json_t *item;
	size_t i;
	int rc = -1;

	out[0] = '\0';
	if (!json_is_array(zones) || json_array_size(zones) > AGENT_ZONES_MAX)
		goto bad;
	json_array_foreach(zones, i, item) {
		const char *zone = json_string_value(item);
		size_t len = strlen(out);

		if (!valid_id(zone) || !zone_known(m->cfg ? m->cfg->catalog : NULL, zone))
			goto bad;
		for (size_t j = 0; j < i; j++)
			if (strcmp(json_string_value(json_array_get(zones, j)), zone) == 0)
				goto bad;
		if (len + strlen(zone) + 2 > size)
			goto bad;
		snprintf(out + len, size - len, "%s%s", len ? "," : "", zone);
	}
	rc = 0;
	goto out;
bad:
	vl_err_invalid(err, "Zones");
out:
	json_decref(zones);
	return rc;
}

/* Roles: a JSON array of "cloud" and/or "site" (text); writes cloud, site or cloud,site. */
static int parse_roles(const char *text, char *out, size_t size, struct vl_err *err)
{
	json_t *roles = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	bool cloud = false, site = false;
	json_t *item;
	size_t i;
	int rc = -1;

	if (!json_is_array(roles) || json_array_size(roles) == 0)
		goto out;
	json_array_foreach(roles, i, item) {
		const char *role = json_string_value(item);

		if (role && strcmp(role, "cloud") == 0 && !cloud)
			cloud = true;
		else if (role && strcmp(role, "site") == 0 && !site)
			site = true;
		else
			goto out;
	}
	snprintf(out, size, "%s", cloud && site ? "cloud,site" : cloud ? "cloud" : "site");
	rc = 0;
out:
	json_decref(roles);
	return rc < 0 ? vl_err_invalid(err, "Roles") : 0;
}

/* Free text of an agent (BackendReason): at most max bytes, no control characters. */
static bool valid_text(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* ---- rows ---- */

static void row_to_agent(struct store_stmt *stmt, struct agent *a)
{
	int col = row_read_columns_at(stmt, 0, ROW_COLUMNS(ROW_TEXT(a->agent_id), ROW_TEXT(a->zones),
			ROW_TEXT(a->roles), ROW_TEXT(a->underlay_ip), ROW_TEXT(a->url), ROW_TEXT(a->backend),
			ROW_TEXT(a->backend_reason), ROW_TEXT(a->version), ROW_INT64(a->registered_ms),
			ROW_INT64(a->last_seen_ms), ROW_INT64(a->generation), ROW_INT64(a->applied_generation),
			ROW_TEXT(a->doc_hash), ROW_BOOL(a->backend_usable), ROW_TEXT(a->backend_error)));
	a->zone_index = (int)stmt_int64(stmt, col++);
	a->silent_since_ms = stmt_int64(stmt, col++);
}

static void fill_agent(struct store_stmt *stmt, void *row)
{
	row_to_agent(stmt, row);
}

/* Runs sql (no rows) with ?1 = a. */
static int exec1(struct model_ctx *m, const char *sql, const char *a, struct vl_err *err)
{
	return model_run(m, sql, MODEL_ARGS(MODEL_TEXT(a)), err);
}

int agent_get(struct model_ctx *m, const char *agent_id, struct agent *out, struct vl_err *err)
{
	enum store_step_result r;

	if (text_empty(agent_id))
		return vl_err_set(err, VL_AGENT_NOT_FOUND, NULL);
	r = model_step_once(m->store, "SELECT " AGENT_COLUMNS " FROM agents WHERE agent_id=?",
			    MODEL_ARGS(MODEL_TEXT(agent_id)), fill_agent, out);
	if (r == STORE_DONE)
		return vl_err_set(err, VL_AGENT_NOT_FOUND, NULL);
	return r == STORE_ROW ? 0 : model_store_error(m, err);
}

int agent_list(struct model_ctx *m, const char *agent_id, struct agent **out, int *count, struct vl_err *err)
{
	return model_collect(m,
			     agent_id ? "SELECT " AGENT_COLUMNS " FROM agents WHERE agent_id=? ORDER BY agent_id"
				      : "SELECT " AGENT_COLUMNS " FROM agents ORDER BY agent_id",
			     agent_id, sizeof(**out), fill_agent, (void **)out, count, err);
}

/* A comma-separated column as a JSON array of strings. */
static json_t *split_json(const char *text)
{
	json_t *list = json_array();

	while (text && *text) {
		size_t n = strcspn(text, ",");

		json_array_append_new(list, json_stringn(text, n));
		text += n;
		if (*text == ',')
			text++;
	}
	return list;
}

json_t *agent_to_json(struct model_ctx *m, const struct agent *a)
{
	json_t *o = json_object();
	char registered[40], seen[40];

	model_format_time(a->registered_ms, registered, sizeof(registered));
	model_format_time(a->last_seen_ms, seen, sizeof(seen));
	json_put_str(o, "AgentId", a->agent_id);
	json_object_set_new_nocheck(o, "Zones", split_json(a->zones));
	json_put_int(o, "ZoneIndex", a->zone_index);
	json_object_set_new_nocheck(o, "Roles", split_json(a->roles));
	json_put_fields(o, JSON_FIELDS(JSON_TEXT("UnderlayIp", a->underlay_ip), JSON_TEXT("Url", a->url),
			JSON_TEXT("Backend", a->backend), JSON_TEXT("BackendReason", a->backend_reason),
			JSON_BOOL("BackendUsable", a->backend_usable),
			JSON_TEXT("BackendError", a->backend_error), JSON_TEXT("Version", a->version),
			JSON_TEXT("RegisteredTime", registered), JSON_TEXT("LastSeenTime", seen),
			JSON_INT("LastSeenMs", a->last_seen_ms), JSON_INT("Generation", a->generation),
			JSON_INT("AppliedGeneration", a->applied_generation),
			JSON_BOOL("Online", m->now_ms - a->last_seen_ms <= AGENT_ONLINE_MS),
			JSON_BOOL("Silent", a->silent_since_ms != 0)));
	return o;
}

/* ---- registry ---- */

int agent_register(struct model_ctx *m, const struct agent_register_args *args, char *agent_id_out,
		   struct vl_err *err)
{
	static const char *const backends[] = { "", "kernel-libipsec", "kernel-netlink", NULL };
	char zones[sizeof(((struct agent *)0)->zones)], roles[16], id[64];
	struct agent known;
	struct vl_err lookup;
	uint32_t ip;
	bool exists;

	if (args->agent_id && !valid_agent_id(args->agent_id))
		return vl_err_invalid(err, "AgentId");
	if (parse_zones(m, args->zones, zones, sizeof(zones), err) < 0 ||
	    parse_roles(args->roles, roles, sizeof(roles), err) < 0)
		return -1;
	if (text_empty(args->underlay_ip) || !ipv4_parse(args->underlay_ip, &ip) || ip == 0)
		return vl_err_invalid(err, "UnderlayIp");
	if (!valid_url(args->url))
		return vl_err_invalid(err, "Url");
	if (!in_list(args->backend ? args->backend : "", backends))
		return vl_err_invalid(err, "Backend");
	if (args->backend_reason && !valid_text(args->backend_reason, 256))
		return vl_err_invalid(err, "BackendReason");
	/* an unusable backend must say why; a usable one has nothing to say */
	if (args->backend_error && (!valid_text(args->backend_error, AGENT_BACKEND_ERROR_MAX) ||
				    (!args->backend_unusable && args->backend_error[0] != '\0')))
		return vl_err_invalid(err, "BackendError");
	if (args->backend_unusable && text_empty(args->backend_error))
		return vl_err_set_code(err, VL_MISSING_PARAMETER, "MissingBackendError",
				       "BackendError is mandatory when BackendUsable is false.");
	if (args->version &&
	    (strlen(args->version) > 32 || strspn(args->version, VERSION_CHARS) != strlen(args->version)))
		return vl_err_invalid(err, "Version");
	if (args->applied_generation < 0 || args->applied_generation > GENERATION_MAX)
		return vl_err_invalid(err, "AppliedGeneration");
	if (args->zone_index < 0 || args->zone_index > AGENT_ZONE_INDEX_MAX)
		return vl_err_invalid(err, "ZoneIndex");

	exists = args->agent_id && agent_get(m, args->agent_id, &known, &lookup) == 0;
	if (args->agent_id && !exists && lookup.code != VL_AGENT_NOT_FOUND) {
		*err = lookup;
		return -1;
	}
	if (args->agent_id)
		model_copy(id, sizeof(id), args->agent_id);
	else
		ids_new(id, sizeof(id), "agt", NULL);
	/*
	 * The document hash is reset either way: the pusher then compiles a new generation,
	 * above what the agent applied (it may come from before the server lost its state).
	 */
	{
		static const char update_sql[] =
			"UPDATE agents SET zones=?, roles=?, underlay_ip=?, url=?, backend=?, backend_reason=?, "
			"backend_usable=?, backend_error=?, version=?, last_seen_ms=?, applied_generation=?, "
			"generation=MAX(generation, ?), zone_index=?, doc_hash='', silent_since_ms=0 WHERE agent_id=?";
		static const char insert_sql[] =
			"INSERT INTO agents (zones, roles, underlay_ip, url, backend, backend_reason, backend_usable, "
			"backend_error, version, last_seen_ms, applied_generation, generation, zone_index, agent_id, "
			"registered_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
		/* the same values either way; a new agent's row adds its registration time */
		const struct model_arg values[] = {
			MODEL_TEXT(zones), MODEL_TEXT(roles), MODEL_TEXT(args->underlay_ip), MODEL_TEXT(args->url),
			MODEL_TEXT(args->backend ? args->backend : ""),
			MODEL_TEXT(args->backend_reason ? args->backend_reason : ""),
			MODEL_INT(!args->backend_unusable),
			MODEL_TEXT(args->backend_error ? args->backend_error : ""),
			MODEL_TEXT(args->version ? args->version : ""), MODEL_INT(m->now_ms),
			MODEL_INT(args->applied_generation), MODEL_INT(args->applied_generation),
			MODEL_INT(args->zone_index), MODEL_TEXT(id), MODEL_INT(m->now_ms)
		};

		if (model_run(m, exists ? update_sql : insert_sql, values, exists ? 14 : 15, err) < 0)
			return -1;
	}
	model_copy(agent_id_out, 64, id);
	if (args->zone_index > 0) {
		size_t n = strlen(zones);

		snprintf(zones + n, sizeof(zones) - n, "%szone #%d of every region", n ? "," : "", args->zone_index);
	}
	model_event(m, "agent %s %s (%s, zones %s, underlay %s, backend %s)", id,
		    exists ? "connected again" : "connected", roles, *zones ? zones : "all", args->underlay_ip,
		    args->backend && *args->backend ? args->backend : "unknown");
	return 0;
}

int agent_deregister(struct model_ctx *m, const char *agent_id, struct vl_err *err)
{
	struct agent a;

	if (agent_get(m, agent_id, &a, err) < 0)
		return -1;
	if (exec1(m, "DELETE FROM dataplane_tunnels WHERE agent_id=?", a.agent_id, err) < 0)
		return -1;
	if (exec1(m, "DELETE FROM agents WHERE agent_id=?", a.agent_id, err) < 0)
		return -1;
	model_event(m, "agent %s disconnected (deregistered)", a.agent_id);
	return 0;
}

int agent_set_generation(struct model_ctx *m, const char *agent_id, int64_t expected_generation,
			 int64_t generation, const char *doc_hash, struct vl_err *err)
{
	struct agent a;
	struct vl_err lookup;

	if (agent_get(m, agent_id, &a, &lookup) < 0) {
		if (lookup.code == VL_AGENT_NOT_FOUND)
			return 0;
		*err = lookup;
		return -1;
	}
	if (a.generation != expected_generation)
		return 0;
	return model_run(m, "UPDATE agents SET generation=?, doc_hash=? WHERE agent_id=?",
			 MODEL_ARGS(MODEL_INT(generation), MODEL_TEXT(doc_hash), MODEL_TEXT(agent_id)), err) < 0
		       ? -1
		       : 1;
}

int agent_set_applied(struct model_ctx *m, const char *agent_id, int64_t generation, bool newer,
		      struct vl_err *err)
{
	if (generation < 0 || generation > GENERATION_MAX)
		return vl_err_invalid(err, "Generation");
	return model_run(m,
			 newer ? "UPDATE agents SET applied_generation=?1, doc_hash='', "
				 "generation=MAX(generation, ?1) WHERE agent_id=?2"
			       : "UPDATE agents SET applied_generation=?1 WHERE agent_id=?2",
			 MODEL_ARGS(MODEL_INT(generation), MODEL_TEXT(agent_id)), err);
}

/* ---- status reports ---- */

const char *agent_tunnel_status(const char *ike_state, const char *child_state)
{
	/* an IKE or CHILD SA being rekeyed still carries traffic */
	static const char *const ike_up[] = { "ESTABLISHED", "REKEYING", "REKEYED", NULL };
	static const char *const child_up[] = { "INSTALLED", "UPDATING", "REKEYING", "REKEYED", NULL };

	if (ike_state == NULL || !in_list(ike_state, ike_up))
		return "ike_sa_not_established";
	if (child_state == NULL || !in_list(child_state, child_up))
		return "ipsec_sa_not_established";
	return "ipsec_sa_established";
}

/* strongSwan's IKE_SA and CHILD_SA state names (vici list-sas), "" for none. */
static const char *const ike_states[] = {
	"", "CREATED", "CONNECTING", "ESTABLISHED", "PASSIVE", "REKEYING", "REKEYED", "DELETING", "DESTROYING", NULL,
};
static const char *const child_states[] = {
	"", "CREATED", "ROUTED", "INSTALLING", "INSTALLED", "UPDATING", "REKEYING", "REKEYED",
	"RETRYING", "DELETING", "DELETED", "DESTROYING", NULL,
};
static const char *const healths[] = { "", "success", "failed", NULL };
static const char *const sides[] = { "gateway", "site_device", NULL };

struct report_tunnel {
	const char *conn, *tunnel, *endpoint, *ike, *child, *health;
	bool gateway, active;
	int64_t bytes_in, bytes_out, packets_in, packets_out;
};

struct report_log {
	const char *conn, *tunnel, *line;
	bool gateway;
	int64_t time_ms;
};

/* Reads a string member: absent → fallback (NULL: required). false when wrong. */
static bool member_str(json_t *obj, const char *key, const char *fallback, const char **out)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL || json_is_null(v)) {
		*out = fallback;
		return fallback != NULL;
	}
	*out = json_string_value(v);
	return *out != NULL;
}

static bool member_count(json_t *obj, const char *key, int64_t *out)
{
	json_t *v = json_object_get(obj, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*out = json_integer_value(v);
	return true;
}

/* A TunnelId: "" or an id. */
static bool valid_tunnel_ref(const char *s)
{
	return s && (*s == '\0' || valid_id(s));
}

/* Sets err to Invalid<list>.<n>.<field> (n from 1, as flattened parameters count). */
static int invalid_item(struct vl_err *err, const char *list, size_t index, const char *field)
{
	char name[96];

	if (*field)
		snprintf(name, sizeof(name), "%s.%zu.%s", list, index + 1, field);
	else
		snprintf(name, sizeof(name), "%s.%zu", list, index + 1);
	return vl_err_invalid(err, name);
}

/* What every report item starts with: an object naming its connection and tunnel (list[i]). */
static int parse_item_ref(json_t *o, const char *list, size_t i, const char **conn, const char **tunnel,
			  struct vl_err *err)
{
	if (!json_is_object(o))
		return invalid_item(err, list, i, "");
	if (!member_str(o, "VpnConnectionId", NULL, conn) || !valid_id(*conn))
		return invalid_item(err, list, i, "VpnConnectionId");
	if (!member_str(o, "TunnelId", "", tunnel) || !valid_tunnel_ref(*tunnel))
		return invalid_item(err, list, i, "TunnelId");
	return 0;
}

static int parse_tunnel(json_t *o, size_t i, struct report_tunnel *t, struct vl_err *err)
{
	const struct {
		const char *name;
		int64_t *value;
	} counters[] = {
		{ "BytesIn", &t->bytes_in },
		{ "BytesOut", &t->bytes_out },
		{ "PacketsIn", &t->packets_in },
		{ "PacketsOut", &t->packets_out },
	};
	const char *side;
	json_t *active;

	if (parse_item_ref(o, "Tunnels", i, &t->conn, &t->tunnel, err) < 0)
		return -1;
	if (!member_str(o, "Endpoint", NULL, &t->endpoint) || !valid_id(t->endpoint))
		return invalid_item(err, "Tunnels", i, "Endpoint");
	if (!member_str(o, "Side", NULL, &side) || !in_list(side, sides))
		return invalid_item(err, "Tunnels", i, "Side");
	t->gateway = strcmp(side, "gateway") == 0;
	if (!member_str(o, "IkeState", "", &t->ike) || !in_list(t->ike, ike_states))
		return invalid_item(err, "Tunnels", i, "IkeState");
	if (!member_str(o, "ChildState", "", &t->child) || !in_list(t->child, child_states))
		return invalid_item(err, "Tunnels", i, "ChildState");
	if (!member_str(o, "Health", "", &t->health) || !in_list(t->health, healths))
		return invalid_item(err, "Tunnels", i, "Health");
	active = json_object_get(o, "Active");
	if (active && !json_is_boolean(active) && !json_is_null(active))
		return invalid_item(err, "Tunnels", i, "Active");
	t->active = json_is_true(active);
	for (size_t c = 0; c < sizeof(counters) / sizeof(counters[0]); c++)
		if (!member_count(o, counters[c].name, counters[c].value))
			return invalid_item(err, "Tunnels", i, counters[c].name);
	return 0;
}

/* The rules vpn_connection_log_append applies, checked up front so a bad line refuses the report. */
static bool valid_line(const char *line)
{
	size_t len = strlen(line);

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	return len > 0 && len <= VCO_LOG_LINE_MAX && !memchr(line, '\n', len) && !memchr(line, '\r', len);
}

static int parse_log(json_t *o, size_t i, struct report_log *l, struct vl_err *err)
{
	const char *side;
	json_t *time;

	if (parse_item_ref(o, "Logs", i, &l->conn, &l->tunnel, err) < 0)
		return -1;
	if (!member_str(o, "Side", "gateway", &side) || !in_list(side, sides))
		return invalid_item(err, "Logs", i, "Side");
	l->gateway = strcmp(side, "gateway") == 0;
	time = json_object_get(o, "TimeMs");
	if (!json_is_integer(time) || json_integer_value(time) < 0 ||
	    json_integer_value(time) > 253402300799999LL /* 9999-12-31 */)
		return invalid_item(err, "Logs", i, "TimeMs");
	l->time_ms = json_integer_value(time);
	if (!member_str(o, "Line", NULL, &l->line) || !valid_line(l->line))
		return invalid_item(err, "Logs", i, "Line");
	return 0;
}

/* Parses a JSON array parameter (text; NULL = empty) of at most max items. */
static int parse_array(const char *text, const char *name, size_t max, json_t **out, struct vl_err *err)
{
	*out = text ? json_loads(text, JSON_DECODE_ANY, NULL) : json_array();
	if (!json_is_array(*out) || json_array_size(*out) > max) {
		json_decref(*out);
		*out = NULL;
		return vl_err_invalid(err, name);
	}
	return 0;
}

/* The errors that mean "no such connection or tunnel (any more)": skipped, not refused. */
static bool is_gone(const struct vl_err *err)
{
	return err->code == VL_VCO_NOT_FOUND || err->code == VL_VCO_TUNNEL_NOT_FOUND;
}

static int upsert_tunnel(struct model_ctx *m, const char *agent_id, const struct report_tunnel *t,
			 struct vl_err *err)
{
	return model_run(m,
			 "INSERT INTO dataplane_tunnels (vpn_connection_id, tunnel_id, agent_id, endpoint, ike_state, "
			 "child_state, health, active, bytes_in, bytes_out, packets_in, packets_out, updated_ms) "
			 "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (vpn_connection_id, tunnel_id) DO UPDATE SET "
			 "agent_id=excluded.agent_id, endpoint=excluded.endpoint, ike_state=excluded.ike_state, "
			 "child_state=excluded.child_state, health=excluded.health, active=excluded.active, "
			 "bytes_in=excluded.bytes_in, bytes_out=excluded.bytes_out, packets_in=excluded.packets_in, "
			 "packets_out=excluded.packets_out, updated_ms=excluded.updated_ms",
			 MODEL_ARGS(MODEL_TEXT(t->conn), MODEL_TEXT(t->tunnel), MODEL_TEXT(agent_id),
				    MODEL_TEXT(t->endpoint), MODEL_TEXT(t->ike), MODEL_TEXT(t->child),
				    MODEL_TEXT(t->health), MODEL_INT(t->active), MODEL_INT(t->bytes_in),
				    MODEL_INT(t->bytes_out), MODEL_INT(t->packets_in), MODEL_INT(t->packets_out),
				    MODEL_INT(m->now_ms)),
			 err);
}

static int status_rank(const char *status)
{
	if (strcmp(status, "ipsec_sa_established") == 0)
		return 3;
	if (strcmp(status, "ipsec_sa_not_established") == 0)
		return 2;
	if (strcmp(status, "ike_sa_established") == 0)
		return 1;
	return 0;
}

/*
 * The connection-level views of a dual-tunnel connection: its Status is its best tunnel's,
 * and the health check succeeds while any tunnel's does.
 */
static int apply_connection_views(struct model_ctx *owner, const char *conn, bool dual, struct vl_err *err)
{
	struct vpn_connection *c = NULL;
	int64_t any_success = -1;
	int rc = -1;

	if (dual) {
		const char *best = "ike_sa_not_established";

		c = malloc(sizeof(*c));
		if (c == NULL)
			return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		if (vpn_connection_get(owner, conn, c, err) < 0)
			goto out;
		for (int i = 0; i < c->tunnel_count; i++)
			if (status_rank(c->tunnels[i].status) > status_rank(best))
				best = c->tunnels[i].status;
		if (vpn_connection_set_status(owner, conn, NULL, best, err) < 0)
			goto out;
	}
	if (model_step_once(owner->store,
			    "SELECT COALESCE(MAX(health='success'), -1) FROM dataplane_tunnels "
			    "WHERE vpn_connection_id=? AND health!=''",
			    MODEL_ARGS(MODEL_TEXT(conn)), model_fill_int64, &any_success) == STORE_FAILED) {
		model_store_error(owner, err);
		goto out;
	}
	if (any_success >= 0 &&
	    vpn_connection_set_health_status(owner, conn, any_success ? "success" : "failed", err) < 0)
		goto out;
	rc = 0;
out:
	free(c);
	return rc;
}

/*
 * Why a tunnel is not up, from the charon lines of the same report (either side): the first
 * known cause, or NULL.  Static strings.
 */
static const char *tunnel_trouble(const struct report_log *ls, size_t nl, const char *conn, const char *tunnel)
{
	static const struct {
		const char *needle, *reason;
	} causes[] = {
		{ "AUTHENTICATION_FAILED", "AUTHENTICATION_FAILED (pre-shared key or identity mismatch)" },
		{ "AUTH_FAILED", "AUTHENTICATION_FAILED (pre-shared key or identity mismatch)" },
		{ "MAC mismatched", "AUTHENTICATION_FAILED (pre-shared key mismatch)" },
		/* IKEv1: a wrong pre-shared key shows as a message the peer cannot decrypt */
		{ "integrity check failed", "AUTHENTICATION_FAILED (pre-shared key mismatch, IKEv1)" },
		{ "decryption failed", "AUTHENTICATION_FAILED (pre-shared key mismatch, IKEv1)" },
		{ "NO_PROPOSAL_CHOSEN", "NO_PROPOSAL_CHOSEN (no common IKE/IPsec algorithms)" },
		{ "TS_UNACCEPTABLE", "TS_UNACCEPTABLE (subnets do not match)" },
		{ "DPD", "DPD timeout (the peer stopped answering)" },
		{ "giving up after", "peer unreachable (retransmits timed out)" },
	};

	for (size_t c = 0; c < sizeof(causes) / sizeof(causes[0]); c++)
		for (size_t i = 0; i < nl; i++)
			if (strcmp(ls[i].conn, conn) == 0 && (*tunnel == '\0' || *ls[i].tunnel == '\0' ||
							     strcmp(ls[i].tunnel, tunnel) == 0) &&
			    strstr(ls[i].line, causes[c].needle))
				return causes[c].reason;
	return NULL;
}

/*
 * The console's news of one gateway-side tunnel: up, down (with the report's reason), a
 * failed negotiation, a failover (the tunnel that now carries the traffic).  Compares the
 * report with the row it is about to replace.
 */
static void tunnel_news(struct model_ctx *m, const char *agent_id, const struct report_tunnel *t,
			const struct report_log *ls, size_t nl)
{
	struct store_stmt *stmt = NULL;
	const char *before = "ike_sa_not_established", *now, *why;
	char name[160];
	bool known = false, was_active = false;

	if (m->cfg == NULL || m->cfg->event == NULL)
		return;
	if (model_prepare(m->store,
			  "SELECT ike_state, child_state, active FROM dataplane_tunnels "
			  "WHERE vpn_connection_id=? AND tunnel_id=?",
			  MODEL_ARGS(MODEL_TEXT(t->conn), MODEL_TEXT(t->tunnel)), &stmt) < 0)
		return;
	if (stmt_step(stmt) == STORE_ROW) {
		known = true;
		before = agent_tunnel_status(stmt_text(stmt, 0), stmt_text(stmt, 1));
		was_active = stmt_int64(stmt, 2) != 0;
	}
	stmt_release(stmt);
	snprintf(name, sizeof(name), "%s%s%s", t->conn, *t->tunnel ? " " : "", t->tunnel);
	now = agent_tunnel_status(t->ike, t->child);
	why = tunnel_trouble(ls, nl, t->conn, t->tunnel);
	if (strcmp(before, now) != 0) {
		if (strcmp(now, "ipsec_sa_established") == 0)
			model_event(m, "tunnel %s UP: IKE_SA and CHILD_SA established (agent %s)", name, agent_id);
		else if (strcmp(now, "ipsec_sa_not_established") == 0 && strcmp(before, "ike_sa_not_established") == 0)
			model_event(m, "tunnel %s: IKE_SA established, CHILD_SA not yet", name);
		else
			model_event(m, "tunnel %s DOWN: %s", name,
				    why ? why : strcmp(now, "ike_sa_not_established") == 0 ? "IKE_SA gone" : "CHILD_SA gone");
	} else if (why && strcmp(now, "ipsec_sa_established") != 0) {
		/* a negotiation that failed again: its lines come once, in one report */
		model_event(m, "tunnel %s negotiation failed: %s", name, why);
	}
	if (known && t->active && !was_active)
		model_event(m, "failover %s: traffic now on %s", t->conn, *t->tunnel ? t->tunnel : "this connection");
}

static int apply_tunnel(struct model_ctx *m, const char *agent_id, const struct report_tunnel *t,
			const struct report_log *ls, size_t nl, struct vl_err *err)
{
	char account[128], region[64];
	struct model_ctx owner = *m;
	bool dual = false;
	int found = vpn_connection_owner(m, t->conn, account, region, &dual, err);

	if (found <= 0) {
		/* the connection went: what was reported for it goes too */
		if (found == 0)
			return exec1(m, "DELETE FROM dataplane_tunnels WHERE vpn_connection_id=?", t->conn, err);
		return -1;
	}
	/* a single-tunnel connection reports with TunnelId "", a dual-tunnel one per tunnel */
	if (dual == (*t->tunnel == '\0'))
		return 0;
	owner.account = account;
	owner.region = region;
	if (vpn_connection_set_status(&owner, t->conn, dual ? t->tunnel : NULL, agent_tunnel_status(t->ike, t->child),
				      err) < 0) {
		if (is_gone(err)) {
			vl_err_clear(err);
			return 0;
		}
		return -1;
	}
	tunnel_news(&owner, agent_id, t, ls, nl);
	if (upsert_tunnel(m, agent_id, t, err) < 0)
		return -1;
	return apply_connection_views(&owner, t->conn, dual, err);
}

static int apply_log(struct model_ctx *m, const struct report_log *l, struct vl_err *err)
{
	char account[128], region[64];
	struct model_ctx owner = *m;
	bool dual = false;
	int found = vpn_connection_owner(m, l->conn, account, region, &dual, err);

	if (found <= 0)
		return found;
	owner.account = account;
	owner.region = region;
	if (vpn_connection_log_append(&owner, l->conn, l->tunnel, l->time_ms, l->line, err) < 0) {
		if (is_gone(err)) {
			vl_err_clear(err);
			return 0;
		}
		return -1;
	}
	return 0;
}

int agent_note_backend_unusable(struct model_ctx *m, const struct agent *a, json_t *doc, bool write, int *due,
				struct vl_err *err)
{
	char message[AGENT_BACKEND_ERROR_MAX + 160], line[AGENT_BACKEND_ERROR_MAX + 320], stamp[32];
	json_t *ep, *tunnel;
	size_t i, j;
	time_t sec = (time_t)(m->now_ms / 1000);
	struct tm tm;

	*due = 0;
	if (a->backend_usable)
		return 0;
	snprintf(message, sizeof(message), "the IPsec backend of agent %s is unusable: %s", a->agent_id,
		 a->backend_error);
	gmtime_r(&sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	json_array_foreach(json_object_get(doc, "endpoints"), i, ep) {
		const char *kind = json_string_value(json_object_get(ep, "kind"));

		if (kind == NULL || strcmp(kind, "gateway") != 0)
			continue; /* the cloud's logs are about its own side */
		json_array_foreach(json_object_get(ep, "tunnels"), j, tunnel) {
			const char *conn = json_string_value(json_object_get(tunnel, "connection_id"));
			const char *tid = json_string_value(json_object_get(tunnel, "tunnel_id"));
			char account[128], region[64];
			struct model_ctx owner = *m;
			bool dual = false;
			int found, told;

			if (conn == NULL)
				continue;
			if (tid == NULL)
				tid = "";
			/* a connection deleted since the compile is no work left to do */
			found = vpn_connection_owner(m, conn, account, region, &dual, err);
			if (found <= 0) {
				if (found < 0)
					return -1;
				continue;
			}
			told = vpn_connection_log_told_since(m, conn, tid, message, m->now_ms - VCO_LOG_MINUTE_PERIOD_MAX * 60000LL, err);
			if (told < 0)
				return -1;
			if (told)
				continue;
			(*due)++;
			if (!write)
				continue;
			owner.account = account;
			owner.region = region;
			snprintf(line, sizeof(line), "%s %s [ERROR]: %s", stamp, conn, message);
			if (vpn_connection_log_append(&owner, conn, tid, m->now_ms, line, err) < 0) {
				if (is_gone(err)) {
					vl_err_clear(err);
					continue;
				}
				return -1;
			}
		}
	}
	return 0;
}

/* Appends "[LEVEL]: message" to the log of conn (tunnel "" for single-tunnel ones) as its owner. */
static int log_line(struct model_ctx *m, const char *conn, const char *tunnel, const char *level,
		    const char *message, struct vl_err *err)
{
	char account[128], region[64], line[512], stamp[32];
	struct model_ctx owner = *m;
	time_t sec = (time_t)(m->now_ms / 1000);
	struct tm tm;
	bool dual = false;
	int found = vpn_connection_owner(m, conn, account, region, &dual, err);

	if (found <= 0)
		return found;
	owner.account = account;
	owner.region = region;
	gmtime_r(&sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(line, sizeof(line), "%s %s [%s]: %s", stamp, conn, level, message);
	if (vpn_connection_log_append(&owner, conn, tunnel, m->now_ms, line, err) < 0) {
		if (is_gone(err)) {
			vl_err_clear(err);
			return 0;
		}
		return -1;
	}
	return 1;
}

/* One silent agent's tunnels: shown down, their connections told why. */
static int silence_agent(struct model_ctx *m, const char *agent_id, int64_t last_seen_ms, struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	json_t *tunnels = json_array(), *row;
	char message[256];
	size_t i;
	int rc = -1;

	if (tunnels == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (model_prepare(m->store,
			  "SELECT vpn_connection_id, tunnel_id FROM dataplane_tunnels WHERE agent_id=?"
			  " ORDER BY vpn_connection_id, tunnel_id",
			  MODEL_ARGS(MODEL_TEXT(agent_id)), &stmt) < 0) {
		model_store_error(m, err);
		goto out;
	}
	while ((r = stmt_step(stmt)) == STORE_ROW)
		json_array_append_new(tunnels, json_pack("[ss]", stmt_text(stmt, 0), stmt_text(stmt, 1)));
	stmt_release(stmt);
	if (r != STORE_DONE) {
		model_store_error(m, err);
		goto out;
	}
	snprintf(message, sizeof(message),
		 "agent %s stopped reporting (no status report for %lld s): the tunnel's state is unknown, "
		 "shown as ike_sa_not_established until the agent reports again",
		 agent_id, (long long)((m->now_ms - last_seen_ms) / 1000));
	json_array_foreach(tunnels, i, row) {
		const char *conn = json_string_value(json_array_get(row, 0));
		const char *tunnel = json_string_value(json_array_get(row, 1));
		char account[128], region[64];
		struct model_ctx owner = *m;
		bool dual = false;
		int found = vpn_connection_owner(m, conn, account, region, &dual, err);

		if (found < 0)
			goto out;
		if (found == 0 || dual == (*tunnel == '\0'))
			continue;
		owner.account = account;
		owner.region = region;
		if (model_run(m,
			      "UPDATE dataplane_tunnels SET ike_state='', child_state='', active=0,"
			      " health=CASE WHEN health='' THEN '' ELSE 'failed' END, updated_ms=?"
			      " WHERE vpn_connection_id=? AND tunnel_id=?",
			      MODEL_ARGS(MODEL_INT(m->now_ms), MODEL_TEXT(conn), MODEL_TEXT(tunnel)), err) < 0)
			goto out;
		if (vpn_connection_set_status(&owner, conn, dual ? tunnel : NULL, "ike_sa_not_established", err) < 0) {
			if (!is_gone(err))
				goto out;
			vl_err_clear(err);
			continue;
		}
		if (apply_connection_views(&owner, conn, dual, err) < 0 || log_line(m, conn, tunnel, "ERROR", message, err) < 0)
			goto out;
	}
	if (json_array_size(tunnels) > 0)
		model_event(m, "agent %s silent for %lld s: its %zu tunnel(s) now read ike_sa_not_established",
			    agent_id, (long long)((m->now_ms - last_seen_ms) / 1000), json_array_size(tunnels));
	rc = model_run(m, "UPDATE agents SET silent_since_ms=? WHERE agent_id=?",
		       MODEL_ARGS(MODEL_INT(m->now_ms), MODEL_TEXT(agent_id)), err);
out:
	json_decref(tunnels);
	return rc;
}

int agent_mark_silent(struct model_ctx *m, int64_t watching_since_ms, int64_t silent_ms, bool write, int *marked,
		      struct vl_err *err)
{
	struct store_stmt *stmt = NULL;
	enum store_step_result r;
	json_t *due = json_array(), *row;
	size_t i;
	int rc = -1;

	*marked = 0;
	if (due == NULL)
		return vl_err_set(err, VL_INTERNAL_ERROR, NULL);
	if (m->now_ms - watching_since_ms <= silent_ms) {
		json_decref(due);
		return 0;
	}
	if (model_prepare(m->store,
			  "SELECT agent_id, last_seen_ms FROM agents WHERE silent_since_ms=0 AND last_seen_ms<?"
			  " ORDER BY agent_id",
			  MODEL_ARGS(MODEL_INT(m->now_ms - silent_ms)), &stmt) < 0) {
		model_store_error(m, err);
		goto out;
	}
	while ((r = stmt_step(stmt)) == STORE_ROW)
		json_array_append_new(due, json_pack("[sI]", stmt_text(stmt, 0), (json_int_t)stmt_int64(stmt, 1)));
	stmt_release(stmt);
	if (r != STORE_DONE) {
		model_store_error(m, err);
		goto out;
	}
	json_array_foreach(due, i, row) {
		(*marked)++;
		if (write && silence_agent(m, json_string_value(json_array_get(row, 0)),
					   json_integer_value(json_array_get(row, 1)), err) < 0)
			goto out;
	}
	rc = 0;
out:
	json_decref(due);
	return rc;
}

/* Whether t's row is one the silence of agent_id (marked at since_ms) showed down: 1, 0, -1. */
static int silenced(struct model_ctx *m, const char *agent_id, const struct report_tunnel *t, int64_t since_ms,
		    struct vl_err *err)
{
	enum store_step_result r = model_step_once(
		m->store,
		"SELECT 1 FROM dataplane_tunnels WHERE vpn_connection_id=? AND tunnel_id=? AND agent_id=?"
		" AND updated_ms=?",
		MODEL_ARGS(MODEL_TEXT(t->conn), MODEL_TEXT(t->tunnel), MODEL_TEXT(agent_id), MODEL_INT(since_ms)), NULL,
		NULL);

	if (r == STORE_ROW)
		return 1;
	return r == STORE_DONE ? 0 : model_store_error(m, err);
}

int agent_report_status(struct model_ctx *m, const char *agent_id, int64_t applied_generation,
			const char *tunnels, const char *logs, int64_t *generation, struct vl_err *err)
{
	struct report_tunnel *ts = NULL;
	struct report_log *ls = NULL;
	json_t *tunnel_list = NULL, *log_list = NULL, *item;
	struct agent a;
	size_t i, nt, nl;
	int rc = -1;

	/* the whole report is checked before anything is applied */
	if (applied_generation < 0 || applied_generation > GENERATION_MAX)
		return vl_err_invalid(err, "AppliedGeneration");
	if (parse_array(tunnels, "Tunnels", AGENT_REPORT_TUNNELS_MAX, &tunnel_list, err) < 0 ||
	    parse_array(logs, "Logs", AGENT_REPORT_LOGS_MAX, &log_list, err) < 0)
		goto out;
	nt = json_array_size(tunnel_list);
	nl = json_array_size(log_list);
	ts = calloc(nt ? nt : 1, sizeof(*ts));
	ls = calloc(nl ? nl : 1, sizeof(*ls));
	if (ts == NULL || ls == NULL) {
		vl_err_set(err, VL_INTERNAL_ERROR, NULL);
		goto out;
	}
	json_array_foreach(tunnel_list, i, item)
		if (parse_tunnel(item, i, &ts[i], err) < 0)
			goto out;
	json_array_foreach(log_list, i, item)
		if (parse_log(item, i, &ls[i], err) < 0)
			goto out;
	if (agent_get(m, agent_id, &a, err) < 0)
		goto out;

	if (model_run(m, "UPDATE agents SET last_seen_ms=?, applied_generation=? WHERE agent_id=?",
		      MODEL_ARGS(MODEL_INT(m->now_ms), MODEL_INT(applied_generation), MODEL_TEXT(a.agent_id)), err) < 0)
		goto out;
	if (a.silent_since_ms != 0) {
		char message[200];
		int told = 0;

		snprintf(message, sizeof(message), "agent %s reports again after %lld s of silence", a.agent_id,
			 (long long)((m->now_ms - a.last_seen_ms) / 1000));
		if (exec1(m, "UPDATE agents SET silent_since_ms=0 WHERE agent_id=?", a.agent_id, err) < 0)
			goto out;
		/* the tunnels the silence showed down (their rows changed then, and not since) are told */
		for (i = 0; i < nt; i++) {
			int was = ts[i].gateway ? silenced(m, a.agent_id, &ts[i], a.silent_since_ms, err) : 0;

			if (was < 0 || (was && log_line(m, ts[i].conn, ts[i].tunnel, "INFO", message, err) < 0))
				goto out;
			told += was;
		}
		if (told > 0)
			model_event(m, "%s", message);
	}
	/* the cloud reports its own side only: a branch device's view changes nothing */
	for (i = 0; i < nt; i++)
		if (ts[i].gateway && apply_tunnel(m, a.agent_id, &ts[i], ls, nl, err) < 0)
			goto out;
	for (i = 0; i < nl; i++)
		if (ls[i].gateway && apply_log(m, &ls[i], err) < 0)
			goto out;
	*generation = a.generation;
	rc = 0;
out:
	free(ts);
	free(ls);
	json_decref(tunnel_list);
	json_decref(log_list);
	return rc;
}

static void fill_counters(struct store_stmt *stmt, void *row)
{
	struct tunnel_counters *c = row;

	row_read_columns(stmt, ROW_COLUMNS(ROW_TEXT(c->vpn_connection_id), ROW_TEXT(c->tunnel_id),
			ROW_INT64(c->bytes_in), ROW_INT64(c->bytes_out), ROW_INT64(c->packets_in),
			ROW_INT64(c->packets_out)));
}

int dataplane_tunnel_counters(struct model_ctx *m, struct tunnel_counters **rows, size_t *count,
			      struct vl_err *err)
{
	int n = 0;

	*count = 0;
	if (model_collect(m,
			  "SELECT vpn_connection_id, tunnel_id, bytes_in, bytes_out, packets_in, packets_out "
			  "FROM dataplane_tunnels ORDER BY vpn_connection_id, tunnel_id",
			  NULL, sizeof(**rows), fill_counters, (void **)rows, &n, err) < 0)
		return -1;
	*count = (size_t)n;
	return 0;
}

int agent_list_by_registration(struct model_ctx *m, struct agent **out, int *count, struct vl_err *err)
{
	return model_collect(m, "SELECT " AGENT_COLUMNS " FROM agents ORDER BY registered_ms, agent_id", NULL,
			     sizeof(**out), fill_agent, (void **)out, count, err);
}
