/*
 * The strongSwan backend (dataplane-agent/ipsec_strongswan.c) with real charons: two
 * namespaces joined by a veth, each with a LAN address inside its traffic selector, one
 * charon per namespace (kernel-libipsec), PSK IKEv2 between them.
 *
 *   ns A: lan0 10.1.0.1/24   va 192.0.2.1/24 ===veth=== vb 192.0.2.2/24   ns B: lan0 10.2.0.1/24
 *
 * Needs root; skips (with a message) otherwise.  Namespace names and directories carry our
 * pid; teardown stops the instances and kills any charon this test started, by pid.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipsec.h"
#include "netns_fixture.h"
#include "suite_fixture.h"
#include "vici.h"

Suite *strongswan_suite(void);

#define PSK "vlt-test-secret-0123456789"

struct lab {
	char ns_a[32], ns_b[32];
	char dir_a[64], dir_b[64];
	struct ipsec_instance *a, *b;
	const struct ipsec_backend_ops *ops;
	pid_t pids[64];
	int npids;
	bool up;
	int extra_ns; /* vlt<pid>s<i> namespaces test_stop_many made */
};

static struct lab L;

static bool can_run(void)
{
	if (nsf_skip_unless_root("strongswan"))
		return false;
	if (access("/usr/lib/ipsec/charon", X_OK) != 0 || access("/usr/sbin/swanctl", X_OK) != 0) {
		printf("strongswan: skipped (charon or swanctl not installed)\n");
		return false;
	}
	return true;
}

static void note_pid(pid_t pid)
{
	for (int i = 0; i < L.npids; i++)
		if (L.pids[i] == pid)
			return;
	if (pid > 0 && L.npids < (int)(sizeof(L.pids) / sizeof(L.pids[0])))
		L.pids[L.npids++] = pid;
}

static void lab_down(void);

/*
 * Builds the two namespaces.  A failed checked setup gets no teardown from libcheck, so
 * this cleans up after itself before failing.
 */
static void lab_up(void)
{
	int p = (int)getpid(), rc;

	memset(&L, 0, sizeof(L));
	if (!can_run())
		return;
	L.ops = &ipsec_backend_libipsec;
	nsf_name(L.ns_a, sizeof(L.ns_a), "vlt", "a");
	nsf_name(L.ns_b, sizeof(L.ns_b), "vlt", "b");
	snprintf(L.dir_a, sizeof(L.dir_a), "/tmp/vlt%d-ipsec-a", p);
	snprintf(L.dir_b, sizeof(L.dir_b), "/tmp/vlt%d-ipsec-b", p);
	L.up = true;
	if (!(rc = nsf_add(L.ns_a)) && !(rc = nsf_add(L.ns_b)) &&
	    !(rc = nsf_veth(L.ns_a, "va", "192.0.2.1/24", L.ns_b, "vb", "192.0.2.2/24")) &&
	    /* each LAN is a veth pair inside its namespace (no dummy module on every kernel) */
	    !(rc = nsf_veth(L.ns_a, "lan0", "10.1.0.1/24", L.ns_a, "lan0p", NULL)))
		rc = nsf_veth(L.ns_b, "lan0", "10.2.0.1/24", L.ns_b, "lan0p", NULL);
	if (rc != 0) {
		lab_down();
		ck_abort_msg("building the test namespaces failed (ip exit %d)", rc);
	}
}

