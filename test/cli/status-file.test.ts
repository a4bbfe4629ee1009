import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedStatusDir, statusFileFor, StatusFileWriter, type StatusFileHost } from '../../src/cli/status-file.js';

// What each OS's service and its user see: the service account's temp directory differs from the user's on
// Windows and macOS, so the default must not depend on it there.
const windowsService: StatusFileHost = {
  platform: 'win32',
  env: { ProgramData: 'C:\\ProgramData', TEMP: 'C:\\Windows\\ServiceProfiles\\LocalService\\AppData\\Local\\Temp' },
  tmpdir: () => 'C:\\Windows\\ServiceProfiles\\LocalService\\AppData\\Local\\Temp',
};
const windowsUser: StatusFileHost = {
  platform: 'win32',
  env: { ProgramData: 'C:\\ProgramData', TEMP: 'C:\\Users\\ada\\AppData\\Local\\Temp' },
  tmpdir: () => 'C:\\Users\\ada\\AppData\\Local\\Temp',
};
const macAgent: StatusFileHost = { platform: 'darwin', env: {}, tmpdir: () => '/tmp' };
const macUser: StatusFileHost = { platform: 'darwin', env: { TMPDIR: '/var/folders/x1/abc/T/' }, tmpdir: () => '/var/folders/x1/abc/T' };
const linux: StatusFileHost = { platform: 'linux', env: {}, tmpdir: () => '/tmp' };

describe('statusFileFor', () => {
  it.each([
    ['Windows', windowsService, windowsUser, 'C:\\ProgramData\\sidecar\\sidecar-gpu-box.status.json'],
    ['macOS', macAgent, macUser, '/tmp/sidecar-gpu-box.status.json'],
    ['Linux', linux, linux, '/tmp/sidecar-gpu-box.status.json'],
  ])('on %s, a service and its user agree on the file', (_os, service, user, expected) => {
    expect(statusFileFor('gpu-box', undefined, service).file).toBe(expected);
    expect(statusFileFor('gpu-box', undefined, user).file).toBe(expected);
  });

  it('falls back to the per-user temp directory, with the same name', () => {
    expect(statusFileFor('gpu-box', undefined, windowsUser)).toEqual({
      file: 'C:\\ProgramData\\sidecar\\sidecar-gpu-box.status.json',
      fallback: 'C:\\Users\\ada\\AppData\\Local\\Temp\\sidecar-gpu-box.status.json',
    });
    expect(statusFileFor('gpu-box', undefined, macUser).fallback).toBe('/var/folders/x1/abc/T/sidecar-gpu-box.status.json');
    // Where the default already is the temp directory there is nothing to fall back to.
    expect(statusFileFor('gpu-box', undefined, linux)).toEqual({ file: '/tmp/sidecar-gpu-box.status.json' });
  });

  it('takes %ProgramData% where Windows has it elsewhere, else %ALLUSERSPROFILE%, else C:\\ProgramData', () => {
    const on = (env: NodeJS.ProcessEnv) => sharedStatusDir({ ...windowsUser, env });
    expect(on({ ProgramData: 'D:\\Data' })).toBe('D:\\Data\\sidecar');
    expect(on({ ALLUSERSPROFILE: 'E:\\All' })).toBe('E:\\All\\sidecar');
    expect(on({})).toBe('C:\\ProgramData\\sidecar');
  });

  it('keeps the flag, then $SIDECAR_STATUS_FILE, ahead of any default, with no fallback', () => {
    const env = { ...windowsService.env, SIDECAR_STATUS_FILE: 'D:\\s.json' };
    expect(statusFileFor('a', 'F:\\flag.json', { ...windowsService, env })).toEqual({ file: 'F:\\flag.json' });
    expect(statusFileFor('a', undefined, { ...windowsService, env })).toEqual({ file: 'D:\\s.json' });
    expect(statusFileFor('a', undefined, { ...macAgent, env: { SIDECAR_STATUS_FILE: '/x/s.json' } })).toEqual({ file: '/x/s.json' });
  });

  it('keeps an agent id that is not a file name inside the directory', () => {
    expect(statusFileFor('../a b\\c', undefined, windowsUser).file).toBe('C:\\ProgramData\\sidecar\\sidecar-.._a_b_c.status.json');
    expect(statusFileFor('../a', undefined, macAgent).file).toBe('/tmp/sidecar-.._a.status.json');
  });
});

describe('StatusFileWriter', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const scratch = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-status-file-'));
    dirs.push(dir);
    return dir;
  };
  const snapshot = () => ({ runtime: { agentId: 'a', reports: 0, lastReportAt: null, collectors: [], transports: [] }, intervalMs: 1000 });

  it('writes to the fallback, saying so in one line, when the directory cannot be made', async () => {
    const dir = await scratch();
    const blocked = path.join(dir, 'not-a-dir');
    await writeFile(blocked, ''); // a file where the directory should be: mkdir fails as it would without rights
    const errors: string[] = [];
    const writer = new StatusFileWriter(
      { file: path.join(blocked, 'sidecar', 's.json'), fallback: path.join(dir, 's.json') },
      snapshot,
      (reason) => errors.push(reason),
    );
    await writer.write('running');
    await writer.write('stopped');
    expect(writer.file).toBe(path.join(dir, 's.json'));
    expect(JSON.parse(await readFile(path.join(dir, 's.json'), 'utf8'))).toMatchObject({ state: 'stopped', pid: process.pid });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Cannot write the status file .*not-a-dir.*s\.json \(.*\); using .*s\.json instead$/);
    expect(errors[0]).not.toContain('\n');
  });

  it('stays where it first wrote, and reports a later failure there once', async () => {
    const dir = await scratch();
    const errors: string[] = [];
    const writer = new StatusFileWriter({ file: path.join(dir, 'sub', 's.json'), fallback: path.join(dir, 'fb.json') }, snapshot, (r) => errors.push(r));
    await writer.write('running');
    await rm(path.join(dir, 'sub'), { recursive: true });
    await writer.write('running');
    await writer.write('running');
    expect(writer.file).toBe(path.join(dir, 'sub', 's.json'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Cannot write the status file .*sub.s\.json: ENOENT/);
  });

  it('does not follow a link planted at its temporary name', async () => {
    const dir = await scratch();
    const victim = path.join(dir, 'victim');
    await writeFile(victim, 'untouched');
    const file = path.join(dir, 's.json');
    await symlink(victim, `${file}.${process.pid}.tmp`);
    const writer = new StatusFileWriter({ file }, snapshot, () => undefined);
    await writer.write('running');
    expect(await readFile(victim, 'utf8')).toBe('untouched');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ state: 'running' });
  });
});

describe('readStatusFile', () => {
  it('reads the fallback only where the shared file is missing', async () => {
    const { readStatusFile } = await import('../../src/cli/commands/status.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-status-read-'));
    try {
      const location = { file: path.join(dir, 'shared.json'), fallback: path.join(dir, 'fallback.json') };
      await writeFile(location.fallback, 'from the fallback');
      expect(await readStatusFile(location)).toEqual({ file: location.fallback, text: 'from the fallback' });
      await writeFile(location.file, 'from the shared directory');
      expect(await readStatusFile(location)).toEqual({ file: location.file, text: 'from the shared directory' });
      await expect(readStatusFile({ file: path.join(dir, 'none.json') })).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
