#ifndef VL_AGENT_ERR_H
#define VL_AGENT_ERR_H

#include <stddef.h>

/*
 * Formats a one-line reason into err (size bytes) when err is not NULL; errno is left as
 * it was, so callers may set it before or after.  The agent's modules wrap it with their
 * own buffer size: #define set_err(err, ...) agent_set_err((err), X_ERR_MAX, __VA_ARGS__).
 */
void agent_set_err(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
