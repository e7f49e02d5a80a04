/*
 * What a typed tunnel (doc.h: struct doc_tunnel) becomes in strongSwan: the VICI load-conn
 * and load-shared messages, with the keys swanctl.conf would use (swanctl sends the same
 * messages).  Pure functions: the backend loads them, the unit tests read them.
 */
#include "ipsec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strongSwan's proposal keyword: enc-integ[-dh]; the document's names are strongSwan's but sha*. */
static void proposal(char *buf, size_t size, const struct doc_proposal *p)
{
	if (p->dh[0] == '\0' || strcmp(p->dh, "none") == 0)
		snprintf(buf, size, "%s-%s", p->enc, p->integ);
	else
		snprintf(buf, size, "%s-%s-%s", p->enc, p->integ, p->dh);
}

/*
 * An IKE identity as strongSwan must see it to match what the peer sends: an IPv4 address
 * stays an address (ID_IPV4_ADDR); anything else is an FQDN (the fqdn: prefix keeps
 * strongSwan from reading '@' as an e-mail address or '=' as a distinguished name).
 */
static void identity(char *buf, size_t size, const char *id)
{
	struct in_addr a;

	if (inet_pton(AF_INET, id, &a) == 1)
		snprintf(buf, size, "%s", id);
	else
		snprintf(buf, size, "fqdn:%s", id);
}

static json_t *seconds(int s)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%ds", s);
	return json_string(buf);
}

static json_t *ts_list(char (*ts)[20], int count)
{
	json_t *a = json_array();

	for (int i = 0; i < count; i++)
		json_array_append_new(a, json_string(ts[i]));
	return a;
}

/* kernel-netlink's automatic policy priority: this base, less 512 per prefix bit of both selectors */
#define SWAN_PRIO_DEFAULT 400000u
#define SWAN_PRIO_PER_BIT 512u

/*
 * A standby CHILD_SA's fixed policy priority: two behind the automatic one of its least
 * specific pair of selectors (lower wins), so with XFRM the preferred tunnel's policy is
 * installed while it exists and the standby's after it, while every other policy keeps its
 * place by selector size (+2 stays within one prefix bit's class).  kernel-libipsec ignores
 * fixed priorities (the monitor's make_preferred covers it).
 */
static unsigned standby_priority(json_t *local_ts, json_t *remote_ts)
{
	int shortest[2] = { 33, 33 };
	json_t *lists[2] = { local_ts, remote_ts }, *v;
	size_t i;

	for (int k = 0; k < 2; k++)
		json_array_foreach(lists[k], i, v) {
			const char *slash = strchr(json_string_value(v), '/');
			int prefix = slash ? atoi(slash + 1) : 32;

			if (prefix < shortest[k])
				shortest[k] = prefix;
		}
	if (shortest[0] > 32 || shortest[1] > 32)
		return 0;
	return SWAN_PRIO_DEFAULT - SWAN_PRIO_PER_BIT * (unsigned)(shortest[0] + shortest[1]) - 1 + 2;
}

static json_t *child(const struct doc_tunnel *t, json_t *local_ts, json_t *remote_ts)
{
	const struct doc_ipsec *c = &t->ipsec;
	char esp[64], prio[16];
	unsigned priority = c->standby ? standby_priority(local_ts, remote_ts) : 0;
	json_t *o = json_object();

	proposal(esp, sizeof(esp), &c->esp_proposal);
	json_object_set_new(o, "local_ts", local_ts);
	json_object_set_new(o, "remote_ts", remote_ts);
	json_object_set_new(o, "esp_proposals", json_pack("[s]", esp));
	json_object_set_new(o, "rekey_time", seconds(c->esp_life.rekey_s));
	json_object_set_new(o, "life_time", seconds(c->esp_life.lifetime_s));
	if (priority) {
		snprintf(prio, sizeof(prio), "%u", priority);
		json_object_set_new(o, "priority", json_string(prio));
	}
	/* an initiator (branch device) restarts what DPD finds dead; a responder only clears it,
	 * so it never competes with the initiator for the same SA */
	if (c->dpd_delay_s > 0)
		json_object_set_new(o, "dpd_action", json_string(c->initiator ? "restart" : "clear"));
	json_object_set_new(o, "start_action", json_string(c->initiator ? "start" : "none"));
	return o;
}

