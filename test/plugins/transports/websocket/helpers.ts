import { afterAll, afterEach, expect } from 'vitest';
import { pino } from 'pino';
import type { Transport, TransportContext, TransportStatus } from '../../../../src/core/contracts/plugin.js';
import type { ResourceReport } from '../../../../src/core/contracts/report.js';
import { websocketTransport } from '../../../../src/plugins/transports/websocket/index.js';
import type { WebsocketOptions } from '../../../../src/plugins/transports/websocket/config.js';
import { WebsocketTransport, type WebsocketDeps } from '../../../../src/plugins/transports/websocket/transport.js';

/** TOKEN is distinctive so a leak into any log line is easy to find. */
export const TOKEN = 'tok-Zq8SECRET-5d1e';
export const AGENT = { id: 'gpu-box-1', name: 'GPU box 1' };

/** ALL_LOG_LINES collects every log line written by every transport built in this worker. */
export const ALL_LOG_LINES: string[] = [];

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Built is a transport with its captured log. */
export interface Built {
  transport: Transport & { takeBuffered(): ResourceReport[] };
  lines: string[];
  entries(): LogEntry[];
  status(): Record<string, unknown>;
}

/** parseOptions runs the manifest's schema, as the host does. */
export async function parseOptions(raw: unknown): Promise<WebsocketOptions> {
  const result = await websocketTransport.options!['~standard'].validate(raw);
  if (result.issues) throw new Error(`invalid options: ${result.issues.map((i) => i.message).join('; ')}`);
  return result.value;
}

/** BuildExtra overrides parts of the ctx; `deps` builds the transport directly with those seams (no ca_file). */
export type BuildExtra = Partial<Pick<TransportContext, 'identify' | 'configDir'>> & { deps?: WebsocketDeps };

/** build creates the transport through its manifest (or with `extra.deps`) with a ctx logging into memory. */
export async function build(raw: Record<string, unknown>, extra: BuildExtra = {}): Promise<Built> {
  const lines: string[] = [];
  const stream = { write: (line: string) => void (lines.push(line), ALL_LOG_LINES.push(line)) };
  const logger = pino({ level: 'debug' }, stream).child({ plugin: 'websocket' });
  const ctx: TransportContext<WebsocketOptions> = {
    name: 'websocket',
    instanceId: 'websocket',
    // No reconnect spread unless a test asks for one: these tests reconnect within the short backoff above.
    options: await parseOptions({ token: TOKEN, reconnect_initial_ms: 20, reconnect_max_ms: 100, reconnect_spread_ms: 0, ...raw }),
    logger,
    agent: AGENT,
    configDir: extra.configDir ?? process.cwd(),
    identify: extra.identify ?? (async () => ({ ollama_url: 'http://127.0.0.1:11434' })),
    runtimeStatus: () => ({ agentId: AGENT.id, reports: 0, lastReportAt: null, collectors: [], transports: [] }),
  };
  const transport = (extra.deps ? new WebsocketTransport(ctx, extra.deps) : await websocketTransport.create(ctx)) as Built['transport'];
  return {
    transport,
    lines,
    entries: () => lines.map((l) => JSON.parse(l) as LogEntry),
    status: () => transport.status!() as TransportStatus & Record<string, unknown>,
  };
}

/** report builds a resource report with the given timestamp. */
export function report(timestamp: number, extra: Record<string, number | null> = {}): ResourceReport {
  return { type: 'resource_report', agent_id: AGENT.id, timestamp, cpu_percent: 12.5, ram_used_bytes: 1, ram_total_bytes: 2, ...extra };
}

/** waitFor polls until `check` is true, failing after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** stopSignal is a generous deadline for stop() in tests. */
export const stopSignal = (ms = 2000) => AbortSignal.timeout(ms);

/** linesWithSecret lists the captured log lines that contain `secret` (the token by default). */
export function linesWithSecret(secret = TOKEN): string[] {
  return ALL_LOG_LINES.filter((l) => l.includes(secret));
}

import { startFakeHub, type FakeHub } from './fake-hub.js';
export { startFakeHub, type FakeConn, type FakeHub, type FakeHubOptions } from './fake-hub.js';

/**
 * useHarness registers, for the calling test file, cleanup after each test and the check that no log line
 * carried the token; it returns helpers that start a transport or a hub and clean them up.
 */
export function useHarness() {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  afterAll(() => expect(linesWithSecret()).toEqual([]));
  /** track closes a hub after the test. */
  const track = <T extends { close(): unknown }>(hub: T): T => {
    cleanups.push(() => hub.close());
    return hub;
  };
  return {
    track,
    /** onCleanup runs `fn` after the test. */
    onCleanup: (fn: () => unknown) => void cleanups.push(fn),
    /** connected builds a transport from raw options and starts it. */
    async connected(raw: Record<string, unknown>, extra?: Parameters<typeof build>[1]): Promise<Built> {
      const built = await build(raw, extra);
      cleanups.push(() => built.transport.dispose?.());
      built.transport.start?.();
      return built;
    },
    /** fakeHub starts a scriptable hub. */
    async fakeHub(opts: Parameters<typeof startFakeHub>[0] = {}): Promise<FakeHub> {
      return track(await startFakeHub(opts));
    },
  };
}
