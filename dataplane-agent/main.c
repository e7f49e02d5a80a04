/*
 * vpnlab-agent: builds the data plane the server's desired-state documents describe
 * (namespaces, links, routes, one charon per IPsec endpoint), keeps it alive (health
 * checks, failover, branch re-initiation) and reports what it sees.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "flow.h"

/* A plain text option's member of struct agent_options (text_option), or 0: parsed in main. */
#define TEXT_OPTION(member) (offsetof(struct agent_options, member) + 1)

static const struct {
	struct option opt;
	const char *arg, *help;
	size_t text_option;
} options[] = {
	{ { "server", required_argument, NULL, 's' }, "URL", "the vpnlab server (default http://127.0.0.1:8080)", TEXT_OPTION(server_url) },
	{ { "zone", required_argument, NULL, 'z' }, "ZONE[,ZONE]", "zones this agent serves (default: every zone)", TEXT_OPTION(zones) },
	{ { "zone-index", required_argument, NULL, 'Z' }, "N", "also serve the Nth zone (1-based, DescribeZones order) of every region" },
	{ { "role", required_argument, NULL, 'r' }, "cloud|site|cloud,site", "what it hosts (default cloud,site)" },
	{ { "state-dir", required_argument, NULL, 'd' }, "DIR", "its id, last applied document, charon files (default /var/lib/vpnlab-agent)", TEXT_OPTION(state_dir) },
	{ { "listen", required_argument, NULL, 'l' }, "ADDR:PORT", "where the server pushes documents (default 127.0.0.1:8181)", TEXT_OPTION(listen) },
	{ { "underlay-ip", required_argument, NULL, 'u' }, "ADDR", "address other agents' underlays reach this one at (default: the --listen address)", TEXT_OPTION(underlay_ip) },
	{ { "advertise-url", required_argument, NULL, 'a' }, "URL", "URL the server should push to (default http://LISTEN)", TEXT_OPTION(advertise_url) },
	{ { "token", required_argument, NULL, 't' }, "TOKEN", "X-Vpnlab-Agent-Token shared with the server (visible in ps: prefer --token-file)", TEXT_OPTION(token) },
	{ { "token-file", required_argument, NULL, 'T' }, "FILE", "file holding that token (mode 0600; the server's is its database path + .agent-token)" },
	{ { "preflight-retry-s", required_argument, NULL, 'P' }, "S", "how often an unusable IPsec backend is checked again (default 30)" },
	{ { "keep-dataplane", no_argument, NULL, 'k' }, NULL, "on SIGTERM/SIGINT leave namespaces and charons running" },
	{ { "cleanup", no_argument, NULL, 'c' }, NULL, "remove what a previous agent with this state dir left, and exit" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "show this help" },
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

/* Stores text in the member of *o that option c names, when c is a plain text option: true then. */
static bool set_text_option(struct agent_options *o, int c, const char *text)
{
	for (size_t i = 0; i < OPTION_COUNT; i++)
		if (options[i].opt.val == c && options[i].text_option != 0) {
			*(const char **)((char *)o + options[i].text_option - 1) = text;
			return true;
		}
	return false;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: vpnlab-agent [options]\n\n");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", options[i].opt.name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		fprintf(out, "  %-32s %s\n", left, options[i].help);
	}
	fprintf(out, "\nRuns as root.  Protocol: api-docs/agent-protocol.md.\n");
}

static int parse_roles(struct agent_options *o, const char *text)
{
	char *copy = strdup(text), *save = NULL;
	int rc = 0;

	o->role_cloud = o->role_site = false;
	for (char *r = strtok_r(copy, ",", &save); r != NULL; r = strtok_r(NULL, ",", &save)) {
		if (strcmp(r, "cloud") == 0)
			o->role_cloud = true;
		else if (strcmp(r, "site") == 0)
			o->role_site = true;
		else
			rc = -1;
	}
	free(copy);
	return rc == 0 && (o->role_cloud || o->role_site) ? 0 : -1;
}

#define TOKEN_MIN 16
#define TOKEN_MAX 256

