'use strict';
// The desired-state documents the server compiles for data-plane agents, validated against
// schema/agent-document.schema.json (JSON Schema 2020-12, Ajv):
//   1. every document the compiler's unit test wrote (build*/dataplane-docs/*.json: placement
//      variants, single- and dual-tunnel gateways, explicit routes, faults, site devices);
//   2. the documents a live vpnlabd pushes to a stand-in agent (an HTTP server on loopback that
//      registers through POST /v1/agents with the server's agent token, checks that every push
//      carries it, and answers PUT /v1/desired like the protocol says)
//      while a topology is built over REST: gateway endpoints, site devices with an override,
//      hosts, a fault and its restoration.
// The validator itself is checked too: documents broken on purpose must fail.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020').default;
const { REPO, startServer, assertCleanExit, standInAgent } = require('./sdk-harness.js');

const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'agent-document.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(SCHEMA);
const REGION = 'cn-hangzhou';

function assertDocument(doc, what) {
  if (!validate(doc)) {
    assert.fail(`${what} does not match the schema:\n${JSON.stringify(validate.errors, null, 2)}`);
  }
  // what the schema cannot say: references resolve inside the document
  const endpoints = new Map(doc.endpoints.map((e) => [e.id, e]));
  const vswitches = new Set(doc.vpcs.flatMap((v) => v.vswitches.map((s) => `${v.id}/${s.id}`)));
  const sites = new Set(doc.sites.map((s) => s.id));
  const trs = new Map((doc.transit_routers || []).map((t) => [t.id, t]));
  const vpnLink = (lan) => trs.get(lan.transit_router)?.links.find((l) => l.kind === 'vpn' && l.attachment === lan.link);
  const lanOk = (lan) => (lan.site ? sites.has(lan.site)
    : lan.transit_router ? Boolean(vpnLink(lan)) : vswitches.has(`${lan.vpc}/${lan.vswitch}`));
  for (const e of doc.endpoints) {
    assert.ok(lanOk(e.lan), `${what}: endpoint ${e.id} sits on a LAN of the document`);
    assert.equal(e.kind === 'site_device', Boolean(e.lan.site), `${what}: ${e.id} kind matches its LAN`);
    if (e.lan.transit_router) assert.equal(e.lan.gateway, vpnLink(e.lan).ip, `${what}: ${e.id} routes to its router`);
    for (const t of e.tunnels) {
      // each end is the other one's mirror: the gateway responds, the branch initiates
      assert.equal(t.ipsec.local_ip, e.public_ip, `${what}: ${e.id}/${t.name} speaks IKE from the endpoint's address`);
      assert.equal(t.ipsec.initiator, e.kind === 'site_device', `${what}: ${e.id}/${t.name} initiator by side`);
      assert.ok(t.ipsec.ike.rekey_s <= t.ipsec.ike.lifetime_s, `${what}: ${e.id}/${t.name} renews before expiry`);
      if (t.liveness) assert.ok(!t.health_check?.enable, `${what}: ${e.id}/${t.name} liveness only without a health check`);
    }
  }
  // a router's hop (no endpoint): a transit router's interface in the VPC, or a VPC router
  const trVpcIps = new Set([...trs.values()].flatMap((t) => t.links.filter((l) => l.kind === 'vpc').map((l) => l.ip)));
  const vpcGateways = new Set(doc.vpcs.flatMap((v) => v.vswitches.map((s) => s.gateway_ip)));
  // in a VPC router, also: a router of another agent on the VPC's fabric (its interface is
  // there), and an address in a vSwitch where a router's stretched link ends (tr_ports)
  const inCidr = (ip, cidr) => {
    const n = (a) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
    const [base, len] = cidr.split('/');
    const size = 2 ** (32 - Number(len));
    return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
  };
  const vpcRouterHops = (v) => ({
    has: (ip) => trVpcIps.has(ip) || (v.fabric?.peers || []).some((p) => p.ip === ip) ||
      (v.tr_ports || []).some((t) => inCidr(ip, v.vswitches.find((s) => s.id === t.vswitch).cidr)),
  });
  for (const v of doc.vpcs) {
    for (const t of v.tr_ports || []) {
      assert.ok(v.vswitches.some((s) => s.id === t.vswitch), `${what}: tr_port ${t.attachment} ends in a vSwitch of the document`);
    }
  }
  const checkHop = (r, h, routerHops) => {
    if (h.endpoint === undefined) {
      assert.ok(routerHops.has(h.via), `${what}: route ${r.dest} via router ${h.via} of the document`);
      return;
    }
    const e = endpoints.get(h.endpoint);
    assert.ok(e, `${what}: route ${r.dest} names endpoint ${h.endpoint} of the document`);
    assert.ok(e.tunnels.some((t) => t.name === h.tunnel), `${what}: ${h.endpoint} has tunnel ${h.tunnel}`);
    assert.equal(h.via, e.lan.ip, `${what}: next hop via the endpoint's LAN address`);
  };
  for (const t of trs.values()) {
    for (const r of t.routes) {
      assert.equal(Boolean(r.blackhole), r.nexthops === undefined, `${what}: ${t.id} ${r.dest}: a blackhole has no hops`);
      for (const h of r.nexthops || []) checkHop(r, h, vpcGateways);
    }
  }
  for (const v of doc.vpcs) {
    for (const r of v.routes) {
      for (const h of r.nexthops) {
        if (h.remote) {
          // another agent's endpoint: reached through that agent's router on the VPC's fabric
          assert.ok(v.fabric && v.fabric.peers.some((p) => p.ip === h.via), `${what}: remote hop via a fabric peer`);
          continue;
        }
        checkHop(r, h, vpcRouterHops(v));
      }
    }
  }
  for (const h of doc.hosts) assert.ok(lanOk(h.lan), `${what}: host ${h.id} sits on a LAN of the document`);
}

