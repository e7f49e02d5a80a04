'use strict';
// ECMP at its limit: 17 single-tunnel IPsec connections from one branch site (4 gateway
// devices, connections spread over them) attached to one transit router, all propagating the
// branch LAN into one route table.  The first 16 are Active and every one of them carries
// traffic (TCP streams VPC host → branch host, bytes per connection from GET /metrics); the 17th
// is Candidate and carries nothing; once an Active one's attachment is deleted, the 17th is
// promoted and carries.

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun() || (() => {
  try { lab.sh('iperf3', ['--version']); return null; } catch { return 'iperf3 is not installed'; }
})();
const LAN = '192.168.20.0/24';
const CONNECTIONS = 17;
const DEVICES = 4; // a lab site's most
// a stream hashed onto a connection moves megabytes in a flow's 2 s; a connection no stream
// takes still sends the agent's liveness probes through its tunnel (a few hundred bytes/s)
const CARRIES = 100000;

describe('transit router: 16 Active connections, a 17th Candidate', { skip: skip || false }, () => {
  let srv, call, t;

  const rest = (method, p, body) => lab.rest(srv, method, p, body);
  const lanEntries = async () => (await rest('GET', `/v1/transit-router-route-tables/${t.rt}/route-entries?TransitRouterRouteEntryStatus=All`))
    .TransitRouterRouteEntries.filter((e) => e.TransitRouterRouteEntryDestinationCidrBlock === LAN);
  const byAttachment = (entries, status) => entries.filter((e) => e.TransitRouterRouteEntryStatus === status)
    .map((e) => e.TransitRouterRouteEntryNextHopId);

  before(async () => {
    srv = await lab.startServer({ delayMs: 20, args: ['--dpd-delay-s', '1'] });
    await lab.startAgent({ server: srv });
    call = lab.rpc(srv);
    t = await lab.transitRouterCore(srv);
    t.cgw = [];
    for (let d = 0; d < DEVICES; d++) t.cgw.push((await call('CreateCustomerGateway', { IpAddress: `203.0.113.${31 + d}` })).CustomerGatewayId);
    t.vco = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      t.vco.push((await rest('POST', '/v1/vpn-attachments', {
        RegionId: srv.region || lab.REGION, Name: `ecmp-${i + 1}`, CustomerGatewayId: t.cgw[i % DEVICES], LocalSubnet: '10.1.0.0/16',
        RemoteSubnet: LAN, IkeConfig: { IkeVersion: 'ikev2', Psk: `ecmp-psk-${i + 1}` },
      })).VpnConnectionId);
    }
    t.site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: t.cgw, LanCidr: LAN })).SiteId;
    const bh = await rest('POST', '/v1/lab/hosts', { SiteId: t.site });
    t.siteHostIp = bh.IpAddress;
    t.att = [];
    for (const vco of t.vco) t.att.push(await lab.transitRouterAttachVpn(srv, t, vco));
    for (const att of t.att) await lab.transitRouterBind(srv, t, att);
    await lab.waitFor(`${CONNECTIONS} connections ipsec_sa_established`, async () => {
      for (const vco of t.vco) {
        if ((await call('DescribeVpnConnection', { VpnConnectionId: vco })).Status !== 'ipsec_sa_established') return false;
      }
      return true;
    }, 120000, 250);
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (transit router ECMP 16)');
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  /**
   * Runs 32-stream flows (new source ports each) until every connection of want has sent
   * CARRIES bytes toward the branch, or 8 flows (32 flows hashed over 16 next hops leave about
   * 2 of them without one); returns the bytes each connection of t.vco sent.
   */
  async function carry(want) {
    const c0 = await lab.connectionCounters(srv, t.vco);
    let moved = t.vco.map(() => 0), flowed = 0;
    for (let round = 0; round < 8; round++) {
      const r = await rest('POST', '/v1/lab/flows', { HostId: t.vpcHost, Target: t.siteHostIp, Streams: 32, Seconds: 2, Protocol: 'tcp' });
      flowed += r.Bytes;
      await lab.waitFor('the counters show the flows', async () => {
        moved = (await lab.connectionCounters(srv, t.vco)).map((c, i) => c.bytes - c0[i].bytes);
        return moved.reduce((a, b) => a + b, 0) >= flowed;
      }, 30000, 250);
      if (want.every((i) => moved[i] >= CARRIES)) break;
    }
    return moved;
  }

  test('16 entries Active, the 17th Candidate; all 16 carry traffic, the 17th nothing', async () => {
    const entries = await lanEntries();
    const active = byAttachment(entries, 'Active'), candidate = byAttachment(entries, 'Candidate');
    assert.equal(active.length, 16, JSON.stringify(entries));
    assert.equal(candidate.length, 1, JSON.stringify(entries));
    t.candidate = t.att.indexOf(candidate[0]);
    assert.ok(t.candidate >= 0, `the Candidate's next hop ${candidate[0]} is one of the attachments`);
    await lab.waitFor('the VPC host reaches the branch host', async () =>
      (await lab.probe(srv, t.vpcHost, t.siteHostIp, 1, 10)).Received === 1, 60000, 100);
    const activeIdx = active.map((a) => t.att.indexOf(a));
    const moved = await carry(activeIdx);
    const total = moved.reduce((a, b) => a + b, 0);
    console.log(`# bytes per connection (shares %): ${moved.map((m) => (100 * m / total).toFixed(1)).join('/')}; ` +
      `Candidate: connection ${t.candidate + 1}`);
    for (const i of activeIdx) assert.ok(moved[i] >= CARRIES, `Active connection ${i + 1} carried nothing: ${moved}`);
    assert.ok(moved[t.candidate] < CARRIES, `the Candidate carried ${moved[t.candidate]} bytes`);
  });

  test('an Active attachment deleted: the Candidate is promoted and carries', async () => {
    const gone = t.candidate === 0 ? 1 : 0;
    const att = t.att[gone];
    // the cloud refuses to delete an attachment that is still associated: withdraw it first
    await rest('DELETE', `/v1/transit-router-route-tables/${t.rt}/propagations?TransitRouterAttachmentId=${att}`);
    await rest('DELETE', `/v1/transit-router-route-tables/${t.rt}/associations?TransitRouterAttachmentId=${att}`);
    await lab.waitFor('association and propagation gone', async () =>
      !(await rest('GET', `/v1/transit-router-route-tables/${t.rt}/associations`)).TransitRouterAssociations
        .some((a) => a.TransitRouterAttachmentId === att) &&
      !(await rest('GET', `/v1/transit-router-route-tables/${t.rt}/propagations`)).TransitRouterPropagations
        .some((a) => a.TransitRouterAttachmentId === att), 30000, 100);
    await rest('DELETE', `/v1/transit-router-vpn-attachments/${att}`);
    await lab.waitFor('the attachment deleted', async () => !(await rest('GET', `/v1/transit-router-vpn-attachments?TransitRouterId=${t.tr}`))
      .TransitRouterAttachments.some((a) => a.TransitRouterAttachmentId === att), 30000, 100);
    await lab.waitFor('the deleted attachment gone, the Candidate Active', async () => {
      const entries = await lanEntries();
      const active = byAttachment(entries, 'Active');
      return active.length === 16 && active.includes(t.att[t.candidate]) && !active.includes(att) &&
        byAttachment(entries, 'Candidate').length === 0;
    }, 30000, 100);
    const moved = await carry([t.candidate]);
    console.log(`# after the delete: bytes per connection ${moved.join('/')}`);
    assert.ok(moved[t.candidate] >= CARRIES, `the promoted connection carries: ${moved}`);
  });
});