/* Kills pid only if it still is a charon (the pid could have been reused otherwise). */
static void kill_if_charon(pid_t pid)
{
	char path[64], buf[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	if (strstr(buf, "charon")) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void lab_down(void)
{
	if (L.ops) {
		L.ops->stop(L.a);
		L.ops->stop(L.b);
	}
	L.a = L.b = NULL;
	for (int i = 0; i < L.npids; i++)
		kill_if_charon(L.pids[i]);
	if (L.up) {
		nsf_del(L.ns_a);
		nsf_del(L.ns_b);
	}
	for (int i = 0; i < L.extra_ns; i++) {
		char ns[32], suffix[16];

		snprintf(suffix, sizeof(suffix), "s%d", i);
		nsf_name(ns, sizeof(ns), "vlt", suffix);
		nsf_del(ns);
		nsf_sh("rm -rf /tmp/vlt%d-stop-%d", (int)getpid(), i);
	}
	L.extra_ns = 0;
	if (L.dir_a[0])
		nsf_sh("rm -rf %s %s", L.dir_a, L.dir_b);
	L.up = false;
}

static struct ipsec_instance *start(const char *ns, const char *dir, const char *label)
{
	struct ipsec_instance_cfg cfg = { .ns = ns, .dir = dir, .label = label };
	struct ipsec_instance *in = NULL;
	char err[IPSEC_ERR_MAX] = "";

	ck_assert_msg(L.ops->start(&cfg, &in, err) == 0, "start %s: %s", label, err);
	note_pid(L.ops->pid(in));
	return in;
}

/* How a test connection negotiates, in the document's terms. */
struct algo {
	int version;	 /* 1 or 2 */
	bool aggressive; /* IKEv1 aggressive mode */
	struct doc_proposal ike, esp;
};

static const struct algo algo_default = { 2, false, { "aes128", "sha256", "modp2048" },
					  { "aes128", "sha256", "modp2048" } };

/* A typed PSK tunnel named name (its child has the same name); initiator: starts it. */
static void tunnel_algo(struct doc_tunnel *t, const char *name, const char *local, const char *remote,
			const char *lts, const char *rts, const char *psk, bool initiator, const struct algo *a)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->connection_id, sizeof(t->connection_id), "%s", name);
	snprintf(t->peer_ip, sizeof(t->peer_ip), "%s", remote);
	t->local_ts_count = t->remote_ts_count = 1;
	snprintf(t->local_ts[0], sizeof(t->local_ts[0]), "%s", lts);
	snprintf(t->remote_ts[0], sizeof(t->remote_ts[0]), "%s", rts);
	snprintf(t->ipsec.local_ip, sizeof(t->ipsec.local_ip), "%s", local);
	snprintf(t->ipsec.local_id, sizeof(t->ipsec.local_id), "%s", local);
	snprintf(t->ipsec.remote_id, sizeof(t->ipsec.remote_id), "%s", remote);
	snprintf(t->ipsec.psk, sizeof(t->ipsec.psk), "%s", psk);
	t->ipsec.ike_version = a->version;
	t->ipsec.aggressive = a->aggressive;
	t->ipsec.ike_proposal = a->ike;
	t->ipsec.esp_proposal = a->esp;
	t->ipsec.ike_life = (struct doc_lifetime){ 3600 * 23, 3600 * 24 };
	t->ipsec.esp_life = (struct doc_lifetime){ 3000, 3600 };
	t->ipsec.initiator = initiator;
	t->ipsec.nat_traversal = true;
}

static void tunnel(struct doc_tunnel *t, const char *name, const char *local, const char *remote, const char *lts,
		   const char *rts, const char *psk, bool initiator)
{
	tunnel_algo(t, name, local, remote, lts, rts, psk, initiator, &algo_default);
}

static void add(struct ipsec_instance *in, const struct doc_tunnel *t)
{
	struct ipsec_tunnel_id id = { t->name };
	char err[IPSEC_ERR_MAX] = "";

	ck_assert_msg(L.ops->add_tunnel(in, &id, t, err) == 0, "add %s: %s", t->name, err);
}

/* The SA of conn in in, copied into *out; false if there is none. */
static bool find_sa(struct ipsec_instance *in, const char *conn, struct ipsec_sa_state *out)
{
	struct ipsec_sa_state *sas = NULL;
	char err[IPSEC_ERR_MAX] = "";
	int n = 0;
	bool found = false;

	ck_assert_msg(L.ops->list_sas(in, &sas, &n, err) == 0, "list_sas: %s", err);
	for (int i = 0; i < n; i++) {
		if (strcmp(sas[i].conn_name, conn) == 0) {
			if (out)
				*out = sas[i];
			found = true;
			break;
		}
	}
	free(sas);
	return found;
}

/* CHILD_SAs of conn's IKE_SAs on in, counted over VICI. */
static int child_count(struct ipsec_instance *in, const char *conn)
{
	char path[128], err[VICI_ERR_MAX];
	struct vici_conn *vc;
	json_t *events, *ev, *sa, *args = json_pack("{s:s}", "ike", conn);
	const char *name;
	size_t i;
	int n = 0;

	snprintf(path, sizeof(path), "%s/vici", in == L.a ? L.dir_a : L.dir_b);
	ck_assert_int_eq(vici_connect(path, 2000, &vc, err), 0);
	ck_assert_msg(vici_request_stream(vc, "list-sas", "list-sa", args, &events, NULL, err) == 0, "%s", err);
	json_array_foreach(events, i, ev)
		json_object_foreach(ev, name, sa)
			n += (int)json_object_size(json_object_get(sa, "child-sas"));
	json_decref(events);
	json_decref(args);
	vici_close(vc);
	return n;
}

static bool installed(struct ipsec_instance *in, const char *conn, struct ipsec_sa_state *st)
{
	struct ipsec_sa_state tmp;

	if (!find_sa(in, conn, &tmp) || strcmp(tmp.ike_state, "ESTABLISHED") != 0 ||
	    strcmp(tmp.child_state, "INSTALLED") != 0)
		return false;
	if (st)
		*st = tmp;
	return true;
}

/* Waits ≤ms until conn is installed on both instances; returns the time it took or -1. */
static int64_t wait_installed(const char *conn, int ms, struct ipsec_sa_state *sa_a, struct ipsec_sa_state *sa_b)
{
	int64_t t0 = nsf_now_ms();

	while (nsf_now_ms() - t0 < ms) {
		if (installed(L.a, conn, sa_a) && installed(L.b, conn, sa_b))
			return nsf_now_ms() - t0;
		usleep(50000);
	}
	return -1;
}

