// A fake Ollama on 127.0.0.1: /api/ps answers a shared fixture, /api/version a version; keep-alive.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** FIXTURE is the /api/ps answer: the shared fixture, or BENCH_OLLAMA_FIXTURE. */
const FIXTURE = process.env.BENCH_OLLAMA_FIXTURE ?? fileURLToPath(new URL('../../test/fixtures/ollama/ps-one-gpu.json', import.meta.url));

// The same content as the shared ps-one-gpu.json, for a checkout without /work/shared.
const FALLBACK = JSON.stringify({
  models: [
    {
      name: 'llama3.1:8b',
      model: 'llama3.1:8b',
      size: 6654289920,
      digest: 'f6593b399ce7f4e42477d919debf25c6165a5602a9e4afe3fe7a7f89a7aeb4c7',
      details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '8.0B', quantization_level: 'Q4_K_M' },
      expires_at: '2025-11-03T14:27:41.512934118-08:00',
      size_vram: 6654289920,
      context_length: 4096,
    },
  ],
});

/** startFakeOllama listens on a free loopback port; returns { url, fixture, requests(), close() }. */
export async function startFakeOllama() {
  const fixture = existsSync(FIXTURE) ? FIXTURE : 'built-in copy of ps-one-gpu.json';
  const ps = Buffer.from(existsSync(FIXTURE) ? readFileSync(FIXTURE, 'utf8') : FALLBACK);
  const version = Buffer.from('{"version":"0.12.6"}');
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const body = req.url === '/api/ps' ? ps : req.url === '/api/version' ? version : undefined;
    if (!body) return void res.writeHead(404).end('404 page not found');
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    fixture,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
