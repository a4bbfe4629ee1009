import type { Clock } from './contracts/clock.js';
import type { ResourceReport } from './contracts/report.js';
import { CollectorHealth } from './collector-health.js';
import { withDeadline } from './deadline.js';
import { mergeReports, notAReport, pickFields, type CollectorOutcome, type WrongType } from './merger.js';
import type { CollectorSlot } from './plugins/collector-slot.js';

/** CycleLimits bound one scheduled collection beyond each collector's own `timeout_ms`. */
export interface CycleLimits {
  /** capMs cuts every collector off this long after the cycle starts, so the report is out before the next tick. */
  readonly capMs?: number;
  /** signal ends the cycle at once (a stop): every collector still running is aborted and gets null. */
  readonly signal?: AbortSignal;
}

/**
 * CollectionCycle runs every collector concurrently, each under its own deadline, and merges what they
 * return into one report. A collector that throws, rejects, returns something other than an object or misses
 * its deadline costs only its own fields; a hub field it returns with the wrong type costs only that field.
 * A late answer is dropped, never merged into a later report: each report holds only what arrived in its cycle.
 */
export class CollectionCycle {
  constructor(
    private readonly slots: readonly CollectorSlot[],
    private readonly agentId: string,
    private readonly clock: Clock,
    readonly health: CollectorHealth = new CollectorHealth(),
  ) {}

  /** run collects once; it never rejects, and it settles by `limits.capMs` (or the abort of `limits.signal`). */
  async run(limits: CycleLimits = {}): Promise<ResourceReport> {
    // The wall clock, only for the timestamp the hub sees; every duration below is on the monotonic clock.
    const timestamp = this.clock.now();
    const outcomes = await Promise.all(this.slots.map((slot) => this.runOne(slot, limits)));
    return mergeReports(outcomes, this.agentId, timestamp);
  }

  private async runOne(slot: CollectorSlot, { capMs, signal }: CycleLimits): Promise<CollectorOutcome> {
    const started = this.clock.monotonic();
    const timeoutMs = Math.min(slot.timeoutMs, capMs ?? Infinity);
    try {
      const values = await withDeadline((abort) => slot.collect(abort), timeoutMs, 0, signal);
      const notObject = notAReport(values);
      if (notObject !== undefined) throw new Error(`collect() returned ${notObject}, not an object`);
      const wrongTypes: WrongType[] = [];
      const picked = pickFields(values, slot.fields, wrongTypes);
      this.health.recordSuccess(slot.instanceId, this.clock.monotonic() - started, slot.context.logger, wrongTypes);
      return { fields: slot.fields, values: picked };
    } catch (err) {
      if (!signal?.aborted) this.health.recordFailure(slot.instanceId, this.clock.monotonic() - started, err, slot.context.logger);
      return { fields: slot.fields, values: null };
    }
  }
}

/**
 * CYCLE_SHARE is the part of the interval a scheduled collection may take; the rest absorbs merging, sending and
 * a late timer, so each report is out before the next tick is due (an overrun would skip that tick).
 */
export const CYCLE_SHARE = 0.9;

/** cycleCapMs is the longest a scheduled collection may take at `intervalMs`: 90 % of it. */
export function cycleCapMs(intervalMs: number): number {
  return Math.max(1, Math.floor(intervalMs * CYCLE_SHARE));
}

/**
 * cutOffMessage says that a collector's `timeout_ms` (as set in the file, at `path`) does not fit the interval, or
 * returns undefined when it does (or is not set: the default is cut silently).
 */
export function cutOffMessage(path: string, timeoutMs: number | undefined, intervalMs: number): string | undefined {
  const capMs = cycleCapMs(intervalMs);
  if (timeoutMs === undefined || timeoutMs <= capMs) return undefined;
  return (
    `${path}.timeout_ms (${timeoutMs} ms) does not fit agent.interval_ms (${intervalMs} ms): ` +
    `its collections are cut off at ${capMs} ms (90 % of the interval), so that every report goes out on time`
  );
}