struct logs {
	int total, named, prefixed;
	char conn[IPSEC_NAME_MAX];
	bool established_line, auth_failed_line;
	int64_t first_ms, last_ms;
};

static void log_cb(void *arg, const struct ipsec_log_line *line)
{
	struct logs *l = arg;

	l->total++;
	if (!l->first_ms)
		l->first_ms = line->time_ms;
	l->last_ms = line->time_ms;
	/* charon's "TIME TT[GRP] <name|N> " prefix must be gone from the text */
	if (strstr(line->text, "[IKE]") || strstr(line->text, "[CFG]") || line->text[0] == '<')
		l->prefixed++;
	if (strcmp(line->conn_name, l->conn) == 0) {
		l->named++;
		if (strstr(line->text, "CHILD_SA") && strstr(line->text, "established"))
			l->established_line = true;
	}
	if (strstr(line->text, "AUTHENTICATION_FAILED") || strstr(line->text, "MAC mismatched"))
		l->auth_failed_line = true;
}

static void dump_log(void *arg, const struct ipsec_log_line *line)
{
	printf("%s: %s: %s\n", (const char *)arg, line->conn_name, line->text);
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static bool pid_gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

/* ---- LAN-to-LAN traffic: a UDP echo between two namespaces (no ping binary needed) ---- */

static void enter_ns(const char *ns)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		_exit(90);
	close(fd);
}

static int udp_socket(const char *ip, int port, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		_exit(91);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/*
 * From src in ns_src, sends datagrams to dst:7777 in ns_dst, where a forked echo server
 * answers; returns how many of `want` echoes came back (at most want + 2 sends, 1 s each).
 */
static int udp_echo(const char *ns_src, const char *src, const char *ns_dst, const char *dst, int want)
{
	int ready[2], st, got = 0;
	pid_t srv, cli;
	char c;

	ck_assert_int_eq(pipe(ready), 0);
	srv = fork();
	if (srv == 0) {
		struct sockaddr_in from;
		socklen_t fl;
		char buf[64];
		ssize_t n;
		int fd;

		enter_ns(ns_dst);
		fd = udp_socket(dst, 7777, 5000);
		if (write(ready[1], "r", 1) != 1)
			_exit(92);
		for (;;) {
			fl = sizeof(from);
			n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n <= 0)
				_exit(0);
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
		}
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		waitpid(srv, NULL, 0);
		return -1;
	}
	close(ready[0]);
	cli = fork();
	if (cli == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(7777) };
		char buf[64];
		int fd, echoes = 0;

		enter_ns(ns_src);
		fd = udp_socket(src, 0, 1000);
		inet_pton(AF_INET, dst, &to.sin_addr);
		for (int i = 0; i < want + 2 && echoes < want; i++) {
			if (sendto(fd, "vpnlab", 6, 0, (struct sockaddr *)&to, sizeof(to)) == 6 &&
			    recv(fd, buf, sizeof(buf), 0) == 6)
				echoes++;
		}
		_exit(echoes);
	}
	waitpid(cli, &st, 0);
	kill(srv, SIGKILL);
	waitpid(srv, NULL, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) <= want)
		got = WEXITSTATUS(st);
	return got;
}

/* A's tunnels: an idle connection and the tunnel conn (B has only the tunnel). */
static void load_a(const char *conn, const char *psk)
{
	struct doc_tunnel t;

	tunnel(&t, "idle", "192.0.2.1", "192.0.2.99", "10.1.0.0/24", "10.9.0.0/24", PSK, false);
	add(L.a, &t);
	tunnel(&t, conn, "192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", psk, true);
	add(L.a, &t);
}

static int loaded_count(struct ipsec_instance *in)
{
	char (*names)[IPSEC_NAME_MAX] = NULL, err[IPSEC_ERR_MAX] = "";
	int count = 0;

	ck_assert_msg(L.ops->list_tunnels(in, &names, &count, err) == 0, "%s", err);
	free(names);
	return count;
}

