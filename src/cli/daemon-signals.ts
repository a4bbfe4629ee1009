import type { Logger } from '../core/contracts/logger.js';
import { onStopRequest, reloadSignals, type StopSource } from './stop-requests.js';

/** DaemonHandlers are what a running daemon does with its signals. */
export interface DaemonHandlers {
  stop(source: StopSource): void;
  reload(): void;
}

/**
 * DaemonSignals owns the stop requests (SIGTERM, SIGINT, on Windows SIGBREAK and SIGHUP, and the IPC message
 * 'shutdown') and the reload signal (SIGHUP, POSIX only) from the first moment of `sidecar run`. Start-up can
 * take seconds (a plugin's import, a slow Ollama in identify), and Node's default action for these signals is to
 * die, SIGHUP included: `systemctl reload` during start-up would kill the service. Until `attach`, a stop exits
 * 0 at once (nothing has been collected, so nothing is lost) and a reload is remembered, then run once the
 * daemon is up, because the file may have changed after start-up read it.
 */
export class DaemonSignals {
  private handlers: DaemonHandlers | undefined;
  private reloadPending = false;
  private logger: Logger | undefined;

  constructor() {
    onStopRequest(this.onStop);
    for (const signal of reloadSignals()) process.on(signal, this.onReload);
  }

  /** useLogger names the logger for start-up messages, once the config has said which. */
  useLogger(logger: Logger): void {
    this.logger = logger;
  }

  /** attach hands the signals to the running daemon, and replays a reload asked for during start-up. */
  attach(handlers: DaemonHandlers): void {
    this.handlers = handlers;
    if (this.reloadPending) handlers.reload();
  }

  /** requestReload asks for a reload as SIGHUP does (for --watch-config). */
  requestReload(): void {
    this.onReload();
  }

  private readonly onStop = (source: StopSource): void => {
    if (this.handlers) return this.handlers.stop(source);
    this.logger?.info({ signal: source }, 'Stopping before start-up finished');
    process.exit(0);
  };

  private readonly onReload = (): void => {
    if (this.handlers) return this.handlers.reload();
    this.logger?.info('Reload asked for during start-up: reloading once started');
    this.reloadPending = true;
  };
}
