#ifndef VL_TC_H
#define VL_TC_H

/*
 * Bandwidth limits (an endpoint's bandwidth_mbps): a root token-bucket (tbf) qdisc shaping
 * a device's egress, set over rtnetlink (libmnl), no `tc` processes.  The bucket holds 10 ms
 * of traffic at the rate (at least 32 KiB, so a full-size GSO burst passes) and packets wait
 * at most ~50 ms in its queue before being dropped.
 *
 * Functions run in namespace ns (NULL: the caller's own), are thread-safe, and return 0, or
 * -1 with errno set and a one-line reason in err (TC_ERR_MAX bytes, may be NULL).
 */

#define TC_ERR_MAX 256
#define TC_MBPS_MAX 100000

/*
 * mbps 1..TC_MBPS_MAX: installs or replaces (atomically) a root tbf of that rate on dev.
 * mbps 0: removes the root tbf if there is one (idempotent; another root qdisc is left alone).
 */
int tc_set_rate(const char *ns, const char *dev, int mbps, char *err);

/* *mbps: the rate of dev's root tbf in Mbit/s (rounded), 0 when its root qdisc is not a tbf. */
int tc_get_rate(const char *ns, const char *dev, int *mbps, char *err);

/*
 * Gives dev a root pfifo_fast (txqueuelen packets) when it has no queue at all (noqueue, a
 * veth's default); any other root qdisc, a tbf included, is kept.  Why: a veth that hands
 * packets to its peer's NAPI (see nl_link_set_tso) drops what the peer's 256-packet ring
 * cannot take, unless a qdisc holds them: with one, the veth stops its queue until the peer
 * has room (the lab machine's 6.18 kernel counts requeues there, no drops), so a burst from
 * charon waits instead of being lost; a kernel without that drops as it would anyway.
 */
int tc_ensure_queue(const char *ns, const char *dev, char *err);

#endif
