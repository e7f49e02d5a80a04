'use strict';
// Data-plane figures (issue 5), printed, not asserted.  Needs root.  Usage:
//   node bench/lab.js [convergence|failover|throughput|scale ...]   (default: all four)
// Uses the optimised builds (bin/vpnlabd, bin/vpnlab-agent) unless VPNLABD / VPNLAB_AGENT say.
//  * convergence: CreateVpnConnection → first successful probe, over 20 connections (median, max)
//  * failover: probe loss window when the master is cut (health check interval 1 s, retry 3;
//    dual tunnel with the default settings)
//  * throughput: iperf3 through one vpnlab tunnel and through two hand-configured strongSwan tunnels
//    with the same backend (two namespaces; and vpnlab's hops built by hand), alternated in one run,
//    3 times (THROUGHPUT_RUNS, THROUGHPUT_SECONDS): median rates, ratios, charon CPU per MB, ESP dropped at
//    the receiving charon's socket, TCP retransmits and mean RTT per run
//  * scale: 100 dual-tunnel connections (SCALE_CONNECTIONS) on one agent: time from the last
//    create until all 200 tunnels are established; agent + charon memory (RSS and PSS); the time
//    a SIGTERM takes to stop them all

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

function iperf(ns, target, seconds, source) {
  const server = spawn('ip', ['netns', 'exec', ns.server, 'iperf3', '-s', '-1', '-B', target], { stdio: 'ignore' });
  execFileSync('sleep', ['0.5']);
  try {
    const out = execFileSync('ip', ['netns', 'exec', ns.client, 'iperf3', '-c', target, '-t', String(seconds), '-J',
      ...(source ? ['-B', source] : [])], { encoding: 'utf8' });
    const end = JSON.parse(out).end, r = end.sum_received;
    return { mbps: r.bits_per_second / 1e6, mb: r.bytes / 1e6, retransmits: end.sum_sent.retransmits,
      rttMs: end.streams[0].sender.mean_rtt / 1000 };
  } finally {
    try { server.kill('SIGKILL'); } catch { /* gone */ }
  }
}

/** [user, system] CPU seconds of pid (all its threads; softirq work a thread triggers is its system time). */
function cpuSecs(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(f[11]) / 100, Number(f[12]) / 100];
}

/** UDP datagrams the kernel dropped in namespace ns because a socket's receive buffer was full. */
function udpRcvbufErrors(ns) {
  const rows = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp'], { encoding: 'utf8' })
    .split('\n').filter((l) => l.startsWith('Udp: ')).map((l) => l.split(/\s+/));
  return Number(rows[1][rows[0].indexOf('RcvbufErrors')]);
}

/**
 * iperf3 through a tunnel; also the CPU its two charons spent per MB carried (ms/MB, user and
 * system), which the machine's other load does not inflate the way it does the rate, and the
 * ESP packets the receiving charon's UDP socket dropped (its namespace's UdpRcvbufErrors).
 */
function measure(t, seconds) {
  const { ns, target, sender, receiver, source } = t;
  const a = [cpuSecs(sender), cpuSecs(receiver)];
  const drops0 = udpRcvbufErrors(t.receiverNs);
  const r = iperf(ns, target, seconds, source);
  const b = [cpuSecs(sender), cpuSecs(receiver)];
  const per = (i, k) => ((b[i][k] - a[i][k]) * 1000) / r.mb;
  return { mbps: r.mbps, drops: udpRcvbufErrors(t.receiverNs) - drops0, retransmits: r.retransmits, rttMs: r.rttMs,
    cpu: { sendUser: per(0, 0), sendSys: per(0, 1), recvUser: per(1, 0), recvSys: per(1, 1) } };
}

