'use strict';
// The seed scenario "connect to a VPC by IPsec-VPN" with real tunnels: a dual-tunnel connection
// to a branch with two gateway devices, probes through the tunnel, the negotiation log, master
// cut and restore (failover and failback with the loss window measured), a wrong PSK.
//
//   host (vSwitch A) ── VPC router ── gateway endpoint 1 (master) ══ tunnel ══ branch device 1 ─┐
//                                 └─ gateway endpoint 2 (slave)  ══ tunnel ══ branch device 2 ─┴─ site LAN ── host
//
// Everything is driven through the public API (pop-core, V2 signatures) and /v1/lab.

const { test, describe, before, after } = require('node:test');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun();
const VPC_CIDR = '10.0.0.0/16';
const SITE_LAN = '192.168.10.0/24';
const CGW = ['203.0.113.11', '203.0.113.12', '203.0.113.13'];

describe('seed scenario with real tunnels', { skip: skip || false }, () => {
  let srv, agent, call;
  const s = {};

  before(async () => {
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    agent = await lab.startAgent({ server: srv });
    call = lab.rpc(srv);
  });

  after(() => lab.teardown(srv, 'vpnlabd (lab seed)'));

  const connection = () => call('DescribeVpnConnection', { VpnConnectionId: s.vco });
  const tunnels = async () => (await connection()).TunnelOptionsSpecification.TunnelOptions;

  test('the agent registered with its IPsec backend', async () => {
    const list = await lab.waitFor('agent listed', async () => {
      const got = await lab.rest(srv, 'GET', '/v1/agents');
      return (got.Agents || []).length === 1 && got;
    });
    const a = list.Agents[0];
    assert.match(a.Backend, /^kernel-(libipsec|netlink)$/);
  });

  test('VPC, two vSwitches, a dual-tunnel gateway, two customer gateways', async () => {
    const net = await lab.vpcWithVSwitches(call, VPC_CIDR, [0, 1]);
    Object.assign(s, { vpc: net.vpc, vsw: net.vsw, gw: await lab.vpnGateway(call, net, 100) });
    s.cgw = [];
    for (const ip of CGW.slice(0, 2)) s.cgw.push((await call('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
  });

  test('a dual-tunnel connection (DPD on both tunnels)', async () => {
    const t = (n, f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
    s.vco = (await call('CreateVpnConnection', {
      VpnGatewayId: s.gw, LocalSubnet: VPC_CIDR, RemoteSubnet: SITE_LAN, EffectImmediately: true,
      ...t(1, { CustomerGatewayId: s.cgw[0], Role: 'master', EnableDpd: true, 'TunnelIkeConfig.Psk': 'master-psk-1',
        'TunnelIkeConfig.IkeVersion': 'ikev2', 'TunnelIkeConfig.IkeEncAlg': 'aes', 'TunnelIkeConfig.IkeAuthAlg': 'sha256',
        'TunnelIkeConfig.IkePfs': 'group14', 'TunnelIpsecConfig.IpsecEncAlg': 'aes', 'TunnelIpsecConfig.IpsecAuthAlg': 'sha256',
        'TunnelIpsecConfig.IpsecPfs': 'group14' }),
      ...t(2, { CustomerGatewayId: s.cgw[1], Role: 'slave', EnableDpd: true, 'TunnelIkeConfig.Psk': 'slave-psk-2',
        'TunnelIkeConfig.IkeVersion': 'ikev2' }),
    })).VpnConnectionId;
    const v = await connection();
    assert.equal(v.Status, 'ike_sa_not_established', 'nothing negotiates before the branch exists');
  });

  test('a branch site with two gateway devices, a host in the vSwitch and one in the site', async () => {
    s.site = (await lab.rest(srv, 'POST', '/v1/lab/sites', { CustomerGatewayIds: s.cgw, LanCidr: SITE_LAN })).SiteId;
    const vh = await lab.rest(srv, 'POST', '/v1/lab/hosts', { VSwitchId: s.vsw[0] });
    const sh = await lab.rest(srv, 'POST', '/v1/lab/hosts', { SiteId: s.site });
    s.vpcHost = vh.HostId;
    s.siteHost = sh.HostId;
    s.siteHostIp = sh.IpAddress;
    assert.ok(s.siteHostIp.startsWith('192.168.10.'));
  });

  test('both tunnels reach ipsec_sa_established because charon installed the CHILD_SAs', async () => {
    const t0 = Date.now();
    await lab.waitFor('ipsec_sa_established', async () => {
      const v = await connection();
      const ts = v.TunnelOptionsSpecification.TunnelOptions;
      return v.Status === 'ipsec_sa_established' && ts.every((x) => x.Status === 'ipsec_sa_established');
    }, 45000, 200);
    console.log(`# both tunnels established ${Date.now() - t0} ms after the site was created`);
  });

  test('a probe from the VPC host to the branch host gets real replies', async () => {
    const r = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(r.Sent, 5);
    assert.equal(r.Received, 5, JSON.stringify(r));
    const back = await lab.probe(srv, s.siteHost, (await lab.rest(srv, 'GET', '/v1/lab/hosts')).Hosts
      .find((h) => h.HostId === s.vpcHost).IpAddress, 3, 100);
    assert.equal(back.Received, 3, 'and from the branch back to the VPC');
  });

  test('the gateway\'s Bandwidth (100 Mbit/s) limits the tunnel traffic', async () => {
    const ns = (await agent.state()).Namespaces;
    const server = require('node:child_process').spawn('ip', ['netns', 'exec', ns[s.siteHost], 'iperf3', '-s', '-1',
      '-B', s.siteHostIp], { stdio: 'ignore' });
    try {
      // the server listens once its socket shows, however long a loaded machine takes to start it
      await lab.waitFor('iperf3 server listening', async () =>
        lab.sh('ip', ['netns', 'exec', ns[s.siteHost], 'ss', '-Hltn', 'sport = :5201']).includes('LISTEN'), 10000, 50);
      const out = lab.sh('ip', ['netns', 'exec', ns[s.vpcHost], 'iperf3', '-c', s.siteHostIp, '-t', '3', '-J']);
      const mbps = JSON.parse(out).end.sum_received.bits_per_second / 1e6;
      console.log(`# iperf3 through the tunnel: ${mbps.toFixed(1)} Mbit/s (gateway Bandwidth 100)`);
      assert.ok(mbps > 10 && mbps < 110, `${mbps} Mbit/s`);
    } finally {
      try { server.kill('SIGKILL'); } catch { /* gone */ }
    }
  });

  test('what charon writes to TUN leaves through a LAN veth with a queue: a branch device\'s pfifo_fast, the gateway\'s tbf', async () => {
    const ns = (await agent.state()).Namespaces;
    // the bridge port's NAPI ring holds 256 packets; a qdisc makes the veth wait for it instead of dropping
    for (const dev of [`${s.site}-1`, `${s.site}-2`]) {
      assert.match(lab.sh('tc', ['-n', ns[dev], 'qdisc', 'show', 'dev', 'lan']), /qdisc pfifo_fast/, dev);
    }
    for (const ep of [`${s.gw}-1`, `${s.gw}-2`]) {
      assert.match(lab.sh('tc', ['-n', ns[ep], 'qdisc', 'show', 'dev', 'lan']), /qdisc tbf .*rate 100Mbit/, ep);
    }
  });

  test('DescribeVpnConnectionLogs shows charon\'s negotiation lines', async () => {
    const logs = await lab.waitFor('log lines', async () => {
      const r = await call('DescribeVpnConnectionLogs', { VpnConnectionId: s.vco, MinutePeriod: 10 });
      const lines = r.Data && r.Data.Logs ? r.Data.Logs.Log || r.Data.Logs : [];
      return lines.length > 0 && lines;
    }, 15000, 200);
    assert.ok(logs.some((l) => /IKE_SA|CHILD_SA/.test(l)), logs.slice(0, 5).join('\n'));
  });

  test('cutting the master moves traffic to the slave (liveness probes); restoring it brings it back', async () => {
    const ts = await tunnels();
    const running = lab.probe(srv, s.vpcHost, s.siteHostIp, 200, 100);
    await lab.sleep(2000);
    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: ts[0].TunnelId, Action: 'cut' });
    const r = await running;
    const lostMs = (r.Sent - r.Received) * 100;
    console.log(`# master cut: ${r.Sent - r.Received} of ${r.Sent} probes lost: loss window ≈ ${lostMs} ms ` +
      '(the gateway\'s liveness probes, 300 ms × 3, decide before DPD would)');
    assert.ok(r.Received < r.Sent, 'the cut is real: some probes are lost');
    assert.ok(lostMs <= 12000, `traffic moved to the slave (${JSON.stringify(r)})`);
    const after = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(after.Received, 5, 'the slave carries the traffic');
    const st = await agent.state();
    const active = st.Tunnels.filter((x) => x.Side === 'gateway' && x.Active).map((x) => x.TunnelId);
    assert.deepEqual(active, [ts[1].TunnelId], 'the slave tunnel is the active one');
    const v = await lab.waitFor('the API shows the master down', async () => {
      const got = await connection();
      const [m, sl] = got.TunnelOptionsSpecification.TunnelOptions;
      return m.Status !== 'ipsec_sa_established' && sl.Status === 'ipsec_sa_established' && got;
    }, 10000, 200);
    assert.equal(v.Status, 'ipsec_sa_established', 'the connection stays up on its slave');

    await lab.rest(srv, 'POST', '/v1/lab/faults', { VpnConnectionId: s.vco, TunnelId: ts[0].TunnelId, Action: 'restore' });
    const t0 = Date.now();
    await lab.waitFor('master active again', async () => {
      const now = await agent.state();
      return now.Tunnels.some((x) => x.Side === 'gateway' && x.Active && x.TunnelId === ts[0].TunnelId);
    }, 30000, 200);
    console.log(`# master restored: traffic back on it after ${Date.now() - t0} ms`);
    const back = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(back.Received, 5, 'traffic flows through the master again');
    const m = (await tunnels())[0];
    assert.equal(m.Status, 'ipsec_sa_established');
  });

  test('a branch with a wrong PSK stays ike_sa_not_established, with the reason in the logs; the other connection\'s SAs are not touched', async () => {
    const spis = async () => (await agent.state()).Tunnels.filter((x) => x.VpnConnectionId === s.vco)
      .map((x) => `${x.Endpoint}:${x.ChildSpi}`).sort();
    const before = await spis();
    const cgw = (await call('CreateCustomerGateway', { IpAddress: CGW[2] })).CustomerGatewayId;
    await lab.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active');
    const t = (n, f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
    // both tunnels to one branch device, which is configured with another key
    const vco = (await call('CreateVpnConnection', {
      VpnGatewayId: s.gw, LocalSubnet: VPC_CIDR, RemoteSubnet: '192.168.20.0/24', EffectImmediately: true,
      ...t(1, { CustomerGatewayId: cgw, Role: 'master', 'TunnelIkeConfig.Psk': 'the-right-key', 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
      ...t(2, { CustomerGatewayId: cgw, Role: 'slave', 'TunnelIkeConfig.Psk': 'the-right-key', 'TunnelIkeConfig.IkeVersion': 'ikev2' }),
    })).VpnConnectionId;
    await lab.rest(srv, 'POST', '/v1/lab/sites', {
      CustomerGatewayIds: [cgw], LanCidr: '192.168.20.0/24', Overrides: [{ VpnConnectionId: vco, Psk: 'a-wrong-key' }],
    });
    const lines = await lab.waitFor('an authentication failure in the log', async () => {
      const r = await call('DescribeVpnConnectionLogs', { VpnConnectionId: vco, MinutePeriod: 10 });
      const l = r.Data && r.Data.Logs ? r.Data.Logs.Log || r.Data.Logs : [];
      return l.some((x) => /authentication|AUTHENTICATION_FAILED|MAC mismatch|integrity/i.test(x)) && l;
    }, 30000, 300);
    assert.ok(lines.length > 0);
    const v = await call('DescribeVpnConnection', { VpnConnectionId: vco });
    assert.equal(v.Status, 'ike_sa_not_established');
    assert.deepEqual(await spis(), before, 'a new connection on the same gateway renegotiated nothing else');
  });

  test('DeleteVpnConnection removes the tunnels from the data plane', async () => {
    const before = (await agent.state()).Tunnels.length;
    // sites referencing the customer gateways keep their devices; the tunnels of this connection go
    await lab.waitFor('gateway idle', async () => (await call('DescribeVpnGateway', { VpnGatewayId: s.gw })).Status === 'active');
    await call('DeleteVpnConnection', { VpnConnectionId: s.vco });
    await lab.waitFor('tunnels gone from the agent', async () => (await agent.state()).Tunnels
      .every((x) => x.VpnConnectionId !== s.vco), 15000, 200);
    assert.ok((await agent.state()).Tunnels.length < before);
  });

  test('SIGTERM removes every namespace and charon the agent built', async () => {
    const prefix = agent.prefix;
    assert.ok(lab.namespacesWithPrefix(prefix).length > 0);
    const pids = lab.charonPids(agent);
    assert.ok(pids.length > 0, 'charons run');
    const st = await agent.stop('SIGTERM');
    assert.equal(st.code, 0, agent.output().slice(-3000));
    assert.deepEqual(lab.namespacesWithPrefix(prefix), []);
    assert.deepEqual(pids.filter(lab.alive), [], 'no charon of this agent left');
  });
});
