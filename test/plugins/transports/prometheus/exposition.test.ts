import { describe, expect, it } from 'vitest';
import { parseExposition } from './exposition.js';

// The tests read metrics pages through this parser, so it gets a test of its own.
describe('exposition parser (test helper)', () => {
  it('reads HELP, TYPE, labels with escapes, special values and timestamps', () => {
    const page = parseExposition(
      [
        '# HELP up Whether the target is up.\\nSecond line.',
        '# TYPE up gauge',
        'up{job="a\\"b",path="C:\\\\x",note="l1\\nl2"} 1',
        'up 0 1700000000000',
        '# TYPE t counter',
        't_total{a="1",} +Inf',
        't_total NaN',
        '',
      ].join('\n'),
    );
    expect(page.family('up')).toMatchObject({ type: 'gauge', help: 'Whether the target is up.\nSecond line.' });
    expect(page.samples('up')[0]).toEqual({ name: 'up', labels: { job: 'a"b', path: 'C:\\x', note: 'l1\nl2' }, value: 1 });
    expect(() => page.value('up')).toThrow(/2 samples/);
    expect(page.samples('up')[1]?.value).toBe(0);
    expect(page.value('t_total', { a: '1' })).toBe(Infinity);
    expect(page.samples('t_total')[1]?.value).toBeNaN();
  });

  it('rejects what it does not understand', () => {
    expect(() => parseExposition('up{job="x} 1')).toThrow(/line 1/);
    expect(() => parseExposition('up one')).toThrow(/bad value/);
    expect(() => parseExposition('up{job="x",job="y"} 1')).toThrow(/repeated/);
    expect(() => parseExposition('up{job="\\t"} 1')).toThrow(/bad escape/);
  });
});
