import * as v from 'valibot';
import { ErrorCode, type Problem } from '../errors.js';
import { closest } from '../did-you-mean.js';
import { describeValue } from '../describe-value.js';
import { isSecretKey } from '../secret-keys.js';
import { formatJsonPath, type JsonPath } from './json-path.js';
import type { StandardSchemaV1 } from '../contracts/standard-schema.js';

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  strict_object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** expectedOf names what a schema takes, as in `expected a string` and `is required (a string)`. */
export function expectedOf(schema: { readonly type: string }): string {
  return ARTICLE[schema.type] ?? schema.type;
}

/** isKeyIssue tells an object's own issue about one of its keys (missing or unknown) from any other. */
export function isKeyIssue(issue: v.BaseIssue<unknown>): boolean {
  return issue.path?.length === 1 && issue.path[0].origin === 'key';
}

/** isUnknownKey tells the issue of a key a strict object does not know. */
export function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === 'strict_object' && issue.expected === 'never';
}

/**
 * isTypeError tells a wrong or missing value (wrong type, missing key, a non-integer) from a value of the right
 * type that fails a check (a range, a pattern), or an unknown key. Cross-field checks run only without type errors.
 */
export function isTypeError(issue: v.BaseIssue<unknown>): boolean {
  return (issue.kind === 'schema' && !isUnknownKey(issue)) || issue.type === 'integer';
}

/**
 * friendlyMessage words an issue the way a config error reads: `expected true or false, got "maybe"`,
 * `must be at least 100, got 5`. Valibot's own texts ("Invalid type: Expected boolean but received "maybe"")
 * read poorly there. Issues whose schema or check has its own message never reach it.
 */
export function friendlyMessage(issue: v.BaseIssue<unknown>): string {
  const { input, requirement } = issue;
  switch (issue.type) {
    case 'integer':
      return `expected ${Number.isFinite(input) ? 'an integer' : 'a number'}, got ${describeValue(input)}`;
    case 'min_value':
      return `must be at least ${String(requirement)}, got ${describeValue(input)}`;
    case 'max_value':
      return `must be at most ${String(requirement)}, got ${describeValue(input)}`;
    case 'min_length':
      if (typeof input !== 'string') return `must have at least ${String(requirement)} items`;
      return Number(requirement) === 1 ? 'must not be empty' : `must be at least ${String(requirement)} characters`;
    case 'max_length':
      if (typeof input !== 'string') return `must have at most ${String(requirement)} items`;
      return `must be at most ${String(requirement)} characters`;
  }
  if (issue.kind === 'schema' && !isKeyIssue(issue) && ARTICLE[issue.type]) {
    const expected = ARTICLE[issue.type];
    return input === undefined ? `is required (${expected})` : `expected ${expected}, got ${describeValue(input)}`;
  }
  return issue.message;
}

/** UnknownKeysIssue lists the keys an object does not know, in the form zod gives it (issuesToProblems reads both). */
interface UnknownKeysIssue extends StandardSchemaV1.Issue {
  readonly code: 'unrecognized_keys';
  readonly keys: string[];
  readonly path: PropertyKey[];
  message: string;
}

/**
 * toStandardIssues turns valibot issues into Standard Schema issues with plain paths (`['url']`), the unknown keys of
 * one object gathered into one `unrecognized_keys` issue at the object's path.
 */
