import type { Collector, Logger } from '../../../plugin.js';
import { runTool } from '../shared/run-tool.js';
import type { GpuOptions } from './config.js';
import { gpuFields, NO_GPU_FIELDS } from './devices.js';
import type { GpuSource } from './gpu-source.js';
import { gpuSourcesFor, type GpuHost } from './sources.js';

/** PROCESS_HOST is the real host: this process's OS and environment, tools run by runTool. */
const PROCESS_HOST: GpuHost = { platform: process.platform, env: process.env, run: runTool };

/**
 * createGpuCollector builds a collector that reads the GPUs once per collection, under the host's deadline, from
 * the sources gpuSourcesFor lists for `vendor` on this OS (the first one present is kept to). When none is
 * present it reports every field as null and logs that once (again only after a source had been found and went
 * away). A source that is present but fails, or gives what cannot be read, rejects the collection with a one-line
 * Error; the host logs it.
 */
export function createGpuCollector(options: GpuOptions, logger: Pick<Logger, 'info'>, host: GpuHost = PROCESS_HOST): Collector {
  const sources = gpuSourcesFor(options, host);
  const disposed = new AbortController();
  let found: GpuSource | undefined;
  let absenceLogged = false;
  return {
    async collect(signal: AbortSignal) {
      const combined = AbortSignal.any([signal, disposed.signal]);
      const order = found ? [found, ...sources.filter((s) => s !== found)] : sources;
      for (const source of order) {
        const devices = await source.read(combined);
        if (devices === undefined) continue;
        found = source;
        absenceLogged = false;
        return gpuFields(devices);
      }
      found = undefined;
      if (!absenceLogged) {
        absenceLogged = true;
        const tried = sources.map((s) => s.name).join(', ');
        logger.info({ tried }, `No GPU tool found (tried ${tried}); GPU fields are null`);
      }
      return NO_GPU_FIELDS;
    },
    dispose() {
      disposed.abort();
    },
  };
}
