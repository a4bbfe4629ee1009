import { execFile } from 'node:child_process';
import { readFile, rm, writeFile, mkdtemp, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, cliEnv, finished } from '../helpers/cli.js';
import { readFixture, startFakeOllama, type FakeOllama } from '../helpers/fake-ollama.js';
import { startExporter, stopAll } from '../plugins/transports/prometheus/helpers.js';
import { freePort, startPrometheus, type PrometheusServer } from './prometheus-server.js';

/**
 * The Grafana dashboard, proven on a real Prometheus: a sidecar with fake nvidia-smi and Ollama data is scraped,
 * and every panel's query (its variables substituted as Grafana would) must return data.
 */

const JOB = 'llm-sidecar';
const AGENT = 'prom-dash-1';

interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: ReadonlyArray<{ readonly expr: string }>;
}

const dashboard = JSON.parse(await readFile(new URL('../../deploy/grafana/sidecar.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ name: string; definition?: string }> };
};

/** substitute fills the dashboard's variables as Grafana does for one selected job and agent. */
function substitute(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', JOB).replaceAll('$agent', AGENT);
}

let dir: string;
let ollama: FakeOllama;
let prometheus: PrometheusServer;
let daemon: ChildProcess;
let done: ReturnType<typeof finished>;
let metricsPort: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sidecar-dashboard-'));
  const smi = path.join(dir, 'nvidia-smi');
  const fixture = new URL('../plugins/collectors/gpu/fixtures/nvidia-multi/nvidia-smi.txt', import.meta.url).pathname;
  await writeFile(smi, `#!/bin/sh\ncat ${JSON.stringify(fixture)}\n`);
  await chmod(smi, 0o755);
  ollama = await startFakeOllama(readFixture('ps-one-gpu.json'));
  metricsPort = await freePort();
  const config = path.join(dir, 'plugins.json');
  await writeFile(
    config,
    JSON.stringify({
      agent: { id: AGENT, initial_delay_ms: 0, interval_ms: 500 },
      collectors: [
        { plugin: 'cpu' },
        { plugin: 'memory' },
        { plugin: 'gpu', options: { vendor: 'nvidia', nvidia_smi: smi } },
        { plugin: 'ollama-vram', options: { url: ollama.url } },
      ],
      transports: [{ plugin: 'prometheus', options: { port: metricsPort } }, { plugin: 'stdout' }],
    }),
  );
  // Spawned here rather than with startCli, which kills its processes after each test: this one serves them all.
  daemon = spawn(process.execPath, [CLI, 'run', '--config', config, '--status-file', path.join(dir, 'status.json')], {
    env: cliEnv({ LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  done = finished(daemon, 120_000);
  prometheus = await startPrometheus(JOB, [`127.0.0.1:${metricsPort}`]);
  // Enough samples for rate() over 1m: the target up, and several scrapes of every series.
  const deadline = performance.now() + 30_000;
  while ((await prometheus.query(`count_over_time(sidecar_gpu_device_vram_used_bytes{job="${JOB}"}[1m])`)).every((s) => Number(s.value[1]) < 4)) {
    if (performance.now() > deadline) throw new Error('prometheus never scraped the sidecar four times');
    await new Promise((r) => setTimeout(r, 500));
  }
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  daemon?.kill('SIGTERM');
  await done;
  await ollama?.close();
  await stopAll();
  await rm(dir, { recursive: true, force: true });
});

const queries = dashboard.panels
  .filter((p) => p.type !== 'row')
  .flatMap((p) => (p.targets ?? []).map((t, i) => ({ title: `${p.title}${i ? ` (${i + 1})` : ''}`, expr: t.expr })));

describe('deploy/grafana/sidecar.json on a real Prometheus', () => {
  it('has a fleet view, per-GPU, per-model and health panels, and job and agent variables', () => {
    expect(queries.length).toBeGreaterThanOrEqual(20);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['job', 'agent']));
    for (const expr of queries.map((q) => q.expr).filter((e) => e.includes('sidecar_'))) expect(expr, expr).toMatch(/agent_id=~"\$agent"/);
  });

  it.each(queries)('panel "$title" returns data', async ({ expr }) => {
    const result = await prometheus.query(substitute(expr));
    expect(result.length, `no data for ${substitute(expr)}`).toBeGreaterThan(0);
    for (const sample of result) expect(Number.isFinite(Number(sample.value[1])), `${sample.value[1]} in ${expr}`).toBe(true);
  });

  it('the variables list the job and the agent', async () => {
    expect(await prometheus.labelValues('job', 'sidecar_report_timestamp_seconds')).toContain(JOB);
    expect(await prometheus.labelValues('agent_id', `sidecar_report_timestamp_seconds{job=~"${JOB}"}`)).toContain(AGENT);
  });

  it('self-metrics carry agent_id, so they join the report series', async () => {
    const joined = await prometheus.query(`sidecar_collector_success{job="${JOB}"} * on (agent_id) group_left sidecar_ram_total_bytes{job="${JOB}"}`);
    expect(joined.map((s) => s.metric.collector).sort()).toEqual(['cpu', 'gpu', 'memory', 'ollama-vram']);
  });
});

/** promtoolCheck runs `promtool check metrics` on a page and returns what it printed (it exits 3 on lint problems). */
async function promtoolCheck(page: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}`.trim() });
    });
    child.stdin!.end(page);
  });
}

describe('promtool check metrics', () => {
  it('is clean on the page of the running sidecar (process_metrics off, the default)', async () => {
    const page = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(page).toContain('sidecar_gpu_device_vram_used_bytes');
    expect(await promtoolCheck(page)).toEqual({ code: 0, output: '' });
  });

  it("with process_metrics, flags only prom-client's own gauges named *_total (explained in the README)", async () => {
    const exporter = await startExporter({ process_metrics: true });
    const { code, output } = await promtoolCheck(await (await fetch(exporter.url)).text());
    expect(code).not.toBe(0);
    const flagged = output.split('\n').filter(Boolean).map((line) => line.split(' ')[0]);
    expect(flagged.length).toBeGreaterThan(0);
    for (const name of flagged) expect(['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']).toContain(name);
  });
});

