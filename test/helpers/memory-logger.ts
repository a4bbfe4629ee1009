import { createLogger, SecretScrubber } from '../../src/core/logger.js';
import type { Logger } from '../../src/core/contracts/logger.js';

/** MemoryLogger is a real pino logger whose lines are kept for assertions. */
export interface MemoryLogger {
  readonly logger: Logger;
  readonly lines: string[];
  readonly scrubber: SecretScrubber;
  /** records parses every line written so far. */
  records(): Array<Record<string, unknown>>;
}

/** memoryLogger builds a logger at `level` that writes JSON lines into memory. */
export function memoryLogger(level: 'trace' | 'debug' | 'info' | 'warn' = 'debug'): MemoryLogger {
  const lines: string[] = [];
  const scrubber = new SecretScrubber();
  const logger = createLogger({ level, pretty: false, scrubber, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, scrubber, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
