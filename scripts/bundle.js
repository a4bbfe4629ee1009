// `npm run build`'s second step: the `sidecar` command bundled by esbuild. tsc has already compiled src/ to
// dist/ (decorator metadata included, which esbuild cannot emit); this bundles that output, so the command
// loads a few files instead of about 200 modules, and no CommonJS dependency is imported from an ES module
// (Node then scans its source, and the daemon kept several MiB more: bench/FINDINGS.md). The library and
// plugin exports (dist/index.js, dist/plugin.js) stay tsc's modules. Paths that depend on where the code sits
// come from src/core/package-root.ts.
//
//   dist/cli.js              the command (tsc's dist/cli.js is replaced by its bundle; `bin` points here)
//   dist/worker-entry.js     the isolation worker: src/core/isolation/worker-entry-url.ts looks for it beside
//                            the module that asks, which in the bundle is a file in dist/
//   dist/cli-chunk-*.js      code behind a dynamic import() (each command, the prometheus transport) and code
//                            the two entries share, loaded only when needed
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

// EXTERNAL stay in node_modules, loaded only when needed: pino-pretty on a terminal and prom-client by a
// prometheus transport, and ws's optional native helpers, which ws requires inside a try.
const EXTERNAL = ['pino-pretty', 'prom-client', 'bufferutil', 'utf-8-validate'];
const CHUNK_PREFIX = 'cli-chunk-';

// Chunk names carry a content hash: remove the previous build's, or dist/ (and the package) would keep them all.
for (const name of readdirSync(`${root}dist`)) if (name.startsWith(CHUNK_PREFIX)) rmSync(`${root}dist/${name}`);

await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/cli.js', 'worker-entry': 'dist/core/isolation/worker-entry.js' },
  outdir: 'dist',
  allowOverwrite: true,
  bundle: true,
  // Splitting: in one file, every static import of a Node built-in or an external package anywhere in the
  // bundle is hoisted to the top and loaded at start-up, and the whole file is compiled, so `--version` paid for
  // what only `run` or `hub` needs (measured: 1.25x `node -e 0` split, 1.97x as one file). Chunks sit in dist/
  // beside the entries, where src/core/package-root.ts expects the bundle's code to be.
  splitting: true,
  chunkNames: `${CHUNK_PREFIX}[hash]`,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  define: { __SIDECAR_BUNDLE_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies inside an ES-module bundle call require() for Node's built-ins; give them one.
  banner: { js: "import { createRequire as __sidecarRequire } from 'node:module';\nconst require = __sidecarRequire(import.meta.url);" },
  // Source maps for `node --enable-source-maps dist/cli.js`; the map points through tsc's maps to src/.
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
