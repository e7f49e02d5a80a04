'use strict';
// A transit router's link to a vSwitch another agent builds: on three "machines" (host
// namespaces on one LAN, as in zones.test.js), cloud agent A serves each region's first zone,
// B the second, S the branch.  VPC 1 (zone A) is attached first, so the router runs on A; VPC 2
// has its only vSwitch in zone B, so its attachment's interface is a link stretched from the
// router on A into VPC 2's vSwitch bridge on B (a VXLAN pair over the machines' LAN).  A
// branch attached by IPsec reaches VPC 2's host and back through the router, VPC 1 reaches
// VPC 2; the attachment deleted, both ends of the stretched link go and VPC 2 is cut off.
//
//   root ns: vpnlabd on 10.253.N.254 ─┐
//   host A: cloud agent, 10.253.N.1 ───┤   transit router, VPC 1 router, the IPsec endpoint
//   host B: cloud agent, 10.253.N.2 ───┼── VPC 2 router (its vSwitch bridge ⇠ VXLAN ⇢ the router on A)
//   host S: site agent,  10.253.N.3 ───┘   branch

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const TAG = `vltz${process.pid % 100000}`;
const NET = `10.253.${process.pid % 250}`;
const LAN = '192.168.70.0/24';

function buildHosts() {
  const lanNs = `${TAG}-lan`;
  lab.addHostNamespace(lanNs);
  lab.sh('ip', ['-n', lanNs, 'link', 'add', 'br0', 'type', 'bridge']);
  lab.sh('ip', ['-n', lanNs, 'link', 'set', 'br0', 'up']);
  const plug = (ns, dev, port, addr) => {
    lab.sh('ip', ['link', 'add', dev, ...(ns ? ['netns', ns] : []), 'type', 'veth', 'peer', 'name', port, 'netns', lanNs]);
    lab.sh('ip', ['-n', lanNs, 'link', 'set', port, 'master', 'br0', 'up']);
    lab.sh('ip', [...(ns ? ['-n', ns] : []), 'addr', 'add', addr, 'dev', dev]);
    lab.sh('ip', [...(ns ? ['-n', ns] : []), 'link', 'set', dev, 'up']);
  };
  for (const [h, n] of [['a', 1], ['b', 2], ['s', 3]]) {
    lab.addHostNamespace(`${TAG}-${h}`);
    plug(`${TAG}-${h}`, 'eth0', `p${h}`, `${NET}.${n}/24`);
  }
  plug(null, `${TAG}r`, 'pr', `${NET}.254/24`);
}

