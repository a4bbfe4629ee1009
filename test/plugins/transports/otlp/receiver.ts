import { createRequire } from 'node:module';
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { serve } from '../../../helpers/http-server.js';

// An independent decoder: protobufjs code generated from the official opentelemetry-proto definitions (the
// OpenTelemetry JS project's own generated root, from an older release, before it switched to a hand-written
// encoder). The transport's encoder and this decoder share no code.
const require = createRequire(import.meta.url);
const { opentelemetry } = require('otlp-proto-decoder/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtoType } } } } };
};
interface ProtoType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): unknown;
}
const ExportMetricsServiceRequest = opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** Received is one export request as the receiver decoded it. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
  /** body is the ExportMetricsServiceRequest as plain data (JSON-like, 64-bit numbers as strings). */
  readonly body: OtlpRequest;
}

/** OtlpRequest is the decoded request, as much of it as tests read. */
export interface OtlpRequest {
  resourceMetrics: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeMetrics: Array<{ scope: { name: string; version?: string }; metrics: OtlpMetric[] }>;
  }>;
}

/** OtlpMetric is one decoded metric. */
export interface OtlpMetric {
  name: string;
  unit?: string;
  description?: string;
  gauge?: { dataPoints: OtlpPoint[] };
  sum?: { dataPoints: OtlpPoint[]; isMonotonic?: boolean; aggregationTemporality?: number | string };
}

/** OtlpPoint is one decoded number data point. */
export interface OtlpPoint {
  asDouble?: number;
  asInt?: string;
  timeUnixNano: string;
  startTimeUnixNano?: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

/** Answer is what the receiver answers one request with. */
export interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
}

/** Receiver is a real OTLP/HTTP metrics receiver on 127.0.0.1 that decodes and keeps what it is sent. */
export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** answers are used one per request, in order; when empty, requests get 200 with an empty body. */
  readonly answers: Answer[];
}

/** decodeBody reads a request body as the OTLP/HTTP specification allows: gzip or not, protobuf or JSON. */
export function decodeBody(raw: Buffer, headers: IncomingHttpHeaders): OtlpRequest {
  const bytes = headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
  if (headers['content-type'] === 'application/json') return JSON.parse(bytes.toString('utf8')) as OtlpRequest;
  if (headers['content-type'] !== 'application/x-protobuf') throw new Error(`unexpected content-type ${String(headers['content-type'])}`);
  const message = ExportMetricsServiceRequest.decode(bytes);
  return ExportMetricsServiceRequest.toObject(message, { longs: String, defaults: false, arrays: true }) as OtlpRequest;
}

/** startReceiver starts a receiver; `closeAll` from the http-server helper stops it. */
export async function startReceiver(): Promise<Receiver> {
  const state: Receiver = { url: '', received: [], answers: [] };
  const url = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received.push({ headers: req.headers, at: performance.now(), body: decodeBody(Buffer.concat(chunks), req.headers) });
      const answer = state.answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  return Object.assign(state, { url: `${url}/v1/metrics` });
}

/** attributes turns OTLP key-value attributes into a plain object of their values. */
export function attributes(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, Object.values(value)[0]]));
}

/** metricsOf lists every metric of a decoded request, by name. */
export function metricsOf(body: OtlpRequest): Map<string, OtlpMetric> {
  return new Map(body.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)).map((m) => [m.name, m]));
}

/** pointsOf lists a metric's data points, gauge or sum. */
export function pointsOf(metric: OtlpMetric | undefined): OtlpPoint[] {
  return metric?.gauge?.dataPoints ?? metric?.sum?.dataPoints ?? [];
}

/** valueOf reads a data point's number. */
export function valueOf(point: OtlpPoint): number {
  return point.asDouble ?? Number(point.asInt);
}
