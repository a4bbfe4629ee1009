import type { TransportContext } from '../../../core/contracts/plugin.js';
import { describeError } from '../../../core/errors.js';
import { createBackoff, cooldownMs, type Backoff } from './backoff.js';
import type { WebsocketOptions } from './config.js';
import { HubConnection } from './hub-connection.js';
import type { HubSocket } from './hub-socket.js';
import { identifyFrame } from './identify.js';
import { AttemptWindow, type TokenBucket } from './rate-budget.js';
import type { TimerHandle, Timers } from './timers.js';

/** LinkState is where the link is in its life cycle ('stopped' also before start). */
export type LinkState = 'connecting' | 'identifying' | 'identified' | 'backoff' | 'stopped';

/** HubLinkSetup is what the link needs beyond the plugin context. */
export interface HubLinkSetup {
  readonly socket: HubSocket;
  readonly random: (() => number) | undefined;
  /** redact masks secrets; safeUrl is the URL as it may appear in logs. */
  readonly redact: (value: string) => string;
  readonly safeUrl: string;
  readonly isHeld: () => boolean;
  /** keepaliveMs: the longest an identified connection stays silent (see HubConnectionSetup). */
  readonly keepaliveMs: number;
  readonly timers: Timers;
  /** light is the ping budget (the hub's light tier), shared by every connection. */
  readonly light: TokenBucket;
  /** identifyFields filters what collectors contribute to identify (see AdvertisedUrl). */
  readonly identifyFields: (fields: Record<string, unknown>) => Record<string, unknown>;
  readonly identified: () => void;
  /** settled: the report last written was handled by the hub and not refused. */
  readonly settled: () => void;
  /** rateLimited: hold for `retryAfterMs` (1000 when the hub gave none); `refusedReport`: resend the one in flight. */
  readonly rateLimited: (retryAfterMs: number, refusedReport: boolean) => void;
}

/**
 * HubLink keeps one connection to the hub alive: it connects, and after every close waits a backoff delay and
 * connects again, until closed. The delay is full jitter, at least the cool-down a 1008 close names, and at least
 * what keeps identifies within the heavy tier (AttemptWindow: 10 a minute by default). The backoff starts over
 * only after a connection stayed identified for `stable_after_ms`: a hub that drops every connection right after
 * `identified` (or on a frame it cannot take: 1007, 1009, 1011) sees the delays grow, not a tight loop.
 * After losing an identified connection the first reconnect also waits a random part of `reconnect_spread_ms`
 * (reconnectSpreadMs), so a fleet cut off together by a hub restart does not come back in the same second.
 */
export class HubLink {
  readonly #backoff: Backoff;
  readonly #random: () => number;
  #state: LinkState = 'stopped';
  #closing = false;
  readonly #identifies: AttemptWindow;
  #conn: HubConnection | undefined;
  #timer: TimerHandle | undefined;
  /** #identifiedAt is when the current connection was identified (monotonic), undefined before. */
  #identifiedAt: number | undefined;
  /** #flapping: connections keep dropping soon after `identified`; repeats log at debug until one is stable. */
  #flapping = false;
  #attempts = 0;
  #failing = false;
  /** #refusal: the credentials error the hub last answered, until identified; repeats of it log at debug. */
  #refusal: string | undefined;

  constructor(
    private readonly ctx: TransportContext<WebsocketOptions>,
    private readonly setup: HubLinkSetup,
  ) {
    this.#random = setup.random ?? Math.random;
    this.#backoff = createBackoff({ initialMs: ctx.options.reconnect_initial_ms, maxMs: ctx.options.reconnect_max_ms, random: setup.random });
    this.#identifies = new AttemptWindow(ctx.options.rate_limits.heavy, () => setup.timers.monotonic());
  }

  get state(): LinkState {
    return this.#state;
  }

