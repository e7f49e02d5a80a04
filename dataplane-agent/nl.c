/*
 * Netlink and network-namespace primitives of the agent (contract in nl.h), over libmnl.
 *
 * Every call opens its own rtnetlink socket *inside* the target namespace: a socket keeps
 * the namespace it was created in, so the thread is switched only for socket(2) and all
 * the talking happens back in the caller's namespace.  Namespaces follow iproute2
 * (lib/namespace.c, ip/ipnetns.c): a bind mount of the creating thread's ns/net file on
 * /run/netns/NAME, with /run/netns a shared mount so unmounts propagate.
 */
#include "agent_err.h"
#include "nl.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>

#define NETNS_RUN_DIR "/run/netns"
/* /proc/self would name the thread-group leader's namespace, not this thread's */
#define THREAD_NETNS "/proc/thread-self/ns/net"
/* the kernel fills at most 32 KiB per dump recv; a smaller buffer truncates messages */
#define RT_RECV_SIZE 32768
#define RT_REQ_SIZE 4096
#define VXLAN_PORT_DEFAULT 4789

/* one rtnetlink conversation, bound to the namespace the socket was opened in */
struct rt {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	const char *ns;	 /* for error messages; NULL: the caller's own */
	char *buf;	 /* RT_RECV_SIZE bytes */
	bool dump_intr;	 /* the last dump saw NLM_F_DUMP_INTR: the table changed during it */
};

/* a request under construction: netlink wants the header aligned */
union rt_req {
	struct nlmsghdr nlh;
	char buf[RT_REQ_SIZE];
};

struct link_info {
	int index;	/* 0: absent */
	char kind[16];	/* IFLA_INFO_KIND, "" for kindless devices like lo */
	bool enslaved;	/* IFLA_MASTER names a master (a bridge port) */
};

static pthread_mutex_t netns_add_lock = PTHREAD_MUTEX_INITIALIZER;

#define set_err(err, ...) agent_set_err((err), NL_ERR_MAX, __VA_ARGS__)

/* Fails with errno e and the message "<what>[ in ns NS]: <strerror(e)>"; returns -1 */
static int fail(char *err, const char *ns, int e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, const char *ns, int e, const char *fmt, ...)
{
	char what[160], buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (ns != NULL)
		set_err(err, "%s in ns %s: %s", what, ns, strerror_r(e, buf, sizeof(buf)));
	else
		set_err(err, "%s: %s", what, strerror_r(e, buf, sizeof(buf)));
	errno = e;
	return -1;
}

