import { defineTransport } from '../../../plugin.js';
import { prometheusOptionsSchema, type PrometheusOptions } from './config.js';
import { PrometheusTransport } from './transport.js';

export { PrometheusTransport } from './transport.js';
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
  create: (ctx) => new PrometheusTransport(ctx),
});