function toStandardIssues(issues: ReadonlyArray<v.BaseIssue<unknown>>): StandardSchemaV1.Issue[] {
  const out: StandardSchemaV1.Issue[] = [];
  const unknownKeys = new Map<string, UnknownKeysIssue>();
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => item.key as PropertyKey);
    if (!isUnknownKey(issue)) {
      out.push({ message: issue.message, path });
      continue;
    }
    const objectPath = path.slice(0, -1);
    const id = JSON.stringify(objectPath);
    let group = unknownKeys.get(id);
    if (!group) {
      group = { code: 'unrecognized_keys', keys: [], path: objectPath, message: '' };
      unknownKeys.set(id, group);
      out.push(group);
    }
    group.keys.push(String(path.at(-1)));
  }
  for (const group of unknownKeys.values()) {
    group.message = `Unrecognized key${group.keys.length > 1 ? 's' : ''}: ${group.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return out;
}

/**
 * validate checks a value against one of the sidecar's own schemas: every issue at once, worded by friendlyMessage,
 * whatever valibot's global configuration says (a host that embeds the sidecar may have its own).
 */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown): StandardSchemaV1.Result<v.InferOutput<S>> {
  const result = v.safeParse(schema, input, { message: friendlyMessage, abortEarly: false, abortPipeEarly: false });
  return result.success ? { value: result.output } : { issues: toStandardIssues(result.issues) };
}

const OWN_SCHEMAS = new WeakSet<object>();

/**
 * withFriendlyIssues is a built-in plugin's options schema as the host and tests see it: the same valibot schema,
 * whose Standard Schema interface (`~standard.validate`) runs `validate`, so its issues read like the file's own.
 */
export function withFriendlyIssues<S extends v.GenericSchema>(schema: S): S {
  const friendly: S = {
    ...schema,
    '~standard': { version: 1, vendor: 'valibot', validate: (value: unknown) => validate(friendly, value) },
  } as S;
  OWN_SCHEMAS.add(friendly);
  return friendly;
}

/** ownSchema gives back a schema made by withFriendlyIssues (a built-in's), or undefined for any other validator. */
export function ownSchema(schema: unknown): v.GenericSchema | undefined {
  return typeof schema === 'object' && schema !== null && OWN_SCHEMAS.has(schema) ? (schema as v.GenericSchema) : undefined;
}

function hintFor(key: string, known: readonly string[] | undefined): string {
  if (known === undefined) return '';
  const guess = closest(key, known);
  if (guess) return `; did you mean "${guess}"?`;
  return known.length ? `; known keys: ${known.join(', ')}` : '; this takes no keys';
}

function segmentKey(segment: PropertyKey | StandardSchemaV1.PathSegment): PropertyKey {
  return typeof segment === 'object' ? segment.key : segment;
}

/**
 * issuesToProblems turns Standard Schema issues (the sidecar's own, zod's or any other library's) into located
 * problems. An unknown key becomes one problem per key, at the key's own path, with a suggestion when it looks
 * like a typo.
 */
export function issuesToProblems(
  issues: ReadonlyArray<StandardSchemaV1.Issue>,
  basePath: JsonPath,
  code: ErrorCode = ErrorCode.CONFIG_INVALID,
  knownKeysAt?: (path: JsonPath) => readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = [...basePath, ...(issue.path ?? []).map(segmentKey)];
    const detail = issue as { code?: string; keys?: string[] };
    const unknownKeys = detail.code === 'unrecognized_keys' ? detail.keys : undefined;
    if (unknownKeys) {
      const known = knownKeysAt?.(path);
      for (const key of unknownKeys) {
        problems.push({ code, path: formatJsonPath([...path, key]), message: `unknown key (a typo, or a setting that does not exist${hintFor(key, known)})` });
      }
      continue;
    }
    problems.push({ code, path: formatJsonPath(path), message: withoutSecretValue(issue.message, path) });
  }
  return problems;
}

/**
 * withoutSecretValue keeps a value at or under a secret-looking key (`token`, `auth.value`, `api_keys[1]`) out of
 * the message: a wrongly typed token (`"token": 12345678`) is still the token. What follows `got` or `received`
 * (ours, or another validator's wording) becomes the value's kind: `expected a string, got a number`.
 */
function withoutSecretValue(message: string, path: JsonPath): string {
  if (!path.some((segment) => typeof segment === 'string' && isSecretKey(segment))) return message;
  return message.replace(/\b(got|received) (.*)$/s, (_, verb: string, shown: string) => `${verb} ${describeShown(shown)}`);
}

/** describeShown names the kind of a value as a message showed it (`"abc"`, `12`, `true`, `null`, `a list`). */
function describeShown(shown: string): string {
  if (shown === 'null' || shown === 'a list' || shown === 'an object') return shown;
  if (/^(string|number|boolean|object|array|undefined|bigint)$/.test(shown)) return shown; // a kind already, as zod says
  if (shown.startsWith('"')) return 'a string';
  if (shown === 'true' || shown === 'false') return 'true or false';
  if (/^-?\d/.test(shown)) return 'a number';
  return 'a value not shown (it is a secret)';
}

type SchemaNode = { readonly type?: string; readonly wrapped?: unknown; readonly entries?: Record<string, unknown>; readonly item?: unknown; readonly value?: unknown };

function unwrap(schema: unknown): SchemaNode | undefined {
  let current = schema as SchemaNode | undefined;
  while (current && (current.type === 'optional' || current.type === 'nullable' || current.type === 'nullish' || current.type === 'exact_optional')) {
    current = current.wrapped as SchemaNode | undefined;
  }
  return current;
}

/** objectKeysAt lists the keys one of the sidecar's own (valibot) schemas allows at a path, for typo suggestions. */
export function objectKeysAt(schema: v.GenericSchema, path: JsonPath): readonly string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    if (current?.entries) current = unwrap(Object.hasOwn(current.entries, segment) ? current.entries[String(segment)] : undefined);
    else if (current?.type === 'array') current = unwrap(current.item);
    else if (current?.type === 'record') current = unwrap(current.value);
    else return [];
  }
  return current?.entries ? Object.keys(current.entries) : [];
}
