import type { Clock } from './contracts/clock.js';
import type { ResourceReport } from './contracts/report.js';
import { CollectorHealth } from './collector-health.js';
import { withDeadline } from './deadline.js';
import { mergeReports, notAReport, pickFields, type CollectorOutcome, type WrongType } from './merger.js';
import type { CollectorSlot } from './plugins/collector-slot.js';

/**
 * CollectionCycle runs every collector concurrently, each under its own deadline, and merges what they
 * return into one report. A collector that throws, rejects, returns something other than an object or misses
 * its deadline costs only its own fields; a hub field it returns with the wrong type costs only that field.
 */
export class CollectionCycle {
  constructor(
    private readonly slots: readonly CollectorSlot[],
    private readonly agentId: string,
    private readonly clock: Clock,
    readonly health: CollectorHealth = new CollectorHealth(),
  ) {}

  /** run collects once; it never rejects. */
  async run(): Promise<ResourceReport> {
    const timestamp = this.clock.now();
    const outcomes = await Promise.all(this.slots.map((slot) => this.runOne(slot)));
    return mergeReports(outcomes, this.agentId, timestamp);
  }

  private async runOne(slot: CollectorSlot): Promise<CollectorOutcome> {
    const started = performance.now();
    try {
      const values = await withDeadline((signal) => slot.collect(signal), slot.timeoutMs);
      const notObject = notAReport(values);
      if (notObject !== undefined) throw new Error(`collect() returned ${notObject}, not an object`);
      const wrongTypes: WrongType[] = [];
      const picked = pickFields(values, slot.fields, wrongTypes);
      this.health.recordSuccess(slot.instanceId, performance.now() - started, slot.context.logger, wrongTypes);
      return { fields: slot.fields, values: picked };
    } catch (err) {
      this.health.recordFailure(slot.instanceId, performance.now() - started, err, slot.context.logger);
      return { fields: slot.fields, values: null };
    }
  }
}
