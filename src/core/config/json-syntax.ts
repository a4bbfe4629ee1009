// Locating and describing a JSON syntax error the same way on every Node version.

const QUOTED_SOURCE = /,\s*(?:\.\.\.)?"[\s\S]*$/; // V8 >= 11 appends a quote of the source: `..., "{\n  "agent"... is not valid JSON`

/** positionOf returns where JSON.parse failed in `text`, or undefined if it did not fail. */
function failureAt(text: string): { position?: number; message: string } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    return { position: at ? Number(at[1]) : undefined, message };
  }
}

/** endsEarly tells whether a prefix failed only because it was cut off, not because of what it contains. */
function endsEarly(prefix: string): boolean {
  const failure = failureAt(prefix);
  if (!failure) return true;
  if (/end of JSON input|Unterminated string/i.test(failure.message)) return true;
  return failure.position !== undefined && failure.position >= prefix.length;
}

/**
 * locateSyntaxError finds the offset of the first character JSON.parse rejects. Newer V8 messages give no
 * position, so it bisects: a prefix that fails only because it was cut short lies before the error.
 */
export function locateSyntaxError(text: string): number | undefined {
  const direct = failureAt(text);
  if (!direct) return undefined;
  if (direct.position !== undefined) return direct.position;
  let good = 0; // a prefix of this length fails only by ending early
  let bad = text.length; // a prefix of this length contains the error
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (endsEarly(text.slice(0, mid))) good = mid;
    else bad = mid;
  }
  return bad - 1;
}

/** describeSyntaxError says what is wrong with `text` on one line: "invalid JSON at line L, column C: reason". */
export function describeSyntaxError(err: unknown, text: string): string {
  if (text.trim() === '') return 'invalid JSON: the file is empty';
  const message = err instanceof Error ? err.message : String(err);
  const reason = message
    .replace(QUOTED_SOURCE, '')
    .replace(/\s*(?:in JSON )?at position \d+.*$/s, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/[\r\n\t]/g, (c) => JSON.stringify(c).slice(1, -1));
  const position = locateSyntaxError(text);
  if (position === undefined) return `invalid JSON: ${reason}`;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${reason}`;
}
