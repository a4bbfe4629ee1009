import type { RequestListener } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaVramCollector } from '../../../../src/plugins/collectors/ollama-vram/collector.js';
import { closeAll, closedPort, json, serve } from '../../../helpers/http-server.js';

const never = () => new AbortController().signal;
const collect = async (url: string, signal = never()) => createOllamaVramCollector({ url, models: true }).collect(signal);
const model = (fields: Record<string, unknown>) => ({ name: 'm:1b', size: 100, size_vram: 10, ...fields });

/** rejection awaits a collection that must fail and returns its error, checking it is one line naming the URL. */
async function rejection(url: string, signal?: AbortSignal): Promise<Error> {
  const err = await collect(url, signal).then(
    () => expect.fail('collect() resolved'),
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(Error);
  expect(err.message.startsWith(`GET ${url}/api/ps: `)).toBe(true);
  expect(err.message).not.toContain('\n');
  return err;
}

afterEach(closeAll);

describe('ollama-vram when Ollama fails', () => {
  it.each([
    ['HTTP 500', json({ error: 'boom' }, 500), /: HTTP 500 Internal Server Error$/],
    ['HTTP 404', json('404 page not found', 404), /: HTTP 404 Not Found$/],
    ['a redirect', (req, res) => {
      if (req.url === '/api/ps') res.writeHead(302, { location: '/moved' }).end();
      else json({ models: [model({})] })(req, res);
    }, /redirect/],
    ['HTML', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>\n<body>hi'), /not JSON \(content-type text\/html\)/],
    ['truncated JSON', json('{"models":[{"size_vram":1'), /not JSON/],
    ['an empty body', json(''), /not JSON/],
    ['invalid UTF-8', (_req, res) => res.end(Buffer.from('{"models":[],"x":"\xff"}', 'latin1')), /not JSON/],
    ['a list', json([]), /unexpected response: expected an object with a "models" list/],
    ['no models', json({ error: 'x' }), /unexpected response: missing "models" list/],
    ['models not a list', json({ models: 'none' }), /"models": expected a list/],
    ['a negative size_vram', json({ models: [model({ size_vram: -5 })] }), /models\[0\]\.size_vram: expected a non-negative integer, got -5/],
    ['a fractional size_vram', json({ models: [model({ size_vram: 1.25 })] }), /got 1\.25/],
    ['a string size_vram', json({ models: [model({ size_vram: '1024' })] }), /got "1024"/],
    ['a model without a name', json({ models: [model({}), model({ name: undefined })] }), /models\[1\]\.name: expected a string, got nothing/],
    ['a model without a size', json({ models: [model({ size: undefined })] }), /models\[0\]\.size: expected a non-negative integer, got nothing/],
    ['a zero context_length', json({ models: [model({ context_length: 0 })] }), /models\[0\]\.context_length: expected a positive integer, got 0/],
    ['a string context_length', json({ models: [model({ context_length: '4096' })] }), /context_length: expected a positive integer, got "4096"/],
  ] satisfies [string, RequestListener, RegExp][])('rejects %s', async (_name, handler, message) => {
    expect((await rejection(await serve(handler))).message).toMatch(message);
  });

  it('rejects a body over 1 MiB, streamed without Content-Length', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"models":[');
      for (let i = 0; i < 24; i++) res.write(chunk);
      res.end(']}');
    });
    expect((await rejection(url)).message).toMatch(/response body exceeds 1048576 bytes/);
  });

  it('rejects a body whose Content-Length is over 1 MiB without waiting for it', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 });
      res.write('{"models":[');
    });
    const started = performance.now();
    expect((await rejection(url, AbortSignal.timeout(5000))).message).toMatch(/exceeds 1048576 bytes/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops reading a body that never ends', async () => {
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (!res.destroyed && res.write(Buffer.alloc(16 * 1024, 0x20))) written += 16 * 1024;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.write('{"models":[');
      pump();
    });
    const started = performance.now();
    expect((await rejection(url)).message).toMatch(/exceeds 1048576 bytes/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('gives up when the server never answers and the deadline passes', async () => {
    const url = await serve(() => undefined);
    const started = performance.now();
    expect((await rejection(url, AbortSignal.timeout(200))).message).toMatch(/: timed out$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('gives up when the body stalls and the deadline passes', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"models":[');
    });
    const started = performance.now();
    expect((await rejection(url, AbortSignal.timeout(200))).message).toMatch(/: timed out$/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('says aborted when the signal is aborted for another reason', async () => {
    const url = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(url, controller.signal)).message).toMatch(/: aborted$/);
  });

  it('rejects when the connection is refused', async () => {
    expect((await rejection(await closedPort())).message).toMatch(/ECONNREFUSED/);
  });
});
