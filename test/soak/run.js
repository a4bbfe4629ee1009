#!/usr/bin/env node
/**
 * Soak run (`npm run soak`): an hour of a daemon's life compressed into a few minutes.
 *
 * The real daemon (`node dist/cli.js run --interval 100`) reports every 100 ms (the shortest interval the
 * sidecar accepts; 300 times its default rate) with cpu, memory and ollama-vram, against:
 * - a fake Ollama that rotates good answers, HTTP 500s, stalls past the 40 ms deadline and garbage;
 * - a hub in this process that flaps: up for 2-8 s, down for 0.3-3 s (half the time a crash, half a clean
 *   close), back on the same port; it validates every frame as the hub does, refuses frames over a token
 *   bucket (a burst after an outage), refuses one at random now and then (`rate_limited`), and now and then
 *   closes with 1008 `cooldown active: retry in 1s`.
 * The daemon's RSS is sampled every second from /proc/<pid>/status. At the end the hub stays up for a while,
 * then the daemon gets SIGTERM.
 *
 * Checks: exit 0 after SIGTERM; no crash, restart, uncaught error or hub validation error; memory flat after
 * warm-up; every report accounted for.
 *
 * Memory. RSS sampled every second is a saw-tooth: V8 lets garbage pile up in the old generation for minutes
 * (here ~40 MB, a major GC every ~3 minutes) before a full GC gives it back, so the first- and last-quarter
 * medians (printed) depend on where the run falls in that cycle. The bound (RSS_GROWTH_LIMIT_MB, default 10)
 * is therefore checked on RSS right after a full GC, forced through the daemon's inspector (it runs with
 * --inspect=127.0.0.1:0; the session is opened only for the measurement) at the end of warm-up, halfway and
 * at the end. heapUsed after GC is printed too: a leak in JS shows there first.
 *
 * Accounting. The number of reports produced is the `runtime.reports` counter of the daemon's status file
 * (`run --status-file`, rewritten after every report and once more on stop); it is cross-checked against the
 * schedule (reports sit on a fixed 100 ms grid: the grid points between the first and last report the hub
 * accepted, minus the ticks the scheduler logs as skipped). Each report produced must be: accepted by the
 * hub, dropped on buffer overflow (the count is logged once per outage), refused by the hub's rate limit and
 * never resent, left undelivered at stop (logged), or lost in flight when a connection died (written to a
 * socket the hub then dropped: the protocol has no acks). The last is what is left over; it must stay below
 * one per connection the hub dropped. The websocket transport's own counters (sent, dropped, buffered) are
 * read from the status file too and printed; they are gone from the final, stopped, status.
 *
 * Env: SOAK_SECONDS (default 120), RSS_GROWTH_LIMIT_MB (default 10), SOAK_SEED (random by default; it seeds
 * the hub's and the schedule's choices, not the timing), SOAK_VERBOSE=1 (a timeline).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';
import { parseFrame } from '../../dist/hub/validate-frame.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'dist/cli.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/ollama');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const RSS_LIMIT_MB = Number(process.env.RSS_GROWTH_LIMIT_MB ?? 10);
const INTERVAL_MS = 100;
const OLLAMA_TIMEOUT_MS = 40;
const STABLE_END_S = Math.min(10, Math.max(5, SECONDS / 10));
const TOKEN = 'tok-SOAK-4d2f9e1b';
const AGENT = 'soak-agent';

if (!Number.isFinite(SECONDS) || SECONDS < 20) {
  console.error('SOAK_SECONDS must be a number of at least 20');
  process.exit(2);
}

// ---- seeded randomness, so a failing run can be replayed with SOAK_SEED ----
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
let state = SEED >>> 0 || 1;
function random() {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
}
const between = (lo, hi) => lo + random() * (hi - lo);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const VERBOSE = process.env.SOAK_VERBOSE === '1';
const T0 = Date.now();
const note = (what) => VERBOSE && console.log(`${((Date.now() - T0) / 1000).toFixed(1).padStart(6)} s  ${what}`);
const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---- fake Ollama: good, 500, stall past the deadline, garbage ----
const fixtures = ['ps-one-gpu.json', 'ps-empty.json', 'ps-cpu-only.json'].map((f) => readFileSync(path.join(FIXTURES, f)));
const version = readFileSync(path.join(FIXTURES, 'version.json'));
const ollamaStats = { requests: 0, good: 0, errors: 0, stalls: 0, garbage: 0 };
function startOllama() {
  const server = createServer((req, res) => {
    if (req.url === '/api/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end(version);
    if (req.url !== '/api/ps') return void res.writeHead(404).end('404 page not found');
    const n = ollamaStats.requests++;
    switch (n % 8) {
      case 4:
        ollamaStats.errors++;
        return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"model runner crashed"}');
      case 5:
        // Stall: headers, then nothing until the collector gives up and hangs up.
        ollamaStats.stalls++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"models":[');
        return;
      case 6: {
        ollamaStats.garbage++;
        const junk = n % 16 === 6 ? Buffer.from([0x7b, 0xff, 0xfe, 0x00]) : Buffer.from('{"models":[{"name":"x","size":"big"');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(junk);
      }
      default:
        ollamaStats.good++;
        return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(fixtures[n % fixtures.length]);
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- the flapping hub ----
const hub = {
  port: 0,
  wss: undefined,
  connections: 0,
  identifies: 0,
  badTokens: 0,
  accepted: [], // timestamps of resource_report frames the hub kept, in arrival order
  refused: [], // timestamps of resource_report frames answered rate_limited
  validationErrors: [],
  protocolErrors: 0,
  beforeIdentified: 0,
  downs: { crash: 0, clean: 0 },
  cooldownCloses: 0,
  pings: 0,
  bucket: { tokens: 15, at: Date.now() },
};
const BUCKET_CAPACITY = 15;
const BUCKET_PER_S = 30;

function takeToken() {
  const now = Date.now();
  hub.bucket.tokens = Math.min(BUCKET_CAPACITY, hub.bucket.tokens + ((now - hub.bucket.at) / 1000) * BUCKET_PER_S);
  hub.bucket.at = now;
  if (hub.bucket.tokens < 1) return false;
  hub.bucket.tokens -= 1;
  return true;
}

function session(ws) {
  hub.connections++;
  let identified = false;
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    if (isBinary) return void hub.protocolErrors++;
    const parsed = parseFrame(data.toString('utf8'));
    if (parsed.kind !== 'frame') return void hub.protocolErrors++;
    if (parsed.errors.length > 0) {
      hub.validationErrors.push({ type: parsed.type, errors: parsed.errors });
      return void ws.send(JSON.stringify({ type: 'error', error: 'validation_failed', message_type: parsed.type, errors: parsed.errors }));
    }
    const frame = parsed.frame;
    if (parsed.type === 'identify') {
      hub.identifies++;
      if (frame.token !== TOKEN || frame.agent_id !== AGENT) {
        hub.badTokens++;
        return void ws.send(JSON.stringify({ type: 'error', error: 'invalid_token' }));
      }
      if (random() < 0.12) {
        hub.cooldownCloses++;
        return void ws.close(1008, 'cooldown active: retry in 1s');
      }
      identified = true;
      return void ws.send(JSON.stringify({ type: 'identified', agent_id: frame.agent_id }));
    }
    if (!identified) {
      hub.beforeIdentified++;
      return void ws.send(JSON.stringify({ type: 'error', error: 'not_identified' }));
    }
    if (parsed.type === 'ping') {
      hub.pings++;
      return void ws.send(JSON.stringify({ type: 'pong', timestamp: Date.now() }));
    }
    // resource_report: over the bucket, or at random now and then, it is refused.
    if (!takeToken() || random() < 1 / 400) {
      hub.refused.push(frame.timestamp);
      return void ws.send(JSON.stringify({ type: 'rate_limited', retry_after_ms: Math.round(between(100, 600)), tier: 'normal' }));
    }
    hub.accepted.push(frame.timestamp);
    if (random() < 1 / 600) {
      hub.cooldownCloses++;
      ws.close(1008, 'cooldown active: retry in 1s');
    }
  });
}

async function hubUp() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: hub.port, maxPayload: 1024 * 1024 });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('error', () => undefined);
  hub.port = wss.address().port;
  // A connection that completes its upgrade after this server went down is dropped at once.
  wss.on('connection', (ws) => (hub.wss === wss ? session(ws) : ws.terminate()));
  hub.wss = wss;
  note(`hub up on port ${hub.port}`);
}

/** hubDown stops listening first, then closes every client: cleanly (1001) or as a crash (terminate). */
async function hubDown(crash) {
  const wss = hub.wss;
  if (!wss) return;
  hub.wss = undefined;
  hub.downs[crash ? 'crash' : 'clean']++;
  note(`hub down (${crash ? 'crash' : 'clean'})`);
  const closed = new Promise((resolve) => wss.close(() => resolve()));
  for (const ws of wss.clients) (crash ? ws.terminate() : ws.close(1001, 'hub restarting'));
  if (!crash) {
    const deadline = Date.now() + 1000;
    while ([...wss.clients].some((ws) => ws.readyState !== ws.CLOSED) && Date.now() < deadline) await sleep(10);
  }
  for (const ws of wss.clients) ws.terminate();
  await Promise.race([closed, sleep(3000)]);
  for (const ws of wss.clients) ws.terminate();
  note('hub closed');
}

