/*
 * iperf3 runs for lab flows.  Processes are forked with the namespace's descriptor opened
 * beforehand, so the child only calls async-signal-safe functions (setns, dup2, execvp)
 * before iperf3 replaces it.  Servers live in a small table watched by one thread that
 * reaps the ones whose test ended and kills the ones past their deadline; the PID is only
 * ever signalled while the child is unreaped, so it cannot name another process.
 */
#include "flow.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"

#define SERVERS_MAX 64
#define PORT_FIRST 5201
#define PORT_SPAN 800
#define LISTEN_WAIT_MS 5000
#define OUTPUT_MAX (4u << 20) /* iperf3 --json of 128 streams × 60 s stays well below */

__attribute__((format(printf, 2, 3))) static void set_err(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, FLOW_ERR_MAX, fmt, ap);
	va_end(ap);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- parsing ---- */

static double member_number(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

int flow_parse_iperf3(const char *text, struct flow_result *out, char *err)
{
	json_error_t jerr;
	json_t *root = json_loads(text ? text : "", 0, &jerr), *end, *streams, *s;
	json_t *received, *sent;
	const char *iperf_err;
	size_t i;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(root)) {
		set_err(err, "iperf3 output is not JSON: %s", jerr.text);
		goto out;
	}
	if ((iperf_err = json_string_value(json_object_get(root, "error"))) != NULL) {
		set_err(err, "iperf3: %s", iperf_err);
		goto out;
	}
	end = json_object_get(root, "end");
	received = json_object_get(end, "sum_received");
	sent = json_object_get(end, "sum_sent");
	streams = json_object_get(end, "streams");
	if (!json_is_object(received) || !json_is_number(json_object_get(received, "bits_per_second")) ||
	    !json_is_array(streams)) {
		set_err(err, "iperf3 output has no end.sum_received or end.streams");
		goto out;
	}
	out->total_mbps = member_number(received, "bits_per_second") / 1e6;
	out->bytes = (int64_t)member_number(received, "bytes");
	/* TCP only: UDP has no retransmissions, its sender's sum has no such member */
	out->retransmits = (int64_t)member_number(sent, "retransmits");
	json_array_foreach(streams, i, s) {
		/* TCP: per-stream sender/receiver halves; UDP: one "udp" block (the receiver's figures) */
		json_t *half = json_object_get(s, "receiver");

		if (half == NULL)
			half = json_object_get(s, "udp");
		if (!json_is_object(half) || out->stream_count >= FLOW_STREAMS_MAX) {
			set_err(err, "iperf3 output: stream %zu has no figures", i);
			goto out;
		}
		out->stream_mbps[out->stream_count++] = member_number(half, "bits_per_second") / 1e6;
		if (json_object_get(s, "udp") != NULL)
			out->lost_percent = member_number(json_object_get(end, "sum"), "lost_percent");
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* ---- processes ---- */

/*
 * Forks argv (argv[0] looked up in PATH) inside namespace ns with stdout (and stderr when
 * with_stderr) on a pipe; *out_fd is its non-blocking read end (the caller closes it).
 */
static pid_t spawn_in_ns(const char *ns, char *const argv[], bool with_stderr, int *out_fd, char *err)
{
	int nsfd = nl_netns_open(ns), pipefd[2] = { -1, -1 }, devnull = -1;
	pid_t pid = -1;

	*out_fd = -1;
	if (nsfd < 0) {
		set_err(err, "namespace %s is missing", ns);
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0 || (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		set_err(err, "pipe: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		set_err(err, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		sigset_t none;

		/* the child: async-signal-safe calls only (the parent has threads); the agent's
		 * blocked stop signals must not stay blocked in iperf3 */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		if (dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(with_stderr ? pipefd[1] : devnull, 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	*out_fd = pipefd[0];
	pipefd[0] = -1;
out:
	close(nsfd);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (devnull >= 0)
		close(devnull);
	return pid;
}

static void kill_and_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Reads fd into *buf (growing, NUL-terminated) until EOF, until stop(buf) says enough, or
 * until deadline_ms (monotonic).  1: EOF or stop; 0: deadline; -1: error or too much output.
 */
static int read_until(int fd, char **buf, size_t *len, int64_t deadline_ms, bool (*stop)(const char *buf))
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = deadline_ms - mono_ms();
		char chunk[8192];
		ssize_t n;
		char *grown;

		if (left <= 0)
			return 0;
		if (poll(&p, 1, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p.revents == 0)
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		if (n == 0)
			return 1;
		if (*len + (size_t)n > OUTPUT_MAX || (grown = realloc(*buf, *len + (size_t)n + 1)) == NULL)
			return -1;
		memcpy(grown + *len, chunk, (size_t)n);
		*buf = grown;
		*len += (size_t)n;
		grown[*len] = '\0';
		if (stop != NULL && stop(*buf))
			return 1;
	}
}

/* ---- servers ---- */

struct server_slot {
	bool used;
	int id;
	pid_t pid;
	int port;
	int out_fd; /* its output, kept open (never read) so that its writes never meet SIGPIPE */
	int64_t deadline_ms;
};

static pthread_mutex_t servers_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t servers_cv = PTHREAD_COND_INITIALIZER;
static struct server_slot servers[SERVERS_MAX];
static bool watcher_running;
static pthread_t watcher;
static int next_id = 1;
static unsigned port_cursor;

/* Forgets a slot whose process is reaped.  servers_mu held. */
static void slot_free(struct server_slot *s)
{
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
	s->used = false;
}

/* Reaps ended servers and kills those past their deadline, twice a second while any run. */
static void *watch_servers(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&servers_mu);
	for (;;) {
		struct timespec until;
		int live = 0;

		for (int i = 0; i < SERVERS_MAX; i++) {
			struct server_slot *s = &servers[i];

			/* a slot still starting has no PID, and waitpid(-1) would reap anyone's child */
			if (!s->used || s->pid <= 0)
				continue;
			if (mono_ms() >= s->deadline_ms) {
				kill(s->pid, SIGKILL);
				while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
					;
				slot_free(s);
			} else if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
				slot_free(s); /* its one test ended */
			} else {
				live++;
			}
		}
		if (live == 0) {
			watcher_running = false;
			break;
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 500 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&servers_cv, &servers_mu, &until);
	}
	pthread_mutex_unlock(&servers_mu);
	return NULL;
}

static bool says_listening(const char *buf)
{
	return strstr(buf, "Server listening on") != NULL;
}

/*
 * Starts one iperf3 server on port; 1 listening (*pid and *out_fd set: the caller keeps the
 * descriptor until it reaps the server), 0 port taken, -1 failure.
 */
static int try_server(const char *ns, int port, int lifetime_s, pid_t *pid, int *out_fd, char *err)
{
	char port_s[16], idle_s[16];
	/* -i 0: no interval reports, so that its few lines of output fit in the pipe unread */
	char *argv[] = { "iperf3", "-s", "-1", "-i", "0", "--forceflush", "-p", port_s, "--idle-timeout", idle_s, NULL };
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, r, rc = -1;

	snprintf(port_s, sizeof(port_s), "%d", port);
	snprintf(idle_s, sizeof(idle_s), "%d", lifetime_s);
	*pid = spawn_in_ns(ns, argv, true, &fd, err);
	if (*pid < 0)
		return -1;
	r = read_until(fd, &buf, &len, mono_ms() + LISTEN_WAIT_MS, says_listening);
	if (r == 1 && buf != NULL && says_listening(buf)) {
		*out_fd = fd;
		fd = -1;
		rc = 1;
		goto out;
	}
	kill_and_reap(*pid);
	*pid = -1;
	if (buf != NULL && strstr(buf, "in use") != NULL) {
		rc = 0;
		goto out;
	}
	set_err(err, "iperf3 server in %s did not listen: %.160s", ns, r == 0 ? "(no answer in time)" : buf ? buf : "");
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

int flow_server_start(const char *ns, int lifetime_s, int *id, int *port, char *err)
{
	pid_t pid = -1;
	int slot = -1, rc = -1, out_fd = -1;

	pthread_mutex_lock(&servers_mu);
	for (int i = 0; i < SERVERS_MAX && slot < 0; i++)
		if (!servers[i].used)
			slot = i;
	if (slot < 0) {
		pthread_mutex_unlock(&servers_mu);
		set_err(err, "%d flow servers run already on this agent", SERVERS_MAX);
		return -1;
	}
	/* reserved while iperf3 starts, with no PID yet: the watcher skips it */
	servers[slot] = (struct server_slot){ .used = true, .pid = -1, .out_fd = -1, .deadline_ms = INT64_MAX };
	pthread_mutex_unlock(&servers_mu);

	/* ports rotate so that concurrent flows into one host, or a port another program
	 * holds, do not fail the flow: a taken port is only skipped */
	for (int attempt = 0; attempt < 8; attempt++) {
		int r;

		pthread_mutex_lock(&servers_mu);
		*port = PORT_FIRST + (int)(port_cursor++ % PORT_SPAN);
		pthread_mutex_unlock(&servers_mu);
		r = try_server(ns, *port, lifetime_s, &pid, &out_fd, err);
		if (r < 0)
			break;
		if (r == 1) {
			rc = 0;
			break;
		}
		set_err(err, "no free port for an iperf3 server in %s", ns);
	}

	pthread_mutex_lock(&servers_mu);
	if (rc == 0) {
		servers[slot].id = next_id++;
		servers[slot].pid = pid;
		servers[slot].port = *port;
		servers[slot].out_fd = out_fd;
		servers[slot].deadline_ms = mono_ms() + (int64_t)lifetime_s * 1000;
		*id = servers[slot].id;
		if (!watcher_running && pthread_create(&watcher, NULL, watch_servers, NULL) == 0) {
			pthread_detach(watcher);
			watcher_running = true;
		}
		if (!watcher_running) {
			/* nothing would enforce its deadline: it does not run at all */
			kill_and_reap(pid);
			slot_free(&servers[slot]);
			set_err(err, "cannot start the flow watcher thread");
			rc = -1;
		}
	} else {
		slot_free(&servers[slot]);
	}
	pthread_mutex_unlock(&servers_mu);
	return rc;
}

int flow_server_stop(int id)
{
	int rc = -1;

	pthread_mutex_lock(&servers_mu);
	for (int i = 0; i < SERVERS_MAX; i++) {
		struct server_slot *s = &servers[i];

		if (s->used && s->pid > 0 && s->id == id) {
			kill_and_reap(s->pid);
			slot_free(s);
			rc = 0;
			break;
		}
	}
	pthread_cond_broadcast(&servers_cv);
	pthread_mutex_unlock(&servers_mu);
	return rc;
}

bool flow_server_known(int id)
{
	bool known = false;

	pthread_mutex_lock(&servers_mu);
	for (int i = 0; i < SERVERS_MAX && !known; i++)
		known = servers[i].used && servers[i].id == id;
	pthread_mutex_unlock(&servers_mu);
	return known;
}

void flow_stop_all(void)
{
	pthread_mutex_lock(&servers_mu);
	for (int i = 0; i < SERVERS_MAX; i++) {
		struct server_slot *s = &servers[i];

		if (s->used && s->pid > 0) {
			kill_and_reap(s->pid);
			slot_free(s);
		}
	}
	pthread_cond_broadcast(&servers_cv);
	pthread_mutex_unlock(&servers_mu);
}

/* ---- client ---- */

int flow_client_run(const char *ns, const char *target, int port, int streams, int seconds, bool udp,
		    struct flow_result *out, char *err)
{
	char port_s[16], streams_s[16], seconds_s[16], connect_s[16];
	char *argv[24];
	char *buf = NULL;
	size_t len = 0;
	int argc = 0, fd = -1, r, status = 0, rc = -1;
	pid_t pid;

	if (streams < 1 || streams > FLOW_STREAMS_MAX || seconds < 1 || seconds > FLOW_SECONDS_MAX || port < 1 ||
	    port > 65535 || target == NULL) {
		set_err(err, "streams 1-%d, seconds 1-%d, a port and a target", FLOW_STREAMS_MAX, FLOW_SECONDS_MAX);
		return -1;
	}
	snprintf(port_s, sizeof(port_s), "%d", port);
	snprintf(streams_s, sizeof(streams_s), "%d", streams);
	snprintf(seconds_s, sizeof(seconds_s), "%d", seconds);
	/* a target that does not answer fails in seconds, not after the kernel's SYN retries */
	snprintf(connect_s, sizeof(connect_s), "%d", 5000);
	argv[argc++] = "iperf3";
	argv[argc++] = "-c";
	argv[argc++] = (char *)target;
	argv[argc++] = "-p";
	argv[argc++] = port_s;
	argv[argc++] = "-P";
	argv[argc++] = streams_s;
	argv[argc++] = "-t";
	argv[argc++] = seconds_s;
	argv[argc++] = "--connect-timeout";
	argv[argc++] = connect_s;
	argv[argc++] = "-i";
	argv[argc++] = "0";
	argv[argc++] = "--json";
	if (udp) {
		argv[argc++] = "-u";
		argv[argc++] = "-b";
		argv[argc++] = "0";
	}
	argv[argc] = NULL;

	pid = spawn_in_ns(ns, argv, false, &fd, err);
	if (pid < 0)
		return -1;
	r = read_until(fd, &buf, &len, mono_ms() + (int64_t)(seconds + FLOW_SLACK_S) * 1000, NULL);
	if (r != 1) {
		kill_and_reap(pid);
		set_err(err, r == 0 ? "iperf3 client did not finish within %d s" : "reading iperf3 output failed (%d s run)",
			seconds + FLOW_SLACK_S);
		goto out;
	}
	/* EOF: iperf3 has closed its output, it exits at once; the deadline still holds */
	for (int64_t until = mono_ms() + 2000;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (mono_ms() >= until) {
			kill_and_reap(pid);
			break;
		}
		usleep(20000);
	}
	if (flow_parse_iperf3(buf, out, err) < 0)
		goto out;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}
