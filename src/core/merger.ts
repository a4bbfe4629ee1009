import type { FieldValue, PartialReport, ResourceReport } from './contracts/report.js';

/** CollectorOutcome is one collector's result in a cycle: its declared fields and values, or null if it failed. */
export interface CollectorOutcome {
  readonly fields: readonly string[];
  readonly values: PartialReport | null;
}

// Deeper structures than this are junk from a plugin (or a cycle); they become null rather than hang the merge.
const MAX_DEPTH = 8;

/**
 * sanitizeValue makes a collector's value safe to send: non-finite numbers, undefined, functions, bigints,
 * symbols and over-deep structures become null, inside lists and objects too.
 */
export function sanitizeValue(value: unknown, depth = 0): FieldValue {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'object': {
      if (value === null || depth >= MAX_DEPTH) return null;
      if (Array.isArray(value)) return value.map((item) => sanitizeValue(item, depth + 1));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return null;
      const out: Record<string, FieldValue> = {};
      for (const [key, item] of Object.entries(value)) out[key] = sanitizeValue(item, depth + 1);
      return out;
    }
    default:
      return null;
  }
}

/**
 * mergeReports builds the report from the outcomes in plugins.json order: every declared field is present,
 * the first non-null value for a field wins, a failed collector contributes nulls, and fields a collector
 * did not declare are dropped.
 */
export function mergeReports(outcomes: readonly CollectorOutcome[], agentId: string, timestamp: number): ResourceReport {
  const fields: Record<string, FieldValue> = {};
  for (const { fields: declared, values } of outcomes) {
    for (const field of declared) {
      const value = values ? sanitizeValue(values[field]) : null;
      if (fields[field] === undefined || fields[field] === null) fields[field] = value;
    }
  }
  // Declared fields are never reserved names (checkManifest refuses them), so the envelope cannot be overwritten.
  return { type: 'resource_report', agent_id: agentId, timestamp, ...fields };
}
