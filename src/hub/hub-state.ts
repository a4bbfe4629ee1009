import { HubRates } from './hub-rates.js';

/** STALE_AFTER_MS: the hub sweeps a report not followed by another within this long (PROTOCOL.md). */
export const STALE_AFTER_MS = 90_000;

/** REAP_AFTER_MS: the hub drops an agent that sent no `ping` for this long (only pings refresh presence). */
export const REAP_AFTER_MS = 60_000;

/** StoredReport is the one report the hub keeps per agent, stamped when it arrived (its own timestamp ignored). */
export interface StoredReport {
  readonly frame: Readonly<Record<string, unknown>>;
  /** receivedAt: wall clock when it arrived; what the hub shows as the report's time. */
  readonly receivedAt: number;
  /** receivedMono: monotonic arrival time, for the staleness sweep. */
  readonly receivedMono: number;
}

/** HubClock is the dev hub's clock seam: wall time for stamps, monotonic for limits and ages. */
export interface HubClock {
  now(): number;
  monotonic(): number;
}

/**
 * HubState is what the hub remembers across connections, keyed by agent id as the real one does: the latest
 * report only, the registered Ollama endpoint, the rate buckets, and when each agent last pinged.
 */
export class HubState {
  readonly #latest = new Map<string, StoredReport>();
  readonly #rates = new Map<string, HubRates>();
  readonly #lastPing = new Map<string, number>();
  /** endpoints maps `<agent_id>-local` to the Ollama URL registered for it (identify or ollama_report). */
  readonly endpoints = new Map<string, string>();
  /** refused counts frames answered `rate_limited`, per tier. */
  readonly refused = { light: 0, normal: 0, heavy: 0 };

  constructor(readonly clock: HubClock) {}

  /** rates are the agent's buckets. */
  rates(agentId: string): HubRates {
    let rates = this.#rates.get(agentId);
    if (!rates) this.#rates.set(agentId, (rates = new HubRates(() => this.clock.monotonic())));
    return rates;
  }

  /** store keeps `frame` as the agent's only report, stamped now. */
  store(agentId: string, frame: Record<string, unknown>): void {
    this.#latest.set(agentId, { frame, receivedAt: this.clock.now(), receivedMono: this.clock.monotonic() });
  }

  /** latest is the agent's report unless it is stale (older than STALE_AFTER_MS), as the hub would show it. */
  latest(agentId: string): StoredReport | undefined {
    const stored = this.#latest.get(agentId);
    if (stored && this.clock.monotonic() - stored.receivedMono > STALE_AFTER_MS) {
      this.#latest.delete(agentId);
      return undefined;
    }
    return stored;
  }

  /** pinged refreshes the agent's presence. */
  pinged(agentId: string): void {
    this.#lastPing.set(agentId, this.clock.monotonic());
  }

  /** present is true while the agent's last ping is under REAP_AFTER_MS old (identify counts as the first). */
  present(agentId: string): boolean {
    const at = this.#lastPing.get(agentId);
    if (at === undefined) return false;
    if (this.clock.monotonic() - at >= REAP_AFTER_MS) {
      this.#lastPing.delete(agentId);
      return false;
    }
    return true;
  }
}
