#include "kv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void kvlist_init(struct kvlist *list)
{
	list->items = NULL;
	list->len = 0;
	list->cap = 0;
}

void kvlist_free(struct kvlist *list)
{
	for (size_t i = 0; i < list->len; i++) {
		free(list->items[i].name);
		free(list->items[i].value);
	}
	free(list->items);
	kvlist_init(list);
}

static char *copy_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int kvlist_add(struct kvlist *list, const char *name, size_t name_len, const char *value,
	       size_t value_len)
{
	char *n = NULL, *v = NULL;

	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		struct kv *items = realloc(list->items, cap * sizeof(*items));

		if (items == NULL)
			return -1;
		list->items = items;
		list->cap = cap;
	}
	n = copy_n(name, name_len);
	v = copy_n(value ? value : "", value ? value_len : 0);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return -1;
	}
	list->items[list->len].name = n;
	list->items[list->len].value = v;
	list->len++;
	return 0;
}

int kvlist_add_str(struct kvlist *list, const char *name, const char *value)
{
	return kvlist_add(list, name, strlen(name), value, value ? strlen(value) : 0);
}

int kvlist_set(struct kvlist *list, const char *name, const char *value)
{
	for (size_t i = list->len; i-- > 0;) {
		if (strcmp(list->items[i].name, name) == 0) {
			char *v = copy_n(value, strlen(value));

			if (v == NULL)
				return -1;
			free(list->items[i].value);
			list->items[i].value = v;
			return 0;
		}
	}
	return kvlist_add_str(list, name, value);
}

const char *kvlist_get(const struct kvlist *list, const char *name)
{
	for (size_t i = list->len; i-- > 0;)
		if (strcmp(list->items[i].name, name) == 0)
			return list->items[i].value;
	return NULL;
}

const char *kvlist_get_ci(const struct kvlist *list, const char *name)
{
	for (size_t i = list->len; i-- > 0;)
		if (strcasecmp(list->items[i].name, name) == 0)
			return list->items[i].value;
	return NULL;
}

static int compare_kv(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->value, y->value);
}

void kvlist_sort(struct kvlist *list)
{
	if (list->len > 1)
		qsort(list->items, list->len, sizeof(list->items[0]), compare_kv);
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *url_decode(const char *src, size_t len, int plus_is_space, size_t *out_len)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (src[i] == '%') {
			int hi, lo;

			if (i + 2 >= len) {
				free(out);
				return NULL;
			}
			hi = hex_value((unsigned char)src[i + 1]);
			lo = hex_value((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (src[i] == '+' && plus_is_space) {
			out[o++] = ' ';
		} else {
			out[o++] = src[i];
		}
	}
	out[o] = '\0';
	if (out_len)
		*out_len = o;
	return out;
}

/* Length of the valid UTF-8 sequence at s, 0 if there is none. */
static size_t utf8_sequence(const unsigned char *s)
{
	unsigned c = s[0], need, cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		need = 2, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 3, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

void utf8_scrub(char *text)
{
	unsigned char *s = (unsigned char *)text;

	while (*s) {
		size_t n = utf8_sequence(s);

		if (n == 0) {
			*s++ = '?';
			continue;
		}
		s += n;
	}
}

int kvlist_parse_urlencoded(struct kvlist *list, const char *text, size_t len)
{
	size_t start = 0;

	while (start < len) {
		size_t end = start, eq;
		char *name = NULL, *value = NULL;
		size_t name_len = 0, value_len = 0;
		int rc;

		while (end < len && text[end] != '&')
			end++;
		if (end == start) {
			start = end + 1;
			continue;
		}
		eq = start;
		while (eq < end && text[eq] != '=')
			eq++;
		name = url_decode(text + start, eq - start, 1, &name_len);
		value = eq < end ? url_decode(text + eq + 1, end - eq - 1, 1, &value_len)
				 : url_decode("", 0, 1, &value_len);
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			return -1;
		}
		rc = kvlist_add(list, name, name_len, value, value_len);
		free(name);
		free(value);
		if (rc < 0)
			return -1;
		start = end + 1;
	}
	return 0;
}
