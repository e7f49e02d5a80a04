#ifndef VL_H_LAB_H
#define VL_H_LAB_H

#include "action.h"

/*
 * Handlers of the vpnlab lab extensions (no cloud equivalent): sites, lab hosts, probes and
 * faults.  model/lab.c does the work; LabRunProbe forwards to the agent that builds the host
 * (model/dataplane_compile.c places it, server/agent_client.c calls it).
 */
int h_lab_create_site(struct action_ctx *ctx);
int h_lab_describe_sites(struct action_ctx *ctx);
int h_lab_delete_site(struct action_ctx *ctx);
int h_lab_create_host(struct action_ctx *ctx);
int h_lab_describe_hosts(struct action_ctx *ctx);
int h_lab_delete_host(struct action_ctx *ctx);
int h_lab_run_probe(struct action_ctx *ctx);
int h_lab_inject_fault(struct action_ctx *ctx);

#endif
