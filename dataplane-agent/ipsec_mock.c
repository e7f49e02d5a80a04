/*
 * An IPsec backend without charon (ipsec_mock.h): tunnels are remembered, not negotiated.
 * It lets the reconciler's planner and applier run in unit tests without root.
 */
#include "ipsec.h"
#include "ipsec_mock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mock_tunnel {
	struct doc_tunnel t;
	unsigned sa_id;
	char child_state[24];
};

struct ipsec_instance {
	char label[64];
	int count;
	struct mock_tunnel tunnels[64];
	struct ipsec_instance *next;
};

static struct ipsec_instance *instances;
static char journal[IPSEC_MOCK_JOURNAL_MAX][160];
static int journal_count;
static char fail_entry[160];
static unsigned next_sa_id = 1;
static void (*on_call)(const char *entry, void *arg);
static void *on_call_arg;

void ipsec_mock_reset(void)
{
	while (instances != NULL) {
		struct ipsec_instance *n = instances->next;

		free(instances);
		instances = n;
	}
	journal_count = 0;
	fail_entry[0] = '\0';
	on_call = NULL;
}

void ipsec_mock_on_call(void (*fn)(const char *entry, void *arg), void *arg)
{
	on_call = fn;
	on_call_arg = arg;
}

int ipsec_mock_journal_count(void)
{
	return journal_count;
}

const char *ipsec_mock_journal(int i)
{
	return i >= 0 && i < journal_count ? journal[i] : NULL;
}

const char *ipsec_mock_journal_text(void)
{
	static char text[IPSEC_MOCK_JOURNAL_MAX * 40];
	size_t n = 0;

	text[0] = '\0';
	for (int i = 0; i < journal_count && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? "; " : "", journal[i]);
	return text;
}

void ipsec_mock_journal_clear(void)
{
	journal_count = 0;
}

void ipsec_mock_fail(const char *entry)
{
	snprintf(fail_entry, sizeof(fail_entry), "%s", entry ? entry : "");
}

/* Records a call, or fails it when it is the one asked to fail. */
static int record(char *err, const char *fmt, const char *a, const char *b)
{
	char entry[160];

	snprintf(entry, sizeof(entry), fmt, a, b);
	if (fail_entry[0] != '\0' && strcmp(entry, fail_entry) == 0) {
		fail_entry[0] = '\0';
		if (err)
			snprintf(err, IPSEC_ERR_MAX, "mock: %s failed", entry);
		return -1;
	}
	if (journal_count < IPSEC_MOCK_JOURNAL_MAX)
		snprintf(journal[journal_count++], sizeof(journal[0]), "%s", entry);
	if (on_call)
		on_call(entry, on_call_arg);
	return 0;
}

int ipsec_mock_record(const char *entry, char *err)
{
	return record(err, "%s%s", entry, "");
}

static struct ipsec_instance *find_instance(const char *label)
{
	for (struct ipsec_instance *in = instances; in; in = in->next)
		if (strcmp(in->label, label) == 0)
			return in;
	return NULL;
}

static struct mock_tunnel *find_tunnel(struct ipsec_instance *in, const char *name)
{
	for (int i = 0; in && i < in->count; i++)
		if (strcmp(in->tunnels[i].t.name, name) == 0)
			return &in->tunnels[i];
	return NULL;
}

/*
 * Records call ("add", "remove", …) of tunnel name of in, finding that tunnel first (before
 * the record's hook runs): *m, NULL when in has none.  0, or -1 when the call is the one
 * asked to fail.
 */
static int tunnel_call(struct ipsec_instance *in, const char *call, const char *name, struct mock_tunnel **m,
		       char *err)
{
	char what[80];

	*m = find_tunnel(in, name);
	snprintf(what, sizeof(what), "%s %s", call, in->label);
	return record(err, "%s/%s", what, name);
}

unsigned ipsec_mock_sa_id(const char *label, const char *name)
{
	struct mock_tunnel *t = find_tunnel(find_instance(label), name);

	return t && t->child_state[0] ? t->sa_id : 0;
}

void ipsec_mock_set_child_state(const char *label, const char *name, const char *state)
{
	struct mock_tunnel *t = find_tunnel(find_instance(label), name);

	if (t)
		snprintf(t->child_state, sizeof(t->child_state), "%s", state);
}

/* An instance with the same label is adopted, as the real backends adopt a running charon. */
static int mock_start(const struct ipsec_instance_cfg *cfg, struct ipsec_instance **out, char *err)
{
	struct ipsec_instance *in = find_instance(cfg->label);

	*out = NULL;
	if (record(err, "start %s%s", cfg->label, "") < 0)
		return -1;
	if (in == NULL) {
		if ((in = calloc(1, sizeof(*in))) == NULL) {
			snprintf(err, IPSEC_ERR_MAX, "out of memory");
			return -1;
		}
		snprintf(in->label, sizeof(in->label), "%s", cfg->label);
		in->next = instances;
		instances = in;
	}
	*out = in;
	return 0;
}

/*
 * Loads tunnel t as charon would: a new tunnel (add) gets an SA; an update renegotiates one; an
 * add of a tunnel already there with the same settings keeps it as loaded, SA and all.
 */
