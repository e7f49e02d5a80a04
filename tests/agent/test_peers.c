/*
 * Remote next hops (dataplane-agent/peers.c): an agent reads its fabric peer's tunnel states
 * from the peer's own listener.  Two daemons in one process on loopback: the peer (a real
 * listener answering GET /v1/state with one gateway tunnel) and the local one (an applied
 * document whose VPC route has a remote hop toward that tunnel).  The hop is usable exactly
 * while the peer answers and reports the CHILD_SA installed and no failed check (the
 * customer's health check or the cloud's liveness probe); a peer that goes silent loses its
 * hops within the freshness bound.  No root needed.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "netns_fixture.h"
#include "suite_fixture.h"

#define TEST_SUITE(name) Suite *name(void);
#include "suites.h"
#undef TEST_SUITE

#define TOKEN "0123456789abcdef0123456789abcdef"

static struct agent_daemon peer, local;
static struct tunnel_rt peer_tunnel;
static char listen_addr[32], base_url[64];

static bool hop_usable_now(void)
{
	const struct doc_vpc *vpc = &local.applied.vpcs[0];
	bool usable;

	pthread_mutex_lock(&local.lock);
	usable = peers_hop_usable(&local, vpc, &vpc->routes[0].nexthops[0]);
	pthread_mutex_unlock(&local.lock);
	return usable;
}

/* Milliseconds until hop_usable_now() == want, or -1 after 5 s. */
static int64_t wait_usable(bool want)
{
	int64_t start = agent_now_ms();

	while (agent_now_ms() - start < 5000) {
		if (hop_usable_now() == want)
			return agent_now_ms() - start;
		usleep(20000);
	}
	return -1;
}

static void set_child(const char *state)
{
	pthread_mutex_lock(&peer.lock);
	snprintf(peer_tunnel.child_state, sizeof(peer_tunnel.child_state), "%s", state);
	pthread_mutex_unlock(&peer.lock);
}

/* The peer's verdict on its tunnel: enabled checks (health_enabled: the customer's health check,
 * else only the cloud's liveness probe) and the result. */
static void set_check(bool customer_health_check, enum health_state state)
{
	pthread_mutex_lock(&peer.lock);
	peer_tunnel.health_enabled = customer_health_check;
	peer_tunnel.check_enabled = true;
	peer_tunnel.health = state;
	pthread_mutex_unlock(&peer.lock);
}

static void setup(void)
{
	char err[256] = "", doc[2048];

	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	memset(&peer_tunnel, 0, sizeof(peer_tunnel));
	pthread_mutex_init(&peer.lock, NULL);
	pthread_mutex_init(&local.lock, NULL);
	pthread_cond_init(&local.wake, NULL);
	snprintf(listen_addr, sizeof(listen_addr), "127.0.0.1:%d", nsf_free_port());
	snprintf(base_url, sizeof(base_url), "http://%s", listen_addr);
	snprintf(peer.agent_id, sizeof(peer.agent_id), "agt-peer");
	peer.opt.listen = listen_addr;
	peer.ipsec = &ipsec_backend_libipsec; /* named in the state it answers; nothing is started */
	peer.opt.token = TOKEN;
	snprintf(peer_tunnel.endpoint, sizeof(peer_tunnel.endpoint), "vpn-1-1");
	snprintf(peer_tunnel.name, sizeof(peer_tunnel.name), "tun-m");
	snprintf(peer_tunnel.connection_id, sizeof(peer_tunnel.connection_id), "vco-1");
	snprintf(peer_tunnel.tunnel_id, sizeof(peer_tunnel.tunnel_id), "tun-m");
	snprintf(peer_tunnel.ike_state, sizeof(peer_tunnel.ike_state), "ESTABLISHED");
	snprintf(peer_tunnel.child_state, sizeof(peer_tunnel.child_state), "INSTALLED");
	peer_tunnel.side = DOC_EP_GATEWAY;
	peer.tunnels = &peer_tunnel;
	peer.tunnel_count = 1;
	ck_assert_msg(listener_start(&peer, err) == 0, "%s", err);

	snprintf(local.agent_id, sizeof(local.agent_id), "agt-local");
	local.opt.token = TOKEN;
	snprintf(doc, sizeof(doc),
		 "{\"version\":2,\"generation\":1,\"agent_id\":\"agt-local\",\"underlay\":{\"vni\":4242,\"peers\":[]},"
		 "\"vpcs\":[{\"id\":\"vpc-1\",\"cidr\":\"10.0.0.0/16\",\"vswitches\":[{\"id\":\"vsw-2\","
		 "\"cidr\":\"10.0.2.0/24\",\"gateway_ip\":\"10.0.2.253\"}],\"fabric\":{\"vni\":1234567,"
		 "\"ip\":\"169.254.1.2\",\"prefix\":16,\"peers\":[{\"ip\":\"169.254.1.1\",\"underlay_ip\":\"127.0.0.1\","
		 "\"url\":\"%s\",\"cidrs\":[\"10.0.1.0/24\"]}]},\"routes\":[{\"dest\":\"192.168.0.0/24\","
		 "\"nexthops\":[{\"via\":\"169.254.1.1\",\"weight\":100,\"endpoint\":\"vpn-1-1\",\"tunnel\":\"tun-m\","
		 "\"remote\":true}]}]}],\"endpoints\":[],\"sites\":[],\"hosts\":[]}",
		 base_url);
	ck_assert_msg(doc_parse_text(doc, strlen(doc), &local.applied, err) == 0, "%s", err);
	local.have_applied = true;
	ck_assert_int_eq(peers_start(&local), 0);
}