/** The VXLAN devices of namespace ns: [{ name, vni, master, mtu, addrs (IPv4) }] ([] when ns is gone). */
function vxlans(ns) {
  let out;
  try {
    out = lab.sh('ip', ['-j', '-d', '-n', ns, 'addr', 'show', 'type', 'vxlan']);
  } catch {
    return [];
  }
  return JSON.parse(out || '[]').map((l) => ({
    name: l.ifname, vni: l.linkinfo && l.linkinfo.info_data ? l.linkinfo.info_data.id : undefined,
    master: l.master, mtu: l.mtu, addrs: (l.addr_info || []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

describe('transit router: a VPC attachment whose vSwitch another agent builds', { skip: skip || false }, () => {
  let srv, a, b, call, t;
  const rest = (method, p, body) => lab.rest(srv, method, p, body);
  const reaches = (from, to, want, what) => lab.waitReach(srv, from, to, want, what, 45000, 250);

  before(async () => {
    buildHosts();
    srv = await lab.startServer({ delayMs: 50, listenHost: `${NET}.254`, args: ['--dpd-delay-s', '1'] });
    a = await lab.startAgent({ server: srv, netns: `${TAG}-a`, listenIp: `${NET}.1`, role: 'cloud', args: ['--zone-index', '1'] });
    b = await lab.startAgent({ server: srv, netns: `${TAG}-b`, listenIp: `${NET}.2`, role: 'cloud', args: ['--zone-index', '2'] });
    await lab.startAgent({ server: srv, netns: `${TAG}-s`, listenIp: `${NET}.3`, role: 'site' });
    call = lab.rpc(srv);
    await lab.waitFor('three agents registered', async () => (await rest('GET', '/v1/agents')).Agents.length === 3, 15000, 100);
    const region = srv.region || lab.REGION;
    // VPC 1 in zone A, attached first: the router goes to A
    t = await lab.transitRouterCore(srv);
    const net2 = await lab.vpcWithVSwitches(call, '10.2.0.0/16', [1]);
    Object.assign(t, { zoneB: net2.zones[0], vpc2: net2.vpc, vsw2: net2.vsw[0] });
    const h2 = await rest('POST', '/v1/lab/hosts', { VSwitchId: t.vsw2 });
    Object.assign(t, { vpc2Host: h2.HostId, vpc2HostIp: h2.IpAddress });
    t.attVpc2 = (await rest('POST', '/v1/transit-router-vpc-attachments', {
      RegionId: region, TransitRouterId: t.tr, VpcId: t.vpc2, ZoneMappings: [{ ZoneId: t.zoneB, VSwitchId: t.vsw2 }],
    })).TransitRouterAttachmentId;
    await lab.waitFor('VPC 2 attachment Attached', async () => (await rest('GET',
      `/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=${t.attVpc2}`)).TransitRouterAttachments[0].Status === 'Attached');
    await lab.transitRouterBind(srv, t, t.attVpc2);
    // the VPCs send the branch and each other to their attachments
    const system = async (vpc) => (await call('DescribeVpcs', { VpcId: vpc })).Vpcs.Vpc[0].RouterTableIds.RouterTableIds[0];
    t.system1 = await system(t.vpc);
    t.system2 = await system(t.vpc2);
    await call('CreateRouteEntry', { RouteTableId: t.system1, DestinationCidrBlock: '10.2.0.0/16', NextHopType: 'Attachment', NextHopId: t.attVpc });
    for (const dest of [LAN, '10.1.0.0/16']) {
      await call('CreateRouteEntry', { RouteTableId: t.system2, DestinationCidrBlock: dest, NextHopType: 'Attachment', NextHopId: t.attVpc2 });
    }
    // the branch, by IPsec to the router
    const cgw = (await call('CreateCustomerGateway', { IpAddress: '203.0.113.81' })).CustomerGatewayId;
    t.vco = (await rest('POST', '/v1/vpn-attachments', {
      RegionId: region, Name: 'tr-zones-branch', CustomerGatewayId: cgw, LocalSubnet: '10.1.0.0/16,10.2.0.0/16',
      RemoteSubnet: LAN, IkeConfig: { IkeVersion: 'ikev2', Psk: 'tr-zones-psk' },
    })).VpnConnectionId;
    t.site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: [cgw], LanCidr: LAN })).SiteId;
    const bh = await rest('POST', '/v1/lab/hosts', { SiteId: t.site });
    Object.assign(t, { siteHost: bh.HostId, siteHostIp: bh.IpAddress });
    t.attVpn = await lab.transitRouterAttachVpn(srv, t, t.vco);
    await lab.transitRouterBind(srv, t, t.attVpn);
    await lab.waitFor('the connection ipsec_sa_established', async () =>
      (await call('DescribeVpnConnection', { VpnConnectionId: t.vco })).Status === 'ipsec_sa_established', 60000, 250);
  });

  after(() => lab.teardown(srv, 'vpnlabd (transit router across zones)'));

  test('the router runs on A; its link to VPC 2 is a VXLAN pair, A\'s end in the router, B\'s in the vSwitch bridge', async () => {
    const trNs = `${a.prefix}-${t.tr}`, vpc2Ns = `${b.prefix}-${t.vpc2}`;
    assert.ok(lab.namespacesWithPrefix(a.prefix).includes(trNs), 'the router is on A');
    assert.ok(!lab.namespacesWithPrefix(b.prefix).includes(`${b.prefix}-${t.tr}`), 'and not on B');
    assert.ok(!lab.namespacesWithPrefix(a.prefix).includes(`${a.prefix}-${t.vpc2}`), 'VPC 2 has no router on A');
    const ends = await lab.waitFor('both ends of the stretched link', async () => {
      const [x, y] = [vxlans(trNs), vxlans(vpc2Ns)];
      return x.length === 1 && y.length === 1 && y[0].master && { x: x[0], y: y[0] };
    }, 30000, 200);
    assert.equal(ends.x.vni, ends.y.vni, 'one VNI at both ends');
    assert.ok(ends.x.vni >= 0x10000 && ends.x.vni < 0x100000, `VNI ${ends.x.vni} is clear of the fabrics' and the underlay's`);
    assert.equal(ends.x.addrs.length, 1, JSON.stringify(ends.x));
    assert.match(ends.x.addrs[0], /^10\.2\.1\.\d+\/24$/, 'the router holds the attachment\'s address in vSwitch 2');
    assert.match(ends.y.master, /^b[0-9a-f]{8}$/, 'B\'s end is a port of the vSwitch bridge');
    assert.equal(ends.x.mtu, 1500);
    assert.equal(ends.y.mtu, 1500);
    t.ends = ends;
  });

  test('VPC 2 host ↔ branch host through the router on A, both ways; VPC 1 ↔ VPC 2', async () => {
    await reaches(t.vpc2Host, t.siteHostIp, true, 'VPC 2 host reaches the branch host');
    const back = await lab.probe(srv, t.siteHost, t.vpc2HostIp, 5, 100);
    assert.equal(back.Received, 5, `branch → VPC 2: ${JSON.stringify(back)}`);
    const fwd = await lab.probe(srv, t.vpc2Host, t.siteHostIp, 5, 100);
    assert.equal(fwd.Received, 5, `VPC 2 → branch: ${JSON.stringify(fwd)}`);
    await reaches(t.vpcHost, t.vpc2HostIp, true, 'VPC 1 host reaches VPC 2 host');
    const back2 = await lab.probe(srv, t.vpc2Host, t.vpcHostIp, 5, 100);
    assert.equal(back2.Received, 5, `VPC 2 → VPC 1: ${JSON.stringify(back2)}`);
    // full-size packets cross the stretched link (a bridge would drop frames over a port's MTU)
    const big = lab.sh('ip', ['netns', 'exec', `${b.prefix}-${t.vpc2Host}`, 'ping', '-c', '3', '-W', '2', '-M', 'dont',
      '-s', '1472', t.vpcHostIp]);
    assert.match(big, / 3 received/, big);
  });

  test('the attachment deleted: both ends of the stretched link go, VPC 2 is cut off from the branch', async () => {
    // its VPC route entries first: the router does not remove the customer's own
    for (const entry of (await call('DescribeRouteEntryList', { RouteTableId: t.system2, MaxResult: 100 })).RouteEntrys.RouteEntry
      .filter((e) => e.NextHops.NextHop.some((h) => h.NextHopId === t.attVpc2))) {
      await call('DeleteRouteEntry', { RouteTableId: t.system2, RouteEntryId: entry.RouteEntryId });
    }
    await lab.waitFor('attachment deleted', async () => {
      try {
        await rest('DELETE', `/v1/transit-router-vpc-attachments/${t.attVpc2}?Force=true`);
        return true;
      } catch (e) {
        if (e.status === 400 && /RouteEntryExist|IncorrectStatus/.test(JSON.stringify(e.body))) return false;
        throw e;
      }
    }, 30000, 200);
    await lab.waitFor('the router\'s end gone on A', async () => vxlans(`${a.prefix}-${t.tr}`).length === 0, 30000, 200);
    await lab.waitFor('the vSwitch\'s end gone on B', async () => vxlans(`${b.prefix}-${t.vpc2}`).length === 0, 30000, 200);
    await reaches(t.vpc2Host, t.siteHostIp, false, 'VPC 2 host cut off from the branch');
    const back = await lab.probe(srv, t.siteHost, t.vpc2HostIp, 3, 100);
    assert.equal(back.Received, 0, `branch → VPC 2 after the detach: ${JSON.stringify(back)}`);
    // the rest of the router keeps working
    await reaches(t.vpcHost, t.siteHostIp, true, 'VPC 1 host still reaches the branch host');
  });
});