/** swanctl.conf of one side of a hand-made tunnel (the algorithms vpnlab's tunnel is given). */
function handSwanctl(me, peer, lts, rts, start) {
  return `connections { t { version = 2
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
}

/**
 * A strongSwan tunnel configured by hand, with the same backend and algorithms as vpnlab's.
 * hops false: two namespaces joined by a veth, iperf3 in the charons' own namespaces (the
 * fewest hops a tunnel can have).  hops true: the hops of vpnlab's path, built with plain ip
 * commands and kernel defaults: client host → bridge of a router namespace (the VPC router,
 * which routes the packet back out of the same bridge) → the near charon's namespace → a bridge
 * namespace (the underlay) → the far charon's namespace → a bridge namespace (the site LAN) →
 * server host.  Returns the namespaces, charon pids, the target address and down(), which kills
 * the charons and deletes the namespaces.
 */
function handTunnelUp(hops) {
  const tag = `vlb${hops ? 'p' : 'h'}${process.pid % 100000}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-hand-'));
  const a = `${tag}a`, b = `${tag}b`;
  const extra = hops ? { hc: `${tag}hc`, r: `${tag}r`, u: `${tag}u`, s: `${tag}s`, hs: `${tag}hs` } : {};
  const all = [a, b, ...Object.values(extra)];
  const ip = (...args) => execFileSync('ip', args);
  const procs = [];
  const down = () => {
    for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
    for (const n of all) { try { ip('netns', 'del', n); } catch { /* gone */ } }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // veth dev in ns, its peer port enslaved to bridge br0 in brNs (all up)
  const port = (ns, dev, brNs, portName) => {
    ip('link', 'add', dev, 'netns', ns, 'type', 'veth', 'peer', 'name', portName, 'netns', brNs);
    ip('-n', brNs, 'link', 'set', portName, 'master', 'br0', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  };
  const bridge = (ns) => { ip('-n', ns, 'link', 'add', 'name', 'br0', 'type', 'bridge'); ip('-n', ns, 'link', 'set', 'br0', 'up'); };
  // /proc/sys/net is the opener's namespace's: no sysctl binary (procps) needed
  const sysctl = (ns, kv) => {
    const [key, value] = kv.split('=');
    execFileSync('ip', ['netns', 'exec', ns, 'sh', '-c', `echo ${value} > /proc/sys/${key.replace(/\./g, '/')}`]);
  };
  try {
    for (const n of all) { ip('netns', 'add', n); ip('-n', n, 'link', 'set', 'lo', 'up'); }
    let sides;
    if (!hops) {
      ip('link', 'add', 'ul', 'netns', a, 'type', 'veth', 'peer', 'name', 'ul', 'netns', b);
      for (const n of [a, b]) ip('-n', n, 'link', 'set', 'ul', 'up');
      ip('-n', a, 'addr', 'add', '10.90.0.1/32', 'dev', 'lo'); ip('-n', b, 'addr', 'add', '10.91.0.1/32', 'dev', 'lo');
      sides = [[a, '198.51.100.1', '198.51.100.2', '10.90.0.1/32', '10.91.0.1/32', 'none'],
        [b, '198.51.100.2', '198.51.100.1', '10.91.0.1/32', '10.90.0.1/32', 'start']];
    } else {
      for (const n of [extra.r, extra.u, extra.s]) bridge(n);
      port(extra.hc, 'eth0', extra.r, 'phc');
      port(a, 'lan', extra.r, 'pa');
      port(a, 'ul', extra.u, 'ua');
      port(b, 'ul', extra.u, 'ub');
      port(b, 'lan', extra.s, 'pb');
      port(extra.hs, 'eth0', extra.s, 'phs');
      ip('-n', extra.r, 'addr', 'add', '10.90.1.253/24', 'dev', 'br0');
      ip('-n', extra.hc, 'addr', 'add', '10.90.1.2/24', 'dev', 'eth0');
      ip('-n', extra.hc, 'route', 'add', 'default', 'via', '10.90.1.253');
      ip('-n', a, 'addr', 'add', '10.90.1.1/24', 'dev', 'lan');
      ip('-n', extra.r, 'route', 'add', '10.91.0.0/24', 'via', '10.90.1.1');
      ip('-n', b, 'addr', 'add', '10.91.0.1/24', 'dev', 'lan');
      ip('-n', extra.hs, 'addr', 'add', '10.91.0.2/24', 'dev', 'eth0');
      ip('-n', extra.hs, 'route', 'add', 'default', 'via', '10.91.0.1');
      for (const n of [extra.r, a, b]) sysctl(n, 'net.ipv4.ip_forward=1');
      sides = [[a, '198.51.100.1', '198.51.100.2', '10.90.0.0/16', '10.91.0.0/24', 'none'],
        [b, '198.51.100.2', '198.51.100.1', '10.91.0.0/24', '10.90.0.0/16', 'start']];
    }
    ip('-n', a, 'addr', 'add', '198.51.100.1/24', 'dev', 'ul'); ip('-n', b, 'addr', 'add', '198.51.100.2/24', 'dev', 'ul');
    for (const [ns, me, peer, lts, rts, start] of sides) {
      const d = path.join(dir, ns);
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'strongswan.conf'), `charon {
  load = random nonce openssl kdf pem pkcs1 x509 socket-default kernel-libipsec kernel-netlink vici
  plugins { vici { socket = unix://${d}/vici } }
}
`);
      fs.writeFileSync(path.join(d, 'swanctl.conf'), handSwanctl(me, peer, lts, rts, start));
      // ip netns exec, unshare and sh all exec: the child's pid is charon's
      procs.push(spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c',
        `mount -t tmpfs tmpfs /run && exec /usr/lib/ipsec/charon`], { env: { ...process.env, STRONGSWAN_CONF: path.join(d, 'strongswan.conf') }, stdio: 'ignore' }));
    }
    for (const [ns] of sides) {
      const d = path.join(dir, ns);
      for (let i = 0; !fs.existsSync(path.join(d, 'vici')); i++) {
        if (i > 100) throw new Error(`hand-made charon in ${ns} never opened its VICI socket`);
        execFileSync('sleep', ['0.1']);
      }
    }
    for (const [ns] of sides) {
      const d = path.join(dir, ns);
      execFileSync('swanctl', ['--load-all', '--file', path.join(d, 'swanctl.conf'), '--uri', `unix://${d}/vici`], { stdio: 'ignore', timeout: 30000 });
    }
    for (let i = 0; ; i++) {
      const sas = execFileSync('swanctl', ['--list-sas', '--uri', `unix://${path.join(dir, a)}/vici`],
        { encoding: 'utf8', timeout: 10000, stdio: ['ignore', 'pipe', 'ignore'] });
      if (/INSTALLED/.test(sas)) break;
      if (i > 300) throw new Error('hand-made tunnel never installed its CHILD_SA');
      execFileSync('sleep', ['0.1']);
    }
    if (hops) {
      // host to host, as vpnlab's path is measured: from the near side to the far side
      return { ns: { server: extra.hs, client: extra.hc }, target: '10.91.0.2', sender: procs[0].pid, receiver: procs[1].pid,
        receiverNs: b, down };
    }
    return { ns: { server: a, client: b }, target: '10.90.0.1', sender: procs[1].pid, receiver: procs[0].pid, receiverNs: a, down };
  } catch (e) {
    down();
    throw e;
  }
}

