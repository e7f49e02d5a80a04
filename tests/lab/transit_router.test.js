'use strict';
// Seed scenario 2 end to end: a VPC attached to an Enterprise transit router, two IPsec
// connections (CreateVpnAttachment, one per device of a two-device branch) attached to the
// router, a custom route table every attachment is associated with and propagates into (the
// branch LAN learned over both connections: two Active entries, ECMP), and the VPC's system
// table sending the branch LAN to the VPC attachment.  A second branch (one device, one
// connection, attached too) reaches the first one and the VPC through the router; moved to
// a table of its own, only its forwarding changes.  A blackhole entry drops; a second VPC
// reaches the first through the router; a dual-tunnel connection of a third branch fails over
// from master to slave; the agent killed with SIGKILL and restarted loses no probe and
// renegotiates nothing.  Everything through the public API; reachability by real
// probes, the spread by real iperf3 streams and the tunnels' counters.
//
//   VPC host ── VPC router ══ TR interface ── transit router ─┬─ link ── endpoint 1 ══ tunnel ══ device 1 ─┐
//                                                            ├─ link ── endpoint 2 ══ tunnel ══ device 2 ─┴─ branch host
//                                                            └─ link ── endpoint B ══ tunnel ══ device B ─── branch B host

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun() || (() => {
  try { lab.sh('iperf3', ['--version']); return null; } catch { return 'iperf3 is not installed'; }
})();
const LAN = '192.168.20.0/24';
const LAN_B = '192.168.40.0/24'; // a second branch, one device, one connection

