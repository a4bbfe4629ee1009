import { describe, expect, it } from 'vitest';
import { ALERTS, describeSocketError, REASONS, VERIFY_ERRORS, type SocketErrorContext } from '../../../../src/plugins/transports/websocket/tls-errors.js';

/** err builds an error as Node raises it: a code and a message (the messages below were captured on Node 20). */
const err = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

const wss: SocketErrorContext = { secure: true, clientCert: false };
const wssWithCert: SocketErrorContext = { secure: true, clientCert: true };
const alertMessage = (n: number, reason: string) =>
  `write EPROTO 805CACBCC07F0000:error:0A000410:SSL routines:ssl3_read_bytes:${reason}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${n}\n`;

describe('describeSocketError: TLS failures in plain words', () => {
  const cases: [string, Error, SocketErrorContext, string][] = [
    [
      'TLS 1.3 hub wants a client certificate',
      err('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', alertMessage(116, 'tlsv13 alert certificate required').replace('write EPROTO ', '')),
      wss,
      'the hub asked for a client certificate; set cert_file and key_file (TLS alert 116)',
    ],
    [
      'TLS 1.2 handshake failure without a certificate',
      err('EPROTO', alertMessage(40, 'sslv3 alert handshake failure')),
      wss,
      'the hub ended the TLS handshake (handshake failure): it probably asked for a client certificate; set cert_file and key_file (TLS alert 40)',
    ],
    [
      'TLS 1.2 handshake failure with a certificate',
      err('EPROTO', alertMessage(40, 'sslv3 alert handshake failure')),
      wssWithCert,
      'the hub ended the TLS handshake (handshake failure): it refused our client certificate, or shares no TLS version or cipher with us (TLS alert 40)',
    ],
    ['our certificate is expired', err('EPROTO', alertMessage(45, 'sslv3 alert certificate expired')), wssWithCert, 'the hub says our client certificate has expired (TLS alert 45)'],
    ['our CA is unknown', err('EPROTO', alertMessage(48, 'tlsv1 alert unknown ca')), wssWithCert, 'the hub does not trust the CA that issued our client certificate (TLS alert 48)'],
    ['an alert the table lacks', err('EPROTO', alertMessage(90, 'tlsv1 alert user cancelled')), wss, 'the hub ended the TLS handshake (TLS alert 90)'],
    ['expired hub certificate', err('CERT_HAS_EXPIRED', 'certificate has expired'), wss, "certificate expired: the hub's certificate is past its end date (CERT_HAS_EXPIRED)"],
    ['self-signed hub certificate', err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), wss, "self-signed certificate; set ca_file to the hub's certificate (DEPTH_ZERO_SELF_SIGNED_CERT)"],
    [
      'hostname mismatch',
      err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: "),
      wss,
      "hostname mismatch: the hub's certificate is not for the host name in the url (ERR_TLS_CERT_ALTNAME_INVALID)",
    ],
    [
      'wss:// to a plain port',
      err('EPROTO', 'write EPROTO 805CACBCC07F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n'),
      wss,
      "the hub's port does not speak TLS (a wss:// url for a ws:// hub?) (wrong version number)",
    ],
    [
      'reset during the handshake, no certificate',
      err('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established'),
      wss,
      'the hub closed the connection during the TLS handshake; if it requires a client certificate, set cert_file and key_file (ECONNRESET)',
    ],
    [
      'reset after the handshake (TLS 1.3), with a certificate',
      err('ECONNRESET', 'socket hang up'),
      wssWithCert,
      'the hub closed the connection before answering; it may have refused our client certificate (ECONNRESET)',
    ],
    ['reset on plain ws:// keeps Node\'s words', err('ECONNRESET', 'socket hang up'), { secure: false, clientCert: false }, 'socket hang up'],
    ['anything else keeps Node\'s first line', err('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9\nmore'), wss, 'connect ECONNREFUSED 127.0.0.1:9'],
  ];
  it.each(cases)('%s', (_name, error, ctx, expected) => {
    expect(describeSocketError(error, ctx)).toBe(expected);
  });

  it('every verification code, alert and reason in the tables gives its words, one line without OpenSSL text', () => {
    for (const [code, words] of Object.entries(VERIFY_ERRORS)) expect(describeSocketError(err(code, 'x'), wss)).toBe(`${words} (${code})`);
    for (const n of Object.keys(ALERTS)) {
      for (const ctx of [wss, wssWithCert]) {
        const line = describeSocketError(err('EPROTO', alertMessage(Number(n), 'some alert')), ctx);
        expect(line).toMatch(new RegExp(`^the hub .* \\(TLS alert ${n}\\)$`));
        expect(line).not.toMatch(/SSL routines|\n/);
      }
    }
    for (const [reason, words] of Object.entries(REASONS)) {
      expect(describeSocketError(err('EPROTO', `write EPROTO 80:error:0A00010B:SSL routines:fn:${reason}:file.c:1:`), wss)).toBe(`${words} (${reason})`);
    }
  });
});

describe('describeSocketError: through a proxy', () => {
  const proxy = (status: number | undefined, hasCredentials = false): SocketErrorContext => ({
    secure: false,
    clientCert: false,
    proxy: { display: 'http://proxy.corp:3128/', tls: false, hasCredentials, connectStatus: () => status },
  });

  it('a refused CONNECT is the proxy\'s answer, not the hub\'s', () => {
    const response = (n: number) => err(undefined, `Unexpected server response: ${n}`);
    expect(describeSocketError(response(407), proxy(407))).toBe(
      'the proxy http://proxy.corp:3128/ asked for credentials (HTTP 407); put them in the proxy URL, http://user:password@host:port',
    );
    expect(describeSocketError(response(407), proxy(407, true))).toBe('the proxy http://proxy.corp:3128/ refused our credentials (HTTP 407)');
    expect(describeSocketError(response(403), proxy(403))).toBe('the proxy http://proxy.corp:3128/ refused to connect to the hub (HTTP 403)');
    // The tunnel was open (200): a 403 then is the hub's own answer to the upgrade.
    expect(describeSocketError(response(403), proxy(200))).toBe('Unexpected server response: 403');
  });

  it('failing to reach a host through a proxy is failing to reach the proxy', () => {
    expect(describeSocketError(err('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:3128'), proxy(undefined))).toBe(
      'cannot reach the proxy http://proxy.corp:3128/: connect ECONNREFUSED 10.0.0.1:3128',
    );
    expect(describeSocketError(err('ENOTFOUND', 'getaddrinfo ENOTFOUND proxy.corp'), proxy(undefined))).toBe(
      'cannot reach the proxy http://proxy.corp:3128/: getaddrinfo ENOTFOUND proxy.corp',
    );
  });

  it('a TLS failure before an https:// proxy answered CONNECT is the proxy\'s, not the hub\'s', () => {
    const https = (status: number | undefined): SocketErrorContext => ({
      secure: true,
      clientCert: false,
      proxy: { display: 'https://proxy.corp:8443/', tls: true, hasCredentials: false, connectStatus: () => status },
    });
    const selfSigned = err('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate');
    expect(describeSocketError(selfSigned, https(undefined))).toBe(
      'TLS to the proxy https://proxy.corp:8443/ failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); ca_file is trusted for the proxy too',
    );
    // Once the tunnel is open (200), certificate errors come from the hub inside it.
    expect(describeSocketError(selfSigned, https(200))).toBe("self-signed certificate; set ca_file to the hub's certificate (DEPTH_ZERO_SELF_SIGNED_CERT)");
  });
});
