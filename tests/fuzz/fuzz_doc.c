/* libFuzzer target: the desired-state document parser (dataplane-agent/doc.c) on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_desired d;
	char err[DOC_ERR_MAX];

	if (doc_parse_text((const char *)data, size, &d, err) == 0)
		doc_free(&d);
	return 0;
}
