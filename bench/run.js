// `npm run bench`: the sidecar daemon against a plain reference agent, a systeminformation agent and
// node_exporter, in one run; prints a table and writes bench/RESULTS.md. Linux only (reads /proc).
//
// Environment (all optional):
//   BENCH_SECONDS            measured seconds of the side-by-side phase, split into windows (default 30)
//   BENCH_WINDOWS            number of windows (default 6); figures are medians over windows
//   BENCH_WARMUP_SECONDS     warm-up before measuring (default 5)
//   BENCH_PROFILE_SECONDS    seconds of --cpu-prof on the daemon and the reference (default 8; 0 skips)
//   BENCH_NODE_EXPORTER_SECONDS  seconds per node_exporter configuration (default 5; 0 skips)
//   BENCH_NODE_EXPORTER      path of the node_exporter binary (default: searched on PATH)
//   BENCH_CYCLES             in-process collectOnce() cycles for latency (default 500)
//   BENCH_STARTUP_ROUNDS     rounds of the start-up comparison (default 10)
//   BENCH_PROBE_ROUNDS       rounds of the RSS-by-module probes (default 3)
//   BENCH_RESULTS            where to write the results (default bench/RESULTS.md; "-" skips)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './lib/free-port.js';
import http from 'node:http';
import os from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runChild, startChild } from './lib/children.js';
import { startFakeOllama } from './lib/fake-ollama.js';
import { cpuSample, machine, rssMiB } from './lib/proc.js';
import { summarizeProfile } from './lib/profile.js';
import { sourceMapper } from './lib/source-map.js';
import { renderResults } from './lib/report.js';
import { median } from './lib/stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));
const num = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
const opts = {
  seconds: Math.max(1, num('BENCH_SECONDS', 30)),
  windows: Math.max(1, Math.round(num('BENCH_WINDOWS', 6))),
  warmup: num('BENCH_WARMUP_SECONDS', 5),
  profileSeconds: num('BENCH_PROFILE_SECONDS', 8),
  neSeconds: num('BENCH_NODE_EXPORTER_SECONDS', 5),
  cycles: Math.max(10, Math.round(num('BENCH_CYCLES', 500))),
  startupRounds: Math.max(1, Math.round(num('BENCH_STARTUP_ROUNDS', 10))),
  probeRounds: Math.max(1, Math.round(num('BENCH_PROBE_ROUNDS', 3))),
  intervalMs: 100,
  extra: 50,
};
const RESULTS = process.env.BENCH_RESULTS ?? join(BENCH, 'RESULTS.md');
const log = (...args) => process.stderr.write(`[bench] ${args.join(' ')}\n`);

if (process.platform !== 'linux') {
  console.error('bench: Linux only (it reads /proc/<pid>/stat, status and schedstat).');
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist/cli.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first.');
  process.exit(2);
}

