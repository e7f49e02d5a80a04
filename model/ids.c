#include "ids.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* Kernel randomness, for resource IDs: they must not repeat across restarts. */
static void random_bytes(void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = getrandom((char *)buf + got, len - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
}

void ids_new(char *buf, size_t size, const char *prefix, const char *region_code)
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[24];
	char tail[25];
	size_t code_len = region_code ? strlen(region_code) : 0;
	size_t n = 24 - (code_len < 24 ? code_len : 0);

	random_bytes(rnd, sizeof(rnd));
	for (size_t i = 0; i < n; i++)
		tail[i] = alphabet[rnd[i] % 36];
	tail[n] = '\0';
	snprintf(buf, size, "%s-%s%s", prefix, region_code ? region_code : "", tail);
}

/*
 * Request IDs only need to be unique, not secret: a per-thread xorshift generator seeded
 * from the kernel once spares a system call per request.
 */
static uint64_t next_request_random(void)
{
	static __thread uint64_t state;

	if (state == 0)
		while (state == 0)
			random_bytes(&state, sizeof(state));
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

void ids_request_id(char *buf, size_t size)
{
	uint8_t b[16];
	uint64_t hi = next_request_random(), lo = next_request_random();

	memcpy(b, &hi, 8);
	memcpy(b + 8, &lo, 8);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(buf, size,
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}
