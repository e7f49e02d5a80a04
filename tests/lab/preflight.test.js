'use strict';
// A machine without strongSwan's openssl plugin (its package, libstrongswan-standard-plugins,
// not installed): the agent says so at start in one line, GET /v1/agents shows its backend
// unusable with the reason, the connections it would serve carry the reason in
// DescribeVpnConnectionLogs; installing the package heals it without a restart.
//
// The missing package is reproduced for real without touching the machine's packages: the
// agent runs in its own mount namespace in which the plugin directory is replaced by a copy
// without libstrongswan-openssl.so (charon then logs exactly what it logs when the package is
// missing).  "Installing the package" is unmounting that copy inside the agent's namespace
// (nsenter), which every charon started afterwards sees.  The namespaces the agent creates are
// still visible to everyone: /run/netns stays shared with the host's.

const { describe, test, before, after } = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('./lab-harness');

const { assert } = lab;
const PLUGINS = '/usr/lib/ipsec/plugins';
const OPENSSL = 'libstrongswan-openssl.so';
const RETRY_S = 2;

function skipReason() {
  const base = lab.canRun();
  if (base) return base;
  if (!fs.existsSync(path.join(PLUGINS, OPENSSL))) {
    return `${PLUGINS}/${OPENSSL} is not installed (libstrongswan-standard-plugins): the healing cannot be shown`;
  }
  for (const tool of ['unshare', 'nsenter', 'findmnt']) {
    try { lab.sh('which', [tool]); } catch { return `${tool} is missing (util-linux)`; }
  }
  return null;
}

/** Every log line of a connection (or one tunnel) in the last 10 minutes, through every page. */
async function allLogs(call, VpnConnectionId, TunnelId) {
  const out = [];
  for (let PageNumber = 1; ; PageNumber++) {
    const r = await call('DescribeVpnConnectionLogs', {
      VpnConnectionId, MinutePeriod: 10, PageNumber, PageSize: 50, ...(TunnelId ? { TunnelId } : {}),
    });
    const page = r.Data && r.Data.Logs ? r.Data.Logs.Log || r.Data.Logs : [];
    out.push(...page);
    if (r.IsCompleted || page.length < 50) return out;
  }
}

const REASON = /plugin 'openssl': failed to load.*\(install the Debian package libstrongswan-standard-plugins\)/;

