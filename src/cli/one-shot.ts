/**
 * LONG_RUNNING_COMMANDS keep running until a signal; every other command is one-shot: it prints its answer and
 * the process ends, whatever timers a plugin left behind.
 */
export const LONG_RUNNING_COMMANDS: ReadonlySet<string> = new Set(['run', 'dev', 'hub']);

/**
 * exitOnBrokenStdout makes a one-shot command whose stdout fails stop at once: quietly, with the exit code it
 * has set so far, when the reader left (EPIPE, as in `sidecar collect | head -c 10`), with one line and exit 1
 * otherwise (`> /dev/full`), never a stack trace.
 * Daemons leave stdout to the stdout transport, which handles its own errors.
 */
export function exitOnBrokenStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // The answer stands (`status` may already have said 1): a reader that left does not change it.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`sidecar: cannot write to stdout: ${err.message}\n`);
    process.exit(1);
  });
}
