'use strict';
// Transit-router data-plane figures (issue 13), printed, not asserted.  Needs root and iperf3.
//   node bench/tr.js [--quick] [spread|failover|convergence ...]   (default: all three)
// A VPC attached to an Enterprise transit router; N single-tunnel IPsec connections from one
// branch site attached to the router, every attachment associated with and propagating into
// one custom route table, so the branch LAN is N Active entries: one multipath route in the
// router's namespace.  A lab site has at most 4 gateway devices, so connection k goes to
// device k mod 4 (N > 4: several connections per device, each with its own tunnel).
//  * spread (TR_SIZES, default 2,4,16): 16 TCP streams VPC host → branch host (POST
//    /v1/lab/flows, TR_FLOW_SECONDS); bytes per connection from GET /metrics
//    (vpnlab_vpn_connection_bytes_total, direction out), min/max share (N > 4: also with 64
//    streams, since 16 flows hashed over 16 next hops leave some empty); then all connections
//    but one cut (lab faults), the same flow over the one left: the aggregate ratio N : 1, and the
//    CPU every charon spent per MB carried, with the charons' share of the machine's CPU time.
//  * failover (TR_FAILOVER_SIZES, default 2,16; TR_FAILOVER_ROUNDS, 5): a probe every 50 ms;
//    the connection the probes ride (found by its packet counter) is cut; loss window = lost × 50 ms.
//  * convergence (TR_CONVERGENCE_ROUNDS, 10): per round a branch site with its connection
//    already created; CreateTransitRouterVpnAttachment, then (once Attached) association and
//    propagation into the route table → the first probe reply (probes of 25 echoes 20 ms
//    apart: first reply ≈ probe start + lost echoes × 20 ms).
// --quick: TR_SIZES 2,4, failover of one of 2 only, 3 rounds, 4 convergence rounds, 3 s flows.
// Uses bin/vpnlabd and bin/vpnlab-agent unless VPNLABD / VPNLAB_AGENT say.

const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');

process.env.VPNLABD = process.env.VPNLABD || path.join(__dirname, '..', 'bin', 'vpnlabd');
const lab = require('../tests/lab/lab-harness');

const quick = process.argv.includes('--quick');
const num = (name, dflt, q) => Number(process.env[name] || (quick ? q : dflt));
const list = (name, dflt, q) => (process.env[name] || (quick ? q : dflt)).split(',').map(Number);
const SIZES = list('TR_SIZES', '2,4,16', '2,4');
const FAILOVER_SIZES = list('TR_FAILOVER_SIZES', '2,16', '2');
const FAILOVER_ROUNDS = num('TR_FAILOVER_ROUNDS', 5, 3);
const CONVERGENCE_ROUNDS = num('TR_CONVERGENCE_ROUNDS', 10, 4);
const FLOW_SECONDS = num('TR_FLOW_SECONDS', 5, 3);
const DEVICES_MAX = 4;
const LAN = '192.168.20.0/24';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function fresh() {
  const srv = await lab.startServer({ delayMs: 20, args: ['--dpd-delay-s', '1',
    '--quota', 'customer_gateways_per_region=200', '--quota', 'vpn_connections_per_gateway=100'] });
  const agent = await lab.startAgent({ server: srv });
  const call = lab.rpc(srv);
  const rest = (method, p, body) => lab.rest(srv, method, p, body);
  return { srv, agent, call, rest, region: srv.region || lab.REGION };
}

async function done(env) {
  await lab.cleanupAll();
  await env.srv.stop();
}

