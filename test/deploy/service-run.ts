import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';

// Each service definition in deploy/ is read as its service manager reads it, then what it runs is started the
// way that manager starts it and stopped the way it stops it. Windows and macOS are not here: their paths are
// mapped onto this checkout, and their stop requests onto the signal Node turns them into.

/** ROOT is this checkout, where a definition's paths are expected to lead. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** deploy names a file in deploy/. */
export const deploy = (...parts: string[]): string => path.join(ROOT, 'deploy', ...parts);

/** expectCliCommand checks that the built CLI has `command` and each --flag in `args`, by its own --help. */
export async function expectCliCommand(command: string, args: readonly string[] = []): Promise<void> {
  const { code, stdout } = await runCli([command, '--help'], { timeoutMs: 20_000 });
  expect(code).toBe(0);
  // An unknown command with --help prints the top-level usage, also with exit 0: the first line tells.
  expect(stdout.split('\n')[0]).toBe(`Usage: sidecar ${command} [options]`);
  for (const flag of args.filter((a) => a.startsWith('--'))) expect(stdout).toContain(` ${flag.split('=')[0]}`);
}

// Whatever a test started is killed, and its directories removed, even when an assertion failed midway.
const children = new Set<ChildProcess>();
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** scratch makes a temporary directory, removed after the test. */
export async function scratch(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-deploy-'));
  dirs.push(dir);
  return dir;
}

/** writeConfig writes a config that reports at once, every 200 ms, to stdout, under a fresh agent id. */
async function writeConfig(file: string): Promise<string> {
  const agentId = `deploy-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ agent: { id: agentId, initial_delay_ms: 0, interval_ms: 200 }, collectors: [{ plugin: 'memory' }], transports: [{ plugin: 'stdout' }] }));
  return agentId;
}

/** Launch is how a service manager would start a definition's command, on this machine. */
export interface Launch {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** config is the file the definition's own environment names (written by the test). */
  readonly config: string;
  readonly ipc?: boolean;
}

/** Stop is how a manager asks for a stop: a signal, or a message over the IPC channel (pm2's 'shutdown'). */
export type Stop = NodeJS.Signals | { readonly message: string };

/**
 * runsAndStops starts what a definition runs, checks that `sidecar status` finds it healthy through the
 * default status file (no --status-file, no $SIDECAR_STATUS_FILE: only the same config), then stops it as
 * `stop` says and expects exit 0 within `withinMs` and a status file that says stopped.
 */
export async function runsAndStops(launch: Launch, stop: Stop, withinMs: number): Promise<void> {
  const home = await scratch(); // the temp directory of both sides: where Linux's default file goes
  await writeConfig(launch.config);
  const env: NodeJS.ProcessEnv = { ...cliEnv(), ...launch.env, TMPDIR: home };
  expect(env.SIDECAR_STATUS_FILE).toBeUndefined();
  const [command, ...args] = launch.argv;
  const child = spawn(command!, args, { cwd: launch.cwd, env, stdio: ['ignore', 'pipe', 'pipe', ...(launch.ipc ? (['ipc'] as const) : [])] });
  children.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no report within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout!.once('data', () => (clearTimeout(timer), resolve()));
  });

  const probe = cliEnv({ TMPDIR: home }); // a user's shell: not the service's environment
  const healthy = await runCli(['status', '--config', launch.config], { env: probe, timeoutMs: 20_000 });
  expect(healthy.stdout).toMatch(/^healthy; /);
  expect(healthy.code).toBe(0);

  const asked = Date.now();
  if (typeof stop === 'string') child.kill(stop);
  else child.send(stop.message);
  expect(await exited).toBe(0);
  expect(Date.now() - asked).toBeLessThan(withinMs);
  const stopped = await runCli(['status', '--config', launch.config], { env: probe, timeoutMs: 20_000 });
  expect({ code: stopped.code, stdout: stopped.stdout }).toMatchObject({ code: 1, stdout: expect.stringContaining('the daemon has stopped') });
}
