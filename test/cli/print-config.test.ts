import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { cliEnv, runCli } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(doc: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-print-config-'));
  dirs.push(dir);
  const file = path.join(dir, 'plugins.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const TOKEN = 'tok-0123456789abcdef';

describe('sidecar print-config', () => {
  it('prints the effective config: variables substituted, defaults filled, secrets censored', async () => {
    const file = configFile({
      agent: { id: 'printed' },
      collectors: [{ plugin: 'cpu' }, { plugin: 'ollama-vram', options: { url: '${OLLAMA_URL:-http://10.0.0.5:11434}' } }, { plugin: 'gpu', enabled: false }],
      transports: [{ plugin: 'websocket', options: { url: 'ws://bob:pw@hub.example:4000/ws', token: '${SIDECAR_TOKEN}' } }],
    });
    const run = await runCli(['print-config', '--config', file], { env: cliEnv({ SIDECAR_TOKEN: TOKEN }) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(':pw@');
    const printed = JSON.parse(run.stdout) as Record<string, any>;
    expect(printed.agent).toEqual({ id: 'printed', name: 'printed', initial_delay_ms: 5000, interval_ms: 30000, jitter_ms: 0, identify_timeout_ms: 1000 });
    expect(printed.collectors[0]).toEqual({ plugin: 'cpu', enabled: true, timeout_ms: 2000, isolate: false, options: { first_window_ms: 250 } });
    expect(printed.collectors[1].options).toEqual({ url: 'http://10.0.0.5:11434', models: true });
    expect(printed.collectors[2]).toMatchObject({ plugin: 'gpu', enabled: false });
    expect(printed.transports[0].options).toMatchObject({ url: 'ws://bob:[REDACTED]@hub.example:4000/ws', token: '[REDACTED]', ping_interval_ms: 30000 });
  });

  it('reports a config problem as validate does (exit 2, one line each)', async () => {
    const file = configFile({ collectors: [{ plugin: 'cpu', options: { first_window_ms: 'soon' } }] });
    const run = await runCli(['print-config', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('collectors[0].options.first_window_ms');
  });
});

describe('--log-level', () => {
  it('is accepted by every command and overrides LOG_LEVEL', async () => {
    // An Ollama that refuses connections: the collector's failure is one warning.
    const file = configFile({ collectors: [{ plugin: 'ollama-vram', options: { url: 'http://127.0.0.1:9' } }] });
    const quiet = await runCli(['collect', '--config', file, '--log-level', 'silent'], { env: cliEnv({ LOG_LEVEL: 'debug' }) });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe('');
    const warned = await runCli(['collect', '--config', file, '--log-level', 'warn'], { env: cliEnv({ LOG_LEVEL: 'silent' }) });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('ECONNREFUSED');
    const commands = buildProgram().commands;
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const command of commands) expect(command.options.map((o) => o.long), command.name()).toContain('--log-level');
  });

  it('refuses an unknown level as a usage error', async () => {
    const run = await runCli(['validate', '--log-level', 'loud']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown level "loud"');
  });
});
