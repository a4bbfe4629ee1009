/** BackoffOptions configure an exponential backoff with full jitter. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** random returns a number in [0, 1); injectable for tests. Defaults to Math.random. */
  readonly random?: () => number;
}

/** Backoff hands out reconnect delays: each is uniform in [0, cap], where cap doubles per attempt up to maxMs. */
export interface Backoff {
  /** next returns the delay before the next attempt, in ms, and counts the attempt. */
  next(): number;
  /** reset starts over from initialMs (after a successful identify). */
  reset(): void;
  /** attempts is how many delays were handed out since the last reset. */
  readonly attempts: number;
}

/** createBackoff builds a Backoff ("full jitter": delay = random × min(max, initial × 2^attempt)). */
export function createBackoff({ initialMs, maxMs, random = Math.random }: BackoffOptions): Backoff {
  let attempts = 0;
  return {
    next() {
      const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempts, 40));
      attempts++;
      return Math.floor(Math.min(Math.max(random(), 0), 1) * cap);
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** cooldownMs reads a hub 1008 close reason such as `cooldown active: retry in 30s`; 0 when it names no wait. */
export function cooldownMs(reason: string): number {
  const match = /retry in (\d+(?:\.\d+)?)\s*s\b/i.exec(reason);
  return match ? Math.ceil(Number(match[1]) * 1000) : 0;
}
