import type { Logger } from '../../../core/contracts/logger.js';
import type { ResourceReport } from '../../../core/contracts/report.js';
import { ReportBuffer } from './report-buffer.js';

/** Replay is how a backlog is delivered: only the newest report ("latest"), or every one in order ("all"). */
export type Replay = 'latest' | 'all';

/** OutboxOptions size and shape the outbox. */
export interface OutboxOptions {
  readonly capacity: number;
  readonly replay: Replay;
  /** maxAgeMs: with replay "latest", a waiting report older than this is left out rather than sent as the present. */
  readonly maxAgeMs: number;
  /** monotonic is the clock ages are measured on. */
  readonly monotonic: () => number;
}

/** Entry is a waiting report and when it was handed over (monotonic). */
interface Entry {
  readonly report: ResourceReport;
  readonly at: number;
}

/**
 * Outbox holds the reports not yet written to the hub, in timestamp order. It drops (and counts) a report older
 * than the newest one accepted, so the hub never sees time go backwards. The hub keeps only the latest report and
 * stamps it when it arrives, so with replay "latest" a newer report supersedes every waiting one (counted as
 * `superseded`, not dropped: nothing the hub would keep is lost), and a waiting report older than `maxAgeMs` is
 * left out (`expired`) rather than shown as the host's present state. With replay "all" every report waits, up to
 * `capacity` (then the oldest are dropped, with one warning per outage). It also remembers the report in flight
 * (written, not yet confirmed by its receipt), which is the one a `rate_limited` answer refers to.
 */
export class Outbox {
  readonly #buffer: ReportBuffer<Entry>;
  #newest = Number.NEGATIVE_INFINITY;
  #inFlight: Entry | undefined;
  #dropped = 0;
  #superseded = 0;
  #expired = 0;
  #outageDropped = 0;
  #outageSuperseded = 0;
  #outageExpired = 0;
  #staleWarned = false;

  constructor(
    private readonly options: OutboxOptions,
    private readonly logger: Logger,
  ) {
    this.#buffer = new ReportBuffer(options.replay === 'latest' ? 1 : options.capacity);
  }

  /** buffered is how many reports wait to be written. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /** dropped is how many reports were discarded for overflow, order or stop (not superseded, not expired). */
  get dropped(): number {
    return this.#dropped;
  }

  /** superseded is how many waiting reports a newer one replaced (replay "latest"). */
  get superseded(): number {
    return this.#superseded;
  }

  /** expired is how many waiting reports were too old to send as the present (replay "latest"). */
  get expired(): number {
    return this.#expired;
  }

  /** accept queues a report unless it is older than the newest accepted one. */
  accept(report: ResourceReport): void {
    const ts = report.timestamp;
    if (typeof ts === 'number' && ts < this.#newest) {
      this.#dropped++;
      if (!this.#staleWarned) {
        this.logger.warn({ timestamp: ts, newest: this.#newest }, 'Dropped a report older than one already queued or sent (clock went backwards?)');
        this.#staleWarned = true;
      }
      return;
    }
    this.#staleWarned = false;
    if (typeof ts === 'number') this.#newest = ts;
    if (this.options.replay === 'latest') this.#supersede(this.#buffer.size);
    if (this.#buffer.push({ report, at: this.options.monotonic() }) !== undefined) this.#countOverflow();
  }

  /**
   * peek returns the next report to write. With replay "latest", a waiting report past `maxAgeMs` is left out
   * first (and counted): the hub would show it as the host's present state.
   */
  peek(): ResourceReport | undefined {
    const next = this.#buffer.peek();
    if (next && this.options.replay === 'latest' && this.options.monotonic() - next.at > this.options.maxAgeMs) {
      this.#buffer.shift();
      this.#expired++;
      this.#outageExpired++;
      return undefined;
    }
    return next?.report;
  }

  /** written removes the next report after it was handed to the socket, and remembers it as in flight. */
  written(): ResourceReport | undefined {
    this.#inFlight = this.#buffer.shift();
    return this.#inFlight?.report;
  }

  /** confirmed forgets the report in flight (the hub handled it without refusing it) and returns it. */
  confirmed(): ResourceReport | undefined {
    const report = this.#inFlight?.report;
    this.#inFlight = undefined;
    return report;
  }

  /**
   * requeueRefused puts the report in flight back at the front, once; true when there was one. With replay
   * "latest" a newer waiting report supersedes it instead.
   */
  requeueRefused(): boolean {
    const refused = this.#inFlight;
    if (!refused) return false;
    this.#inFlight = undefined;
    if (this.options.replay === 'latest' && this.#buffer.size > 0) this.#supersede(1);
    else if (this.#buffer.unshift(refused) !== undefined) this.#countOverflow();
    return true;
  }

  /** discardNext removes the next report without writing it (it cannot be serialised) and counts it. */
  discardNext(): void {
    this.#buffer.shift();
    this.#dropped++;
  }

  /** discard counts a report that arrived when nothing can deliver it any more. */
  discard(): void {
    this.#dropped++;
  }

  /** endOutage logs, once, what the outage cost; call it when the backlog is written and on stop. */
  endOutage(): void {
    if (this.#outageExpired > 0) {
      this.logger.warn(
        { expired: this.#outageExpired, max_report_age_ms: this.options.maxAgeMs },
        `Left out ${this.#outageExpired} waiting report(s) older than ${this.options.maxAgeMs} ms: the hub stamps a report when it arrives and would show old figures as the present`,
      );
    }
    if (this.#outageSuperseded > 0) {
      this.logger.debug({ superseded: this.#outageSuperseded }, `${this.#outageSuperseded} waiting report(s) superseded by a newer one (replay "latest": the hub keeps only the latest)`);
    }
    if (this.#outageDropped > 0) {
      this.logger.warn(
        { dropped: this.#outageDropped, buffer_max_reports: this.#buffer.capacity },
        `Dropped the ${this.#outageDropped} oldest reports while the hub was unreachable (buffer full)`,
      );
    }
    this.#outageDropped = this.#outageSuperseded = this.#outageExpired = 0;
  }

  /** drain takes every queued report, oldest first (to hand them to another transport). */
  drain(): ResourceReport[] {
    return this.#buffer.drain().map((e) => e.report);
  }

  #supersede(count: number): void {
    for (let i = 0; i < count; i++) this.#buffer.shift();
    this.#superseded += count;
    this.#outageSuperseded += count;
  }

  #countOverflow(): void {
    this.#dropped++;
    this.#outageDropped++;
    if (this.#outageDropped === 1) {
      this.logger.info({ buffer_max_reports: this.#buffer.capacity }, 'Report buffer full; dropping the oldest reports until the hub answers');
    }
  }
}
