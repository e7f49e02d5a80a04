#ifndef VL_NL_H
#define VL_NL_H

/*
 * Netlink and network-namespace primitives of the agent, over libmnl (no `ip` processes).
 * Namespaces are named the iproute2 way: a bind mount of /proc/self/ns/net under
 * /run/netns/NAME, so `ip netns exec NAME …` works on what the agent builds.
 *
 * Every function that takes `ns` runs in that named namespace (NULL: the caller's own);
 * the calling thread's namespace is always restored before returning.  All functions are
 * thread-safe (no shared state) and return 0 on success or -1 with errno set and, when
 * err is not NULL, a one-line reason in err (size NL_ERR_MAX).  "Already exists" and
 * "does not exist" are not errors where the function says so (idempotent reconciling).
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define NL_ERR_MAX 256
#define NL_NEXTHOPS_MAX 16

/* ---- namespaces ---- */

/* Creates named namespace name (ok if it exists), with lo up.  A plain file left at
 * /run/netns/name by an interrupted create is mounted over.  The caller's thread never
 * leaves its namespace (the new one is made on a short-lived thread). */
int nl_netns_add(const char *name, char *err);
/* Deletes it: unmounts and removes /run/netns/name (ok if absent). */
int nl_netns_del(const char *name, char *err);
/* True if /run/netns/name is a namespace (an nsfs mount), not merely a file. */
bool nl_netns_exists(const char *name);
/* Opens /run/netns/name (O_RDONLY|O_CLOEXEC); the caller closes.  -1 if absent. */
int nl_netns_open(const char *name);
/*
 * Runs fn(arg) with the calling thread switched into namespace name (NULL: no switch) and
 * switches back.  Sockets opened inside stay in that namespace; so do files under
 * /proc/sys/net opened inside.  Returns fn's result, or -1 if the switch failed (fn not
 * run).  Aborts if it cannot switch back, rather than leave the thread in the wrong place.
 */
int nl_netns_run(const char *name, int (*fn)(void *arg), void *arg);
/* Names of the namespaces under /run/netns starting with prefix; *names is malloc'd
 * (array of malloc'd strings), *count set; the caller frees with nl_names_free. */
int nl_netns_list(const char *prefix, char ***names, int *count, char *err);
void nl_names_free(char **names, int count);
/* Writes value to /proc/sys/<path> (e.g. "net/ipv4/ip_forward"; relative, no "..") inside
 * ns.  NB: a new namespace starts with the host's net/ipv4 settings, so set what matters. */
int nl_sysctl_set(const char *ns, const char *path, const char *value, char *err);

/* ---- links ---- */

/*
 * Creates a veth pair: end a named a_name in namespace a_ns, end b named b_name in b_ns
 * (both created directly in their namespaces; NULL: the caller's own).  Ok if a_name already
 * exists in a_ns and is a veth; EEXIST if it is another kind or b_name is taken in b_ns.
 * Both ends stay down.
 */
int nl_veth_add(const char *a_ns, const char *a_name, const char *b_ns, const char *b_name, char *err);
/* Creates a bridge (ok if it exists; EEXIST if name is another kind), down, and turns off
 * br_netfilter's iptables/ip6tables/arptables calls for bridged frames in ns. */
int nl_bridge_add(const char *ns, const char *name, char *err);
/* Creates a VXLAN device name with vni on UDP port dstport (4789 if 0), learning off,
 * whose underlying socket uses local address local_ip (may be NULL) in ns; ok if exists. */
int nl_vxlan_add(const char *ns, const char *name, uint32_t vni, const char *local_ip, uint16_t dstport,
		 char *err);
/* Adds (or keeps) the all-zeros FDB entry toward remote_ip on vxlan device dev: head-end
 * replication of broadcast and unknown unicast to that peer. */
