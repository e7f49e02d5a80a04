-- Lab extensions (issue 5): emulated branch sites with one gateway device per customer
-- gateway, lab hosts in vSwitches or site LANs, and tunnel faults.  None of these has a
-- cloud equivalent; model/lab.c owns the rules, model/dataplane_compile.c reads them.
CREATE TABLE lab_sites (
	site_id TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region_id TEXT NOT NULL,
	lan_cidr TEXT NOT NULL,
	overrides TEXT NOT NULL DEFAULT '[]',		-- JSON: per-connection misconfigurations
	created_ms INTEGER NOT NULL
);						-- rowid: creation order
CREATE INDEX lab_sites_scope ON lab_sites(account, region_id, created_ms);

-- A device owns its customer gateway's address on the underlay, so a customer gateway is a
-- device of one site at most.
CREATE TABLE lab_site_devices (
	site_id TEXT NOT NULL REFERENCES lab_sites(site_id) ON DELETE CASCADE,
	customer_gateway_id TEXT NOT NULL UNIQUE,
	device_index INTEGER NOT NULL,			-- 1, 2, … in the order given
	lan_ip TEXT NOT NULL,				-- the LAN's first addresses, in index order
	PRIMARY KEY (site_id, customer_gateway_id)
) WITHOUT ROWID;

-- A host in a vSwitch also holds its address in vswitch_ips (owner = host_id) and counts in
-- usage "ref:vswitch"/<vswitch_id>, so DeleteVSwitch is refused while it exists.  A host in a
-- site LAN goes with its site.
CREATE TABLE lab_hosts (
	host_id TEXT PRIMARY KEY,
	account TEXT NOT NULL,
	region_id TEXT NOT NULL,
	vswitch_id TEXT,				-- exactly one of vswitch_id, site_id
	site_id TEXT REFERENCES lab_sites(site_id) ON DELETE CASCADE,
	ip_address TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	UNIQUE (site_id, ip_address)			-- NULL site_ids never collide
);						-- rowid: creation order
CREATE INDEX lab_hosts_scope ON lab_hosts(account, region_id, created_ms);
CREATE INDEX lab_hosts_vswitch ON lab_hosts(vswitch_id);

CREATE TABLE lab_faults (
	vpn_connection_id TEXT NOT NULL,
	tunnel_id TEXT NOT NULL DEFAULT '',		-- '' : every tunnel of the connection
	account TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (vpn_connection_id, tunnel_id)
) WITHOUT ROWID;

-- A fault goes with its connection (DeleteVpnConnection knows nothing of the lab).
CREATE TRIGGER lab_faults_gone AFTER DELETE ON vpn_connections
BEGIN
	DELETE FROM lab_faults WHERE vpn_connection_id = OLD.vpn_connection_id;
END;
