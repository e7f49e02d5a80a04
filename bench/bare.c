/*
 * bare: the cheapest libmicrohttpd server that still does what every vpnlab
 * answer does (wait for the whole request, build a fresh JSON body with its
 * own RequestId, queue it), so that "server rps / bare rps" shows what the
 * real server's routing, validation and SQLite cost on top of HTTP itself.
 *
 * Every request, whatever its method or path (including /healthz), gets 200
 * and a body the size of an empty DescribeVpcs answer.
 *
 *   bare --listen 127.0.0.1:PORT [--mode thread|pool]
 *
 * --mode thread (default) uses the real server's threading mode:
 *   MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
 * --mode pool uses MHD_USE_EPOLL_INTERNAL_THREAD with a pool of 2 threads
 * (one per core on the benchmark machines), to show what the mode costs.
 *
 * Runs until SIGINT or SIGTERM.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

static uint64_t req_counter;

/*
 * MHD access handler.  The first call only announces the request; upload
 * calls are drained; the final call (no upload data left) answers.  This is
 * the same three-step dance a real handler must do to see a POST body.
 */
static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_data_size,
			      void **con_cls)
{
	static int started;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char body[160];
	uint64_t id;
	int len;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = &started;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	id = __atomic_add_fetch(&req_counter, 1, __ATOMIC_RELAXED);
	len = snprintf(body, sizeof(body),
		       "{\"RequestId\":\"%08X-%04X-4%03X-8000-%012llX\",\"TotalCount\":0,"
		       "\"PageNumber\":1,\"PageSize\":10,\"Vpcs\":{\"Vpc\":[]}}",
		       (unsigned)(id >> 32), (unsigned)((id >> 16) & 0xffff),
		       (unsigned)(id & 0xfff), (unsigned long long)id);
	resp = MHD_create_response_from_buffer((size_t)len, body, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Parses "A.B.C.D:PORT" into sa; returns 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	char *end;
	long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 1 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "mode", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen_s = "127.0.0.1:18080";
	const char *mode = "thread";
	struct MHD_Daemon *d = NULL;
	struct sockaddr_in sa;
	sigset_t set;
	int sig = 0;
	int opt;
	int ret = 1;

	while ((opt = getopt_long(argc, argv, "", lopts, NULL)) != -1) {
		switch (opt) {
		case 'l': listen_s = optarg; break;
		case 'm': mode = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc || parse_listen(listen_s, &sa) < 0 ||
	    (strcmp(mode, "thread") != 0 && strcmp(mode, "pool") != 0))
		goto usage;

	/* Block before MHD starts so its threads inherit the mask and sigwait gets them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (strcmp(mode, "thread") == 0)
		d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
				     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
				     ntohs(sa.sin_port), NULL, NULL, answer, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_END);
	else
		d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
				     ntohs(sa.sin_port), NULL, NULL, answer, NULL,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)2,
				     MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bare: cannot listen on %s\n", listen_s);
		goto out;
	}
	fprintf(stderr, "bare: listening on %s, mode %s\n", listen_s, mode);
	sigwait(&set, &sig);
	ret = 0;
out:
	if (d != NULL)
		MHD_stop_daemon(d);
	return ret;
usage:
	fprintf(stderr, "usage: bare [--listen 127.0.0.1:PORT] [--mode thread|pool]\n");
	return 2;
}
