import * as v from 'valibot';
import { int, nonEmptyString, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/**
 * DEFAULT_PORT is the port the exporter listens on unless told otherwise. Prometheus' registry of exporter ports
 * (9100-9999) is full, so no number is free of every exporter; 9477 avoids the ones an LLM host is likely to run:
 * Prometheus 9090, node_exporter 9100, NVIDIA dcgm-exporter 9400, OpenTelemetry's Prometheus exporter 9464,
 * nvidia_gpu_exporter 9835.
 */
export const DEFAULT_PORT = 9477;

/** METRIC_PREFIX_PATTERN is what a metric name may start with (empty, or a valid Prometheus name). */
const METRIC_PREFIX_PATTERN = /^(?:[a-zA-Z_:][a-zA-Z0-9_:]*)?$/;

/** prometheusOptionsSchema validates the prometheus transport's options and fills their defaults. */
export const prometheusOptionsSchema = withFriendlyIssues(
  strictObject({
    host: v.optional(v.pipe(nonEmptyString(), v.description('Address to listen on; loopback by default.')), '127.0.0.1'),
    port: v.optional(v.pipe(int(0, 65535), v.description('TCP port; 0 picks a free one.')), DEFAULT_PORT),
    path: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^\/[^?#\s]*$/, 'must start with "/" and have no query, fragment or spaces, e.g. "/metrics"'),
        v.description('URL path of the metrics page.'),
      ),
      '/metrics',
    ),
    prefix: v.optional(
      v.pipe(
        v.string(),
        v.regex(METRIC_PREFIX_PATTERN, 'must be empty or start a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)'),
        v.description('Prepended to every metric name except the process ones.'),
      ),
      'sidecar_',
    ),
    process_metrics: v.optional(v.pipe(v.boolean(), v.description("Also expose prom-client's Node.js process metrics.")), false),
  }),
);

/** PrometheusOptions are the prometheus transport's options with defaults applied. */
export type PrometheusOptions = v.InferOutput<typeof prometheusOptionsSchema>;