int nl_vxlan_fdb_append(const char *ns, const char *dev, const char *remote_ip, char *err);
/* Removes that entry (ok if absent, or if dev is absent). */
int nl_vxlan_fdb_del(const char *ns, const char *dev, const char *remote_ip, char *err);
/* Enslaves dev to bridge master (master NULL: releases it). */
int nl_link_set_master(const char *ns, const char *dev, const char *master, char *err);
/* Sets dev up or down.  A veth brought up as a bridge port also gets GRO and threaded NAPI
 * (best effort): its forwarding leaves the sender's thread (see nl.c). */
int nl_link_set_up(const char *ns, const char *dev, bool up, char *err);
/*
 * Switches TCP segmentation offload (every TSO feature) of dev on or off.  A veth hands a
 * packet to its peer's NAPI (GRO, threaded: nl_link_set_up) only when the sending end has
 * TSO off or the packet is a local UDP socket's; otherwise the peer's whole receive path
 * runs inside the sender's own call (see nl.c).
 */
int nl_link_set_tso(const char *ns, const char *dev, bool on, char *err);
/* Sets dev's hardware address (6 bytes); set it while the link is down. */
int nl_link_set_mac(const char *ns, const char *dev, const uint8_t mac[6], char *err);
/* Sets dev's MTU (a bridge keeps an MTU set this way whatever its ports have). */
int nl_link_set_mtu(const char *ns, const char *dev, uint32_t mtu, char *err);
/* Deletes link dev (ok if absent; a veth takes its peer with it). */
int nl_link_del(const char *ns, const char *dev, char *err);
/* ifindex of dev; 0 if absent (errno ENODEV) or if it cannot tell (errno says why, e.g.
 * ENOENT: no such namespace), so `== 0` leads to a create call that reports the error. */
int nl_link_index(const char *ns, const char *dev);
/* Names of every link of ns; *names malloc'd (array of malloc'd strings), free with nl_names_free. */
int nl_link_names(const char *ns, char ***names, int *count, char *err);
/* Moves dev from ns into namespace to_ns (NULL: the caller's own).  A moved VXLAN device
 * keeps its UDP socket in the namespace it was created in. */
int nl_link_move(const char *ns, const char *dev, const char *to_ns, char *err);

/* ---- addresses ---- */

/* Adds IPv4 address addr/prefix on dev (ok if present). */
int nl_addr_add(const char *ns, const char *dev, const char *addr, int prefix, char *err);
/* Removes it (ok if absent, or if dev is absent). */
int nl_addr_del(const char *ns, const char *dev, const char *addr, int prefix, char *err);

/* ---- routes (IPv4, main table unless table != 0) ---- */

struct nl_nexthop {
	char via[16];	/* gateway address, "" for a device route */
	char dev[16];	/* output device, "" to let the kernel pick by via */
	int weight;	/* 1..256 for multipath; 0 means 1 */
	bool onlink;
};

struct nl_route {
	char dst[20];	/* "10.0.0.0/16", "0.0.0.0/0" for default */
	uint32_t table; /* 0: main */
	int metric;
	char src[16];	/* preferred source, "" none */
	bool blackhole; /* nl_route_replace: a blackhole route (no nexthops); nl_route_list lists none */
	int nexthop_count; /* 1: plain route; 2..NL_NEXTHOPS_MAX: multipath (ECMP) */
	struct nl_nexthop nexthops[NL_NEXTHOPS_MAX];
};

/* Adds or replaces route r (NLM_F_REPLACE: the same dst/table/metric is swapped atomically,
 * so traffic never sees a missing route during a failover). */
int nl_route_replace(const char *ns, const struct nl_route *r, char *err);
/* Deletes the route for r->dst/table/metric (ok if absent); nexthops are ignored.  Metric 0
 * matches any metric (kernel rule): the first route for that dst in the table goes. */
int nl_route_del(const char *ns, const struct nl_route *r, char *err);
/*
 * Lists IPv4 unicast routes of table (0: main) in ns with protocol proto (0: any); *out
 * malloc'd, caller frees.  Used to adopt and to diff.  Read back as: table 0 for main, dst
 * always with its length ("0.0.0.0/0"), dev names as seen in ns, weight always 1..256 (1 on
 * a plain route; normalise a desired 0 before comparing).  E2BIG if a listed route has more
 * than NL_NEXTHOPS_MAX nexthops.
 */
