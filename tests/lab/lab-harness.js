'use strict';
// End-to-end lab tests: a vpnlabd and one or more vpnlab-agents (root), talked to through the
// public API only (official SDK pop-core for the cloud's actions, REST /v1/lab for the lab
// extensions).  Every agent gets its own state directory and port; when a test file ends
// (also on failure) every agent is stopped and `vpnlab-agent --cleanup` removes whatever its
// namespaces and charons left, then the file checks that nothing with its prefix remains.

const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');

const api = require('../api/sdk-harness');
const RPCClient = require('../api/node_modules/@alicloud/pop-core').RPCClient;

const AGENT = process.env.VPNLAB_AGENT ? path.resolve(process.env.VPNLAB_AGENT)
  : path.join(api.REPO, 'bin', 'vpnlab-agent');
const REGION = 'cn-hangzhou';

const agents = new Set();
const hostNamespaces = new Set();

function canRun() {
  if (process.getuid() !== 0) return 'needs root (namespaces, netlink, charon)';
  if (!fs.existsSync('/usr/lib/ipsec/charon')) return 'strongSwan charon is not installed';
  if (!fs.existsSync(AGENT)) return `${AGENT} not built`;
  return null;
}

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

function namespacesWithPrefix(prefix) {
  let out = '';
  try {
    out = sh('ip', ['netns', 'list']);
  } catch {
    return [];
  }
  return out.split('\n').map((l) => l.split(' ')[0]).filter((n) => n && n.startsWith(prefix + '-'));
}

function agentPrefix(stateDir) {
  try {
    const id = fs.readFileSync(path.join(stateDir, 'agent-id'), 'utf8').trim();
    return 'vl' + id.slice(4, 10);
  } catch {
    return null;
  }
}

/**
 * Starts an agent.  opts: { server (a server from startServer, or its URL with tokenFile),
 * tokenFile (default: the server's, where it keeps the agent token), zone, role, netns (run
 * inside this namespace, a lab "host"), listenIp (default 127.0.0.1), stateDir (reuse one:
 * restarts), keepDataplane, args (more agent options), wrap (argv that execs the agent command
 * given after it: its pid stays the agent's) }.  Resolves to { pid, url, token, stateDir,
 * prefix, output(), stop(signal), state(), fetch(path, init) }.
 */
