'use strict';
// Two "machines": the cloud agent and the site agent each run inside their own host namespace,
// joined by a bridge as separate machines on a LAN would be; the server runs beside them.
// The underlay between the two agents' data planes crosses that LAN (VXLAN).
//
//   root ns: vpnlabd on 10.251.N.254 ─┐
//   host C: cloud agent, 10.251.N.1 ──┼── bridge (namespace …-lan)
//   host S: site agent,  10.251.N.2 ──┘

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const TAG = `vlmh${process.pid % 100000}`;
const NET = `10.251.${process.pid % 250}`;


describe('multi-host: cloud and site agents on two machines', { skip: skip || false }, () => {
  let srv, cloud, site, s;

  before(async () => {
    lab.buildHostLan(TAG, NET, [['c', 1], ['s', 2]]);
    srv = await lab.startServer({ delayMs: 50, listenHost: `${NET}.254`, args: ['--dpd-delay-s', '1'] });
    cloud = await lab.startAgent({ server: srv, netns: `${TAG}-c`, listenIp: `${NET}.1`, role: 'cloud' });
    site = await lab.startAgent({ server: srv, netns: `${TAG}-s`, listenIp: `${NET}.2`, role: 'site' });
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) await srv.stop();
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  test('the seed topology splits across the two agents and its tunnels cross the LAN', async () => {
    s = await lab.seedTopology(srv, { lan: '192.168.50.0/24', cgw: ['203.0.113.51', '203.0.113.52'] });
    const c = await cloud.state();
    const st = await site.state();
    assert.ok(c.Tunnels.length > 0 && c.Tunnels.every((t) => t.Side === 'gateway'), 'the gateway ends on the cloud agent');
    assert.ok(st.Tunnels.length > 0 && st.Tunnels.every((t) => t.Side === 'site_device'), 'the branch ends on the site agent');
    const r = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(r.Received, 5, JSON.stringify(r));
  });

  test('a lab flow whose two ends are on different agents (iperf3 server by the cloud agent, client by the site agent)', async () => {
    const r = await lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.siteHost, Target: s.vpcHostIp, Streams: 2, Seconds: 2, Protocol: 'tcp',
    });
    console.log(`# flow across machines, 2 TCP streams, 2 s: ${r.TotalMbps.toFixed(1)} Mbit/s, ${r.Retransmits} retransmits`);
    assert.ok(r.TotalMbps > 0, JSON.stringify(r));
    assert.equal(r.Streams.length, 2);
  });

  test('a master cut fails over across machines', async () => {
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: s.tunnels[0].TunnelId, Action: 'cut' });
    await lab.waitFor('slave active on the cloud agent', async () => (await cloud.state()).Tunnels
      .some((t) => t.Active && t.TunnelId === s.tunnels[1].TunnelId), 20000, 200);
    const r = await lab.waitFor('traffic through the slave', async () => {
      const got = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
      return got.Received === 5 && got;
    }, 20000, 500);
    assert.equal(r.Received, 5);
  });
});
