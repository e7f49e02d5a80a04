#ifndef VL_SA_COUNTERS_H
#define VL_SA_COUNTERS_H

/*
 * Per-tunnel traffic counters that only grow, built from charon's per-CHILD_SA counters
 * (list-sas bytes-in/-out, packets-in/-out), which start again from zero at every rekey or
 * re-negotiation: a tunnel's total is what its current SA counted plus the last counts of
 * the SAs that went away.  An SA that comes back (the monitor's choice between two SAs of
 * a rekey flipping back) takes its share out of the sum again, so nothing counts twice.
 */

#include <stdint.h>

#define SA_COUNTERS_GONE_MAX 4

struct sa_counts {
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
};

struct sa_counters {
	uint32_t spi;		    /* the SA that `current` counts (inbound SPI); 0: none */
	struct sa_counts current;   /* its counters as last seen */
	struct sa_counts gone;	    /* the sum of the last counts of the SAs that went away */
	struct {
		uint32_t spi;
		struct sa_counts last;
	} recent[SA_COUNTERS_GONE_MAX]; /* the latest SAs that went away (spi 0: free) */
};

/*
 * Takes one observation of a tunnel: its SA now is spi (0: none) with counters *now
 * (ignored when spi is 0).  c starts zeroed.
 */
void sa_counters_observe(struct sa_counters *c, uint32_t spi, const struct sa_counts *now);

/* The tunnel's totals since c was zeroed: monotonic across rekeys. */
void sa_counters_total(const struct sa_counters *c, struct sa_counts *out);

#endif
