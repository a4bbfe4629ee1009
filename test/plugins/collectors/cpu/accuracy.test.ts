import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuCollector } from '../../../../src/plugins/collectors/cpu/collector.js';

/**
 * Accuracy of `cpu_percent` on a real machine: under a known load (one core spinning in a child process), the
 * collector's value over each window is compared with the kernel's own aggregate, the `cpu` line of /proc/stat
 * read at the same moments: busy = total - idle - iowait, total = user + nice + system + idle + iowait + irq +
 * softirq + steal.
 */

const LINUX = process.platform === 'linux';
const WINDOWS = 5;
const WINDOW_MS = 300;
const MAX_MEAN_ERROR_PP = 2;
// The spinner stops by itself after this long, should afterAll never run.
const SPIN_LIMIT_MS = 10_000;

interface ProcStat {
  readonly busy: number;
  readonly total: number;
}

/** readProcStat reads the aggregate `cpu` line of /proc/stat (in clock ticks). */
function readProcStat(): ProcStat {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [label, ...fields] = line.trim().split(/\s+/);
  if (label !== 'cpu') throw new Error(`unexpected first line of /proc/stat: ${line}`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.slice(0, 8).map((v) => Number(v ?? 0));
  const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
  return { busy: total - idle! - iowait!, total };
}

function percentBetween(before: ProcStat, after: ProcStat): number {
  return ((after.busy - before.busy) / (after.total - before.total)) * 100;
}

describe.skipIf(!LINUX)('cpu collector accuracy against /proc/stat (Linux only: /proc/stat is the reference)', () => {
  let spinner: ChildProcess | undefined;

  beforeAll(async () => {
    spinner = spawn(process.execPath, ['-e', `const end = Date.now() + ${SPIN_LIMIT_MS}; while (Date.now() < end) {}`], { stdio: 'ignore' });
    await sleep(100); // let it start spinning
  });

  afterAll(() => {
    spinner?.kill('SIGKILL');
  });

  it(`is within ${MAX_MEAN_ERROR_PP} percentage points of /proc/stat on average over ${WINDOWS} windows of ${WINDOW_MS} ms, one core busy`, async () => {
    const signal = new AbortController().signal;
    const collector = createCpuCollector({ first_window_ms: 10 });
    await collector.collect(signal); // the first collection sets the collector's baseline...
    let before = readProcStat(); // ...and this one, at the same moment, ours

    const rows: { collector: number; procStat: number }[] = [];
    for (let i = 0; i < WINDOWS; i++) {
      await sleep(WINDOW_MS);
      const values = await collector.collect(signal); // the collector samples first, then /proc/stat: same window
      const after = readProcStat();
      const value = values.cpu_percent;
      expect(typeof value, 'cpu_percent is a number').toBe('number');
      rows.push({ collector: value as number, procStat: percentBetween(before, after) });
      before = after;
    }

    const errors = rows.map((r) => Math.abs(r.collector - r.procStat));
    const meanError = errors.reduce((a, b) => a + b, 0) / errors.length;
    const meanLoad = rows.reduce((a, r) => a + r.procStat, 0) / rows.length;
    const detail = rows.map((r) => `${r.collector.toFixed(1)} vs ${r.procStat.toFixed(1)}`).join(', ');

    // The known load shows: one spinning core is 100/cores percent of the machine (half of that, at least, even
    // if the spinner is preempted on a shared host).
    expect(meanLoad, `mean /proc/stat load ${meanLoad.toFixed(1)}% (windows: ${detail})`).toBeGreaterThanOrEqual(50 / os.cpus().length);
    expect(meanError, `mean absolute error ${meanError.toFixed(2)} pp (collector vs /proc/stat: ${detail})`).toBeLessThanOrEqual(MAX_MEAN_ERROR_PP);
  });
});
