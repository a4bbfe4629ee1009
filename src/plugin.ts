/**
 * The plugin author's API (`llm-sidecar/plugin`): the contract types and typed helpers. Plain JavaScript
 * plugins need none of this: a default-exported object of the same shape works.
 */
import type { CollectorManifest, TransportManifest } from './core/contracts/plugin.js';

export type {
  Collector,
  CollectorHealthSnapshot,
  CollectorManifest,
  OptionsSchema,
  PluginContext,
  PluginKind,
  PluginManifest,
  RuntimeStatus,
  Transport,
  TransportContext,
  TransportManifest,
  TransportStatus,
} from './core/contracts/plugin.js';
export { PLUGIN_API_VERSIONS } from './core/contracts/plugin.js';
export type { FieldValue, IdentifyFields, PartialReport, ResourceReport } from './core/contracts/report.js';
export { RESERVED_FIELDS, FIELD_NAME_PATTERN } from './core/contracts/report.js';
export type { StandardSchemaV1 } from './core/contracts/standard-schema.js';
export type { Logger } from './core/contracts/logger.js';

/** defineCollector fills `apiVersion` and `kind` and lets TypeScript check and infer the manifest. */
export function defineCollector<Options = Record<string, unknown>>(
  manifest: Omit<CollectorManifest<Options>, 'kind' | 'apiVersion'> & { kind?: 'collector'; apiVersion?: 1 },
): CollectorManifest<Options> {
  return { apiVersion: 1, kind: 'collector', ...manifest };
}

/** defineTransport fills `apiVersion` and `kind` and lets TypeScript check and infer the manifest. */
export function defineTransport<Options = Record<string, unknown>>(
  manifest: Omit<TransportManifest<Options>, 'kind' | 'apiVersion'> & { kind?: 'transport'; apiVersion?: 1 },
): TransportManifest<Options> {
  return { apiVersion: 1, kind: 'transport', ...manifest };
}
