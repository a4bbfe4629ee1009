import * as v from 'valibot';
import { crossCheck, int, nonEmptyString, oneOf, strictObject } from '../../../core/config/schema-parts.js';
import { withFriendlyIssues } from '../../../core/config/validation-messages.js';

/** DEFAULT_ENDPOINT is the OpenTelemetry Collector's OTLP/HTTP metrics endpoint on this host. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318/v1/metrics';

/** isHttpUrl accepts absolute http:// and https:// URLs with a host. */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** HEADER_NAME is an HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const ms = (min: number, max: number, fallback: number, text: string) => v.optional(v.pipe(int(min, max), v.description(text)), fallback);

const options = strictObject({
  endpoint: v.optional(
    v.pipe(
      v.string(),
      v.check(isHttpUrl, 'must be an http:// or https:// URL, e.g. "http://collector:4318/v1/metrics"'),
      v.description('OTLP/HTTP metrics endpoint (the full path, /v1/metrics included).'),
    ),
    DEFAULT_ENDPOINT,
  ),
  headers: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(HEADER_NAME, 'must be a valid HTTP header name')),
        v.pipe(v.string(), v.check((s) => !/[\r\n]/.test(s), 'must not contain a line break')),
      ),
      v.description('Extra request headers, e.g. {"Authorization": "Bearer ${OTLP_TOKEN}"}; values are never logged.'),
    ),
    {},
  ),
  encoding: v.optional(v.pipe(oneOf(['protobuf', 'json'] as const), v.description('Body encoding; the Collector expects protobuf.')), 'protobuf'),
  compression: v.optional(v.pipe(oneOf(['gzip', 'none'] as const), v.description('Request body compression.')), 'gzip'),
  timeout_ms: ms(100, 600_000, 10_000, 'Deadline of one export request.'),
  replay: v.optional(
    v.pipe(
      oneOf(['all', 'latest'] as const),
      v.description('After an outage: "all" exports every queued report at its own time, "latest" only the newest.'),
    ),
    'all',
  ),
  max_report_age_ms: ms(1000, 86_400_000, 3_600_000, 'A queued report older than this is dropped, not exported.'),
  queue_max_reports: v.optional(v.pipe(int(1, 100_000), v.description('Reports held while the receiver is away.')), 720),
  batch_max_reports: v.optional(v.pipe(int(1, 1000), v.description('Most reports in one export request.')), 60),
  retry_initial_ms: ms(1, 3_600_000, 1000, 'First retry delay cap; doubles per failed attempt.'),
  retry_max_ms: ms(1, 3_600_000, 60_000, 'Largest retry delay cap (a receiver\'s Retry-After is honoured up to 5 minutes, or this if longer).'),
  ca_file: v.optional(v.pipe(nonEmptyString(), v.description('PEM CA bundle for https://; relative to the plugins.json directory.'))),
  cert_file: v.optional(v.pipe(nonEmptyString(), v.description('PEM client certificate, for receivers that require one.'))),
  key_file: v.optional(v.pipe(nonEmptyString(), v.description('PEM private key of cert_file.'))),
});

/** otlpOptionsSchema validates the otlp transport's options and fills their defaults. */
export const otlpOptionsSchema = withFriendlyIssues(
  v.pipe(
    options,
    crossCheck<v.InferOutput<typeof options>>('retry_max_ms', (o) => o.retry_max_ms >= o.retry_initial_ms, 'must be at least retry_initial_ms'),
    crossCheck<v.InferOutput<typeof options>>('key_file', (o) => (o.cert_file === undefined) === (o.key_file === undefined), 'cert_file and key_file go together: set both or neither'),
  ),
);

/** OtlpOptions are the otlp transport's options with defaults applied. */
export type OtlpOptions = v.InferOutput<typeof otlpOptionsSchema>;
