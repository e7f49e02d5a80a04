/*
 * Shared fixture for the agent suites that need real namespaces: shell helpers, unique
 * names, namespaces, veth pairs and the root check.  Every helper runs `ip`/`sh` through
 * system(3), so a test sees exactly what an operator would type.
 */
#ifndef VPNLAB_TESTS_AGENT_NETNS_FIXTURE_H
#define VPNLAB_TESTS_AGENT_NETNS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

/* Runs a shell command built from fmt; returns its exit status, -1 if it did not exit normally. */
int nsf_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command built from fmt; returns its stdout (malloc'd, caller frees; NULL on no memory). */
char *nsf_sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs a shell command inside namespace ns (`ip netns exec ns ...`); returns its exit status like nsf_sh. */
int nsf_in(const char *ns, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Monotonic clock in milliseconds. */
double nsf_now_ms(void);

/* Writes "<tag><pid><suffix>" into out, so that parallel runs never share a name. */
void nsf_name(char *out, size_t size, const char *tag, const char *suffix);

/* Creates namespace ns and sets its lo up; returns 0 or the failing command's exit status. */
int nsf_add(const char *ns);

/* Deletes namespace ns if it exists (quietly). */
void nsf_del(const char *ns);

/*
 * Creates the veth pair if_a (in ns_a) -- if_b (in ns_b; may equal ns_a), gives each end its
 * address (CIDR, or NULL for none) and sets both up.  Returns 0 or the failing exit status.
 */
int nsf_veth(const char *ns_a, const char *if_a, const char *addr_a, const char *ns_b, const char *if_b,
	     const char *addr_b);

/*
 * The two-namespace fixture of the traffic suites: creates namespaces "<tag><pid>-a" and
 * "<tag><pid>-b" (their names written into ns_a and ns_b, each of size bytes) joined by the
 * veth pair a0 (addr_a, in ns_a) -- b0 (addr_b, in ns_b).  Returns 0, or the failing command's
 * exit status after removing whatever it had built (ns_a and ns_b are then empty strings).
 */
int nsf_pair_add(char *ns_a, char *ns_b, size_t size, const char *tag, const char *addr_a, const char *addr_b);

/* Deletes both namespaces of a pair nsf_pair_add built and empties their names; nothing if it built none. */
void nsf_pair_del(char *ns_a, char *ns_b);

/* A loopback TCP port free right now (a listener binds it a moment later); 0 if none was found. */
int nsf_free_port(void);

/* True (after saying so on stderr, naming suite) unless we run as root: the suite's tests then skip. */
bool nsf_skip_unless_root(const char *suite);

#endif
