import * as v from 'valibot';
import { crossCheck, int, nonEmptyString, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

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

/** isProxyUrl accepts "" (no proxy) and absolute http:// or https:// URLs with a host: CONNECT proxies only. */
function isProxyUrl(value: string): boolean {
  if (value === '') return true;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const ms = (min: number, max: number, fallback: number, text: string) => v.optional(v.pipe(int(min, max), v.description(text)), fallback);

/** tier is one of the sender's own rate budgets, mirroring a hub tier: a bucket of `capacity`, one token back per `refill_ms`. */
const tier = (capacity: number, refillMs: number, what: string) =>
  v.optional(
    strictObject({
      capacity: v.optional(v.pipe(int(1, 100_000), v.description(`Most ${what} frames in a burst.`)), capacity),
      refill_ms: v.optional(v.pipe(int(1, 3_600_000), v.description(`One more ${what} frame allowed per this many ms.`)), refillMs),
    }),
    {},
  );

/** options are the websocket transport's own options; the cross-field rule is added below. */
const options = strictObject({
  url: v.pipe(
    v.string(),
    v.check(isHubUrl, 'must be a ws:// or wss:// URL without a #fragment, e.g. "ws://hub:4000/ws"'),
    v.description('Hub WebSocket endpoint. The token is never put in it.'),
  ),
  token: v.optional(v.pipe(v.string(), v.maxLength(256), v.description('Shared secret sent in the identify frame only.')), ''),
  ping_interval_ms: ms(10, 50_000, 30_000, 'Time between application-level pings while identified.'),
  pong_timeout_ms: ms(10, 600_000, 10_000, 'A ping unanswered this long means a dead connection.'),
  reconnect_initial_ms: ms(1, 3_600_000, 1000, 'First reconnect delay cap; doubles per failed attempt.'),
  reconnect_max_ms: ms(1, 3_600_000, 60_000, 'Largest reconnect delay cap.'),
  buffer_max_reports: v.optional(v.pipe(int(1, 100_000), v.description('Reports held while not identified.')), 120),
  handshake_timeout_ms: ms(10, 600_000, 10_000, 'Deadline for the WebSocket upgrade, and again for `identified`.'),
  ca_file: v.optional(
    v.pipe(nonEmptyString(), v.description('PEM CA bundle for wss://; relative to the plugins.json directory.')),
  ),
  cert_file: v.optional(
    v.pipe(nonEmptyString(), v.description('PEM client certificate for hubs that require one (with key_file); relative to the plugins.json directory.')),
  ),
  key_file: v.optional(v.pipe(nonEmptyString(), v.description('PEM private key of cert_file; relative to the plugins.json directory.'))),
  key_passphrase: v.optional(
    v.pipe(v.string(), v.description('Passphrase of an encrypted key_file; a secret: write "${VAR}" to take it from the environment.')),
  ),
  proxy: v.optional(
    v.pipe(
      v.string(),
      v.check(isProxyUrl, 'must be "" (no proxy) or an http:// or https:// proxy URL, e.g. "http://proxy:3128"'),
      v.description('HTTP CONNECT proxy for the hub connection; "" for none. Default: HTTPS_PROXY / HTTP_PROXY / NO_PROXY.'),
    ),
  ),
  replay: v.optional(
    v.pipe(
      v.picklist(['latest', 'all']),
      v.description('"latest": after an outage send only the newest waiting report (the hub keeps only the latest); "all": every report, in order, paced.'),
    ),
    'latest',
  ),
  max_report_age_ms: ms(1000, 86_400_000, 60_000, 'With replay "latest", a waiting report older than this is never sent as the present.'),
  stable_after_ms: ms(0, 3_600_000, 30_000, 'The reconnect backoff starts over only after a connection stayed identified this long.'),
  // 45 s: a fleet cut off together (a hub restart) comes back spread over 45 s, about 2 % of it in any second,
  // while one host's gap at the hub stays under its 90 s staleness: its last report (at most one 30 s interval
  // old when the connection drops) plus 45 s is 75 s, and replay "latest" sends the present right after identify.
  reconnect_spread_ms: ms(
    0,
    3_600_000,
    45_000,
    'The first reconnect after losing an identified connection waits a random delay below this (0: none), so a fleet cut off by a hub restart does not come back in the same second.',
  ),
  rate_limits: v.optional(
    strictObject({
      normal: tier(60, 1000, 'report (normal tier)'),
      heavy: tier(10, 6000, 'identify (heavy tier)'),
      light: tier(120, 500, 'ping (light tier)'),
    }),
    {},
  ),
  max_payload_bytes: v.optional(
    v.pipe(
      int(1024, 64 * 1024 * 1024),
      v.description('Largest inbound frame accepted; a bigger one closes the connection (1009).'),
    ),
    1024 * 1024,
  ),
});

/**
 * websocketOptionsSchema validates the websocket transport's options and fills their defaults.
 * `ping_interval_ms` is capped at 50 s so the pings alone keep the hub's 60 s silence limit satisfied.
 */
export const websocketOptionsSchema = withFriendlyIssues(
  v.pipe(
    options,
    crossCheck<v.InferOutput<typeof options>>(
      'reconnect_max_ms',
      (o) => o.reconnect_max_ms >= o.reconnect_initial_ms,
      'must be at least reconnect_initial_ms',
    ),
    // A client certificate is useless without its key and the other way round; Node would fail only at connect.
    crossCheck<v.InferOutput<typeof options>>('key_file', (o) => o.key_file !== undefined || o.cert_file === undefined, 'is required with cert_file'),
    crossCheck<v.InferOutput<typeof options>>('cert_file', (o) => o.cert_file !== undefined || o.key_file === undefined, 'is required with key_file'),
    crossCheck<v.InferOutput<typeof options>>(
      'key_passphrase',
      (o) => o.key_passphrase === undefined || o.key_file !== undefined,
      'is set but key_file is not; the passphrase unlocks key_file',
    ),
  ),
);

/** WebsocketOptions are the websocket transport's options with defaults applied. */
export type WebsocketOptions = v.InferOutput<typeof websocketOptionsSchema>;
