import os from 'node:os';
import type { Collector } from '../../../plugin.js';
import { runTool, type RunTool } from '../shared/run-tool.js';
import { readDarwinAvailable } from './memory.darwin.js';
import { readOsAvailable } from './memory.os.js';

/** MemoryReaders read the total and the available memory in bytes. */
export interface MemoryReaders {
  readonly totalmem: () => number;
  /** available is the memory available to new work (not merely unused pages); it may run a tool under `signal`. */
  readonly available: (signal: AbortSignal) => number | Promise<number>;
}

/**
 * memoryReadersFor picks how this OS answers, the one place the memory collector looks at the platform: macOS
 * through vm_stat (run with `run`), every other OS through `os.freemem()`. The total is `os.totalmem()` everywhere
 * (`hw.memsize` on macOS).
 */
export function memoryReadersFor(platform: NodeJS.Platform, run: RunTool = runTool): MemoryReaders {
  return {
    totalmem: os.totalmem,
    available: platform === 'darwin' ? (signal) => readDarwinAvailable(run, signal) : readOsAvailable,
  };
}

function bytes(value: number): number | null {
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * createMemoryCollector builds a collector that reports `ram_total_bytes` and `ram_used_bytes` (total minus
 * available). A reading that is not a non-negative integer, or available above total, is null; a reader that
 * fails (vm_stat missing or unreadable) rejects the collection, so the host logs why and reports both as null.
 */
export function createMemoryCollector(readers: MemoryReaders = memoryReadersFor(process.platform)): Collector {
  return {
    async collect(signal: AbortSignal) {
      const available = bytes(await readers.available(signal));
      const total = bytes(readers.totalmem());
      const used = total !== null && available !== null && available <= total ? total - available : null;
      return { ram_total_bytes: total, ram_used_bytes: used };
    },
  };
}
