/*
 * libFuzzer harness for the VICI decoder (dataplane-agent/vici.c): arbitrary bytes as a
 * message and as a packet body must never crash, leak or hang.  Whatever decodes must
 * encode again, and decoding that encoding must give the same object (names and values
 * that came from 1- and 2-byte lengths always fit; duplicates and non-UTF-8 bytes were
 * already normalised by the first decode).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "vici.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(json_t *m)
{
	char err[VICI_ERR_MAX];
	uint8_t *enc;
	size_t len;
	json_t *back;

	if (vici_msg_encode(m, &enc, &len, err) < 0) {
		fprintf(stderr, "decoded message does not encode: %s\n", err);
		abort();
	}
	back = vici_msg_decode(enc, len, err);
	if (!back || !json_equal(back, m)) {
		fprintf(stderr, "round trip changed the message: %s\n", back ? "differs" : err);
		abort();
	}
	json_decref(back);
	free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VICI_ERR_MAX], name[VICI_NAME_MAX + 1];
	json_t *m = vici_msg_decode(data, size, err);
	int type;

	if (m) {
		roundtrip(m);
		json_decref(m);
	}
	if (vici_packet_decode(data, size, &type, name, &m, err) == 0 && m) {
		roundtrip(m);
		json_decref(m);
	}
	return 0;
}
