import type { RuntimeStatus, TransportContext } from '../../../../src/core/contracts/plugin.js';
import type { ResourceReport } from '../../../../src/core/contracts/report.js';
import { prometheusTransport } from '../../../../src/plugins/transports/prometheus/index.js';
import type { PrometheusOptions } from '../../../../src/plugins/transports/prometheus/config.js';
import type { PrometheusTransport } from '../../../../src/plugins/transports/prometheus/transport.js';
import { memoryLogger, type MemoryLogger } from '../../../helpers/memory-logger.js';
import { parseExposition, type Exposition } from './exposition.js';

export const AGENT = { id: 'gpu-box-1', name: 'GPU box 1' };

/** parseOptions runs the manifest's schema, as the host does. */
export async function parseOptions(raw: unknown): Promise<PrometheusOptions> {
  const result = await prometheusTransport.options!['~standard'].validate(raw);
  if (result.issues) throw new Error(`invalid options: ${result.issues.map((i) => `${i.path?.join('.')}: ${i.message}`).join('; ')}`);
  return result.value;
}

/** emptyStatus is a runtime status with nothing in it yet. */
export function emptyStatus(): RuntimeStatus {
  return { agentId: AGENT.id, reports: 0, lastReportAt: null, collectors: [], transports: [] };
}

/** Exporter is a started transport with the knobs a test needs. */
export interface Exporter {
  readonly transport: PrometheusTransport;
  readonly log: MemoryLogger;
  readonly url: string;
  /** runtime is what ctx.runtimeStatus() returns; tests replace it. */
  runtime: RuntimeStatus;
  /** scrape GETs the metrics page, checks it is a 200 in the text format, and parses it. */
  scrape(): Promise<Exposition>;
}

const started: PrometheusTransport[] = [];

/** startExporter creates the transport through its manifest on 127.0.0.1, port 0, and starts it. */
export async function startExporter(raw: Record<string, unknown> = {}): Promise<Exporter> {
  const log = memoryLogger();
  const state = { runtime: emptyStatus() };
  const ctx: TransportContext<PrometheusOptions> = {
    name: 'prometheus',
    instanceId: 'prometheus',
    options: await parseOptions({ port: 0, ...raw }),
    logger: log.logger.child({ plugin: 'prometheus' }),
    agent: AGENT,
    configDir: process.cwd(),
    identify: async () => ({}),
    runtimeStatus: () => state.runtime,
  };
  const transport = (await prometheusTransport.create(ctx)) as PrometheusTransport;
  started.push(transport);
  await transport.start();
  const port = transport.status().port;
  if (typeof port !== 'number' || port === 0) throw new Error(`status() gave no port: ${String(port)}`);
  const url = `http://127.0.0.1:${port}${ctx.options.path}`;
  return Object.assign(state, {
    transport,
    log,
    url,
    async scrape() {
      const res = await fetch(url);
      const body = await res.text();
      if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${body}`);
      if (!res.headers.get('content-type')?.startsWith('text/plain; version=0.0.4')) {
        throw new Error(`unexpected content-type ${String(res.headers.get('content-type'))}`);
      }
      return parseExposition(body);
    },
  });
}

/** stopAll stops every exporter started in this file; for afterEach. */
export async function stopAll(): Promise<void> {
  await Promise.all(started.splice(0).map((t) => t.stop()));
}

/** report builds a resource report with `fields` over a fixed identity and timestamp. */
export function report(fields: Record<string, ResourceReport[string]> = {}): ResourceReport {
  return { type: 'resource_report', agent_id: AGENT.id, timestamp: 1_700_000_000_500, ...fields };
}
