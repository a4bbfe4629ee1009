import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, ErrorCode } from '../../src/core/errors.js';
import type { PartialReport } from '../../src/core/contracts/report.js';
import { START_TIMEOUT_MS } from '../../src/core/plugins/start-error.js';
import { Sidecar } from '../../src/core/sidecar.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { testConfig } from '../helpers/test-config.js';
import { builtins, collector, never, RecordingTransport, recordingTransport } from '../helpers/test-plugins.js';

const running: Sidecar[] = [];
async function start(...args: Parameters<typeof Sidecar.create>): Promise<Sidecar> {
  const sidecar = await Sidecar.create(...args);
  running.push(sidecar);
  return sidecar;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(0)));
});

const good = collector('good', ['good_value'], () => ({ good_value: 42 }));
const thrower = collector('thrower', ['thrown_value'], () => {
  throw new Error('sensor exploded');
});
const rejecter = collector('rejecter', ['rejected_value'], async () => Promise.reject(new Error('no answer')));
const hanger = collector('hanger', ['hung_value'], () => never());
const junk = collector('junk', ['junk_value'], () => 'not an object' as never);

describe('Sidecar collection', () => {
  it('isolates every kind of failing collector: only its own fields become null, on time', async () => {
    const log = memoryLogger();
    const config = testConfig({
      agent: { id: 'a1' },
      collectors: ['good', 'thrower', 'rejecter', 'hanger', 'junk'].map((plugin) => ({ plugin, timeout_ms: 150 })),
    });
    const sidecar = await start({ config, logger: log.logger, builtins: builtins(good, thrower, rejecter, hanger, junk) });
    const started = performance.now();
    const report = await sidecar.collectOnce();
    const elapsed = performance.now() - started;
    expect(report).toMatchObject({
      type: 'resource_report',
      agent_id: 'a1',
      good_value: 42,
      thrown_value: null,
      rejected_value: null,
      hung_value: null,
      junk_value: null,
    });
    expect(elapsed).toBeLessThan(1000);
    const warnings = log.records().filter((r) => r.level === 40);
    expect(warnings.map((w) => w.plugin).sort()).toEqual(['hanger', 'junk', 'rejecter', 'thrower']);
    expect(warnings.find((w) => w.plugin === 'hanger')?.reason).toBe('did not answer within 150 ms');
  });

  it('fails only the collector whose answer throws when read (a getter), not the report', async () => {
    const getter = collector('getter', ['getter_value'], () => ({
      get getter_value(): number {
        throw new Error('getter exploded');
      },
    }));
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'good' }, { plugin: 'getter' }] }), logger: memoryLogger().logger, builtins: builtins(good, getter) });
    expect(await sidecar.collectOnce()).toMatchObject({ good_value: 42, getter_value: null });
  });

  it('logs a failure once per change of state, and the recovery', async () => {
    const log = memoryLogger();
    let healthy = false;
    const flaky = collector('flaky', ['flaky_value'], () => {
      if (!healthy) throw new Error('down');
      return { flaky_value: 1 };
    });
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'flaky' }] }), logger: log.logger, builtins: builtins(flaky) });
    for (let i = 0; i < 5; i++) await sidecar.collectOnce();
    healthy = true;
    expect((await sidecar.collectOnce()).flaky_value).toBe(1);
    const messages = log.records().filter((r) => r.plugin === 'flaky').map((r) => r.msg as string);
    expect(messages).toEqual([expect.stringMatching(/^Collector failed/), 'Collector recovered']);
    expect(sidecar.status().collectors[0]).toMatchObject({ runs: 6, failures: 5, ok: true });
  });

  it('leaves a disabled collector’s fields out of the report', async () => {
    const config = testConfig({ collectors: [{ plugin: 'good' }, { plugin: 'thrower', enabled: false }] });
    const report = await (await start({ config, logger: memoryLogger().logger, builtins: builtins(good, thrower) })).collectOnce();
    expect(report).not.toHaveProperty('thrown_value');
    expect(report.good_value).toBe(42);
  });

  it('passes an abort signal that fires at the deadline', async () => {
    let aborted: unknown;
    const watcher = collector('watcher', ['w'], (signal) => new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        aborted = signal.reason;
        reject(signal.reason);
      });
    }));
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'watcher', timeout_ms: 50 }] }), logger: memoryLogger().logger, builtins: builtins(watcher) });
    await sidecar.collectOnce();
    expect(aborted).toMatchObject({ code: ErrorCode.COLLECT_TIMEOUT });
  });
});

