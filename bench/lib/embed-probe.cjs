// One fresh CommonJS host process for bench/embed-cost.js: measures what `require('llm-sidecar')` adds (RSS after
// a forced GC, wall time), then what the first collectMetrics() call adds, and which packages each step loaded.
// Prints one JSON line. Argument: the Ollama URL (optional). EMBED_PRELOAD: modules the host loaded before.
'use strict';
const { readFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const rssMib = () => {
  globalThis.gc?.();
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
};
const packagesLoaded = () =>
  [...new Set(Object.keys(require.cache).filter((f) => !preloaded.has(f)).map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1]).filter(Boolean))].sort();

// A host's own modules, loaded before measuring (EMBED_PRELOAD=ws,node:http): a real host has paid Node's one-time
// costs of loading code already, which a bare process charges to whatever it loads first.
for (const name of (process.env.EMBED_PRELOAD ?? '').split(',').filter(Boolean)) require(name);
const preloaded = new Set(Object.keys(require.cache));
const reflectBefore = typeof Reflect.getMetadata === 'function';
const rss0 = rssMib();
const t0 = performance.now();
const sidecar = require(path.resolve(__dirname, '../../dist/index.js'));
const requireMs = performance.now() - t0;
const rss1 = rssMib();
const afterRequire = { packages: packagesLoaded(), reflectPatched: typeof Reflect.getMetadata === 'function' && !reflectBefore };

(async () => {
  const t1 = performance.now();
  const metrics = await sidecar.collectMetrics(process.argv[2] ?? null, { collectors: ['cpu', 'memory', 'ollama-vram'], logger: () => undefined });
  const firstCallMs = performance.now() - t1;
  const rss2 = rssMib();
  process.stdout.write(
    `${JSON.stringify({
      baseline_rss_mib: rss0,
      require_rss_mib: rss1 - rss0,
      require_ms: requireMs,
      require_packages: afterRequire.packages,
      require_patches_reflect: afterRequire.reflectPatched,
      first_call_rss_mib: rss2 - rss1,
      first_call_ms: firstCallMs,
      first_call_packages: packagesLoaded(),
      first_call_patches_reflect: typeof Reflect.getMetadata === 'function' && !reflectBefore,
      vram_used_bytes: metrics.vram_used_bytes,
    })}\n`,
  );
})();
