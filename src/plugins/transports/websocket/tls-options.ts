import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { TransportContext } from '../../../core/contracts/plugin.js';
import { readPemFile, tlsOptionError } from '../shared/pem-file.js';
import type { WebsocketOptions } from './config.js';

/** HubTls is the TLS material for the hub connection, read from the files the options name. */
export interface HubTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly passphrase?: string;
}

type FileOption = 'ca_file' | 'cert_file' | 'key_file';

/** readPem reads the file an option names, when it names one (see readPemFile). */
async function readPem(ctx: TransportContext<WebsocketOptions>, option: FileOption, marker: string, what: string) {
  const file = ctx.options[option];
  return file === undefined ? undefined : readPemFile(ctx.configDir, option, file, marker, what);
}

/**
 * checkPair builds a TLS context from the certificate and key now, so a wrong passphrase or a key that does not
 * belong to the certificate is a start-up error naming the file, not an OpenSSL string at every reconnect.
 */
function checkPair(cert: { abs: string; pem: Buffer }, key: { abs: string; pem: Buffer }, passphrase: string | undefined): void {
  try {
    createSecureContext({ cert: cert.pem, key: key.pem, passphrase });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_OSSL_BAD_DECRYPT') {
      // OpenSSL says "bad decrypt" both for a missing and for a wrong passphrase.
      throw passphrase === undefined
        ? tlsOptionError('key_file', key.abs, 'the key is encrypted; set key_passphrase (e.g. "${SIDECAR_KEY_PASSPHRASE}")', err)
        : tlsOptionError('key_passphrase', key.abs, 'wrong passphrase for this key', err);
    }
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
      throw tlsOptionError('key_file', key.abs, `not the private key of cert_file ${cert.abs}`, err);
    }
    if (code?.startsWith('ERR_OSSL_PEM') || code === 'ERR_OSSL_UNSUPPORTED') {
      throw tlsOptionError('key_file', key.abs, `cannot read the private key (${code})`, err);
    }
    throw tlsOptionError('cert_file', cert.abs, `cannot use the certificate and key (${code ?? (err as Error).message})`, err);
  }
}

/**
 * certValidity tells, for the first certificate of cert_file, whether it is outside its validity now: the hub
 * would refuse it, which is worth saying at start-up rather than as the hub's terse alert at each reconnect.
 */
function certValidity(pem: Buffer, now: number): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return undefined; // createSecureContext accepted it; an exotic PEM is not worth refusing here
  }
  if (Date.parse(cert.validTo) < now) return `the client certificate expired on ${new Date(cert.validTo).toISOString()}`;
  if (Date.parse(cert.validFrom) > now) return `the client certificate is not valid before ${new Date(cert.validFrom).toISOString()}`;
  return undefined;
}

/**
 * loadHubTls reads `ca_file`, `cert_file` and `key_file` once, at create time, and checks them: a missing,
 * unreadable or non-PEM file, an encrypted key without (or with a wrong) `key_passphrase`, or a key that is not
 * the certificate's, is a one-line error naming the option and the file. A client certificate outside its
 * validity is a warning (the hub decides; its clock may differ from ours). `caForProxy`: an https:// proxy
 * uses ca_file, so it is not unused with a ws:// url.
 */
export async function loadHubTls(ctx: TransportContext<WebsocketOptions>, caForProxy = false, now = Date.now()): Promise<HubTls> {
  const { options, logger } = ctx;
  const ca = await readPem(ctx, 'ca_file', '-----BEGIN CERTIFICATE-----', 'certificate');
  const cert = await readPem(ctx, 'cert_file', '-----BEGIN CERTIFICATE-----', 'certificate');
  const key = await readPem(ctx, 'key_file', 'PRIVATE KEY-----', 'private key');
  const passphrase = options.key_passphrase === '' ? undefined : options.key_passphrase;
  if (cert && key) {
    checkPair(cert, key, passphrase);
    const invalid = certValidity(cert.pem, now);
    if (invalid) logger.warn({ cert_file: cert.abs }, `cert_file ${cert.abs}: ${invalid}; the hub will likely refuse it`);
  }
  if ((ca || cert) && !options.url.startsWith('wss:')) {
    // An https:// proxy is verified against ca_file even for a ws:// hub.
    const unused = [ca && !caForProxy && 'ca_file', cert && 'cert_file and key_file'].filter(Boolean).join(', ');
    if (unused) logger.warn({ ca_file: ca?.abs, cert_file: cert?.abs }, `${unused} set but the url is not wss://; not used`);
  }
  return { ca: ca?.pem, cert: cert?.pem, key: key?.pem, passphrase: cert ? passphrase : undefined };
}
