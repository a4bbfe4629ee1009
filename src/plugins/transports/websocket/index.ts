import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, SidecarError } from '../../../core/errors.js';
import { defineTransport, type TransportContext } from '../../../plugin.js';
import { websocketOptionsSchema, type WebsocketOptions } from './config.js';

// The transport (and ws with it) is imported when one is created, not with the manifest: `validate`, `plugins`
// and `schema` need only the options schema, and ws with its TLS and zlib cost them a third of their start-up.
export type { WebsocketTransport, ConnectionState } from './transport.js';
export type { WebsocketOptions } from './config.js';

/** loadCa reads `ca_file` (relative to the plugins.json directory) and checks it holds PEM certificates. */
async function loadCa(ctx: TransportContext<WebsocketOptions>): Promise<Buffer | undefined> {
  const file = ctx.options.ca_file;
  if (file === undefined) return undefined;
  const abs = path.resolve(ctx.configDir, file);
  let pem: Buffer;
  try {
    pem = await readFile(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(err)})`;
    throw new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `ca_file: ${abs}: ${reason}`, true, { cause: err });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `ca_file: ${abs}: no PEM certificate in it (expected "-----BEGIN CERTIFICATE-----")`);
  }
  if (!ctx.options.url.startsWith('wss:')) ctx.logger.warn({ ca_file: abs }, 'ca_file is set but the url is not wss://; it is not used');
  return pem;
}

/**
 * websocketTransport reports to the hub over a WebSocket (PROTOCOL.md): identify first, reports once identified,
 * pings, reconnects with backoff, buffers while the hub is away.
 */
export const websocketTransport = defineTransport<WebsocketOptions>({
  name: 'websocket',
  version: '0.1.0',
  description: 'Sends each report to the hub over a WebSocket, reconnecting and buffering while it is away.',
  options: websocketOptionsSchema,
  create: async (ctx) => {
    const ca = await loadCa(ctx);
    return new (await import('./transport.js')).WebsocketTransport(ctx, { ca });
  },
});
