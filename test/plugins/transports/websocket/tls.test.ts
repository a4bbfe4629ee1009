import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../src/core/errors.js';
import { ALL_LOG_LINES, build, parseOptions, useHarness, waitFor, type Built } from './helpers.js';
import { startTlsHub, TLS_FIXTURES, type TlsHub } from './tls-hub.js';

const PASSPHRASE = 'correct-horse-battery-staple';
const fixtures = { configDir: TLS_FIXTURES };
const client = { ca_file: 'ca.pem', cert_file: 'client.pem', key_file: 'client.key' };

/** firstFailure waits for the warning a failed connection logs and returns its message. */
async function firstFailure(built: Built): Promise<string> {
  const failure = () => built.entries().find((e) => e.msg.startsWith('Hub connection lost'));
  await waitFor(() => failure() !== undefined, 5000, 'a failed connection');
  const entry = failure()!;
  expect(entry.level).toBe(40);
  return entry.msg;
}

/** expectPlainWords checks a failure line is one line without OpenSSL's own wording. */
function expectPlainWords(message: string): void {
  expect(message).not.toContain('\n');
  expect(message).not.toMatch(/SSL routines|error:0A|rec_layer|\.c:\d+/);
}

describe('websocket transport: a hub that requires a client certificate (mTLS, real sockets)', () => {
  const { connected, track } = useHarness();
  const hub = async (opts?: Parameters<typeof startTlsHub>[0]): Promise<TlsHub> => track(await startTlsHub(opts));

  it('without a client certificate: "the hub asked for a client certificate" in one line, not identified', async () => {
    const h = await hub();
    const built = await connected({ url: h.url, ca_file: 'ca.pem' }, fixtures);
    const message = await firstFailure(built);
    expect(message).toContain('the hub asked for a client certificate; set cert_file and key_file (TLS alert 116)');
    expectPlainWords(message);
    // The hub really did ask, and refused the handshake for want of one.
    expect(h.tlsErrors).toContain('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE');
    expect(h.identified).toEqual([]);
    expect(built.status().identified).toBe(false);
  });

  it('without a client certificate under TLS 1.2 (a handshake_failure alert): says what to set', async () => {
    const h = await hub({ maxVersion: 'TLSv1.2' });
    const message = await firstFailure(await connected({ url: h.url, ca_file: 'ca.pem' }, fixtures));
    expect(message).toContain('it probably asked for a client certificate; set cert_file and key_file (TLS alert 40)');
    expectPlainWords(message);
  });

  it('with cert_file and key_file (relative to the config directory): identifies, as the certificate\'s subject', async () => {
    const h = await hub();
    const built = await connected({ url: h.url, ...client }, fixtures);
    await waitFor(() => built.status().identified === true, 5000, 'identified');
    expect(h.identified).toEqual(['gpu-box-1']);
    expect(h.tlsErrors).toEqual([]);
  });

  it('with an encrypted key and its key_passphrase: identifies; the passphrase is in no log line', async () => {
    const h = await hub();
    const built = await connected({ url: h.url, ...client, key_file: 'client-encrypted.key', key_passphrase: PASSPHRASE }, fixtures);
    await waitFor(() => built.status().identified === true, 5000, 'identified');
    expect(h.identified).toEqual(['gpu-box-1']);
    expect(ALL_LOG_LINES.filter((l) => l.includes(PASSPHRASE))).toEqual([]);
  });

  it('with a client certificate the hub does not trust: the hub drops us, and the line says it may be the certificate', async () => {
    const h = await hub();
    const message = await firstFailure(await connected({ url: h.url, ...client, cert_file: 'client-other-ca.pem' }, fixtures));
    expect(message).toMatch(/the hub closed the connection (during the TLS handshake|before answering); it may have refused our client certificate \(ECONNRESET\)/);
    expect(h.tlsErrors.length).toBeGreaterThan(0);
    expect(h.identified).toEqual([]);
  });
});

