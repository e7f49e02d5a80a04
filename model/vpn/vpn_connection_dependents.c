/* Wires vpn_connection.c to the modules that keep rows per connection (see vpn_connection.h). */
#include "vpn_connection.h"

#include "vpn_connection_log.h"
#include "vpn_route.h"

const struct vpn_connection_dependents vpn_connection_dependents = {
	.auto_config_routes = vpn_route_auto_config,
	.delete_routes_via = vpn_route_delete_by_next_hop,
	.delete_logs = vpn_connection_log_delete_all,
};
