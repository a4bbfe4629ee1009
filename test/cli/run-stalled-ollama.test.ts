import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevHub, type DevHub } from '../../src/hub/dev-hub.js';
import { closeAll, json, serve } from '../helpers/http-server.js';
import { cliEnv, finished, runCli, startCli, waitForLines } from '../helpers/cli.js';

const dirs: string[] = [];
let hub: DevHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await closeAll();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('sidecar run beside an Ollama that accepts /api/ps and never answers', () => {
  it('reports every interval with null VRAM fields, identifies at once, and exits 0 promptly on SIGTERM', async () => {
    // /api/ps: accepted, never answered. /api/version: answered, so identify has something to wait for.
    const ollama = await serve((req, res) => {
      if (req.url === '/api/version') json({ version: '0.12.6' })(req, res);
    });
    hub = await startDevHub({ port: 0, print: () => undefined });
    const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-stall-'));
    dirs.push(dir);
    const file = path.join(dir, 'plugins.json');
    await writeFile(
      file,
      JSON.stringify({
        agent: { id: 'stall-test', initial_delay_ms: 0, interval_ms: 100 },
        collectors: [{ plugin: 'memory' }, { plugin: 'ollama-vram', timeout_ms: 600_000, options: { url: ollama } }],
        transports: [{ plugin: 'stdout' }, { plugin: 'websocket', options: { url: hub.url, token: '' } }],
      }),
    );
    const child = startCli(['run', '--config', file, '--status-file', path.join(dir, 'status.json')], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(child, 30_000);
    await waitForLines(child, 1, 15_000); // start-up (node, imports) takes seconds on a loaded machine
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const signalled = performance.now();
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await done;
    const stopMs = performance.now() - signalled;

    const reports = stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    // About 20 in 2 s (before this change: none at all); at least 10 on a loaded machine.
    expect(reports.length).toBeGreaterThanOrEqual(10);
    expect(reports.every((r) => r.vram_used_bytes === null && r.ollama_models === null && typeof r.ram_total_bytes === 'number')).toBe(true);
    // The hub identified the agent with Ollama's version, although /api/ps hangs on the same server.
    const identify = hub.received.find((f) => f.type === 'identify');
    expect(identify?.frame).toMatchObject({ agent_id: 'stall-test', ollama_url: ollama, ollama_version: '0.12.6' });
    expect(hub.received.filter((f) => f.type === 'resource_report' && f.accepted).length).toBeGreaterThanOrEqual(5);

    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(2000);
    const logs = stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // One warning, for the timeout_ms written in the file; memory's default 2000 ms is cut silently.
    expect(logs.filter((l) => /does not fit agent\.interval_ms/.test(String(l.msg))).map((l) => l.plugin)).toEqual(['ollama-vram']);
    expect(logs.filter((l) => l.plugin === 'ollama-vram' && /^Collector failed/.test(String(l.msg))).map((l) => l.reason)).toEqual([
      'did not answer within 90 ms',
    ]);
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['Stopping', 'Stopped']));
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('validate accepts the file (exit 0) and notes the timeout_ms that will be cut off', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-stall-'));
    dirs.push(dir);
    const file = path.join(dir, 'plugins.json');
    await writeFile(file, JSON.stringify({ agent: { interval_ms: 100 }, collectors: [{ plugin: 'memory' }, { plugin: 'ollama-vram', timeout_ms: 600_000 }] }));
    const { code, stdout } = await runCli(['validate', '--config', file]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').slice(1)).toEqual([
      `${file}: note: collectors[1].timeout_ms (600000 ms) does not fit agent.interval_ms (100 ms): its collections are cut off at 90 ms (90 % of the interval), so that every report goes out on time`,
    ]);
  });
});
