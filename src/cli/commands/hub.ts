import { ErrorCode, SidecarError } from '../../core/errors.js';
import { SecretScrubber } from '../../core/logger.js';
import { startDevHub, type DevHub } from '../../hub/dev-hub.js';
import { createCliLogger } from '../setup.js';
import { waitForStopSignal } from '../wait-for-signal.js';

/** HubOptions are `sidecar hub`'s flags. */
export interface HubOptions {
  port: number;
  host: string;
  token?: string;
  /** tasks: push a task_assign to each identified connection (`--tasks`). */
  tasks?: boolean;
}

/** listenDevHub starts the development hub, turning a port clash into a clear user error. */
export async function listenDevHub(options: Parameters<typeof startDevHub>[0] & { port: number; host: string }): Promise<DevHub> {
  try {
    return await startDevHub(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new SidecarError(ErrorCode.USAGE, `cannot listen on ${options.host}:${options.port}: ${code} (choose another --port)`);
    }
    throw err;
  }
}

/**
 * hubCommand runs the local development hub until SIGINT/SIGTERM, printing one line per report. The token
 * comes from --token or $SIDECAR_TOKEN; empty means any token is accepted.
 */
export async function hubCommand(opts: HubOptions): Promise<void> {
  const token = opts.token ?? process.env.SIDECAR_TOKEN ?? '';
  const scrubber = new SecretScrubber();
  scrubber.add(token);
  const logger = createCliLogger(scrubber);
  const hub = await listenDevHub({ port: opts.port, host: opts.host, token, logger, tasks: opts.tasks === true });
  await waitForStopSignal();
  await hub.close();
  logger.info('Development hub stopped');
}
