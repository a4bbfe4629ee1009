import type { Logger } from '../contracts/logger.js';
import type { PluginContext, RuntimeStatus, TransportContext } from '../contracts/plugin.js';
import type { IdentifyFields } from '../contracts/report.js';
import type { AgentConfig } from '../config/sidecar-config.js';

/** ContextInput is what a plugin context is made from. */
export interface ContextInput {
  readonly name: string;
  readonly instanceId: string;
  readonly options: unknown;
  readonly rootLogger: Logger;
  readonly agent: AgentConfig;
  readonly configDir: string;
}

/** buildPluginContext makes the context a collector's `create` receives, with a logger bound to the instance. */
export function buildPluginContext(input: ContextInput): PluginContext<unknown> {
  return Object.freeze({
    name: input.name,
    instanceId: input.instanceId,
    options: input.options,
    logger: input.rootLogger.child({ plugin: input.instanceId }),
    agent: Object.freeze({ id: input.agent.id, name: input.agent.name }),
    configDir: input.configDir,
  });
}

/** buildTransportContext adds the runtime's handshake fields and health to a plugin context. */
export function buildTransportContext(
  input: ContextInput,
  runtime: { identify(signal?: AbortSignal): Promise<IdentifyFields>; status(): RuntimeStatus },
): TransportContext<unknown> {
  return Object.freeze({
    ...buildPluginContext(input),
    identify: (signal?: AbortSignal) => runtime.identify(signal),
    runtimeStatus: () => runtime.status(),
  });
}
