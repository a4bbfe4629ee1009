/** FieldError is one entry of a `validation_failed` answer, shaped as the hub sends it. */
export interface FieldError {
  readonly field: string;
  readonly error: 'required' | 'wrong_type' | 'too_long' | 'invalid_value';
  readonly detail: string;
  readonly value?: unknown;
}

/** KnownType is a frame type the hub accepts from a sidecar. */
export type KnownType = 'identify' | 'ping' | 'resource_report' | 'ollama_report';

/** ParsedFrame is an inbound text frame: not JSON, of a type the hub does not know, or known with its problems. */
export type ParsedFrame =
  | { readonly kind: 'invalid_json' }
  | { readonly kind: 'unknown_type'; readonly frame: Record<string, unknown>; readonly type: string }
  | { readonly kind: 'frame'; readonly type: KnownType; readonly frame: Record<string, unknown>; readonly errors: FieldError[] };

type Rule = { readonly kind: 'string'; readonly max: number; readonly required?: boolean } | { readonly kind: 'number' | 'string_list' };

const NUMBER: Rule = { kind: 'number' };

/** RULES are the hub's field checks per frame type (PROTOCOL.md). Unknown fields pass through unchecked. */
const RULES: Record<KnownType, Record<string, Rule>> = {
  identify: {
    agent_id: { kind: 'string', max: 128, required: true },
    token: { kind: 'string', max: 256, required: true },
    name: { kind: 'string', max: 256 },
    status: { kind: 'string', max: 256 },
    capabilities: { kind: 'string_list' },
    ollama_url: { kind: 'string', max: 512 },
  },
  ping: {},
  ollama_report: { ollama_url: { kind: 'string', max: 512, required: true } },
  resource_report: {
    agent_id: { kind: 'string', max: 128 },
    cpu_percent: NUMBER,
    ram_used_bytes: NUMBER,
    ram_total_bytes: NUMBER,
    vram_used_bytes: NUMBER,
    vram_total_bytes: NUMBER,
    timestamp: NUMBER,
  },
};

/** SECRET_FIELDS are never echoed back as `value`. */
const SECRET_FIELDS = new Set(['token']);

/** jsonType names a JSON value's type the way the hub's messages do. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  return typeof value === 'object' ? 'map' : typeof value;
}

function checkField(field: string, value: unknown, rule: Rule): FieldError | undefined {
  const echo = SECRET_FIELDS.has(field) || typeof value === 'object' ? {} : { value };
  const wrong = (expected: string): FieldError => ({ field, error: 'wrong_type', detail: `expected ${expected}, got ${jsonType(value)}`, ...echo });
  switch (rule.kind) {
    case 'number':
      return typeof value === 'number' ? undefined : wrong('a number');
    case 'string_list':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : wrong('a list of strings');
    case 'string':
      if (typeof value !== 'string') return wrong('a string');
      if (value.length > rule.max) return { field, error: 'too_long', detail: `must be at most ${rule.max} characters, got ${value.length}` };
      return undefined;
  }
}

/** validateFrame checks a known frame strictly, with no coercion; `null` counts as absent. */
export function validateFrame(type: KnownType, frame: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const version = frame.protocol_version;
  if (version === undefined || version === null) errors.push({ field: 'protocol_version', error: 'required', detail: 'is required' });
  else if (typeof version !== 'number') errors.push({ field: 'protocol_version', error: 'wrong_type', detail: `expected an integer, got ${jsonType(version)}`, value: version });
  else if (version !== 1) errors.push({ field: 'protocol_version', error: 'invalid_value', detail: 'must be 1', value: version });
  for (const [field, rule] of Object.entries(RULES[type])) {
    const value = frame[field];
    if (value === undefined || value === null) {
      if (rule.kind === 'string' && rule.required) errors.push({ field, error: 'required', detail: 'is required' });
      continue;
    }
    const error = checkField(field, value, rule);
    if (error) errors.push(error);
  }
  return errors;
}

/** parseFrame parses one inbound text frame and validates it when its type is known. */
export function parseFrame(text: string): ParsedFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { kind: 'invalid_json' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return { kind: 'invalid_json' };
  const f = frame as Record<string, unknown>;
  const type = f.type;
  if (type === 'identify' || type === 'ping' || type === 'resource_report' || type === 'ollama_report') return { kind: 'frame', type, frame: f, errors: validateFrame(type, f) };
  return { kind: 'unknown_type', frame: f, type: typeof type === 'string' ? type : '' };
}
