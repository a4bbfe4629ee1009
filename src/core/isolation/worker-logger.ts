import { format } from 'node:util';
import type { Logger } from '../contracts/logger.js';
import type { LogLevelName, LogMessage } from './protocol.js';

const LEVELS: Record<LogLevelName, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * workerLogger is the logger a plugin receives inside a worker: it has pino's calling conventions
 * (`info(obj?, msg?, ...args)`, `child(bindings)`) and posts each record to the host, which writes it with the
 * plugin's bound logger. Records below `level` are dropped in the worker.
 */
export function workerLogger(level: string, send: (record: LogMessage) => void, bindings: Record<string, unknown> = {}): Logger {
  const threshold = level === 'silent' ? Infinity : (LEVELS[level as LogLevelName] ?? LEVELS.info);
  const method = (name: LogLevelName) => (...args: unknown[]) => {
    if (LEVELS[name] < threshold) return;
    send({ type: 'log', level: name, bindings, ...toRecord(args) });
  };
  const logger = {
    level,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    silent: () => undefined,
    isLevelEnabled: (name: string) => (LEVELS[name as LogLevelName] ?? Infinity) >= threshold,
    child: (more: Record<string, unknown>) => workerLogger(level, send, { ...bindings, ...plain(more) }),
    bindings: () => ({ ...bindings }),
  };
  // Only the calls plugins make are implemented; the rest of pino's surface is not available in a worker.
  return logger as unknown as Logger;
}

function toRecord(args: unknown[]): { obj: Record<string, unknown>; msg?: string } {
  const [first, ...rest] = args;
  if (first instanceof Error) return { obj: { err: errorRecord(first) }, msg: rest.length > 0 ? format(...rest) : first.message };
  if (typeof first === 'object' && first !== null) return { obj: plain(first), msg: rest.length > 0 ? format(...rest) : undefined };
  return { obj: {}, msg: format(...args) };
}

/** plain turns a log object into data that survives postMessage: errors become {type, message, stack}. */
function plain(value: object): Record<string, unknown> {
  try {
    return JSON.parse(
      JSON.stringify(value, (_key, item: unknown) => {
        if (item instanceof Error) return errorRecord(item);
        return typeof item === 'bigint' ? item.toString() : item;
      }),
    ) as Record<string, unknown>;
  } catch {
    return { log_object: '[unserializable]' };
  }
}

function errorRecord(err: Error): Record<string, unknown> {
  return { type: err.name, message: err.message, stack: err.stack };
}