/** n connections from one site (devices round-robin) attached to the router; waits for n Active entries and a probe reply. */
async function ecmpTopology(env, n) {
  const t = await lab.transitRouterCore(env.srv);
  const { call, rest, region } = env;
  t.cgw = [];
  for (let d = 0; d < Math.min(n, DEVICES_MAX); d++) {
    t.cgw.push((await call('CreateCustomerGateway', { IpAddress: `203.0.113.${21 + d}` })).CustomerGatewayId);
  }
  t.vco = [];
  for (let i = 0; i < n; i++) {
    t.vco.push((await rest('POST', '/v1/vpn-attachments', {
      RegionId: region, Name: `bench-tr-${i + 1}`, CustomerGatewayId: t.cgw[i % t.cgw.length], LocalSubnet: '10.1.0.0/16',
      RemoteSubnet: LAN, IkeConfig: { IkeVersion: 'ikev2', Psk: `bench-tr-psk-${i + 1}` },
    })).VpnConnectionId);
  }
  t.site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: t.cgw, LanCidr: LAN })).SiteId;
  const bh = await rest('POST', '/v1/lab/hosts', { SiteId: t.site });
  t.siteHost = bh.HostId;
  t.siteHostIp = bh.IpAddress;
  t.att = [];
  for (const vco of t.vco) t.att.push(await lab.transitRouterAttachVpn(env.srv, t, vco));
  for (const att of t.att) await lab.transitRouterBind(env.srv, t, att);
  await allUp(env, t);
  const toLan = (await rest('GET', `/v1/transit-router-route-tables/${t.rt}/route-entries?TransitRouterRouteEntryStatus=All`))
    .TransitRouterRouteEntries.filter((e) => e.TransitRouterRouteEntryDestinationCidrBlock === LAN);
  const active = toLan.filter((e) => e.TransitRouterRouteEntryStatus === 'Active').length;
  if (active !== Math.min(n, 16)) throw new Error(`${active} Active entries for ${n} connections`);
  await lab.waitFor('VPC host reaches the branch host', async () =>
    (await lab.probe(env.srv, t.vpcHost, t.siteHostIp, 1, 10)).Received === 1, 60000, 100);
  return t;
}

const allUp = (env, t, which = t.vco) => lab.waitFor(`${which.length} connections ipsec_sa_established`, async () => {
  for (const vco of which) {
    if ((await env.call('DescribeVpnConnection', { VpnConnectionId: vco })).Status !== 'ipsec_sa_established') return false;
  }
  return true;
}, 120000, 250);

const counters = (env, t) => lab.connectionCounters(env.srv, t.vco);

/**
 * CPU seconds of the agent's charons, user and system, on the cloud side (the router's
 * endpoints: they encrypt what goes to the branch) and the branch side (the site's devices:
 * they decrypt), and of the whole machine (busy time of all cores).
 */
function cpu(agent, t) {
  const c = { cloudUser: 0, cloudSys: 0, branchUser: 0, branchSys: 0 };
  const dir = path.join(agent.stateDir, 'endpoints');
  for (const e of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    try {
      const pid = Number(fs.readFileSync(path.join(dir, e, 'charon.pid'), 'utf8').trim());
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const side = e.startsWith(t.site) ? 'branch' : 'cloud';
      c[`${side}User`] += Number(f[11]) / 100;
      c[`${side}Sys`] += Number(f[12]) / 100;
    } catch { /* gone */ }
  }
  const all = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number);
  c.busy = (all.reduce((x, y) => x + y, 0) - all[3] - all[4]) / 100; // minus idle and iowait
  return c;
}

/** 16 TCP streams VPC host → branch host; bytes per connection once every report is in; CPU. */
async function flow(env, t, streams = 16) {
  const c0 = await counters(env, t);
  const u0 = cpu(env.agent, t);
  const r = await env.rest('POST', '/v1/lab/flows', { HostId: t.vpcHost, Target: t.siteHostIp, Streams: streams,
    Seconds: FLOW_SECONDS, Protocol: 'tcp' });
  const u1 = cpu(env.agent, t);
  let moved = [];
  await lab.waitFor('the counters show the flow', async () => {
    const c1 = await counters(env, t);
    moved = c1.map((c, i) => c.bytes - c0[i].bytes);
    return moved.reduce((a, b) => a + b, 0) >= r.Bytes;
  }, 30000, 250);
  const mb = r.Bytes / 1e6;
  const d = (k) => u1[k] - u0[k];
  const charons = d('cloudUser') + d('cloudSys') + d('branchUser') + d('branchSys');
  const perMb = (k) => ((d(k) * 1000) / mb).toFixed(1);
  return { mbps: r.TotalMbps, retransmits: r.Retransmits, moved, charonMsPerMb: (charons * 1000) / mb,
    charonShare: charons / d('busy'), load: os.loadavg()[0],
    cpuSplit: `cloud side ${perMb('cloudUser')} user + ${perMb('cloudSys')} sys, branch side ${perMb('branchUser')} user + ` +
      `${perMb('branchSys')} sys` };
}

