#include "errors.h"

#include <stdio.h>
#include <string.h>

struct code_entry {
	int http;
	const char *code;
	const char *message;
};

static const struct code_entry code_table[VL__COUNT] = {
#define X(name, http, code, msg) [VL_##name] = { http, code, msg },
#include "errors.def"
#undef X
};

const char *vl_code_name(enum vl_code code)
{
	return (unsigned)code < VL__COUNT ? code_table[code].code : "InternalError";
}

const char *vl_code_default_message(enum vl_code code)
{
	return (unsigned)code < VL__COUNT ? code_table[code].message : "";
}

int vl_code_http_status(enum vl_code code)
{
	return (unsigned)code < VL__COUNT ? code_table[code].http : 500;
}

const char *vl_err_code(const struct vl_err *err)
{
	return err->code_text[0] ? err->code_text : vl_code_name(err->code);
}

const char *vl_err_message(const struct vl_err *err)
{
	return err->message[0] ? err->message : vl_code_default_message(err->code);
}

void vl_err_clear(struct vl_err *err)
{
	err->code = VL_OK;
	err->code_text[0] = '\0';
	err->message[0] = '\0';
}

static void set_message(struct vl_err *err, const char *fmt, va_list ap)
{
	if (fmt)
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
	else
		err->message[0] = '\0';
}

int vl_err_set(struct vl_err *err, enum vl_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->code_text[0] = '\0';
	va_start(ap, fmt);
	set_message(err, fmt, ap);
	va_end(ap);
	return -1;
}

int vl_err_set_code(struct vl_err *err, enum vl_code code, const char *code_text,
		    const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	snprintf(err->code_text, sizeof(err->code_text), "%s", code_text);
	va_start(ap, fmt);
	set_message(err, fmt, ap);
	va_end(ap);
	return -1;
}

int vl_err_missing(struct vl_err *err, const char *param)
{
	char code[200];

	snprintf(code, sizeof(code), "Missing%s", param);
	return vl_err_set_code(err, VL_MISSING_PARAMETER, code, "%s is mandatory for this action.", param);
}

int vl_err_invalid(struct vl_err *err, const char *param)
{
	char code[200];

	snprintf(code, sizeof(code), "Invalid%s", param);
	return vl_err_set_code(err, VL_INVALID_PARAMETER, code, "Specified parameter %s is not valid.", param);
}
