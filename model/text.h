#ifndef VL_TEXT_H
#define VL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The text rules every product shares: what a character is (strict UTF-8: no overlong
 * forms, surrogates or code points past U+10FFFF), and the cloud's name and description
 * rules.  Request parameters reach the model already checked to be strict UTF-8, so
 * counting and validating agree on everything the API hands in.
 */

/* True when an optional parameter is absent: NULL or "". */
static inline bool text_empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Characters in the first n bytes of s, or -1 when they are not strict UTF-8. */
long text_chars_n(const char *s, size_t n);

/* Characters in the NUL-terminated s, or -1 when it is not strict UTF-8. */
long text_chars(const char *s);

/* True when the first n bytes of s are strict UTF-8. */
bool text_valid_utf8(const char *s, size_t n);

/* Strict decimal integer (optional '-', digits only, fits in int64) into *out; false if not one. */
bool text_int64(const char *text, int64_t *out);

/* True when text starts with http:// or https:// (refused at the start of names/descriptions). */
bool text_is_url(const char *text);

/*
 * The common rule for names and descriptions: min..max characters of UTF-8, not starting
 * with http:// or https://.  text must not be NULL.
 */
bool text_valid_label(const char *text, long min, long max);

/*
 * The cloud's name rule with min..max characters: starting with a letter (any script: every
 * non-ASCII character counts as a letter), then letters, digits, '.', '_' and '-'.  A name
 * starting with http:// is refused by the character rule already (':' and '/').
 */
bool text_valid_name(const char *name, long min, long max);

/*
 * Checks the cloud's name rule: 1-128 characters (2-128 in some products), starting with a
 * letter (any script), then letters, digits, '.', '_' and '-'.
 */
bool model_valid_name(const char *name);

/* Description rule: 1-256 characters, not starting with http:// or https://. */
bool model_valid_description(const char *text);

/* Copies src (NULL: "") into dst of size bytes, truncating. */
void model_copy(char *dst, unsigned long size, const char *src);

/* Copies at most max bytes of UTF-8 src into dst (size bytes), never cutting a character (for error messages). */
void text_excerpt(char *dst, size_t size, const char *src, size_t max);

#endif
