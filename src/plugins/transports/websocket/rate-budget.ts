/**
 * The sender's own view of the hub's rate limits (PROTOCOL.md: token buckets per agent, refilled continuously).
 * Keeping within them means the hub never has to refuse a frame, so nothing depends on `rate_limited`.
 */

/** TierOptions size one bucket: at most `capacity` frames at once, one more per `refill_ms`. */
export interface TierOptions {
  readonly capacity: number;
  readonly refill_ms: number;
}

/**
 * TokenBucket mirrors one hub tier on the monotonic clock `now`. It starts full, as the hub's bucket for a new
 * agent does; it is kept per transport, not per connection, because the hub keys its buckets by agent.
 *
 * One token stays in reserve (when the capacity allows): the hub counts a frame when it arrives, and frames do
 * not all take equally long to get there; if the first of a burst arrived late and a later one early, the hub's
 * bucket would be a fraction of a token behind ours and refuse a frame sent at the exact edge. The reserve covers
 * a difference of up to one refill interval (1 s for reports). Found by the test of a replayed backlog.
 */
export class TokenBucket {
  #tokens: number;
  #at: number;
  readonly #reserve: number;

  constructor(
    private readonly tier: TierOptions,
    private readonly now: () => number,
  ) {
    this.#tokens = tier.capacity;
    this.#at = now();
    this.#reserve = Math.min(1, tier.capacity - 1);
  }

  /** available is how many whole frames may go now (the reserve excluded). */
  get available(): number {
    return Math.max(0, Math.floor(this.#refill() - this.#reserve));
  }

  /** take spends one token; false (and nothing spent) when there is none beyond the reserve. */
  take(): boolean {
    if (this.#refill() < 1 + this.#reserve) return false;
    this.#tokens -= 1;
    return true;
  }

  /** spend takes one token even when there is none (a frame that must go, the keepalive), going into debt. */
  spend(): void {
    this.#refill();
    this.#tokens -= 1;
  }

  /** waitMs is how long until one token is available (0 when one is). */
  waitMs(): number {
    const missing = 1 + this.#reserve - this.#refill();
    return missing <= 0 ? 0 : Math.ceil(missing * this.tier.refill_ms);
  }

  #refill(): number {
    const now = this.now();
    this.#tokens = Math.min(this.tier.capacity, this.#tokens + Math.max(0, now - this.#at) / this.tier.refill_ms);
    this.#at = now;
    return this.#tokens;
  }
}

/**
 * AttemptWindow allows at most `tier.capacity` identifies in any `capacity × refill_ms` window (10 per 60 s by
 * default). That is stricter than the hub's heavy bucket (which would allow a second burst of 10 once refilled)
 * and it is what bounds a flapping hub to 10 connections a minute: the backoff's full jitter may draw delays
 * near zero, this never lets them add up to more.
 */
export class AttemptWindow {
  readonly #times: number[] = [];

  constructor(
    private readonly tier: TierOptions,
    private readonly now: () => number,
  ) {}

  /** windowMs is the span the limit applies to. */
  get windowMs(): number {
    return this.tier.capacity * this.tier.refill_ms;
  }

  /** waitMs is how long until another attempt is allowed (0 when it is now). */
  waitMs(): number {
    const now = this.now();
    while (this.#times.length > 0 && now - this.#times[0]! >= this.windowMs) this.#times.shift();
    if (this.#times.length < this.tier.capacity) return 0;
    return Math.ceil(this.#times[0]! + this.windowMs - now);
  }

  /** record counts an attempt made now. */
  record(): void {
    this.#times.push(this.now());
  }
}
