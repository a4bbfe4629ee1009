import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { ConfigError, ErrorCode } from '../../../src/core/errors.js';
import { Sidecar } from '../../../src/core/sidecar.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';
import { memoryLogger } from '../../helpers/memory-logger.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const temps: string[] = [];
const running: Sidecar[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(0)));
});
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** install writes plugins.json into a fresh directory and links fixture packages into its node_modules. */
function install(doc: unknown, packages: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-third-party-'));
  temps.push(dir);
  writeFileSync(join(dir, 'plugins.json'), JSON.stringify(doc));
  for (const name of packages) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(FIXTURES, 'packages', name), join(dir, 'node_modules', name), 'dir');
  }
  return dir;
}

async function start(dir: string): Promise<Sidecar> {
  const config = await loadConfig(join(dir, 'plugins.json'), {});
  const sidecar = await Sidecar.create({ config, logger: memoryLogger().logger, builtins: BUILTIN_PLUGINS, startTransports: false });
  running.push(sidecar);
  return sidecar;
}

describe('third-party plugins named in plugins.json', () => {
  it('merge with built-ins: a CommonJS file by absolute path, an import-only package and a CommonJS package', async () => {
    const dir = install(
      {
        collectors: [
          { plugin: join(FIXTURES, 'cjs-module-exports/plugin.cjs') },
          { plugin: 'esm-only-plugin' },
          { plugin: 'cjs-plugin', isolate: true },
          { plugin: 'memory' },
        ],
      },
      ['esm-only-plugin', 'cjs-plugin'],
    );
    const report = await (await start(dir)).collectOnce();
    expect(report).toMatchObject({ cjs_value: 3, esm_only_value: 7, cjs_package_value: 8 });
    expect(report.ram_total_bytes).toBeGreaterThan(0);
  });

  it('report every loading problem at once, each with its entry’s path, code and plugin', async () => {
    const dir = install({
      collectors: [
        { plugin: 'sidecar-plugin-missing' },
        { plugin: join(FIXTURES, 'throws-on-import/plugin.mjs') },
        { plugin: join(FIXTURES, 'reserved-field/plugin.mjs') },
        { plugin: 'sidecar-plugin-disabled', enabled: false },
      ],
    });
    const err = await start(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      ['collectors[0]', ErrorCode.PLUGIN_NOT_FOUND],
      ['collectors[1]', ErrorCode.PLUGIN_IMPORT_FAILED],
      ['collectors[2]', ErrorCode.PLUGIN_MANIFEST_INVALID],
    ]);
    expect(problems[0]?.message).toMatch(/^plugin "sidecar-plugin-missing" is not a built-in/);
    expect(problems[1]?.message).toContain('throws-on-import/plugin.mjs');
    expect((err as Error).message.split('\n')).toHaveLength(3);
  });
});
