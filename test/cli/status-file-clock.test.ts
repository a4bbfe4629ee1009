import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { STATUS_WRITE_EVERY_MS, StatusFileWriter } from '../../src/cli/status-file.js';

const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('StatusFileWriter and a stepped wall clock', () => {
  it.each([
    ['back', -3_600_000],
    ['forward', 3_600_000],
  ])('writes every 5 s after the wall clock steps %s an hour (the spacing is on the monotonic clock)', async (_way, step) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-status-clock-'));
    dirs.push(dir);
    const writer = new StatusFileWriter(
      { file: path.join(dir, 'status.json') },
      () => ({ runtime: { agentId: 'a', reports: 0, lastReportAt: null, collectors: [], transports: [] }, intervalMs: 1000 }),
      () => undefined,
    );
    const writes: number[] = [];
    const origin = performance.now();
    const write = writer.write.bind(writer);
    vi.spyOn(writer, 'write').mockImplementation((state) => {
      writes.push(performance.now() - origin);
      return write(state);
    });
    writer.update(); // the first report: written at once
    vi.setSystemTime(Date.now() + step);
    // A report every second for 12 s: writes at 0, 5 and 10 s, whatever the wall clock did.
    for (let second = 1; second <= 12; second++) {
      await vi.advanceTimersByTimeAsync(1000);
      writer.update();
    }
    expect(writes).toEqual([0, STATUS_WRITE_EVERY_MS, 2 * STATUS_WRITE_EVERY_MS]);
    vi.useRealTimers();
    await write('stopped'); // after the writes in flight, so the directory can be removed
  });
});
