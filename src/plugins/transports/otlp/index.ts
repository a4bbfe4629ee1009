import { packageVersion } from '../../../core/package-root.js';
import { defineTransport } from '../../../plugin.js';
import { otlpOptionsSchema, type OtlpOptions } from './config.js';
import { loadTls } from './tls-files.js';

export { DEFAULT_ENDPOINT, type OtlpOptions } from './config.js';

/**
 * otlpTransport exports each report as OpenTelemetry metrics over OTLP/HTTP (protobuf or JSON), to an
 * OpenTelemetry Collector or any OTLP receiver, at http://127.0.0.1:4318/v1/metrics by default.
 */
export const otlpTransport = defineTransport<OtlpOptions>({
  name: 'otlp',
  version: '0.1.0',
  description: 'Exports each report as OpenTelemetry metrics over OTLP/HTTP (protobuf or JSON).',
  options: otlpOptionsSchema,
  // Loaded on use: the OTLP serializer and its SDK types cost a daemon that does not export OTLP several MiB.
  create: async (ctx) => {
    const tls = await loadTls(ctx);
    return new (await import('./transport.js')).OtlpTransport(ctx, { tls, version: packageVersion() });
  },
});
