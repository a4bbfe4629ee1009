import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';
import { ErrorCode, SidecarError } from './errors.js';
import type { Logger } from './contracts/logger.js';

// pino-pretty is loaded only for a terminal: a daemon logging JSON to a journal never pays for it.
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** REDACT_PATHS hides secrets that reach a log call as structured fields. */
export const REDACT_PATHS = ['token', '*.token', 'options.token', '*.options.token', 'headers.authorization'];

/** SECRET_KEY names option keys whose values are secrets, scrubbed from every log line. */
export const SECRET_KEY = /^(token|password|secret|api_key|apikey|auth|authorization)$/i;

// Very short secrets would turn scrubbing into mangling every line; they are refused a place in logs by
// redaction of their fields instead.
const MIN_SCRUB_LENGTH = 4;

/** parseLogLevel checks LOG_LEVEL; an unknown level is a usage error rather than a silent default. */
export function parseLogLevel(value: string | undefined, fallback: LevelWithSilent = 'info'): LevelWithSilent {
  if (value === undefined || value === '') return fallback;
  const level = value.toLowerCase();
  if (!LEVELS.includes(level)) {
    throw new SidecarError(ErrorCode.USAGE, `LOG_LEVEL: unknown level "${value}" (use one of ${LEVELS.join(', ')})`);
  }
  return level as LevelWithSilent;
}

/** SecretScrubber replaces known secret values in serialized log lines, whatever field or message holds them. */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** add registers a secret value; short or empty values are ignored. */
  add(secret: string | undefined): void {
    if (secret && secret.length >= MIN_SCRUB_LENGTH) {
      this.secrets.add(secret);
      // The same value as it appears inside a JSON string, where quotes and backslashes are escaped.
      this.secrets.add(JSON.stringify(secret).slice(1, -1));
    }
  }

  /** scrub returns the line with every known secret replaced. */
  scrub(line: string): string {
    let out = line;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    return out;
  }

  /** wrap returns a stream that scrubs each line before writing it to `target`. */
  wrap(target: DestinationStream): DestinationStream {
    return { write: (line: string) => target.write(this.scrub(line)) };
  }
}

/** LoggerOptions configure the root logger. */
export interface LoggerOptions {
  level?: LevelWithSilent;
  /** pretty prints human-readable lines (default: when stderr is a terminal). */
  pretty?: boolean;
  /** destination receives the lines (default: stderr, synchronously, so nothing is lost at exit). */
  destination?: DestinationStream;
  scrubber?: SecretScrubber;
}

/** createLogger builds the root pino logger: JSON on stderr, readable on a terminal, secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const scrubber = options.scrubber ?? new SecretScrubber();
  const usePretty = options.pretty ?? (options.destination === undefined && process.stderr.isTTY === true);
  const target: DestinationStream =
    options.destination ?? (usePretty ? loadPretty()({ destination: 2, sync: true }) : pino.destination({ dest: 2, sync: true }));
  const stream = usePretty && options.destination ? loadPretty()({ destination: asWritable(target), sync: true }) : target;
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err },
    },
    scrubber.wrap(stream),
  );
}

function asWritable(target: DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk.toString());
      callback();
    },
  });
}
