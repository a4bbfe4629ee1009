import type { Logger } from '../../core/contracts/logger.js';
import { loadCheckedConfig } from '../../core/plugins/load-checked-config.js';
import type { SidecarConfig } from '../../core/config/sidecar-config.js';
import { ConfigError, describeError } from '../../core/errors.js';
import { Sidecar } from '../../core/sidecar.js';
import { DaemonSignals, type DaemonHandlers } from '../daemon-signals.js';
import { CoalescedReload } from '../coalesced-reload.js';
import { guardProcess } from '../guard-process.js';
import { configPath, registerSecrets, setup, type CliContext } from '../setup.js';
import { StatusFileWriter, statusFileFor } from '../status-file.js';
import { SHUTDOWN_MESSAGE, type StopSource } from '../stop-requests.js';
import { watchConfig } from '../watch-config.js';

/** SHUTDOWN_GRACE_MS is how long transports may flush on SIGTERM before they are closed. */
export const SHUTDOWN_GRACE_MS = 1500;
/** HARD_DEADLINE_MS is the longest a stop may take, whatever a plugin does; then the process exits anyway. */
export const HARD_DEADLINE_MS = 3000;

/** RunOptions are `sidecar run`'s flags. */
export interface RunOptions {
  config?: string;
  statusFile?: string;
  interval?: number;
  initialDelay?: number;
  watchConfig?: boolean;
}

function withOverrides(config: SidecarConfig, opts: RunOptions): SidecarConfig {
  return {
    ...config,
    agent: {
      ...config.agent,
      interval_ms: opts.interval ?? config.agent.interval_ms,
      initial_delay_ms: opts.initialDelay ?? config.agent.initial_delay_ms,
    },
  };
}

function oneLine(err: unknown): string {
  return err instanceof ConfigError ? err.message.split('\n').join('; ') : describeError(err);
}

/**
 * runCommand is the daemon: the schedule runs until a stop request (SIGTERM, SIGINT, the IPC message
 * 'shutdown', and on Windows SIGBREAK and SIGHUP), which stops it cleanly (exit 0); a second signal, or a stop
 * that outlasts HARD_DEADLINE_MS, exits at once with 1. SIGHUP (POSIX) and, with --watch-config, a change to
 * the file reload the config, bursts coalesced (CoalescedReload).
 */
export async function runCommand(opts: RunOptions): Promise<void> {
  const signals = new DaemonSignals();
  const ctx = await setup(opts.config);
  signals.useLogger(ctx.logger);
  const config = withOverrides(ctx.config, opts);
  const { logger } = ctx;
  let statusFile: StatusFileWriter | undefined;
  const sidecar = await Sidecar.create({
    config,
    logger,
    builtins: ctx.builtins,
    onReport: () => statusFile?.update(),
  });
  statusFile = new StatusFileWriter(
    statusFileFor(config.agent.id, opts.statusFile),
    () => ({ runtime: sidecar.status(), intervalMs: sidecar.config.agent.interval_ms }),
    (reason) => logger.warn(reason),
  );
  void statusFile.write('running'); // not awaited: a status file that cannot be written must not hold up reports
  warnIfNoTransport(sidecar, logger);
  sidecar.start();
  logger.info(
    {
      agent_id: config.agent.id,
      collectors: sidecar.collectorIds,
      transports: sidecar.status().transports.map((t) => t.instanceId),
      initial_delay_ms: config.agent.initial_delay_ms,
      interval_ms: config.agent.interval_ms,
    },
    'Sidecar started',
  );
  guardProcess(logger);
  if (opts.watchConfig) watchConfig(configPath(opts.config), () => signals.requestReload(), logger);
  await new Promise<void>((resolve) => signals.attach(daemonHandlers(sidecar, ctx, opts, statusFile, resolve)));
}

function daemonHandlers(sidecar: Sidecar, ctx: CliContext, opts: RunOptions, statusFile: StatusFileWriter, done: () => void): DaemonHandlers {
  const { logger } = ctx;
  let stopping = false;
  const stop = (source: StopSource) => {
    if (stopping) {
      // pm2 or `sidecar dev` may repeat the message, or send it while a Ctrl-C on the same console is handled.
      if (source === SHUTDOWN_MESSAGE) return;
      logger.warn({ signal: source }, 'Second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    reloads.close();
    logger.info({ signal: source }, 'Stopping');
    // Not unref'd: this timer is what keeps the process alive to exit 1, whatever a plugin's stop does.
    setTimeout(() => {
      logger.error(`Stop did not finish within ${HARD_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, HARD_DEADLINE_MS);
    // Not after a reload in progress: one can wait seconds on plugins; Sidecar.reload lets go of it instead.
    void sidecar
      .stop(SHUTDOWN_GRACE_MS)
      .then(() => statusFile.write('stopped'))
      .then(() => {
        logger.info('Stopped');
        done();
        process.exit(0);
      });
  };
  const reloads = new CoalescedReload(async () => {
    if (stopping) return;
    logger.info('Reloading configuration');
    try {
      const fresh = withOverrides(await loadCheckedConfig(configPath(opts.config), ctx.builtins), opts);
      registerSecrets(fresh, ctx.scrubber);
      await sidecar.reload(fresh);
      warnIfNoTransport(sidecar, logger);
    } catch (err) {
      logger.error({ reason: oneLine(err) }, 'Reload failed; the previous configuration keeps running');
    }
  });
  const reload = () => reloads.request();
  // Started by `sidecar dev` with an IPC channel: stop when that parent goes away, however it died.
  if (process.send) process.once('disconnect', () => stop(SHUTDOWN_MESSAGE));
  return { stop, reload };
}

/** warnIfNoTransport says so when the running config sends reports nowhere (at start and after a reload). */
function warnIfNoTransport(sidecar: Sidecar, logger: Logger): void {
  if (sidecar.status().transports.length === 0) logger.warn('No transport is enabled: reports go nowhere');
}
