import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

/** FIXTURES holds the Ollama sample responses (copies of the shared fixtures). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/ollama/', import.meta.url));

/** readFixture returns one shared fixture's text. */
export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** FakeOllama is a real HTTP server on 127.0.0.1 answering /api/ps and /api/version like Ollama. */
export interface FakeOllama {
  readonly url: string;
  /** psBody is what /api/ps answers next. */
  psBody: string;
  close(): Promise<void>;
}

/** startFakeOllama serves `psBody` at /api/ps and the version fixture at /api/version. */
export async function startFakeOllama(psBody: string): Promise<FakeOllama> {
  const state = { psBody };
  const server: Server = createServer((req, res) => {
    const body = req.url === '/api/ps' ? state.psBody : req.url === '/api/version' ? readFixture('version.json') : undefined;
    if (body === undefined) {
      res.writeHead(404).end('404 page not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