/* The server's rule for a token (server/agent_client.c): printable ASCII, no spaces, 16-256. */
/* *out = atoi(text) when within min..max; else says what option takes and returns -1. */
static int option_in_range(const char *option, const char *text, int min, int max, int *out)
{
	*out = atoi(text);
	if (*out < min || *out > max) {
		fprintf(stderr, "vpnlab-agent: %s takes %d to %d\n", option, min, max);
		return -1;
	}
	return 0;
}

static bool token_valid(const char *token)
{
	size_t n = strlen(token);

	if (n < TOKEN_MIN || n > TOKEN_MAX)
		return false;
	for (; *token; token++)
		if (*token < 0x21 || *token > 0x7e)
			return false;
	return true;
}

/* Reads the token of path into buf (size > TOKEN_MAX + 1); refuses a file others may read. */
static int token_read_file(const char *path, char *buf, size_t size, char *err)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0) {
		snprintf(err, 256, "cannot open --token-file %.160s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, 256, "--token-file %.160s is not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, 256, "--token-file %.160s may be read by others (chmod 600 it)", path);
		goto out;
	}
	n = read(fd, buf, size - 1);
	if (n < 0) {
		snprintf(err, 256, "cannot read %.160s: %s", path, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (!token_valid(buf)) {
		snprintf(err, 256, "--token-file %.160s does not hold one line of %d-%d printable characters", path,
			 TOKEN_MIN, TOKEN_MAX);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* Rebuilds (adopts) what the last applied document describes: idempotent, so nothing running is disturbed. */
static void adopt(struct agent_daemon *d)
{
	size_t len = 0;
	char *text = state_load_doc(d, &len), err[256];
	struct doc_desired doc;
	int64_t t0 = agent_now_ms();

	if (text == NULL)
		return;
	if (doc_parse_text(text, len, &doc, err) < 0) {
		agent_log("ignoring the stored document: %s", err);
	} else {
		int64_t generation = doc.generation;

		if (agent_reconcile(d, &doc, err) < 0)
			agent_log("adopting generation %lld: %s (the next push retries)", (long long)generation, err);
		else
			agent_log("adopted generation %lld in %lld ms", (long long)generation,
				  (long long)(agent_now_ms() - t0));
		doc_free(&doc);
	}
	free(text);
}

int main(int argc, char **argv)
{
	static struct agent_daemon d;
	static char token[TOKEN_MAX + 2];
	struct option longopts[OPTION_COUNT + 1];
	char err[256], listen_host[64], why[sizeof(d.backend_error)];
	const char *token_file = NULL;
	bool cleanup = false;
	sigset_t stop_signals;
	int c, sig;

	memset(longopts, 0, sizeof(longopts));
	for (size_t i = 0; i < OPTION_COUNT; i++)
		longopts[i] = options[i].opt;
	d.opt = (struct agent_options){ .server_url = "http://127.0.0.1:8080", .zones = "", .role_cloud = true,
					.role_site = true, .state_dir = "/var/lib/vpnlab-agent",
					.listen = "127.0.0.1:8181", .preflight_retry_s = 30 };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (set_text_option(&d.opt, c, optarg))
			continue;
		switch (c) {
		case 'Z':
			if (option_in_range("--zone-index", optarg, 1, 64, &d.opt.zone_index) < 0)
				return 2;
			break;
		case 'r':
			if (parse_roles(&d.opt, optarg) < 0) {
				fprintf(stderr, "vpnlab-agent: --role takes cloud, site or cloud,site\n");
				return 2;
			}
			break;
		case 'P':
			if (option_in_range("--preflight-retry-s", optarg, 1, 3600, &d.opt.preflight_retry_s) < 0)
				return 2;
			break;
		case 'T': token_file = optarg; break;
		case 'k': d.opt.keep_dataplane = true; break;
		case 'c': cleanup = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	/* the listener runs root's data plane for whoever holds the token: there is no open mode */
	if (!cleanup) {
		if (d.opt.token && token_file) {
			fprintf(stderr, "vpnlab-agent: give --token or --token-file, not both\n");
			return 2;
		}
		if (token_file) {
			if (token_read_file(token_file, token, sizeof(token), err) < 0) {
				fprintf(stderr, "vpnlab-agent: %s\n", err);
				return 2;
			}
			d.opt.token = token;
		} else if (d.opt.token == NULL) {
			fprintf(stderr, "vpnlab-agent: needs the server's agent token: --token-file FILE (the server "
					"keeps it in its database path + .agent-token) or --token TOKEN\n");
			return 2;
		} else if (!token_valid(d.opt.token)) {
			fprintf(stderr, "vpnlab-agent: --token is %d-%d printable ASCII characters, no spaces\n", TOKEN_MIN,
				TOKEN_MAX);
			return 2;
		}
	}
	snprintf(listen_host, sizeof(listen_host), "%.*s", (int)strcspn(d.opt.listen, ":"), d.opt.listen);
	if (d.opt.underlay_ip == NULL)
		d.opt.underlay_ip = listen_host;
	if (geteuid() != 0) {
		fprintf(stderr, "vpnlab-agent: needs root (network namespaces, netlink, charon)\n");
		return 1;
	}
	/* every thread (and, until they reset it, charons) starts with the stop signals blocked;
	 * main waits for them with sigwait */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	pthread_mutex_init(&d.apply_lock, NULL);
	pthread_mutex_init(&d.lock, NULL);
	d.links = &agent_links_netlink;
	pthread_cond_init(&d.wake, NULL);
	pthread_cond_init(&d.poll_done, NULL);
	pthread_cond_init(&d.report_wake, NULL);
	pthread_cond_init(&d.preflight_wake, NULL);
	d.pending_logs = json_array();
	if (state_load_id(&d, err) < 0) {
		fprintf(stderr, "vpnlab-agent: %s\n", err);
		return 1;
	}
	d.ipsec = ipsec_backend_detect(d.ipsec_reason, sizeof(d.ipsec_reason));
	d.health = health_new(monitor_health_changed, &d);
	if (d.health == NULL) {
		fprintf(stderr, "vpnlab-agent: cannot start the health checker\n");
		return 1;
	}
	if (cleanup) {
		agent_cleanup_leftovers(&d);
		state_remove_doc(&d);
		agent_log("removed what agent %s left in %s", d.agent_id, d.opt.state_dir);
		health_free(d.health);
		return 0;
	}
	agent_log("agent %s, IPsec backend %s (%s), namespaces %s-*", d.agent_id, d.ipsec->name, d.ipsec_reason,
		  d.ns_prefix);
	d.backend_usable = true;
	if (preflight_check(&d, why, sizeof(why)) < 0) {
		pthread_mutex_lock(&d.lock);
		preflight_record(&d, false, why);
		pthread_mutex_unlock(&d.lock);
	} else {
		adopt(&d); /* else once the preflight passes */
	}
	if (listener_start(&d, err) < 0) {
		fprintf(stderr, "vpnlab-agent: %s\n", err);
		return 1;
	}
	if (monitor_start(&d) < 0 || report_start(&d) < 0 || preflight_start(&d, adopt) < 0 || peers_start(&d) < 0) {
		fprintf(stderr, "vpnlab-agent: cannot start threads\n");
		return 1;
	}
	agent_log("listening on %s, server %s", d.opt.listen, d.opt.server_url);
	sigwait(&stop_signals, &sig);
	agent_log("%s: %s", sig == SIGTERM ? "SIGTERM" : "SIGINT",
		  d.opt.keep_dataplane ? "leaving the data plane running" : "removing the data plane");
	listener_stop();
	/* iperf3 servers of lab flows are the agent's own children: none outlives it */
	flow_stop_all();
	report_stop(&d);
	preflight_stop(&d);
	monitor_stop(&d);
	peers_stop(&d);
	if (d.opt.keep_dataplane)
		agent_detach(&d);
	else
		agent_teardown(&d);
	health_free(d.health);
	json_decref(d.pending_logs);
	curl_global_cleanup();
	return 0;
}
