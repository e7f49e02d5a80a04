/*
 * The action table: the rows of every resource, each declared in its own server/h_x.c with
 * its parameters and REST routes (struct action in action.h).  The order here is the order
 * of api-docs/actions.md and of the REST route search.  Parameters not declared are
 * ignored, as the cloud ignores them.
 */
#include "action.h"
#include "handlers.h"

const struct action *const action_lists[] = {
	vpc_actions,
	vswitch_actions,
	region_actions,
	vpn_gateway_actions,
	customer_gateway_actions,
	vpn_connection_actions,
	vpn_route_actions,
	route_table_actions,
	cen_actions,
	tr_route_actions,
	agent_actions,
	lab_actions,
	tag_actions,
	NULL,
};