  /** reconnects counts connection attempts after the first. */
  get reconnects(): number {
    return Math.max(0, this.#attempts - 1);
  }

  /** ready is the current connection if it is identified. */
  get ready(): HubConnection | undefined {
    return this.#conn?.identified ? this.#conn : undefined;
  }

  /** connect opens a connection now, or when the identify budget allows. */
  connect(): void {
    if (this.#closing) return;
    const wait = this.#identifies.waitMs();
    if (wait > 0) {
      this.#state = 'backoff';
      this.ctx.logger.debug({ wait_ms: wait }, 'Waiting for the identify budget (the hub\'s heavy tier) before connecting');
      this.#timer = this.setup.timers.set(() => this.connect(), wait);
      return;
    }
    this.#identifiedAt = undefined;
    this.#attempts++;
    this.#state = 'connecting';
    const { ctx, setup } = this;
    const { options, agent, logger } = ctx;
    try {
      this.#conn = new HubConnection(
        { url: options.url, options, socket: setup.socket, agentId: agent.id, logger, redact: setup.redact, isHeld: setup.isHeld,
          keepaliveMs: setup.keepaliveMs, timers: setup.timers, light: setup.light,
          identifyFrame: (signal) => identifyFrame(ctx, signal, setup.redact, setup.identifyFields) },
        {
          // Counted when the socket opens: that is a connection the hub sees and the identify it gets. An attempt
          // refused before (the hub down) costs the hub nothing, and must not hold back the reconnect after it.
          opened: () => {
            this.#identifies.record();
            if (!this.#closing) this.#state = 'identifying';
          },
          identified: () => this.#onIdentified(),
          settled: () => setup.settled(),
          rateLimited: (ms, refusedReport) => setup.rateLimited(ms ?? 1000, refusedReport),
          refused: (error) => this.#onRefused(error),
          closed: (code, reason, error) => this.#onClosed(code, reason, error),
        },
      );
    } catch (err) {
      this.#onClosed(1006, '', setup.redact(describeError(err)));
    }
  }

  /** close stops reconnecting and closes the connection with `code`, within `signal`. */
  async close(code: number, reason: string, signal: AbortSignal): Promise<void> {
    this.#closing = true;
    this.#state = 'stopped';
    this.setup.timers.clear(this.#timer);
    await this.#conn?.close(code, reason, signal);
  }

  /** dispose drops the connection at once and stops reconnecting. */
  dispose(): void {
    this.#closing = true;
    this.#state = 'stopped';
    this.setup.timers.clear(this.#timer);
    this.#conn?.terminate();
  }

  #onIdentified(): void {
    if (this.#closing) return;
    this.#state = 'identified';
    this.#identifiedAt = this.setup.timers.monotonic();
    this.#refusal = undefined;
    const level = this.#flapping ? 'debug' : 'info';
    this.ctx.logger[level]({ url: this.setup.safeUrl, agent_id: this.ctx.agent.id, reconnects: this.reconnects }, 'Identified to hub');
    this.setup.identified();
  }

  /**
   * onRefused logs a credentials refusal at error, naming the agent (never the token). A wrong token is refused on
   * every retry, up to once a minute for as long as it stays wrong: the same refusal again goes to debug.
   */
  #onRefused(error: string): void {
    const agentId = this.ctx.agent.id;
    const level = error === this.#refusal ? 'debug' : 'error';
    this.#refusal = error;
    this.ctx.logger[level]({ agent_id: agentId, error }, `Hub refused agent "${agentId}": ${error}; closing and retrying with backoff`);
  }

  #onClosed(code: number, reason: string, error: string | undefined): void {
    this.#conn = undefined;
    if (this.#closing) return;
    this.#state = 'backoff';
    const held = this.#identifiedAt === undefined ? undefined : this.setup.timers.monotonic() - this.#identifiedAt;
    const stable = held !== undefined && held >= this.ctx.options.stable_after_ms;
    const flap = held !== undefined && !stable;
    // Only a connection that lasted starts the backoff over: one dropped right after `identified` is a failure.
    if (stable) {
      this.#backoff.reset();
      this.#failing = false;
      this.#flapping = false;
    }
    const cooldown = code === 1008 ? cooldownMs(reason) : 0;
    // The spread only on losing an identified connection: a failed attempt is already spread by the backoff.
    const spread = held === undefined ? 0 : reconnectSpreadMs(this.ctx.options.reconnect_spread_ms, this.#random);
    const delay = Math.max(this.#backoff.next(), spread, cooldown, this.#identifies.waitMs());
    const why = error ?? (reason ? `code ${code}: ${reason}` : `code ${code}`);
    const fields = { url: this.setup.safeUrl, code, retry_in_ms: delay };
    if (flap && !this.#flapping) {
      this.#flapping = true;
      this.ctx.logger.warn(
        { ...fields, identified_for_ms: Math.round(held!), stable_after_ms: this.ctx.options.stable_after_ms },
        `Hub dropped the connection ${Math.round(held!)} ms after identifying (${why}); backing off, reconnecting in ${delay} ms. Further drops log at debug until a connection lasts ${this.ctx.options.stable_after_ms} ms`,
      );
    } else {
      const message = `Hub connection ${this.#failing ? 'attempt failed' : 'lost'} (${why}); reconnecting in ${delay} ms`;
      // Warn once per outage (and for every cool-down); repeated failures and flaps go to debug.
      const quiet = (this.#failing || this.#flapping) && cooldown === 0;
      this.ctx.logger[quiet ? 'debug' : 'warn'](fields, message);
    }
    this.#failing = true;
    this.#timer = this.setup.timers.set(() => this.connect(), delay);
  }
}

/**
 * reconnectSpreadMs draws the wait before the first reconnect after an identified connection was lost: uniform in
 * [0, spreadMs), 0 when spreadMs is 0. A fleet cut off together (a hub restart) then comes back spread over
 * `spreadMs` instead of within the first backoff delay, like the jittered first retry of AWS SDKs or Envoy.
 */
export function reconnectSpreadMs(spreadMs: number, random: () => number): number {
  if (spreadMs <= 0) return 0;
  // Clamped into [0, 1): an injected random of exactly 1 still stays below the spread.
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * spreadMs);
}
