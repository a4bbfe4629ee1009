import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tlsFixture } from './tls-hub.js';

/** TEST_DOMAIN is a name only the test proxy resolves (to 127.0.0.1), as a corporate proxy resolves the hub's. */
export const TEST_DOMAIN = 'sidecar.test';

/** ProxiedConnect is one CONNECT the proxy received. */
export interface ProxiedConnect {
  /** target is the request target, `host:port`. */
  target: string;
  /** authorization is the Proxy-Authorization header, if any. */
  authorization: string | undefined;
  /** status is what the proxy answered. */
  status: number;
}

export interface ConnectProxy {
  /** url is `http://127.0.0.1:<port>` (https:// with tlsCert) without credentials. */
  url: string;
  port: number;
  connects: ProxiedConnect[];
  close(): Promise<void>;
}

/**
 * startConnectProxy starts a real HTTP CONNECT proxy on 127.0.0.1 (node:http's 'connect' event, as squid or
 * tinyproxy answer it): with `credentials` ("user:password") it answers 407 to a CONNECT without the matching
 * Basic Proxy-Authorization; names under TEST_DOMAIN are resolved to 127.0.0.1. With `tlsCert` (a fixture, with
 * hub.key) it is an https:// proxy.
 */
export async function startConnectProxy(opts: { credentials?: string; tlsCert?: string } = {}): Promise<ConnectProxy> {
  const expected = opts.credentials && `Basic ${Buffer.from(opts.credentials).toString('base64')}`;
  const connects: ProxiedConnect[] = [];
  const sockets = new Set<Socket>();
  const refuse = (_req: unknown, res: { writeHead(n: number): { end(): void } }) => res.writeHead(405).end();
  const server = opts.tlsCert ? createTlsServer({ key: tlsFixture('hub.key'), cert: tlsFixture(opts.tlsCert) }, refuse) : createServer(refuse);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('error', () => undefined);
    const authorization = req.headers['proxy-authorization'];
    let answered = false;
    const answer = (status: number, text: string, extra = '') => {
      answered = true;
      connects.push({ target: req.url ?? '', authorization, status });
      client.write(`HTTP/1.1 ${status} ${text}\r\n${extra}\r\n`);
    };
    if (expected && authorization !== expected) {
      answer(407, 'Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="test"\r\n');
      return void client.end();
    }
    const url = new URL(`http://${req.url ?? ''}`);
    const host = url.hostname.endsWith(`.${TEST_DOMAIN}`) ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
    const upstream = connect(Number(url.port), host, () => {
      answer(200, 'Connection Established');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => {
      if (!answered) answer(502, 'Bad Gateway');
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tlsCert ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    connects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
