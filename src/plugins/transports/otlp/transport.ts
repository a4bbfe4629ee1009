import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describeError } from '../../../core/errors.js';
import type { ResourceReport, Transport, TransportContext, TransportStatus } from '../../../plugin.js';
import { createBackoff, type Backoff } from '../websocket/backoff.js';
import type { OtlpOptions } from './config.js';
import { postExport, type ExportOutcome, type RequestSettings } from './export-request.js';
import { ExportQueue, type Queued } from './export-queue.js';
import { reportMetrics } from './semconv.js';

/** OtlpDeps are the transport's seams: TLS material read at create time, the clocks, randomness, the version. */
export interface OtlpDeps {
  readonly tls?: RequestSettings['tls'];
  readonly now?: () => number;
  readonly monotonic?: () => number;
  readonly random?: () => number;
  readonly version?: string;
}

/** SCOPE_NAME is the instrumentation scope of every exported metric. */
export const SCOPE_NAME = 'llm-sidecar';

/** RETRY_AFTER_MAX_MS is the longest a receiver's Retry-After is honoured (or retry_max_ms, if longer). */
export const RETRY_AFTER_MAX_MS = 300_000;

/**
 * OtlpTransport exports each report as OTLP/HTTP metrics. One request at a time; while the receiver is away the
 * reports wait in a bounded queue (see ExportQueue) and go out in batches, each data point stamped with its report's
 * own time; failed requests are retried with exponential backoff, or after the receiver's Retry-After.
 */
export class OtlpTransport implements Transport {
  readonly #queue: ExportQueue;
  readonly #backoff: Backoff;
  readonly #settings: RequestSettings;
  readonly #resource: Resource;
  readonly #version: string;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #startMs: number;
  #inFlight: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #exported = 0;
  #rejected = 0;
  #rejectedPoints = 0;
  #failedRequests = 0;
  #lastError: string | null = null;
  #lastExportAt: number | null = null;
  /** #failing: the last request failed; the next failure logs at debug, a success logs that it recovered. */
  #failing = false;

