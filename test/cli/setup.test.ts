import { describe, expect, it } from 'vitest';
import { registerSecrets } from '../../src/cli/setup.js';
import type { SidecarConfig } from '../../src/core/config/sidecar-config.js';
import { CENSOR, SecretScrubber } from '../../src/core/logger.js';

const config = (options: Record<string, unknown>) =>
  ({ collectors: [{ plugin: './leaky.mjs', options }], transports: [] }) as unknown as SidecarConfig;

describe('registerSecrets', () => {
  it('registers string values under every secret-looking key, at any depth of objects and lists', () => {
    const options = {
      hub_token: 'val-hub_token', db_password: 'val-db_password', client_secret: 'val-client_secret', auth_token: 'val-auth_token',
      access_token: 'val-access_token', secretKey: 'val-secretKey', private_key: 'val-private_key', passwd: 'val-passwd',
      credentials: { user: 'val-cred-user', pass: ['val-cred-pass'] }, bearer: 'val-bearer', nested: { token: 'val-nested-token' },
      list: [{ password: 'val-list-password' }], deep: [[{ 'x-api-key': 'val-deep-key' }]], hubUrl: 'ws://bob:val-url-pw@hub/ws',
      dsn: 'postgres://app:val-dsn-pw@db:5432/x', endpoints: ['https://u:val-endpoint-pw@api.example/v1'],
    };
    const scrubber = new SecretScrubber();
    registerSecrets(config(options), scrubber);
    const line = JSON.stringify(options);
    const scrubbed = scrubber.scrub(line);
    expect(scrubbed).not.toMatch(/val-/);
    expect(scrubbed.split(CENSOR)).toHaveLength(line.match(/val-/g)!.length + 1);
  });

  it('leaves values under other keys, numbers and short values alone', () => {
    const scrubber = new SecretScrubber();
    registerSecrets(config({ token_limit: 'limit-value-1', password_file: '/etc/sidecar/pw', keyboard: 'qwertyuiop', token: 'T', auth: 'dev', api_key: 12345678 }), scrubber);
    const line = 'limit-value-1 /etc/sidecar/pw qwertyuiop write EPROTO /dev/null 12345678';
    expect(scrubber.scrub(line)).toBe(line);
  });
});