json_t *ipsec_swan_conn_msg(const struct doc_tunnel *t)
{
	const struct doc_ipsec *c = &t->ipsec;
	char ike[64], lid[DOC_IKE_ID_MAX + 8], rid[DOC_IKE_ID_MAX + 8], name[120];
	json_t *conn = json_object(), *children = json_object();

	proposal(ike, sizeof(ike), &c->ike_proposal);
	identity(lid, sizeof(lid), c->local_id);
	identity(rid, sizeof(rid), c->remote_id);
	json_object_set_new(conn, "version", json_string(c->ike_version == 1 ? "1" : "2"));
	if (c->aggressive)
		json_object_set_new(conn, "aggressive", json_string("yes"));
	json_object_set_new(conn, "local_addrs", json_pack("[s]", c->local_ip));
	json_object_set_new(conn, "remote_addrs", json_pack("[s]", t->peer_ip));
	json_object_set_new(conn, "proposals", json_pack("[s]", ike));
	json_object_set_new(conn, "rekey_time", seconds(c->ike_life.rekey_s));
	json_object_set_new(conn, "over_time", seconds(c->ike_life.lifetime_s - c->ike_life.rekey_s));
	/* an initiator keeps trying until the responder answers; a responder tries once */
	json_object_set_new(conn, "keyingtries", json_string(c->initiator ? "0" : "1"));
	if (c->dpd_delay_s > 0)
		json_object_set_new(conn, "dpd_delay", seconds(c->dpd_delay_s));
	/* strongSwan always detects NATs and encapsulates when it finds one; without NAT-T
	 * nothing would traverse one, which the lab's underlay never has */
	json_object_set_new(conn, "local", json_pack("{s:s,s:s}", "auth", "psk", "id", lid));
	json_object_set_new(conn, "remote", json_pack("{s:s,s:s}", "auth", "psk", "id", rid));
	if (c->ike_version == 2 || (t->local_ts_count == 1 && t->remote_ts_count == 1)) {
		/* IKEv2 negotiates every selector of both lists in one CHILD_SA */
		json_object_set_new(children, t->name,
				    child(t, ts_list((char (*)[20])t->local_ts, t->local_ts_count),
					  ts_list((char (*)[20])t->remote_ts, t->remote_ts_count)));
	} else {
		/* IKEv1 Quick Mode carries one pair of selectors: one CHILD_SA per pair of blocks */
		int n = 0;

		for (int i = 0; i < t->local_ts_count; i++)
			for (int j = 0; j < t->remote_ts_count; j++) {
				snprintf(name, sizeof(name), "%s-%d", t->name, ++n);
				json_object_set_new(children, name,
						    child(t, json_pack("[s]", t->local_ts[i]),
							  json_pack("[s]", t->remote_ts[j])));
			}
	}
	json_object_set_new(conn, "children", children);
	return json_pack("{s:o}", t->name, conn);
}

json_t *ipsec_swan_secret_msg(const struct doc_tunnel *t)
{
	char lid[DOC_IKE_ID_MAX + 8], rid[DOC_IKE_ID_MAX + 8], id[120];

	identity(lid, sizeof(lid), t->ipsec.local_id);
	identity(rid, sizeof(rid), t->ipsec.remote_id);
	snprintf(id, sizeof(id), "ike-%s", t->name);
	return json_pack("{s:s,s:s,s:s,s:[s,s]}", "id", id, "type", "IKE", "data", t->ipsec.psk, "owners", lid, rid);
}