test('the validator refuses broken documents', () => {
  const good = {
    version: 2, generation: 1, agent_id: 'agt-x', underlay: { vni: 4242, peers: [] },
    vpcs: [], endpoints: [], sites: [], hosts: [],
  };
  assertDocument(good, 'minimal document');
  for (const [what, change] of [
    ['no generation', (d) => { delete d.generation; }],
    ['unknown member', (d) => { d.extra = 1; }],
    ['bad vni', (d) => { d.underlay.vni = 0; }],
    ['bad peer', (d) => { d.underlay.peers = ['10.0.0.256']; }],
    ['bad site', (d) => { d.sites = [{ id: 's', lan_cidr: '10.0.0.0' }]; }],
    ['version 1 (swanctl texts)', (d) => { d.version = 1; }],
    ['a stretched link\'s far end without its VNI', (d) => {
      d.vpcs = [{ id: 'vpc-1', cidr: '10.0.0.0/16', vswitches: [{ id: 'vsw-1', cidr: '10.0.1.0/24', gateway_ip: '10.0.1.253' }],
        routes: [], tr_ports: [{ transit_router: 'tr-1', attachment: 'att-1', vswitch: 'vsw-1', peer: '10.99.0.1' }] }];
    }],
    ['a stretch without its peer', (d) => {
      d.transit_routers = [{ id: 'tr-1', routes: [], links: [{ attachment: 'att-1', kind: 'vpc', vpc: 'vpc-9', vswitch: 'vsw-9',
        ip: '10.0.1.2', prefix: 24, gateway: '10.0.1.253', stretch: { vni: 70000 } }] }];
    }],
  ]) {
    const d = structuredClone(good);
    change(d);
    assert.equal(validate(d), false, `${what} is refused`);
  }
});

test('every document the compiler unit test wrote matches the schema', (t) => {
  const dirs = fs.readdirSync(REPO).filter((d) => /^build/.test(d))
    .map((d) => path.join(REPO, d, 'dataplane-docs')).filter((d) => fs.existsSync(d));
  const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.json')).map((f) => path.join(d, f)));
  if (files.length === 0) {
    t.skip('no build*/dataplane-docs/*.json: run the unit tests first (make unit or build-asan/bin/unit_tests)');
    return;
  }
  let endpoints = 0;
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(f, 'utf8'));
    assertDocument(doc, path.relative(REPO, f));
    endpoints += doc.endpoints.length;
  }
  assert.ok(endpoints > 0, 'the documents hold endpoints');
});