  constructor(
    private readonly ctx: TransportContext<OtlpOptions>,
    deps: OtlpDeps = {},
  ) {
    const { options } = ctx;
    this.#now = deps.now ?? (() => Date.now());
    this.#monotonic = deps.monotonic ?? (() => performance.now());
    this.#startMs = this.#now();
    this.#version = deps.version ?? '0.0.0';
    this.#queue = new ExportQueue(options.replay, options.queue_max_reports, options.max_report_age_ms);
    this.#backoff = createBackoff({ initialMs: options.retry_initial_ms, maxMs: options.retry_max_ms, random: deps.random });
    const endpoint = new URL(options.endpoint);
    const Agent = endpoint.protocol === 'https:' ? https.Agent : http.Agent;
    this.#settings = {
      endpoint,
      headers: options.headers,
      contentType: options.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
      gzip: options.compression === 'gzip',
      timeoutMs: options.timeout_ms,
      tls: deps.tls ?? {},
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    };
    this.#resource = resourceFromAttributes({
      'host.name': os.hostname(),
      'service.name': SCOPE_NAME,
      'service.version': this.#version,
      'service.instance.id': ctx.agent.id,
      'sidecar.agent.id': ctx.agent.id,
      'sidecar.agent.name': ctx.agent.name,
    });
  }

  /** send queues the report and starts an export unless one is running or a retry is waiting. */
  send(report: ResourceReport): void {
    if (this.#stopped) return;
    this.#queue.push(report, this.#monotonic());
    this.#pump();
  }

  /**
   * stop waits (within `signal`) for the request in flight, then tries once more to export what is queued, without
   * waiting for a pending retry; what is still undelivered then is counted and named in one warning.
   */
  async stop(signal: AbortSignal): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.#inFlight, aborted]);
    if (!signal.aborted && this.#queue.length > 0) await Promise.race([this.#exportBatch(), aborted]);
    const left = this.#queue.length;
    if (left > 0) {
      this.ctx.logger.warn(
        { undelivered: left, endpoint: this.#settings.endpoint.origin, last_error: this.#lastError },
        `Stopped with ${left} report(s) not exported`,
      );
    }
  }

  status(): TransportStatus {
    const { dropped, superseded, expired } = this.#queue.counts;
    return {
      sent: this.#exported,
      queued: this.#queue.length,
      dropped: dropped + this.#rejected,
      superseded,
      expired,
      rejected_data_points: this.#rejectedPoints,
      failed_requests: this.#failedRequests,
      last_error: this.#lastError,
      last_export_at: this.#lastExportAt,
    };
  }

  takeBuffered(): ResourceReport[] {
    return this.#queue.takeAll();
  }

  dispose(): void {
    clearTimeout(this.#retryTimer);
    this.#settings.agent.destroy();
  }

  #pump(): void {
    if (this.#inFlight || this.#retryTimer || this.#stopped) return;
    if (this.#queue.length === 0) return;
    this.#inFlight = this.#exportBatch().finally(() => {
      this.#inFlight = undefined;
      this.#pump();
    });
  }

  /** #exportBatch exports the oldest reports in one request and files the outcome; it never rejects. */
  async #exportBatch(): Promise<void> {
    const batch = this.#queue.take(this.ctx.options.batch_max_reports, this.#monotonic());
    if (batch.length === 0) return;
    let outcome: ExportOutcome;
    try {
      outcome = await postExport(this.#serialize(batch), this.#settings, this.#now);
    } catch (err) {
      outcome = { kind: 'drop', reason: `cannot encode the reports: ${describeError(err)}` };
    }
    this.#file(batch, outcome);
  }

  #serialize(batch: readonly Queued[]): Uint8Array {
    const resourceMetrics: ResourceMetrics = {
      resource: this.#resource,
      scopeMetrics: [{ scope: { name: SCOPE_NAME, version: this.#version }, metrics: reportMetrics(batch.map((q) => q.report), this.#startMs) }],
    };
    const serializer = this.ctx.options.encoding === 'json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
    const body = serializer.serializeRequest(resourceMetrics);
    if (!body) throw new Error('the serializer returned nothing');
    return body;
  }

  #file(batch: readonly Queued[], outcome: ExportOutcome): void {
    const { logger } = this.ctx;
    if (outcome.kind === 'ok') {
      this.#exported += batch.length;
      this.#lastExportAt = this.#now();
      this.#backoff.reset();
      if (this.#failing) logger.info({ reports: batch.length }, 'OTLP export recovered');
      this.#failing = false;
      this.#notePartialSuccess(outcome.body);
      logger.debug({ reports: batch.length }, 'Exported reports');
      return;
    }
    this.#lastError = outcome.reason;
    this.#failedRequests += 1;
    if (outcome.kind === 'drop') {
      this.#rejected += batch.length;
      logger.error({ reports: batch.length, reason: outcome.reason }, 'OTLP receiver refused the reports; they are dropped (a retry would be refused too)');
      return;
    }
    this.#queue.putBack(batch);
    const backoff = this.#backoff.next();
    const cap = Math.max(this.ctx.options.retry_max_ms, RETRY_AFTER_MAX_MS);
    const delay = outcome.afterMs === undefined ? backoff : Math.min(Math.max(outcome.afterMs, backoff), cap);
    const fields = { reason: outcome.reason, retry_in_ms: delay, queued: this.#queue.length, endpoint: this.#settings.endpoint.origin };
    if (this.#failing) logger.debug(fields, 'OTLP export failed; retrying');
    else logger.warn(fields, 'OTLP export failed; retrying');
    this.#failing = true;
    if (this.#stopped) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#pump();
    }, delay);
  }

  /** #notePartialSuccess warns when the receiver accepted the request but rejected some data points in it. */
  #notePartialSuccess(body: Buffer): void {
    if (body.length === 0) return;
    let rejected = 0;
    let message = '';
    try {
      const response =
        this.ctx.options.encoding === 'json'
          ? (JSON.parse(body.toString('utf8')) as { partialSuccess?: { rejectedDataPoints?: number | string; errorMessage?: string } })
          : ProtobufMetricsSerializer.deserializeResponse(body);
      rejected = Number(response.partialSuccess?.rejectedDataPoints ?? 0);
      message = response.partialSuccess?.errorMessage ?? '';
    } catch {
      return; // an answer we cannot read is not a refusal: the status said success
    }
    if (!(rejected > 0)) return;
    this.#rejectedPoints += rejected;
    this.ctx.logger.warn({ rejected_data_points: rejected, reason: message || null }, 'OTLP receiver rejected some data points');
  }
}
