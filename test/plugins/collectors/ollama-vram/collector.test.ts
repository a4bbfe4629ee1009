import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaVramCollector } from '../../../../src/plugins/collectors/ollama-vram/collector.js';
import { HttpGetter } from '../../../../src/plugins/collectors/ollama-vram/http-get.js';
import { closeAll, closedPort, json, serve } from '../../../helpers/http-server.js';

const SHARED = fileURLToPath(new URL('../../../fixtures/ollama/', import.meta.url));
const OWN = fileURLToPath(new URL('./fixtures/', import.meta.url));

// What each /api/ps sample reports: the shared fixtures' documented sums (see their README), and our own cases.
const EXPECTED: Record<string, { vram_used_bytes: number; ollama_models: unknown[] }> = {
  [`${SHARED}ps-empty.json`]: { vram_used_bytes: 0, ollama_models: [] },
  [`${SHARED}ps-one-gpu.json`]: {
    vram_used_bytes: 6_654_289_920,
    ollama_models: [{
      name: 'llama3.1:8b', size_bytes: 6_654_289_920, vram_bytes: 6_654_289_920, gpu_share: 1,
      context_length: 4096, expires_at: '2025-11-03T14:27:41.512934118-08:00',
    }],
  },
  [`${SHARED}ps-cpu-only.json`]: {
    vram_used_bytes: 0,
    ollama_models: [{
      name: 'phi3:mini', size_bytes: 4_162_682_880, vram_bytes: 0, gpu_share: 0,
      context_length: 4096, expires_at: '2025-11-03T22:40:18.301447205Z',
    }],
  },
  [`${OWN}ps-split.json`]: {
    vram_used_bytes: 24_199_036_928,
    ollama_models: [
      {
        name: 'llama3.3:70b', size_bytes: 48_946_585_600, vram_bytes: 23_622_320_128, gpu_share: 0.483,
        context_length: 8192, expires_at: '2025-11-03T14:31:07.117052906-08:00',
      },
      {
        name: 'nomic-embed-text:latest', size_bytes: 576_716_800, vram_bytes: 576_716_800, gpu_share: 1,
        context_length: 2048, expires_at: '2025-11-03T14:26:12.000000000-08:00',
      },
    ],
  },
  // A server before v0.9.7 sends no context_length.
  [`${OWN}ps-no-context.json`]: {
    vram_used_bytes: 5_137_025_024,
    ollama_models: [{
      name: 'mistral:7b', size_bytes: 5_137_025_024, vram_bytes: 5_137_025_024, gpu_share: 1,
      context_length: null, expires_at: '2025-06-01T10:05:00.123456789Z',
    }],
  },
};

const never = () => new AbortController().signal;
const collect = async (url: string, models = true) => createOllamaVramCollector({ url, models }).collect(never());
const identify = async (url: string, signal = never()) => createOllamaVramCollector({ url, models: true }).identify!(signal);

afterEach(closeAll);