START_TEST(test_tunnel_lifecycle)
{
	char err[IPSEC_ERR_MAX] = "";
	struct ipsec_sa_state sa_a, sa_b, again, other_a, other_b;
	struct logs lg = { .conn = "t1" };
	struct doc_tunnel tb, t4a, t4b;
	struct ipsec_tunnel_id t1 = { "t1" }, t4 = { "t4" }, nosuch = { "nosuch" };
	int64_t t0, took;
	pid_t pid_a, pid_b;

	if (!L.up)
		return;
	t0 = nsf_now_ms();
	L.a = start(L.ns_a, L.dir_a, "A");
	L.b = start(L.ns_b, L.dir_b, "B");
	printf("strongswan: two charons started in %lld ms; RSS A %ld kB, B %ld kB\n", (long long)(nsf_now_ms() - t0),
	       rss_kb(L.ops->pid(L.a)), rss_kb(L.ops->pid(L.b)));
	pid_a = L.ops->pid(L.a);
	pid_b = L.ops->pid(L.b);
	ck_assert_int_gt(pid_a, 0);
	ck_assert_int_ne(pid_a, pid_b);
	ck_assert_int_eq(getpgid(pid_a), pid_a); /* its own process group: a terminal's Ctrl-C to the agent stays away */
	/* libipsec's ESP arrives on charon's UDP sockets: each has the larger receive buffer (ss: rb<bytes>) */
	ck_assert_int_eq(nsf_in(L.ns_a, "ss -uanm | awk '/skmem/ { n++; if (match($0, /rb[0-9]+/) && "
				"substr($0, RSTART + 2, RLENGTH - 2) + 0 >= %d) ok++ } END { exit !(n >= 2 && ok == n) }'",
				IPSEC_UDP_RCVBUF),
			 0);

	tunnel(&tb, "t1", "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", PSK, false);
	add(L.b, &tb);
	t0 = nsf_now_ms();
	load_a("t1", PSK);
	took = wait_installed("t1", 10000, &sa_a, &sa_b);
	ck_assert_msg(took >= 0, "tunnel not installed on both sides within 10 s");
	printf("strongswan: tunnel installed %lld ms after load (load itself %lld ms before polling)\n",
	       (long long)(nsf_now_ms() - t0), (long long)(nsf_now_ms() - t0 - took));
	ck_assert_str_eq(sa_a.child_name, "t1");
	ck_assert_uint_ne(sa_a.child_spi_in, 0);
	ck_assert_uint_ne(sa_a.ike_spi_i, 0);
	ck_assert_uint_eq(sa_a.ike_spi_i, sa_b.ike_spi_i); /* the same IKE_SA seen from both ends */
	ck_assert_int_ge(sa_a.established_s, 0);
	ck_assert_int_eq(loaded_count(L.a), 2);

	/* LAN to LAN through the tunnel (the underlay has no route to the LANs: only the tunnel does) */
	ck_assert_int_eq(udp_echo(L.ns_a, "10.1.0.1", L.ns_b, "10.2.0.1", 3), 3);
	ck_assert(installed(L.a, "t1", &again));
	ck_assert_uint_ge(again.packets_out, 3);
	ck_assert_uint_ge(again.packets_in, 3);
	ck_assert_uint_gt(again.bytes_out, 0);
	printf("strongswan: after the UDP echo, A child counters in %llu pkts / %llu B, out %llu pkts / %llu B; "
	       "RSS A %ld kB\n", (unsigned long long)again.packets_in, (unsigned long long)again.bytes_in,
	       (unsigned long long)again.packets_out, (unsigned long long)again.bytes_out, rss_kb(pid_a));

	/* logs: attributed to the connection, with charon's own timestamps */
	ck_assert_msg(L.ops->drain_logs(L.a, log_cb, &lg, err) == 0, "%s", err);
	ck_assert_int_gt(lg.total, 5);
	ck_assert_int_gt(lg.named, 0);
	ck_assert_int_eq(lg.prefixed, 0);
	ck_assert(lg.established_line);
	ck_assert_int_le(lg.first_ms, lg.last_ms);
	ck_assert_int_gt(lg.first_ms, (int64_t)(time(NULL) - 120) * 1000);
	memset(&lg, 0, sizeof(lg));
	strcpy(lg.conn, "t1");
	ck_assert_int_eq(L.ops->drain_logs(L.a, log_cb, &lg, err), 0);
	ck_assert_int_lt(lg.total, 5); /* drained: only what was logged since */

	/*
	 * One connection per call: a second tunnel between the same charons comes up, is then
	 * changed (another ESP proposal on both ends) and renegotiated, and t1's SAs stay the
	 * same ones throughout.
	 */
	/* charon routes each selector from a local address inside it */
	ck_assert_int_eq(nsf_sh("ip -n %s addr add 10.1.4.1/24 dev lan0 && ip -n %s addr add 10.2.4.1/24 dev lan0",
				L.ns_a, L.ns_b), 0);
	tunnel(&t4b, "t4", "192.0.2.2", "192.0.2.1", "10.2.4.0/24", "10.1.4.0/24", PSK, false);
	tunnel(&t4a, "t4", "192.0.2.1", "192.0.2.2", "10.1.4.0/24", "10.2.4.0/24", PSK, true);
	/* its own identities: a responder picks the connection by them, not by selectors */
	snprintf(t4a.ipsec.local_id, sizeof(t4a.ipsec.local_id), "a.t4.example");
	snprintf(t4a.ipsec.remote_id, sizeof(t4a.ipsec.remote_id), "b.t4.example");
	snprintf(t4b.ipsec.local_id, sizeof(t4b.ipsec.local_id), "b.t4.example");
	snprintf(t4b.ipsec.remote_id, sizeof(t4b.ipsec.remote_id), "a.t4.example");
	add(L.b, &t4b);
	add(L.a, &t4a);
	if (wait_installed("t4", 10000, &other_a, &other_b) < 0) {
		L.ops->drain_logs(L.a, dump_log, "A", err);
		L.ops->drain_logs(L.b, dump_log, "B", err);
		ck_abort_msg("t4 not installed within 10 s");
	}
	snprintf(t4a.ipsec.esp_proposal.integ, sizeof(t4a.ipsec.esp_proposal.integ), "sha1");
	t4b.ipsec.esp_proposal = t4a.ipsec.esp_proposal;
	ck_assert_msg(L.ops->update_tunnel(L.b, &t4, &t4b, err) == 0, "%s", err);
	ck_assert_msg(L.ops->update_tunnel(L.a, &t4, &t4a, err) == 0, "%s", err);
	t0 = nsf_now_ms();
	while (nsf_now_ms() - t0 < 10000 &&
	       !(installed(L.a, "t4", &again) && again.ike_spi_i != other_a.ike_spi_i && installed(L.b, "t4", NULL)))
		usleep(50000);
	ck_assert_msg(installed(L.a, "t4", &again) && again.ike_spi_i != other_a.ike_spi_i,
		      "the changed tunnel was not renegotiated");
	ck_assert(installed(L.a, "t1", &again));
	ck_assert_uint_eq(again.ike_spi_i, sa_a.ike_spi_i);
	ck_assert_uint_eq(again.child_spi_in, sa_a.child_spi_in);
	ck_assert(installed(L.b, "t1", &again));
	ck_assert_uint_eq(again.child_spi_in, sa_b.child_spi_in);
	printf("strongswan: t4 changed and renegotiated; t1 kept IKE_SA %016llx and CHILD_SA %08x\n",
	       (unsigned long long)sa_a.ike_spi_i, sa_a.child_spi_in);
	ck_assert_msg(L.ops->remove_tunnel(L.a, &t4, err) == 0, "%s", err);
	ck_assert_msg(L.ops->remove_tunnel(L.b, &t4, err) == 0, "%s", err);

	/* loading the same tunnel again changes nothing: same SAs */
	load_a("t1", PSK);
	usleep(300000);
	ck_assert(installed(L.a, "t1", &again));
	ck_assert_uint_eq(again.child_spi_in, sa_a.child_spi_in);
	ck_assert_uint_eq(again.ike_spi_i, sa_a.ike_spi_i);

	/* detach and start again: adopted, same charon, same SA, no old log lines */
	L.ops->detach(L.a);
	L.a = start(L.ns_a, L.dir_a, "A");
	ck_assert_int_eq(L.ops->pid(L.a), pid_a);
	ck_assert(installed(L.a, "t1", &again));
	ck_assert_uint_eq(again.child_spi_in, sa_a.child_spi_in);
	memset(&lg, 0, sizeof(lg));
	strcpy(lg.conn, "t1");
	ck_assert_int_eq(L.ops->drain_logs(L.a, log_cb, &lg, err), 0);
	ck_assert_int_lt(lg.total, 5);

	/* the adopted instance is given its tunnels again: unchanged ones keep their SAs */
	load_a("t1", PSK);
	usleep(500000);
	ck_assert(installed(L.a, "t1", &again));
	ck_assert_uint_eq(again.child_spi_in, sa_a.child_spi_in);
	ck_assert_uint_eq(again.ike_spi_i, sa_a.ike_spi_i);
	ck_assert(installed(L.b, "t1", &again));
	ck_assert_uint_eq(again.child_spi_in, sa_b.child_spi_in);

	/* terminate / initiate */
	ck_assert_msg(L.ops->terminate(L.a, "t1", err) == 0, "%s", err);
	t0 = nsf_now_ms();
	while (find_sa(L.a, "t1", NULL) && nsf_now_ms() - t0 < 3000)
		usleep(50000);
	ck_assert_msg(!find_sa(L.a, "t1", NULL), "terminate left the SA");
	ck_assert_int_eq(L.ops->terminate(L.a, "t1", err), 0); /* nothing left: still fine */
	ck_assert_msg(L.ops->initiate(L.a, "t1", err) == 0, "%s", err);
	ck_assert_msg(wait_installed("t1", 10000, &again, NULL) >= 0, "initiate did not re-establish");
	ck_assert_uint_ne(again.child_spi_in, sa_a.child_spi_in);
	/* initiating what is up changes nothing: no second CHILD_SA, same SPI */
	ck_assert_msg(L.ops->initiate(L.a, "t1", err) == 0, "%s", err);
	usleep(300000);
	ck_assert_int_eq(child_count(L.a, "t1"), 1);
	ck_assert(installed(L.a, "t1", &sa_b));
	ck_assert_uint_eq(sa_b.child_spi_in, again.child_spi_in);
	ck_assert_int_eq(L.ops->initiate(L.a, "nosuch", err), -1);
	ck_assert_ptr_nonnull(strstr(err, "nosuch"));

	/* a removed tunnel is unloaded and its SAs go with it, on both sides */
	ck_assert_msg(L.ops->remove_tunnel(L.a, &t1, err) == 0, "%s", err);
	t0 = nsf_now_ms();
	while ((find_sa(L.a, "t1", NULL) || find_sa(L.b, "t1", NULL)) && nsf_now_ms() - t0 < 5000)
		usleep(50000);
	ck_assert_msg(!find_sa(L.a, "t1", NULL), "removed connection kept its SA on A");
	ck_assert_msg(!find_sa(L.b, "t1", NULL), "peer B still has the SA of the removed connection");
	printf("strongswan: removed connection's SA gone on both sides after %lld ms\n",
	       (long long)(nsf_now_ms() - t0));
	ck_assert_int_eq(udp_echo(L.ns_a, "10.1.0.1", L.ns_b, "10.2.0.1", 1), 0);
	ck_assert_int_eq(loaded_count(L.a), 1);
	ck_assert_int_eq(L.ops->remove_tunnel(L.a, &nosuch, err), 0); /* unknown: nothing to do */
	/* a tunnel id naming another tunnel is refused */
	ck_assert_int_eq(L.ops->add_tunnel(L.a, &nosuch, &tb, err), -1);

	/* stop: charon gone, directory removed */
	L.ops->stop(L.a);
	L.a = NULL;
	ck_assert(pid_gone(pid_a));
	ck_assert_int_eq(access(L.dir_a, F_OK), -1);
	L.ops->stop(L.b);
	L.b = NULL;
	ck_assert(pid_gone(pid_b));
	ck_assert_int_eq(access(L.dir_b, F_OK), -1);
}
END_TEST

