/**
 * The error catalogue: every error the sidecar raises on purpose has a stable code. Tests assert on `code`;
 * the CLI maps user errors (config, usage, plugin loading) to exit 2 and prints them without a stack trace.
 */
export const ErrorCode = {
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  CONFIG_UNREADABLE: 'CONFIG_UNREADABLE',
  CONFIG_ENCODING: 'CONFIG_ENCODING',
  CONFIG_SYNTAX: 'CONFIG_SYNTAX',
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_ENV_UNSET: 'CONFIG_ENV_UNSET',
  PLUGIN_NOT_FOUND: 'PLUGIN_NOT_FOUND',
  PLUGIN_IMPORT_FAILED: 'PLUGIN_IMPORT_FAILED',
  PLUGIN_NO_MANIFEST: 'PLUGIN_NO_MANIFEST',
  PLUGIN_API_MISMATCH: 'PLUGIN_API_MISMATCH',
  PLUGIN_KIND_INVALID: 'PLUGIN_KIND_INVALID',
  PLUGIN_MANIFEST_INVALID: 'PLUGIN_MANIFEST_INVALID',
  PLUGIN_OPTIONS_INVALID: 'PLUGIN_OPTIONS_INVALID',
  PLUGIN_CREATE_FAILED: 'PLUGIN_CREATE_FAILED',
  COLLECT_TIMEOUT: 'COLLECT_TIMEOUT',
  COLLECT_FAILED: 'COLLECT_FAILED',
  USAGE: 'USAGE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Problem is one thing wrong with the user's input, located by file and JSON path. */
export interface Problem {
  readonly code: ErrorCode;
  /** path is the JSON path inside the file (`collectors[2].options.url`), empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** SidecarError is an expected failure with a code; `userError` ones are the user's to fix (exit 2). */
export class SidecarError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly userError = true,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SidecarError';
  }
}

/** ConfigError carries every problem found in one file, so the user sees them all at once. */
export class ConfigError extends SidecarError {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
    /** partial is what could still be read of a file with problems, so later checks can add theirs. */
    readonly partial?: unknown,
  ) {
    super(problems[0]?.code ?? ErrorCode.CONFIG_INVALID, problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
  }
}

/** sortProblems orders problems as they stand in the file: the whole file first, then by JSON path. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** formatProblem renders one problem as the one-line `file: path: message` users see. */
export function formatProblem(file: string, problem: Problem): string {
  return problem.path ? `${file}: ${problem.path}: ${problem.message}` : `${file}: ${problem.message}`;
}

/** describeError gives a one-line reason for any thrown value, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] || err.name;
  return String(err);
}
