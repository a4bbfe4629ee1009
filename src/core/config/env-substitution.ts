import { ErrorCode, type Problem } from '../errors.js';
import { formatJsonPath, type JsonPath } from './json-path.js';

// $${...} is an escaped literal; ${NAME} and ${NAME:-default} are references.
const REFERENCE = /\$\$|\$\{([^}:]*)(?::-([^}]*))?\}/g;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * substituteEnv replaces `${VAR}` and `${VAR:-default}` in every string of a parsed JSON document, as a
 * shell would (`:-` also applies when VAR is set but empty). `$$` stands for a literal `$`. An unset
 * `${VAR}` with no default is a problem naming VAR and where it was used; all are collected.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  problems: Problem[],
  path: JsonPath = [],
): unknown {
  if (typeof value === 'string') return substituteString(value, env, problems, path);
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: an assignment to "__proto__" would set the prototype instead of keeping the key.
      Object.defineProperty(out, key, { value: substituteEnv(item, env, problems, [...path, key]), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, problems: Problem[], path: JsonPath): string {
  if (!text.includes('$')) return text;
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$$') return '$';
    const where = formatJsonPath(path);
    if (name === undefined || !VARIABLE_NAME.test(name)) {
      problems.push({ code: ErrorCode.CONFIG_INVALID, path: where, message: `invalid variable reference ${JSON.stringify(match)}` });
      return match;
    }
    if (fallback?.includes('${')) {
      // A shell would expand it; this reader does not nest, and leaving "${OTHER}" in the value would pass silently.
      problems.push({ code: ErrorCode.CONFIG_INVALID, path: where, message: `the default of \${${name}:-...} cannot hold another \${...} reference` });
      return match;
    }
    const current = env[name];
    if (fallback !== undefined) return current ? current : fallback;
    if (current === undefined) {
      problems.push({
        code: ErrorCode.CONFIG_ENV_UNSET,
        path: where,
        message: `environment variable ${name} is not set (use \${${name}:-default} to give a default)`,
      });
      return match;
    }
    return current;
  });
}
