import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collector } from '../../../plugin.js';
import type { CpuOptions } from './config.js';
import { cpuPercent, type CpuSample } from './cpu-math.js';

/** ReadCpus returns the current per-core CPU times; `os.cpus` in production, a fake in tests. */
export type ReadCpus = () => CpuSample;

/**
 * createCpuCollector builds a collector that reports `cpu_percent` over the time since its previous
 * collection. The first collection has no previous sample, so it samples, waits `first_window_ms`
 * (abortable through the signal) and samples again. `platform` says which counters the samples hold
 * (Windows counts interrupt time inside `sys`); it is the one place the cpu collector looks at the OS.
 */
export function createCpuCollector(
  options: CpuOptions,
  readCpus: ReadCpus = os.cpus,
  platform: NodeJS.Platform = process.platform,
): Collector {
  let previous: CpuSample | undefined;
  return {
    async collect(signal: AbortSignal) {
      signal.throwIfAborted();
      if (previous === undefined) {
        previous = readCpus();
        try {
          await sleep(options.first_window_ms, undefined, { signal });
        } catch (err) {
          throw new Error(`cpu: aborted during the first ${options.first_window_ms} ms sampling window`, { cause: err });
        }
      }
      const next = readCpus();
      const value = cpuPercent(previous, next, platform);
      previous = next;
      return { cpu_percent: value };
    },
  };
}