static bool valid_ns_name(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	return n > 0 && n < NAME_MAX && strchr(name, '/') == NULL && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static bool valid_ifname(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	return n > 0 && n < IFNAMSIZ && strchr(name, '/') == NULL && strchr(name, ' ') == NULL;
}

static int check_ifname(const char *name, const char *ns, char *err)
{
	if (valid_ifname(name))
		return 0;
	set_err(err, "invalid interface name \"%s\"%s%s", name != NULL ? name : "(null)", ns ? " in ns " : "",
		ns ? ns : "");
	errno = EINVAL;
	return -1;
}

/* ---- namespaces ---- */

int nl_netns_open(const char *name)
{
	char path[PATH_MAX];

	if (!valid_ns_name(name)) {
		errno = EINVAL;
		return -1;
	}
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

bool nl_netns_exists(const char *name)
{
	int fd = nl_netns_open(name);
	struct statfs st;
	bool ok;

	if (fd < 0)
		return false;
	/* a plain file left by an interrupted create is not a namespace */
	ok = fstatfs(fd, &st) == 0 && st.f_type == NSFS_MAGIC;
	close(fd);
	return ok;
}

/* fd of namespace ns, or of the calling thread's namespace when ns is NULL */
static int ns_fd(const char *ns)
{
	return ns != NULL ? nl_netns_open(ns) : open(THREAD_NETNS, O_RDONLY | O_CLOEXEC);
}

int nl_netns_run(const char *name, int (*fn)(void *arg), void *arg)
{
	int target = -1, saved = -1, ret = -1, e;

	if (name == NULL)
		return fn(arg);
	if ((target = nl_netns_open(name)) < 0)
		goto out;
	if ((saved = open(THREAD_NETNS, O_RDONLY | O_CLOEXEC)) < 0)
		goto out;
	if (setns(target, CLONE_NEWNET) < 0)
		goto out;
	ret = fn(arg);
	e = errno;
	/*
	 * Back with a descriptor we opened ourselves, this cannot fail short of losing
	 * CAP_SYS_ADMIN; a thread carrying on in the wrong namespace would silently build the
	 * lab in the wrong place, so stop here instead.
	 */
	if (setns(saved, CLONE_NEWNET) < 0) {
		fprintf(stderr, "nl_netns_run: cannot return from namespace %s: %s\n", name, strerror(errno));
		abort();
	}
	errno = e;
out:
	e = errno;
	if (target >= 0)
		close(target);
	if (saved >= 0)
		close(saved);
	errno = e;
	return ret;
}

/* ---- rtnetlink conversation ---- */

struct open_job {
	struct mnl_socket *nl;
	bool ran;
};

static int open_cb(void *arg)
{
	struct open_job *job = arg;

	job->ran = true;
	job->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	return job->nl != NULL ? 0 : -1;
}

static void rt_close(struct rt *rt)
{
	if (rt->nl != NULL)
		mnl_socket_close(rt->nl);
	free(rt->buf);
	rt->nl = NULL;
	rt->buf = NULL;
}

/* Opens an rtnetlink socket in ns (NULL: the calling thread's).  rt_close() it. */
static int rt_open(struct rt *rt, const char *ns, char *err)
{
	struct open_job job = { 0 };
	int one = 1;

	memset(rt, 0, sizeof(*rt));
	rt->ns = ns;
	if (nl_netns_run(ns, open_cb, &job) < 0) {
		if (!job.ran && ns != NULL)
			return fail(err, NULL, errno, "namespace %s", ns);
		return fail(err, ns, errno, "netlink socket");
	}
	rt->nl = job.nl;
	if ((rt->buf = malloc(RT_RECV_SIZE)) == NULL)
		goto out_close;
	if (mnl_socket_bind(rt->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out_close;
	/* best effort: the kernel's own reason makes "Invalid argument" readable */
	mnl_socket_setsockopt(rt->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rt->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	rt->portid = mnl_socket_get_portid(rt->nl);
	return 0;
out_close:
	fail(err, ns, errno, "netlink socket");
	rt_close(rt);
	return -1;
}

struct talk {
	mnl_cb_t cb;
	void *data;
	struct rt *rt;
	char ext[128];	/* the kernel's extended-ack message, "" none */
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct talk *t = arg;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		t->rt->dump_intr = true;
	return t->cb != NULL ? t->cb(nlh, t->data) : MNL_CB_OK;
}

/* NLMSG_ERROR: an ack (error 0) ends the request; otherwise keeps errno and the extack text */
static int talk_error_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct talk *t = arg;
	const struct nlattr *a;
	size_t hlen = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* the TLVs follow the echoed request unless the kernel capped it (NETLINK_CAP_ACK) */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			hlen += mnl_nlmsg_get_payload_len(&e->msg);
		if (hlen <= mnl_nlmsg_get_payload_len(nlh)) {
			mnl_attr_for_each(a, nlh, hlen) {
				if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
				    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
					snprintf(t->ext, sizeof(t->ext), "%s", mnl_attr_get_str(a));
			}
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

/* NLMSG_DONE of a dump may carry an error of its own, which libmnl would drop */
static int talk_done_cb(const struct nlmsghdr *nlh, void *arg)
{
	int error;

	(void)arg;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
		if (error < 0) {
			errno = -error;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

/*
 * Sends request nlh (NLM_F_REQUEST and, unless it is a dump, NLM_F_ACK are added) and
 * feeds every answer to cb(nlh, data) (may be NULL) until the ack or NLMSG_DONE.  Returns 0;
 * or -1 with errno and err "<fmt…>[ in ns NS]: <reason> (<kernel's extack>)", except that
 * errno ok_errno (0: none) counts as success and leaves err alone.
 */
static int rt_talk(struct rt *rt, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, int ok_errno, char *err,
		   const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int rt_talk(struct rt *rt, struct nlmsghdr *nlh, mnl_cb_t cb, void *data, int ok_errno, char *err,
		   const char *fmt, ...)
{
	mnl_cb_t ctl[NLMSG_DONE + 1] = { [NLMSG_ERROR] = talk_error_cb, [NLMSG_DONE] = talk_done_cb };
	struct talk t = { .cb = cb, .data = data, .rt = rt };
	char what[160], buf[64];
	const char *reason;
	unsigned int seq = ++rt->seq;
	ssize_t n;
	int ret = MNL_CB_OK, e;
	va_list ap;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	rt->dump_intr = false;
	if (mnl_socket_sendto(rt->nl, nlh, nlh->nlmsg_len) < 0)
		goto out_err;
	do {
		n = mnl_socket_recvfrom(rt->nl, rt->buf, RT_RECV_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out_err;
		ret = mnl_cb_run2(rt->buf, (size_t)n, seq, rt->portid, talk_data_cb, &t, ctl, MNL_ARRAY_SIZE(ctl));
	} while (n < 0 || ret > MNL_CB_STOP);
	if (ret < 0)
		goto out_err;
	return 0;
out_err:
	e = errno;
	if (ok_errno != 0 && e == ok_errno)
		return 0;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	reason = strerror_r(e, buf, sizeof(buf));
	set_err(err, "%s%s%s: %s%s%s%s", what, rt->ns ? " in ns " : "", rt->ns ? rt->ns : "", reason,
		t.ext[0] ? " (" : "", t.ext, t.ext[0] ? ")" : "");
	errno = e;
	return -1;
}

static struct nlmsghdr *rt_msg(union rt_req *req, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(req->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static int link_attr_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = arg;
	const struct nlattr *a, *b;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	li->index = ifi->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_MASTER && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			li->enslaved = mnl_attr_get_u32(a) != 0;
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == IFLA_INFO_KIND && mnl_attr_validate(b, MNL_TYPE_STRING) == 0)
				snprintf(li->kind, sizeof(li->kind), "%.*s", (int)mnl_attr_get_payload_len(b),
					 mnl_attr_get_str(b));
		}
	}
	return MNL_CB_OK;
}

/* Looks link name up: li->index 0 if absent.  Returns 0, or -1 on other failures. */
static int link_get(struct rt *rt, const char *name, struct link_info *li, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	memset(li, 0, sizeof(*li));
	if (check_ifname(name, rt->ns, err) < 0)
		return -1;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (rt_talk(rt, nlh, link_attr_cb, li, 0, err, "RTM_GETLINK %s", name) < 0) {
		if (errno != ENODEV)
			return -1;
		li->index = 0;
	}
	return 0;
}

/* Index of name, or -1 with ENODEV ("device X not found in ns Y") when absent */
static int link_index_req(struct rt *rt, const char *name, char *err)
{
	struct link_info li;

	if (link_get(rt, name, &li, err) < 0)
		return -1;
	if (li.index == 0)
		return fail(err, rt->ns, ENODEV, "device %s", name);
	return li.index;
}

static int link_set_up_rt(struct rt *rt, const char *dev, bool up, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	if (check_ifname(dev, rt->ns, err) < 0)
		return -1;
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	return rt_talk(rt, nlh, NULL, NULL, 0, err, "RTM_NEWLINK %s %s", dev, up ? "up" : "down");
}

/* ---- namespaces: create, delete, list ---- */

/*
 * Makes /run/netns a shared mount point, as ip-netns does, so that deleting a namespace
 * unmounts it in every mount namespace (charon's `ip netns exec` ones included) and the
 * namespace can be freed.
 */
static int netns_run_dir_setup(char *err)
{
	bool made_mount = false;

	if (mkdir(NETNS_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return fail(err, NULL, errno, "mkdir " NETNS_RUN_DIR);
	while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) < 0) {
		/* EINVAL: not a mount point yet, so make it one by binding it onto itself */
		if (errno != EINVAL || made_mount)
			return fail(err, NULL, errno, "mount --make-shared " NETNS_RUN_DIR);
		if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
			return fail(err, NULL, errno, "mount --bind " NETNS_RUN_DIR " " NETNS_RUN_DIR);
		made_mount = true;
	}
	return 0;
}

struct create_job {
	const char *name;
	const char *path;
	char *err;
	int ret;
	int err_no;
};

/*
 * Runs on a thread of its own, which ends right after: unshare(CLONE_NEWNET) moves only
 * that thread, so the caller's thread never leaves its namespace and needs no way back.
 */
static void *netns_create_thread(void *arg)
{
	struct create_job *job = arg;
	struct rt rt = { 0 };

	job->ret = -1;
	if (unshare(CLONE_NEWNET) < 0) {
		fail(job->err, NULL, errno, "unshare(CLONE_NEWNET) for %s", job->name);
		goto out;
	}
	if (mount(THREAD_NETNS, job->path, "none", MS_BIND, NULL) < 0) {
		fail(job->err, NULL, errno, "mount --bind " THREAD_NETNS " %s", job->path);
		goto out;
	}
	if (rt_open(&rt, NULL, job->err) < 0)
		goto out;
	rt.ns = job->name;
	if (link_set_up_rt(&rt, "lo", true, job->err) < 0)
		goto out;
	job->ret = 0;
out:
	job->err_no = errno;
	rt_close(&rt);
	return NULL;
}

int nl_netns_add(const char *name, char *err)
{
	char path[PATH_MAX];
	struct create_job job = { .name = name, .path = path, .err = err, .ret = -1 };
	struct rt rt = { 0 };
	pthread_t tid;
	int dirfd = -1, fd, ret = -1, e;

	if (!valid_ns_name(name))
		return fail(err, NULL, EINVAL, "namespace name \"%s\"", name != NULL ? name : "(null)");
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	/* the mutex orders this process' threads, the flock other processes (other agents) */
	pthread_mutex_lock(&netns_add_lock);
	if (netns_run_dir_setup(err) < 0)
		goto out;
	if ((dirfd = open(NETNS_RUN_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || flock(dirfd, LOCK_EX) < 0) {
		fail(err, NULL, errno, "lock " NETNS_RUN_DIR);
		goto out;
	}
	if (nl_netns_exists(name)) {
		if (rt_open(&rt, name, err) == 0)
			ret = link_set_up_rt(&rt, "lo", true, err);
		goto out;
	}
	/* no O_EXCL: a plain file left by an interrupted create is simply mounted over */
	if ((fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0)) < 0) {
		fail(err, NULL, errno, "create %s", path);
		goto out;
	}
	close(fd);
	if ((e = pthread_create(&tid, NULL, netns_create_thread, &job)) != 0) {
		fail(err, NULL, e, "thread to create namespace %s", name);
		goto out_delete;
	}
	pthread_join(tid, NULL);
	if (job.ret < 0) {
		errno = job.err_no;
		goto out_delete;
	}
	ret = 0;
	goto out;
out_delete:
	e = errno;
	umount2(path, MNT_DETACH);
	unlink(path);
	errno = e;
out:
	e = errno;
	rt_close(&rt);
	if (dirfd >= 0)
		close(dirfd);	/* drops the flock */
	pthread_mutex_unlock(&netns_add_lock);
	errno = e;
	return ret;
}

int nl_netns_del(const char *name, char *err)
{
	char path[PATH_MAX];

	if (!valid_ns_name(name))
		return fail(err, NULL, EINVAL, "namespace name \"%s\"", name != NULL ? name : "(null)");
	snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
	/* MNT_DETACH as ip-netns: the namespace lives on while processes or sockets hold it */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return fail(err, NULL, errno, "umount %s", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(err, NULL, errno, "unlink %s", path);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int nl_netns_list(const char *prefix, char ***names, int *count, char *err)
{
	size_t plen = prefix != NULL ? strlen(prefix) : 0;
	char **v = NULL, **nv;
	int n = 0, cap = 0, e;
	struct dirent *de;
	DIR *dir;

	*names = NULL;
	*count = 0;
	if ((dir = opendir(NETNS_RUN_DIR)) == NULL)
		return errno == ENOENT ? 0 : fail(err, NULL, errno, "opendir " NETNS_RUN_DIR);
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix != NULL ? prefix : "", plen) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, (size_t)cap * sizeof(*v))) == NULL)
				goto out_free;
			v = nv;
		}
		if ((v[n] = strdup(de->d_name)) == NULL)
			goto out_free;
		n++;
		errno = 0;
	}
	if (errno != 0)
		goto out_free;
	closedir(dir);
	if (n > 1)
		qsort(v, (size_t)n, sizeof(*v), cmp_names);
	*names = v;
	*count = n;
	return 0;
out_free:
	e = errno;
	closedir(dir);
	nl_names_free(v, n);
	return fail(err, NULL, e, "list " NETNS_RUN_DIR);
}

void nl_names_free(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

struct sysctl_job {
	const char *path;
	int fd;
	bool ran;
};

/* /proc/sys/net shows the namespace of the task that opens it, so open while switched */
static int sysctl_open_cb(void *arg)
{
	struct sysctl_job *job = arg;
	char path[PATH_MAX];

	job->ran = true;
	snprintf(path, sizeof(path), "/proc/sys/%s", job->path);
	job->fd = open(path, O_WRONLY | O_CLOEXEC);
	return job->fd < 0 ? -1 : 0;
}

int nl_sysctl_set(const char *ns, const char *path, const char *value, char *err)
{
	struct sysctl_job job = { .path = path, .fd = -1 };
	size_t len = value != NULL ? strlen(value) : 0;
	ssize_t n;
	int e;

	if (path == NULL || value == NULL || path[0] == '\0' || path[0] == '/' || strstr(path, "..") != NULL ||
	    strlen(path) > PATH_MAX - 16)
		return fail(err, NULL, EINVAL, "sysctl path \"%s\"", path != NULL ? path : "(null)");
	if (nl_netns_run(ns, sysctl_open_cb, &job) < 0) {
		if (!job.ran)
			return fail(err, NULL, errno, "namespace %s", ns);
		return fail(err, ns, errno, "sysctl %s=%s", path, value);
	}
	n = write(job.fd, value, len);
	e = errno;
	close(job.fd);
	if (n < 0)
		return fail(err, ns, e, "sysctl %s=%s", path, value);
	if ((size_t)n != len)
		return fail(err, ns, EIO, "sysctl %s=%s (short write)", path, value);
	return 0;
}

/* ---- links ---- */

typedef int (*put_data_fn)(struct nlmsghdr *nlh, const void *arg, char *err);

/*
 * Creates link name of kind in ns, IFLA_INFO_DATA filled by put_data (may be NULL).  An
 * existing link of that name and kind is success; one of another kind is EEXIST.
 */
static int link_add_kind(const char *ns, const char *name, const char *kind, put_data_fn put_data, const void *arg,
			 const char *what, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;
	struct link_info li;
	struct rt rt;
	int ret = -1;

	if (check_ifname(name, ns, err) < 0)
		return -1;
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (put_data != NULL) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (put_data(nlh, arg, err) < 0)
			goto out;
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	if (rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_NEWLINK %s %s", kind, what) == 0) {
		ret = 0;
		goto out;
	}
	if (errno != EEXIST)
		goto out;
	/* EEXIST may also mean a clash elsewhere (veth peer name, VXLAN VNI): keep that reason */
	if (link_get(&rt, name, &li, NULL) < 0 || li.index == 0) {
		errno = EEXIST;
		goto out;
	}
	if (strcmp(li.kind, kind) != 0) {
		fail(err, ns, EEXIST, "RTM_NEWLINK %s %s: %s exists as a %s", kind, what, name,
		     li.kind[0] ? li.kind : "kindless device");
		goto out;
	}
	ret = 0;
out:
	rt_close(&rt);
	return ret;
}

struct veth_peer {
	const char *name;
	int ns_fd;
};

static int put_veth_peer(struct nlmsghdr *nlh, const void *arg, char *err)
{
	const struct veth_peer *p = arg;
	struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	(void)err;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, p->name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)p->ns_fd);
	mnl_attr_nest_end(nlh, peer);
	return 0;
}

int nl_veth_add(const char *a_ns, const char *a_name, const char *b_ns, const char *b_name, char *err)
{
	struct veth_peer peer = { .name = b_name, .ns_fd = -1 };
	char what[96];
	int ret;

	if (check_ifname(b_name, b_ns, err) < 0)
		return -1;
	/* the fd is resolved in this process' table by the kernel, whatever the socket's ns */
	if ((peer.ns_fd = ns_fd(b_ns)) < 0)
		return fail(err, NULL, errno, "namespace %s", b_ns != NULL ? b_ns : "(own)");
	snprintf(what, sizeof(what), "%s peer %s%s%s", a_name != NULL ? a_name : "(null)", b_name,
		 b_ns != NULL ? " in ns " : "", b_ns != NULL ? b_ns : "");
	ret = link_add_kind(a_ns, a_name, "veth", put_veth_peer, &peer, what, err);
	close(peer.ns_fd);
	return ret;
}

/*
 * With br_netfilter loaded (Docker loads it), every frame a bridge forwards also runs the
 * IPv4/IPv6/ARP netfilter hooks, on the CPU of the sender: for a tunnel that is the libipsec
 * thread that encrypts or decrypts each packet.  The lab filters nothing on bridges (faults
 * are nftables rules on endpoints' input/output), so the namespace turns those calls off.
 * Without br_netfilter the files are absent and there is nothing to turn off.
 */
static int bridge_netfilter_off(const char *ns, char *err)
{
	static const char *const knobs[] = { "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables",
					     "net/bridge/bridge-nf-call-arptables" };

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (nl_sysctl_set(ns, knobs[i], "0", err) < 0 && errno != ENOENT)
			return -1;
	return 0;
}

int nl_bridge_add(const char *ns, const char *name, char *err)
{
	if (link_add_kind(ns, name, "bridge", NULL, NULL, name != NULL ? name : "(null)", err) < 0)
		return -1;
	return bridge_netfilter_off(ns, err);
}

struct vxlan_cfg {
	uint32_t vni;
	struct in_addr local;
	bool has_local;
	uint16_t port;
};

static int put_vxlan(struct nlmsghdr *nlh, const void *arg, char *err)
{
	const struct vxlan_cfg *c = arg;

	(void)err;
	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, c->vni);
	if (c->has_local)
		mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, sizeof(c->local), &c->local);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(c->port));
	/* peers come from the FDB the agent writes, never from snooped traffic */
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	return 0;
}

int nl_vxlan_add(const char *ns, const char *name, uint32_t vni, const char *local_ip, uint16_t dstport, char *err)
{
	struct vxlan_cfg c = { .vni = vni, .port = dstport ? dstport : VXLAN_PORT_DEFAULT };
	char what[64];

	if (vni == 0 || vni > 0xffffff)
		return fail(err, ns, EINVAL, "vxlan %s: VNI %u out of 1..16777215", name != NULL ? name : "(null)",
			    vni);
	if (local_ip != NULL && local_ip[0] != '\0') {
		if (inet_pton(AF_INET, local_ip, &c.local) != 1)
			return fail(err, ns, EINVAL, "vxlan %s: local address \"%s\"", name != NULL ? name : "(null)",
				    local_ip);
		c.has_local = true;
	}
	snprintf(what, sizeof(what), "%s id %u", name != NULL ? name : "(null)", vni);
	return link_add_kind(ns, name, "vxlan", put_vxlan, &c, what, err);
}

/*
 * Opens rt in ns and finds dev, for an add (add) or delete of something on it; op and what
 * ("RTM_NEWADDR", "10.0.0.1/24") name that change in errors.  1: rt open (the caller closes
 * it) and *li filled; 0: dev is missing and so is what was to be deleted (done, rt closed);
 * -1: err set, rt closed.
 */
static int open_link_change(struct rt *rt, const char *ns, const char *dev, bool add, const char *op,
			    const char *what, struct link_info *li, char *err)
{
	if (check_ifname(dev, ns, err) < 0 || rt_open(rt, ns, err) < 0)
		return -1;
	if (link_get(rt, dev, li, err) < 0)
		goto fail;
	if (li->index != 0)
		return 1;
	/* a missing device has nothing on it: nothing to delete */
	if (!add) {
		rt_close(rt);
		return 0;
	}
	fail(err, ns, ENODEV, "%s %s: device %s", op, what, dev);
fail:
	rt_close(rt);
	return -1;
}

/* RTM_NEWNEIGH/RTM_DELNEIGH of the all-zeros FDB entry toward remote_ip on vxlan dev */
static int vxlan_fdb(const char *ns, const char *dev, const char *remote_ip, bool add, char *err)
{
	static const uint8_t zero_mac[6];
	union rt_req req;
	struct nlmsghdr *nlh;
	struct ndmsg *nd;
	const char *op = add ? "RTM_NEWNEIGH" : "RTM_DELNEIGH";
	char what[32];
	struct in_addr dst;
	struct link_info li;
	struct rt rt;
	int ret;

	if (remote_ip == NULL || inet_pton(AF_INET, remote_ip, &dst) != 1)
		return fail(err, ns, EINVAL, "%s fdb: remote address \"%s\"", op, remote_ip ? remote_ip : "(null)");
	snprintf(what, sizeof(what), "fdb dst %s", remote_ip);
	if ((ret = open_link_change(&rt, ns, dev, add, op, what, &li, err)) <= 0)
		return ret;
	nlh = rt_msg(&req, add ? RTM_NEWNEIGH : RTM_DELNEIGH, add ? NLM_F_CREATE | NLM_F_APPEND : 0);
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = li.index;
	nd->ndm_state = NUD_NOARP | NUD_PERMANENT;
	nd->ndm_flags = NTF_SELF;
	mnl_attr_put(nlh, NDA_LLADDR, sizeof(zero_mac), zero_mac);
	mnl_attr_put(nlh, NDA_DST, sizeof(dst), &dst);
	ret = rt_talk(&rt, nlh, NULL, NULL, add ? EEXIST : ENOENT, err, "%s fdb 00:00:00:00:00:00 dst %s dev %s", op,
		      remote_ip, dev);
	rt_close(&rt);
	return ret;
}

int nl_vxlan_fdb_append(const char *ns, const char *dev, const char *remote_ip, char *err)
{
	return vxlan_fdb(ns, dev, remote_ip, true, err);
}

int nl_vxlan_fdb_del(const char *ns, const char *dev, const char *remote_ip, char *err)
{
	return vxlan_fdb(ns, dev, remote_ip, false, err);
}

int nl_link_set_master(const char *ns, const char *dev, const char *master, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int master_index = 0, ret = -1;
	struct rt rt;

	if (check_ifname(dev, ns, err) < 0 || rt_open(&rt, ns, err) < 0)
		return -1;
	if (master != NULL && (master_index = link_index_req(&rt, master, err)) < 0)
		goto out;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_index);
	ret = rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_NEWLINK %s %s%s", dev, master ? "master " : "nomaster",
		      master ? master : "");
