import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { readFixture, startFakeOllama, type FakeOllama } from '../helpers/fake-ollama.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
let ollama: FakeOllama;
const SHIPPED = path.resolve('plugins.json');

beforeAll(async () => {
  dir = tempDir('sidecar-cli-');
  ollama = await startFakeOllama(readFixture('ps-one-gpu.json'));
});
afterAll(() => ollama.close());

async function writeConfig(name: string, doc: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

describe('sidecar collect', () => {
  it('prints one correct report from the shipped plugins.json, with VRAM from Ollama', async () => {
    const { code, stdout } = await runCli(['collect', '--config', SHIPPED], { env: cliEnv({ OLLAMA_URL: ollama.url }) });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as Record<string, number | null | string>;
    expect(Object.keys(report)).toEqual([
      'type', 'agent_id', 'timestamp', 'cpu_percent', 'ram_total_bytes', 'ram_used_bytes', 'vram_used_bytes', 'vram_total_bytes',
      'ollama_models', 'gpu_vram_used_bytes', 'gpu_util_percent', 'gpus',
    ]);
    expect(report.type).toBe('resource_report');
    expect(Math.abs(Number(report.timestamp) - Date.now())).toBeLessThan(10_000);
    expect(report.cpu_percent).toBeGreaterThanOrEqual(0);
    expect(report.cpu_percent).toBeLessThanOrEqual(100);
    expect(Number.isInteger(report.ram_total_bytes)).toBe(true);
    expect(Number(report.ram_used_bytes)).toBeLessThanOrEqual(Number(report.ram_total_bytes));
    const expectedVram = (JSON.parse(readFixture('ps-one-gpu.json')) as { models: { size_vram: number }[] }).models
      .reduce((sum, m) => sum + m.size_vram, 0);
    expect(report.vram_used_bytes).toBe(expectedVram);
    expect(report.vram_total_bytes).toBeNull(); // no GPU tool on this machine, and Ollama has no total
    expect(report.ollama_models).toEqual([
      expect.objectContaining({ name: 'llama3.1:8b', size_bytes: expectedVram, vram_bytes: expectedVram, gpu_share: 1, context_length: 4096 }),
    ]);
  });

  it('reports null VRAM, a warning and exit 0 when Ollama is down', async () => {
    const { code, stdout, stderr } = await runCli(['collect', '--config', SHIPPED], { env: cliEnv({ OLLAMA_URL: 'http://127.0.0.1:9' }) });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report.vram_used_bytes).toBeNull();
    expect(typeof report.cpu_percent).toBe('number');
    const records = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = records.find((r) => r.plugin === 'ollama-vram');
    expect(warning).toMatchObject({ level: 40, plugin: 'ollama-vram' });
    expect(String(warning?.reason)).toContain('127.0.0.1:9');
  });

  it('leaves out the fields of a disabled collector', async () => {
    const file = await writeConfig('disabled.json', { collectors: [{ plugin: 'cpu', enabled: false }, { plugin: 'memory' }] });
    const { code, stdout } = await runCli(['collect', '-c', file]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).not.toHaveProperty('cpu_percent');
    expect(report).toHaveProperty('ram_total_bytes');
  });

  it('reads the config from $SIDECAR_CONFIG', async () => {
    const file = await writeConfig('env.json', { agent: { id: 'from-env' }, collectors: [{ plugin: 'memory' }] });
    const { code, stdout } = await runCli(['collect'], { env: cliEnv({ SIDECAR_CONFIG: file }), cwd: dir });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ agent_id: 'from-env' });
  });
});