describe('ollama-vram against the fixtures', () => {
  it('finds the fixture directories', () => {
    expect(existsSync(SHARED)).toBe(true);
    const ps = [...readdirSync(SHARED).map((f) => `${SHARED}${f}`), ...readdirSync(OWN).map((f) => `${OWN}${f}`)];
    expect(ps.filter((f) => /\/ps-[^/]*$/.test(f)).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', async (file, expected) => {
    const body = readFileSync(file, 'utf8');
    const requests: string[] = [];
    const url = await serve((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      json(body)(req, res);
    });
    expect(await collect(url)).toEqual({ ...expected, vram_total_bytes: null });
    expect(requests).toEqual(['GET /api/ps']);
  });

  it('reports ollama_models as null when the models option is off', async () => {
    const url = await serve(json(readFileSync(`${SHARED}ps-one-gpu.json`, 'utf8')));
    expect(await collect(url, false)).toEqual({ vram_used_bytes: 6_654_289_920, vram_total_bytes: null, ollama_models: null });
  });

  it('version.json (the /api/version answer) is not mistaken for a /api/ps answer', async () => {
    const url = await serve(json(readFileSync(`${SHARED}version.json`, 'utf8')));
    await expect(collect(url)).rejects.toThrow(`GET ${url}/api/ps: unexpected response: missing "models" list`);
  });
});

describe('ollama-vram when Ollama answers well', () => {
  it('sums a split model and a GPU model, under a base URL with a path and a trailing slash', async () => {
    const models = [{ name: 'a', size: 900, size_vram: 400 }, { name: 'b', size: 50, size_vram: 50 }];
    let path = '';
    const base = await serve((req, res) => {
      path = req.url ?? '';
      json({ models })(req, res);
    });
    const report = await collect(`${base}/ollama/`);
    expect(report).toMatchObject({ vram_used_bytes: 450, vram_total_bytes: null });
    expect(report.ollama_models).toMatchObject([
      { name: 'a', gpu_share: 0.444, context_length: null, expires_at: null },
      { name: 'b', gpu_share: 1 },
    ]);
    expect(path).toBe('/ollama/api/ps');
  });

  it('accepts a body just under 1 MiB', async () => {
    const body = `{"models":[{"name":"m","size":42,"size_vram":42}]}${' '.repeat(1024 * 1024 - 60)}`;
    expect((await collect(await serve(json(body)))).vram_used_bytes).toBe(42);
  });
});

describe('ollama-vram identify', () => {
  it('returns the configured url and the server version', async () => {
    const requests: string[] = [];
    const url = await serve((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      json(readFileSync(`${SHARED}version.json`, 'utf8'))(req, res);
    });
    expect(await identify(`${url}/`)).toEqual({ ollama_url: `${url}/`, ollama_version: '0.12.6' });
    expect(requests).toEqual(['GET /api/version']);
  });

  it('returns just the url when the version endpoint is down', async () => {
    const url = await closedPort();
    expect(await identify(url)).toEqual({ ollama_url: url });
  });

  it.each([
    ['HTTP 404', json('404 page not found', 404)],
    ['not JSON', json('<html>')],
    ['no version', json({ v: '1' })],
    ['a version that is not a string', json({ version: 12 })],
    ['an empty version', json({ version: ' ' })],
    ['an oversized body', json({ version: '1', pad: ' '.repeat(70 * 1024) })],
  ])('returns just the url when the version endpoint answers %s', async (_name, handler) => {
    const url = await serve(handler);
    expect(await identify(url)).toEqual({ ollama_url: url });
  });

  it('gives up on a silent version endpoint within a second, or at the signal', async () => {
    const url = await serve(() => undefined);
    let started = performance.now();
    expect(await identify(url)).toEqual({ ollama_url: url });
    expect(performance.now() - started).toBeLessThan(1500);
    started = performance.now();
    expect(await identify(url, AbortSignal.timeout(100))).toEqual({ ollama_url: url });
    expect(performance.now() - started).toBeLessThan(600);
  });
});

describe('ollama-vram: the handshake beside a stalled /api/ps', () => {
  it('sends advertise_url as ollama_url, and still asks the version from url', async () => {
    const requests: string[] = [];
    const url = await serve((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      json({ version: '0.12.6' })(req, res);
    });
    const collector = createOllamaVramCollector({ url, advertise_url: 'http://gpu-box.lan:11434', models: true });
    expect(await collector.identify!(never())).toEqual({ ollama_url: 'http://gpu-box.lan:11434', ollama_version: '0.12.6' });
    expect(requests).toEqual(['GET /api/version']);
    await collector.dispose?.();
  });

  it('answers /api/version at once while a /api/ps hangs on the kept-alive connection', async () => {
    // A server that accepts /api/ps and never answers it, but answers /api/version.
    const url = await serve((req, res) => {
      if (req.url === '/api/version') json({ version: '0.12.6' })(req, res);
    });
    const collector = createOllamaVramCollector({ url, models: true });
    const hung = Promise.resolve(collector.collect(AbortSignal.timeout(5000))).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the /api/ps request holds its socket now
    const started = performance.now();
    expect(await collector.identify!(AbortSignal.timeout(3000))).toEqual({ ollama_url: url, ollama_version: '0.12.6' });
    expect(performance.now() - started).toBeLessThan(500);
    await collector.dispose?.();
    expect(String(await hung)).toMatch(/\/api\/ps/);
  });

  it('a request queued behind a stalled one gives up at its own abort, not when the connection frees', async () => {
    const url = await serve(() => undefined);
    const getter = new HttpGetter(); // one kept-alive socket: the second request waits for the first
    const first = getter.get(new URL(`${url}/api/ps`), AbortSignal.timeout(10_000)).catch((err: unknown) => err);
    const started = performance.now();
    const queued = await getter.get(new URL(`${url}/api/ps`), AbortSignal.timeout(200)).catch((err: unknown) => err);
    expect((queued as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeLessThan(1000);
    getter.close();
    await first;
  });
});
