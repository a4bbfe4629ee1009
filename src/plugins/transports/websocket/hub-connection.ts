import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Logger } from '../../../core/contracts/logger.js';
import type { WebsocketOptions } from './config.js';
import { parseHubMessage, type HubMessage } from './hub-messages.js';
import type { HubSocket } from './hub-socket.js';
import { Receipts } from './receipts.js';

/** HubConnectionHooks are how one connection tells the transport what happened. */
export interface HubConnectionHooks {
  opened(): void;
  identified(): void;
  /** settled: the hub has handled the report last written, and did not refuse it (see Receipts). */
  settled(): void;
  /** rateLimited: the hub refused a frame; `refusedReport` says it was the report in flight. */
  rateLimited(retryAfterMs: number | undefined, refusedReport: boolean): void;
  /** refused: the hub refused our credentials (`invalid_token`...); the connection closes next. */
  refused(error: string): void;
  /** closed is called exactly once; `error` is the (redacted) socket error that preceded it, if any. */
  closed(code: number, reason: string, error: string | undefined): void;
}

/** HubConnectionSetup is what one connection needs from the transport. */
export interface HubConnectionSetup {
  readonly url: string;
  readonly options: WebsocketOptions;
  /** socket: TLS files and proxy for the WebSocket, and plain words for its errors. */
  readonly socket: HubSocket;
  readonly agentId: string;
  readonly logger: Logger;
  readonly redact: (value: string) => string;
  /** identifyFrame builds the identify frame; it must not throw. */
  readonly identifyFrame: (signal: AbortSignal) => Promise<Record<string, unknown>>;
  /** isHeld says that sending is on hold (rate limited): pings wait too, but for keepalives. */
  readonly isHeld: () => boolean;
  /** keepaliveMs: while identified, a ping goes whenever nothing was written for this long, hold or not. */
  readonly keepaliveMs: number;
}

const PING = JSON.stringify({ type: 'ping', protocol_version: 1 });

/**
 * MAX_SOCKET_BACKLOG_BYTES: while a slow hub has this much unread, reports stay in the bounded outbox instead
 * of piling up in the socket's memory; they are written on a later pump.
 */
export const MAX_SOCKET_BACKLOG_BYTES = 256 * 1024;

/** HUB_SILENCE_LIMIT_MS: the hub drops a connection that is silent for this long (PROTOCOL.md). */
export const HUB_SILENCE_LIMIT_MS = 60_000;

/**
 * KEEPALIVE_MS is the longest an identified connection stays silent: a rate-limit hold (up to 60 s) stops the
 * regular pings, so a keepalive ping goes when nothing was written for this long. 10 s below the hub's limit
 * leaves room for a late timer and the network, as the 50 s cap of `ping_interval_ms` does.
 */
export const KEEPALIVE_MS = HUB_SILENCE_LIMIT_MS - 10_000;

/**
 * HubConnection is one WebSocket to the hub: it sends `identify` on open, pings while identified, watches for
 * pongs and for the `identified` answer, and narrows hub frames. Reports go one at a time, each followed by a
 * receipt ping (Receipts). The transport owns reconnecting.
 */
export class HubConnection {
  readonly #ws: WebSocket;
  readonly #abort = new AbortController();
  readonly #closed: Promise<void>;
  readonly #receipts: Receipts;
  #identifySent = false;
  #identified = false;
  #lastError: string | undefined;
  #identifyTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  /** #lastWriteAt is when a frame was last written, on performance.now()'s clock. */
  #lastWriteAt = 0;

