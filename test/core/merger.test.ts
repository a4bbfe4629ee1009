import { describe, expect, it } from 'vitest';
import { MAX_VALUES_PER_COLLECTOR, mergeReports, pickFields, sanitizeValue, TooLargeError } from '../../src/core/merger.js';
import type { PartialReport } from '../../src/core/contracts/report.js';

/** outcome is what the cycle hands the merger: the declared fields, picked from a collector's answer. */
const outcome = (fields: string[], values: PartialReport | null) => ({ fields, values: values && pickFields(values, fields) });

describe('mergeReports', () => {
  it('builds the resource_report envelope around the fields', () => {
    const report = mergeReports([outcome(['cpu_percent'], { cpu_percent: 12.5 })], 'agent-1', 1700000000000);
    expect(report).toEqual({ type: 'resource_report', agent_id: 'agent-1', timestamp: 1700000000000, cpu_percent: 12.5 });
  });

  it('lets the first non-null value in config order win a shared field', () => {
    const report = mergeReports(
      [
        outcome(['vram_total_bytes', 'a'], { vram_total_bytes: null, a: 1 }),
        outcome(['vram_total_bytes'], { vram_total_bytes: 8 }),
        outcome(['vram_total_bytes'], { vram_total_bytes: 16 }),
      ],
      'x',
      1,
    );
    expect(report.vram_total_bytes).toBe(8);
  });

  it('keeps the first value even when a later collector also has one', () => {
    const report = mergeReports(
      [
        outcome(['f'], { f: 0 }),
        outcome(['f'], { f: 5 }),
      ],
      'x',
      1,
    );
    expect(report.f).toBe(0);
  });

  it('sets a failed collector’s fields to null, and a later collector can still fill them', () => {
    const report = mergeReports(
      [
        outcome(['a', 'b'], null),
        outcome(['b'], { b: 2 }),
      ],
      'x',
      1,
    );
    expect(report).toMatchObject({ a: null, b: 2 });
  });

  it('drops fields a collector did not declare, and reserved ones it tries to overwrite', () => {
    const report = mergeReports([outcome(['a'], { a: 1, sneaky: 2, type: 'evil', agent_id: 'other' })], 'me', 7);
    expect(report).toEqual({ type: 'resource_report', agent_id: 'me', timestamp: 7, a: 1 });
  });

  it('turns a declared but missing field into null', () => {
    expect(mergeReports([outcome(['a', 'b'], { a: 1 })], 'x', 1).b).toBeNull();
  });

  it.each([NaN, Infinity, -Infinity])('turns the non-finite number %s into null', (value) => {
    expect(mergeReports([outcome(['a'], { a: value })], 'x', 1).a).toBeNull();
  });
});

describe('pickFields', () => {
  it('fails the collector, not the report, when a getter throws', () => {
    const answer = {
      get exploding(): number {
        throw new Error('getter exploded');
      },
    };
    expect(() => pickFields(answer, ['exploding'])).toThrow('getter exploded');
  });

  it('refuses an answer past the size budget', () => {
    const huge = { list: Array.from({ length: MAX_VALUES_PER_COLLECTOR + 1 }, (_, i) => i) };
    expect(() => pickFields(huge, ['list'])).toThrow(TooLargeError);
  });

  it('cuts a self-referencing fan-out instead of expanding it', () => {
    const fan: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) fan[`k${i}`] = fan;
    const picked = pickFields({ fan_value: fan as never }, ['fan_value']);
    expect(picked.fan_value).toEqual(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, null])));
  });

  it('keeps a shared (not cyclic) object in both places', () => {
    const shared = { a: 1 };
    expect(pickFields({ pair: [shared, shared] }, ['pair']).pair).toEqual([{ a: 1 }, { a: 1 }]);
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
