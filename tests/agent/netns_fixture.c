#include "netns_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int run(const char *cmd)
{
	int st = system(cmd);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int nsf_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return run(cmd);
}

char *nsf_sh_out(const char *fmt, ...)
{
	char cmd[1024], *buf = NULL;
	size_t len = 0;
	va_list ap;
	FILE *f, *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (!(f = open_memstream(&buf, &len)))
		return NULL;
	if ((p = popen(cmd, "r"))) {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
			fwrite(chunk, 1, n, f);
		pclose(p);
	}
	fclose(f);
	return buf;
}

int nsf_in(const char *ns, const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "ip netns exec %s ", ns);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	return run(cmd);
}

double nsf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void nsf_name(char *out, size_t size, const char *tag, const char *suffix)
{
	snprintf(out, size, "%s%d%s", tag, (int)getpid(), suffix);
}

int nsf_add(const char *ns)
{
	return nsf_sh("ip netns add %s && ip -n %s link set lo up", ns, ns);
}

void nsf_del(const char *ns)
{
	nsf_sh("ip netns del %s 2>/dev/null", ns);
}

/* Gives one end its address (if any) and sets it up. */
static int veth_end(const char *ns, const char *ifname, const char *addr)
{
	int rc;

	if (addr && (rc = nsf_sh("ip -n %s addr add %s dev %s", ns, addr, ifname)))
		return rc;
	return nsf_sh("ip -n %s link set %s up", ns, ifname);
}

int nsf_veth(const char *ns_a, const char *if_a, const char *addr_a, const char *ns_b, const char *if_b,
	     const char *addr_b)
{
	int rc = nsf_sh("ip -n %s link add %s type veth peer name %s netns %s", ns_a, if_a, if_b, ns_b);

	if (!rc)
		rc = veth_end(ns_a, if_a, addr_a);
	return rc ? rc : veth_end(ns_b, if_b, addr_b);
}

int nsf_pair_add(char *ns_a, char *ns_b, size_t size, const char *tag, const char *addr_a, const char *addr_b)
{
	int rc;

	nsf_name(ns_a, size, tag, "-a");
	nsf_name(ns_b, size, tag, "-b");
	rc = nsf_add(ns_a);
	if (!rc)
		rc = nsf_add(ns_b);
	if (!rc)
		rc = nsf_veth(ns_a, "a0", addr_a, ns_b, "b0", addr_b);
	if (rc)
		nsf_pair_del(ns_a, ns_b);
	return rc;
}

void nsf_pair_del(char *ns_a, char *ns_b)
{
	if (!ns_a[0])
		return;
	nsf_del(ns_a);
	nsf_del(ns_b);
	ns_a[0] = ns_b[0] = '\0';
}

int nsf_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

bool nsf_skip_unless_root(const char *suite)
{
	if (geteuid() == 0)
		return false;
	fprintf(stderr, "%s: skipped (needs root for namespaces)\n", suite);
	return true;
}
