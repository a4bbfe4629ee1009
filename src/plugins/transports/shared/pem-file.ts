import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, SidecarError } from '../../../core/errors.js';

/** PemFile is a PEM file an option named: its absolute path and its bytes. */
export interface PemFile {
  readonly abs: string;
  readonly pem: Buffer;
}

/** tlsOptionError is the one-line error for a bad TLS option: its JSON path, the file, what is wrong. */
export function tlsOptionError(option: string, file: string, reason: string, cause?: unknown): SidecarError {
  return new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `options.${option}: ${file}: ${reason}`, true, { cause });
}

/**
 * readPemFile reads `file` (relative to the plugins.json directory `configDir`) for the option `option` and checks
 * it holds `marker` (`-----BEGIN CERTIFICATE-----`...); every failure is one line naming the option and the file.
 * The websocket and otlp transports read their ca_file, cert_file and key_file with it.
 */
export async function readPemFile(configDir: string, option: string, file: string, marker: string, what: string): Promise<PemFile> {
  const abs = path.resolve(configDir, file);
  let pem: Buffer;
  try {
    pem = await readFile(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(err)})`;
    throw tlsOptionError(option, abs, reason, err);
  }
  if (!pem.includes(marker)) throw tlsOptionError(option, abs, `no PEM ${what} in it (expected "${marker}")`);
  return { abs, pem };
}
