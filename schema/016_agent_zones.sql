-- vpnlab schema 16: zones are real.  An agent may serve, in every region of the catalogue,
-- the zone at a position of that region's DescribeZones list (zone_index, 1-based; 0 none)
-- besides the zones it names, so one flag places it in whatever region a user picks.
-- silent_since_ms: when the server marked the agent silent (it missed its reports) and set
-- the tunnels it had reported to ike_sa_not_established; 0 while it reports.
ALTER TABLE agents ADD COLUMN zone_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN silent_since_ms INTEGER NOT NULL DEFAULT 0;
