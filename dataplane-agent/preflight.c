/*
 * The preflight: before the agent builds anything, and again while it fails, it proves
 * that its IPsec backend works by starting one scratch charon, with exactly the plugin list
 * every endpoint's charon will load, in a scratch namespace, and stopping it.  A machine
 * without a plugin package (libstrongswan-standard-plugins for openssl) is then told at
 * once, in one line, instead of every tunnel staying down without a word; the server shows
 * the reason (GET /v1/agents, the connection logs) and installing the package heals the
 * agent without a restart.
 */
#include "daemon.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nl.h"

static struct agent_thread preflight_thread;
static void (*on_healed)(struct agent_daemon *d);

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

int preflight_check(struct agent_daemon *d, char *why, size_t size)
{
	char ns[NS_NAME_MAX], dir[512], err[IPSEC_ERR_MAX];
	struct ipsec_instance_cfg cfg = { .ns = ns, .dir = dir, .label = "preflight", .scratch = true };
	struct ipsec_instance *in = NULL;
	int rc = -1;

	agent_ns_name(d, "preflight", ns);
	snprintf(dir, sizeof(dir), "%s/preflight", d->opt.state_dir);
	/* what an earlier check (or a killed agent) left */
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	nl_netns_del(ns, NULL);
	if (nl_netns_add(ns, err) < 0) {
		snprintf(why, size, "scratch namespace %s: %s", ns, err);
		goto out;
	}
	if (d->ipsec->start(&cfg, &in, err) < 0) {
		snprintf(why, size, "%s", err);
		goto out;
	}
	d->ipsec->stop(in); /* removes dir */
	rc = 0;
out:
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	nl_netns_del(ns, NULL);
	return rc;
}

void preflight_record(struct agent_daemon *d, bool usable, const char *why)
{
	if (usable) {
		if (d->backend_usable)
			return; /* nothing changed: the server knows */
		agent_log("IPsec backend %s usable again: the preflight charon started", d->ipsec->name);
		d->backend_error[0] = '\0';
	} else if (d->backend_usable || strcmp(d->backend_error, why) != 0) {
		/* the one line a user needs: what charon said and what to install */
		agent_log("IPsec backend %s unusable, no tunnel can be built: %s (checking again every %d s)",
			  d->ipsec->name, why, d->opt.preflight_retry_s);
		snprintf(d->backend_error, sizeof(d->backend_error), "%s", why);
	} else {
		return;
	}
	d->backend_usable = usable;
	d->reregister = true;
	d->status_dirty = true;
	pthread_cond_broadcast(&d->report_wake);
}

void preflight_request(struct agent_daemon *d)
{
	d->preflight_due = true;
	pthread_cond_broadcast(&d->preflight_wake);
}

static void *preflight_main(void *arg)
{
	struct agent_daemon *d = arg;
	int64_t next = agent_now_ms() + (int64_t)d->opt.preflight_retry_s * 1000;

	pthread_mutex_lock(&d->lock);
	while (!d->stopping) {
		char why[sizeof(d->backend_error)];
		struct timespec until;
		bool usable;
		int rc;

		if (!d->preflight_due && (d->backend_usable || agent_now_ms() < next)) {
			/* usable: only an endpoint's failing charon (preflight_request) asks again */
			int64_t wait_ms = d->backend_usable ? 3600 * 1000 : next - agent_now_ms();

			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += wait_ms / 1000;
			until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&d->preflight_wake, &d->lock, &until);
			continue;
		}
		d->preflight_due = false;
		pthread_mutex_unlock(&d->lock);
		rc = preflight_check(d, why, sizeof(why));
		if (rc == 0 && on_healed != NULL) {
			pthread_mutex_lock(&d->lock);
			usable = d->backend_usable;
			pthread_mutex_unlock(&d->lock);
			/* rebuild what the stored document describes before pushes are accepted again */
			if (!usable)
				on_healed(d);
		}
		pthread_mutex_lock(&d->lock);
		preflight_record(d, rc == 0, why);
		next = agent_now_ms() + (int64_t)d->opt.preflight_retry_s * 1000;
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int preflight_start(struct agent_daemon *d, void (*healed)(struct agent_daemon *d))
{
	on_healed = healed;
	return agent_thread_start(&preflight_thread, preflight_main, d);
}

void preflight_stop(struct agent_daemon *d)
{
	agent_thread_stop(&preflight_thread, d, &d->preflight_wake);
}
