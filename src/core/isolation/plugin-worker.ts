import { Worker } from 'node:worker_threads';
import type { Logger } from '../contracts/logger.js';
import type { FieldValue } from '../contracts/report.js';
import { describeError } from '../errors.js';
import type { CallMethod, HostMessage, LogMessage, WorkerInit, WorkerMessage } from './protocol.js';
import { workerEntryUrl } from './worker-entry-url.js';

interface Pending {
  resolve(value: Record<string, FieldValue>): void;
  reject(err: Error): void;
}

const live = new Set<PluginWorker>();

/** liveWorkers counts plugin workers not yet terminated, for tests and diagnostics. */
export function liveWorkers(): number {
  return live.size;
}

/**
 * PluginWorker is one worker thread running one plugin: it starts it, relays calls and log records, and
 * ends it. The thread is unreferenced while no call is in flight, so an idle worker never keeps the process
 * alive. Once it crashes, exits or is terminated, every call in flight and every later call fails.
 */
export class PluginWorker {
  /** ready settles when the plugin is created in the worker, or failed to be. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly goneListeners: Array<(reason: Error) => void> = [];
  private gone: Error | undefined;
  private disposed: (() => void) | undefined;
  private nextId = 1;

  constructor(
    init: WorkerInit,
    private readonly logger: Logger,
    entry: URL = workerEntryUrl(),
  ) {
    this.worker = new Worker(entry, { workerData: init });
    live.add(this);
    this.ready = new Promise<void>((resolve, reject) => {
      this.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new Error(message.message));
        else this.onMessage(message);
      });
      this.onGone(reject);
    });
    this.ready.catch(() => undefined);
    this.worker.on('error', (err) => this.end(new Error(`the plugin's worker crashed: ${describeError(err)}`)));
    this.worker.on('exit', (code) => {
      live.delete(this);
      this.end(new Error(`the plugin's worker exited with code ${code}`));
    });
    // After the listeners: adding a 'message' listener references the worker's port again.
    this.worker.unref();
  }

  /** isGone tells whether the worker has crashed, exited or been terminated. */
  get isGone(): boolean {
    return this.gone !== undefined;
  }

  /** onGone registers a listener called once when the worker crashes, exits or is terminated. */
  onGone(listener: (reason: Error) => void): void {
    if (this.gone) listener(this.gone);
    else this.goneListeners.push(listener);
  }

  /** call runs a collector method in the worker; when `signal` aborts, the worker's signal is aborted too. */
  call(method: CallMethod, signal: AbortSignal): Promise<Record<string, FieldValue>> {
    if (this.gone) return Promise.reject(this.gone);
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const id = this.nextId++;
    this.worker.ref();
    return new Promise<Record<string, FieldValue>>((resolve, reject) => {
      const onAbort = () => {
        this.post({ type: 'abort', id, reason: describeError(signal.reason) });
        this.settle(id)?.reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (value) => (done(), resolve(value)),
        reject: (err) => (done(), reject(err)),
      });
      this.post({ type: 'call', id, method });
    });
  }

  /**
   * retire asks the plugin to dispose, waits up to `graceMs` for it (a blocked worker never answers), then
   * terminates the thread. Never throws.
   */
  async retire(graceMs: number): Promise<void> {
    if (!this.gone) {
      const answered = new Promise<void>((resolve) => {
        this.disposed = resolve;
        this.onGone(() => resolve());
      });
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      this.post({ type: 'dispose' });
      await Promise.race([answered, grace]);
      clearTimeout(timer);
    }
    await this.terminate();
  }

  /** terminate stops the thread at once. Never throws. */
  async terminate(): Promise<void> {
    this.end(new Error("the plugin's worker was terminated"));
    await this.worker.terminate().catch(() => undefined);
    live.delete(this);
  }

  private onMessage(message: Exclude<WorkerMessage, { type: 'ready' | 'failed' }>): void {
    switch (message.type) {
      case 'result':
        this.settle(message.id)?.resolve(message.value);
        break;
      case 'error':
        this.settle(message.id)?.reject(new Error(message.message));
        break;
      case 'log':
        this.log(message);
        break;
      case 'disposed':
        this.disposed?.();
        break;
    }
  }

  private log(record: LogMessage): void {
    const logger = Object.keys(record.bindings).length > 0 ? this.logger.child(record.bindings) : this.logger;
    logger[record.level](record.obj, record.msg);
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (this.pending.size === 0 && !this.gone) this.worker.unref();
    return pending;
  }

  private post(message: HostMessage): void {
    if (!this.gone) this.worker.postMessage(message);
  }

  private end(reason: Error): void {
    if (this.gone) return;
    this.gone = reason;
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
    for (const listener of this.goneListeners.splice(0)) listener(reason);
  }
}
