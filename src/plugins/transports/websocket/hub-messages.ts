import type { RawData } from 'ws';

/** FieldProblem is one entry of a hub `validation_failed` error (its `value` is deliberately not kept). */
export interface FieldProblem {
  readonly field: string;
  readonly error: string;
  readonly detail: string;
}

/** HubMessage is a hub frame narrowed to what a collector acts on. */
export type HubMessage =
  | { readonly kind: 'identified'; readonly agentId: string | undefined }
  | { readonly kind: 'task_assign'; readonly taskId: string }
  | { readonly kind: 'pong' }
  | { readonly kind: 'rate_limited'; readonly retryAfterMs: number | undefined; readonly tier: string }
  | { readonly kind: 'rate_limit_warning'; readonly tier: string; readonly remaining: number | null; readonly capacity: number | null }
  | { readonly kind: 'auth_error'; readonly error: 'invalid_token' | 'token_agent_mismatch' }
  | { readonly kind: 'validation_failed'; readonly messageType: string; readonly errors: readonly FieldProblem[] }
  | { readonly kind: 'protocol_error'; readonly error: 'not_identified' | 'invalid_json' | 'unknown_message_type' }
  | { readonly kind: 'hub_error'; readonly error: string }
  | { readonly kind: 'ignored'; readonly reason: string };

/** Redact masks the secrets (token, URL userinfo) in a hub-supplied text; the hub can echo them anywhere. */
export type Redact = (value: string) => string;

/** MAX_TEXT bounds any hub-supplied string we copy into a log line. */
const MAX_TEXT = 200;

/**
 * MAX_RETRY_AFTER_MS caps the hold a `rate_limited` asks for: the hub's own limits refill within seconds, and a
 * larger value (a bug, or a hostile hub) would otherwise stop all sending for days or overflow setTimeout.
 */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * text returns a redacted, printable, bounded copy of a hub-supplied value ('' when it is not a string or
 * number). Secrets are masked before the text is cut, so no part of one survives at the cut.
 */
export function text(value: unknown, redact: Redact): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  // eslint-disable-next-line no-control-regex
  const clean = redact(String(value)).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 3)}...` : clean;
}

function count(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** json renders a hub-supplied value as JSON ('missing' when absent); pass it through `text` before logging. */
function json(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/**
 * problems reads a `validation_failed` answer's `errors`. An entry with nothing readable carries its raw JSON
 * as `detail`; when the list is missing, not a list or holds no object, one entry carries the raw `errors`,
 * so the rejection is still logged with what can be said about it.
 */
function problems(value: unknown, redact: Redact): FieldProblem[] {
  const entries = Array.isArray(value) ? value.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && !Array.isArray(e)) : [];
  if (entries.length === 0) return [{ field: '?', error: 'unreadable', detail: text(`errors: ${json(value)}`, redact) }];
  return entries.slice(0, 50).map((e) => {
    const problem = { field: text(e.field, redact), error: text(e.error, redact), detail: text(e.detail, redact) };
    if (problem.field || problem.error || problem.detail) return problem;
    const { value: _value, ...rest } = e;
    return { field: '?', error: 'unreadable', detail: text(json(rest), redact) };
  });
}

function narrowError(frame: Record<string, unknown>, redact: Redact): HubMessage {
  const error = frame.error;
  switch (error) {
    case 'invalid_token':
    case 'token_agent_mismatch':
      return { kind: 'auth_error', error };
    case 'validation_failed':
      return { kind: 'validation_failed', messageType: text(frame.message_type, redact), errors: problems(frame.errors, redact) };
    case 'not_identified':
    case 'invalid_json':
    case 'unknown_message_type':
      return { kind: 'protocol_error', error };
    default:
      return { kind: 'hub_error', error: text(error, redact) || 'unknown error' };
  }
}

/**
 * parseHubMessage narrows one inbound frame. Binary, non-JSON and unknown frames become `ignored`. Every string
 * taken from the frame is passed through `redact`, so what it returns is safe to log.
 */
export function parseHubMessage(data: RawData, isBinary: boolean, redact: Redact): HubMessage {
  if (isBinary) return { kind: 'ignored', reason: 'binary frame' };
  const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
  let frame: unknown;
  try {
    frame = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'not JSON' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return { kind: 'ignored', reason: 'not a JSON object' };
  const f = frame as Record<string, unknown>;
  switch (f.type) {
    case 'identified':
      return { kind: 'identified', agentId: typeof f.agent_id === 'string' ? text(f.agent_id, redact) : undefined };
    case 'task_assign':
      return { kind: 'task_assign', taskId: text(f.task_id, redact) || '(no task_id)' };
    case 'pong':
      return { kind: 'pong' };
    case 'rate_limited': {
      // A negative or non-numeric value counts as absent (the default applies); a huge one is capped.
      const ms = count(f.retry_after_ms);
      const retryAfterMs = ms === null || ms < 0 ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
      return { kind: 'rate_limited', retryAfterMs, tier: text(f.tier, redact) };
    }
    case 'rate_limit_warning':
      return { kind: 'rate_limit_warning', tier: text(f.tier, redact), remaining: count(f.remaining), capacity: count(f.capacity) };
    case 'error':
      return narrowError(f, redact);
    default:
      return { kind: 'ignored', reason: typeof f.type === 'string' ? `type "${text(f.type, redact)}"` : 'no type' };
  }
}
