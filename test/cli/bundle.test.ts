import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from '../helpers/cli.js';

const run = promisify(execFile);
const DIST = path.resolve('dist');
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// The `sidecar` command is an esbuild bundle (scripts/bundle.js): dist/cli.js, its chunks and the isolation
// worker. Copied alone into an empty directory, with only a node_modules for what it leaves external, it must
// still work: a path it resolved into the source tree (src/, tsc's dist/ modules, the checkout's package.json)
// would fail here, where those do not exist.
let root: string;
let bundleFiles: string[];

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'sidecar-bundle-'));
  mkdirSync(path.join(root, 'dist'));
  bundleFiles = readdirSync(DIST).filter((name) => /^(cli|worker-entry|cli-chunk-[^.]+)\.js$/.test(name));
  for (const name of bundleFiles) cpSync(path.join(DIST, name), path.join(root, 'dist', name));
  symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'), 'dir');
  writeFileSync(path.join(root, 'plugin.mjs'), "export default { apiVersion: 1, kind: 'collector', name: 'local', fields: ['local_value'], create() { return { collect() { return { local_value: 7 }; } }; } };\n");
  writeFileSync(
    path.join(root, 'plugins.json'),
    JSON.stringify({
      agent: { id: 'bundle-test' },
      collectors: [{ plugin: 'memory', isolate: true }, { plugin: './plugin.mjs', isolate: true }, { plugin: 'cpu', options: { first_window_ms: 10 } }],
      transports: [{ plugin: 'prometheus', enabled: false }],
    }),
  );
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sidecar = (...args: string[]) => run(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: root, env: cliEnv({ LOG_LEVEL: 'warn' }), timeout: 20_000 });

describe('the bundled command', () => {
  it('is the entry, its chunks and the isolation worker, naming no file of the source tree', () => {
    expect(bundleFiles).toEqual(expect.arrayContaining(['cli.js', 'worker-entry.js']));
    for (const name of bundleFiles) {
      const text = readFileSync(path.join(DIST, name), 'utf8');
      expect(text, name).not.toContain(path.resolve('.'));
      // A package's own build/src/... names (esbuild keeps them as module ids) are not the source tree.
      expect(text.replace(/['"`]node_modules\/[^'"`]*['"`]/g, '""'), name).not.toMatch(/['"`][^'"`]*\bsrc\/[\w/.-]+\.[jt]s['"`]/);
    }
  });

  it('prints the version it was built with, without a package.json beside it', async () => {
    const { stdout } = await run(process.execPath, [path.join(root, 'dist', 'cli.js'), '--version'], { cwd: tmpdir() });
    expect(stdout.trim()).toBe(version);
  });

  it('validates and collects from the copy, isolated collectors in its own worker included', async () => {
    expect((await sidecar('validate')).stdout).toContain('OK');
    const report = JSON.parse((await sidecar('collect')).stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ agent_id: 'bundle-test', local_value: 7 });
    expect(report.ram_total_bytes).toEqual(expect.any(Number));
    expect(report.cpu_percent).toEqual(expect.any(Number));
  });
});