out:
	rt_close(&rt);
	return ret;
}

/*
 * One RTM_NEWLINK or RTM_DELLINK (msg_type) of dev in ns with, unless attr is 0, one
 * attribute (len bytes at data); ok_errno as rt_talk takes it, what ("mtu 1400", or "")
 * completes "RTM_NEWLINK dev" in errors.
 */
static int link_request(const char *ns, const char *dev, uint16_t msg_type, uint16_t attr, const void *data,
			size_t len, int ok_errno, const char *what, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, msg_type, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	const char *op = msg_type == RTM_DELLINK ? "RTM_DELLINK" : "RTM_NEWLINK";
	struct rt rt;
	int ret;

	if (check_ifname(dev, ns, err) < 0 || rt_open(&rt, ns, err) < 0)
		return -1;
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	if (attr != 0)
		mnl_attr_put(nlh, attr, len, data);
	ret = rt_talk(&rt, nlh, NULL, NULL, ok_errno, err, "%s %s%s%s", op, dev, what[0] ? " " : "", what);
	rt_close(&rt);
	return ret;
}

int nl_link_set_mac(const char *ns, const char *dev, const uint8_t mac[6], char *err)
{
	return link_request(ns, dev, RTM_NEWLINK, IFLA_ADDRESS, mac, 6, 0, "address", err);
}

