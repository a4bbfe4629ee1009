import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevHub, type DevHub } from '../../src/index.js';
import { cliEnv } from '../helpers/cli.js';
import { readFixture, startFakeOllama, type FakeOllama } from '../helpers/fake-ollama.js';

// Both hosts are CommonJS files that `require('llm-sidecar')` (the built dist/, as an installed package) and open
// their own WebSocket to the development hub, over real sockets on 127.0.0.1.
const HOSTS = fileURLToPath(new URL('./hosts/', import.meta.url));
const SEED_FIELDS = ['cpu_percent', 'ram_used_bytes', 'ram_total_bytes', 'vram_used_bytes', 'vram_total_bytes'];

let hub: DevHub | undefined;
let ollama: FakeOllama | undefined;
afterEach(async () => {
  await hub?.close();
  await ollama?.close();
  hub = ollama = undefined;
});

function runHost(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${HOSTS}${file}`], { env: cliEnv(env), timeout: 12_000 }, (err, stdout, stderr) => {
      const lines = stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, lines, stderr });
    });
  });
}

async function peers(): Promise<{ hub: DevHub; ollama: FakeOllama }> {
  hub = await startDevHub({ port: 0, print: () => undefined });
  ollama = await startFakeOllama(readFixture('ps-one-gpu.json'));
  return { hub, ollama };
}

describe('a CommonJS host using collectMetrics as the README shows', () => {
  it('sends real figures through its own connection, accepted by the hub, and loads no CLI modules', async () => {
    const { hub, ollama } = await peers();
    const run = await runHost('metrics-host.cjs', { HUB_URL: hub.url, AGENT_ID: 'cjs-metrics', OLLAMA_URL: ollama.url });
    expect(run.code, run.stderr).toBe(0);
    const [cost, first, second, heavy] = run.lines;
    expect(cost!.require_ms).toBeLessThan(1000);
    for (const metrics of [first!, second!]) {
      for (const field of SEED_FIELDS) expect(metrics[field] === null || typeof metrics[field] === 'number', field).toBe(true);
      expect(metrics.cpu_percent).toEqual(expect.any(Number));
      expect(metrics.ram_total_bytes).toBeGreaterThan(0);
      expect(metrics.vram_used_bytes).toBe(6654289920);
      expect(metrics.ollama_models).toEqual([expect.objectContaining({ name: 'llama3.1:8b' })]);
      expect(Object.keys(metrics)).not.toContain('agent_id');
    }
    expect(heavy).toEqual({ heavy_modules: [] });
    const reports = hub.received.filter((f) => f.type === 'resource_report');
    expect(reports.map((r) => r.accepted)).toEqual([true, true]);
    expect(hub.received.every((f) => f.accepted)).toBe(true);
    expect(run.stderr).toBe('');
  });

  it('gives null VRAM and one warning for a URL without a scheme, and still reports CPU and RAM', async () => {
    const { hub } = await peers();
    const run = await runHost('metrics-host.cjs', { HUB_URL: hub.url, AGENT_ID: 'cjs-bad-url', OLLAMA_URL: 'localhost:11434', REPORTS: '3' });
    expect(run.code, run.stderr).toBe(0);
    const reports = run.lines.slice(1, 4);
    expect(reports.map((m) => m.vram_used_bytes)).toEqual([null, null, null]);
    expect(reports.every((m) => typeof m.ram_used_bytes === 'number')).toBe(true);
    const warnings = run.stderr.trim().split('\n');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"localhost:11434" must be an http:// or https:// URL');
    expect(hub.received.filter((f) => f.type === 'resource_report').every((f) => f.accepted)).toBe(true);
  });
});

describe('a CommonJS host driving the runtime with its own hub connection', () => {
  it('identifies with the collectors fields, sends nothing before identified, then its collect() reports', async () => {
    const { hub, ollama } = await peers();
    const run = await runHost('driven-host.cjs', { HUB_URL: hub.url, AGENT_ID: 'cjs-driven', OLLAMA_URL: ollama.url });
    expect(run.code, run.stderr).toBe(0);
    const [identify, ...rest] = run.lines;
    expect(identify).toEqual({
      identify_fields: { ollama_url: ollama.url, ollama_version: '0.12.6' },
      context_identify: { ollama_url: ollama.url, ollama_version: '0.12.6' },
      context_agent: { id: 'cjs-driven', name: 'cjs-driven' },
    });
    expect(rest.at(-1)).toEqual({ status_reports: 3 });
    const frames = hub.received;
    expect(frames[0]).toMatchObject({ type: 'identify', accepted: true, frame: { ollama_url: ollama.url, ollama_version: '0.12.6' } });
    expect(frames.map((f) => f.type)).toEqual(['identify', 'resource_report', 'resource_report']);
    expect(frames.every((f) => f.accepted)).toBe(true);
    for (const { frame } of frames.slice(1)) {
      expect(frame).toMatchObject({ agent_id: 'cjs-driven', protocol_version: 1, vram_used_bytes: 6654289920 });
      expect(frame.cpu_percent).toEqual(expect.any(Number));
      expect(frame.ram_used_bytes).toEqual(expect.any(Number));
    }
  });
});
