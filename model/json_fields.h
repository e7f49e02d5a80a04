#ifndef VL_JSON_FIELDS_H
#define VL_JSON_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

/*
 * An answer item's plain members in one call, in the order the answer shows them: the
 * same members json_put_str / json_put_int / json_put_bool would add one line each (keys
 * are literals, text is valid UTF-8 and borrowed for the call).
 */
enum json_field_type { JSON_FIELD_TEXT, JSON_FIELD_INT, JSON_FIELD_BOOL };

struct json_field {
	const char *key;
	enum json_field_type type;
	const char *text;
	int64_t number;
};

#define JSON_TEXT(key, value) ((struct json_field){ (key), JSON_FIELD_TEXT, (value), 0 })
#define JSON_INT(key, value) ((struct json_field){ (key), JSON_FIELD_INT, NULL, (value) })
#define JSON_BOOL(key, value) ((struct json_field){ (key), JSON_FIELD_BOOL, NULL, (value) })
/* An array literal and its length, as json_put_fields takes them. */
#define JSON_FIELDS(...)                                \
	(const struct json_field[]){ __VA_ARGS__ },     \
		(int)(sizeof((const struct json_field[]){ __VA_ARGS__ }) / sizeof(struct json_field))

/* Adds fields[0..count-1] to obj, in order. */
void json_put_fields(json_t *obj, const struct json_field *fields, int count);

#endif
