import { closeSync, existsSync, openSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, finished, runCli, startCli, waitForLines } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

/** pluginConfig writes `plugin.mjs` (a module exporting `source`) and a config that uses it plus `memory`. */
async function pluginConfig(source: string, section: 'collectors' | 'transports' = 'collectors'): Promise<string> {
  const dir = tempDir('sidecar-misbehaving-');
  await writeFile(path.join(dir, 'plugin.mjs'), source);
  const doc = {
    agent: { id: 'misbehaving', initial_delay_ms: 0, interval_ms: 200 },
    collectors: [{ plugin: 'memory' }, ...(section === 'collectors' ? [{ plugin: './plugin.mjs' }] : [])],
    transports: [{ plugin: 'stdout' }, ...(section === 'transports' ? [{ plugin: './plugin.mjs' }] : [])],
  };
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

const collectorWith = (parts: string) =>
  `export default { apiVersion: 1, kind: 'collector', name: 'odd', fields: ['odd_value'], ${parts} };`;

describe('plugins that misbehave never decide how the CLI ends', () => {
  it('collect: a dispose() that never settles, and a 10 s timer left behind, still exit 0 at once', async () => {
    const file = await pluginConfig(
      collectorWith(`create: () => ({ collect: () => ({ odd_value: 1 }), dispose: () => {
        setTimeout(() => undefined, 10_000);
        return new Promise(() => undefined);
      } })`),
    );
    const began = Date.now();
    const { code, stdout, stderr } = await runCli(['collect', '--config', file], { timeoutMs: 8000 });
    expect(code).toBe(0);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(JSON.parse(stdout)).toMatchObject({ odd_value: 1, ram_total_bytes: expect.any(Number) });
    expect(stderr).toContain('did not finish disposing');
  });

  it('collect: a stray unhandled rejection is one log line, not a stack trace, and exit 0', async () => {
    const file = await pluginConfig(
      collectorWith(`create: () => ({ collect: () => { Promise.reject(new Error('stray')); return { odd_value: 2 }; } })`),
    );
    const { code, stdout, stderr } = await runCli(['collect', '--config', file]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ odd_value: 2 });
    const records = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ msg: 'Unhandled promise rejection (a plugin bug?); continuing', reason: 'stray' }));
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('run: a transport whose stop() never settles still stops on SIGTERM with exit 0 within the grace', async () => {
    const file = await pluginConfig(
      `export default { apiVersion: 1, kind: 'transport', name: 'stuck',
         create: () => ({ send: () => undefined, stop: () => new Promise(() => undefined) }) };`,
      'transports',
    );
    const child = startCli(['run', '--config', file], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(child, 10_000);
    await waitForLines(child, 1);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const { code, signal, stderr } = await done;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(stderr).toContain('"msg":"Stopped"');
  });

  it.skipIf(!existsSync('/dev/full'))('collect > /dev/full: one line naming the failure, exit 1', async () => {
    const file = await pluginConfig(collectorWith(`create: () => ({ collect: () => ({ odd_value: 3 }) })`));
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [CLI, 'collect', '--config', file], { env: cliEnv(), stdio: ['ignore', full, 'pipe'] });
      const { code, stderr } = await finished(child);
      expect(code).toBe(1);
      expect(stderr.trim().split('\n').at(-1)).toMatch(/^sidecar: cannot write to stdout: .*ENOSPC/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(full);
    }
  });

  it('collect into a pipe whose reader has gone: quiet, exit 0', async () => {
    const file = await pluginConfig(collectorWith(`create: () => ({ collect: () => ({ odd_value: 4 }) })`));
    const child = startCli(['collect', '--config', file]);
    child.stdout!.destroy(); // the reader leaves before the report is written, as `| head -c 0` would
    const { code, stderr } = await finished(child);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
