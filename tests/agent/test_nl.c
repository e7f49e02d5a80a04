/*
 * nl.c against the real kernel.  The argument checks run anywhere; the rest needs root and
 * builds its own namespaces vlnl<pid>a/b/c (fresh for every test, all removed afterwards,
 * failures included), with `ip`, `bridge` and `ping` as independent witnesses.
 *
 *   a ── veth ── b        routes, sysctl, vxlan over the veth underlay
 *   a: br0 ─ p1 ── h1 (b)
 *          ─ p2 ── h2 (c)  bridge
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netns_fixture.h"
#include "nl.h"

Suite *nl_suite(void);

static char prefix[24], ns_a[32], ns_b[32], ns_c[32], ns_x[32];
static char err[NL_ERR_MAX];

/* Output of a shell command (at most size-1 bytes) into out. */
static const char *sh_out(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *sh_out(char *out, size_t size, const char *fmt, ...)
{
	char cmd[512];
	size_t n = 0, r;
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if ((p = popen(cmd, "r")) == NULL)
		return out;
	while (n + 1 < size && (r = fread(out + n, 1, size - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	pclose(p);
	return out;
}

static uint16_t icmp_sum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

struct ping_job {
	const char *ip;
	int tries;	/* echo requests, one second each */
	bool answered;
};

/* Echo request/reply over a raw ICMP socket opened inside the namespace (needs root). */
static int ping_cb(void *arg)
{
	struct ping_job *job = arg;
	struct sockaddr_in to = { .sin_family = AF_INET }, from;
	uint16_t id = (uint16_t)getpid();
	uint8_t pkt[1500];
	struct icmphdr req;
	int fd;

	if (inet_pton(AF_INET, job->ip, &to.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)) < 0)
		return -1;
	for (int seq = 1; seq <= job->tries && !job->answered; seq++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec t0, now;
		int left = 1000;

		memset(&req, 0, sizeof(req));
		req.type = ICMP_ECHO;
		req.un.echo.id = htons(id);
		req.un.echo.sequence = htons((uint16_t)seq);
		req.checksum = icmp_sum(&req, sizeof(req));
		if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			sleep(1);	/* e.g. ENETUNREACH: count the try as unanswered */
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (left > 0 && poll(&pfd, 1, left) == 1) {
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&from, &fl);
			size_t ihl = n > 0 ? (size_t)(pkt[0] & 0x0f) * 4 : 0;
			struct icmphdr rep;

			if (n > 0 && (size_t)n >= ihl + sizeof(rep) && from.sin_addr.s_addr == to.sin_addr.s_addr) {
				memcpy(&rep, pkt + ihl, sizeof(rep));
				if (rep.type == ICMP_ECHOREPLY && rep.un.echo.id == htons(id)) {
					job->answered = true;
					break;
				}
			}
			clock_gettime(CLOCK_MONOTONIC, &now);
			left = 1000 - (int)((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		}
	}
	close(fd);
	return 0;
}

/* Whether ip answers an echo request from ns within tries seconds */
static bool ping_n(const char *ns, const char *ip, int tries)
{
	struct ping_job job = { .ip = ip, .tries = tries };

	ck_assert_int_eq(nl_netns_run(ns, ping_cb, &job), 0);
	return job.answered;
}

static bool ping(const char *ns, const char *ip)
{
	return ping_n(ns, ip, 3);
}

/* For the negative cases: one second of silence is enough */
static bool no_ping(const char *ns, const char *ip)
{
	return !ping_n(ns, ip, 1);
}

static void remove_ours(void)
{
	char **names;
	int n;

	if (nl_netns_list(prefix, &names, &n, err) < 0)
		return;
	for (int i = 0; i < n; i++)
		if (nl_netns_del(names[i], err) < 0)
			fprintf(stderr, "test_nl: %s\n", err);
	nl_names_free(names, n);
}

static void names_init(void)
{
	nsf_name(prefix, sizeof(prefix), "vlnl", "");
	snprintf(ns_a, sizeof(ns_a), "%sa", prefix);
	snprintf(ns_b, sizeof(ns_b), "%sb", prefix);
	snprintf(ns_c, sizeof(ns_c), "%sc", prefix);
	snprintf(ns_x, sizeof(ns_x), "%sx", prefix);
}

static void setup(void)
{
	names_init();
	remove_ours();
	ck_assert_msg(nl_netns_add(ns_a, err) == 0, "%s", err);
	ck_assert_msg(nl_netns_add(ns_b, err) == 0, "%s", err);
	ck_assert_msg(nl_netns_add(ns_c, err) == 0, "%s", err);
}

static void teardown(void)
{
	remove_ours();
}

static int read_cb(void *arg)
{
	char **v = arg;	/* v[0] path in, v[1] 32-byte buffer out */
	FILE *f = fopen(v[0], "r");

	if (f == NULL)
		return -1;
	if (fgets(v[1], 32, f) == NULL)
		v[1][0] = '\0';
	fclose(f);
	v[1][strcspn(v[1], "\n")] = '\0';
	return 0;
}

/* Reads a file while switched into ns: /proc/sys/net follows the opener's namespace. */
static const char *read_in(const char *ns, const char *path, char *out)
{
	char *v[2] = { (char *)path, out };

	out[0] = '\0';
	ck_assert_int_eq(nl_netns_run(ns, read_cb, v), 0);
	return out;
}

static int ino_cb(void *arg)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) < 0)
		return -1;
	*(ino_t *)arg = st.st_ino;
	return 7;
}

static ino_t own_netns_ino(void)
{
	struct stat st;

	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* ---- argument checks: no root needed ---- */

struct tso_query {
	const char *dev;
	int on; /* out: 1 or 0; -1 when the query failed */
};

static int tso_query_cb(void *arg)
{
	struct tso_query *q = arg;
	struct ethtool_value ev = { .cmd = ETHTOOL_GTSO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", q->dev);
	ifr.ifr_data = (void *)&ev;
	q->on = fd >= 0 && ioctl(fd, SIOCETHTOOL, &ifr) == 0 ? (int)ev.data : -1;
	if (fd >= 0)
		close(fd);
	return 0;
}

/* TSO of dev in ns as the kernel reports it (ETHTOOL_GTSO: any TSO feature on), -1 if unknown */
static int tso_of(const char *ns, const char *dev)
{
	struct tso_query q = { .dev = dev, .on = -1 };

	return nl_netns_run(ns, tso_query_cb, &q) == 0 ? q.on : -1;
}

START_TEST(test_bad_arguments)
{
	struct nl_route r = { .dst = "10.0.0.0/16", .nexthop_count = 0 };
	char absent[40], buf[64], **names = NULL;
	int n = -1, calls = 0;

	names_init();
	snprintf(absent, sizeof(absent), "%snone", prefix);
	errno = 0;
	ck_assert_int_eq(nl_netns_add("a/b", err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(nl_netns_add("..", err), -1);
	ck_assert_int_eq(nl_netns_add("", err), -1);
	ck_assert_int_eq(nl_netns_del(NULL, err), -1);
	ck_assert(!nl_netns_exists(absent));
	ck_assert(!nl_netns_exists("../etc"));
	ck_assert_int_eq(nl_netns_open(absent), -1);
	ck_assert_int_eq(errno, ENOENT);

	ck_assert_int_eq(nl_route_replace(NULL, &r, err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(err, "0 nexthops") != NULL, "%s", err);
	r.nexthop_count = 1;
	snprintf(r.dst, sizeof(r.dst), "10.0.0.0/33");
	ck_assert_int_eq(nl_route_replace(NULL, &r, err), -1);
	ck_assert_int_eq(errno, EINVAL);
	snprintf(r.dst, sizeof(r.dst), "10.0.0.0/8");
	ck_assert_int_eq(nl_route_replace(NULL, &r, err), -1);	/* neither via nor dev */
	ck_assert_msg(strstr(err, "neither via nor dev") != NULL, "%s", err);
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "10.0.0.300");
	ck_assert_int_eq(nl_route_replace(NULL, &r, err), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(nl_sysctl_set(NULL, "../../etc/passwd", "x", err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(nl_sysctl_set(NULL, "/proc/sys/net/ipv4/ip_forward", "1", err), -1);
	ck_assert_int_eq(nl_vxlan_add(NULL, "vx0", 0, NULL, 0, err), -1);
	ck_assert_int_eq(nl_vxlan_add(NULL, "vx0", 1u << 24, NULL, 0, err), -1);
	ck_assert_int_eq(nl_addr_add(NULL, "lo", "10.1.2.3", 33, err), -1);
	ck_assert_int_eq(nl_link_set_up(NULL, "this-name-is-too-long", true, err), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(nl_link_set_tso(NULL, "this-name-is-too-long", false, err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(nl_link_set_tso(NULL, "", false, err), -1);
	ck_assert_msg(strstr(err, "invalid interface name") != NULL, "%s", err);

	/* everything naming a missing namespace fails and says which */
	ck_assert_int_eq(nl_link_set_up(absent, "lo", true, err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(err, absent) != NULL, "%s", err);
	ck_assert_int_eq(nl_sysctl_set(absent, "net/ipv4/no_such_knob", "1", err), -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(buf, sizeof(buf), "namespace %s: ", absent);
	ck_assert_msg(strncmp(err, buf, strlen(buf)) == 0, "%s", err);
	ck_assert_int_eq(nl_netns_run(absent, ino_cb, &calls), -1);
	ck_assert_int_eq(nl_link_index(absent, "lo"), 0);
	ck_assert_int_eq(errno, ENOENT);

	ck_assert_int_eq(nl_netns_list(absent, &names, &n, err), 0);
	ck_assert_int_eq(n, 0);
	nl_names_free(names, n);
	ck_assert_int_eq(nl_netns_run(NULL, ino_cb, &(ino_t){ 0 }), 7);
}
END_TEST

/* ---- namespaces ---- */

START_TEST(test_netns_lifecycle)
{
	char out[4096], path[64], **names;
	ino_t before, inside = 0;
	struct stat st;
	int n, fd, fds = count_fds();

	ck_assert(nl_netns_exists(ns_a));
	ck_assert_msg(nl_netns_add(ns_a, err) == 0, "%s", err);	/* again: fine */
	ck_assert_msg(nl_netns_add(ns_x, err) == 0, "%s", err);
	ck_assert(nl_netns_exists(ns_x));
	/* created with lo up, and `ip netns` sees it */
	ck_assert_msg(strstr(sh_out(out, sizeof(out), "ip -n %s -o link show lo", ns_x), ",UP") != NULL, "%s", out);
	ck_assert_int_eq(nsf_sh("ip netns list | grep -qx '%s'", ns_x), 0);

	ck_assert_int_eq(nl_netns_list(prefix, &names, &n, err), 0);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(names[0], ns_a);
	ck_assert_str_eq(names[3], ns_x);
	nl_names_free(names, n);

	/* nl_netns_run enters the very namespace and comes back */
	before = own_netns_ino();
	ck_assert_int_eq(nl_netns_run(ns_x, ino_cb, &inside), 7);
	snprintf(path, sizeof(path), "/run/netns/%s", ns_x);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(inside, st.st_ino);
	ck_assert_uint_ne(inside, before);
	ck_assert_uint_eq(own_netns_ino(), before);
	fd = nl_netns_open(ns_x);
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_msg(nl_netns_del(ns_x, err) == 0, "%s", err);
	ck_assert_msg(nl_netns_del(ns_x, err) == 0, "%s", err);	/* again: fine */
	ck_assert(!nl_netns_exists(ns_x));
	ck_assert_int_eq(stat(path, &st), -1);
	ck_assert_int_eq(nl_netns_list(prefix, &names, &n, err), 0);
	ck_assert_int_eq(n, 3);
	nl_names_free(names, n);

	/* a plain file left by an interrupted create is not a namespace, and add repairs it */
	fd = open(path, O_RDONLY | O_CREAT, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert(!nl_netns_exists(ns_x));
	ck_assert_msg(nl_netns_add(ns_x, err) == 0, "%s", err);
	ck_assert(nl_netns_exists(ns_x));
	ck_assert_msg(nl_netns_del(ns_x, err) == 0, "%s", err);
	ck_assert_int_eq(count_fds(), fds);
}
END_TEST

struct switch_job {
	const char *ns;
	ino_t want;
	int mismatches;
};

static void *switch_thread(void *arg)
{
	struct switch_job *job = arg;
	ino_t own = own_netns_ino(), inside;

	for (int i = 0; i < 300; i++) {
		inside = 0;
		if (nl_netns_run(job->ns, ino_cb, &inside) != 7 || inside != job->want || own_netns_ino() != own)
			job->mismatches++;
	}
	return NULL;
}

/* The agent is multi-threaded: switching is per thread and never leaks into another. */
START_TEST(test_netns_threads)
{
	const char *names[3] = { ns_a, ns_b, ns_c };
	struct switch_job jobs[6];
	pthread_t tids[6];
	char path[64];
	struct stat st;

	for (int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/run/netns/%s", names[i % 3]);
		ck_assert_int_eq(stat(path, &st), 0);
		jobs[i] = (struct switch_job){ .ns = names[i % 3], .want = st.st_ino };
		ck_assert_int_eq(pthread_create(&tids[i], NULL, switch_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(tids[i], NULL);
		ck_assert_int_eq(jobs[i].mismatches, 0);
	}
}
END_TEST

/* ---- links and addresses ---- */

START_TEST(test_veth_addr_ping)
{
	ck_assert_msg(nl_veth_add(ns_a, "va0", ns_b, "vb0", err) == 0, "%s", err);
	ck_assert_msg(nl_veth_add(ns_a, "va0", ns_b, "vb0", err) == 0, "%s", err);	/* again: fine */
	ck_assert_int_gt(nl_link_index(ns_a, "va0"), 0);
	ck_assert_int_gt(nl_link_index(ns_b, "vb0"), 0);
	ck_assert_int_eq(nl_link_index(ns_a, "vb0"), 0);	/* the peer was born in b */
	ck_assert_int_eq(nl_link_index(ns_b, "va0"), 0);

	ck_assert_msg(nl_addr_add(ns_a, "va0", "10.99.1.1", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_a, "va0", "10.99.1.1", 24, err) == 0, "%s", err);	/* again: fine */
	ck_assert_msg(nl_addr_add(ns_b, "vb0", "10.99.1.2", 24, err) == 0, "%s", err);
	ck_assert(no_ping(ns_a, "10.99.1.2"));	/* still down */
	ck_assert_msg(nl_link_set_up(ns_a, "va0", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_b, "vb0", true, err) == 0, "%s", err);
	ck_assert(ping(ns_a, "10.99.1.2"));
	ck_assert(ping(ns_b, "10.99.1.1"));

	ck_assert_msg(nl_addr_del(ns_b, "vb0", "10.99.1.2", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_addr_del(ns_b, "vb0", "10.99.1.2", 24, err) == 0, "%s", err);	/* again: fine */
	ck_assert_msg(nl_addr_del(ns_b, "nodev0", "10.99.1.2", 24, err) == 0, "%s", err);
	ck_assert(no_ping(ns_a, "10.99.1.2"));
	ck_assert_int_eq(nl_addr_add(ns_b, "nodev0", "10.99.1.2", 24, err), -1);
	ck_assert_int_eq(errno, ENODEV);

	/* a name taken by another kind is an error, not "exists" */
	ck_assert_int_eq(nl_bridge_add(ns_a, "va0", err), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_msg(strstr(err, "exists as a veth") != NULL, "%s", err);
	/* so is a veth whose peer name is taken on the other side */
	ck_assert_int_eq(nl_veth_add(ns_c, "vc0", ns_b, "vb0", err), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(nl_link_index(ns_c, "vc0"), 0);

	ck_assert_msg(nl_link_set_up(ns_a, "va0", false, err) == 0, "%s", err);
	ck_assert_int_eq(nl_link_set_up(ns_a, "nodev0", true, err), -1);
	ck_assert_msg(strstr(err, "nodev0") != NULL && strstr(err, ns_a) != NULL, "%s", err);
}
END_TEST

START_TEST(test_bridge)
{
	char out[4096];

	ck_assert_msg(nl_bridge_add(ns_a, "br0", err) == 0, "%s", err);
	ck_assert_msg(nl_bridge_add(ns_a, "br0", err) == 0, "%s", err);	/* again: fine */
	/* with br_netfilter loaded, bridged frames in the namespace skip iptables (each file
	 * reads 0); without it the files do not exist and sh_out reads nothing */
	sh_out(out, sizeof(out), "ip netns exec %s sh -c 'cat /proc/sys/net/bridge/bridge-nf-call-* 2>/dev/null'", ns_a);
	ck_assert_msg(strchr(out, '1') == NULL, "bridge-nf-call-*: %s", out);
	ck_assert_msg(nl_veth_add(ns_a, "p1", ns_b, "h1", err) == 0, "%s", err);
	ck_assert_msg(nl_veth_add(ns_a, "p2", ns_c, "h2", err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_master(ns_a, "p1", "br0", err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_master(ns_a, "p2", "br0", err) == 0, "%s", err);
	ck_assert_msg(strstr(sh_out(out, sizeof(out), "ip -n %s -o link show p1", ns_a), "master br0") != NULL, "%s",
		      out);
	ck_assert_msg(nl_addr_add(ns_b, "h1", "10.99.2.1", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_c, "h2", "10.99.2.2", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "br0", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "p1", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "p2", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_b, "h1", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_c, "h2", true, err) == 0, "%s", err);
	ck_assert(ping(ns_b, "10.99.2.2"));
	/* a veth port brought up polls in a kernel thread of its own (threaded NAPI, with GRO) */
	sh_out(out, sizeof(out), "ip netns exec %s cat /sys/class/net/p1/threaded", ns_a);
	ck_assert_msg(strncmp(out, "1", 1) == 0, "p1 threaded: %s", out);
	/* the port's NAPI takes forwarded packets only from a peer without TSO (a veth's default: on) */
	ck_assert_int_eq(tso_of(ns_b, "h1"), 1);
	ck_assert_msg(nl_link_set_tso(ns_b, "h1", false, err) == 0, "%s", err);
	ck_assert_int_eq(tso_of(ns_b, "h1"), 0);
	ck_assert(ping(ns_b, "10.99.2.2"));
	ck_assert_msg(nl_link_set_tso(ns_b, "h1", false, err) == 0, "%s", err); /* again: fine */
	ck_assert_msg(nl_link_set_tso(ns_b, "h1", true, err) == 0, "%s", err);
	ck_assert_int_eq(tso_of(ns_b, "h1"), 1);
	ck_assert_int_eq(nl_link_set_tso(ns_b, "nosuch0", false, err), -1);
	ck_assert_msg(strstr(err, "nosuch0") != NULL, "%s", err);

	/* released from the bridge, p2 forwards nothing */
	ck_assert_msg(nl_link_set_master(ns_a, "p2", NULL, err) == 0, "%s", err);
	ck_assert_msg(strstr(sh_out(out, sizeof(out), "ip -n %s -o link show p2", ns_a), "master") == NULL, "%s", out);
	ck_assert(no_ping(ns_b, "10.99.2.2"));
	ck_assert_int_eq(nl_link_set_master(ns_a, "p2", "nobr0", err), -1);
	ck_assert_int_eq(errno, ENODEV);
}
END_TEST

START_TEST(test_link_move_del)
{
	ck_assert_msg(nl_veth_add(ns_a, "m0", ns_a, "m1", err) == 0, "%s", err);
	ck_assert_int_gt(nl_link_index(ns_a, "m1"), 0);
	ck_assert_msg(nl_link_move(ns_a, "m1", ns_b, err) == 0, "%s", err);
	ck_assert_int_eq(nl_link_index(ns_a, "m1"), 0);
	ck_assert_int_gt(nl_link_index(ns_b, "m1"), 0);
	ck_assert_int_eq(nl_link_move(ns_a, "m1", ns_b, err), -1);	/* not there any more */
	ck_assert_int_eq(errno, ENODEV);

	ck_assert_msg(nl_link_del(ns_a, "m0", err) == 0, "%s", err);
	ck_assert_int_eq(nl_link_index(ns_a, "m0"), 0);
	ck_assert_int_eq(nl_link_index(ns_b, "m1"), 0);	/* the peer went with it */
	ck_assert_msg(nl_link_del(ns_a, "m0", err) == 0, "%s", err);	/* again: fine */
}
END_TEST

/* ---- routes ---- */

static const struct nl_route *find_route(const struct nl_route *v, int n, const char *dst, int metric)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].dst, dst) == 0 && v[i].metric == metric)
			return &v[i];
	return NULL;
}

static const struct nl_nexthop *find_nexthop(const struct nl_route *r, const char *via)
{
	for (int i = 0; i < r->nexthop_count; i++)
		if (strcmp(r->nexthops[i].via, via) == 0)
			return &r->nexthops[i];
	return NULL;
}

START_TEST(test_routes)
{
	struct nl_route r = { .dst = "10.50.0.0/16", .nexthop_count = 2 };
	const struct nl_route *g;
	const struct nl_nexthop *nh;
	struct nl_route *v;
	char out[4096];
	int n, fds = count_fds();

	ck_assert_msg(nl_veth_add(ns_a, "r0", ns_b, "r1", err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_a, "r0", "10.99.3.1", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "r0", true, err) == 0, "%s", err);

	/* ECMP with weights 3:1, the second nexthop's device left to the kernel */
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "10.99.3.2");
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "r0");
	r.nexthops[0].weight = 3;
	snprintf(r.nexthops[1].via, sizeof(r.nexthops[1].via), "10.99.3.3");
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);	/* again: still one route */
	ck_assert_msg(nl_route_list(ns_a, 0, NL_RTPROT_VPNLAB, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].dst, "10.50.0.0/16");
	ck_assert_uint_eq(v[0].table, 0);
	ck_assert_int_eq(v[0].nexthop_count, 2);
	ck_assert_ptr_nonnull(nh = find_nexthop(&v[0], "10.99.3.2"));
	ck_assert_int_eq(nh->weight, 3);
	ck_assert_str_eq(nh->dev, "r0");
	ck_assert_ptr_nonnull(nh = find_nexthop(&v[0], "10.99.3.3"));
	ck_assert_int_eq(nh->weight, 1);
	ck_assert_str_eq(nh->dev, "r0");
	free(v);
	/* iproute2 knows protocol 99 by another name, so filter on the number */
	sh_out(out, sizeof(out), "ip -n %s route show proto 99 10.50.0.0/16", ns_a);
	ck_assert_msg(strstr(out, "via 10.99.3.2 dev r0 weight 3") != NULL, "%s", out);

	/* 2 nexthops → 1 in place */
	r.nexthop_count = 1;
	r.nexthops[0] = r.nexthops[1];
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_list(ns_a, 0, NL_RTPROT_VPNLAB, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].nexthop_count, 1);
	ck_assert_str_eq(v[0].nexthops[0].via, "10.99.3.3");
	ck_assert_str_eq(v[0].nexthops[0].dev, "r0");
	ck_assert_int_eq(v[0].nexthops[0].weight, 1);
	free(v);
	ck_assert_int_eq(nsf_sh("test $(ip -n %s route show 10.50.0.0/16 | wc -l) -eq 1", ns_a), 0);

	/* the key includes the metric; the default route prints as 0.0.0.0/0 */
	r.metric = 20;
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	r = (struct nl_route){ .dst = "0.0.0.0/0", .nexthop_count = 1 };
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "10.99.3.2");
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	/* a device route with source and metric, in a table of its own */
	r = (struct nl_route){ .dst = "10.60.1.0/24", .table = 100, .metric = 10, .src = "10.99.3.1",
			       .nexthop_count = 1 };
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "r0");
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_list(ns_a, 0, NL_RTPROT_VPNLAB, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 3);
	ck_assert_ptr_nonnull(find_route(v, n, "10.50.0.0/16", 0));
	ck_assert_ptr_nonnull(find_route(v, n, "10.50.0.0/16", 20));
	ck_assert_ptr_nonnull(g = find_route(v, n, "0.0.0.0/0", 0));
	ck_assert_str_eq(g->nexthops[0].via, "10.99.3.2");
	free(v);
	ck_assert_msg(nl_route_list(ns_a, 100, 0, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].dst, "10.60.1.0/24");
	ck_assert_uint_eq(v[0].table, 100);
	ck_assert_int_eq(v[0].metric, 10);
	ck_assert_str_eq(v[0].src, "10.99.3.1");
	ck_assert_str_eq(v[0].nexthops[0].via, "");
	ck_assert_str_eq(v[0].nexthops[0].dev, "r0");
	free(v);
	/* any protocol: the kernel's connected route shows up too */
	ck_assert_msg(nl_route_list(ns_a, 0, 0, &v, &n, err) == 0, "%s", err);
	ck_assert_ptr_nonnull(g = find_route(v, n, "10.99.3.0/24", 0));
	ck_assert_str_eq(g->nexthops[0].dev, "r0");
	ck_assert_str_eq(g->src, "10.99.3.1");
	free(v);

	/* delete by key, twice */
	r = (struct nl_route){ .dst = "10.50.0.0/16", .metric = 20 };
	ck_assert_msg(nl_route_del(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_del(ns_a, &r, err) == 0, "%s", err);
	r.metric = 0;
	ck_assert_msg(nl_route_del(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_del(ns_a, &r, err) == 0, "%s", err);
	r = (struct nl_route){ .dst = "10.60.1.0/24", .table = 100, .metric = 10 };
	ck_assert_msg(nl_route_del(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_list(ns_a, 0, NL_RTPROT_VPNLAB, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(v[0].dst, "0.0.0.0/0");
	free(v);
	ck_assert_msg(nl_route_list(ns_a, 100, 0, &v, &n, err) == 0, "%s", err);
	ck_assert_int_eq(n, 0);
	free(v);

	/* failures say what, where and why */
	r = (struct nl_route){ .dst = "10.51.0.0/16", .nexthop_count = 1 };
	snprintf(r.nexthops[0].via, sizeof(r.nexthops[0].via), "10.77.0.1");
	ck_assert_int_eq(nl_route_replace(ns_a, &r, err), -1);
	snprintf(out, sizeof(out), "RTM_NEWROUTE 10.51.0.0/16 in ns %s: ", ns_a);
	ck_assert_msg(strncmp(err, out, strlen(out)) == 0, "%s", err);
	fprintf(stderr, "test_nl: expected failure: %s\n", err);
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "nodev0");
	ck_assert_int_eq(nl_route_replace(ns_a, &r, err), -1);
	ck_assert_int_eq(errno, ENODEV);
	ck_assert_msg(strstr(err, "nodev0") != NULL, "%s", err);
	/* the same gateway is fine onlink, plain and in a multipath route */
	snprintf(r.nexthops[0].dev, sizeof(r.nexthops[0].dev), "r0");
	r.nexthops[0].onlink = true;
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	r.nexthops[1] = r.nexthops[0];
	snprintf(r.nexthops[1].via, sizeof(r.nexthops[1].via), "10.77.0.2");
	r.nexthop_count = 2;
	r.metric = 5;
	ck_assert_msg(nl_route_replace(ns_a, &r, err) == 0, "%s", err);
	ck_assert_msg(nl_route_list(ns_a, 0, NL_RTPROT_VPNLAB, &v, &n, err) == 0, "%s", err);
	ck_assert_ptr_nonnull(g = find_route(v, n, "10.51.0.0/16", 0));
	ck_assert(g->nexthops[0].onlink);
	ck_assert_ptr_nonnull(g = find_route(v, n, "10.51.0.0/16", 5));
	ck_assert_int_eq(g->nexthop_count, 2);
	ck_assert(g->nexthops[0].onlink && g->nexthops[1].onlink);
	ck_assert_ptr_nonnull(find_route(v, n, "0.0.0.0/0", 0));
	ck_assert_ptr_null(find_route(v, n, "10.50.0.0/16", 0));
	free(v);
	ck_assert_int_eq(count_fds(), fds);	/* sockets and namespace fds all closed */
}
END_TEST

/* ---- sysctl ---- */

/* How many lines of text begin with start and contain each of a and b. */
static int lines_with(const char *text, const char *start, const char *a, const char *b)
{
	int n = 0;

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *end = strchr(line, '\n');
		char buf[256];
		size_t len = end ? (size_t)(end - line) : strlen(line);

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		n += strncmp(buf, start, strlen(start)) == 0 && strstr(buf, a) && strstr(buf, b);
	}
	return n;
}

/* Policy rules by input interface: lookup a table, blackhole, idempotent add, delete by key. */
START_TEST(test_rules)
{
	char *out;

	ck_assert_msg(nl_rule_add(ns_a, 1000, "brx", 1001, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_add(ns_a, 1000, "brx", 1001, err) == 0, "%s", err); /* again: still one */
	ck_assert_msg(nl_rule_add(ns_a, 1001, "brx", 0, err) == 0, "%s", err);
	out = nsf_sh_out("ip -n %s -4 rule show", ns_a);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(lines_with(out, "1000:", "iif brx", "lookup 1001") == 1, "%s", out);
	ck_assert_msg(lines_with(out, "1001:", "iif brx", "blackhole") == 1, "%s", out);
	free(out);
	/* a delete takes every rule at that priority for that interface, whatever its action */
	ck_assert_msg(nl_rule_add(ns_a, 1000, "brx", 1002, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_add(ns_a, 1000, "bry", 1002, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_del(ns_a, 1000, "brx", err) == 0, "%s", err);
	ck_assert_msg(nl_rule_del(ns_a, 1000, "brx", err) == 0, "%s", err); /* none left: fine */
	out = nsf_sh_out("ip -n %s -4 rule show", ns_a);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(lines_with(out, "1000:", "iif brx", "lookup") == 0, "%s", out);
	ck_assert_msg(lines_with(out, "1000:", "iif bry", "lookup 1002") == 1, "%s", out);
	ck_assert_msg(lines_with(out, "1001:", "iif brx", "blackhole") == 1, "%s", out);
	free(out);
	ck_assert_int_eq(nl_rule_add(ns_a, 1000, "", 1001, err), -1);
}
END_TEST

/* Policy rules by source and destination (VPN policy routes): idempotent add, delete by priority. */
START_TEST(test_rules_match)
{
	char *out;

	ck_assert_msg(nl_rule_add_match(ns_a, 500, "10.0.1.0/24", "192.168.70.0/24", 2001, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_add_match(ns_a, 500, "10.0.1.0/24", "192.168.70.0/24", 2001, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_add_match(ns_a, 501, "0.0.0.0/0", "192.168.0.0/16", 2002, err) == 0, "%s", err);
	out = nsf_sh_out("ip -n %s -4 rule show", ns_a);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(lines_with(out, "500:", "from 10.0.1.0/24 to 192.168.70.0/24", "lookup 2001") == 1, "%s", out);
	ck_assert_msg(lines_with(out, "501:", "from all to 192.168.0.0/16", "lookup 2002") == 1, "%s", out);
	free(out);
	ck_assert_msg(nl_rule_del_pref(ns_a, 500, err) == 0, "%s", err);
	ck_assert_msg(nl_rule_del_pref(ns_a, 500, err) == 0, "%s", err); /* none left: fine */
	out = nsf_sh_out("ip -n %s -4 rule show", ns_a);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(lines_with(out, "500:", "from", "lookup") == 0, "%s", out);
	ck_assert_msg(lines_with(out, "501:", "to 192.168.0.0/16", "lookup 2002") == 1, "%s", out);
	free(out);
	ck_assert_msg(nl_rule_del_pref(ns_a, 501, err) == 0, "%s", err);
	ck_assert_int_eq(nl_rule_add_match(ns_a, 502, "10.0.1.0/33", "192.168.0.0/16", 2002, err), -1);
	ck_assert_int_eq(nl_rule_add_match(ns_a, 502, "10.0.1.0/24", "192.168.0.0/16", 0, err), -1);
}
END_TEST

START_TEST(test_sysctl)
{
	char own_before[32], own_after[32], buf[32];

	/* a new namespace inherits the host's IPv4 settings, so set both sides explicitly */
	read_in(NULL, "/proc/sys/net/ipv4/ip_forward", own_before);
	ck_assert_msg(nl_sysctl_set(ns_a, "net/ipv4/ip_forward", "1", err) == 0, "%s", err);
	ck_assert_msg(nl_sysctl_set(ns_b, "net/ipv4/ip_forward", "0", err) == 0, "%s", err);
	ck_assert_str_eq(read_in(ns_a, "/proc/sys/net/ipv4/ip_forward", buf), "1");
	ck_assert_str_eq(read_in(ns_b, "/proc/sys/net/ipv4/ip_forward", buf), "0");
	ck_assert_msg(nl_sysctl_set(ns_a, "net/ipv4/ip_forward", "0", err) == 0, "%s", err);
	ck_assert_msg(nl_sysctl_set(ns_b, "net/ipv4/ip_forward", "1", err) == 0, "%s", err);
	ck_assert_str_eq(read_in(ns_a, "/proc/sys/net/ipv4/ip_forward", buf), "0");
	ck_assert_str_eq(read_in(ns_b, "/proc/sys/net/ipv4/ip_forward", buf), "1");
	read_in(NULL, "/proc/sys/net/ipv4/ip_forward", own_after);
	ck_assert_str_eq(own_before, own_after);
	ck_assert_int_eq(nl_sysctl_set(ns_a, "net/ipv4/no_such_knob", "1", err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(err, "no_such_knob") != NULL && strstr(err, ns_a) != NULL, "%s", err);
}
END_TEST

/* ---- vxlan ---- */

START_TEST(test_vxlan)
{
	char out[4096];

	/* underlay a:u0 10.99.4.1 ── b:u1 10.99.4.2, overlay 192.168.77.0/24 on vx0 */
	ck_assert_msg(nl_veth_add(ns_a, "u0", ns_b, "u1", err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_a, "u0", "10.99.4.1", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_b, "u1", "10.99.4.2", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "u0", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_b, "u1", true, err) == 0, "%s", err);

	ck_assert_msg(nl_vxlan_add(ns_a, "vx0", 4242, "10.99.4.1", 0, err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_add(ns_a, "vx0", 4242, "10.99.4.1", 0, err) == 0, "%s", err);	/* again: fine */
	ck_assert_msg(nl_vxlan_add(ns_b, "vx0", 4242, "10.99.4.2", 0, err) == 0, "%s", err);
	sh_out(out, sizeof(out), "ip -n %s -d link show vx0", ns_a);
	ck_assert_msg(strstr(out, "vxlan id 4242") && strstr(out, "local 10.99.4.1") && strstr(out, "dstport 4789") &&
			      strstr(out, "nolearning"),
		      "%s", out);
	ck_assert_msg(nl_vxlan_add(ns_c, "vx9", 7, NULL, 8472, err) == 0, "%s", err);
	ck_assert_msg(strstr(sh_out(out, sizeof(out), "ip -n %s -d link show vx9", ns_c), "dstport 8472") != NULL,
		      "%s", out);
	ck_assert_msg(nl_link_del(ns_c, "vx9", err) == 0, "%s", err);

	ck_assert_msg(nl_vxlan_fdb_append(ns_a, "vx0", "10.99.4.2", err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_fdb_append(ns_a, "vx0", "10.99.4.2", err) == 0, "%s", err);	/* again: fine */
	ck_assert_msg(nl_vxlan_fdb_append(ns_a, "vx0", "10.99.4.9", err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_fdb_append(ns_b, "vx0", "10.99.4.1", err) == 0, "%s", err);
	sh_out(out, sizeof(out), "bridge -n %s fdb show dev vx0", ns_a);
	ck_assert_msg(strstr(out, "00:00:00:00:00:00 dst 10.99.4.2") && strstr(out, "00:00:00:00:00:00 dst 10.99.4.9"),
		      "%s", out);
	ck_assert_int_eq(nsf_sh("test $(bridge -n %s fdb show dev vx0 | grep -c 'dst 10.99.4.2') -eq 1", ns_a), 0);

	ck_assert_msg(nl_addr_add(ns_a, "vx0", "192.168.77.1", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_b, "vx0", "192.168.77.2", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_a, "vx0", true, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_b, "vx0", true, err) == 0, "%s", err);
	ck_assert(ping(ns_a, "192.168.77.2"));

	ck_assert_msg(nl_vxlan_fdb_del(ns_a, "vx0", "10.99.4.9", err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_fdb_del(ns_a, "vx0", "10.99.4.9", err) == 0, "%s", err);	/* again: fine */
	sh_out(out, sizeof(out), "bridge -n %s fdb show dev vx0", ns_a);
	ck_assert_msg(strstr(out, "dst 10.99.4.9") == NULL && strstr(out, "dst 10.99.4.2") != NULL, "%s", out);
	ck_assert(ping(ns_a, "192.168.77.2"));
	/* without its only peer entry, a sends nothing to b (learning is off) */
	ck_assert_msg(nl_vxlan_fdb_del(ns_a, "vx0", "10.99.4.2", err) == 0, "%s", err);
	ck_assert(no_ping(ns_a, "192.168.77.2"));
	/* the entry itself is gone now (the kernel says ENOENT): still fine */
	ck_assert_int_eq(nsf_sh("bridge -n %s fdb show dev vx0 | grep -q 00:00:00:00:00:00", ns_a), 1);
	ck_assert_msg(nl_vxlan_fdb_del(ns_a, "vx0", "10.99.4.2", err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_fdb_del(ns_a, "novx0", "10.99.4.2", err) == 0, "%s", err);
	ck_assert_int_eq(nl_vxlan_fdb_append(ns_a, "novx0", "10.99.4.2", err), -1);
	ck_assert_int_eq(errno, ENODEV);

	/*
	 * Made in a and moved to c, as the reconciler does from the agent's own namespace: the
	 * device lives in c while its UDP socket stays on a's underlay.  A VNI is unique per
	 * socket namespace, so a's vx0 makes room first.
	 */
	ck_assert_msg(nl_link_del(ns_a, "vx0", err) == 0, "%s", err);
	ck_assert_msg(nl_vxlan_add(ns_a, "vx1", 4242, "10.99.4.1", 0, err) == 0, "%s", err);
	ck_assert_msg(nl_link_move(ns_a, "vx1", ns_c, err) == 0, "%s", err);
	ck_assert_int_eq(nl_link_index(ns_a, "vx1"), 0);
	ck_assert_msg(nl_vxlan_fdb_append(ns_c, "vx1", "10.99.4.2", err) == 0, "%s", err);
	ck_assert_msg(nl_addr_add(ns_c, "vx1", "192.168.77.3", 24, err) == 0, "%s", err);
	ck_assert_msg(nl_link_set_up(ns_c, "vx1", true, err) == 0, "%s", err);
	ck_assert(ping(ns_c, "192.168.77.2"));
}
END_TEST

START_TEST(test_skip_not_root)
{
	printf("nl_suite: not root, namespace tests skipped\n");
}
END_TEST

Suite *nl_suite(void)
{
	Suite *s = suite_create("nl");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_bad_arguments);
	suite_add_tcase(s, tc);
	if (geteuid() != 0) {
		tc = tcase_create("netns");
		tcase_add_test(tc, test_skip_not_root);
		suite_add_tcase(s, tc);
		return s;
	}
	tc = tcase_create("netns");
	/* checked: teardown runs after every test, failed ones included */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_netns_lifecycle);
	tcase_add_test(tc, test_netns_threads);
	tcase_add_test(tc, test_veth_addr_ping);
	tcase_add_test(tc, test_bridge);
	tcase_add_test(tc, test_link_move_del);
	tcase_add_test(tc, test_routes);
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_rules_match);
	tcase_add_test(tc, test_sysctl);
	tcase_add_test(tc, test_vxlan);
	suite_add_tcase(s, tc);
	return s;
}
