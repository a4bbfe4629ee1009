import { DeadlineError, withDeadline } from '../deadline.js';
import { ConfigError, describeError, ErrorCode, SidecarError } from '../errors.js';
import type { ResolvedCollector, ResolvedTransport } from './resolve-entries.js';

/** PluginStartError says that an entry's plugin could not be created or started, and why. */
export class PluginStartError extends SidecarError {
  constructor(
    /** path locates the entry in plugins.json, e.g. `transports[1]`. */
    readonly path: string,
    /** detail is the message without the path. */
    readonly detail: string,
    cause: unknown,
  ) {
    super(ErrorCode.PLUGIN_CREATE_FAILED, `${path}: ${detail}`, true, { cause });
    this.name = 'PluginStartError';
  }

  /** inFile restates the error as a config problem of `file`, the way every other config error reads. */
  inFile(file: string): ConfigError {
    return new ConfigError(file, [{ code: this.code, path: this.path, message: this.detail }]);
  }
}

/** startError builds the PluginStartError of an entry from its cause. */
export function startError(resolved: ResolvedCollector | ResolvedTransport, cause: unknown): PluginStartError {
  return new PluginStartError(resolved.path, `plugin ${JSON.stringify(resolved.entry.plugin)} failed to start: ${describeError(cause)}`, cause);
}

/**
 * START_TIMEOUT_MS bounds a plugin's `create()` (and a transport's `start()`), as IMPORT_TIMEOUT_MS bounds its
 * import: one that never settles must not hold the sidecar's start-up (or its `collect`) forever.
 */
export const START_TIMEOUT_MS = 10_000;

/** withStartDeadline runs a plugin's create or start within `timeoutMs`, naming `what` if it is too slow. */
export async function withStartDeadline<T>(what: string, work: () => T | Promise<T>, timeoutMs = START_TIMEOUT_MS): Promise<T> {
  try {
    return await withDeadline(() => work(), timeoutMs);
  } catch (err) {
    throw err instanceof DeadlineError ? new Error(`${what} did not finish within ${timeoutMs} ms`) : err;
  }
}
