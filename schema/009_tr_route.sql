-- vpnlab schema 9: the transit router route model (model/tr_route.c) on top of schema 7.
--
-- Dissociating, Disabling and Deleting end with the row gone.  As in schema 8, the model
-- schedules the move to the pseudo-status 'Deleted' and these triggers remove the row the
-- moment it reaches it (counters were released when the change was requested).

CREATE TRIGGER tr_associations_gone AFTER UPDATE OF status ON tr_associations
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM tr_associations WHERE attachment_id = NEW.attachment_id;
END;

CREATE TRIGGER tr_propagations_gone AFTER UPDATE OF status ON tr_propagations
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM tr_propagations WHERE propagation_id = NEW.propagation_id;
END;

CREATE TRIGGER tr_route_entries_gone AFTER UPDATE OF status ON tr_route_entries
WHEN NEW.status = 'Deleted'
BEGIN
	DELETE FROM tr_route_entries WHERE route_entry_id = NEW.route_entry_id;
END;

-- static entries pointing at an attachment (attachment deletes, forced or not)
CREATE INDEX tr_route_entries_next_hop ON tr_route_entries(next_hop_id);
-- account-wide listings in creation order
CREATE INDEX tr_route_tables_scope ON tr_route_tables(account, created_ms);
