import { describeError, ErrorCode, SidecarError } from '../errors.js';
import type { ResolvedCollector, ResolvedTransport } from './resolve-entries.js';

/** startError says that an entry's plugin could not be created or started, and why, naming the entry. */
export function startError(resolved: ResolvedCollector | ResolvedTransport, cause: unknown): SidecarError {
  return new SidecarError(
    ErrorCode.PLUGIN_CREATE_FAILED,
    `${resolved.path}: plugin "${resolved.entry.plugin}" failed to start: ${describeError(cause)}`,
    true,
    { cause },
  );
}
