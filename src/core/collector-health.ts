import type { Logger } from './contracts/logger.js';
import type { CollectorHealthSnapshot } from './contracts/plugin.js';
import { describeError } from './errors.js';

/** CollectorStats is what the sidecar knows about one collector's recent runs (for metrics and status). */
export type CollectorStats = CollectorHealthSnapshot;

/**
 * CollectorHealth records each collector's outcome and logs only on a change of state: the first failure
 * (or a different reason), and the recovery; `log` is the collector's own bound logger. A collector down
 * for a day logs once, not every cycle.
 */
export class CollectorHealth {
  private readonly stats = new Map<string, CollectorStats>();

  /** recordSuccess notes a successful run and logs a recovery if the collector was failing. */
  recordSuccess(instanceId: string, durationMs: number, log: Logger): void {
    if (this.stats.get(instanceId)?.ok === false) log.info('Collector recovered');
    this.record(instanceId, durationMs, null);
  }

  /** recordFailure notes a failed run; it warns when the collector starts failing or fails for a new reason. */
  recordFailure(instanceId: string, durationMs: number, error: unknown, log: Logger): void {
    const previous = this.stats.get(instanceId);
    const reason = describeError(error);
    if (previous?.ok !== false || previous.lastError !== reason) {
      log.warn({ reason }, 'Collector failed; its fields are null until it recovers');
    }
    this.record(instanceId, durationMs, reason);
  }

  /** record stores one run's outcome: `reason` null for a success. */
  private record(instanceId: string, durationMs: number, reason: string | null): void {
    const previous = this.stats.get(instanceId);
    this.stats.set(instanceId, {
      instanceId,
      ok: reason === null,
      lastError: reason,
      lastDurationMs: durationMs,
      runs: (previous?.runs ?? 0) + 1,
      failures: (previous?.failures ?? 0) + (reason === null ? 0 : 1),
    });
  }

  /** snapshot lists the stats of every collector seen so far. */
  snapshot(): CollectorStats[] {
    return [...this.stats.values()];
  }
}
