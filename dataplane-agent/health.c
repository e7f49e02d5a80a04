/*
 * Tunnel health checker: one thread, one raw ICMP socket per namespace, ppoll on the
 * earliest deadline.  The thread alone opens and closes the sockets; the API functions only
 * change the check list under the lock and wake the thread through an eventfd.
 */
#include "agent_err.h"
#include "health.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define NS_NAME_MAX 64

/* A namespace the checks send from: its socket receives replies for every check. */
struct hns {
	LIST_ENTRY(hns) link;
	char name[NS_NAME_MAX]; /* "" for the health thread's own namespace */
	int fd;			/* -1 until the thread opens it */
	dev_t dev;		/* identity of the namespace the socket lives in, to notice */
	ino_t ino;		/* a namespace deleted and created again under the same name */
	int refs;		/* checks using it; the thread closes and frees it at 0 */
};

struct hcheck {
	TAILQ_ENTRY(hcheck) link;
	char key[HEALTH_KEY_MAX];
	struct hns *ns;
	struct in_addr sip, dip;
	int interval_ms, retry;
	uint16_t id, seq;
	bool awaiting;	     /* the request with seq is unanswered and within its interval */
	int64_t sent_at;     /* ns, of that request */
	int64_t next_send;   /* ns */
	struct health_status st;
};

struct hevent {
	char key[HEALTH_KEY_MAX];
	enum health_state state;
};

struct health {
	pthread_mutex_t lock;
	pthread_t thread;
	int wake_fd;
	bool stop;
	health_change_fn fn;
	void *arg;
	TAILQ_HEAD(, hcheck) checks;
	LIST_HEAD(, hns) nss;
	/* changes found under the lock, reported after it is released (thread only) */
	struct hevent *ev;
	int nev, ev_cap;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define set_err(err, ...) agent_set_err((err), HEALTH_ERR_MAX, __VA_ARGS__)

const char *health_state_name(enum health_state state)
{
	switch (state) {
	case HEALTH_UP:
		return "up";
	case HEALTH_DOWN:
		return "down";
	default:
		return "unknown";
	}
}

static void wake(struct health *h)
{
	uint64_t one = 1;

	/* a full counter already means "wake up" */
	if (write(h->wake_fd, &one, sizeof(one)) < 0)
		return;
}

static struct hcheck *find_check(struct health *h, const char *key)
{
	struct hcheck *c;

	TAILQ_FOREACH(c, &h->checks, link)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

static struct hns *ns_ref(struct health *h, const char *name)
{
	struct hns *n;