describe('transit router: seed scenario 2', { skip: skip || false }, () => {
  let srv, agent, call;
  const s = {};

  const rest = (method, p, body) => lab.rest(srv, method, p, body);
  const status = async (p, pick) => pick(await rest('GET', p));

  before(async () => {
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    agent = await lab.startAgent({ server: srv });
    call = lab.rpc(srv);
    const region = srv.region || lab.REGION;

    const net = await lab.vpcWithVSwitches(call, '10.1.0.0/16');
    Object.assign(s, { vpc: net.vpc, zone: net.zones[0], vsw: net.vsw[0] });
    s.cgw = [];
    for (const ip of ['203.0.113.21', '203.0.113.22']) s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
    s.vco = [];
    for (const [i, cgw] of s.cgw.entries()) {
      // the cloud side of branch A's tunnels: the VPC and branch B
      s.vco.push((await rest('POST', '/v1/vpn-attachments', {
        RegionId: region, Name: `tr-branch-${i + 1}`, CustomerGatewayId: cgw, LocalSubnet: `10.1.0.0/16,${LAN_B}`, RemoteSubnet: LAN,
        IkeConfig: { IkeVersion: 'ikev2', Psk: `tr-psk-${i + 1}` },
      })).VpnConnectionId);
    }
    s.site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: LAN })).SiteId;
    s.cgwB = (await call('CreateCustomerGateway', { IpAddress: '203.0.113.23' })).CustomerGatewayId;
    s.vcoB = (await rest('POST', '/v1/vpn-attachments', {
      RegionId: region, Name: 'tr-branch-b', CustomerGatewayId: s.cgwB, LocalSubnet: `10.1.0.0/16,${LAN}`, RemoteSubnet: LAN_B,
      IkeConfig: { IkeVersion: 'ikev2', Psk: 'tr-psk-b' },
    })).VpnConnectionId;
    s.siteB = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: [s.cgwB], LanCidr: LAN_B })).SiteId;
    const vh = await rest('POST', '/v1/lab/hosts', { VSwitchId: s.vsw });
    const bh = await rest('POST', '/v1/lab/hosts', { SiteId: s.site });
    const bbh = await rest('POST', '/v1/lab/hosts', { SiteId: s.siteB });
    Object.assign(s, { vpcHost: vh.HostId, vpcHostIp: vh.IpAddress, siteHost: bh.HostId, siteHostIp: bh.IpAddress,
      siteBHost: bbh.HostId, siteBHostIp: bbh.IpAddress });

    s.cen = (await rest('POST', '/v1/cens', { Name: 'lab-tr' })).CenId;
    await lab.waitFor('CEN Active', () => status(`/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=${s.cen}`,
      (r) => r.Cens[0].Status === 'Active'));
    s.tr = (await rest('POST', '/v1/transit-routers', {
      RegionId: region, CenId: s.cen, TransitRouterCidrList: [{ Cidr: '192.168.250.0/24' }],
    })).TransitRouterId;
    await lab.waitFor('transit router Active', () => status(`/v1/transit-routers?TransitRouterId=${s.tr}`,
      (r) => r.TransitRouters[0].Status === 'Active'));
    s.attVpc = (await rest('POST', '/v1/transit-router-vpc-attachments', {
      RegionId: region, TransitRouterId: s.tr, VpcId: s.vpc, ZoneMappings: [{ ZoneId: s.zone, VSwitchId: s.vsw }],
    })).TransitRouterAttachmentId;
    s.attVpn = [];
    for (const vco of [...s.vco, s.vcoB]) {
      s.attVpn.push((await rest('POST', '/v1/transit-router-vpn-attachments', {
        RegionId: region, TransitRouterId: s.tr, VpnId: vco, Zone: [{ ZoneId: s.zone }],
      })).TransitRouterAttachmentId);
    }
    await lab.waitFor('attachments Attached', async () =>
      (await status(`/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=${s.attVpc}`,
        (r) => r.TransitRouterAttachments[0].Status === 'Attached')) &&
      status(`/v1/transit-router-vpn-attachments?TransitRouterId=${s.tr}`,
        (r) => r.TransitRouterAttachments.length === 3 && r.TransitRouterAttachments.every((a) => a.Status === 'Attached')));
    s.rt = (await rest('POST', '/v1/transit-router-route-tables', { TransitRouterId: s.tr })).TransitRouterRouteTableId;
    await lab.waitFor('route table Active', () => status(
      `/v1/transit-router-route-tables?TransitRouterId=${s.tr}&TransitRouterRouteTableType=Custom`,
      (r) => r.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active'));
    for (const att of [s.attVpc, ...s.attVpn]) {
      await rest('POST', `/v1/transit-router-route-tables/${s.rt}/associations`, { TransitRouterAttachmentId: att });
      await rest('POST', `/v1/transit-router-route-tables/${s.rt}/propagations`, { TransitRouterAttachmentId: att });
    }
    await lab.waitFor('associations and propagations Active', async () =>
      (await status(`/v1/transit-router-route-tables/${s.rt}/associations`,
        (r) => r.TransitRouterAssociations.length === 4 && r.TransitRouterAssociations.every((a) => a.Status === 'Active'))) &&
      status(`/v1/transit-router-route-tables/${s.rt}/propagations`,
        (r) => r.TransitRouterPropagations.length === 4 && r.TransitRouterPropagations.every((a) => a.Status === 'Active')));
    // the VPC sends the branch to its attachment
    s.system = (await call('DescribeVpcs', { VpcId: s.vpc })).Vpcs.Vpc[0].RouterTableIds.RouterTableIds[0];
    for (const lan of [LAN, LAN_B]) {
      await call('CreateRouteEntry', { RouteTableId: s.system, DestinationCidrBlock: lan, NextHopType: 'Attachment', NextHopId: s.attVpc });
    }
  });

  after(() => lab.teardown(srv, 'vpnlabd (transit router)'));

  const connection = (id) => call('DescribeVpnConnection', { VpnConnectionId: id });
  const entries = async () => (await rest('GET', `/v1/transit-router-route-tables/${s.rt}/route-entries?TransitRouterRouteEntryStatus=All`))
    .TransitRouterRouteEntries;
  /** Bytes the cloud side sent toward the branch over each connection (GET /metrics). */
  async function sent() {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    return s.vco.map((vco) => {
      const line = text.split('\n').find((l) => l.startsWith(`vpnlab_vpn_connection_bytes_total{vpn_connection_id="${vco}",direction="out"} `));
      return line ? Number(line.split(' ').pop()) : 0;
    });
  }
  const reaches = (from, to, want, what) => lab.waitReach(srv, from, to, want, what, 30000, 200);
  const bothUp = () => lab.waitFor('both connections ipsec_sa_established', async () => {
    for (const vco of s.vco) if ((await connection(vco)).Status !== 'ipsec_sa_established') return false;
    return true;
  }, 60000, 200);

  test('both connections negotiate with the branch; the branch LAN has two Active entries (ECMP)', async () => {
    const t0 = Date.now();
    await bothUp();
    console.log(`# both TR connections established ${Date.now() - t0} ms after the setup`);
    const toLan = (await entries()).filter((e) => e.TransitRouterRouteEntryDestinationCidrBlock === LAN);
    assert.equal(toLan.filter((e) => e.TransitRouterRouteEntryStatus === 'Active').length, 2, JSON.stringify(toLan));
    const c = await connection(s.vco[0]);
    assert.equal(c.TransitRouterId, s.tr);
  });

  test('VPC host ↔ branch host through the transit router, both ways', async () => {
    await reaches(s.vpcHost, s.siteHostIp, true, 'VPC host reaches the branch host');
    const back = await lab.probe(srv, s.siteHost, s.vpcHostIp, 5, 100);
    assert.equal(back.Received, 5, `branch → VPC: ${JSON.stringify(back)}`);
  });

  test('16 TCP streams VPC → branch spread over both connections (25–75 % each)', async () => {
    const before = await sent();
    const r = await rest('POST', '/v1/lab/flows', { HostId: s.vpcHost, Target: s.siteHostIp, Streams: 16, Seconds: 4, Protocol: 'tcp' });
    assert.equal(r.Streams.length, 16);
    let now = before;
    await lab.waitFor('the counters show the flow', async () => {
      now = await sent();
      return now[0] - before[0] + now[1] - before[1] >= r.Bytes;
    }, 30000, 250);
    const moved = now.map((v, i) => v - before[i]);
    const total = moved[0] + moved[1];
    const shares = moved.map((m) => m / total);
    console.log(`# 16 streams, ${r.TotalMbps.toFixed(1)} Mbit/s in all; bytes per connection ${moved.join(' / ')}: ` +
      `shares ${shares.map((x) => (100 * x).toFixed(1)).join(' % / ')} %`);
    for (const share of shares) assert.ok(share >= 0.25 && share <= 0.75, `shares ${shares}`);
  });

  test('one tunnel cut: traffic continues on the other; restored: both carry again', async () => {
    const running = lab.probe(srv, s.vpcHost, s.siteHostIp, 150, 100);
    await lab.sleep(2000);
    await rest('POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
    const r = await running;
    const lostMs = (r.Sent - r.Received) * 100;
    console.log(`# connection 1 cut: ${r.Sent - r.Received} of ${r.Sent} probes lost: loss window ≈ ${lostMs} ms`);
    assert.ok(lostMs <= 12000, `traffic moved to connection 2 (${JSON.stringify(r)})`);
    // DescribeVpnConnection says what charon says: the cut connection's SAs go, the other's stay
    await lab.waitFor('the cut connection reported down', async () =>
      (await connection(s.vco[0])).Status !== 'ipsec_sa_established', 60000, 200);
    assert.equal((await connection(s.vco[1])).Status, 'ipsec_sa_established');
    const after = await lab.probe(srv, s.vpcHost, s.siteHostIp, 10, 100);
    assert.equal(after.Received, 10, 'connection 2 carries the traffic');
    const before = await sent();
    await rest('POST', '/v1/lab/flows', { HostId: s.vpcHost, Target: s.siteHostIp, Streams: 8, Seconds: 2, Protocol: 'tcp' });
    const during = await sent();
    await lab.waitFor('connection 2 counted the flow', async () => (await sent())[1] > before[1], 30000, 250);
    assert.ok(during[0] - before[0] < 1e6, `nothing goes over the cut connection: ${during[0] - before[0]} bytes`);

    await rest('POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
    await bothUp();
    await reaches(s.vpcHost, s.siteHostIp, true, 'VPC host reaches the branch host');
    await lab.waitFor('both connections carry a flow again', async () => {
      const b = await sent();
      await rest('POST', '/v1/lab/flows', { HostId: s.vpcHost, Target: s.siteHostIp, Streams: 16, Seconds: 2, Protocol: 'tcp' });
      let a = b;
      await lab.waitFor('counters', async () => { a = await sent(); return a[0] > b[0] || a[1] > b[1]; }, 30000, 250);
      await lab.sleep(3000); // the reports of both tunnels
      a = await sent();
      const moved = a.map((v, i) => v - b[i]);
      console.log(`# after the restore: bytes per connection ${moved.join(' / ')}`);
      return moved.every((m) => m > 0.1 * (moved[0] + moved[1]));
    }, 90000, 0);
  });

  test('a blackhole entry for the branch host drops; deleted, traffic flows again', async () => {
    const { TransitRouterRouteEntryId: id } = await rest('POST', `/v1/transit-router-route-tables/${s.rt}/route-entries`, {
      TransitRouterRouteEntryDestinationCidrBlock: `${s.siteHostIp}/32`, TransitRouterRouteEntryNextHopType: 'BlackHole',
    });
    await reaches(s.vpcHost, s.siteHostIp, false, 'the blackhole drops');
    await rest('DELETE', `/v1/transit-router-route-entries/${id}`);
    await reaches(s.vpcHost, s.siteHostIp, true, 'traffic flows again');
  });

  test('branch B ↔ branch A through the transit router, and branch B ↔ VPC', async () => {
    await lab.waitFor('branch B connection ipsec_sa_established', async () =>
      (await connection(s.vcoB)).Status === 'ipsec_sa_established', 60000, 200);
    const toB = (await entries()).filter((e) => e.TransitRouterRouteEntryDestinationCidrBlock === LAN_B);
    assert.deepEqual(toB.map((e) => e.TransitRouterRouteEntryStatus), ['Active'], JSON.stringify(toB));
    await reaches(s.siteBHost, s.siteHostIp, true, 'branch B reaches branch A');
    const back = await lab.probe(srv, s.siteHost, s.siteBHostIp, 5, 100);
    assert.equal(back.Received, 5, `branch A → branch B: ${JSON.stringify(back)}`);
    await reaches(s.siteBHost, s.vpcHostIp, true, 'branch B reaches the VPC host');
    const fromVpc = await lab.probe(srv, s.vpcHost, s.siteBHostIp, 5, 100);
    assert.equal(fromVpc.Received, 5, `VPC → branch B: ${JSON.stringify(fromVpc)}`);
  });

  test('a custom route table associated with branch B only changes what enters from branch B', async () => {
    const attB = s.attVpn[2];
    const rt2 = (await rest('POST', '/v1/transit-router-route-tables', { TransitRouterId: s.tr })).TransitRouterRouteTableId;
    await lab.waitFor('route table 2 Active', () => status(
      `/v1/transit-router-route-tables?TransitRouterId=${s.tr}&TransitRouterRouteTableType=Custom`,
      (r) => r.TransitRouterRouteTables.some((t) => t.TransitRouterRouteTableId === rt2 && t.TransitRouterRouteTableStatus === 'Active')));
    // ReplaceTransitRouterRouteTableAssociation: branch B now forwards by the empty table 2
    await rest('PUT', `/v1/transit-router-route-tables/${rt2}/associations`, { TransitRouterAttachmentId: attB });
    await lab.waitFor('branch B associated with table 2', () => status(`/v1/transit-router-route-tables/${rt2}/associations`,
      (r) => r.TransitRouterAssociations.length === 1 && r.TransitRouterAssociations[0].Status === 'Active'));
    await reaches(s.siteBHost, s.vpcHostIp, false, 'branch B reaches nothing (table 2 is empty)');
    // the other attachments still forward by table 1
    const a = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(a.Received, 5, `VPC → branch A is untouched: ${JSON.stringify(a)}`);
    // a static entry in table 2 toward the VPC: branch B reaches the VPC, not branch A
    await rest('POST', `/v1/transit-router-route-tables/${rt2}/route-entries`, {
      TransitRouterRouteEntryDestinationCidrBlock: '10.1.0.0/16', TransitRouterRouteEntryNextHopType: 'Attachment',
      TransitRouterRouteEntryNextHopId: s.attVpc,
    });
    await reaches(s.siteBHost, s.vpcHostIp, true, 'branch B reaches the VPC by its static entry');
    const toA = await lab.probe(srv, s.siteBHost, s.siteHostIp, 5, 100);
    assert.equal(toA.Received, 0, `table 2 has no route to branch A: ${JSON.stringify(toA)}`);
  });

  test('VPC ↔ VPC through the transit router (a second VPC attachment)', async () => {
    const region = srv.region || lab.REGION;
    const { vpc: vpc2, vsw: [vsw2] } = await lab.vpcWithVSwitches(call, '10.2.0.0/16');
    const h2 = await rest('POST', '/v1/lab/hosts', { VSwitchId: vsw2 });
    const att2 = (await rest('POST', '/v1/transit-router-vpc-attachments', {
      RegionId: region, TransitRouterId: s.tr, VpcId: vpc2, ZoneMappings: [{ ZoneId: s.zone, VSwitchId: vsw2 }],
    })).TransitRouterAttachmentId;
    await lab.waitFor('VPC 2 attachment Attached', () => status(`/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=${att2}`,
      (r) => r.TransitRouterAttachments[0].Status === 'Attached'));
    await rest('POST', `/v1/transit-router-route-tables/${s.rt}/associations`, { TransitRouterAttachmentId: att2 });
    await rest('POST', `/v1/transit-router-route-tables/${s.rt}/propagations`, { TransitRouterAttachmentId: att2 });
    await lab.waitFor('VPC 2 association and propagation Active', async () =>
      (await status(`/v1/transit-router-route-tables/${s.rt}/associations`,
        (r) => r.TransitRouterAssociations.some((a) => a.TransitRouterAttachmentId === att2 && a.Status === 'Active'))) &&
      status(`/v1/transit-router-route-tables/${s.rt}/propagations`,
        (r) => r.TransitRouterPropagations.some((a) => a.TransitRouterAttachmentId === att2 && a.Status === 'Active')));
    const system2 = (await call('DescribeVpcs', { VpcId: vpc2 })).Vpcs.Vpc[0].RouterTableIds.RouterTableIds[0];
    await call('CreateRouteEntry', { RouteTableId: system2, DestinationCidrBlock: '10.1.0.0/16', NextHopType: 'Attachment', NextHopId: att2 });
    await call('CreateRouteEntry', { RouteTableId: s.system, DestinationCidrBlock: '10.2.0.0/16', NextHopType: 'Attachment', NextHopId: s.attVpc });
    await reaches(h2.HostId, s.vpcHostIp, true, 'VPC 2 host reaches the VPC 1 host');
    const back = await lab.probe(srv, s.vpcHost, h2.IpAddress, 5, 100);
    assert.equal(back.Received, 5, `VPC 1 → VPC 2: ${JSON.stringify(back)}`);
  });

  test('a dual-tunnel connection attached to the router: the master carries; cut, the slave does', async () => {
    const region = srv.region || lab.REGION;
    const LAN_C = '192.168.60.0/24';
    const cgws = [];
    for (const ip of ['203.0.113.24', '203.0.113.25']) cgws.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
    const vco = (await rest('POST', '/v1/vpn-attachments', {
      RegionId: region, Name: 'tr-branch-c', LocalSubnet: '10.1.0.0/16', RemoteSubnet: LAN_C,
      TunnelOptionsSpecification: [
        { CustomerGatewayId: cgws[0], Role: 'master', TunnelIkeConfig: { IkeVersion: 'ikev2', Psk: 'tr-psk-cm' } },
        { CustomerGatewayId: cgws[1], Role: 'slave', TunnelIkeConfig: { IkeVersion: 'ikev2', Psk: 'tr-psk-cs' } },
      ],
    })).VpnConnectionId;
    const site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: cgws, LanCidr: LAN_C })).SiteId;
    const host = await rest('POST', '/v1/lab/hosts', { SiteId: site });
    const att = (await rest('POST', '/v1/transit-router-vpn-attachments', {
      RegionId: region, TransitRouterId: s.tr, VpnId: vco, Zone: [{ ZoneId: s.zone }],
    })).TransitRouterAttachmentId;
    await lab.waitFor('branch C attachment Attached', () => status(`/v1/transit-router-vpn-attachments?TransitRouterId=${s.tr}`,
      (r) => r.TransitRouterAttachments.some((a) => a.TransitRouterAttachmentId === att && a.Status === 'Attached')));
    await rest('POST', `/v1/transit-router-route-tables/${s.rt}/associations`, { TransitRouterAttachmentId: att });
    await rest('POST', `/v1/transit-router-route-tables/${s.rt}/propagations`, { TransitRouterAttachmentId: att });
    await call('CreateRouteEntry', { RouteTableId: s.system, DestinationCidrBlock: LAN_C, NextHopType: 'Attachment', NextHopId: s.attVpc });
    const tunnels = async () => (await connection(vco)).TunnelOptionsSpecification.TunnelOptions;
    await lab.waitFor('both tunnels of branch C ipsec_sa_established', async () =>
      (await tunnels()).every((t) => t.Status === 'ipsec_sa_established'), 60000, 200);
    await reaches(s.vpcHost, host.IpAddress, true, 'the VPC host reaches branch C');
    const master = (await tunnels()).find((t) => t.Role === 'master').TunnelId;
    const running = lab.probe(srv, s.vpcHost, host.IpAddress, 100, 100);
    await lab.sleep(2000);
    await rest('POST', '/v1/lab/faults', { VpnConnectionId: vco, TunnelId: master, Action: 'cut' });
    const r = await running;
    console.log(`# branch C master cut: ${r.Sent - r.Received} of ${r.Sent} probes lost`);
    const after = await lab.probe(srv, s.vpcHost, host.IpAddress, 10, 100);
    assert.equal(after.Received, 10, `the slave carries branch C: ${JSON.stringify(after)}`);
    const back = await lab.probe(srv, host.HostId, s.vpcHostIp, 5, 100);
    assert.equal(back.Received, 5, `branch C → VPC over the slave: ${JSON.stringify(back)}`);
    await rest('POST', '/v1/lab/faults', { VpnConnectionId: vco, TunnelId: master, Action: 'restore' });
  });

  test('kill -9 of the agent during traffic through the transit router: no probe lost, the same SAs', async () => {
    const spis = async () => (await agent.state()).Tunnels.map((t) => `${t.Endpoint}/${t.Name}:${t.ChildSpi}`).sort();
    await lab.waitFor('every tunnel has a CHILD_SA', async () => (await spis()).every((x) => !x.endsWith(':0')), 60000, 200);
    const before = await spis();
    // the agent's own probes die with it: ping from the host's namespace
    const ns = (await agent.state()).Namespaces[s.vpcHost];
    agent = await lab.restartAgentUnderPing(srv, agent, ns, s.siteHostIp);
    await lab.waitFor('the restarted agent sees the SAs', async () => (await spis()).every((x) => !x.endsWith(':0')), 5000, 100);
    assert.deepEqual(await spis(), before, 'the same CHILD_SAs: nothing renegotiated');
    assert.match(agent.output(), /adopted generation/);
    const after = await lab.probe(srv, s.siteBHost, s.vpcHostIp, 5, 100);
    assert.equal(after.Received, 5, `branch B → VPC after the restart: ${JSON.stringify(after)}`);
  });

  test('DescribeVpnConnectionLogs of a TR connection shows charon\'s negotiation lines', async () => {
    const logs = await lab.waitFor('log lines', async () => {
      const r = await call('DescribeVpnConnectionLogs', { VpnConnectionId: s.vco[1], MinutePeriod: 10 });
      const lines = r.Data && r.Data.Logs ? r.Data.Logs.Log || r.Data.Logs : [];
      return lines.length > 0 && lines;
    }, 15000, 200);
    assert.ok(logs.some((l) => /IKE_SA|CHILD_SA/.test(l)), logs.slice(0, 5).join('\n'));
  });
});
