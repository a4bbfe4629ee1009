// Micro-benchmark (run by bench/run.js as a child; prints one JSON line): the cost of one deadline per
// collection, as src/core/deadline.ts does it (AbortController + setTimeout + clearTimeout), against the same
// helper built on AbortSignal.timeout (whose timer cannot be cleared and lives until it fires).
// Both run a collector that answers at once, with a 2000 ms deadline, in alternating batches.
import { withDeadline } from '../dist/core/deadline.js';
import { median } from './lib/stats.js';

const BATCH = Number(process.env.BENCH_MICRO_BATCH ?? 20_000);
const ROUNDS = Number(process.env.BENCH_MICRO_ROUNDS ?? 6);
const TIMEOUT_MS = 2000;

/** withSignalTimeout is withDeadline written on AbortSignal.timeout. */
function withSignalTimeout(work, timeoutMs) {
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (fn) => {
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    try {
      Promise.resolve(work(signal)).then(
        (v) => settle(() => resolve(v)),
        (e) => settle(() => reject(e)),
      );
    } catch (err) {
      settle(() => reject(err));
    }
  });
}

const work = () => ({ value: 1 });
const variants = {
  'setTimeout+AbortController (deadline.ts)': (n) => runBatch(n, () => withDeadline(work, TIMEOUT_MS)),
  'AbortSignal.timeout': (n) => runBatch(n, () => withSignalTimeout(work, TIMEOUT_MS)),
  'bare (no deadline)': (n) => runBatch(n, () => Promise.resolve(work())),
};

async function runBatch(n, call) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await call();
  const cpu = process.cpuUsage(c0);
  return { wallNs: Number(process.hrtime.bigint() - t0) / n, cpuNs: ((cpu.user + cpu.system) * 1000) / n };
}

for (const run of Object.values(variants)) await run(2000); // warm-up
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) {
  const names = Object.keys(variants);
  for (const name of r % 2 ? names.reverse() : names) results[name].push((await variants[name](BATCH)).cpuNs);
  // Let AbortSignal.timeout's pending timers (2 s) not pile up across rounds more than a real daemon would.
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const out = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { cpu_ns_per_call: median(v) }]));
const mem = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ batch: BATCH, rounds: ROUNDS, timeout_ms: TIMEOUT_MS, variants: out, heap_used_mib: mem.heapUsed / 2 ** 20 })}\n`);
process.exit(0);