// ---- the daemon ----
function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const logs = {
  lines: 0,
  byLevel: {},
  skipped: 0,
  overflowDropped: 0,
  overflowWarnings: 0,
  staleDrops: 0,
  undeliveredAtStop: 0,
  unserialisable: 0,
  uncaught: [],
  started: 0,
  tokenLeaks: 0,
  notJson: 0,
  errors: new Map(),
};

let inspectorUrl;
function readLog(line) {
  if (!line) return;
  // The inspector's own lines (not the daemon's log).
  if (/^(Debugger (listening|attached|ending)|For help, see: )/.test(line)) {
    inspectorUrl ??= /ws:\/\/\S+/.exec(line)?.[0];
    return;
  }
  logs.lines++;
  if (line.includes(TOKEN)) logs.tokenLeaks++;
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    if (logs.notJson++ < 3) console.error(`daemon: ${line}`);
    return;
  }
  logs.byLevel[r.level] = (logs.byLevel[r.level] ?? 0) + 1;
  const msg = String(r.msg ?? '');
  if (msg === 'Sidecar started') logs.started++;
  else if (msg === 'Collection overran its interval; skipping missed ticks') logs.skipped += Number(r.skipped ?? 0);
  else if (/^Dropped the \d+ oldest reports/.test(msg)) (logs.overflowDropped += Number(r.dropped ?? 0)), logs.overflowWarnings++;
  else if (/^Dropped a report older than/.test(msg)) logs.staleDrops++;
  else if (/^Stopped with \d+ reports?(\(s\))? not delivered/.test(msg)) logs.undeliveredAtStop += Number(r.buffered ?? 0);
  else if (/cannot be serialised/.test(msg)) logs.unserialisable++;
  else if (/^(Uncaught exception|Unhandled promise rejection)/.test(msg)) logs.uncaught.push(`${msg}: ${r.reason}`);
  if (r.level >= 50) logs.errors.set(msg, (logs.errors.get(msg) ?? 0) + 1);
}

