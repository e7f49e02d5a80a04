-- vpnlab schema 14: VPC route tables (model/route_table.c) and their custom route entries
-- (model/route_entry.c).
--
-- Every VPC has one System route table whose ID (vtb-…) and vRouter ID (vrt-…) the vpcs row
-- has carried since schema 1; the trigger below gives each new VPC its table row, and the
-- INSERT … SELECT gives one to every VPC created before this migration.  Custom tables are
-- created by CreateRouteTable (lifecycle kind "route_table": Pending → Available).
--
-- Only custom entries are stored.  System entries (one per vSwitch CIDR, 100.64.0.0/10) and
-- the routes a VPN gateway publishes to the VPC are computed when read (route_entry.c), so
-- they can never disagree with the vSwitches and gateway routes they come from.

CREATE TABLE route_tables (
	route_table_id    TEXT PRIMARY KEY,
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	vpc_id            TEXT NOT NULL,
	vrouter_id        TEXT NOT NULL,
	table_type        TEXT NOT NULL CHECK (table_type IN ('System', 'Custom')),
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,           -- Pending | Available | Deleting
	resource_group_id TEXT NOT NULL,
	created_ms        INTEGER NOT NULL
);
CREATE INDEX route_tables_scope ON route_tables(account, region, created_ms);
CREATE INDEX route_tables_vpc ON route_tables(vpc_id, created_ms);

INSERT OR IGNORE INTO route_tables(route_table_id, account, region, vpc_id, vrouter_id, table_type, status,
				   resource_group_id, created_ms)
	SELECT route_table_id, account, region, vpc_id, vrouter_id, 'System', 'Available',
	       resource_group_id, created_ms
	FROM vpcs WHERE route_table_id <> '';

-- (IDs are unique; OR IGNORE only spares test fixtures that give every VPC the same filler ID)
CREATE TRIGGER vpcs_system_route_table AFTER INSERT ON vpcs
WHEN NEW.route_table_id <> ''
BEGIN
	INSERT OR IGNORE INTO route_tables(route_table_id, account, region, vpc_id, vrouter_id, table_type, status,
				 resource_group_id, created_ms)
	VALUES (NEW.route_table_id, NEW.account, NEW.region, NEW.vpc_id, NEW.vrouter_id, 'System',
		'Available', NEW.resource_group_id, NEW.created_ms);
END;

-- A VPC can be deleted only without custom tables (usage "ref:vpc" counts them), so this
-- removes the system table alone.
CREATE TRIGGER vpcs_route_tables_gone AFTER DELETE ON vpcs
BEGIN
	DELETE FROM tags WHERE resource_id IN (SELECT route_table_id FROM route_tables WHERE vpc_id = OLD.vpc_id);
	DELETE FROM route_tables WHERE vpc_id = OLD.vpc_id;
END;

CREATE TRIGGER route_tables_gone AFTER UPDATE OF status ON route_tables
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM route_tables WHERE route_table_id = NEW.route_table_id;
END;

-- vSwitches bound to a custom table; a vSwitch without a row uses its VPC's system table.
CREATE TABLE route_table_vswitches (
	vswitch_id     TEXT PRIMARY KEY,
	route_table_id TEXT NOT NULL,
	created_ms     INTEGER NOT NULL
);
CREATE INDEX route_table_vswitches_table ON route_table_vswitches(route_table_id, created_ms);

CREATE TRIGGER vswitches_route_table_binding_gone AFTER DELETE ON vswitches
BEGIN
	DELETE FROM route_table_vswitches WHERE vswitch_id = OLD.vswitch_id;
END;

-- Custom route entries.  destination is normalised (cidr_format); dest_first/dest_last are
-- its first and last address, for overlap checks.  next_hop_type: VpnGateway | Attachment.
-- status: Pending → Available (create), Modifying → Available, Deleting → Deleted (gone).
CREATE TABLE route_entries (
	route_entry_id TEXT PRIMARY KEY,
	account        TEXT NOT NULL,
	region         TEXT NOT NULL,
	route_table_id TEXT NOT NULL,
	destination    TEXT NOT NULL,
	dest_first     INTEGER NOT NULL,
	dest_last      INTEGER NOT NULL,
	next_hop_type  TEXT NOT NULL,
	next_hop_id    TEXT NOT NULL,
	name           TEXT NOT NULL DEFAULT '',
	description    TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL,
	created_ms     INTEGER NOT NULL,
	modified_ms    INTEGER NOT NULL
);
-- the cloud's rule: a destination once per table (not per VPC)
CREATE UNIQUE INDEX route_entries_destination ON route_entries(route_table_id, destination);
CREATE INDEX route_entries_next_hop ON route_entries(next_hop_id);

CREATE TRIGGER route_entries_gone AFTER UPDATE OF status ON route_entries
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM route_entries WHERE route_entry_id = NEW.route_entry_id;
END;
