'use strict';
// The agent channel is authenticated always, in both auth modes (issue 10, item 1): the attacks
// that worked against an open channel, each refused now.  In --auth open and --auth strict alike,
// with the token the server generated beside its database (no --agent-token given):
//   * an unauthenticated AgentRegister naming an attacker's Url is refused (REST and RPC, no
//     token, a wrong one, a prefix, a longer one, a tenant's valid signature) and nothing is
//     pushed to that Url, while the real agent's pushes (which hold every account's PSKs) go on;
//   * a forged status report is refused: the connection's Status and DescribeVpnConnectionLogs
//     do not change (the same report with the token does change them: the check can fail);
//   * DELETE of a real agent is refused; listing agents needs the token too;
//   * with the right token, a registration naming a Url the server does not allow is refused
//     (Forbidden.AgentUrl) and changes nothing.
// Then, once: the token file (0600, 64 hex digits, reused after a restart, a file others may
// read refused), the agent-report maxima against the body limit, and the agent binary refusing
// to start without a token.

const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const RPCClient = require('@alicloud/pop-core');
const { REPO, VPNLABD, startServer, assertCleanExit, waitFor } = require('./sdk-harness.js');

const REGION = 'cn-hangzhou';
const PSK = 'victim-master-psk-7f3a';
const PLANTED = 'PLANTED-by-an-attacker';

