import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const servers = new Set<Server>();

/** serve starts a real HTTP server on 127.0.0.1 (a free port, or `port`) and returns its base URL. */
export async function serve(handler: RequestListener, port = 0): Promise<string> {
  const server = createServer(handler);
  servers.add(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** closedPort returns the URL of a port that was just listening and now refuses connections. */
export async function closedPort(): Promise<string> {
  const url = await serve(() => undefined);
  await closeAll();
  return url;
}

/** closeAll drops every open connection and closes every server started by `serve`. */
export async function closeAll(): Promise<void> {
  const closing = [...servers].map((server) => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  servers.clear();
  await Promise.all(closing);
}

/** json answers every request with `status` and `body` as JSON text (written as is when a string). */
export function json(body: unknown, status = 200): RequestListener {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(text);
  };
}
