import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createOllamaVramCollector } from '../../../../src/plugins/collectors/ollama-vram/collector.js';
import { closeAll, json, serve } from './http-fixture.js';

const FIXTURES = fileURLToPath(new URL('../../../../../shared/ollama-fixtures/', import.meta.url));
// The shared fixtures' documented sums of size_vram (see their README).
const EXPECTED_VRAM: Record<string, number> = {
  'ps-empty.json': 0,
  'ps-one-gpu.json': 6_654_289_920,
  'ps-cpu-only.json': 0,
};

const never = () => new AbortController().signal;
const collect = async (url: string, signal = never()) => createOllamaVramCollector({ url }).collect(signal);

afterEach(closeAll);

describe('ollama-vram against the shared fixtures', () => {
  it('finds the fixture directory', () => {
    expect(existsSync(FIXTURES)).toBe(true);
    const ps = readdirSync(FIXTURES).filter((f) => f.startsWith('ps-'));
    expect(ps.sort()).toEqual(Object.keys(EXPECTED_VRAM).sort());
  });

  it.each(Object.entries(EXPECTED_VRAM))('%s reports vram_used_bytes %d', async (file, expected) => {
    const body = readFileSync(`${FIXTURES}${file}`, 'utf8');
    const requests: string[] = [];
    const url = await serve((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      json(body)(req, res);
    });
    expect(await collect(url)).toEqual({ vram_used_bytes: expected, vram_total_bytes: null });
    expect(requests).toEqual(['GET /api/ps']);
  });

  it('version.json (the /api/version answer) is not mistaken for a /api/ps answer', async () => {
    const url = await serve(json(readFileSync(`${FIXTURES}version.json`, 'utf8')));
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
    expect(await collect(`${base}/ollama/`)).toEqual({ vram_used_bytes: 450, vram_total_bytes: null });
    expect(path).toBe('/ollama/api/ps');
  });

  it('accepts a body just under 1 MiB', async () => {
    const body = `{"models":[{"size_vram":42}]}${' '.repeat(1024 * 1024 - 40)}`;
    expect((await collect(await serve(json(body)))).vram_used_bytes).toBe(42);
  });

  it('identify() returns the configured url', async () => {
    const collector = createOllamaVramCollector({ url: 'http://gpu-box:11434' });
    expect(await collector.identify!(never())).toEqual({ ollama_url: 'http://gpu-box:11434' });
  });
});
