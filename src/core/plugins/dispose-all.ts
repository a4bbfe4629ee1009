import type { DependencyContainer } from 'tsyringe';
import type { Logger } from '../contracts/logger.js';
import { describeError } from '../errors.js';

/** DISPOSE_TIMEOUT_MS bounds how long one plugin's dispose may take before the host stops waiting. */
export const DISPOSE_TIMEOUT_MS = 1000;

/**
 * disposeAll disposes child containers concurrently, each within DISPOSE_TIMEOUT_MS; a plugin whose dispose
 * throws or hangs is logged and left behind, so it cannot keep the sidecar from stopping.
 */
export async function disposeAll(containers: ReadonlyArray<{ container: DependencyContainer; logger: Logger }>): Promise<void> {
  await Promise.all(
    containers.map(async ({ container, logger }) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        // Referenced on purpose: it is what keeps the process alive while a dispose that never settles is waited for.
        timer = setTimeout(() => resolve('timeout'), DISPOSE_TIMEOUT_MS);
      });
      try {
        const outcome = await Promise.race([container.dispose(), timeout]);
        if (outcome === 'timeout') logger.warn(`Plugin did not finish disposing within ${DISPOSE_TIMEOUT_MS} ms`);
      } catch (err) {
        logger.warn({ reason: describeError(err) }, 'Plugin failed to dispose');
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
