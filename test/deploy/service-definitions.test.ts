import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HARD_DEADLINE_MS } from '../../src/cli/commands/run.js';
import { statusFileFor, type StatusFileHost } from '../../src/cli/status-file.js';
import { CLI, cliEnv, runCli } from '../helpers/cli.js';
import { parsePlist, parseXml, type XmlElement } from './xml.js';

// Each service definition in deploy/ is read as its service manager reads it, then what it runs is started the
// way that manager starts it and stopped the way it stops it. Windows and macOS are not here: their paths are
// mapped onto this checkout, and their stop requests onto the signal Node turns them into.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const deploy = (...parts: string[]) => path.join(ROOT, 'deploy', ...parts);

/** expectCliCommand checks that the built CLI has `command` and each --flag in `args`, by its own --help. */
async function expectCliCommand(command: string, args: readonly string[] = []): Promise<void> {
  const { code, stdout } = await runCli([command, '--help']);
  expect(code).toBe(0);
  // An unknown command with --help prints the top-level usage, also with exit 0: the first line tells.
  expect(stdout.split('\n')[0]).toBe(`Usage: sidecar ${command} [options]`);
  for (const flag of args.filter((a) => a.startsWith('--'))) expect(stdout).toContain(` ${flag.split('=')[0]}`);
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
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

interface Launch {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** config is the file the definition's own environment names (written by the test). */
  readonly config: string;
  readonly ipc?: boolean;
}

/**
 * runsAndStops starts what a definition runs, checks that `sidecar status` finds it healthy through the
 * default status file (no --status-file, no $SIDECAR_STATUS_FILE: only the same config), then stops it with
 * `signal` and expects exit 0 within `withinMs` and a status file that says stopped.
 */
async function runsAndStops(launch: Launch, signal: NodeJS.Signals, withinMs: number): Promise<void> {
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
    const timer = setTimeout(() => reject(new Error(`no report within 10 s; stderr: ${stderr}`)), 10_000);
    child.stdout!.once('data', () => (clearTimeout(timer), resolve()));
  });

  const probe = cliEnv({ TMPDIR: home }); // a user's shell: not the service's environment
  const healthy = await runCli(['status', '--config', launch.config], { env: probe });
  expect(healthy.stdout).toMatch(/^healthy; /);
  expect(healthy.code).toBe(0);

  const asked = Date.now();
  child.kill(signal);
  expect(await exited).toBe(0);
  expect(Date.now() - asked).toBeLessThan(withinMs);
  const stopped = await runCli(['status', '--config', launch.config], { env: probe });
  expect({ code: stopped.code, stdout: stopped.stdout }).toMatchObject({ code: 1, stdout: expect.stringContaining('the daemon has stopped') });
}

describe('deploy/ecosystem.config.cjs (pm2)', () => {
  const { apps } = createRequire(import.meta.url)(deploy('ecosystem.config.cjs')) as { apps: Array<Record<string, unknown>> };
  const app = apps[0]!;

  it('runs the built CLI\'s run command, one instance', async () => {
    expect(apps).toHaveLength(1);
    expect(app.script).toBe(CLI);
    expect(existsSync(app.script as string)).toBe(true);
    expect(app.cwd).toBe(path.resolve(ROOT));
    expect(app).toMatchObject({ exec_mode: 'fork', instances: 1, args: ['run'] });
    await expectCliCommand((app.args as string[])[0]!, app.args as string[]);
  });

  it('stops by message, and waits longer than the sidecar\'s own stop before killing', () => {
    expect(app.shutdown_with_message).toBe(true);
    expect(app.kill_timeout).toBeGreaterThan(HARD_DEADLINE_MS);
  });

  it('restarts after a failure with a backoff, and leaves the status file at its default', async () => {
    expect(app.autorestart).toBe(true);
    expect(app.exp_backoff_restart_delay).toBeGreaterThanOrEqual(1000);
    expect(app.stop_exit_codes).toEqual([0]);
    const env = app.env as Record<string, string>;
    expect(env.SIDECAR_STATUS_FILE).toBeUndefined();
    if (!process.env.SIDECAR_CONFIG) {
      expect(env.SIDECAR_CONFIG).toBe(path.join(ROOT, 'plugins.json'));
      expect((await runCli(['validate', '--config', env.SIDECAR_CONFIG!])).code).toBe(0);
    }
  });

  it('runs as pm2 forks it (an IPC channel, its env and cwd) and stops cleanly within kill_timeout', async () => {
    const dir = await scratch();
    const config = path.join(dir, 'plugins.json');
    const env = { ...(app.env as NodeJS.ProcessEnv), SIDECAR_CONFIG: config };
    await runsAndStops({ argv: [process.execPath, app.script as string, ...(app.args as string[])], cwd: app.cwd as string, env, config, ipc: true }, 'SIGINT', app.kill_timeout as number);
  }, 30_000);
});

