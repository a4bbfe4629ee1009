import type { Logger } from './contracts/logger.js';
import type { CollectorHealthSnapshot } from './contracts/plugin.js';
import { describeError } from './errors.js';
import type { WrongType } from './merger.js';
import { StillCollectingError } from './plugins/collector-slot.js';

/** CollectorStats is what the sidecar knows about one collector's recent runs (for metrics and status). */
export type CollectorStats = CollectorHealthSnapshot;

const NO_WRONG_TYPES: readonly WrongType[] = [];

/**
 * CollectorHealth records each collector's outcome and logs only on a change of state: the first failure
 * (or a different reason), and the recovery; `log` is the collector's own bound logger. A collector down
 * for a day logs once, not every cycle. A run that returned hub fields of the wrong type (sent as null)
 * counts as failed too, with those fields as its reason; each such field is warned about once, until it
 * comes back with a right-typed value (or null).
 */
export class CollectorHealth {
  private readonly stats = new Map<string, CollectorStats>();
  /** failing holds the collectors whose last run threw, rejected or timed out (not merely wrong types). */
  private readonly failing = new Set<string>();
  /** wrongFields maps a collector to its fields currently wrong-typed, each with what it got. */
  private readonly wrongFields = new Map<string, Map<string, string>>();

  /**
   * recordSuccess notes a run that answered: it logs a recovery if the collector was failing, and warns
   * about each hub field newly returned with the wrong type (`wrongTypes`, already sent as null).
   */
  recordSuccess(instanceId: string, durationMs: number, log: Logger, wrongTypes: readonly WrongType[] = NO_WRONG_TYPES): void {
    if (this.failing.delete(instanceId)) log.info('Collector recovered');
    const wrong = this.wrongFields.get(instanceId);
    if (wrongTypes.length > 0 || wrong !== undefined) this.noteWrongTypes(instanceId, wrong, wrongTypes, log);
    this.record(instanceId, durationMs, wrongTypes.length === 0 ? null : wrongTypes.map(describeWrongType).join('; '));
  }

  /**
   * recordFailure notes a failed run; it warns when the collector starts failing or fails for a new reason. A
   * cycle skipped because the collector is still busy with an earlier one (StillCollectingError) is not a new
   * reason: it keeps the reason already given (a slow collector would otherwise alternate two and warn each cycle).
   */
  recordFailure(instanceId: string, durationMs: number, error: unknown, log: Logger): void {
    const previous = this.stats.get(instanceId);
    const busy = error instanceof StillCollectingError && this.failing.has(instanceId) && previous?.lastError != null;
    const reason = busy ? previous.lastError! : describeError(error);
    if (!this.failing.has(instanceId) || previous?.lastError !== reason) {
      log.warn({ reason }, 'Collector failed; its fields are null until it recovers');
    }
    this.failing.add(instanceId);
    this.record(instanceId, durationMs, reason);
  }

  /** noteWrongTypes warns once per field that turns wrong (or wrong differently) and says when one is right again. */
  private noteWrongTypes(instanceId: string, wrong: Map<string, string> | undefined, wrongTypes: readonly WrongType[], log: Logger): void {
    const now = new Map<string, string>();
    for (const { field, expected, got } of wrongTypes) {
      now.set(field, got);
      if (wrong?.get(field) !== got) {
        log.warn({ field, expected, got }, `Collector returned ${got} for "${field}", which the hub needs as ${expected}; it is sent as null`);
      }
    }
    for (const field of wrong?.keys() ?? []) {
      if (!now.has(field)) log.info({ field }, `Collector's "${field}" has the right type again`);
    }
    if (now.size === 0) this.wrongFields.delete(instanceId);
    else this.wrongFields.set(instanceId, now);
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

  /**
   * keepOnly forgets the collectors not in `instanceIds` (after a reload removed or disabled them), so metrics and
   * `sidecar status` do not report a collector that no longer runs, failing or not, forever.
   */
  keepOnly(instanceIds: ReadonlySet<string>): void {
    for (const map of [this.stats, this.wrongFields]) for (const id of map.keys()) if (!instanceIds.has(id)) map.delete(id);
    for (const id of this.failing) if (!instanceIds.has(id)) this.failing.delete(id);
  }

  /** snapshot lists the stats of every collector seen so far. */
  snapshot(): CollectorStats[] {
    return [...this.stats.values()];
  }
}

function describeWrongType({ field, expected, got }: WrongType): string {
  return `"${field}": expected ${expected}, got ${got}`;
}
