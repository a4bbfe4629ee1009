import { describe, expect, it } from 'vitest';
import { parseHubMessage } from '../../../../src/plugins/transports/websocket/hub-messages.js';
import { createRedactor } from '../../../../src/plugins/transports/websocket/redact.js';

describe('parseHubMessage: validation_failed with a malformed `errors`', () => {
  const parse = (frame: unknown, redact = (s: string) => s) => parseHubMessage(Buffer.from(JSON.stringify(frame)), false, redact);
  const failed = (errors: unknown) => parse({ type: 'error', error: 'validation_failed', message_type: 'resource_report', errors });
  const one = (detail: string) => ({ kind: 'validation_failed', messageType: 'resource_report', errors: [{ field: '?', error: 'unreadable', detail }] });

  it.each([
    [[null, 1], 'errors: [null,1]'],
    ['x', 'errors: "x"'],
    [undefined, 'errors: missing'],
    [[], 'errors: []'],
    [{ field: 'cpu_percent' }, 'errors: {"field":"cpu_percent"}'],
  ])('carries the raw errors %j as one entry, so its log line says something', (errors, detail) => {
    expect(failed(errors)).toEqual(one(detail));
  });

  it('gives an entry with nothing readable its own JSON, without `value` (it may echo what we sent)', () => {
    expect(failed([{ field: null, value: 'sent' }, { field: 'cpu_percent', error: 'wrong_type', detail: 'expected a number, got string' }])).toEqual({
      kind: 'validation_failed',
      messageType: 'resource_report',
      errors: [
        { field: '?', error: 'unreadable', detail: '{"field":null}' },
        { field: 'cpu_percent', error: 'wrong_type', detail: 'expected a number, got string' },
      ],
    });
  });

  it('keeps well-formed entries as they are, dropping stray non-objects beside them', () => {
    expect(failed([{ field: 'ram_used_bytes', error: 'wrong_type', detail: 'd', value: true }, 7])).toEqual({
      kind: 'validation_failed',
      messageType: 'resource_report',
      errors: [{ field: 'ram_used_bytes', error: 'wrong_type', detail: 'd' }],
    });
  });

  it('cuts the raw text to 200 characters and redacts it first', () => {
    const long = failed(Array.from({ length: 500 }, () => 1));
    expect(long).toMatchObject({ errors: [{ detail: expect.stringMatching(/^errors: \[1,1,.*\.\.\.$/) }] });
    expect(long.kind === 'validation_failed' && long.errors[0]!.detail.length).toBe(200);
    const redact = createRedactor('tok-secret-1', 'ws://u:pw-secret-2@hub/ws');
    for (const errors of ['tok-secret-1', [['pw-secret-2']], [{ x: 'tok-secret-1' }], `${'x'.repeat(190)}tok-secret-1`]) {
      const message = parse({ type: 'error', error: 'validation_failed', message_type: 'identify', errors }, redact);
      expect(message.kind).toBe('validation_failed');
      expect(JSON.stringify(message)).not.toMatch(/secret|pw-se|tok-se/);
    }
  });
});