describe('preflight: the IPsec backend lacks the openssl plugin', { skip: skipReason() || false }, () => {
  let srv, agent, call, hidden;
  const s = {};

  before(async () => {
    hidden = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-plugins-'));
    for (const f of fs.readdirSync(PLUGINS)) {
      if (f !== OPENSSL) fs.copyFileSync(path.join(PLUGINS, f), path.join(hidden, f));
    }
    // the pusher's resync every 300 ms: passes that would write the reason twice come quickly
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1', '--push-resync-ms', '300'] });
    // its own mount namespace; the mount holding the plugin directory becomes a slave there,
    // so the copy mounted over it never reaches the host
    const hide = 'mount --make-slave "$(findmnt -n -o TARGET -T "$1")" && mount --bind "$2" "$1" && shift 2 && exec "$@"';
    agent = await lab.startAgent({
      server: srv,
      args: ['--preflight-retry-s', String(RETRY_S)],
      wrap: ['unshare', '-m', '--propagation', 'unchanged', 'sh', '-c', hide, 'sh', PLUGINS, hidden],
    });
    call = lab.rpc(srv);
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (lab preflight)');
    if (hidden) fs.rmSync(hidden, { recursive: true, force: true });
    assert.ok(fs.existsSync(path.join(PLUGINS, OPENSSL)), 'the host never lost its plugin');
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  // nsenter -r: the agent's root directory too (setns alone would put the command at its mount
  // namespace's root, which is not the agent's when the tests run in a chroot)
  test('the host still has the plugin: only the agent\'s mount namespace lacks it', () => {
    assert.ok(fs.existsSync(path.join(PLUGINS, OPENSSL)));
    assert.throws(() => lab.sh('nsenter', ['-t', String(agent.pid), '-m', '-r', 'test', '-e', path.join(PLUGINS, OPENSSL)]));
  });

  test('the agent says why at start, in one line: charon\'s log line and the package', async () => {
    const line = await lab.waitFor('the preflight line', () => agent.output().split('\n')
      .find((l) => /IPsec backend \S+ unusable/.test(l)), 10000, 50);
    assert.match(line, REASON);
  });

  test('GET /v1/agents shows the backend unusable and the reason', async () => {
    const a = await lab.waitFor('agent registered unusable', async () => {
      const got = await lab.rest(srv, 'GET', '/v1/agents');
      return got.Agents && got.Agents.length === 1 && got.Agents[0].BackendUsable === false && got.Agents[0];
    }, 15000, 100);
    assert.match(a.BackendError, REASON);
    assert.match(a.Backend, /^kernel-(libipsec|netlink)$/);
    s.agentId = a.AgentId;
  });

  test('the connection it would serve has the reason in DescribeVpnConnectionLogs, once per tunnel', async () => {
    Object.assign(s, await lab.seedTopology(srv, { wait: false }));
    const reasonLines = async () => (await allLogs(call, s.vco))
      .filter((l) => l.includes(`IPsec backend of agent ${s.agentId} is unusable`));
    const lines = await lab.waitFor('reason in the connection logs', async () => {
      const got = await reasonLines();
      return got.length >= 2 && got;
    }, 15000, 100);
    for (const l of lines) assert.match(l, REASON);
    assert.match(lines[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d ${s.vco} \\[ERROR\\]: `));
    for (const t of s.tunnels || (await call('DescribeVpnConnection', { VpnConnectionId: s.vco }))
      .TunnelOptionsSpecification.TunnelOptions) {
      const got = (await allLogs(call, s.vco, t.TunnelId)).filter((l) => REASON.test(l));
      assert.equal(got.length, 1, `tunnel ${t.TunnelId}: ${JSON.stringify(got)}`);
    }
    // more pusher passes (every 300 ms) and preflight retries (every 2 s) add no line
    await lab.sleep(2 * RETRY_S * 1000 + 500);
    assert.equal((await reasonLines()).length, lines.length, 'the reason was written again');
    const v = await call('DescribeVpnConnection', { VpnConnectionId: s.vco });
    assert.equal(v.Status, 'ike_sa_not_established');
    const unusableLines = agent.output().split('\n').filter((l) => /IPsec backend \S+ unusable/.test(l));
    assert.equal(unusableLines.length, 1, 'the agent repeats its line at every retry:\n' + unusableLines.join('\n'));
  });

  test('installing the plugin heals the agent without a restart: usable again, tunnels up', async () => {
    lab.sh('nsenter', ['-t', String(agent.pid), '-m', '-r', 'umount', PLUGINS]);
    const t0 = Date.now();
    await lab.waitFor('agent usable', async () => {
      const a = (await lab.rest(srv, 'GET', '/v1/agents')).Agents[0];
      return a.BackendUsable === true && a.BackendError === '';
    }, 30000, 100);
    console.log(`# backend usable ${Date.now() - t0} ms after the plugin appeared (retry period ${RETRY_S} s)`);
    assert.match(agent.output(), /IPsec backend \S+ usable again/);
    await lab.waitFor('both tunnels ipsec_sa_established', async () => {
      const v = await call('DescribeVpnConnection', { VpnConnectionId: s.vco });
      return v.Status === 'ipsec_sa_established' &&
        v.TunnelOptionsSpecification.TunnelOptions.every((x) => x.Status === 'ipsec_sa_established');
    }, 45000, 200);
    console.log(`# both tunnels established ${Date.now() - t0} ms after the plugin appeared`);
    const r = await lab.probe(srv, s.vpcHost, s.siteHostIp, 5, 100);
    assert.equal(r.Received, 5, JSON.stringify(r));
    assert.equal(agent.exited(), null, 'the agent kept running');
  });

  test('an endpoint charon that dies at start leaves its last lines in the connection logs, once', async () => {
    // the agent dies (SIGKILL) and so do the gateway endpoints' charons; the agent restarted on
    // its state directory adopts its document and must start them again, but they now load a
    // critical plugin that does not exist (a test hook for endpoint charons only: the
    // preflight still passes), so each start dies the same way, at every retry of the push
    const gwDir = path.join(agent.stateDir, 'endpoints');
    await agent.stop('SIGKILL');
    const killed = fs.readdirSync(gwDir).filter((e) => e.startsWith(s.gw)).map((e) =>
      Number(fs.readFileSync(path.join(gwDir, e, 'charon.pid'), 'utf8').trim()));
    assert.equal(killed.length, 2, 'two gateway endpoints');
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    await lab.waitFor('gateway charons gone', () => killed.every((pid) => !lab.alive(pid)), 5000, 20);
    const again = await lab.startAgent({
      server: srv, stateDir: agent.stateDir,
      wrap: ['env', 'VPNLAB_AGENT_TEST_ENDPOINT_PLUGINS=vpnlab-test-missing!'],
    });
    const died = (l) => l.includes('[ERROR]: charon died at start: ');
    const master = s.tunnels ? s.tunnels[0].TunnelId
      : (await call('DescribeVpnConnection', { VpnConnectionId: s.vco })).TunnelOptionsSpecification.TunnelOptions[0].TunnelId;
    const masterLines = async () => (await allLogs(call, s.vco, master)).filter(died);
    const lines = await lab.waitFor('charon\'s last lines in the logs', async () => {
      const got = await masterLines();
      return got.some((l) => l.endsWith('initialization failed - aborting charon')) && got;
    }, 20000, 100).catch(async (e) => {
      throw new Error(`${e.message}\nagent:\n${again.output()}\nlogs:\n${(await allLogs(call, s.vco)).join('\n')}`);
    });
    assert.ok(lines.some((l) => /charon died at start: plugin 'vpnlab-test-missing': failed to load/.test(l)), lines.join('\n'));
    assert.ok(lines.length <= 12, `${lines.length} lines`);
    // retries of the push (every 300 ms) die the same way: the agent says so each time, the
    // logs got it once
    await lab.waitFor('three failed starts', () => (again.output().match(/charon exited at start: plugin 'vpnlab-test-missing'/g) || [])
      .length >= 3, 20000, 100);
    assert.deepEqual(await masterLines(), lines);
    const a = (await lab.rest(srv, 'GET', '/v1/agents')).Agents[0];
    assert.equal(a.BackendUsable, true, 'the backend as such works (the preflight charon starts)');
    await again.stop('SIGKILL');
  });
});