START_TEST(test_wrong_psk)
{
	char err[IPSEC_ERR_MAX];
	struct doc_tunnel tb;
	struct logs la = { .conn = "t2" }, lb = { .conn = "t2" };
	struct ipsec_sa_state sa;
	int64_t t0;

	if (!L.up)
		return;
	L.a = start(L.ns_a, L.dir_a, "A");
	L.b = start(L.ns_b, L.dir_b, "B");
	tunnel(&tb, "t2", "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", PSK, false);
	add(L.b, &tb);
	load_a("t2", "not-the-" PSK);
	t0 = nsf_now_ms();
	while (nsf_now_ms() - t0 < 4000 && !(la.auth_failed_line && lb.auth_failed_line)) {
		ck_assert(!(find_sa(L.a, "t2", &sa) && strcmp(sa.ike_state, "ESTABLISHED") == 0));
		ck_assert_int_eq(L.ops->drain_logs(L.a, log_cb, &la, err), 0);
		ck_assert_int_eq(L.ops->drain_logs(L.b, log_cb, &lb, err), 0);
		usleep(100000);
	}
	ck_assert_msg(la.auth_failed_line, "A logged no authentication failure");
	ck_assert_msg(lb.auth_failed_line, "B logged no authentication failure");
	ck_assert(!installed(L.a, "t2", NULL));
	ck_assert(!installed(L.b, "t2", NULL));
}
END_TEST