/** winswDuration reads a WinSW duration ("10 sec", "1 hour") in ms. */
function winswDuration(text: string): number {
  const match = /^(\d+)\s*(ms|sec|secs|min|mins|hour|hours|day|days)?$/.exec(text.trim());
  if (!match) throw new Error(`not a WinSW duration: ${text}`);
  const unit = { ms: 1, sec: 1000, secs: 1000, min: 60_000, mins: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
  return Number(match[1]) * unit[(match[2] ?? 'ms') as keyof typeof unit];
}

/** commandLine splits a Windows command line as the C runtime does for these simple cases (quotes, spaces). */
function commandLine(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('deploy/windows/sidecar-service.xml (WinSW)', async () => {
  const service = parseXml(await readFile(deploy('windows', 'sidecar-service.xml'), 'utf8'));
  const one = (name: string): XmlElement => {
    const found = service.children.filter((c) => c.name === name);
    expect(found, `<${name}> once`).toHaveLength(1);
    return found[0]!;
  };
  const env = Object.fromEntries(service.children.filter((c) => c.name === 'env').map((c) => [c.attributes.name!, c.attributes.value!]));
  // Where the checkout is on Windows, and so %BASE% (the folder of sidecar-service.exe and this file).
  const checkout = 'C:\\sidecar';
  const base = path.win32.join(checkout, 'deploy', 'windows');
  const expand = (text: string) => text.replaceAll('%BASE%', base);
  const inCheckout = (windowsPath: string) => path.join(ROOT, ...path.win32.relative(checkout, windowsPath).split('\\'));

  it('is a WinSW service that runs node on the built CLI\'s run command', async () => {
    expect(service.name).toBe('service');
    expect(one('id').text).toMatch(/^[A-Za-z0-9-]+$/);
    expect(one('executable').text).toBe('%ProgramFiles%\\nodejs\\node.exe');
    const [script, ...args] = commandLine(expand(one('arguments').text));
    expect(path.win32.normalize(script!)).toBe('C:\\sidecar\\dist\\cli.js');
    expect(inCheckout(path.win32.normalize(script!))).toBe(CLI);
    expect(existsSync(CLI)).toBe(true);
    expect(path.win32.normalize(expand(one('workingdirectory').text))).toBe(checkout);
    expect(args).toEqual(['run']);
    await expectCliCommand(args[0]!, args);
  });

  it('stops the parent with Ctrl+C first and gives it longer than the sidecar\'s own stop', () => {
    expect(one('stopparentprocessfirst').text).toBe('true');
    expect(winswDuration(one('stoptimeout').text)).toBeGreaterThan(HARD_DEADLINE_MS);
    // <stopargument> would replace Ctrl+C by a second process: not wanted.
    expect(service.children.map((c) => c.name)).not.toContain('stopargument');
  });

  it('restarts on failure, logs to files, runs as Local Service, and leaves the status file at its default', () => {
    expect(one('onfailure').attributes).toMatchObject({ action: 'restart' });
    expect(winswDuration(one('onfailure').attributes.delay!)).toBeGreaterThanOrEqual(1000);
    expect(one('log').attributes.mode).toBe('roll-by-size');
    expect(one('logpath').text).toBe('%ProgramData%\\sidecar\\logs');
    const account = one('serviceaccount');
    expect(Object.fromEntries(account.children.map((c) => [c.name, c.text]))).toEqual({ domain: 'NT AUTHORITY', user: 'LocalService' });
    expect(env.SIDECAR_STATUS_FILE).toBeUndefined();
    expect(env.SIDECAR_CONFIG).toBe('%ProgramData%\\sidecar\\plugins.json');
    // Local Service and the user who runs `sidecar status` agree, though their %TEMP% differ.
    const host = (temp: string): StatusFileHost => ({ platform: 'win32', env: { ProgramData: 'C:\\ProgramData', TEMP: temp }, tmpdir: () => temp });
    const service = statusFileFor('box', undefined, host('C:\\Windows\\ServiceProfiles\\LocalService\\AppData\\Local\\Temp')).file;
    expect(service).toBe(statusFileFor('box', undefined, host('C:\\Users\\ada\\AppData\\Local\\Temp')).file);
    expect(path.win32.dirname(service)).toBe(path.win32.dirname(env.SIDECAR_CONFIG!.replace('%ProgramData%', 'C:\\ProgramData')));
  });

  it('runs what it names and stops cleanly on Ctrl+C (SIGINT) within <stoptimeout>', async () => {
    const [script, ...args] = commandLine(expand(one('arguments').text));
    const dir = await scratch();
    const config = path.join(dir, 'ProgramData', 'sidecar', 'plugins.json');
    const launch = { argv: [process.execPath, inCheckout(path.win32.normalize(script!)), ...args], cwd: inCheckout(path.win32.normalize(expand(one('workingdirectory').text))), env: { ...env, SIDECAR_CONFIG: config }, config };
    await runsAndStops(launch, 'SIGINT', winswDuration(one('stoptimeout').text));
  }, 30_000);
});

/** LaunchdJob is the part of a launchd job definition these tests read. */
interface LaunchdJob {
  Label: string;
  ProgramArguments: string[];
  WorkingDirectory: string;
  EnvironmentVariables: { NODE_ENV?: string; SIDECAR_CONFIG: string; SIDECAR_STATUS_FILE?: string };
  ThrottleInterval: number;
  ExitTimeOut: number;
  StandardOutPath: string;
  StandardErrorPath: string;
}

describe('deploy/macos/local.llm-sidecar.plist (launchd)', async () => {
  const template = await readFile(deploy('macos', 'local.llm-sidecar.plist'), 'utf8');
  const job = (source: string) => parsePlist(source) as unknown as LaunchdJob;
  const plist = job(template);
  const fill = (text: string, home: string) => text.replaceAll('@NODE@', process.execPath).replaceAll('@PREFIX@', ROOT.replace(/\/$/, '')).replaceAll('@HOME@', home);

  it('is a LaunchAgent whose placeholders are the only relative parts', () => {
    expect(plist.Label).toBe('local.llm-sidecar');
    expect(path.basename(deploy('macos', 'local.llm-sidecar.plist'), '.plist')).toBe(plist.Label);
    expect([...new Set(template.match(/@[A-Z]+@/g))].sort()).toEqual(['@HOME@', '@NODE@', '@PREFIX@']);
    const filled = job(fill(template, '/Users/ada'));
    const paths = [...filled.ProgramArguments.slice(0, 2), filled.WorkingDirectory, filled.StandardOutPath, filled.StandardErrorPath, filled.EnvironmentVariables.SIDECAR_CONFIG];
    for (const p of paths) expect(path.isAbsolute(p), p).toBe(true);
  });

  it('runs node on the built CLI\'s run command', async () => {
    const [node, script, ...args] = plist.ProgramArguments;
    expect(node).toBe('@NODE@');
    expect(script).toBe('@PREFIX@/dist/cli.js');
    expect(fill(script!, '')).toBe(CLI);
    expect(existsSync(CLI)).toBe(true);
    expect(args).toEqual(['run']);
    await expectCliCommand(args[0]!, args);
  });

  it('keeps it alive after a failure, throttled, with logs, and leaves the status file at its default', () => {
    expect(plist).toMatchObject({ RunAtLoad: true, KeepAlive: { SuccessfulExit: false }, ProcessType: 'Background' });
    expect(plist.ThrottleInterval).toBeGreaterThanOrEqual(10);
    expect(plist.ExitTimeOut * 1000).toBeGreaterThan(HARD_DEADLINE_MS);
    expect(plist.StandardErrorPath).toBe('@HOME@/Library/Logs/llm-sidecar.log');
    const env = plist.EnvironmentVariables;
    expect(env.SIDECAR_STATUS_FILE).toBeUndefined();
    // launchd's job and the user's shell agree, though only the shell has a per-user $TMPDIR.
    const agent: StatusFileHost = { platform: 'darwin', env: {}, tmpdir: () => '/tmp' };
    const shell: StatusFileHost = { platform: 'darwin', env: { TMPDIR: '/var/folders/x1/abc/T/' }, tmpdir: () => '/var/folders/x1/abc/T' };
    expect(statusFileFor('box', undefined, agent).file).toBe(statusFileFor('box', undefined, shell).file);
  });

  it('runs what it names, filled in, and stops cleanly on SIGTERM (launchctl\'s stop) within ExitTimeOut', async () => {
    const home = await scratch();
    const filled = job(fill(template, home));
    const env = filled.EnvironmentVariables;
    const launch = { argv: filled.ProgramArguments, cwd: filled.WorkingDirectory, env: { ...env }, config: env.SIDECAR_CONFIG };
    await runsAndStops(launch, 'SIGTERM', plist.ExitTimeOut * 1000);
  }, 30_000);
});

describe('parseXml', () => {
  it.each([
    ['<a><b></a>', /<\/a> closes <b>/],
    ['<a>', /<a> is never closed/],
    ['<a/><b/>', /a second root element/],
    ['<a>x &nbsp; y</a>', /unknown entity &nbsp;/],
    ['<a><</a>', /malformed markup/],
  ])('refuses %s', (source, error) => {
    expect(() => parseXml(source)).toThrow(error);
  });

  it('reads attributes, entities and nested text', () => {
    const root = parseXml('<?xml version="1.0"?><!-- <x> --><a k="1 &amp; 2"><b>x &lt; y</b><c/></a>');
    expect(root).toMatchObject({ name: 'a', attributes: { k: '1 & 2' }, children: [{ name: 'b', text: 'x < y' }, { name: 'c' }] });
  });

  it('reads a property list, refusing a dict without its values', () => {
    expect(parsePlist('<plist><dict><key>A</key><array><integer>3</integer><true/></array></dict></plist>')).toEqual({ A: [3, true] });
    expect(() => parsePlist('<plist><dict><key>A</key></dict></plist>')).toThrow(/needs <key> then a value/);
  });
});
