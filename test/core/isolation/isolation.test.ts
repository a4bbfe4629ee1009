import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { liveWorkers } from '../../../src/core/isolation/plugin-worker.js';
import { Sidecar } from '../../../src/core/sidecar.js';
import { BUILTIN_PLUGINS } from '../../../src/plugins/builtin.js';
import { memoryLogger } from '../../helpers/memory-logger.js';
import { testConfig } from '../../helpers/test-config.js';
import { builtins, collector } from '../../helpers/test-plugins.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'sidecar-isolation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const running: Sidecar[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(0)));
});

const good = collector('good', ['good_value'], () => ({ good_value: 42 }));
// Long enough for a fresh worker to start on a loaded 2-core CI machine.
const TIMEOUT_MS = 1000;

/** misbehaving starts a sidecar with an isolated `misbehave` collector armed by a marker file, plus `good`. */
async function misbehaving(mode: 'spin' | 'exit' | 'throw' | 'hang') {
  const marker = join(scratch, `${mode}.marker`);
  const log = memoryLogger();
  const config = testConfig(
    {
      collectors: [
        { plugin: './misbehave.mjs', isolate: true, timeout_ms: TIMEOUT_MS, options: { marker, mode } },
        { plugin: 'good', timeout_ms: TIMEOUT_MS },
      ],
    },
    FIXTURES,
  );
  const sidecar = await Sidecar.create({ config, logger: log.logger, builtins: builtins(good) });
  running.push(sidecar);
  return { sidecar, log, arm: () => writeFileSync(marker, '') };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('isolated collectors', () => {
  it('run in a worker thread, forward their logs bound to the plugin, and answer every cycle', async () => {
    const { sidecar, log } = await misbehaving('spin');
    const first = await sidecar.collectOnce();
    const second = await sidecar.collectOnce();
    expect(first).toMatchObject({ misbehave_value: 1, good_value: 42 });
    expect(first.misbehave_thread).toBeGreaterThan(0);
    expect(second.misbehave_thread).toBe(first.misbehave_thread);
    const created = log.records().find((r) => r.msg === 'Misbehave created');
    expect(created).toMatchObject({ plugin: 'misbehave', level: 30, thread: first.misbehave_thread });
  });

  it.each(['spin', 'hang'] as const)(
    'a collect that %ss costs that cycle’s fields only, on time; the next cycle gets a fresh worker',
    async (mode) => {
      const { sidecar, arm } = await misbehaving(mode);
      const before = await sidecar.collectOnce();
      arm();
      const bad = await timed(() => sidecar.collectOnce());
      expect(bad.value).toMatchObject({ misbehave_value: null, misbehave_thread: null, good_value: 42 });
      expect(bad.ms).toBeLessThan(TIMEOUT_MS + 300);
      const after = await sidecar.collectOnce();
      expect(after).toMatchObject({ misbehave_value: 1, good_value: 42 });
      expect(after.misbehave_thread).not.toBe(before.misbehave_thread);
      expect(sidecar.status().collectors.find((c) => c.instanceId === 'misbehave')).toMatchObject({ runs: 3, failures: 1 });
    },
  );

  it.each([
    ['exit', /worker exited with code 3/],
    ['throw', /worker crashed: thrown outside any promise/],
  ] as const)('a worker that crashes (%s) costs one cycle, with the reason logged once', async (mode, reason) => {
    const { sidecar, log, arm } = await misbehaving(mode);
    await sidecar.collectOnce();
    arm();
    const bad = await timed(() => sidecar.collectOnce());
    expect(bad.value).toMatchObject({ misbehave_value: null, good_value: 42 });
    expect(bad.ms).toBeLessThan(TIMEOUT_MS);
    expect(await sidecar.collectOnce()).toMatchObject({ misbehave_value: 1 });
    const warnings = log.records().filter((r) => r.plugin === 'misbehave' && r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.reason).toMatch(reason);
  });

  it('contribute identify fields from the worker', async () => {
    const { sidecar } = await misbehaving('spin');
    const report = await sidecar.collectOnce();
    expect(await (sidecar as unknown as { collectors: { identify(): Promise<unknown> } }).collectors.identify()).toEqual({
      misbehave_thread: report.misbehave_thread,
    });
  });

  it('run built-ins too, by name', async () => {
    const config = testConfig({ collectors: [{ plugin: 'memory', isolate: true }] });
    const sidecar = await Sidecar.create({ config, logger: memoryLogger().logger, builtins: BUILTIN_PLUGINS });
    running.push(sidecar);
    const report = await sidecar.collectOnce();
    expect(report.ram_total_bytes).toBeGreaterThan(0);
  });

  it('cost only their own fields when the plugin throws as the worker imports it, and leave no worker behind', async () => {
    const config = testConfig({ collectors: [{ plugin: './worker-only-throw.mjs', isolate: true }] }, FIXTURES);
    const sidecar = await Sidecar.create({ config, logger: memoryLogger().logger, builtins: builtins() });
    const { type: _t, agent_id: _a, timestamp: _ts, ...fields } = await sidecar.collectOnce();
    expect(Object.values(fields).length).toBeGreaterThan(0);
    expect(Object.values(fields).every((v) => v === null)).toBe(true);
    expect(sidecar.status().collectors[0]).toMatchObject({
      ok: false,
      lastError: expect.stringMatching(/plugin "\.\/worker-only-throw\.mjs" failed to start: no GPU in this thread/),
    });
    await sidecar.stop(0);
    expect(liveWorkers()).toBe(0);
  });

  it('refuse a built-in that is not one of the sidecar’s own (it cannot be imported by name)', async () => {
    const config = testConfig({ collectors: [{ plugin: 'good', isolate: true }] });
    const sidecar = await Sidecar.create({ config, logger: memoryLogger().logger, builtins: builtins(good) });
    await sidecar.collectOnce();
    expect(sidecar.status().collectors[0]!.lastError).toContain('"good" is not one of the sidecar\'s built-in collectors');
    await sidecar.stop(0);
  });

  it('are all terminated when the sidecar stops', async () => {
    const { sidecar, arm } = await misbehaving('spin');
    await sidecar.collectOnce();
    arm();
    await sidecar.collectOnce();
    await sidecar.collectOnce();
    expect(liveWorkers()).toBeGreaterThan(0);
    await sidecar.stop(0);
    expect(liveWorkers()).toBe(0);
  });
});
