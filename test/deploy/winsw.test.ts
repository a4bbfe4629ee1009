import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HARD_DEADLINE_MS } from '../../src/cli/commands/run.js';
import { statusFileFor, type StatusFileHost } from '../../src/cli/status-file.js';
import { CLI } from '../helpers/cli.js';
import { deploy, expectCliCommand, ROOT, runsAndStops, scratch } from './service-run.js';
import { parseXml, type XmlElement } from './xml.js';

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
    const [flag, script, ...args] = commandLine(expand(one('arguments').text));
    expect(flag).toBe('--no-opt');
    expect(path.win32.normalize(script!)).toBe('C:\\sidecar\\dist\\cli.js');
    expect(inCheckout(path.win32.normalize(script!))).toBe(CLI);
    expect(existsSync(CLI)).toBe(true);
    expect(path.win32.normalize(expand(one('workingdirectory').text))).toBe(checkout);
    expect(args).toEqual(['run']);
    await expectCliCommand(args[0]!, args);
  }, 30_000);

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
    const [flag, script, ...args] = commandLine(expand(one('arguments').text));
    const dir = await scratch();
    const config = path.join(dir, 'ProgramData', 'sidecar', 'plugins.json');
    const launch = { argv: [process.execPath, flag!, inCheckout(path.win32.normalize(script!)), ...args], cwd: inCheckout(path.win32.normalize(expand(one('workingdirectory').text))), env: { ...env, SIDECAR_CONFIG: config }, config };
    await runsAndStops(launch, 'SIGINT', winswDuration(one('stoptimeout').text));
  }, 60_000);
});
