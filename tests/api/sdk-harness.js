'use strict';
// Starts and stops vpnlabd for the API tests (sdk.test.js, openapi.test.js).
// Each instance gets a free loopback port, a temporary directory (database, log,
// credentials) and is killed by PID when the test file ends, also on failure.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const VPNLABD = process.env.VPNLABD ? path.resolve(process.env.VPNLABD) : path.join(REPO, 'bin', 'vpnlabd');

const running = new Set();

// Last resort: a test file that dies without running its after() hooks still kills its servers.
process.on('exit', () => {
  for (const srv of running) {
    try {
      process.kill(srv.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function healthy(port, host = '127.0.0.1') {
  try {
    const res = await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.text();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Starts vpnlabd.  opts: { auth: 'open'|'strict', credentials: [[akid, secret, account], …],
 * delayMs, quotas: { name: value }, listenHost (default 127.0.0.1), db (a file that outlives
 * the server, for restarts), args: [more options] }.  Resolves to { port, pid, endpoint, dir, stop(), output() }.
 */
async function startServer(opts = {}) {
  if (!fs.existsSync(VPNLABD)) {
    throw new Error(`vpnlabd not found at ${VPNLABD}: run make at the repo root or set VPNLABD`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpnlab-api-'));
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port || await freePort();
    const host = opts.listenHost || '127.0.0.1';
    const args = ['--listen', `${host}:${port}`, '--db', opts.db || path.join(dir, `vpnlab-${attempt}.db`),
      '--log', path.join(dir, 'requests.log')];
    args.push('--auth', opts.auth || 'open');
    if (opts.credentials) {
      const file = path.join(dir, 'credentials');
      fs.writeFileSync(file, opts.credentials.map((c) => c.join(' ')).join('\n') + '\n', { mode: 0o600 });
      args.push('--credentials', file);
    }
    if (opts.delayMs !== undefined) args.push('--transition-delay-ms', String(opts.delayMs));
    for (const [name, value] of Object.entries(opts.quotas || {})) args.push('--quota', `${name}=${value}`);
    args.push(...(opts.args || []));

    const child = spawn(VPNLABD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    let exited = false;
    let killed = false;
    const gone = new Promise((resolve) => child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }));
    const srv = {
      port,
      pid: child.pid,
      dir,
      endpoint: `${host}:${port}`,
      url: `http://${host}:${port}`,
      output: () => output,
      /**
       * Completes every timed transition now (SIGUSR1) and resolves once the server says so:
       * suites hold transitional states with HOLD_MS and end them here, never on a timer.
       */
      async settle() {
        const released = () => (output.match(/transitions released/g) || []).length;
        const before = released();
        process.kill(srv.pid, 'SIGUSR1');
        const until = Date.now() + 30000;
        while (released() === before) {
          if (exited) throw new Error(`server exited while settling:\n${output}`);
          if (Date.now() > until) throw new Error(`server did not release its transitions:\n${output}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      /** SIGTERM (SIGKILL after 5 s); resolves to { code, signal, killed, output }. */
      async stop() {
        running.delete(srv);
        const wasRunning = !exited;
        if (wasRunning) {
          try {
            process.kill(srv.pid, 'SIGTERM');
          } catch {
            // already gone
          }
        }
        const timer = setTimeout(() => {
          killed = true;
          try {
            process.kill(srv.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5000);
        const status = await gone;
        clearTimeout(timer);
        await new Promise((r) => setImmediate(r)); // let the last output arrive
        child.stdout.destroy();
        child.stderr.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
        return { ...status, killed, wasRunning, output };
      },
    };
    running.add(srv);

    const deadline = Date.now() + 15000;
    while (!exited && Date.now() < deadline) {
      if (await healthy(port, host)) return srv;
      await sleep(50);
    }
    lastError = new Error(`${VPNLABD} ${args.join(' ')} did not become healthy` +
      (exited ? ' (it exited)' : '') + `:\n${output}`);
    running.delete(srv);
    if (!exited) {
      try {
        process.kill(srv.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await gone;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/**
 * Checks what stop() answered: the server was still running, stopped on SIGTERM with status 0
 * and printed no sanitizer report (make test runs these files against the ASan/UBSan build).
 */
function assertCleanExit(result, name = 'vpnlabd') {
  const problems = [];
  if (!result.wasRunning) problems.push('it had exited before the end of the tests');
  if (result.killed) problems.push('it ignored SIGTERM for 5 s and was killed');
  else if (result.code !== 0) problems.push(`exit status ${result.code}, signal ${result.signal}`);
  if (/AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:/.test(result.output)) {
    problems.push('a sanitizer report');
  }
  if (problems.length) {
    throw new Error(`${name}: ${problems.join('; ')}; its output:\n${result.output.slice(-8000)}`);
  }
}

/** Polls fn() until it returns a truthy value (returned) or timeoutMs passes (throws). */
/**
 * Polls fn until it returns a truthy value.  Timed transitions never end on their own in a
 * test (servers run with HOLD_MS): every running server first completes its pending ones
 * (settle), so what is awaited is the outcome, not a timer beating a loaded machine.
 */
async function waitFor(what, fn, timeoutMs = 10000, intervalMs = 50) {
  await Promise.all([...running].map((srv) => srv.settle()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** --transition-delay-ms that holds Pending/Creating/… until settle() (or waitFor) ends it. */
const HOLD_MS = 600000;

module.exports = { REPO, VPNLABD, HOLD_MS, startServer, assertCleanExit, waitFor, sleep, freePort };
