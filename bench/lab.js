'use strict';
// Data-plane figures (issue 5), printed, not asserted.  Needs root.  Usage:
//   node bench/lab.js [convergence|failover|throughput|scale ...]   (default: all four)
// Uses the optimised builds (bin/vpnlabd, bin/vpnlab-agent) unless VPNLABD / VPNLAB_AGENT say.
//  * convergence: CreateVpnConnection → first successful probe, over 20 connections (median, max)
//  * failover: probe loss window when the master is cut (health check interval 1 s, retry 3;
//    dual tunnel with the default settings)
//  * throughput: iperf3 through one vpnlab tunnel beside a hand-configured strongSwan tunnel
//    with the same backend, in the same run
//  * scale: 50 connections on one agent: time until all are established, agent + charon memory

const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { spawn, execFileSync } = require('node:child_process');

process.env.VPNLABD = process.env.VPNLABD || path.join(__dirname, '..', 'bin', 'vpnlabd');
const lab = require('../tests/lab/lab-harness');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** A server (on the single-tunnel region of tests/lab/catalog-single-tunnel.json unless dual) and an agent. */
async function fresh(args = [], dual = false) {
  // 50 connections on one gateway is above the cloud's default quota of 10
  args = ['--quota', 'vpn_connections_per_gateway=100', '--quota', 'customer_gateways_per_region=200',
    '--quota', 'vpn_routes_per_gateway=200', ...args];
  const srv = dual ? await lab.startServer({ delayMs: 20, args }) : await lab.startSingleTunnelServer({ delayMs: 20, args });
  const agent = await lab.startAgent({ server: srv });
  return { srv, agent, call: lab.rpc(srv) };
}

async function done(env) {
  await lab.cleanupAll();
  await env.srv.stop();
}

/** A single-zone gateway in a fresh VPC with one host; returns ids. */
async function gatewayWithHost(call, srv) {
  const vpc = (await call('CreateVpc', { CidrBlock: '10.0.0.0/16' })).VpcId;
  await lab.waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: vpc })).Vpcs.Vpc[0].Status === 'Available');
  const zone = (await call('DescribeZones')).Zones.Zone[0].ZoneId;
  const vsw = (await call('CreateVSwitch', { VpcId: vpc, ZoneId: zone, CidrBlock: '10.0.1.0/24' })).VSwitchId;
  await lab.waitFor('vSwitch Available', async () => (await call('DescribeVSwitches', { VpcId: vpc })).VSwitches.VSwitch
    .every((v) => v.Status === 'Available'));
  const gw = (await call('CreateVpnGateway', { VpcId: vpc, VSwitchId: vsw, Bandwidth: 1000, EnableIpsec: true })).VpnGatewayId;
  await lab.waitFor('gateway active', async () => (await call('DescribeVpnGateway', { VpnGatewayId: gw })).Status === 'active');
  const host = await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: vsw });
  return { vpc, vsw, gw, host };
}

async function gatewayIdle(call, gw) {
  await lab.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: gw })).Status === 'active', 30000, 20);
}

/** n branch sites, each with one device and one host; then one connection per site. */
async function branches(env, g, n, onConnection) {
  const { call, srv } = env;
  const out = [];
  for (let i = 0; i < n; i++) {
    const cgw = (await call('CreateCustomerGateway', { IpAddress: `203.0.${113 + Math.floor(i / 200)}.${10 + (i % 200)}` })).CustomerGatewayId;
    const lan = `172.${16 + Math.floor(i / 250)}.${i % 250}.0/24`;
    const site = (await lab.rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: [cgw], LanCidr: lan })).SiteId;
    const host = await lab.rest(srv, 'POST', '/v1/lab/hosts', { SiteId: site });
    out.push({ cgw, lan, site, host });
  }
  for (const b of out) {
    await gatewayIdle(call, g.gw);
    const t0 = Date.now();
    b.vco = (await call('CreateVpnConnection', {
      VpnGatewayId: g.gw, CustomerGatewayId: b.cgw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: b.lan, EffectImmediately: true,
      IkeConfig: JSON.stringify({ IkeVersion: 'ikev2', Psk: `psk-${b.cgw}` }),
    })).VpnConnectionId;
    b.createdAt = t0;
    if (onConnection) await onConnection(b);
  }
  return out;
}

