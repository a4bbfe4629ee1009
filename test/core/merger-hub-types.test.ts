import { describe, expect, it } from 'vitest';
import { HUB_IDENTIFY_FIELDS, HUB_REPORT_FIELDS, hubFieldMismatch, hubFieldRule } from '../../src/core/contracts/report.js';
import { mergeReports, notAReport, pickFields, type WrongType } from '../../src/core/merger.js';
import { validateFrame } from '../../src/hub/validate-frame.js';

const picked = (values: Record<string, unknown>, fields = Object.keys(values)) => {
  const wrongTypes: WrongType[] = [];
  return { values: pickFields(values as never, fields, wrongTypes), wrongTypes };
};

describe('HUB_REPORT_FIELDS', () => {
  it('lists exactly the report fields the hub checks (PROTOCOL.md), apart from the framework’s own', () => {
    expect(Object.keys(HUB_REPORT_FIELDS).sort()).toEqual(['cpu_percent', 'ram_total_bytes', 'ram_used_bytes', 'vram_total_bytes', 'vram_used_bytes']);
    expect(HUB_REPORT_FIELDS.cpu_percent!.type).toBe('number');
    for (const field of ['ram_total_bytes', 'ram_used_bytes', 'vram_total_bytes', 'vram_used_bytes']) expect(HUB_REPORT_FIELDS[field]!.type).toBe('integer');
  });

  it('has no rule for inherited names such as "constructor"', () => {
    expect(hubFieldRule(HUB_REPORT_FIELDS, 'constructor')).toBeUndefined();
    expect(picked({ constructor: 'x' }).values).toEqual({ constructor: 'x' });
  });
});

describe('pickFields: hub fields of the wrong type', () => {
  it.each([
    ['cpu_percent', '12.5', 'a number', 'a string'],
    ['cpu_percent', true, 'a number', 'a boolean'],
    ['cpu_percent', [12.5], 'a number', 'a list'],
    ['cpu_percent', { value: 12.5 }, 'a number', 'an object'],
    ['ram_used_bytes', true, 'an integer', 'a boolean'],
    ['ram_used_bytes', 1.5, 'an integer', 'a number with a fraction'],
    ['ram_total_bytes', '17179869184', 'an integer', 'a string'],
    ['vram_used_bytes', 4.25, 'an integer', 'a number with a fraction'],
    ['vram_total_bytes', 2 ** 60, 'an integer', 'an integer beyond 2^53'],
  ])('turns %s = %j into null and names it', (field, value, expected, got) => {
    const { values, wrongTypes } = picked({ [field]: value, other: 'kept' });
    expect(values).toEqual({ [field]: null, other: 'kept' });
    expect(wrongTypes).toEqual([{ field, expected, got }]);
  });

  it('keeps right-typed values and null, and says nothing', () => {
    const good = { cpu_percent: 12.5, ram_used_bytes: 1024, ram_total_bytes: 4096, vram_used_bytes: 0, vram_total_bytes: null };
    const { values, wrongTypes } = picked(good);
    expect(values).toEqual(good);
    expect(wrongTypes).toEqual([]);
  });

  it('leaves fields the hub does not know alone, whatever their type', () => {
    const { values, wrongTypes } = picked({ gpus: [{ util: '9' }], disk_free: '3', cpu_temp: true });
    expect(values).toEqual({ gpus: [{ util: '9' }], disk_free: '3', cpu_temp: true });
    expect(wrongTypes).toEqual([]);
  });

  it('nulls the value even when no list is passed to collect the problems', () => {
    expect(pickFields({ cpu_percent: '1' }, ['cpu_percent'])).toEqual({ cpu_percent: null });
  });

  it('lets a later collector with a right-typed value fill the field, and the hub accepts the report', () => {
    const bad = pickFields({ cpu_percent: '12.5', ram_used_bytes: true }, ['cpu_percent', 'ram_used_bytes']);
    const good = pickFields({ cpu_percent: 7 }, ['cpu_percent']);
    const report = mergeReports([{ fields: ['cpu_percent', 'ram_used_bytes'], values: bad }, { fields: ['cpu_percent'], values: good }], 'a1', 1);
    expect(report).toMatchObject({ cpu_percent: 7, ram_used_bytes: null });
    expect(validateFrame('resource_report', { ...report, protocol_version: 1 })).toEqual([]);
  });
});

describe('notAReport', () => {
  it.each([
    [[1, 2], 'a list'],
    ['text', 'a string'],
    [42, 'an integer'],
    [null, 'null'],
    [undefined, 'undefined'],
    [true, 'a boolean'],
  ])('names %j as not a report', (value, what) => {
    expect(notAReport(value)).toBe(what);
  });

  it('accepts an object', () => {
    expect(notAReport({})).toBeUndefined();
    expect(notAReport(Object.create(null))).toBeUndefined();
  });
});

describe('hubFieldMismatch for identify fields', () => {
  const rule = (field: string) => hubFieldRule(HUB_IDENTIFY_FIELDS, field)!;
  it('checks strings, their limits and lists of strings', () => {
    expect(hubFieldMismatch('ok', rule('status'))).toBeUndefined();
    expect(hubFieldMismatch(123, rule('status'))).toBe('an integer');
    expect(hubFieldMismatch('x'.repeat(256), rule('name'))).toBeUndefined();
    expect(hubFieldMismatch('x'.repeat(257), rule('name'))).toBe('a string of 257 characters');
    expect(hubFieldMismatch('x'.repeat(512), rule('ollama_url'))).toBeUndefined();
    expect(hubFieldMismatch('x'.repeat(513), rule('ollama_url'))).toBe('a string of 513 characters');
    expect(hubFieldMismatch(['gpu', 'cuda'], rule('capabilities'))).toBeUndefined();
    expect(hubFieldMismatch('gpu', rule('capabilities'))).toBe('a string');
    expect(hubFieldMismatch(['gpu', 1], rule('capabilities'))).toBe('a list with an item that is not a string');
    expect(hubFieldMismatch(null, rule('capabilities'))).toBeUndefined();
  });
});