int nl_link_set_mtu(const char *ns, const char *dev, uint32_t mtu, char *err)
{
	char what[24];

	snprintf(what, sizeof(what), "mtu %u", mtu);
	return link_request(ns, dev, RTM_NEWLINK, IFLA_MTU, &mtu, sizeof(mtu), 0, what, err);
}

/* One ETHTOOL_S* value (cmd, data) on dev of the calling thread's namespace: ioctl's answer. */
static int ethtool_set(const char *dev, uint32_t cmd, uint32_t data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = data };
	struct ifreq ifr;
	int fd, ret;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return ret;
}

/*
 * A packet charon writes to TUN (kernel-libipsec) is forwarded by the kernel inside that
 * write(), hop after hop up to the receiving process, and ACKs likewise on the way back:
 * through a branch or a VPC, that is the libipsec thread's time, not decrypting.  A veth
 * with GRO receives through NAPI, and with threaded NAPI that poll runs in a kernel thread
 * the scheduler can put on another core, so the libipsec thread is back after one hop.
 * The sending veth decides, though (veth_skb_is_eligible_for_gro): with TSO on (a veth's
 * default) only a local UDP socket's packets take the NAPI path, and forwarded ones go
 * through the backlog, processed in the sender's own softirq.  Hence endpoints turn TSO
 * off on their LAN veth (nl_link_set_tso; reconcile.c, build_endpoint_links).  Best effort:
 * a kernel without either keeps the ordinary path.
 */
static int port_gro_cb(void *arg)
{
	return ethtool_set(arg, ETHTOOL_SGRO, 1);
}

/* sysfs lists the devices of the namespace that mounted it: a child mounts its own */
static void port_threaded_napi(const char *ns, const char *dev)
{
	char path[96];
	int nsfd, status;
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", dev);
	if ((nsfd = ns_fd(ns)) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		/* between fork and _exit only system calls: the agent has threads */
		int fd;

		if (setns(nsfd, CLONE_NEWNET) < 0 || unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
		    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			_exit(1);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		_exit(fd >= 0 && write(fd, "1", 1) == 1 ? 0 : 1);
	}
	close(nsfd);
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

struct tso_job {
	const char *dev;
	bool on;
};

static int tso_cb(void *arg)
{
	const struct tso_job *job = arg;

	/* ETHTOOL_STSO switches every TCP segmentation feature (NETIF_F_ALL_TSO) at once */
	return ethtool_set(job->dev, ETHTOOL_STSO, job->on);
}

int nl_link_set_tso(const char *ns, const char *dev, bool on, char *err)
{
	struct tso_job job = { .dev = dev, .on = on };

	if (check_ifname(dev, ns, err) < 0)
		return -1;
	if (nl_netns_run(ns, tso_cb, &job) < 0) {
		int e = errno;

		set_err(err, "%s TSO %s in %s: %s", dev, on ? "on" : "off", ns ? ns : "(own)", strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int nl_link_set_up(const char *ns, const char *dev, bool up, char *err)
{
	struct link_info li;
	struct rt rt;
	int ret;

	if (rt_open(&rt, ns, err) < 0)
		return -1;
	ret = link_set_up_rt(&rt, dev, up, err);
	/* NAPI exists only on a veth that is up with GRO on: threaded can be set only then */
	if (ret == 0 && up && link_get(&rt, dev, &li, NULL) == 0 && li.enslaved && strcmp(li.kind, "veth") == 0 &&
	    nl_netns_run(ns, port_gro_cb, (void *)dev) == 0)
		port_threaded_napi(ns, dev);
	rt_close(&rt);
	return ret;
}

int nl_link_del(const char *ns, const char *dev, char *err)
{
	return link_request(ns, dev, RTM_DELLINK, 0, NULL, 0, ENODEV, "", err);
}

int nl_link_index(const char *ns, const char *dev)
{
	struct link_info li;
	struct rt rt;
	int ret;

	if (rt_open(&rt, ns, NULL) < 0)
		return 0;
	if (link_get(&rt, dev, &li, NULL) < 0)
		ret = 0;
	else if ((ret = li.index) == 0)
		errno = ENODEV;
	rt_close(&rt);
	return ret;
}

int nl_link_move(const char *ns, const char *dev, const char *to_ns, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct rt rt;
	int fd, ret;

	if (check_ifname(dev, ns, err) < 0)
		return -1;
	if ((fd = ns_fd(to_ns)) < 0)
		return fail(err, NULL, errno, "namespace %s", to_ns != NULL ? to_ns : "(own)");
	if (rt_open(&rt, ns, err) < 0) {
		close(fd);
		return -1;
	}
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, dev);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)fd);
	ret = rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_NEWLINK %s netns %s", dev, to_ns != NULL ? to_ns : "(own)");
	rt_close(&rt);
	close(fd);
	return ret;
}

/* ---- addresses ---- */

static int addr_change(const char *ns, const char *dev, const char *addr, int prefix, bool add, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	const char *op = add ? "RTM_NEWADDR" : "RTM_DELADDR";
	char what[32];
	struct link_info li;
	struct in_addr a;
	struct rt rt;
	int ret;

	if (addr == NULL || inet_pton(AF_INET, addr, &a) != 1 || prefix < 0 || prefix > 32)
		return fail(err, ns, EINVAL, "%s: address \"%s/%d\"", op, addr ? addr : "(null)", prefix);
	snprintf(what, sizeof(what), "%s/%d", addr, prefix);
	if ((ret = open_link_change(&rt, ns, dev, add, op, what, &li, err)) <= 0)
		return ret;
	nlh = rt_msg(&req, add ? RTM_NEWADDR : RTM_DELADDR, add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)li.index;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(a), &a);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(a), &a);
	/* the kernel answers a missing IPv4 address with EADDRNOTAVAIL */
	ret = rt_talk(&rt, nlh, NULL, NULL, add ? EEXIST : EADDRNOTAVAIL, err, "%s %s/%d dev %s", op, addr, prefix,
		      dev);
	rt_close(&rt);
	return ret;
}

