import type { Transport, TransportManifest } from '../contracts/plugin.js';
import type { ResolvedTransport } from './resolve-entries.js';

/**
 * embeddedTransports wraps transports given in code (a host embedding the sidecar) as resolved entries, so
 * they are created, fed, stopped and disposed through the container exactly like configured ones.
 */
export function embeddedTransports(instances: readonly Transport[]): ResolvedTransport[] {
  return instances.map((instance, index) => {
    const name = `embedded#${index + 1}`;
    const manifest: TransportManifest<unknown> = { apiVersion: 1, kind: 'transport', name, create: () => instance };
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
