/*
 * Whole-request fuzzing: every input is a sequence of RPC requests (one form-encoded
 * request per line) run through the real front door, engine, model and SQLite store, so
 * the handlers and model rules see hostile values, not only the parameter parser.
 * "{VpcId}", "{VpnConnectionId}", "{TransitRouterId}" and the other ID names of id_names[]
 * in a line are replaced by the last ID of that name the server answered, so sequences
 * reach resources created earlier in the same input.  State persists across inputs.
 * The database lives on /dev/shm when it exists: fsync is free there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_client.h"
#include "auth.h"
#include "catalog.h"
#include "server.h"

/* the agent actions need the agent token: every request carries it, so they are fuzzed too */
#define FUZZ_AGENT_TOKEN "fuzz-agent-token-0123456789"

static struct server srv;
static int ready;

static const char *const id_names[] = {
	"VpcId", "VSwitchId", "VpnGatewayId", "CustomerGatewayId", "VpnConnectionId",
	"CenId", "TransitRouterId", "TransitRouterAttachmentId", "TransitRouterRouteTableId",
	"TransitRouterRouteEntryId",
};
#define ID_COUNT (sizeof(id_names) / sizeof(id_names[0]))
static char ids[ID_COUNT][64];

static void setup(void)
{
	char path[128];
	struct vl_err err;

	snprintf(path, sizeof(path), "%s/vpnlab-fuzz-%d.db",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp", (int)getpid());
	unlink(path);
	model_config_defaults(&srv.model);
	srv.model.transition_delay_ms = 0;
	srv.model.catalog = catalog_default();
	srv.metrics = metrics_new();
	auth_agent_token_set(FUZZ_AGENT_TOKEN);
	if (auth_create(&srv.auth, AUTH_OPEN, NULL, &err) < 0 ||
	    engine_start(&srv.engine, path, 2, &srv.model, &err) < 0) {
		fprintf(stderr, "fuzz_rpc setup: %s\n", vl_err_message(&err));
		abort();
	}
	ready = 1;
}

/* Copies line into out, replacing {Name} placeholders by remembered IDs. */
static void expand(const char *line, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < size;) {
		size_t k;

		if (line[i] == '{') {
			for (k = 0; k < ID_COUNT; k++) {
				size_t n = strlen(id_names[k]);

				if (i + n + 2 <= len && strncmp(line + i + 1, id_names[k], n) == 0 &&
				    line[i + 1 + n] == '}') {
					size_t v = strlen(ids[k]);

					if (o + v + 1 < size) {
						memcpy(out + o, ids[k], v);
						o += v;
					}
					i += n + 2;
					break;
				}
			}
			if (k < ID_COUNT)
				continue;
		}
		out[o++] = line[i++];
	}
	out[o] = '\0';
}

static void remember_ids(const json_t *body)
{
	for (size_t k = 0; k < ID_COUNT; k++) {
		const char *v = json_string_value(json_object_get(body, id_names[k]));

		if (v && strlen(v) < sizeof(ids[k]))
			snprintf(ids[k], sizeof(ids[k]), "%s", v);
	}
}

static const char *text_of(const char *s)
{
	return s ? s : "";
}

static const char *current_line = "";

static void run_one(const char *text)
{
	struct vl_request req;
	struct reply reply;

	current_line = text;
	memset(&req, 0, sizeof(req));
	memset(&reply, 0, sizeof(reply));
	snprintf(req.method, sizeof(req.method), "POST");
	req.path = (char *)"/";
	kvlist_init(&req.query);
	kvlist_init(&req.form);
	kvlist_init(&req.headers);
	kvlist_add_str(&req.headers, "x-vpnlab-agent-token", FUZZ_AGENT_TOKEN);
	snprintf(reply.request_id, sizeof(reply.request_id), "FUZZ");
	if (kvlist_parse_urlencoded(&req.form, text, strlen(text)) == 0 &&
	    req.form.len <= 1000) {
		if (kvlist_get(&req.form, "Version") == NULL)
			kvlist_add_str(&req.form, "Version", "2016-04-28");
		if (kvlist_get(&req.form, "RegionId") == NULL)
			kvlist_add_str(&req.form, "RegionId", "cn-hangzhou");
		rpc_handle(&srv, &req, &reply);
		if (reply.body == NULL || reply.http_status < 200 || reply.http_status > 599)
			abort(); /* every request gets an answer */
		if (reply.http_status == 500) { /* hostile input must not reach InternalError */
			char *text = json_dumps(reply.body, 0);

			fprintf(stderr, "fuzz_rpc: 500 for [%s]: %s\n", text_of(current_line), text ? text : "");
			free(text);
			abort();
		}
		if (reply.http_status == 200)
			remember_ids(reply.body);
	}
	json_decref(reply.body);
	kvlist_free(&req.query);
	kvlist_free(&req.form);
	kvlist_free(&req.headers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[8192];
	size_t start = 0;
	int lines = 0;

	if (!ready)
		setup();
	while (start < size && lines < 16) {
		size_t end = start;

		while (end < size && data[end] != '\n')
			end++;
		expand((const char *)data + start, end - start, line, sizeof(line));
		run_one(line);
		start = end + 1;
		lines++;
	}
	return 0;
}
