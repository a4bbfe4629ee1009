// Measures what isolation costs: collect round trips in-process vs in a worker, worker start time and memory.
// Run after `npm run build`: node test/core/isolation/measure-cost.mjs [cycles]
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { withDeadline } from '../../../dist/core/deadline.js';
import { IsolatedCollector } from '../../../dist/core/isolation/isolated-collector.js';

const cycles = Number(process.argv[2] ?? 1000);
const file = fileURLToPath(new URL('./fixtures/trivial.mjs', import.meta.url));
const logger = { level: 'info', trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {}, child: () => logger };
const context = { name: 'trivial', instanceId: 'trivial', options: {}, agent: { id: 'a', name: 'a' }, configDir: '.' };
const init = { plugin: { file }, context, logLevel: 'info' };

async function time(collector) {
  for (let i = 0; i < 100; i++) await withDeadline((signal) => collector.collect(signal), 2000);
  const samples = [];
  for (let i = 0; i < cycles; i++) {
    const started = performance.now();
    await withDeadline((signal) => collector.collect(signal), 2000);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(0);
  const mean = (samples.reduce((a, b) => a + b, 0) / samples.length).toFixed(0);
  return `mean ${mean} µs, p50 ${at(0.5)} µs, p99 ${at(0.99)} µs`;
}

const manifest = (await import(file)).default;
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model}, ${cycles} cycles`);
console.log(`in-process collect: ${await time(await manifest.create({ ...context, logger }))}`);
const isolated = await IsolatedCollector.start(init, logger);
console.log(`isolated collect:   ${await time(isolated)}`);
await isolated.dispose();

const starts = [];
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  const collector = await IsolatedCollector.start(init, logger);
  starts.push(performance.now() - started);
  await collector.dispose();
}
console.log(`worker start (spawn, import, create): mean ${(starts.reduce((a, b) => a + b, 0) / starts.length).toFixed(1)} ms`);

globalThis.gc?.();
const before = process.memoryUsage().rss;
const many = [];
for (let i = 0; i < 10; i++) many.push(await IsolatedCollector.start(init, logger));
const perWorker = (process.memoryUsage().rss - before) / 10 / 2 ** 20;
console.log(`memory: about ${perWorker.toFixed(1)} MiB RSS per idle worker`);
await Promise.all(many.map((c) => c.dispose()));
