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

  it('stop cancels future ticks and waits for the running one', async () => {
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
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(5000);
    await stopped;
    expect(finished).toBe(true);
    expect(calls).toBe(1);
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
