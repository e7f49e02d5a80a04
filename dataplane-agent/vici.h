#ifndef VL_VICI_H
#define VL_VICI_H

/*
 * A small client for strongSwan's VICI protocol (src/libcharon/plugins/vici/README.md),
 * written here because Debian ships libvici without headers.
 *
 * Wire format: every packet is a 4-byte big-endian length, then a type byte, then (for
 * named types) a 1-byte name length and the name, then (for types that carry one) a
 * message.  A message is a sequence of elements: SECTION_START name, SECTION_END,
 * KEY_VALUE name value, LIST_START name, LIST_ITEM value, LIST_END; names have 1-byte
 * lengths, values 2-byte big-endian lengths.
 *
 * Messages map onto jansson: a message or section is an object, a list an array of
 * strings, a value a string.  Encoding also accepts integers, reals and booleans
 * ("yes"/"no") as values and skips nulls.  Decoded bytes that are not UTF-8 (or NUL in a
 * name) become '?': VICI carries text for everything this project asks for.
 *
 * Functions return 0 or -1 with a one-line reason in err (VICI_ERR_MAX bytes) when err is
 * not NULL.
 */

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define VICI_ERR_MAX 256
#define VICI_PACKET_MAX (512 * 1024) /* charon's own limit (VICI_MESSAGE_SIZE_MAX) */
#define VICI_DEPTH_MAX 32	     /* section nesting accepted by the decoder */
#define VICI_NAME_MAX 255

/*
 * Formats a message into err (VICI_ERR_MAX bytes; NULL: nothing happens).  Exported so that
 * the strongSwan backend, whose messages have the same bound, reports the same way.
 */
void vici_seterr(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum vici_packet_type {
	VICI_CMD_REQUEST = 0,	 /* named, with message */
	VICI_CMD_RESPONSE = 1,	 /* message */
	VICI_CMD_UNKNOWN = 2,	 /* nothing */
	VICI_EVENT_REGISTER = 3, /* named */
	VICI_EVENT_UNREGISTER = 4,
	VICI_EVENT_CONFIRM = 5,	 /* nothing */
	VICI_EVENT_UNKNOWN = 6,	 /* nothing */
	VICI_EVENT = 7,		 /* named, with message */
};

enum vici_element {
	VICI_SECTION_START = 1,
	VICI_SECTION_END = 2,
	VICI_KEY_VALUE = 3,
	VICI_LIST_START = 4,
	VICI_LIST_ITEM = 5,
	VICI_LIST_END = 6,
};

/* ---- codec (no I/O; safe on any input) ---- */

/*
 * Decodes message bytes data[0..len) into a new object (caller owns), or NULL with err set
 * on malformed input (truncated element, element out of place, unbalanced sections or
 * lists, nesting deeper than VICI_DEPTH_MAX).  len 0 gives an empty object.
 */
json_t *vici_msg_decode(const void *data, size_t len, char *err);

/*
 * Encodes object msg (NULL: empty message) into *data (malloc'd, caller frees), *len.
 * Fails on names over 255 bytes, values over 65535 bytes, arrays holding objects or
 * arrays, nesting deeper than VICI_DEPTH_MAX, or a result over VICI_PACKET_MAX.
 */
int vici_msg_encode(const json_t *msg, uint8_t **data, size_t *len, char *err);

/*
 * Decodes one packet body (without the 4-byte length): *type, name (VICI_NAME_MAX + 1
 * bytes, "" for unnamed types) and *msg (new object, caller owns; NULL for types without
 * a message).  Fails on unknown types and on bytes a type does not carry.
 */
int vici_packet_decode(const void *data, size_t len, int *type, char *name, json_t **msg, char *err);

/*
 * Encodes a whole packet, length prefix included, into *data (malloc'd), *len.  name is
 * used by named types only, msg by types with a message only (NULL: empty).
 */
int vici_packet_encode(int type, const char *name, const json_t *msg, uint8_t **data, size_t *len, char *err);

/* ---- client ---- */

struct vici_conn;

/*
 * Connects to the VICI unix socket at path.  timeout_ms bounds the connect and then each
 * later request as a whole.  *out owned by the caller (vici_close).
 */
int vici_connect(const char *path, int timeout_ms, struct vici_conn **out, char *err);
/* Closes and frees c.  NULL ok. */
void vici_close(struct vici_conn *c);

/*
 * Sends command cmd with args (NULL: empty message) and waits for its response, stored
 * in *answer (new object, caller owns).  A command charon does not know is an error.
 * Events arriving meanwhile are skipped.  After any I/O or protocol error the connection
 * is unusable (later calls fail): close it.
 */
int vici_request(struct vici_conn *c, const char *cmd, const json_t *args, json_t **answer, char *err);

/*
 * A streamed command (list-sas, list-conns, …): registers for event, sends cmd with args,
 * collects every event message that arrives before the response into *events (new array,
 * caller owns), stores the response in *answer (new object, caller owns; answer may be
 * NULL when not needed) and unregisters.
 */
int vici_request_stream(struct vici_conn *c, const char *cmd, const char *event, const json_t *args,
			json_t **events, json_t **answer, char *err);

#endif
