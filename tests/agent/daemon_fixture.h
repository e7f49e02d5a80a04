/* An agent daemon for tests that run the reconciler without the agent's threads or HTTP. */
#ifndef VPNLAB_TESTS_AGENT_DAEMON_FIXTURE_H
#define VPNLAB_TESTS_AGENT_DAEMON_FIXTURE_H

#include "daemon.h"

/*
 * Zeroes *d and makes it usable by agent_reconcile: its locks and conditions, an empty log
 * queue, a health checker that tells nobody, the mock IPsec backend, links (the kernel's or a
 * test's fake), agent id "agt-1", a state directory that does not exist (nothing persisted).
 * The caller sets d->ns_prefix.  test_daemon_down releases what this made.
 */
void test_daemon_up(struct agent_daemon *d, const struct agent_links_ops *links);

/*
 * Forgets d's runtime without stopping what the mock backend holds (the mock's instances are
 * the mock's), frees the health checker and the log queue, and resets the mock.  d->record
 * stays the caller's.
 */
void test_daemon_down(struct agent_daemon *d);

#endif
