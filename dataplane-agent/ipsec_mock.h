#ifndef VL_IPSEC_MOCK_H
#define VL_IPSEC_MOCK_H

/*
 * The in-memory IPsec backend (ipsec_backend_mock) and what tests see of it.  Every call
 * that changes something is appended to one journal ("start ep", "add ep/name",
 * "update ep/name", "remove ep/name", "stop ep") so tests can check the order; a call can be
 * made to fail.  Each loaded tunnel has one IKE_SA (ESTABLISHED, CHILD INSTALLED) with a
 * unique id that changes only when the tunnel is added or updated.  Not thread-safe: for
 * single-threaded unit tests.
 */

#define IPSEC_MOCK_JOURNAL_MAX 256

/* Forgets every instance, the journal and the failure. */
void ipsec_mock_reset(void);
/* The journal: entries 0..count-1, oldest first. */
int ipsec_mock_journal_count(void);
const char *ipsec_mock_journal(int i);
/* The journal as one text, entries separated by "; " (static buffer). */
const char *ipsec_mock_journal_text(void);
void ipsec_mock_journal_clear(void);
/* The next call whose journal entry would be entry fails (once); NULL: none. */
void ipsec_mock_fail(const char *entry);
/*
 * Appends entry to the journal (for fakes of other parts, so one journal shows the order):
 * 0, or -1 with err (IPSEC_ERR_MAX) when it is the entry asked to fail.
 */
int ipsec_mock_record(const char *entry, char *err);
/*
 * fn(entry, arg) runs inside every recorded call, and inside list_sas with entry
 * "list <label>" before it reads the tunnels (not journaled); NULL: none.  Tests look at
 * locks there, or change the runtime while the "charon" is answering.
 */
void ipsec_mock_on_call(void (*fn)(const char *entry, void *arg), void *arg);
/* The unique id of the IKE_SA of tunnel name on the instance labelled label; 0 when none. */
unsigned ipsec_mock_sa_id(const char *label, const char *name);
/* Sets the CHILD_SA state list_sas reports for a tunnel ("" for no SA at all). */
void ipsec_mock_set_child_state(const char *label, const char *name, const char *state);

#endif
