import { z } from 'zod';
import '../../../core/config/validation-messages.js';

/** isHubUrl accepts absolute ws:// and wss:// URLs with a host and no fragment (ws refuses fragments). */
function isHubUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '' && url.hash === '';
}

const ms = (min: number, max: number, fallback: number, text: string) =>
  z.int().min(min).max(max).default(fallback).describe(text);

/**
 * websocketOptionsSchema validates the websocket transport's options and fills their defaults.
 * `ping_interval_ms` is capped at 50 s so the pings alone keep the hub's 60 s silence limit satisfied.
 */
export const websocketOptionsSchema = z
  .strictObject({
    url: z
      .string()
      .refine(isHubUrl, { error: 'must be a ws:// or wss:// URL without a #fragment, e.g. "ws://hub:4000/ws"' })
      .describe('Hub WebSocket endpoint. The token is never put in it.'),
    token: z.string().max(256).default('').describe('Shared secret sent in the identify frame only.'),
    ping_interval_ms: ms(10, 50_000, 30_000, 'Time between application-level pings while identified.'),
    pong_timeout_ms: ms(10, 600_000, 10_000, 'A ping unanswered this long means a dead connection.'),
    reconnect_initial_ms: ms(1, 3_600_000, 1000, 'First reconnect delay cap; doubles per failed attempt.'),
    reconnect_max_ms: ms(1, 3_600_000, 60_000, 'Largest reconnect delay cap.'),
    buffer_max_reports: z.int().min(1).max(100_000).default(120).describe('Reports held while not identified.'),
    handshake_timeout_ms: ms(10, 600_000, 10_000, 'Deadline for the WebSocket upgrade, and again for `identified`.'),
    ca_file: z.string().min(1).optional().describe('PEM CA bundle for wss://; relative to the plugins.json directory.'),
    max_payload_bytes: z
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest inbound frame accepted; a bigger one closes the connection (1009).'),
  })
  .refine((o) => o.reconnect_max_ms >= o.reconnect_initial_ms, {
    path: ['reconnect_max_ms'],
    error: 'must be at least reconnect_initial_ms',
  });

/** WebsocketOptions are the websocket transport's options with defaults applied. */
export type WebsocketOptions = z.output<typeof websocketOptionsSchema>;
