import type { Sidecar } from '../core/sidecar.js';
import type { CollectMetricsOptions, EmbedOptions, HostLogger, Metrics } from './options.js';

/**
 * The package root's functions. Each imports what it needs on its first call, so `require('llm-sidecar')` costs a
 * host a few small modules, and a host that only calls collectMetrics never loads the CLI, ws or prom-client.
 */

/**
 * startSidecar loads the config, creates every plugin, and starts the schedule (unless `start: false`).
 * Config problems reject with a ConfigError listing each one. Stop it with `await sidecar.stop()`.
 */
export async function startSidecar(options: EmbedOptions): Promise<Sidecar> {
  return (await import('./runtime.js')).createRuntime(options, options.start ?? true);
}

/**
 * createSidecar creates the runtime for a host that drives it: no schedule; the host calls `collect()` when it
 * wants a report and `identifyFields()` for its handshake. With no `transports` in the config (or
 * `useConfiguredTransports: false`), nothing is sent except through transports given in code.
 */
export async function createSidecar(options: EmbedOptions): Promise<Sidecar> {
  return (await import('./runtime.js')).createRuntime(options, false);
}

/**
 * collectMetrics is a drop-in for the hub sidecar's `lib/resources.js`: `{ cpu_percent, ram_used_bytes,
 * ram_total_bytes, vram_used_bytes, vram_total_bytes }` (numbers or null) plus detail fields. It never rejects.
 */
export async function collectMetrics(ollamaUrl?: string | null, options?: CollectMetricsOptions | null): Promise<Metrics> {
  try {
    return await (await import('./collect-metrics.js')).collectMetrics(ollamaUrl, options ?? {});
  } catch (err) {
    reportOnce(options?.logger, `collectMetrics: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return { cpu_percent: null, ram_used_bytes: null, ram_total_bytes: null, vram_used_bytes: null, vram_total_bytes: null };
  }
}

/** closeMetrics disposes the collectors collectMetrics keeps between calls (for a host that shuts down cleanly). */
export async function closeMetrics(): Promise<void> {
  await (await import('./collect-metrics.js')).closeMetrics();
}

let reported = false;
function reportOnce(logger: HostLogger | undefined, message: string): void {
  if (reported) return;
  reported = true;
  try {
    if (typeof logger === 'function') logger('error', message, {});
    else (logger ?? console).error(message);
  } catch {
    // Nothing more can be done for a host whose logger throws.
  }
}
