#ifndef VL_ERRORS_H
#define VL_ERRORS_H

#include <stdarg.h>

/* Every outcome of a request: the cloud's error codes, one enum, one name table. */
enum vl_code {
#define X(name, http, code, msg) VL_##name,
#include "errors.def"
#undef X
	VL__COUNT
};

/*
 * The error a request ends with.  code_text overrides the table's code when the
 * cloud builds it from the request (MissingVpcId); message overrides the table's message.
 */
struct vl_err {
	enum vl_code code;
	char code_text[96];
	char message[512];
};

/* Table lookups; the returned strings are static. */
const char *vl_code_name(enum vl_code code);
const char *vl_code_default_message(enum vl_code code);
int vl_code_http_status(enum vl_code code);

/* The Code and Message to show for err; point into err or static data. */
const char *vl_err_code(const struct vl_err *err);
const char *vl_err_message(const struct vl_err *err);

/*
 * Set err to code with a printf-style message (NULL fmt: the table's message).
 * Returns -1 so callers can write "return vl_err_set(...)".
 */
int vl_err_set(struct vl_err *err, enum vl_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As vl_err_set with a code text built by the caller (e.g. "MissingVpcId"). */
int vl_err_set_code(struct vl_err *err, enum vl_code code, const char *code_text,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Missing<param> (MissingParameter): "<param> is mandatory for this action.".  Returns -1. */
int vl_err_missing(struct vl_err *err, const char *param);

/* Invalid<param> (InvalidParameter): "Specified parameter <param> is not valid.".  Returns -1. */
int vl_err_invalid(struct vl_err *err, const char *param);

void vl_err_clear(struct vl_err *err);

#endif
