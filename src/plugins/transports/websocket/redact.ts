import { MIN_SCRUB_LENGTH } from '../../../core/logger.js';
import { urlPasswords } from '../../../core/secret-keys.js';

/** safeUrl renders a URL for logs without its userinfo (`ws://user:pass@host` becomes `ws://host`). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

/**
 * createRedactor returns a function that masks the secrets (the token and the URL's password) in a text before
 * it reaches a log line: hub-supplied strings and library error messages can echo them. As in the CLI's
 * scrubber, values shorter than MIN_SCRUB_LENGTH are not hunted in free text: a token `T` would otherwise turn
 * `EPROTO` into `EPRO[redacted]O`. The user name is not a secret (logged URLs carry no userinfo anyway).
 */
export function createRedactor(token: string, url: string): (value: string) => string {
  const secrets = new Set<string>([token, ...urlPasswords(url)]);
  const list = [...secrets].filter((s) => s.length >= MIN_SCRUB_LENGTH).sort((a, b) => b.length - a.length);
  return (value) => list.reduce((out, secret) => out.split(secret).join('[redacted]'), value);
}
