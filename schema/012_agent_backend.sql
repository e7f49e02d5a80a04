-- vpnlab schema 12: whether an agent's IPsec backend works (issue 9).  At start, and again
-- while it fails, the agent starts a scratch charon with the plugins its tunnels will load;
-- it registers the outcome.  backend_error is charon's telling line (and the Debian package
-- that fixes it) when backend_usable is 0; the server then pushes it nothing and writes the
-- reason into the logs of the connections it would serve.
ALTER TABLE agents ADD COLUMN backend_usable INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agents ADD COLUMN backend_error TEXT NOT NULL DEFAULT '';
