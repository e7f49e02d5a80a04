-- vpnlab schema 4: IPsec-VPN connections (on a VPN gateway, or unbound for a transit
-- router) and the two tunnels of dual-tunnel connections.
-- state: lifecycle kind "vpn_connection" (active on a gateway; init → attaching → attached
-- for transit routers).  status: IKE/IPsec SA state written by the data plane only.
-- The IKE/IPsec/health-check/BGP columns hold the values with defaults applied.
-- The references to gateways keep a gateway from going while a connection uses it; the
-- model checks the same first (usage counters) to answer with the cloud's codes.

CREATE TABLE vpn_connections (
	vpn_connection_id    TEXT PRIMARY KEY,
	account              TEXT NOT NULL,
	region               TEXT NOT NULL,
	vpn_gateway_id       TEXT REFERENCES vpn_gateways(vpn_gateway_id),           -- NULL when unbound
	customer_gateway_id  TEXT REFERENCES customer_gateways(customer_gateway_id), -- NULL: dual-tunnel
	name                 TEXT NOT NULL DEFAULT '',
	local_subnet         TEXT NOT NULL,
	remote_subnet        TEXT NOT NULL,
	state                TEXT NOT NULL,
	status               TEXT NOT NULL DEFAULT 'ike_sa_not_established',
	attach_type          TEXT NOT NULL, -- VPNGW | CEN | NO_ASSOCIATED
	transit_router_id    TEXT NOT NULL DEFAULT '',
	transit_router_name  TEXT NOT NULL DEFAULT '',
	attach_instance_id   TEXT NOT NULL DEFAULT '',
	network_type         TEXT NOT NULL,
	dual_tunnel          INTEGER NOT NULL,
	internet_ip          TEXT NOT NULL DEFAULT '',
	zone_no              TEXT NOT NULL DEFAULT '',
	spec                 TEXT NOT NULL DEFAULT '',
	resource_group_id    TEXT NOT NULL,
	tunnel_bandwidth     TEXT NOT NULL DEFAULT '',
	effect_immediately   INTEGER NOT NULL,
	enable_dpd           INTEGER NOT NULL,
	enable_nat_traversal INTEGER NOT NULL,
	enable_tunnels_bgp   INTEGER NOT NULL,
	auto_config_route    INTEGER NOT NULL,
	psk                  TEXT NOT NULL,
	ike_version          TEXT NOT NULL,
	ike_mode             TEXT NOT NULL,
	ike_enc_alg          TEXT NOT NULL,
	ike_auth_alg         TEXT NOT NULL,
	ike_pfs              TEXT NOT NULL,
	ike_lifetime         INTEGER NOT NULL,
	local_id             TEXT NOT NULL,
	remote_id            TEXT NOT NULL,
	ipsec_enc_alg        TEXT NOT NULL,
	ipsec_auth_alg       TEXT NOT NULL,
	ipsec_pfs            TEXT NOT NULL,
	ipsec_lifetime       INTEGER NOT NULL,
	hc_configured        INTEGER NOT NULL,
	hc_enable            INTEGER NOT NULL,
	hc_dip               TEXT NOT NULL,
	hc_sip               TEXT NOT NULL,
	hc_interval          INTEGER NOT NULL,
	hc_retry             INTEGER NOT NULL,
	hc_policy            TEXT NOT NULL,
	hc_status            TEXT NOT NULL DEFAULT '',
	bgp_enable           INTEGER NOT NULL,
	bgp_local_asn        INTEGER NOT NULL,
	bgp_tunnel_cidr      TEXT NOT NULL,
	bgp_local_ip         TEXT NOT NULL,
	bgp_status           TEXT NOT NULL DEFAULT '',
	created_ms           INTEGER NOT NULL
);
-- list order (newest first) served by the indexes, no sort per request
CREATE INDEX vpn_connections_scope ON vpn_connections(account, region, created_ms);
CREATE INDEX vpn_connections_gateway ON vpn_connections(vpn_gateway_id, created_ms);
CREATE INDEX vpn_connections_cgw ON vpn_connections(customer_gateway_id);

CREATE TABLE vpn_connection_tunnels (
	tunnel_id            TEXT PRIMARY KEY,
	vpn_connection_id    TEXT NOT NULL REFERENCES vpn_connections(vpn_connection_id) ON DELETE CASCADE,
	tunnel_index         INTEGER NOT NULL,
	role                 TEXT NOT NULL, -- master | slave
	state                TEXT NOT NULL,
	status               TEXT NOT NULL DEFAULT 'ike_sa_not_established',
	customer_gateway_id  TEXT NOT NULL REFERENCES customer_gateways(customer_gateway_id),
	enable_dpd           INTEGER NOT NULL,
	enable_nat_traversal INTEGER NOT NULL,
	zone_no              TEXT NOT NULL DEFAULT '',
	internet_ip          TEXT NOT NULL DEFAULT '',
	psk                  TEXT NOT NULL,
	ike_version          TEXT NOT NULL,
	ike_mode             TEXT NOT NULL,
	ike_enc_alg          TEXT NOT NULL,
	ike_auth_alg         TEXT NOT NULL,
	ike_pfs              TEXT NOT NULL,
	ike_lifetime         INTEGER NOT NULL,
	local_id             TEXT NOT NULL,
	remote_id            TEXT NOT NULL,
	ipsec_enc_alg        TEXT NOT NULL,
	ipsec_auth_alg       TEXT NOT NULL,
	ipsec_pfs            TEXT NOT NULL,
	ipsec_lifetime       INTEGER NOT NULL,
	bgp_local_asn        INTEGER NOT NULL,
	bgp_tunnel_cidr      TEXT NOT NULL,
	bgp_local_ip         TEXT NOT NULL,
	bgp_status           TEXT NOT NULL DEFAULT '',
	UNIQUE (vpn_connection_id, tunnel_index)
);
CREATE INDEX vpn_connection_tunnels_cgw ON vpn_connection_tunnels(customer_gateway_id);
