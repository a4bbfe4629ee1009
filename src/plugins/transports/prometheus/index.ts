import { defineTransport } from '../../../plugin.js';
import { prometheusOptionsSchema, type PrometheusOptions } from './config.js';

export { DEFAULT_PORT, type PrometheusOptions } from './config.js';

/**
 * prometheusTransport serves the latest report and the sidecar's own health (collectors, transports) on an HTTP
 * page for Prometheus to scrape, at http://127.0.0.1:9477/metrics by default.
 */
export const prometheusTransport = defineTransport<PrometheusOptions>({
  name: 'prometheus',
  version: '0.1.0',
  description: 'Serves the latest report and the sidecar’s health as Prometheus metrics over HTTP.',
  options: prometheusOptionsSchema,
  // Loaded on use: prom-client costs a daemon that does not export metrics about 10 MiB.
  create: async (ctx) => new (await import('./transport.js')).PrometheusTransport(ctx),
});
