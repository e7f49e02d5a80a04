#ifndef VL_FLOW_H
#define VL_FLOW_H

/*
 * Lab flows (`POST /v1/lab/flows`): iperf3 between two lab hosts' namespaces.  The agent
 * that builds the target host starts a one-test iperf3 server there (flow_server_start) and
 * the agent that builds the sending host runs the client (flow_client_run); the two may be
 * different agents, so the server is a handle that outlives the HTTP request that started
 * it.  Every process is started by this module, killed by its PID (never by name) on every
 * path, and has a deadline after which it is killed whatever its caller does.
 */

#include <stdbool.h>
#include <stdint.h>

#define FLOW_ERR_MAX 256
#define FLOW_STREAMS_MAX 128
#define FLOW_SECONDS_MAX 60
/* beyond Seconds: connection setup, iperf3's own end-of-test exchange, a loaded machine */
#define FLOW_SLACK_S 20

struct flow_result {
	double total_mbps;	/* received by the target, all streams (iperf3 end.sum_received) */
	int64_t bytes;		/* received by the target, all streams */
	int stream_count;
	double stream_mbps[FLOW_STREAMS_MAX];
	int64_t retransmits;	/* TCP: the sender's retransmitted segments; UDP: 0 */
	double lost_percent;	/* UDP: datagrams lost; TCP: 0 */
};

/*
 * Parses `iperf3 --json` client output (text, NUL-terminated) into *out.  Returns 0, or -1
 * with the reason in err (FLOW_ERR_MAX): iperf3's own "error" member, or what is missing.
 */
int flow_parse_iperf3(const char *text, struct flow_result *out, char *err);

/*
 * Starts a one-test iperf3 server (`iperf3 -s -1`) in namespace ns and waits until it
 * listens.  It is killed when flow_server_stop(id) is called, when its test ends, or
 * lifetime_s after the start, whichever comes first.  On success *id identifies it for
 * flow_server_stop and *port is its TCP/UDP port.  Returns 0 or -1 with err set (the
 * process, if one was started, is killed and reaped before the return).
 */
int flow_server_start(const char *ns, int lifetime_s, int *id, int *port, char *err);

/* Kills (SIGKILL, by PID) and reaps server id if it still runs.  0, or -1 if id is unknown. */
int flow_server_stop(int id);

/* Whether server id still holds its slot (running, or ended and not yet reaped by the watcher). */
bool flow_server_known(int id);

/*
 * Runs `iperf3 -c target -p port -P streams -t seconds --json` (udp: -u -b 0) in namespace
 * ns, killed by PID if it has not finished seconds + FLOW_SLACK_S after its start.  Returns
 * 0 with *out filled, or -1 with err set.  Blocks for the run.
 */
int flow_client_run(const char *ns, const char *target, int port, int streams, int seconds, bool udp,
		    struct flow_result *out, char *err);

/* Kills and reaps every server still running (agent shutdown). */
void flow_stop_all(void);

#endif
