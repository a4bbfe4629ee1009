import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { tempDir } from './temp-dir.js';

// Every CLI process a test starts is killed after that test, even one whose assertions failed midway, so a
// failing test never leaves a daemon running.
// On POSIX each runs in a process group of its own, and the whole group is killed: `dev` starts `run`, which a
// SIGKILL to `dev` alone would orphan, still writing its status file after the test file's temp folder is gone.
const started = new Set<ChildProcess>();
const OWN_GROUP = process.platform !== 'win32';
afterEach(() => {
  for (const child of started) {
    if (OWN_GROUP && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    } else if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
});

/** CLI is the built entry point, as `npm ci` leaves it (npm test builds it first). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** CliResult is what a finished CLI run printed and how it ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cliTmp: string | undefined;

/**
 * cliTempDir is the temp directory of the CLI processes this test file starts (`sidecar run` keeps its default
 * status file, `<tmpdir>/sidecar-<agent id>.status.json`, there). It is removed after the file.
 */
export function cliTempDir(): string {
  return (cliTmp ??= tempDir('sidecar-cli-tmp-'));
}

/** cliEnv is a clean environment: no inherited LOG_LEVEL or config overrides from the developer's shell. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // A temp directory of this test file's own: a daemon's default status file lands there, and goes with it.
  const temp = { TMPDIR: cliTempDir(), TMP: cliTempDir(), TEMP: cliTempDir() };
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...temp, ...extra };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/** runCli runs `sidecar ...args` to completion (killed after `timeoutMs`). */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return finished(child, options.timeoutMs ?? 10_000);
}

/** startCli starts `sidecar ...args` and returns the process, for daemons. */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: options.env ?? cliEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: OWN_GROUP });
  started.add(child);
  return child;
}

/** finished collects a process's output until it exits, killing it after `timeoutMs`. */
export function finished(child: ChildProcess, timeoutMs = 10_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** waitForOutput resolves once the process has printed `count` lines on stdout (or rejects after `timeoutMs`). */
export function waitForLines(child: ChildProcess, count: number, timeoutMs = 10_000): Promise<string[]> {
  const lines: string[] = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${lines.length} of ${count} lines in ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
      if (lines.length >= count) {
        clearTimeout(timer);
        resolve(lines.slice());
      }
    });
  });
}
