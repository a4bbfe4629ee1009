import { CommanderError } from 'commander';
import { ConfigError, SidecarError } from '../core/errors.js';

/** ExitCode: 0 success, 1 anything unexpected, 2 a config or usage error the user can fix. */
export const ExitCode = { OK: 0, UNEXPECTED: 1, USAGE: 2 } as const;

/** HEALTH_CHECK_USAGE_ERROR marks a usage mistake in `status`, which exits 1 rather than 2. */
export const HEALTH_CHECK_USAGE_ERROR = 'sidecar.healthCheckUsage';

/** UsageError is a mistake in the command line itself. */
export class UsageError extends Error {}

/**
 * reportError prints an error the way its kind deserves: user errors as their one-line messages (every
 * problem of a config), unexpected ones with a stack only when LOG_LEVEL asks for debug detail.
 */
export function reportError(err: unknown, write: (text: string) => void = (t) => process.stderr.write(t)): number {
  if (err instanceof CommanderError) {
    if (err.exitCode === 0) return ExitCode.OK;
    return err.code === HEALTH_CHECK_USAGE_ERROR ? ExitCode.UNEXPECTED : ExitCode.USAGE;
  }
  if (err instanceof ConfigError) {
    write(`${err.message}\n`);
    if (err.problems.length > 1) write(`${err.problems.length} problems found\n`);
    return ExitCode.USAGE;
  }
  if (err instanceof UsageError || (err instanceof SidecarError && err.userError)) {
    write(`sidecar: ${err.message}\n`);
    return ExitCode.USAGE;
  }
  const debug = /^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '');
  const detail = err instanceof Error ? (debug ? err.stack ?? err.message : err.message) : String(err);
  write(`sidecar: unexpected error: ${detail}\n`);
  return ExitCode.UNEXPECTED;
}
