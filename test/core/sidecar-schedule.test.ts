import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResourceReport } from '../../src/core/contracts/report.js';
import { Sidecar } from '../../src/core/sidecar.js';
import { memoryLogger } from '../helpers/memory-logger.js';
import { testConfig } from '../helpers/test-config.js';
import { builtins, collector, never, RecordingTransport, recordingTransport } from '../helpers/test-plugins.js';

const running: Sidecar[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((s) => s.stop(0)));
});

const good = collector('good', ['good_value'], () => ({ good_value: 42 }));
/** hanger ignores its abort signal and never answers. */
const hanger = collector('hanger', ['hung_value'], () => never());

async function daemon(doc: Record<string, unknown>, manifests: Parameters<typeof builtins>, extra: { random?: () => number } = {}) {
  const log = memoryLogger();
  const reports: ResourceReport[] = [];
  const at: number[] = [];
  const sidecar = await Sidecar.create({
    config: testConfig(doc),
    logger: log.logger,
    builtins: builtins(...manifests),
    onReport: (report) => {
      reports.push(report);
      at.push(performance.now());
    },
    ...extra,
  });
  running.push(sidecar);
  return { sidecar, log, reports, at };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('A report nothing can stall', () => {
  it('sends a report every interval with null for a hung collector whose timeout_ms is far above the interval', async () => {
    const { sidecar, log, reports, at } = await daemon(
      { agent: { id: 'a1', initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'good', timeout_ms: 50 }, { plugin: 'hanger', timeout_ms: 600_000 }] },
      [good, hanger],
    );
    const started = performance.now();
    sidecar.start();
    await sleep(1050);
    // 100 ms interval for about a second: 10 or 11 reports (at least 7 on a loaded machine, whose late timers skip
    // ticks); before, it was none: the cycle waited on the hung collector's 600 s.
    expect(reports.length).toBeGreaterThanOrEqual(7);
    expect(reports.every((r) => r.good_value === 42 && r.hung_value === null)).toBe(true);
    // No stall: the first report comes at its tick plus at most the 90 ms cut-off, and no gap is much over an interval.
    expect(at[0]! - started).toBeLessThan(90 + 100);
    const gaps = at.slice(1).map((t, k) => t - at[k]!);
    expect(Math.max(...gaps)).toBeLessThan(300);
    const capped = log.records().filter((r) => /does not fit agent.interval_ms/.test(String(r.msg)));
    expect(capped).toHaveLength(1);
    expect(capped[0]).toMatchObject({ plugin: 'hanger', timeout_ms: 600_000, interval_ms: 100, cut_off_ms: 90 });
    expect(capped[0]!.msg).toBe(
      'collectors[1].timeout_ms (600000 ms) does not fit agent.interval_ms (100 ms): its collections are cut off at 90 ms (90 % of the interval), so that every report goes out on time',
    );
    const stopping = performance.now();
    await sidecar.stop(0);
    expect(performance.now() - stopping).toBeLessThan(300);
  });

  it('does not warn about a timeout_ms that fits the interval, nor about the default one, which it cuts all the same', async () => {
    const { log } = await daemon({ agent: { interval_ms: 3000 }, collectors: [{ plugin: 'good', timeout_ms: 2700 }] }, [good]);
    expect(log.records().filter((r) => Number(r.level) >= 40)).toEqual([]);
    const short = await daemon({ agent: { initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'good' }, { plugin: 'hanger' }] }, [good, hanger]);
    short.sidecar.start();
    await sleep(350);
    expect(short.reports.length).toBeGreaterThanOrEqual(2);
    expect(short.reports.every((r) => r.good_value === 42 && r.hung_value === null)).toBe(true);
    expect(short.log.records().filter((r) => /does not fit/.test(String(r.msg)))).toEqual([]);
    expect(short.log.records().find((r) => r.plugin === 'hanger')?.reason).toBe('did not answer within 90 ms');
  });

  it('never merges a late answer into a later report, and does not call a collector again while it is still busy', async () => {
    let calls = 0;
    // Answers 250 ms after each call, ignoring its abort: always too late for a 100 ms interval.
    const slow = collector('slow', ['slow_value'], async () => {
      calls += 1;
      await sleep(250);
      return { slow_value: calls };
    });
    const { sidecar, log, reports } = await daemon({ agent: { initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'good', timeout_ms: 50 }, { plugin: 'slow' }] }, [good, slow]);
    sidecar.start();
    await sleep(1000);
    await sidecar.stop(0);
    expect(reports.length).toBeGreaterThanOrEqual(5);
    expect(reports.map((r) => r.slow_value)).toEqual(reports.map(() => null));
    // Called once per 250 ms at most, not once per cycle: calls do not pile up.
    expect(calls).toBeLessThanOrEqual(5);
    expect(calls).toBeGreaterThanOrEqual(2);
    const reasons = log.records().filter((r) => r.plugin === 'slow' && /^Collector failed/.test(String(r.msg))).map((r) => r.reason);
    // Warned once: the cycles it was still busy for keep the reason already given.
    expect(reasons).toEqual(['did not answer within 90 ms']);
    expect(sidecar.status().collectors.find((c) => c.instanceId === 'slow')).toMatchObject({ ok: false, lastError: 'did not answer within 90 ms' });
  });

  it('stops within its bounds while a collection hangs, sending nothing from the abandoned cycle', async () => {
    const transports: RecordingTransport[] = [];
    const { sidecar, reports } = await daemon(
      { agent: { initial_delay_ms: 0, interval_ms: 60_000 }, collectors: [{ plugin: 'good' }, { plugin: 'hanger', timeout_ms: 30_000 }], transports: [{ plugin: 'recorder' }] },
      [good, hanger, recordingTransport(transports)],
    );
    sidecar.start();
    await sleep(100); // the first cycle is waiting on the hanger (cut off only at 30 s)
    const stopping = performance.now();
    await sidecar.stop(1500);
    expect(performance.now() - stopping).toBeLessThan(500);
    expect(reports).toEqual([]);
    expect(transports[0]!.reports).toEqual([]);
    expect(transports[0]!.stopped).toBe(1);
    // The abandoned cycle recorded no failure for the collector it cut short.
    expect(sidecar.status().collectors.map((c) => [c.instanceId, c.ok])).toEqual([['good', true]]);
  });

  it('stops in about 1 s (the dispose bound) when a hung collector also hangs in dispose', async () => {
    const transports: RecordingTransport[] = [];
    const stuck = collector('stuck', ['s'], () => never(), { create: () => ({ collect: () => never(), dispose: () => never() }) });
    const { sidecar } = await daemon(
      { agent: { initial_delay_ms: 0, interval_ms: 60_000 }, collectors: [{ plugin: 'stuck', timeout_ms: 50_000 }], transports: [{ plugin: 'recorder' }] },
      [stuck, recordingTransport(transports)],
    );
    sidecar.start();
    await sleep(50);
    const stopping = performance.now();
    await sidecar.stop(1500);
    // The collector's dispose is given 1 s, at the same time as the transports' flush: not one after the other.
    const took = performance.now() - stopping;
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(1800);
    expect(transports[0]!.disposed).toBe(1);
  });

  it('gathers identify fields under agent.identify_timeout_ms, never waiting for a hung collector', async () => {
    const hungIdentify = collector('hung-identify', ['x'], () => ({ x: 1 }), {
      identifyFields: ['ollama_version'],
      create: () => ({ collect: () => ({ x: 1 }), identify: () => never() }),
    });
    const quick = collector('quick', ['y'], () => ({ y: 1 }), {
      identifyFields: ['ollama_url'],
      create: () => ({ collect: () => ({ y: 1 }), identify: () => ({ ollama_url: 'http://gpu-box:11434' }) }),
    });
    let identify: ((signal?: AbortSignal) => Promise<unknown>) | undefined;
    const grabber = {
      ...recordingTransport([]),
      create: (ctx: { identify: (signal?: AbortSignal) => Promise<unknown> }) => {
        identify = ctx.identify;
        return new RecordingTransport();
      },
    };
    await daemon(
      { agent: { identify_timeout_ms: 300 }, collectors: [{ plugin: 'hung-identify', timeout_ms: 600_000 }, { plugin: 'quick' }], transports: [{ plugin: 'recorder' }] },
      [hungIdentify, quick, grabber as never],
    );
    let started = performance.now();
    expect(await identify!()).toEqual({ ollama_url: 'http://gpu-box:11434' });
    // 300 ms and the 250 ms grace for a partial answer.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(800);
    // The caller's signal (a connection that closed) ends it sooner.
    started = performance.now();
    expect(await identify!(AbortSignal.timeout(50))).toEqual({ ollama_url: 'http://gpu-box:11434' });
    expect(performance.now() - started).toBeLessThan(450);
  });
});

describe('agent.jitter_ms', () => {
  it('offsets the whole schedule by random() * jitter_ms, drawn once per process', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let draws = 0;
    const { sidecar, at } = await daemon({ agent: { initial_delay_ms: 1000, interval_ms: 10_000, jitter_ms: 4000 }, collectors: [{ plugin: 'good' }] }, [good], {
      random: () => {
        draws += 1;
        return 0.75;
      },
    });
    const origin = performance.now();
    sidecar.start();
    await vi.advanceTimersByTimeAsync(35_000);
    expect(at.map((t) => t - origin)).toEqual([4000, 14_000, 24_000, 34_000]);
    expect(draws).toBe(1);
  });

  it('is refused at or above interval_ms, naming both', () => {
    expect(() => testConfig({ agent: { interval_ms: 1000, jitter_ms: 1000 } })).toThrow('plugins.json: agent.jitter_ms: must be below interval_ms');
    expect(testConfig({ agent: { interval_ms: 1000, jitter_ms: 999 } }).agent.jitter_ms).toBe(999);
    expect(testConfig({}).agent).toMatchObject({ jitter_ms: 0, identify_timeout_ms: 1000 });
  });
});
