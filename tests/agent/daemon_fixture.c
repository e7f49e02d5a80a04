#include "daemon_fixture.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "health.h"
#include "ipsec_mock.h"

static void no_health(void *arg, const char *key, enum health_state state)
{
	(void)arg, (void)key, (void)state;
}

void test_daemon_up(struct agent_daemon *d, const struct agent_links_ops *links)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->apply_lock, NULL);
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->wake, NULL);
	pthread_cond_init(&d->poll_done, NULL);
	pthread_cond_init(&d->report_wake, NULL);
	pthread_cond_init(&d->preflight_wake, NULL);
	d->pending_logs = json_array();
	d->health = health_new(no_health, NULL);
	d->ipsec = &ipsec_backend_mock;
	d->links = links;
	d->opt.state_dir = "/nonexistent/vpnlab-agent-test";
	snprintf(d->agent_id, sizeof(d->agent_id), "agt-1");
}

void test_daemon_down(struct agent_daemon *d)
{
	d->ipsec = &ipsec_backend_mock;
	agent_detach(d);
	health_free(d->health);
	json_decref(d->pending_logs);
	ipsec_mock_reset();
}
