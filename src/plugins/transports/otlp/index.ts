import { readFileSync } from 'node:fs';
import { defineTransport } from '../../../plugin.js';
import { otlpOptionsSchema, type OtlpOptions } from './config.js';
import { loadTls } from './tls-files.js';

export { DEFAULT_ENDPOINT, type OtlpOptions } from './config.js';

/** packageVersion is this package's version, for the resource's service.version. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

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
