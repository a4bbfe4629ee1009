import type { Logger } from '../../../core/contracts/logger.js';
import type { ResourceReport } from '../../../core/contracts/report.js';
import { ReportBuffer } from './report-buffer.js';

/**
 * Outbox holds the reports not yet written to the hub, in timestamp order. It drops (and counts) a report older
 * than the newest one accepted, so the hub never sees time go backwards, and the oldest ones when the buffer is
 * full, warning once per outage with the count. It also remembers the report in flight (written, not yet
 * confirmed by its receipt), which is the one a `rate_limited` answer refers to.
 */
export class Outbox {
  readonly #buffer: ReportBuffer<ResourceReport>;
  #newest = Number.NEGATIVE_INFINITY;
  #inFlight: ResourceReport | undefined;
  #dropped = 0;
  #outageDropped = 0;
  #staleWarned = false;

  constructor(
    capacity: number,
    private readonly logger: Logger,
  ) {
    this.#buffer = new ReportBuffer(capacity);
  }

  /** buffered is how many reports wait to be written. */
  get buffered(): number {
    return this.#buffer.size;
  }

  /** dropped is how many reports were discarded, for any reason. */
  get dropped(): number {
    return this.#dropped;
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
    if (this.#buffer.push(report) !== undefined) this.#countOverflow();
  }

  /** peek returns the next report to write. */
  peek(): ResourceReport | undefined {
    return this.#buffer.peek();
  }

  /** written removes the next report after it was handed to the socket, and remembers it as in flight. */
  written(): void {
    this.#inFlight = this.#buffer.shift();
  }

  /** confirmed forgets the report in flight: the hub handled it without refusing it. */
  confirmed(): void {
    this.#inFlight = undefined;
  }

  /** requeueRefused puts the report in flight back at the front, once; true when there was one. */
  requeueRefused(): boolean {
    const refused = this.#inFlight;
    if (!refused) return false;
    this.#inFlight = undefined;
    if (this.#buffer.unshift(refused) !== undefined) this.#countOverflow();
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

  /** endOutage logs how many reports the outage cost, once; call it when identified again and on stop. */
  endOutage(): void {
    if (this.#outageDropped === 0) return;
    this.logger.warn(
      { dropped: this.#outageDropped, buffer_max_reports: this.#buffer.capacity },
      `Dropped the ${this.#outageDropped} oldest reports while the hub was unreachable (buffer full)`,
    );
    this.#outageDropped = 0;
  }

  /** drain takes every queued report, oldest first (to hand them to another transport). */
  drain(): ResourceReport[] {
    return this.#buffer.drain();
  }

  #countOverflow(): void {
    this.#dropped++;
    this.#outageDropped++;
    if (this.#outageDropped === 1) {
      this.logger.info({ buffer_max_reports: this.#buffer.capacity }, 'Report buffer full; dropping the oldest reports until the hub answers');
    }
  }
}
