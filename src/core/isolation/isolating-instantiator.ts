import type { PluginContext } from '../contracts/plugin.js';
import { describeError } from '../errors.js';
import { inProcessInstantiator, type CollectorInstantiator } from '../plugins/collector-slot.js';
import type { ResolvedCollector } from '../plugins/resolve-entries.js';
import { DEFAULT_ISOLATION_LIMITS, IsolatedCollector, type IsolationLimits } from './isolated-collector.js';
import type { WorkerInit } from './protocol.js';

/**
 * isolatingInstantiator runs collectors whose entry says `"isolate": true` in a worker thread, and hands the
 * others to `inProcess`.
 */
export function isolatingInstantiator(
  inProcess: CollectorInstantiator = inProcessInstantiator,
  limits: IsolationLimits = DEFAULT_ISOLATION_LIMITS,
): CollectorInstantiator {
  return async (resolved, ctx) => {
    if (!resolved.entry.isolate) return inProcess(resolved, ctx);
    return IsolatedCollector.start(workerInit(resolved, ctx), ctx.logger, limits);
  };
}

/** workerInit is what a worker needs to run the plugin: where to import it from, and its context as data. */
export function workerInit(resolved: ResolvedCollector, ctx: PluginContext<unknown>): WorkerInit {
  if (resolved.source !== 'builtin' && resolved.source !== 'path' && resolved.source !== 'package') {
    throw new Error(`a ${resolved.source} plugin cannot be isolated`);
  }
  try {
    structuredClone(ctx.options);
  } catch (err) {
    throw new Error(`its options cannot be passed to a worker (isolate needs plain JSON options): ${describeError(err)}`);
  }
  return {
    plugin: resolved.source === 'builtin' ? { builtin: resolved.location } : { file: resolved.location },
    context: {
      name: ctx.name,
      instanceId: ctx.instanceId,
      options: ctx.options,
      agent: { id: ctx.agent.id, name: ctx.agent.name },
      configDir: ctx.configDir,
    },
    logLevel: ctx.logger.level,
  };
}
