-- Creation order as a column of its own: lists are ordered by (created_ms, seq), where seq
-- numbers the rows of a table in insertion order.  The model's SQL names seq, never SQLite's
-- rowid, so it stays portable (a PostgreSQL store declares seq as an identity column); here
-- an insert trigger copies the new row's rowid, which is what the lists were ordered by
-- before, so the order of every stored row is unchanged.

ALTER TABLE vpcs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE vpcs SET seq = rowid;
CREATE TRIGGER vpcs_seq AFTER INSERT ON vpcs
BEGIN
	UPDATE vpcs SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE vswitches ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE vswitches SET seq = rowid;
CREATE TRIGGER vswitches_seq AFTER INSERT ON vswitches
BEGIN
	UPDATE vswitches SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE customer_gateways ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE customer_gateways SET seq = rowid;
CREATE TRIGGER customer_gateways_seq AFTER INSERT ON customer_gateways
BEGIN
	UPDATE customer_gateways SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE vpn_gateways ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE vpn_gateways SET seq = rowid;
CREATE TRIGGER vpn_gateways_seq AFTER INSERT ON vpn_gateways
BEGIN
	UPDATE vpn_gateways SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE vpn_connections ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE vpn_connections SET seq = rowid;
CREATE TRIGGER vpn_connections_seq AFTER INSERT ON vpn_connections
BEGIN
	UPDATE vpn_connections SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE vpn_route_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE vpn_route_entries SET seq = rowid;
CREATE TRIGGER vpn_route_entries_seq AFTER INSERT ON vpn_route_entries
BEGIN
	UPDATE vpn_route_entries SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE cens ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE cens SET seq = rowid;
CREATE TRIGGER cens_seq AFTER INSERT ON cens
BEGIN
	UPDATE cens SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE transit_routers ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE transit_routers SET seq = rowid;
CREATE TRIGGER transit_routers_seq AFTER INSERT ON transit_routers
BEGIN
	UPDATE transit_routers SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE transit_router_cidrs ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE transit_router_cidrs SET seq = rowid;
CREATE TRIGGER transit_router_cidrs_seq AFTER INSERT ON transit_router_cidrs
BEGIN
	UPDATE transit_router_cidrs SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_attachments ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_attachments SET seq = rowid;
CREATE TRIGGER tr_attachments_seq AFTER INSERT ON tr_attachments
BEGIN
	UPDATE tr_attachments SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_attachment_zones ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_attachment_zones SET seq = rowid;
CREATE TRIGGER tr_attachment_zones_seq AFTER INSERT ON tr_attachment_zones
BEGIN
	UPDATE tr_attachment_zones SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_route_tables ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_route_tables SET seq = rowid;
CREATE TRIGGER tr_route_tables_seq AFTER INSERT ON tr_route_tables
BEGIN
	UPDATE tr_route_tables SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_associations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_associations SET seq = rowid;
CREATE TRIGGER tr_associations_seq AFTER INSERT ON tr_associations
BEGIN
	UPDATE tr_associations SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_propagations ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_propagations SET seq = rowid;
CREATE TRIGGER tr_propagations_seq AFTER INSERT ON tr_propagations
BEGIN
	UPDATE tr_propagations SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE tr_route_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE tr_route_entries SET seq = rowid;
CREATE TRIGGER tr_route_entries_seq AFTER INSERT ON tr_route_entries
BEGIN
	UPDATE tr_route_entries SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE lab_sites ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE lab_sites SET seq = rowid;
CREATE TRIGGER lab_sites_seq AFTER INSERT ON lab_sites
BEGIN
	UPDATE lab_sites SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE lab_hosts ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE lab_hosts SET seq = rowid;
CREATE TRIGGER lab_hosts_seq AFTER INSERT ON lab_hosts
BEGIN
	UPDATE lab_hosts SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE route_tables ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE route_tables SET seq = rowid;
CREATE TRIGGER route_tables_seq AFTER INSERT ON route_tables
BEGIN
	UPDATE route_tables SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE route_entries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE route_entries SET seq = rowid;
CREATE TRIGGER route_entries_seq AFTER INSERT ON route_entries
BEGIN
	UPDATE route_entries SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

ALTER TABLE route_table_vswitches ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE route_table_vswitches SET seq = rowid;
CREATE TRIGGER route_table_vswitches_seq AFTER INSERT ON route_table_vswitches
BEGIN
	UPDATE route_table_vswitches SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;

-- the list indexes serve ORDER BY created_ms, seq as they served created_ms, rowid
DROP INDEX vpcs_scope;
CREATE INDEX vpcs_scope ON vpcs(account, region, created_ms, seq);
DROP INDEX vswitches_scope;
CREATE INDEX vswitches_scope ON vswitches(account, region, created_ms, seq);
DROP INDEX vpn_gateways_scope;
CREATE INDEX vpn_gateways_scope ON vpn_gateways(account, region, created_ms, seq);
DROP INDEX customer_gateways_scope;
CREATE INDEX customer_gateways_scope ON customer_gateways(account, region, created_ms, seq);
DROP INDEX vpn_connections_scope;
CREATE INDEX vpn_connections_scope ON vpn_connections(account, region, created_ms, seq);
DROP INDEX vpn_connections_gateway;
CREATE INDEX vpn_connections_gateway ON vpn_connections(vpn_gateway_id, created_ms, seq);
DROP INDEX vpn_route_entries_list;
CREATE INDEX vpn_route_entries_list ON vpn_route_entries(vpn_gateway_id, route_type, created_ms, seq);
DROP INDEX tr_attachments_scope;
CREATE INDEX tr_attachments_scope ON tr_attachments(account, region, created_ms, seq);
DROP INDEX cens_created;
CREATE INDEX cens_created ON cens(account, created_ms, seq);
DROP INDEX tr_route_tables_scope;
CREATE INDEX tr_route_tables_scope ON tr_route_tables(account, created_ms, seq);
DROP INDEX lab_sites_scope;
CREATE INDEX lab_sites_scope ON lab_sites(account, region_id, created_ms, seq);
DROP INDEX lab_hosts_scope;
CREATE INDEX lab_hosts_scope ON lab_hosts(account, region_id, created_ms, seq);
DROP INDEX route_tables_scope;
CREATE INDEX route_tables_scope ON route_tables(account, region, created_ms, seq);
DROP INDEX route_tables_vpc;
CREATE INDEX route_tables_vpc ON route_tables(vpc_id, created_ms, seq);
DROP INDEX route_table_vswitches_table;
CREATE INDEX route_table_vswitches_table ON route_table_vswitches(route_table_id, created_ms, seq);
