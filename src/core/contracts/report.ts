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
