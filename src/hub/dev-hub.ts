import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../core/contracts/logger.js';
import { runSession, type ReceivedFrame } from './dev-hub-session.js';
import { HubState, type HubClock } from './hub-state.js';

export type { ReceivedFrame } from './dev-hub-session.js';

/** DevHubOptions configure the development hub; every field is optional. */
export interface DevHubOptions {
  /** port to listen on (default 4000; 0 picks a free one). */
  readonly port?: number;
  /** host to bind (default 127.0.0.1: loopback only). */
  readonly host?: string;
  /** token, when set and non-empty, must match the `token` of every identify (else `invalid_token`). */
  readonly token?: string;
  /** logger receives connection events (default: silent). The token is never logged. */
  readonly logger?: Logger;
  /** print receives one line per accepted report (default: standard output). */
  readonly print?: (line: string) => void;
  /** silenceMs: a connection silent this long is dropped, like the hub's 60 s limit (default 60000). */
  readonly silenceMs?: number;
  /** maxPayload bounds inbound frames in bytes (default 1 MiB). */
  readonly maxPayload?: number;
  /** tasks: push a `task_assign` to every connection once identified, as the real hub does (default false). */
  readonly tasks?: boolean;
  /**
   * rateLimits: apply the real hub's rate tiers (default true). `npm run bench` turns them off to measure the cost
   * of a report at ten a second, which the real hub would refuse.
   */
  readonly rateLimits?: boolean;
  /** clock: wall time for stamps and pongs, monotonic for rate buckets and ages (default: the real clocks). */
  readonly clock?: HubClock;
}

/** DevHub is a running development hub. */
export interface DevHub {
  /** url is the WebSocket endpoint, e.g. `ws://127.0.0.1:4000/ws`. */
  readonly url: string;
  readonly port: number;
  /** received lists every JSON-object frame received, accepted or not, in arrival order (a live array). */
  readonly received: readonly ReceivedFrame[];
  /** state is what the hub remembers per agent: the latest report (stamped on receipt), buckets, presence, endpoints. */
  readonly state: HubState;
  /** close disconnects every client (1001) and stops listening; calling it again does nothing. */
  close(): Promise<void>;
}

/**
 * startDevHub starts a local stand-in for the hub (PROTOCOL.md) on `ws://host:port/ws`: identify first, token
 * check, strict validation, ping/pong, the three rate tiers, a latest-only report store stamped on receipt with
 * the 90 s staleness, presence kept by pings (60 s reaper), `ollama_report`, optional `task_assign` pushes, one
 * printed line per report. A development aid and a test peer.
 */
export async function startDevHub(opts: DevHubOptions = {}): Promise<DevHub> {
  const { port = 4000, host = '127.0.0.1', token = '', silenceMs = 60_000, maxPayload = 1024 * 1024 } = opts;
  const logger = opts.logger ?? pino({ enabled: false });
  const print = opts.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const received: ReceivedFrame[] = [];
  const state = new HubState(opts.clock ?? { now: () => Date.now(), monotonic: () => performance.now() });
  let tasks = 0;
  const nextTaskId = () => `task-${++tasks}`;
  const server = createServer((_req, res) => res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket endpoint: /ws\n'));
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload });
  let connections = 0;
  let listening = false;
  // Before listening, a bind error rejects startDevHub instead; logging it too would say it twice.
  wss.on('error', (err) => listening && logger.error({ error: err.message }, 'Dev hub server error'));
  wss.on('connection', (ws, req) => {
    const connection = ++connections;
    logger.info({ connection, remote: req.socket.remoteAddress }, 'Sidecar connected');
    runSession(ws, connection, { token, silenceMs, logger, print, received, state, tasks: opts.tasks ?? false, nextTaskId, rateLimits: opts.rateLimits ?? true });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      listening = true;
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  logger.info({ url: `ws://${urlHost}:${bound}/ws`, token_required: token !== '' }, 'Dev hub listening');
  let closing: Promise<void> | undefined;
  return {
    url: `ws://${urlHost}:${bound}/ws`,
    port: bound,
    received,
    state,
    close: () => (closing ??= closeAll(wss, server)),
  };
}

async function closeAll(wss: WebSocketServer, server: Server): Promise<void> {
  await Promise.all([...wss.clients].map(goingAway));
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** goingAway closes one client with 1001 and terminates it if it does not answer within 500 ms. */
function goingAway(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), 500);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === ws.OPEN) ws.close(1001, 'hub shutting down');
  });
}
