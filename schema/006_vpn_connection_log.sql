-- vpnlab schema 6: IPsec-VPN connection logs (DescribeVpnConnectionLogs).
-- Lines come from the data plane only (vpn_connection_log_append); the API shows them as
-- written.  tunnel_id is '' for lines of a single-tunnel connection (or of a dual-tunnel
-- connection as a whole).  log_id orders lines written in the same millisecond.  No
-- foreign key: lines of a connection go with it (DeleteVpnConnection) and expire after the
-- retention the cloud documents (180 days), both done by the model.
CREATE TABLE vpn_connection_logs (
	log_id            INTEGER PRIMARY KEY,
	vpn_connection_id TEXT NOT NULL,
	tunnel_id         TEXT NOT NULL DEFAULT '',
	time_ms           INTEGER NOT NULL,
	line              TEXT NOT NULL
);
CREATE INDEX vpn_connection_logs_time ON vpn_connection_logs(vpn_connection_id, time_ms);
