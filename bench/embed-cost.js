// What embedding the sidecar costs a host (`npm run bench:embed`, about 20 s): RUNS fresh CommonJS processes
// (bench/lib/embed-probe.cjs) each measure `require('llm-sidecar')` (RSS after a forced GC, wall time) and then
// the first collectMetrics() call against a fake Ollama on 127.0.0.1, in a bare process and in one that has
// already loaded what a host like the hub sidecar loads. Prints the medians against the targets
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
const SCENARIOS = [
  { label: 'a bare Node process', preload: '' },
  { label: 'a host that has loaded ws and node:http (as the hub sidecar has)', preload: 'ws,node:http' },
];
const results = [];
try {
  for (const scenario of SCENARIOS) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const env = { ...process.env, EMBED_PRELOAD: scenario.preload };
      const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, ollama.url], { timeout: 30_000, env });
      runs.push(JSON.parse(stdout.trim().split('\n').pop()));
    }
    results.push(summarize(scenario, runs));
  }
} finally {
  await ollama.close();
}

function summarize(scenario, runs) {
  const stat = (key) => {
    const [min, max] = range(runs.map((r) => r[key]));
    return { median: median(runs.map((r) => r[key])), min, max };
  };
  return {
    host: scenario.label,
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
}

const f = (s) => `${s.median.toFixed(1)} (${s.min.toFixed(1)} to ${s.max.toFixed(1)})`;
let pass = true;
for (const result of results) {
  console.log(`embedding cost in ${result.host}, median of ${RUNS} fresh processes (${process.version})`);
  console.log(`  require('llm-sidecar')         RSS +${f(result.require_rss_mib)} MiB (target <= ${TARGET.rss_mib})   ${f(result.require_ms)} ms (target <= ${TARGET.ms})`);
  console.log(`  first collectMetrics() call    RSS +${f(result.first_call_rss_mib)} MiB   ${f(result.first_call_ms)} ms`);
  console.log(`  packages after require:        ${result.require_packages.join(', ') || 'none'}`);
  console.log(`  packages after the first call: ${result.first_call_packages.join(', ')}`);
  console.log(`  global Reflect patched:        by require ${result.require_patches_reflect}, by the first call ${result.first_call_patches_reflect}`);
  pass &&= result.require_rss_mib.median <= TARGET.rss_mib && result.require_ms.median <= TARGET.ms && result.vram_read;
}
console.log(JSON.stringify(results));
process.exitCode = pass ? 0 : 1;
