import { inject, injectable, type InjectionToken } from 'tsyringe';
import type { Transport, TransportContext, TransportStatus } from '../contracts/plugin.js';
import type { ResourceReport } from '../contracts/report.js';
import { PluginContextToken } from '../container.js';
import { describeError } from '../errors.js';
import type { ResolvedTransport } from './resolve-entries.js';
import { startError, withStartDeadline } from './start-error.js';

/** ResolvedTransportToken is the resolved entry a transport slot's child container was made for. */
export const ResolvedTransportToken: InjectionToken<ResolvedTransport> = Symbol('ResolvedTransport');

/**
 * TransportSlot holds one configured transport instance: it creates, starts, feeds and stops it, and keeps a
 * misbehaving transport (one that throws from send) from reaching the scheduler.
 */
@injectable()
export class TransportSlot {
  private instance: Transport | undefined;
  private stopped = false;
  private failing = false;

  constructor(
    @inject(ResolvedTransportToken) readonly resolved: ResolvedTransport,
    @inject(PluginContextToken) readonly context: TransportContext<unknown>,
  ) {}

  get instanceId(): string {
    return this.resolved.instanceId;
  }

  /**
   * start creates the transport and starts it, each within START_TIMEOUT_MS; a failure is a
   * PLUGIN_CREATE_FAILED naming the entry.
   */
  async start(): Promise<void> {
    const creating = Promise.resolve().then(() => this.resolved.manifest.create(this.context));
    try {
      this.instance = await withStartDeadline('create()', () => creating).catch((err: unknown) => {
        // The slot has given up on a create() past its deadline: a transport it still makes (a socket, a port)
        // has no owner, so it is stopped and disposed as soon as it comes.
        void creating.then((late) => letGo(late), () => undefined);
        throw err;
      });
      if (typeof this.instance?.send !== 'function') throw new Error('create() must return an object with send(report)');
      const instance = this.instance;
      await withStartDeadline('start()', () => instance.start?.());
    } catch (err) {
      throw startError(this.resolved, err);
    }
  }

  /** send hands a report over without waiting for it; failures are logged once per change of state. */
  send(report: ResourceReport): void {
    if (!this.instance || this.stopped) return;
    try {
      Promise.resolve(this.instance.send(report)).then(() => this.markOk(), (err: unknown) => this.markFailed(err));
    } catch (err) {
      this.markFailed(err);
    }
  }

  /** status is the transport's own description of its state, if it gives one. */
  status(): TransportStatus | undefined {
    try {
      return this.instance?.status?.();
    } catch {
      return undefined;
    }
  }

  /** takeBuffered returns what the transport could not deliver, for its successor on reload. */
  takeBuffered(): ResourceReport[] {
    try {
      return this.instance?.takeBuffered?.() ?? [];
    } catch {
      return [];
    }
  }

  /** followsIdentity says the transport can be told of new identify fields (identityChanged) instead of replaced. */
  get followsIdentity(): boolean {
    return typeof this.instance?.identityChanged === 'function';
  }

  /** identityChanged tells the transport that identify fields changed; a failure is logged, never thrown. */
  async identityChanged(): Promise<void> {
    try {
      await this.instance?.identityChanged?.();
    } catch (err) {
      this.context.logger.warn({ error: describeError(err) }, 'Transport failed to take the new identify fields');
    }
  }

  /** stop flushes and closes the transport within `signal`; it is idempotent. */
  async stop(signal: AbortSignal): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.instance?.stop?.(signal);
  }

  /** dispose stops (if not yet) and releases the transport. */
  async dispose(): Promise<void> {
    await this.stop(AbortSignal.abort()).catch(() => undefined);
    const instance = this.instance;
    this.instance = undefined;
    await instance?.dispose?.();
  }

  private markOk(): void {
    if (this.failing) this.context.logger.info('Transport recovered');
    this.failing = false;
  }

  private markFailed(err: unknown): void {
    if (!this.failing) this.context.logger.warn({ reason: describeError(err) }, `Transport failed to send: ${describeError(err)}`);
    this.failing = true;
  }
}

/** letGo stops and disposes a transport nobody holds, ignoring whatever it throws. */
function letGo(transport: Transport | undefined): void {
  void Promise.resolve()
    .then(() => transport?.stop?.(AbortSignal.abort()))
    .then(() => transport?.dispose?.())
    .catch(() => undefined);
}
