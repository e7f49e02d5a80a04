-- vpnlab schema 1: accounts' VPCs and vSwitches, tags, idempotency tokens, lifecycle.
-- Every resource row carries its account and region; queries always filter on both.

CREATE TABLE vpcs (
	vpc_id            TEXT PRIMARY KEY,
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	cidr_block        TEXT NOT NULL,
	status            TEXT NOT NULL,
	vrouter_id        TEXT NOT NULL,
	route_table_id    TEXT NOT NULL,
	resource_group_id TEXT NOT NULL,
	is_default        INTEGER NOT NULL DEFAULT 0,
	created_ms        INTEGER NOT NULL
);
-- lists are newest first: the index order serves ORDER BY created_ms DESC, rowid DESC
CREATE INDEX vpcs_scope ON vpcs(account, region, created_ms);

CREATE TABLE vswitches (
	vswitch_id        TEXT PRIMARY KEY,
	vpc_id            TEXT NOT NULL REFERENCES vpcs(vpc_id),
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	zone_id           TEXT NOT NULL,
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	cidr_block        TEXT NOT NULL,
	cidr_first        INTEGER NOT NULL, -- first and last address, for overlap checks by index
	cidr_last         INTEGER NOT NULL,
	status            TEXT NOT NULL,
	resource_group_id TEXT NOT NULL,
	is_default        INTEGER NOT NULL DEFAULT 0,
	created_ms        INTEGER NOT NULL
);
CREATE INDEX vswitches_scope ON vswitches(account, region, created_ms);
CREATE INDEX vswitches_vpc ON vswitches(vpc_id);
CREATE INDEX vswitches_vpc_range ON vswitches(vpc_id, cidr_first);

-- Tags of any resource; resource_type is the cloud's ResourceType (VPC, VSWITCH, ...).
CREATE TABLE tags (
	resource_id   TEXT NOT NULL,
	resource_type TEXT NOT NULL,
	tag_key       TEXT NOT NULL,
	tag_value     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (resource_id, tag_key)
);
CREATE INDEX tags_key ON tags(tag_key, tag_value);

-- Quota usage counters, kept in the same transaction as the rows they count, so a quota
-- check costs one lookup however many resources exist.  scope: a region or a parent ID.
CREATE TABLE usage (
	account TEXT NOT NULL,
	kind    TEXT NOT NULL,
	scope   TEXT NOT NULL,
	used    INTEGER NOT NULL,
	PRIMARY KEY (account, kind, scope)
);

-- ClientToken idempotency: the first successful answer is replayed for the same token.
CREATE TABLE client_tokens (
	account     TEXT NOT NULL,
	action      TEXT NOT NULL,
	token       TEXT NOT NULL,
	params_hash TEXT NOT NULL,
	response    TEXT NOT NULL,
	created_ms  INTEGER NOT NULL,
	PRIMARY KEY (account, action, token)
);

-- Lifecycle engine: a resource with a row here is in a transitional state and busy.
-- due_ms NULL means "waits for data-plane confirmation".
CREATE TABLE transitions (
	kind        TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	due_ms      INTEGER,
	PRIMARY KEY (kind, resource_id)
);
CREATE INDEX transitions_due ON transitions(due_ms);