// ---- live: a stand-in agent receives the pushes ----

let srv;
let agentServer;
const pushed = []; // every document PUT to the stand-in, in order

before(async () => {
  srv = await startServer({ auth: 'open', delayMs: 0 });
  agentServer = await standInAgent(() => srv.agentToken(), (req, body) => {
    if (req.method !== 'PUT' || req.url !== '/v1/desired') return {};
    const doc = JSON.parse(body);
    pushed.push(doc);
    return { Generation: doc.generation };
  });
});

after(async () => {
  if (agentServer) await new Promise((resolve) => agentServer.close(resolve));
  if (srv) assertCleanExit(await srv.stop());
});

async function rest(method, url, body) {
  const headers = body ? { 'content-type': 'application/json' } : {};
  // the agent routes need the token the server generated beside its database
  if (url.startsWith('/v1/agents')) headers['x-vpnlab-agent-token'] = srv.agentToken();
  const res = await fetch(`${srv.url}${url}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() };
}

async function ok(method, url, body) {
  const r = await rest(method, url, body);
  assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Waits (5 s) for a pushed document that satisfies pred; returns it. */
async function pushedDoc(pred, what) {
  for (let i = 0; i < 100; i++) {
    const doc = [...pushed].reverse().find(pred);
    if (doc) return doc;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no pushed document ${what} (got ${pushed.length})`);
}

