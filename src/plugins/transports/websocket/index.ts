import { defineTransport } from '../../../plugin.js';
import { websocketOptionsSchema, type WebsocketOptions } from './config.js';

// The transport (and ws with it) is imported when one is created, not with the manifest: `validate`, `plugins`
// and `schema` need only the options schema, and ws with its TLS and zlib cost them a third of their start-up.
export type { WebsocketTransport, ConnectionState } from './transport.js';
export type { WebsocketOptions } from './config.js';

/**
 * websocketTransport reports to the hub over a WebSocket (PROTOCOL.md): identify first, reports once identified,
 * pings, reconnects with backoff, buffers while the hub is away. TLS files and the proxy: hub-socket.ts.
 */
export const websocketTransport = defineTransport<WebsocketOptions>({
  name: 'websocket',
  version: '0.1.0',
  description: 'Sends each report to the hub over a WebSocket, reconnecting and buffering while it is away.',
  options: websocketOptionsSchema,
  create: async (ctx) => {
    // TLS files and the proxy are read here too, not with the manifest: `validate` needs neither node:tls nor them.
    const [{ prepareHubSocket }, { WebsocketTransport }] = await Promise.all([import('./hub-socket.js'), import('./transport.js')]);
    return new WebsocketTransport(ctx, { socket: await prepareHubSocket(ctx) });
  },
});
