import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/contracts/logger.js';

/** WATCH_DEBOUNCE_MS is how long the config's directory must stay quiet before a change counts. */
export const WATCH_DEBOUNCE_MS = 300;

/**
 * watchConfig calls `onChange` when the config file's content may have changed: `run --watch-config`, the
 * reload that works on every OS (Windows has no SIGHUP to reload with). It watches the file's directory, not
 * the file, because editors save by writing a new file and renaming it over the old one (and Kubernetes swaps a
 * symlink), which a watch on the old file never sees. Events are debounced, then the file's identity (inode,
 * size, modification and change times, through symlinks) is compared with the last seen, so a burst of events
 * or a change to another file in the directory costs nothing. Returns a function that stops watching.
 */
export function watchConfig(file: string, onChange: () => void, logger: Logger, debounceMs = WATCH_DEBOUNCE_MS): () => void {
  const target = path.resolve(file);
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const check = async () => {
    const now = await identity(target);
    if (closed || now === undefined || now === last) return; // missing: mid-replace; its rename is another event
    last = now;
    onChange();
  };
  void identity(target).then((id) => (last ??= id));
  let watcher: FSWatcher;
  try {
    watcher = watch(path.dirname(target), { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void check(), debounceMs);
    });
  } catch (err) {
    logger.warn({ reason: (err as Error).message }, `Cannot watch ${target} for changes; reload with SIGHUP instead`);
    return () => undefined;
  }
  watcher.on('error', (err) => logger.warn({ reason: err.message }, `Stopped watching ${target} for changes`));
  return () => {
    closed = true;
    clearTimeout(timer);
    watcher.close();
  };
}

async function identity(file: string): Promise<string | undefined> {
  const s = await stat(file, { bigint: true }).catch(() => undefined);
  return s && `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
}
