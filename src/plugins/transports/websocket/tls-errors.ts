/**
 * Socket errors in plain words. OpenSSL and Node describe a failed TLS connection as
 * `write EPROTO 80...:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:...`; the
 * user needs "the hub asked for a client certificate" and what to set. The words are chosen by error code
 * (Node's certificate verification codes), TLS alert number and OpenSSL reason, never by parsing prose.
 */

/** SocketErrorContext is what the words depend on: the scheme, whether we have a client certificate, the proxy. */
export interface SocketErrorContext {
  /** secure: the hub URL is wss://. */
  readonly secure: boolean;
  /** clientCert: cert_file and key_file are set. */
  readonly clientCert: boolean;
  readonly proxy?: {
    /** display is the proxy URL without credentials. */
    readonly display: string;
    /** tls: the proxy is https://, so a TLS error before it answered CONNECT is about the proxy. */
    readonly tls: boolean;
    readonly hasCredentials: boolean;
    /** connectStatus is the proxy's last answer to CONNECT. */
    connectStatus(): number | undefined;
  };
}

type Words = string | ((ctx: SocketErrorContext) => string);

const SET_CERT = 'set cert_file and key_file';
const UNKNOWN_CA = "the hub's certificate is signed by a CA this host does not trust; set ca_file to that CA";

/** VERIFY_ERRORS are Node's codes for a hub certificate that failed our verification. */
export const VERIFY_ERRORS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: "certificate expired: the hub's certificate is past its end date",
  CERT_NOT_YET_VALID: "the hub's certificate is not valid yet (is this host's clock right?)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate; set ca_file to the hub's certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "the hub's certificate chain ends in a self-signed CA this host does not trust; set ca_file to that CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT: UNKNOWN_CA,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `${UNKNOWN_CA} (or the hub does not send its intermediate certificates)`,
  ERR_TLS_CERT_ALTNAME_INVALID: "hostname mismatch: the hub's certificate is not for the host name in the url",
  HOSTNAME_MISMATCH: "hostname mismatch: the hub's certificate is not for the host name in the url",
  CERT_REVOKED: "the hub's certificate has been revoked",
  CERT_SIGNATURE_FAILURE: "the hub's certificate has an invalid signature",
  CERT_UNTRUSTED: "the hub's certificate is not trusted for this purpose",
  CERT_REJECTED: "the hub's certificate is marked as rejected for this purpose",
  INVALID_PURPOSE: "the hub's certificate is not meant for a server (its key usage says otherwise)",
  INVALID_CA: "a CA certificate in the hub's chain is not a valid CA",
  CERT_CHAIN_TOO_LONG: "the hub's certificate chain is too long",
  PATH_LENGTH_EXCEEDED: "the hub's certificate chain is longer than its CA allows",
};

/** ALERTS are the TLS alerts (RFC 8446 §6) a hub sends when it ends the handshake, by number. */
export const ALERTS: Readonly<Record<number, Words>> = {
  40: (ctx) =>
    ctx.clientCert
      ? 'the hub ended the TLS handshake (handshake failure): it refused our client certificate, or shares no TLS version or cipher with us'
      : `the hub ended the TLS handshake (handshake failure): it probably asked for a client certificate; ${SET_CERT}`,
  42: 'the hub refused our client certificate (bad certificate)',
  43: "the hub does not support our client certificate's type",
  44: 'the hub says our client certificate has been revoked',
  45: 'the hub says our client certificate has expired',
  46: 'the hub refused our client certificate (certificate unknown)',
  48: 'the hub does not trust the CA that issued our client certificate',
  49: 'the hub denied access (TLS access denied)',
  51: 'the hub could not verify our handshake signature (is key_file the key of cert_file?)',
  70: 'the hub and the sidecar share no TLS version',
  71: 'the hub requires stronger TLS ciphers than we offer',
  80: 'the hub had an internal TLS error',
  112: 'the hub does not serve the host name in the url (TLS unrecognized name)',
  116: (ctx) =>
    ctx.clientCert
      ? 'the hub asked for a client certificate and did not accept ours as sent'
      : `the hub asked for a client certificate; ${SET_CERT}`,
};

