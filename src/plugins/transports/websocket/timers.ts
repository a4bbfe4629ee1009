import type { Clock } from '../../../core/contracts/clock.js';
import { systemClock } from '../../../core/contracts/clock.js';

/** TimerHandle is whatever `Timers.set` returns, handed back to `Timers.clear`. */
export type TimerHandle = unknown;

/**
 * Timers is the transport's clock seam: its two clocks (wall for timestamps, monotonic for every duration) and
 * its timers. Tests replace it with a virtual time that jumps from timer to timer, so a minute of backoff or a
 * 60 s hold is checked without sleeping.
 */
export interface Timers extends Clock {
  /** set runs `fn` once after `ms` milliseconds (monotonic). */
  set(fn: () => void, ms: number): TimerHandle;
  /** clear cancels a timer; undefined and spent handles are fine. */
  clear(handle: TimerHandle | undefined): void;
}

/** systemTimers are the real clocks and Node's timers. */
export const systemTimers: Timers = {
  now: () => systemClock.now(),
  monotonic: () => systemClock.monotonic(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
