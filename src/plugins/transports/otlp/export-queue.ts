import type { ResourceReport } from '../../../plugin.js';

/** Queued is a report waiting for export, with when it was queued on the monotonic clock. */
export interface Queued {
  readonly report: ResourceReport;
  readonly queuedAt: number;
}

/** QueueCounts are what the queue threw away, by reason. */
export interface QueueCounts {
  /** dropped: pushed out by a full queue (oldest first). */
  dropped: number;
  /** superseded: replaced by a newer report under replay "latest". */
  superseded: number;
  /** expired: older than max_report_age_ms when its turn came. */
  expired: number;
}

/**
 * ExportQueue holds the reports not yet exported, oldest first, bounded. Under `latest` it holds at most the
 * newest report that is not already in a request; under `all` up to `max` reports, dropping the oldest.
 */
export class ExportQueue {
  readonly #items: Queued[] = [];
  readonly counts: QueueCounts = { dropped: 0, superseded: 0, expired: 0 };

  constructor(
    private readonly replay: 'all' | 'latest',
    private readonly max: number,
    private readonly maxAgeMs: number,
  ) {}

  get length(): number {
    return this.#items.length;
  }

  /** push queues a report (see the class comment for what it replaces). */
  push(report: ResourceReport, now: number): void {
    if (this.replay === 'latest') {
      this.counts.superseded += this.#items.length;
      this.#items.length = 0;
    } else if (this.#items.length >= this.max) {
      this.#items.shift();
      this.counts.dropped += 1;
    }
    this.#items.push({ report, queuedAt: now });
  }

  /** take removes and returns up to `n` reports from the oldest, first dropping (and counting) those too old to export. */
  take(n: number, now: number): Queued[] {
    let stale = 0;
    while (stale < this.#items.length && now - this.#items[stale]!.queuedAt > this.maxAgeMs) stale++;
    if (stale > 0) {
      this.#items.splice(0, stale);
      this.counts.expired += stale;
    }
    return this.#items.splice(0, n);
  }

  /**
   * putBack returns a batch whose export is to be retried, ahead of what was queued meanwhile. Under `latest` a
   * newer report queued meanwhile supersedes it; under `all` the queue's bound still holds (oldest dropped).
   */
  putBack(batch: readonly Queued[]): void {
    if (this.replay === 'latest') {
      if (this.#items.length > 0) this.counts.superseded += batch.length;
      else this.#items.push(...batch.slice(-1));
      return;
    }
    this.#items.unshift(...batch);
    const over = this.#items.length - this.max;
    if (over > 0) {
      this.#items.splice(0, over);
      this.counts.dropped += over;
    }
  }

  /** takeAll empties the queue and returns its reports, oldest first. */
  takeAll(): ResourceReport[] {
    return this.#items.splice(0).map((item) => item.report);
  }
}