test('documents pushed to an agent while a topology is built match the schema', async (t) => {
  const reg = await rest('POST', '/v1/agents', {
    Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: `http://127.0.0.1:${agentServer.address().port}`,
  });
  if (reg.status === 404 && reg.body.Code === 'InvalidApi.NotFound') {
    t.skip('POST /v1/agents is not served by this build');
    return;
  }
  assert.equal(reg.status, 200, JSON.stringify(reg.body));
  const agentId = reg.body.AgentId;
  const R = { RegionId: REGION };

  const vpc = (await ok('POST', '/v1/vpcs', { ...R, CidrBlock: '10.0.0.0/16' })).VpcId;
  const vsh = (await ok('POST', '/v1/vswitches', { ...R, VpcId: vpc, ZoneId: 'cn-hangzhou-h', CidrBlock: '10.0.1.0/24' })).VSwitchId;
  const vsi = (await ok('POST', '/v1/vswitches', { ...R, VpcId: vpc, ZoneId: 'cn-hangzhou-i', CidrBlock: '10.0.2.0/24' })).VSwitchId;
  const gw = (await ok('POST', '/v1/vpn-gateways', {
    ...R, VpcId: vpc, VSwitchId: vsh, DisasterRecoveryVSwitchId: vsi, Bandwidth: 10, EnableIpsec: true,
  })).VpnGatewayId;
  const cg1 = (await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: '203.0.113.21' })).CustomerGatewayId;
  const cg2 = (await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: '203.0.113.22' })).CustomerGatewayId;
  const conn = (await ok('POST', '/v1/vpn-connections', {
    ...R, VpnGatewayId: gw, LocalSubnet: '10.0.0.0/16,10.9.0.0/16', RemoteSubnet: '192.168.10.0/24',
    TunnelOptionsSpecification: [
      { CustomerGatewayId: cg1, Role: 'master', TunnelIkeConfig: { IkeVersion: 'ikev2', Psk: 'quote"and#hash' } },
      { CustomerGatewayId: cg2, Role: 'slave' },
    ],
  })).VpnConnectionId;
  const site = (await ok('POST', '/v1/lab/sites', {
    ...R, CustomerGatewayIds: [cg1, cg2], LanCidr: '192.168.10.0/24',
    Overrides: [{ VpnConnectionId: conn, IpsecPfs: 'disabled' }],
  })).SiteId;
  const host = (await ok('POST', '/v1/lab/hosts', { VSwitchId: vsh })).HostId;
  const siteHost = (await ok('POST', '/v1/lab/hosts', { ...R, SiteId: site })).HostId;
  await ok('POST', '/v1/lab/faults', { VpnConnectionId: conn, Action: 'cut' });

  const full = await pushedDoc((d) => d.hosts.length === 2 &&
    d.endpoints.some((e) => e.tunnels.some((x) => x.cut)), 'with the hosts and the fault');
  assertDocument(full, 'pushed document');
  assert.equal(full.agent_id, agentId);
  assert.deepEqual(full.endpoints.map((e) => e.id).sort(), [`${gw}-1`, `${gw}-2`, `${site}-1`, `${site}-2`].sort());
  assert.deepEqual(full.hosts.map((h) => h.id).sort(), [host, siteHost].sort());
  const dev1 = full.endpoints.find((e) => e.id === `${site}-1`);
  assert.deepEqual(dev1.tunnels[0].ipsec.esp.proposal, { enc: 'aes128', integ: 'md5', dh: 'none' },
    'the override (IpsecPfs disabled) on the branch');
  assert.equal(dev1.tunnels[0].ipsec.psk, 'quote"and#hash', 'a PSK with a quote and a comment sign, as it is');
  const gw1 = full.endpoints.find((e) => e.id === `${gw}-1`);
  assert.deepEqual(gw1.tunnels[0].ipsec.esp.proposal, { enc: 'aes128', integ: 'md5', dh: 'modp1024' },
    'the gateway keeps the connection\'s PFS');
  assert.equal(gw1.tunnels[0].ipsec.standby, false);
  assert.ok(!('swanctl' in gw1), 'no daemon text in the document');
  assert.deepEqual(gw1.tunnels[0].local_ts, ['10.0.0.0/16', '10.9.0.0/16']);
  for (const doc of pushed) assertDocument(doc, `pushed generation ${doc.generation}`);

  // restoring the fault pushes a newer generation without it
  await ok('POST', '/v1/lab/faults', { VpnConnectionId: conn, Action: 'restore' });
  const restored = await pushedDoc((d) => d.generation > full.generation &&
    d.endpoints.every((e) => e.tunnels.every((x) => !x.cut)) && d.hosts.length === 2, 'without the fault');
  assertDocument(restored, 'pushed document after restore');

  // deleting the site takes its devices out; the gateway side stays, as the cloud's does: its
  // customer gateways are no lab device's now, so a device of the user's own may answer
  await ok('DELETE', `/v1/lab/sites/${site}`);
  const bare = await pushedDoc((d) => d.generation > restored.generation && d.sites.length === 0, 'without the site');
  assertDocument(bare, 'pushed document without the site');
  assert.deepEqual(bare.endpoints.map((e) => e.id).sort(), [`${gw}-1`, `${gw}-2`].sort());
  assert.deepEqual(bare.endpoints.map((e) => e.tunnels.map((x) => x.name)).flat().sort(),
    restored.endpoints.filter((e) => e.kind === 'gateway').map((e) => e.tunnels.map((x) => x.name)).flat().sort());
  assert.deepEqual(bare.vpcs[0].routes, restored.vpcs[0].routes);
  await ok('DELETE', `/v1/agents/${agentId}`);
});

