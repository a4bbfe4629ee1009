import { isDeepStrictEqual } from 'node:util';
import type { DependencyContainer } from 'tsyringe';
import { CollectionCycle, cutOffMessage, cycleCapMs } from './collection-cycle.js';
import { CollectorHealth } from './collector-health.js';
import { createRootContainer } from './container.js';
import { systemClock, type Clock } from './contracts/clock.js';
import { Logger } from './contracts/logger.js';
import type { PluginManifest, RuntimeStatus } from './contracts/plugin.js';
import type { IdentifyFields, ResourceReport } from './contracts/report.js';
import type { SidecarConfig } from './config/sidecar-config.js';
import { createLogger } from './logger.js';
import { isolatingInstantiator } from './isolation/isolating-instantiator.js';
import { CollectorInstantiator, inProcessInstantiator } from './plugins/collector-slot.js';
import { CollectorSet } from './plugins/collector-set.js';
import { embeddedTransports, type EmbeddedTransport } from './plugins/embedded-transport.js';
import { resolvePlugins, type ResolvedPlugins, type ResolvedTransport } from './plugins/resolve-entries.js';
import { broadcast, startTransports, stopTransports, type TransportHandle } from './plugins/transport-set.js';
import { Scheduler, type ScheduleOptions } from './scheduler.js';
import { PluginStartError } from './plugins/start-error.js';

/** SidecarOptions configure a sidecar runtime. Only `config` and `builtins` are required. */
export interface SidecarOptions {
  readonly config: SidecarConfig;
  readonly builtins: ReadonlyMap<string, PluginManifest>;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** transports given in code (embedding): they receive every report and the same context as configured ones. */
  readonly transports?: readonly EmbeddedTransport[];
  /** startTransports false skips the configured transports (for one-off collection). */
  readonly startTransports?: boolean;
  readonly instantiateCollector?: CollectorInstantiator;
  /** onReport is called after each report (scheduled, or from `collect()`) was handed to the transports. */
  readonly onReport?: (report: ResourceReport) => void;
  /** random draws this process's schedule offset, once, in [0, 1) (`agent.jitter_ms`); Math.random by default. */
  readonly random?: () => number;
}

/** RELOAD_GRACE_MS is how long a transport replaced by a reload may flush before it is closed. */
const RELOAD_GRACE_MS = 500;

/** SidecarStatus is a snapshot of the runtime's health. */
export type SidecarStatus = RuntimeStatus;

/**
 * Sidecar is the runtime: collectors and transports in their containers, the collection cycle and the
 * schedule. The CLI's `run` and embedding hosts both use it.
 */
export class Sidecar {
  private readonly health = new CollectorHealth();
  private scheduler: Scheduler | undefined;
  private reports = 0;
  private lastReportAt: number | null = null;
  private stopping: Promise<void> | undefined;
  /** cycleAbort ends the scheduled collection in progress when the sidecar stops. */
  private readonly cycleAbort = new AbortController();

  private constructor(
    private readonly root: DependencyContainer,
    private readonly options: SidecarOptions,
    private resolved: ResolvedPlugins,
    private collectors: CollectorSet,
    private transports: TransportHandle[],
  ) {}

  /** create resolves and starts every plugin of `config`; errors are ConfigError/SidecarError for the user. */
  static async create(options: SidecarOptions): Promise<Sidecar> {
    const logger = options.logger ?? createLogger();
    const root = createRootContainer({ logger, clock: options.clock ?? systemClock, config: options.config });
    root.registerInstance(CollectorInstantiator, options.instantiateCollector ?? isolatingInstantiator(inProcessInstantiator));
    const resolved = await resolvePlugins(options.config, options.builtins);
    const collectors = await CollectorSet.start(resolved.collectors, root, options.config.agent, options.config.dir);
    let sidecar: Sidecar | undefined;
    const runtime = {
      // The collectors are up before any transport: a connection that identifies while another transport still
      // starts (prometheus binding its port) must carry their fields too.
      identify: (signal?: AbortSignal) => (sidecar?.collectors ?? collectors).identify(signal),
      status: (): RuntimeStatus => (sidecar ? sidecar.status() : emptyStatus(options.config.agent.id)),
    };
    let transports: TransportHandle[] = [];
    try {
      const wanted = options.startTransports === false ? [] : resolved.transports;
      transports = await startTransports(
        [...wanted, ...embeddedTransports(options.transports ?? [])],
        root,
        options.config.agent,
        options.config.dir,
        runtime,
      );
    } catch (err) {
      await collectors.dispose();
      throw err instanceof PluginStartError ? err.inFile(options.config.file) : err;
    }
    sidecar = new Sidecar(root, options, resolved, collectors, transports);
    sidecar.noteStartFailures();
    sidecar.noteCappedTimeouts();
    return sidecar;
  }

