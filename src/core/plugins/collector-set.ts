import type { DependencyContainer } from 'tsyringe';
import { Logger } from '../contracts/logger.js';
import type { FieldValue, IdentifyFields } from '../contracts/report.js';
import type { AgentConfig } from '../config/sidecar-config.js';
import { createPluginContainer } from '../container.js';
import { withDeadline } from '../deadline.js';
import { describeError } from '../errors.js';
import { sanitizeValue } from '../merger.js';
import { CollectorSlot, ResolvedCollectorToken } from './collector-slot.js';
import { disposeAll } from './dispose-all.js';
import { buildPluginContext } from './plugin-context.js';
import type { ResolvedCollector } from './resolve-entries.js';

/**
 * IDENTIFY_GRACE_MS: a collector whose identify answers its abort with partial fields (ollama-vram gives its URL
 * without the version) gets this long to do so, so a slow optional lookup cannot cost the handshake a field.
 */
const IDENTIFY_GRACE_MS = 250;
/** DEFAULT_IDENTIFY_TIMEOUT_MS is `agent.identify_timeout_ms`'s default: the handshake waits at most this (plus the grace). */
export const DEFAULT_IDENTIFY_TIMEOUT_MS = 1000;

/** CollectorSet is the running collectors of one config, each in its own child container. */
export class CollectorSet {
  private constructor(
    readonly slots: readonly CollectorSlot[],
    private readonly containers: ReadonlyArray<{ container: DependencyContainer; logger: Logger }>,
    private readonly identifyTimeoutMs: number,
  ) {}

  /** start creates every collector; one that fails to start is kept, and retried when it is next collected. */
  static async start(
    resolved: readonly ResolvedCollector[],
    root: DependencyContainer,
    agent: AgentConfig,
    configDir: string,
  ): Promise<CollectorSet> {
    const rootLogger = root.resolve(Logger);
    const containers = resolved.map((entry) => {
      const context = buildPluginContext({
        name: entry.manifest.name,
        instanceId: entry.instanceId,
        options: entry.options,
        rootLogger,
        agent,
        configDir,
      });
      const container = createPluginContainer(root, { manifest: entry.manifest, context });
      container.registerInstance(ResolvedCollectorToken, entry);
      return { container, logger: context.logger };
    });
    const slots = containers.map(({ container }) => container.resolve(CollectorSlot));
    await Promise.all(slots.map((slot) => slot.start()));
    return new CollectorSet(slots, containers, agent.identify_timeout_ms ?? DEFAULT_IDENTIFY_TIMEOUT_MS);
  }

  /**
   * identify gathers the handshake fields collectors contribute (only those they declare), all under one short
   * deadline of their own (`agent.identify_timeout_ms`, not the collectors' `timeout_ms`: a hung collector must not
   * hold up the handshake), or until `signal` aborts; the first non-null value of a field wins, as in reports. A
   * collector that fails or is too slow is skipped.
   */
  async identify(signal?: AbortSignal): Promise<IdentifyFields> {
    const contributions = await Promise.all(
      this.slots.map(async (slot) => {
        const declared = slot.resolved.manifest.identifyFields ?? [];
        if (declared.length === 0) return {};
        try {
          const values = await withDeadline((abort) => slot.identify(abort), this.identifyTimeoutMs, IDENTIFY_GRACE_MS, signal);
          return Object.fromEntries(declared.map((field) => [field, sanitizeValue(values[field])]));
        } catch (err) {
          if (!signal?.aborted) slot.context.logger.warn({ reason: describeError(err) }, 'Collector could not contribute to identify');
          return {};
        }
      }),
    );
    const fields: Record<string, FieldValue> = {};
    for (const contribution of contributions) {
      for (const [field, value] of Object.entries(contribution)) {
        if (value !== null && fields[field] === undefined) fields[field] = value;
      }
    }
    return fields;
  }

  /** dispose disposes every collector's container; bounded, never throws. */
  async dispose(): Promise<void> {
    await disposeAll(this.containers);
  }
}
