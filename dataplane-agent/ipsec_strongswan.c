/*
 * The strongSwan backends of ipsec.h: one charon per endpoint namespace, configured and
 * driven over VICI (vici.h; tunnels load as load-conn messages, ipsec_swan_conf.c), its
 * files in the instance directory:
 *
 *   strongswan.conf  written here: plugin list, VICI socket, file logger
 *   vici             charon's VICI socket
 *   charon.log       charon's file logger (drain_logs tails it)
 *   charon.stdout    charon's stdout/stderr (startup failures land here)
 *   charon.pid       written here: the pid of the charon serving this directory
 *
 * charon is started in the endpoint's network namespace with a private mount namespace
 * in which /run is a fresh tmpfs, so each instance has its own /run/charon.pid (charon
 * refuses to start when that file names a live charon).  The mount namespace is made a
 * slave of the agent's, so namespaces the agent later deletes are not pinned by charon.
 *
 * The two backends differ only in the plugin list: kernel-libipsec (ESP in charon, over a
 * TUN device, for kernels without ESP) or only kernel-netlink (the kernel's XFRM does ESP).
 * kernel-libipsec still needs kernel-netlink for addresses and routes; charon uses the
 * first kernel-ipsec provider it loads, hence kernel-libipsec comes first.
 */
#include "ipsec.h"
#include "daemon.h" /* agent_log */
#include "vici.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libmnl/libmnl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHARON_PATH "/usr/lib/ipsec/charon"
#define CHILD_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define VICI_TIMEOUT_MS 5000
#define START_WAIT_MS 5000
#define STOP_WAIT_MS 3000

/*
 * charon's worker threads (charon.threads, 16 by default).  Long-running jobs hold 8 of
 * them with kernel-libipsec (scheduler, watcher, receiver, sender, kernel-netlink events,
 * libipsec's inbound and outbound processors, the TUN reader; with 8 threads a VICI
 * request never gets a worker), fewer with the kernel backend; the rest run IKE exchanges and
 * VICI requests, a blocking initiate/terminate holding one while it waits.  4 spare
 * workers keep a gateway endpoint with 100 tunnels responsive.
 */
#define CHARON_THREADS 12
/*
 * glibc gives each thread that allocates its own arena (up to 8 per core), and libipsec
 * allocates per packet in three threads: two arenas keep 0.3-0.6 MiB per charon after
 * traffic, with no throughput cost measurable on the lab machine.
 */
#define CHARON_MALLOC_ENV "MALLOC_ARENA_MAX=2"
/*
 * With kernel-libipsec every ESP packet reaches charon on its UDP socket (ESP in UDP, port
 * 4500), read by one receiver thread.  socket-default leaves the socket's receive buffer at
 * net.core.rmem_default (208 KiB here), which is read-only inside a network namespace, so
 * it holds ≈90 packets: whenever the receiver waits a few milliseconds for a CPU, the
 * kernel drops what arrives (UdpRcvbufErrors).  On the lab machine that was 7-10 % of a
 * tunnel's ESP packets under iperf3, and TCP through the tunnel ran loss-limited (bench/lab.js:
 * 0.59-0.82x a hand-built pair's rate on a loaded machine, 0.92-1.4x with the larger buffer).
 * The agent sets IPSEC_UDP_RCVBUF on charon's sockets itself (pidfd_getfd, SO_RCVBUFFORCE).
 * 4 MiB as getsockopt reports it (the kernel doubles the value set for its bookkeeping)
 * hold ≈1,700 ESP packets, ≈60 ms at 300 Mbit/s.
 */
#define IPSEC_UDP_RCVBUF_SET (IPSEC_UDP_RCVBUF / 2)

#define PLUGINS_COMMON "random nonce openssl kdf pem pkcs1 x509 socket-default"
#define PLUGINS_LIBIPSEC PLUGINS_COMMON " kernel-libipsec kernel-netlink vici"
#define PLUGINS_KERNEL PLUGINS_COMMON " kernel-netlink vici"

