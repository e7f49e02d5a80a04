-- Data-plane agents (issue 5).  An agent registers with its zones ('' = every zone), its
-- roles and the URL the server pushes its desired-state document to; every status report
-- is also its heartbeat.  generation/doc_hash are written by the pusher only (and reset by
-- a registration); applied_generation by what the agent reports or answers.
CREATE TABLE agents (
	agent_id TEXT PRIMARY KEY,
	zones TEXT NOT NULL DEFAULT '',		-- comma-separated zone ids; '' serves every zone
	roles TEXT NOT NULL,			-- 'cloud', 'site' or 'cloud,site'
	underlay_ip TEXT NOT NULL,		-- its address on the hosts' network (VXLAN underlay)
	url TEXT NOT NULL,			-- http://ADDR:PORT the server pushes to
	backend TEXT NOT NULL DEFAULT '',	-- kernel-libipsec | kernel-netlink
	backend_reason TEXT NOT NULL DEFAULT '',	-- why the agent chose that backend
	version TEXT NOT NULL DEFAULT '',
	registered_ms INTEGER NOT NULL,
	last_seen_ms INTEGER NOT NULL,
	generation INTEGER NOT NULL DEFAULT 0,		-- last generation compiled for it
	applied_generation INTEGER NOT NULL DEFAULT 0,	-- last generation it reported applied
	doc_hash TEXT NOT NULL DEFAULT ''		-- hash of the last compiled document body
) WITHOUT ROWID;

-- What the data plane last reported for each tunnel of an IPsec connection (gateway side).
CREATE TABLE dataplane_tunnels (
	vpn_connection_id TEXT NOT NULL,
	tunnel_id TEXT NOT NULL DEFAULT '',	-- '' for single-tunnel connections
	agent_id TEXT NOT NULL,
	endpoint TEXT NOT NULL,
	ike_state TEXT NOT NULL DEFAULT '',
	child_state TEXT NOT NULL DEFAULT '',
	health TEXT NOT NULL DEFAULT '',	-- success | failed | '' (no health check)
	active INTEGER NOT NULL DEFAULT 0,	-- carries the VPC's traffic now
	bytes_in INTEGER NOT NULL DEFAULT 0,
	bytes_out INTEGER NOT NULL DEFAULT 0,
	packets_in INTEGER NOT NULL DEFAULT 0,
	packets_out INTEGER NOT NULL DEFAULT 0,
	updated_ms INTEGER NOT NULL,
	PRIMARY KEY (vpn_connection_id, tunnel_id)
) WITHOUT ROWID;
CREATE INDEX dataplane_tunnels_agent ON dataplane_tunnels(agent_id);