/** Polls (5 s) until pred(GET url) holds. */
async function until(url, pred, what) {
  for (let i = 0; i < 100; i++) {
    if (pred((await rest('GET', url)).body)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: never`);
}

test('a transit router: its links, its Active routes (ECMP, blackhole), its connections\' endpoints', async () => {
  const reg = await ok('POST', '/v1/agents', {
    Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: `http://127.0.0.1:${agentServer.address().port}`,
  });
  const R = { RegionId: REGION };
  const LAN = '192.168.30.0/24';
  const vpc = (await ok('POST', '/v1/vpcs', { ...R, CidrBlock: '10.5.0.0/16' })).VpcId;
  const vsw = (await ok('POST', '/v1/vswitches', { ...R, VpcId: vpc, ZoneId: 'cn-hangzhou-h', CidrBlock: '10.5.1.0/24' })).VSwitchId;
  const cgws = [];
  for (const ip of ['203.0.113.31', '203.0.113.32']) cgws.push((await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: ip })).CustomerGatewayId);
  const vcos = [];
  for (const [i, cgw] of cgws.entries()) {
    vcos.push((await ok('POST', '/v1/vpn-attachments', {
      ...R, CustomerGatewayId: cgw, LocalSubnet: '10.5.0.0/16', RemoteSubnet: LAN, IkeConfig: { IkeVersion: 'ikev2', Psk: `p${i}` },
    })).VpnConnectionId);
  }
  const site = (await ok('POST', '/v1/lab/sites', { ...R, CustomerGatewayIds: cgws, LanCidr: LAN })).SiteId;
  const cen = (await ok('POST', '/v1/cens', { Name: 'doc-tr' })).CenId;
  await until(`/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=${cen}`, (r) => r.Cens[0].Status === 'Active', 'CEN Active');
  const tr = (await ok('POST', '/v1/transit-routers', { ...R, CenId: cen, TransitRouterCidrList: [{ Cidr: '192.168.251.0/24' }] }))
    .TransitRouterId;
  await until(`/v1/transit-routers?TransitRouterId=${tr}`, (r) => r.TransitRouters[0].Status === 'Active', 'TR Active');
  const attVpc = (await ok('POST', '/v1/transit-router-vpc-attachments', {
    ...R, TransitRouterId: tr, VpcId: vpc, ZoneMappings: [{ ZoneId: 'cn-hangzhou-h', VSwitchId: vsw }],
  })).TransitRouterAttachmentId;
  const attVpn = [];
  for (const vco of vcos) {
    attVpn.push((await ok('POST', '/v1/transit-router-vpn-attachments', {
      ...R, TransitRouterId: tr, VpnId: vco, Zone: [{ ZoneId: 'cn-hangzhou-h' }],
    })).TransitRouterAttachmentId);
  }
  await until(`/v1/transit-router-vpn-attachments?TransitRouterId=${tr}`,
    (r) => r.TransitRouterAttachments.length === 2 && r.TransitRouterAttachments.every((a) => a.Status === 'Attached'), 'Attached');
  await until(`/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=${attVpc}`,
    (r) => r.TransitRouterAttachments[0].Status === 'Attached', 'VPC attachment Attached');
  const rt = (await ok('POST', '/v1/transit-router-route-tables', { TransitRouterId: tr })).TransitRouterRouteTableId;
  await until(`/v1/transit-router-route-tables?TransitRouterId=${tr}&TransitRouterRouteTableType=Custom`,
    (r) => r.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active', 'table Active');
  for (const att of [attVpc, ...attVpn]) {
    await ok('POST', `/v1/transit-router-route-tables/${rt}/associations`, { TransitRouterAttachmentId: att });
    await ok('POST', `/v1/transit-router-route-tables/${rt}/propagations`, { TransitRouterAttachmentId: att });
  }
  await until(`/v1/transit-router-route-tables/${rt}/propagations`,
    (r) => r.TransitRouterPropagations.length === 3 && r.TransitRouterPropagations.every((a) => a.Status === 'Active'), 'propagations');
  await until(`/v1/transit-router-route-tables/${rt}/associations`,
    (r) => r.TransitRouterAssociations.length === 3 && r.TransitRouterAssociations.every((a) => a.Status === 'Active'), 'associations');
  await ok('POST', `/v1/transit-router-route-tables/${rt}/route-entries`, {
    TransitRouterRouteEntryDestinationCidrBlock: '192.168.30.9/32', TransitRouterRouteEntryNextHopType: 'BlackHole',
  });
  const vpcRow = (await ok('GET', `/v1/vpcs/${vpc}`));
  const system = (vpcRow.RouterTableIds?.RouterTableIds || vpcRow.Vpcs?.Vpc?.[0]?.RouterTableIds?.RouterTableIds)[0];
  const rpc = await fetch(`${srv.url}/?Action=CreateRouteEntry&Version=2016-04-28&RegionId=${REGION}&RouteTableId=${system}` +
    `&DestinationCidrBlock=${encodeURIComponent(LAN)}&NextHopType=Attachment&NextHopId=${attVpc}`);
  assert.equal(rpc.status, 200, await rpc.text());

  const doc = await pushedDoc((d) => (d.transit_routers || []).some((t) => t.id === tr &&
    t.routes.some((r) => r.blackhole)) && d.vpcs.some((v) => v.id === vpc && v.routes.some((r) => r.dest === LAN)),
  'with the transit router, its blackhole and the VPC route to the attachment');
  assertDocument(doc, 'pushed document with a transit router');
  const t = doc.transit_routers.find((x) => x.id === tr);
  const vpcLink = t.links.find((l) => l.attachment === attVpc);
  assert.equal(vpcLink.kind, 'vpc');
  assert.equal(vpcLink.vswitch, vsw);
  assert.equal(vpcLink.gateway, '10.5.1.253');
  const vpnLinks = attVpn.map((a) => t.links.find((l) => l.attachment === a));
  for (const l of vpnLinks) {
    assert.equal(l.kind, 'vpn');
    assert.equal(l.prefix, 29);
    assert.equal(l.table, vpcLink.table, 'every attachment forwards by the custom table');
  }
  assert.ok(vpcLink.table >= 2001 && vpcLink.table <= 2999);
  // the branch LAN: both connections Active, one route, one hop per connection (ECMP)
  const toLan = t.routes.find((r) => r.dest === LAN && r.table === vpcLink.table);
  assert.deepEqual(toLan.nexthops.map((h) => h.endpoint).sort(), vcos.map((v) => `${v}-1`).sort());
  assert.ok(toLan.nexthops.every((h) => h.weight === 100));
  // the VPC's CIDR toward the VPC router
  const toVpc = t.routes.find((r) => r.dest === '10.5.0.0/16' || r.dest === '10.5.1.0/24');
  assert.deepEqual(toVpc.nexthops, [{ via: '10.5.1.253', weight: 100 }]);
  // each connection's endpoint sits on its attachment's link, the router its gateway
  for (const [i, vco] of vcos.entries()) {
    const e = doc.endpoints.find((x) => x.id === `${vco}-1`);
    assert.equal(e.lan.transit_router, tr);
    assert.equal(e.lan.link, attVpn[i]);
    assert.equal(e.lan.gateway, vpnLinks[i].ip);
    assert.equal(e.tunnels[0].peer_ip, ['203.0.113.31', '203.0.113.32'][i]);
  }
  // the branch devices negotiate with those endpoints
  const devices = doc.endpoints.filter((e) => e.lan.site === site);
  assert.equal(devices.length, 2);
  for (const d of devices) assert.ok(doc.endpoints.some((e) => e.public_ip === d.tunnels[0].peer_ip && e.lan.transit_router === tr));
  // the VPC sends the branch to the router's interface
  const vroute = doc.vpcs.find((v) => v.id === vpc).routes.find((r) => r.dest === LAN);
  assert.deepEqual(vroute.nexthops, [{ via: vpcLink.ip, weight: 100 }]);
  await ok('DELETE', `/v1/agents/${reg.AgentId}`);
});