/** An HTTP server on loopback recording every request: a stand-in agent, or an attacker's. */
async function receiver(tokenOf) {
  const r = { requests: [], docs: [] };
  r.server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      r.requests.push({ method: req.method, url: req.url, token: req.headers['x-vpnlab-agent-token'], body });
      if (tokenOf && req.headers['x-vpnlab-agent-token'] !== tokenOf()) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end('{"Code":"Forbidden"}');
        return;
      }
      let generation = 0;
      if (req.method === 'PUT' && req.url === '/v1/desired') {
        try {
          const doc = JSON.parse(body);
          r.docs.push(doc);
          generation = doc.generation;
        } catch { /* recorded anyway */ }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Generation: generation }));
    });
  });
  await new Promise((resolve) => r.server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${r.server.address().port}`;
  r.close = () => new Promise((resolve) => { r.server.closeAllConnections(); r.server.close(resolve); });
  return r;
}

async function call(srv, method, p, { body, token, form } = {}) {
  const headers = {};
  if (token !== undefined) headers['x-vpnlab-agent-token'] = token;
  let payload;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(`${srv.url}${p}`, { method, headers, body: payload, signal: AbortSignal.timeout(120000) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { text }; }
  return { status: res.status, body: json };
}

function tokenFileOf(srv) {
  return fs.existsSync(srv.tokenFile) ? srv.agentToken() : 'no-token-file-was-made-0000';
}

for (const mode of ['open', 'strict']) {
  describe(`the agent channel under --auth ${mode}`, () => {
    let srv, legit, attacker, rpc, token, agentId, vco, tunnels, vsw;
    // what a client without the token may try: none, wrong, a prefix, one character more
    const wrongTokens = () => [undefined, '', 'lab-agent-s3cret-guess', token.slice(0, -1), `${token}0`,
      token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a')];

    before(async () => {
      srv = await startServer({
        auth: mode, delayMs: 0, args: ['--push-resync-ms', '300'],
        credentials: mode === 'strict' ? [['victim-ak', 'victim-secret', 'victim']] : undefined,
      });
      token = tokenFileOf(srv);
      legit = await receiver(null); // takes every push: whether each carried the token is checked below
      attacker = await receiver(null);
      const client = new RPCClient({
        accessKeyId: mode === 'strict' ? 'victim-ak' : 'victim', accessKeySecret: 'victim-secret',
        endpoint: srv.url, apiVersion: '2016-04-28',
      });
      rpc = (action, params = {}) => client.request(action, { RegionId: REGION, ...params }, { method: 'POST', timeout: 30000 });
      // a tenant's connection with its PSKs: what a registered agent's document carries
      const vpc = (await rpc('CreateVpc', { CidrBlock: '10.0.0.0/16' })).VpcId;
      const zones = (await rpc('DescribeZones')).Zones.Zone.map((z) => z.ZoneId);
      vsw = [];
      for (const [i, ZoneId] of zones.slice(0, 2).entries()) {
        vsw.push((await rpc('CreateVSwitch', { VpcId: vpc, ZoneId, CidrBlock: `10.0.${i + 1}.0/24` })).VSwitchId);
      }
      await waitFor('vSwitches Available', async () => (await rpc('DescribeVSwitches', { VpcId: vpc })).VSwitches.VSwitch
        .every((v) => v.Status === 'Available'));
      const gw = (await rpc('CreateVpnGateway', {
        VpcId: vpc, VSwitchId: vsw[0], DisasterRecoveryVSwitchId: vsw[1], Bandwidth: 10, EnableIpsec: true,
      })).VpnGatewayId;
      await waitFor('gateway active', async () => (await rpc('DescribeVpnGateway', { VpnGatewayId: gw })).Status === 'active');
      const cgw = [];
      for (const ip of ['203.0.113.71', '203.0.113.72']) cgw.push((await rpc('CreateCustomerGateway', { IpAddress: ip })).CustomerGatewayId);
      const t = (n, f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [`TunnelOptionsSpecification.${n}.${k}`, v]));
      vco = (await rpc('CreateVpnConnection', {
        VpnGatewayId: gw, LocalSubnet: '10.0.0.0/16', RemoteSubnet: '192.168.70.0/24',
        ...t(1, { CustomerGatewayId: cgw[0], Role: 'master', 'TunnelIkeConfig.Psk': PSK }),
        ...t(2, { CustomerGatewayId: cgw[1], Role: 'slave', 'TunnelIkeConfig.Psk': `${PSK}-slave` }),
      })).VpnConnectionId;
      await waitFor('gateway idle', async () => (await rpc('DescribeVpnGateway', { VpnGatewayId: gw })).Status === 'active');
      // a branch site for the customer gateways: only then are the tunnels (and their PSKs) built
      await rpc('LabCreateSite', { CustomerGatewayIds: cgw.join(','), LanCidr: '192.168.70.0/24' });
      tunnels = (await rpc('DescribeVpnConnection', { VpnConnectionId: vco })).TunnelOptionsSpecification.TunnelOptions;
      // the real agent, with the token: its documents hold the PSKs
      const reg = await call(srv, 'POST', '/v1/agents', {
        token, body: { Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: legit.url },
      });
      assert.equal(reg.status, 200, JSON.stringify(reg.body));
      agentId = reg.body.AgentId;
      await waitFor('the real agent got the PSKs', async () => legit.docs.some((d) => JSON.stringify(d).includes(PSK)), 10000);
    });

    after(async () => {
      if (legit) await legit.close();
      if (attacker) await attacker.close();
      if (srv) assertCleanExit(await srv.stop());
    });

    const listed = async () => (await call(srv, 'GET', '/v1/agents', { token })).body.Agents;
    const status = async () => {
      const v = await rpc('DescribeVpnConnection', { VpnConnectionId: vco });
      return [v.Status, ...v.TunnelOptionsSpecification.TunnelOptions.map((x) => x.Status)];
    };
    const logLines = async () => {
      const now = Math.floor(Date.now() / 1000);
      const got = await rpc('DescribeVpnConnectionLogs', { VpnConnectionId: vco, From: now - 3600, To: now + 3600 });
      return JSON.stringify(got.Data || {});
    };

    test('the server generated the agent token beside its database (no --agent-token given)', () => {
      assert.ok(fs.existsSync(srv.tokenFile), `${srv.tokenFile} exists`);
      assert.equal(fs.statSync(srv.tokenFile).mode & 0o777, 0o600);
      assert.match(token, /^[0-9a-f]{64}$/);
      assert.match(srv.output(), /agent token created in .*\.agent-token/);
    });

    test('an unauthenticated registration naming an attacker Url is refused; nothing is pushed there', async () => {
      const reg = { Roles: ['cloud', 'site'], UnderlayIp: '127.0.0.1', Url: attacker.url };
      for (const bad of wrongTokens()) {
        const r = await call(srv, 'POST', '/v1/agents', { token: bad, body: reg });
        assert.deepEqual([r.status, r.body.Code], [403, 'Forbidden.AgentToken'], `REST, token ${JSON.stringify(bad)}`);
        const f = await call(srv, 'POST', '/', {
          token: bad,
          form: { Action: 'AgentRegister', Version: '2016-04-28', Roles: '["cloud"]', UnderlayIp: '127.0.0.1', Url: attacker.url },
        });
        assert.deepEqual([f.status, f.body.Code], [403, 'Forbidden.AgentToken'], `RPC, token ${JSON.stringify(bad)}`);
      }
      // a tenant's own valid signature is no agent credential
      await assert.rejects(rpc('AgentRegister', { Roles: '["cloud"]', UnderlayIp: '127.0.0.1', Url: attacker.url }),
        (e) => e.code === 'Forbidden.AgentToken' || /Forbidden.AgentToken/.test(e.message));
      assert.deepEqual((await listed()).map((a) => a.AgentId), [agentId], 'only the real agent is registered');
      // a change makes a push pass over every registered agent: the real one gets it, the attacker nothing
      const before = Math.max(...legit.docs.map((d) => d.generation));
      await rpc('LabCreateHost', { VSwitchId: vsw[0] });
      await waitFor('a newer document at the real agent', async () => legit.docs.some((d) => d.generation > before), 10000);
      assert.ok(legit.requests.every((q) => q.token === token), 'every push carries the token');
      assert.deepEqual(attacker.requests, [], 'nothing reached the attacker\'s Url');
    });

    test('a forged status report is refused and changes neither Status nor the logs', async () => {
      const forged = {
        AppliedGeneration: 1,
        Tunnels: tunnels.map((x) => ({
          VpnConnectionId: vco, TunnelId: x.TunnelId, Endpoint: 'vpn-forged-1', Side: 'gateway',
          IkeState: 'ESTABLISHED', ChildState: 'INSTALLED', Active: true,
        })),
        Logs: [{ VpnConnectionId: vco, TunnelId: tunnels[0].TunnelId, Side: 'gateway', TimeMs: Date.now(), Line: PLANTED }],
      };
      const statusBefore = await status();
      const logsBefore = await logLines();
      assert.ok(statusBefore.every((s) => s === 'ike_sa_not_established'), JSON.stringify(statusBefore));
      for (const bad of wrongTokens()) {
        const r = await call(srv, 'POST', `/v1/agents/${agentId}/status`, { token: bad, body: forged });
        assert.deepEqual([r.status, r.body.Code], [403, 'Forbidden.AgentToken'], `REST, token ${JSON.stringify(bad)}`);
        const f = await call(srv, 'POST', '/', {
          token: bad,
          form: {
            Action: 'AgentReportStatus', Version: '2016-04-28', AgentId: agentId,
            Tunnels: JSON.stringify(forged.Tunnels), Logs: JSON.stringify(forged.Logs),
          },
        });
        assert.deepEqual([f.status, f.body.Code], [403, 'Forbidden.AgentToken'], `RPC, token ${JSON.stringify(bad)}`);
      }
      await assert.rejects(rpc('AgentReportStatus', { AgentId: agentId, Tunnels: JSON.stringify(forged.Tunnels) }),
        (e) => /Forbidden.AgentToken/.test(e.code || e.message));
      assert.deepEqual(await status(), statusBefore, 'Status unchanged');
      assert.equal(await logLines(), logsBefore, 'DescribeVpnConnectionLogs unchanged');
      assert.ok(!(await logLines()).includes(PLANTED));
      // the same report from the token holder does change them: the checks above could fail
      const r = await call(srv, 'POST', `/v1/agents/${agentId}/status`, { token, body: forged });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal((await status())[0], 'ipsec_sa_established');
      assert.ok((await logLines()).includes(PLANTED));
    });

    test('deleting or listing agents needs the token', async () => {
      for (const bad of wrongTokens()) {
        const d = await call(srv, 'DELETE', `/v1/agents/${agentId}`, { token: bad });
        assert.deepEqual([d.status, d.body.Code], [403, 'Forbidden.AgentToken'], `DELETE, token ${JSON.stringify(bad)}`);
        const f = await call(srv, 'POST', '/', { token: bad, form: { Action: 'AgentDeregister', Version: '2016-04-28', AgentId: agentId } });
        assert.deepEqual([f.status, f.body.Code], [403, 'Forbidden.AgentToken'], `RPC AgentDeregister, token ${JSON.stringify(bad)}`);
        for (const p of ['/v1/agents', `/v1/agents/${agentId}`]) {
          const l = await call(srv, 'GET', p, { token: bad });
          assert.deepEqual([l.status, l.body.Code], [403, 'Forbidden.AgentToken'], `GET ${p}, token ${JSON.stringify(bad)}`);
        }
      }
      assert.deepEqual((await listed()).map((a) => a.AgentId), [agentId], 'the agent is still registered');
    });

    test('with the token, a registration naming a Url the server does not allow is refused', async () => {
      const shape = (agents) => agents.map((a) => [a.AgentId, a.Url, a.UnderlayIp, a.Roles]);
      const before = shape(await listed());
      const cases = [
        ['another address than its UnderlayIp', { UnderlayIp: '127.0.0.1', Url: 'http://192.0.2.10:8181' }],
        ['a host name', { UnderlayIp: '127.0.0.1', Url: `http://localhost:${attacker.server.address().port}` }],
        ['a link-local "underlay"', { UnderlayIp: '169.254.169.254', Url: 'http://169.254.169.254/latest' }],
        ['the real agent moved elsewhere', { AgentId: agentId, UnderlayIp: '127.0.0.1', Url: 'http://192.0.2.10:8181' }],
      ];
      for (const [what, fields] of cases) {
        const r = await call(srv, 'POST', '/v1/agents', { token, body: { Roles: ['cloud'], ...fields } });
        assert.deepEqual([r.status, r.body.Code], [403, 'Forbidden.AgentUrl'], `${what}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.Message, /Url/);
      }
      assert.deepEqual(shape(await listed()), before, 'nothing changed');
      assert.deepEqual(attacker.requests, []);
    });
  });
}

describe('the token file, the report maxima and the agent binary', () => {
  let srv, dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-agentsec-'));
    srv = await startServer({ auth: 'open', delayMs: 0, db: path.join(dir, 'lab.db') });
  });
  after(async () => {
    if (srv) assertCleanExit(await srv.stop());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the token survives a restart; a token file others may read stops the server', async () => {
    const first = srv.agentToken();
    assertCleanExit(await srv.stop());
    srv = await startServer({ auth: 'open', delayMs: 0, db: path.join(dir, 'lab.db') });
    assert.equal(srv.agentToken(), first, 'the same token after a restart');
    assert.match(srv.output(), /agent token read from/);
    const loose = path.join(dir, 'loose-token');
    fs.writeFileSync(loose, `${'x'.repeat(32)}\n`, { mode: 0o644 });
    fs.chmodSync(loose, 0o644);
    const run = (args) => spawnSync(VPNLABD, ['--listen', '127.0.0.1:1', '--db', path.join(dir, 'other.db'), ...args],
      { encoding: 'utf8', timeout: 20000 });
    let r = run(['--agent-token-file', loose]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /chmod 600/);
    r = run(['--agent-token', 'short']);
    assert.equal(r.status, 2);
    r = run(['--agent-token', 'x'.repeat(32), '--agent-token-file', loose]);
    assert.equal(r.status, 2);
    r = run(['--agent-url-allow', '10.0.0.1/8']);
    assert.equal(r.status, 2);
  });

  test('the documented report maxima fit and are enforced; larger bodies only for the token holder', async () => {
    const token = srv.agentToken();
    const reg = await call(srv, 'POST', '/v1/agents', { token, body: { Roles: ['cloud'], UnderlayIp: '127.0.0.1', Url: 'http://127.0.0.1:9' } });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const id = reg.body.AgentId;
    const tunnel = (i) => ({
      VpnConnectionId: `vco-${'t'.repeat(55)}${String(i).padStart(4, '0')}`, TunnelId: `tun-${'u'.repeat(59)}`,
      Endpoint: `vpn-${'e'.repeat(59)}`, Side: 'site_device', IkeState: 'ESTABLISHED', ChildState: 'INSTALLED',
      Health: 'success', Active: true, BytesIn: 9007199254740991, BytesOut: 9007199254740991,
      PacketsIn: 9007199254740991, PacketsOut: 9007199254740991,
    });
    // every byte of every line a control character: JSON's longest form (\u0001, 6 bytes)
    const line = '\u0001'.repeat(4096);
    const log = (i) => ({ VpnConnectionId: `vco-${'l'.repeat(55)}${String(i).padStart(4, '0')}`, TunnelId: `tun-${'v'.repeat(59)}`,
      Side: 'site_device', TimeMs: 1764300000000, Line: line });
    const report = (nt, nl, l = line) => ({
      AppliedGeneration: 0, Tunnels: Array.from({ length: nt }, (_, i) => tunnel(i)),
      Logs: Array.from({ length: nl }, (_, i) => ({ ...log(i), Line: l })),
    });
    const max = JSON.stringify(report(4096, 1000));
    assert.ok(max.length > 24 * 1024 * 1024, `the largest report is ${max.length} bytes`);
    let r = await call(srv, 'POST', `/v1/agents/${id}/status`, { token, body: max });
    assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    r = await call(srv, 'POST', `/v1/agents/${id}/status`, { token, body: report(4097, 0) });
    assert.deepEqual([r.status, r.body.Code], [400, 'InvalidTunnels']);
    r = await call(srv, 'POST', `/v1/agents/${id}/status`, { token, body: report(0, 1001, 'x') });
    assert.deepEqual([r.status, r.body.Code], [400, 'InvalidLogs']);
    r = await call(srv, 'POST', `/v1/agents/${id}/status`, { token, body: report(0, 1, 'x'.repeat(4097)) });
    assert.deepEqual([r.status, r.body.Code], [400, 'InvalidLogs.1.Line']);
    // without the token the body limit stays 1 MiB; above 32 MiB nobody gets in
    r = await call(srv, 'POST', `/v1/agents/${id}/status`, { body: report(0, 300, 'x'.repeat(4096)) });
    assert.deepEqual([r.status, r.body.Code], [413, 'InvalidParameter.BodyTooLarge']);
    r = await call(srv, 'POST', `/v1/agents/${id}/status`, { token, body: `{"Logs":"${'x'.repeat(33 * 1024 * 1024)}"}` });
    assert.deepEqual([r.status, r.body.Code], [413, 'InvalidParameter.BodyTooLarge']);
  });

  test('the agent does not start without a token, nor with a token file others may read', { skip: !fs.existsSync(path.join(REPO, 'bin', 'vpnlab-agent')) && 'bin/vpnlab-agent not built' }, () => {
    const agent = process.env.VPNLAB_AGENT || path.join(REPO, 'bin', 'vpnlab-agent');
    const state = path.join(dir, 'agent-state');
    let r = spawnSync(agent, ['--listen', '127.0.0.1:1', '--state-dir', state], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs the server's agent token: --token-file/);
    const loose = path.join(dir, 'loose-agent-token');
    fs.writeFileSync(loose, `${'y'.repeat(32)}\n`);
    fs.chmodSync(loose, 0o640);
    r = spawnSync(agent, ['--token-file', loose, '--listen', '127.0.0.1:1', '--state-dir', state], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /chmod 600/);
    r = spawnSync(agent, ['--token', 'short', '--listen', '127.0.0.1:1', '--state-dir', state], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2);
  });
});