int nl_addr_add(const char *ns, const char *dev, const char *addr, int prefix, char *err)
{
	return addr_change(ns, dev, addr, prefix, true, err);
}

int nl_addr_del(const char *ns, const char *dev, const char *addr, int prefix, char *err)
{
	return addr_change(ns, dev, addr, prefix, false, err);
}

/* ---- routes ---- */

/* "a.b.c.d/len" (or a bare address: /32) */
static bool parse_prefix(const char *s, struct in_addr *a, uint8_t *len)
{
	char buf[16];
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	size_t n = slash != NULL ? (size_t)(slash - s) : (s != NULL ? strlen(s) : sizeof(buf));
	char *end;
	long l = 32;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) != 1)
		return false;
	if (slash != NULL) {
		errno = 0;
		l = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || l < 0 || l > 32)
			return false;
	}
	*len = (uint8_t)l;
	return true;
}

static uint32_t route_table(uint32_t table)
{
	return table != 0 ? table : RT_TABLE_MAIN;
}

/* Header and key (dst, table, metric) of a route request, shared by add and delete */
static struct rtmsg *route_key(struct nlmsghdr *nlh, const struct nl_route *r, const struct in_addr *dst,
			       uint8_t dst_len)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	uint32_t table = route_table(r->table);

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = dst_len;
	/* tables past 255 only fit RTA_TABLE */
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	if (dst_len > 0)
		mnl_attr_put(nlh, RTA_DST, sizeof(*dst), dst);
	if (r->metric > 0)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, (uint32_t)r->metric);
	return rtm;
}

static int nexthop_parse(struct rt *rt, const struct nl_route *r, int i, struct in_addr *gw, int *ifindex,
			 char *err)
{
	const struct nl_nexthop *nh = &r->nexthops[i];

	*ifindex = 0;
	gw->s_addr = 0;
	if (nh->via[0] == '\0' && nh->dev[0] == '\0')
		return fail(err, rt->ns, EINVAL, "route %s: nexthop %d has neither via nor dev", r->dst, i);
	if (nh->via[0] != '\0' && inet_pton(AF_INET, nh->via, gw) != 1)
		return fail(err, rt->ns, EINVAL, "route %s: nexthop %d via \"%.16s\"", r->dst, i, nh->via);
	if (nh->weight < 0 || nh->weight > 256)
		return fail(err, rt->ns, EINVAL, "route %s: nexthop %d weight %d out of 1..256", r->dst, i,
			    nh->weight);
	if (nh->dev[0] != '\0') {
		char dev[sizeof(nh->dev) + 1];

		snprintf(dev, sizeof(dev), "%.*s", (int)sizeof(nh->dev), nh->dev);
		if ((*ifindex = link_index_req(rt, dev, err)) < 0)
			return -1;
	}
	return 0;
}

int nl_route_replace(const char *ns, const struct nl_route *r, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
	struct in_addr dst, gw, src;
	struct rtnexthop *rtnh;
	struct nlattr *mp;
	struct rtmsg *rtm;
	uint8_t dst_len;
	bool any_gw = false;
	int ifindex, ret = -1;
	struct rt rt;

	if (!parse_prefix(r->dst, &dst, &dst_len))
		return fail(err, ns, EINVAL, "route dst \"%.20s\"", r->dst);
	if (!r->blackhole && (r->nexthop_count < 1 || r->nexthop_count > NL_NEXTHOPS_MAX))
		return fail(err, ns, EINVAL, "route %s: %d nexthops, not 1..%d", r->dst, r->nexthop_count,
			    NL_NEXTHOPS_MAX);
	if (r->src[0] != '\0' && inet_pton(AF_INET, r->src, &src) != 1)
		return fail(err, ns, EINVAL, "route %s: src \"%.16s\"", r->dst, r->src);
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	rtm = route_key(nlh, r, &dst, dst_len);
	rtm->rtm_protocol = NL_RTPROT_VPNLAB;
	rtm->rtm_type = r->blackhole ? RTN_BLACKHOLE : RTN_UNICAST;
	if (r->src[0] != '\0')
		mnl_attr_put(nlh, RTA_PREFSRC, sizeof(src), &src);
	if (r->blackhole) {
		any_gw = true; /* scope universe, as ip-route gives a blackhole */
	} else if (r->nexthop_count == 1) {
		if (nexthop_parse(&rt, r, 0, &gw, &ifindex, err) < 0)
			goto out;
		if (gw.s_addr != 0) {
			mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
			any_gw = true;
		}
		if (ifindex > 0)
			mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
		if (r->nexthops[0].onlink)
			rtm->rtm_flags |= RTNH_F_ONLINK;
	} else {
		mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);
		for (int i = 0; i < r->nexthop_count; i++) {
			if (nexthop_parse(&rt, r, i, &gw, &ifindex, err) < 0)
				goto out;
			rtnh = mnl_nlmsg_put_extra_header(nlh, RTNH_ALIGN(sizeof(*rtnh)));
			/* the kernel's weight is rtnh_hops + 1 */
			rtnh->rtnh_hops = (uint8_t)(r->nexthops[i].weight > 0 ? r->nexthops[i].weight - 1 : 0);
			rtnh->rtnh_ifindex = ifindex;
			rtnh->rtnh_flags = r->nexthops[i].onlink ? RTNH_F_ONLINK : 0;
			if (gw.s_addr != 0) {
				mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
				any_gw = true;
			}
			rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)rtnh);
		}
		mnl_attr_nest_end(nlh, mp);
	}
	/* as ip-route: a route with no gateway at all reaches its destination directly */
	rtm->rtm_scope = any_gw || r->nexthop_count > 1 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	if (r->table != 0)
		ret = rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_NEWROUTE %s table %u", r->dst, r->table);
	else
		ret = rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_NEWROUTE %s", r->dst);
out:
	rt_close(&rt);
	return ret;
}

int nl_route_del(const char *ns, const struct nl_route *r, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, RTM_DELROUTE, 0);
	struct in_addr dst;
	struct rtmsg *rtm;
	uint8_t dst_len;
	struct rt rt;
	int ret;

	if (!parse_prefix(r->dst, &dst, &dst_len))
		return fail(err, ns, EINVAL, "route dst \"%.20s\"", r->dst);
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	rtm = route_key(nlh, r, &dst, dst_len);
	/* any scope, protocol, type and nexthops: the key alone names the route */
	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	if (r->table != 0)
		ret = rt_talk(&rt, nlh, NULL, NULL, ESRCH, err, "RTM_DELROUTE %s table %u", r->dst, r->table);
	else
		ret = rt_talk(&rt, nlh, NULL, NULL, ESRCH, err, "RTM_DELROUTE %s", r->dst);
	rt_close(&rt);
	return ret;
}

