import { readFileSync } from 'node:fs';
import { createServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';

/** TLS_FIXTURES is the folder of test certificates and keys (made by fixtures/tls/make.sh, valid until 2126). */
export const TLS_FIXTURES = path.join(import.meta.dirname, 'fixtures', 'tls');

/** tlsFixture reads one fixture file. */
export const tlsFixture = (name: string): Buffer => readFileSync(path.join(TLS_FIXTURES, name));

export interface TlsHubOptions {
  /** cert is the hub's certificate fixture (default hub.pem, for 127.0.0.1, localhost and hub.sidecar.test); its key is hub.key. */
  cert?: string;
  /** requireClientCert: demand a client certificate signed by the test CA, as an mTLS hub does (default true). */
  requireClientCert?: boolean;
  maxVersion?: ServerOptions['maxVersion'];
}

/** TlsHub is a wss:// hub on 127.0.0.1 that answers identify and ping, and records who identified. */
export interface TlsHub {
  url: string;
  port: number;
  /** identified lists, per identify answered, the CN of the client certificate (undefined without one). */
  identified: (string | undefined)[];
  /** reports counts the resource_report frames received. */
  reports: number;
  /** tlsErrors lists the codes of handshakes the hub refused (e.g. ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE). */
  tlsErrors: string[];
  close(): Promise<void>;
}

/** startTlsHub starts a real TLS WebSocket server with the test CA, by default requiring a client certificate. */
export async function startTlsHub(opts: TlsHubOptions = {}): Promise<TlsHub> {
  const requestCert = opts.requireClientCert ?? true;
  const server = createServer({
    key: tlsFixture('hub.key'),
    cert: tlsFixture(opts.cert ?? 'hub.pem'),
    // The CA verifies client certificates; a server also sends it along with its own, so only when needed.
    ...(requestCert ? { ca: tlsFixture('ca.pem') } : {}),
    requestCert,
    rejectUnauthorized: requestCert,
    ...(opts.maxVersion ? { maxVersion: opts.maxVersion } : {}),
  });
  const hub: Omit<TlsHub, 'url' | 'port' | 'close'> = { identified: [], reports: 0, tlsErrors: [] };
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => hub.tlsErrors.push(err.code ?? err.message));
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (frame.type === 'identify') {
        hub.identified.push(typeof cn === 'string' ? cn : undefined);
        ws.send(JSON.stringify({ type: 'identified', agent_id: frame.agent_id }));
      } else if (frame.type === 'resource_report') hub.reports++;
      else if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong', timestamp: Date.now() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(hub, {
    url: `wss://127.0.0.1:${port}/ws`,
    port,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