async function startAgent(opts) {
  const port = opts.port || await api.freePort();
  const stateDir = opts.stateDir || fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-agent-'));
  const ip = opts.listenIp || '127.0.0.1';
  const serverUrl = typeof opts.server === 'string' ? opts.server : opts.server.url;
  const tokenFile = opts.tokenFile || opts.server.tokenFile;
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  // the token goes by file, as make run gives it: it never shows in ps
  const args = ['--server', serverUrl, '--listen', `${ip}:${port}`, '--state-dir', stateDir, '--token-file', tokenFile];
  if (opts.zone) args.push('--zone', opts.zone);
  if (opts.role) args.push('--role', opts.role);
  if (opts.keepDataplane) args.push('--keep-dataplane');
  if (opts.args) args.push(...opts.args);
  // nsenter switches only the network namespace (ip netns exec would also give the agent a
  // private mount namespace, hiding the namespaces it creates from everyone else)
  const cmd = opts.netns ? 'nsenter' : AGENT;
  const argv = opts.netns ? [`--net=/run/netns/${opts.netns}`, AGENT, ...args] : args;
  const child = opts.wrap ? spawn(opts.wrap[0], [...opts.wrap.slice(1), cmd, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = null;
  const gone = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  const agent = {
    pid: child.pid,
    port,
    url: `http://${ip}:${port}`,
    token,
    /** fetch() on the agent's own API, with its token (every route needs it). */
    fetch: (p, init = {}) => fetch(`${agent.url}${p}`, {
      ...init, headers: { ...(init.headers || {}), 'X-Vpnlab-Agent-Token': token },
    }),
    stateDir,
    prefix: null,
    output: () => output,
    exited: () => exited,
    /** Sends signal (default SIGTERM) and waits for the exit (SIGKILL after 20 s). */
    async stop(signal = 'SIGTERM') {
      if (!exited) {
        try { process.kill(child.pid, signal); } catch { /* gone */ }
      }
      const t = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, 20000);
      const st = await gone;
      clearTimeout(t);
      return st;
    },
    async state() {
      const res = await agent.fetch('/v1/state', { signal: AbortSignal.timeout(3000) });
      return res.json();
    },
  };
  agents.add(agent);
  const deadline = Date.now() + 15000;
  for (;;) {
    if (exited) throw new Error(`vpnlab-agent exited at start (${JSON.stringify(exited)}):\n${output}`);
    try {
      const res = await agent.fetch('/healthz', { signal: AbortSignal.timeout(500) });
      if (res.status === 200) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`vpnlab-agent did not answer:\n${output}`);
    await api.sleep(50);
  }
  agent.prefix = agentPrefix(stateDir);
  return agent;
}

/** A "host" namespace for multi-host runs: its own network stack with one address on a bridge. */
function addHostNamespace(name) {
  hostNamespaces.add(name);
  sh('ip', ['netns', 'add', name]);
  sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

/** Stops every agent, removes what they left, and checks nothing with their prefix remains. */
async function cleanupAll() {
  const leftovers = [];
  for (const a of agents) {
    await a.stop('SIGKILL');
    try {
      sh(AGENT, ['--cleanup', '--state-dir', a.stateDir]);
    } catch (e) {
      leftovers.push(`cleanup of ${a.stateDir} failed: ${e.message}`);
    }
    const prefix = a.prefix || agentPrefix(a.stateDir);
    if (prefix) {
      const left = namespacesWithPrefix(prefix);
      for (const ns of left) {
        leftovers.push(ns);
        try { sh('ip', ['netns', 'del', ns]); } catch { /* best effort */ }
      }
    }
    fs.rmSync(a.stateDir, { recursive: true, force: true });
  }
  agents.clear();
  for (const ns of hostNamespaces) {
    try { sh('ip', ['netns', 'del', ns]); } catch { /* gone */ }
  }
  hostNamespaces.clear();
  return leftovers;
}

process.on('exit', () => {
  for (const a of agents) {
    try { process.kill(a.pid, 'SIGKILL'); } catch { /* gone */ }
    try { execFileSync(AGENT, ['--cleanup', '--state-dir', a.stateDir], { stdio: 'ignore' }); } catch { /* best effort */ }
  }
  for (const ns of hostNamespaces) {
    try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* gone */ }
  }
});

/** The pids of an agent's charons (from their pid files). */
function charonPids(agent) {
  const dir = path.join(agent.stateDir, 'endpoints');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((e) => {
    try { return Number(fs.readFileSync(path.join(dir, e, 'charon.pid'), 'utf8').trim()); } catch { return 0; }
  }).filter((p) => p > 0);
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** pop-core client (V2 signature, POST form) against srv, open mode: every non-numeric AccessKeyId acts for the account "default", as unsigned REST calls do. */
function rpc(srv) {
  const client = new RPCClient({
    accessKeyId: 'default', accessKeySecret: 'lab-secret', endpoint: `http://${srv.endpoint}`, apiVersion: '2016-04-28',
  });
  const region = srv.region || REGION;
  return (action, params = {}) => client.request(action, { RegionId: region, ...params }, { method: 'POST', timeout: 60000 });
}

/**
 * REST call to the server (lab extensions; the agent routes /v1/agents… with the server's agent
 * token); throws with the answer on a non-2xx status.
 */
async function rest(srv, method, p, body) {
  // lab actions are regional like the cloud's: RegionId goes with every call
  if (p.startsWith('/v1/lab/')) {
    const region = srv.region || REGION;
    if (body !== undefined) body = { RegionId: region, ...body };
    else p += `${p.includes('?') ? '&' : '?'}RegionId=${region}`;
  }
  const res = await fetch(`${srv.url}${p}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(p.startsWith('/v1/agents') ? { 'X-Vpnlab-Agent-Token': srv.agentToken() } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120000),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { text }; }
  if (res.status >= 300) {
    const e = new Error(`${method} ${p}: HTTP ${res.status}: ${text}`);
    e.status = res.status;
    e.body = json;
    throw e;
  }
  return json;
}

/** A probe through the lab API: { Sent, Received, LossPercent, RttAvgMs, RttMaxMs }. */
const probe = (srv, HostId, Target, Count = 5, IntervalMs = 100) =>
  rest(srv, 'POST', '/v1/lab/probes', { HostId, Target, Count, IntervalMs });

module.exports = {
  ...api, AGENT, REGION, canRun, startAgent, cleanupAll, rpc, rest, probe, sh, addHostNamespace,
  namespacesWithPrefix, assert, charonPids, alive,
};

/**
 * A VPC of cidr (a /16) through the API with a vSwitch a.b.(i+1).0/24 in the zone
 * zoneIndexes[i] of the region's zone list; waits until the VPC and its vSwitches are
 * Available.  Returns { vpc, zones: [ZoneId], vsw: [VSwitchId] }.
 */
async function vpcWithVSwitches(call, cidr, zoneIndexes = [0]) {
  const vpc = (await call('CreateVpc', { CidrBlock: cidr })).VpcId;
  await api.waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: vpc })).Vpcs.Vpc[0].Status === 'Available');
  const regionZones = (await call('DescribeZones')).Zones.Zone.map((z) => z.ZoneId);
  const zones = zoneIndexes.map((i) => regionZones[i]);
  const prefix = cidr.split('.').slice(0, 2).join('.');
  const vsw = [];
  for (const [i, ZoneId] of zones.entries()) {
    vsw.push((await call('CreateVSwitch', { VpcId: vpc, ZoneId, CidrBlock: `${prefix}.${i + 1}.0/24` })).VSwitchId);
  }
  await api.waitFor('vSwitches Available', async () => (await call('DescribeVSwitches', { VpcId: vpc })).VSwitches.VSwitch
    .every((v) => v.Status === 'Available'));
  return { vpc, zones, vsw };
}

/**
 * An IPsec VPN gateway of bandwidth Mbit/s in net.vpc (as vpcWithVSwitches returns it): in
 * its first vSwitch, and dual-tunnel with the second as disaster-recovery vSwitch when it has
 * two.  Waits until it is active; returns its id.
 */
async function vpnGateway(call, net, bandwidth) {
  const dr = net.vsw.length > 1 ? { DisasterRecoveryVSwitchId: net.vsw[1] } : {};
  const gw = (await call('CreateVpnGateway', {
    VpcId: net.vpc, VSwitchId: net.vsw[0], ...dr, Bandwidth: bandwidth, EnableIpsec: true,
  })).VpnGatewayId;
  await api.waitFor('gateway active', async () => (await call('DescribeVpnGateway', { VpnGatewayId: gw })).Status === 'active');
  return gw;
}

/**
 * Waits until a 3-packet probe from lab host `from` to address `to` gets every answer (want)
 * or none (!want); a host its agent has not built yet is asked again, never counted as
 * unreachable.
 */
function waitReach(srv, from, to, want, what, timeoutMs, intervalMs) {
  return api.waitFor(what, async () => {
    let r;
    try {
      r = await probe(srv, from, to, 3, 100);
    } catch (e) {
      if (e.status === 404 && /has not built/.test(e.body.Message || '')) return false;
      throw e;
    }
    return want ? r.Received === 3 : r.Received === 0;
  }, timeoutMs, intervalMs);
}

/**
 * A suite's after(): removes every lab namespace (--cleanup), stops srv (when it started),
 * asserting it exited cleanly (label names it), and asserts no namespace was left behind.
 */
async function teardown(srv, label) {
  const leftovers = await cleanupAll();
  if (srv) api.assertCleanExit(await srv.stop(), label);
  assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
}

module.exports.vpcWithVSwitches = vpcWithVSwitches;
module.exports.teardown = teardown;
module.exports.vpnGateway = vpnGateway;
module.exports.waitReach = waitReach;

/**
 * Builds the seed topology through the API: a VPC with two vSwitches in two zones, a
 * dual-tunnel VPN gateway, two customer gateways, a dual-tunnel connection (master on the
 * first, slave on the second; the cloud takes no health check in that mode: DPD decides), a
 * branch site with both devices, a host in vSwitch A and one in the site.  Waits until both
 * tunnels are ipsec_sa_established.  Start the server with --dpd-delay-s 1 for quick
 * failovers.  opts: { lan (default 192.168.10.0/24), cgw: [ip, ip], bandwidth (Mbit/s, 100),
 * tunnel: more TunnelOptionsSpecification.N fields for both tunnels, wait (false: return without
 * waiting for the tunnels) }.
 */
async function seedTopology(srv, opts = {}) {
  const call = rpc(srv);
  const lan = opts.lan || '192.168.10.0/24';
  const cgwIps = opts.cgw || ['203.0.113.11', '203.0.113.12'];
  const s = { call };
  const net = await vpcWithVSwitches(call, '10.0.0.0/16', [0, 1]);
  Object.assign(s, { vpc: net.vpc, vsw: net.vsw, gw: await vpnGateway(call, net, opts.bandwidth || 100) });
  s.cgw = [];
  for (const ip of cgwIps) s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
  const t = (n, f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
  s.vco = (await call('CreateVpnConnection', {
    VpnGatewayId: s.gw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: lan, EffectImmediately: true,
    ...t(1, { CustomerGatewayId: s.cgw[0], Role: 'master', 'TunnelIkeConfig.Psk': 'master-psk-1', 'TunnelIkeConfig.IkeVersion': 'ikev2',
      ...(opts.tunnel || {}) }),
    ...t(2, { CustomerGatewayId: s.cgw[1], Role: 'slave', 'TunnelIkeConfig.Psk': 'slave-psk-2', 'TunnelIkeConfig.IkeVersion': 'ikev2',
      ...(opts.tunnel || {}) }),
  })).VpnConnectionId;
  s.site = (await rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: lan })).SiteId;
  const vh = await rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vsw[0] });
  const sh2 = await rest(srv, 'POST', '/v1/lab/hosts', { SiteId: s.site });
  Object.assign(s, { vpcHost: vh.HostId, vpcHostIp: vh.IpAddress, siteHost: sh2.HostId, siteHostIp: sh2.IpAddress });
  if (opts.wait === false) return s;
  const t0 = Date.now();
  await api.waitFor('both tunnels ipsec_sa_established', async () => {
    const v = await call('DescribeVpnConnection', { VpnConnectionId: s.vco });
    return v.Status === 'ipsec_sa_established' &&
      v.TunnelOptionsSpecification.TunnelOptions.every((x) => x.Status === 'ipsec_sa_established');
  }, 45000, 200);
  s.establishMs = Date.now() - t0;
  s.tunnels = (await call('DescribeVpnConnection', { VpnConnectionId: s.vco })).TunnelOptionsSpecification.TunnelOptions;
  return s;
}

/** A probe straight through an agent's own API (works while the server is down). */
async function agentProbe(agent, HostId, Target, Count, IntervalMs) {
  const res = await agent.fetch('/v1/probes', {
    method: 'POST', body: JSON.stringify({ HostId, Target, Count, IntervalMs }),
    signal: AbortSignal.timeout(Count * IntervalMs + 30000),
  });
  return res.json();
}

module.exports.seedTopology = seedTopology;
module.exports.agentProbe = agentProbe;

/**
 * Active/standby with two single-tunnel connections on a single-zone gateway (the design
 * before dual tunnels): a branch with two devices, connection A on the first and B on the
 * second, both with a health check, and destination routes to the branch LAN with
 * Weight 100 (A) and 0 (B), published to the VPC.  Waits until both are established.
 * opts: { lan, cgw: [ip, ip], interval, retry }.
 */
async function standbyTopology(srv, opts = {}) {
  const call = rpc(srv);
  const lan = opts.lan || '192.168.60.0/24';
  const base = lan.split('.').slice(0, 3).join('.');
  const s = { call };
  const net = await vpcWithVSwitches(call, '10.0.0.0/16');
  Object.assign(s, { vpc: net.vpc, vsw: net.vsw[0], gw: await vpnGateway(call, net, 100) });
  const idle = () => api.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active');
  s.cgw = [];
  for (const ip of opts.cgw || ['203.0.113.61', '203.0.113.62']) {
    s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
  }
  s.vco = [];
  for (const [i, cgw] of s.cgw.entries()) {
    await idle();
    s.vco.push((await call('CreateVpnConnection', {
      VpnGatewayId: s.gw, CustomerGatewayId: cgw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: lan, EffectImmediately: true,
      AutoConfigRoute: false,
      IkeConfig: JSON.stringify({ IkeVersion: 'ikev2', Psk: `standby-psk-${i}` }),
      HealthCheckConfig: JSON.stringify({ enable: true, sip: '10.0.1.250', dip: `${base}.${i + 1}`,
        interval: opts.interval || 1, retry: opts.retry || 3 }),
    })).VpnConnectionId);
  }
  for (const [i, vco] of s.vco.entries()) {
    await idle();
    await call('CreateVpnRouteEntry', { VpnGatewayId: s.gw, RouteDest: lan, NextHop: vco, Weight: i === 0 ? 100 : 0, PublishVpc: true });
  }
  s.site = (await rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: lan })).SiteId;
  const vh = await rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vsw });
  const sh2 = await rest(srv, 'POST', '/v1/lab/hosts', { SiteId: s.site });
  Object.assign(s, { vpcHost: vh.HostId, vpcHostIp: vh.IpAddress, siteHost: sh2.HostId, siteHostIp: sh2.IpAddress });
  await api.waitFor('both connections established', async () => {
    const got = await call('DescribeVpnConnections', { VpnGatewayId: s.gw });
    return got.VpnConnections.VpnConnection.every((c) => c.Status === 'ipsec_sa_established');
  }, 45000, 200);
  return s;
}

module.exports.standbyTopology = standbyTopology;

/** Server options for a catalogue with a single-tunnel region (standbyTopology needs one). */
const SINGLE_TUNNEL = { region: 'cn-lab-single', args: ['--catalog', path.join(__dirname, 'catalog-single-tunnel.json')] };

/** Starts a server whose calls go to the single-tunnel region. */
async function startSingleTunnelServer(extra = {}) {
  const srv = await api.startServer({ delayMs: 50, ...extra, args: [...SINGLE_TUNNEL.args, ...(extra.args || [])] });
  srv.region = SINGLE_TUNNEL.region;
  return srv;
}
module.exports.startSingleTunnelServer = startSingleTunnelServer;

/**
 * The cloud half of a transit-router topology through the public API: a VPC (10.1.0.0/16, one
 * vSwitch, one lab host), a CEN, an Enterprise transit router (CIDR 192.168.250.0/24), the VPC's
 * attachment, a custom route table the attachment is associated with and propagates into, and
 * the VPC's system table sending opts.branches (default 192.168.0.0/17, where branch LANs go)
 * to the attachment.  Returns { vpc, zone, vsw, vpcHost, vpcHostIp, cen, tr, attVpc, rt }.
 */
async function transitRouterCore(srv, opts = {}) {
  const call = rpc(srv);
  const region = srv.region || REGION;
  const get = async (p, pick) => pick(await rest(srv, 'GET', p));
  const t = {};
  t.vpc = (await call('CreateVpc', { CidrBlock: '10.1.0.0/16' })).VpcId;
  await api.waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: t.vpc })).Vpcs.Vpc[0].Status === 'Available');
  t.zone = (await call('DescribeZones')).Zones.Zone[0].ZoneId;
  t.vsw = (await call('CreateVSwitch', { VpcId: t.vpc, ZoneId: t.zone, CidrBlock: '10.1.1.0/24' })).VSwitchId;
  await api.waitFor('vSwitch Available', async () => (await call('DescribeVSwitches', { VSwitchId: t.vsw }))
    .VSwitches.VSwitch[0].Status === 'Available');
  const vh = await rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: t.vsw });
  t.vpcHost = vh.HostId;
  t.vpcHostIp = vh.IpAddress;
  t.cen = (await rest(srv, 'POST', '/v1/cens', { Name: 'lab-tr-core' })).CenId;
  await api.waitFor('CEN Active', () => get(`/v1/cens?Filter.1.Key=CenId&Filter.1.Value.1=${t.cen}`,
    (r) => r.Cens[0].Status === 'Active'));
  t.tr = (await rest(srv, 'POST', '/v1/transit-routers', {
    RegionId: region, CenId: t.cen, TransitRouterCidrList: [{ Cidr: '192.168.250.0/24' }],
  })).TransitRouterId;
  await api.waitFor('transit router Active', () => get(`/v1/transit-routers?TransitRouterId=${t.tr}`,
    (r) => r.TransitRouters[0].Status === 'Active'));
  t.attVpc = (await rest(srv, 'POST', '/v1/transit-router-vpc-attachments', {
    RegionId: region, TransitRouterId: t.tr, VpcId: t.vpc, ZoneMappings: [{ ZoneId: t.zone, VSwitchId: t.vsw }],
  })).TransitRouterAttachmentId;
  await api.waitFor('VPC attachment Attached', () => get(`/v1/transit-router-vpc-attachments?TransitRouterAttachmentId=${t.attVpc}`,
    (r) => r.TransitRouterAttachments[0].Status === 'Attached'));
  t.rt = (await rest(srv, 'POST', '/v1/transit-router-route-tables', { TransitRouterId: t.tr })).TransitRouterRouteTableId;
  await api.waitFor('route table Active', () => get(
    `/v1/transit-router-route-tables?TransitRouterId=${t.tr}&TransitRouterRouteTableType=Custom`,
    (r) => r.TransitRouterRouteTables[0].TransitRouterRouteTableStatus === 'Active'));
  await transitRouterBind(srv, t, t.attVpc);
  const system = (await call('DescribeVpcs', { VpcId: t.vpc })).Vpcs.Vpc[0].RouterTableIds.RouterTableIds[0];
  await call('CreateRouteEntry', { RouteTableId: system, DestinationCidrBlock: opts.branches || '192.168.0.0/17',
    NextHopType: 'Attachment', NextHopId: t.attVpc });
  return t;
}

/** Associates attachment att with t.rt and propagates it there; waits until both are Active. */
async function transitRouterBind(srv, t, att) {
  const get = async (p, pick) => pick(await rest(srv, 'GET', p));
  await rest(srv, 'POST', `/v1/transit-router-route-tables/${t.rt}/associations`, { TransitRouterAttachmentId: att });
  await rest(srv, 'POST', `/v1/transit-router-route-tables/${t.rt}/propagations`, { TransitRouterAttachmentId: att });
  await api.waitFor('association and propagation Active', async () =>
    (await get(`/v1/transit-router-route-tables/${t.rt}/associations`,
      (r) => r.TransitRouterAssociations.some((a) => a.TransitRouterAttachmentId === att && a.Status === 'Active'))) &&
    get(`/v1/transit-router-route-tables/${t.rt}/propagations`,
      (r) => r.TransitRouterPropagations.some((a) => a.TransitRouterAttachmentId === att && a.Status === 'Active')), 30000, 20);
}

/** CreateTransitRouterVpnAttachment of connection vco to t.tr; waits until Attached; returns its id. */
async function transitRouterAttachVpn(srv, t, vco) {
  const att = (await rest(srv, 'POST', '/v1/transit-router-vpn-attachments', {
    RegionId: srv.region || REGION, TransitRouterId: t.tr, VpnId: vco, Zone: [{ ZoneId: t.zone }],
  })).TransitRouterAttachmentId;
  await api.waitFor('VPN attachment Attached', async () => (await rest(srv, 'GET', `/v1/transit-router-vpn-attachments?TransitRouterId=${t.tr}`))
    .TransitRouterAttachments.some((a) => a.TransitRouterAttachmentId === att && a.Status === 'Attached'), 30000, 20);
  return att;
}

/**
 * Per connection of vcos, what the cloud side sent toward the customer ({ bytes, packets },
 * GET /metrics, direction out; 0 before the first report).
 */
async function connectionCounters(srv, vcos) {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const pick = (metric, vco) => {
    const line = text.split('\n').find((l) => l.startsWith(`${metric}{vpn_connection_id="${vco}",direction="out"} `));
    return line ? Number(line.split(' ').pop()) : 0;
  };
  return vcos.map((vco) => ({ bytes: pick('vpnlab_vpn_connection_bytes_total', vco),
    packets: pick('vpnlab_vpn_connection_packets_total', vco) }));
}

Object.assign(module.exports, { transitRouterCore, transitRouterBind, transitRouterAttachVpn, connectionCounters });

/**
 * Machines on one LAN: host namespace `${tag}-lan` holds a bridge, each [name, n] of hosts gets
 * host namespace `${tag}-${name}` plugged into it with eth0 at `${net}.${n}/24`, and the root
 * namespace (where the server runs) joins it as `${tag}r` at `${net}.254/24` (removed with the
 * lan namespace's peer).  cleanupAll removes the namespaces.
 */
function buildHostLan(tag, net, hosts) {
  const lanNs = `${tag}-lan`;
  addHostNamespace(lanNs);
  sh('ip', ['-n', lanNs, 'link', 'add', 'br0', 'type', 'bridge']);
  sh('ip', ['-n', lanNs, 'link', 'set', 'br0', 'up']);
  const plug = (ns, dev, port, addr) => {
    sh('ip', ['link', 'add', dev, ...(ns ? ['netns', ns] : []), 'type', 'veth', 'peer', 'name', port, 'netns', lanNs]);
    sh('ip', ['-n', lanNs, 'link', 'set', port, 'master', 'br0', 'up']);
    sh('ip', [...(ns ? ['-n', ns] : []), 'addr', 'add', addr, 'dev', dev]);
    sh('ip', [...(ns ? ['-n', ns] : []), 'link', 'set', dev, 'up']);
  };
  for (const [name, n] of hosts) {
    addHostNamespace(`${tag}-${name}`);
    plug(`${tag}-${name}`, 'eth0', `p${name}`, `${net}.${n}/24`);
  }
  plug(null, `${tag}r`, 'pr', `${net}.254/24`);
}

/**
 * Kills agent with SIGKILL while namespace ns pings dstIp (60 pings, 50 ms apart; the agent's
 * own probes would die with it) and starts it again on its state directory; asserts that not
 * one ping was lost.  Resolves to the restarted agent (the caller stops it).
 */
async function restartAgentUnderPing(srv, agent, ns, dstIp) {
  const ping = spawn('ip', ['netns', 'exec', ns, 'ping', '-c', '60', '-i', '0.05', '-W', '1', dstIp],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  ping.stdout.on('data', (d) => { out += d; });
  const pinged = new Promise((r) => ping.once('exit', r));
  await api.sleep(300);
  await agent.stop('SIGKILL');
  const restarted = await startAgent({ server: srv, stateDir: agent.stateDir });
  await pinged;
  const m = out.match(/(\d+) packets transmitted, (\d+) received/);
  assert.ok(m, out);
  assert.equal(Number(m[2]), Number(m[1]), `no probe lost across the restart:\n${out.slice(-300)}`);
  return restarted;
}

/**
 * What each of the counters counts() resolves to (an array of numbers) grew by while fn ran,
 * once shown(deltas) says they show what the caller waits for: the counters are reported
 * periodically, so they are polled (every intervalMs, up to timeoutMs), never read after a
 * fixed sleep a loaded machine could outlast.  The last deltas read, either way: the
 * caller's assertions say what was missing.
 */
async function countersDuring(counts, fn, shown, timeoutMs, intervalMs) {
  const before = await counts();
  await fn();
  let deltas = [];
  try {
    await api.waitFor('the counters show the traffic', async () => {
      const now = await counts();
      deltas = now.map((n, i) => n - before[i]);
      return shown(deltas);
    }, timeoutMs, intervalMs);
  } catch {
    // asserted by the caller
  }
  return deltas;
}

Object.assign(module.exports, { buildHostLan, restartAgentUnderPing, countersDuring });
