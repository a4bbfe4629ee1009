import os from 'node:os';

/**
 * readOsAvailable is `os.freemem()`, which is the memory available to new work where libuv reads the OS's own
 * figure for it: `MemAvailable` on Linux, available physical memory on Windows. Not for macOS (see
 * memory.darwin.ts).
 */
export function readOsAvailable(): number {
  return os.freemem();
}
