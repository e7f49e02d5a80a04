/* Names of what the agent builds, and look-ups in its runtime (daemon.h). */
#include "daemon.h"

#include <stdio.h>
#include <string.h>

int agent_thread_start(struct agent_thread *t, void *(*main)(void *), struct agent_daemon *d)
{
	if (pthread_create(&t->id, NULL, main, d) != 0)
		return -1;
	t->running = true;
	return 0;
}

bool agent_thread_stop(struct agent_thread *t, struct agent_daemon *d, pthread_cond_t *wake)
{
	if (!t->running)
		return false;
	if (wake != NULL) {
		pthread_mutex_lock(&d->lock);
		d->stopping = 1;
		pthread_cond_broadcast(wake);
		pthread_mutex_unlock(&d->lock);
	}
	pthread_join(t->id, NULL);
	t->running = false;
	return true;
}

void agent_ns_name(const struct agent_daemon *d, const char *object_id, char out[NS_NAME_MAX])
{
	snprintf(out, NS_NAME_MAX, "%s-%s", d->ns_prefix, object_id);
}

void agent_if_name(char letter, const char *object_id, char out[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *c = (const unsigned char *)object_id; *c; c++)
		h = (h ^ *c) * 16777619u;
	snprintf(out, 16, "%c%08x", letter, h);
}

void agent_health_key(const char *endpoint, const char *tunnel, char out[HEALTH_KEY_MAX])
{
	snprintf(out, HEALTH_KEY_MAX, "%s/%s", endpoint, tunnel);
}

struct tunnel_rt *agent_tunnel_find(struct agent_daemon *d, const char *endpoint, const char *name)
{
	for (int i = 0; i < d->tunnel_count; i++)
		if (strcmp(d->tunnels[i].endpoint, endpoint) == 0 && strcmp(d->tunnels[i].name, name) == 0)
			return &d->tunnels[i];
	return NULL;
}