int nl_route_list(const char *ns, uint32_t table, uint8_t proto, struct nl_route **out, int *count,
		  char *err);

/* ---- policy rules (IPv4) ---- */
/*
 * Adds rule "from all iif <iif> lookup <table>" (table != 0) or "… blackhole" (table 0) at
 * priority pref (ok if that exact rule exists).
 */
int nl_rule_add(const char *ns, uint32_t pref, const char *iif, uint32_t table, char *err);
/* Deletes every rule at priority pref with input interface iif (NULL: any), whatever it does (ok if none). */
int nl_rule_del(const char *ns, uint32_t pref, const char *iif, char *err);
/*
 * Adds rule "from <from> to <to> lookup <table>" (CIDRs; table != 0) at priority pref (ok if
 * that exact rule exists).
 */
int nl_rule_add_match(const char *ns, uint32_t pref, const char *from, const char *to, uint32_t table, char *err);
/* Deletes every rule at priority pref, whatever it matches and does (ok if none). */
int nl_rule_del_pref(const char *ns, uint32_t pref, char *err);

/* ---- what a namespace holds, whole (adopting: compare with what is wanted, remove the rest) ---- */

/* An IPv4 route of any type and table, as the kernel dumped it. */
struct nl_route_entry {
	struct nl_route route; /* dst, table (0: main), metric, src; a blackhole's flag; the nexthops of a
				  unicast route (nexthop_count 0 for the other types) */
	uint8_t type;	       /* RTN_UNICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT, RTN_LOCAL, ... */
	uint8_t protocol;      /* rtm_protocol: NL_RTPROT_VPNLAB on the agent's own */
	uint8_t tos;
	bool nexthops_truncated; /* more than NL_NEXTHOPS_MAX nexthops: route lists the first ones */
	void *msg;		 /* the kernel's message (owned): nl_route_entry_del's exact key */
	size_t msg_len;
};

/*
 * Lists every IPv4 route of ns, all tables and types (cached clones left out); *out malloc'd,
 * free it with nl_route_entries_free.  Dev names as seen in ns.
 */
int nl_route_dump(const char *ns, struct nl_route_entry **out, int *count, char *err);
/* Deletes exactly the route e names (type, protocol, tos, metric and nexthops included; ok if absent). */
int nl_route_entry_del(const char *ns, const struct nl_route_entry *e, char *err);
void nl_route_entries_free(struct nl_route_entry *list, int count);

/* An IPv4 policy rule, as the kernel dumped it. */
struct nl_rule_entry {
	uint32_t pref;
	char iif[16], oif[16]; /* "" any */
	char from[20], to[20]; /* "a.b.c.d/len", "" any */
	uint32_t table;	       /* FR_ACT_TO_TBL's */
	uint8_t action;	       /* FR_ACT_TO_TBL, FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, ... */
	bool more;	       /* it also matches on something else (fwmark, tos, not, ports, uid, goto, ...) */
	bool detached;	       /* its iif or oif names no link of ns (now) */
	void *msg;	       /* the kernel's message (owned): nl_rule_entry_del's exact key */
	size_t msg_len;
};

/* Lists every IPv4 rule of ns, in the kernel's order; *out malloc'd, free with nl_rule_entries_free. */
int nl_rule_dump(const char *ns, struct nl_rule_entry **out, int *count, char *err);
/* Deletes exactly the rule e names (ok if absent). */
int nl_rule_entry_del(const char *ns, const struct nl_rule_entry *e, char *err);
void nl_rule_entries_free(struct nl_rule_entry *list, int count);

/* Protocol number the agent stamps on its routes (rtm_protocol), so it can tell its own.
 * NB: linux/rtnetlink.h assigns 99 to Open/R (RTPROT_OPENR): `ip route` shows "proto openr". */
#define NL_RTPROT_VPNLAB 99

#endif