const fault = (env, vco, Action) => env.rest('POST', '/v1/lab/faults', { VpnConnectionId: vco, Action });

async function spreadOne(n) {
  const env = await fresh();
  try {
    const t = await ecmpTopology(env, n);
    const all = await flow(env, t);
    const total = all.moved.reduce((a, b) => a + b, 0);
    const shares = all.moved.map((m) => (100 * m) / total);
    const carrying = shares.filter((s) => s > 1).length;
    console.log(`spread, ${n} connections (16 TCP streams, ${FLOW_SECONDS} s): shares min ${Math.min(...shares).toFixed(1)} %, ` +
      `max ${Math.max(...shares).toFixed(1)} % (even: ${(100 / n).toFixed(1)} %), ${carrying} of ${n} connections carry > 1 %; ` +
      `per connection ${shares.map((s) => s.toFixed(1)).join('/')} %`);
    if (n > 4) {
      // 16 flows hashed into 16 buckets leave some empty (about 16 × (15/16)^16 ≈ 5.7 on average): more flows, more even
      const many = await flow(env, t, 64);
      const sum = many.moved.reduce((a, b) => a + b, 0);
      const s64 = many.moved.map((m) => (100 * m) / sum);
      console.log(`spread, ${n} connections (64 TCP streams, ${FLOW_SECONDS} s): shares min ${Math.min(...s64).toFixed(1)} %, ` +
        `max ${Math.max(...s64).toFixed(1)} %, ${s64.filter((x) => x > 1).length} of ${n} connections carry > 1 %; ` +
        `${many.mbps.toFixed(0)} Mbit/s`);
    }
    // the same streams over one connection: the others cut and gone from the router's route
    for (const vco of t.vco.slice(1)) await fault(env, vco, 'cut');
    await lab.waitFor('the cut connections reported down', async () => {
      for (const vco of t.vco.slice(1)) {
        if ((await env.call('DescribeVpnConnection', { VpnConnectionId: vco })).Status === 'ipsec_sa_established') return false;
      }
      return true;
    }, 120000, 250);
    const one = await flow(env, t);
    const leaked = one.moved.slice(1).reduce((a, b) => a + b, 0);
    console.log(`throughput, ${n} connections vs 1 (same topology, the other ${n - 1} cut): ${all.mbps.toFixed(0)} vs ` +
      `${one.mbps.toFixed(0)} Mbit/s, ratio ${(all.mbps / one.mbps).toFixed(2)}; retransmits ${all.retransmits} vs ${one.retransmits}; ` +
      `charon CPU ${all.charonMsPerMb.toFixed(1)} vs ${one.charonMsPerMb.toFixed(1)} ms/MB (all charons, user + sys), ` +
      `charons' share of the machine's busy CPU ${(100 * all.charonShare).toFixed(0)} % vs ${(100 * one.charonShare).toFixed(0)} %; ` +
      `bytes over cut connections ${leaked}; load ${all.load.toFixed(1)} / ${one.load.toFixed(1)}`);
    console.log(`throughput CPU per MB, ${n} connections: ${all.cpuSplit} ms/MB; over 1: ${one.cpuSplit} ms/MB`);
    for (const vco of t.vco.slice(1)) await fault(env, vco, 'restore');
  } finally {
    await done(env);
  }
}

/** The connection whose packet counter grows by a probe's echoes (the one the probes' flow hashes to). */
async function probePath(env, t) {
  const c0 = await counters(env, t);
  await lab.probe(env.srv, t.vpcHost, t.siteHostIp, 20, 20);
  let i = -1;
  await lab.waitFor('the probes counted', async () => {
    const c1 = await counters(env, t);
    i = c1.findIndex((c, k) => c.packets - c0[k].packets >= 20);
    return i >= 0;
  }, 30000, 250);
  return i;
}

