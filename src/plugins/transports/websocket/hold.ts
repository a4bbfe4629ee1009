/**
 * Hold pauses all sending for a while after the hub answered `rate_limited`. A new hold replaces the old one;
 * `onEnd` runs when the time is up (not when cleared).
 */
export class Hold {
  #timer: NodeJS.Timeout | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(private readonly onEnd: () => void) {}

  /** active is true while sending is on hold. */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /** start holds for `ms` from now. */
  start(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wake();
      this.onEnd();
    }, ms);
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wake();
  }

  #wake(): void {
    for (const resolve of this.#waiters) resolve();
    this.#waiters.clear();
  }
}
