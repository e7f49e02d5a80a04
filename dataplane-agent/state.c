/*
 * The agent's state directory: its id (kept across restarts, so its namespaces keep
 * their names), the last applied document (so a restarted agent adopts what runs), and
 * one directory per charon.
 */
#include "daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void agent_log(const char *fmt, ...)
{
	char msg[1024], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s.%03ld vpnlab-agent: %s\n", stamp, ts.tv_nsec / 1000000, msg);
}

static int mkdir_p(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int state_load_id(struct agent_daemon *d, char *err)
{
	char path[512], buf[DOC_ID_MAX] = "";
	FILE *f;

	if (mkdir_p(d->opt.state_dir) < 0) {
		snprintf(err, 256, "%s: %s", d->opt.state_dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/agent-id", d->opt.state_dir);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) == NULL)
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
	}
	if (buf[0] == '\0') {
		unsigned char r[4];

		if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
			snprintf(err, 256, "getrandom: %s", strerror(errno));
			return -1;
		}
		snprintf(buf, sizeof(buf), "agt-%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
		f = fopen(path, "w");
		if (f == NULL || fprintf(f, "%s\n", buf) < 0 || fclose(f) != 0) {
			snprintf(err, 256, "%.180s: %s", path, strerror(errno));
			return -1;
		}
	}
	snprintf(d->agent_id, sizeof(d->agent_id), "%s", buf);
	/* namespace names: "vl" and the id's random part, unique per agent on a machine */
	snprintf(d->ns_prefix, sizeof(d->ns_prefix), "vl%.6s", buf + 4);
	return 0;
}

int state_save_doc(struct agent_daemon *d, const char *text, size_t len, char *err)
{
	char path[512], tmp[520];
	int fd;

	snprintf(path, sizeof(path), "%s/applied.json", d->opt.state_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, 256, "%.180s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

char *state_load_doc(struct agent_daemon *d, size_t *len)
{
	char path[512];
	FILE *f;
	char *text = NULL;
	long n;

	snprintf(path, sizeof(path), "%s/applied.json", d->opt.state_dir);
	f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)n + 1)) != NULL) {
		if (fread(text, 1, (size_t)n, f) != (size_t)n) {
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return text;
}

void state_remove_doc(struct agent_daemon *d)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/applied.json", d->opt.state_dir);
	unlink(path);
}

void state_endpoint_dir(const struct agent_daemon *d, const char *endpoint_id, char *out, size_t size)
{
	snprintf(out, size, "%s/endpoints/%s", d->opt.state_dir, endpoint_id);
}
