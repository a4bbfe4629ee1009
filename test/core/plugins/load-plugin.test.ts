import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, SidecarError } from '../../../src/core/errors.js';
import { checkManifest } from '../../../src/core/plugins/check-manifest.js';
import { importPlugin, loadPlugin, nodeModulePaths, resolveExports, resolvePackagePlugin } from '../../../src/core/plugins/load-plugin.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';
import { builtins, collector } from '../../helpers/test-plugins.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const PACKAGES = join(FIXTURES, 'packages');
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** project makes a temp directory whose node_modules links the named fixture packages, as npm would install them. */
function project(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-load-'));
  temps.push(dir);
  for (const name of names) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(PACKAGES, name), link, 'dir');
  }
  return dir;
}

const none = new Map();

async function loadError(spec: string, configDir: string, map = none): Promise<SidecarError> {
  const err = await loadPlugin(spec, configDir, map, { installDir: project() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SidecarError);
  return err as SidecarError;
}

async function collectOnce(spec: string, configDir: string, installDir = project()): Promise<unknown> {
  const loaded = await loadPlugin(spec, configDir, none, { installDir });
  if (loaded.manifest.kind !== 'collector') throw new Error('not a collector');
  const instance = await loaded.manifest.create({} as never);
  return instance.collect(new AbortController().signal);
}

describe('loadPlugin: module paths, relative to the config file’s directory', () => {
  it('loads an ESM default export by ./ path and records the absolute file', async () => {
    const loaded = await loadPlugin('./esm-default/plugin.mjs', FIXTURES, none);
    expect(loaded).toMatchObject({ source: 'path', location: join(FIXTURES, 'esm-default/plugin.mjs') });
    expect(loaded.manifest.name).toBe('esm-default');
  });

  it('loads a named `plugin` export by ../ path', async () => {
    expect(await collectOnce('../esm-named/plugin.js', join(FIXTURES, 'esm-default'))).toEqual({ esm_named_value: 2 });
  });

  it('loads by absolute path', async () => {
    expect(await collectOnce(join(FIXTURES, 'esm-default/plugin.mjs'), '/nowhere')).toEqual({ esm_default_value: 1 });
  });

  it.each([
    ['module.exports = manifest', './cjs-module-exports/plugin.cjs', { cjs_value: 3 }],
    ['exports.plugin = manifest', './cjs-named/plugin.cjs', { cjs_named_value: 4 }],
    ['exports.default = manifest', './cjs-default/plugin.cjs', { cjs_default_value: 5 }],
  ])('loads CommonJS: %s', async (_, spec, expected) => {
    expect(await collectOnce(spec, FIXTURES)).toEqual(expected);
  });

  it('loads a plugin folder through its package.json main', async () => {
    expect(await collectOnce('./dir-plugin', FIXTURES)).toEqual({ dir_value: 6 });
  });
});

describe('loadPlugin: npm packages', () => {
  it('resolves a package from the config file’s directory', async () => {
    const dir = project('cjs-plugin');
    const loaded = await loadPlugin('cjs-plugin', dir, none, { installDir: project() });
    expect(loaded).toMatchObject({ source: 'package', location: join(PACKAGES, 'cjs-plugin/index.js') });
    expect(await collectOnce('cjs-plugin', dir)).toEqual({ cjs_package_value: 8 });
  });

  it('resolves from a parent directory’s node_modules, as Node does', async () => {
    const dir = project('esm-only-plugin');
    const nested = join(dir, 'etc', 'sidecar');
    mkdirSync(nested, { recursive: true });
    expect(await collectOnce('esm-only-plugin', nested)).toEqual({ esm_only_value: 7 });
  });

  it('resolves a package whose exports offer only an import condition', async () => {
    expect(await collectOnce('esm-only-plugin', project('esm-only-plugin'))).toEqual({ esm_only_value: 7 });
  });

  it('resolves scoped packages, conditional exports arrays and subpaths', async () => {
    const dir = project('@acme/sidecar-plugin');
    expect(await collectOnce('@acme/sidecar-plugin', dir)).toEqual({ acme_value: 9 });
    expect(await collectOnce('@acme/sidecar-plugin/extra', dir)).toEqual({ acme_extra_value: 10 });
  });

  it('falls back to the sidecar’s own installation', async () => {
    const loaded = await loadPlugin('esm-only-plugin', project(), none, { installDir: project('esm-only-plugin') });
    expect(loaded.source).toBe('package');
    expect(loaded.manifest.name).toBe('esm-only-plugin');
  });

  it('prefers the config directory’s copy over the installation’s', async () => {
    const file = resolvePackagePlugin('cpu', [project('cpu'), '/nowhere']);
    expect(file).toBe(join(PACKAGES, 'cpu/index.js'));
  });

  it('lets a built-in win over a package of the same name', async () => {
    const loaded = await loadPlugin('cpu', project('cpu'), BUILTIN_PLUGINS);
    expect(loaded).toMatchObject({ source: 'builtin', location: 'cpu' });
    expect(loaded.manifest).toBe(BUILTIN_PLUGINS.get('cpu'));
  });

  it('searches node_modules folders from a directory up to the root, skipping node_modules itself', () => {
    expect(nodeModulePaths('/usr/lib/node_modules/llm-sidecar')).toEqual([
      '/usr/lib/node_modules/llm-sidecar/node_modules',
      '/usr/lib/node_modules',
      '/usr/node_modules',
      '/node_modules',
    ]);
  });

  it('maps exports like Node’s import: conditions in order, patterns, null and require-only targets', () => {
    expect(resolveExports('./main.js', '.')).toBe('./main.js');
    expect(resolveExports({ import: './a.mjs', require: './a.cjs' }, '.')).toBe('./a.mjs');
    expect(resolveExports({ require: './a.cjs' }, '.')).toBeUndefined();
    expect(resolveExports({ '.': { default: './d.js', import: './i.js' } }, '.')).toBe('./d.js');
    expect(resolveExports({ './plugins/*': './lib/*.js' }, './plugins/disk')).toBe('./lib/disk.js');
    expect(resolveExports({ '.': null }, '.')).toBeUndefined();
    expect(resolveExports({ '.': './x.js' }, './other')).toBeUndefined();
  });
});

describe('loadPlugin errors name the plugin and carry a code', () => {
  it('PLUGIN_NOT_FOUND for a missing path, saying where it looked', async () => {
    const err = await loadError('./nope/plugin.js', FIXTURES);
    expect(err.code).toBe(ErrorCode.PLUGIN_NOT_FOUND);
    expect(err.message).toContain('"./nope/plugin.js"');
    expect(err.message).toContain(join(FIXTURES, 'nope/plugin.js'));
  });

  it('PLUGIN_NOT_FOUND for a missing package, listing built-ins and the directories searched', async () => {
    const dir = project();
    const err = await loadError('sidecar-plugin-gpu', dir, builtins(collector('cpu', ['x'], () => ({}))));
    expect(err.code).toBe(ErrorCode.PLUGIN_NOT_FOUND);
    expect(err.message).toMatch(/^plugin "sidecar-plugin-gpu" is not a built-in \(cpu\)/);
    expect(err.message).toContain(dir);
  });

  it('PLUGIN_NOT_FOUND for a package whose entry file is missing, or that exports nothing for import', async () => {
    const missing = await loadError('missing-entry', project('missing-entry'));
    expect(missing.code).toBe(ErrorCode.PLUGIN_NOT_FOUND);
    expect(missing.message).toContain('gone.js');
    const unexported = await loadError('@acme/sidecar-plugin/secret', project('@acme/sidecar-plugin'));
    expect(unexported).toMatchObject({ code: ErrorCode.PLUGIN_NOT_FOUND });
    expect(unexported.message).toContain('does not export "./secret"');
  });

  it('PLUGIN_NOT_FOUND for a value that is no valid package name', async () => {
    expect((await loadError('Not A Package!', FIXTURES)).code).toBe(ErrorCode.PLUGIN_NOT_FOUND);
  });

  it('PLUGIN_IMPORT_FAILED in one line: plugin, file and cause, no stack', async () => {
    const err = await loadError('./throws-on-import/plugin.mjs', FIXTURES);
    expect(err.code).toBe(ErrorCode.PLUGIN_IMPORT_FAILED);
    expect(err.message).toBe(
      `plugin "./throws-on-import/plugin.mjs" failed to import ${join(FIXTURES, 'throws-on-import/plugin.mjs')}: cannot find libnvidia-ml.so`,
    );
  });

  it.each([
    ['./no-manifest/plugin.mjs', ErrorCode.PLUGIN_NO_MANIFEST, /exports no plugin manifest/],
    ['./api-mismatch/plugin.mjs', ErrorCode.PLUGIN_API_MISMATCH, /apiVersion 2 is not supported \(this sidecar supports 1\)/],
    ['./bad-kind/plugin.mjs', ErrorCode.PLUGIN_KIND_INVALID, /kind "exporter" is unknown/],
    ['./bad-field/plugin.mjs', ErrorCode.PLUGIN_MANIFEST_INVALID, /"diskUsed" is not a snake_case field name/],
    ['./reserved-field/plugin.mjs', ErrorCode.PLUGIN_MANIFEST_INVALID, /"agent_id" is reserved/],
  ])('%s: %s', async (spec, code, pattern) => {
    const err = await loadError(spec, FIXTURES);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(pattern);
    expect(err.message.startsWith(`plugin "${spec}" (${join(FIXTURES, spec)}): `)).toBe(true);
  });
});

describe('checkManifest', () => {
  it('names every problem of a manifest on one line, with a hint for a misspelt kind', () => {
    const err = (() => {
      try {
        return checkManifest({ apiVersion: 1, kind: 'colector', create: 5, fields: [] });
      } catch (e) {
        return e;
      }
    })() as SidecarError;
    expect(err.code).toBe(ErrorCode.PLUGIN_KIND_INVALID);
    expect(err.message).toBe(
      'kind "colector" is unknown (expected "collector" or "transport"; did you mean "collector"?); name must be a non-empty string; create must be a function',
    );
    expect(() => checkManifest({ apiVersion: 1, kind: 'collector', name: 'x', create: () => ({}), fields: ['fooBar', 'timestamp', 'ok', 'ok'] })).toThrow(
      'fields: "fooBar" is not a snake_case field name; fields: "timestamp" is reserved (type, agent_id, timestamp, protocol_version); fields lists a field twice',
    );
  });
});

describe('loading limits and hints', () => {
  it('gives up on a module that never finishes loading', async () => {
    const file = join(FIXTURES, 'never-loads/plugin.mjs');
    const started = Date.now();
    const err = await importPlugin('./never-loads/plugin.mjs', file, 200).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({ code: ErrorCode.PLUGIN_IMPORT_FAILED });
    expect((err as Error).message).toContain('did not finish loading within 200 ms');
  });

  it('quotes a plugin name so a message stays on one line', async () => {
    const err = await loadPlugin('x\ny', FIXTURES, BUILTIN_PLUGINS).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^plugin "x\\ny"/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('suggests the built-in a misspelt plugin name was meant to be', async () => {
    const err = await loadPlugin('cpuu', FIXTURES, BUILTIN_PLUGINS).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.PLUGIN_NOT_FOUND });
    expect((err as Error).message).toMatch(/^plugin "cpuu": did you mean the built-in "cpu"\?/);
  });
});
