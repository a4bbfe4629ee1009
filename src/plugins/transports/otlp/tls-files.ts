import type { TransportContext } from '../../../plugin.js';
import { readPemFile } from '../shared/pem-file.js';
import type { OtlpOptions } from './config.js';
import type { RequestSettings } from './export-request.js';

/** PEM_KINDS are what each TLS option's file must hold: a marker to find, and its name for the error line. */
const PEM_KINDS = {
  ca_file: { marker: '-----BEGIN CERTIFICATE-----', what: 'certificate' },
  cert_file: { marker: '-----BEGIN CERTIFICATE-----', what: 'certificate' },
  key_file: { marker: 'PRIVATE KEY-----', what: 'private key' },
} as const;

type PemOption = keyof typeof PEM_KINDS;

/** readPem reads the file an option names, when it names one. */
async function readPem(ctx: TransportContext<OtlpOptions>, option: PemOption): Promise<Buffer | undefined> {
  const file = ctx.options[option];
  if (file === undefined) return undefined;
  const { marker, what } = PEM_KINDS[option];
  return (await readPemFile(ctx.configDir, option, file, marker, what)).pem;
}

/** loadTls reads ca_file, cert_file and key_file; it warns when they are set for a plain http:// endpoint. */
export async function loadTls(ctx: TransportContext<OtlpOptions>): Promise<RequestSettings['tls']> {
  const [ca, cert, key] = await Promise.all([readPem(ctx, 'ca_file'), readPem(ctx, 'cert_file'), readPem(ctx, 'key_file')]);
  if ((ca || cert) && !ctx.options.endpoint.startsWith('https:')) {
    ctx.logger.warn({ endpoint: new URL(ctx.options.endpoint).origin }, 'TLS files are set but the endpoint is not https://; they are not used');
  }
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}
