import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * workerEntryUrl locates the compiled worker entry: beside this module in `dist/`. When this module runs from
 * `src/` (under vitest, which compiles TypeScript in memory), the worker still needs the compiled file, so
 * the same path under `dist/` is used.
 */
export function workerEntryUrl(base: string = import.meta.url): URL {
  const sibling = new URL('./worker-entry.js', base);
  if (existsSync(sibling)) return sibling;
  const built = new URL(sibling.href.replace(/\/src\/((?:[^/]+\/)*worker-entry\.js)$/, '/dist/$1'));
  if (built.href !== sibling.href && existsSync(built)) return built;
  throw new Error(`the isolation worker ${fileURLToPath(built)} does not exist: run npm run build`);
}
