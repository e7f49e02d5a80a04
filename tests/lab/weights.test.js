'use strict';
// Weighted routes 100/0 with health checks: two single-tunnel connections on one gateway to
// two devices of one branch.  Connection A (weight 100) carries the traffic; when A's path is
// cut its health check fails (interval 1 s, retry 3), the gateway and the branch drop A's SA
// and B (weight 0) carries the traffic; when A's path returns, traffic returns to A.

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();

describe('weighted routes 100/0 with health checks', { skip: skip || false }, () => {
  let srv, agent, s;

  before(async () => {
    srv = await lab.startSingleTunnelServer();
    agent = await lab.startAgent({ server: srv });
    s = await lab.standbyTopology(srv);
  });

  after(() => lab.teardown(srv, 'vpnlabd (weights)'));

  /** Packets each connection's gateway-side SA sent, as the agent reads them (every 250 ms). */
  async function gatewayPacketsOut() {
    const sent = Object.fromEntries((await agent.state()).Tunnels.filter((t) => t.Side === 'gateway')
      .map((t) => [t.VpnConnectionId, t.PacketsOut]));
    return s.vco.map((v) => sent[v] || 0);
  }

  /** Packets each connection sent during fn(), once shown(deltas) (lab.countersDuring). */
  const carried = (fn, shown) => lab.countersDuring(gatewayPacketsOut, fn, shown, 10000, 100);

  test('the weight-100 connection carries the traffic', async () => {
    const [a, b] = await carried(async () => {
      const r = await lab.probe(srv, s.vpcHost, s.siteHostIp, 20, 20);
      assert.equal(r.Received, 20, JSON.stringify(r));
    }, ([a]) => a >= 20);
    assert.ok(a >= 20, `A sent ${a}`);
    assert.ok(b < 10, `B sent only health checks (${b})`);
  });

  test('A cut: its health check fails and B takes over; A restored: traffic returns to A', async () => {
    const running = lab.probe(srv, s.vpcHost, s.siteHostIp, 150, 100);
    await lab.sleep(2000);
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
    const r = await running;
    const lostMs = (r.Sent - r.Received) * 100;
    console.log(`# A cut: loss window ≈ ${lostMs} ms (health check 1 s × 3)`);
    assert.ok(r.Received < r.Sent, 'the cut is real');
    assert.ok(lostMs <= 8000, `B took over within 8 s: ${JSON.stringify(r)}`);
    const v = await s.call('DescribeVpnConnection', { VpnConnectionId: s.vco[0] });
    assert.equal(v.VcoHealthCheck.Status, 'failed');
    const [a, b] = await carried(async () => {
      const ok = await lab.probe(srv, s.vpcHost, s.siteHostIp, 20, 20);
      assert.equal(ok.Received, 20);
    }, ([, b]) => b >= 20);
    assert.ok(b >= 20 && a < 5, `B carries the traffic now (A ${a}, B ${b})`);

    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
    await lab.waitFor('A established again', async () => (await s.call('DescribeVpnConnection', { VpnConnectionId: s.vco[0] }))
      .Status === 'ipsec_sa_established', 30000, 200);
    await lab.waitFor('traffic back on A', async () => {
      const [a2] = await carried(async () => { await lab.probe(srv, s.vpcHost, s.siteHostIp, 10, 20); }, ([a]) => a >= 10);
      return a2 >= 10;
    }, 20000, 500);
  });
});
