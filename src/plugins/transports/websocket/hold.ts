import { systemTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * Hold pauses all sending for a while after the hub answered `rate_limited`. A new hold never shortens the
 * current one: it ends at the later of the two ends. (While on hold only keepalive pings are written, and the
 * hub's refusal of one, with its own `retry_after_ms`, must not release the report held back for longer.)
 * `onEnd` runs when the time is up (not when cleared).
 */
export class Hold {
  #timer: TimerHandle | undefined;
  /** #until is when the current hold ends, on the monotonic clock. */
  #until = 0;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly onEnd: () => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** active is true while sending is on hold. */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /** start holds for `ms` from now, or until the current hold ends if that is later; returns the ms left. */
  start(ms: number): number {
    const now = this.timers.monotonic();
    if (this.active && this.#until >= now + ms) return Math.ceil(this.#until - now);
    this.timers.clear(this.#timer);
    this.#until = now + ms;
    this.#timer = this.timers.set(() => {
      this.#timer = undefined;
      this.#wake();
      this.onEnd();
    }, ms);
    return ms;
  }

  /** ended resolves when the hold ends or is cleared, or when `signal` aborts. */
  ended(signal: AbortSignal): Promise<void> {
    if (!this.active || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.add(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** clear cancels the hold without running `onEnd`. */
  clear(): void {
    this.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#waiters) resolve();
    this.#waiters.clear();
  }
}