const started = Date.now();
const tmp = mkdtempSync(join(os.tmpdir(), 'sidecar-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const { startDevHub } = await import('../dist/hub/dev-hub.js');

/** UNLIMITED lifts the websocket transport's own copy of the hub's rate tiers (see daemonConfig). */
const UNLIMITED = { normal: { capacity: 100_000, refill_ms: 1 }, light: { capacity: 100_000, refill_ms: 1 } };

/** daemonConfig writes a plugins.json for the daemon (with `extra` noop collectors loaded by path). */
function daemonConfig(file, agentId, ollamaUrl, hubUrl, extra = 0) {
  const collectors = [
    { plugin: 'cpu' },
    { plugin: 'memory' },
    { plugin: 'ollama-vram', options: { url: ollamaUrl } },
    ...Array.from({ length: extra }, () => ({ plugin: './noop.js' })),
  ];
  const doc = {
    agent: { id: agentId, initial_delay_ms: 0, interval_ms: opts.intervalMs },
    collectors,
    // Ten reports a second is a stress setting the real hub would refuse (1 a second after a burst of 60): the
    // sender's budgets and the bench hub's tiers are lifted, so every cycle is delivered and measured.
    transports: [{ plugin: 'websocket', options: { url: hubUrl, rate_limits: UNLIMITED } }],
  };
  writeFileSync(join(tmp, file), JSON.stringify(doc, null, 2));
  return join(tmp, file);
}
writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
writeFileSync(
  join(tmp, 'noop.js'),
  "export default { apiVersion: 1, kind: 'collector', name: 'noop', fields: ['noop_value'], create() { return { collect() { return { noop_value: 1 }; } }; } };\n",
);

const ollama = await startFakeOllama();
const hub = await startDevHub({ port: 0, host: '127.0.0.1', print: () => {}, rateLimits: false });
log(`fake Ollama ${ollama.url} (${ollama.fixture}), hub ${hub.url}, tmp ${tmp}`);

// Each daemon keeps its status file (if this tree's `run` writes one) in the temp dir, not in the shared default.
const agentEnv = (id) => ({
  OLLAMA_URL: ollama.url,
  HUB_URL: hub.url,
  AGENT_ID: id,
  INTERVAL_MS: String(opts.intervalMs),
  LOG_LEVEL: 'warn',
  SIDECAR_STATUS_FILE: join(tmp, `${id}.status.json`),
});
const daemonArgs = (config) => [join(ROOT, 'dist/cli.js'), 'run', '--config', config];

/** Hub-side counting: reports accepted per agent id, scanning the live `received` array incrementally. */
const counts = new Map();
const rejected = new Map();
let scanned = 0;
function scanHub() {
  for (; scanned < hub.received.length; scanned++) {
    const r = hub.received[scanned];
    if (r.type !== 'resource_report') continue;
    const id = String(r.frame.agent_id);
    const map = r.accepted ? counts : rejected;
    map.set(id, (map.get(id) ?? 0) + 1);
  }
  return (id) => counts.get(id) ?? 0;
}
async function waitReports(ids, n, timeoutMs, children) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = scanHub();
    if (ids.every((id) => count(id) >= n)) return;
    for (const c of children) if (!c.alive()) throw new Error(`${c.name} exited early: ${c.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    if (Date.now() > deadline) {
      const missing = ids.filter((id) => count(id) < n);
      throw new Error(`no reports from ${missing.join(', ')} within ${timeoutMs} ms (rejected: ${JSON.stringify([...rejected])})`);
    }
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Phase 1: side by side. All agents run at once; each window measures all of them over the same interval.
const agents = [
  { key: 'daemon', label: 'sidecar daemon (cpu, memory, ollama-vram, websocket)', id: 'bench-daemon', cmd: daemonArgs(daemonConfig('daemon.json', 'bench-daemon', ollama.url, hub.url)) },
  // The same daemon under V8's --no-opt (no optimizing compiler), as deploy/sidecar.service runs it.
  { key: 'daemonNoOpt', label: 'sidecar daemon with node --no-opt (as deploy/sidecar.service runs it)', id: 'bench-daemon-noopt', cmd: ['--no-opt', ...daemonArgs(daemonConfig('daemon-noopt.json', 'bench-daemon-noopt', ollama.url, hub.url))] },
  { key: 'embedded', label: 'sidecar library without the CLI (bench/embedded-agent.js)', id: 'bench-embedded', cmd: [join(BENCH, 'embedded-agent.js')] },
  { key: 'reference', label: 'reference (plain Node, bench/reference.js)', id: 'bench-reference', cmd: [join(BENCH, 'reference.js')] },
  { key: 'daemon50', label: `sidecar daemon + ${opts.extra} noop collectors`, id: 'bench-daemon-50', cmd: daemonArgs(daemonConfig('daemon-50.json', 'bench-daemon-50', ollama.url, hub.url, opts.extra)) },
  { key: 'si', label: 'systeminformation agent (bench/systeminformation-agent.js)', id: 'bench-si', cmd: [join(BENCH, 'systeminformation-agent.js')] },
  { key: 'bare', label: 'bare node -e "setInterval(()=>{},1000)"', id: null, cmd: ['-e', 'setInterval(()=>{},1000)'] },
];
log(`phase 1: ${agents.length} processes side by side, warm-up ${opts.warmup} s, ${opts.windows} windows over ${opts.seconds} s`);
for (const a of agents) a.proc = startChild(a.key, process.execPath, a.cmd, { env: agentEnv(a.id ?? a.key), cwd: ROOT });
const reporting = agents.filter((a) => a.id);
await waitReports(reporting.map((a) => a.id), 3, 20_000, agents.map((a) => a.proc));
await sleep(opts.warmup * 1000);

const windowMs = (opts.seconds * 1000) / opts.windows;
const windows = [];
for (let w = 0; w < opts.windows; w++) {
  const before = new Map(agents.map((a) => [a.key, cpuSample(a.proc.pid)]));
  let count = scanHub();
  const reportsBefore = new Map(reporting.map((a) => [a.key, count(a.id)]));
  const t0 = performance.now();
  await sleep(windowMs);
  const elapsed = performance.now() - t0;
  count = scanHub();
  const row = { elapsedMs: elapsed };
  for (const a of agents) {
    if (!a.proc.alive()) throw new Error(`${a.key} exited during the measurement: ${a.proc.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const after = cpuSample(a.proc.pid);
    const b = before.get(a.key);
    const reports = a.id ? count(a.id) - reportsBefore.get(a.key) : null;
    row[a.key] = {
      cpuMs: after.precise - b.precise,
      statCpuMs: after.stat - b.stat,
      userMs: after.user - b.user,
      sysMs: after.sys - b.sys,
      reports,
      rssMiB: rssMiB(a.proc.pid),
      hasSchedstat: after.hasSchedstat,
    };
  }
  windows.push(row);
  log(
    `window ${w + 1}/${opts.windows}: ` +
      reporting.map((a) => `${a.key} ${(row[a.key].cpuMs / row[a.key].reports).toFixed(3)} ms/cycle (${row[a.key].reports})`).join(', '),
  );
}
/** memoryOf asks an agent that answers the 'memory' message (bench/lib/plain-io.js) what its memory is made of. */
function memoryOf(proc) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 2000);
    proc.child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m?.memory);
    });
    try {
      proc.child.send('memory');
    } catch {
      resolve(undefined);
    }
  });
}
const memory = {};
for (const a of agents) if (['embedded', 'reference', 'si'].includes(a.key)) memory[a.key] = await memoryOf(a.proc);
const stderrTails = Object.fromEntries(agents.map((a) => [a.key, a.proc.stderr.trim()]));
await Promise.all(agents.map((a) => a.proc.stop()));
scanHub();

