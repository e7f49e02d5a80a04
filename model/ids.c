#include "ids.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

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

void ids_request_id(char *buf, size_t size)
{
	uint8_t b[16];

	random_bytes(b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(buf, size,
		 "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		 b[12], b[13], b[14], b[15]);
}
