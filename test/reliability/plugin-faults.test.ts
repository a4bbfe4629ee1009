/**
 * Reliability: faults in Ollama and in plugins, through a real Sidecar with the built-ins plus test plugins.
 * The report must still go out on time (within the collector deadline plus a margin) with only the bad
 * plugin's fields null. The ollama-vram tests show each HTTP fault against the collector alone; here they all
 * hit one running sidecar at once, next to healthy collectors.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collector, never } from '../helpers/test-plugins.js';
import { Cleanups, startSidecar, until } from './helpers.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

async function listen<T extends Server | NetServer>(server: T, host = '127.0.0.1'): Promise<{ server: T; url: string }> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  cleanups.add(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(() => resolve(undefined)));
  });
  const { port } = server.address() as { port: number };
  return { server, url: `http://${host}:${port}` };
}

/** faultyOllamas starts one misbehaving HTTP peer per fault, and a host a redirect points to. */
async function faultyOllamas() {
  const redirectTarget = { requests: 0 };
  // Another host: 127.0.0.2 is loopback on Linux, and a different host name from the collector's URL.
  const target = await listen(
    createHttpServer((_req, res) => (redirectTarget.requests++, res.end('{"models":[]}'))),
    await canBind('127.0.0.2') ? '127.0.0.2' : '127.0.0.1',
  );
  const peers: Record<string, string> = {
    reset: (await listen(createNetServer((socket) => socket.once('data', () => socket.resetAndDestroy())))).url,
    stall: (await listen(createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders()))).url,
    chunked: (
      await listen(
        createHttpServer((_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"models":[');
          const timer = setInterval(() => res.write(' '), 10);
          res.on('close', () => clearInterval(timer));
        }),
      )
    ).url,
    utf8: (
      await listen(
        createHttpServer((_req, res) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0x7b, 0x22, 0x6d, 0xff, 0xfe, 0x22, 0x3a, 0x5b, 0x5d, 0x7d])),
        ),
      )
    ).url,
    redirect: (await listen(createHttpServer((_req, res) => res.writeHead(301, { location: `${target.url}/api/ps` }).end()))).url,
  };
  return { peers, redirectTarget };
}

async function canBind(host: string): Promise<boolean> {
  const probe = createNetServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}

describe('faults in Ollama', () => {
  it('reset, stalled headers, an endless chunked body, invalid UTF-8 and a redirect cost only the VRAM fields, on time', async () => {
    const { peers, redirectTarget } = await faultyOllamas();
    const names = Object.keys(peers);
    const started = Date.now();
    const run = await startSidecar(
      {
        agent: { id: 'rel-ollama', initial_delay_ms: 0, interval_ms: 60_000 },
        collectors: [
          { plugin: 'cpu', options: { first_window_ms: 100 } },
          { plugin: 'memory' },
          ...names.map((name) => ({ plugin: 'ollama-vram', timeout_ms: 1000, options: { url: peers[name] } })),
        ],
      },
      [],
      cleanups,
    );
    await until(() => run.produced.length === 1, 3000, 'the first report');
    // The cycle lasts as long as its slowest collector: the 1 s deadline, plus a margin for a loaded machine
    // (creating the sidecar is inside the measured time too).
    expect(Date.now() - started).toBeLessThan(1000 + 3000);
    const [report] = run.produced;
    expect(typeof report!.cpu_percent).toBe('number');
    expect(report!.ram_total_bytes).toBeGreaterThan(0);
    expect(report).toMatchObject({ vram_used_bytes: null, vram_total_bytes: null, ollama_models: null });

    const health = new Map(run.sidecar.status().collectors.map((c) => [c.instanceId, c]));
    expect(health.get('cpu')?.ok).toBe(true);
    expect(health.get('memory')?.ok).toBe(true);
    const reasons = names.map((_, i) => health.get(`ollama-vram#${i + 1}`));
    for (const r of reasons) expect(r).toMatchObject({ ok: false, lastError: expect.stringMatching(/^[^\n]+$/) });
    const byName = Object.fromEntries(names.map((name, i) => [name, reasons[i]!.lastError!]));
    // A stall ends at the deadline: the host's own reason, or the collector's if its abort lands first. The
    // others fail at once with their own reason (or, on a badly loaded machine, at the deadline too).
    const deadline = 'did not answer within 1000 ms';
    expect(byName.stall).toMatch(new RegExp(`timed out|${deadline}`));
    expect(byName.chunked).toMatch(new RegExp(`timed out|${deadline}`));
    expect(byName.utf8).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:\\d+/api/ps: response is not JSON|${deadline}`));
    expect(byName.reset).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:\\d+/api/ps: |${deadline}`));
    expect(byName.redirect).toMatch(new RegExp(`^GET http://127\\.0\\.0\\.1:\\d+/api/ps: |${deadline}`));
    // One warning per failing instance, each a single line.
    const warnings = run.log.records().filter((r) => r.level === 40 && r.msg === 'Collector failed; its fields are null until it recovers');
    expect(warnings.map((w) => w.plugin).sort()).toEqual(names.map((_, i) => `ollama-vram#${i + 1}`).sort());
    // Redirects are never followed: the other host saw nothing.
    expect(redirectTarget.requests).toBe(0);
  });
});

