import os from 'node:os';
import type { Collector } from '../../../plugin.js';

/** MemoryReaders read the total and available memory in bytes; `os.totalmem`/`os.freemem` by default. */
export interface MemoryReaders {
  readonly totalmem: () => number;
  /** freemem is the memory available to new work (MemAvailable on Linux), not merely unused pages. */
  readonly freemem: () => number;
}

/** OS_MEMORY_READERS reads memory from `node:os`. */
export const OS_MEMORY_READERS: MemoryReaders = { totalmem: os.totalmem, freemem: os.freemem };

function bytes(value: number): number | null {
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/**
 * createMemoryCollector builds a collector that reports `ram_total_bytes` and `ram_used_bytes`
 * (total minus available). A reading that is not a non-negative integer, or available above total, is null.
 */
export function createMemoryCollector(readers: MemoryReaders = OS_MEMORY_READERS): Collector {
  return {
    collect() {
      const total = bytes(readers.totalmem());
      const free = bytes(readers.freemem());
      const used = total !== null && free !== null && free <= total ? total - free : null;
      return { ram_total_bytes: total, ram_used_bytes: used };
    },
  };
}
