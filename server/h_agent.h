#ifndef VL_H_AGENT_H
#define VL_H_AGENT_H

#include <stddef.h>

#include "action.h"
#include "auth.h"
#include "request.h"

/*
 * Who a request for action a acts as, for both front doors: the agent protocol's actions
 * (AF_AGENT) serve every account and carry no signature; they always need the server's
 * X-Vpnlab-Agent-Token (else Forbidden.AgentToken, 403), whatever the auth mode, and act as
 * account "".  Every
 * other action goes through auth_authenticate.  Returns 0 with account set, or -1 with err.
 */
int h_authenticate(struct auth *auth, const struct action *a, const struct vl_request *req,
		   const struct kvlist *params, char *account, size_t account_size, struct vl_err *err);

#endif
