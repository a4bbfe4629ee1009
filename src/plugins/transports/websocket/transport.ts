import type { Transport, TransportContext, TransportStatus } from '../../../core/contracts/plugin.js';
import type { ResourceReport } from '../../../core/contracts/report.js';
import { describeError } from '../../../core/errors.js';
import { AdvertisedUrl } from './advertised-url.js';
import type { WebsocketOptions } from './config.js';
import { Hold } from './hold.js';
import { KEEPALIVE_MS } from './hub-connection.js';
import { HubLink } from './hub-link.js';
import { plainSocket, type HubSocket } from './hub-socket.js';
import { undeliveredNotice } from './hub-notices.js';
import { OllamaReporter } from './ollama-report.js';
import { Outbox } from './outbox.js';
import { TokenBucket } from './rate-budget.js';
import { createRedactor, safeUrl } from './redact.js';
import { systemTimers, type Timers } from './timers.js';

export type { LinkState as ConnectionState } from './hub-link.js';

/** WebsocketDeps are the transport's seams: TLS files and proxy prepared at create time, randomness, clocks and timers. */
export interface WebsocketDeps {
  /** socket: how connections are opened (TLS, proxy) and their errors worded. Default: plain, no proxy. */
  readonly socket?: HubSocket;
  readonly random?: () => number;
  /** timers: wall clock for timestamps, monotonic clock and timers for every duration. Default: the real ones. */
  readonly timers?: Timers;
  /** keepaliveMs: the longest an identified connection stays silent, hold or not. Default KEEPALIVE_MS (50 s). */
  readonly keepaliveMs?: number;
}

/**
 * DRAIN_GAP_MS paces a backlog (after an outage, or reports coming faster than the hub answers): the next
 * report goes this long after the previous one was confirmed, so at most 20 a second, not a burst.
 */
export const DRAIN_GAP_MS = 50;

/**
 * WebsocketTransport delivers reports to the hub: identify first, reports only once identified (waiting until
 * then; with replay "latest" only the newest, see Outbox), one at a time (each confirmed by its receipt ping
 * before the next, see Receipts), within the sender's own copy of the hub's rate budgets (so the hub never has to
 * refuse one), rate-limit holds with the refused report resent, reconnects (HubLink). `send` never waits on the
 * network.
 */
export class WebsocketTransport implements Transport {
  readonly #outbox: Outbox;
  readonly #hold: Hold;
  readonly #pace: Hold;
  readonly #link: HubLink;
  readonly #timers: Timers;
  readonly #normal: TokenBucket;
  readonly #light: TokenBucket;
  readonly #ollama: OllamaReporter;
  readonly #safeUrl: string;
  #started = false;
  #stopping = false;
  #sent = 0;
  #lastSentAt: number | null = null;
  /** #limited: rate limited since the queue was last empty; later refusals in the same drain log at debug. */
  #limited = false;
  /** #identityPending: identify fields changed while not identified; checked again once identified. */
  #identityPending = false;