test('17 connections to one branch network: 16 Active entries are the route\'s 16 hops; the Candidate joins when an Active one goes', async () => {
  const reg = await ok('POST', '/v1/agents', {
    Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: `http://127.0.0.1:${agentServer.address().port}`,
  });
  const R = { RegionId: REGION };
  const LAN = '192.168.70.0/24';
  const cen = (await ok('POST', '/v1/cens', { Name: 'doc-tr-17' })).CenId;
  await until(`/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=${cen}`, (r) => r.Cens[0].Status === 'Active', 'CEN Active');
  const tr = (await ok('POST', '/v1/transit-routers', { ...R, CenId: cen, TransitRouterCidrList: [{ Cidr: '192.168.252.0/24' }] }))
    .TransitRouterId;
  await until(`/v1/transit-routers?TransitRouterId=${tr}`, (r) => r.TransitRouters[0].Status === 'Active', 'TR Active');
  const rt = (await ok('POST', '/v1/transit-router-route-tables', { TransitRouterId: tr })).TransitRouterRouteTableId;
  await until(`/v1/transit-router-route-tables?TransitRouterId=${tr}&TransitRouterRouteTableType=Custom`,
    (r) => r.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active', 'table Active');
  const vcos = [];
  const atts = [];
  for (let i = 0; i < 17; i++) {
    const cgw = (await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: `203.0.113.${100 + i}` })).CustomerGatewayId;
    const vco = (await ok('POST', '/v1/vpn-attachments', {
      ...R, CustomerGatewayId: cgw, LocalSubnet: '10.7.0.0/16', RemoteSubnet: LAN, IkeConfig: { IkeVersion: 'ikev2', Psk: `k${i}` },
    })).VpnConnectionId;
    const att = (await ok('POST', '/v1/transit-router-vpn-attachments', {
      ...R, TransitRouterId: tr, VpnId: vco, Zone: [{ ZoneId: 'cn-hangzhou-h' }],
    })).TransitRouterAttachmentId;
    vcos.push(vco);
    atts.push(att);
  }
  await until(`/v1/transit-router-vpn-attachments?TransitRouterId=${tr}&MaxResults=50`,
    (r) => r.TransitRouterAttachments.length === 17 && r.TransitRouterAttachments.every((a) => a.Status === 'Attached'), 'Attached');
  for (const att of atts) await ok('POST', `/v1/transit-router-route-tables/${rt}/propagations`, { TransitRouterAttachmentId: att });
  const entries = async () => (await rest('GET', `/v1/transit-router-route-tables/${rt}/route-entries?TransitRouterRouteEntryStatus=All&MaxResults=50`))
    .body.TransitRouterRouteEntries.filter((e) => e.TransitRouterRouteEntryDestinationCidrBlock === LAN);
  await until(`/v1/transit-router-route-tables/${rt}/propagations`,
    (r) => r.TransitRouterPropagations.length === 17 && r.TransitRouterPropagations.every((a) => a.Status === 'Active'), 'propagations');
  const listed = await entries();
  const active = listed.filter((e) => e.TransitRouterRouteEntryStatus === 'Active').map((e) => e.TransitRouterRouteEntryNextHopId);
  const candidate = listed.filter((e) => e.TransitRouterRouteEntryStatus === 'Candidate').map((e) => e.TransitRouterRouteEntryNextHopId);
  assert.equal(active.length, 16, JSON.stringify(listed));
  assert.equal(candidate.length, 1);
  const vcoOf = (att) => vcos[atts.indexOf(att)];
  const hopsOf = (d) => d.transit_routers.find((t) => t.id === tr).routes.find((r) => r.dest === LAN).nexthops;
  const doc = await pushedDoc((d) => (d.transit_routers || []).some((t) => t.id === tr &&
    t.routes.some((r) => r.dest === LAN && r.nexthops.length === 16)), 'with the 16-hop route');
  assertDocument(doc, 'pushed document with 17 connections');
  assert.deepEqual(hopsOf(doc).map((h) => h.endpoint).sort(), active.map((a) => `${vcoOf(a)}-1`).sort(), 'the Active entries\' tunnels');
  // every connection has its tunnel, the Candidate's too: it is ready when promoted
  assert.ok(doc.endpoints.some((e) => e.id === `${vcoOf(candidate[0])}-1`), 'the Candidate\'s endpoint is built');
  // an Active attachment goes: the Candidate is promoted, and its tunnel joins the route
  await ok('DELETE', `/v1/transit-router-route-tables/${rt}/propagations?TransitRouterAttachmentId=${active[0]}`);
  const after = await pushedDoc((d) => d.generation > doc.generation && (d.transit_routers || []).some((t) => t.id === tr &&
    t.routes.some((r) => r.dest === LAN && r.nexthops.some((h) => h.endpoint === `${vcoOf(candidate[0])}-1`))), 'with the promoted Candidate');
  const hops = hopsOf(after).map((h) => h.endpoint);
  assert.equal(hops.length, 16);
  assert.ok(!hops.includes(`${vcoOf(active[0])}-1`), 'the withdrawn one is no hop');
  await ok('DELETE', `/v1/agents/${reg.AgentId}`);
});

