import { BodyTooLargeError, MAX_BODY_BYTES, readBodyLimited } from './read-body.js';

/** Fetch is the `fetch` function the collector calls; the global one by default. */
export type Fetch = typeof globalThis.fetch;

/** oneLine flattens text to one line of at most 200 characters, for error messages. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** reasonOf explains a failed fetch or body read in a few words: the abort, or the network cause. */
function reasonOf(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const name = reason instanceof Error ? reason.name : '';
    return name === 'TimeoutError' || name === 'DeadlineError' ? 'timed out' : 'aborted';
  }
  if (err instanceof Error) {
    const cause = err.cause as { message?: unknown; code?: unknown } | undefined;
    if (cause && typeof cause.message === 'string' && cause.message) return oneLine(cause.message);
    if (cause && typeof cause.code === 'string') return cause.code;
    return oneLine(err.message) || err.name;
  }
  return oneLine(String(err));
}

/**
 * getJson performs one `GET endpoint` under `signal`, without following redirects, and returns the parsed JSON
 * body. It throws a one-line Error `GET <endpoint>: <reason>` when the request fails or is aborted, the status
 * is not 200, the body is over `limit` bytes (read as a stream, whatever Content-Length says), or it is not
 * UTF-8 JSON.
 */
export async function getJson(endpoint: string, signal: AbortSignal, fetchImpl: Fetch, limit = MAX_BODY_BYTES): Promise<unknown> {
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
    bytes = await readBodyLimited(response, limit);
  } catch (err) {
    throw fail(err instanceof BodyTooLargeError && !signal.aborted ? err.message : reasonOf(err, signal), err);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    const type = response.headers.get('content-type');
    throw fail(`response is not JSON${type ? ` (content-type ${oneLine(type)})` : ''}`, err);
  }
}
