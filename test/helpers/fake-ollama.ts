import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closeAll, serve } from './http-server.js';

/** FIXTURES holds the Ollama sample responses (copies of the shared fixtures). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/ollama/', import.meta.url));

/** readFixture returns one fixture's text. */
export function readFixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}

/** FakeOllama is a real HTTP server on 127.0.0.1 answering /api/ps and /api/version like Ollama. */
export interface FakeOllama {
  readonly url: string;
  /** psBody is what /api/ps answers next. */
  psBody: string;
  /** close closes it (and any other server started through http-server.ts). */
  close(): Promise<void>;
}

/** startFakeOllama serves `psBody` at /api/ps and the version fixture at /api/version. */
export async function startFakeOllama(psBody: string): Promise<FakeOllama> {
  const state = { psBody };
  const url = await serve((req, res) => {
    const body = req.url === '/api/ps' ? state.psBody : req.url === '/api/version' ? readFixture('version.json') : undefined;
    if (body === undefined) return void res.writeHead(404).end('404 page not found');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
  return Object.assign(state, { url, close: closeAll });
}
