// Cost of the daemon's per-cycle pieces that the reference does differently (run by bench/run.js as a child;
// prints one JSON line). Each is measured in-process with process.cpuUsage() (all threads, so the libuv
// thread pool's file writes count), in alternating blocks, medians:
//  - one GET /api/ps: the ollama-vram collector's getJson() on fetch (undici) vs a keep-alive http.get;
//  - the status file the `run` command rewrites after every report (if this tree has one);
//  - one os.cpus() call (both agents make it; for scale).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { getJson as plainGet } from './lib/plain-io.js';
import { median } from './lib/stats.js';

const OLLAMA_URL = process.env.OLLAMA_URL;
if (!OLLAMA_URL) throw new Error('OLLAMA_URL is required');
const BLOCK = Number(process.env.BENCH_CAUSES_BLOCK ?? 200);
const ROUNDS = Number(process.env.BENCH_CAUSES_ROUNDS ?? 6);
const endpoint = `${OLLAMA_URL}/api/ps`;

async function cpuPerCall(n, call) {
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

/** compare runs the variants in alternating blocks after a warm-up; median µs of CPU per call for each. */
async function compare(variants) {
  for (const call of Object.values(variants)) await cpuPerCall(Math.min(BLOCK, 100), call);
  const out = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const names = Object.keys(variants);
    for (const name of r % 2 ? names.reverse() : names) out[name].push(await cpuPerCall(BLOCK, variants[name]));
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, median(v)]));
}

const result = {};

// GET /api/ps.
const { getJson: fetchGet } = await import('../dist/plugins/collectors/ollama-vram/fetch-json.js');
result.get = await compare({
  'fetch + getJson (ollama-vram collector)': async () => {
    const controller = new AbortController();
    await fetchGet(endpoint, controller.signal, globalThis.fetch);
  },
  'http.get keep-alive + JSON.parse (reference)': () => plainGet(endpoint),
});

// The status file, if the run command of this tree keeps one.
let statusModule;
try {
  statusModule = await import('../dist/cli/status-file.js');
} catch {
  statusModule = undefined;
}
if (statusModule?.StatusFileWriter) {
  const dir = mkdtempSync(join(os.tmpdir(), 'sidecar-bench-status-'));
  try {
    const runtime = {
      agentId: 'bench',
      reports: 1234,
      lastReportAt: Date.now(),
      collectors: ['cpu', 'memory', 'ollama-vram'].map((instanceId) => ({ instanceId, ok: true, lastError: null, lastDurationMs: 0.4, runs: 1234, failures: 0 })),
      transports: [{ instanceId: 'websocket', status: { state: 'identified', identified: true, sent: 1234, buffered: 0, dropped: 0, reconnects: 0, last_sent_at: Date.now() } }],
    };
    const writer = new statusModule.StatusFileWriter(join(dir, 'status.json'), () => ({ runtime, intervalMs: 100 }), () => {});
    result.statusFile = await compare({ 'StatusFileWriter.write()': () => writer.write() });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

result.cpus = await compare({ 'os.cpus()': () => os.cpus() });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
