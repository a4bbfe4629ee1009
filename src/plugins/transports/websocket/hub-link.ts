import type { TransportContext } from '../../../core/contracts/plugin.js';
import { describeError } from '../../../core/errors.js';
import { createBackoff, cooldownMs, type Backoff } from './backoff.js';
import type { WebsocketOptions } from './config.js';
import { HubConnection } from './hub-connection.js';
import type { HubSocket } from './hub-socket.js';
import { identifyFrame } from './identify.js';

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
  readonly identified: () => void;
  /** settled: the report last written was handled by the hub and not refused. */
  readonly settled: () => void;
  /** rateLimited: hold for `retryAfterMs` (1000 when the hub gave none); `refusedReport`: resend the one in flight. */
  readonly rateLimited: (retryAfterMs: number, refusedReport: boolean) => void;
}

/**
 * HubLink keeps one connection to the hub alive: it connects, and after every close waits a backoff delay
 * (full jitter, reset once identified; at least the cool-down a 1008 close names) and connects again, until closed.
 */
export class HubLink {
  readonly #backoff: Backoff;
  #state: LinkState = 'stopped';
  #closing = false;
  #conn: HubConnection | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempts = 0;
  #failing = false;
  /** #refusal: the credentials error the hub last answered, until identified; repeats of it log at debug. */
  #refusal: string | undefined;

  constructor(
    private readonly ctx: TransportContext<WebsocketOptions>,
    private readonly setup: HubLinkSetup,
  ) {
    this.#backoff = createBackoff({ initialMs: ctx.options.reconnect_initial_ms, maxMs: ctx.options.reconnect_max_ms, random: setup.random });
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

  /** connect opens the first connection. */
  connect(): void {
    if (this.#closing) return;
    this.#attempts++;
    this.#state = 'connecting';
    const { ctx, setup } = this;
    const { options, agent, logger } = ctx;
    try {
      this.#conn = new HubConnection(
        { url: options.url, options, socket: setup.socket, agentId: agent.id, logger, redact: setup.redact, isHeld: setup.isHeld,
          keepaliveMs: setup.keepaliveMs,
          identifyFrame: (signal) => identifyFrame(ctx, signal, setup.redact) },
        {
          opened: () => void (this.#closing || (this.#state = 'identifying')),
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
    clearTimeout(this.#timer);
    await this.#conn?.close(code, reason, signal);
  }

  /** dispose drops the connection at once and stops reconnecting. */
  dispose(): void {
    this.#closing = true;
    this.#state = 'stopped';
    clearTimeout(this.#timer);
    this.#conn?.terminate();
  }

  #onIdentified(): void {
    if (this.#closing) return;
    this.#state = 'identified';
    this.#backoff.reset();
    this.#failing = false;
    this.#refusal = undefined;
    this.ctx.logger.info({ url: this.setup.safeUrl, agent_id: this.ctx.agent.id, reconnects: this.reconnects }, 'Identified to hub');
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
    const cooldown = code === 1008 ? cooldownMs(reason) : 0;
    const delay = Math.max(this.#backoff.next(), cooldown);
    const why = error ?? (reason ? `code ${code}: ${reason}` : `code ${code}`);
    const message = `Hub connection ${this.#failing ? 'attempt failed' : 'lost'} (${why}); reconnecting in ${delay} ms`;
    // Warn once per outage (and for every cool-down); repeated failures go to debug.
    this.ctx.logger[this.#failing && cooldown === 0 ? 'debug' : 'warn']({ url: this.setup.safeUrl, code, retry_in_ms: delay }, message);
    this.#failing = true;
    this.#timer = setTimeout(() => this.connect(), delay);
  }
}
