/** HubTier names the hub's rate-limit tiers (PROTOCOL.md). */
export type HubTier = 'light' | 'normal' | 'heavy';

/** HUB_TIERS are the hub's buckets: capacity, and ms per token refilled. */
export const HUB_TIERS: Record<HubTier, { readonly capacity: number; readonly refillMs: number }> = {
  light: { capacity: 120, refillMs: 500 },
  normal: { capacity: 60, refillMs: 1000 },
  heavy: { capacity: 10, refillMs: 6000 },
};

/** tierOf maps a frame type to its tier, as the hub does: unknown types count as normal. */
export function tierOf(type: string): HubTier {
  if (type === 'ping' || type === 'status') return 'light';
  if (type === 'identify') return 'heavy';
  return 'normal';
}

/** RateVerdict is what the hub answers a frame: let it through (maybe with a warning), or refuse it. */
export type RateVerdict =
  | { readonly ok: true; readonly warning?: { readonly remaining: number; readonly capacity: number } }
  | { readonly ok: false; readonly retryAfterMs: number };

/**
 * HubRates keeps the hub's token buckets for one agent (the hub keys them by agent id, so they outlive a
 * connection), refilled continuously on `monotonic`. A take that leaves less than a fifth of the capacity comes
 * with a `rate_limit_warning`; an empty bucket refuses with `retry_after_ms` until one token is back.
 */
export class HubRates {
  readonly #level = new Map<HubTier, { tokens: number; at: number }>();

  constructor(private readonly monotonic: () => number) {}

  /** take answers one frame of `tier`. */
  take(tier: HubTier): RateVerdict {
    const { capacity, refillMs } = HUB_TIERS[tier];
    const now = this.monotonic();
    const state = this.#level.get(tier) ?? { tokens: capacity, at: now };
    state.tokens = Math.min(capacity, state.tokens + (now - state.at) / refillMs);
    state.at = now;
    this.#level.set(tier, state);
    if (state.tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - state.tokens) * refillMs) };
    state.tokens -= 1;
    const remaining = Math.floor(state.tokens);
    return remaining < capacity / 5 ? { ok: true, warning: { remaining, capacity } } : { ok: true };
  }
}
