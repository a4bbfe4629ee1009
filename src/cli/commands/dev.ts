import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../core/config/load-config.js';
import { cliEntryPath } from '../../core/package-root.js';
import { SecretScrubber } from '../../core/logger.js';
import { configPath, createCliLogger } from '../setup.js';
import { onStopRequest, reloadSignals, SHUTDOWN_MESSAGE } from '../stop-requests.js';
import { listenDevHub } from './hub.js';

/** DevOptions are `sidecar dev`'s flags (what `npm start` runs). */
export interface DevOptions {
  config?: string;
  interval: number;
  initialDelay: number;
}

const CLI = cliEntryPath();

/** WINDOWS_FORWARD_DELAY_MS is how long dev lets a daemon that shares its console stop on the same Ctrl-C first. */
const WINDOWS_FORWARD_DELAY_MS = 500;

/**
 * devCommand runs a development hub on a free loopback port and `sidecar run` pointed at it (through
 * $HUB_URL and $SIDECAR_TOKEN, which the shipped plugins.json reads), with short intervals. The daemon is a
 * real child process with an IPC channel; a stop request (Ctrl-C, SIGTERM, the IPC message 'shutdown') reaches
 * it as the message 'shutdown', which works on every OS (on Windows a signal sent to a child kills it outright).
 * On POSIX the child has its own process group, so Ctrl-C reaches it once, through us. On Windows it shares our
 * console (a detached child would have none), so it sees the same Ctrl-C itself and the message follows only if
 * it has not begun stopping by then. It also stops by itself if we die (its IPC channel closes).
 */
export async function devCommand(opts: DevOptions): Promise<void> {
  const token = `dev-${randomBytes(12).toString('hex')}`;
  const scrubber = new SecretScrubber();
  scrubber.add(token);
  const root = createCliLogger(scrubber);
  const logger = root.child({ component: 'dev' });
  const hub = await listenDevHub({ port: 0, host: '127.0.0.1', token, logger: root.child({ component: 'hub' }) });
  const env = { ...process.env, HUB_URL: hub.url, SIDECAR_TOKEN: token };
  await warnIfHubUnused(configPath(opts.config), env, hub.url, logger);

  const args = [CLI, 'run', '--config', configPath(opts.config), '--initial-delay', String(opts.initialDelay), '--interval', String(opts.interval)];
  const windows = process.platform === 'win32';
  const daemon = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: !windows });
  logger.info({ hub: hub.url, interval_ms: opts.interval }, 'Local hub started; the sidecar reports to it. Ctrl-C stops both');
  // SIGHUP reloads the daemon's plugins.json, as it does for `sidecar run` (Node's default would end us).
  const reload = () => daemon.kill('SIGHUP');
  for (const signal of reloadSignals()) process.on(signal, reload);
  const exited = new Promise<number>((resolve) => daemon.once('exit', (code) => resolve(code ?? 1)));
  let requests = 0;
  const stopListening = onStopRequest(() => {
    if (++requests > 1) return void daemon.kill(); // a second Ctrl-C: no more waiting
    if (windows) setTimeout(() => shutdown(daemon), WINDOWS_FORWARD_DELAY_MS).unref();
    else shutdown(daemon);
  });
  const code = await exited;
  stopListening();
  for (const signal of reloadSignals()) process.off(signal, reload);
  await hub.close();
  process.exitCode = requests > 1 ? 1 : code;
}

/** shutdown asks the daemon to stop cleanly, unless it is gone or its channel already closed. */
function shutdown(daemon: ChildProcess): void {
  if (daemon.exitCode !== null || !daemon.connected) return;
  daemon.send(SHUTDOWN_MESSAGE, (err) => {
    if (err) daemon.kill();
  });
}

async function warnIfHubUnused(file: string, env: NodeJS.ProcessEnv, url: string, logger: ReturnType<typeof createCliLogger>) {
  const config = await loadConfig(file, env).catch(() => undefined);
  if (!config) return; // the daemon will report the config's problems itself
  const reachesHub = config.transports.some((t) => t.enabled && t.plugin === 'websocket' && t.options.url === url);
  if (!reachesHub) {
    logger.warn(`${config.file} has no enabled websocket transport with "url": "\${HUB_URL}", so reports will not reach the local hub`);
  }
}
