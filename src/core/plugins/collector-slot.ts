import { inject, injectable, type InjectionToken } from 'tsyringe';
import type { Collector, PluginContext } from '../contracts/plugin.js';
import type { IdentifyFields, PartialReport } from '../contracts/report.js';
import { PluginContextToken } from '../container.js';
import type { ResolvedCollector } from './resolve-entries.js';
import { startError, withStartDeadline, type PluginStartError } from './start-error.js';

/** DEFAULT_COLLECT_TIMEOUT_MS is a collector's deadline when its entry has no `timeout_ms`. */
export const DEFAULT_COLLECT_TIMEOUT_MS = 2000;

/** StillCollectingError fails a cycle whose collector is still busy with an earlier one's collect(). */
export class StillCollectingError extends Error {
  constructor() {
    super('its previous collection has not returned yet (it ignores its abort signal); not called again until it does');
    this.name = 'StillCollectingError';
  }
}

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
  /** creating is the create() in flight: a hung one is not called again on every cycle. */
  private creating: Promise<void> | undefined;
  /** collecting is the plugin's collect() still running, whatever became of the cycle that asked for it. */
  private collecting: Promise<PartialReport> | undefined;
  /** startFailure is why the last attempt to create the plugin failed, until one succeeds. */
  startFailure: PluginStartError | undefined;

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

  /** timeoutMs is the entry's `timeout_ms`, or DEFAULT_COLLECT_TIMEOUT_MS when the file leaves it out. */
  get timeoutMs(): number {
    return this.resolved.entry.timeout_ms ?? DEFAULT_COLLECT_TIMEOUT_MS;
  }

  /**
   * start creates the plugin instance. It never throws: a collector that cannot start costs only its own
   * fields, and `collect` tries again each cycle (a device may appear later); `startFailure` says why. A create()
   * that outlasts START_TIMEOUT_MS fails this attempt but is not called again while it is still pending.
   */
  async start(): Promise<void> {
    this.creating ??= this.create();
    try {
      await withStartDeadline('create()', () => this.creating);
    } catch (err) {
      this.startFailure = startError(this.resolved, err);
    }
  }

  /** create calls the plugin's create() once; an instance that comes after its deadline is still taken. */
  private create(): Promise<void> {
    // Through then(), so the plugin runs after `creating` is assigned even if it throws at once.
    return Promise.resolve()
      .then(() => this.instantiate(this.resolved, this.context))
      .then((instance) => this.adopt(instance))
      .finally(() => (this.creating = undefined));
  }

  private adopt(instance: Collector): void {
    if (typeof instance?.collect !== 'function') throw new Error('create() must return an object with collect(signal)');
    if (this.disposed) return void Promise.resolve().then(() => instance.dispose?.()).catch(() => undefined);
    this.instance = instance;
    this.startFailure = undefined;
  }

  /**
   * collect asks the plugin for its values, starting it first if it has not started yet. A plugin whose previous
   * collect() has not settled (it ignored its abort signal) is not called again until it does: calls would pile
   * up, and its late answer belongs to a report already sent. That cycle fails with StillCollectingError.
   */
  async collect(signal: AbortSignal): Promise<PartialReport> {
    if (this.disposed) throw new Error('collector is disposed');
    if (this.collecting) throw new StillCollectingError();
    if (!this.instance) await this.start();
    if (!this.instance) throw this.startFailure;
    const instance = this.instance;
    const collecting = Promise.resolve().then(() => instance.collect(signal));
    this.collecting = collecting;
    void collecting.then(
      () => this.settled(collecting),
      () => this.settled(collecting),
    );
    return collecting;
  }

  private settled(collecting: Promise<PartialReport>): void {
    if (this.collecting === collecting) this.collecting = undefined;
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
