/*
 * Root tbf qdiscs over rtnetlink.  Everything runs inside one nl_netns_run call: the socket
 * and the device lookup then both belong to the target namespace.
 */
#include "agent_err.h"
#include "tc.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nl.h"

#define BURST_MIN 32768u    /* bytes: one 64 KiB GSO packet is segmented, but 32 KiB keeps
			     * low rates from starving on ordinary 1500-byte bursts */
#define BURST_MS 10	    /* bucket size in time at the rate */
#define LATENCY_MS 50	    /* queue length in time at the rate */

struct tc_job {
	const char *dev;
	int mbps;	      /* tc_set_rate: wanted rate */
	bool set;
	bool queue;	      /* tc_ensure_queue */
	/* the root qdisc found by a dump */
	int ifindex;
	bool root_found;
	char root_kind[IFNAMSIZ];
	uint32_t root_handle;
	uint64_t root_rate; /* bytes/s, tbf only */
	char msg[TC_ERR_MAX];
};

struct talk {
	struct tc_job *job;
	char *msg; /* kernel's extended ack text, if any */
	size_t msg_len;
};

#define set_err(err, ...) agent_set_err((err), TC_ERR_MAX, __VA_ARGS__)

static int extack_attr_cb(const struct nlattr *a, void *data)
{
	struct talk *t = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(t->msg, t->msg_len, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP; /* the ack */
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			mnl_attr_parse(nlh, (unsigned)off, extack_attr_cb, t);
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* Sends nlh and reads the answers through cb until the ack or the end of the dump.  Returns
 * 0, or -1 with errno set and the kernel's reason (if it gave one) in t->msg. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh, mnl_cb_t cb, struct talk *t)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	char buf[32768]; /* a dump part is at most 32 KiB (libmnl 1.0.5's MNL_SOCKET_DUMP_SIZE) */
	unsigned portid = mnl_socket_get_portid(nl);
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		r = mnl_cb_run2(buf, (size_t)n, seq, portid, cb, t, ctl, NLMSG_MIN_TYPE);
		if (r == MNL_CB_ERROR)
			return -1;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* The attributes of one nest by type, up to max (mnl_attr_parse's data for attr_index_cb). */
struct attr_index {
	const struct nlattr **tb;
	int max;
};

static int attr_index_cb(const struct nlattr *a, void *data)
{
	const struct attr_index *x = data;
	int type = mnl_attr_get_type(a);

	if (type <= x->max)
		x->tb[type] = a;
	return MNL_CB_OK;
}

static int qdisc_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 }, *opt[TCA_TBF_MAX + 1] = { 0 };
	struct attr_index top = { tb, TCA_MAX }, tbf = { opt, TCA_TBF_MAX };
	struct tc_job *job = ((struct talk *)data)->job;

	if (nlh->nlmsg_type != RTM_NEWQDISC || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*tcm)))
		return MNL_CB_OK;
	/* the dump covers every device: pick ours */
	if (tcm->tcm_ifindex != job->ifindex || tcm->tcm_parent != TC_H_ROOT)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*tcm), attr_index_cb, &top) < 0 || !tb[TCA_KIND] ||
	    mnl_attr_validate(tb[TCA_KIND], MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	job->root_found = true;
	job->root_handle = tcm->tcm_handle;
	snprintf(job->root_kind, sizeof(job->root_kind), "%s", mnl_attr_get_str(tb[TCA_KIND]));
	job->root_rate = 0;
	if (strcmp(job->root_kind, "tbf") != 0 || !tb[TCA_OPTIONS])
		return MNL_CB_OK;
	mnl_attr_parse_nested(tb[TCA_OPTIONS], attr_index_cb, &tbf);
	if (opt[TCA_TBF_PARMS] && mnl_attr_get_payload_len(opt[TCA_TBF_PARMS]) >= sizeof(struct tc_tbf_qopt)) {
		const struct tc_tbf_qopt *q = mnl_attr_get_payload(opt[TCA_TBF_PARMS]);

		job->root_rate = q->rate.rate;
	}
	/* rates of 4 GB/s and more do not fit the 32-bit field */
	if (opt[TCA_TBF_RATE64] && mnl_attr_validate(opt[TCA_TBF_RATE64], MNL_TYPE_U64) == 0)
		job->root_rate = mnl_attr_get_u64(opt[TCA_TBF_RATE64]);
	return MNL_CB_OK;
}

static struct nlmsghdr *put_tcmsg(char *buf, uint16_t type, uint16_t flags, int ifindex, uint32_t handle)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = handle;
	tcm->tcm_parent = TC_H_ROOT;
	return nlh;
}

