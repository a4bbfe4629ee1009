import type { Transport, TransportContext, TransportStatus } from '../../../core/contracts/plugin.js';
import type { ResourceReport } from '../../../core/contracts/report.js';
import { describeError } from '../../../core/errors.js';
import type { WebsocketOptions } from './config.js';
import { Hold } from './hold.js';
import { KEEPALIVE_MS } from './hub-connection.js';
import { HubLink } from './hub-link.js';
import { plainSocket, type HubSocket } from './hub-socket.js';
import { Outbox } from './outbox.js';
import { createRedactor, safeUrl } from './redact.js';

export type { LinkState as ConnectionState } from './hub-link.js';

/** WebsocketDeps are the transport's seams: TLS files and proxy prepared at create time, randomness and the clock. */
export interface WebsocketDeps {
  /** socket: how connections are opened (TLS, proxy) and their errors worded. Default: plain, no proxy. */
  readonly socket?: HubSocket;
  readonly random?: () => number;
  readonly now?: () => number;
  /** keepaliveMs: the longest an identified connection stays silent, hold or not. Default KEEPALIVE_MS (50 s). */
  readonly keepaliveMs?: number;
}

/**
 * DRAIN_GAP_MS paces a backlog (after an outage, or reports coming faster than the hub answers): the next
 * report goes this long after the previous one was confirmed, so at most 20 a second, not a burst.
 */
export const DRAIN_GAP_MS = 50;

/**
 * WebsocketTransport delivers reports to the hub: identify first, reports only once identified (buffered until
 * then, oldest first), one at a time (each confirmed by its receipt ping before the next, see Receipts), paced
 * while draining a backlog, rate-limit holds with the refused report resent, reconnects (HubLink). `send`
 * never waits on the network.
 */
export class WebsocketTransport implements Transport {
  readonly #outbox: Outbox;
  readonly #hold = new Hold(() => this.#pump());
  readonly #pace = new Hold(() => this.#pump());
  readonly #link: HubLink;
  readonly #now: () => number;
  readonly #safeUrl: string;
  #started = false;
  #stopping = false;
  #sent = 0;
  #lastSentAt: number | null = null;
  /** #limited: rate limited since the queue was last empty; later refusals in the same drain log at debug. */
  #limited = false;

  constructor(
    private readonly ctx: TransportContext<WebsocketOptions>,
    deps: WebsocketDeps = {},
  ) {
    const { options } = ctx;
    const redact = createRedactor(options.token, options.url);
    this.#outbox = new Outbox(options.buffer_max_reports, ctx.logger);
    this.#now = deps.now ?? (() => Date.now());
    this.#safeUrl = redact(safeUrl(options.url));
    this.#link = new HubLink(ctx, {
      socket: deps.socket ?? plainSocket(options.url),
      random: deps.random,
      redact,
      safeUrl: this.#safeUrl,
      isHeld: () => this.#hold.active,
      keepaliveMs: deps.keepaliveMs ?? KEEPALIVE_MS,
      identified: () => this.#pump(),
      settled: () => this.#onSettled(),
      rateLimited: (ms, refusedReport) => this.#onRateLimited(ms, refusedReport),
    });
  }

  /** start begins connecting in the background and returns at once. */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.ctx.logger.info({ url: this.#safeUrl }, 'Connecting to hub');
    this.#link.connect();
  }

  /** send queues a report; it is written at once when identified and not on hold. */
  send(report: ResourceReport): void {
    if (this.#stopping) return void this.#outbox.discard();
    this.#outbox.accept(report);
    this.#pump();
  }

  /** stop flushes the queue if identified (waiting out a rate-limit hold within `signal`), then closes with 1000. */
  async stop(signal: AbortSignal): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#link.ready) await this.#hold.ended(signal);
    this.#pump(true);
    this.#hold.clear();
    this.#pace.clear();
    await this.#link.close(1000, 'sidecar stopping', signal);
    this.#outbox.endOutage();
    const left = this.#outbox.buffered;
    if (left > 0) this.ctx.logger.warn({ buffered: left }, `Stopped with ${left} reports not delivered`);
  }

  /** status describes the connection and the counters. */
  status(): TransportStatus {
    return {
      state: this.#link.state,
      identified: this.#link.state === 'identified',
      sent: this.#sent,
      buffered: this.#outbox.buffered,
      dropped: this.#outbox.dropped,
      reconnects: this.#link.reconnects,
      last_sent_at: this.#lastSentAt,
    };
  }

  /** takeBuffered removes and returns the undelivered reports, oldest first, e.g. to hand to a new transport. */
  takeBuffered(): ResourceReport[] {
    return this.#outbox.drain();
  }

  /** dispose drops the connection and every timer at once; calling it again does nothing. */
  dispose(): void {
    this.#stopping = true;
    this.#hold.clear();
    this.#pace.clear();
    this.#link.dispose();
  }

  /** onSettled: the report in flight was accepted; the next one waits DRAIN_GAP_MS. */
  #onSettled(): void {
    this.#outbox.confirmed();
    if (this.#stopping) return;
    if (this.#outbox.buffered > 0) this.#pace.start(DRAIN_GAP_MS);
    else this.#limited = false;
  }

  /**
   * onRateLimited holds all sending for `wait` ms, keepalive pings excepted (see HubConnection). When the refused
   * frame was the report in flight, it goes back to the front of the queue (resent first after the hold) and no
   * longer counts as sent.
   */
  #onRateLimited(wait: number, refusedReport: boolean): void {
    const requeued = refusedReport && this.#outbox.requeueRefused();
    if (requeued) this.#sent--;
    const level = this.#limited ? 'debug' : 'warn';
    this.#limited = true;
    // A hold never shortens the current one (a refused keepalive ping answers with the light tier's own delay).
    const held = this.#hold.start(wait);
    this.ctx.logger[level]({ retry_after_ms: wait, requeued }, `Hub rate limited us; holding all frames for ${held} ms`);
  }

  /**
   * pump writes queued reports while identified and not on hold: one at a time, the next once the previous is
   * confirmed and the pace allows. `final` lets stop() flush everything at once after stopping.
   */
  #pump(final = false): void {
    const conn = this.#link.ready;
    if (!conn || this.#hold.active || (this.#stopping && !final)) return;
    for (let report = this.#outbox.peek(); report; report = this.#outbox.peek()) {
      if (!final && (conn.awaitingReceipt || this.#pace.active)) return;
      let frame: string;
      try {
        frame = JSON.stringify({ ...report, protocol_version: 1 });
      } catch (err) {
        this.#outbox.discardNext();
        this.ctx.logger.error({ error: describeError(err) }, 'Dropped a report that cannot be serialised');
        continue;
      }
      // At stop nothing can be resent any more, so the rest goes at once, without receipts.
      if (!(final ? conn.send(frame) : conn.sendReport(frame))) return;
      this.#outbox.written();
      this.#sent++;
      this.#lastSentAt = this.#now();
    }
    this.#outbox.endOutage();
  }
}
