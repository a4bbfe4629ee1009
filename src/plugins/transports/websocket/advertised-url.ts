import type { Logger } from '../../../core/contracts/logger.js';

/** isLoopbackHost is true for localhost (and *.localhost), 127.0.0.0/8 and ::1 (also as an IPv4-mapped address). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(host);
  return mapped !== null;
}

/** isLoopbackUrl is true when `url` parses and its host is a loopback one. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/**
 * AdvertisedUrl decides whether the `ollama_url` collectors contribute may go to this hub. The hub polls that URL
 * from its own machine and keys the endpoint by host:port, so a loopback URL sent to a remote hub makes it probe
 * itself, and every host sending the default collides on one endpoint. Such a URL is left out (with one warning
 * per transport, saying what to set); to a hub that is itself on loopback it is right, and goes as it is.
 */
export class AdvertisedUrl {
  readonly #hubIsLocal: boolean;
  #warned = false;

  constructor(
    hubUrl: string,
    private readonly logger: Logger,
  ) {
    this.#hubIsLocal = isLoopbackUrl(hubUrl);
  }

  /** filter returns `fields` without a loopback `ollama_url` when the hub is not on loopback. */
  filter(fields: Record<string, unknown>): Record<string, unknown> {
    const url = fields.ollama_url;
    if (typeof url !== 'string' || this.#hubIsLocal || !isLoopbackUrl(url)) return fields;
    if (!this.#warned) {
      this.#warned = true;
      this.logger.warn(
        { ollama_url: url },
        `Left ollama_url "${url}" out of identify: it is a loopback address and the hub is not on this machine, so the ` +
          'hub would poll itself (and every host sending it would collide on one endpoint). Set "advertise_url" in the ' +
          'ollama-vram options to a URL the hub can reach, e.g. "http://<this host>:11434"',
      );
    }
    const { ollama_url: _left, ...rest } = fields;
    return rest;
  }
}
