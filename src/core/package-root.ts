import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The `sidecar` command ships as one esbuild bundle (dist/cli.js, built by scripts/bundle.js), while the library
// stays as tsc's modules under dist/. A path written relative to `import.meta.url` means a different place in
// each: in the bundle every module's `import.meta.url` is the bundle's own. So every such path is derived here,
// once, from where this module actually runs. The bundle step defines __SIDECAR_BUNDLE_VERSION__; in tsc's
// output (and under vitest) the identifier does not exist, which `typeof` tells without a ReferenceError.
declare const __SIDECAR_BUNDLE_VERSION__: string;

/** BUNDLED is true inside the bundled command (dist/cli.js, its chunks, dist/worker-entry.js), false in the modules. */
export const BUNDLED: boolean = typeof __SIDECAR_BUNDLE_VERSION__ === 'string';

/**
 * PACKAGE_ROOT is the root of this package (the directory holding package.json and dist/): the bundle and its
 * chunks sit in dist/, this module in dist/core/ (or src/core/ under vitest).
 */
export const PACKAGE_ROOT: string = fileURLToPath(new URL(BUNDLED ? '../' : '../../', import.meta.url));

/**
 * packageVersion is the sidecar's version: injected at build into the bundle (so `--version` reads no file),
 * read from package.json in the modules.
 */
export function packageVersion(): string {
  if (BUNDLED) return __SIDECAR_BUNDLE_VERSION__;
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * cliEntryPath is the file to run as `sidecar` in a child process: the bundle's entry beside this code (which
 * may sit in one of its chunks), else dist/cli.js.
 */
export function cliEntryPath(): string {
  return BUNDLED ? fileURLToPath(new URL('./cli.js', import.meta.url)) : join(PACKAGE_ROOT, 'dist', 'cli.js');
}
