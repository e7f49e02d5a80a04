#include "cidr.h"

#include <stdio.h>

static bool parse_octets(const char **pp, uint32_t *out)
{
	const char *p = *pp;
	uint32_t addr = 0;

	for (int i = 0; i < 4; i++) {
		unsigned value = 0;
		int digits = 0;

		if (i > 0) {
			if (*p != '.')
				return false;
			p++;
		}
		while (*p >= '0' && *p <= '9') {
			if (digits == 1 && value == 0)
				return false; /* leading zero: ambiguous octal in other parsers */
			value = value * 10 + (unsigned)(*p - '0');
			if (++digits > 3 || value > 255)
				return false;
			p++;
		}
		if (digits == 0)
			return false;
		addr = (addr << 8) | value;
	}
	*pp = p;
	*out = addr;
	return true;
}

bool ipv4_parse(const char *text, uint32_t *out)
{
	const char *p = text;

	if (text == NULL || !parse_octets(&p, out))
		return false;
	return *p == '\0';
}

static uint32_t prefix_mask(int len)
{
	return len == 0 ? 0 : 0xffffffffu << (32 - len);
}

bool cidr_parse(const char *text, struct cidr *out)
{
	const char *p = text;
	uint32_t addr;
	int len = 0, digits = 0;

	if (text == NULL || !parse_octets(&p, &addr) || *p++ != '/')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (digits == 1 && len == 0)
			return false;
		len = len * 10 + (*p - '0');
		if (++digits > 2 || len > 32)
			return false;
		p++;
	}
	if (digits == 0 || *p != '\0')
		return false;
	if ((addr & ~prefix_mask(len)) != 0)
		return false;
	out->addr = addr;
	out->prefix_len = len;
	return true;
}

bool cidr_contains(const struct cidr *outer, const struct cidr *inner)
{
	if (inner->prefix_len < outer->prefix_len)
		return false;
	return (inner->addr & prefix_mask(outer->prefix_len)) == outer->addr;
}

bool cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	int len = a->prefix_len < b->prefix_len ? a->prefix_len : b->prefix_len;

	return (a->addr & prefix_mask(len)) == (b->addr & prefix_mask(len));
}

uint64_t cidr_size(const struct cidr *c)
{
	return (uint64_t)1 << (32 - c->prefix_len);
}

void cidr_format(const struct cidr *c, char *buf, unsigned long size)
{
	snprintf(buf, size, "%u.%u.%u.%u/%d", c->addr >> 24, (c->addr >> 16) & 255,
		 (c->addr >> 8) & 255, c->addr & 255, c->prefix_len);
}
