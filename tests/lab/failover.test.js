'use strict';
// Failover with the default settings (no --dpd-delay-s: the texts keep DPD at 30 s), decided
// by the cloud side's own liveness probes through each tunnel, and never delayed by a push:
//
//  1. a master cut on an idle agent moves traffic to the slave within 3 s, whether the cut
//     comes as LabInjectFault or as the master's link dying (packets to and from its branch
//     device dropped in its endpoint's namespace by the test itself);
//  2. the master's link dies while 20 new connections are being pushed (their branch devices'
//     charons starting, each made slow on purpose): the loss window is at most 0.5 s longer
//     than the same cut's on the idle agent.  (A LabInjectFault cut would itself reach the
//     agent only after that push: documents are applied in order.)
//
// The loss window is measured with a probe from the VPC host to the branch host (ICMP echo
// every 50 ms, straight through the agent's API): lost probes × 50 ms.

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const INTERVAL_MS = 50;
const START_DELAY_MS = 400; /* each new charon's start during the push */
const NEW_CONNECTIONS = 20;

describe('failover with default settings', { skip: skip || false }, () => {
  let srv, agent, call, s;
  const windows = {};

  before(async () => {
    srv = await lab.startServer({
      delayMs: 50,
      args: ['--quota', 'vpn_connections_per_gateway=30', '--quota', 'customer_gateways_per_region=40',
        '--quota', 'vpn_routes_per_gateway=100'],
    });
    const saved = process.env.VPNLAB_AGENT_TEST_START_DELAY_MS;
    process.env.VPNLAB_AGENT_TEST_START_DELAY_MS = String(START_DELAY_MS);
    try {
      agent = await lab.startAgent({ server: srv });
    } finally {
      if (saved === undefined) delete process.env.VPNLAB_AGENT_TEST_START_DELAY_MS;
      else process.env.VPNLAB_AGENT_TEST_START_DELAY_MS = saved;
    }
    call = lab.rpc(srv);
    s = await lab.seedTopology(srv);
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (lab failover)');
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  const routeVia = async () => ((await agent.state()).Routes.find((r) => r.Dest === '192.168.10.0/24') || {}).Via;

  /* Waits until the VPC's route to the branch goes through the endpoint with LAN address ip. */
  const waitRoute = (ip, what) => lab.waitFor(what, async () => (await routeVia()) === ip, 30000, 100);

  /*
   * The master's link dies: its endpoint drops every packet to and from the master's branch
   * device (a table of the test's own in the endpoint's namespace).  Unlike LabInjectFault,
   * which reaches the agent in a document (after any push being applied), this takes effect
   * at once, as a real failure would.
   */
  const LINK_TABLE = 'inet vlt_failover_cut';
  function linkCut(cut) {
    const ns = s.namespaces[`${s.gw}-1`];
    const peer = s.cgwIps[0];
    const cmd = cut
      ? `add table ${LINK_TABLE}\n` +
        `add chain ${LINK_TABLE} in { type filter hook input priority raw; policy accept; }\n` +
        `add chain ${LINK_TABLE} out { type filter hook output priority raw; policy accept; }\n` +
        `add rule ${LINK_TABLE} in ip saddr ${peer} drop\n` +
        `add rule ${LINK_TABLE} out ip daddr ${peer} drop\n`
      : `delete table ${LINK_TABLE}\n`;
    lab.sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: cmd, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  async function apiCut(cut) {
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: s.tunnels[0].TunnelId,
      Action: cut ? 'cut' : 'restore' });
  }

  /*
   * Cuts the master (cut(true)) while probing; returns the loss window (ms) and the time the
   * route switched, then restores the master (cut(false)) and waits until traffic is back.
   */
  async function cutAndMeasure(cut, during) {
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const st = await agent.state();
        samples.push({ t: Date.now(), via: (st.Routes.find((r) => r.Dest === '192.168.10.0/24') || {}).Via,
          applying: st.ApplyingGeneration, namespaces: Object.keys(st.Namespaces) });
        await lab.sleep(100);
      }
    })();
    if (during) await during();
    const running = lab.agentProbe(agent, s.vpcHost, s.siteHostIp, 200, INTERVAL_MS);
    await lab.sleep(1000);
    const cutAt = Date.now();
    await cut(true);
    const r = await running;
    sampling = false;
    await sampler;
    const switched = samples.find((x) => x.t >= cutAt && x.via === s.endpointIps.slave);
    assert.ok(switched, `the route never went to the slave endpoint ${s.endpointIps.slave}; probe ` +
      `${JSON.stringify(r)}; samples ${JSON.stringify(samples.map((x) => [x.t - cutAt, x.via, x.applying]))}\n` +
      `agent log:\n${agent.output().split('\n').slice(-80).join('\n')}`);
    assert.ok(r.Received > 0 && r.Received < r.Sent, `probe result ${JSON.stringify(r)}`);
    const windowMs = (r.Sent - r.Received) * INTERVAL_MS;
    await cut(false);
    await waitRoute(s.endpointIps.master, 'traffic back on the master');
    const back = await lab.agentProbe(agent, s.vpcHost, s.siteHostIp, 10, 100);
    assert.equal(back.Received, 10, `after the restore: ${JSON.stringify(back)}`);
    return { windowMs, cutAt, switchedAt: switched.t, samples };
  }

  test('the branch is asked for standard DPD only; the gateway probes each tunnel itself', async () => {
    const text = (await call('LabDownloadCustomerSwanctlConfig', { VpnConnectionId: s.vco })).SwanctlConf;
    assert.equal((text.match(/dpd_delay = 30s/g) || []).length, 2, 'both tunnels of the customer\'s text: DPD 30 s');
    const st = await agent.state();
    assert.equal(st.Tunnels.filter((t) => t.Side === 'gateway' && t.VpnConnectionId === s.vco).length, 2);
    // the next hops: the master endpoint's LAN address now, the slave endpoint's after a cut
    s.endpointIps = { master: await routeVia() };
    const addr = lab.sh('ip', ['-n', st.Namespaces[`${s.gw}-2`], '-4', '-o', 'addr', 'show', 'dev', 'lan']);
    s.endpointIps.slave = addr.match(/inet (\d+\.\d+\.\d+\.\d+)\//)[1];
    s.namespaces = st.Namespaces;
    s.cgwIps = ['203.0.113.11', '203.0.113.12']; /* seedTopology's customer gateways */
    assert.ok(s.endpointIps.master);
    assert.notEqual(s.endpointIps.slave, s.endpointIps.master);
  });

  test('idle agent, default settings: a master cut (LabInjectFault) moves traffic to the slave within 3 s', async () => {
    const m = await cutAndMeasure(apiCut, null);
    console.log(`# default settings, idle agent, LabInjectFault cut: loss window ${m.windowMs} ms; ` +
      `route on the slave ${m.switchedAt - m.cutAt} ms after the cut`);
    assert.ok(m.windowMs <= 3000, `loss window ${m.windowMs} ms`);
  });

  test('idle agent, default settings: the master\'s link dies, traffic on the slave within 3 s', async () => {
    const m = await cutAndMeasure(linkCut, null);
    windows.idle = m.windowMs;
    console.log(`# default settings, idle agent, link cut: loss window ${m.windowMs} ms; ` +
      `route on the slave ${m.switchedAt - m.cutAt} ms after the cut`);
    assert.ok(m.windowMs <= 3000, `loss window ${m.windowMs} ms`);
  });

  test(`the same cut while ${NEW_CONNECTIONS} new connections are pushed: within 0.5 s of the idle window`, async () => {
    // customer gateways and connections first (nothing to build yet: their branch ends are missing)
    const cgws = [];
    for (let i = 0; i < NEW_CONNECTIONS; i++) {
      cgws.push((await call('CreateCustomerGateway', { IpAddress: `203.0.113.${100 + i}` })).CustomerGatewayId);
    }
    const t = (n, f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
    for (const [i, cgw] of cgws.entries()) {
      // the gateway takes one change at a time (VpnGateway.ConfiguringError meanwhile)
      await lab.waitFor('gateway active', async () =>
        (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active', 10000, 20);
      await call('CreateVpnConnection', {
        VpnGatewayId: s.gw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: `192.168.${100 + Math.floor(i / 4)}.0/24`,
        EffectImmediately: true,
        ...t(1, { CustomerGatewayId: cgw, Role: 'master', 'TunnelIkeConfig.Psk': `m-${i}`, 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
        ...t(2, { CustomerGatewayId: cgw, Role: 'slave', 'TunnelIkeConfig.Psk': `s-${i}`, 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
      });
    }
    const sites = [];
    const m = await cutAndMeasure(linkCut, async () => {
      // the branches: 5 sites of 4 devices, one charon each, every start slowed down
      for (let k = 0; k < NEW_CONNECTIONS / 4; k++) {
        sites.push((await lab.rest(srv, 'POST', '/v1/lab/sites', {
          CustomerGatewayIds: cgws.slice(4 * k, 4 * k + 4), LanCidr: `192.168.${100 + k}.0/24`,
        })).SiteId);
      }
      await lab.waitFor('the agent applying a push', async () => (await agent.state()).ApplyingGeneration > 0, 10000, 20);
    });
    windows.push = m.windowMs;
    const devices = sites.flatMap((id) => [1, 2, 3, 4].map((n) => `${id}-${n}`));
    const built = m.samples.find((x) => x.applying === 0 && devices.every((d) => x.namespaces.includes(d)));
    const builtAt = built ? built.t : Infinity;
    const atCut = m.samples.filter((x) => x.t <= m.cutAt).pop();
    console.log(`# default settings, link cut during the push: loss window ${m.windowMs} ms (idle ${windows.idle} ms); ` +
      `route on the slave ${m.switchedAt - m.cutAt} ms after the cut; the push's devices all built ` +
      `${builtAt === Infinity ? 'after the probe' : `${builtAt - m.cutAt} ms after the cut`}`);
    // the push was in flight over the whole failover: applying at the cut, its charons not all started when the route moved
    assert.ok(atCut && atCut.applying > 0, 'a push was being applied when the master was cut');
    assert.ok(builtAt > m.switchedAt, 'the push was still starting charons when the failover completed');
    assert.ok(m.windowMs <= windows.idle + 500, `loss window ${m.windowMs} ms during the push, ${windows.idle} ms idle`);
    // and the push completes: every new connection comes up
    const t0 = Date.now();
    await lab.waitFor('the 20 new connections established', async () => {
      const v = await call('DescribeVpnConnections', { VpnGatewayId: s.gw, PageSize: 50 });
      return v.VpnConnections.VpnConnection.filter((c) => c.Status === 'ipsec_sa_established').length === NEW_CONNECTIONS + 1;
    }, 180000, 500);
    const pushes = agent.output().split('\n').filter((l) => / generation \d+: /.test(l) && !/nothing to change/.test(l));
    const slowPolls = agent.output().split('\n').filter((l) => /monitor: one poll/.test(l));
    if (slowPolls.length) console.log(`# slow monitor polls: ${slowPolls.length}, e.g. ${slowPolls[0]}`);
    console.log(`# the ${NEW_CONNECTIONS} connections established ${Date.now() - t0} ms after the failover measurement ` +
      `(${pushes.length} pushes with changes since the agent started)`);
  });
});
