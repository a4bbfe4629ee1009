import { z } from 'zod';
import '../../../core/config/validation-messages.js';

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
export const prometheusOptionsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; loopback by default.'),
  port: z.int().min(0).max(65535).default(DEFAULT_PORT).describe('TCP port; 0 picks a free one.'),
  path: z
    .string()
    .regex(/^\/[^?#\s]*$/, { error: 'must start with "/" and have no query, fragment or spaces, e.g. "/metrics"' })
    .default('/metrics')
    .describe('URL path of the metrics page.'),
  prefix: z
    .string()
    .regex(METRIC_PREFIX_PATTERN, { error: 'must be empty or start a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)' })
    .default('sidecar_')
    .describe('Prepended to every metric name except the process ones.'),
  process_metrics: z.boolean().default(false).describe("Also expose prom-client's Node.js process metrics."),
});

/** PrometheusOptions are the prometheus transport's options with defaults applied. */
export type PrometheusOptions = z.output<typeof prometheusOptionsSchema>;
