// One per-cycle piece of work, measured alone in a fresh process (run by bench/run.js, which alternates the
// pieces and repeats; prints one JSON line). `node bench/causes.js <piece>`, piece one of:
//   fetch-get   one GET /api/ps on fetch (undici) with a signal, as the ollama-vram collector did before it moved
//               to node:http (kept to show why it moved)
//   http-get    the same GET on http.get with a keep-alive Agent and JSON.parse, as the collector and the
//               reference do it now
//   status-file the status file the `run` command rewrites after every report (if this tree has one)
//   os-cpus     one os.cpus() call (both agents make it; for scale)
// Reported per call: CPU (process.cpuUsage: every thread, so the thread pool's file writes count), the GC time
// and longest GC pause seen meanwhile (perf_hooks 'gc' entries), and how much the heap grew.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { getJson as plainGet } from './lib/plain-io.js';

const piece = process.argv[2];
const CALLS = Number(process.env.BENCH_CAUSES_CALLS ?? 1000);
const endpoint = `${process.env.OLLAMA_URL}/api/ps`;
const cleanup = [];

async function pieceFn() {
  switch (piece) {
    case 'fetch-get':
      // Self-contained: the collector's own fetch code is gone, and a fresh clone's dist/ has no copy of it.
      return async () => {
        const res = await fetch(endpoint, { signal: new AbortController().signal });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.json();
      };
    case 'http-get':
      return () => plainGet(endpoint);
    case 'status-file': {
      let mod;
      try {
        mod = await import('../dist/cli/status-file.js');
      } catch {
        return undefined;
      }
      if (!mod.StatusFileWriter) return undefined;
      const dir = mkdtempSync(join(os.tmpdir(), 'sidecar-bench-status-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      const runtime = {
        agentId: 'bench',
        reports: 1234,
        lastReportAt: Date.now(),
        collectors: ['cpu', 'memory', 'ollama-vram'].map((instanceId) => ({ instanceId, ok: true, lastError: null, lastDurationMs: 0.4, runs: 1234, failures: 0 })),
        transports: [{ instanceId: 'websocket', status: { state: 'identified', identified: true, sent: 1234, buffered: 0, dropped: 0, reconnects: 0, last_sent_at: Date.now() } }],
      };
      const writer = new mod.StatusFileWriter(join(dir, 'status.json'), () => ({ runtime, intervalMs: 100 }), () => {});
      return () => writer.write();
    }
    case 'os-cpus':
      return () => os.cpus();
    default:
      throw new Error(`unknown piece ${piece}`);
  }
}

const fn = await pieceFn();
if (!fn) {
  process.stdout.write(`${JSON.stringify({ piece, absent: true })}\n`);
  process.exit(0);
}
if (piece.endsWith('-get') && !process.env.OLLAMA_URL) throw new Error('OLLAMA_URL is required');
for (let i = 0; i < Math.min(200, CALLS); i++) await fn(); // warm-up (JIT, connection)
const gcs = [];
const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
const heap0 = process.memoryUsage().heapUsed;
const cpu0 = process.cpuUsage();
for (let i = 0; i < CALLS; i++) await fn();
const cpu = process.cpuUsage(cpu0);
const heapGrowth = process.memoryUsage().heapUsed - heap0;
await new Promise((resolve) => setTimeout(resolve, 20)); // let the observer deliver
observer.disconnect();
for (const done of cleanup) done();
process.stdout.write(
  `${JSON.stringify({
    piece,
    calls: CALLS,
    cpuUsPerCall: (cpu.user + cpu.system) / CALLS,
    gcUsPerCall: (gcs.reduce((t, e) => t + e.duration, 0) * 1000) / CALLS,
    gcCount: gcs.length,
    majorGcs: gcs.filter((e) => e.detail?.kind !== 1).length,
    maxGcPauseMs: gcs.reduce((m, e) => Math.max(m, e.duration), 0),
    heapGrowthKiBPerCall: heapGrowth / 1024 / CALLS,
  })}\n`,
);
process.exit(0);
