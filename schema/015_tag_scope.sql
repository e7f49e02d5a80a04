-- Tags carry their owner's account and region, so ListTagResources by tag (no ResourceId)
-- lists only the caller's resources without knowing every resource table.  Rows written
-- before this migration take them from the resource they belong to.
ALTER TABLE tags ADD COLUMN account TEXT NOT NULL DEFAULT '';
ALTER TABLE tags ADD COLUMN region TEXT NOT NULL DEFAULT '';
UPDATE tags SET
	account = COALESCE(
		(SELECT account FROM vpcs WHERE vpc_id = tags.resource_id),
		(SELECT account FROM vswitches WHERE vswitch_id = tags.resource_id),
		(SELECT account FROM vpn_gateways WHERE vpn_gateway_id = tags.resource_id),
		(SELECT account FROM customer_gateways WHERE customer_gateway_id = tags.resource_id),
		(SELECT account FROM vpn_connections WHERE vpn_connection_id = tags.resource_id),
		(SELECT account FROM cens WHERE cen_id = tags.resource_id),
		(SELECT account FROM transit_routers WHERE transit_router_id = tags.resource_id),
		(SELECT account FROM tr_attachments WHERE attachment_id = tags.resource_id),
		(SELECT account FROM tr_route_tables WHERE route_table_id = tags.resource_id),
		''),
	region = COALESCE(
		(SELECT region FROM vpcs WHERE vpc_id = tags.resource_id),
		(SELECT region FROM vswitches WHERE vswitch_id = tags.resource_id),
		(SELECT region FROM vpn_gateways WHERE vpn_gateway_id = tags.resource_id),
		(SELECT region FROM customer_gateways WHERE customer_gateway_id = tags.resource_id),
		(SELECT region FROM vpn_connections WHERE vpn_connection_id = tags.resource_id),
		(SELECT region FROM transit_routers WHERE transit_router_id = tags.resource_id),
		(SELECT region FROM tr_attachments WHERE attachment_id = tags.resource_id),
		(SELECT region FROM tr_route_tables WHERE route_table_id = tags.resource_id),
		'');
CREATE INDEX tags_scope ON tags(account, resource_type, tag_key);
