import type { Logger } from '../core/contracts/logger.js';
import { describeError } from '../core/errors.js';

/**
 * guardProcess logs a stray plugin error (a promise rejected with no handler, an exception thrown from a timer)
 * instead of letting Node print a stack trace and exit: a daemon would lose its buffered reports, and `collect`
 * promises exit 0 whatever a collector does.
 */
export function guardProcess(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ reason: describeError(reason) }, 'Unhandled promise rejection (a plugin bug?); continuing');
  });
  process.on('uncaughtException', (err) => {
    logger.error({ reason: describeError(err) }, 'Uncaught exception (a plugin bug?); continuing');
  });
}
