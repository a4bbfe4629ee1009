import { inject, injectable, type InjectionToken } from 'tsyringe';
import type { Collector, PluginContext } from '../contracts/plugin.js';
import type { IdentifyFields, PartialReport } from '../contracts/report.js';
import { PluginContextToken } from '../container.js';
import type { ResolvedCollector } from './resolve-entries.js';
import { startError } from './start-error.js';

/** CollectorInstantiator creates a collector instance; the default calls the manifest's `create` in-process. */
export type CollectorInstantiator = (resolved: ResolvedCollector, ctx: PluginContext<unknown>) => Promise<Collector>;
/** CollectorInstantiator is also the token under which the root container holds it. */
export const CollectorInstantiator: InjectionToken<CollectorInstantiator> = Symbol('CollectorInstantiator');

/** inProcessInstantiator runs the plugin in this process and thread. */
export const inProcessInstantiator: CollectorInstantiator = async (resolved, ctx) => resolved.manifest.create(ctx);

/** ResolvedCollectorToken is the resolved entry a collector slot's child container was made for. */
export const ResolvedCollectorToken: InjectionToken<ResolvedCollector> = Symbol('ResolvedCollector');

/**
 * CollectorSlot holds one configured collector instance inside its child container: it creates the plugin,
 * forwards calls to it and disposes it. The container constructs it, so the container disposes it.
 */
@injectable()
export class CollectorSlot {
  private instance: Collector | undefined;
  private disposed = false;

  constructor(
    @inject(ResolvedCollectorToken) readonly resolved: ResolvedCollector,
    @inject(PluginContextToken) readonly context: PluginContext<unknown>,
    @inject(CollectorInstantiator) private readonly instantiate: CollectorInstantiator,
  ) {}

  get instanceId(): string {
    return this.resolved.instanceId;
  }

  get fields(): readonly string[] {
    return this.resolved.manifest.fields;
  }

  get timeoutMs(): number {
    return this.resolved.entry.timeout_ms;
  }

  /** start creates the plugin instance; a failure is a PLUGIN_CREATE_FAILED naming the entry. */
  async start(): Promise<void> {
    try {
      this.instance = await this.instantiate(this.resolved, this.context);
      if (typeof this.instance?.collect !== 'function') throw new Error('create() must return an object with collect(signal)');
    } catch (err) {
      throw startError(this.resolved, err);
    }
  }

  /** collect asks the plugin for its values. */
  collect(signal: AbortSignal): PartialReport | Promise<PartialReport> {
    if (!this.instance || this.disposed) throw new Error('collector is not running');
    return this.instance.collect(signal);
  }

  /** identify asks the plugin for its handshake fields, if it contributes any. */
  async identify(signal: AbortSignal): Promise<IdentifyFields> {
    if (!this.instance?.identify || this.disposed) return {};
    return this.instance.identify(signal);
  }

  /** dispose releases the plugin once; later calls do nothing. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.instance?.dispose?.();
  }
}
