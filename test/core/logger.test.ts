import { describe, expect, it } from 'vitest';
import { CENSOR, isSecretKey, MIN_SCRUB_LENGTH, redactSecretFields, SecretScrubber } from '../../src/core/logger.js';
import { memoryLogger } from '../helpers/memory-logger.js';

// Every key a black-box tester saw printed in clear, plus the spellings the rule promises.
const SECRET_KEYS = [
  'token', 'Token', 'password', 'secret', 'api_key', 'apiKey', 'hub_token', 'db_password', 'client_secret', 'auth_token',
  'access_token', 'secretKey', 'private_key', 'passwd', 'credentials', 'bearer', 'accessToken', 'DB_PASSWORD',
  'x-api-key', 'X-Auth-Token', 'authorization', 'Authorization', 'proxy-authorization', 'secret_access_key',
  'SECRET_ACCESS_KEY', 'APIKey', 'apikey', 'refresh-token', 'pwd', 'passphrase', 'auth', 'basic_auth', 'cookie', 'key',
  'signing.key', 'passwords', 'credential',
];
const PLAIN_KEYS = [
  'token_limit', 'max_tokens', 'tokens', 'password_file', 'secret_name', 'token_url', 'keyboard', 'keyspace', 'public_key',
  'sort_key', 'key_id', 'monkey', 'turkey', 'author', 'oauth', 'auth_method', 'tokenType', 'url', 'plugin', 'msg', 'err',
  'secretive', 'passwordless', 'bearers_count', 'apiKeyId', '',
];

describe('isSecretKey: the last word of snake_case, camelCase or kebab-case names a secret', () => {
  it.each(SECRET_KEYS)('%s is a secret key', (key) => expect(isSecretKey(key)).toBe(true));
  it.each(PLAIN_KEYS)('%s is not', (key) => expect(isSecretKey(key)).toBe(false));
});

describe('redactSecretFields', () => {
  it('censors values under secret keys at any depth, in objects and lists, whatever their length or type', () => {
    const record = {
      msg: 'x',
      options: { db_password: 'B6', port: 5432, nested: { token: 'T' }, list: [{ password: 'p' }, { name: 'ok' }], credentials: { user: 'u', pass: 'v' } },
      api_key: 12345678,
      token: null,
      secret: '',
      auth: true,
    };
    expect(redactSecretFields(record)).toEqual({
      msg: 'x',
      options: { db_password: CENSOR, port: 5432, nested: { token: CENSOR }, list: [{ password: CENSOR }, { name: 'ok' }], credentials: CENSOR },
      api_key: CENSOR,
      token: null, // null, '' and booleans hold no secret, and say whether one is set
      secret: '',
      auth: true,
    });
    expect(record.options.db_password).toBe('B6'); // the caller's object is not touched
    expect(record.options.list[0]!.password).toBe('p');
  });

  it('returns a record without secret keys as it is (no copy), and survives cycles', () => {
    const record = { msg: 'hello', nested: { a: [1, { b: 'c' }] }, when: new Date(0) };
    expect(redactSecretFields(record)).toBe(record);
    const cyclic: Record<string, unknown> = { token: 'abc' };
    cyclic.self = cyclic;
    const out = redactSecretFields(cyclic) as Record<string, unknown>;
    expect(out.token).toBe(CENSOR);
    expect(out.self).toBe(cyclic);
  });
});

