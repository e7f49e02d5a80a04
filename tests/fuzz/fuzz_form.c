/*
 * libFuzzer harness for form decoding (server/kv.c): url_decode in both '+' modes and
 * kvlist_parse_urlencoded on raw bytes, each compared with a small reference decoder
 * written here from the rules (application/x-www-form-urlencoded):
 *   pairs split on '&', empty pairs skipped, name/value split on the first '=',
 *   %XX (either hex case) decodes, '+' is a space, any other '%' is malformed.
 * Then the list operations: kvlist_get (last wins), kvlist_set, kvlist_sort order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Reference: decodes src[0..len) into out (len + 1 bytes); returns the length or -1. */
static long ref_decode(const char *src, size_t len, int plus, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '%') {
			if (len - i < 3 || hex((unsigned char)src[i + 1]) < 0 || hex((unsigned char)src[i + 2]) < 0)
				return -1;
			out[o++] = (char)(hex((unsigned char)src[i + 1]) * 16 + hex((unsigned char)src[i + 2]));
			i += 2;
		} else {
			out[o++] = plus && c == '+' ? ' ' : (char)c;
		}
	}
	out[o] = '\0';
	return (long)o;
}

static void check_decode(const char *text, size_t size, int plus, char *scratch)
{
	size_t out_len = (size_t)-1;
	char *got = url_decode(text, size, plus, &out_len);
	long want = ref_decode(text, size, plus, scratch);

	if ((got == NULL) != (want < 0))
		abort();
	if (got == NULL)
		return;
	if (out_len != (size_t)want || out_len > size || got[out_len] != '\0' ||
	    memcmp(got, scratch, out_len) != 0)
		abort();
	free(got);
}

/*
 * Walks the reference split of text alongside list; returns the reference's verdict
 * (0 or -1) and aborts on the first pair that differs from the list.
 */
static int check_pairs(const char *text, size_t size, const struct kvlist *list, char *a, char *b)
{
	size_t start = 0, n = 0;

	while (start < size) {
		size_t end = start, eq;

		while (end < size && text[end] != '&')
			end++;
		if (end > start) {
			long nl, vl;

			eq = start;
			while (eq < end && text[eq] != '=')
				eq++;
			nl = ref_decode(text + start, eq - start, 1, a);
			vl = eq < end ? ref_decode(text + eq + 1, end - eq - 1, 1, b) : (b[0] = '\0', 0);
			if (nl < 0 || vl < 0) {
				if (n != list->len)
					abort(); /* pairs before the bad one are kept, no more */
				return -1;
			}
			if (n >= list->len || strcmp(list->items[n].name, a) != 0 ||
			    strcmp(list->items[n].value, b) != 0)
				abort(); /* C-string view: an embedded %00 ends both sides alike */
			n++;
		}
		start = end + 1;
	}
	if (n != list->len)
		abort();
	return 0;
}

static void check_list_ops(struct kvlist *list)
{
	/* kvlist_get returns the last entry of a name */
	for (size_t i = 0; i < list->len; i++) {
		const char *got = kvlist_get(list, list->items[i].name);
		size_t last = i;

		for (size_t j = i + 1; j < list->len; j++)
			if (strcmp(list->items[j].name, list->items[i].name) == 0)
				last = j;
		if (got != list->items[last].value)
			abort();
		if (kvlist_get_ci(list, list->items[i].name) == NULL)
			abort();
	}
	if (list->len > 0) {
		char *name = strdup(list->items[0].name);

		if (name == NULL || kvlist_set(list, name, "set") < 0 ||
		    strcmp(kvlist_get(list, name), "set") != 0)
			abort();
		free(name);
	}
	kvlist_sort(list);
	for (size_t i = 1; i < list->len; i++) {
		int c = strcmp(list->items[i - 1].name, list->items[i].name);

		if (c > 0 || (c == 0 && strcmp(list->items[i - 1].value, list->items[i].value) > 0))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char *a = malloc(size + 1), *b = malloc(size + 1);
	struct kvlist list;
	int rc;

	if (a == NULL || b == NULL)
		abort();
	check_decode(text, size, 0, a);
	check_decode(text, size, 1, a);

	kvlist_init(&list);
	rc = kvlist_parse_urlencoded(&list, text, size);
	if (rc != check_pairs(text, size, &list, a, b))
		abort();
	check_list_ops(&list);
	kvlist_free(&list);
	if (list.len != 0 || list.items != NULL)
		abort();
	free(a);
	free(b);
	return 0;
}
