import { z } from 'zod';
import { ErrorCode, type Problem } from '../errors.js';
import { closest } from '../did-you-mean.js';
import { formatJsonPath, type JsonPath } from './json-path.js';
import type { StandardSchemaV1 } from '../contracts/standard-schema.js';

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  record: 'an object',
};

/** describeValue names what the user wrote, briefly: `got "abc"`, `got null`, `got a list`. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = ARTICLE[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `is required (${expected})` : `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'too_small':
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} items`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
}

// Zod's default texts ("Invalid input: expected string, received number") read poorly in a config error.
z.config({ customError: friendlyMessage });

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
 * issuesToProblems turns schema issues (zod's or any Standard Schema's) into located problems. An unknown key
 * becomes one problem per key, at the key's own path, with a suggestion when it looks like a typo.
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
    problems.push({ code, path: formatJsonPath(path), message: issue.message });
  }
  return problems;
}

/** objectKeysAt lists the keys a zod schema allows at a path, for typo suggestions. */
export function objectKeysAt(schema: z.ZodType, path: JsonPath): readonly string[] {
  let current: unknown = schema;
  for (const segment of [...path, null]) {
    current = unwrap(current);
    if (segment === null) break;
    if (current instanceof z.ZodObject) current = current.shape[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element;
    else if (current instanceof z.ZodRecord) current = current.valueType;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  while (
    current instanceof z.ZodDefault ||
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodPipe
  ) {
    current = current instanceof z.ZodPipe ? current.in : (current as z.ZodDefault).unwrap();
  }
  return current;
}
