/* vpnlabd: the vpnlab API daemon. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "agent_client.h"
#include "auth.h"
#include "catalog.h"
#include "cidr.h"
#include "console.h"
#include "push.h"
#include "rest.h"
#include "server.h"

static volatile sig_atomic_t stop_requested, release_requested;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		release_requested = 1;
	else
		stop_requested = 1;
}

/* Every option once: the same table drives parsing and --help. */
static const struct option_doc {
	struct option opt;
	const char *arg;
	const char *help;
} options[] = {
	{ { "listen", required_argument, NULL, 'l' }, "HOST:PORT", "address to serve on (default 127.0.0.1:8080)" },
	{ { "db", required_argument, NULL, 'd' }, "FILE", "SQLite database, created if missing (default data/vpnlab.db)" },
	{ { "auth", required_argument, NULL, 'a' }, "open|strict", "open (default): nothing verified, every request acts for account 'default' unless its AccessKeyId is a 16-digit account id; strict: verify V2/V3 signatures" },
	{ { "credentials", required_argument, NULL, 'c' }, "FILE", "AccessKey pairs, one 'ACCESS_KEY_ID ACCESS_KEY_SECRET ACCOUNT_ID' per line (required with --auth strict)" },
	{ { "nonce-cap", required_argument, NULL, 'N' }, "N", "strict mode: live signature nonces one AccessKeyId may hold (they live until their timestamp expires, up to 30 min); past it that key gets Throttling.User (default 262144)" },
	{ { "catalog", required_argument, NULL, 'C' }, "FILE", "region/zone catalogue JSON (default: built-in)" },
	{ { "quota", required_argument, NULL, 'q' }, "NAME=VALUE", "override a quota (repeatable); see the list below" },
	{ { "transition-delay-ms", required_argument, NULL, 't' }, "MS", "how long Pending/Creating states last when no agent confirms (default 1000; 0 allowed); SIGUSR1 ends every pending one at once" },
	{ { "public-ip-pool", required_argument, NULL, 'P' }, "CIDR", "addresses for public VPN gateways (default 198.18.0.0/15)" },
	{ { "dpd-delay-s", required_argument, NULL, 'Y' }, "N", "how often an idle tunnel is probed by DPD in the texts vpnlab renders (default 30; 1..300); lab tests use 1 for fast failover" },
	{ { "liveness-interval-ms", required_argument, NULL, 'G' }, "MS", "the data plane's own liveness probe through each gateway tunnel without a health check: one every MS (default 300; 50..60000; 0: none, failover then waits for DPD)" },
	{ { "liveness-retry", required_argument, NULL, 'H' }, "N", "unanswered liveness probes after which a tunnel counts as dead (default 3; 1..100)" },
	{ { "readers", required_argument, NULL, 'r' }, "N", "read connections to the database (default 8)" },
	{ { "log", required_argument, NULL, 'L' }, "FILE|-|off", "JSON request log, one line per request, agent protocol included: a file (appended), - for stdout, off (default)" },
	{ { "console", required_argument, NULL, 'V' }, "quiet|normal|verbose", "what stderr shows people: quiet (start, stop, errors), normal (default: user API actions, agents, tunnels up/down and why, failovers), verbose (+ agent protocol requests)" },
	{ { "agent-token", required_argument, NULL, 'T' }, "TOKEN", "shared secret of the agent protocol (X-Vpnlab-Agent-Token, 16-256 printable characters; visible in ps: prefer --agent-token-file)" },
	{ { "agent-token-file", required_argument, NULL, 'F' }, "FILE", "file holding the agent token, created with a random one (mode 0600) when missing (default: the database path + .agent-token)" },
	{ { "agent-url-allow", required_argument, NULL, 'U' }, "CIDR", "agents may also register URLs in this network (repeatable; always allowed: loopback and the agent's own UnderlayIp)" },
	{ { "push-resync-ms", required_argument, NULL, 'R' }, "MS", "how often documents are pushed again to agents that lag behind (default 5000)" },
	{ { "agent-silent-ms", required_argument, NULL, 'S' }, "MS", "an agent not heard from this long is silent: its tunnels read ike_sa_not_established (default 10000)" },
	{ { "max-connections", required_argument, NULL, 'M' }, "N", "open HTTP connections in all (default 2000; 16..100000)" },
	{ { "per-ip-connections", required_argument, NULL, 'I' }, "N", "open HTTP connections from one client address (default 200; 1..max-connections)" },
	{ { "request-deadline-s", required_argument, NULL, 'E' }, "N", "seconds to receive a request whole, however slowly it trickles; idle kept-alive connections close after it too (default 30; 1..3600)" },
	{ { "dump-actions", no_argument, NULL, 'D' }, NULL, "print the action reference (Markdown) and exit" },
	{ { "dump-routes", no_argument, NULL, 'O' }, NULL, "print the REST routes (METHOD /path Action Version, one a line) and exit" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "show this help" },
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

static void usage(FILE *out, const struct model_quotas *q)
{
	int64_t value;
	const char *name;

	fprintf(out, "usage: vpnlabd [options]\n\nAlibaba Cloud VPC/VPN Gateway/CEN API emulator.\n\n");
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", options[i].opt.name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		fprintf(out, "  %-32s %s\n", left, options[i].help);
	}
	fprintf(out, "\nquotas (--quota NAME=VALUE), with their defaults:\n");
	for (int i = 0; (name = model_quota_name(i, &value, q)) != NULL; i++)
		fprintf(out, "  %-32s %lld\n", name, (long long)value);
}

