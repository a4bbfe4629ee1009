import type { Agent } from 'node:http';
import type { TransportContext } from '../../../core/contracts/plugin.js';
import type { WebsocketOptions } from './config.js';
import { createProxyAgent, resolveHubProxy } from './proxy-agent.js';
import { createRedactor } from './redact.js';
import { describeSocketError, type SocketErrorContext } from './tls-errors.js';
import { loadHubTls } from './tls-options.js';

/** HubSocketOptions are the options `new WebSocket(url, ...)` gets beyond the transport's own: TLS and the proxy. */
export interface HubSocketOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly passphrase?: string;
  readonly agent?: Agent;
}

/** HubSocket is how every connection to the hub is opened, and how its errors are worded. */
export interface HubSocket {
  readonly options: HubSocketOptions;
  /** describe words a socket error in one line, in plain words where known, without the proxy's password. */
  describe(err: Error): string;
}

/** plainSocket is the socket of a transport built without create() (tests): no TLS files, no proxy. */
export const plainSocket = (url: string): HubSocket => {
  const ctx: SocketErrorContext = { secure: url.startsWith('wss:'), clientCert: false };
  return { options: {}, describe: (err) => describeSocketError(err, ctx) };
};

/**
 * prepareHubSocket reads the TLS files and decides the proxy, once, at create time (see loadHubTls and
 * resolveHubProxy), and logs the proxy in use without its credentials.
 */
export async function prepareHubSocket(ctx: TransportContext<WebsocketOptions>): Promise<HubSocket> {
  const { options: o, logger } = ctx;
  const proxy = resolveHubProxy(o.url, o.proxy);
  const tls = await loadHubTls(ctx, proxy?.url.protocol === 'https:');
  const tunnel = proxy && (await createProxyAgent(proxy, tls.ca));
  if (proxy) logger.info({ proxy: proxy.display, proxy_source: proxy.source }, `Hub connection goes through proxy ${proxy.display} (${proxy.source})`);
  const errorContext: SocketErrorContext = {
    secure: o.url.startsWith('wss:'),
    clientCert: tls.cert !== undefined,
    proxy:
      proxy && tunnel
        ? {
            display: proxy.display,
            tls: proxy.url.protocol === 'https:',
            hasCredentials: proxy.url.username !== '' || proxy.url.password !== '',
            connectStatus: tunnel.connectStatus,
          }
        : undefined,
  };
  // The proxy's password may come from HTTPS_PROXY, which the CLI's scrubber does not know: mask it here too.
  const scrub = proxy ? createRedactor('', proxy.url.href) : (text: string) => text;
  return {
    options: { ...tls, ...(tunnel ? { agent: tunnel.agent } : {}) },
    describe: (err) => scrub(describeSocketError(err, errorContext)),
  };
}
