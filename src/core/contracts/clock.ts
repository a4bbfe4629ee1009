import type { InjectionToken } from 'tsyringe';

/**
 * Clock tells the time; injected so tests can control it. Two clocks, because they answer different questions:
 * `now` is the wall clock, for timestamps only (it can step back or forward with NTP or a resumed VM);
 * `monotonic` only moves forward, for schedules, deadlines, backoff, holds and ages.
 */
export interface Clock {
  /** now returns milliseconds since the epoch (wall clock): report and identify timestamps only. */
  now(): number;
  /** monotonic returns milliseconds from an arbitrary origin that never steps: every duration and schedule. */
  monotonic(): number;
}
/** Clock is also the injection token of the shared clock. */
export const Clock: InjectionToken<Clock> = Symbol('Clock');

/** systemClock is the real clock. */
export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };
