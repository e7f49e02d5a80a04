/* Address pools: the server's public pool and per-vSwitch private addresses. */
#include "public_ip.h"

#include <stdio.h>
#include <string.h>

#include "cidr.h"

/* The cloud reserves the first and the last three addresses of every vSwitch. */
#define VSWITCH_RESERVED_TAIL 3

void public_ip_format(uint32_t addr, char *out, size_t size)
{
	snprintf(out, size, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		 addr & 255);
}

bool public_ip_pool_range(const char *pool_cidr, uint32_t *first, uint32_t *last)
{
	struct cidr c;

	if (!cidr_parse(pool_cidr, &c) || c.prefix_len > 30)
		return false;
	*first = c.addr + 1;
	*last = (uint32_t)(c.addr + cidr_size(&c) - 2);
	return true;
}

bool public_ip_vswitch_range(const char *vswitch_cidr, uint32_t *first, uint32_t *last)
{
	struct cidr c;

	if (!cidr_parse(vswitch_cidr, &c) || cidr_size(&c) < 2 + VSWITCH_RESERVED_TAIL)
		return false;
	*first = c.addr + 1;
	*last = (uint32_t)(c.addr + cidr_size(&c) - 1 - VSWITCH_RESERVED_TAIL);
	return true;
}

/*
 * The lowest free address in [first, last] of the public pool (vswitch_id NULL) or of one
 * vSwitch.  If first is free it is the answer; else the lowest free one is just above some
 * taken address whose successor is not taken: one indexed pass however full the range is.
 * Returns 1 found, 0 full, -1 store error.
 */
static int lowest_free(struct model_ctx *m, const char *vswitch_id, uint32_t first,
		       uint32_t last, uint32_t *out)
{
	static const char *const probe_sql[2] = {
		"SELECT 1 FROM public_ips WHERE ip_num=?",
		"SELECT 1 FROM vswitch_ips WHERE vswitch_id=? AND ip_num=?",
	};
	static const char *const gap_sql[2] = {
		"SELECT MIN(p.ip_num) + 1 FROM public_ips p WHERE p.ip_num>=? AND p.ip_num<?"
		" AND NOT EXISTS (SELECT 1 FROM public_ips q WHERE q.ip_num=p.ip_num+1)",
		"SELECT MIN(p.ip_num) + 1 FROM vswitch_ips p WHERE p.vswitch_id=? AND p.ip_num>=?"
		" AND p.ip_num<? AND NOT EXISTS (SELECT 1 FROM vswitch_ips q"
		" WHERE q.vswitch_id=p.vswitch_id AND q.ip_num=p.ip_num+1)",
	};
	int scoped = vswitch_id != NULL, rc = -1;
	/* the scoped statements take the vSwitch first */
	const struct model_arg args[] = { MODEL_TEXT(vswitch_id), MODEL_INT(first), MODEL_INT(last) };
	struct store_stmt *stmt = NULL;
	enum store_step_result r;

	r = model_step_once(m->store, probe_sql[scoped], args + !scoped, 1 + scoped, NULL, NULL);
	if (r == STORE_FAILED)
		return -1;
	if (r == STORE_DONE) {
		*out = first;
		return 1;
	}
	if (model_prepare(m->store, gap_sql[scoped], args + !scoped, 2 + scoped, &stmt) < 0)
		return -1;
	r = stmt_step(stmt);
	if (r == STORE_ROW) {
		/* no gap: MIN over no rows is NULL, read as 0 (a real answer is at least 1) */
		rc = stmt_int64(stmt, 0) == 0 ? 0 : 1;
		if (rc == 1)
			*out = (uint32_t)stmt_int64(stmt, 0);
	}
	stmt_release(stmt);
	return rc;
}

/*
 * The lowest free address of first..last (the pool's, or vswitch_id's when not NULL) into
 * *addr and text (size bytes).  0, or -1 with err: a store error, or exhausted when none is
 * free.
 */
static int pick_free(struct model_ctx *m, const char *vswitch_id, uint32_t first, uint32_t last,
		     enum vl_code exhausted, uint32_t *addr, char *text, size_t size, struct vl_err *err)
{
	int found = lowest_free(m, vswitch_id, first, last, addr);

	if (found < 0)
		return model_store_error(m, err);
	if (found == 0)
		return vl_err_set(err, exhausted, NULL);
	public_ip_format(*addr, text, size);
	return 0;
}

