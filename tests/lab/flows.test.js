'use strict';
// Lab flows and tunnel counters with real tunnels: the seed topology (a dual-tunnel connection
// to a two-device branch), a 4-stream TCP iperf3 run from the branch host to the VPC host
// through the tunnel (POST /v1/lab/flows), and the per-tunnel byte counters on GET /metrics,
// which must grow by at least what iperf3 moved.  No iperf3 process may outlive its flow.

const { test, describe, before, after } = require('node:test');
const path = require('node:path');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun() || (() => {
  try { lab.sh('iperf3', ['--version']); return null; } catch { return 'iperf3 is not installed'; }
})();

describe('lab flows through a tunnel', { skip: skip || false }, () => {
  let srv, agent, s;

  before(async () => {
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    agent = await lab.startAgent({ server: srv });
    s = await lab.seedTopology(srv);
  });

  after(() => lab.teardown(srv, 'vpnlabd (lab flows)'));

  /** The connection's series on /metrics: { in, out } bytes summed over its tunnels, and per tunnel. */
  async function counters() {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    const value = (name, labels) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const c = `vpn_connection_id="${s.vco}"`;
    return {
      in: value('vpnlab_vpn_connection_bytes_total', `${c},direction="in"`),
      out: value('vpnlab_vpn_connection_bytes_total', `${c},direction="out"`),
      tunnels: s.tunnels.map((t) => value('vpnlab_tunnel_bytes_total', `${c},tunnel_id="${t.TunnelId}",direction="in"`)),
      packetsIn: value('vpnlab_vpn_connection_packets_total', `${c},direction="in"`),
    };
  }

  function hasSwanctl() {
    try { lab.sh('sh', ['-c', 'command -v swanctl']); return true; } catch { return false; }
  }

  /** iperf3 processes (PIDs) in the namespaces of the two hosts. */
  async function iperfLeft() {
    const ns = (await agent.state()).Namespaces;
    const pids = [];
    for (const host of [s.siteHost, s.vpcHost]) {
      for (const pid of lab.sh('ip', ['netns', 'pids', ns[host]]).split('\n').filter(Boolean)) {
        let comm = '';
        try { comm = lab.sh('cat', [`/proc/${pid}/comm`]).trim(); } catch { /* gone */ }
        if (comm === 'iperf3') pids.push(pid);
      }
    }
    return pids;
  }

  test('4 TCP streams from the branch host to the VPC host; the tunnel counters grow by what moved', async () => {
    const before = await counters();
    const t0 = Date.now();
    const r = await lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.siteHost, Target: s.vpcHostIp, Streams: 4, Seconds: 3, Protocol: 'tcp',
    });
    console.log(`# flow 4 TCP streams, 3 s, branch → VPC through the tunnel: ${r.TotalMbps.toFixed(1)} Mbit/s ` +
      `(${r.Streams.map((x) => x.Mbps.toFixed(1)).join(' + ')}), ${r.Bytes} bytes, ${r.Retransmits} retransmits, ` +
      `${Date.now() - t0} ms`);
    assert.ok(r.TotalMbps > 0, JSON.stringify(r));
    assert.equal(r.Streams.length, 4);
    assert.ok(r.Streams.every((x) => x.Mbps > 0), JSON.stringify(r.Streams));
    assert.ok(Number.isInteger(r.Retransmits) && r.Retransmits >= 0);
    assert.ok(r.Bytes > 0);

    // the gateway received the branch's data: its SA's plaintext bytes (headers included)
    // are at least iperf3's payload; reports come every few seconds, so wait for them
    let now = before;
    await lab.waitFor('the tunnel counters on /metrics show the flow', async () => {
      now = await counters();
      return now.in - before.in >= r.Bytes;
    }, 30000, 250);
    const grew = now.in - before.in;
    console.log(`# tunnel bytes in grew by ${grew} (${(grew / r.Bytes).toFixed(3)} × iperf3's payload); ` +
      `per tunnel: ${now.tunnels.map((v, i) => v - before.tunnels[i]).join(', ')}`);
    assert.ok(grew >= r.Bytes);
    // roughly: TCP/IP headers and the reverse path's ACKs are not a tenth more than the payload
    assert.ok(grew <= r.Bytes * 1.1 + 1e6, `grew ${grew} for ${r.Bytes} bytes`);
    assert.ok(now.out > before.out, 'the ACKs went back through the tunnel');
    assert.ok(now.packetsIn > before.packetsIn);
    assert.equal(now.in, now.tunnels.reduce((a, b) => a + b, 0), 'the connection sum is the sum of its tunnels');

    // the server was stopped, the client has exited
    await lab.waitFor('no iperf3 left in the hosts', async () => (await iperfLeft()).length === 0, 10000, 200);
  });

  test('the counters keep growing across a CHILD_SA rekey', { skip: hasSwanctl() ? false : 'swanctl is not installed' }, async () => {
    const master = s.tunnels.find((t) => t.Role === 'master').TunnelId;
    const gatewaySide = async () => (await agent.state()).Tunnels.find((t) => t.Side === 'gateway' && t.TunnelId === master);
    const tunnel = await gatewaySide();
    const vici = `unix://${path.join(agent.stateDir, 'endpoints', tunnel.Endpoint, 'vici')}`;
    const sas = lab.sh('swanctl', ['--list-sas', '--uri', vici]);
    const child = sas.split('\n').map((l) => /^\s+(\S+): #\d+, reqid/.exec(l)).find(Boolean)[1];
    const before = await counters();
    assert.ok(before.in > 0, 'the first flow was counted');
    lab.sh('swanctl', ['--rekey', '--child', child, '--uri', vici]);
    await lab.waitFor('a new CHILD_SA installed', async () => {
      const t = await gatewaySide();
      return t.ChildSpi !== tunnel.ChildSpi && t.ChildState === 'INSTALLED';
    }, 20000, 100);
    const r = await lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.siteHost, Target: s.vpcHostIp, Streams: 1, Seconds: 1, Protocol: 'tcp',
    });
    // the new SA counts from zero in charon: without the gone SAs' base the series would fall
    let low = Infinity, now = before;
    await lab.waitFor('the counters show the flow after the rekey', async () => {
      now = await counters();
      low = Math.min(low, now.in);
      return now.in - before.in >= r.Bytes;
    }, 30000, 250);
    console.log(`# after a rekey (SPI ${tunnel.ChildSpi} → ${(await gatewaySide()).ChildSpi}): bytes in ${before.in} → ${now.in}, ` +
      `flow ${r.Bytes} bytes`);
    assert.ok(low >= before.in, `the series fell from ${before.in} to ${low}`);
  });

  test('a UDP flow the other way', async () => {
    const r = await lab.rest(srv, 'POST', '/v1/lab/flows', {
      HostId: s.vpcHost, Target: s.siteHostIp, Streams: 2, Seconds: 2, Protocol: 'udp',
    });
    console.log(`# flow 2 UDP streams, 2 s, VPC → branch: ${r.TotalMbps.toFixed(1)} Mbit/s, lost ${r.LostPercent}%`);
    assert.ok(r.TotalMbps > 0, JSON.stringify(r));
    assert.equal(r.Streams.length, 2);
    assert.equal(r.Retransmits, 0);
    await lab.waitFor('no iperf3 left in the hosts', async () => (await iperfLeft()).length === 0, 10000, 200);
  });

  test('bad input runs nothing', async () => {
    for (const [body, code] of [
      [{ HostId: s.siteHost, Target: s.vpcHostIp, Streams: 129 }, 'InvalidStreams'],
      [{ HostId: s.siteHost, Target: s.vpcHostIp, Seconds: 61 }, 'InvalidSeconds'],
      [{ HostId: s.siteHost, Target: '10.0.1.99' }, 'InvalidTarget.NotLabHost'],
      [{ HostId: 'host-nope', Target: s.vpcHostIp }, 'InvalidHostId.Unknown'],
    ]) {
      const e = await lab.rest(srv, 'POST', '/v1/lab/flows', body).then(() => null, (x) => x);
      assert.ok(e, `${JSON.stringify(body)} was accepted`);
      assert.equal(e.status, 400);
      assert.equal(e.body.Code, code);
    }
    assert.deepEqual(await iperfLeft(), []);
  });
});