// ---------------------------------------------------------------------------------------------------------
// Phase 1b: start-up. Each round runs every command once, one after the other, so a busy moment slows them
// alike; the verdict is the median over rounds of each command's time divided by `node -e 0`'s in that round.
log(`phase 1b: start-up, ${opts.startupRounds} rounds`);
const startupCommands = [
  { key: 'node', label: 'node -e 0', args: ['-e', '0'] },
  { key: 'version', label: 'sidecar --version', args: [join(ROOT, 'dist/cli.js'), '--version'] },
  { key: 'validate', label: 'sidecar validate (the daemon\'s plugins.json)', args: [join(ROOT, 'dist/cli.js'), 'validate', '--config', join(tmp, 'daemon.json')] },
  { key: 'help', label: 'sidecar --help', args: [join(ROOT, 'dist/cli.js'), '--help'] },
  { key: 'versionMaps', label: 'node --enable-source-maps dist/cli.js --version', args: ['--enable-source-maps', join(ROOT, 'dist/cli.js'), '--version'] },
  { key: 'validateMaps', label: 'node --enable-source-maps dist/cli.js validate', args: ['--enable-source-maps', join(ROOT, 'dist/cli.js'), 'validate', '--config', join(tmp, 'daemon.json')] },
];
const startupRounds = [];
for (let round = 0; round < opts.startupRounds; round++) {
  const row = {};
  for (const c of startupCommands) {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, c.args, { cwd: tmp, env: { PATH: process.env.PATH, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
    row[c.key] = performance.now() - t0;
    if (out.status !== 0) throw new Error(`${c.label} exited ${out.status}: ${String(out.stderr).trim().split('\n').slice(-3).join(' | ')}`);
  }
  startupRounds.push(row);
}
const startup = { commands: startupCommands.map(({ key, label }) => ({ key, label })), rounds: startupRounds };

// ---------------------------------------------------------------------------------------------------------
// Phase 2: node_exporter, if installed: CPU per scrape of /metrics every 100 ms, and RSS.
function findNodeExporter() {
  if (process.env.BENCH_NODE_EXPORTER) return existsSync(process.env.BENCH_NODE_EXPORTER) ? process.env.BENCH_NODE_EXPORTER : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin', '/usr/sbin'])) {
    for (const name of ['prometheus-node-exporter', 'node_exporter']) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
const scrapeAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function scrape(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', agent: scrapeAgent, timeout: 5000 }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}
const nodeExporter = { binary: findNodeExporter(), runs: [] };
if (opts.neSeconds > 0 && nodeExporter.binary) {
  const configs = [
    { label: 'node_exporter, default collectors', args: [] },
    { label: 'node_exporter, cpu + meminfo only', args: ['--collector.disable-defaults', '--collector.cpu', '--collector.meminfo'] },
  ];
  for (const config of configs) {
    const port = await freePort();
    log(`phase 2: ${config.label} on 127.0.0.1:${port}`);
    const proc = startChild('node_exporter', nodeExporter.binary, [`--web.listen-address=127.0.0.1:${port}`, ...config.args], { ipc: false });
    try {
      let up = false;
      for (let i = 0; i < 100 && !up && proc.alive(); i++) {
        up = await scrape(port).then(() => true, () => false);
        if (!up) await sleep(100);
      }
      if (!up) throw new Error(`did not answer: ${proc.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      const scrapeFor = async (ms) => {
        let n = 0;
        let bytes = 0;
        const end = performance.now() + ms;
        for (let next = performance.now(); next < end; next += opts.intervalMs) {
          await sleep(Math.max(0, next - performance.now()));
          bytes = await scrape(port);
          n++;
        }
        return { n, bytes };
      };
      await scrapeFor(1000); // warm-up
      const before = cpuSample(proc.pid);
      const { n, bytes } = await scrapeFor(opts.neSeconds * 1000);
      const after = cpuSample(proc.pid);
      nodeExporter.runs.push({ label: config.label, scrapes: n, bytes, cpuMsPerScrape: (after.precise - before.precise) / n, rssMiB: rssMiB(proc.pid) });
    } catch (err) {
      nodeExporter.runs.push({ label: config.label, error: err.message });
    } finally {
      await proc.stop();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Phase 3: where the CPU goes: --cpu-prof on the daemon and on the reference, side by side.
const profiles = {};
if (opts.profileSeconds > 0) {
  log(`phase 3: --cpu-prof on the daemon and the reference for ${opts.profileSeconds} s`);
  const dir = join(tmp, 'prof');
  const profiled = [
    { key: 'daemon', id: 'bench-prof-daemon', cmd: daemonArgs(daemonConfig('prof.json', 'bench-prof-daemon', ollama.url, hub.url)) },
    { key: 'reference', id: 'bench-prof-reference', cmd: [join(BENCH, 'reference.js')] },
  ];
  for (const p of profiled) {
    p.dir = join(dir, p.key);
    p.proc = startChild(`prof-${p.key}`, process.execPath, ['--cpu-prof', '--cpu-prof-interval', '200', '--cpu-prof-dir', p.dir, ...p.cmd], {
      env: agentEnv(p.id),
      cwd: ROOT,
    });
  }
  await waitReports(profiled.map((p) => p.id), 3, 20_000, profiled.map((p) => p.proc));
  await sleep(Math.max(2, opts.warmup) * 1000);
  const count0 = scanHub();
  const from = new Map(profiled.map((p) => [p.key, { reports: count0(p.id), wall: Date.now() }]));
  await sleep(opts.profileSeconds * 1000);
  const count1 = scanHub();
  for (const p of profiled) p.reports = count1(p.id) - from.get(p.key).reports;
  await Promise.all(profiled.map((p) => p.proc.stop(5000)));
  for (const p of profiled) {
    try {
      const file = readdirSync(p.dir).find((f) => f.endsWith('.cpuprofile'));
      const profile = JSON.parse(readFileSync(join(p.dir, file), 'utf8'));
      // The profile clock is in µs since an arbitrary origin; its end is the process exit. Keep the window only.
      const endUs = profile.endTime;
      const stopLagUs = (Date.now() - from.get(p.key).wall - opts.profileSeconds * 1000) * 1000;
      const fromUs = endUs - opts.profileSeconds * 1e6 - Math.max(0, stopLagUs);
      // The daemon is the bundle: its frames are mapped back to src/ through the bundle's source maps.
      const summary = summarizeProfile(profile, {
        fromUs,
        toUs: fromUs + opts.profileSeconds * 1e6,
        focus: p.key === 'daemon' ? '/src/' : '/bench/',
        remap: p.key === 'daemon' ? sourceMapper() : undefined,
      });
      profiles[p.key] = { reports: p.reports, ...summary };
    } catch (err) {
      profiles[p.key] = { error: `no profile: ${err.message}` };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Phase 4: in-process latency and event loop; per-collector cost in-process; deadline micro-benchmark.
log(`phase 4: in-process latency (${opts.cycles} cycles) and per-collector cost`);
const inProcess = JSON.parse(
  (await runChild('latency', process.execPath, [join(BENCH, 'latency.js')], { env: { OLLAMA_URL: ollama.url, BENCH_CYCLES: String(opts.cycles) }, cwd: ROOT, timeoutMs: 120_000 }))
    .trim()
    .split('\n')
    .pop(),
);
log('phase 4: deadline micro-benchmark');
const micro = JSON.parse((await runChild('deadline-micro', process.execPath, [join(BENCH, 'deadline-micro.js')], { cwd: ROOT, timeoutMs: 60_000 })).trim().split('\n').pop());

log('phase 4: per-cycle pieces the daemon does differently (GET, status file), each alone in a fresh process');
const PIECES = ['fetch-get', 'http-get', 'status-file', 'os-cpus'];
const pieceRuns = Object.fromEntries(PIECES.map((p) => [p, []]));
for (let round = 0; round < 3; round++) {
  for (const piece of round % 2 ? [...PIECES].reverse() : PIECES) {
    const out = await runChild('causes', process.execPath, [join(BENCH, 'causes.js'), piece], { env: { OLLAMA_URL: ollama.url }, cwd: ROOT, timeoutMs: 60_000 });
    pieceRuns[piece].push(JSON.parse(out.trim().split('\n').pop()));
  }
}
const causes = Object.fromEntries(
  PIECES.map((piece) => {
    const runs = pieceRuns[piece];
    if (runs[0].absent) return [piece, { absent: true }];
    const med = (k) => median(runs.map((r) => r[k]));
    return [piece, { cpuUsPerCall: med('cpuUsPerCall'), gcUsPerCall: med('gcUsPerCall'), majorGcs: med('majorGcs'), maxGcPauseMs: med('maxGcPauseMs'), heapGrowthKiBPerCall: med('heapGrowthKiBPerCall'), calls: runs[0].calls }];
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Phase 5: what the daemon's RSS is made of: fresh processes importing one piece each.
log(`phase 5: RSS by module, ${opts.probeRounds} rounds, each with and without --no-opt`);
// Each package is loaded three ways: import() as the modules did (a CommonJS package is then scanned by Node's
// export lexer), the same import() under --no-opt (no optimizing compiler), and require(), which loads the same
// code without the scan. An empty CommonJS file tells the cost of the CommonJS loader itself.
writeFileSync(join(tmp, 'empty.cjs'), '');
const probes = [
  { label: 'bare node (nothing imported)', specs: [] },
  { label: 'one small function made hot (the optimizing compiler\'s first use)', specs: ['hot'] },
  { label: 'an empty CommonJS file', specs: [`file://${join(tmp, 'empty.cjs')}`], cjs: [join(tmp, 'empty.cjs')] },
  { label: 'pino', specs: ['pino'], cjs: ['pino'] },
  { label: 'ws', specs: ['ws'], cjs: ['ws'] },
  { label: 'reflect-metadata, tsyringe', specs: ['reflect-metadata', 'tsyringe'], cjs: ['reflect-metadata', 'tsyringe'] },
  { label: 'commander', specs: ['commander'], cjs: ['commander'] },
  { label: 'valibot (ES module)', specs: ['valibot'] },
  { label: 'prom-client', specs: ['prom-client'], cjs: ['prom-client'] },
  { label: 'pino-pretty', specs: ['pino-pretty'], cjs: ['pino-pretty'] },
  { label: 'node:http, ws (what the reference loads)', specs: ['node:http', 'ws'] },
  { label: 'fetch() once (loads undici)', specs: ['fetch'] },
  { label: 'dist/index.js (the library, tsc modules)', specs: ['reflect-metadata', '../dist/index.js'] },
];
const probeRun = async (flags, specs) => {
  const out = await runChild('rss-probe', process.execPath, [...flags, '--expose-gc', join(BENCH, 'rss-probe.js'), ...specs], { env: { OLLAMA_URL: ollama.url }, cwd: ROOT, timeoutMs: 20_000 });
  return JSON.parse(out.trim().split('\n').pop()).rss_mib;
};
const probeSamples = probes.map(() => ({ imported: [], noOpt: [], required: [] }));
for (let round = 0; round < opts.probeRounds; round++) {
  for (const [i, probe] of probes.entries()) {
    const samples = probeSamples[i];
    try {
      samples.imported.push(await probeRun([], probe.specs));
      samples.noOpt.push(await probeRun(['--no-opt'], probe.specs));
      if (probe.cjs) samples.required.push(await probeRun([], probe.cjs.map((c) => `require:${c}`)));
    } catch (err) {
      probe.error = err.message;
    }
  }
}
const rssProbe = probes.map((probe, i) => ({
  label: probe.label,
  rssMiB: median(probeSamples[i].imported),
  noOptMiB: median(probeSamples[i].noOpt),
  requiredMiB: probe.cjs ? median(probeSamples[i].required) : NaN,
  error: probe.error,
}));

await hub.close();
await ollama.close();

// ---------------------------------------------------------------------------------------------------------
const result = {
  date: new Date().toISOString(),
  durationS: (Date.now() - started) / 1000,
  machine: { ...machine(), cores: os.cpus().length, node: process.version, loadavg: os.loadavg(), totalMemMiB: os.totalmem() / 2 ** 20 },
  opts,
  agents: agents.map(({ key, label, id }) => ({ key, label, id })),
  windows,
  rejected: Object.fromEntries(rejected),
  stderrTails,
  nodeExporter,
  profiles,
  inProcess,
  micro,
  causes,
  memory,
  rssProbe,
  startup,
};
const { table, markdown } = renderResults(result);
process.stdout.write(`${table}\n`);
if (RESULTS !== '-') {
  writeFileSync(RESULTS, markdown);
  log(`wrote ${RESULTS}`);
}
log(`done in ${result.durationS.toFixed(0)} s`);
process.exit(0);
