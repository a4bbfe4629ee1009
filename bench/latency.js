// In-process measurements (run by bench/run.js as a child; prints one JSON line):
//  1. collectOnce() wall time p50/p99 and the longest event-loop delay while collecting (cpu, memory,
//     ollama-vram against the fake Ollama at OLLAMA_URL), first cycle excluded (the cpu collector's first window);
//  2. framework cost per collector: CPU (process.cpuUsage) per cycle of the same sidecar with and without 50
//     trivial collectors, alternating blocks of cycles, so the difference / 50 is the cost of one collector.
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUILTIN_PLUGINS } from '../dist/plugins/builtin.js';
import { Sidecar } from '../dist/core/sidecar.js';
import { createLogger } from '../dist/core/logger.js';
import { parseConfigObject } from '../dist/core/config/load-config.js';
import { median, percentile } from './lib/stats.js';

const OLLAMA_URL = process.env.OLLAMA_URL;
const CYCLES = Number(process.env.BENCH_CYCLES ?? 500);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 2);
const EXTRA = Number(process.env.BENCH_EXTRA_PLUGINS ?? 50);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 6);
const BLOCK_CYCLES = Number(process.env.BENCH_BLOCK_CYCLES ?? 100);
if (!OLLAMA_URL) throw new Error('OLLAMA_URL is required');

const noop = {
  apiVersion: 1,
  kind: 'collector',
  name: 'noop',
  fields: ['noop_value'],
  create() {
    return { collect() { return { noop_value: 1 }; } };
  },
};
const builtins = new Map([...BUILTIN_PLUGINS, ['noop', noop]]);
const logger = createLogger({ level: 'warn' });

async function sidecar(extra) {
  const collectors = [
    { plugin: 'cpu' },
    { plugin: 'memory' },
    { plugin: 'ollama-vram', options: { url: OLLAMA_URL } },
    ...Array.from({ length: extra }, () => ({ plugin: 'noop' })),
  ];
  const config = parseConfigObject({ agent: { id: `latency-${extra}`, initial_delay_ms: 0, interval_ms: 100 }, collectors, transports: [] });
  const s = await Sidecar.create({ config, builtins, logger, startTransports: false });
  await s.collectOnce(); // the cpu collector's first collection waits first_window_ms: not measured
  return s;
}

/** mainThreadNs is the CPU time of this process's main thread (schedstat), to tell our own work from preemption. */
const mainThreadNs = () => {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
};

// 1. Latency and event-loop delay.
const base = await sidecar(0);
for (let i = 0; i < 20; i++) await base.collectOnce(); // JIT warm-up
const walls = [];
const mainCpu = [];
let nullVram = 0;
const gcs = [];
const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
for (let i = 0; i < CYCLES; i++) {
  const c0 = mainThreadNs();
  const t0 = performance.now();
  const report = await base.collectOnce();
  walls.push(performance.now() - t0);
  mainCpu.push((mainThreadNs() - c0) / 1e6);
  if (report.vram_used_bytes === null) nullVram++;
  if (GAP_MS > 0) await sleep(GAP_MS);
}
eld.disable();
await sleep(20); // let the GC observer deliver
gcObserver.disconnect();
const minor = gcs.filter((e) => e.detail?.kind === 1);
const latency = {
  cycles: CYCLES,
  gap_ms: GAP_MS,
  p50_ms: percentile(walls, 50),
  p99_ms: percentile(walls, 99),
  max_ms: Math.max(...walls),
  main_cpu_p50_ms: percentile(mainCpu, 50),
  main_cpu_p99_ms: percentile(mainCpu, 99),
  main_cpu_max_ms: Math.max(...mainCpu),
  eld_max_ms: eld.max / 1e6,
  eld_p99_ms: eld.percentile(99) / 1e6,
  eld_p50_ms: eld.percentile(50) / 1e6,
  null_vram: nullVram,
  gc_count: gcs.length,
  gc_major: gcs.length - minor.length,
  gc_total_ms: gcs.reduce((t, e) => t + e.duration, 0),
  gc_max_pause_ms: gcs.reduce((m, e) => Math.max(m, e.duration), 0),
  gc_minor_max_ms: minor.reduce((m, e) => Math.max(m, e.duration), 0),
  gc_over_5ms: gcs.filter((e) => e.duration > 5).length,
};

// 2. Per-collector framework cost, in-process: alternate blocks of cycles between the two sidecars.
const wide = await sidecar(EXTRA);
for (let i = 0; i < 20; i++) await wide.collectOnce();
const perCycleUs = { base: [], wide: [] };
for (let b = 0; b < BLOCKS; b++) {
  for (const [name, s] of b % 2 ? [['wide', wide], ['base', base]] : [['base', base], ['wide', wide]]) {
    const before = process.cpuUsage();
    for (let i = 0; i < BLOCK_CYCLES; i++) await s.collectOnce();
    const used = process.cpuUsage(before);
    perCycleUs[name].push((used.user + used.system) / BLOCK_CYCLES);
  }
}
const pairs = perCycleUs.base.map((b, i) => (perCycleUs.wide[i] - b) / EXTRA);
await base.stop(0);
await wide.stop(0);
const perPlugin = {
  extra: EXTRA,
  blocks: BLOCKS,
  block_cycles: BLOCK_CYCLES,
  base_cpu_us_per_cycle: median(perCycleUs.base),
  wide_cpu_us_per_cycle: median(perCycleUs.wide),
  per_plugin_us: median(pairs),
};
process.stdout.write(`${JSON.stringify({ latency, perPlugin })}\n`);
process.exit(0);
