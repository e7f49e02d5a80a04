-- vpnlab schema 7: CEN (Cloud Enterprise Network) and Enterprise transit routers (CBN API
-- 2017-09-12).  CEN instances are global (region ''); everything below them is regional.

CREATE TABLE cens (
	cen_id            TEXT PRIMARY KEY,
	account           TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	protection_level  TEXT NOT NULL DEFAULT 'REDUCED',
	status            TEXT NOT NULL,           -- Creating | Active | Deleting
	created_ms        INTEGER NOT NULL
);
CREATE INDEX cens_account ON cens(account);

CREATE TABLE transit_routers (
	transit_router_id TEXT PRIMARY KEY,
	cen_id            TEXT NOT NULL REFERENCES cens(cen_id),
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	type              TEXT NOT NULL DEFAULT 'Enterprise',
	status            TEXT NOT NULL,           -- Creating | Active | Modifying | Deleting
	support_multicast INTEGER NOT NULL DEFAULT 0,
	created_ms        INTEGER NOT NULL
);
CREATE INDEX transit_routers_cen ON transit_routers(cen_id);
CREATE INDEX transit_routers_scope ON transit_routers(account, region);

-- TransitRouterCidrList / CreateTransitRouterCidr
CREATE TABLE transit_router_cidrs (
	transit_router_cidr_id TEXT PRIMARY KEY,
	transit_router_id      TEXT NOT NULL REFERENCES transit_routers(transit_router_id),
	account                TEXT NOT NULL,
	cidr                   TEXT NOT NULL,
	name                   TEXT NOT NULL DEFAULT '',
	description            TEXT NOT NULL DEFAULT '',
	publish_cidr_route     INTEGER NOT NULL DEFAULT 1,
	created_ms             INTEGER NOT NULL
);
CREATE INDEX transit_router_cidrs_tr ON transit_router_cidrs(transit_router_id);

-- VPC and VPN attachments.  resource_id: the VPC ID or the IPsec connection ID.
CREATE TABLE tr_attachments (
	attachment_id     TEXT PRIMARY KEY,
	transit_router_id TEXT NOT NULL REFERENCES transit_routers(transit_router_id),
	cen_id            TEXT NOT NULL,
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	resource_type     TEXT NOT NULL,           -- VPC | VPN
	resource_id       TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,           -- Attaching | Attached | Detaching
	auto_publish      INTEGER NOT NULL DEFAULT 0,
	charge_type       TEXT NOT NULL DEFAULT 'POSTPAY',
	created_ms        INTEGER NOT NULL
);
CREATE INDEX tr_attachments_tr ON tr_attachments(transit_router_id);
CREATE UNIQUE INDEX tr_attachments_resource ON tr_attachments(transit_router_id, resource_id);

-- VPC attachment zone mappings, VPN attachment zones.  vswitch_id '' for VPN zones.
CREATE TABLE tr_attachment_zones (
	attachment_id TEXT NOT NULL REFERENCES tr_attachments(attachment_id),
	zone_id       TEXT NOT NULL,
	vswitch_id    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (attachment_id, zone_id)
);

CREATE TABLE tr_route_tables (
	route_table_id    TEXT PRIMARY KEY,
	transit_router_id TEXT NOT NULL REFERENCES transit_routers(transit_router_id),
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	type              TEXT NOT NULL,           -- System | Custom
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,           -- Creating | Active | Deleting
	multi_region_ecmp TEXT NOT NULL DEFAULT 'disable',
	created_ms        INTEGER NOT NULL
);
CREATE INDEX tr_route_tables_tr ON tr_route_tables(transit_router_id);

-- One associated route table per attachment.
CREATE TABLE tr_associations (
	attachment_id  TEXT PRIMARY KEY REFERENCES tr_attachments(attachment_id),
	route_table_id TEXT NOT NULL REFERENCES tr_route_tables(route_table_id),
	status         TEXT NOT NULL,              -- Associating | Active | Dissociating
	created_ms     INTEGER NOT NULL
);
CREATE INDEX tr_associations_table ON tr_associations(route_table_id);

CREATE TABLE tr_propagations (
	propagation_id TEXT NOT NULL UNIQUE,       -- synthetic, for the lifecycle engine
	attachment_id  TEXT NOT NULL REFERENCES tr_attachments(attachment_id),
	route_table_id TEXT NOT NULL REFERENCES tr_route_tables(route_table_id),
	status         TEXT NOT NULL,              -- Enabling | Active | Disabling
	created_ms     INTEGER NOT NULL,
	PRIMARY KEY (attachment_id, route_table_id)
);
CREATE INDEX tr_propagations_table ON tr_propagations(route_table_id);

-- Static entries only.  Propagated entries are computed when read, from the propagations,
-- the attachments and their networks (VPC and vSwitch CIDRs, IPsec RemoteSubnet), so they
-- are never stale.  status: Creating | Active | Deleting
CREATE TABLE tr_route_entries (
	route_entry_id    TEXT PRIMARY KEY,
	route_table_id    TEXT NOT NULL REFERENCES tr_route_tables(route_table_id),
	account           TEXT NOT NULL,
	destination       TEXT NOT NULL,
	dest_first        INTEGER NOT NULL,
	dest_prefix_len   INTEGER NOT NULL,
	type              TEXT NOT NULL DEFAULT 'Static',
	next_hop_type     TEXT NOT NULL,           -- Attachment | BlackHole
	next_hop_id       TEXT NOT NULL DEFAULT '', -- attachment ID
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,
	created_ms        INTEGER NOT NULL
);
CREATE INDEX tr_route_entries_table ON tr_route_entries(route_table_id, dest_first, dest_prefix_len);
