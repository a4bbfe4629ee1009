/**
 * The sidecar as a library, for a host process that embeds it (one that already holds a hub connection, say).
 * `collectMetrics(ollamaUrl)` is a drop-in for the hub sidecar's `lib/resources.js`; `createSidecar` gives a
 * runtime the host drives; `startSidecar` runs the schedule too. Requiring this module is cheap: the runtime
 * (and the Reflect polyfill it needs) is imported on the first call, and each built-in plugin only when used.
 */
import type { DevHub, DevHubOptions } from './hub/dev-hub.js';
import type { PluginManifest } from './core/contracts/plugin.js';

export { startSidecar, createSidecar, collectMetrics, closeMetrics } from './embed/api.js';
export type {
  CollectMetricsOptions,
  CollectorName,
  EmbedOptions,
  EmbeddedTransport,
  HostLogger,
  LogFunction,
  LogLevelName,
  LogMethods,
  Metrics,
} from './embed/options.js';
export type { Sidecar, SidecarOptions, SidecarStatus } from './core/sidecar.js';
export type { SidecarConfig, AgentConfig } from './core/config/sidecar-config.js';
export type { DevHub, DevHubOptions } from './hub/dev-hub.js';
export { ConfigError, SidecarError, ErrorCode, type Problem } from './core/errors.js';
export * from './plugin.js';

/** loadBuiltinPlugins imports the built-in plugins (all of them, or those named), keyed by their plugins.json name. */
export async function loadBuiltinPlugins(names?: Iterable<string>): Promise<ReadonlyMap<string, PluginManifest>> {
  return (await import('./plugins/builtin-loaders.js')).loadBuiltins(names);
}

/** startDevHub starts the local development hub (`sidecar hub`) in this process, for tests and demos. */
export async function startDevHub(options?: DevHubOptions): Promise<DevHub> {
  return (await import('./hub/dev-hub.js')).startDevHub(options);
}
