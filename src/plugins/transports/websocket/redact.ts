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
 * createRedactor returns a function that masks every secret (the token and the URL's userinfo) in a text
 * before it reaches a log line: hub-supplied strings and library error messages can echo them.
 */
export function createRedactor(token: string, url: string): (value: string) => string {
  const secrets = new Set<string>();
  if (token) secrets.add(token);
  try {
    const u = new URL(url);
    for (const part of [u.username, u.password]) {
      if (!part) continue;
      secrets.add(part);
      try {
        secrets.add(decodeURIComponent(part));
      } catch {
        // A malformed escape: the raw form is masked already.
      }
    }
  } catch {
    // The schema rejects invalid URLs; nothing to collect.
  }
  const list = [...secrets].sort((a, b) => b.length - a.length);
  return (value) => list.reduce((out, secret) => out.split(secret).join('[redacted]'), value);
}
