-- vpnlab schema 8: what the CEN / transit router / attachment model needs on top of schema 7.
--
-- 1. Addresses the transit router hands out from its CIDR blocks to the tunnels of IPsec
--    connections attached to it (ListTransitRouterCidrAllocation's data).
-- 2. The interface (ENI) a VPC attachment places in each mapped vSwitch.
-- 3. Asynchronous removal.  The cloud shows Deleting (CEN, transit router) and Detaching
--    (attachment) for a while and then the resource is gone.  The lifecycle engine moves a
--    status and knows nothing of deleting rows, so the model schedules the move to a final
--    pseudo-status ('Deleted' / 'Detached') that nobody ever reads: these triggers remove the
--    row the moment it reaches it, in the same statement.  Everything the resource holds
--    (addresses, reference counters, the IPsec connection) is released by the model when the
--    delete is requested; the triggers only remove this model's own rows.

CREATE TABLE tr_cidr_allocations (
	transit_router_cidr_id TEXT NOT NULL REFERENCES transit_router_cidrs(transit_router_cidr_id),
	ip_num                 INTEGER NOT NULL,
	ip                     TEXT NOT NULL,
	account                TEXT NOT NULL,
	attachment_id          TEXT NOT NULL,
	tunnel_id              TEXT NOT NULL DEFAULT '', -- '' for a single-tunnel connection
	created_ms             INTEGER NOT NULL,
	PRIMARY KEY (transit_router_cidr_id, ip_num)
);
CREATE INDEX tr_cidr_allocations_attachment ON tr_cidr_allocations(attachment_id);

-- VPC attachments: the interface in each vSwitch (eni-…) and its address.
ALTER TABLE tr_attachment_zones ADD COLUMN network_interface_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tr_attachment_zones ADD COLUMN ip TEXT NOT NULL DEFAULT '';

CREATE INDEX tr_attachments_scope ON tr_attachments(account, region, created_ms);
CREATE INDEX tr_attachments_resource_id ON tr_attachments(resource_id);
CREATE INDEX cens_created ON cens(account, created_ms);

CREATE TRIGGER tr_attachments_gone AFTER UPDATE OF status ON tr_attachments
WHEN NEW.status = 'Detached'
BEGIN
	-- safety net: DeleteTransitRouter*Attachment refuses (or, with Force, removes) these
	-- first; should one have slipped in meanwhile, it must not block the removal
	DELETE FROM transitions WHERE kind = 'tr_association' AND resource_id = NEW.attachment_id;
	DELETE FROM transitions WHERE kind = 'tr_propagation' AND resource_id IN
		(SELECT propagation_id FROM tr_propagations WHERE attachment_id = NEW.attachment_id);
	DELETE FROM tr_associations WHERE attachment_id = NEW.attachment_id;
	DELETE FROM tr_propagations WHERE attachment_id = NEW.attachment_id;
	DELETE FROM tr_attachment_zones WHERE attachment_id = NEW.attachment_id;
	DELETE FROM tags WHERE resource_id = NEW.attachment_id;
	DELETE FROM tr_attachments WHERE attachment_id = NEW.attachment_id;
END;

-- A transit router goes with its CIDR blocks and its System route table (created with it;
-- DeleteTransitRouter refuses while custom route tables or route entries exist).  Should
-- route state have slipped in while it was Deleting, it goes too: a failing foreign key here
-- would stall every later transition.
CREATE TRIGGER transit_routers_gone AFTER UPDATE OF status ON transit_routers
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM tr_cidr_allocations WHERE transit_router_cidr_id IN
		(SELECT transit_router_cidr_id FROM transit_router_cidrs WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM transit_router_cidrs WHERE transit_router_id = NEW.transit_router_id;
	DELETE FROM tr_route_entries WHERE route_table_id IN
		(SELECT route_table_id FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM tr_associations WHERE route_table_id IN
		(SELECT route_table_id FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM tr_propagations WHERE route_table_id IN
		(SELECT route_table_id FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM transitions WHERE kind = 'tr_route_table' AND resource_id IN
		(SELECT route_table_id FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM tags WHERE resource_id IN
		(SELECT route_table_id FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id);
	DELETE FROM tr_route_tables WHERE transit_router_id = NEW.transit_router_id;
	DELETE FROM tags WHERE resource_id = NEW.transit_router_id;
	DELETE FROM transit_routers WHERE transit_router_id = NEW.transit_router_id;
END;

-- DeleteCen takes the CEN's (empty) transit routers with it: they go first, so the foreign
-- key from transit_routers to cens always holds.
CREATE TRIGGER cens_gone AFTER UPDATE OF status ON cens
WHEN NEW.status = 'Deleted'
BEGIN
	UPDATE transit_routers SET status = 'Deleted' WHERE cen_id = NEW.cen_id;
	DELETE FROM tags WHERE resource_id = NEW.cen_id;
	DELETE FROM cens WHERE cen_id = NEW.cen_id;
END;