describe('Sidecar plugin wiring', () => {
  it('gives each plugin its validated options and a logger bound to it', async () => {
    const log = memoryLogger();
    let seen: { options: unknown; agent: unknown } | undefined;
    const configurable = collector('configurable', ['c'], () => ({ c: 1 }), {
      options: z.strictObject({ depth: z.int().default(3), label: z.string() }),
      create: (ctx) => {
        seen = { options: ctx.options, agent: ctx.agent };
        ctx.logger.info('hello from the plugin');
        return { collect: () => ({ c: 1 }) };
      },
    });
    await start({
      config: testConfig({ agent: { id: 'id-1', name: 'Box' }, collectors: [{ plugin: 'configurable', options: { label: 'x' } }] }),
      logger: log.logger,
      builtins: builtins(configurable),
    });
    expect(seen).toEqual({ options: { depth: 3, label: 'x' }, agent: { id: 'id-1', name: 'Box' } });
    expect(log.records().find((r) => r.msg === 'hello from the plugin')?.plugin).toBe('configurable');
  });

  it('names instances of a plugin configured twice apart', async () => {
    const log = memoryLogger();
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'thrower' }, { plugin: 'thrower' }] }), logger: log.logger, builtins: builtins(thrower) });
    await sidecar.collectOnce();
    expect(log.records().map((r) => r.plugin).sort()).toEqual(['thrower#1', 'thrower#2']);
  });

  it('reports every invalid option of every plugin at once, by JSON path', async () => {
    const strict = collector('strict', ['s'], () => ({}), { options: z.strictObject({ n: z.int().min(1) }) });
    const config = testConfig({ collectors: [{ plugin: 'strict', options: { n: 0, extra: 1 } }, { plugin: 'missing-one' }] });
    const err = await Sidecar.create({ config, logger: memoryLogger().logger, builtins: builtins(strict) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      [ErrorCode.PLUGIN_OPTIONS_INVALID, 'collectors[0].options.extra'],
      [ErrorCode.PLUGIN_OPTIONS_INVALID, 'collectors[0].options.n'],
      [ErrorCode.PLUGIN_NOT_FOUND, 'collectors[1]'],
    ]);
  });

  it('refuses a transport listed under collectors', async () => {
    const err = await Sidecar.create({
      config: testConfig({ collectors: [{ plugin: 'recorder' }] }),
      logger: memoryLogger().logger,
      builtins: builtins(recordingTransport([])),
    }).catch((e: unknown) => e);
    expect((err as ConfigError).problems[0]).toMatchObject({ code: ErrorCode.PLUGIN_KIND_INVALID, path: 'collectors[0]' });
  });

  it('keeps running when a collector’s create throws: its fields are null, and it is retried each cycle', async () => {
    const log = memoryLogger();
    let attempts = 0;
    const ok = collector('ok', ['o'], () => ({ o: 1 }));
    const late = collector('late', ['l'], () => ({}), {
      create: () => {
        attempts += 1;
        if (attempts < 3) throw new Error('device not ready');
        return { collect: () => ({ l: 7 }) };
      },
    });
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'ok' }, { plugin: 'late' }] }), logger: log.logger, builtins: builtins(ok, late) });
    expect(await sidecar.collectOnce()).toMatchObject({ o: 1, l: null });
    expect(await sidecar.collectOnce()).toMatchObject({ o: 1, l: 7 });
    expect(attempts).toBe(3);
    const messages = log.records().filter((r) => r.plugin === 'late').map((r) => [r.msg, r.reason]);
    expect(messages).toEqual([
      ['Collector failed; its fields are null until it recovers', 'collectors[1]: plugin "late" failed to start: device not ready'],
      ['Collector recovered', undefined],
    ]);
  });

  it('does not wait forever on a create() that never settles, calls it once, and takes its late answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      let calls = 0;
      let answer: (instance: { collect: () => PartialReport }) => void = () => undefined;
      const ok = collector('ok', ['o'], () => ({ o: 1 }));
      const slow = collector('slow', ['s'], () => ({}), {
        create: () => {
          calls += 1;
          return new Promise((resolve) => (answer = resolve));
        },
      });
      const log = memoryLogger();
      const starting = start({ config: testConfig({ collectors: [{ plugin: 'ok' }, { plugin: 'slow', timeout_ms: 50 }] }), logger: log.logger, builtins: builtins(ok, slow) });
      await vi.advanceTimersByTimeAsync(START_TIMEOUT_MS);
      const sidecar = await starting;
      const first = sidecar.collectOnce();
      await vi.advanceTimersByTimeAsync(50);
      expect(await first).toMatchObject({ o: 1, s: null });
      expect(log.records().find((r) => r.plugin === 'slow')?.reason).toBe(`collectors[1]: plugin "slow" failed to start: create() did not finish within ${START_TIMEOUT_MS} ms`);
      answer({ collect: () => ({ s: 5 }) });
      expect(await sidecar.collectOnce()).toMatchObject({ o: 1, s: 5 });
      expect(calls).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up on a transport create() past its deadline, and stops and disposes the transport it makes later', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const late = new RecordingTransport();
      let answer: (t: RecordingTransport) => void = () => undefined;
      const slow = { ...recordingTransport([], 'slow'), create: () => new Promise<RecordingTransport>((resolve) => (answer = resolve)) };
      const creating = Sidecar.create({ config: testConfig({ transports: [{ plugin: 'slow' }] }), logger: memoryLogger().logger, builtins: builtins(slow as never) }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(START_TIMEOUT_MS);
      const err = await creating;
      expect((err as ConfigError).message).toBe(`plugins.json: transports[0]: plugin "slow" failed to start: create() did not finish within ${START_TIMEOUT_MS} ms`);
      answer(late);
      await vi.advanceTimersByTimeAsync(0);
      expect({ stopped: late.stopped, disposed: late.disposed }).toEqual({ stopped: 1, disposed: 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to start when a transport cannot start, naming the entry as a config problem, and disposes what was created', async () => {
    let disposed = 0;
    const ok = collector('ok', ['o'], () => ({ o: 1 }), { onDispose: () => void (disposed += 1) });
    const broken = { ...recordingTransport([], 'broken'), create: () => ({ send: () => undefined, start: () => Promise.reject(new Error('port 9477 in use')) }) };
    const err = await Sidecar.create({
      config: testConfig({ collectors: [{ plugin: 'ok' }], transports: [{ plugin: 'broken' }] }),
      logger: memoryLogger().logger,
      builtins: builtins(ok, broken as never),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe('plugins.json: transports[0]: plugin "broken" failed to start: port 9477 in use');
    expect((err as ConfigError).problems[0]!.code).toBe(ErrorCode.PLUGIN_CREATE_FAILED);
    expect(disposed).toBe(1);
  });

  it('gathers identify fields: only declared ones, first non-null wins, failures skipped', async () => {
    const first = collector('first', ['x'], () => ({}), {
      identifyFields: ['ollama_url'],
      create: () => ({ collect: () => ({}), identify: () => ({ ollama_url: null, undeclared: 'no' }) }),
    });
    const second = collector('second', ['y'], () => ({}), {
      identifyFields: ['ollama_url'],
      create: () => ({ collect: () => ({}), identify: () => ({ ollama_url: 'http://127.0.0.1:11434' }) }),
    });
    const broken = collector('broken', ['z'], () => ({}), {
      identifyFields: ['ollama_url'],
      create: () => ({ collect: () => ({}), identify: () => Promise.reject(new Error('nope')) }),
    });
    const instances: RecordingTransport[] = [];
    let identify: (() => Promise<unknown>) | undefined;
    const grabber = { ...recordingTransport(instances), create: (ctx: { identify: () => Promise<unknown> }) => { identify = ctx.identify; return new RecordingTransport(); } };
    await start({
      config: testConfig({ collectors: [{ plugin: 'broken' }, { plugin: 'first' }, { plugin: 'second' }], transports: [{ plugin: 'recorder' }] }),
      logger: memoryLogger().logger,
      builtins: builtins(first, second, broken, grabber as never),
    });
    expect(await identify!()).toEqual({ ollama_url: 'http://127.0.0.1:11434' });
  });
});

it('waits briefly for an identify that answers its deadline with partial fields', async () => {
  const partial = collector('partial', ['x'], () => ({}), {
    identifyFields: ['ollama_url', 'ollama_version'],
    create: () => ({
      collect: () => ({}),
      identify: (signal: AbortSignal) =>
        new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ollama_url: 'http://127.0.0.1:11434' }))),
    }),
  });
  let identify: (() => Promise<unknown>) | undefined;
  const grabber = { ...recordingTransport([]), create: (ctx: { identify: () => Promise<unknown> }) => { identify = ctx.identify; return new RecordingTransport(); } };
  await start({
    config: testConfig({ collectors: [{ plugin: 'partial', timeout_ms: 50 }], transports: [{ plugin: 'recorder' }] }),
    logger: memoryLogger().logger,
    builtins: builtins(partial, grabber as never),
  });
  expect(await identify!()).toEqual({ ollama_url: 'http://127.0.0.1:11434' });
});

