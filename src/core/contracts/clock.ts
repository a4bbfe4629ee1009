import type { InjectionToken } from 'tsyringe';

/** Clock tells the time; injected so tests can control it. */
export interface Clock {
  /** now returns milliseconds since the epoch. */
  now(): number;
}
/** Clock is also the injection token of the shared clock. */
export const Clock: InjectionToken<Clock> = Symbol('Clock');

/** systemClock is the real clock. */
export const systemClock: Clock = { now: () => Date.now() };