async function convergence() {
  const env = await fresh();
  try {
    const g = await gatewayWithHost(env.call, env.srv);
    const times = [];
    await branches(env, g, 20, async (b) => {
      for (;;) {
        // one echo; the agent counts it lost after 200 ms, which bounds the figure's resolution
        const r = await lab.probe(env.srv, g.host.HostId, b.host.IpAddress, 1, 10);
        if (r.Received === 1) break;
        if (Date.now() - b.createdAt > 60000) throw new Error(`${b.vco} never answered`);
      }
      times.push(Date.now() - b.createdAt);
    });
    console.log(`convergence (CreateVpnConnection → first successful probe, 20 connections): median ${median(times)} ms, ` +
      `max ${Math.max(...times)} ms (target median ≤ 1000 ms; probes every ≤ 200 ms)`);
  } finally {
    await done(env);
  }
}

async function failover() {
  const env = await fresh();
  try {
    // active/standby connections (weights 100/0) with a health check of 1 s × 3
    const s = await lab.standbyTopology(env.srv, { interval: 1, retry: 3 });
    const windows = [];
    for (let round = 0; round < 3; round++) {
      const running = lab.probe(env.srv, s.vpcHost, s.siteHostIp, 160, 50);
      await lab.sleep(1000);
      await lab.rest(env.srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'cut' });
      const r = await running;
      windows.push((r.Sent - r.Received) * 50);
      await lab.rest(env.srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco[0], Action: 'restore' });
      await lab.waitFor('A back', async () => (await s.call('DescribeVpnConnection', { VpnConnectionId: s.vco[0] }))
        .Status === 'ipsec_sa_established', 60000, 100);
      await lab.sleep(3000);
    }
    console.log(`failover (active/standby 100/0, health check 1 s × 3, probes every 50 ms): loss windows ` +
      `${windows.join(', ')} ms, median ${median(windows)} ms (target ≤ detection 3000 ms + 500 ms)`);
  } finally {
    await done(env);
  }
  // dual tunnel with the default settings: the gateway's own liveness probes (300 ms × 3) decide
  const env2 = await fresh([], true);
  try {
    const s = await lab.seedTopology(env2.srv, {});
    const running = lab.probe(env2.srv, s.vpcHost, s.siteHostIp, 300, 50);
    await lab.sleep(1000);
    await lab.rest(env2.srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: s.tunnels[0].TunnelId, Action: 'cut' });
    const r = await running;
    console.log(`failover (dual tunnel, default settings: liveness probes 300 ms × 3): loss window ` +
      `${(r.Sent - r.Received) * 50} ms (target ≤ 3000 ms)`);
  } finally {
    await done(env2);
  }
}

function iperf(ns, target, seconds) {
  const server = spawn('ip', ['netns', 'exec', ns.server, 'iperf3', '-s', '-1', '-B', target], { stdio: 'ignore' });
  execFileSync('sleep', ['0.5']);
  try {
    const out = execFileSync('ip', ['netns', 'exec', ns.client, 'iperf3', '-c', target, '-t', String(seconds), '-J'],
      { encoding: 'utf8' });
    return JSON.parse(out).end.sum_received.bits_per_second / 1e6;
  } finally {
    try { server.kill('SIGKILL'); } catch { /* gone */ }
  }
}

