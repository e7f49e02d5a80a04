/* The human-readable console of the server (console.h). */
#include "console.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kv.h"
#include "server.h"

static enum console_level level = CONSOLE_NORMAL;
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;

int console_set_level_name(const char *name)
{
	if (strcmp(name, "quiet") == 0)
		level = CONSOLE_QUIET;
	else if (strcmp(name, "normal") == 0)
		level = CONSOLE_NORMAL;
	else if (strcmp(name, "verbose") == 0)
		level = CONSOLE_VERBOSE;
	else
		return -1;
	return 0;
}

/* Local wall-clock time, for people reading along. */
static void clock_text(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

static void emit(const char *line)
{
	char when[16];

	clock_text(when, sizeof(when));
	pthread_mutex_lock(&out_mu);
	fprintf(stderr, "%s  %s\n", when, line);
	fflush(stderr);
	pthread_mutex_unlock(&out_mu);
}

void console_event(const char *line)
{
	if (level >= CONSOLE_NORMAL)
		emit(line);
}

void console_request(const struct vl_request *req, const struct reply *reply, int agent,
		     int64_t latency_us)
{
	char line[512], where[200], account[sizeof(reply->account)];
	bool rpc = req->path && strcmp(req->path, "/") == 0;

	if (level < (agent ? CONSOLE_VERBOSE : CONSOLE_NORMAL))
		return;
	/* the path and the account are request bytes: cut, and scrubbed to UTF-8 */
	snprintf(where, sizeof(where), "%s %s", rpc ? "RPC" : req->method, rpc ? "" : req->path);
	snprintf(account, sizeof(account), "%s", reply->account[0] ? reply->account : "-");
	utf8_scrub(where);
	utf8_scrub(account);
	snprintf(line, sizeof(line), "%-44s %-34s %3d %s%s%s  %lld ms", where,
		 reply->action[0] ? reply->action : "-", reply->http_status,
		 reply->code[0] && strcmp(reply->code, "OK") != 0 ? reply->code : "",
		 reply->code[0] && strcmp(reply->code, "OK") != 0 ? "  " : "", account,
		 (long long)(latency_us / 1000));
	emit(line);
}