struct link_name {
	int index;
	char name[IFNAMSIZ];
};

struct route_dump {
	uint32_t table;
	uint8_t proto;
	struct link_name *links;
	int nlinks, links_cap;
	struct nl_route *routes;
	int count, cap;
	int error;	/* errno a callback failed with */
};

/*
 * items (count used, *cap allocated, size bytes each) with room for one more: items itself or
 * its reallocation (*cap grown); NULL when out of memory, items then still the caller's.
 */
static void *dump_grow(void *items, int count, int *cap, size_t size)
{
	int grown = *cap ? *cap * 2 : 16;
	void *v;

	if (count < *cap)
		return items;
	if ((v = realloc(items, (size_t)grown * size)) != NULL)
		*cap = grown;
	return v;
}

static int link_name_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct route_dump *d = arg;
	struct link_name *v;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	if ((v = dump_grow(d->links, d->nlinks, &d->links_cap, sizeof(*v))) == NULL) {
		d->error = ENOMEM;
		return MNL_CB_ERROR;
	}
	d->links = v;
	v = &d->links[d->nlinks];
	v->index = ifi->ifi_index;
	v->name[0] = '\0';
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME && mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
			snprintf(v->name, sizeof(v->name), "%.*s", (int)mnl_attr_get_payload_len(a),
				 mnl_attr_get_str(a));
	}
	d->nlinks++;
	return MNL_CB_OK;
}

static void link_name_of(const struct route_dump *d, int index, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < d->nlinks; i++) {
		if (d->links[i].index == index) {
			snprintf(out, size, "%s", d->links[i].name);
			return;
		}
	}
}

static void addr_str(const struct nlattr *a, char *out, size_t size)
{
	inet_ntop(AF_INET, mnl_attr_get_payload(a), out, (socklen_t)size);
}

/* Decodes RTA_MULTIPATH: a run of rtnexthop headers, each followed by its own attributes */
static int multipath_parse(const struct route_dump *d, const struct nlattr *mp, struct nl_route *r)
{
	const char *p = mnl_attr_get_payload(mp);
	size_t left = mnl_attr_get_payload_len(mp);
	const struct rtnexthop *rtnh;
	const struct nlattr *attr;
	struct nl_nexthop *nh;

	while (left >= sizeof(*rtnh)) {
		rtnh = (const struct rtnexthop *)p;
		if (rtnh->rtnh_len < sizeof(*rtnh) || rtnh->rtnh_len > left)
			break;
		if (r->nexthop_count == NL_NEXTHOPS_MAX)
			return E2BIG;
		nh = &r->nexthops[r->nexthop_count++];
		nh->weight = rtnh->rtnh_hops + 1;
		nh->onlink = rtnh->rtnh_flags & RTNH_F_ONLINK;
		link_name_of(d, rtnh->rtnh_ifindex, nh->dev, sizeof(nh->dev));
		mnl_attr_for_each_payload((const struct nlattr *)(p + RTNH_ALIGN(sizeof(*rtnh))),
					  rtnh->rtnh_len - RTNH_ALIGN(sizeof(*rtnh))) {
			if (mnl_attr_get_type(attr) == RTA_GATEWAY && mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				addr_str(attr, nh->via, sizeof(nh->via));
		}
		if ((size_t)RTNH_ALIGN(rtnh->rtnh_len) >= left)
			break;
		left -= (size_t)RTNH_ALIGN(rtnh->rtnh_len);
		p += RTNH_ALIGN(rtnh->rtnh_len);
	}
	return 0;
}

/*
 * Reads route message nlh (rtm its header) into r: table (0 for main), dst, metric, src and the
 * via and dev of a single nexthop (links names the devs); returns the kernel's table number and
 * points *mp at the RTA_MULTIPATH attribute (NULL if none), which replaces that nexthop.
 */
static uint32_t route_attrs(const struct route_dump *links, const struct nlmsghdr *nlh, const struct rtmsg *rtm,
			    struct nl_route *r, const struct nlattr **mp)
{
	const struct nlattr *a;
	uint32_t table = rtm->rtm_table, dst = 0;
	char addr[INET_ADDRSTRLEN];

	*mp = NULL;
	r->nexthops[0].weight = 1;
	r->nexthops[0].onlink = rtm->rtm_flags & RTNH_F_ONLINK;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				table = mnl_attr_get_u32(a);
			break;
		case RTA_DST:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				memcpy(&dst, mnl_attr_get_payload(a), sizeof(dst));
			break;
		case RTA_PRIORITY:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				r->metric = (int)mnl_attr_get_u32(a);
			break;
		case RTA_PREFSRC:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				addr_str(a, r->src, sizeof(r->src));
			break;
		case RTA_GATEWAY:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				addr_str(a, r->nexthops[0].via, sizeof(r->nexthops[0].via));
			break;
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				link_name_of(links, (int)mnl_attr_get_u32(a), r->nexthops[0].dev,
					     sizeof(r->nexthops[0].dev));
			break;
		case RTA_MULTIPATH:
			*mp = a;
			break;
		}
	}
	r->table = table == RT_TABLE_MAIN ? 0 : table;
	inet_ntop(AF_INET, &dst, addr, sizeof(addr));
	snprintf(r->dst, sizeof(r->dst), "%s/%u", addr, rtm->rtm_dst_len);
	if (*mp != NULL) {
		memset(r->nexthops, 0, sizeof(r->nexthops));
		r->nexthop_count = 0;
	}
	return table;
}

static int route_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_dump *d = arg;
	const struct nlattr *mp;
	struct nl_route r, *v;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	/* struct nl_route describes plain unicast routes only; cached clones are not routes */
	if (rtm->rtm_family != AF_INET || rtm->rtm_type != RTN_UNICAST || (rtm->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	if (d->proto != 0 && rtm->rtm_protocol != d->proto)
		return MNL_CB_OK;
	memset(&r, 0, sizeof(r));
	r.nexthop_count = 1;
	if (route_attrs(d, nlh, rtm, &r, &mp) != route_table(d->table))
		return MNL_CB_OK;
	if (mp != NULL && (d->error = multipath_parse(d, mp, &r)) != 0)
		return MNL_CB_ERROR;
	if ((v = dump_grow(d->routes, d->count, &d->cap, sizeof(*v))) == NULL) {
		d->error = ENOMEM;
		return MNL_CB_ERROR;
	}
	d->routes = v;
	d->routes[d->count++] = r;
	return MNL_CB_OK;
}

/* The name of a dump request type, as errors name it. */
static const char *dump_name(uint16_t get)
{
	return get == RTM_GETLINK ? "RTM_GETLINK" : get == RTM_GETROUTE ? "RTM_GETROUTE" : "RTM_GETRULE";
}

/*
 * Whether a dump of get the kernel flagged as interrupted (it mixes two states of the table) is
 * taken again after attempt (from 0); the fourth attempt is the last (err set).
 */
static bool dump_again(const char *ns, uint16_t get, int attempt, char *err)
{
	if (attempt < 3)
		return true;
	fail(err, ns, EAGAIN, "%s dump (interrupted by changes %d times)", dump_name(get), attempt + 1);
	return false;
}

/* Dumps get (RTM_GETLINK: every family; RTM_GETROUTE, RTM_GETRULE: IPv4) through cb(data). */
static int rt_dump(struct rt *rt, uint16_t get, mnl_cb_t cb, void *data, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh = rt_msg(&req, get, NLM_F_DUMP);

	if (get == RTM_GETLINK)
		((struct ifinfomsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)))->ifi_family = AF_UNSPEC;
	else if (get == RTM_GETROUTE)
		((struct rtmsg *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct rtmsg)))->rtm_family = AF_INET;
	else
		((struct fib_rule_hdr *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct fib_rule_hdr)))->family = AF_INET;
	return rt_talk(rt, nlh, cb, data, 0, err, "%s dump", dump_name(get));
}

