#ifndef VL_IDS_H
#define VL_IDS_H

#include <stddef.h>

/*
 * Writes a new resource ID in the cloud's style into buf: prefix, '-', the region's
 * three-character code (region_code, e.g. "bp1" for cn-hangzhou; NULL for global
 * resources) and random lowercase base36 characters up to 24 characters after the dash
 * (vpc-bp15zckdt37pq72zvw3ab1c).  buf needs 64 bytes.
 */
void ids_new(char *buf, size_t size, const char *prefix, const char *region_code);

/* A request ID: an uppercase UUID v4 (0ED8D006-F706-4D23-88ED-E11ED28DCAC0).  buf: 37 bytes. */
void ids_request_id(char *buf, size_t size);

#endif