int public_ip_allocate(struct model_ctx *m, const char *owner_id, const char *role, char *out,
		       size_t size, struct vl_err *err)
{
	const char *pool = m->cfg->public_ip_pool ? m->cfg->public_ip_pool : PUBLIC_IP_DEFAULT_POOL;
	uint32_t first, last, addr = 0;
	char text[16];

	if (!public_ip_pool_range(pool, &first, &last))
		return vl_err_set(err, VL_INTERNAL_ERROR, "public address pool %s is not usable", pool);
	if (pick_free(m, NULL, first, last, VL_VPNGW_PUBLIC_IP_EXHAUSTED, &addr, text, sizeof(text), err) < 0)
		return -1;
	if (model_run(m,
		      "INSERT INTO public_ips(ip_num, ip, account, owner_id, role, created_ms)"
		      " VALUES (?,?,?,?,?,?)",
		      MODEL_ARGS(MODEL_INT(addr), MODEL_TEXT(text), MODEL_TEXT(m->account), MODEL_TEXT(owner_id),
				 MODEL_TEXT(role), MODEL_INT(m->now_ms)),
		      err) < 0)
		return -1;
	snprintf(out, size, "%s", text);
	return 0;
}

static int release_owner(struct model_ctx *m, const char *sql, const char *owner_id)
{
	return model_exec(m->store, sql, MODEL_ARGS(MODEL_TEXT(owner_id)));
}

int public_ip_release(struct model_ctx *m, const char *owner_id)
{
	return release_owner(m, "DELETE FROM public_ips WHERE owner_id=?", owner_id);
}

/* One row of vswitch_ips; the step's result (STORE_CONSTRAINT: the address is held). */
static enum store_step_result insert_vswitch_ip(struct model_ctx *m, const char *vswitch_id, uint32_t addr,
						const char *ip, const char *owner_id, const char *role)
{
	return model_step_once(m->store,
			       "INSERT INTO vswitch_ips(vswitch_id, ip_num, ip, account, owner_id, role, created_ms)"
			       " VALUES (?,?,?,?,?,?,?)",
			       MODEL_ARGS(MODEL_TEXT(vswitch_id), MODEL_INT(addr), MODEL_TEXT(ip),
					  MODEL_TEXT(m->account), MODEL_TEXT(owner_id), MODEL_TEXT(role),
					  MODEL_INT(m->now_ms)),
			       NULL, NULL);
}

int public_ip_vswitch_allocate(struct model_ctx *m, const char *vswitch_id,
			       const char *vswitch_cidr, const char *owner_id, const char *role,
			       char *out, size_t size, struct vl_err *err)
{
	uint32_t first, last, addr = 0;
	char text[16];

	if (!public_ip_vswitch_range(vswitch_cidr, &first, &last))
		return vl_err_set(err, VL_VPNGW_VSWITCH_IP_NOT_ENOUGH, NULL);
	if (pick_free(m, vswitch_id, first, last, VL_VPNGW_VSWITCH_IP_NOT_ENOUGH, &addr, text, sizeof(text), err) < 0)
		return -1;
	if (insert_vswitch_ip(m, vswitch_id, addr, text, owner_id, role) != STORE_DONE)
		return model_store_error(m, err);
	snprintf(out, size, "%s", text);
	return 0;
}

int public_ip_vswitch_claim(struct model_ctx *m, const char *vswitch_id, uint32_t addr, const char *ip,
			    const char *owner_id, const char *role)
{
	enum store_step_result r = insert_vswitch_ip(m, vswitch_id, addr, ip, owner_id, role);

	return r == STORE_DONE ? 0 : r == STORE_CONSTRAINT ? 1 : -1;
}

int64_t public_ip_vswitch_count(struct model_ctx *m, const char *vswitch_id)
{
	return model_count(m, "SELECT COUNT(*) FROM vswitch_ips WHERE vswitch_id=?", vswitch_id, NULL);
}

int public_ip_pool_holds(struct model_ctx *m, const char *ip, bool *held)
{
	int r = model_exists(m, "SELECT 1 FROM public_ips WHERE ip=?", ip, NULL, NULL);

	if (r < 0)
		return -1;
	*held = r > 0;
	return 0;
}

int public_ip_vswitch_release(struct model_ctx *m, const char *owner_id)
{
	return release_owner(m, "DELETE FROM vswitch_ips WHERE owner_id=?", owner_id);
}