  constructor(
    private readonly setup: HubConnectionSetup,
    private readonly hooks: HubConnectionHooks,
  ) {
    const { handshake_timeout_ms: handshakeTimeout, max_payload_bytes: maxPayload } = setup.options;
    this.#receipts = new Receipts(setup.options.pong_timeout_ms, () => {
      setup.logger.warn(`No pong within ${setup.options.pong_timeout_ms} ms; reconnecting`);
      this.terminate();
    });
    this.#ws = new WebSocket(setup.url, { handshakeTimeout, maxPayload, followRedirects: false, ...setup.socket.options });
    this.#closed = new Promise((resolve) => this.#ws.once('close', () => resolve()));
    this.#ws.on('error', (err) => (this.#lastError = setup.redact(setup.socket.describe(err))));
    this.#ws.on('open', () => void this.#onOpen().catch(() => this.terminate()));
    this.#ws.on('message', (data, isBinary) => this.#onMessage(parseHubMessage(data, isBinary, setup.redact)));
    this.#ws.on('close', (code, reason) => this.#onClose(code, setup.redact(reason.toString('utf8'))));
  }

  /** identified is true once the hub answered `identified` on this connection. */
  get identified(): boolean {
    return this.#identified;
  }

  /** awaitingReceipt is true while the report last written waits for the answer to its receipt ping. */
  get awaitingReceipt(): boolean {
    return this.#receipts.awaiting;
  }

  /** send writes one frame if the socket is open and not backed up; false otherwise. */
  send(frame: string): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN || this.#ws.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) return false;
    this.#write(frame);
    return true;
  }

  /** sendReport writes a report frame and its receipt ping; false when an earlier report awaits its receipt or send fails. */
  sendReport(frame: string): boolean {
    if (this.#receipts.awaiting || !this.send(frame)) return false;
    this.#writePing(true);
    return true;
  }

  /** close closes gracefully (queued frames go out first) and resolves when the socket is closed or `signal` aborts. */
  async close(code: number, reason: string, signal?: AbortSignal): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code, reason);
    else if (this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
    if (!signal) return this.#closed;
    if (signal.aborted) return this.terminate();
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.#closed, aborted]);
    this.terminate();
  }

  /** terminate drops the socket at once. */
  terminate(): void {
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
  }

  async #onOpen(): Promise<void> {
    this.hooks.opened();
    const { options, logger } = this.setup;
    this.#identifyTimer = setTimeout(() => {
      logger.warn(`No "identified" answer within ${options.handshake_timeout_ms} ms; reconnecting`);
      this.terminate();
    }, options.handshake_timeout_ms);
    const frame = await this.setup.identifyFrame(this.#abort.signal);
    this.#identifySent = this.send(JSON.stringify(frame));
  }

  #onMessage(message: HubMessage): void {
    const { logger, agentId } = this.setup;
    switch (message.kind) {
      case 'identified':
        if (this.#identified) return;
        // An answer to nothing: identify is not written yet (it waits for the collectors' fields). Acting on it
        // would let reports go first; the real answer follows our identify.
        if (!this.#identifySent) return void logger.warn('Ignored an "identified" that came before our identify frame');
        this.#identified = true;
        clearTimeout(this.#identifyTimer);
        this.#pingTimer = setInterval(() => this.#ping(), this.setup.options.ping_interval_ms);
        this.#armKeepalive();
        return this.hooks.identified();
      case 'pong':
        if (this.#receipts.answered()) this.hooks.settled();
        return;
      case 'rate_limited': {
        // Tier `light` is the hub's tier for pings: a ping was refused, which answers it. Any other refusal is
        // the report in flight, if there is one.
        let refusedReport = false;
        if (message.tier !== 'light') refusedReport = this.#receipts.refused();
        else if (this.#receipts.answered()) this.hooks.settled();
        return this.hooks.rateLimited(message.retryAfterMs, refusedReport);
      }
      case 'rate_limit_warning':
        return void logger.debug({ tier: message.tier, remaining: message.remaining, capacity: message.capacity }, 'Hub rate limit warning');
      case 'auth_error':
        this.hooks.refused(message.error);
        return void this.close(1000, 'identify refused');
      case 'validation_failed': {
        const errors = message.errors.length > 0 ? message.errors : [{ field: '', error: '', detail: '' }];
        for (const e of errors) logger.error({ message_type: message.messageType, ...e }, 'Hub rejected a frame');
        return;
      }
      case 'protocol_error':
        return void logger.warn({ error: message.error }, `Hub reported a protocol error: ${message.error}`);
      case 'hub_error':
        return void logger.warn({ error: message.error }, 'Hub reported an error');
      case 'ignored':
        return void logger.debug({ reason: message.reason }, 'Ignored a hub frame');
    }
  }

  #ping(): void {
    if (!this.setup.isHeld()) this.#writePing();
  }

  /** armKeepalive sets the keepalive timer for when the connection will have been silent for keepaliveMs. */
  #armKeepalive(): void {
    const due = this.#lastWriteAt + this.setup.keepaliveMs - performance.now();
    this.#keepaliveTimer = setTimeout(() => this.#keepalive(), Math.max(1, Math.ceil(due)));
  }

  /**
   * keepalive writes a ping if nothing was written for keepaliveMs, even on a rate-limit hold: the hub drops a
   * connection silent for 60 s, and a hold lasts up to 60 s. Otherwise (something was written since) it only
   * re-arms, so the timer costs one wake-up per keepaliveMs, not one per frame.
   */
  #keepalive(): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    // 1 ms of slack: timers may fire a fraction of a millisecond early against performance.now().
    if (performance.now() - this.#lastWriteAt >= this.setup.keepaliveMs - 1) {
      this.setup.logger.debug({ held: this.setup.isHeld() }, `Nothing written for ${this.setup.keepaliveMs} ms; keepalive ping`);
      this.#writePing();
    }
    this.#armKeepalive();
  }

  /**
   * writePing writes a ping even when the socket is backed up: a hub that stopped reading is found out by the
   * missing answer (then the connection is terminated and made again), which a skipped ping would never show.
   */
  #writePing(receipt = false): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#write(PING);
    this.#receipts.pinged(receipt);
  }

  #write(frame: string): void {
    this.#ws.send(frame);
    this.#lastWriteAt = performance.now();
  }

  #onClose(code: number, reason: string): void {
    clearTimeout(this.#identifyTimer);
    clearInterval(this.#pingTimer);
    clearTimeout(this.#keepaliveTimer);
    this.#receipts.clear();
    this.#identified = false;
    this.#abort.abort();
    this.hooks.closed(code, reason, this.#lastError);
  }
}