  /** config is the configuration currently running. */
  get config(): SidecarConfig {
    return this.resolved.config;
  }

  /** collectOnce runs one collection cycle and returns the report, without sending it. */
  async collectOnce(): Promise<ResourceReport> {
    const cycle = new CollectionCycle(this.collectors.slots, this.config.agent.id, this.clock, this.health);
    return cycle.run();
  }

  /**
   * collect runs one collection cycle now, hands the report to every transport and returns it: a host that
   * drives the sidecar itself calls it instead of `start()`. Counted in `status()` like a scheduled report.
   */
  async collect(): Promise<ResourceReport> {
    const report = await this.collectOnce();
    this.reports += 1;
    this.lastReportAt = report.timestamp;
    broadcast(this.transports, report);
    this.options.onReport?.(report);
    return report;
  }

  /** identifyFields gathers what the collectors add to the hub handshake (`ollama_url`, `ollama_version`). */
  identifyFields(): Promise<IdentifyFields> {
    return this.collectors.identify();
  }

  /**
   * start begins the schedule: the first report after `initial_delay_ms`, then every `interval_ms`, all offset by
   * one random delay below `jitter_ms` drawn now, once for the life of the process.
   */
  start(): void {
    if (this.scheduler || this.stopping) return;
    const jitterFraction = (this.options.random ?? Math.random)();
    this.scheduler = new Scheduler(() => this.collectAndSend(), this.scheduleOptions(), this.clock, this.logger, jitterFraction);
    this.scheduler.start();
  }

  /**
   * reload swaps in a new config. Collectors are rebuilt; a transport whose entry and agent are unchanged is
   * kept as it is (with its connection and buffer); a replaced one hands its undelivered reports to its
   * successor. If the new config does not load, the old one keeps running and the error is thrown.
   */
  async reload(config: SidecarConfig): Promise<void> {
    const resolved = await resolvePlugins(config, this.options.builtins);
    const collectors = await CollectorSet.start(resolved.collectors, this.root, config.agent, config.dir);
    // A stop may come while this reload waits on plugins (each create() may take seconds): it does not wait for
    // the reload, so the reload lets go of what it built instead of swapping it in.
    if (this.stopping) return void (await collectors.dispose());
    // A connection identified with the old agent is replaced. One whose identify fields the new collectors may
    // change (a new ollama_url) is kept if the transport can pass the change on itself (identityChanged).
    const sameAgent = isDeepStrictEqual(config.agent, this.config.agent);
    const sameSources = isDeepStrictEqual(identitySources(resolved), identitySources(this.resolved));
    const kept = this.transports.filter(
      (h) =>
        h.slot.resolved.source === 'embedded' ||
        (sameAgent && (sameSources || h.slot.followsIdentity) && resolved.transports.some((t) => sameTransport(t, h))),
    );
    const retired = this.transports.filter((h) => !kept.includes(h));
    const fresh = resolved.transports.filter((t) => !kept.some((h) => sameTransport(t, h)));
    let swapped = false;
    let started: TransportHandle[];
    try {
      started = await startTransports(fresh, this.root, config.agent, config.dir, {
        // Until the swap below, a new connection identifies with the new collectors, not the ones being replaced.
        identify: (signal?: AbortSignal) => (swapped ? this.collectors : collectors).identify(signal),
        status: () => this.status(),
      });
    } catch (err) {
      await collectors.dispose();
      throw err instanceof PluginStartError ? err.inFile(config.file) : err;
    }
    if (this.stopping) return void (await Promise.all([collectors.dispose(), stopTransports(started, 0)]));
    // A replaced transport's undelivered reports go to its successor, before any live report does.
    await stopTransports(retired, RELOAD_GRACE_MS, (old) => {
      const successor = started.find((h) => h.slot.instanceId === old.slot.instanceId);
      // Under the agent id the successor identifies as: the hub files a report under its agent_id.
      for (const report of successor ? old.slot.takeBuffered() : []) successor!.slot.send({ ...report, agent_id: config.agent.id });
    });
    if (this.stopping) return void (await Promise.all([collectors.dispose(), stopTransports(started, 0)]));
    const oldCollectors = this.collectors;
    this.collectors = collectors;
    swapped = true;
    this.health.keepOnly(new Set(collectors.slots.map((slot) => slot.instanceId)));
    this.transports = [...kept, ...started];
    this.resolved = resolved;
    this.scheduler?.reschedule(this.scheduleOptions());
    this.noteStartFailures();
    this.noteCappedTimeouts();
    await oldCollectors.dispose();
    // Not awaited: gathering the new fields may wait on a collector (Ollama's /api/version); the reload is done.
    if (!sameSources) for (const h of kept) void h.slot.identityChanged();
    this.logger.info(
      { collectors: collectors.slots.length, transports_kept: kept.length, transports_started: started.length },
      'Configuration reloaded',
    );
  }

