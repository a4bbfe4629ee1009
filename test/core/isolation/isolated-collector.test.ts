import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { withDeadline } from '../../../src/core/deadline.js';
import { DEFAULT_ISOLATION_LIMITS, IsolatedCollector } from '../../../src/core/isolation/isolated-collector.js';
import { liveWorkers } from '../../../src/core/isolation/plugin-worker.js';
import type { WorkerInit } from '../../../src/core/isolation/protocol.js';
import { workerEntryUrl } from '../../../src/core/isolation/worker-entry-url.js';
import { memoryLogger } from '../../helpers/memory-logger.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const ROOT = join(HERE, '../../..');

function init(file: string, options: unknown = {}): WorkerInit {
  return {
    plugin: { file: join(FIXTURES, file) },
    context: { name: 'fixture', instanceId: 'fixture', options, agent: { id: 'agent-1', name: 'Agent' }, configDir: FIXTURES },
    logLevel: 'debug',
  };
}

const started: IsolatedCollector[] = [];
async function start(...args: Parameters<typeof IsolatedCollector.start>): Promise<IsolatedCollector> {
  const collector = await IsolatedCollector.start(...args);
  started.push(collector);
  return collector;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.dispose()));
  expect(liveWorkers()).toBe(0);
});

describe('IsolatedCollector', () => {
  it('passes context and options to create, sanitizes values and forwards logs with their bindings', async () => {
    const log = memoryLogger();
    const collector = await start(init('lifecycle.mjs', { hang: false }), log.logger.child({ plugin: 'lifecycle' }));
    const values = await withDeadline((signal) => collector.collect(signal), 1000);
    expect(values).toEqual({ lifecycle_value: 'agent-1', lifecycle_nan: null, lifecycle_fn: null });
    expect(log.records().find((r) => r.part === 'setup')).toMatchObject({
      plugin: 'lifecycle',
      level: 20,
      msg: 'Options are {"hang":false}',
    });
  });

  it('aborts the worker-side signal at the deadline and lets the plugin dispose before the worker ends', async () => {
    const log = memoryLogger();
    // A generous grace, so a slow start of the replacement (a loaded CI machine) cannot cut its dispose short.
    const limits = { ...DEFAULT_ISOLATION_LIMITS, disposeGraceMs: 5000 };
    const collector = await start(init('lifecycle.mjs', { hang: true }), log.logger, limits);
    const err = await withDeadline((signal) => collector.collect(signal), 100).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DeadlineError' });
    await collector.dispose();
    const messages = log
      .records()
      .filter((r) => r.part === undefined)
      .map((r) => [r.msg, r.reason ?? (r.err as { message?: string } | undefined)?.message]);
    // Two instances were created (the first worker's and its replacement, started at once) and both are disposed,
    // the replacement even when dispose reaches it while its plugin is still being created.
    expect(messages).toHaveLength(4);
    expect(messages).toEqual(
      expect.arrayContaining([
        ['Collect aborted', 'did not answer within 100 ms'],
        ['Collector worker missed its deadline: did not answer within 100 ms; replacing it', undefined],
      ]),
    );
    expect(messages.filter(([msg]) => msg === 'Disposed')).toEqual([
      ['Disposed', 'dispose ran'],
      ['Disposed', 'dispose ran'],
    ]);
    expect(log.records().filter((r) => r.part === 'setup')).toHaveLength(2);
  });

  it('replaces a dead worker at once, but at most once between two calls', async () => {
    const log = memoryLogger();
    const collector = await start(init('dies-soon.mjs'), log.logger);
    const created = () => log.records().filter((r) => r.msg === 'Created').length;
    // Wait for the replacement rather than a fixed 600 ms (a loaded machine starts workers slowly), then give a
    // third start the time it would need before checking that none came.
    for (const started = Date.now(); created() < 2 && Date.now() - started < 10_000; ) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(created()).toBe(2);
    expect(await withDeadline((signal) => collector.collect(signal), 5000)).toEqual({ dies_value: 1 });
  });

  it('gives up on a plugin whose create never finishes', async () => {
    const limits = { ...DEFAULT_ISOLATION_LIMITS, startTimeoutMs: 300 };
    const err = await IsolatedCollector.start(init('slow-start.mjs'), memoryLogger().logger, limits).catch((e: unknown) => e);
    expect((err as Error).message).toBe('the plugin did not start within 300 ms');
    expect(liveWorkers()).toBe(0);
  });

  it('refuses an answer that is a list, as in-process collectors do, instead of reading it as {"0": ...}', async () => {
    const collector = await start(init('returns-list.mjs'), memoryLogger().logger);
    const err = await withDeadline((signal) => collector.collect(signal), 2000).catch((e: unknown) => e);
    expect((err as Error).message).toBe('collect() returned a list, not an object');
  });

  it('refuses calls after dispose', async () => {
    const collector = await start(init('lifecycle.mjs'), memoryLogger().logger);
    await collector.dispose();
    await expect(collector.collect(new AbortController().signal)).rejects.toThrow('collector is disposed');
  });

  it('lets the process exit: idle workers are unreferenced and dispose terminates them', async () => {
    const script = `
      import { IsolatedCollector } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/core/isolation/isolated-collector.js')).href)};
      const logger = { level: 'info', info() {}, warn() {}, debug() {}, child() { return logger; } };
      const init = ${JSON.stringify(init('misbehave.mjs'))};
      const idle = await IsolatedCollector.start(init, logger);
      const used = await IsolatedCollector.start(init, logger);
      const values = await used.collect(new AbortController().signal);
      await used.dispose();
      process.stdout.write(JSON.stringify(values));
    `;
    const file = join(mkdtempSync(join(tmpdir(), 'sidecar-exit-')), 'main.mjs');
    writeFileSync(file, script);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 10_000 });
    rmSync(dirname(file), { recursive: true, force: true });
    expect(JSON.parse(stdout)).toMatchObject({ misbehave_value: 1 });
  });
});

describe('workerEntryUrl', () => {
  it('uses the compiled worker under dist/ when running from src/', () => {
    const url = workerEntryUrl(pathToFileURL(join(ROOT, 'src/core/isolation/isolated-collector.ts')).href);
    expect(fileURLToPath(url)).toBe(join(ROOT, 'dist/core/isolation/worker-entry.js'));
  });

  it('says to build when the compiled worker is missing', () => {
    expect(() => workerEntryUrl('file:///nowhere/src/core/isolation/isolated-collector.ts')).toThrow(
      'the isolation worker /nowhere/dist/core/isolation/worker-entry.js does not exist: run npm run build',
    );
  });
});
