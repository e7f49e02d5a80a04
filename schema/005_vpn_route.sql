-- vpnlab schema 5: VPN gateway route entries, destination-based (dbr) and policy-based (pbr).

-- route_entry_id is synthetic (the cloud names an entry by gateway, destination, source and
-- next hop); the lifecycle engine moves state (kind "vpn_route") from 'pending' to
-- 'published' or 'normal'.  published is what the entry is to become: 1 published to the
-- VPC, 0 not.  route_source is '' for dbr entries, priority 0 for dbr entries.
CREATE TABLE vpn_route_entries (
	route_entry_id TEXT PRIMARY KEY,
	account        TEXT NOT NULL,
	region         TEXT NOT NULL,
	vpn_gateway_id TEXT NOT NULL,
	route_type     TEXT NOT NULL CHECK (route_type IN ('dbr', 'pbr')),
	route_source   TEXT NOT NULL DEFAULT '',
	route_dest     TEXT NOT NULL,
	next_hop       TEXT NOT NULL,
	weight         INTEGER NOT NULL,
	priority       INTEGER NOT NULL DEFAULT 0,
	overlay_mode   TEXT NOT NULL DEFAULT 'Ipsec',
	description    TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL,
	published      INTEGER NOT NULL,
	created_ms     INTEGER NOT NULL
);
-- One entry per gateway, table, source, destination and next hop.
CREATE UNIQUE INDEX vpn_route_entries_key
	ON vpn_route_entries(vpn_gateway_id, route_type, route_dest, route_source, next_hop);
CREATE INDEX vpn_route_entries_list ON vpn_route_entries(vpn_gateway_id, route_type, created_ms);
CREATE INDEX vpn_route_entries_next_hop ON vpn_route_entries(next_hop);