function endpointCharon(agent, endpoint) {
  return Number(fs.readFileSync(path.join(agent.stateDir, 'endpoints', endpoint, 'charon.pid'), 'utf8').trim());
}

async function throughput() {
  const seconds = Number(process.env.THROUGHPUT_SECONDS || 5), runs = Number(process.env.THROUGHPUT_RUNS || 3);
  const env = await fresh([], true);
  let hand = null, hops = null;
  try {
    // the same algorithms as the hand-made tunnel, and the largest bandwidth (tc shapes to it)
    const s = await lab.seedTopology(env.srv, { bandwidth: 1000, tunnel: {
      'TunnelIkeConfig.IkeEncAlg': 'aes', 'TunnelIkeConfig.IkeAuthAlg': 'sha256', 'TunnelIkeConfig.IkePfs': 'group14',
      'TunnelIpsecConfig.IpsecEncAlg': 'aes', 'TunnelIpsecConfig.IpsecAuthAlg': 'sha256', 'TunnelIpsecConfig.IpsecPfs': 'group14' } });
    const st = await env.agent.state();
    // traffic VPC host → site host rides the master tunnel: gateway endpoint 1 → device 1
    const ours = { ns: { server: st.Namespaces[s.siteHost], client: st.Namespaces[s.vpcHost] }, target: s.siteHostIp,
      sender: endpointCharon(env.agent, `${s.gw}-1`), receiver: endpointCharon(env.agent, `${s.site}-1`),
      receiverNs: st.Namespaces[`${s.site}-1`] };
    // the same tunnel between its two endpoints' own LAN addresses (as the hand-made pair is
    // measured): what the hops beyond the endpoints (VPC router, bridges, hosts) cost
    const lanIp = (ns) => JSON.parse(execFileSync('ip', ['-n', ns, '-j', '-4', 'addr', 'show', 'dev', 'lan'], { encoding: 'utf8' }))[0]
      .addr_info[0].local;
    const gwNs = st.Namespaces[`${s.gw}-1`], devNs = st.Namespaces[`${s.site}-1`];
    const ends = { ns: { server: devNs, client: gwNs }, target: lanIp(devNs), source: lanIp(gwNs), sender: ours.sender,
      receiver: ours.receiver, receiverNs: devNs };
    hand = handTunnelUp(false);
    hops = handTunnelUp(true);
    const results = [];
    const setups = { ours, ends, hand, hops };
    const names = Object.keys(setups);
    for (let run = 0; run < runs; run++) {
      // rotate which setup goes first, so a drift of the machine's load favours none
      const order = [...names.slice(run % names.length), ...names.slice(0, run % names.length)];
      const r = { load: os.loadavg()[0] };
      for (const which of order) {
        const t = setups[which];
        r[which] = measure(t, seconds);
      }
      r.ratio = r.ours.mbps / r.hand.mbps;
      r.hopsRatio = r.ours.mbps / r.hops.mbps;
      results.push(r);
      console.log(`throughput run ${run + 1} (load ${r.load.toFixed(1)}): vpnlab ${r.ours.mbps.toFixed(0)} Mbit/s (endpoint to endpoint ` +
        `${r.ends.mbps.toFixed(0)}); by hand, two namespaces ${r.hand.mbps.toFixed(0)} Mbit/s, ratio ${r.ratio.toFixed(2)}; ` +
        `by hand, vpnlab's hops ${r.hops.mbps.toFixed(0)} Mbit/s, ratio ${r.hopsRatio.toFixed(2)}`);
    }
    const med = (f) => median(results.map(f));
    const cpu = (w) => `send ${med((r) => r[w].cpu.sendUser).toFixed(1)} user + ${med((r) => r[w].cpu.sendSys).toFixed(1)} sys, ` +
      `receive ${med((r) => r[w].cpu.recvUser).toFixed(1)} user + ${med((r) => r[w].cpu.recvSys).toFixed(1)} sys`;
    console.log(`throughput (iperf3 ${seconds} s, one tunnel, libipsec, median of ${runs} runs, all setups in each): ` +
      `vpnlab ${med((r) => r.ours.mbps).toFixed(0)} Mbit/s; by hand, two namespaces ${med((r) => r.hand.mbps).toFixed(0)} Mbit/s, ` +
      `ratio ${med((r) => r.ratio).toFixed(2)} (target ≥ 0.9); by hand with vpnlab's hops ${med((r) => r.hops.mbps).toFixed(0)} Mbit/s, ` +
      `ratio ${med((r) => r.hopsRatio).toFixed(2)}; vpnlab endpoint to endpoint ${med((r) => r.ends.mbps).toFixed(0)} Mbit/s, ` +
      `ratio to two namespaces ${med((r) => r.ends.mbps / r.hand.mbps).toFixed(2)}; load average ${med((r) => r.load).toFixed(1)}`);
    console.log(`throughput CPU per MB carried (charon ms/MB): vpnlab ${cpu('ours')}; endpoint to endpoint ${cpu('ends')}; ` +
      `by hand, two namespaces ${cpu('hand')}; by hand, vpnlab's hops ${cpu('hops')}`);
    const drops = (w) => results.map((r) => r[w].drops).join('/');
    console.log(`throughput ESP dropped at the receiving charon's socket (UdpRcvbufErrors per run): vpnlab ${drops('ours')}; ` +
      `endpoint to endpoint ${drops('ends')}; by hand, two namespaces ${drops('hand')}; by hand, vpnlab's hops ${drops('hops')}`);
    // every loss on the path, wherever it happened (socket, qdisc, veth ring, backlog)
    const retr = (w) => results.map((r) => r[w].retransmits).join('/');
    console.log(`throughput TCP retransmits per run (iperf3): vpnlab ${retr('ours')}; endpoint to endpoint ${retr('ends')}; ` +
      `by hand, two namespaces ${retr('hand')}; by hand, vpnlab's hops ${retr('hops')}`);
    // queueing on the path: a rate limited by the window rather than by a CPU shows as a long RTT
    const rtt = (w) => results.map((r) => r[w].rttMs.toFixed(1)).join('/');
    console.log(`throughput TCP mean RTT per run (ms, iperf3's sender): vpnlab ${rtt('ours')}; endpoint to endpoint ${rtt('ends')}; ` +
      `by hand, two namespaces ${rtt('hand')}; by hand, vpnlab's hops ${rtt('hops')}`);
  } finally {
    if (hand) hand.down();
    if (hops) hops.down();
    await done(env);
  }
}

