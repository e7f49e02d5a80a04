#ifndef VL_KV_H
#define VL_KV_H

#include <stddef.h>

/* An ordered list of name/value strings: query and form parameters, headers. */
struct kv {
	char *name;
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t len;
	size_t cap;
};

void kvlist_init(struct kvlist *list);

/* Frees every string the list owns; the list may be reused after kvlist_init. */
void kvlist_free(struct kvlist *list);

/* Appends copies of name and value (value NULL is stored as "").  Returns 0, -1 on ENOMEM. */
int kvlist_add(struct kvlist *list, const char *name, size_t name_len, const char *value,
	       size_t value_len);
int kvlist_add_str(struct kvlist *list, const char *name, const char *value);

/* Replaces the value of the last entry called name, or appends one.  Returns 0 or -1. */
int kvlist_set(struct kvlist *list, const char *name, const char *value);

/* The value of the last entry called name, NULL if none; points to internal data. */
const char *kvlist_get(const struct kvlist *list, const char *name);

/* Case-insensitive variant of kvlist_get, for header names. */
const char *kvlist_get_ci(const struct kvlist *list, const char *name);

/* Sorts by name, then value (byte order), in O(n log n). */
void kvlist_sort(struct kvlist *list);

/*
 * Decodes "a=b&c=d" (application/x-www-form-urlencoded: %XX and '+' as space) and
 * appends each pair.  Returns 0, or -1 when a %-escape is malformed or memory runs out
 * (pairs decoded so far stay in the list).
 */
int kvlist_parse_urlencoded(struct kvlist *list, const char *text, size_t len);

/*
 * Decodes %XX escapes of src[0..len) into a new NUL-terminated string (plus_is_space
 * turns '+' into ' ').  Returns NULL on a malformed escape or ENOMEM; the caller frees.
 */
char *url_decode(const char *src, size_t len, int plus_is_space, size_t *out_len);

/*
 * Replaces, in place, every byte that is not part of a valid UTF-8 sequence with '?', so
 * text built from request bytes (error messages quoting a parameter, a truncated
 * multi-byte character) can always go into a JSON answer.
 */
void utf8_scrub(char *text);

#endif