static void teardown(void)
{
	local.stopping = 1;
	peers_stop(&local);
	listener_stop();
	doc_free(&local.applied);
	pthread_cond_destroy(&local.wake);
	pthread_mutex_destroy(&local.lock);
	pthread_mutex_destroy(&peer.lock);
}

START_TEST(test_remote_hop_follows_the_peer)
{
	int64_t ms;

	ck_assert_msg(wait_usable(true) >= 0, "the peer's installed tunnel never became usable");
	set_child("");
	ck_assert_msg(wait_usable(false) >= 0, "a tunnel without its CHILD_SA stayed usable");
	set_child("INSTALLED");
	ck_assert_msg(wait_usable(true) >= 0, "the tunnel back up stayed unusable");
	/* a hop of a tunnel the peer does not have is never usable */
	pthread_mutex_lock(&local.lock);
	snprintf(local.applied.vpcs[0].routes[0].nexthops[0].tunnel, sizeof(local.applied.vpcs[0].routes[0].nexthops[0].tunnel),
		 "tun-other");
	pthread_mutex_unlock(&local.lock);
	ck_assert(!hop_usable_now());
	pthread_mutex_lock(&local.lock);
	snprintf(local.applied.vpcs[0].routes[0].nexthops[0].tunnel, sizeof(local.applied.vpcs[0].routes[0].nexthops[0].tunnel),
		 "tun-m");
	pthread_mutex_unlock(&local.lock);
	ck_assert(hop_usable_now());
	/* the peer's machine goes: its hops go within the freshness bound (1.5 s) plus a poll */
	listener_stop();
	ms = wait_usable(false);
	ck_assert_msg(ms >= 0 && ms <= 3000, "a silent peer's hop stayed usable for %lld ms", (long long)ms);
}
END_TEST

/*
 * A dual-tunnel master whose liveness probe failed while its SA stays installed (a cut: DPD
 * has not noticed yet) is as unusable to the other zone's agent as to its own: else the
 * other zone's router sends the traffic back toward the dead master until DPD gives up.
 */
START_TEST(test_remote_hop_follows_the_peer_checks)
{
	ck_assert_msg(wait_usable(true) >= 0, "the peer's installed tunnel never became usable");
	set_check(false, HEALTH_DOWN);
	ck_assert_msg(wait_usable(false) >= 0, "a tunnel whose liveness probe failed stayed usable to its peer");
	set_check(false, HEALTH_UP);
	ck_assert_msg(wait_usable(true) >= 0, "a tunnel whose liveness probe answers again stayed unusable");
	set_check(true, HEALTH_DOWN);
	ck_assert_msg(wait_usable(false) >= 0, "a tunnel whose health check failed stayed usable to its peer");
	set_check(true, HEALTH_UNKNOWN);
	ck_assert_msg(wait_usable(true) >= 0, "a tunnel whose health check has no verdict yet stayed unusable");
}
END_TEST

Suite *peers_suite(void)
{
	const TTest *const tests[] = {
		test_remote_hop_follows_the_peer,
		test_remote_hop_follows_the_peer_checks,
		NULL,
	};

	return agent_suite("peers", "remote hops", setup, teardown, 60, tests, NULL);
}
