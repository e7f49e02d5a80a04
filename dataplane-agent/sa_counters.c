#include "sa_counters.h"

#include <string.h>

static void add(struct sa_counts *to, const struct sa_counts *x)
{
	to->bytes_in += x->bytes_in;
	to->bytes_out += x->bytes_out;
	to->packets_in += x->packets_in;
	to->packets_out += x->packets_out;
}

static void sub(struct sa_counts *from, const struct sa_counts *x)
{
	from->bytes_in -= x->bytes_in;
	from->bytes_out -= x->bytes_out;
	from->packets_in -= x->packets_in;
	from->packets_out -= x->packets_out;
}

/* An SA's counters only grow: smaller ones under the same SPI are a new SA that reuses it. */
static int went_back(const struct sa_counts *before, const struct sa_counts *now)
{
	return now->bytes_in < before->bytes_in || now->bytes_out < before->bytes_out ||
	       now->packets_in < before->packets_in || now->packets_out < before->packets_out;
}

/* The current SA goes away: its last counts join the sum and the recent list. */
static void retire_current(struct sa_counters *c)
{
	if (c->spi == 0)
		return;
	add(&c->gone, &c->current);
	/* the oldest record leaves the list, its counts stay in the sum */
	memmove(&c->recent[1], &c->recent[0], sizeof(c->recent[0]) * (SA_COUNTERS_GONE_MAX - 1));
	c->recent[0].spi = c->spi;
	c->recent[0].last = c->current;
	c->spi = 0;
	memset(&c->current, 0, sizeof(c->current));
}

void sa_counters_observe(struct sa_counters *c, uint32_t spi, const struct sa_counts *now)
{
	if (spi == c->spi) {
		if (spi == 0)
			return;
		if (!went_back(&c->current, now)) {
			c->current = *now;
			return;
		}
		retire_current(c);
		/* the same SPI again is a new SA: its predecessor stays counted */
		c->recent[0].spi = 0;
	} else {
		retire_current(c);
	}
	if (spi == 0)
		return;
	for (int i = 0; i < SA_COUNTERS_GONE_MAX; i++) {
		if (c->recent[i].spi == spi && !went_back(&c->recent[i].last, now)) {
			/* it came back: its counts continue from where the sum has them */
			sub(&c->gone, &c->recent[i].last);
			c->recent[i].spi = 0;
			break;
		}
	}
	c->spi = spi;
	c->current = *now;
}

void sa_counters_total(const struct sa_counters *c, struct sa_counts *out)
{
	*out = c->gone;
	add(out, &c->current);
}