/** REASONS are OpenSSL reasons that are not alerts from the hub: what went wrong on our side of the handshake. */
export const REASONS: Readonly<Record<string, string>> = {
  'wrong version number': "the hub's port does not speak TLS (a wss:// url for a ws:// hub?)",
  'unsupported protocol': 'the hub and the sidecar share no TLS version',
  'no protocols available': 'the hub and the sidecar share no TLS version',
  'packet length too long': "the hub's port does not speak TLS (a wss:// url for a ws:// hub?)",
};

/** NETWORK_CODES are failures to reach a host; through a proxy, the host reached is the proxy. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const words = (w: Words, ctx: SocketErrorContext): string => (typeof w === 'function' ? w(ctx) : w);

/** isTlsError tells a TLS failure (certificate verification, an alert, an OpenSSL reason) from a network one. */
const isTlsError = (err: Error & { code?: string }): boolean =>
  (err.code !== undefined && err.code in VERIFY_ERRORS) || /SSL routines|SSL alert/.test(err.message) || err.code?.startsWith('ERR_SSL_') === true;

/** NODE_CA_HINT is the advice Node 24 appends to certificate errors; ours (ca_file) is the one that applies here. */
const NODE_CA_HINT = /; if the root CA is installed locally, try running Node\.js with --use-system-ca/;

/** firstLine is the error as Node words it, on one line: the fallback for what the tables do not know. */
const firstLine = (err: Error): string => (err.message.split('\n')[0] || err.name).replace(NODE_CA_HINT, '');

/**
 * describeSocketError words one socket error in one line: plain words first, then the code in parentheses to
 * search for. Errors the tables do not know keep Node's own first line.
 */
export function describeSocketError(err: Error & { code?: string }, ctx: SocketErrorContext): string {
  const code = err.code ?? '';
  const { proxy } = ctx;
  if (proxy?.tls && proxy.connectStatus() === undefined && isTlsError(err)) {
    return `TLS to the proxy ${proxy.display} failed: ${firstLine(err)} (${code || 'TLS'}); ca_file is trusted for the proxy too`;
  }
  const verify = VERIFY_ERRORS[code];
  if (verify) return `${verify} (${code})`;
  const alert = /SSL alert number (\d+)/.exec(err.message);
  if (alert) {
    const w = ALERTS[Number(alert[1])];
    return `${w ? words(w, ctx) : 'the hub ended the TLS handshake'} (TLS alert ${alert[1]})`;
  }
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(err.message)?.[1];
  if (reason && REASONS[reason]) return `${REASONS[reason]} (${reason})`;
  const response = /^Unexpected server response: (\d+)/.exec(err.message);
  if (proxy && response) {
    const status = Number(response[1]);
    // The proxy's CONNECT answer and the hub's upgrade answer both surface as this one message.
    if (proxy.connectStatus() === status) return proxyRefusal(status, proxy);
  }
  if (proxy && NETWORK_CODES.has(code)) return `cannot reach the proxy ${proxy.display}: ${firstLine(err)}`;
  if (code === 'ECONNRESET' && ctx.secure) {
    const during = err.message.includes('before secure TLS connection') ? 'during the TLS handshake' : 'before answering';
    // A hub that refuses a client certificate may simply drop the connection (Node's own TLS server does).
    const hint = ctx.clientCert ? '; it may have refused our client certificate' : `; if it requires a client certificate, ${SET_CERT}`;
    return `the hub closed the connection ${during}${hint} (ECONNRESET)`;
  }
  return firstLine(err);
}

/** proxyRefusal words a CONNECT the proxy refused. */
function proxyRefusal(status: number, proxy: NonNullable<SocketErrorContext['proxy']>): string {
  if (status === 407) {
    return proxy.hasCredentials
      ? `the proxy ${proxy.display} refused our credentials (HTTP 407)`
      : `the proxy ${proxy.display} asked for credentials (HTTP 407); put them in the proxy URL, http://user:password@host:port`;
  }
  return `the proxy ${proxy.display} refused to connect to the hub (HTTP ${status})`;
}