static int mock_load(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
		     bool update, char *err)
{
	struct mock_tunnel *m;

	if (tunnel_call(in, update ? "update" : "add", id->name, &m, err) < 0)
		return -1;
	if (update && m == NULL) {
		snprintf(err, IPSEC_ERR_MAX, "mock: update of unknown tunnel %s", id->name);
		return -1;
	}
	if (!update && m != NULL) {
		if (memcmp(&m->t.ipsec, &t->ipsec, sizeof(t->ipsec)) != 0)
			m->t = *t;
		return 0;
	}
	if (m == NULL) {
		if (in->count == (int)(sizeof(in->tunnels) / sizeof(in->tunnels[0]))) {
			snprintf(err, IPSEC_ERR_MAX, "mock: too many tunnels");
			return -1;
		}
		m = &in->tunnels[in->count++];
		snprintf(m->child_state, sizeof(m->child_state), "INSTALLED");
	}
	m->t = *t;
	m->sa_id = next_sa_id++;
	return 0;
}

static int mock_add(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
		    char *err)
{
	return mock_load(in, id, t, false, err);
}

static int mock_update(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, const struct doc_tunnel *t,
		       char *err)
{
	return mock_load(in, id, t, true, err);
}

static int mock_remove(struct ipsec_instance *in, const struct ipsec_tunnel_id *id, char *err)
{
	struct mock_tunnel *m;

	if (tunnel_call(in, "remove", id->name, &m, err) < 0)
		return -1;
	if (m != NULL)
		*m = in->tunnels[--in->count];
	return 0;
}

static int mock_list_tunnels(struct ipsec_instance *in, char (**names)[IPSEC_NAME_MAX], int *count, char *err)
{
	*count = 0;
	*names = calloc((size_t)in->count + 1, sizeof(**names));
	if (*names == NULL) {
		snprintf(err, IPSEC_ERR_MAX, "out of memory");
		return -1;
	}
	for (int i = 0; i < in->count; i++)
		snprintf((*names)[(*count)++], IPSEC_NAME_MAX, "%s", in->tunnels[i].t.name);
	return 0;
}

static int mock_list_sas(struct ipsec_instance *in, struct ipsec_sa_state **out, int *count, char *err)
{
	char entry[160];

	/* read-only, so not journaled; the hook still runs (a test can act while charon "answers") */
	snprintf(entry, sizeof(entry), "list %s", in->label);
	if (on_call)
		on_call(entry, on_call_arg);
	*count = 0;
	*out = calloc((size_t)in->count + 1, sizeof(**out));
	if (*out == NULL) {
		snprintf(err, IPSEC_ERR_MAX, "out of memory");
		return -1;
	}
	for (int i = 0; i < in->count; i++) {
		struct ipsec_sa_state *s = &(*out)[*count];

		if (in->tunnels[i].child_state[0] == '\0')
			continue;
		snprintf(s->conn_name, sizeof(s->conn_name), "%s", in->tunnels[i].t.name);
		snprintf(s->child_name, sizeof(s->child_name), "%s", in->tunnels[i].t.name);
		snprintf(s->ike_state, sizeof(s->ike_state), "ESTABLISHED");
		snprintf(s->child_state, sizeof(s->child_state), "%s", in->tunnels[i].child_state);
		s->ike_spi_i = in->tunnels[i].sa_id;
		s->child_spi_in = in->tunnels[i].sa_id;
		(*count)++;
	}
	return 0;
}

static int mock_initiate(struct ipsec_instance *in, const char *conn_name, char *err)
{
	return record(err, "initiate %s/%s", in->label, conn_name);
}

static int mock_terminate(struct ipsec_instance *in, const char *conn_name, char *err)
{
	struct mock_tunnel *m;

	if (tunnel_call(in, "terminate", conn_name, &m, err) < 0)
		return -1;
	if (m)
		m->child_state[0] = '\0';
	return 0;
}

static int mock_make_preferred(struct ipsec_instance *in, const char *child_name, char *err)
{
	return record(err, "prefer %s/%s", in->label, child_name);
}

static int mock_drain_logs(struct ipsec_instance *in, ipsec_log_fn fn, void *arg, char *err)
{
	(void)in, (void)fn, (void)arg, (void)err;
	return 0;
}

static pid_t mock_pid(const struct ipsec_instance *in)
{
	(void)in;
	return 0;
}

/* Stopping forgets the instance's tunnels (its charon would be gone). */
static void mock_stop(struct ipsec_instance *in)
{
	struct ipsec_instance **p;

	if (in == NULL)
		return;
	record(NULL, "stop %s%s", in->label, "");
	for (p = &instances; *p; p = &(*p)->next)
		if (*p == in) {
			*p = in->next;
			break;
		}
	free(in);
}

static void mock_stop_many(struct ipsec_instance **ins, int count)
{
	for (int i = 0; i < count; i++)
		mock_stop(ins[i]);
}

static void mock_detach(struct ipsec_instance *in)
{
	(void)in;
}

const struct ipsec_backend_ops ipsec_backend_mock = {
	.name = "mock",
	.start = mock_start,
	.add_tunnel = mock_add,
	.update_tunnel = mock_update,
	.remove_tunnel = mock_remove,
	.list_tunnels = mock_list_tunnels,
	.list_sas = mock_list_sas,
	.initiate = mock_initiate,
	.terminate = mock_terminate,
	.make_preferred = mock_make_preferred,
	.drain_logs = mock_drain_logs,
	.pid = mock_pid,
	.stop = mock_stop,
	.stop_many = mock_stop_many,
	.detach = mock_detach,
};