describe('faults in plugins', () => {
  it('a throwing, hanging, leaking or junk-returning collector costs its own fields only; reports stay on schedule', async () => {
    const leaked: Buffer[] = [];
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const hugeArray = Array.from({ length: 200_000 }, (_, i) => i);
    const plugins = [
      collector('good', ['good_value'], () => ({ good_value: 42 })),
      collector('thrower', ['thrown_value'], () => {
        throw new Error('sensor exploded');
      }),
      collector('rejecter', ['rejected_value'], () => Promise.reject(new TypeError('no answer'))),
      collector('hanger', ['hung_value'], () => never()),
      collector('leaker', ['leak_value'], () => {
        // Keeps 2 MB more on every call: nothing in the host bounds this (an in-process plugin shares the heap).
        leaked.push(Buffer.alloc(2 * 1024 * 1024, 1));
        return { leak_value: leaked.length };
      }),
      collector('cyclic', ['cyclic_value'], () => ({ cyclic_value: cyclic as never })),
      collector('huge', ['huge_value'], () => ({ huge_value: hugeArray })),
      collector('symbols', ['symbol_value', 'bigint_value', 'fn_value', 'date_value', 'nan_value'], () => ({
        symbol_value: Symbol('s') as never,
        bigint_value: 10n as never,
        fn_value: (() => 1) as never,
        date_value: new Date() as never,
        nan_value: Number.NaN,
      })),
      collector('returns-symbol', ['rs_value'], () => Symbol('not an object') as never),
      collector('proxy', ['proxy_value'], () => new Proxy({}, { get: () => { throw new Error('trap'); } })),
    ];
    const interval = 700;
    const timeout = 400;
    const run = await startSidecar(
      {
        agent: { id: 'rel-plugins', initial_delay_ms: 0, interval_ms: interval },
        collectors: plugins.map((p) => ({ plugin: p.name, timeout_ms: timeout })),
      },
      plugins,
      cleanups,
    );
    await until(() => run.produced.length >= 4, 6000, 'four reports');

    for (const [i, report] of run.produced.entries()) {
      // Out within the deadline plus a margin of the cycle's start. (Merging runs after the deadline and is
      // not bounded by it: the huge list below costs its sanitising time on top.)
      expect(run.producedAt[i]! - report.timestamp).toBeLessThan(timeout + 2500);
      expect(report).toMatchObject({
        good_value: 42,
        thrown_value: null,
        rejected_value: null,
        hung_value: null,
        symbol_value: null,
        bigint_value: null,
        fn_value: null,
        date_value: null,
        nan_value: null,
        rs_value: null,
        proxy_value: null,
      });
      expect(report.leak_value).toBeGreaterThan(0);
      // A reference back to an enclosing object is cut where it closes the cycle; an answer past the size
      // budget (200,000 values) fails its collector, so it costs only its own field.
      expect(report.cyclic_value).toEqual({ n: 1, self: null });
      expect(report.huge_value).toBeNull();
    }
    // The schedule keeps its pace: each cycle, even with a hung collector, ends at its 400 ms deadline, so
    // reports come one interval apart, give or take timer lateness. On a badly loaded machine, merging the
    // huge list after the deadline can push a cycle past the next grid point, which the scheduler then skips
    // (it never bursts): at most one here.
    const gaps = run.produced.slice(1).map((r, i) => r.timestamp - run.produced[i]!.timestamp);
    for (const gap of gaps) expect(gap).toBeGreaterThan(interval / 2);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(interval * 2 + 300);
    const failing = new Set(run.log.records().filter((r) => r.level === 40).map((r) => r.plugin));
    expect([...failing].sort()).toEqual(['hanger', 'huge', 'proxy', 'rejecter', 'returns-symbol', 'thrower']);
    // Logged once per change of state, not per cycle.
    expect(run.log.records().filter((r) => r.level === 40)).toHaveLength(6);
    expect(run.sidecar.status().reports).toBeGreaterThanOrEqual(4);
  });
});
