import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dirs: string[] = [];

/** tempDir makes a fresh directory for fake tools, removed by `removeTempDirs`. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sidecar-tool-'));
  dirs.push(dir);
  return dir;
}

/** removeTempDirs deletes every directory `tempDir` made. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** fakeTool writes an executable `/bin/sh` script named `name` into `dir` and returns its path. */
export function fakeTool(dir: string, name: string, body: string, mode = 0o755): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, mode);
  return file;
}

/** printing is a script body that records its arguments in `<dir>/<name>.args` and prints `file`. */
export function printing(dir: string, name: string, file: string): string {
  const args = JSON.stringify(path.join(dir, `${name}.args`));
  return `printf '%s\\n' "$@" > ${args}\ncat ${JSON.stringify(file)}`;
}

/** argsOf returns the arguments the last `printing` run of `name` received, or undefined if it never ran. */
export function argsOf(dir: string, name: string): string[] | undefined {
  const file = path.join(dir, `${name}.args`);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : undefined;
}

/** isGone tells whether a process no longer runs (exited, or a zombie nobody reaped yet). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