int nl_route_list(const char *ns, uint32_t table, uint8_t proto, struct nl_route **out, int *count, char *err)
{
	struct route_dump d = { .table = table, .proto = proto };
	struct rt rt;
	int ret = -1, e;

	*out = NULL;
	*count = 0;
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	/* a dump the kernel flags as interrupted mixes two states of the table: take it again */
	for (int attempt = 0;; attempt++) {
		d.nlinks = 0;
		d.count = 0;
		d.error = 0;
		if (rt_dump(&rt, RTM_GETLINK, link_name_cb, &d, err) < 0)
			goto out_dump;
		if (!rt.dump_intr) {
			if (rt_dump(&rt, RTM_GETROUTE, route_cb, &d, err) < 0)
				goto out_dump;
			if (!rt.dump_intr)
				break;
		}
		if (!dump_again(ns, RTM_GETROUTE, attempt, err))
			goto out;
	}
	*out = d.routes;
	*count = d.count;
	d.routes = NULL;
	ret = 0;
	goto out;
out_dump:
	if (d.error != 0) {
		e = d.error;
		fail(err, ns, e, "RTM_GETROUTE dump%s", e == E2BIG ? " (a route has too many nexthops)" : "");
	}
out:
	e = errno;
	free(d.routes);
	free(d.links);
	rt_close(&rt);
	errno = e;
	return ret;
}

/* ---- policy rules ---- */

static struct nlmsghdr *rule_msg(union rt_req *req, uint16_t type, uint16_t flags, uint32_t pref, const char *iif)
{
	struct nlmsghdr *nlh = rt_msg(req, type, flags);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

	frh->family = AF_INET;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	if (iif != NULL)
		mnl_attr_put_strz(nlh, FRA_IFNAME, iif);
	return nlh;
}

int nl_rule_add(const char *ns, uint32_t pref, const char *iif, uint32_t table, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	struct rt rt;
	int ret;

	if (iif == NULL || iif[0] == '\0' || strlen(iif) >= IFNAMSIZ)
		return fail(err, ns, EINVAL, "rule iif \"%.16s\"", iif ? iif : "");
	nlh = rule_msg(&req, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, pref, iif);
	frh = mnl_nlmsg_get_payload(nlh);
	if (table != 0) {
		frh->action = FR_ACT_TO_TBL;
		frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
		mnl_attr_put_u32(nlh, FRA_TABLE, table);
	} else {
		frh->action = FR_ACT_BLACKHOLE;
	}
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	ret = rt_talk(&rt, nlh, NULL, NULL, EEXIST, err, "RTM_NEWRULE pref %u iif %s", pref, iif);
	rt_close(&rt);
	return ret;
}

int nl_rule_del(const char *ns, uint32_t pref, const char *iif, char *err)
{
	struct rt rt;
	int ret = 0;

	if (rt_open(&rt, ns, err) < 0)
		return -1;
	/* one rule per request; the key leaves action and table open, so each call takes one */
	for (int i = 0; i < 64 && ret == 0; i++) {
		union rt_req req;
		struct nlmsghdr *nlh = rule_msg(&req, RTM_DELRULE, 0, pref, iif);

		errno = 0;
		ret = rt_talk(&rt, nlh, NULL, NULL, 0, err, "RTM_DELRULE pref %u%s%s", pref, iif != NULL ? " iif " : "",
			      iif != NULL ? iif : "");
		if (ret < 0 && errno == ENOENT) {
			ret = 0;
			if (err != NULL)
				err[0] = '\0';
			break;
		}
	}
	rt_close(&rt);
	return ret;
}

int nl_rule_add_match(const char *ns, uint32_t pref, const char *from, const char *to, uint32_t table, char *err)
{
	union rt_req req;
	struct nlmsghdr *nlh;
	struct fib_rule_hdr *frh;
	struct in_addr src, dst;
	uint8_t src_len, dst_len;
	struct rt rt;
	int ret;

	if (!parse_prefix(from, &src, &src_len) || !parse_prefix(to, &dst, &dst_len) || table == 0)
		return fail(err, ns, EINVAL, "rule from %.20s to %.20s table %u", from ? from : "", to ? to : "", table);
	nlh = rt_msg(&req, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
	frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET;
	frh->src_len = src_len;
	frh->dst_len = dst_len;
	frh->action = FR_ACT_TO_TBL;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	mnl_attr_put_u32(nlh, FRA_PRIORITY, pref);
	if (src_len > 0)
		mnl_attr_put(nlh, FRA_SRC, sizeof(src), &src);
	if (dst_len > 0)
		mnl_attr_put(nlh, FRA_DST, sizeof(dst), &dst);
	mnl_attr_put_u32(nlh, FRA_TABLE, table);
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	ret = rt_talk(&rt, nlh, NULL, NULL, EEXIST, err, "RTM_NEWRULE pref %u from %s to %s", pref, from, to);
	rt_close(&rt);
	return ret;
}

int nl_rule_del_pref(const char *ns, uint32_t pref, char *err)
{
	return nl_rule_del(ns, pref, NULL, err);
}

/* ---- what a namespace holds, whole (adoption compares it with what is wanted) ---- */

/* A copy of message nlh, the exact key to hand back to the kernel to delete what it names. */
/*
 * A dump of nl_route_entry or nl_rule_entry elements (entry_size bytes each); both keep the
 * kernel's message in a void *msg at msg_offset, followed by its size_t msg_len.
 */
struct entry_dump {
	struct route_dump links; /* link names only (its routes stay unused) */
	void *entries;
	size_t entry_size, msg_offset;
	int count, cap;
	int error;
};

_Static_assert(offsetof(struct nl_route_entry, msg_len) == offsetof(struct nl_route_entry, msg) + sizeof(void *) &&
		       offsetof(struct nl_rule_entry, msg_len) == offsetof(struct nl_rule_entry, msg) + sizeof(void *),
	       "entry_keep sets msg_len right after msg");

/* Where the message pointer of element i of entries is (see struct entry_dump). */
static void **entry_msg(void *entries, int i, size_t entry_size, size_t msg_offset)
{
	return (void **)((char *)entries + (size_t)i * entry_size + msg_offset);
}

/* A zeroed element at the end of d's entries, or NULL (out of memory, noted in d->error). */
static void *entry_slot(struct entry_dump *d)
{
	void *v;

	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		if ((v = realloc(d->entries, (size_t)d->cap * d->entry_size)) == NULL) {
			d->error = ENOMEM;
			return NULL;
		}
		d->entries = v;
	}
	v = (char *)d->entries + (size_t)d->count * d->entry_size;
	memset(v, 0, d->entry_size);
	return v;
}

/* Completes the element entry_slot gave: it keeps a copy of nlh, its key for a later delete. */
static int entry_keep(struct entry_dump *d, const struct nlmsghdr *nlh)
{
	void **msg = entry_msg(d->entries, d->count, d->entry_size, d->msg_offset);

	if ((*msg = malloc(nlh->nlmsg_len)) == NULL) {
		d->error = ENOMEM;
		return MNL_CB_ERROR;
	}
	memcpy(*msg, nlh, nlh->nlmsg_len);
	*(size_t *)((char *)msg + sizeof(*msg)) = nlh->nlmsg_len;
	d->count++;
	return MNL_CB_OK;
}

