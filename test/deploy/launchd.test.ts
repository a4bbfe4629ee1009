import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARD_DEADLINE_MS } from '../../src/cli/commands/run.js';
import { statusFileFor, type StatusFileHost } from '../../src/cli/status-file.js';
import { CLI } from '../helpers/cli.js';
import { deploy, expectCliCommand, ROOT, runsAndStops, scratch } from './service-run.js';
import { parsePlist } from './xml.js';

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
  }, 30_000);

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
  }, 60_000);
});