static int parse_listen(const char *text, char *host, size_t size, int *port)
{
	const char *colon = strrchr(text, ':');
	char *end = NULL;
	long p;

	if (colon == NULL || colon == text || (size_t)(colon - text) >= size)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (*end != '\0' || p < 1 || p > 65535)
		return -1;
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	*port = (int)p;
	return 0;
}

/* Creates the directory that holds the database (one level), as a convenience. */
/* Says why the command line is refused (vpnlabd: …); 2, main's exit status for it. */
static int refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int refuse(const char *fmt, ...)
{
	va_list ap;

	fputs("vpnlabd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

/* text as a whole decimal number within min..max into *out; else says what option takes, -1. */
static int option_number(const char *option, const char *text, int64_t min, int64_t max, int64_t *out)
{
	char *end = NULL;

	*out = strtoll(text, &end, 10);
	if (*text == '\0' || *end != '\0' || *out < min || *out > max) {
		refuse("%s is %lld..%lld", option, (long long)min, (long long)max);
		return -1;
	}
	return 0;
}

static void ensure_parent_dir(const char *path)
{
	char *copy = strdup(path);

	if (copy) {
		char *dir = dirname(copy);

		if (strcmp(dir, ".") != 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
			fprintf(stderr, "vpnlabd: cannot create %s: %s\n", dir, strerror(errno));
		free(copy);
	}
}

int main(int argc, char **argv)
{
	struct option longopts[OPTION_COUNT + 1];
	struct server srv;
	char host[128] = "127.0.0.1";
	int port = 8080, readers = 8, rc = 1;
	const char *db_path = "data/vpnlab.db", *credentials = NULL, *catalog_path = NULL;
	const char *log_path = "off", *token_file = NULL;
	char *default_token_file = NULL;
	bool token_given = false;
	enum auth_mode mode = AUTH_OPEN;
	int64_t nonce_cap = AUTH_NONCE_CAP_DEFAULT;
	struct catalog *catalog = NULL;
	struct vl_err err;
	void *daemon = NULL;
	struct pusher_config push_cfg;
	struct pusher *pusher = NULL;
	struct http_limits limits;
	int c;

	memset(&srv, 0, sizeof(srv));
	model_config_defaults(&srv.model);
	pusher_config_defaults(&push_cfg);
	http_limits_defaults(&limits);
	for (size_t i = 0; i < OPTION_COUNT; i++)
		longopts[i] = options[i].opt;
	memset(&longopts[OPTION_COUNT], 0, sizeof(longopts[0]));
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_listen(optarg, host, sizeof(host), &port) < 0)
				return refuse("--listen wants HOST:PORT, got %s", optarg);
			break;
		case 'd':
			db_path = optarg;
			break;
		case 'a':
			if (strcmp(optarg, "open") == 0)
				mode = AUTH_OPEN;
			else if (strcmp(optarg, "strict") == 0)
				mode = AUTH_STRICT;
			else
				return refuse("--auth is open or strict");
			break;
		case 'c':
			credentials = optarg;
			break;
		case 'C':
			catalog_path = optarg;
			break;
		case 'q': {
			char name[64], *end = NULL;
			const char *eq = strchr(optarg, '=');
			long long value;

			if (eq == NULL || (size_t)(eq - optarg) >= sizeof(name))
				return refuse("--quota wants NAME=VALUE");
			memcpy(name, optarg, (size_t)(eq - optarg));
			name[eq - optarg] = '\0';
			value = strtoll(eq + 1, &end, 10);
			if (*end != '\0' || value < 0 || model_quota_set(&srv.model.quotas, name, value) < 0)
				return refuse("unknown quota or bad value: %s (see --help)", optarg);
			break;
		}
		case 't':
			srv.model.transition_delay_ms = strtoll(optarg, NULL, 10);
			if (srv.model.transition_delay_ms < 0)
				return refuse("--transition-delay-ms must be >= 0");
			break;
		case 'P': {
			struct cidr pool;

			if (!cidr_parse(optarg, &pool) || pool.prefix_len > 30)
				return refuse("--public-ip-pool wants a CIDR of /30 or larger");
			srv.model.public_ip_pool = optarg;
			break;
		}
		case 'Y': {
			int64_t v;

			if (option_number("--dpd-delay-s", optarg, 1, 300, &v) < 0)
				return 2;
			srv.model.dpd_delay_s = (int)v;
			break;
		}
		case 'G':
		case 'H': {
			char *end = NULL;
			long v = strtol(optarg, &end, 10);
			bool ok = *optarg != '\0' && *end == '\0' &&
				  (c == 'G' ? v == 0 || (v >= 50 && v <= 60000) : v >= 1 && v <= 100);

			if (!ok)
				return refuse("%s", c == 'G' ? "--liveness-interval-ms is 0 or 50..60000" : "--liveness-retry is 1..100");
			if (c == 'G')
				srv.model.liveness_interval_ms = (int)v;
			else
				srv.model.liveness_retry = (int)v;
			break;
		}
		case 'r':
			readers = atoi(optarg);
			if (readers < 1 || readers > 64)
				return refuse("--readers is 1..64");
			break;
		case 'L':
			log_path = optarg;
			break;
		case 'V':
			if (console_set_level_name(optarg) < 0)
				return refuse("--console is quiet, normal or verbose");
			break;
		case 'T':
			if (!auth_agent_token_valid(optarg))
				return refuse("--agent-token is %d-%d printable ASCII characters, no spaces", AGENT_TOKEN_MIN,
					      AGENT_TOKEN_MAX);
			auth_agent_token_set(optarg);
			token_given = true;
			break;
		case 'F':
			token_file = optarg;
			break;
		case 'U':
			if (agent_client_url_allow(optarg) < 0)
				return refuse("--agent-url-allow wants a CIDR (a.b.c.d/n), at most 64 of them");
			break;
		case 'R':
			if (option_number("--push-resync-ms", optarg, 100, 3600000, &push_cfg.resync_ms) < 0)
				return 2;
			break;
		case 'S':
			if (option_number("--agent-silent-ms", optarg, 1000, 86400000, &push_cfg.silent_ms) < 0)
				return 2;
			break;
		case 'M':
		case 'I':
		case 'E': {
			const char *option = c == 'M' ? "--max-connections"
					     : c == 'I' ? "--per-ip-connections"
					     : "--request-deadline-s";
			int64_t v;

			if (option_number(option, optarg, c == 'M' ? 16 : 1, c == 'E' ? 3600 : 100000, &v) < 0)
				return 2;
			if (c == 'M')
				limits.max_connections = (unsigned)v;
			else if (c == 'I')
				limits.per_ip_connections = (unsigned)v;
			else
				limits.request_deadline_s = (unsigned)v;
			break;
		}
		case 'N':
			if (option_number("--nonce-cap", optarg, 1, 100000000, &nonce_cap) < 0)
				return 2;
			break;
		case 'D':
			action_dump_reference(stdout);
			return 0;
		case 'O':
			rest_dump_routes(stdout);
			return 0;
		case 'h':
			usage(stdout, &srv.model.quotas);
			return 0;
		default:
			usage(stderr, &srv.model.quotas);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vpnlabd: unexpected argument %s\n", argv[optind]);
		return 2;
	}
	if (limits.per_ip_connections > limits.max_connections)
		return refuse("--per-ip-connections is at most --max-connections (%u)", limits.max_connections);
	if (mode == AUTH_STRICT && credentials == NULL)
		return refuse("--auth strict needs --credentials FILE");
	if (token_given && token_file)
		return refuse("give --agent-token or --agent-token-file, not both");

	vl_err_clear(&err);
	if (catalog_path ? catalog_load(catalog_path, &catalog, &err) < 0
			 : (catalog = catalog_default()) == NULL) {
		fprintf(stderr, "vpnlabd: catalogue: %s\n", vl_err_message(&err));
		goto out;
	}
	srv.model.catalog = catalog;
	srv.model.event = console_event;
	if (strcmp(log_path, "-") == 0)
		srv.log = stdout;
	else if (strcmp(log_path, "off") != 0 && (srv.log = fopen(log_path, "a")) == NULL) {
		fprintf(stderr, "vpnlabd: cannot open log %s: %s\n", log_path, strerror(errno));
		goto out;
	}
	if (auth_create(&srv.auth, mode, credentials, &err) < 0) {
		fprintf(stderr, "vpnlabd: credentials: %s\n", vl_err_message(&err));
		goto out;
	}
	auth_set_nonce_cap(srv.auth, (size_t)nonce_cap);
	srv.metrics = metrics_new();
	ensure_parent_dir(db_path);
	if (!token_given) {
		/* the agent channel is never open: without a token given, one kept beside the database */
		char why[256];
		bool created;

		if (token_file == NULL) {
			if (asprintf(&default_token_file, "%s.agent-token", db_path) < 0) {
				default_token_file = NULL;
				fprintf(stderr, "vpnlabd: out of memory\n");
				goto out;
			}
			token_file = default_token_file;
		}
		if (auth_agent_token_file(token_file, &created, why) < 0) {
			fprintf(stderr, "vpnlabd: %s\n", why);
			goto out;
		}
		fprintf(stderr, "vpnlabd: agent token %s %s\n", created ? "created in" : "read from", token_file);
	}
	if (srv.metrics == NULL || engine_start(&srv.engine, db_path, readers, &srv.model, &err) < 0) {
		fprintf(stderr, "vpnlabd: database: %s\n", vl_err_message(&err));
		goto out;
	}
	if (pusher_start(&pusher, srv.engine, &push_cfg, &err) < 0) {
		fprintf(stderr, "vpnlabd: %s\n", vl_err_message(&err));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);
	signal(SIGPIPE, SIG_IGN);
	daemon = http_start(&srv, host, port, &limits, &err);
	if (daemon == NULL) {
		fprintf(stderr, "vpnlabd: %s\n", vl_err_message(&err));
		goto out;
	}
	srv.ready = 1;
	fprintf(stderr, "vpnlabd: listening on http://%s:%d (auth %s, db %s)\n", host, port,
		mode == AUTH_STRICT ? "strict" : "open", db_path);
	while (!stop_requested) {
		/* a signal cuts the nap short; one that lands between check and nap waits <= 1 s */
		struct timespec nap = { 1, 0 };

		/* tests hold transitional states with a long delay and end them with SIGUSR1 */
		if (release_requested) {
			release_requested = 0;
			/* the line tests wait for (tests/lib.sh t_settle) */
			fprintf(stderr, "vpnlabd: transitions released: %d completed\n",
				engine_release_transitions(srv.engine));
			continue;
		}
		nanosleep(&nap, NULL);
	}
	fprintf(stderr, "vpnlabd: stopping\n");
	rc = 0;
out:
	http_stop(daemon);
	pusher_stop(pusher);
	engine_stop(srv.engine);
	metrics_free(srv.metrics);
	auth_free(srv.auth);
	catalog_free(catalog);
	free(default_token_file);
	auth_agent_token_set(NULL);
	if (srv.log && srv.log != stdout)
		fclose(srv.log);
	return rc;
}
