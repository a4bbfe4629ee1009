import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** freePort asks the OS for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** PrometheusServer is a real Prometheus (Debian's package) on 127.0.0.1 with its own temp storage. */
export interface PrometheusServer {
  readonly url: string;
  /** query runs an instant PromQL query and returns its result vector (throws on an error answer). */
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** labelValues lists a label's values over the series matching `match`. */
  labelValues(label: string, match: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** startPrometheus scrapes `targets` (host:port) every second as job `job`, and waits until it answers. */
export async function startPrometheus(job: string, targets: string[]): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sidecar-prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  await writeFile(
    config,
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'scrape_configs:', `  - job_name: ${job}`, '    static_configs:', `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`, ''].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const server: PrometheusServer = {
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { resultType: string; result: unknown } };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      if (body.data.resultType === 'scalar') return [{ metric: {}, value: body.data.result as [number, string] }];
      return body.data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    },
    async labelValues(label, match) {
      const res = await fetch(`${url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`);
      return ((await res.json()) as { data: string[] }).data;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = performance.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return server;
    if (performance.now() > deadline) {
      await server.stop();
      throw new Error(`prometheus did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
