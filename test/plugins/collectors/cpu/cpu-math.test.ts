import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuPercent, type CpuSample, type CpuTimes } from '../../../../src/plugins/collectors/cpu/cpu-math.js';

const ZERO: CpuTimes = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
const sample = (...cores: Partial<CpuTimes>[]): CpuSample => cores.map((t) => ({ times: { ...ZERO, ...t } }));

describe('cpuPercent', () => {
  it('is busy over total time on one core', () => {
    const before = sample({ user: 100, sys: 50, idle: 850 });
    const after = sample({ user: 200, sys: 100, idle: 1700 }); // +150 busy, +850 idle
    expect(cpuPercent(before, after)).toBe(15);
  });

  it('counts every kind of non-idle time as busy', () => {
    const after = sample({ user: 10, nice: 20, sys: 30, irq: 40, idle: 900 });
    expect(cpuPercent(sample({}), after)).toBe(10);
  });

  it('averages all cores together, weighted by their time', () => {
    const before = sample({ idle: 0 }, { idle: 0 });
    const after = sample({ user: 1000 }, { idle: 1000 }); // one core saturated, one idle
    expect(cpuPercent(before, after)).toBe(50);
    const four = sample({ user: 1000 }, { idle: 1000 }, { idle: 1000 }, { idle: 1000 });
    expect(cpuPercent(sample({}, {}, {}, {}), four)).toBe(25);
  });

  it('is 0 when only idle time passed and 100 when none did', () => {
    expect(cpuPercent(sample({ idle: 5 }, { idle: 5 }), sample({ idle: 505 }, { idle: 905 }))).toBe(0);
    expect(cpuPercent(sample({ user: 5 }), sample({ user: 505, sys: 10 }))).toBe(100);
  });

  it('rounds to one decimal', () => {
    expect(cpuPercent(sample({}), sample({ user: 1, idle: 2 }))).toBe(33.3);
    expect(cpuPercent(sample({}), sample({ user: 2, idle: 1 }))).toBe(66.7);
  });

  it('is null when a counter goes backwards', () => {
    expect(cpuPercent(sample({ user: 500, idle: 500 }), sample({ user: 400, idle: 2000 }))).toBeNull();
    const before = sample({ idle: 100 }, { idle: 100 });
    expect(cpuPercent(before, sample({ idle: 200 }, { idle: 50 }))).toBeNull();
  });

  it('is null when no time passed, the core count changed, or a counter is not a number', () => {
    expect(cpuPercent(sample({ user: 7, idle: 9 }), sample({ user: 7, idle: 9 }))).toBeNull();
    expect(cpuPercent([], [])).toBeNull();
    expect(cpuPercent(sample({}), sample({ idle: 10 }, { idle: 10 }))).toBeNull();
    expect(cpuPercent(sample({}), sample({ user: Number.NaN, idle: 10 }))).toBeNull();
  });

  it('is always null or a one-decimal value in 0..100', () => {
    const times = fc.record({ user: fc.nat(), nice: fc.nat(), sys: fc.nat(), idle: fc.nat(), irq: fc.nat() });
    fc.assert(
      fc.property(fc.array(fc.tuple(times, times), { maxLength: 8 }), (cores) => {
        const value = cpuPercent(
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
