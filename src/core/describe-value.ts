/**
 * describeValue names a value briefly for a one-line error, as in `got "abc"`, `got null`, `got a list`,
 * `got nothing`: strings quoted and cut to 40 characters, objects and lists by kind, never dumped whole.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
