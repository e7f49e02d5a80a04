#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

long text_chars_n(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	long chars = 0;

	while (i < n) {
		unsigned c = s[i], need, cp, min;

		chars++;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			need = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			need = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			need = 3, cp = c & 0x07, min = 0x10000;
		else
			return -1;
		if (i + need >= n)
			return -1;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		i += need + 1;
	}
	return chars;
}

long text_chars(const char *s)
{
	return text_chars_n(s, strlen(s));
}

bool text_valid_utf8(const char *s, size_t n)
{
	return text_chars_n(s, n) >= 0;
}

bool text_is_url(const char *text)
{
	return strncmp(text, "http://", 7) == 0 || strncmp(text, "https://", 8) == 0;
}

bool text_valid_label(const char *text, long min, long max)
{
	long len = text_chars(text);

	return len >= min && len <= max && !text_is_url(text);
}

bool text_valid_name(const char *name, long min, long max)
{
	long len = text_chars(name);
	unsigned char first = (unsigned char)name[0];

	if (len < min || len > max)
		return false;
	/* first character: an ASCII letter, or any non-ASCII letter (e.g. Chinese) */
	if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first >= 0x80))
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80 || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')
			continue;
		return false;
	}
	return true;
}

bool model_valid_name(const char *name)
{
	return text_valid_name(name, 1, 128);
}

bool model_valid_description(const char *text)
{
	return text_valid_label(text, 1, 256);
}

void model_copy(char *dst, unsigned long size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void text_excerpt(char *dst, size_t size, const char *src, size_t max)
{
	size_t n = strlen(src);

	if (max >= size)
		max = size - 1;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool text_int64(const char *text, int64_t *out)
{
	char *end = NULL;
	long long v;

	if (text == NULL || *text == '\0' || (*text != '-' && (*text < '0' || *text > '9')))
		return false;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}
