'use strict';
// The data plane outlives its controllers:
//  * the agent killed with SIGKILL and restarted adopts what runs: no probe is lost and no SA
//    is renegotiated (same CHILD_SA SPIs);
//  * with the server stopped, traffic keeps flowing and a master cut still fails over (the
//    decision is the agent's); when the server returns, the API's statuses catch up.

const { test, describe, before, after } = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();

describe('agent restart and server outage', { skip: skip || false }, () => {
  let srv, agent, s, dbDir;

  before(async () => {
    dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-lab-db-'));
    srv = await lab.startServer({ delayMs: 50, db: path.join(dbDir, 'vpnlab.db'), args: ['--dpd-delay-s', '1'] });
    agent = await lab.startAgent({ server: srv });
    s = await lab.seedTopology(srv, { lan: '192.168.40.0/24', cgw: ['203.0.113.41', '203.0.113.42'] });
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) await srv.stop();
    fs.rmSync(dbDir, { recursive: true, force: true });
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  const spis = async (a) => (await a.state()).Tunnels.map((t) => `${t.Endpoint}/${t.Name}:${t.ChildSpi}`).sort();

  test('kill -9 of the agent during traffic: zero probe loss, the same SAs after the restart', async () => {
    const before = await spis(agent);
    assert.ok(before.every((x) => !x.endsWith(':0')), `every tunnel has a CHILD_SA: ${before}`);
    // the agent's own probes die with it: measure with ping in the host's namespace
    const ns = (await agent.state()).Namespaces[s.vpcHost];
    agent = await lab.restartAgentUnderPing(srv, agent, ns, s.siteHostIp);
    await lab.waitFor('the restarted agent sees the SAs', async () => (await spis(agent)).every((x) => !x.endsWith(':0')), 5000, 100);
    assert.deepEqual(await spis(agent), before, 'the same CHILD_SAs: nothing renegotiated');
    assert.match(agent.output(), /adopted generation/);
  });

  test('server stopped: traffic flows, a master cut fails over; statuses catch up when it returns', async () => {
    // the fault is lab state on the server: set it, then stop the server before the detection
    const generation = (await agent.state()).AppliedGeneration;
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: s.tunnels[0].TunnelId, Action: 'cut' });
    await lab.waitFor('the fault reached the agent', async () => (await agent.state()).AppliedGeneration > generation, 5000, 20);
    await srv.stop();
    const during = await lab.agentProbe(agent, s.vpcHost, s.siteHostIp, 100, 100);
    console.log(`# server down, master cut: ${during.Sent - during.Received} of ${during.Sent} lost`);
    const after = await lab.agentProbe(agent, s.vpcHost, s.siteHostIp, 10, 100);
    assert.equal(after.Received, 10, `the slave carries the traffic without the server: ${JSON.stringify(after)}`);
    const st = await agent.state();
    assert.ok(st.Tunnels.some((t) => t.Side === 'gateway' && t.Active && t.TunnelId === s.tunnels[1].TunnelId));

    srv = await lab.startServer({ delayMs: 50, db: path.join(dbDir, 'vpnlab.db'), port: srv.port, args: ['--dpd-delay-s', '1'] });
    const call = lab.rpc(srv);
    const v = await lab.waitFor('tunnel statuses caught up', async () => {
      const got = await call('DescribeVpnConnection', { VpnConnectionId: s.vco });
      const [m, sl] = got.TunnelOptionsSpecification.TunnelOptions;
      return m.Status !== 'ipsec_sa_established' && sl.Status === 'ipsec_sa_established' && got;
    }, 15000, 200);
    assert.equal(v.Status, 'ipsec_sa_established', 'the slave is up, so the connection is');
  });
});
