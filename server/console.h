#ifndef VL_CONSOLE_H
#define VL_CONSOLE_H

#include <stdint.h>

#include "request.h"

/*
 * The terminal of `make run`: short lines for people, on stderr.  The JSON request log
 * (--log) is another thing: every request, for machines, in a file or on stdout.
 *   quiet:   start, stop and errors only;
 *   normal:  + one line per API action a user makes, agents coming and going, tunnels up
 *            and down with the reason, failovers (the default);
 *   verbose: + one line per agent-protocol request (registrations, status reports).
 */
enum console_level {
	CONSOLE_QUIET,
	CONSOLE_NORMAL,
	CONSOLE_VERBOSE,
};

struct reply;

/* Sets the level (before the server starts serving).  Returns 0, -1 for an unknown name. */
int console_set_level_name(const char *name);

/* One event line ("HH:MM:SS " + line) at level normal and above; thread-safe. */
void console_event(const char *line);

/*
 * The line of one answered request: "HH:MM:SS  POST /v1/vpcs  CreateVpc  201  [Code]
 * account  N ms" (RPC: "RPC" and the action).  agent says it was agent-protocol traffic
 * (shown only at verbose).  Borrows everything.
 */
void console_request(const struct vl_request *req, const struct reply *reply, int agent,
		     int64_t latency_us);

#endif
