/* Every kind of resource with a lifecycle; each is defined by the model file that owns its table. */
#include "lifecycle.h"

#include "cen.h"
#include "route_entry.h"
#include "route_table.h"
#include "tr_attachment.h"
#include "tr_route.h"
#include "transit_router.h"
#include "vpc.h"
#include "vpn_connection.h"
#include "vpn_gateway.h"
#include "vpn_route.h"
#include "vswitch.h"

const struct lifecycle_kind *const lifecycle_kinds[] = {
	&vpc_lifecycle,
	&vswitch_lifecycle,
	&vpn_gateway_lifecycle,
	&vpn_connection_lifecycle,
	&vpn_route_lifecycle,
	&cen_lifecycle,
	&transit_router_lifecycle,
	&tr_attachment_lifecycle,
	&tr_route_table_lifecycle,
	&tr_association_lifecycle,
	&tr_propagation_lifecycle,
	&tr_route_entry_lifecycle,
	&route_table_lifecycle,
	&route_entry_lifecycle,
	NULL,
};