struct ipsec_instance {
	const struct ipsec_backend_ops *ops;
	char ns[NAME_MAX + 1];
	char dir[PATH_MAX]; /* canonical (realpath) */
	char label[64];
	char vici[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pid_t pid;
	bool scratch;  /* see ipsec_instance_cfg */
	off_t log_off; /* charon.log is consumed up to here */
};

/* err buffers here are IPSEC_ERR_MAX bytes; the VICI client's formatter bounds by its own size */
_Static_assert(IPSEC_ERR_MAX == VICI_ERR_MAX, "vici_seterr() must fit IPSEC_ERR_MAX buffers");

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* dir/name into buf (PATH_MAX); -1 if it does not fit. */
static int dpath(const struct ipsec_instance *in, const char *name, char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", in->dir, name);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* ---- small file helpers ---- */

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -1 : 0;
}

/*
 * Reads at most max bytes from fd's offset on into a malloc'd NUL-terminated buffer (NUL bytes
 * kept; NULL when out of memory), its length in *len if len is not NULL.  Closes fd.
 */
static char *read_fd(int fd, size_t max, size_t *len)
{
	char *buf = malloc(max + 1);
	size_t n = 0;

	while (buf && n < max) {
		ssize_t k = read(fd, buf + n, max - n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

/* Reads a whole small file into a malloc'd NUL-terminated buffer (NUL bytes kept), or NULL. */
static char *read_small(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? NULL : read_fd(fd, max, len);
}

/* Writes text to path through a temporary file and rename (readers never see half a file). */
static int write_atomic(const char *path, const char *text, char *err)
{
	char tmp[PATH_MAX + 8];
	size_t len = strlen(text), off = 0;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		vici_seterr(err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t k = write(fd, text + off, len - off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			vici_seterr(err, "%s: %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)k;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		vici_seterr(err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* ---- processes ---- */

/*
 * True when pid is a live charon serving directory dir: its argv[0] is charon and its
 * environment names dir's strongswan.conf.  A zombie has no cmdline, so it is not live.
 */
static bool is_our_charon(pid_t pid, const char *dir)
{
	char path[64], want[PATH_MAX + 32], *buf;
	size_t len;
	bool ok = false;

	if (pid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	buf = read_small(path, 4096, &len);
	if (!buf)
		return false;
	if (len > 0) {
		const char *base = strrchr(buf, '/');

		ok = strcmp(base ? base + 1 : buf, "charon") == 0;
	}
	free(buf);
	if (!ok)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	snprintf(want, sizeof(want), "STRONGSWAN_CONF=%s/strongswan.conf", dir);
	buf = read_small(path, 1 << 16, &len);
	ok = false;
	for (size_t i = 0; buf && i < len; i += strlen(buf + i) + 1)
		if (strcmp(buf + i, want) == 0)
			ok = true;
	free(buf);
	return ok;
}

/* Whether pid runs in named namespace ns (same nsfs inode). */
static bool in_netns(pid_t pid, const char *ns)
{
	char a[64], b[PATH_MAX];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/ns/net", (int)pid);
	snprintf(b, sizeof(b), "/run/netns/%s", ns);
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Whether the instance's charon still runs.  Reaps it when it is our child, also one we
 * adopted after a detach in this same process (waitpid fails harmlessly otherwise).
 */
static bool charon_alive(struct ipsec_instance *in)
{
	int st;

	if (in->pid <= 0)
		return false;
	if (waitpid(in->pid, &st, WNOHANG) == in->pid)
		return false;
	return is_our_charon(in->pid, in->dir);
}

/*
 * Collects the exit status of pid if it is our child.  A charon that has let go of its
 * memory no longer looks alive to is_our_charon, but may not be a zombie yet: wait a
 * little for it rather than leave one behind.
 */
static void reap(pid_t pid)
{
	int64_t deadline = mono_ms() + 500;

	for (;;) {
		pid_t r = waitpid(pid, NULL, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR) || mono_ms() >= deadline)
			return;
		sleep_ms(5);
	}
}

/* Whether any of the count instances (NULL entries skipped) still runs a charon. */
static bool any_alive(struct ipsec_instance **ins, int count)
{
	bool any = false;

	for (int i = 0; i < count; i++)
		if (ins[i] != NULL && charon_alive(ins[i]))
			any = true;
	return any;
}

/*
 * Stops the charons of count instances together: SIGTERM to every one, one shared wait of
 * up to STOP_WAIT_MS, then SIGKILL to each still running.  A charon takes a second or two
 * to shut down on a loaded machine, so N of them take about the time of one, not N times
 * it.  Only ever signals a verified charon (charon_alive re-checks before each signal).
 */
static void charons_kill(struct ipsec_instance **ins, int count)
{
	int64_t deadline;

	for (int i = 0; i < count; i++)
		if (ins[i] != NULL && charon_alive(ins[i]))
			kill(ins[i]->pid, SIGTERM);
	deadline = mono_ms() + STOP_WAIT_MS;
	while (any_alive(ins, count) && mono_ms() < deadline)
		sleep_ms(20);
	for (int i = 0; i < count; i++)
		if (ins[i] != NULL && charon_alive(ins[i]))
			kill(ins[i]->pid, SIGKILL);
	deadline = mono_ms() + 1000;
	while (any_alive(ins, count) && mono_ms() < deadline)
		sleep_ms(10);
	for (int i = 0; i < count; i++)
		if (ins[i] != NULL && ins[i]->pid > 0)
			reap(ins[i]->pid);
}

/* SIGTERM, wait up to STOP_WAIT_MS, then SIGKILL; only ever signals a verified charon. */
static void charon_kill(struct ipsec_instance *in)
{
	charons_kill(&in, 1);
}

/* ---- VICI helpers ---- */

static int vici_open(const struct ipsec_instance *in, struct vici_conn **c, char *err)
{
	char verr[VICI_ERR_MAX];

	if (vici_connect(in->vici, VICI_TIMEOUT_MS, c, verr) < 0) {
		vici_seterr(err, "%s: %s", in->label, verr);
		return -1;
	}
	return 0;
}

/* A command whose answer carries success/errmsg; ok_msg is an errmsg that counts as success. */
static int vici_cmd(const struct ipsec_instance *in, const char *cmd, json_t *args, const char *ok_msg,
		    char *err)
{
	struct vici_conn *c = NULL;
	char verr[VICI_ERR_MAX];
	json_t *ans = NULL;
	const char *succ, *msg;
	int rc = -1;

	if (vici_open(in, &c, err) < 0)
		goto out;
	if (vici_request(c, cmd, args, &ans, verr) < 0) {
		vici_seterr(err, "%s: %s: %s", in->label, cmd, verr);
		goto out;
	}
	succ = json_string_value(json_object_get(ans, "success"));
	msg = json_string_value(json_object_get(ans, "errmsg"));
	if (succ && strcmp(succ, "yes") == 0) {
		rc = 0;
	} else if (ok_msg && msg && strcmp(msg, ok_msg) == 0) {
		rc = 0;
	} else {
		vici_seterr(err, "%s: %s: %s", in->label, cmd, msg ? msg : "failed");
	}
out:
	json_decref(ans);
	vici_close(c);
	return rc;
}

/* Whether the VICI socket at path answers "version" within timeout_ms. */
static bool vici_answers(const char *path, int timeout_ms)
{
	struct vici_conn *c;
	json_t *ans = NULL;
	bool ok;

	if (vici_connect(path, timeout_ms, &c, NULL) < 0)
		return false;
	ok = vici_request(c, "version", NULL, &ans, NULL) == 0 && json_object_get(ans, "daemon");
	json_decref(ans);
	vici_close(c);
	return ok;
}

/* ---- starting charon ---- */

static const char *const spawn_steps[] = {
	"setpgid", "setns", "unshare(CLONE_NEWNS)", "make / rslave", "open instance dir", "mount tmpfs on /run",
	"bind instance dir under /run", "dup2", ("exec " CHARON_PATH),
};

struct spawn_fail {
	int step;
	int err;
};

static void __attribute__((noreturn)) spawn_fail(int fd, int step)
{
	struct spawn_fail f = { step, errno };

	if (write(fd, &f, sizeof(f)) < 0) {
		/* nothing left to tell */
	}
	_exit(127);
}

/* Writes "/proc/self/fd/N" into buf without stdio (we are between fork and exec). */
static void fd_path(char *buf, int fd)
{
	static const char pre[] = "/proc/self/fd/";
	char digits[12];
	int n = 0;

	memcpy(buf, pre, sizeof(pre));
	do
		digits[n++] = (char)('0' + fd % 10);
	while ((fd /= 10) > 0);
	buf += sizeof(pre) - 1;
	while (n)
		*buf++ = digits[--n];
	*buf = '\0';
}

/*
 * The child between fork and exec: only async-signal-safe calls (the agent has threads).
 * dir_copy is a writable copy of the instance dir for mkdir -p.
 */
static void __attribute__((noreturn)) spawn_child(int nsfd, int outfd, int nullfd, int efd, char *dir_copy,
						  bool under_run, bool scratch, pid_t parent, char *const envp[])
{
	char *const argv[] = { "charon", NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	char src[32];
	int dfd = -1;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL);
	/*
	 * Its own process group: signals to the agent's group (a terminal's ^C) do not reach
	 * charon.  Not its own session: with autogroup scheduling (Linux's default) every
	 * session is a scheduling group, and a tunnel whose charons sit in groups of their own
	 * waits for a cross-group wakeup at each of libipsec's hand-offs: in bench/lab.js on a
	 * loaded machine its rate between the two endpoints was 0.47-0.59x a hand-built pair's,
	 * and 0.82-0.89x with the charons in the agent's session.
	 */
	if (setpgid(0, 0) < 0)
		spawn_fail(efd, 0);
	/* a scratch charon goes with its starter, also when the agent is killed (SIGKILL) */
	if (scratch && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent))
		spawn_fail(efd, 0);
	if (setns(nsfd, CLONE_NEWNET) < 0)
		spawn_fail(efd, 1);
	if (unshare(CLONE_NEWNS) < 0)
		spawn_fail(efd, 2);
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		spawn_fail(efd, 3);
	if (under_run) {
		/* opened in the new mount namespace: a bind source must belong to it */
		dfd = open(dir_copy, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			spawn_fail(efd, 4);
	}
	if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m") < 0)
		spawn_fail(efd, 5);
	if (under_run) {
		for (char *p = dir_copy + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			mkdir(dir_copy, 0755);
			*p = '/';
		}
		mkdir(dir_copy, 0700);
		fd_path(src, dfd);
		if (mount(src, dir_copy, NULL, MS_BIND, NULL) < 0)
			spawn_fail(efd, 6);
	}
	if (dup2(nullfd, 0) < 0 || dup2(outfd, 1) < 0 || dup2(outfd, 2) < 0)
		spawn_fail(efd, 7);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); /* efd is CLOEXEC already */
	execve(CHARON_PATH, argv, envp);
	spawn_fail(efd, 8);
}


/*
 * Moves fd above 0..2: the child dup2s onto 0, 1 and 2, which must not clobber a source
 * (a daemon may run with its standard descriptors closed).
 */
static int above_stdio(int fd)
{
	int moved;

	if (fd < 0 || fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

static int spawn_charon(struct ipsec_instance *in, char *err)
{
	char path[PATH_MAX], conf_env[PATH_MAX + 32], *dir_copy = NULL;
	char *envp[] = { conf_env, CHILD_PATH_ENV, CHARON_MALLOC_ENV, NULL };
	int nsfd = -1, outfd = -1, nullfd = -1, efd[2] = { -1, -1 }, rc = -1;
	bool under_run = strncmp(in->dir, "/run/", 5) == 0;
	struct spawn_fail f;
	ssize_t n;
	pid_t pid, parent;

	snprintf(path, sizeof(path), "/run/netns/%s", in->ns);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0) {
		vici_seterr(err, "%s: namespace %s: %s", in->label, in->ns, strerror(errno));
		goto out;
	}
	if (dpath(in, "charon.stdout", path) < 0)
		goto toolong;
	outfd = above_stdio(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600));
	nullfd = above_stdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (outfd < 0 || nullfd < 0 || pipe2(efd, O_CLOEXEC) < 0) {
		vici_seterr(err, "%s: %s: %s", in->label, path, strerror(errno));
		goto out;
	}
	snprintf(conf_env, sizeof(conf_env), "STRONGSWAN_CONF=%s/strongswan.conf", in->dir);
	dir_copy = strdup(in->dir);
	if (!dir_copy) {
		vici_seterr(err, "out of memory");
		goto out;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		vici_seterr(err, "%s: fork: %s", in->label, strerror(errno));
		goto out;
	}
	if (pid == 0)
		spawn_child(nsfd, outfd, nullfd, efd[1], dir_copy, under_run, in->scratch, parent, envp);
	close(efd[1]);
	efd[1] = -1;
	do
		n = read(efd[0], &f, sizeof(f));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(f)) {
		waitpid(pid, NULL, 0);
		vici_seterr(err, "%s: starting charon: %s: %s%s", in->label,
			    f.step >= 0 && f.step < (int)(sizeof(spawn_steps) / sizeof(spawn_steps[0]))
				    ? spawn_steps[f.step]
				    : "?",
			    strerror(f.err),
			    f.step == 8 && f.err == ENOENT ? " (install the Debian package strongswan-charon)" : "");
		goto out;
	}
	in->pid = pid;
	rc = 0;
	goto out;
toolong:
	vici_seterr(err, "%s: instance path too long", in->label);
out:
	free(dir_copy);
	if (nsfd >= 0)
		close(nsfd);
	if (outfd >= 0)
		close(outfd);
	if (nullfd >= 0)
		close(nullfd);
	if (efd[0] >= 0)
		close(efd[0]);
	if (efd[1] >= 0)
		close(efd[1]);
	return rc;
}

static int write_charon_conf(const struct ipsec_instance *in, const char *plugins, char *err)
{
	char path[PATH_MAX], *text = NULL;
	int rc;

	if (dpath(in, "strongswan.conf", path) < 0) {
		vici_seterr(err, "%s: instance path too long", in->label);
		return -1;
	}
	/*
	 * Retransmits: 1 s, ×1.2 each, 3 tries: a dead peer is given up ≈5.4 s after DPD (or
	 * any exchange) found it silent, so dual-tunnel failover, which DPD decides, takes
	 * dpd_delay + ≈5.4 s; the emulated links lose nothing but what a lab fault drops.
	 * Aggressive mode with PSK is what some emulated peers negotiate; charon only answers
	 * it with the long-named option set.
	 */
	if (asprintf(&text,
		     "# written by vpnlab-agent for instance %s; rewritten at every start\n"
		     "charon {\n"
		     "\tload = %s\n"
		     "\tthreads = %d\n"
		     "\tinstall_routes = yes\n"
		     "\tinstall_virtual_ip = no\n"
		     "\tport = 500\n"
		     "\tport_nat_t = 4500\n"
		     "\tretransmit_timeout = 1.0\n"
		     "\tretransmit_base = 1.2\n"
		     "\tretransmit_tries = 3\n"
		     "\ti_dont_care_about_security_and_use_aggressive_mode_psk = yes\n"
		     "\tplugins {\n"
		     "\t\tvici {\n"
		     "\t\t\tsocket = unix://%s\n"
		     "\t\t}\n"
		     "\t}\n"
		     "\tsyslog {\n"
		     "\t}\n"
		     "\tfilelog {\n"
		     "\t\tvpnlab {\n"
		     "\t\t\tpath = %s/charon.log\n"
		     "\t\t\ttime_format = %%s\n"
		     "\t\t\ttime_add_ms = yes\n"
		     "\t\t\tike_name = yes\n"
		     "\t\t\tappend = yes\n"
		     "\t\t\tflush_line = yes\n"
		     "\t\t\tdefault = 1\n"
		     "\t\t\tike = 2\n"
		     "\t\t\tcfg = 1\n"
		     "\t\t\tknl = 1\n"
		     "\t\t\tnet = 1\n"
		     "\t\t}\n"
		     "\t}\n"
		     "}\n"
		     "# swanctl reads this file too: only what PSK configurations need\n"
		     "swanctl {\n"
		     "\tload = random openssl pem pkcs1 x509\n"
		     "}\n",
		     in->label, plugins, CHARON_THREADS, in->vici, in->dir) < 0) {
		vici_seterr(err, "out of memory");
		return -1;
	}
	rc = write_atomic(path, text, err);
	free(text);
	return rc;
}

/* ---- start failures ---- */

static void parse_log_line(const char *line, size_t len, struct ipsec_log_line *out);

/* The plugins the backends load, and the Debian package that ships each (dpkg -S on Debian 12). */
static const struct {
	const char *plugin, *package;
} plugin_packages[] = {
	{ "openssl", "libstrongswan-standard-plugins" },
	{ "kernel-libipsec", "libcharon-extra-plugins" },
	{ "random", "libstrongswan" },
	{ "nonce", "libstrongswan" },
	{ "kdf", "libstrongswan" },
	{ "pem", "libstrongswan" },
	{ "pkcs1", "libstrongswan" },
	{ "x509", "libstrongswan" },
	{ "kernel-netlink", "libstrongswan" },
	{ "socket-default", "strongswan-libcharon" },
	{ "vici", "strongswan-swanctl" },
};

const char *ipsec_plugin_package(const char *plugin)
{
	for (size_t i = 0; plugin && i < sizeof(plugin_packages) / sizeof(plugin_packages[0]); i++)
		if (strcmp(plugin_packages[i].plugin, plugin) == 0)
			return plugin_packages[i].package;
	return NULL;
}

/* The lines of dir/name (malloc'd text, NULL when unreadable); the last 64 KiB at most. */
static char *read_tail(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > (1 << 16))
		lseek(fd, st.st_size - (1 << 16), SEEK_SET);
	return read_fd(fd, 1 << 16, NULL);
}

int ipsec_start_log(const char *dir, struct ipsec_log_line *lines, int max)
{
	char *text = read_tail(dir, "charon.log"), *save = NULL;
	struct ipsec_log_line *ring;
	int count = 0, n;

	if (!text || max <= 0) {
		free(text);
		return 0;
	}
	ring = malloc(sizeof(*ring) * (size_t)max);
	for (char *line = ring ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save))
		parse_log_line(line, strlen(line), &ring[count++ % max]);
	n = count < max ? count : max;
	for (int i = 0; i < n; i++)
		lines[i] = ring[(count - n + i) % max];
	free(ring);
	free(text);
	return n;
}

/*
 * The most telling line of a charon that died at start.  Its last words ("initialization
 * failed - aborting charon") say nothing: the cause is logged before them, a plugin that
 * failed to load (then the package that ships it is named) or a feature with an unmet
 * dependency.
 */
void ipsec_start_diagnosis(const char *dir, char *out, size_t size)
{
	static const char *const telling[] = { "': failed to load", "has unmet dependency", "failed", "error", NULL };
	char *text = read_tail(dir, "charon.log"), *stdout_text = read_tail(dir, "charon.stdout");
	const char *best = NULL, *last = NULL;
	int best_rank = 99;
	char *save = NULL;

	for (char *line = text ? strtok_r(text, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		struct ipsec_log_line parsed;

		parse_log_line(line, strlen(line), &parsed);
		if (!parsed.text[0])
			continue;
		last = line;
		for (int r = 0; telling[r] && r < best_rank; r++)
			if (strstr(line, telling[r])) {
				best = line;
				best_rank = r;
				break;
			}
	}
	if (!best)
		best = last;
	if (best) {
		struct ipsec_log_line parsed;
		const char *q, *package = NULL;
		char plugin[64] = "";

		parse_log_line(best, strlen(best), &parsed);
		/* "plugin 'openssl': failed to load - …" */
		if (strncmp(parsed.text, "plugin '", 8) == 0 && (q = strchr(parsed.text + 8, '\'')) &&
		    (size_t)(q - parsed.text - 8) < sizeof(plugin)) {
			snprintf(plugin, sizeof(plugin), "%.*s", (int)(q - parsed.text - 8), parsed.text + 8);
			package = ipsec_plugin_package(plugin);
		}
		if (package)
			snprintf(out, size, "%s (install the Debian package %s)", parsed.text, package);
		else
			snprintf(out, size, "%s", parsed.text);
	} else {
		/* nothing in its log: what it printed before its logger was up */
		char *s = stdout_text, *end;

		while (s && (*s == '\n' || *s == ' '))
			s++;
		end = s ? s + strlen(s) : NULL;
		while (end && end > s && (end[-1] == '\n' || end[-1] == ' '))
			*--end = '\0';
		if (s && *s) {
			char *nl = strrchr(s, '\n');

			snprintf(out, size, "%s", nl ? nl + 1 : s);
		} else {
			snprintf(out, size, "(no output)");
		}
	}
	free(text);
	free(stdout_text);
}

/*
 * Sets the receive buffer of every UDP socket charon has open to IPSEC_UDP_RCVBUF (why: at
 * its definition above).  The sockets are charon's, so the agent takes
 * a duplicate of each with pidfd_getfd(2) (Linux 5.6) and sets it there; the socket is
 * shared, the duplicate closed.  socket-default opens its sockets when its plugin loads,
 * before vici's, so once VICI answers they all exist.  SO_RCVBUFFORCE because
 * net.core.rmem_max may be lower.  Returns how many sockets were set, -1 with err when none
 * could be (an older kernel: the tunnel works, only slower under load).
 */
static int raise_udp_rcvbuf(const struct ipsec_instance *in, char *err)
{
	char dirpath[64], link[64 + NAME_MAX + 2], target[64];
	int pidfd = -1, raised = 0, size = IPSEC_UDP_RCVBUF_SET, last_errno = 0;
	DIR *d = NULL;
	struct dirent *e;

	snprintf(dirpath, sizeof(dirpath), "/proc/%d/fd", (int)in->pid);
	pidfd = pidfd_open(in->pid, 0);
	if (pidfd < 0 || !(d = opendir(dirpath))) {
		vici_seterr(err, "%s: charon's sockets: %s", in->label, strerror(errno));
		raised = -1;
		goto out;
	}
	while ((e = readdir(d))) {
		int proto = 0, dup_fd;
		socklen_t len = sizeof(proto);
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		ssize_t k;

		if (end == e->d_name || *end || fd < 0 || fd > INT_MAX)
			continue;
		snprintf(link, sizeof(link), "%s/%s", dirpath, e->d_name);
		k = readlink(link, target, sizeof(target) - 1);
		if (k <= 0 || (target[k] = '\0', strncmp(target, "socket:", 7) != 0))
			continue;
		dup_fd = pidfd_getfd(pidfd, (int)fd, 0);
		if (dup_fd < 0) {
			last_errno = errno;
			continue;
		}
		if (getsockopt(dup_fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == IPPROTO_UDP) {
			if (setsockopt(dup_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0)
				raised++;
			else
				last_errno = errno;
		}
		close(dup_fd);
	}
	if (raised == 0) {
		vici_seterr(err, "%s: no UDP socket of charon's took a larger receive buffer%s%s", in->label,
			    last_errno ? ": " : "", last_errno ? strerror(last_errno) : "");
		raised = -1;
	}
out:
	if (d)
		closedir(d);
	if (pidfd >= 0)
		close(pidfd);
	return raised;
}

/* kernel-libipsec's ESP arrives on charon's UDP sockets: their buffers (best effort, logged). */
static void esp_socket_buffers(const struct ipsec_instance *in)
{
	char err[IPSEC_ERR_MAX];

	if (in->ops == &ipsec_backend_libipsec && raise_udp_rcvbuf(in, err) < 0)
		agent_log("%s (ESP packets are dropped when charon's receiver falls behind)", err);
}

/* Waits until charon's VICI socket answers, or charon dies, or START_WAIT_MS pass. */
static int wait_vici(struct ipsec_instance *in, char *err)
{
	int64_t deadline = mono_ms() + START_WAIT_MS;
	char line[IPSEC_ERR_MAX];

	while (mono_ms() < deadline) {
		if (!charon_alive(in)) {
			ipsec_start_diagnosis(in->dir, line, sizeof(line));
			vici_seterr(err, "%s: charon exited at start: %s", in->label, line);
			in->pid = 0;
			return -1;
		}
		if (vici_answers(in->vici, 500))
			return 0;
		sleep_ms(20);
	}
	vici_seterr(err, "%s: charon's VICI socket did not answer within %d ms", in->label, START_WAIT_MS);
	return -1;
}

static pid_t read_pidfile(const struct ipsec_instance *in)
{
	char path[PATH_MAX], *text;
	long v = 0;

	if (dpath(in, "charon.pid", path) < 0)
		return 0;
	text = read_small(path, 64, NULL);
	if (text)
		v = strtol(text, NULL, 10);
	free(text);
	return v > 0 && v < INT_MAX ? (pid_t)v : 0;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

static void instance_free(struct ipsec_instance *in)
{
	if (!in)
		return;
	free(in);
}

static int start_charon(const struct ipsec_backend_ops *ops, const char *plugins,
			const struct ipsec_instance_cfg *cfg, struct ipsec_instance **out, char *err)
{
	struct ipsec_instance *in = NULL;
	char path[PATH_MAX], old[PATH_MAX], pidtext[24];
	pid_t pid;

	*out = NULL;
	if (!cfg || !cfg->ns || !cfg->ns[0] || strchr(cfg->ns, '/') || strlen(cfg->ns) > NAME_MAX || !cfg->dir ||
	    !cfg->dir[0]) {
		vici_seterr(err, "ipsec: instance needs a namespace name and a directory");
		return -1;
	}
	in = calloc(1, sizeof(*in));
	if (!in) {
		vici_seterr(err, "out of memory");
		return -1;
	}
	in->ops = ops;
	snprintf(in->ns, sizeof(in->ns), "%s", cfg->ns);
	snprintf(in->label, sizeof(in->label), "%s", cfg->label && cfg->label[0] ? cfg->label : cfg->ns);
	in->scratch = cfg->scratch;
	snprintf(path, sizeof(path), "/run/netns/%s", in->ns);
	if (access(path, F_OK) < 0) {
		vici_seterr(err, "%s: namespace %s: %s", in->label, in->ns, strerror(errno));
		goto fail;
	}
	if (mkdir_p(cfg->dir, 0700) < 0 || !realpath(cfg->dir, in->dir)) {
		vici_seterr(err, "%s: %s: %s", in->label, cfg->dir, strerror(errno));
		goto fail;
	}
	if (strcmp(in->dir, "/") == 0 || strlen(in->dir) + sizeof("/vici") > sizeof(in->vici)) {
		vici_seterr(err, "%s: instance directory %s unusable (a unix socket path holds %zu bytes)", in->label,
			    in->dir, sizeof(in->vici) - 1);
		goto fail;
	}
	memcpy(in->vici, in->dir, strlen(in->dir));
	memcpy(in->vici + strlen(in->dir), "/vici", sizeof("/vici"));

	pid = read_pidfile(in);
	if (pid > 0 && is_our_charon(pid, in->dir)) {
		in->pid = pid;
		if (in_netns(pid, in->ns) && vici_answers(in->vici, 2000)) {
			/* adopt: only lines logged from now on are new to this agent */
			if (dpath(in, "charon.log", path) == 0)
				in->log_off = file_size(path);
			esp_socket_buffers(in);
			*out = in;
			return 0;
		}
		/* ours but deaf, or left in a namespace that was since recreated: replace it */
		charon_kill(in);
		in->pid = 0;
	}

	if (cfg->extra_plugins && cfg->extra_plugins[0]) {
		char *list = NULL;
		int rc;

		if (asprintf(&list, "%s %s", plugins, cfg->extra_plugins) < 0) {
			vici_seterr(err, "out of memory");
			goto fail;
		}
		rc = write_charon_conf(in, list, err);
		free(list);
		if (rc < 0)
			goto fail;
	} else if (write_charon_conf(in, plugins, err) < 0) {
		goto fail;
	}
	if (dpath(in, "charon.log", path) < 0 || dpath(in, "charon.log.old", old) < 0) {
		vici_seterr(err, "%s: instance path too long", in->label);
		goto fail;
	}
	rename(path, old); /* the new instance's log starts empty; keep the last one for post-mortems */
	unlink(in->vici);
	if (dpath(in, "charon.pid", path) == 0)
		unlink(path);
	if (spawn_charon(in, err) < 0)
		goto fail;
	/* recorded before waiting: a charon that outlives a failed start is found next time */
	snprintf(pidtext, sizeof(pidtext), "%d\n", (int)in->pid);
	if (dpath(in, "charon.pid", path) < 0 || write_atomic(path, pidtext, err) < 0 || wait_vici(in, err) < 0) {
		charon_kill(in);
		unlink(path);
		goto fail;
	}
	in->log_off = 0;
	esp_socket_buffers(in);
	*out = in;
	return 0;
fail:
	instance_free(in);
	return -1;
}

static int start_libipsec(const struct ipsec_instance_cfg *cfg, struct ipsec_instance **out, char *err)
{
	return start_charon(&ipsec_backend_libipsec, PLUGINS_LIBIPSEC, cfg, out, err);
}

static int start_kernel(const struct ipsec_instance_cfg *cfg, struct ipsec_instance **out, char *err)
{
	return start_charon(&ipsec_backend_kernel, PLUGINS_KERNEL, cfg, out, err);
}

/* ---- tunnels ---- */

static int sw_terminate(struct ipsec_instance *in, const char *conn_name, char *err);
static int sw_initiate(struct ipsec_instance *in, const char *conn_name, char *err);

/* Loads t's PSK and connection (charon keeps a connection loaded with equal settings as it is). */
static int load_tunnel(struct ipsec_instance *in, const struct doc_tunnel *t, char *err)
{
	json_t *secret = ipsec_swan_secret_msg(t), *conn = ipsec_swan_conn_msg(t);
	int rc = -1;

	if (secret == NULL || conn == NULL) {
		vici_seterr(err, "%s: out of memory", in->label);
		goto out;
	}
	if (vici_cmd(in, "load-shared", secret, NULL, err) < 0 || vici_cmd(in, "load-conn", conn, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	json_decref(secret);
	json_decref(conn);
	return rc;
}

static int sw_add_tunnel(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
			 char *err)
{
	if (strcmp(id->name, t->name) != 0) {
		vici_seterr(err, "%s: tunnel id %s names another tunnel (%s)", in->label, id->name, t->name);
		return -1;
	}
	return load_tunnel(in, t, err);
}

/*
 * Replaces the connection and drops its SAs: SAs negotiated with the old parameters would
 * otherwise run on (charon leaves SAs of a replaced connection alone).  An initiator
 * starts again at once.
 */
static int sw_update_tunnel(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
			    char *err)
{
	if (sw_add_tunnel(in, id, t, err) < 0 || sw_terminate(in, id->name, err) < 0)
		return -1;
	return t->ipsec.initiator ? sw_initiate(in, id->name, err) : 0;
}

static int sw_list_tunnels(struct ipsec_instance *in, char (**names)[IPSEC_NAME_MAX], int *count, char *err)
{
	struct vici_conn *c = NULL;
	char verr[VICI_ERR_MAX];
	json_t *ans = NULL, *list, *v;
	size_t i;
	int rc = -1;

	*names = NULL;
	*count = 0;
	if (vici_open(in, &c, err) < 0)
		goto out;
	if (vici_request(c, "get-conns", NULL, &ans, verr) < 0) {
		vici_seterr(err, "%s: get-conns: %s", in->label, verr);
		goto out;
	}
	list = json_object_get(ans, "conns");
	*names = calloc(json_array_size(list) + 1, sizeof(**names));
	if (*names == NULL) {
		vici_seterr(err, "%s: out of memory", in->label);
		goto out;
	}
	json_array_foreach(list, i, v)
		if (json_string_value(v) != NULL)
			snprintf((*names)[(*count)++], IPSEC_NAME_MAX, "%s", json_string_value(v));
	rc = 0;
out:
	json_decref(ans);
	vici_close(c);
	return rc;
}

static int sw_remove_tunnel(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, char *err)
{
	char (*names)[IPSEC_NAME_MAX] = NULL, secret[IPSEC_NAME_MAX + 8];
	bool loaded = false;
	json_t *args;
	int count = 0, rc = -1;

	if (sw_list_tunnels(in, &names, &count, err) < 0)
		return -1;
	for (int i = 0; i < count; i++)
		loaded |= strcmp(names[i], id->name) == 0;
	free(names);
	if (loaded) {
		args = json_pack("{s:s}", "name", id->name);
		rc = vici_cmd(in, "unload-conn", args, NULL, err);
		json_decref(args);
		if (rc < 0)
			return -1;
	}
	/* a secret without its connection matches nothing; unknown ids are "not found" */
	snprintf(secret, sizeof(secret), "ike-%s", id->name);
	args = json_pack("{s:s}", "id", secret);
	vici_cmd(in, "unload-shared", args, NULL, NULL);
	json_decref(args);
	/* unloading leaves the connection's SAs up */
	return sw_terminate(in, id->name, err);
}

/* ---- list / initiate / terminate ---- */

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_string_value(v) ? json_string_value(v) : "");
}

static uint64_t num(json_t *v, int base)
{
	const char *s = json_string_value(v);

	return s ? strtoull(s, NULL, base) : 0;
}

static void fill_sa(struct ipsec_sa_state *st, const char *name, json_t *sa)
{
	json_t *children = json_object_get(sa, "child-sas"), *child = NULL, *ch;
	const char *key, *est;

	memset(st, 0, sizeof(*st));
	snprintf(st->conn_name, sizeof(st->conn_name), "%s", name);
	copy_str(st->ike_state, sizeof(st->ike_state), json_object_get(sa, "state"));
	st->ike_spi_i = num(json_object_get(sa, "initiator-spi"), 16);
	est = json_string_value(json_object_get(sa, "established"));
	st->established_s = est ? strtoll(est, NULL, 10) : -1;
	/* while rekeying there are two: report the installed one */
	json_object_foreach(children, key, ch) {
		const char *state = json_string_value(json_object_get(ch, "state"));

		if (!child)
			child = ch;
		if (state && strcmp(state, "INSTALLED") == 0) {
			child = ch;
			break;
		}
	}
	if (!child)
		return;
	copy_str(st->child_name, sizeof(st->child_name), json_object_get(child, "name"));
	copy_str(st->child_state, sizeof(st->child_state), json_object_get(child, "state"));
	st->child_spi_in = (uint32_t)num(json_object_get(child, "spi-in"), 16);
	st->bytes_in = num(json_object_get(child, "bytes-in"), 10);
	st->bytes_out = num(json_object_get(child, "bytes-out"), 10);
	st->packets_in = num(json_object_get(child, "packets-in"), 10);
	st->packets_out = num(json_object_get(child, "packets-out"), 10);
}

static int sw_list_sas(struct ipsec_instance *in, struct ipsec_sa_state **out, int *count, char *err)
{
	struct vici_conn *c = NULL;
	struct ipsec_sa_state *sas = NULL;
	char verr[VICI_ERR_MAX];
	json_t *events = NULL, *ev, *sa, *args = json_pack("{s:s}", "noblock", "yes");
	const char *name;
	size_t i, n = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (vici_open(in, &c, err) < 0)
		goto out;
	/* noblock: an IKE_SA busy in another thread is listed anyway instead of stalling us */
	if (vici_request_stream(c, "list-sas", "list-sa", args, &events, NULL, verr) < 0) {
		vici_seterr(err, "%s: list-sas: %s", in->label, verr);
		goto out;
	}
	json_array_foreach(events, i, ev) {
		json_object_foreach(ev, name, sa) {
			if (!json_is_object(sa))
				continue;
			if (n == cap) {
				struct ipsec_sa_state *p;

				cap = cap ? cap * 2 : 8;
				p = realloc(sas, cap * sizeof(*sas));
				if (!p) {
					vici_seterr(err, "out of memory");
					goto out;
				}
				sas = p;
			}
			fill_sa(&sas[n++], name, sa);
		}
	}
	*out = sas;
	*count = (int)n;
	sas = NULL;
	rc = 0;
out:
	free(sas);
	json_decref(args);
	json_decref(events);
	vici_close(c);
	return rc;
}

static bool str_in(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

/*
 * What already runs for connection conn: *connecting when one of its IKE_SAs is being set
 * up, and in live the names of CHILD_SAs of its established IKE_SAs that are not going
 * away.
 */
static int conn_activity(const struct ipsec_instance *in, struct vici_conn *c, const char *conn, json_t *live,
			 bool *connecting, char *err)
{
	static const char *const ike_setup[] = { "CREATED", "CONNECTING", NULL };
	static const char *const ike_up[] = { "ESTABLISHED", "PASSIVE", "REKEYING", "REKEYED", NULL };
	static const char *const child_gone[] = { "DELETING", "DELETED", "DESTROYING", NULL };
	char verr[VICI_ERR_MAX];
	json_t *args = json_pack("{s:s,s:s}", "noblock", "yes", "ike", conn), *events = NULL, *ev, *sa, *ch;
	const char *name, *key;
	size_t i;
	int rc = -1;

	*connecting = false;
	if (vici_request_stream(c, "list-sas", "list-sa", args, &events, NULL, verr) < 0) {
		vici_seterr(err, "%s: list-sas: %s", in->label, verr);
		goto out;
	}
	json_array_foreach(events, i, ev) {
		json_object_foreach(ev, name, sa) {
			const char *state = json_string_value(json_object_get(sa, "state"));

			if (strcmp(name, conn) != 0)
				continue;
			if (str_in(state, ike_setup))
				*connecting = true;
			if (!str_in(state, ike_up))
				continue;
			json_object_foreach(json_object_get(sa, "child-sas"), key, ch) {
				const char *cname = json_string_value(json_object_get(ch, "name"));

				if (cname && !str_in(json_string_value(json_object_get(ch, "state")), child_gone))
					json_object_set_new(live, cname, json_true());
			}
		}
	}
	rc = 0;
out:
	json_decref(args);
	json_decref(events);
	return rc;
}

/*
 * Initiates every child of conn_name (charon has no "initiate the whole connection"), each
 * with timeout -1: charon answers at once and negotiates in the background.  Idempotent:
 * nothing is started while the connection's IKE_SA is being set up, and children that are
 * up already are not started a second time.
 */
static int sw_initiate(struct ipsec_instance *in, const char *conn_name, char *err)
{
	struct vici_conn *c = NULL;
	char verr[VICI_ERR_MAX];
	json_t *events = NULL, *ev, *children, *ch, *live = json_object();
	json_t *args = json_pack("{s:s}", "ike", conn_name);
	const char *child;
	bool connecting;
	size_t i;
	int rc = -1, children_seen = 0;

	if (vici_open(in, &c, err) < 0)
		goto out;
	if (vici_request_stream(c, "list-conns", "list-conn", args, &events, NULL, verr) < 0) {
		vici_seterr(err, "%s: list-conns: %s", in->label, verr);
		goto out;
	}
	if (conn_activity(in, c, conn_name, live, &connecting, err) < 0)
		goto out;
	json_array_foreach(events, i, ev) {
		children = json_object_get(json_object_get(ev, conn_name), "children");
		json_object_foreach(children, child, ch) {
			json_t *a;

			children_seen++;
			if (connecting || json_object_get(live, child))
				continue;
			a = json_pack("{s:s,s:s,s:s}", "ike", conn_name, "child", child, "timeout", "-1");
			rc = vici_cmd(in, "initiate", a, NULL, err);
			json_decref(a);
			if (rc < 0)
				goto out;
		}
	}
	if (!children_seen) {
		rc = -1;
		vici_seterr(err, "%s: connection %s is not loaded or has no children", in->label, conn_name);
		goto out;
	}
	rc = 0;
out:
	json_decref(live);
	json_decref(args);
	json_decref(events);
	vici_close(c);
	return rc;
}

static int sw_terminate(struct ipsec_instance *in, const char *conn_name, char *err)
{
	json_t *args = json_pack("{s:s,s:s,s:s}", "ike", conn_name, "force", "yes", "timeout", "-1");
	int rc = vici_cmd(in, "terminate", args, "no matching SAs to terminate found", err);

	json_decref(args);
	return rc;
}

/* libipsec picks the newest of equal policies: a rekey makes child_name the newest. */
static int libipsec_make_preferred(struct ipsec_instance *in, const char *child_name, char *err)
{
	json_t *args = json_pack("{s:s}", "child", child_name);
	int rc = vici_cmd(in, "rekey", args, NULL, err);

	json_decref(args);
	return rc;
}

/* The kernel orders equal selectors by the priorities the configuration gives. */
static int kernel_make_preferred(struct ipsec_instance *in, const char *child_name, char *err)
{
	(void)in, (void)child_name, (void)err;
	return 0;
}

/* ---- logs ---- */

/*
 * Parses one charon.log line: "SECONDS.MS TT[GRP] <NAME|ID> text" (the <…> part only when
 * the line is about an IKE_SA; "<ID>" alone when it has no configuration yet).
 */
static void parse_log_line(const char *line, size_t len, struct ipsec_log_line *out)
{
	const char *p = line, *end = line + len, *gt, *bar;
	int64_t sec = 0, ms = 0;
	int digits = 0;

	memset(out, 0, sizeof(*out));
	while (p < end && *p >= '0' && *p <= '9' && digits < 18) {
		sec = sec * 10 + (*p++ - '0');
		digits++;
	}
	if (digits && p < end && *p == '.') {
		int m = 0;

		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			if (m++ < 3)
				ms = ms * 10 + (*p - '0');
		while (m++ < 3)
			ms *= 10;
	}
	if (!digits || p >= end || *p != ' ') {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		out->time_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		snprintf(out->text, sizeof(out->text), "%.*s", (int)len, line);
		return;
	}
	out->time_ms = sec * 1000 + ms;
	p++;
	/* thread and group: "09[IKE] " */
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	if (p < end && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(end - p));

		if (rb)
			p = rb + 1;
	}
	if (p < end && *p == ' ')
		p++;
	if (p < end && *p == '<' && (gt = memchr(p, '>', (size_t)(end - p)))) {
		bar = NULL;
		for (const char *q = p; q < gt; q++)
			if (*q == '|')
				bar = q;
		if (bar)
			snprintf(out->conn_name, sizeof(out->conn_name), "%.*s", (int)(bar - p - 1), p + 1);
		p = gt + 1;
		if (p < end && *p == ' ')
			p++;
	}
	snprintf(out->text, sizeof(out->text), "%.*s", (int)(end - p), p);
}

static int sw_drain_logs(struct ipsec_instance *in, ipsec_log_fn fn, void *arg, char *err)
{
	char path[PATH_MAX], *buf = NULL;
	struct ipsec_log_line line;
	const size_t bufsize = 1 << 16;
	struct stat st;
	int fd, rc = -1;

	if (dpath(in, "charon.log", path) < 0) {
		vici_seterr(err, "%s: instance path too long", in->label);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		vici_seterr(err, "%s: %s: %s", in->label, path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0)
		goto ioerr;
	if (st.st_size < in->log_off) /* replaced by a new charon */
		in->log_off = 0;
	buf = malloc(bufsize);
	if (!buf)
		goto ioerr;
	while (in->log_off < st.st_size) {
		ssize_t n = pread(fd, buf, bufsize, in->log_off);
		size_t start = 0, used = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto ioerr;
		if (n == 0)
			break;
		for (size_t i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\n')
				continue;
			if (i > start) {
				parse_log_line(buf + start, i - start, &line);
				fn(arg, &line);
			}
			start = used = i + 1;
		}
		if (!used && (size_t)n == bufsize) {
			/* a line longer than the buffer: hand over its start, skip the rest */
			parse_log_line(buf, (size_t)n, &line);
			fn(arg, &line);
			used = (size_t)n;
		}
		if (!used)
			break; /* an unfinished last line: next time */
		in->log_off += (off_t)used;
	}
	rc = 0;
	goto out;
ioerr:
	vici_seterr(err, "%s: %s: %s", in->label, path, strerror(errno));
out:
	free(buf);
	close(fd);
	return rc;
}

/* ---- pid / stop / detach ---- */

static pid_t sw_pid(const struct ipsec_instance *in)
{
	return in ? in->pid : 0;
}

static void sw_stop_many(struct ipsec_instance **ins, int count)
{
	charons_kill(ins, count);
	for (int i = 0; i < count; i++) {
		struct ipsec_instance *in = ins[i];

		if (in == NULL)
			continue;
		if (strcmp(in->dir, "/") != 0 && in->dir[0] == '/')
			nftw(in->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
		instance_free(in);
	}
}

static void sw_stop(struct ipsec_instance *in)
{
	sw_stop_many(&in, 1);
}

static void sw_detach(struct ipsec_instance *in)
{
	instance_free(in);
}

/* Both data planes drive the same charon over VICI; they differ in how charon starts and in how a
 * tunnel's SA is made the one traffic takes. */
#define SWAN_BACKEND_OPS(backend_name, start_fn, make_preferred_fn)                                                    \
	{                                                                                                              \
		.name = backend_name, .start = start_fn, .add_tunnel = sw_add_tunnel,                                  \
		.update_tunnel = sw_update_tunnel, .remove_tunnel = sw_remove_tunnel,                                  \
		.list_tunnels = sw_list_tunnels, .list_sas = sw_list_sas, .initiate = sw_initiate,                     \
		.terminate = sw_terminate, .make_preferred = make_preferred_fn, .drain_logs = sw_drain_logs,           \
		.pid = sw_pid, .stop = sw_stop, .stop_many = sw_stop_many, .detach = sw_detach,                        \
	}

const struct ipsec_backend_ops ipsec_backend_libipsec =
	SWAN_BACKEND_OPS("kernel-libipsec", start_libipsec, libipsec_make_preferred);
const struct ipsec_backend_ops ipsec_backend_kernel =
	SWAN_BACKEND_OPS("kernel-netlink", start_kernel, kernel_make_preferred);

/* ---- detection ---- */

struct probe_result {
	int stage; /* 0 probe ran (err is XFRM's answer), 1 unshare, 2 netlink socket, 3 send/recv */
	int err;
	char msg[96]; /* the kernel's extended ack text, if any */
};

/* Adds an ESP tunnel-mode state (AES-CBC / HMAC-SHA1) to the current namespace's XFRM. */
static void xfrm_probe(struct probe_result *res)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info *sa;
	char algbuf[sizeof(struct xfrm_algo) + 32] __attribute__((aligned(8)));
	struct xfrm_algo *alg = (struct xfrm_algo *)algbuf;
	struct nlmsgerr *e;
	unsigned int seq = 1, one = 1;
	ssize_t n;

	nl = mnl_socket_open(NETLINK_XFRM);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		res->stage = 2;
		res->err = errno;
		if (nl)
			mnl_socket_close(nl);
		return;
	}
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	nlh->nlmsg_seq = seq;
	sa = mnl_nlmsg_put_extra_header(nlh, sizeof(*sa));
	inet_pton(AF_INET, "192.0.2.1", &sa->saddr.a4);
	inet_pton(AF_INET, "192.0.2.2", &sa->id.daddr.a4);
	sa->id.spi = htonl(0x1000);
	sa->id.proto = IPPROTO_ESP;
	sa->family = AF_INET;
	sa->mode = XFRM_MODE_TUNNEL;
	sa->reqid = 1;
	sa->sel.family = AF_INET;
	sa->lft.soft_byte_limit = sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = sa->lft.hard_packet_limit = XFRM_INF;

	memset(algbuf, 0, sizeof(algbuf));
	snprintf(alg->alg_name, sizeof(alg->alg_name), "cbc(aes)");
	alg->alg_key_len = 128; /* bits */
	memset(alg->alg_key, 0x11, 16);
	mnl_attr_put(nlh, XFRMA_ALG_CRYPT, sizeof(*alg) + 16, alg);
	memset(algbuf, 0, sizeof(algbuf));
	snprintf(alg->alg_name, sizeof(alg->alg_name), "hmac(sha1)");
	alg->alg_key_len = 160;
	memset(alg->alg_key, 0x22, 20);
	mnl_attr_put(nlh, XFRMA_ALG_AUTH, sizeof(*alg) + 20, alg);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 || (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0) {
		res->stage = 3;
		res->err = errno;
		mnl_socket_close(nl);
		return;
	}
	nlh = (struct nlmsghdr *)buf;
	res->stage = 0;
	res->err = EPROTO;
	if (mnl_nlmsg_ok(nlh, (int)n) && nlh->nlmsg_type == NLMSG_ERROR &&
	    nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(*e))) {
		e = mnl_nlmsg_get_payload(nlh);
		res->err = -e->error;
		if (e->error && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
			struct nlattr *attr;
			size_t off = sizeof(*e);

			if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
				off += e->msg.nlmsg_len - sizeof(*nlh); /* the echoed request comes first */

			if (mnl_nlmsg_size(off) <= nlh->nlmsg_len) {
				mnl_attr_for_each(attr, nlh, off) {
					if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
					    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
						snprintf(res->msg, sizeof(res->msg), "%s", mnl_attr_get_str(attr));
				}
			}
		}
	}
	mnl_socket_close(nl);
}

const struct ipsec_backend_ops *ipsec_backend_detect(char *why, size_t why_size)
{
	struct probe_result res = { .stage = 3, .err = EPROTO };
	int pfd[2];
	pid_t pid;
	ssize_t n;

	/* a forked child in a scratch namespace: the probe SA dies with it and touches nothing */
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(why, why_size, "cannot probe XFRM (pipe: %s): using kernel-libipsec", strerror(errno));
		return &ipsec_backend_libipsec;
	}
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (unshare(CLONE_NEWNET) < 0) {
			res.stage = 1;
			res.err = errno;
		} else {
			xfrm_probe(&res);
		}
		if (write(pfd[1], &res, sizeof(res)) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(why, why_size, "cannot probe XFRM (fork: %s): using kernel-libipsec", strerror(errno));
		return &ipsec_backend_libipsec;
	}
	do
		n = read(pfd[0], &res, sizeof(res));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(res)) {
		snprintf(why, why_size, "XFRM probe died: using kernel-libipsec");
		return &ipsec_backend_libipsec;
	}
	res.msg[sizeof(res.msg) - 1] = '\0';
	switch (res.stage) {
	case 0:
		if (res.err == 0) {
			snprintf(why, why_size,
				 "the kernel accepts ESP XFRM states: using kernel-netlink (ESP in the kernel)");
			return &ipsec_backend_kernel;
		}
		snprintf(why, why_size, "the kernel has no ESP (XFRM_MSG_NEWSA esp cbc(aes)/hmac(sha1): %s%s%s): "
			 "using kernel-libipsec (ESP in charon)", strerror(res.err), res.msg[0] ? ", " : "", res.msg);
		return &ipsec_backend_libipsec;
	case 1:
		snprintf(why, why_size, "cannot probe XFRM (unshare(CLONE_NEWNET): %s): using kernel-libipsec",
			 strerror(res.err));
		return &ipsec_backend_libipsec;
	case 2:
		snprintf(why, why_size, "the kernel has no XFRM netlink (%s): using kernel-libipsec (ESP in charon)",
			 strerror(res.err));
		return &ipsec_backend_libipsec;
	default:
		snprintf(why, why_size, "cannot probe XFRM (netlink I/O: %s): using kernel-libipsec",
			 strerror(res.err));
		return &ipsec_backend_libipsec;
	}
}