  constructor(
    private readonly ctx: TransportContext<WebsocketOptions>,
    deps: WebsocketDeps = {},
  ) {
    const { options } = ctx;
    const redact = createRedactor(options.token, options.url);
    const timers = (this.#timers = deps.timers ?? systemTimers);
    const monotonic = () => timers.monotonic();
    this.#hold = new Hold(() => this.#pump(), timers);
    this.#pace = new Hold(() => this.#pump(), timers);
    this.#outbox = new Outbox(
      { capacity: options.buffer_max_reports, replay: options.replay, maxAgeMs: options.max_report_age_ms, monotonic },
      ctx.logger,
    );
    this.#normal = new TokenBucket(options.rate_limits.normal, monotonic);
    this.#light = new TokenBucket(options.rate_limits.light, monotonic);
    this.#safeUrl = redact(safeUrl(options.url));
    const advertised = new AdvertisedUrl(options.url, ctx.logger);
    this.#ollama = new OllamaReporter(ctx, advertised, redact);
    this.#link = new HubLink(ctx, {
      socket: deps.socket ?? plainSocket(options.url),
      random: deps.random,
      redact,
      safeUrl: this.#safeUrl,
      isHeld: () => this.#hold.active,
      keepaliveMs: deps.keepaliveMs ?? KEEPALIVE_MS,
      timers,
      light: this.#light,
      identifyFields: (fields) => this.#ollama.identified(advertised.filter(fields)),
      identified: () => this.#onIdentified(),
      settled: () => this.#onSettled(),
      rateLimited: (ms, refusedReport) => this.#onRateLimited(ms, refusedReport),
    });
  }

  /** start begins connecting in the background and returns at once. */
  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    this.ctx.logger.info({ url: this.#safeUrl, replay: this.ctx.options.replay }, 'Connecting to hub');
    this.#link.connect();
  }

  /** send queues a report; it is written at once when identified, not on hold and within the budget. */
  send(report: ResourceReport): void {
    if (this.#stopping) return void this.#outbox.discard();
    this.#outbox.accept(report);
    this.#pump();
  }

  /**
   * identityChanged is called by the host after a reload changed what collectors contribute to identify. The
   * connection is kept: a changed `ollama_url` goes to the hub as `ollama_report` (the hub re-registers the
   * endpoint without a new identify); the next identify, after any reconnect, carries the new fields anyway.
   */
  async identityChanged(): Promise<void> {
    const conn = this.#link.ready;
    // Not identified yet: the identify in flight may carry the old fields, so look again once identified.
    if (!conn) return void (this.#identityPending = true);
    const frame = await this.#ollama.changed();
    if (!frame || this.#stopping || !conn || conn !== this.#link.ready) return;
    // A normal-tier frame: spend from the same budget as the reports, so it cannot cost a refusal.
    this.#normal.spend();
    if (conn.send(JSON.stringify(frame))) this.#ollama.sent(frame.ollama_url);
  }

  /**
   * stop delivers what it may before closing with 1000: it waits (within `signal`) for a rate-limit hold and for
   * the report in flight, then writes, with replay "latest", the newest waiting report if it is fresh, with "all"
   * as many as the rate budget allows. It warns, with counts, when anything is left undelivered.
   */
  async stop(signal: AbortSignal): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    const before = { expired: this.#outbox.expired, superseded: this.#outbox.superseded };
    const conn = this.#link.ready;
    if (conn) {
      await this.#hold.ended(signal);
      await conn.receiptAnswered(signal);
      // The report in flight may have been refused meanwhile: its hold, too, is waited out within `signal`.
      await this.#hold.ended(signal);
    }
    this.#pump(true);
    this.#hold.clear();
    this.#pace.clear();
    // The close waits for the hub's close frame, so a refusal of the last report (answered before it) is counted.
    await this.#link.close(1000, 'sidecar stopping', signal);
    this.#outbox.endOutage();
    const buffered = this.#outbox.buffered;
    const expired = this.#outbox.expired - before.expired;
    const superseded = this.#outbox.superseded - before.superseded;
    if (buffered + expired > 0) {
      this.ctx.logger.warn({ buffered, expired, superseded, sent: this.#sent }, undeliveredNotice(buffered, expired, conn !== undefined));
    } else {
      this.ctx.logger.debug({ sent: this.#sent, superseded }, 'Stopped with every report delivered or superseded');
    }
  }

  /** status describes the connection and the counters. */
  status(): TransportStatus {
    return {
      state: this.#link.state,
      identified: this.#link.state === 'identified',
      sent: this.#sent,
      buffered: this.#outbox.buffered,
      dropped: this.#outbox.dropped,
      superseded: this.#outbox.superseded,
      expired: this.#outbox.expired,
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

  /** onIdentified starts delivery, and passes on identify fields that changed while identifying. */
  #onIdentified(): void {
    this.#pump();
    if (!this.#identityPending) return;
    this.#identityPending = false;
    void this.identityChanged();
  }

  /** onSettled: the report in flight was accepted; the next one waits DRAIN_GAP_MS. */
  #onSettled(): void {
    const report = this.#outbox.confirmed();
    if (report) this.ctx.logger.debug({ timestamp: report.timestamp ?? null }, 'Report delivered');
    if (this.#stopping) return;
    if (this.#outbox.buffered > 0) this.#pace.start(DRAIN_GAP_MS);
    else this.#limited = false;
  }

  /**
   * onRateLimited holds all sending for `wait` ms, keepalive pings excepted (see HubConnection). When the refused
   * frame was the report in flight, it goes back to the front of the queue (resent first after the hold, unless a
   * newer one supersedes it) and no longer counts as sent. With the sender's own budget this should not happen;
   * it is handled for a hub whose limits are tighter than configured.
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
   * pump writes queued reports while identified, not on hold and within the rate budget (a report takes a normal
   * token and its receipt ping a light one): one at a time, the next once the previous is confirmed and the pace
   * allows. When the budget is spent it comes back when a token is due. `final` is stop's one last pass.
   */
  #pump(final = false): void {
    const conn = this.#link.ready;
    if (!conn || this.#hold.active || (this.#stopping && !final)) return;
    for (let report = this.#outbox.peek(); report || this.#outbox.buffered > 0; report = this.#outbox.peek()) {
      if (!report) continue; // the head was too old and was left out; look at the next
      if (conn.awaitingReceipt || (!final && this.#pace.active)) return;
      const wait = Math.max(this.#normal.waitMs(), this.#light.waitMs());
      if (wait > 0) return void (final || this.#pace.start(wait));
      let frame: string;
      try {
        frame = JSON.stringify({ ...report, protocol_version: 1 });
      } catch (err) {
        this.#outbox.discardNext();
        this.ctx.logger.error({ error: describeError(err) }, 'Dropped a report that cannot be serialised');
        continue;
      }
      // At stop nothing can be resent, so all but the last go without a receipt; the budget keeps them unrefused.
      if (final && this.#outbox.buffered > 1) {
        if (!conn.send(frame)) return;
        this.#outbox.written();
        this.#outbox.confirmed();
        this.ctx.logger.debug({ timestamp: report.timestamp ?? null }, 'Report delivered (at stop)');
      } else {
        if (!conn.sendReport(frame)) return;
        this.#outbox.written();
      }
      this.#normal.take();
      this.#sent++;
      this.#lastSentAt = this.#timers.now();
    }
    this.#outbox.endOutage();
  }
}
