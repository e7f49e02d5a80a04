#ifndef VL_PUBLIC_IP_H
#define VL_PUBLIC_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/*
 * Address pools.  Two kinds:
 *   public   one pool per server (m->cfg->public_ip_pool, 198.18.0.0/15 by default): the
 *            "internet" addresses of public VPN gateways.  Unique across accounts.
 *   vSwitch  the usable hosts of one vSwitch CIDR: addresses that non-instance resources
 *            (VPN gateway interfaces) occupy inside a vSwitch.
 * Both hand out the lowest free address and release everything an owner holds at once.
 * Rows change in the caller's transaction, so a failed request gives its addresses back.
 */

#define PUBLIC_IP_DEFAULT_POOL "198.18.0.0/15"

/* Usable range of a pool CIDR: network and broadcast excluded.  false if unusable. */
bool public_ip_pool_range(const char *pool_cidr, uint32_t *first, uint32_t *last);

/*
 * Usable range of a vSwitch CIDR: the cloud reserves the first address and the last three
 * of every vSwitch.  false if the CIDR is malformed or has no usable host.
 */
bool public_ip_vswitch_range(const char *vswitch_cidr, uint32_t *first, uint32_t *last);

/*
 * Takes the lowest free address of the server's pool for owner_id (role names which of
 * the owner's addresses it is) and writes it dotted into out (16 bytes).  Returns 0, or
 * -1 with err set (pool exhausted, store failure).
 */
int public_ip_allocate(struct model_ctx *m, const char *owner_id, const char *role, char *out,
		       size_t size, struct vl_err *err);

/* Gives back every pool address owner_id holds.  Returns 0 or -1 (store failure). */
int public_ip_release(struct model_ctx *m, const char *owner_id);

/*
 * Takes the lowest free usable address of vSwitch vswitch_id (CIDR vswitch_cidr) for
 * owner_id and writes it into out (16 bytes).  Returns 0, or -1 with err set
 * (InvalidVSwitchId.IpNotEnough when the vSwitch is full).
 */
int public_ip_vswitch_allocate(struct model_ctx *m, const char *vswitch_id,
			       const char *vswitch_cidr, const char *owner_id, const char *role,
			       char *out, size_t size, struct vl_err *err);

/* Gives back every vSwitch address owner_id holds.  Returns 0 or -1. */
int public_ip_vswitch_release(struct model_ctx *m, const char *owner_id);

/*
 * Takes the given address addr (host order, dotted ip) of vSwitch vswitch_id for owner_id.
 * Returns 0, 1 when the address is held already (nothing changed), or -1 on a store failure.
 */
int public_ip_vswitch_claim(struct model_ctx *m, const char *vswitch_id, uint32_t addr, const char *ip,
			    const char *owner_id, const char *role);

/* The number of addresses held in vSwitch vswitch_id, or -1 on a store failure. */
int64_t public_ip_vswitch_count(struct model_ctx *m, const char *vswitch_id);

/* A list's column: the number of addresses held in the vSwitch whose ID is id_sql (a literal). */
#define PUBLIC_IP_VSWITCH_COUNT_SQL(id_sql) "(SELECT COUNT(*) FROM vswitch_ips WHERE vswitch_ips.vswitch_id = " id_sql ")"

/* Sets *held: does the server's pool hand out dotted address ip to anyone?  0 or -1 (store). */
int public_ip_pool_holds(struct model_ctx *m, const char *ip, bool *held);

/* Dotted form of a host-order address into out (16 bytes). */
void public_ip_format(uint32_t addr, char *out, size_t size);

#endif
