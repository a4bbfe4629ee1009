import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../src/core/scheduler.js';
import { systemClock } from '../../src/core/contracts/clock.js';
import { memoryLogger } from '../helpers/memory-logger.js';

describe('Scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires first after the initial delay, then on every interval', async () => {
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(Date.now()), { initialDelayMs: 5000, intervalMs: 30000 }, systemClock, memoryLogger().logger);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(4999);
    expect(starts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1 + 30000 * 3);
    expect(starts.map((t) => t - 1_000_000)).toEqual([5000, 35000, 65000, 95000]);
    await scheduler.stop();
  });

  it('does not drift when each tick takes time', async () => {
    const starts: number[] = [];
    const scheduler = new Scheduler(
      async () => {
        starts.push(Date.now());
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
      { initialDelayMs: 0, intervalMs: 1000 },
      systemClock,
      memoryLogger().logger,
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts.map((t) => t - 1_000_000)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopped;
  });

  it('never overlaps a slow tick and skips the ticks it covered', async () => {
    let running = 0;
    let maxRunning = 0;
    const starts: number[] = [];
    const scheduler = new Scheduler(
      async () => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        starts.push(Date.now() - 1_000_000);
        await new Promise((resolve) => setTimeout(resolve, starts.length === 1 ? 2500 : 10));
        running -= 1;
      },
      { initialDelayMs: 0, intervalMs: 1000 },
      systemClock,
      memoryLogger().logger,
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(4500);
    expect(maxRunning).toBe(1);
    expect(starts).toEqual([0, 3000, 4000]);
    expect(scheduler.skipped).toBe(2);
    await scheduler.stop();
  });

  it('stop cancels future ticks at once, without waiting for the running one; idle waits for it', async () => {
    let finished = false;
    let calls = 0;
    const scheduler = new Scheduler(
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
        finished = true;
      },
      { initialDelayMs: 0, intervalMs: 1000 },
      systemClock,
      memoryLogger().logger,
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(100);
    scheduler.stop();
    let idle = false;
    void scheduler.idle().then(() => (idle = true));
    await vi.advanceTimersByTimeAsync(399);
    expect({ finished, idle }).toEqual({ finished: false, idle: false });
    await vi.advanceTimersByTimeAsync(5000);
    expect({ finished, idle, calls }).toEqual({ finished: true, idle: true, calls: 1 });
  });

  it('logs a failing task and keeps the schedule', async () => {
    const log = memoryLogger();
    let calls = 0;
    const scheduler = new Scheduler(
      async () => {
        calls += 1;
        throw new Error('boom');
      },
      { initialDelayMs: 0, intervalMs: 1000 },
      systemClock,
      log.logger,
    );
    scheduler.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toBe(3);
    expect(log.records().filter((r) => r.msg === 'Scheduled collection failed')).toHaveLength(3);
    await scheduler.stop();
  });

  it('reschedule restarts the grid one new interval from now', async () => {
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(Date.now() - 1_000_000), { initialDelayMs: 0, intervalMs: 10_000 }, systemClock, memoryLogger().logger);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.reschedule({ initialDelayMs: 0, intervalMs: 2000 });
    await vi.advanceTimersByTimeAsync(4000);
    expect(starts).toEqual([0, 3000, 5000]);
    await scheduler.stop();
  });
});

describe('Scheduler on the monotonic clock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['back', -3_600_000],
    ['forward', 3_600_000],
  ])('keeps its cadence when the wall clock steps %s an hour (the real clock, under fake timers)', async (_way, step) => {
    vi.useFakeTimers({ now: 1_000_000 }); // fakes setTimeout, Date and performance; setSystemTime moves only Date
    const origin = performance.now();
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(performance.now() - origin), { initialDelayMs: 0, intervalMs: 200 }, systemClock, memoryLogger().logger);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(450);
    vi.setSystemTime(Date.now() + step);
    await vi.advanceTimersByTimeAsync(3000 - 450);
    scheduler.stop();
    expect(starts).toEqual(Array.from({ length: 16 }, (_, k) => k * 200));
    expect(scheduler.skipped).toBe(0);
  });

  it('reads only the monotonic clock: a wall clock that jumps about (injected) changes no tick', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let fakeMs = 0;
    const realAdvance = async (ms: number) => {
      fakeMs += ms;
      await vi.advanceTimersByTimeAsync(ms);
    };
    let wall = 1_795_000_000_000;
    const clock = { now: () => (wall += 3_600_000 * (Math.random() < 0.5 ? -1 : 1)), monotonic: () => fakeMs };
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(fakeMs), { initialDelayMs: 100, intervalMs: 1000 }, clock, memoryLogger().logger);
    scheduler.start();
    for (let i = 0; i < 50; i++) await realAdvance(100);
    scheduler.stop();
    expect(starts).toEqual([100, 1100, 2100, 3100, 4100]);
  });
});

describe('Scheduler jitter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const run = async (options: { initialDelayMs: number; intervalMs: number; jitterMs?: number }, fraction: number, ms: number) => {
    const starts: number[] = [];
    const origin = performance.now();
    const scheduler = new Scheduler(async () => void starts.push(performance.now() - origin), options, systemClock, memoryLogger().logger, fraction);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(ms);
    scheduler.stop();
    return { starts, scheduler };
  };

  it('offsets every tick by one delay drawn once: jitterFraction * jitter_ms', async () => {
    const { starts, scheduler } = await run({ initialDelayMs: 1000, intervalMs: 3000, jitterMs: 2000 }, 0.25, 10_000);
    expect(scheduler.offsetMs).toBe(500);
    expect(starts).toEqual([1500, 4500, 7500]);
  });

  it('keeps the offset below the interval, and 0 without jitter', async () => {
    expect((await run({ initialDelayMs: 0, intervalMs: 1000, jitterMs: 5000 }, 0.999, 0)).scheduler.offsetMs).toBe(999);
    expect((await run({ initialDelayMs: 0, intervalMs: 1000 }, 0.999, 0)).scheduler.offsetMs).toBe(0);
  });

  it('spreads a fleet started together over jitter_ms, each member on its own steady cadence', async () => {
    const fleet = [];
    for (const f of [0, 0.1, 0.5, 0.9]) fleet.push(await run({ initialDelayMs: 0, intervalMs: 1000, jitterMs: 1000 }, f, 2500));
    expect(fleet.map((m) => m.starts)).toEqual([
      [0, 1000, 2000],
      [100, 1100, 2100],
      [500, 1500, 2500],
      [900, 1900],
    ]);
  });

  it('keeps the same offset after a reschedule', async () => {
    const starts: number[] = [];
    const scheduler = new Scheduler(async () => void starts.push(performance.now()), { initialDelayMs: 0, intervalMs: 1000, jitterMs: 800 }, systemClock, memoryLogger().logger, 0.5);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    scheduler.reschedule({ initialDelayMs: 0, intervalMs: 2000, jitterMs: 800 });
    await vi.advanceTimersByTimeAsync(5000);
    scheduler.stop();
    expect(starts).toEqual([400, 3400, 5400]);
  });
});
