import { BodyTooLargeError, MAX_BODY_BYTES, type HttpGetter } from './http-get.js';

/** oneLine flattens text to one line of at most 200 characters, for error messages. */
export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** reasonOf explains a failed request in a few words: the abort, or the network cause. */
function reasonOf(err: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    const name = reason instanceof Error ? reason.name : '';
    return name === 'TimeoutError' || name === 'DeadlineError' ? 'timed out' : 'aborted';
  }
  if (err instanceof BodyTooLargeError) return err.message;
  if (err instanceof Error) return oneLine(err.message) || (err as NodeJS.ErrnoException).code || err.name;
  return oneLine(String(err));
}

/**
 * getJson performs one `GET endpoint` under `signal`, without following redirects, and returns the parsed JSON
 * body. It throws a one-line Error `GET <endpoint>: <reason>` when the request fails or is aborted, the status
 * is not 200, the body is over `limit` bytes (read as a stream, whatever Content-Length says), or it is not
 * UTF-8 JSON.
 */
export async function getJson(getter: HttpGetter, endpoint: string, signal: AbortSignal, limit = MAX_BODY_BYTES): Promise<unknown> {
  const fail = (reason: string, cause?: unknown): Error => new Error(`GET ${endpoint}: ${reason}`, { cause });
  let answer;
  try {
    answer = await getter.get(new URL(endpoint), signal, limit);
  } catch (err) {
    throw fail(reasonOf(err, signal), err);
  }
  if (answer.status !== 200) {
    const redirect = answer.status >= 300 && answer.status < 400 ? ' (a redirect: not followed)' : '';
    throw fail(oneLine(`HTTP ${answer.status} ${answer.statusText}${redirect}`));
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
  } catch (err) {
    throw fail(`response is not JSON${answer.contentType ? ` (content-type ${oneLine(answer.contentType)})` : ''}`, err);
  }
}