/** A strongSwan tunnel configured by hand: two namespaces, one veth, two charons, same backend. */
function handTunnel(seconds) {
  const tag = `vlbh${process.pid % 100000}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-hand-'));
  const a = `${tag}a`, b = `${tag}b`;
  const ip = (...args) => execFileSync('ip', args);
  const pids = [];
  try {
    ip('netns', 'add', a); ip('netns', 'add', b);
    ip('link', 'add', 'ul', 'netns', a, 'type', 'veth', 'peer', 'name', 'ul', 'netns', b);
    ip('-n', a, 'addr', 'add', '198.51.100.1/24', 'dev', 'ul'); ip('-n', b, 'addr', 'add', '198.51.100.2/24', 'dev', 'ul');
    for (const n of [a, b]) { ip('-n', n, 'link', 'set', 'ul', 'up'); ip('-n', n, 'link', 'set', 'lo', 'up'); }
    ip('-n', a, 'addr', 'add', '10.90.0.1/32', 'dev', 'lo'); ip('-n', b, 'addr', 'add', '10.91.0.1/32', 'dev', 'lo');
    const conf = (me, peer, lts, rts, start) => `connections { t { version = 2
  local_addrs = ${me}
  remote_addrs = ${peer}
  proposals = aes128-sha256-modp2048
  local { auth = psk
    id = ${me} }
  remote { auth = psk
    id = ${peer} }
  children { t { local_ts = ${lts}
    remote_ts = ${rts}
    esp_proposals = aes128-sha256-modp2048
    start_action = ${start} } } } }
secrets { ike-t { id-1 = ${me}
  id-2 = ${peer}
  secret = hand-made } }
`;
    const sides = [[a, '198.51.100.1', '198.51.100.2', '10.90.0.1/32', '10.91.0.1/32', 'none'],
      [b, '198.51.100.2', '198.51.100.1', '10.91.0.1/32', '10.90.0.1/32', 'start']];
    for (const [ns, me, peer, lts, rts, start] of sides) {
      const d = path.join(dir, ns);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'strongswan.conf'), `charon {
  load = random nonce openssl kdf pem pkcs1 x509 socket-default kernel-libipsec kernel-netlink vici
  plugins { vici { socket = unix://${d}/vici } }
}
`);
      fs.writeFileSync(path.join(d, 'swanctl.conf'), conf(me, peer, lts, rts, start));
      const p = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c',
        `mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon`], { env: { ...process.env, STRONGSWAN_CONF: path.join(d, 'strongswan.conf') }, stdio: 'ignore' });
      pids.push(p);
    }
    execFileSync('sleep', ['1']);
    for (const [ns] of sides) {
      const d = path.join(dir, ns);
      execFileSync('swanctl', ['--load-all', '--file', path.join(d, 'swanctl.conf'), '--uri', `unix://${d}/vici`], { stdio: 'ignore' });
    }
    execFileSync('sleep', ['2']);
    return iperf({ server: a, client: b }, '10.90.0.1', seconds);
  } finally {
    for (const p of pids) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
    for (const n of [a, b]) { try { ip('netns', 'del', n); } catch { /* gone */ } }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput() {
  const env = await fresh([], true);
  try {
    // the same algorithms as the hand-made tunnel, and the largest bandwidth (tc shapes to it)
    const s = await lab.seedTopology(env.srv, { bandwidth: 1000, tunnel: {
      'TunnelIkeConfig.IkeEncAlg': 'aes', 'TunnelIkeConfig.IkeAuthAlg': 'sha256', 'TunnelIkeConfig.IkePfs': 'group14',
      'TunnelIpsecConfig.IpsecEncAlg': 'aes', 'TunnelIpsecConfig.IpsecAuthAlg': 'sha256', 'TunnelIpsecConfig.IpsecPfs': 'group14' } });
    const st = await env.agent.state();
    const ns = { server: st.Namespaces[s.siteHost], client: st.Namespaces[s.vpcHost] };
    const hand = handTunnel(5);
    const ours = iperf(ns, s.siteHostIp, 5);
    console.log(`throughput (iperf3 5 s, one tunnel, libipsec): vpnlab ${ours.toFixed(0)} Mbit/s, by hand ${hand.toFixed(0)} Mbit/s, ` +
      `ratio ${(ours / hand).toFixed(2)} (target ≥ 0.9)`);
  } finally {
    await done(env);
  }
}

function rssKb(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

async function scale() {
  const env = await fresh();
  try {
    const g = await gatewayWithHost(env.call, env.srv);
    const t0 = Date.now();
    const list = await branches(env, g, 50);
    await lab.waitFor('50 connections established', async () => {
      const got = await env.call('DescribeVpnConnections', { VpnGatewayId: g.gw, PageSize: 50 });
      return got.VpnConnections.VpnConnection.filter((c) => c.Status === 'ipsec_sa_established').length === 50;
    }, 300000, 500);
    const secs = (Date.now() - t0) / 1000;
    const charons = lab.charonPids(env.agent);
    const charonKb = charons.reduce((sum, p) => sum + rssKb(p), 0);
    console.log(`scale: 50 connections (50 branch devices, 1 gateway endpoint) all established ${secs.toFixed(1)} s after the ` +
      `first CreateCustomerGateway; agent RSS ${(rssKb(env.agent.pid) / 1024).toFixed(1)} MiB, ${charons.length} charons ` +
      `${(charonKb / 1024).toFixed(0)} MiB in all (${(charonKb / 1024 / charons.length).toFixed(1)} MiB each)`);
    void list;
  } finally {
    await done(env);
  }
}

(async () => {
  const why = lab.canRun();
  if (why) {
    console.log(`bench/lab: skipped: ${why}`);
    return;
  }
  const all = { convergence, failover, throughput, scale };
  const pick = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(all);
  for (const name of pick) await all[name]();
})().catch(async (e) => {
  console.error(e);
  await lab.cleanupAll();
  process.exit(1);
});
