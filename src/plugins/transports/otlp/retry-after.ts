/**
 * retryAfterMs reads an HTTP Retry-After header: delay-seconds ("120") or an HTTP date. Returns undefined when it is
 * absent or unreadable, and 0 for a date in the past. `nowMs` is the wall clock: an HTTP date is wall-clock time.
 */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