describe('the logger', () => {
  it('censors every secret-looking option a plugin logs, nested and in lists, as fields or as the record itself', () => {
    const { logger, lines, records } = memoryLogger('info');
    const options: Record<string, unknown> = {};
    SECRET_KEYS.forEach((key, i) => (options[key] = `sv${i}x`)); // short: only the key can hide them
    options.nested = { token: 'nt1' };
    options.list = [{ password: 'lp1' }];
    options.token_limit = 7;
    options.max_tokens = 4096;
    options.keyboard = 'qwerty';
    const child = logger.child({ plugin: 'leaky' });
    child.info({ options }, 'my options');
    child.info(options, 'flat');
    logger.child({ bound: options }).info('bound');
    const text = lines.join('');
    SECRET_KEYS.forEach((_, i) => expect(text).not.toContain(`sv${i}x`));
    expect(text).not.toContain('nt1');
    expect(text).not.toContain('lp1');
    const [first, flat, bound] = records() as Array<Record<string, any>>;
    expect(first!.options.db_password).toBe(CENSOR);
    expect(first!.options.nested).toEqual({ token: CENSOR });
    expect(first!.options.list).toEqual([{ password: CENSOR }]);
    expect(first!.options).toMatchObject({ token_limit: 7, max_tokens: 4096, keyboard: 'qwerty' });
    expect(flat!.hub_token).toBe(CENSOR);
    expect(flat!.plugin).toBe('leaky');
    expect(bound!.bound.client_secret).toBe(CENSOR);
  });

  it('censors a 2-character password under a secret key, at any depth', () => {
    const { logger, lines, records } = memoryLogger('info');
    logger.info({ options: { db_password: 'B6' } }, 'one');
    logger.info({ password: 'B6' }, 'two');
    expect(lines.join('')).not.toContain('B6');
    expect(records()[0]).toMatchObject({ options: { db_password: CENSOR } });
    expect(records()[1]).toMatchObject({ password: CENSOR });
  });

  it("censors an error's own secret fields, including an axios-like request config", () => {
    const { logger, lines, records } = memoryLogger('info');
    const err = Object.assign(new Error('request failed'), { config: { headers: { Authorization: 'Bearer b1' } }, api_key: 'k2' });
    logger.error({ err }, 'failed');
    logger.error(err);
    expect(lines.join('')).not.toMatch(/b1|k2/);
    expect(records()[0]).toMatchObject({ err: { message: 'request failed', api_key: CENSOR, config: { headers: { Authorization: CENSOR } } } });
    expect(records()[1]).toMatchObject({ err: { api_key: CENSOR } });
  });

  it('censors an error logged under any key, or nested, as it does under err', () => {
    const { logger, lines, records } = memoryLogger('info');
    const err = Object.assign(new Error('request failed'), { token: 'T0P', config: { headers: { authorization: 'Bearer xyz' } } });
    logger.warn({ error: err }, 'one');
    logger.warn({ reason: { cause: err }, list: [err] }, 'two');
    expect(lines.join('')).not.toMatch(/T0P|xyz/);
    expect(records()[0]).toMatchObject({ error: { message: 'request failed', type: 'Error', token: CENSOR, config: { headers: { authorization: CENSOR } } } });
    expect(records()[1]).toMatchObject({ reason: { cause: { token: CENSOR } }, list: [{ token: CENSOR }] });
    expect(err.token).toBe('T0P');
  });

  it('scrubs a registered secret from free text, and a short one does not mangle unrelated text', () => {
    const { logger, lines, scrubber } = memoryLogger('info');
    scrubber.add('hub-tok-12345');
    for (const short of ['T', 'dev', 'B6', 'PROT', 'null', 'x'.repeat(MIN_SCRUB_LENGTH - 1)]) scrubber.add(short);
    logger.warn(`write EPROTO on /dev/null with hub-tok-12345 and "hub-tok-12345"`);
    const text = lines.join('');
    expect(text).not.toContain('hub-tok-12345');
    expect(text).toContain(`write EPROTO on /dev/null with ${CENSOR} and \\"${CENSOR}\\"`);
  });
});

describe('SecretScrubber', () => {
  it(`hunts for secrets of ${MIN_SCRUB_LENGTH} characters or more only`, () => {
    const scrubber = new SecretScrubber();
    scrubber.add('abcdefg');
    scrubber.add('abcdefgh');
    expect(scrubber.scrub('abcdefg- abcdefgh')).toBe(`abcdefg- ${CENSOR}`);
  });
});

describe('the logger and objects that are not plain', () => {
  it("censors an error's nested errors and a class instance's fields without changing the live objects", () => {
    const { logger, lines, records } = memoryLogger('info');
    class Client {
      host = 'db';
      password = 'cp1';
    }
    const client = new Client();
    const inner = Object.assign(new Error('inner'), { token: 'it1' });
    const err = Object.assign(new Error('outer'), { original: inner, client, errors: undefined });
    logger.error({ err, client, when: new Date(0), bytes: Buffer.from('ok') }, 'failed');
    expect(lines.join('')).not.toMatch(/cp1|it1/);
    expect(records()[0]).toMatchObject({
      err: { message: 'outer', original: { message: 'inner', token: CENSOR }, client: { host: 'db', password: CENSOR } },
      client: { host: 'db', password: CENSOR },
      when: '1970-01-01T00:00:00.000Z',
    });
    expect(client.password).toBe('cp1');
    expect(inner.token).toBe('it1');
  });
});
