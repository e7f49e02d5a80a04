'use strict';
// Policy-based VPN routes in the data plane: one single-tunnel VPN gateway, two IPsec
// connections to the two devices of one branch, both reaching the branch LAN.  A destination
// route sends the LAN to connection 2; a policy route sends source vSwitch A to the same LAN
// through connection 1 (policy routes match before destination routes).  Hosts in vSwitch A
// and vSwitch B probe the same branch host: the per-connection counters on GET /metrics show
// A's packets leave through connection 1 and B's through connection 2, and cutting
// connection 1 stops A's traffic only.  Then a weight-0 policy route for A through
// connection 2 (same source, destination and priority: a standby) carries A while
// connection 1 is down (its health check failed), and A returns to connection 1 when it is
// back, as the cloud documents for active/standby policy routes.
//
//   host A 10.0.1.0/24 ─┐                        ┌═ conn 1 ═ device 1 ─┐
//                       ├─ VPC router ─ gateway ─┤                     ├─ branch LAN host
//   host B 10.0.2.0/24 ─┘                        └═ conn 2 ═ device 2 ─┘

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const LAN = '192.168.70.0/24';
const SOURCE_A = '10.0.1.0/24';

describe('policy-based VPN routes', { skip: skip || false }, () => {
  let srv, agent, call;
  const s = {};

  before(async () => {
    srv = await lab.startSingleTunnelServer();
    agent = await lab.startAgent({ server: srv });
    call = lab.rpc(srv);
    s.vpc = (await call('CreateVpc', { CidrBlock: '10.0.0.0/16' })).VpcId;
    await lab.waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: s.vpc })).Vpcs.Vpc[0].Status === 'Available');
    const zone = (await call('DescribeZones')).Zones.Zone[0].ZoneId;
    s.vswA = (await call('CreateVSwitch', { VpcId: s.vpc, ZoneId: zone, CidrBlock: SOURCE_A })).VSwitchId;
    s.vswB = (await call('CreateVSwitch', { VpcId: s.vpc, ZoneId: zone, CidrBlock: '10.0.2.0/24' })).VSwitchId;
    await lab.waitFor('vSwitches Available', async () => (await call('DescribeVSwitches', { VpcId: s.vpc })).VSwitches.VSwitch
      .every((v) => v.Status === 'Available'));
    s.gw = (await call('CreateVpnGateway', { VpcId: s.vpc, VSwitchId: s.vswA, Bandwidth: 100, EnableIpsec: true })).VpnGatewayId;
    s.idle = () => lab.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active');
    await s.idle();
    s.cgw = [];
    for (const ip of ['203.0.113.71', '203.0.113.72']) {
      s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
    }
    s.vco = [];
    for (const [i, cgw] of s.cgw.entries()) {
      await s.idle();
      s.vco.push((await call('CreateVpnConnection', {
        VpnGatewayId: s.gw, CustomerGatewayId: cgw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: LAN,
        EffectImmediately: true, AutoConfigRoute: false,
        IkeConfig: JSON.stringify({ IkeVersion: 'ikev2', Psk: `pbr-psk-${i}` }),
      })).VpnConnectionId);
    }
    await s.idle();
    await call('CreateVpnRouteEntry', { VpnGatewayId: s.gw, RouteDest: LAN, NextHop: s.vco[1], Weight: 100, PublishVpc: true });
    await s.idle();
    await call('CreateVpnPbrRouteEntry', {
      VpnGatewayId: s.gw, RouteSource: SOURCE_A, RouteDest: LAN, NextHop: s.vco[0], Weight: 100, Priority: 10,
      PublishVpc: true,
    });
    await s.idle();
    s.site = (await lab.rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: LAN })).SiteId;
    s.hostA = (await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vswA })).HostId;
    s.hostB = (await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vswB })).HostId;
    s.siteHostIp = (await lab.rest(srv, 'POST', '/v1/lab/hosts', { SiteId: s.site })).IpAddress;
    await established();
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (policy routes)');
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  const established = () => lab.waitFor('both connections established', async () => {
    const got = await call('DescribeVpnConnections', { VpnGatewayId: s.gw });
    return got.VpnConnections.VpnConnection.every((c) => c.Status === 'ipsec_sa_established');
  }, 60000, 200);

  /** Packets each connection sent toward the branch, as GET /metrics shows them. */
  async function sentOut() {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    return s.vco.map((v) => {
      const line = text.split('\n').find((l) => l.startsWith(
        `vpnlab_vpn_connection_packets_total{vpn_connection_id="${v}",direction="out"} `));
      return line ? Number(line.split(' ').pop()) : 0;
    });
  }

  /** Packets each connection sent while fn ran, once /metrics shows shown(deltas) (lab.countersDuring). */
  const carried = (fn, shown, timeoutMs = 15000) => lab.countersDuring(sentOut, fn, shown, timeoutMs, 200);

  const probeAll = async (host, count = 20) => {
    const r = await lab.probe(srv, host, s.siteHostIp, count, 20);
    assert.equal(r.Received, count, `probe from ${host}: ${JSON.stringify(r)}`);
  };

  test('source A leaves through connection 1 (policy route), source B through connection 2 (destination route)', async () => {
    // the policy route is a rule of the VPC router, and connection 1's SA carries only source A
    const a = await carried(() => probeAll(s.hostA), ([c1]) => c1 >= 20);
    console.log(`# host A: connection 1 sent ${a[0]}, connection 2 sent ${a[1]}`);
    assert.ok(a[0] >= 20 && a[1] < 5, `A through connection 1 only (${a})`);
    const b = await carried(() => probeAll(s.hostB), ([, c2]) => c2 >= 20);
    console.log(`# host B: connection 1 sent ${b[0]}, connection 2 sent ${b[1]}`);
    assert.ok(b[1] >= 20 && b[0] < 5, `B through connection 2 only (${b})`);
    const rules = lab.sh('ip', ['-n', (await agent.state()).Namespaces[s.vpc], '-4', 'rule', 'show']);
    assert.match(rules, new RegExp(`from ${SOURCE_A.replace(/\./g, '\\.')} to ${LAN.replace(/\./g, '\\.')} lookup 2001`), rules);
  });

  test('connection 1 cut: A loses the branch, B keeps it', async () => {
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
    await lab.waitFor('A loses the branch', async () => (await lab.probe(srv, s.hostA, s.siteHostIp, 3, 100)).Received === 0,
      30000, 200);
    await probeAll(s.hostB);
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
    await lab.waitFor('A reaches the branch again', async () => (await lab.probe(srv, s.hostA, s.siteHostIp, 3, 100))
      .Received === 3, 90000, 500);
  });

  test('a weight-0 policy route for A through connection 2 stands by: it carries A while connection 1 is down', async () => {
    // connection 2 now carries only what policy routes send it: A, as the standby
    await s.idle();
    await call('DeleteVpnRouteEntry', { VpnGatewayId: s.gw, RouteDest: LAN, NextHop: s.vco[1], Weight: 100 });
    await s.idle();
    await call('CreateVpnPbrRouteEntry', {
      VpnGatewayId: s.gw, RouteSource: SOURCE_A, RouteDest: LAN, NextHop: s.vco[1], Weight: 0, Priority: 10,
      PublishVpc: true,
    });
    await s.idle();
    // connection 1's health check tells the gateway its path is gone (DPD would take 30 s)
    await call('ModifyVpnConnectionAttribute', {
      VpnConnectionId: s.vco[0],
      HealthCheckConfig: JSON.stringify({ enable: true, sip: '10.0.1.250', dip: '192.168.70.1', interval: 1, retry: 3 }),
    });
    await s.idle();
    await established();
    await lab.waitFor('A through connection 1', async () => {
      const [c1, c2] = await carried(() => probeAll(s.hostA), ([first]) => first >= 20);
      return c1 >= 20 && c2 < 5;
    }, 60000, 500);

    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
    const started = Date.now();
    await lab.waitFor('the standby carries A', async () => {
      const [c1, c2] = await carried(() => lab.probe(srv, s.hostA, s.siteHostIp, 10, 20), ([, second]) => second >= 10,
        3000);
      return c2 >= 10 && c1 === 0;
    }, 60000, 200);
    console.log(`# connection 1 cut: A seen through the standby connection 2 within ${Date.now() - started} ms`
      + ' (health check 1 s × 3, then the branch device drops its side)');
    await probeAll(s.hostA);

    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
    await established();
    await lab.waitFor('A back on connection 1', async () => {
      const [c1, c2] = await carried(() => lab.probe(srv, s.hostA, s.siteHostIp, 10, 20), ([first]) => first >= 10,
        3000);
      return c1 >= 10 && c2 === 0;
    }, 90000, 500);
  });
});
