import type { DependencyContainer } from 'tsyringe';
import { Logger } from '../contracts/logger.js';
import type { RuntimeStatus } from '../contracts/plugin.js';
import type { IdentifyFields, ResourceReport } from '../contracts/report.js';
import type { AgentConfig } from '../config/sidecar-config.js';
import { createPluginContainer } from '../container.js';
import { describeError } from '../errors.js';
import { disposeAll } from './dispose-all.js';
import { buildTransportContext } from './plugin-context.js';
import type { ResolvedTransport } from './resolve-entries.js';
import { ResolvedTransportToken, TransportSlot } from './transport-slot.js';

/** TransportHandle is one running transport with its container. */
export interface TransportHandle {
  readonly slot: TransportSlot;
  readonly container: DependencyContainer;
}

/** RuntimeLink is how transports reach the running sidecar: handshake fields and health. */
export interface RuntimeLink {
  identify(signal?: AbortSignal): Promise<IdentifyFields>;
  status(): RuntimeStatus;
}

/**
 * startTransports creates and starts the given transports; if one fails, those already started are
 * disposed and the error is thrown. `runtime` reaches the current collectors and the sidecar's health.
 */
export async function startTransports(
  resolved: readonly ResolvedTransport[],
  root: DependencyContainer,
  agent: AgentConfig,
  configDir: string,
  runtime: RuntimeLink,
): Promise<TransportHandle[]> {
  const rootLogger = root.resolve(Logger);
  const handles = resolved.map((entry) => {
    const context = buildTransportContext(
      { name: entry.manifest.name, instanceId: entry.instanceId, options: entry.options, rootLogger, agent, configDir },
      runtime,
    );
    const container = createPluginContainer(root, { manifest: entry.manifest, context });
    container.registerInstance(ResolvedTransportToken, entry);
    return { slot: container.resolve(TransportSlot), container };
  });
  const started = await Promise.allSettled(handles.map((h) => h.slot.start()));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    await stopTransports(handles, 0);
    throw failure.reason;
  }
  return handles;
}

/** broadcast hands one report to every transport; none of them can delay or break the others. */
export function broadcast(handles: readonly TransportHandle[], report: ResourceReport): void {
  for (const { slot } of handles) slot.send(report);
}

/**
 * stopTransports lets each transport flush for up to `graceMs`, then disposes them; it never throws.
 * `beforeDispose` sees each stopped transport first (to take what it could not deliver).
 */
export async function stopTransports(
  handles: readonly TransportHandle[],
  graceMs: number,
  beforeDispose: (handle: TransportHandle) => void = () => undefined,
): Promise<void> {
  // A timer of our own, not AbortSignal.timeout: that one is unref'd, so a transport whose stop() never settles
  // would leave nothing keeping the process alive, and Node would quit mid-stop (exit 13).
  const grace = new AbortController();
  const timer = setTimeout(() => grace.abort(), Math.max(1, graceMs));
  const { signal } = grace;
  await Promise.all(
    handles.map(async (handle) => {
      const gave = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      try {
        await Promise.race([handle.slot.stop(signal), gave]);
      } catch (err) {
        handle.slot.context.logger.warn({ reason: describeError(err) }, 'Transport failed to stop cleanly');
      }
      beforeDispose(handle);
    }),
  );
  clearTimeout(timer);
  await disposeAll(handles.map(({ slot, container }) => ({ container, logger: slot.context.logger })));
}
