import { afterEach, describe, expect, it, vi } from 'vitest';
import { CoalescedReload } from '../../src/cli/coalesced-reload.js';
import { reloadSignals, stopSignals } from '../../src/cli/stop-requests.js';

afterEach(() => vi.useRealTimers());

/** slowReload counts its runs; each takes `ms` of (fake) time. */
function slowReload(ms: number) {
  const runs: number[] = [];
  const reload = async () => {
    runs.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
  return { runs, reload };
}

describe('CoalescedReload', () => {
  it('runs the first request at once and folds a burst into one more, a gap later', async () => {
    vi.useFakeTimers({ now: 0 });
    const { runs, reload } = slowReload(50);
    const reloads = new CoalescedReload(reload, 1000, () => Date.now());
    for (let i = 0; i < 50; i++) {
      reloads.request();
      await vi.advanceTimersByTimeAsync(19);
    }
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toEqual([0, 1000]);
  });

  it('a request during a long reload waits for it to finish', async () => {
    vi.useFakeTimers({ now: 0 });
    const { runs, reload } = slowReload(3000);
    const reloads = new CoalescedReload(reload, 1000, () => Date.now());
    reloads.request();
    await vi.advanceTimersByTimeAsync(100);
    reloads.request();
    reloads.request();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toEqual([0, 3000]);
  });

  it('requests a gap apart each run; after close nothing runs', async () => {
    vi.useFakeTimers({ now: 0 });
    const { runs, reload } = slowReload(10);
    const reloads = new CoalescedReload(reload, 1000, () => Date.now());
    reloads.request();
    await vi.advanceTimersByTimeAsync(1500);
    reloads.request();
    await vi.advanceTimersByTimeAsync(100);
    reloads.request();
    reloads.close();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toEqual([0, 1500]);
  });

  it('a reload that rejects does not stop later ones', async () => {
    vi.useFakeTimers({ now: 0 });
    let count = 0;
    const reloads = new CoalescedReload(() => (++count, Promise.reject(new Error('boom'))), 10, () => Date.now());
    reloads.request();
    await vi.advanceTimersByTimeAsync(20);
    reloads.request();
    await vi.advanceTimersByTimeAsync(20);
    expect(count).toBe(2);
  });
});

describe('stop and reload signals per OS', () => {
  it('on Windows SIGHUP (console closing) and SIGBREAK stop, and nothing reloads', () => {
    expect(stopSignals('win32')).toEqual(['SIGINT', 'SIGTERM', 'SIGBREAK', 'SIGHUP']);
    expect(reloadSignals('win32')).toEqual([]);
  });

  it('on Linux and macOS SIGHUP reloads', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(stopSignals(platform)).toEqual(['SIGINT', 'SIGTERM']);
      expect(reloadSignals(platform)).toEqual(['SIGHUP']);
    }
  });
});
