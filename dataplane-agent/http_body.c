#include "http_body.h"

#include <stdlib.h>
#include <string.h>

size_t http_body_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_body *b = arg;
	size_t add = size * nmemb;
	char *p;

	if (b->n + add > b->max || (p = realloc(b->p, b->n + add + 1)) == NULL)
		return 0;
	memcpy(p + b->n, data, add);
	b->p = p;
	b->n += add;
	p[b->n] = '\0';
	return add;
}