	LIST_FOREACH(n, &h->nss, link)
		if (strcmp(n->name, name) == 0) {
			n->refs++;
			return n;
		}
	if (!(n = calloc(1, sizeof(*n))))
		return NULL;
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->fd = -1;
	n->refs = 1;
	LIST_INSERT_HEAD(&h->nss, n, link);
	return n;
}

static void push_event(struct health *h, struct hcheck *c)
{
	if (h->nev == h->ev_cap) {
		int cap = h->ev_cap ? h->ev_cap * 2 : 16;
		struct hevent *ev = realloc(h->ev, (size_t)cap * sizeof(*ev));

		if (!ev)
			return; /* the state itself is recorded; only this notification is lost */
		h->ev = ev;
		h->ev_cap = cap;
	}
	snprintf(h->ev[h->nev].key, HEALTH_KEY_MAX, "%s", c->key);
	h->ev[h->nev++].state = c->st.state;
}

static void set_state(struct health *h, struct hcheck *c, enum health_state s)
{
	if (c->st.state == s)
		return;
	c->st.state = s;
	c->st.changed_ms = mono_ns() / 1000000;
	push_event(h, c);
}

static void probe_failed(struct health *h, struct hcheck *c)
{
	c->awaiting = false;
	c->st.consecutive_failures++;
	if (c->st.consecutive_failures >= c->retry)
		set_state(h, c, HEALTH_DOWN);
}

/* ---- sockets (health thread only) ---- */

static void ns_close(struct hns *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

/* Makes sure n has a socket in the namespace that currently bears its name.  Returns 0 or
 * -1 with a reason in err. */
static int ns_ensure(struct hns *n, char *err)
{
	char path[sizeof("/run/netns/") + NS_NAME_MAX];
	struct stat st;

	if (n->name[0]) {
		snprintf(path, sizeof(path), "/run/netns/%s", n->name);
		if (stat(path, &st) < 0) {
			set_err(err, "namespace %s: %s", n->name, strerror(errno));
			ns_close(n);
			return -1;
		}
		if (n->fd >= 0 && (st.st_dev != n->dev || st.st_ino != n->ino))
			ns_close(n); /* the socket is in a namespace that is gone */
	}
	if (n->fd >= 0)
		return 0;
	if ((n->fd = probe_icmp_socket(n->name[0] ? n->name : NULL, &st, err)) < 0)
		return -1;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return 0;
}

static void send_probe(struct hcheck *c, int64_t now)
{
	uint8_t pkt[PROBE_ECHO_LEN];
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = c->dip };
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr msg = {
		.msg_name = &to,
		.msg_namelen = sizeof(to),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf.buf,
		.msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *cm;
	struct in_pktinfo *pi;
	ssize_t r;

	c->seq++;
	c->sent_at = now;
	c->awaiting = true; /* a request that cannot go out fails at its deadline like a lost one */
	c->st.sent++;
	if (ns_ensure(c->ns, c->st.last_error) < 0)
		return;

	probe_echo_build(pkt, c->id, c->seq);

	/* one socket serves several sips, so the source goes with each message, not bind() */
	memset(&cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(cm);
	pi->ipi_spec_dst = c->sip;

	do
		r = sendmsg(c->ns->fd, &msg, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		char sa[INET_ADDRSTRLEN], da[INET_ADDRSTRLEN];
		int e = errno;

		inet_ntop(AF_INET, &c->sip, sa, sizeof(sa));
		inet_ntop(AF_INET, &c->dip, da, sizeof(da));
		set_err(c->st.last_error, "send %s -> %s: %s", sa, da, strerror(e));
	} else
		c->st.last_error[0] = '\0';
}

static void take_reply(struct health *h, const uint8_t *buf, size_t n, int64_t now)
{
	struct hcheck *c;
	uint16_t id, seq;
	uint32_t saddr;

	if (!probe_echo_reply(buf, n, &id, &seq, &saddr))
		return;
	TAILQ_FOREACH(c, &h->checks, link) {
		if (c->id != id)
			continue;
		/* only the current request counts: a late reply to an earlier one was a failure */
		if (!c->awaiting || c->seq != seq || saddr != c->dip.s_addr)
			return;
		c->awaiting = false;
		c->st.received++;
		c->st.consecutive_failures = 0;
		c->st.last_rtt_ms = (double)(now - c->sent_at) / 1e6;
		set_state(h, c, HEALTH_UP);
		return;
	}
}

static void drain_all(struct health *h)
{
	uint8_t buf[2048];
	struct hns *n;

	LIST_FOREACH(n, &h->nss, link) {
		while (n->fd >= 0) {
			ssize_t r = recv(n->fd, buf, sizeof(buf), 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			take_reply(h, buf, (size_t)r, mono_ns());
		}
	}
}

/* ---- thread ---- */

static void fire_events(struct health *h)
{
	for (int i = 0; i < h->nev; i++)
		if (h->fn)
			h->fn(h->arg, h->ev[i].key, h->ev[i].state);
	h->nev = 0;
}

static void *health_thread(void *arg)
{
	struct health *h = arg;
	struct pollfd *pfds = NULL;
	int pfd_cap = 0;

	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		int64_t now = mono_ns(), deadline = now + 3600 * (int64_t)1000000000;
		struct hcheck *c;
		struct hns *n, *tmp;
		struct timespec ts;
		int np = 0, nns = 0;

		TAILQ_FOREACH(c, &h->checks, link) {
			int64_t interval = (int64_t)c->interval_ms * 1000000;

			/* unanswered when its interval is over, or at the latest when the next
			 * request goes out (the send may have run a little after its slot) */
			if (c->awaiting && (now >= c->sent_at + interval || now >= c->next_send))
				probe_failed(h, c);
			if (now >= c->next_send) {
				send_probe(c, now);
				c->next_send += interval;
				if (c->next_send <= now) /* the thread was held up: realign, no burst */
					c->next_send = now + interval;
			}
			if (c->next_send < deadline)
				deadline = c->next_send;
			if (c->awaiting && c->sent_at + interval < deadline)
				deadline = c->sent_at + interval;
		}
		for (n = LIST_FIRST(&h->nss); n; n = tmp) {
			tmp = LIST_NEXT(n, link);
			if (n->refs == 0) {
				ns_close(n);
				LIST_REMOVE(n, link);
				free(n);
			} else {
				nns++;
			}
		}
		if (nns + 1 > pfd_cap) {
			struct pollfd *p = realloc(pfds, (size_t)(nns + 1) * sizeof(*p));

			if (p) {
				pfds = p;
				pfd_cap = nns + 1;
			}
		}
		if (pfd_cap > 0) {
			pfds[np++] = (struct pollfd){ .fd = h->wake_fd, .events = POLLIN };
			LIST_FOREACH(n, &h->nss, link)
				if (n->fd >= 0 && np < pfd_cap)
					pfds[np++] = (struct pollfd){ .fd = n->fd, .events = POLLIN };
		}
		pthread_mutex_unlock(&h->lock);

		fire_events(h);
		now = mono_ns();
		if (deadline < now)
			deadline = now;
		ts.tv_sec = (deadline - now) / 1000000000;
		ts.tv_nsec = (deadline - now) % 1000000000;
		if (np > 0) {
			ppoll(pfds, (nfds_t)np, &ts, NULL);
		} else {
			/* no memory for a poll set: keep time, try again */
			nanosleep(&ts, NULL);
		}
		if (np > 0 && (pfds[0].revents & POLLIN)) {
			uint64_t v;

			/* EAGAIN: another wake-up already emptied it */
			if (read(h->wake_fd, &v, sizeof(v)) < 0)
				v = 0;
		}

		pthread_mutex_lock(&h->lock);
		drain_all(h);
		pthread_mutex_unlock(&h->lock);
		fire_events(h); /* UP verdicts without waiting for the next deadline */
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	free(pfds);
	return NULL;
}

/* ---- API ---- */

struct health *health_new(health_change_fn fn, void *arg)
{
	struct health *h = calloc(1, sizeof(*h));
	int e;

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	TAILQ_INIT(&h->checks);
	LIST_INIT(&h->nss);
	h->fn = fn;
	h->arg = arg;
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->wake_fd < 0)
		goto out_free;
	if ((e = pthread_create(&h->thread, NULL, health_thread, h)) != 0) {
		close(h->wake_fd);
		errno = e;
		goto out_free;
	}
	return h;
out_free:
	e = errno;
	pthread_mutex_destroy(&h->lock);
	free(h);
	errno = e;
	return NULL;
}

int health_set_ms(struct health *h, const char *key, const char *ns, const char *sip, const char *dip,
		  int interval_ms, int retry)
{
	struct in_addr s, d;
	struct hcheck *c;
	int64_t now = mono_ns();
	int id;

	if (!key || !key[0] || strlen(key) >= HEALTH_KEY_MAX || (ns && strlen(ns) >= NS_NAME_MAX) || !sip ||
	    inet_pton(AF_INET, sip, &s) != 1 || !dip || inet_pton(AF_INET, dip, &d) != 1 || interval_ms < 10 ||
	    interval_ms > 3600000 || retry < 1 || retry > 100) {
		errno = EINVAL;
		return -1;
	}
	if (!ns)
		ns = "";

	pthread_mutex_lock(&h->lock);
	if ((c = find_check(h, key))) {
		if (strcmp(c->ns->name, ns) != 0 || c->sip.s_addr != s.s_addr || c->dip.s_addr != d.s_addr) {
			struct hns *n = ns_ref(h, ns);

			if (!n) {
				pthread_mutex_unlock(&h->lock);
				errno = ENOMEM;
				return -1;
			}
			c->ns->refs--;
			c->ns = n;
			c->sip = s;
			c->dip = d;
			memset(&c->st, 0, sizeof(c->st));
			c->awaiting = false;
			c->next_send = now;
		} else if (interval_ms < c->interval_ms && c->next_send > now + (int64_t)interval_ms * 1000000) {
			c->next_send = now + (int64_t)interval_ms * 1000000;
		}
		c->interval_ms = interval_ms;
		c->retry = retry;
		goto out_wake;
	}
	if ((id = probe_id_get()) < 0) {
		pthread_mutex_unlock(&h->lock);
		errno = EAGAIN;
		return -1;
	}
	if (!(c = calloc(1, sizeof(*c))) || !(c->ns = ns_ref(h, ns))) {
		pthread_mutex_unlock(&h->lock);
		probe_id_put(id);
		free(c);
		errno = ENOMEM;
		return -1;
	}
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->sip = s;
	c->dip = d;
	c->interval_ms = interval_ms;
	c->retry = retry;
	c->id = (uint16_t)id;
	c->next_send = now;
	TAILQ_INSERT_TAIL(&h->checks, c, link);
out_wake:
	pthread_mutex_unlock(&h->lock);
	wake(h);
	return 0;
}

int health_set(struct health *h, const char *key, const char *ns, const char *sip, const char *dip,
	       int interval_s, int retry)
{
	if (interval_s < 1 || interval_s > 3600) {
		errno = EINVAL;
		return -1;
	}
	return health_set_ms(h, key, ns, sip, dip, interval_s * 1000, retry);
}

static void check_free(struct hcheck *c)
{
	c->ns->refs--;
	probe_id_put(c->id);
	free(c);
}

void health_remove(struct health *h, const char *key)
{
	struct hcheck *c;

	pthread_mutex_lock(&h->lock);
	if ((c = find_check(h, key))) {
		TAILQ_REMOVE(&h->checks, c, link);
		check_free(c);
	}
	pthread_mutex_unlock(&h->lock);
	wake(h); /* so an unused socket is closed soon */
}

enum health_state health_get(struct health *h, const char *key)
{
	enum health_state s = HEALTH_UNKNOWN;
	struct hcheck *c;

	pthread_mutex_lock(&h->lock);
	if ((c = find_check(h, key)))
		s = c->st.state;
	pthread_mutex_unlock(&h->lock);
	return s;
}

int health_status(struct health *h, const char *key, struct health_status *out)
{
	struct hcheck *c;
	int ret = -1;

	pthread_mutex_lock(&h->lock);
	if ((c = find_check(h, key))) {
		*out = c->st;
		ret = 0;
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

void health_free(struct health *h)
{
	struct hcheck *c;
	struct hns *n;

	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = true;
	pthread_mutex_unlock(&h->lock);
	wake(h);
	pthread_join(h->thread, NULL);

	while ((c = TAILQ_FIRST(&h->checks))) {
		TAILQ_REMOVE(&h->checks, c, link);
		check_free(c);
	}
	while ((n = LIST_FIRST(&h->nss))) {
		LIST_REMOVE(n, link);
		ns_close(n);
		free(n);
	}
	close(h->wake_fd);
	free(h->ev);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
