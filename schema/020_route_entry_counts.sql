-- Counters of VPC route entries, kept by triggers so the tables they guard never read
-- route_entries (its SQL stays in route_entry.c, and a VPN gateway, a transit router
-- attachment or a route table need not include the route entries' model to be deleted):
--   usage "route_entry"/<route_table_id>:    the custom entries of a table (DeleteRouteTable);
--   usage "ref:route_entry"/<next_hop_id>:   the entries whose next hop a resource is
--                                            (DeleteVpnGateway, DeleteTransitRouterVpcAttachment).
-- A counter back at 0 is deleted, as model_usage_add does.
INSERT INTO usage(account, kind, scope, used)
	SELECT account, 'route_entry', route_table_id, COUNT(*) FROM route_entries GROUP BY account, route_table_id;
INSERT INTO usage(account, kind, scope, used)
	SELECT account, 'ref:route_entry', next_hop_id, COUNT(*) FROM route_entries GROUP BY account, next_hop_id;

CREATE TRIGGER route_entries_counted AFTER INSERT ON route_entries
BEGIN
	INSERT INTO usage(account, kind, scope, used) VALUES (NEW.account, 'route_entry', NEW.route_table_id, 1)
		ON CONFLICT(account, kind, scope) DO UPDATE SET used = used + 1;
	INSERT INTO usage(account, kind, scope, used) VALUES (NEW.account, 'ref:route_entry', NEW.next_hop_id, 1)
		ON CONFLICT(account, kind, scope) DO UPDATE SET used = used + 1;
END;

CREATE TRIGGER route_entries_uncounted AFTER DELETE ON route_entries
BEGIN
	UPDATE usage SET used = used - 1
		WHERE account = OLD.account AND kind = 'route_entry' AND scope = OLD.route_table_id;
	UPDATE usage SET used = used - 1
		WHERE account = OLD.account AND kind = 'ref:route_entry' AND scope = OLD.next_hop_id;
	DELETE FROM usage WHERE account = OLD.account AND used <= 0
		AND ((kind = 'route_entry' AND scope = OLD.route_table_id)
		     OR (kind = 'ref:route_entry' AND scope = OLD.next_hop_id));
END;

CREATE TRIGGER route_entries_next_hop_moved AFTER UPDATE OF next_hop_id ON route_entries
WHEN OLD.next_hop_id <> NEW.next_hop_id
BEGIN
	UPDATE usage SET used = used - 1
		WHERE account = OLD.account AND kind = 'ref:route_entry' AND scope = OLD.next_hop_id;
	DELETE FROM usage WHERE account = OLD.account AND kind = 'ref:route_entry' AND scope = OLD.next_hop_id
		AND used <= 0;
	INSERT INTO usage(account, kind, scope, used) VALUES (NEW.account, 'ref:route_entry', NEW.next_hop_id, 1)
		ON CONFLICT(account, kind, scope) DO UPDATE SET used = used + 1;
END;