describe('config and usage errors', () => {
  it.each([
    ['a missing file', null, /^.*missing\.json: file not found/],
    ['bad JSON', '{"collectors": [', /^.*bad-JSON\.json: invalid JSON/],
    ['an unknown key', { collectors: [{ plugin: 'cpu', enable: false }] }, /collectors\[0\]\.enable: unknown key .*did you mean "enabled"/],
    ['a wrong type', { collectors: [{ plugin: 'ollama-vram', options: { url: 5 } }] }, /collectors\[0\]\.options\.url: expected a string, got 5/],
    ['an unknown plugin', { collectors: [{ plugin: 'gpu-magic' }] }, /collectors\[0\]: .*"gpu-magic"/],
    ['an unset variable', { transports: [{ plugin: 'stdout', options: { x: '${SIDECAR_TEST_UNSET}' } }] }, /transports\[0\]\.options\.x: environment variable SIDECAR_TEST_UNSET is not set/],
  ])('%s: exit 2 with one clear line per problem, no stack', async (name, doc, message) => {
    const file = doc === null ? path.join(dir, 'missing.json') : await writeConfig(`${name.replace(/\W+/g, '-')}.json`, doc);
    for (const command of ['collect', 'validate', 'run', 'plugins']) {
      const { code, stdout, stderr } = await runCli([command, '--config', file]);
      expect(code, `${command}: ${stderr}`).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/^\s+at /m);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('lists every problem of a broken config at once', async () => {
    const file = await writeConfig('many.json', {
      agent: { interval_ms: 5 },
      collectors: [{ plugin: 'cpu', options: { first_window_ms: 'x' } }, { plugin: 'memory', options: { extra: 1 } }],
      transports: [{ plugin: 'websocket', options: { url: 'http://not-ws' } }],
    });
    const { code, stderr } = await runCli(['validate', '--config', file]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(': ')[1])).toEqual([
      'agent.interval_ms',
      'collectors[0].options.first_window_ms',
      'collectors[1].options.extra',
      'transports[0].options.url',
    ]);
    expect(lines.at(-1)).toBe('4 problems found');
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['collect', '--nope'], /unknown option '--nope'/],
    [['run', '--interval', 'fast'], /expected a whole number of milliseconds/],
    [['run', '--interval', '0'], /expected 100 to 86400000 milliseconds/],
    [['run', '--interval', '10000000000000'], /expected 100 to 86400000 milliseconds/],
    [['run', '--initial-delay', '86400001'], /expected 0 to 86400000 milliseconds/],
    [['dev', '--interval', '50'], /expected 100 to 86400000 milliseconds/],
  ])('usage error %j: exit 2', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('refuses an unknown LOG_LEVEL with exit 2', async () => {
    const { code, stderr } = await runCli(['collect', '--config', SHIPPED], { env: cliEnv({ LOG_LEVEL: 'loud' }) });
    expect(code).toBe(2);
    expect(stderr).toMatch(/LOG_LEVEL: unknown level "loud"/);
  });

  it('prints help and version with exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['collect', 'validate', 'plugins', 'run']) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync('package.json', 'utf8'))) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});

describe('sidecar validate and plugins', () => {
  it('validate prints a one-line summary of a good config', async () => {
    const { code, stdout } = await runCli(['validate', '--config', SHIPPED]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toContain('4 collectors (cpu, memory, ollama-vram, gpu), 1 transport (websocket)');
  });

  it('plugins lists kinds, sources, enabled state and shared fields', async () => {
    const file = await writeConfig('shared.json', {
      collectors: [{ plugin: 'ollama-vram' }, { plugin: 'ollama-vram', options: { url: 'http://127.0.0.1:11435' } }, { plugin: 'cpu', enabled: false }],
    });
    const { code, stdout } = await runCli(['plugins', '--config', file, '--json']);
    expect(code).toBe(0);
    const { plugins, shared_fields } = JSON.parse(stdout) as { plugins: Array<Record<string, unknown>>; shared_fields: Record<string, string[]> };
    expect(plugins.slice(0, 3).map((p) => [p.name, p.enabled])).toEqual([['ollama-vram#1', true], ['ollama-vram#2', true], ['cpu', false]]);
    expect(plugins.find((p) => p.name === 'stdout')).toMatchObject({ kind: 'transport', source: 'builtin', enabled: null, entry: null });
    expect(shared_fields.vram_used_bytes).toEqual(['ollama-vram#1', 'ollama-vram#2']);
    const table = await runCli(['plugins', '--config', file]);
    expect(table.stdout).toMatch(/^NAME\s+KIND\s+SOURCE\s+ENABLED/);
    expect(table.stdout).toContain('Field vram_used_bytes is provided by ollama-vram#1, ollama-vram#2');
  });
});
