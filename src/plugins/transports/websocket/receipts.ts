import { systemTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * Receipts follows the hub's answers to our pings on one connection, to learn what became of a report.
 *
 * The hub handles a connection's frames in order and answers every ping: `pong`, or `rate_limited` with tier
 * `light` when pings are over its limit. A report gets no answer when accepted and `rate_limited` when refused.
 * So the transport writes a ping right after each report (its receipt) and writes the next report only once
 * that ping is answered: had the hub refused the report, its `rate_limited` would have come before the answer.
 * With one report in flight at a time, a `rate_limited` (of another tier) always names that report.
 *
 * It also times the answers: a ping unanswered for `timeoutMs` means the connection is dead.
 */
export class Receipts {
  #asked = 0;
  #answered = 0;
  /** #receipt is the number of the ping whose answer confirms the report in flight. */
  #receipt: number | undefined;
  #timer: TimerHandle | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: () => void,
    private readonly timers: Timers = systemTimers,
  ) {}

  /** awaiting is true while the report last written waits for its receipt. */
  get awaiting(): boolean {
    return this.#receipt !== undefined;
  }

  /** pinged records a ping written; `receipt` marks it as the one that follows a report. */
  pinged(receipt = false): void {
    this.#asked++;
    if (receipt) this.#receipt = this.#asked;
    this.#timer ??= this.timers.set(() => this.onTimeout(), this.timeoutMs);
  }

  /** answered records a ping's answer (an unsolicited pong counts for nothing); true when it confirms the report. */
  answered(): boolean {
    if (this.#answered === this.#asked) return false;
    this.#answered++;
    this.timers.clear(this.#timer);
    this.#timer = this.#answered < this.#asked ? this.timers.set(() => this.onTimeout(), this.timeoutMs) : undefined;
    if (this.#receipt === undefined || this.#answered < this.#receipt) return false;
    this.#settle();
    return true;
  }

  /**
   * refused records a `rate_limited` that is not of the `light` tier: true when it refused the report in flight.
   * With no report in flight it can only answer a ping (a hub that leaves out the tier).
   */
  refused(): boolean {
    if (this.#receipt === undefined) {
      this.answered();
      return false;
    }
    this.#settle();
    return true;
  }

  /** clear stops the timer (the connection is gone). */
  clear(): void {
    this.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#settle();
  }

  /** settled resolves once no report awaits its receipt (answered, refused or the connection gone) or `signal` aborts. */
  settled(signal: AbortSignal): Promise<void> {
    if (this.#receipt === undefined || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.add(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  #settle(): void {
    this.#receipt = undefined;
    for (const resolve of this.#waiters) resolve();
    this.#waiters.clear();
  }
}