async function failoverOne(n) {
  const env = await fresh();
  try {
    const t = await ecmpTopology(env, n);
    const windows = [];
    for (let round = 0; round < FAILOVER_ROUNDS; round++) {
      const i = await probePath(env, t);
      const running = lab.probe(env.srv, t.vpcHost, t.siteHostIp, 300, 50);
      await lab.sleep(1000);
      await fault(env, t.vco[i], 'cut');
      const r = await running;
      windows.push((r.Sent - r.Received) * 50);
      await fault(env, t.vco[i], 'restore');
      await allUp(env, t, [t.vco[i]]);
      await lab.sleep(2000); // the restored connection back in the router's route
    }
    console.log(`failover, one of ${n} connections cut (the probes' own; DPD 1 s, probes every 50 ms): loss windows ` +
      `${windows.join(', ')} ms, median ${median(windows)} ms; load ${os.loadavg()[0].toFixed(1)}`);
  } finally {
    await done(env);
  }
}

async function convergence() {
  const env = await fresh();
  try {
    const t = await lab.transitRouterCore(env.srv);
    const { call, rest, region } = env;
    const times = [], bound = [], lost = [];
    for (let i = 0; i < CONVERGENCE_ROUNDS; i++) {
      const lan = `192.168.${100 + i}.0/24`;
      const cgw = (await call('CreateCustomerGateway', { IpAddress: `203.0.113.${101 + i}` })).CustomerGatewayId;
      const vco = (await rest('POST', '/v1/vpn-attachments', {
        RegionId: region, Name: `bench-conv-${i + 1}`, CustomerGatewayId: cgw, LocalSubnet: '10.1.0.0/16', RemoteSubnet: lan,
        IkeConfig: { IkeVersion: 'ikev2', Psk: `bench-conv-psk-${i + 1}` },
      })).VpnConnectionId;
      const site = (await rest('POST', '/v1/lab/sites', { CustomerGatewayIds: [cgw], LanCidr: lan })).SiteId;
      const host = await rest('POST', '/v1/lab/hosts', { SiteId: site });
      const t0 = Date.now();
      const att = await lab.transitRouterAttachVpn(env.srv, t, vco);
      await lab.transitRouterBind(env.srv, t, att);
      bound.push(Date.now() - t0);
      // 25 echoes 20 ms apart: once the path is up every later echo is answered, so the
      // first reply came about (lost echoes × 20 ms) after the probe started
      let tries = 0;
      for (;; tries++) {
        let r;
        const tProbe = Date.now();
        try {
          r = await lab.probe(env.srv, t.vpcHost, host.IpAddress, 25, 20);
        } catch (e) {
          if (!(e.status === 404 && /has not built/.test(e.body.Message || ''))) throw e;
        }
        if (r && r.Received > 0) {
          times.push(tProbe - t0 + (r.Sent - r.Received) * 20);
          break;
        }
        if (Date.now() - t0 > 120000) throw new Error(`${vco} never answered`);
      }
      lost.push(tries);
    }
    console.log(`convergence (CreateTransitRouterVpnAttachment → Attached → association + propagation → first probe reply (± 20 ms), ` +
      `${CONVERGENCE_ROUNDS} connections, transition delay 20 ms): ${times.join(', ')} ms, median ${median(times)} ms, ` +
      `max ${Math.max(...times)} ms; of which the API until association and propagation Active median ${median(bound)} ms; ` +
      `whole probes (25 echoes, 20 ms apart) unanswered before ${lost.join(', ')}; load ${os.loadavg()[0].toFixed(1)}`);
  } finally {
    await done(env);
  }
}

async function spread() { for (const n of SIZES) await spreadOne(n); }
async function failover() { for (const n of FAILOVER_SIZES) await failoverOne(n); }

if (require.main === module) (async () => {
  const why = lab.canRun() || (() => {
    try { lab.sh('iperf3', ['--version']); return null; } catch { return 'iperf3 is not installed'; }
  })();
  if (why) {
    console.log(`bench/tr: skipped: ${why}`);
    return;
  }
  const parts = { spread, failover, convergence };
  const asked = process.argv.slice(2).filter((a) => a !== '--quick');
  const pick = asked.length ? asked : Object.keys(parts);
  for (const name of pick) {
    if (!parts[name]) throw new Error(`unknown part ${name} (${Object.keys(parts).join(', ')})`);
    console.log(`# ${name} (load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    await parts[name]();
  }
})().catch(async (e) => {
  console.error(e);
  await lab.cleanupAll();
  process.exit(1);
});
