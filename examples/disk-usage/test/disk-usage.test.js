import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import plugin, { createDiskUsage } from '../index.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { createLogger } from '../../../src/core/logger.js';
import { Sidecar } from '../../../src/core/sidecar.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';

const PLUGIN_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const temps = [];
const running = [];
afterEach(async () => Promise.all(running.splice(0).map((s) => s.stop(0))));
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** recordingLogger is the smallest logger a plugin needs, keeping what it is told. */
function recordingLogger() {
  const records = [];
  const log = (level) => (obj, msg) => records.push({ level, ...obj, msg });
  return { records, warn: log('warn'), info: log('info'), debug: log('debug'), error: log('error') };
}

function context(options, logger = recordingLogger()) {
  const checked = plugin.options['~standard'].validate(options);
  if (checked.issues) throw new Error(checked.issues[0].message);
  return { name: 'disk-usage', instanceId: 'disk-usage', options: checked.value, logger, agent: { id: 'a', name: 'a' }, configDir: '/' };
}

const signal = () => new AbortController().signal;

/** project writes plugins.json into a fresh directory, as a user would. */
function project(doc) {
  const dir = mkdtempSync(join(tmpdir(), 'disk-usage-'));
  temps.push(dir);
  writeFileSync(join(dir, 'plugins.json'), JSON.stringify(doc));
  return dir;
}

async function collectWith(dir) {
  const config = await loadConfig(join(dir, 'plugins.json'), {});
  const logger = createLogger({ level: 'silent', destination: { write: () => undefined } });
  const sidecar = await Sidecar.create({ config, logger, builtins: BUILTIN_PLUGINS, startTransports: false });
  running.push(sidecar);
  return sidecar.collectOnce();
}

describe('disk-usage, called directly', () => {
  it('reports the root filesystem by default', async () => {
    const report = await plugin.create(context(undefined)).collect(signal());
    expect(report.disk_total_bytes).toBeGreaterThan(0);
    expect(report.disk_used_bytes).toBeGreaterThan(0);
    expect(report.disk_used_bytes).toBeLessThanOrEqual(report.disk_total_bytes);
    expect(report.disks).toEqual([
      { path: '/', total_bytes: report.disk_total_bytes, used_bytes: report.disk_used_bytes, free_bytes: expect.any(Number) },
    ]);
  });

  it('counts a filesystem once in the totals however many paths sit on it', async () => {
    const sizes = { '/a': [1, 100, 60], '/b': [1, 100, 60], '/c': [2, 50, 10] };
    const read = async (path) => {
      const [device, total, used] = sizes[path];
      return { device, disk: { path, total_bytes: total, used_bytes: used, free_bytes: total - used } };
    };
    const report = await createDiskUsage(context({ paths: ['/a', '/b', '/c'] }), read).collect(signal());
    expect(report).toMatchObject({ disk_total_bytes: 150, disk_used_bytes: 70 });
    expect(report.disks.map((d) => d.path)).toEqual(['/a', '/b', '/c']);
  });

  it('reports an unreadable path with null sizes, and warns once until it recovers', async () => {
    const logger = recordingLogger();
    const collector = plugin.create(context({ paths: ['/', '/no/such/mount'] }, logger));
    for (let i = 0; i < 3; i++) {
      const report = await collector.collect(signal());
      expect(report.disks[1]).toEqual({ path: '/no/such/mount', total_bytes: null, used_bytes: null, free_bytes: null });
      expect(report.disk_total_bytes).toBeGreaterThan(0);
    }
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
  });

  it('reports null totals when no path can be read', async () => {
    const report = await plugin.create(context({ paths: ['/no/such/mount'] })).collect(signal());
    expect(report).toMatchObject({ disk_used_bytes: null, disk_total_bytes: null });
  });

  it('validates its options with a hand-written Standard Schema', () => {
    const validate = (value) => plugin.options['~standard'].validate(value);
    expect(validate({})).toEqual({ value: { paths: ['/'] } });
    expect(validate({ paths: ['/', '/'] })).toEqual({ value: { paths: ['/'] } });
    expect(validate({ paths: [] }).issues).toEqual([{ message: 'must be a non-empty list of paths', path: ['paths'] }]);
    expect(validate({ paths: ['/', 3], pahts: [] }).issues).toEqual([
      { message: 'unknown option (known: paths)', path: ['pahts'] },
      { message: 'must be a non-empty string', path: ['paths', 1] },
    ]);
  });
});

describe('disk-usage, loaded through plugins.json', () => {
  it('by path, relative to the config file', async () => {
    const dir = project({});
    const path = relative(dir, join(PLUGIN_DIR, 'index.js'));
    writeFileSync(join(dir, 'plugins.json'), JSON.stringify({ collectors: [{ plugin: path }, { plugin: 'memory' }] }));
    const report = await collectWith(dir);
    expect(report.disk_total_bytes).toBeGreaterThan(0);
    expect(report.ram_total_bytes).toBeGreaterThan(0);
  });

  it('by package name, installed in node_modules beside the config, options checked and isolated', async () => {
    const dir = project({
      collectors: [{ plugin: 'sidecar-plugin-disk-usage', isolate: true, options: { paths: ['.', '/'] } }],
    });
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(PLUGIN_DIR, join(dir, 'node_modules', 'sidecar-plugin-disk-usage'), 'dir');
    const report = await collectWith(dir);
    expect(report.disks.map((d) => d.path)).toEqual([dir, '/']);
    expect(report.disk_total_bytes).toBeGreaterThan(0);
  });

  it('refuses invalid options with the entry’s JSON path', async () => {
    const dir = project({ collectors: [{ plugin: join(PLUGIN_DIR, 'index.js'), options: { paths: 'nope' } }] });
    const err = await collectWith(dir).catch((e) => e);
    expect(err.problems).toEqual([{ code: 'PLUGIN_OPTIONS_INVALID', path: 'collectors[0].options.paths', message: 'must be a non-empty list of paths' }]);
  });
});
