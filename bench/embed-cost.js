// What embedding the sidecar costs a host (`npm run bench:embed`, about 10 s): RUNS fresh CommonJS processes
// (bench/lib/embed-probe.cjs) each measure `require('llm-sidecar')` (RSS after a forced GC, wall time) and then
// the first collectMetrics() call against a fake Ollama on 127.0.0.1. Prints the medians against the targets
// (require at most 10 MiB and 150 ms) as a table and one JSON line; exit 1 if a median misses its target.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startFakeOllama } from './lib/fake-ollama.js';
import { median, range } from './lib/stats.js';

const RUNS = Number(process.env.EMBED_RUNS ?? 7);
const TARGET = { rss_mib: 10, ms: 150 };
const probe = fileURLToPath(new URL('./lib/embed-probe.cjs', import.meta.url));

const ollama = await startFakeOllama();
const runs = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, ollama.url], { timeout: 30_000 });
    runs.push(JSON.parse(stdout.trim().split('\n').pop()));
  }
} finally {
  await ollama.close();
}

const stat = (key) => {
  const [min, max] = range(runs.map((r) => r[key]));
  return { median: median(runs.map((r) => r[key])), min, max };
};
const result = {
  runs: RUNS,
  node: process.version,
  require_rss_mib: stat('require_rss_mib'),
  require_ms: stat('require_ms'),
  first_call_rss_mib: stat('first_call_rss_mib'),
  first_call_ms: stat('first_call_ms'),
  require_packages: runs[0].require_packages,
  first_call_packages: runs[0].first_call_packages,
  require_patches_reflect: runs[0].require_patches_reflect,
  first_call_patches_reflect: runs[0].first_call_patches_reflect,
  vram_read: runs.every((r) => r.vram_used_bytes > 0),
};
const f = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)} to ${s.max.toFixed(1)})`;
console.log(`embedding cost, median of ${RUNS} fresh processes (${process.version})`);
console.log(`  require('llm-sidecar')         RSS +${f(result.require_rss_mib)} MiB (target <= ${TARGET.rss_mib})   ${f(result.require_ms)} ms (target <= ${TARGET.ms})`);
console.log(`  first collectMetrics() call    RSS +${f(result.first_call_rss_mib)} MiB   ${f(result.first_call_ms)} ms`);
console.log(`  packages after require:        ${result.require_packages.join(', ') || 'none'}`);
console.log(`  packages after the first call: ${result.first_call_packages.join(', ')}`);
console.log(`  global Reflect patched:        by require ${result.require_patches_reflect}, by the first call ${result.first_call_patches_reflect}`);
console.log(JSON.stringify(result));
process.exitCode = result.require_rss_mib.median <= TARGET.rss_mib && result.require_ms.median <= TARGET.ms && result.vram_read ? 0 : 1;
