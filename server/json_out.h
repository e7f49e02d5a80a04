#ifndef VL_JSON_OUT_H
#define VL_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/*
 * Compact JSON text of value, as json_dumps(value, JSON_COMPACT) writes it (keys in
 * insertion order, UTF-8 kept, control characters escaped), several times faster: the
 * answer to every request goes through here.  Returns a malloc'd NUL-terminated string
 * (length in *len when len is not NULL) that the caller frees, or NULL on ENOMEM.
 */
char *json_out_dump(const json_t *value, size_t *len);

#endif
