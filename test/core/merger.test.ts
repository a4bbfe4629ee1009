import { describe, expect, it } from 'vitest';
import { mergeReports, sanitizeValue } from '../../src/core/merger.js';

describe('mergeReports', () => {
  it('builds the resource_report envelope around the fields', () => {
    const report = mergeReports([{ fields: ['cpu_percent'], values: { cpu_percent: 12.5 } }], 'agent-1', 1700000000000);
    expect(report).toEqual({ type: 'resource_report', agent_id: 'agent-1', timestamp: 1700000000000, cpu_percent: 12.5 });
  });

  it('lets the first non-null value in config order win a shared field', () => {
    const report = mergeReports(
      [
        { fields: ['vram_total_bytes', 'a'], values: { vram_total_bytes: null, a: 1 } },
        { fields: ['vram_total_bytes'], values: { vram_total_bytes: 8 } },
        { fields: ['vram_total_bytes'], values: { vram_total_bytes: 16 } },
      ],
      'x',
      1,
    );
    expect(report.vram_total_bytes).toBe(8);
  });

  it('keeps the first value even when a later collector also has one', () => {
    const report = mergeReports(
      [
        { fields: ['f'], values: { f: 0 } },
        { fields: ['f'], values: { f: 5 } },
      ],
      'x',
      1,
    );
    expect(report.f).toBe(0);
  });

  it('sets a failed collector’s fields to null, and a later collector can still fill them', () => {
    const report = mergeReports(
      [
        { fields: ['a', 'b'], values: null },
        { fields: ['b'], values: { b: 2 } },
      ],
      'x',
      1,
    );
    expect(report).toMatchObject({ a: null, b: 2 });
  });

  it('drops fields a collector did not declare, and reserved ones it tries to overwrite', () => {
    const report = mergeReports([{ fields: ['a'], values: { a: 1, sneaky: 2, type: 'evil', agent_id: 'other' } }], 'me', 7);
    expect(report).toEqual({ type: 'resource_report', agent_id: 'me', timestamp: 7, a: 1 });
  });

  it('turns a declared but missing field into null', () => {
    expect(mergeReports([{ fields: ['a', 'b'], values: { a: 1 } }], 'x', 1).b).toBeNull();
  });

  it.each([NaN, Infinity, -Infinity])('turns the non-finite number %s into null', (value) => {
    expect(mergeReports([{ fields: ['a'], values: { a: value } }], 'x', 1).a).toBeNull();
  });
});

describe('sanitizeValue', () => {
  it('cleans nested lists and objects', () => {
    expect(sanitizeValue({ gpus: [{ util: NaN, name: 'A' }, 3, () => 1, BigInt(2)] })).toEqual({
      gpus: [{ util: null, name: 'A' }, 3, null, null],
    });
  });

  it('refuses class instances and cycles instead of serializing them', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(sanitizeValue(new Date(0))).toBeNull();
    expect(JSON.stringify(sanitizeValue(cyclic))).toContain('null');
  });
});
