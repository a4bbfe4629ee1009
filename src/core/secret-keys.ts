/**
 * The one rule for which object keys hold secrets. Both the CLI (which registers option values as secrets to
 * scrub from every line) and the logger (which censors fields by name) use it.
 *
 * A key is split into words at `_`, `-`, `.`, spaces and camelCase humps, lower-cased; it names a secret when
 * its LAST word is one of SECRET_WORDS, or is `key`/`keys` alone or after one of KEY_QUALIFIERS. So `token`,
 * `hub_token`, `accessToken`, `db_password`, `client_secret`, `secretKey`, `private_key`, `x-api-key`, `passwd`,
 * `credentials`, `bearer` and a bare `key` are secrets; `token_limit`, `password_file`, `secret_name`,
 * `keyboard`, `public_key`, `sort_key` and `max_tokens` are not (the last word names something else, and
 * `tokens` is a count far more often than a list of credentials).
 */

/** SECRET_WORDS are the last words that make a key secret. */
const SECRET_WORDS = new Set([
  'token',
  'password', 'passwords', 'passwd', 'pwd', 'passphrase',
  'secret', 'secrets',
  'credential', 'credentials',
  'bearer', 'auth', 'authorization',
  'cookie', 'cookies',
  // Single-word spellings of two-word names.
  'apikey', 'apikeys', 'privatekey', 'secretkey', 'accesskey', 'authtoken', 'accesstoken', 'refreshtoken',
]);

/** KEY_QUALIFIERS make a following `key` a secret: `api_key`, `private_key`, `secret_access_key`... */
const KEY_QUALIFIERS = new Set([
  'api', 'private', 'secret', 'access', 'signing', 'encryption', 'client', 'master', 'auth', 'hmac', 'shared',
  'license', 'account', 'service', 'app', 'ssh', 'session',
]);

/** CENSOR replaces a secret in a log line. */
export const CENSOR = '[REDACTED]';

/** keyWords splits a key into lower-case words: `secretAccessKey`, `SECRET_ACCESS_KEY`, `x-api-key`. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_.\-]+/)
    .filter((w) => w !== '');
}

function computeIsSecretKey(key: string): boolean {
  const words = keyWords(key);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_WORDS.has(last)) return true;
  if (last !== 'key' && last !== 'keys') return false;
  const before = words.at(-2);
  return before === undefined || KEY_QUALIFIERS.has(before);
}

// Log records reuse a small set of keys: remember the answers, but never grow without bound on odd data.
const cache = new Map<string, boolean>();
const CACHE_MAX = 2048;

/** isSecretKey tells whether values under `key` are secrets (see the rule above). */
export function isSecretKey(key: string): boolean {
  let secret = cache.get(key);
  if (secret === undefined) {
    secret = computeIsSecretKey(key);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, secret);
  }
  return secret;
}

/** MAX_DEPTH bounds the walk of a log record; deeper values are left as they are (long secrets are still scrubbed). */
const MAX_DEPTH = 32;

// An object is logged as its own enumerable fields (what JSON.stringify writes), unless it has toJSON (a Date, a
// Buffer, a URL) or is an Error (pino's err serializer writes those, and censors them: see logger.ts).
const isWalkable = (value: object): value is Record<string, unknown> =>
  !(value instanceof Error) && !ArrayBuffer.isView(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';

/**
 * censorValue is what a value under a secret key is logged as: CENSOR, except null, undefined, booleans and '',
 * which hold no secret and say whether one is set.
 */
export function censorValue(value: unknown): unknown {
  return value === null || value === undefined || value === '' || typeof value === 'boolean' ? value : CENSOR;
}

function redact(value: unknown, depth: number, ancestors: object[], onError?: (err: Error) => unknown): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || ancestors.includes(value)) return value;
  if (value instanceof Error) return onError ? onError(value) : value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    ancestors.push(value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = redact(item, depth + 1, ancestors, onError);
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    ancestors.pop();
    return out ?? value;
  }
  if (!isWalkable(value)) return value;
  // A copy holds what JSON.stringify would write: own enumerable fields; the caller's object is never changed.
  let out: Record<string, unknown> | undefined;
  ancestors.push(value);
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const field = value[key];
    // A record's `err` is left to pino's err serializer, which censors it (see logger.ts).
    const next = isSecretKey(key) ? censorValue(field) : depth === 0 && key === 'err' ? field : redact(field, depth + 1, ancestors, onError);
    if (next !== field) (out ??= { ...value })[key] = next;
  }
  ancestors.pop();
  return out ?? value;
}

/**
 * redactSecretFields returns `value` with every field under a secret key, at any depth of objects (their own
 * enumerable fields, as JSON.stringify writes them) and arrays, replaced by CENSOR, whatever its length or type (objects included; null, booleans and '' are kept).
 * It copies only the objects on the way to a change: a record without secret keys comes back as is. An Error
 * found on the way is handed to `onError` (the logger serializes and censors it), or left as it is.
 */
export function redactSecretFields<T>(value: T, onError?: (err: Error) => unknown): T {
  return redact(value, 0, [], onError) as T;
}

/**
 * urlPasswords gives the password of a URL with userinfo (`ws://user:pass@hub`) as written and decoded, or
 * nothing for a URL without one or a value that is not a URL. The user name is not a secret.
 */
export function urlPasswords(value: string): string[] {
  let password: string;
  try {
    password = new URL(value).password;
  } catch {
    return [];
  }
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password]; // a malformed escape: only the form as written
  }
}
