import { describe, expect, it } from 'vitest';
import { createCpuCollector } from '../../../../src/plugins/collectors/cpu/collector.js';
import type { CpuSample } from '../../../../src/plugins/collectors/cpu/cpu-math.js';
import { cpuCollector } from '../../../../src/plugins/collectors/cpu/index.js';

const core = (busy: number, idle: number) => ({ times: { user: busy, nice: 0, sys: 0, idle, irq: 0 } });

/** scripted returns a reader that hands out the given samples in order and counts the calls. */
function scripted(...samples: CpuSample[]) {
  const reader = Object.assign(
    () => {
      const next = samples[reader.calls++];
      if (!next) throw new Error('reader called more often than scripted');
      return next;
    },
    { calls: 0 },
  );
  return reader;
}

const never = () => new AbortController().signal;

describe('cpu collector', () => {
  it('waits first_window_ms between two samples on the first collection', async () => {
    const read = scripted([core(0, 0), core(0, 0)], [core(30, 70), core(10, 90)]);
    const collector = createCpuCollector({ first_window_ms: 60 }, read);
    const started = performance.now();
    const report = await collector.collect(never());
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(read.calls).toBe(2);
    expect(report).toEqual({ cpu_percent: 20 });
  });

  it('later collections compare with the previous one without waiting', async () => {
    const read = scripted([core(0, 0)], [core(50, 50)], [core(50, 150)], [core(150, 150)]);
    const collector = createCpuCollector({ first_window_ms: 10 }, read);
    expect(await collector.collect(never())).toEqual({ cpu_percent: 50 });
    const started = performance.now();
    expect(await collector.collect(never())).toEqual({ cpu_percent: 0 });
    expect(await collector.collect(never())).toEqual({ cpu_percent: 100 });
    expect(performance.now() - started).toBeLessThan(50);
    expect(read.calls).toBe(4);
  });

  it('reports null when counters went backwards, then recovers from the new baseline', async () => {
    const read = scripted([core(100, 100)], [core(200, 200)], [core(10, 10)], [core(20, 40)]);
    const collector = createCpuCollector({ first_window_ms: 10 }, read);
    expect(await collector.collect(never())).toEqual({ cpu_percent: 50 });
    expect(await collector.collect(never())).toEqual({ cpu_percent: null });
    expect(await collector.collect(never())).toEqual({ cpu_percent: 25 });
  });

  it('rejects promptly when aborted during the first window, and keeps the first sample as baseline', async () => {
    const read = scripted([core(0, 0)], [core(40, 60)]);
    const collector = createCpuCollector({ first_window_ms: 5000 }, read);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const started = performance.now();
    await expect(collector.collect(controller.signal)).rejects.toThrow(/aborted during the first 5000 ms/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(read.calls).toBe(1);
    expect(await collector.collect(never())).toEqual({ cpu_percent: 40 });
  });

  it('rejects at once, without sampling, when the signal is already aborted', async () => {
    const read = scripted();
    const collector = createCpuCollector({ first_window_ms: 5000 }, read);
    await expect(collector.collect(AbortSignal.abort())).rejects.toThrow();
    expect(read.calls).toBe(0);
  });

  it('counts the counters of the platform it was built for (interrupts are inside sys on win32)', async () => {
    const withIrq = (sys: number, irq: number, idle: number) => [{ times: { user: 0, nice: 0, sys, idle, irq } }];
    const samples = (): CpuSample[] => [withIrq(0, 0, 0), withIrq(30, 20, 70)];
    expect(await createCpuCollector({ first_window_ms: 10 }, scripted(...samples()), 'win32').collect(never())).toEqual({ cpu_percent: 30 });
    expect(await createCpuCollector({ first_window_ms: 10 }, scripted(...samples()), 'linux').collect(never())).toEqual({ cpu_percent: 41.7 });
  });

  it('reads the real os.cpus() by default', async () => {
    const collector = createCpuCollector({ first_window_ms: 20 });
    const { cpu_percent } = await collector.collect(never());
    // null is allowed (a platform without per-core times), a guess is not.
    if (cpu_percent !== null) {
      expect(cpu_percent).toBeGreaterThanOrEqual(0);
      expect(cpu_percent).toBeLessThanOrEqual(100);
    }
  });
});

describe('cpu manifest', () => {
  const validate = (value: unknown) => cpuCollector.options!['~standard'].validate(value);

  it('declares its field and fills the default window', () => {
    expect(cpuCollector).toMatchObject({ kind: 'collector', apiVersion: 1, name: 'cpu', fields: ['cpu_percent'] });
    expect(validate({})).toEqual({ value: { first_window_ms: 250 } });
    expect(validate({ first_window_ms: 10 })).toEqual({ value: { first_window_ms: 10 } });
  });

  it.each([[9], [5001], [12.5], ['250']])('rejects first_window_ms %j', (bad) => {
    expect(validate({ first_window_ms: bad })).toMatchObject({ issues: [{ path: ['first_window_ms'] }] });
  });

  it('rejects unknown options', () => {
    expect(validate({ first_window: 100 })).toHaveProperty('issues');
  });
});
