import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeMetrics, collectMetrics, ConfigError, createSidecar, type Sidecar, type TransportContext } from '../../src/index.js';
import { toLogger } from '../../src/embed/host-logger.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempConfig(doc: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sidecar-embed-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'plugins.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

async function created(sidecar: Promise<Sidecar>): Promise<Sidecar> {
  const s = await sidecar;
  cleanups.push(() => s.stop(0));
  return s;
}

const silent = () => undefined;
const withUnsetToken = {
  collectors: [{ plugin: 'memory' }],
  transports: [{ plugin: 'websocket', options: { url: 'ws://127.0.0.1:9/ws', token: '${SIDECAR_TOKEN_NEVER_SET_IN_TESTS}' } }],
};

describe('createSidecar (a host drives collection)', () => {
  it('neither reads nor validates the transports when told not to use them, from a file or an object', async () => {
    for (const config of [tempConfig(withUnsetToken), withUnsetToken]) {
      const sidecar = await created(createSidecar({ config, useConfiguredTransports: false, logger: silent }));
      expect(sidecar.status().transports).toEqual([]);
      expect((await sidecar.collect()).ram_total_bytes).toBeGreaterThan(0);
    }
  });

  it('still rejects the unset variable when the transports are used', async () => {
    const err = await createSidecar({ config: withUnsetToken, logger: silent }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.code)).toEqual(['CONFIG_ENV_UNSET']);
  });

  it('runs no schedule: reports come only from collect(), each handed to the transports given in code', async () => {
    const sent: unknown[] = [];
    let context: TransportContext | undefined;
    const sidecar = await created(
      createSidecar({
        config: { agent: { id: 'host-driven', initial_delay_ms: 0, interval_ms: 100 }, collectors: [{ plugin: 'memory' }] },
        logger: silent,
        transports: [
          (ctx) => {
            context = ctx;
            return { send: (report) => void sent.push(report) };
          },
          { send: (report) => void sent.push(report) },
        ],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent).toEqual([]);
    const report = await sidecar.collect();
    expect(sent).toEqual([report, report]);
    expect(report).toMatchObject({ type: 'resource_report', agent_id: 'host-driven' });
    expect(context?.agent).toEqual({ id: 'host-driven', name: 'host-driven' });
    expect(await context?.identify()).toEqual({});
    expect(await sidecar.identifyFields()).toEqual({});
    expect(sidecar.status().reports).toBe(1);
  });

  it('loads only the built-ins the config names', async () => {
    const names = new Set<string>();
    const sidecar = await created(createSidecar({ config: { collectors: [{ plugin: 'memory' }] }, logger: silent }));
    for (const id of sidecar.collectorIds) names.add(id);
    expect([...names]).toEqual(['memory']);
    const err = await createSidecar({ config: { collectors: [{ plugin: 'memroy' }] }, logger: silent }).catch((e: unknown) => e);
    expect((err as ConfigError).message).toContain('did you mean the built-in "memory"');
  });
});

describe('the logger option', () => {
  it('passes lines to an object with log methods, with the fields and without secrets', () => {
    const calls: unknown[][] = [];
    const host = { debug: (...a: unknown[]) => calls.push(['debug', ...a]), info: (...a: unknown[]) => calls.push(['info', ...a]), warn: (...a: unknown[]) => calls.push(['warn', ...a]), error: (...a: unknown[]) => calls.push(['error', ...a]) };
    const logger = toLogger(host, 'info');
    logger.child({ plugin: 'x' }).warn({ token: 'abcdefgh-secret', reason: 'late' }, 'Slow');
    logger.debug('hidden');
    logger.fatal('Gone');
    expect(calls).toEqual([
      ['warn', 'Slow', { plugin: 'x', token: '[REDACTED]', reason: 'late' }],
      ['error', 'Gone'],
    ]);
  });

  it('passes lines to a function (level, message, data), and a throwing one costs nothing', () => {
    const calls: unknown[][] = [];
    const logger = toLogger((level, message, data) => void calls.push([level, message, data]), 'debug');
    logger.debug({ n: 1 }, 'One');
    expect(calls).toEqual([['debug', 'One', { n: 1 }]]);
    const throwing = toLogger(() => {
      throw new Error('host logger broke');
    });
    expect(() => throwing.error('x')).not.toThrow();
  });
});

describe('collectMetrics', () => {
  afterEach(() => closeMetrics());

  it('runs only the collectors asked for, and gives the seed five fields whatever ran', async () => {
    const warnings: string[] = [];
    const metrics = await collectMetrics(null, { collectors: ['memory'], logger: (_level, message) => void warnings.push(message) });
    expect(metrics).toEqual({ cpu_percent: null, ram_used_bytes: expect.any(Number), ram_total_bytes: expect.any(Number), vram_used_bytes: null, vram_total_bytes: null });
    expect(warnings).toEqual([]);
  });

  it('measures CPU over the time since the previous call, with the same collectors', async () => {
    const options = { collectors: ['cpu' as const], logger: silent };
    const first = await collectMetrics(undefined, options);
    // os.cpus() counts in ticks of 10 ms: two calls within a tick have nothing to compare (null, not a guess).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await collectMetrics(undefined, options);
    for (const m of [first, second]) expect(m.cpu_percent).toEqual(expect.any(Number));
  });

  it('never rejects, even for junk arguments', async () => {
    const warnings: string[] = [];
    const logger = (_level: string, message: string) => void warnings.push(message);
    const junk = await collectMetrics(42 as unknown as string, { collectors: ['ollama-vram'], logger });
    expect(junk).toEqual({ cpu_percent: null, ram_used_bytes: null, ram_total_bytes: null, vram_used_bytes: null, vram_total_bytes: null });
    await collectMetrics(42 as unknown as string, { collectors: ['ollama-vram'], logger });
    expect(warnings).toEqual(['collectMetrics: no Ollama URL given; vram_used_bytes is null']);
  });
});
