import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../core/config/load-config.js';
import { cliEntryPath } from '../../core/package-root.js';
import { SecretScrubber } from '../../core/logger.js';
import { configPath, createCliLogger } from '../setup.js';
import { waitForStopSignal } from '../wait-for-signal.js';
import { listenDevHub } from './hub.js';

/** DevOptions are `sidecar dev`'s flags (what `npm start` runs). */
export interface DevOptions {
  config?: string;
  interval: number;
  initialDelay: number;
}

const CLI = cliEntryPath();

/**
 * devCommand runs a development hub on a free loopback port and `sidecar run` pointed at it (through
 * $HUB_URL and $SIDECAR_TOKEN, which the shipped plugins.json reads), with short intervals. The daemon is a
 * real child process in its own process group, so Ctrl-C reaches it once, through us; it also stops by
 * itself if we die (its IPC channel closes).
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
  const daemon = spawn(process.execPath, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  logger.info({ hub: hub.url, interval_ms: opts.interval }, 'Local hub started; the sidecar reports to it. Ctrl-C stops both');
  // SIGHUP reloads the daemon's plugins.json, as it does for `sidecar run` (Node's default would end us).
  const reload = () => daemon.kill('SIGHUP');
  process.on('SIGHUP', reload);
  const exited = new Promise<number>((resolve) => daemon.once('exit', (code) => resolve(code ?? 1)));
  const outcome = await Promise.race([exited.then((code) => ({ code })), waitForStopSignal().then(() => undefined)]);
  process.off('SIGHUP', reload);
  if (outcome === undefined) daemon.kill('SIGTERM');
  const code = outcome?.code ?? (await exited);
  await hub.close();
  process.exitCode = code;
}

async function warnIfHubUnused(file: string, env: NodeJS.ProcessEnv, url: string, logger: ReturnType<typeof createCliLogger>) {
  const config = await loadConfig(file, env).catch(() => undefined);
  if (!config) return; // the daemon will report the config's problems itself
  const reachesHub = config.transports.some((t) => t.enabled && t.plugin === 'websocket' && t.options.url === url);
  if (!reachesHub) {
    logger.warn(`${config.file} has no enabled websocket transport with "url": "\${HUB_URL}", so reports will not reach the local hub`);
  }
}