describe('websocket transport: the hub\'s certificate, in plain words (real sockets)', () => {
  const { connected, track, fakeHub } = useHarness();
  const cases = [
    { cert: 'hub-expired.pem', ca: 'ca.pem', words: "certificate expired: the hub's certificate is past its end date (CERT_HAS_EXPIRED)" },
    { cert: 'hub-self-signed.pem', ca: undefined, words: 'self-signed certificate; set ca_file to the hub\'s certificate (DEPTH_ZERO_SELF_SIGNED_CERT)' },
    { cert: 'hub-wrong-host.pem', ca: 'ca.pem', words: "hostname mismatch: the hub's certificate is not for the host name in the url (ERR_TLS_CERT_ALTNAME_INVALID)" },
    { cert: 'hub.pem', ca: undefined, words: "signed by a CA this host does not trust; set ca_file to that CA (or the hub does not send its intermediate certificates) (UNABLE_TO_VERIFY_LEAF_SIGNATURE)" },
  ];
  for (const c of cases) {
    it(`${c.cert}${c.ca ? '' : ' without ca_file'}: "${c.words.slice(0, 40)}..."`, async () => {
      const h = track(await startTlsHub({ cert: c.cert, requireClientCert: false }));
      const message = await firstFailure(await connected({ url: h.url, ...(c.ca ? { ca_file: c.ca } : {}) }, fixtures));
      expect(message).toContain(c.words);
      expectPlainWords(message);
      expect(h.identified).toEqual([]);
    });
  }

  it('wss:// to a hub that speaks plain ws://: "does not speak TLS"', async () => {
    const plain = await fakeHub();
    const message = await firstFailure(await connected({ url: plain.url.replace('ws:', 'wss:') }));
    expect(message).toContain("the hub's port does not speak TLS (a wss:// url for a ws:// hub?) (wrong version number)");
    expectPlainWords(message);
  });
});

describe('websocket transport: cert_file, key_file and key_passphrase are checked at create time', () => {
  const rejects = (raw: Record<string, unknown>) => expect(build({ url: 'wss://127.0.0.1:1/ws', ...raw }, fixtures)).rejects;
  const file = (name: string) => path.join(TLS_FIXTURES, name);

  it('a missing or non-PEM file is one line naming the option and the file', async () => {
    await rejects({ ...client, cert_file: 'nope.pem' }).toMatchObject({
      code: ErrorCode.PLUGIN_OPTIONS_INVALID,
      message: `options.cert_file: ${file('nope.pem')}: file not found`,
    });
    await rejects({ ...client, key_file: 'ca.pem' }).toMatchObject({
      message: `options.key_file: ${file('ca.pem')}: no PEM private key in it (expected "PRIVATE KEY-----")`,
    });
    await rejects({ ...client, cert_file: 'make.sh' }).toMatchObject({ message: expect.stringMatching(/^options\.cert_file: .*make\.sh: no PEM certificate in it/) });
    await rejects({ ...client, cert_file: '.' }).toMatchObject({ message: `options.cert_file: ${TLS_FIXTURES}: is a directory` });
  });

  it('a key that is not the certificate\'s, an encrypted key without or with a wrong passphrase: each one line', async () => {
    await rejects({ ...client, key_file: 'hub.key' }).toMatchObject({
      message: `options.key_file: ${file('hub.key')}: not the private key of cert_file ${file('client.pem')}`,
    });
    await rejects({ ...client, key_file: 'client-encrypted.key' }).toMatchObject({
      message: `options.key_file: ${file('client-encrypted.key')}: the key is encrypted; set key_passphrase (e.g. "\${SIDECAR_KEY_PASSPHRASE}")`,
    });
    const wrong = 'not-the-passphrase-42';
    const error = await build({ url: 'wss://127.0.0.1:1/ws', ...client, key_file: 'client-encrypted.key', key_passphrase: wrong }, fixtures).catch((e: Error) => e);
    expect(error).toMatchObject({ message: `options.key_passphrase: ${file('client-encrypted.key')}: wrong passphrase for this key` });
    expect((error as Error).message).not.toContain(wrong);
  });

  it('an expired client certificate is a warning at start-up (the hub decides), naming the date', async () => {
    const built = await build({ url: 'wss://127.0.0.1:1/ws', ...client, cert_file: 'client-expired.pem' }, fixtures);
    await built.transport.dispose?.();
    const warning = built.entries().find((e) => e.msg.includes('expired'));
    expect(warning).toMatchObject({ level: 40, msg: `cert_file ${file('client-expired.pem')}: the client certificate expired on 2021-01-01T00:00:00.000Z; the hub will likely refuse it` });
  });

  it('cert_file, key_file and key_passphrase only make sense together (schema errors naming the key)', async () => {
    await expect(parseOptions({ url: 'wss://h/ws', cert_file: 'c.pem' })).rejects.toThrow('is required with cert_file');
    await expect(parseOptions({ url: 'wss://h/ws', key_file: 'k.pem' })).rejects.toThrow('is required with key_file');
    await expect(parseOptions({ url: 'wss://h/ws', key_passphrase: 'x' })).rejects.toThrow('the passphrase unlocks key_file');
  });

  it('client certificate files with a ws:// url: a warning that they are not used', async () => {
    const built = await build({ url: 'ws://127.0.0.1:1/ws', ...client }, fixtures);
    await built.transport.dispose?.();
    expect(built.entries().map((e) => e.msg)).toContain('ca_file, cert_file and key_file set but the url is not wss://; not used');
  });
});
