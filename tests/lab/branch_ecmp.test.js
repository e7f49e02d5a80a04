'use strict';
// Branch-side ECMP (the seed's recommended design): a branch with two gateway devices, each
// terminating its own IPsec connection to one VPN gateway toward the same VPC block, spreads
// its traffic to the cloud over both: the site's router (the hosts' default router) holds one
// multipath route over the devices, hashed per flow on L4.  A device whose tunnel goes down
// leaves that route as soon as the agent sees the tunnel's SA gone (its detection time, here
// DPD: both connections share the gateway's endpoint, so no liveness probe can tell them
// apart), and comes back with its tunnel.
//
//   site host ──► site router 192.168.70.254 ──┬─► device 1 (cgw1) ══ connection A ══╗
//                 10.0.0.0/16: multipath       └─► device 2 (cgw2) ══ connection B ══╩═► VPN gateway ─► VPC host
//
// A single-tunnel region, so each device has exactly one tunnel.  The spread is measured in
// the branch → cloud direction: bytes each connection's gateway SA received ("in" on
// /metrics).  The cloud side answers through whichever of the two SAs its endpoint prefers
// (both have the same selectors): the return direction is not spread, and need not be.

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun() || (() => {
  try { lab.sh('iperf3', ['--version']); return null; } catch { return 'iperf3 is not installed'; }
})();

const LAN = '192.168.70.0/24';
const DEVICE_IPS = ['192.168.70.1', '192.168.70.2'];
const ROUTER_IP = '192.168.70.254';
const BLOCK = '10.0.0.0/16';
const PROBE_INTERVAL_MS = 50;

