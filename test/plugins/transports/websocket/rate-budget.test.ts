import { describe, expect, it } from 'vitest';
import { AttemptWindow, TokenBucket } from '../../../../src/plugins/transports/websocket/rate-budget.js';

describe('TokenBucket (the sender’s copy of a hub tier)', () => {
  it('allows the capacity less one in reserve at once, then one per refill_ms', () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 60, refill_ms: 1000 }, () => now);
    let burst = 0;
    while (bucket.take()) burst++;
    expect(burst).toBe(59);
    expect(bucket.waitMs()).toBe(1000);
    now += 999;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
    now += 3_600_000; // refills up to the capacity, no further
    expect(bucket.available).toBe(59);
  });

  it('keeps no reserve for a capacity of 1, and spend() may go into debt', () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 1, refill_ms: 500 }, () => now);
    expect(bucket.take()).toBe(true);
    bucket.spend();
    expect(bucket.waitMs()).toBe(1000);
    now += 1000;
    expect(bucket.take()).toBe(true);
  });
});

describe('AttemptWindow (identify budget)', () => {
  it('allows at most capacity attempts within capacity × refill_ms, whatever the timing', () => {
    let now = 0;
    const window = new AttemptWindow({ capacity: 10, refill_ms: 6000 }, () => now);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      now += window.waitMs();
      window.record();
      times.push(now);
      now += i % 7; // irregular gaps, often zero
    }
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(10);
    expect(times[10]).toBeGreaterThanOrEqual(60_000);
  });
});
