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

#endif
