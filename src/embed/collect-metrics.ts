import { describeError } from '../core/errors.js';
import type { Logger } from '../core/contracts/logger.js';
import type { ResourceReport } from '../core/contracts/report.js';
import { checkOllamaUrl } from '../plugins/collectors/ollama-vram/config.js';
import { createRuntime, Sidecar, toLogger } from './runtime.js';
import type { CollectMetricsOptions, CollectorName, Metrics } from './options.js';

/** DEFAULT_COLLECTORS run when the options name none. */
const DEFAULT_COLLECTORS: readonly CollectorName[] = ['cpu', 'memory', 'ollama-vram', 'gpu'];

/** SEED_FIELDS are the five figures the hub sidecar's `collectMetrics` always returned. */
const SEED_FIELDS = ['cpu_percent', 'ram_used_bytes', 'ram_total_bytes', 'vram_used_bytes', 'vram_total_bytes'] as const;

interface Runtime {
  readonly sidecar: Sidecar | undefined;
  readonly logger: Logger;
}

/** runtimes holds one set of collectors per URL and collector list, created at its first call and reused. */
const runtimes = new Map<string, Promise<Runtime>>();
/** warned remembers what was warned about, so each problem is said once per process. */
const warned = new Set<string>();

/**
 * collectMetrics is the drop-in for the hub sidecar's `lib/resources.js`: one report's figures, never a
 * rejection. CPU is the share of all cores busy since the previous call (the first call samples a short window).
 * A missing or unusable URL gives `vram_used_bytes: null` and one warning.
 */
export async function collectMetrics(ollamaUrl?: string | null, options: CollectMetricsOptions = {}): Promise<Metrics> {
  const wanted = options.collectors ?? DEFAULT_COLLECTORS;
  const url = typeof ollamaUrl === 'string' ? ollamaUrl.trim() : '';
  const problem = !wanted.includes('ollama-vram') ? undefined : url === '' ? 'no Ollama URL given' : checkOllamaUrl(url) && `Ollama URL ${JSON.stringify(url)} ${checkOllamaUrl(url)}`;
  const collectors = wanted.filter((name) => name !== 'ollama-vram' || !problem);
  const key = JSON.stringify([problem ? null : url, collectors]);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = startRuntime(problem ? undefined : url, collectors, options);
    runtimes.set(key, runtime);
  }
  const { sidecar, logger } = await runtime;
  if (problem) warnOnce(logger, `url:${url}`, `collectMetrics: ${problem}; vram_used_bytes is null`);
  if (!sidecar) return toMetrics(undefined);
  try {
    return toMetrics(await sidecar.collectOnce());
  } catch (err) {
    warnOnce(logger, `collect:${describeError(err)}`, `collectMetrics: collection failed: ${describeError(err)}`);
    return toMetrics(undefined);
  }
}

/** closeMetrics disposes every set of collectors collectMetrics created (the next call creates them afresh). */
export async function closeMetrics(): Promise<void> {
  const all = [...runtimes.values()];
  runtimes.clear();
  await Promise.all(all.map(async (runtime) => (await runtime).sidecar?.stop(0)));
}

async function startRuntime(url: string | undefined, collectors: readonly CollectorName[], options: CollectMetricsOptions): Promise<Runtime> {
  const logger = toLogger(options.logger ?? console, options.logLevel ?? 'warn');
  const entry = (name: CollectorName) => (name === 'ollama-vram' ? { plugin: name, options: { url } } : { plugin: name });
  try {
    const sidecar = await createRuntime({ config: { collectors: collectors.map(entry) }, logger }, false);
    return { sidecar, logger };
  } catch (err) {
    warnOnce(logger, `start:${describeError(err)}`, `collectMetrics: the collectors could not start: ${describeError(err)}`);
    return { sidecar: undefined, logger };
  }
}

function warnOnce(logger: Logger, key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  logger.warn(message);
}

/** toMetrics keeps the figures and detail fields of a report, without the envelope the host adds itself. */
function toMetrics(report: ResourceReport | undefined): Metrics {
  const { type: _type, agent_id: _agent, timestamp: _timestamp, ...fields } = report ?? ({} as Partial<ResourceReport>);
  const seed = Object.fromEntries(SEED_FIELDS.map((field) => [field, typeof fields[field] === 'number' ? fields[field] : null]));
  return { ...seed, ...fields, ...seed } as Metrics;
}
