/** MAX_BODY_BYTES is the largest `/api/ps` body the collector reads (1 MiB); real ones are a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** BodyTooLargeError says a response body passed the read limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * readBodyLimited reads a response body as a stream and stops as soon as it passes `limit` bytes,
 * cancelling the rest (BodyTooLargeError), so a huge or endless body cannot exhaust memory. Content-Length is only used to
 * fail early; it is not trusted to bound the read.
 */
export async function readBodyLimited(response: Response, limit: number = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limit);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