test('a dual-tunnel connection attached to a transit router: two endpoints on its link, master 100 / slave 0', async () => {
  const reg = await ok('POST', '/v1/agents', {
    Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: `http://127.0.0.1:${agentServer.address().port}`,
  });
  const R = { RegionId: REGION };
  const LAN = '192.168.80.0/24';
  const cg1 = (await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: '203.0.113.81' })).CustomerGatewayId;
  const cg2 = (await ok('POST', '/v1/customer-gateways', { ...R, IpAddress: '203.0.113.82' })).CustomerGatewayId;
  const vco = (await ok('POST', '/v1/vpn-attachments', {
    ...R, LocalSubnet: '10.8.0.0/16', RemoteSubnet: LAN,
    TunnelOptionsSpecification: [
      { CustomerGatewayId: cg1, Role: 'master', TunnelIkeConfig: { IkeVersion: 'ikev2', Psk: 'dual-m' } },
      { CustomerGatewayId: cg2, Role: 'slave', TunnelIkeConfig: { IkeVersion: 'ikev2', Psk: 'dual-s' } },
    ],
  })).VpnConnectionId;
  const site = (await ok('POST', '/v1/lab/sites', { ...R, CustomerGatewayIds: [cg1, cg2], LanCidr: LAN })).SiteId;
  const cen = (await ok('POST', '/v1/cens', { Name: 'doc-tr-dual' })).CenId;
  await until(`/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=${cen}`, (r) => r.Cens[0].Status === 'Active', 'CEN Active');
  const tr = (await ok('POST', '/v1/transit-routers', { ...R, CenId: cen, TransitRouterCidrList: [{ Cidr: '192.168.253.0/24' }] }))
    .TransitRouterId;
  await until(`/v1/transit-routers?TransitRouterId=${tr}`, (r) => r.TransitRouters[0].Status === 'Active', 'TR Active');
  const att = (await ok('POST', '/v1/transit-router-vpn-attachments', {
    ...R, TransitRouterId: tr, VpnId: vco, Zone: [{ ZoneId: 'cn-hangzhou-h' }],
  })).TransitRouterAttachmentId;
  await until(`/v1/transit-router-vpn-attachments?TransitRouterId=${tr}`,
    (r) => r.TransitRouterAttachments.length === 1 && r.TransitRouterAttachments[0].Status === 'Attached', 'Attached');
  const rt = (await ok('POST', '/v1/transit-router-route-tables', { TransitRouterId: tr })).TransitRouterRouteTableId;
  await until(`/v1/transit-router-route-tables?TransitRouterId=${tr}&TransitRouterRouteTableType=Custom`,
    (r) => r.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active', 'table Active');
  await ok('POST', `/v1/transit-router-route-tables/${rt}/propagations`, { TransitRouterAttachmentId: att });
  const doc = await pushedDoc((d) => (d.transit_routers || []).some((t) => t.id === tr && t.routes.some((r) => r.dest === LAN)),
    'with the dual-tunnel connection');
  assertDocument(doc, 'pushed document with a dual-tunnel TR connection');
  const t = doc.transit_routers.find((x) => x.id === tr);
  const link = t.links.find((l) => l.attachment === att);
  const eps = [1, 2].map((n) => doc.endpoints.find((e) => e.id === `${vco}-${n}`));
  for (const e of eps) {
    assert.ok(e, JSON.stringify(doc.endpoints.map((x) => x.id)));
    assert.equal(e.lan.link, att);
    assert.equal(e.lan.gateway, link.ip);
  }
  assert.notEqual(eps[0].public_ip, eps[1].public_ip, 'one endpoint per tunnel address');
  assert.notEqual(eps[0].lan.ip, eps[1].lan.ip);
  const hops = t.routes.find((r) => r.dest === LAN).nexthops;
  assert.deepEqual(hops.map((h) => [h.endpoint, h.via, h.weight]).sort(),
    [[`${vco}-1`, eps[0].lan.ip, 100], [`${vco}-2`, eps[1].lan.ip, 0]].sort(), 'master carries, slave stands by');
  assert.equal(eps[1].tunnels[0].ipsec.standby, true, 'the slave\'s SA is the standby one');
  // each branch device negotiates with its tunnel's endpoint
  const devices = doc.endpoints.filter((e) => e.lan.site === site);
  assert.deepEqual(devices.map((d) => d.tunnels[0].peer_ip).sort(), eps.map((e) => e.public_ip).sort());
  await ok('DELETE', `/v1/agents/${reg.AgentId}`);
});
