/**
 * FieldValue is what a collector may put in a report field: JSON data, or `null` when the value cannot be read.
 * Scalars cover the hub's fields; lists and objects carry per-device or per-model detail.
 */
export type FieldValue =
  | number
  | string
  | boolean
  | null
  | readonly FieldValue[]
  | { readonly [key: string]: FieldValue };

/** PartialReport is one collector's contribution: some of the fields it declared. */
export type PartialReport = Readonly<Record<string, FieldValue | undefined>>;

/** ResourceReport is the merged report that transports deliver (the hub's `resource_report` frame). */
export interface ResourceReport {
  readonly type: 'resource_report';
  readonly agent_id: string;
  /** timestamp is when collection started, in ms since the epoch. */
  readonly timestamp: number;
  readonly [field: string]: FieldValue;
}

/** IdentifyFields are extra fields collectors contribute to the hub handshake (e.g. `ollama_url`). */
export type IdentifyFields = Readonly<Record<string, FieldValue>>;

/** RESERVED_FIELDS are frame fields no plugin may declare: the framework owns them. */
export const RESERVED_FIELDS: readonly string[] = ['type', 'agent_id', 'timestamp', 'protocol_version'];

/** FIELD_NAME_PATTERN is the snake_case shape every declared field name must have. */
export const FIELD_NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * HubFieldType is a type the hub checks a field against. `integer` is a number without a fraction: the hub's
 * own check is only "a number", but PROTOCOL.md's report values are whole bytes, so a fraction is a bug.
 */
export type HubFieldType = 'number' | 'integer' | 'string' | 'string_list';

/** HubFieldRule is how the hub checks one field: its type and, for a string, its longest length. */
export interface HubFieldRule {
  readonly type: HubFieldType;
  readonly maxLength?: number;
}

/**
 * HUB_REPORT_FIELDS are the `resource_report` fields the hub knows, with their types (PROTOCOL.md). The hub
 * rejects the whole frame for one wrong-typed field, so the merger turns such a value into `null` (and warns)
 * instead. Byte counts, the VRAM ones included (Ollama's `size_vram` and the GPU tools give whole bytes), are
 * integers; `cpu_percent` is any number. `type`, `agent_id` and `timestamp` are the framework's, not listed.
 */
export const HUB_REPORT_FIELDS: Readonly<Record<string, HubFieldRule>> = {
  cpu_percent: { type: 'number' },
  ram_used_bytes: { type: 'integer' },
  ram_total_bytes: { type: 'integer' },
  vram_used_bytes: { type: 'integer' },
  vram_total_bytes: { type: 'integer' },
};

/**
 * HUB_IDENTIFY_FIELDS are the `identify` fields the hub knows, with their types and string limits
 * (PROTOCOL.md). A collector's contribution that does not fit is left out of the frame, with a warning.
 */
export const HUB_IDENTIFY_FIELDS: Readonly<Record<string, HubFieldRule>> = {
  agent_id: { type: 'string', maxLength: 128 },
  token: { type: 'string', maxLength: 256 },
  name: { type: 'string', maxLength: 256 },
  status: { type: 'string', maxLength: 256 },
  capabilities: { type: 'string_list' },
  ollama_url: { type: 'string', maxLength: 512 },
};

/** hubFieldRule looks a field up in one of the tables above (own keys only: `constructor` is not a rule). */
export function hubFieldRule(table: Readonly<Record<string, HubFieldRule>>, field: string): HubFieldRule | undefined {
  return Object.hasOwn(table, field) ? table[field] : undefined;
}

/** describeHubType says what a rule expects, e.g. `an integer` or `a string of at most 256 characters`. */
export function describeHubType(rule: HubFieldRule): string {
  switch (rule.type) {
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'string':
      return rule.maxLength === undefined ? 'a string' : `a string of at most ${rule.maxLength} characters`;
    case 'string_list':
      return 'a list of strings';
  }
}

/** describeJsonType names a value's JSON type for a log line: `a string`, `a boolean`, `a list`... */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'number':
      if (Number.isSafeInteger(value)) return 'an integer';
      if (Number.isInteger(value)) return 'an integer beyond 2^53';
      return Number.isFinite(value) ? 'a number with a fraction' : String(value);
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/**
 * hubFieldMismatch returns what is wrong with `value` for `rule` (e.g. `a string`, `a string of 300
 * characters`), or undefined when the hub accepts it. `null` is always accepted: the hub reads it as absent.
 * A typeof or two per call: it runs for every hub field of every report.
 */
export function hubFieldMismatch(value: unknown, rule: HubFieldRule): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (rule.type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : describeJsonType(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : describeJsonType(value);
    case 'string':
      if (typeof value !== 'string') return describeJsonType(value);
      return rule.maxLength !== undefined && value.length > rule.maxLength ? `a string of ${value.length} characters` : undefined;
    case 'string_list':
      if (!Array.isArray(value)) return describeJsonType(value);
      return value.every((item) => typeof item === 'string') ? undefined : 'a list with an item that is not a string';
  }
}
