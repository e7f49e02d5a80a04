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

/**
 * The hooks of one example's describe: before, a server (--dpd-delay-s 1), a root agent and
 * the scripts' environment (their list of ids in a temporary directory); after, the server's
 * clean exit (named label) and no namespace left behind.  Returns { srv, env }, filled in by
 * the before hook.
 */
function exampleLab(label) {
  const ctx = {};
  let dir;

  before(async () => {
    ctx.srv = await lab.startServer({ delayMs: 50, args: ['--dpd-delay-s', '1'] });
    await lab.startAgent({ server: ctx.srv });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-examples-'));
    ctx.env = { VPNLAB_ENDPOINT: ctx.srv.url, VPNLAB_EXAMPLES_STATE: path.join(dir, 'ids') };
  });

  after(async () => {
    const leftovers = await lab.cleanupAll();
    if (ctx.srv) lab.assertCleanExit(await ctx.srv.stop(), label);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(leftovers, [], 'namespaces left behind after --cleanup');
  });
  return ctx;
}

/** examples/teardown.sh exits 0, removes its list of ids, and every list of paths empties. */
async function checkTeardown(ctx, paths) {
  const r = await run('teardown.sh', ctx.env);
  assert.equal(r.code, 0, r.out.slice(-3000));
  assert.ok(!fs.existsSync(ctx.env.VPNLAB_EXAMPLES_STATE), 'the list of ids is gone');
  for (const p of paths) {
    await lab.waitFor(`${p} empty`, async () => (await lab.rest(ctx.srv, 'GET', p)).TotalCount === 0, 30000, 200);
  }
}

describe('the curl example of seed scenario 1 (make run shape)', { skip: skip || false }, () => {
  const ctx = exampleLab('vpnlabd (examples)');

  test('scenario 1: probe replies through the tunnel, a failover with its loss window, the master back', async () => {
    const r = await run('scenario1-vpn-gateway.sh', ctx.env);
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
    await checkTeardown(ctx, ['/v1/vpcs', '/v1/customer-gateways', '/v1/vpn-gateways', '/v1/lab/sites', '/v1/lab/hosts']);
  });
});

describe('the curl example of seed scenario 2 (transit router)', { skip: skip || false }, () => {
  const ctx = exampleLab('vpnlabd (examples, scenario 2)');

  test('scenario 2: probes through the transit router both ways, a connection cut with its loss window, restored', async () => {
    const r = await run('scenario2-transit-router.sh', ctx.env);
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
    await checkTeardown(ctx, ['/v1/vpcs', '/v1/customer-gateways', '/v1/vpn-connections', '/v1/lab/sites', '/v1/lab/hosts']);
  });
});
