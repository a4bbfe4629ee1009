import { execFile } from 'node:child_process';

/** SyntaxLocation is where a module's syntax error is: the file, a 1-based line and column, and Node's message. */
export interface SyntaxLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** CHECK_TIMEOUT_MS bounds `node --check`: it only parses, so it is quick even for a large file. */
const CHECK_TIMEOUT_MS = 5000;

/**
 * parseSourceHeader reads Node's report of a syntax error: a `file:line` line, the source line, a caret under
 * the column, then `SyntaxError: message`. It heads a CommonJS SyntaxError's stack and `node --check`'s output.
 */
export function parseSourceHeader(text: string): SyntaxLocation | undefined {
  const match = /^(.+):(\d+)\r?\n(.*)\r?\n(\s*)\^[^\n]*\n(?:\s*\n)*SyntaxError: ([^\r\n]*)/m.exec(text);
  if (!match) return undefined;
  return { file: match[1]!, line: Number(match[2]), column: match[4]!.length + 1, message: match[5]! };
}

/**
 * locateSyntaxError finds the syntax error that made `import(file)` fail, if that is why. A CommonJS module's
 * SyntaxError carries its place in its stack; an ES module's does not (Node 20 and 22), and a loader in between
 * may rename it, so otherwise the file is parsed again by `node --check`, which prints the same report. This costs
 * a process, only when an import has failed. Undefined when the file parses (the error is elsewhere).
 */
export async function locateSyntaxError(err: unknown, file: string): Promise<SyntaxLocation | undefined> {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const fromStack = err instanceof SyntaxError ? parseSourceHeader(`${stack.split('\n    at ')[0]}`) : undefined;
  if (fromStack) return fromStack;
  const output = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['--check', file], { timeout: CHECK_TIMEOUT_MS, windowsHide: true }, (_error, stdout, stderr) =>
      resolve(`${stderr}\n${stdout}`),
    );
  });
  return parseSourceHeader(output);
}