/** RSS, PSS (shared pages split among their users) and USS (private pages) of pid, KiB. */
function memKb(pid) {
  const m = { rss: 0, pss: 0, uss: 0 };
  try {
    for (const line of fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n')) {
      const f = line.match(/^(\w+):\s+(\d+) kB/);
      if (!f) continue;
      if (f[1] === 'Rss') m.rss = Number(f[2]);
      else if (f[1] === 'Pss') m.pss = Number(f[2]);
      else if (f[1] === 'Private_Clean' || f[1] === 'Private_Dirty') m.uss += Number(f[2]);
    }
  } catch { /* gone */ }
  return m;
}

/**
 * Scale: n dual-tunnel connections (2n tunnels; 2n branch devices, 2 gateway endpoints) on one
 * agent.  Figures: time from the last CreateVpnConnection until every tunnel is established, and
 * memory.  RSS counts the shared libraries (libcrypto, libc, libstrongswan ≈ 7.7 MiB) in every
 * charon; PSS splits them among the charons, so the sum of PSS is what the charons take.
 */
async function scale() {
  const n = Number(process.env.SCALE_CONNECTIONS || 100);
  const env = await fresh(['--quota', `customer_gateways_per_region=${2 * n + 10}`], true);
  const { call, srv } = env;
  try {
    const vpc = (await call('CreateVpc', { CidrBlock: '10.0.0.0/16' })).VpcId;
    await lab.waitFor('VPC Available', async () => (await call('DescribeVpcs', { VpcId: vpc })).Vpcs.Vpc[0].Status === 'Available');
    const zones = (await call('DescribeZones')).Zones.Zone.map((z) => z.ZoneId);
    const vsw = [];
    for (const [i, ZoneId] of zones.slice(0, 2).entries()) {
      vsw.push((await call('CreateVSwitch', { VpcId: vpc, ZoneId, CidrBlock: `10.0.${i + 1}.0/24` })).VSwitchId);
    }
    await lab.waitFor('vSwitches Available', async () => (await call('DescribeVSwitches', { VpcId: vpc })).VSwitches.VSwitch
      .every((v) => v.Status === 'Available'));
    const gw = (await call('CreateVpnGateway', { VpcId: vpc, VSwitchId: vsw[0], DisasterRecoveryVSwitchId: vsw[1], Bandwidth: 100,
      EnableIpsec: true })).VpnGatewayId;
    await gatewayIdle(call, gw);
    const sites = [];
    for (let i = 0; i < n; i++) {
      const cgw = [];
      for (let k = 2 * i; k < 2 * i + 2; k++) {
        cgw.push((await call('CreateCustomerGateway', { IpAddress: `203.0.${113 + Math.floor(k / 250)}.${1 + (k % 250)}` })).CustomerGatewayId);
      }
      const lan = `172.${16 + Math.floor(i / 250)}.${i % 250}.0/24`;
      const site = (await lab.rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: cgw, LanCidr: lan })).SiteId;
      sites.push({ cgw, lan, site });
    }
    const t = (k, f) => Object.fromEntries(Object.entries(f).map(([key, v]) => [`TunnelOptionsSpecification.${k}.${key}`, v]));
    const t0 = Date.now();
    for (const [i, b] of sites.entries()) {
      await gatewayIdle(call, gw);
      await call('CreateVpnConnection', {
        VpnGatewayId: gw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: b.lan, EffectImmediately: true,
        ...t(1, { CustomerGatewayId: b.cgw[0], Role: 'master', 'TunnelIkeConfig.Psk': `m-${i}`, 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
        ...t(2, { CustomerGatewayId: b.cgw[1], Role: 'slave', 'TunnelIkeConfig.Psk': `s-${i}`, 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
      });
    }
    const tLast = Date.now();
    let up = 0;
    await lab.waitFor(`${2 * n} tunnels established`, async () => {
      up = 0;
      for (let page = 1; ; page++) {
        const got = await call('DescribeVpnConnections', { VpnGatewayId: gw, PageSize: 50, PageNumber: page });
        for (const c of got.VpnConnections.VpnConnection) {
          up += c.TunnelOptionsSpecification.TunnelOptions.filter((x) => x.Status === 'ipsec_sa_established').length;
        }
        if (got.VpnConnections.VpnConnection.length < 50 || page * 50 >= Number(got.TotalCount)) break;
      }
      return up === 2 * n;
    }, 600000, 1000);
    const tUp = Date.now();
    const charons = lab.charonPids(env.agent).map(memKb);
    const sum = (k) => charons.reduce((a, m) => a + m[k], 0) / 1024;
    const agent = memKb(env.agent.pid);
    console.log(`scale: ${n} dual-tunnel connections (${2 * n} tunnels, ${charons.length} charons) all established ` +
      `${((tUp - tLast) / 1000).toFixed(1)} s after the last CreateVpnConnection (target ≤ 30 s; ` +
      `${((tLast - t0) / 1000).toFixed(1)} s of creates before it)`);
    console.log(`scale memory: agent RSS ${(agent.rss / 1024).toFixed(1)} MiB; charons RSS ${sum('rss').toFixed(0)} MiB in all ` +
      `(${(sum('rss') / charons.length).toFixed(1)} MiB each, shared libraries counted in each), PSS ` +
      `${sum('pss').toFixed(0)} MiB in all (${(sum('pss') / charons.length).toFixed(1)} MiB each), private ` +
      `${(sum('uss') / charons.length).toFixed(1)} MiB each; agent + charons ${((agent.pss / 1024) + sum('pss')).toFixed(0)} MiB (PSS)`);
    // the monitor logs a poll slower than 800 ms, with how long of it d->lock was held
    const slow = [...env.agent.output().matchAll(/one poll of \d+ charons took (\d+) ms \(d->lock held (\d+) ms/g)]
      .map((m) => [Number(m[1]), Number(m[2])]);
    console.log(`scale monitor: ${slow.length} polls over 800 ms` + (slow.length
      ? `, median ${median(slow.map((x) => x[0]))} ms, longest ${Math.max(...slow.map((x) => x[0]))} ms; d->lock held ` +
        `median ${median(slow.map((x) => x[1]))} ms, at most ${Math.max(...slow.map((x) => x[1]))} ms of a poll`
      : ''));
    // teardown: SIGTERM without --keep-dataplane stops every charon and removes the namespaces
    const pids = lab.charonPids(env.agent);
    const tStop = Date.now();
    await env.agent.stop('SIGTERM');
    const left = pids.filter((p) => lab.alive(p)).length;
    console.log(`scale teardown: SIGTERM → agent exit ${((Date.now() - tStop) / 1000).toFixed(1)} s, ` +
      `${pids.length - left} of ${pids.length} charons stopped`);
  } finally {
    await done(env);
  }
}

module.exports = { handTunnelUp };

if (require.main === module) (async () => {
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
