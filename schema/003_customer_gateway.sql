-- vpnlab schema 3: customer gateways (the customer's VPN devices).

-- asn is the canonical decimal ASN ('' when not given); auth_key the BGP MD5 key ('' none).
-- One customer gateway per IP address per account and region (InvalidIpAddress.AlreadyExist);
-- the unique index makes that a rule of the store too.
CREATE TABLE customer_gateways (
	customer_gateway_id TEXT PRIMARY KEY,
	account             TEXT NOT NULL,
	region              TEXT NOT NULL,
	ip_address          TEXT NOT NULL,
	asn                 TEXT NOT NULL DEFAULT '',
	auth_key            TEXT NOT NULL DEFAULT '',
	name                TEXT NOT NULL DEFAULT '',
	description         TEXT NOT NULL DEFAULT '',
	resource_group_id   TEXT NOT NULL,
	created_ms          INTEGER NOT NULL
);
CREATE UNIQUE INDEX customer_gateways_ip ON customer_gateways(account, region, ip_address);
CREATE INDEX customer_gateways_scope ON customer_gateways(account, region, created_ms);
