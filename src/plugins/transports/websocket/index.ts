import { defineTransport } from '../../../plugin.js';
import { websocketOptionsSchema, type WebsocketOptions } from './config.js';
import { prepareHubSocket } from './hub-socket.js';
import { WebsocketTransport } from './transport.js';

export { WebsocketTransport, type ConnectionState } from './transport.js';
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
  create: async (ctx) => new WebsocketTransport(ctx, { socket: await prepareHubSocket(ctx) }),
});
