#ifndef VL_FAULT_H
#define VL_FAULT_H

/*
 * Lab fault injection: cutting a tunnel's underlay.  Inside an endpoint namespace the agent
 * keeps one nftables table, `inet vpnlab_fault`, whose input and output chains (priority
 * raw, before conntrack and before charon's sockets see anything) drop UDP with source or
 * destination port 500 or 4500 to and from every address in its set `cut_peers`.  kernel-
 * libipsec carries ESP in UDP 4500 and IKE uses 500/4500, so this cuts exactly the tunnels
 * toward those peers and nothing else.  Changes are single nftables transactions (libnftables):
 * a rule is never briefly missing.
 *
 * Functions serialise on a process-wide lock (libnftables keeps global state), run in
 * namespace ns (NULL: the caller's own) and return 0, or -1 with a one-line reason in err
 * (FAULT_ERR_MAX bytes, may be NULL).
 */

#include <stdbool.h>

#define FAULT_ERR_MAX 256
#define FAULT_TABLE "vpnlab_fault"

/*
 * cut=true: drops UDP 500/4500 to and from IPv4 address peer_ip in ns (creates the table
 * on first use).  cut=false: lets it through again.  Idempotent both ways; other peers'
 * cuts are untouched.
 */
int fault_set(const char *ns, const char *peer_ip, bool cut, char *err);

/* Removes the whole table from ns (ok if absent): every cut there is lifted. */
int fault_clear_all(const char *ns, char *err);

/* Whether peer_ip is cut in ns (false also when the table or namespace is absent). */
bool fault_is_cut(const char *ns, const char *peer_ip);

/*
 * The cut peers of ns, for adopting what an earlier agent left: *peers is a malloc'd array
 * of malloc'd strings (free with fault_peers_free), *count set; none when there is no table.
 */
int fault_list(const char *ns, char ***peers, int *count, char *err);
void fault_peers_free(char **peers, int count);

/*
 * A VPC router's fabric guard: table `inet vpnlab_fabric` in ns drops what would leave
 * through fabric interface dev after arriving on it.  Every router of a VPC sits on the one
 * fabric segment, so nothing ever needs that hairpin; it happens only while two routers
 * briefly disagree about where a tunnel is usable, and would bounce packets between them
 * until their TTL ran out.  Idempotent (one transaction; the chain is refilled).
 */
int fault_fabric_guard(const char *ns, const char *dev, char *err);

#endif
