import type { TransportContext } from '../../../../src/core/contracts/plugin.js';
import type { ResourceReport } from '../../../../src/core/contracts/report.js';
import type { OtlpOptions } from '../../../../src/plugins/transports/otlp/config.js';
import { otlpTransport } from '../../../../src/plugins/transports/otlp/index.js';
import { OtlpTransport, type OtlpDeps } from '../../../../src/plugins/transports/otlp/transport.js';
import { memoryLogger, type MemoryLogger } from '../../../helpers/memory-logger.js';

export const AGENT = { id: 'gpu-box-1', name: 'GPU box 1' };

/** parseOptions runs the manifest's schema, as the host does; it throws with every issue on one line. */
export async function parseOptions(raw: unknown): Promise<OtlpOptions> {
  const result = await otlpTransport.options!['~standard'].validate(raw);
  if (result.issues) throw new Error(result.issues.map((i) => `${i.path?.map((p) => (p as { key: string }).key ?? p).join('.')}: ${i.message}`).join('; '));
  return result.value;
}

const made: OtlpTransport[] = [];

/** makeExporter builds the transport over `raw` options with a memory logger. */
export async function makeExporter(raw: Record<string, unknown>, deps: OtlpDeps = {}): Promise<{ transport: OtlpTransport; log: MemoryLogger }> {
  const log = memoryLogger();
  const ctx: TransportContext<OtlpOptions> = {
    name: 'otlp',
    instanceId: 'otlp',
    options: await parseOptions(raw),
    logger: log.logger.child({ plugin: 'otlp' }),
    agent: AGENT,
    configDir: process.cwd(),
    identify: async () => ({}),
    runtimeStatus: () => ({ agentId: AGENT.id, reports: 0, lastReportAt: null, collectors: [], transports: [] }),
  };
  const transport = new OtlpTransport(ctx, { version: '9.9.9', ...deps });
  made.push(transport);
  return { transport, log };
}

/** disposeAll stops and disposes every transport made in this file; for afterEach. */
export async function disposeAll(): Promise<void> {
  await Promise.all(made.splice(0).map(async (t) => {
    await t.stop(AbortSignal.timeout(50));
    t.dispose();
  }));
}

/** report builds a resource report with `fields` at `timestamp`. */
export function report(fields: Record<string, ResourceReport[string]> = {}, timestamp = 1_700_000_000_500): ResourceReport {
  return { type: 'resource_report', agent_id: AGENT.id, timestamp, ...fields };
}

/** until polls `check` every 10 ms until it is true, or fails after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
