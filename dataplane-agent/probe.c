/*
 * ICMP echo probes run from a named namespace.  The raw socket is opened while the thread
 * is switched into the namespace (nl_netns_run) and keeps working there after the switch
 * back, so the send/receive loop runs in the caller's namespace with no further switching.
 */
#include "agent_err.h"
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "nl.h"

/* ---- identifiers ---- */

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t id_used[65536 / 64];
static unsigned id_cursor;
static bool id_seeded;

int probe_id_get(void)
{
	int id = -1;

	pthread_mutex_lock(&id_lock);
	if (!id_seeded) {
		/* two agents on one host (one per container or netns "host") start apart */
		id_cursor = (unsigned)getpid() * 2654435761u;
		id_seeded = true;
	}
	for (unsigned n = 0; n < 65536; n++) {
		unsigned c = (id_cursor + n) & 0xffff;

		if (!(id_used[c / 64] & (1ull << (c % 64)))) {
			id_used[c / 64] |= 1ull << (c % 64);
			/* rotate, so a just-released identifier is not reused at once and a late
			 * reply to its previous owner cannot be taken for a new one's */
			id_cursor = c + 1;
			id = (int)c;
			break;
		}
	}
	pthread_mutex_unlock(&id_lock);
	return id;
}

void probe_id_put(int id)
{
	if (id < 0 || id > 0xffff)
		return;
	pthread_mutex_lock(&id_lock);
	id_used[id / 64] &= ~(1ull << (id % 64));
	pthread_mutex_unlock(&id_lock);
}

uint16_t probe_cksum(const void *data, int len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* ---- probe ---- */

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define set_err(err, ...) agent_set_err((err), PROBE_ERR_MAX, __VA_ARGS__)

struct open_arg {
	int fd;
	int err;
	struct stat *ns_st;
};

static int open_raw_icmp(void *arg)
{
	struct open_arg *oa = arg;
	struct icmp_filter filt = { .data = ~(1u << ICMP_ECHOREPLY) };

	if (oa->ns_st && stat("/proc/thread-self/ns/net", oa->ns_st) < 0) {
		oa->err = errno;
		return -1;
	}
	oa->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (oa->fd < 0) {
		oa->err = errno;
		return -1;
	}
	if (setsockopt(oa->fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0) {
		oa->err = errno;
		close(oa->fd);
		oa->fd = -1;
		return -1;
	}
	return 0;
}

int probe_icmp_socket(const char *ns, struct stat *ns_st, char *err)
{
	struct open_arg oa = { .fd = -1, .ns_st = ns_st };

	if (nl_netns_run(ns, open_raw_icmp, &oa) < 0) {
		if (oa.err)
			errno = oa.err;
		set_err(err, "raw ICMP socket in namespace %s: %s", ns ? ns : "(own)", strerror(errno));
		return -1;
	}
	return oa.fd;
}

size_t probe_echo_build(uint8_t buf[PROBE_ECHO_LEN], uint16_t id, uint16_t seq)
{
	struct icmphdr h = { .type = ICMP_ECHO };
	uint16_t sum;

	h.un.echo.id = htons(id);
	h.un.echo.sequence = htons(seq);
	memcpy(buf, &h, sizeof(h));
	for (size_t i = sizeof(h); i < PROBE_ECHO_LEN; i++)
		buf[i] = (uint8_t)(0x10 + i - sizeof(h));
	sum = probe_cksum(buf, PROBE_ECHO_LEN);
	memcpy(buf + offsetof(struct icmphdr, checksum), &sum, sizeof(sum));
	return PROBE_ECHO_LEN;
}

bool probe_echo_reply(const uint8_t *buf, size_t n, uint16_t *id, uint16_t *seq, uint32_t *saddr)
{
	const struct iphdr *ip = (const struct iphdr *)buf;
	const struct icmphdr *ic;
	size_t hl;

	if (n < sizeof(*ip))
		return false;
	hl = (size_t)ip->ihl * 4;
	if (hl < sizeof(*ip) || n < hl + sizeof(*ic))
		return false;
	ic = (const struct icmphdr *)(buf + hl);
	if (ic->type != ICMP_ECHOREPLY)
		return false;
	*id = ntohs(ic->un.echo.id);
	*seq = ntohs(ic->un.echo.sequence);
	*saddr = ip->saddr;
	return true;
}

struct probe_run {
	int fd;
	uint16_t id;
	struct in_addr dst;
	int count;
	int64_t timeout_ns;
	int64_t *sent_at; /* per sequence number; -1: the send failed */
	uint8_t *got;
	int received;
	double rtt_sum_ms, rtt_max_ms;
};

static void send_one(struct probe_run *r, int seq)
{
	uint8_t pkt[PROBE_ECHO_LEN];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = r->dst };
	size_t len = probe_echo_build(pkt, r->id, (uint16_t)seq);
	ssize_t n;

	r->sent_at[seq] = mono_ns();
	do
		n = sendto(r->fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to));
	while (n < 0 && errno == EINTR);
	/* no route, a local reject, a full queue: that request is lost, the schedule goes on */
	if (n < 0)
		r->sent_at[seq] = -1;
}

