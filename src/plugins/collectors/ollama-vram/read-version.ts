import { getJson } from './get-json.js';
import type { HttpGetter } from './http-get.js';

/** VERSION_TIMEOUT_MS bounds the `/api/version` request, so the handshake is not held up by a slow server. */
export const VERSION_TIMEOUT_MS = 1000;
/** MAX_VERSION_BODY_BYTES is the largest `/api/version` body read (64 KiB); the real one is a few bytes. */
export const MAX_VERSION_BODY_BYTES = 64 * 1024;

/** versionEndpoint is the `/api/version` URL under an Ollama base URL (a trailing slash on the base is ignored). */
export function versionEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/version`;
}

/**
 * readVersion asks `GET {url}/api/version` for the server's version, under `signal` and at most
 * VERSION_TIMEOUT_MS. It never throws: any failure (unreachable, timed out, not 200, not `{"version":"..."}`
 * with a non-empty string of at most 128 characters) gives undefined.
 */
export async function readVersion(baseUrl: string, signal: AbortSignal, getter: HttpGetter): Promise<string | undefined> {
  try {
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(VERSION_TIMEOUT_MS)]);
    const body = await getJson(getter, versionEndpoint(baseUrl), bounded, MAX_VERSION_BODY_BYTES);
    const version = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['version'] : undefined;
    return typeof version === 'string' && version.trim() !== '' && version.length <= 128 ? version.trim() : undefined;
  } catch {
    return undefined;
  }
}