static int route_entry_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct entry_dump *d = arg;
	const struct nlattr *mp;
	struct nl_route_entry *e;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	if (rtm->rtm_family != AF_INET || (rtm->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	if ((e = entry_slot(d)) == NULL)
		return MNL_CB_ERROR;
	e->type = rtm->rtm_type;
	e->protocol = rtm->rtm_protocol;
	e->tos = rtm->rtm_tos;
	e->route.blackhole = rtm->rtm_type == RTN_BLACKHOLE;
	e->route.nexthop_count = rtm->rtm_type == RTN_UNICAST ? 1 : 0;
	route_attrs(&d->links, nlh, rtm, &e->route, &mp);
	/* the first NL_NEXTHOPS_MAX are listed; the message keeps them all for the delete */
	if (mp != NULL)
		e->nexthops_truncated = multipath_parse(&d->links, mp, &e->route) == E2BIG;
	return entry_keep(d, nlh);
}

static void prefix_str(const struct nlattr *a, uint8_t len, char *out, size_t size)
{
	char addr[INET_ADDRSTRLEN];

	addr_str(a, addr, sizeof(addr));
	snprintf(out, size, "%s/%u", addr, len);
}

static int rule_entry_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	struct entry_dump *d = arg;
	struct nl_rule_entry *e;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWRULE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh) ||
	    frh->family != AF_INET)
		return MNL_CB_OK;
	if ((e = entry_slot(d)) == NULL)
		return MNL_CB_ERROR;
	e->table = frh->table;
	e->action = frh->action;
	/* tos, "not" and the like: a rule the agent never makes */
	e->more = frh->tos != 0 || (frh->flags & ~(uint32_t)(FIB_RULE_IIF_DETACHED | FIB_RULE_OIF_DETACHED)) != 0;
	e->detached = frh->flags & (FIB_RULE_IIF_DETACHED | FIB_RULE_OIF_DETACHED);
	mnl_attr_for_each(a, nlh, sizeof(*frh)) {
		switch (mnl_attr_get_type(a)) {
		case FRA_PRIORITY:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				e->pref = mnl_attr_get_u32(a);
			break;
		case FRA_TABLE:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				e->table = mnl_attr_get_u32(a);
			break;
		case FRA_IIFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(e->iif, sizeof(e->iif), "%s", mnl_attr_get_str(a));
			break;
		case FRA_OIFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(e->oif, sizeof(e->oif), "%s", mnl_attr_get_str(a));
			break;
		case FRA_SRC:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				prefix_str(a, frh->src_len, e->from, sizeof(e->from));
			break;
		case FRA_DST:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				prefix_str(a, frh->dst_len, e->to, sizeof(e->to));
			break;
		case FRA_SUPPRESS_PREFIXLEN:
			/* the kernel reports "none" as -1 */
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) != UINT32_MAX)
				e->more = true;
			break;
		case FRA_SUPPRESS_IFGROUP:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0 && mnl_attr_get_u32(a) != UINT32_MAX)
				e->more = true;
			break;
		case FRA_PROTOCOL:
		case FRA_UNSPEC:
			break;
		default:
			/* fwmark, goto, uid range, ports, ip proto, l3mdev, tun_id, flow: a selector more */
			e->more = true;
			break;
		}
	}
	return entry_keep(d, nlh);
}

/* Frees the messages of the first count entries of a dump that stopped half-way. */
static void entry_dump_free(struct entry_dump *d)
{
	for (int i = 0; i < d->count; i++)
		free(*entry_msg(d->entries, i, d->entry_size, d->msg_offset));
	d->count = 0;
}

/*
 * Dumps rtnetlink objects of type get (RTM_GETROUTE or RTM_GETRULE, IPv4) through cb into d,
 * with the link names first for routes; taken again when the kernel flags it as interrupted.
 */
static int entry_dump(const char *ns, uint16_t get, mnl_cb_t cb, struct entry_dump *d, char *err)
{
	struct rt rt;
	int ret = -1, e;

	if (rt_open(&rt, ns, err) < 0)
		return -1;
	for (int attempt = 0;; attempt++) {
		entry_dump_free(d);
		d->error = 0;
		d->links.nlinks = 0;
		rt.dump_intr = false;
		if (get == RTM_GETROUTE && rt_dump(&rt, RTM_GETLINK, link_name_cb, &d->links, err) < 0) {
			d->error = d->links.error;
			goto out_dump;
		}
		if (!rt.dump_intr) {
			if (rt_dump(&rt, get, cb, d, err) < 0)
				goto out_dump;
			if (!rt.dump_intr)
				break;
		}
		if (!dump_again(ns, get, attempt, err))
			goto out;
	}
	ret = 0;
	goto out;
out_dump:
	if (d->error != 0)
		fail(err, ns, d->error, "%s dump", dump_name(get));
out:
	e = errno;
	if (ret < 0)
		entry_dump_free(d);
	free(d->links.links);
	d->links.links = NULL;
	rt_close(&rt);
	errno = e;
	return ret;
}

/* Dumps objects of type get as entry_dump does; *out malloc'd, freed with entries_free. */
static int entry_list(const char *ns, uint16_t get, mnl_cb_t cb, size_t entry_size, size_t msg_offset, void **out,
		      int *count, char *err)
{
	struct entry_dump d = { .entry_size = entry_size, .msg_offset = msg_offset };

	*out = NULL;
	*count = 0;
	if (entry_dump(ns, get, cb, &d, err) < 0) {
		free(d.entries);
		return -1;
	}
	*out = d.entries;
	*count = d.count;
	return 0;
}

int nl_route_dump(const char *ns, struct nl_route_entry **out, int *count, char *err)
{
	return entry_list(ns, RTM_GETROUTE, route_entry_cb, sizeof(**out), offsetof(struct nl_route_entry, msg),
			  (void **)out, count, err);
}

int nl_rule_dump(const char *ns, struct nl_rule_entry **out, int *count, char *err)
{
	return entry_list(ns, RTM_GETRULE, rule_entry_cb, sizeof(**out), offsetof(struct nl_rule_entry, msg),
			  (void **)out, count, err);
}

/* Sends dumped message msg back as a delete (`ip route flush` / `ip rule flush` do the same). */
static int entry_del(const char *ns, const void *msg, size_t len, uint16_t del, int ok_errno, char *err,
		     const char *what)
{
	union rt_req req;
	struct nlmsghdr *nlh;
	struct rt rt;
	int ret;

	if (len < sizeof(*nlh) || len > sizeof(req.buf))
		return fail(err, ns, EINVAL, "%s: a message of %zu bytes", what, len);
	memcpy(req.buf, msg, len);
	nlh = &req.nlh;
	nlh->nlmsg_type = del;
	nlh->nlmsg_flags = 0;
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	ret = rt_talk(&rt, nlh, NULL, NULL, ok_errno, err, "%s", what);
	rt_close(&rt);
	return ret;
}

int nl_route_entry_del(const char *ns, const struct nl_route_entry *e, char *err)
{
	char what[64];

	snprintf(what, sizeof(what), "RTM_DELROUTE %s table %u type %u", e->route.dst,
		 e->route.table ? e->route.table : RT_TABLE_MAIN, e->type);
	return entry_del(ns, e->msg, e->msg_len, RTM_DELROUTE, ESRCH, err, what);
}

int nl_rule_entry_del(const char *ns, const struct nl_rule_entry *e, char *err)
{
	char what[64];

	snprintf(what, sizeof(what), "RTM_DELRULE pref %u%s%s", e->pref, e->iif[0] ? " iif " : "", e->iif);
	return entry_del(ns, e->msg, e->msg_len, RTM_DELRULE, ENOENT, err, what);
}

/* Frees count entries (entry_size bytes, message pointer at msg_offset) and their messages. */
static void entries_free(void *entries, int count, size_t entry_size, size_t msg_offset)
{
	for (int i = 0; entries != NULL && i < count; i++)
		free(*entry_msg(entries, i, entry_size, msg_offset));
	free(entries);
}

void nl_route_entries_free(struct nl_route_entry *list, int count)
{
	entries_free(list, count, sizeof(*list), offsetof(struct nl_route_entry, msg));
}

void nl_rule_entries_free(struct nl_rule_entry *list, int count)
{
	entries_free(list, count, sizeof(*list), offsetof(struct nl_rule_entry, msg));
}

int nl_link_names(const char *ns, char ***names, int *count, char *err)
{
	struct route_dump d = { 0 };
	struct rt rt;
	int ret = -1, e, n = 0;
	char **list = NULL;

	*names = NULL;
	*count = 0;
	if (rt_open(&rt, ns, err) < 0)
		return -1;
	for (int attempt = 0;; attempt++) {
		d.nlinks = 0;
		if (rt_dump(&rt, RTM_GETLINK, link_name_cb, &d, err) < 0) {
			if (d.error != 0)
				fail(err, ns, d.error, "RTM_GETLINK dump");
			goto out;
		}
		if (!rt.dump_intr)
			break;
		if (!dump_again(ns, RTM_GETLINK, attempt, err))
			goto out;
	}
	if ((list = calloc((size_t)d.nlinks + 1, sizeof(*list))) == NULL) {
		fail(err, ns, ENOMEM, "link names");
		goto out;
	}
	for (n = 0; n < d.nlinks; n++)
		if ((list[n] = strdup(d.links[n].name)) == NULL) {
			fail(err, ns, ENOMEM, "link names");
			nl_names_free(list, n);
			goto out;
		}
	*names = list;
	*count = n;
	ret = 0;
out:
	e = errno;
	free(d.links);
	rt_close(&rt);
	errno = e;
	return ret;
}
