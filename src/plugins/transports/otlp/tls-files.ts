import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCode, SidecarError } from '../../../core/errors.js';
import type { TransportContext } from '../../../plugin.js';
import type { OtlpOptions } from './config.js';
import type { RequestSettings } from './export-request.js';

type PemOption = 'ca_file' | 'cert_file' | 'key_file';

/** PEM_KINDS are what each file must hold: a marker to find, and its name for the error line. */
const PEM_KINDS: Record<PemOption, { readonly marker: RegExp; readonly name: string }> = {
  ca_file: { marker: /-----BEGIN CERTIFICATE-----/, name: 'PEM certificate' },
  cert_file: { marker: /-----BEGIN CERTIFICATE-----/, name: 'PEM certificate' },
  key_file: { marker: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, name: 'PEM private key' },
};

/** readPem reads one PEM file named by an option (relative to the plugins.json directory), one line on failure. */
async function readPem(ctx: TransportContext<OtlpOptions>, option: PemOption): Promise<Buffer | undefined> {
  const file = ctx.options[option];
  if (file === undefined) return undefined;
  const abs = path.resolve(ctx.configDir, file);
  let pem: Buffer;
  try {
    pem = await readFile(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(err)})`;
    throw new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `${option}: ${abs}: ${reason}`, true, { cause: err });
  }
  const kind = PEM_KINDS[option];
  if (!kind.marker.test(pem.toString('latin1'))) {
    throw new SidecarError(ErrorCode.PLUGIN_OPTIONS_INVALID, `${option}: ${abs}: no ${kind.name} in it`);
  }
  return pem;
}

/** loadTls reads ca_file, cert_file and key_file; it warns when they are set for a plain http:// endpoint. */
export async function loadTls(ctx: TransportContext<OtlpOptions>): Promise<RequestSettings['tls']> {
  const [ca, cert, key] = await Promise.all([readPem(ctx, 'ca_file'), readPem(ctx, 'cert_file'), readPem(ctx, 'key_file')]);
  if ((ca || cert) && !ctx.options.endpoint.startsWith('https:')) {
    ctx.logger.warn({ endpoint: new URL(ctx.options.endpoint).origin }, 'TLS files are set but the endpoint is not https://; they are not used');
  }
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}
