import type { TransportContext } from '../../../core/contracts/plugin.js';
import { describeError } from '../../../core/errors.js';
import type { AdvertisedUrl } from './advertised-url.js';
import type { WebsocketOptions } from './config.js';

/** OllamaReportFrame re-registers the Ollama endpoint on the hub without a new identify (PROTOCOL.md). */
export interface OllamaReportFrame {
  readonly type: 'ollama_report';
  readonly protocol_version: 1;
  readonly ollama_url: string;
}

/**
 * OllamaReporter remembers the `ollama_url` the hub last heard from this transport (in identify or in
 * `ollama_report`) and, when a reload changes what collectors contribute, builds the `ollama_report` that tells
 * the hub the new one on the same connection, instead of a reconnect and a new identify.
 */
export class OllamaReporter {
  #advertised: string | undefined;

  constructor(
    private readonly ctx: TransportContext<WebsocketOptions>,
    private readonly advertised: AdvertisedUrl,
    private readonly redact: (value: string) => string,
  ) {}

  /** identified records the fields an identify frame is about to carry, and returns them unchanged. */
  identified(fields: Record<string, unknown>): Record<string, unknown> {
    this.#advertised = typeof fields.ollama_url === 'string' ? fields.ollama_url : undefined;
    return fields;
  }

  /** sent records an `ollama_report` written. */
  sent(url: string): void {
    this.#advertised = url;
    this.ctx.logger.info({ ollama_url: url }, 'Sent the new ollama_url to the hub (ollama_report)');
  }

  /** changed gathers the identify fields again; the frame to send when `ollama_url` changed, else undefined. */
  async changed(): Promise<OllamaReportFrame | undefined> {
    let fields: Record<string, unknown>;
    try {
      fields = this.advertised.filter(await this.ctx.identify(AbortSignal.timeout(this.ctx.options.handshake_timeout_ms)));
    } catch (err) {
      this.ctx.logger.warn({ error: this.redact(describeError(err)) }, 'Gathering identify fields after a reload failed');
      return undefined;
    }
    const url = fields.ollama_url;
    if (typeof url !== 'string' || url === '' || url.length > 512 || url === this.#advertised) {
      if (url === undefined && this.#advertised !== undefined) {
        this.ctx.logger.info({ ollama_url: this.#advertised }, 'ollama_url is no longer contributed; the hub keeps the endpoint it has until the next identify');
      }
      return undefined;
    }
    return { type: 'ollama_report', protocol_version: 1, ollama_url: url };
  }
}