static void drain(struct probe_run *r)
{
	uint8_t buf[2048];

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(r->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		int64_t now = mono_ns();
		uint16_t id, seq;
		uint32_t saddr;
		double rtt;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN, or an error the next poll reports again */
		}
		if (!probe_echo_reply(buf, (size_t)n, &id, &seq, &saddr) || id != r->id || saddr != r->dst.s_addr)
			continue;
		if (seq >= r->count || r->got[seq] || r->sent_at[seq] <= 0)
			continue; /* duplicate, or never sent */
		if (now - r->sent_at[seq] > r->timeout_ns)
			continue; /* too late: lost */
		r->got[seq] = 1;
		r->received++;
		rtt = (double)(now - r->sent_at[seq]) / 1e6;
		r->rtt_sum_ms += rtt;
		if (rtt > r->rtt_max_ms)
			r->rtt_max_ms = rtt;
	}
}

int probe_icmp(const char *ns, const char *target, int count, int interval_ms, int timeout_ms,
	       struct probe_result *out, char *err)
{
	struct probe_run r = { .fd = -1 };
	int64_t t0, interval_ns;
	int id = -1, next = 0, ret = -1;

	if (!target || inet_pton(AF_INET, target, &r.dst) != 1) {
		set_err(err, "target '%s' is not an IPv4 address", target ? target : "(null)");
		errno = EINVAL;
		return -1;
	}
	if (count < 1 || count > PROBE_COUNT_MAX || interval_ms < 1 || interval_ms > 60000 || timeout_ms < 1 ||
	    timeout_ms > 60000 || !out) {
		set_err(err, "count, interval or timeout out of range");
		errno = EINVAL;
		return -1;
	}
	if ((r.fd = probe_icmp_socket(ns, NULL, err)) < 0)
		goto out;
	if ((id = probe_id_get()) < 0) {
		set_err(err, "no free ICMP identifier");
		errno = EAGAIN;
		goto out;
	}
	r.id = (uint16_t)id;
	r.count = count;
	r.timeout_ns = (int64_t)timeout_ms * 1000000;
	r.sent_at = calloc((size_t)count, sizeof(*r.sent_at));
	r.got = calloc((size_t)count, 1);
	if (!r.sent_at || !r.got) {
		set_err(err, "out of memory");
		errno = ENOMEM;
		goto out;
	}

	interval_ns = (int64_t)interval_ms * 1000000;
	t0 = mono_ns();
	for (;;) {
		int64_t now = mono_ns(), deadline;
		struct pollfd pfd = { .fd = r.fd, .events = POLLIN };
		struct timespec ts;

		/* a fixed schedule from t0: a slow wake-up does not shift later sends */
		while (next < count && now >= t0 + next * interval_ns)
			send_one(&r, next++);
		if (next == count) {
			int64_t last = t0 + (int64_t)(count - 1) * interval_ns;

			if (r.received == count || now >= last + r.timeout_ns)
				break;
			deadline = last + r.timeout_ns;
		} else {
			deadline = t0 + next * interval_ns;
		}
		ts.tv_sec = (deadline - now) / 1000000000;
		ts.tv_nsec = (deadline - now) % 1000000000;
		if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR) {
			set_err(err, "poll: %s", strerror(errno));
			goto out;
		}
		if (pfd.revents & POLLIN)
			drain(&r);
	}
	drain(&r);

	out->sent = count;
	out->received = r.received;
	out->loss_percent = 100.0 * (count - r.received) / count;
	out->rtt_avg_ms = r.received ? r.rtt_sum_ms / r.received : 0;
	out->rtt_max_ms = r.rtt_max_ms;
	ret = 0;
out:
	if (r.fd >= 0)
		close(r.fd);
	probe_id_put(id);
	free(r.sent_at);
	free(r.got);
	return ret;
}