  /**
   * stop ends the schedule and abandons a collection in progress (its collectors' signals are aborted; it sends
   * nothing), then disposes the collectors (each within DISPOSE_TIMEOUT_MS) while the transports get up to
   * `graceMs` to send what is in flight before they are disposed, last. So a hung collector cannot hold a stop up
   * beyond its bounds. Idempotent.
   */
  stop(graceMs = 1000): Promise<void> {
    this.stopping ??= (async () => {
      this.scheduler?.stop();
      this.cycleAbort.abort(new Error('the sidecar is stopping'));
      await this.scheduler?.idle();
      await Promise.all([this.collectors.dispose(), stopTransports(this.transports, graceMs)]);
    })();
    return this.stopping;
  }

  /** status is a snapshot of the runtime's health, for `sidecar status` and metrics. */
  status(): SidecarStatus {
    return {
      agentId: this.config.agent.id,
      reports: this.reports,
      lastReportAt: this.lastReportAt,
      collectors: this.health.snapshot(),
      transports: this.transports.map(({ slot }) => ({ instanceId: slot.instanceId, status: slot.status() ?? null })),
    };
  }

  /** collectorIds names the running collector instances, in plugins.json order. */
  get collectorIds(): string[] {
    return this.collectors.slots.map((slot) => slot.instanceId);
  }

  /** noteStartFailures records collectors that could not start, so the failure is logged now, not at the first tick. */
  private noteStartFailures(): void {
    for (const slot of this.collectors.slots) {
      if (slot.startFailure) this.health.recordFailure(slot.instanceId, 0, slot.startFailure, slot.context.logger);
    }
  }

  /**
   * noteCappedTimeouts warns once per collector (at start and at each reload) whose `timeout_ms`, as written in the
   * file, does not fit the interval: its scheduled collections are cut off at cycleCapMs, so that every report goes
   * out on time. The default timeout is cut as well, silently (`--interval 100` is no mistake of the file's).
   */
  private noteCappedTimeouts(): void {
    const intervalMs = this.config.agent.interval_ms;
    const capMs = cycleCapMs(intervalMs);
    for (const slot of this.collectors.slots) {
      const message = cutOffMessage(slot.resolved.path, slot.resolved.entry.timeout_ms, intervalMs);
      if (message) slot.context.logger.warn({ timeout_ms: slot.timeoutMs, interval_ms: intervalMs, cut_off_ms: capMs }, message);
    }
  }

  /** collectAndSend is one scheduled cycle: it ends by 90 % of the interval, or at once when the sidecar stops. */
  private async collectAndSend(): Promise<void> {
    const cycle = new CollectionCycle(this.collectors.slots, this.config.agent.id, this.clock, this.health);
    const report = await cycle.run({ capMs: cycleCapMs(this.config.agent.interval_ms), signal: this.cycleAbort.signal });
    if (this.cycleAbort.signal.aborted) return;
    this.reports += 1;
    this.lastReportAt = report.timestamp;
    broadcast(this.transports, report);
    this.options.onReport?.(report);
  }

  private scheduleOptions(): ScheduleOptions {
    const { initial_delay_ms, interval_ms, jitter_ms = 0 } = this.config.agent;
    return { initialDelayMs: initial_delay_ms, intervalMs: interval_ms, jitterMs: jitter_ms };
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  private get logger(): Logger {
    return this.root.resolve(Logger);
  }
}

function emptyStatus(agentId: string): RuntimeStatus {
  return { agentId, reports: 0, lastReportAt: null, collectors: [], transports: [] };
}

function sameTransport(candidate: ResolvedTransport, handle: TransportHandle): boolean {
  const current = handle.slot.resolved;
  return (
    current.entry.plugin === candidate.entry.plugin &&
    current.instanceId === candidate.instanceId &&
    isDeepStrictEqual(current.options, candidate.options)
  );
}

/** identitySources lists what the identify fields come from: each collector that contributes some, with its options. */
function identitySources(resolved: ResolvedPlugins): unknown[] {
  return resolved.collectors
    .filter((c) => (c.manifest.identifyFields ?? []).length > 0)
    .map((c) => [c.instanceId, c.manifest.identifyFields, c.options]);
}
