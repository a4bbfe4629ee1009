import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cpuPercent, timeKeysFor, type CpuSample, type CpuTimes } from '../../../../src/plugins/collectors/cpu/cpu-math.js';

const ZERO: CpuTimes = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
/** percent is cpuPercent with Linux's counters, where the five times are disjoint. */
const percent = (before: CpuSample, after: CpuSample) => cpuPercent(before, after, 'linux');
const sample = (...cores: Partial<CpuTimes>[]): CpuSample => cores.map((t) => ({ times: { ...ZERO, ...t } }));

describe('cpuPercent', () => {
  it('is busy over total time on one core', () => {
    const before = sample({ user: 100, sys: 50, idle: 850 });
    const after = sample({ user: 200, sys: 100, idle: 1700 }); // +150 busy, +850 idle
    expect(percent(before, after)).toBe(15);
  });

  it('counts every kind of non-idle time as busy', () => {
    const after = sample({ user: 10, nice: 20, sys: 30, irq: 40, idle: 900 });
    expect(percent(sample({}), after)).toBe(10);
  });

  it('averages all cores together, weighted by their time', () => {
    const before = sample({ idle: 0 }, { idle: 0 });
    const after = sample({ user: 1000 }, { idle: 1000 }); // one core saturated, one idle
    expect(percent(before, after)).toBe(50);
    const four = sample({ user: 1000 }, { idle: 1000 }, { idle: 1000 }, { idle: 1000 });
    expect(percent(sample({}, {}, {}, {}), four)).toBe(25);
  });

  it('is 0 when only idle time passed and 100 when none did', () => {
    expect(percent(sample({ idle: 5 }, { idle: 5 }), sample({ idle: 505 }, { idle: 905 }))).toBe(0);
    expect(percent(sample({ user: 5 }), sample({ user: 505, sys: 10 }))).toBe(100);
  });

  it('rounds to one decimal', () => {
    expect(percent(sample({}), sample({ user: 1, idle: 2 }))).toBe(33.3);
    expect(percent(sample({}), sample({ user: 2, idle: 1 }))).toBe(66.7);
  });

  it('is null when a counter goes backwards', () => {
    expect(percent(sample({ user: 500, idle: 500 }), sample({ user: 400, idle: 2000 }))).toBeNull();
    const before = sample({ idle: 100 }, { idle: 100 });
    expect(percent(before, sample({ idle: 200 }, { idle: 50 }))).toBeNull();
  });

  it('is null when no time passed, the core count changed, or a counter is not a number', () => {
    expect(percent(sample({ user: 7, idle: 9 }), sample({ user: 7, idle: 9 }))).toBeNull();
    expect(percent([], [])).toBeNull();
    expect(percent(sample({}), sample({ idle: 10 }, { idle: 10 }))).toBeNull();
    expect(percent(sample({}), sample({ user: Number.NaN, idle: 10 }))).toBeNull();
  });

  it('is always null or a one-decimal value in 0..100', () => {
    const times = fc.record({ user: fc.nat(), nice: fc.nat(), sys: fc.nat(), idle: fc.nat(), irq: fc.nat() });
    fc.assert(
      fc.property(fc.array(fc.tuple(times, times), { maxLength: 8 }), (cores) => {
        const value = percent(
          cores.map(([a]) => ({ times: a })),
          cores.map(([, b]) => ({ times: b })),
        );
        if (value === null) return;
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(100);
        expect(Math.round(value * 10)).toBeCloseTo(value * 10, 6);
      }),
    );
  });
});

describe('cpuPercent on Windows', () => {
  // Two readings in the shape Node gives on Windows, derived from the raw kernel counters (see its "about").
  const fixture = JSON.parse(
    readFileSync(fileURLToPath(new URL('./fixtures/win32/cpus.json', import.meta.url)), 'utf8'),
  ) as { before: CpuSample; after: CpuSample; expected_percent: number };

  it('does not count interrupt time twice: on win32 it is already inside sys', () => {
    expect(fixture.expected_percent).toBe(35);
    expect(cpuPercent(fixture.before, fixture.after, 'win32')).toBe(35);
    // The same readings with every counter added, as on Linux, would read 44 %: the 340 ms of interrupts twice.
    expect(cpuPercent(fixture.before, fixture.after, 'linux')).toBe(44);
  });

  it('lists the counters that make up a core\'s time on each platform', () => {
    expect(timeKeysFor('win32')).toEqual(['user', 'nice', 'sys', 'idle']);
    for (const platform of ['linux', 'darwin', 'freebsd'] as const) {
      expect(timeKeysFor(platform)).toEqual(['user', 'nice', 'sys', 'idle', 'irq']);
    }
  });
});
