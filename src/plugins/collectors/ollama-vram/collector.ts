import type { Collector } from '../../../plugin.js';
import type { OllamaVramOptions } from './config.js';
import { parsePs } from './parse-ps.js';
import { BodyTooLargeError, readBodyLimited } from './read-body.js';

/** Fetch is the `fetch` function the collector calls; the global one by default. */
export type Fetch = typeof globalThis.fetch;

/** psEndpoint is the `/api/ps` URL under an Ollama base URL (a trailing slash on the base is ignored). */
export function psEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/ps`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** reasonOf explains a failed fetch or body read in a few words: the abort, or the network cause. */
function reasonOf(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'aborted';
  }
  if (err instanceof Error) {
    const cause = err.cause as { message?: unknown; code?: unknown } | undefined;
    if (cause && typeof cause.message === 'string' && cause.message) return oneLine(cause.message);
    if (cause && typeof cause.code === 'string') return cause.code;
    return oneLine(err.message) || err.name;
  }
  return oneLine(String(err));
}

/** readVramUsed performs one `GET /api/ps` and returns the summed `size_vram`, or throws a one-line Error. */
async function readVramUsed(endpoint: string, signal: AbortSignal, fetchImpl: Fetch): Promise<number> {
  const fail = (reason: string, cause?: unknown): Error => new Error(`GET ${endpoint}: ${reason}`, { cause });
  let response: Response;
  try {
    response = await fetchImpl(endpoint, { signal, redirect: 'error', headers: { accept: 'application/json' } });
  } catch (err) {
    throw fail(reasonOf(err, signal), err);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw fail(oneLine(`HTTP ${response.status} ${response.statusText}`));
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBodyLimited(response);
  } catch (err) {
    throw fail(err instanceof BodyTooLargeError && !signal.aborted ? err.message : reasonOf(err, signal), err);
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    const type = response.headers.get('content-type');
    throw fail(`response is not JSON${type ? ` (content-type ${oneLine(type)})` : ''}`, err);
  }
  try {
    return parsePs(body).vramUsedBytes;
  } catch (err) {
    throw fail(`unexpected response: ${oneLine(err instanceof Error ? err.message : String(err))}`, err);
  }
}

/**
 * createOllamaVramCollector builds a collector that reads `GET {url}/api/ps` and reports the sum of the
 * loaded models' `size_vram` as `vram_used_bytes`; `vram_total_bytes` is always null (Ollama has no total).
 * Any failure (refused, aborted, non-200, oversized, not JSON, wrong shape) rejects with a one-line Error
 * `GET <endpoint>: <reason>`. It does not log: the host reports failures, once per change.
 */
export function createOllamaVramCollector(options: OllamaVramOptions, fetchImpl: Fetch = globalThis.fetch): Collector {
  const endpoint = psEndpoint(options.url);
  return {
    async collect(signal: AbortSignal) {
      return { vram_used_bytes: await readVramUsed(endpoint, signal, fetchImpl), vram_total_bytes: null };
    },
    identify() {
      return { ollama_url: options.url };
    },
  };
}
