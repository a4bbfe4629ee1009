import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { describeError } from '../../../core/errors.js';
import { retryAfterMs } from './retry-after.js';

const gzipAsync = promisify(gzip);

/** RequestSettings are what one export request needs besides its body. */
export interface RequestSettings {
  readonly endpoint: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly gzip: boolean;
  readonly timeoutMs: number;
  readonly tls: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** agent keeps the connection to the receiver alive between exports. */
  readonly agent: http.Agent;
}

/**
 * ExportOutcome is what the receiver made of one request. `retry` (429, 502, 503, 504, or no answer) keeps the
 * batch for another try, after `afterMs` when the receiver said (Retry-After); `drop` (400 and every other status: the
 * specification says not to retry them) loses it, counted.
 */
export type ExportOutcome =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'retry'; readonly reason: string; readonly afterMs?: number }
  | { readonly kind: 'drop'; readonly reason: string };

/** RETRYABLE_STATUS are the answers the OTLP/HTTP specification says to retry. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** MAX_RESPONSE_BYTES bounds what is read of an answer: an OTLP response is a few bytes. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** postExport sends one OTLP/HTTP request and classifies the answer; it never rejects. */
export async function postExport(body: Uint8Array, settings: RequestSettings, nowMs: () => number): Promise<ExportOutcome> {
  const payload = settings.gzip ? await gzipAsync(body) : Buffer.from(body);
  const headers: Record<string, string> = {
    ...settings.headers,
    'content-type': settings.contentType,
    'content-length': String(payload.length),
  };
  if (settings.gzip) headers['content-encoding'] = 'gzip';
  const client = settings.endpoint.protocol === 'https:' ? https : http;
  return new Promise<ExportOutcome>((resolve) => {
    const request = client.request(settings.endpoint, {
      method: 'POST',
      headers,
      agent: settings.agent,
      timeout: settings.timeoutMs,
      ...settings.tls,
    });
    // One deadline for the whole exchange, not only for idle sockets.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${settings.timeoutMs} ms`)), settings.timeoutMs);
    const finish = (outcome: ExportOutcome) => {
      clearTimeout(deadline);
      resolve(outcome);
    };
    request.on('timeout', () => request.destroy(new Error(`no answer within ${settings.timeoutMs} ms`)));
    request.on('error', (err) => finish({ kind: 'retry', reason: describeError(err) }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      });
      response.on('error', (err) => finish({ kind: 'retry', reason: describeError(err) }));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const text = () => Buffer.concat(chunks).toString('utf8').slice(0, 200).replace(/\s+/g, ' ').trim();
        if (status >= 200 && status < 300) return finish({ kind: 'ok', body: Buffer.concat(chunks) });
        const reason = `HTTP ${status}${text() ? `: ${text()}` : ''}`;
        if (RETRYABLE_STATUS.has(status)) return finish({ kind: 'retry', reason, afterMs: retryAfterMs(response.headers['retry-after'], nowMs()) });
        finish({ kind: 'drop', reason });
      });
    });
    request.end(payload);
  });
}