/* Proposal sets the emulated gateways offer (IKEv1 main/aggressive, legacy groups too). */
static const struct algo algos[] = {
	{ 1, false, { "aes128", "sha1", "modp1024" }, { "aes128", "sha1", "modp1024" } },
	{ 1, true, { "3des", "md5", "modp1024" }, { "3des", "md5", "none" } },
	{ 1, false, { "aes256", "sha256", "modp1536" }, { "aes256", "sha256", "modp1536" } },
	{ 2, false, { "aes192", "sha384", "modp2048" }, { "aes192", "sha512", "none" } },
	{ 2, false, { "des", "md5", "modp768" }, { "des", "md5", "modp768" } },
};

START_TEST(test_algorithms)
{
	const struct algo *a = &algos[_i];
	struct doc_tunnel ta, tb;
	int64_t took;

	if (!L.up)
		return;
	L.a = start(L.ns_a, L.dir_a, "A");
	L.b = start(L.ns_b, L.dir_b, "B");
	tunnel_algo(&tb, "t3", "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", PSK, false, a);
	tunnel_algo(&ta, "t3", "192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", PSK, true, a);
	add(L.b, &tb);
	add(L.a, &ta);
	took = wait_installed("t3", 10000, NULL, NULL);
	ck_assert_msg(took >= 0, "IKEv%d%s %s-%s-%s / ESP %s-%s-%s: not installed within 10 s", a->version,
		      a->aggressive ? " aggressive" : "", a->ike.enc, a->ike.integ, a->ike.dh, a->esp.enc, a->esp.integ,
		      a->esp.dh);
	ck_assert_int_eq(udp_echo(L.ns_a, "10.1.0.1", L.ns_b, "10.2.0.1", 1), 1);
}
END_TEST

