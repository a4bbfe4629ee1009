import type { Transport, TransportContext, TransportManifest } from '../contracts/plugin.js';
import type { ResolvedTransport } from './resolve-entries.js';

/**
 * EmbeddedTransport is a transport given in code: a ready instance, a factory that receives the same
 * TransportContext as a configured transport (its `identify()` gives the collectors' handshake fields), or a
 * whole transport manifest.
 */
export type EmbeddedTransport =
  | Transport
  | ((context: TransportContext<Record<string, unknown>>) => Transport | Promise<Transport>)
  | TransportManifest<Record<string, unknown>>;

function isManifest(item: EmbeddedTransport): item is TransportManifest<Record<string, unknown>> {
  return typeof item === 'object' && (item as Partial<TransportManifest>).kind === 'transport' && typeof (item as Partial<TransportManifest>).create === 'function';
}

/**
 * embeddedTransports wraps transports given in code (a host embedding the sidecar) as resolved entries, so
 * they are created, fed, stopped and disposed through the container exactly like configured ones.
 */
export function embeddedTransports(instances: readonly EmbeddedTransport[]): ResolvedTransport[] {
  return instances.map((item, index) => {
    const name = `embedded#${index + 1}`;
    const create = (ctx: TransportContext<unknown>) =>
      typeof item === 'function'
        ? item(ctx as TransportContext<Record<string, unknown>>)
        : isManifest(item) ? item.create(ctx as TransportContext<Record<string, unknown>>) : item;
    const manifest: TransportManifest<unknown> = { apiVersion: 1, kind: 'transport', name, create };
    return {
      path: `transports (given in code, #${index + 1})`,
      instanceId: name,
      source: 'embedded',
      location: name,
      entry: { plugin: name, enabled: true, options: {} },
      manifest,
      options: {},
    };
  });
}
