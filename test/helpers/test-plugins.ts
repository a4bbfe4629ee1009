import { z } from 'zod';
import type { CollectorManifest, PluginManifest, Transport, TransportManifest } from '../../src/core/contracts/plugin.js';
import type { PartialReport, ResourceReport } from '../../src/core/contracts/report.js';

/** collector makes a test collector manifest whose collect runs `collect`. */
export function collector(
  name: string,
  fields: string[],
  collect: (signal: AbortSignal) => PartialReport | Promise<PartialReport>,
  extra: Partial<CollectorManifest<any>> & { onDispose?: () => void } = {},
): CollectorManifest<any> {
  const { onDispose, ...rest } = extra;
  return {
    apiVersion: 1,
    kind: 'collector',
    name,
    fields,
    create: () => ({ collect, dispose: onDispose }),
    ...rest,
  };
}

/** RecordingTransport keeps every report it is sent. */
export class RecordingTransport implements Transport {
  readonly reports: ResourceReport[] = [];
  /** undelivered is what takeBuffered hands over on reload. */
  undelivered: ResourceReport[] = [];
  started = 0;
  stopped = 0;
  disposed = 0;
  send(report: ResourceReport): void {
    this.reports.push(report);
  }
  takeBuffered(): ResourceReport[] {
    return this.undelivered.splice(0);
  }
  start(): void {
    this.started += 1;
  }
  stop(): void {
    this.stopped += 1;
  }
  dispose(): void {
    this.disposed += 1;
  }
}

/** recordingTransport is a transport manifest whose instances are pushed to `instances`. */
export function recordingTransport(instances: RecordingTransport[], name = 'recorder'): TransportManifest<{ label: string }> {
  return {
    apiVersion: 1,
    kind: 'transport',
    name,
    options: z.strictObject({ label: z.string().default('default') }),
    create: () => {
      const t = new RecordingTransport();
      instances.push(t);
      return t;
    },
  };
}

/** builtins makes a plugin map from manifests, keyed by their names. */
export function builtins(...manifests: PluginManifest[]): Map<string, PluginManifest> {
  return new Map(manifests.map((m) => [m.name, m]));
}

/** never is a promise that never settles: a plugin that hangs. */
export const never = <T>() => new Promise<T>(() => undefined);
