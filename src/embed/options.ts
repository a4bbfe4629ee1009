import type { LevelWithSilent } from 'pino';
import type { FieldValue } from '../core/contracts/report.js';
import type { EmbeddedTransport } from '../core/plugins/embedded-transport.js';
import type { HostLogger } from './host-logger.js';

export type { EmbeddedTransport } from '../core/plugins/embedded-transport.js';
export type { HostLogger, LogFunction, LogLevelName, LogMethods } from './host-logger.js';

/** EmbedOptions say what to run inside a host process and where the reports go. */
export interface EmbedOptions {
  /** config is a plugins.json path, or the same document as an object. */
  readonly config: string | Record<string, unknown>;
  /**
   * transports receive every report: an instance, a factory `(context) => transport` that gets the same
   * TransportContext as a configured transport (`context.identify()` included), or a transport manifest.
   */
  readonly transports?: readonly EmbeddedTransport[];
  /** useConfiguredTransports false ignores the config's `transports`: not read, not validated, not loaded. Default true. */
  readonly useConfiguredTransports?: boolean;
  /** logger is a pino logger, any object with debug/info/warn/error (`console`), or `(level, message, data) => void`. */
  readonly logger?: HostLogger;
  /** logLevel is the least level passed on (default `info`); ignored for a pino logger, which has its own. */
  readonly logLevel?: LevelWithSilent;
  /** start false creates everything but leaves the schedule to the caller (`collect()`). Default true in startSidecar. */
  readonly start?: boolean;
}

/** CollectorName is a built-in collector collectMetrics can run. */
export type CollectorName = 'cpu' | 'memory' | 'ollama-vram' | 'gpu';

/** CollectMetricsOptions tune collectMetrics; the first call for a URL fixes them for that URL. */
export interface CollectMetricsOptions {
  /** logger receives the warnings (default: `console`, warnings and errors only). */
  readonly logger?: HostLogger;
  /** logLevel is the least level passed on (default `warn`). */
  readonly logLevel?: LevelWithSilent;
  /** collectors run (default all four: cpu, memory, ollama-vram when a URL is given, gpu). */
  readonly collectors?: readonly CollectorName[];
}

/**
 * Metrics is what collectMetrics resolves to: the five figures of the hub sidecar's `lib/resources.js`, each a
 * number or null, plus the detail fields a collector knew (`ollama_models`, `gpus`, `gpu_vram_used_bytes`...).
 */
export interface Metrics {
  cpu_percent: number | null;
  ram_used_bytes: number | null;
  ram_total_bytes: number | null;
  vram_used_bytes: number | null;
  vram_total_bytes: number | null;
  [detail: string]: FieldValue;
}
