#ifndef VL_CIDR_H
#define VL_CIDR_H

#include <stdbool.h>
#include <stdint.h>

/* An IPv4 prefix; addr is in host byte order and has no bits set past the mask. */
struct cidr {
	uint32_t addr;
	int prefix_len;
};

/*
 * Parses "a.b.c.d/n" strictly: four decimal octets without leading zeros, 0..32, and
 * no host bits set (10.0.0.1/8 is refused, as the cloud refuses it).  Returns true on success.
 */
bool cidr_parse(const char *text, struct cidr *out);

/* Parses a dotted IPv4 address (same strictness).  Returns true on success. */
bool ipv4_parse(const char *text, uint32_t *out);

/* True when inner lies completely inside outer. */
bool cidr_contains(const struct cidr *outer, const struct cidr *inner);

/* True when a and b share at least one address. */
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);

/* Number of addresses in the prefix (2^(32-len)). */
uint64_t cidr_size(const struct cidr *c);

/* Writes "a.b.c.d/n" into buf (at least 19 bytes). */
void cidr_format(const struct cidr *c, char *buf, unsigned long size);

#endif
