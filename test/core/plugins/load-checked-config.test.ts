import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../../src/core/errors.js';
import { loadCheckedConfig } from '../../../src/core/plugins/load-checked-config.js';
import { resolvePlugins } from '../../../src/core/plugins/resolve-entries.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';
import { builtins, collector } from '../../helpers/test-plugins.js';
import { tempDir } from '../../helpers/temp-dir.js';

const urlCollector = collector('probe', ['p'], () => ({}), { options: z.strictObject({ url: z.url(), depth: z.int().default(1) }) });

async function problems(doc: unknown, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const dir = tempDir('sidecar-checked-');
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify(doc));
  const err = await loadCheckedConfig(file, builtins(urlCollector), env).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('loadCheckedConfig', () => {
  it('reports file problems and plugin option problems together, in file order', async () => {
    const found = await problems({
      agent: { interval_ms: 1 },
      collectors: [{ plugin: 'probe', options: { url: 'not a url' } }, { plugin: 'probe', nonsense: true }],
    });
    expect(found.map((line) => line.split(':')[0])).toEqual(['agent.interval_ms', 'collectors[0].options.url', 'collectors[1].nonsense']);
  });

  it('does not complain twice about a value whose variable is unset', async () => {
    const found = await problems({ agent: { id: 5 }, collectors: [{ plugin: 'probe', options: { url: '${PROBE_URL}' } }] });
    expect(found).toEqual([
      'agent.id: expected a string, got 5',
      'collectors[0].options.url: environment variable PROBE_URL is not set (use ${PROBE_URL:-default} to give a default)',
    ]);
  });

  it('never echoes a value under a secret key, even a wrongly typed one', async () => {
    const dir = tempDir('sidecar-checked-');
    const file = path.join(dir, 'plugins.json');
    await writeFile(file, JSON.stringify({ transports: [{ plugin: 'websocket', options: { url: 'ws://127.0.0.1:1/ws', token: 12345678 } }] }));
    const config = await loadCheckedConfig(file, BUILTIN_PLUGINS, {});
    const err = (await resolvePlugins(config, BUILTIN_PLUGINS).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['transports[0].options.token: expected a string, got a number']);
    expect(err.message).not.toContain('12345678');
  });

  it('never echoes a value under a secret parent key or in a secret list, whatever validator words the message', async () => {
    // A validator whose messages show the value, as valibot's own do ("Expected string but received 1234").
    const echoing = {
      '~standard': {
        version: 1 as const,
        vendor: 'echoing',
        validate: (input: unknown) => {
          const o = input as { auth: { value: unknown }; api_keys: unknown[]; depth: unknown };
          const bad = (value: unknown, path: PropertyKey[]) => ({ message: `Invalid type: Expected string but received ${JSON.stringify(value)}`, path });
          return { issues: [bad(o.auth.value, ['auth', 'value']), bad(o.api_keys[1], ['api_keys', 1]), bad(o.depth, ['depth'])] };
        },
      },
    };
    const vault = collector('vault', ['v'], () => ({}), { options: echoing as never });
    const dir = tempDir('sidecar-checked-');
    const file = path.join(dir, 'plugins.json');
    const options = { auth: { value: 98765432101 }, api_keys: ['fine', 12345678901], depth: 'x' };
    await writeFile(file, JSON.stringify({ collectors: [{ plugin: 'vault', options }] }));
    const config = await loadCheckedConfig(file, builtins(vault), {});
    const err = (await resolvePlugins(config, builtins(vault)).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.map((p) => p.path).sort()).toEqual(['collectors[0].options.api_keys[1]', 'collectors[0].options.auth.value', 'collectors[0].options.depth']);
    expect(err.message).not.toMatch(/98765432101|12345678901/);
    expect(err.message).toContain('collectors[0].options.auth.value: Invalid type: Expected string but received a number');
    expect(err.message).toContain('collectors[0].options.depth: Invalid type: Expected string but received "x"');
  });
});
