import type { LevelWithSilent } from 'pino';
import type { Logger } from '../core/contracts/logger.js';
import { createLogger } from '../core/logger.js';

/** LogLevelName is a level a host's log function receives. */
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** LogFunction is a host's own log sink: one call per line, with the structured fields (never a secret). */
export type LogFunction = (level: LogLevelName, message: string, data: Record<string, unknown>) => void;

/** LogMethods is any logger with the four usual methods: `console`, winston, a host's own. */
export interface LogMethods {
  debug(...args: unknown[]): unknown;
  info(...args: unknown[]): unknown;
  warn(...args: unknown[]): unknown;
  error(...args: unknown[]): unknown;
}

/** HostLogger is what an embedding host may pass as `logger`: a pino logger, an object of log methods, or a function. */
export type HostLogger = Logger | LogMethods | LogFunction;

const LEVEL_NAMES: Readonly<Record<number, LogLevelName>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** isPinoLogger tells a pino logger (used as it is) from any other logger object. */
export function isPinoLogger(value: unknown): value is Logger {
  const candidate = value as Partial<Logger> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.child === 'function' && typeof candidate.bindings === 'function' && typeof candidate.levels === 'object';
}

/**
 * toLogger makes the sidecar's logger from what a host gave. A pino logger is used as it is. Anything else gets
 * a pino logger of its own (so secrets are censored exactly as in the daemon) whose lines are handed, parsed
 * back, to the host: `host.warn(message, data)` or `host('warn', message, data)`. `data` holds the fields
 * (`plugin`, `reason`, ...) without pino's own (`level`, `time`, `pid`, `msg`). Without a host logger, JSON
 * lines go to stderr as from the daemon.
 */
export function toLogger(host: HostLogger | undefined, level: LevelWithSilent = 'info'): Logger {
  if (host === undefined) return createLogger({ level });
  if (isPinoLogger(host)) return host;
  const deliver = typeof host === 'function' ? host : viaMethods(host);
  return createLogger({ level, pretty: false, destination: { write: (line: string) => forward(line, deliver) } });
}

function forward(line: string, deliver: LogFunction): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return deliver('info', line.trimEnd(), {});
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...data } = record;
  try {
    deliver(LEVEL_NAMES[level as number] ?? 'info', typeof msg === 'string' ? msg : '', data);
  } catch {
    // A host logger that throws must not break a collection; the line is lost, as it would be in the host.
  }
}

function viaMethods(host: LogMethods): LogFunction {
  return (level, message, data) => {
    const name = level === 'trace' ? 'debug' : level === 'fatal' ? 'error' : level;
    const method = (typeof host[name] === 'function' ? host[name] : host.info) as (...args: unknown[]) => unknown;
    if (Object.keys(data).length > 0) method.call(host, message, data);
    else method.call(host, message);
  };
}