static int dump_root(struct mnl_socket *nl, struct tc_job *job)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct talk t = { .job = job, .msg = job->msg, .msg_len = sizeof(job->msg) };
	struct nlmsghdr *nlh = put_tcmsg(buf, RTM_GETQDISC, NLM_F_DUMP, job->ifindex, 0);

	job->root_found = false;
	if (talk(nl, nlh, qdisc_cb, &t) < 0) {
		if (!job->msg[0])
			snprintf(job->msg, sizeof(job->msg), "dump qdiscs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Sends one change (nlh) for job: 0 when acknowledged or refused with gone_errno (0: none);
 * else appends what ("" or "pfifo_fast: ") and the reason to job->msg, sets errno, -1.
 */
static int job_request(struct mnl_socket *nl, struct tc_job *job, struct nlmsghdr *nlh, int gone_errno,
		       const char *what)
{
	struct talk t = { .job = job, .msg = job->msg, .msg_len = sizeof(job->msg) };
	int e;

	if (talk(nl, nlh, NULL, &t) == 0)
		return 0;
	e = errno;
	if (gone_errno != 0 && e == gone_errno)
		return 0;
	snprintf(job->msg + strlen(job->msg), sizeof(job->msg) - strlen(job->msg), "%s%s%s", job->msg[0] ? ": " : "",
		 what, strerror(e));
	errno = e;
	return -1;
}

static uint32_t cap32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int install_tbf(struct mnl_socket *nl, struct tc_job *job)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint64_t rate = (uint64_t)job->mbps * 125000; /* bytes/s */
	uint64_t burst = rate * BURST_MS / 1000;
	struct tc_tbf_qopt q = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (burst < BURST_MIN)
		burst = BURST_MIN;
	q.rate.rate = cap32(rate);
	/* a known link layer: the kernel computes transmit times itself, no rate table */
	q.rate.linklayer = TC_LINKLAYER_ETHERNET;
	q.limit = cap32(rate * LATENCY_MS / 1000 + burst);
	/* the bucket in scheduler ticks (64 ns), as tc sends it; TCA_TBF_BURST below is what
	 * the kernel actually uses */
	q.buffer = cap32(burst * 1000000000 / rate / 64);

	/* CREATE|REPLACE on the root: a tbf already there is changed in place, another kind
	 * of root qdisc is swapped for a new tbf in one step */
	nlh = put_tcmsg(buf, RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, job->ifindex, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
	nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
	if (rate > UINT32_MAX)
		mnl_attr_put_u64(nlh, TCA_TBF_RATE64, rate);
	mnl_attr_put_u32(nlh, TCA_TBF_BURST, cap32(burst));
	mnl_attr_nest_end(nlh, nest);
	return job_request(nl, job, nlh, 0, "");
}

static int remove_tbf(struct mnl_socket *nl, struct tc_job *job)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (dump_root(nl, job) < 0)
		return -1;
	if (!job->root_found || strcmp(job->root_kind, "tbf") != 0)
		return 0;
	nlh = put_tcmsg(buf, RTM_DELQDISC, NLM_F_ACK, job->ifindex, job->root_handle);
	/* ENOENT: gone meanwhile */
	return job_request(nl, job, nlh, ENOENT, "");
}

/* A root pfifo_fast where dev has no queue (noqueue, a veth's default); another root is kept. */
static int ensure_queue(struct mnl_socket *nl, struct tc_job *job)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (dump_root(nl, job) < 0)
		return -1;
	if (job->root_found && strcmp(job->root_kind, "noqueue") != 0)
		return 0;
	nlh = put_tcmsg(buf, RTM_NEWQDISC, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, job->ifindex, 0);
	mnl_attr_put_strz(nlh, TCA_KIND, "pfifo_fast");
	return job_request(nl, job, nlh, 0, "pfifo_fast: ");
}

static int tc_cb(void *arg)
{
	struct tc_job *job = arg;
	struct mnl_socket *nl;
	int one = 1, ret = -1;

	if (!(job->ifindex = (int)if_nametoindex(job->dev))) {
		snprintf(job->msg, sizeof(job->msg), "device %s: %s", job->dev, strerror(errno));
		return -1;
	}
	if (!(nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(job->msg, sizeof(job->msg), "netlink socket: %s", strerror(errno));
		goto out;
	}
	/* best effort: the kernel's own words make "Invalid argument" readable */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (job->queue)
		ret = ensure_queue(nl, job);
	else if (!job->set)
		ret = dump_root(nl, job);
	else if (job->mbps > 0)
		ret = install_tbf(nl, job);
	else
		ret = remove_tbf(nl, job);
out:
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

static int run(const char *ns, struct tc_job *job, char *err)
{
	if (nl_netns_run(ns, tc_cb, job) < 0) {
		int e = errno;

		if (!job->msg[0])
			snprintf(job->msg, sizeof(job->msg), "namespace %s: %s", ns ? ns : "(own)", strerror(e));
		set_err(err, "%s in %s: %s", job->queue ? "queue" : job->set ? "set rate" : "get rate", ns ? ns : "(own)",
			job->msg);
		errno = e;
		return -1;
	}
	return 0;
}

int tc_set_rate(const char *ns, const char *dev, int mbps, char *err)
{
	struct tc_job job = { .dev = dev, .mbps = mbps, .set = true };

	if (!dev || !dev[0] || strlen(dev) >= IFNAMSIZ || mbps < 0 || mbps > TC_MBPS_MAX) {
		set_err(err, "tc: bad device or rate %d Mbit/s", mbps);
		errno = EINVAL;
		return -1;
	}
	return run(ns, &job, err);
}

int tc_get_rate(const char *ns, const char *dev, int *mbps, char *err)
{
	struct tc_job job = { .dev = dev };

	if (!dev || !dev[0] || strlen(dev) >= IFNAMSIZ) {
		set_err(err, "tc: bad device name");
		errno = EINVAL;
		return -1;
	}
	if (run(ns, &job, err) < 0)
		return -1;
	*mbps = job.root_found && strcmp(job.root_kind, "tbf") == 0 ? (int)((job.root_rate + 62500) / 125000) : 0;
	return 0;
}

int tc_ensure_queue(const char *ns, const char *dev, char *err)
{
	struct tc_job job = { .dev = dev, .queue = true };

	if (!dev || !dev[0] || strlen(dev) >= IFNAMSIZ) {
		set_err(err, "tc: bad device name");
		errno = EINVAL;
		return -1;
	}
	return run(ns, &job, err);
}