describe('branch-side ECMP over two gateway devices', { skip: skip || false }, () => {
  let srv, agent, call, s = {};

  before(async () => {
    srv = await lab.startSingleTunnelServer({ args: ['--dpd-delay-s', '1'] });
    agent = await lab.startAgent({ server: srv });
    call = lab.rpc(srv);
    const net = await lab.vpcWithVSwitches(call, BLOCK);
    Object.assign(s, { vpc: net.vpc, vsw: net.vsw[0], gw: await lab.vpnGateway(call, net, 1000) });
    const idle = () => lab.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active');
    s.cgw = [];
    for (const ip of ['203.0.113.71', '203.0.113.72']) s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
    s.vco = [];
    for (const [i, cgw] of s.cgw.entries()) {
      await idle();
      s.vco.push((await call('CreateVpnConnection', {
        VpnGatewayId: s.gw, CustomerGatewayId: cgw, LocalSubnet: BLOCK, RemoteSubnet: LAN, EffectImmediately: true,
        IkeConfig: JSON.stringify({ IkeVersion: 'ikev2', Psk: `ecmp-psk-${i}` }),
      })).VpnConnectionId);
    }
    s.site = (await lab.rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: LAN })).SiteId;
    const vh = await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vsw });
    const sh = await lab.rest(srv, 'POST', '/v1/lab/hosts', { SiteId: s.site });
    Object.assign(s, { vpcHost: vh.HostId, vpcHostIp: vh.IpAddress, siteHost: sh.HostId, siteHostIp: sh.IpAddress });
    await lab.waitFor('both connections established', async () => {
      const got = await call('DescribeVpnConnections', { VpnGatewayId: s.gw });
      return got.VpnConnections.VpnConnection.every((c) => c.Status === 'ipsec_sa_established');
    }, 60000, 200);
    await lab.waitFor('the site router routes over both devices', async () => (await siteVia()) === DEVICE_IPS.join(','), 30000, 100);
  });

  after(() => lab.teardown(srv, 'vpnlabd (branch ECMP)'));

  /** The site router's next hops toward the VPC block, as the agent installed them ("a,b"). */
  function viaOf(st) {
    return (st.Routes.find((r) => r.Site === s.site && r.Dest === BLOCK) || {}).Via;
  }
  const siteVia = async () => viaOf(await agent.state());

  /** Bytes each connection's gateway SA received from the branch ("in"), as /metrics says. */
  async function bytesIn() {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    return s.vco.map((v) => {
      const line = text.split('\n')
        .find((l) => l.startsWith(`vpnlab_vpn_connection_bytes_total{vpn_connection_id="${v}",direction="in"} `));
      return line ? Number(line.split(' ').pop()) : 0;
    });
  }

  /**
   * Runs 16 TCP streams from the site host to the VPC host for seconds and returns iperf3's
   * answer with each connection's share of the bytes the gateway received meanwhile (waits
   * until the agents' reports on /metrics account for the whole flow).
   */
  async function spreadFlow(seconds) {
    const before = await bytesIn();
    const r = await lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.siteHost, Target: s.vpcHostIp, Streams: 16, Seconds: seconds, Protocol: 'tcp',
    });
    let deltas = [0, 0];
    await lab.waitFor('the tunnel counters on /metrics show the flow', async () => {
      const now = await bytesIn();
      deltas = now.map((v, i) => v - before[i]);
      return deltas[0] + deltas[1] >= r.Bytes;
    }, 30000, 250);
    const total = deltas[0] + deltas[1];
    return { r, deltas, shares: deltas.map((d) => d / total) };
  }

  test('the site router: hosts route through it; one multipath route over both devices, hashed on L4', async () => {
    const ns = `${agent.prefix}-${s.site}`;
    const hostNs = (await agent.state()).Namespaces[s.siteHost];
    assert.match(lab.sh('ip', ['-n', hostNs, '-4', 'route', 'show', 'default']), new RegExp(`via ${ROUTER_IP.replace(/\./g, '\\.')} `));
    assert.match(lab.sh('ip', ['-n', ns, '-4', 'addr', 'show', 'dev', 'br0']), new RegExp(`inet ${ROUTER_IP.replace(/\./g, '\\.')}/24`));
    const route = lab.sh('ip', ['-n', ns, '-4', 'route', 'show', BLOCK]);
    for (const ip of DEVICE_IPS) assert.match(route, new RegExp(`nexthop via ${ip.replace(/\./g, '\\.')} `), route);
    assert.equal(lab.sh('ip', ['netns', 'exec', ns, 'cat', '/proc/sys/net/ipv4/fib_multipath_hash_policy']).trim(), '1');
    assert.equal(lab.sh('ip', ['netns', 'exec', ns, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim(), '1');
    const hosts = await lab.rest(srv, 'GET', `/v1/lab/hosts/${s.siteHost}`);
    assert.equal(hosts.Gateway, ROUTER_IP);
  });

  test('16 TCP streams from the branch: each device\'s tunnel carries 25-75 % of the bytes', async () => {
    const { r, deltas, shares } = await spreadFlow(6);
    console.log(`# 16 TCP streams branch → VPC, 6 s: ${r.TotalMbps.toFixed(1)} Mbit/s; gateway received ` +
      `${deltas[0]} B via device 1 (${(shares[0] * 100).toFixed(1)} %), ${deltas[1]} B via device 2 ` +
      `(${(shares[1] * 100).toFixed(1)} %)`);
    for (const [i, share] of shares.entries()) {
      assert.ok(share >= 0.25 && share <= 0.75, `device ${i + 1} carried ${(share * 100).toFixed(1)} % (${deltas})`);
    }
  });

  test('device 1\'s tunnel cut: its flows move to device 2 within its detection time + 0.5 s; restored: both carry again', async () => {
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const st = await agent.state();
        const device = st.Tunnels.find((t) => t.Side === 'site_device' && t.VpnConnectionId === s.vco[0]);
        const gateway = s.vco.map((v) => (st.Tunnels.find((t) => t.Side === 'gateway' && t.VpnConnectionId === v) || {}).PacketsIn || 0);
        samples.push({ t: Date.now(), via: viaOf(st), device1: device ? device.ChildState : '', gateway });
        await lab.sleep(100);
      }
    })();
    const flowing = lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.siteHost, Target: s.vpcHostIp, Streams: 16, Seconds: 20, Protocol: 'tcp',
    });
    const probing = lab.probe(srv, s.siteHost, s.vpcHostIp, 300, PROBE_INTERVAL_MS);
    await lab.sleep(3000);
    const cutAt = Date.now();
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
    const [r, p] = await Promise.all([flowing, probing]);
    sampling = false;
    await sampler;

    const down = samples.find((x) => x.t >= cutAt && x.device1 !== 'INSTALLED');
    const left = samples.find((x) => x.t >= cutAt && x.via === DEVICE_IPS[1]);
    const trail = samples.map((x) => [x.t - cutAt, x.via, x.device1, ...x.gateway]);
    assert.ok(down, `device 1's tunnel never went down: ${JSON.stringify(trail)}`);
    assert.ok(left, `the site router never left device 1: ${JSON.stringify(trail)}\n${agent.output().split('\n').slice(-60).join('\n')}`);
    const windowMs = (p.Sent - p.Received) * PROBE_INTERVAL_MS;
    console.log(`# device 1 cut: its tunnel seen down after ${down.t - cutAt} ms (DPD, --dpd-delay-s 1), the site ` +
      `router left it ${left.t - down.t} ms later; probe site → VPC lost ${p.Sent - p.Received}/${p.Sent} ` +
      `(loss window ≈ ${windowMs} ms); the 16 streams moved ${r.Bytes} B in 20 s, ${r.TotalMbps.toFixed(1)} Mbit/s, ` +
      `${r.Retransmits} retransmits`);
    // the route follows the tunnel's state at the poll that saw it (one sample apart at most)
    assert.ok(left.t - down.t <= 500, `left ${left.t - down.t} ms after the tunnel went down`);
    // flows go on through device 2: its SA keeps receiving after device 1 left, device 1's does not
    const last = samples[samples.length - 1];
    assert.ok(last.gateway[1] - left.gateway[1] > 1000, `device 2 carried ${last.gateway[1] - left.gateway[1]} packets after the switch`);
    assert.ok(last.gateway[0] - left.gateway[0] < 100, `device 1 still carried ${last.gateway[0] - left.gateway[0]} packets`);
    assert.equal(r.Streams.length, 16);
    assert.ok(r.Streams.every((x) => x.Mbps > 0), JSON.stringify(r.Streams));
    assert.ok(p.Received > 0, `the probe never got through: ${JSON.stringify(p)}`);

    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
    await lab.waitFor('connection A established again', async () => (await call('DescribeVpnConnection', { VpnConnectionId: s.vco[0] }))
      .Status === 'ipsec_sa_established', 60000, 200);
    await lab.waitFor('the site router routes over both devices again', async () => (await siteVia()) === DEVICE_IPS.join(','), 30000, 100);
    const again = await spreadFlow(6);
    console.log(`# restored, 16 TCP streams, 6 s: ${again.r.TotalMbps.toFixed(1)} Mbit/s; device 1 ` +
      `${(again.shares[0] * 100).toFixed(1)} %, device 2 ${(again.shares[1] * 100).toFixed(1)} %`);
    for (const [i, share] of again.shares.entries()) {
      assert.ok(share >= 0.25 && share <= 0.75, `device ${i + 1} carried ${(share * 100).toFixed(1)} % (${again.deltas})`);
    }
  });
});
