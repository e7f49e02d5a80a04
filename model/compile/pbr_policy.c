/* Policy-based VPN routes for the data plane: pbr_policy.h. */
#include "pbr_policy.h"

#include <stdio.h>
#include <string.h>

#include "cidr.h"

static bool contains_text(const char *outer, const char *inner)
{
	struct cidr o, i;

	return cidr_parse(outer, &o) && cidr_parse(inner, &i) && cidr_contains(&o, &i);
}

void pbr_shadowed(const struct vpn_pbr_rule *rules, int count, bool shadowed[])
{
	for (int i = 0; i < count; i++) {
		const struct vpn_pbr_rule *r = &rules[i];

		shadowed[i] = false;
		for (int j = 0; j < i && !shadowed[i]; j++) {
			const struct vpn_pbr_rule *e = &rules[j];
			bool group = e->priority == r->priority && strcmp(e->route_source, r->route_source) == 0 &&
				     strcmp(e->route_dest, r->route_dest) == 0;

			shadowed[i] = !group && contains_text(e->route_source, r->route_source) &&
				      contains_text(e->route_dest, r->route_dest);
		}
	}
}

/* Adds block to list[0..*n-1] unless a listed block contains it; drops listed ones it contains. */
static void add_selector(struct cidr *list, int *n, const struct cidr *block)
{
	int kept = 0;

	for (int i = 0; i < *n; i++)
		if (cidr_contains(&list[i], block))
			return;
	for (int i = 0; i < *n; i++)
		if (!cidr_contains(block, &list[i]))
			list[kept++] = list[i];
	*n = kept;
	if (*n < PBR_SELECTORS_MAX)
		list[(*n)++] = *block;
}

/* The part of source within block: source, block, or nothing (CIDRs nest or are apart). */
static bool within(const struct cidr *source, const struct cidr *block, struct cidr *out)
{
	if (cidr_contains(block, source))
		*out = *source;
	else if (cidr_contains(source, block))
		*out = *block;
	else
		return false;
	return true;
}

int pbr_local_selectors(const char *local_subnet, const struct vpn_pbr_rule *rules, int count,
			const bool shadowed[], const char *conn_id, const char *keep_addrs, char *out, size_t size)
{
	struct cidr list[PBR_SELECTORS_MAX], blocks[PBR_SELECTORS_MAX], source, part;
	int n = 0, block_count = 0;
	size_t used = 0;

	for (const char *p = local_subnet; p && *p && block_count < PBR_SELECTORS_MAX;) {
		size_t len = strcspn(p, ",");
		char one[24];

		if (len > 0 && len < sizeof(one)) {
			memcpy(one, p, len);
			one[len] = '\0';
			if (cidr_parse(one, &blocks[block_count]))
				block_count++;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	for (int i = 0; i < count; i++) {
		if (shadowed[i] || strcmp(rules[i].next_hop, conn_id) != 0 || !cidr_parse(rules[i].route_source, &source))
			continue;
		for (int b = 0; b < block_count; b++)
			if (within(&source, &blocks[b], &part))
				add_selector(list, &n, &part);
	}
	for (const char *p = n > 0 ? keep_addrs : NULL; p && *p;) {
		size_t len = strcspn(p, ",");
		char host[24];

		snprintf(host, sizeof(host), "%.*s/32", (int)(len < 16 ? len : 16), p);
		for (int b = 0; b < block_count && cidr_parse(host, &source); b++)
			if (cidr_contains(&blocks[b], &source)) {
				add_selector(list, &n, &source);
				break;
			}
		p += len;
		if (*p == ',')
			p++;
	}
	if (size > 0)
		out[0] = '\0';
	for (int i = 0; i < n && used < size; i++) {
		char text[20];

		cidr_format(&list[i], text, sizeof(text));
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "," : "", text);
	}
	return n;
}

int pbr_weight(const struct vpn_pbr_rule *rules, int count, const bool shadowed[], const char *conn_id)
{
	int best = -1;

	for (int i = 0; i < count; i++)
		if (!shadowed[i] && strcmp(rules[i].next_hop, conn_id) == 0 && rules[i].weight > best)
			best = rules[i].weight;
	return best;
}
