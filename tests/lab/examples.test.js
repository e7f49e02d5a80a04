'use strict';
// examples/scenario1-vpn-gateway.sh, as a user runs it, against a server and a root agent (the
// `make run` shape): it must end with replies through the tunnel, a master cut with the loss
// window printed, and the master restored; then examples/teardown.sh removes everything it made.

const { test, describe, before, after } = require('node:test');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lab = require('./lab-harness');

const { assert } = lab;
const skip = lab.canRun() || (lab.sh('sh', ['-c', 'command -v jq || true']).trim() ? null : 'jq is not installed');
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

/** Runs an example script; resolves to { code, out } (stdout and stderr together). */
function run(script, env) {
  return new Promise((resolve) => {
    const child = spawn('sh', [path.join(EXAMPLES, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('the curl example of seed scenario 1 (make run shape)', { skip: skip || false }, () => {
  let srv, env, dir;

  before(async () => {
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    await lab.startAgent({ server: srv });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-examples-'));
    env = { VPNLAB_ENDPOINT: srv.url, VPNLAB_EXAMPLES_STATE: path.join(dir, 'ids') };
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (examples)');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  test('scenario 1: probe replies through the tunnel, a failover with its loss window, the master back', async () => {
    const r = await run('scenario1-vpn-gateway.sh', env);
    assert.equal(r.code, 0, r.out.slice(-3000));
    assert.match(r.out, /both tunnels ipsec_sa_established\n/);
    assert.match(r.out, /"Sent":5,"Received":[1-5],/, 'a probe answered through the tunnel');
    const loss = r.out.match(/loss window of the failover: (\d+) ms/);
    assert.ok(loss, r.out.slice(-2000));
    // the slave carries; the master's own status follows its DPD, which the liveness probes
    // that moved the traffic do not wait for, so either status is right at that moment
    assert.match(r.out, /tunnels now: master (ike_sa_not_established|ipsec_sa_established), slave ipsec_sa_established/);
    assert.match(r.out, /both tunnels ipsec_sa_established again/);
    console.log(`# loss window ${loss[1]} ms`);
  });

  test('teardown.sh removes everything the scenario made', async () => {
    const r = await run('teardown.sh', env);
    assert.equal(r.code, 0, r.out.slice(-3000));
    assert.ok(!fs.existsSync(env.VPNLAB_EXAMPLES_STATE), 'the list of ids is gone');
    for (const p of ['/v1/vpcs', '/v1/customer-gateways', '/v1/vpn-gateways', '/v1/lab/sites', '/v1/lab/hosts']) {
      await lab.waitFor(`${p} empty`, async () => (await lab.rest(srv, 'GET', p)).TotalCount === 0, 30000, 200);
    }
  });
});

describe('the curl example of seed scenario 2 (transit router)', { skip: skip || false }, () => {
  let srv, env, dir;

  before(async () => {
    srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    await lab.startAgent({ server: srv });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-examples-'));
    env = { VPNLAB_ENDPOINT: srv.url, VPNLAB_EXAMPLES_STATE: path.join(dir, 'ids') };
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (srv) lab.assertCleanExit(await srv.stop(), 'vpnlabd (examples, scenario 2)');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });

  test('scenario 2: probes through the transit router both ways, a connection cut with its loss window, restored', async () => {
    const r = await run('scenario2-transit-router.sh', env);
    assert.equal(r.code, 0, r.out.slice(-3000));
    assert.match(r.out, /two Active entries to 192\.168\.20\.0\/24/);
    assert.match(r.out, /both connections ipsec_sa_established\n/);
    assert.match(r.out, /VPC host -> branch host replies/);
    assert.match(r.out, /"Sent":5,"Received":[1-5],/, 'a probe answered through the transit router');
    const loss = r.out.match(/loss window of the failover: (\d+) ms/);
    assert.ok(loss, r.out.slice(-2000));
    assert.match(r.out, /both connections ipsec_sa_established again/);
    console.log(`# scenario 2: loss window ${loss[1]} ms`);
  });

  test('teardown.sh removes everything scenario 2 made', async () => {
    const r = await run('teardown.sh', env);
    assert.equal(r.code, 0, r.out.slice(-3000));
    assert.ok(!fs.existsSync(env.VPNLAB_EXAMPLES_STATE), 'the list of ids is gone');
    for (const p of ['/v1/vpcs', '/v1/customer-gateways', '/v1/vpn-connections', '/v1/lab/sites', '/v1/lab/hosts']) {
      await lab.waitFor(`${p} empty`, async () => (await lab.rest(srv, 'GET', p)).TotalCount === 0, 30000, 200);
    }
  });
});
