'use strict';
// VPC route tables in the data plane: a host in a vSwitch bound to a custom route table
// reaches the branch only while that table has the entry to the VPN gateway; a host in a
// vSwitch of the system table keeps reaching it throughout (the connection's routes are the
// system table's entries).  Everything through the public API; reachability by real probes.
//
//   host A (vSwitch A, system table) ─┐
//                                     ├─ VPC router ── gateway endpoints ══ tunnels ══ branch ── host
//   host B (vSwitch C, custom table) ─┘

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const SITE_LAN = '192.168.10.0/24';

describe('custom VPC route table bound to a vSwitch', { skip: skip || false }, () => {
  let srv, s, call, table, hostB;

  before(async () => {
    srv = await lab.startServer({ delayMs: 50 });
    await lab.startAgent({ server: srv });
    s = await lab.seedTopology(srv, { lan: SITE_LAN });
    call = s.call;
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (route table)');
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  /**
   * Polls short probes from host to the branch host until reachability is `want`; a host its
   * agent has not built yet is asked again, never counted as unreachable.
   */
  const reaches = (host, want, what) => lab.waitFor(what, async () => {
    let r;
    try {
      r = await lab.probe(srv, host, s.siteHostIp, 3, 100);
    } catch (e) {
      if (e.status === 404 && /has not built/.test(e.body.Message || '')) return false;
      throw e;
    }
    return want ? r.Received > 0 : r.Received === 0;
  }, 30000, 200);

  const entries = async () => (await call('DescribeRouteEntryList', { RouteTableId: table, MaxResult: 100 }))
    .RouteEntrys.RouteEntry;

  test('a host in a new vSwitch reaches the branch through the system table', async () => {
    const zone = (await call('DescribeZones')).Zones.Zone[0].ZoneId;
    s.vswC = (await call('CreateVSwitch', { VpcId: s.vpc, ZoneId: zone, CidrBlock: '10.0.3.0/24' })).VSwitchId;
    await lab.waitFor('vSwitch C Available', async () => (await call('DescribeVSwitches', { VSwitchId: s.vswC }))
      .VSwitches.VSwitch[0].Status === 'Available');
    hostB = (await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vswC })).HostId;
    await reaches(hostB, true, 'host B reaches the branch');
    // what the kernel does is what the system table lists: the branch LAN toward the gateway
    const system = (await call('DescribeVpcs', { VpcId: s.vpc })).Vpcs.Vpc[0].RouterTableIds.RouterTableIds[0];
    const list = (await call('DescribeRouteEntryList', { RouteTableId: system, MaxResult: 100 })).RouteEntrys.RouteEntry;
    const toBranch = list.find((e) => e.DestinationCidrBlock === SITE_LAN);
    assert.ok(toBranch, JSON.stringify(list));
    assert.equal(toBranch.NextHops.NextHop[0].NextHopType, 'VpnGateway');
    assert.equal(toBranch.NextHops.NextHop[0].NextHopId, s.gw);
  });

  test('bound to a custom table without the entry: host B cannot reach the branch, host A still can', async () => {
    table = (await call('CreateRouteTable', { VpcId: s.vpc, RouteTableName: 'branch-less' })).RouteTableId;
    await lab.waitFor('table Available', async () => (await call('DescribeRouteTableList', { RouteTableId: table }))
      .RouterTableList.RouterTableListType[0].Status === 'Available');
    await call('AssociateRouteTable', { RouteTableId: table, VSwitchId: s.vswC });
    await lab.waitFor('vSwitch C Available again', async () => (await call('DescribeVSwitches', { VSwitchId: s.vswC }))
      .VSwitches.VSwitch[0].Status === 'Available');
    assert.ok(!(await entries()).some((e) => e.DestinationCidrBlock === SITE_LAN));
    await reaches(hostB, false, 'host B cut off from the branch');
    const a = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(a.Received, 5, `host A in the system table's vSwitch: ${JSON.stringify(a)}`);
  });

  test('the entry to the VPN gateway in that table: host B reaches the branch; deleted: cut off again', async () => {
    const { RouteEntryId } = await call('CreateRouteEntry', {
      RouteTableId: table, DestinationCidrBlock: SITE_LAN, NextHopType: 'VpnGateway', NextHopId: s.gw,
    });
    await lab.waitFor('entry Available', async () => (await entries())
      .some((e) => e.RouteEntryId === RouteEntryId && e.Status === 'Available'));
    await reaches(hostB, true, 'host B reaches the branch through the custom table');
    await call('DeleteRouteEntry', { RouteTableId: table, RouteEntryId });
    await lab.waitFor('entry gone', async () => !(await entries()).some((e) => e.RouteEntryId === RouteEntryId));
    await reaches(hostB, false, 'host B cut off again');
  });

  test('unassociated: host B follows the system table again', async () => {
    await call('UnassociateRouteTable', { RouteTableId: table, VSwitchId: s.vswC });
    await reaches(hostB, true, 'host B reaches the branch through the system table');
    await lab.waitFor('vSwitch C Available', async () => (await call('DescribeVSwitches', { VSwitchId: s.vswC }))
      .VSwitches.VSwitch[0].Status === 'Available');
    await call('DeleteRouteTable', { RouteTableId: table });
    await lab.waitFor('table gone', async () => (await call('DescribeRouteTableList', { RouteTableId: table }))
      .RouterTableList.RouterTableListType.length === 0);
  });
});
