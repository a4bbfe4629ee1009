import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** FakeConn is one client connection as the fake hub sees it. */
export interface FakeConn {
  readonly id: number;
  readonly ws: WebSocket;
  readonly texts: string[];
  readonly frames: Record<string, unknown>[];
  closed?: { code: number; reason: string };
  send(frame: unknown): void;
}

export interface FakeHubOptions {
  port?: number;
  /** pong: answer pings (default true). */
  pong?: boolean;
  /** identifiedDelayMs delays the `identified` answer. */
  identifiedDelayMs?: number;
  /** onFrame runs first for every parsed frame; return true to skip the default answer. */
  onFrame?: (frame: Record<string, unknown>, conn: FakeConn) => boolean | void;
  /** onConnection runs when a client connects. */
  onConnection?: (conn: FakeConn) => void;
}

/** FakeHub is a scriptable hub for behaviours the dev hub does not have (no pongs, rate limits, 1008...). */
export interface FakeHub {
  url: string;
  port: number;
  conns: FakeConn[];
  /** reports lists every resource_report frame, in arrival order. */
  reports(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeHub(opts: FakeHubOptions = {}): Promise<FakeHub> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const conns: FakeConn[] = [];
  wss.on('connection', (ws) => {
    const conn: FakeConn = { id: conns.length + 1, ws, texts: [], frames: [], send: (f) => ws.readyState === ws.OPEN && ws.send(typeof f === 'string' ? f : JSON.stringify(f)) };
    conns.push(conn);
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => (conn.closed = { code, reason: reason.toString() }));
    opts.onConnection?.(conn);
    ws.on('message', (data) => {
      const text = data.toString();
      conn.texts.push(text);
      const frame = JSON.parse(text) as Record<string, unknown>;
      conn.frames.push(frame);
      if (opts.onFrame?.(frame, conn)) return;
      if (frame.type === 'identify') {
        const answer = () => conn.send({ type: 'identified', agent_id: frame.agent_id });
        if (opts.identifiedDelayMs) setTimeout(answer, opts.identifiedDelayMs);
        else answer();
      } else if (frame.type === 'ping' && opts.pong !== false) conn.send({ type: 'pong', timestamp: Date.now() });
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    conns,
    reports: () => conns.flatMap((c) => c.frames.filter((f) => f.type === 'resource_report')),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
