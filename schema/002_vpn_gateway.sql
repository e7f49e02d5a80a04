-- vpnlab schema 2: VPN gateways and the address pools they draw from.

-- One row per VPN gateway.  status is the cloud's Status (lifecycle kind "vpn_gateway");
-- charge_type keeps the request's InstanceChargeType (POSTPAY | PREPAY).
CREATE TABLE vpn_gateways (
	vpn_gateway_id    TEXT PRIMARY KEY,
	account           TEXT NOT NULL,
	region            TEXT NOT NULL,
	vpc_id            TEXT NOT NULL,
	vswitch_id        TEXT NOT NULL,
	dr_vswitch_id     TEXT NOT NULL DEFAULT '',
	zone_id           TEXT NOT NULL,
	dr_zone_id        TEXT NOT NULL DEFAULT '',
	name              TEXT NOT NULL DEFAULT '',
	description       TEXT NOT NULL DEFAULT '',
	status            TEXT NOT NULL,
	business_status   TEXT NOT NULL DEFAULT 'Normal',
	network_type      TEXT NOT NULL,
	vpn_type          TEXT NOT NULL DEFAULT 'Normal',
	gateway_type      TEXT NOT NULL DEFAULT 'Traditional',
	internet_ip       TEXT NOT NULL DEFAULT '',
	dr_internet_ip    TEXT NOT NULL DEFAULT '',
	ssl_internet_ip   TEXT NOT NULL DEFAULT '',
	eni_id            TEXT NOT NULL DEFAULT '',
	dr_eni_id         TEXT NOT NULL DEFAULT '',
	eni_ip            TEXT NOT NULL DEFAULT '', -- the gateway's address in vswitch_id
	dr_eni_ip         TEXT NOT NULL DEFAULT '', -- its address in dr_vswitch_id
	bandwidth         INTEGER NOT NULL,
	enable_ipsec      INTEGER NOT NULL,
	enable_ssl        INTEGER NOT NULL,
	ssl_connections   INTEGER NOT NULL DEFAULT 0,
	auto_propagate    INTEGER NOT NULL,
	enable_bgp        INTEGER NOT NULL,
	charge_type       TEXT NOT NULL,
	period            INTEGER NOT NULL DEFAULT 0,
	end_ms            INTEGER NOT NULL DEFAULT 0, -- prepaid expiry; 0 for pay-as-you-go
	resource_group_id TEXT NOT NULL,
	order_id          INTEGER NOT NULL,
	created_ms        INTEGER NOT NULL
);
CREATE INDEX vpn_gateways_scope ON vpn_gateways(account, region, created_ms);
CREATE INDEX vpn_gateways_vpc ON vpn_gateways(vpc_id);

-- Public addresses handed out from the server's pool (--public-ip-pool).  The pool is one
-- per server, so an address is unique across accounts and regions: ip_num is the key.
CREATE TABLE public_ips (
	ip_num     INTEGER PRIMARY KEY, -- the IPv4 address as an integer, for gap searches
	ip         TEXT NOT NULL,
	account    TEXT NOT NULL,
	owner_id   TEXT NOT NULL,       -- the resource holding it (a VPN gateway ID)
	role       TEXT NOT NULL,       -- which of the owner's addresses (tunnel1, tunnel2, ssl)
	created_ms INTEGER NOT NULL
);
CREATE INDEX public_ips_owner ON public_ips(owner_id);

-- Private addresses taken inside vSwitches by resources that are not instances (VPN
-- gateway interfaces), so two of them never get the same address of one vSwitch.
CREATE TABLE vswitch_ips (
	vswitch_id TEXT NOT NULL,
	ip_num     INTEGER NOT NULL,
	ip         TEXT NOT NULL,
	account    TEXT NOT NULL,
	owner_id   TEXT NOT NULL,
	role       TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	PRIMARY KEY (vswitch_id, ip_num)
);
CREATE INDEX vswitch_ips_owner ON vswitch_ips(owner_id);
