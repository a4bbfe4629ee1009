import { writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/core/config/load-config.js';
import { ConfigError, ErrorCode } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfigText(text, 'plugins.json', env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfigText', () => {
  it('fills the documented defaults', () => {
    const config = parseConfigText('{"collectors":[{"plugin":"cpu"}]}', 'plugins.json', {});
    expect(config.agent).toEqual({ id: hostname(), name: hostname(), initial_delay_ms: 5000, interval_ms: 30000, jitter_ms: 0, identify_timeout_ms: 1000 });
    expect(config.collectors).toEqual([{ plugin: 'cpu', enabled: true, isolate: false, options: {} }]);
    expect(config.transports).toEqual([]);
  });

  it('uses the id as the name when only the id is given', () => {
    const config = parseConfigText('{"agent":{"id":"gpu-box-1"}}', 'plugins.json', {});
    expect(config.agent.name).toBe('gpu-box-1');
  });

  it('substitutes ${VAR} and ${VAR:-default} in every string, and $$ as a literal $', () => {
    const text = JSON.stringify({
      agent: { id: '${HOST_ID}', name: 'x-${SUFFIX:-none}' },
      transports: [{ plugin: 'stdout', options: { a: '${EMPTY:-fallback}', b: 'cost $$5', c: ['${HOST_ID}'] } }],
    });
    const config = parseConfigText(text, 'plugins.json', { HOST_ID: 'h1', EMPTY: '' });
    expect(config.agent.id).toBe('h1');
    expect(config.agent.name).toBe('x-none');
    expect(config.transports[0]!.options).toEqual({ a: 'fallback', b: 'cost $5', c: ['h1'] });
  });

  it('names an unset variable without a default, and where it is used', () => {
    const err = problemsOf('{"collectors":[{"plugin":"x","options":{"url":"${NOT_SET_ANYWHERE}"}}]}');
    expect(err.problems).toEqual([
      expect.objectContaining({ code: ErrorCode.CONFIG_ENV_UNSET, path: 'collectors[0].options.url' }),
    ]);
    expect(err.message).toMatch(/^plugins\.json: collectors\[0\]\.options\.url: environment variable NOT_SET_ANYWHERE is not set/);
  });

  it('reports every problem at once, each with file and JSON path', () => {
    const err = problemsOf(
      JSON.stringify({
        agent: { interval_ms: 'soon', initial_delay_ms: -1 },
        collectors: [{ plugin: 'cpu', enabeld: false }, { plugin: 3 }, { plugin: 'memory', timeout_ms: 0 }],
        transport: [],
      }),
    );
    const paths = err.problems.map((p) => p.path).sort();
    expect(paths).toEqual([
      'agent.initial_delay_ms',
      'agent.interval_ms',
      'collectors[0].enabeld',
      'collectors[1].plugin',
      'collectors[2].timeout_ms',
      'transport',
    ]);
    for (const line of err.message.split('\n')) expect(line).toMatch(/^plugins\.json: [a-z_]+(\[\d\])?(\.[a-z_]+)*: \S/);
  });

  it('calls an unknown key a typo and suggests the nearest known key', () => {
    const err = problemsOf('{"collectors":[{"plugin":"cpu","timout_ms":5}]}');
    expect(err.problems[0]!.message).toContain('did you mean "timeout_ms"?');
  });

  it('says what type was expected and what was found', () => {
    const err = problemsOf('{"collectors":[{"plugin":"cpu","enabled":"yes"}]}');
    expect(err.message).toBe('plugins.json: collectors[0].enabled: expected true or false, got "yes"');
  });

  it.each([
    ['', /the file is empty/],
    ['{"agent": {', /invalid JSON/],
    ['{"agent": {}}}', /invalid JSON at line 1/],
    ['{\n  "agent": {\n    "id": "a",\n  }\n}', /invalid JSON at line 4/],
  ])('locates JSON syntax errors: %j', (text, message) => {
    const err = problemsOf(text);
    expect(err.code).toBe(ErrorCode.CONFIG_SYNTAX);
    expect(err.message).toMatch(message);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('locates a syntax error V8 reports without a position, on one line', () => {
    const err = problemsOf('{\n  "agent": {\n    "id": tru\n  }\n}');
    expect(err.message).toBe("plugins.json: invalid JSON at line 3, column 14: Unexpected token '\\n'");
  });

  it('quotes a malformed ${...} reference so the message stays on one line', () => {
    const err = problemsOf(JSON.stringify({ agent: { id: '${a\nb}' } }));
    expect(err.problems).toEqual([expect.objectContaining({ path: 'agent.id', message: 'invalid variable reference "${a\\nb}"' })]);
  });

  it('refuses a default that holds another ${...} reference, rather than leaving it in the value', () => {
    const err = problemsOf(JSON.stringify({ agent: { id: '${NODE_ID:-${HOST_ID}}' } }));
    expect(err.problems).toEqual([
      expect.objectContaining({ path: 'agent.id', message: 'the default of ${NODE_ID:-...} cannot hold another ${...} reference' }),
    ]);
  });

  it('treats a "__proto__" key as an unknown key, not as a way to set values', () => {
    const err = problemsOf('{"collectors":[{"plugin":"cpu","__proto__":{"enabled":false}}]}');
    expect(err.problems.map((p) => p.path)).toEqual(['collectors[0].__proto__']);
  });

  it.each(['[]', 'null', '42', '"plugins"'])('rejects a document that is not an object: %s', (text) => {
    expect(problemsOf(text).message).toMatch(/^plugins\.json: expected an object, got/);
  });

  it('enforces the hub string limits on the agent', () => {
    const err = problemsOf(JSON.stringify({ agent: { id: 'a'.repeat(129) } }));
    expect(err.problems[0]).toMatchObject({ path: 'agent.id', message: 'must be at most 128 characters' });
  });
});

describe('loadConfig', () => {
  it('names a missing file', async () => {
    const file = path.join(tmpdir(), 'no-such-dir-sidecar', 'plugins.json');
    await expect(loadConfig(file)).rejects.toMatchObject({ code: ErrorCode.CONFIG_NOT_FOUND, message: expect.stringContaining(file) });
  });

  it('names a directory given as the file', async () => {
    await expect(loadConfig(tmpdir())).rejects.toMatchObject({ code: ErrorCode.CONFIG_UNREADABLE });
  });

  it('reads a file and records its directory for relative plugin paths', async () => {
    const dir = tempDir('sidecar-config-');
    const file = path.join(dir, 'plugins.json');
    await writeFile(file, '\uFEFF{"agent":{"id":"a"}}');
    const config = await loadConfig(file, {});
    expect(config.dir).toBe(dir);
    expect(config.file).toBe(file);
  });

  it('accepts the shipped plugins.json', async () => {
    const config = await loadConfig(new URL('../../../plugins.json', import.meta.url).pathname, {});
    expect(config.collectors.map((c) => c.plugin)).toEqual(['cpu', 'memory', 'ollama-vram', 'gpu']);
    expect(config.collectors[2]!.options).toEqual({ url: 'http://127.0.0.1:11434' });
    expect(config.transports[0]!.options).toEqual({ url: 'ws://127.0.0.1:4000/ws', token: '' });
  });
});
