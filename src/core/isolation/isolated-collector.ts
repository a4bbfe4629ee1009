import type { Logger } from '../contracts/logger.js';
import type { Collector } from '../contracts/plugin.js';
import type { FieldValue } from '../contracts/report.js';
import { describeError } from '../errors.js';
import { PluginWorker } from './plugin-worker.js';
import type { CallMethod, WorkerInit } from './protocol.js';

/** IsolationLimits bound how long the host waits for a worker; defaults suit production. */
export interface IsolationLimits {
  /** startTimeoutMs bounds importing and creating the plugin in a fresh worker. */
  readonly startTimeoutMs: number;
  /** retireGraceMs is how long a worker that missed a deadline may take to dispose before it is terminated. */
  readonly retireGraceMs: number;
  /** disposeGraceMs is the same at shutdown (below the host's 1000 ms dispose bound). */
  readonly disposeGraceMs: number;
}

/** DEFAULT_ISOLATION_LIMITS are the limits used unless a test passes others. */
export const DEFAULT_ISOLATION_LIMITS: IsolationLimits = { startTimeoutMs: 10_000, retireGraceMs: 200, disposeGraceMs: 500 };

/**
 * IsolatedCollector is a Collector whose plugin runs in a worker thread. A call that misses its deadline gets
 * the worker's signal aborted and the worker retired; a worker that crashes or exits is dropped. Either way a
 * fresh worker is started at once for the next call, so one bad cycle costs only that cycle's fields.
 */
export class IsolatedCollector implements Collector {
  private current: { worker: PluginWorker; ready: Promise<PluginWorker> } | undefined;
  private readonly retiring = new Set<Promise<void>>();
  private disposed = false;
  // At most one replacement starts between two calls, so a plugin that keeps crashing cannot spin a restart loop.
  private replacedSinceCall = true;

  private constructor(
    private readonly init: WorkerInit,
    private readonly logger: Logger,
    private readonly limits: IsolationLimits,
    private readonly entry?: URL,
  ) {}

  /** start creates the plugin in a first worker, so that import and create errors surface at startup. */
  static async start(init: WorkerInit, logger: Logger, limits = DEFAULT_ISOLATION_LIMITS, entry?: URL): Promise<IsolatedCollector> {
    const collector = new IsolatedCollector(init, logger, limits, entry);
    await collector.worker();
    collector.replacedSinceCall = false;
    return collector;
  }

  collect(signal: AbortSignal): Promise<Record<string, FieldValue>> {
    return this.call('collect', signal);
  }

  identify(signal: AbortSignal): Promise<Record<string, FieldValue>> {
    return this.call('identify', signal);
  }

  /** dispose lets the plugin dispose in its worker, then terminates every worker this collector started. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.current?.worker;
    this.current = undefined;
    await Promise.all([worker?.retire(this.limits.disposeGraceMs), ...this.retiring]);
  }

  private async call(method: CallMethod, signal: AbortSignal): Promise<Record<string, FieldValue>> {
    if (this.disposed) throw new Error('collector is disposed');
    this.replacedSinceCall = false;
    // A worker still starting is not retired at the deadline: its start is bounded by startTimeoutMs.
    const worker = await untilAborted(this.worker(), signal);
    try {
      return await worker.call(method, signal);
    } catch (err) {
      if (signal.aborted) this.retire(worker, `missed its deadline: ${describeError(signal.reason)}`);
      throw err;
    }
  }

  /** worker is the running worker, or a fresh one once it is ready. */
  private worker(): Promise<PluginWorker> {
    if (this.current) return this.current.ready;
    const worker = new PluginWorker(this.init, this.logger, this.entry);
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      void worker.terminate();
    }, this.limits.startTimeoutMs);
    const ready = worker.ready.then(
      () => worker,
      async (err: unknown) => {
        await worker.terminate();
        throw expired ? new Error(`the plugin did not start within ${this.limits.startTimeoutMs} ms`) : err;
      },
    );
    void ready.finally(() => clearTimeout(timer)).catch(() => undefined);
    const current = { worker, ready };
    this.current = current;
    worker.onGone((reason) => {
      if (this.current !== current) return;
      this.current = undefined;
      this.logger.debug({ reason: describeError(reason) }, 'Collector worker ended; replacing it');
      this.replace();
    });
    return ready;
  }

  private retire(worker: PluginWorker, why: string): void {
    if (this.current?.worker === worker) this.current = undefined;
    this.logger.debug(`Collector worker ${why}; replacing it`);
    const retired = worker.retire(this.limits.retireGraceMs);
    this.retiring.add(retired);
    void retired.finally(() => this.retiring.delete(retired));
    this.replace();
  }

  /** replace starts the next worker now, so the next call need not wait for it; a failed start is retried by that call. */
  private replace(): void {
    if (this.disposed || this.current || this.replacedSinceCall) return;
    this.replacedSinceCall = true;
    this.worker().catch(() => undefined);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (err: unknown) => (signal.removeEventListener('abort', onAbort), reject(err as Error)),
    );
  });
}
