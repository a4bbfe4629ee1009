import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildJsonSchema } from '../../../src/core/config/json-schema.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';

const committed = JSON.parse(readFileSync(new URL('../../../plugins.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const shipped = JSON.parse(readFileSync(new URL('../../../plugins.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ strict: false }).compile(committed);

describe('plugins.schema.json', () => {
  it('is what the validators generate today (run `npm run schema` after changing them)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildJsonSchema(BUILTIN_PLUGINS))));
  });

  it('accepts the shipped plugins.json, which points editors at it', () => {
    expect(shipped.$schema).toBe('./plugins.schema.json');
    expect(validate(shipped), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['a typo in an entry', { collectors: [{ plugin: 'cpu', enabeld: true }] }],
    ['a built-in option of the wrong type', { collectors: [{ plugin: 'cpu', options: { first_window_ms: 'soon' } }] }],
    ['an unknown built-in option', { transports: [{ plugin: 'websocket', options: { url: 'ws://h/ws', tokn: 'x' } }] }],
    ['an interval below the minimum', { agent: { interval_ms: 5 } }],
  ])('flags %s, as the sidecar does', (_name, doc) => {
    expect(validate(doc)).toBe(false);
  });
});