START_TEST(test_start_errors)
{
	struct ipsec_instance_cfg cfg = { .ns = "vlt-no-such-ns", .label = "X" };
	struct ipsec_instance *in = (struct ipsec_instance *)&cfg;
	char dir[64], err[IPSEC_ERR_MAX] = "";
	int rc;

	if (!L.up)
		return;
	snprintf(dir, sizeof(dir), "/tmp/vlt%d-ipsec-x", (int)getpid());
	cfg.dir = dir;
	ck_assert_int_eq(L.ops->start(&cfg, &in, err), -1);
	ck_assert_ptr_null(in);
	ck_assert_msg(strstr(err, "vlt-no-such-ns"), "%s", err);
	ck_assert_int_eq(access(dir, F_OK), -1); /* refused before anything was created */
	nsf_sh("rm -rf %s", dir);
	cfg.ns = L.ns_a;
	cfg.dir = "/tmp/vlt-a-directory-name-long-enough-that-its-vici-socket-path-does-not-fit-"
		  "in-the-108-bytes-of-sun-path-anymore-not-at-all";
	rc = L.ops->start(&cfg, &in, err);
	if (rc == 0) {
		note_pid(L.ops->pid(in));
		L.ops->stop(in);
	}
	rmdir(cfg.dir);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, "unix socket"), "%s", err);
	L.ops->stop(NULL);
	L.ops->detach(NULL);
}
END_TEST

START_TEST(test_plugin_packages)
{
	/* dpkg -S /usr/lib/ipsec/plugins/libstrongswan-<plugin>.so on Debian 12 */
	ck_assert_str_eq(ipsec_plugin_package("openssl"), "libstrongswan-standard-plugins");
	ck_assert_str_eq(ipsec_plugin_package("kernel-libipsec"), "libcharon-extra-plugins");
	ck_assert_str_eq(ipsec_plugin_package("socket-default"), "strongswan-libcharon");
	ck_assert_str_eq(ipsec_plugin_package("vici"), "strongswan-swanctl");
	ck_assert_str_eq(ipsec_plugin_package("kernel-netlink"), "libstrongswan");
	ck_assert_ptr_null(ipsec_plugin_package("no-such-plugin"));
	ck_assert_ptr_null(ipsec_plugin_package(NULL));
}
END_TEST

/*
 * The failure a machine without libstrongswan-standard-plugins sees, for real: in a child
 * with its own mount namespace (a slave of ours: nothing leaks back), the plugin directory is
 * replaced by a copy without the openssl plugin.  charon dies at start; the error names its
 * telling line and the package, and its last log lines are there for the connection logs.
 */
START_TEST(test_start_dies_without_openssl)
{
	char dir[64], copy[64];
	int status = -1;
	pid_t child;

	if (!L.up)
		return;
	snprintf(dir, sizeof(dir), "/tmp/vlt%d-ipsec-p", (int)getpid());
	snprintf(copy, sizeof(copy), "/tmp/vlt%d-plugins", (int)getpid());
	ck_assert_int_eq(nsf_sh("rm -rf %s && mkdir -p %s && cp -a /usr/lib/ipsec/plugins/. %s && "
				"rm -f %s/libstrongswan-openssl.so", copy, copy, copy, copy), 0);
	child = fork();
	if (child == 0) {
		struct ipsec_instance_cfg cfg = { .ns = L.ns_a, .dir = dir, .label = "P" };
		struct ipsec_instance *in = NULL;
		struct ipsec_log_line lines[12];
		char err[IPSEC_ERR_MAX] = "";
		int n, named = 0;

		setvbuf(stdout, NULL, _IONBF, 0); /* it leaves with _exit */
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    mount(copy, "/usr/lib/ipsec/plugins", NULL, MS_BIND, NULL) < 0) {
			printf("strongswan: hiding the plugin: %s\n", strerror(errno));
			_exit(2);
		}
		if (L.ops->start(&cfg, &in, err) == 0) {
			printf("strongswan: charon started without its openssl plugin\n");
			L.ops->stop(in);
			_exit(3);
		}
		printf("strongswan: without openssl: %s\n", err);
		if (!strstr(err, "charon exited at start: plugin 'openssl': failed to load") ||
		    !strstr(err, "(install the Debian package libstrongswan-standard-plugins)"))
			_exit(4);
		n = ipsec_start_log(dir, lines, 12);
		for (int i = 0; i < n; i++)
			named += strstr(lines[i].text, "plugin 'openssl': failed to load") != NULL;
		if (n < 2 || n > 12 || named != 1 || !strstr(lines[n - 1].text, "initialization failed") ||
		    lines[n - 1].time_ms <= 0) {
			printf("strongswan: %d start log lines, %d name openssl, last: %s\n", n, named,
			       n ? lines[n - 1].text : "-");
			_exit(5);
		}
		/* a shorter window keeps the last lines */
		if (ipsec_start_log(dir, lines, 1) != 1 || !strstr(lines[0].text, "initialization failed"))
			_exit(6);
		_exit(0);
	}
	ck_assert_int_gt(child, 0);
	waitpid(child, &status, 0);
	nsf_sh("rm -rf %s %s", dir, copy);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	ck_assert_int_eq(ipsec_start_log("/nonexistent-dir", NULL, 4), 0);
}
END_TEST

