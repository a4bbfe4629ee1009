import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** MAX_OUTPUT_BYTES is the most standard output a tool may print (1 MiB); real answers are a few KiB. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
const MAX_STDERR_BYTES = 4096;

/** ToolNotFoundError says the command does not exist (ENOENT): the tool is not installed. */
export class ToolNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`${command}: not found`);
    this.name = 'ToolNotFoundError';
  }
}

/** RunTool runs a command and resolves with its standard output; `runTool` in production. */
export type RunTool = (command: string, args: readonly string[], signal: AbortSignal) => Promise<string>;

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const name = reason instanceof Error ? reason.name : '';
  return name === 'TimeoutError' || name === 'DeadlineError' ? 'timed out' : 'aborted';
}

/**
 * runTool runs `command` with `args` directly (no shell), and resolves with its standard output once it exits
 * with code 0. It rejects with ToolNotFoundError when the command does not exist, and with a one-line Error
 * `<command>: <reason>` when it cannot start, exits non-zero (the reason quotes its first line of error output),
 * is killed, prints more than `maxOutputBytes`, or `signal` aborts. On abort or oversized output it kills the
 * tool's whole process group (POSIX) with SIGKILL and settles at once, without waiting for the pipes to close.
 */
export function runTool(
  command: string,
  args: readonly string[],
  signal: AbortSignal,
  maxOutputBytes: number = MAX_OUTPUT_BYTES,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`${command}: ${abortReason(signal)}`));
      return;
    }
    const group = process.platform !== 'win32';
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, windowsHide: true, detached: group });
    } catch (err) {
      reject(new Error(`${command}: ${err instanceof Error ? firstLine(err.message) : String(err)}`, { cause: err }));
      return;
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;

    // The group may outlive its leader (a script's own children keep the pipes open), so it is killed anyway.
    const kill = () => {
      if (child.pid === undefined) return;
      try {
        if (group) process.kill(-child.pid, 'SIGKILL');
        else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (reason: string, cause?: unknown) => finish(() => reject(new Error(`${command}: ${reason}`, { cause })));
    const giveUp = (reason: string) => {
      kill();
      child.stdout.destroy();
      child.stderr.destroy();
      fail(reason);
    };
    const onAbort = () => giveUp(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.byteLength;
      if (stdoutBytes > maxOutputBytes) giveUp(`output exceeds ${maxOutputBytes} bytes`);
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.slice(0, MAX_STDERR_BYTES - stderr.length);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') finish(() => reject(new ToolNotFoundError(command)));
      else fail(firstLine(err.message) || String(err.code), err);
    });
    child.on('close', (code, killedBy) => {
      const out = Buffer.concat(stdout).toString('utf8');
      // Exit 0 with nothing on stdout but a complaint on stderr is a failure, not "no GPUs".
      if (code === 0 && (out.trim() !== '' || firstLine(stderr) === '')) return void finish(() => resolve(out));
      if (code === 0) return fail(`printed nothing on stdout: ${firstLine(stderr)}`);
      const said = firstLine(stderr) || firstLine(out);
      fail(killedBy ? `killed by ${killedBy}` : `exited with code ${code}${said ? `: ${said}` : ''}`);
    });
  });
}
