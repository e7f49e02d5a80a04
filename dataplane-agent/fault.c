/*
 * Lab faults with libnftables.  The nft context (and so its netlink socket) is created while
 * the thread is switched into the namespace, so every command lands there.
 */
#include "agent_err.h"
#include "fault.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <nftables/libnftables.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"

#define T "inet " FAULT_TABLE

static pthread_mutex_t nft_lock = PTHREAD_MUTEX_INITIALIZER;

#define set_err(err, ...) agent_set_err((err), FAULT_ERR_MAX, __VA_ARGS__)

struct nft_job {
	const char *cmd;
	bool json;	/* output in JSON */
	char *output;	/* malloc'd copy of the output when the command succeeded */
	char msg[FAULT_ERR_MAX];
};

static int nft_cb(void *arg)
{
	struct nft_job *job = arg;
	struct nft_ctx *ctx;
	const char *e;
	int rc;

	if (!(ctx = nft_ctx_new(NFT_CTX_DEFAULT))) {
		snprintf(job->msg, sizeof(job->msg), "nft_ctx_new failed");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	if (job->json)
		nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
	rc = nft_run_cmd_from_buffer(ctx, job->cmd);
	if (rc != 0) {
		e = nft_ctx_get_error_buffer(ctx);
		/* nft's first line is the reason; the rest points at the failing command */
		snprintf(job->msg, sizeof(job->msg), "%.*s", (int)strcspn(e ? e : "", "\n"), e ? e : "");
		if (!job->msg[0])
			snprintf(job->msg, sizeof(job->msg), "nft command failed");
	} else if (!(job->output = strdup(nft_ctx_get_output_buffer(ctx) ?: ""))) {
		snprintf(job->msg, sizeof(job->msg), "out of memory");
		rc = -1;
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

/* Runs cmd in ns; the caller holds nft_lock.  job->msg holds the reason on failure. */
static int nft_run(const char *ns, struct nft_job *job)
{
	job->msg[0] = '\0';
	job->output = NULL;
	if (nl_netns_run(ns, nft_cb, job) < 0) {
		if (!job->msg[0])
			snprintf(job->msg, sizeof(job->msg), "namespace %s: %s", ns ? ns : "(own)", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Runs cmd under nft_lock, output dropped; on failure err says "<what> in <ns>: <reason>".
 * Returns 0 or -1.
 */
static int nft_apply(const char *ns, const char *cmd, const char *what, char *err)
{
	struct nft_job job = { .cmd = cmd };
	int ret;

	pthread_mutex_lock(&nft_lock);
	ret = nft_run(ns, &job);
	pthread_mutex_unlock(&nft_lock);
	if (ret < 0)
		set_err(err, "%s in %s: %s", what, ns ? ns : "(own)", job.msg);
	free(job.output);
	return ret;
}

static bool table_exists(const char *ns)
{
	struct nft_job job = { .cmd = "list table " T };
	bool ok = nft_run(ns, &job) == 0;

	free(job.output);
	return ok;
}

static int check_peer(const char *peer_ip, char *err)
{
	struct in_addr a;

	/* also keeps anything but an address out of the command text */
	if (!peer_ip || inet_pton(AF_INET, peer_ip, &a) != 1) {
		set_err(err, "peer '%s' is not an IPv4 address", peer_ip ? peer_ip : "(null)");
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int fault_set(const char *ns, const char *peer_ip, bool cut, char *err)
{
	struct nft_job job = { 0 };
	char cmd[2048];
	int ret = -1;

	if (check_peer(peer_ip, err) < 0)
		return -1;
	if (cut) {
		/* `add` keeps what exists; the chains are refilled so they are right even if
		 * someone edited them, in the same transaction, so there is no gap */
		snprintf(cmd, sizeof(cmd),
			 "add table " T "\n"
			 "add set " T " cut_peers { type ipv4_addr; }\n"
			 "add chain " T " input { type filter hook input priority raw; policy accept; }\n"
			 "add chain " T " output { type filter hook output priority raw; policy accept; }\n"
			 "flush chain " T " input\n"
			 "flush chain " T " output\n"
			 "add rule " T " input ip saddr @cut_peers udp sport { 500, 4500 } drop\n"
			 "add rule " T " input ip saddr @cut_peers udp dport { 500, 4500 } drop\n"
			 "add rule " T " output ip daddr @cut_peers udp dport { 500, 4500 } drop\n"
			 "add rule " T " output ip daddr @cut_peers udp sport { 500, 4500 } drop\n"
			 "add element " T " cut_peers { %s }\n",
			 peer_ip);
	} else {
		/* adding then deleting in one transaction deletes whether or not it was there */
		snprintf(cmd, sizeof(cmd),
			 "add element " T " cut_peers { %s }\n"
			 "delete element " T " cut_peers { %s }\n",
			 peer_ip, peer_ip);
	}
	job.cmd = cmd;

	pthread_mutex_lock(&nft_lock);
	if (!cut && !table_exists(ns)) {
		ret = 0; /* nothing is cut there */
		goto out;
	}
	if (nft_run(ns, &job) < 0) {
		set_err(err, "%s peer %s in %s: %s", cut ? "cut" : "restore", peer_ip, ns ? ns : "(own)", job.msg);
		goto out;
	}
	ret = 0;
out:
	pthread_mutex_unlock(&nft_lock);
	free(job.output);
	return ret;
}

int fault_clear_all(const char *ns, char *err)
{
	return nft_apply(ns, "add table " T "\ndelete table " T "\n", "clear faults", err);
}

bool fault_is_cut(const char *ns, const char *peer_ip)
{
	struct nft_job job = { 0 };
	char cmd[256];
	bool cut;

	if (check_peer(peer_ip, NULL) < 0)
		return false;
	snprintf(cmd, sizeof(cmd), "get element " T " cut_peers { %s }", peer_ip);
	job.cmd = cmd;
	pthread_mutex_lock(&nft_lock);
	cut = nft_run(ns, &job) == 0;
	pthread_mutex_unlock(&nft_lock);
	free(job.output);
	return cut;
}

void fault_peers_free(char **peers, int count)
{
	for (int i = 0; peers && i < count; i++)
		free(peers[i]);
	free(peers);
}

int fault_list(const char *ns, char ***peers, int *count, char *err)
{
	struct nft_job job = { .cmd = "list set " T " cut_peers", .json = true };
	json_t *root = NULL, *items, *it;
	char **out = NULL;
	size_t i;
	int n = 0, ret = -1;

	*peers = NULL;
	*count = 0;
	pthread_mutex_lock(&nft_lock);
	if (!table_exists(ns)) {
		pthread_mutex_unlock(&nft_lock);
		return 0;
	}
	ret = nft_run(ns, &job);
	pthread_mutex_unlock(&nft_lock);
	if (ret < 0) {
		set_err(err, "list cut peers in %s: %s", ns ? ns : "(own)", job.msg);
		return -1;
	}
	ret = -1;
	if (!(root = json_loads(job.output, 0, NULL)) || !(items = json_object_get(root, "nftables"))) {
		set_err(err, "list cut peers in %s: unreadable nft JSON", ns ? ns : "(own)");
		goto out;
	}
	json_array_foreach(items, i, it) {
		json_t *elems = json_object_get(json_object_get(it, "set"), "elem"), *e;
		size_t j;

		if (!json_is_array(elems))
			continue;
		if (!(out = calloc(json_array_size(elems) ? json_array_size(elems) : 1, sizeof(*out)))) {
			set_err(err, "out of memory");
			goto out;
		}
		json_array_foreach(elems, j, e) {
			if (!json_is_string(e))
				continue;
			if (!(out[n] = strdup(json_string_value(e)))) {
				set_err(err, "out of memory");
				goto out;
			}
			n++;
		}
		break;
	}
	*peers = out;
	*count = n;
	out = NULL;
	ret = 0;
out:
	fault_peers_free(out, n);
	json_decref(root);
	free(job.output);
	return ret;
}

int fault_fabric_guard(const char *ns, const char *dev, char *err)
{
	char cmd[1024];

	/* interface names the agent makes: a letter and hex digits; nothing else enters the text */
	if (!dev || !*dev || strlen(dev) > 15 || strspn(dev, "abcdefghijklmnopqrstuvwxyz0123456789") != strlen(dev)) {
		set_err(err, "interface '%s' is not an agent interface name", dev ? dev : "(null)");
		errno = EINVAL;
		return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "add table inet vpnlab_fabric\n"
		 "add chain inet vpnlab_fabric forward { type filter hook forward priority filter; policy accept; }\n"
		 "flush chain inet vpnlab_fabric forward\n"
		 "add rule inet vpnlab_fabric forward iifname \"%s\" oifname \"%s\" drop\n",
		 dev, dev);
	return nft_apply(ns, cmd, "fabric guard", err);
}
