import { describeHubType, describeJsonType, HUB_REPORT_FIELDS, hubFieldMismatch, type FieldValue, type HubFieldRule, type PartialReport, type ResourceReport } from './contracts/report.js';

/** CollectorOutcome is one collector's result in a cycle: its declared fields and picked values, or null if it failed. */
export interface CollectorOutcome {
  readonly fields: readonly string[];
  /** values are what pickFields kept of the collector's answer; null when the collector failed. */
  readonly values: Readonly<Record<string, FieldValue>> | null;
}

// Limits on what one collector may put in a report, so junk (a huge list, a self-referencing object) costs
// that collector its fields instead of the whole daemon its memory and event loop.
const MAX_DEPTH = 8;
/** MAX_VALUES_PER_COLLECTOR bounds the values (scalars, lists, objects) one collector contributes per report. */
export const MAX_VALUES_PER_COLLECTOR = 10_000;
/** MAX_STRING_LENGTH bounds one string value; longer ones are cut. */
export const MAX_STRING_LENGTH = 64 * 1024;

/** TooLargeError says a collector's answer passed MAX_VALUES_PER_COLLECTOR. */
export class TooLargeError extends Error {
  constructor() {
    super(`returned more than ${MAX_VALUES_PER_COLLECTOR} values`);
    this.name = 'TooLargeError';
  }
}

interface Budget {
  left: number;
}

/**
 * sanitizeValue makes a value safe to send: non-finite numbers, undefined, functions, bigints, symbols,
 * class instances, references back to an enclosing object and over-deep structures become null, inside lists
 * and objects too; long strings are cut. It throws TooLargeError past the budget.
 */
export function sanitizeValue(value: unknown, budget: Budget = { left: MAX_VALUES_PER_COLLECTOR }, ancestors: object[] = []): FieldValue {
  if (--budget.left < 0) throw new TooLargeError();
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
      return value.length > MAX_STRING_LENGTH ? value.slice(0, MAX_STRING_LENGTH) : value;
    case 'boolean':
      return value;
    case 'object': {
      if (value === null || ancestors.length >= MAX_DEPTH || ancestors.includes(value)) return null;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return null;
      // One ancestors stack for the whole walk (pushed and popped), not a copy per nested object.
      ancestors.push(value);
      try {
        if (Array.isArray(value)) return value.map((item) => sanitizeValue(item, budget, ancestors));
        const out: Record<string, FieldValue> = {};
        for (const [key, item] of Object.entries(value)) out[key] = sanitizeValue(item, budget, ancestors);
        return out;
      } finally {
        ancestors.pop();
      }
    }
    default:
      return null;
  }
}

/**
 * notAReport says why a collector's answer is not a report object (`a list`, `a string`, `null`...), or
 * undefined when it is one. Every such answer fails the collector the same way, with a warning.
 */
export function notAReport(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : describeJsonType(value);
}

/** WrongType is a hub field a collector returned with a type the hub would reject; it was sent as null. */
export interface WrongType {
  readonly field: string;
  /** expected is the hub's type, e.g. `a number`. */
  readonly expected: string;
  /** got is what the collector gave, e.g. `a string`. */
  readonly got: string;
}

// HUB_RULES is HUB_REPORT_FIELDS as a Map, for a quick lookup per declared field.
const HUB_RULES: ReadonlyMap<string, HubFieldRule> = new Map(Object.entries(HUB_REPORT_FIELDS));

/**
 * pickFields keeps the declared fields of a collector's answer, sanitized, and drops the rest. A field the hub
 * knows (HUB_REPORT_FIELDS) with a value of the wrong type becomes null, since the hub would reject the whole
 * report for it; each such field is pushed to `wrongTypes` when given. It reads the answer, so it runs inside
 * the collector's own failure handling: a getter that throws, or an answer over the size budget, fails that
 * collector only.
 */
export function pickFields(values: PartialReport, declared: readonly string[], wrongTypes?: WrongType[]): Record<string, FieldValue> {
  const budget = { left: MAX_VALUES_PER_COLLECTOR };
  const picked: Record<string, FieldValue> = {};
  for (const field of declared) {
    const value = sanitizeValue(values[field], budget);
    const rule = value === null ? undefined : HUB_RULES.get(field);
    const got = rule && hubFieldMismatch(value, rule);
    if (got === undefined) {
      picked[field] = value;
    } else {
      picked[field] = null;
      wrongTypes?.push({ field, expected: describeHubType(rule!), got });
    }
  }
  return picked;
}

/**
 * mergeReports builds the report from the outcomes in plugins.json order: every declared field is present,
 * the first non-null value for a field wins, and a failed collector contributes nulls.
 */
export function mergeReports(outcomes: readonly CollectorOutcome[], agentId: string, timestamp: number): ResourceReport {
  const fields: Record<string, FieldValue> = {};
  for (const { fields: declared, values } of outcomes) {
    for (const field of declared) {
      const value = values?.[field] ?? null;
      if (fields[field] === undefined || fields[field] === null) fields[field] = value;
    }
  }
  // Declared fields are never reserved names (checkManifest refuses them), so the envelope cannot be overwritten.
  return { type: 'resource_report', agent_id: agentId, timestamp, ...fields };
}