describe('Sidecar life cycle', () => {
  it('sends scheduled reports to configured and embedded transports, then stops them and disposes collectors first', async () => {
    const order: string[] = [];
    const instances: RecordingTransport[] = [];
    const tracked = collector('tracked', ['t'], () => ({ t: 1 }), { onDispose: () => void order.push('collector') });
    const embedded = new RecordingTransport();
    const sidecar = await Sidecar.create({
      config: testConfig({ agent: { initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'tracked' }], transports: [{ plugin: 'recorder' }] }),
      logger: memoryLogger().logger,
      builtins: builtins(tracked, recordingTransport(instances)),
      transports: [embedded],
    });
    const originalDispose = instances[0]!.dispose.bind(instances[0]);
    instances[0]!.dispose = () => {
      order.push('transport');
      originalDispose();
    };
    sidecar.start();
    await new Promise((resolve) => setTimeout(resolve, 350));
    await sidecar.stop(100);
    const received = instances[0]!.reports;
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(embedded.reports.map((r) => r.timestamp)).toEqual(received.map((r) => r.timestamp));
    expect(received.every((r, i) => i === 0 || r.timestamp > received[i - 1]!.timestamp)).toBe(true);
    expect(instances[0]).toMatchObject({ started: 1, stopped: 1, disposed: 1 });
    expect(embedded.disposed).toBe(1);
    expect(order).toEqual(['collector', 'transport']);
    const count = received.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(received.length).toBe(count);
  });

  it('reload keeps an unchanged transport, replaces a changed one, and rebuilds collectors', async () => {
    const instances: RecordingTransport[] = [];
    const plugins = builtins(good, thrower, recordingTransport(instances, 'a'), recordingTransport(instances, 'b'));
    const sidecar = await start({
      config: testConfig({ collectors: [{ plugin: 'good' }], transports: [{ plugin: 'a' }, { plugin: 'b', options: { label: 'one' } }] }),
      logger: memoryLogger().logger,
      builtins: plugins,
    });
    const [a, b] = instances;
    await sidecar.reload(testConfig({ collectors: [{ plugin: 'thrower' }], transports: [{ plugin: 'a' }, { plugin: 'b', options: { label: 'two' } }] }));
    expect(instances).toHaveLength(3);
    expect(a!.stopped).toBe(0);
    expect(b!.disposed).toBe(1);
    const report = await sidecar.collectOnce();
    expect(report).toHaveProperty('thrown_value', null);
    expect(report).not.toHaveProperty('good_value');
  });

  it('reload hands a replaced transport’s undelivered reports to its successor, oldest first', async () => {
    const instances: RecordingTransport[] = [];
    const sidecar = await start({
      config: testConfig({ collectors: [{ plugin: 'good' }], transports: [{ plugin: 'recorder', options: { label: 'one' } }] }),
      logger: memoryLogger().logger,
      builtins: builtins(good, recordingTransport(instances)),
    });
    const held = [await sidecar.collectOnce(), await sidecar.collectOnce()];
    instances[0]!.undelivered = [...held];
    await sidecar.reload(testConfig({ collectors: [{ plugin: 'good' }], transports: [{ plugin: 'recorder', options: { label: 'two' } }] }));
    expect(instances[1]!.reports).toEqual(held);
    expect(instances[0]!.undelivered).toEqual([]);
  });

  it('stops without waiting for a reload still creating plugins, and lets go of what that reload built', async () => {
    let disposedLate = 0;
    const slow = collector('slow', ['s'], () => ({}), {
      create: () => new Promise((resolve) => setTimeout(() => resolve({ collect: () => ({ s: 1 }), dispose: () => void (disposedLate += 1) }), 400)),
    });
    const instances: RecordingTransport[] = [];
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'good' }] }), logger: memoryLogger().logger, builtins: builtins(good, slow, recordingTransport(instances)) });
    const reloading = sidecar.reload(testConfig({ collectors: [{ plugin: 'slow' }], transports: [{ plugin: 'recorder' }] }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const began = performance.now();
    await sidecar.stop(0);
    expect(performance.now() - began).toBeLessThan(300);
    await reloading;
    expect(disposedLate).toBe(1);
    expect(instances).toHaveLength(0); // the reload gave up before starting its transport
  });

  it('gives a transport that identifies while another still starts the collectors’ identify fields', async () => {
    const url = collector('url', ['u'], () => ({}), {
      identifyFields: ['ollama_url'],
      create: () => ({ collect: () => ({}), identify: () => ({ ollama_url: 'http://127.0.0.1:11434' }) }),
    });
    let seen: unknown;
    const eager = { ...recordingTransport([], 'eager'), create: (ctx: { identify: () => Promise<unknown> }) => ({ ...new RecordingTransport(), send: () => undefined, start: async () => void (seen = await ctx.identify()) }) };
    const slow = { ...recordingTransport([], 'slow'), create: () => ({ send: () => undefined, start: () => new Promise<void>((resolve) => setTimeout(resolve, 100)) }) };
    await start({ config: testConfig({ collectors: [{ plugin: 'url' }], transports: [{ plugin: 'slow' }, { plugin: 'eager' }] }), logger: memoryLogger().logger, builtins: builtins(url, eager as never, slow as never) });
    expect(seen).toEqual({ ollama_url: 'http://127.0.0.1:11434' });
  });

  it('on reload, replaces connections whose identify would change, relabels their buffer, and forgets removed collectors', async () => {
    const url = collector('url', ['u'], () => ({}), {
      identifyFields: ['ollama_url'],
      options: v.looseObject({ url: v.string() }) as never,
      create: (ctx: { options: { url: string } }) => ({ collect: () => ({ u: 1 }), identify: () => ({ ollama_url: ctx.options.url }) }),
    });
    const instances: RecordingTransport[] = [];
    const identified: unknown[] = [];
    const recorder = { ...recordingTransport(instances), create: (ctx: { identify: () => Promise<unknown> }) => {
      const t = new RecordingTransport();
      instances.push(t);
      void ctx.identify().then((fields) => identified.push(fields));
      return t;
    } };
    const config = (agentId: string, ollama: string, collectors: unknown[] = []) =>
      testConfig({ agent: { id: agentId }, collectors: [{ plugin: 'url', options: { url: ollama } }, ...collectors], transports: [{ plugin: 'recorder' }] });
    const sidecar = await start({ config: config('a1', 'http://o1', [{ plugin: 'good' }]), logger: memoryLogger().logger, builtins: builtins(url, good, recorder as never) });
    await sidecar.collectOnce();
    expect(sidecar.status().collectors.map((c) => c.instanceId).sort()).toEqual(['good', 'url']);

    await sidecar.reload(config('a1', 'http://o2'));
    expect(instances).toHaveLength(2); // a new Ollama URL: a new connection, which identifies with it
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(identified.at(-1)).toEqual({ ollama_url: 'http://o2' });
    expect(sidecar.status().collectors.map((c) => c.instanceId)).toEqual(['url']); // "good" is gone, not stale

    const held = await sidecar.collectOnce();
    instances[1]!.undelivered = [held];
    await sidecar.reload(config('a2', 'http://o2'));
    expect(instances[2]!.reports).toEqual([{ ...held, agent_id: 'a2' }]);

    await sidecar.reload(config('a2', 'http://o2'));
    expect(instances).toHaveLength(3); // nothing changed: the connection is kept
  });

  it('keeps the running config when a reload is invalid', async () => {
    const sidecar = await start({ config: testConfig({ collectors: [{ plugin: 'good' }] }), logger: memoryLogger().logger, builtins: builtins(good) });
    await expect(sidecar.reload(testConfig({ collectors: [{ plugin: 'nope' }] }))).rejects.toBeInstanceOf(ConfigError);
    expect((await sidecar.collectOnce()).good_value).toBe(42);
  });
});