/**
 * gcSample forces a full GC in the daemon through its inspector and returns its memory right after, in MB.
 * The inspector session is closed again at once (an attached debugger would delay the daemon's exit).
 */
async function gcSample(inspectorUrl) {
  const ws = new WebSocket(inspectorUrl);
  try {
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    let id = 0;
    const pending = new Map();
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    });
    const call = (method, params = {}) =>
      Promise.race([
        new Promise((resolve) => (pending.set(++id, resolve), ws.send(JSON.stringify({ id, method, params })))),
        sleep(5000).then(() => Promise.reject(new Error(`inspector: ${method} timed out`))),
      ]);
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    const answer = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
    const mem = JSON.parse(answer.result.result.value);
    return { rss: mem.rss / 2 ** 20, heapUsed: mem.heapUsed / 2 ** 20, external: mem.external / 2 ** 20 };
  } finally {
    ws.close();
    await sleep(50);
  }
}

async function main() {
  const started = Date.now();
  console.log(`soak: ${SECONDS} s, interval ${INTERVAL_MS} ms, seed ${SEED}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-soak-'));
  const ollama = await startOllama();
  await hubUp();
  const file = path.join(dir, 'plugins.json');
  writeFileSync(
    file,
    JSON.stringify({
      agent: { id: AGENT, initial_delay_ms: 0, interval_ms: 60_000 },
      collectors: [
        { plugin: 'cpu' },
        { plugin: 'memory' },
        { plugin: 'ollama-vram', timeout_ms: OLLAMA_TIMEOUT_MS, options: { url: `http://127.0.0.1:${ollama.address().port}` } },
      ],
      transports: [
        {
          plugin: 'websocket',
          options: {
            url: `ws://127.0.0.1:${hub.port}/ws`,
            token: TOKEN,
            reconnect_initial_ms: 100,
            reconnect_max_ms: 2000,
            // A small spread: the hub flaps every 2-8 s, and the soak is about reconnecting often, not a fleet.
            reconnect_spread_ms: 200,
            ping_interval_ms: 1000,
            pong_timeout_ms: 1000,
            handshake_timeout_ms: 2000,
            buffer_max_reports: 20,
            // Every report accounted for needs ordered replay ("latest", the default, supersedes waiting ones),
            // and a send budget above this hub's tighter bucket (15, 30 a second), so that its refusals, and
            // the transport's handling of them, are still exercised.
            replay: 'all',
            rate_limits: { normal: { capacity: 60, refill_ms: 20 } },
          },
        },
      ],
    }),
  );

  const statusFile = path.join(dir, 'status.json');
  const readStatus = () => {
    try {
      return JSON.parse(readFileSync(statusFile, 'utf8'));
    } catch {
      return undefined;
    }
  };
  let lastTransport;
  const args = ['--inspect=127.0.0.1:0', CLI, 'run', '--config', file, '--interval', String(INTERVAL_MS), '--status-file', statusFile];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exit;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve((exit = { code, signal, at: Date.now() }))));
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) readLog(line);
  });
  let stdoutBytes = 0;
  child.stdout.on('data', (chunk) => (stdoutBytes += chunk.length));
  const cleanup = () => {
    if (exit === undefined) child.kill('SIGKILL');
  };
  process.once('SIGINT', () => (cleanup(), process.exit(130)));

  const rss = [];
  const sampler = setInterval(() => {
    const kb = rssKb(child.pid);
    if (kb !== undefined && exit === undefined) rss.push({ t: (Date.now() - started) / 1000, mb: kb / 1024 });
    const ws = readStatus()?.runtime?.transports?.[0]?.status;
    if (ws) lastTransport = ws;
    if (VERBOSE) note(`rss ${(kb / 1024).toFixed(1)} MB, accepted ${hub.accepted.length}, connections ${hub.connections}`);
  }, 1000);

  // Memory after a forced full GC: at the end of warm-up, halfway, and at the end (below).
  const warmupS = Math.max(10, SECONDS * 0.1);
  const gcSamples = [];
  const takeGcSample = async (label) => {
    try {
      if (inspectorUrl && exit === undefined) gcSamples.push({ label, t: (Date.now() - started) / 1000, ...(await gcSample(inspectorUrl)) });
    } catch (err) {
      console.error(`soak: ${label} GC sample failed: ${err.message}`);
    }
  };
  const gcTimers = [
    setTimeout(() => void takeGcSample('warm-up end'), warmupS * 1000),
    setTimeout(() => void takeGcSample('halfway'), ((warmupS + SECONDS) / 2) * 1000),
  ];

  // Flap until the stable end.
  const flapUntil = started + (SECONDS - STABLE_END_S) * 1000;
  const napped = (ms) => Promise.race([sleep(ms), exited]);
  await napped(3000);
  while (Date.now() < flapUntil && exit === undefined) {
    await napped(Math.min(between(2000, 8000), Math.max(0, flapUntil - Date.now())));
    if (Date.now() >= flapUntil || exit !== undefined) break;
    await hubDown(random() < 0.5);
    await napped(between(300, 3000));
    await hubUp();
  }
  if (!hub.wss) await hubUp();
  await napped(Math.max(0, started + SECONDS * 1000 - Date.now() - 1000));
  await takeGcSample('end');
  await napped(Math.max(0, started + SECONDS * 1000 - Date.now()));
  gcTimers.forEach(clearTimeout);
  const earlyExit = exit;

  child.kill('SIGTERM');
  const signalled = Date.now();
  const timeout = sleep(5000).then(() => 'timeout');
  const how = await Promise.race([exited, timeout]);
  if (how === 'timeout') child.kill('SIGKILL');
  await exited;
  clearInterval(sampler);
  readLog(pending);
  const finalStatus = readStatus();
  await sleep(300);
  await hubDown(false);
  ollama.closeAllConnections();
  await new Promise((resolve) => ollama.close(resolve));
  rmSync(dir, { recursive: true, force: true });

  // ---- figures ----
  const failures = [];
  const check = (ok, what) => (ok ? undefined : failures.push(what));

  check(earlyExit === undefined, `the daemon exited on its own before SIGTERM: ${JSON.stringify(earlyExit)}`);
  check(how !== 'timeout', 'the daemon did not exit within 5 s of SIGTERM');
  check(exit.code === 0 && exit.signal === null, `exit code ${exit.code}, signal ${exit.signal} (want 0)`);
  check(logs.started === 1, `started ${logs.started} times (want once: no restart)`);
  check(logs.uncaught.length === 0, `uncaught errors: ${logs.uncaught.slice(0, 3).join(' | ')}`);
  check(logs.tokenLeaks === 0, `the token appears in ${logs.tokenLeaks} log lines`);
  check(logs.notJson === 0, `${logs.notJson} stderr lines are not JSON`);
  check(hub.validationErrors.length === 0, `the hub rejected ${hub.validationErrors.length} frames: ${JSON.stringify(hub.validationErrors[0])}`);
  check(hub.beforeIdentified === 0, `${hub.beforeIdentified} frames came before "identified"`);
  check(hub.badTokens === 0, `${hub.badTokens} identify frames had a wrong token or agent id`);
  check(hub.protocolErrors === 0, `${hub.protocolErrors} frames were not JSON or of an unknown type`);

  // RSS after warm-up: the first 10 s (or 10%) are start-up. The medians are printed; the bound is on RSS
  // after a forced full GC (see the top of this file).
  const warm = rss.filter((s) => s.t >= warmupS);
  const quarter = Math.max(1, Math.floor(warm.length / 4));
  const firstQ = median(warm.slice(0, quarter).map((s) => s.mb));
  const lastQ = median(warm.slice(-quarter).map((s) => s.mb));
  const growth = lastQ - firstQ;
  const gcFirst = gcSamples.find((g) => g.label === 'warm-up end');
  const gcLast = gcSamples.find((g) => g.label === 'end');
  const gcGrowth = gcFirst && gcLast ? gcLast.rss - gcFirst.rss : NaN;
  const heapGrowth = gcFirst && gcLast ? gcLast.heapUsed - gcFirst.heapUsed : NaN;
  check(warm.length >= 8, `only ${warm.length} RSS samples after warm-up`);
  check(gcFirst !== undefined && gcLast !== undefined, 'no GC samples at the end of warm-up and at the end');
  check(gcGrowth <= RSS_LIMIT_MB, `RSS after a full GC grew ${gcGrowth.toFixed(1)} MB after warm-up (limit ${RSS_LIMIT_MB} MB)`);

  // Accounting.
  const unique = [...new Set(hub.accepted)].sort((a, b) => a - b);
  const duplicates = hub.accepted.length - new Set(hub.accepted).size;
  let backwards = 0;
  for (let i = 1; i < hub.accepted.length; i++) if (hub.accepted[i] < hub.accepted[i - 1]) backwards++;
  // Grid index of a timestamp: a cycle starts on its grid point or a little late, so the grid's phase is that
  // of the earliest-running reports (a low percentile of the residuals against the first one).
  const t0 = unique[0];
  const residuals = unique.map((ts) => (((ts - t0) % INTERVAL_MS) + INTERVAL_MS) % INTERVAL_MS).sort((a, b) => a - b);
  const phase = residuals[Math.floor(residuals.length * 0.02)] ?? 0;
  const base = t0 + phase - (phase > 0 ? INTERVAL_MS : 0);
  const gridIndex = (ts) => Math.floor((ts - base) / INTERVAL_MS);
  const span = unique.length ? gridIndex(unique.at(-1)) - gridIndex(t0) + 1 : 0;
  const gridProduced = span - logs.skipped;
  const produced = finalStatus?.runtime?.reports ?? NaN;
  check(finalStatus?.state === 'stopped', `the status file's last state is ${finalStatus?.state} (want stopped)`);
  const acceptedSet = new Set(unique);
  const refusedLost = new Set(hub.refused.filter((ts) => !acceptedSet.has(ts))).size;
  const missing = produced - unique.length;
  const explained = logs.overflowDropped + refusedLost + logs.undeliveredAtStop;
  const inFlight = missing - explained;
  const closes = hub.downs.crash + hub.downs.clean + hub.cooldownCloses;
  check(unique.length > 0, 'the hub accepted no report');
  check(backwards === 0, `${backwards} reports arrived with a timestamp older than the previous one`);
  check(logs.staleDrops === 0 && logs.unserialisable === 0, `stale drops ${logs.staleDrops}, unserialisable ${logs.unserialisable}`);
  // A report refused by the rate limit and then dropped on overflow is counted twice above: allow for it.
  check(inFlight >= -refusedLost, `accounting overshoots: ${-inFlight} more reports explained than missing`);
  check(inFlight <= closes, `${inFlight} reports unaccounted for (more than one per dropped connection, ${closes})`);
  check(duplicates <= hub.refused.length, `${duplicates} duplicates for ${hub.refused.length} refusals`);
  const expectedMin = Math.floor(((signalled - started) / INTERVAL_MS) * 0.8);
  check(produced >= expectedMin, `only ${produced} reports produced in ${((signalled - started) / 1000).toFixed(0)} s (want at least ${expectedMin})`);
  // The schedule agrees with the counter (the grid stops at the last accepted report: the few produced after
  // it, undelivered at stop, are outside it).
  check(Math.abs(produced - logs.undeliveredAtStop - gridProduced) <= 2, `the status file says ${produced} reports, the schedule ${gridProduced} (+${logs.undeliveredAtStop} undelivered)`);

  const level = (n) => logs.byLevel[n] ?? 0;
  const lines = [
    '',
    `soak summary (seed ${SEED}, ${SECONDS} s, ${((Date.now() - started) / 1000).toFixed(0)} s wall)`,
    `  daemon      exit ${exit.code}${exit.signal ? ` (${exit.signal})` : ''} ${exit.at - signalled} ms after SIGTERM; started ${logs.started}x; uncaught errors ${logs.uncaught.length}; stdout ${stdoutBytes} bytes`,
    `  logs        ${logs.lines} lines: fatal ${level(60)} error ${level(50)} warn ${level(40)} info ${level(30)} debug ${level(20)}; token in ${logs.tokenLeaks}`,
    ...[...logs.errors].map(([msg, n]) => `              error x${n}: ${msg}`),
    `  rss         sampled every 1 s after warm-up (${warm.length} samples): first-quarter median ${firstQ.toFixed(1)} MB, last-quarter median ${lastQ.toFixed(1)} MB (${signed(growth)} MB), min ${Math.min(...warm.map((s) => s.mb)).toFixed(1)} max ${Math.max(...warm.map((s) => s.mb)).toFixed(1)}`,
    `              after a forced full GC: ${gcSamples.map((g) => `${g.label} (${g.t.toFixed(0)} s) rss ${g.rss.toFixed(1)} heapUsed ${g.heapUsed.toFixed(1)}`).join('; ')}`,
    `              growth after warm-up: rss ${signed(gcGrowth)} MB (limit ${RSS_LIMIT_MB}), heapUsed ${signed(heapGrowth)} MB`,
    `  hub         ${hub.connections} connections, ${hub.identifies} identifies, downs ${hub.downs.crash} crash + ${hub.downs.clean} clean, 1008 closes ${hub.cooldownCloses}, pings ${hub.pings}, validation errors ${hub.validationErrors.length}`,
    `  ollama      ${ollamaStats.requests} requests: ${ollamaStats.good} good, ${ollamaStats.errors} HTTP 500, ${ollamaStats.stalls} stalls, ${ollamaStats.garbage} garbage`,
    `  reports     produced ${produced} (status file); the schedule says ${gridProduced}: ${span} grid points from the first to the last accepted, minus ${logs.skipped} skipped ticks`,
    `              accepted ${unique.length} unique (+${duplicates} duplicates), timestamps backwards ${backwards}`,
    `              dropped on overflow ${logs.overflowDropped} (${logs.overflowWarnings} outage warnings), refused by rate limit ${hub.refused.length} of which never resent ${refusedLost}, undelivered at stop ${logs.undeliveredAtStop}`,
    `              lost in flight (the remainder) ${inFlight}, for ${closes} connections the hub dropped`,
    `              transport status before stop: ${lastTransport ? `sent ${lastTransport.sent} (reports the hub took; a resend counts once), dropped ${lastTransport.dropped}, buffered ${lastTransport.buffered}, reconnects ${lastTransport.reconnects}` : 'not available'}; hub frames seen ${hub.accepted.length + hub.refused.length}`,
    failures.length ? `FAIL\n${failures.map((f) => `  - ${f}`).join('\n')}` : 'PASS',
  ];
  console.log(lines.join('\n'));
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((err) => {
  console.error('soak: failed to run:', err);
  process.exitCode = 1;
});
