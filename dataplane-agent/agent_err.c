/* The agent's error-reason formatter (agent_err.h). */
#include "agent_err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

void agent_set_err(char *err, size_t size, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (err != NULL && size > 0) {
		va_start(ap, fmt);
		vsnprintf(err, size, fmt, ap);
		va_end(ap);
	}
	errno = saved;
}