/*
 * The kernel backend's charon starts and answers too (ESP itself needs a kernel with it).
 * Its directory is under /run, which charon's private tmpfs /run would hide: the
 * directory must be bound back into charon's mount namespace.
 */
START_TEST(test_kernel_backend_starts)
{
	char dir[64];
	struct ipsec_instance_cfg cfg = { .ns = L.ns_a, .dir = dir, .label = "K" };
	struct ipsec_instance *in = NULL;
	struct ipsec_sa_state *sas = NULL;
	char err[IPSEC_ERR_MAX] = "";
	int n = -1;
	pid_t pid;

	if (!L.up)
		return;
	snprintf(dir, sizeof(dir), "/run/vlt%d-ipsec-k", (int)getpid());
	ck_assert_msg(ipsec_backend_kernel.start(&cfg, &in, err) == 0, "%s", err);
	pid = ipsec_backend_kernel.pid(in);
	note_pid(pid);
	ck_assert_int_eq(ipsec_backend_kernel.list_sas(in, &sas, &n, err), 0);
	ck_assert_int_eq(n, 0);
	free(sas);
	{
		char (*names)[IPSEC_NAME_MAX] = NULL;

		ck_assert_int_eq(ipsec_backend_kernel.list_tunnels(in, &names, &n, err), 0);
		ck_assert_int_eq(n, 0);
		free(names);
	}
	ipsec_backend_kernel.stop(in);
	ck_assert(pid_gone(pid));
	ck_assert_int_eq(access(dir, F_OK), -1);
}
END_TEST

START_TEST(test_detect)
{
	char why[256] = "";
	const struct ipsec_backend_ops *ops;
	int esp;

	if (!L.up)
		return;
	ops = ipsec_backend_detect(why, sizeof(why));
	/* the same question asked through iproute2 in a throwaway namespace */
	esp = nsf_sh("unshare -n ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 mode tunnel "
		 "enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff "
		 "auth 'hmac(sha1)' 0x0011223344556677889900112233445566778899 2>/dev/null") == 0;
	printf("strongswan: detect: %s (ip xfrm: ESP %s)\n", why, esp ? "works" : "refused");
	ck_assert_ptr_eq(ops, esp ? &ipsec_backend_kernel : &ipsec_backend_libipsec);
	ck_assert_ptr_nonnull(strstr(why, ops->name));
}
END_TEST

/*
 * Teardown of many endpoints: stop_many signals every charon before waiting for any, so 20
 * stop in about the time of one (one at a time they took ~2 s each on a loaded machine).
 */
#define STOP_MANY 20

START_TEST(test_stop_many)
{
	struct ipsec_instance *ins[STOP_MANY];
	pid_t pids[STOP_MANY];
	char dirs[STOP_MANY][64];
	double t0, took;

	if (!L.up)
		return;
	for (int i = 0; i < STOP_MANY; i++) {
		char ns[32], suffix[16], label[24];

		snprintf(suffix, sizeof(suffix), "s%d", i);
		nsf_name(ns, sizeof(ns), "vlt", suffix);
		L.extra_ns = i + 1;
		ck_assert_int_eq(nsf_add(ns), 0);
		snprintf(dirs[i], sizeof(dirs[i]), "/tmp/vlt%d-stop-%d", (int)getpid(), i);
		snprintf(label, sizeof(label), "stop-%d", i);
		ins[i] = start(ns, dirs[i], label);
		pids[i] = L.ops->pid(ins[i]);
		ck_assert_int_gt(pids[i], 0);
	}
	t0 = nsf_now_ms();
	L.ops->stop_many(ins, STOP_MANY);
	took = nsf_now_ms() - t0;
	printf("strongswan: stop_many: %d charons stopped in %.0f ms\n", STOP_MANY, took);
	for (int i = 0; i < STOP_MANY; i++) {
		ck_assert_msg(pid_gone(pids[i]), "charon %d (pid %d) still runs", i, (int)pids[i]);
		ck_assert_msg(access(dirs[i], F_OK) != 0, "%s was not removed", dirs[i]);
	}
	/* NULL entries and an empty set are no-ops */
	L.ops->stop_many(NULL, 0);
	ins[0] = NULL;
	L.ops->stop_many(ins, 1);
}
END_TEST

Suite *strongswan_suite(void)
{
	const TTest *const tests[] = {
		test_detect,
		test_start_errors,
		test_plugin_packages,
		test_start_dies_without_openssl,
		test_kernel_backend_starts,
		test_tunnel_lifecycle,
		test_wrong_psk,
		test_stop_many,
		NULL,
	};
	TCase *tc;
	Suite *s = agent_suite("strongswan", "namespaces", lab_up, lab_down, 120, tests, &tc);

	tcase_add_loop_test(tc, test_algorithms, 0, sizeof(algos) / sizeof(algos[0]));
	return s;
}
