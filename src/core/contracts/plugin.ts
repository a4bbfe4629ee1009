import type { Logger } from './logger.js';
import type { FieldValue, IdentifyFields, PartialReport, ResourceReport } from './report.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** PLUGIN_API_VERSIONS lists the manifest `apiVersion` values this host supports. */
export const PLUGIN_API_VERSIONS: readonly number[] = [1];

/** PluginKind is what a plugin does: produce report fields, or deliver reports. */
export type PluginKind = 'collector' | 'transport';

/** PluginContext is what the host hands a plugin's `create`: its options, a bound logger, and who it runs for. */
export interface PluginContext<Options = Record<string, unknown>> {
  /** name is the plugin's manifest name. */
  readonly name: string;
  /** instanceId names this configured instance in logs: the name, or `name#N` when configured more than once. */
  readonly instanceId: string;
  /** options are the entry's options after the manifest's schema applied its defaults and checks. */
  readonly options: Options;
  /** logger is bound to `{ plugin: instanceId }`. */
  readonly logger: Logger;
  /** agent is the identity the sidecar reports as. */
  readonly agent: { readonly id: string; readonly name: string };
  /** configDir is the directory of plugins.json, for resolving relative paths in options. */
  readonly configDir: string;
}

/** Collector is a running collector instance. It owns no timers: the scheduler calls it. */
export interface Collector {
  /**
   * collect reads the current values of the declared fields. It should stop work when `signal` aborts
   * (the deadline passed); the host moves on without it either way. Undeclared fields are dropped;
   * fields it cannot read should be `null`.
   */
  collect(signal: AbortSignal): PartialReport | Promise<PartialReport>;
  /** identify returns fields for the hub handshake (declared in the manifest's `identifyFields`). */
  identify?(signal: AbortSignal): IdentifyFields | Promise<IdentifyFields>;
  /** dispose releases resources; called once when the sidecar stops or reloads. */
  dispose?(): void | Promise<void>;
}

/** TransportStatus is what a transport reports about itself, for health checks and metrics. */
export interface TransportStatus {
  readonly [key: string]: FieldValue;
}

/** CollectorHealthSnapshot is what the runtime knows about one collector's recent runs. */
export interface CollectorHealthSnapshot {
  readonly instanceId: string;
  /** ok is the outcome of the last run, null before the first. */
  readonly ok: boolean | null;
  readonly lastError: string | null;
  readonly lastDurationMs: number | null;
  readonly runs: number;
  readonly failures: number;
}

/** RuntimeStatus is a snapshot of the sidecar's own health, for metrics and health checks. */
export interface RuntimeStatus {
  readonly agentId: string;
  /** reports counts the reports produced since start. */
  readonly reports: number;
  readonly lastReportAt: number | null;
  readonly collectors: readonly CollectorHealthSnapshot[];
  readonly transports: ReadonlyArray<{ readonly instanceId: string; readonly status: TransportStatus | null }>;
}

/** TransportContext extends the plugin context with what a hub connection or an exporter needs. */
export interface TransportContext<Options = Record<string, unknown>> extends PluginContext<Options> {
  /** identify gathers the fields collectors contribute to the hub handshake, each under its deadline. */
  identify(signal?: AbortSignal): Promise<IdentifyFields>;
  /** runtimeStatus describes the sidecar's own health: collectors' outcomes and every transport's status. */
  runtimeStatus(): RuntimeStatus;
}

/** Transport is a running transport instance: a service with a life cycle that receives every report. */
export interface Transport {
  /** start connects or binds; it must not wait for a remote peer to answer. */
  start?(): void | Promise<void>;
  /** send hands over one report. It must return quickly: queue rather than wait on the network. */
  send(report: ResourceReport): void | Promise<void>;
  /** stop flushes what is in flight (within `signal`) and closes gracefully. */
  stop?(signal: AbortSignal): void | Promise<void>;
  /** status describes the transport's state (connected, sent, buffered, dropped...). */
  status?(): TransportStatus;
  /**
   * takeBuffered removes and returns the reports not yet delivered, oldest first. On a config reload that
   * replaces this transport, the host calls it after stop and sends them to its successor.
   */
  takeBuffered?(): ResourceReport[];
  /**
   * identityChanged, when a transport has it, is called after a reload changed what collectors contribute to
   * identify (e.g. a new `ollama_url`); the transport is then kept, and passes the change on itself (the
   * websocket transport sends `ollama_report`). A transport without it is replaced by a new one that identifies.
   */
  identityChanged?(): void | Promise<void>;
  /** dispose releases anything stop left; called after stop. */
  dispose?(): void | Promise<void>;
}

/** OptionsSchema validates an entry's `options` and fills its defaults (any Standard Schema: zod, valibot...). */
export type OptionsSchema<Options> = StandardSchemaV1<unknown, Options>;

interface ManifestBase<Options> {
  /** apiVersion is the plugin contract version the plugin was written against; see PLUGIN_API_VERSIONS. */
  readonly apiVersion: number;
  /** name is the plugin's name, used in logs and `sidecar plugins`. */
  readonly name: string;
  readonly version?: string;
  readonly description?: string;
  /** options validates the entry's options; without it the plugin receives them as written. */
  readonly options?: OptionsSchema<Options>;
}

/** CollectorManifest is what a collector plugin exports: metadata plus a factory. */
export interface CollectorManifest<Options = Record<string, unknown>> extends ManifestBase<Options> {
  readonly kind: 'collector';
  /** fields are the report fields this collector owns (snake_case, not reserved). */
  readonly fields: readonly string[];
  /** identifyFields are the fields its `identify` contributes to the handshake. */
  readonly identifyFields?: readonly string[];
  create(ctx: PluginContext<Options>): Collector | Promise<Collector>;
}

/** TransportManifest is what a transport plugin exports: metadata plus a factory. */
export interface TransportManifest<Options = Record<string, unknown>> extends ManifestBase<Options> {
  readonly kind: 'transport';
  create(ctx: TransportContext<Options>): Transport | Promise<Transport>;
}

/** PluginManifest is either kind of manifest. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PluginManifest = CollectorManifest<any> | TransportManifest<any>;
