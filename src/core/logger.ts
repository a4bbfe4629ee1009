import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';
import { ErrorCode, SidecarError } from './errors.js';
import type { Logger } from './contracts/logger.js';
import { CENSOR, censorValue, isSecretKey, redactSecretFields } from './secret-keys.js';

// pino-pretty is loaded only for a terminal: a daemon logging JSON to a journal never pays for it.
const loadPretty = () => createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export { CENSOR, isSecretKey, redactSecretFields } from './secret-keys.js';

/**
 * MIN_SCRUB_LENGTH is the shortest registered secret the scrubber hunts for as text in whole lines. A shorter
 * one (`T`, `dev`, `B6`) would mangle unrelated text (`EPROTO`, `/dev/null`), so it is only censored where it is
 * logged under a secret key, which happens whatever its length. Eight is the usual minimum for a password;
 * generated tokens are far longer.
 */
export const MIN_SCRUB_LENGTH = 8;

/** parseLogLevel checks LOG_LEVEL; an unknown level is a usage error rather than a silent default. */
export function parseLogLevel(value: string | undefined, fallback: LevelWithSilent = 'info'): LevelWithSilent {
  if (value === undefined || value === '') return fallback;
  const level = value.toLowerCase();
  if (!LEVELS.includes(level)) {
    throw new SidecarError(ErrorCode.USAGE, `LOG_LEVEL: unknown level "${value}" (use one of ${LEVELS.join(', ')})`);
  }
  return level as LevelWithSilent;
}

/**
 * SecretScrubber replaces known secret values in serialized log lines, whatever field or message holds them.
 * It is the second line of defence: fields are censored by key before serialization (redactSecretFields).
 */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** add registers a secret value; values shorter than MIN_SCRUB_LENGTH are ignored (see there). */
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
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(CENSOR);
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
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      // Fields under a secret key (isSecretKey), at any depth, are censored whatever their length: in the record
      // before it is serialized, and in an error once serialized (its own fields). Child bindings below.
      // An Error under any other key (`{ error: e }`, `{ reason: { cause: e } }`) is serialized and censored the same way.
      formatters: { log: (record) => redactSecretFields(record, serializeError) },
      serializers: { err: serializeError },
    },
    scrubber.wrap(stream),
  );
  censorBindings(logger);
  return logger;
}

/**
 * censorBindings censors secret fields of every child's bindings (`logger.child({ options })`): pino hands a
 * child's bindings to no formatter, so `child` and `setBindings` are wrapped on the root, where every child
 * (created from it by prototype) finds them. This costs once per child, not per line.
 */
function censorBindings(root: Logger): void {
  const { child, setBindings } = root;
  type Bindings = Parameters<Logger['setBindings']>[0];
  root.child = function (this: Logger, bindings: Bindings, options?: Parameters<Logger['child']>[1]) {
    return child.call(this, redactSecretFields(bindings), options);
  } as Logger['child'];
  root.setBindings = function (this: Logger, bindings: Bindings) {
    setBindings.call(this, redactSecretFields(bindings));
  };
}

/** serializeError is pino's error serializer, with the error's own fields under secret keys censored. */
function serializeError(err: unknown): unknown {
  const out = pino.stdSerializers.err(err as Error) as unknown;
  if (out !== err && typeof out === 'object' && out !== null) censorErrorFields(out as Record<string, unknown>, Object.getPrototypeOf(out), 0);
  return out;
}

// The serializer's output is a fresh object with pino's own prototype (`errProto`), so it is fixed in place.
// Errors in its fields (`err.original`, `aggregateErrors`) come out serialized the same way, and are walked too;
// any other object (a socket, a request) is left alone: it is live, not ours to change.
function censorErrorFields(out: Record<string, unknown>, errProto: unknown, depth: number): void {
  const visit = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Object.getPrototypeOf(value) === errProto) {
      if (depth < 8) censorErrorFields(value as Record<string, unknown>, errProto, depth + 1);
      return value;
    }
    if (Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null && Object.getPrototypeOf(item) === errProto)) {
      return value.map(visit);
    }
    return redactSecretFields(value);
  };
  for (const key of Object.keys(out)) out[key] = isSecretKey(key) ? censorValue(out[key]) : visit(out[key]);
}

function asWritable(target: DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk.toString());
      callback();
    },
  });
}
