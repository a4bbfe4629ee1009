import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { report, startExporter, stopAll } from './helpers.js';

afterEach(stopAll);

/** listenOn binds a plain TCP server on 127.0.0.1 (port 0: any), for holding or probing a port. */
async function listenOn(port: number): Promise<Server> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('prometheus transport: HTTP', () => {
  it('answers 404 for other paths and 405 for other methods, and serves HEAD and a query string', async () => {
    const exporter = await startExporter();
    const base = exporter.url.replace(/\/metrics$/, '');
    const notFound = await fetch(`${base}/`);
    expect(notFound.status).toBe(404);
    expect(await notFound.text()).toContain('/metrics');
    expect((await fetch(`${base}/metrics/extra`)).status).toBe(404);
    const post = await fetch(exporter.url, { method: 'POST', body: 'x=1' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(exporter.url, { method: 'DELETE' })).status).toBe(405);
    const head = await fetch(exporter.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${exporter.url}?collect[]=x`)).status).toBe(200);
    expect(exporter.transport.status()).toMatchObject({ scrapes: 1, listening: true, last_error: null });
  });

  it('survives malformed requests and keeps serving', async () => {
    const exporter = await startExporter();
    const socket = createConnection(exporter.transport.port!, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.end('NOT HTTP AT ALL\r\n\x00\x01\r\n\r\n');
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    await once(socket, 'close');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    exporter.transport.send(report({ cpu_percent: 5 }));
    expect((await exporter.scrape()).value('sidecar_cpu_percent')).toBe(5);
  });

  it('answers 500 and records the reason when the runtime status cannot be read, then recovers', async () => {
    const exporter = await startExporter();
    const good = exporter.runtime;
    Object.defineProperty(exporter, 'runtime', { configurable: true, get: () => { throw new Error('status exploded'); } });
    const res = await fetch(exporter.url);
    expect(res.status).toBe(500);
    expect(exporter.transport.status()).toMatchObject({ last_error: 'status exploded', scrapes: 0, listening: true });
    expect(exporter.log.records().filter((r) => r.level === 40).map((r) => r.reason)).toEqual(['status exploded']);
    Object.defineProperty(exporter, 'runtime', { configurable: true, value: good });
    await exporter.scrape();
    expect(exporter.transport.status()).toMatchObject({ last_error: null, scrapes: 1 });
  });

  it('rejects start with one line naming host:port when the port is taken', async () => {
    const holder = await listenOn(0);
    const { port } = holder.address() as AddressInfo;
    try {
      const failure = await startExporter({ host: '127.0.0.1', port }).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(failure!.message).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use (EADDRINUSE)`);
      expect(failure!.message).not.toContain('\n');
    } finally {
      await close(holder);
    }
  });

  it('stop closes open connections at once, even one mid-request, and frees the port', async () => {
    const exporter = await startExporter();
    const port = exporter.transport.port!;
    await exporter.scrape(); // fetch keeps this idle connection alive for reuse
    const slow = createConnection(port, '127.0.0.1');
    slow.on('error', () => undefined);
    await once(slow, 'connect');
    slow.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // a request still coming in
    await new Promise((resolve) => setTimeout(resolve, 50));
    const slowClosed = once(slow, 'close');
    const started = performance.now();
    await exporter.transport.stop();
    await slowClosed;
    expect(performance.now() - started).toBeLessThan(500);
    expect(exporter.transport.status()).toMatchObject({ listening: false, port: null });
    await expect(fetch(exporter.url)).rejects.toThrow();
    const reuse = await listenOn(port);
    await close(reuse);
    await exporter.transport.stop(); // idempotent
  });
});
