import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../core/config/load-config.js';
import { configPath } from '../setup.js';
import { statusFileFor, type StatusDocument, type StatusFileLocation } from '../status-file.js';

/** StatusOptions are `sidecar status`'s flags. */
export interface StatusOptions {
  config?: string;
  statusFile?: string;
  maxAge?: number;
  json?: boolean;
}

/** Verdict is the health check's answer and why. */
export interface Verdict {
  readonly healthy: boolean;
  readonly reasons: readonly string[];
  readonly summary: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * judge decides health from a status document: the daemon runs, wrote recently (within `maxAgeMs`, by default
 * two intervals plus 10 s), every transport that has a hub connection is identified, and none is closed.
 */
export function judge(doc: StatusDocument, now: number, maxAgeMs?: number): Verdict {
  const reasons: string[] = [];
  const limit = maxAgeMs ?? 2 * doc.interval_ms + 10_000;
  const age = now - doc.updated_at;
  if (doc.state !== 'running') reasons.push('the daemon has stopped');
  else if (!alive(doc.pid)) reasons.push(`process ${doc.pid} is not running`);
  if (age > limit) reasons.push(`status is ${Math.round(age / 1000)} s old (limit ${Math.round(limit / 1000)} s)`);
  const transports = doc.runtime.transports.map(({ instanceId, status }) => {
    if (status && status.identified === false) reasons.push(`${instanceId} is not identified to the hub (state ${String(status.state)})`);
    // A transport whose output is gone (stdout's reader left) drops every report: that is what a probe is for.
    if (status?.closed === true) reasons.push(`${instanceId} is closed${status.last_error ? ` (${String(status.last_error)})` : ''}; its reports are dropped`);
    const counters = status ? ['sent', 'buffered', 'dropped'].filter((k) => typeof status[k] === 'number').map((k) => `${k} ${String(status[k])}`) : [];
    return `${instanceId}${status?.identified === true ? ' identified' : ''}${counters.length ? ` (${counters.join(', ')})` : ''}`;
  });
  const last = doc.runtime.lastReportAt === null ? 'no report yet' : `last report ${Math.round((now - doc.runtime.lastReportAt) / 1000)} s ago`;
  const failing = doc.runtime.collectors.filter((c) => c.ok === false).map((c) => c.instanceId);
  const summary = [
    `agent ${doc.runtime.agentId}`,
    `${doc.runtime.reports} reports, ${last}`,
    ...transports,
    failing.length ? `failing collectors: ${failing.join(', ')}` : 'all collectors ok',
  ].join('; ');
  return { healthy: reasons.length === 0, reasons, summary };
}

/** parseStatusDocument reads a status file, refusing one that is not in the shape `run` writes. */
function parseStatusDocument(text: string): StatusDocument {
  const doc = JSON.parse(text) as Partial<StatusDocument> | null;
  const runtime = doc?.runtime;
  const shaped =
    typeof doc === 'object' && doc !== null &&
    (doc.state === 'running' || doc.state === 'stopped') &&
    [doc.pid, doc.updated_at, doc.interval_ms].every((n) => typeof n === 'number') &&
    typeof runtime === 'object' && runtime !== null &&
    [runtime.transports, runtime.collectors].every(
      (list) => Array.isArray(list) && list.every((entry) => typeof entry === 'object' && entry !== null && typeof entry.instanceId === 'string'),
    );
  if (!shaped) throw new Error('not a status file written by "sidecar run"');
  return doc as StatusDocument;
}

/**
 * locateStatusFile finds the file `run` writes: named outright, or the one of the configured agent id, in the
 * shared directory or, where `run` could not write there, in its fallback.
 */
async function locateStatusFile(opts: StatusOptions): Promise<StatusFileLocation> {
  if (opts.statusFile || process.env.SIDECAR_STATUS_FILE) return statusFileFor('', opts.statusFile);
  const config = await loadConfig(configPath(opts.config));
  return statusFileFor(config.agent.id);
}

/** readStatusFile reads the location's file, else its fallback where the file is missing. */
export async function readStatusFile(location: StatusFileLocation): Promise<{ file: string; text: string }> {
  try {
    return { file: location.file, text: await readFile(location.file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !location.fallback) throw err;
    return { file: location.fallback, text: await readFile(location.fallback, 'utf8') };
  }
}

/**
 * statusCommand reads the status file `sidecar run` keeps and prints a verdict: exit 0 when healthy, 1 when
 * not (no file, stale, stopped, not identified, or a config it cannot read), for a container HEALTHCHECK.
 */
export async function statusCommand(opts: StatusOptions): Promise<void> {
  let location: StatusFileLocation;
  try {
    location = await locateStatusFile(opts);
  } catch (err) {
    // A health check answers 0 or 1 only (Docker reserves 2): a config it cannot read is "unhealthy".
    return unhealthy(opts, `cannot find the status file: ${(err as Error).message.split('\n').join('; ')}`);
  }
  let doc: StatusDocument;
  let file = location.file;
  try {
    const read = await readStatusFile(location);
    file = read.file;
    doc = parseStatusDocument(read.text);
  } catch (err) {
    const { code, path: failed } = err as NodeJS.ErrnoException;
    const missing = code === 'ENOENT';
    const reason = missing ? 'no status file' : `unreadable status file (${(err as Error).message})`;
    const where = missing && location.fallback ? `${location.file} or ${location.fallback}` : (failed ?? file);
    return unhealthy(opts, `${reason} at ${where} (is "sidecar run" running with the same --status-file?)`);
  }
  const verdict = judge(doc, Date.now(), opts.maxAge);
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...verdict, status: doc }, null, 2)}\n`);
  else process.stdout.write(`${verdict.healthy ? 'healthy' : `unhealthy: ${verdict.reasons.join('; ')}`}; ${verdict.summary}\n`);
  process.exitCode = verdict.healthy ? 0 : 1;
}

/** unhealthy answers 1 without a status to judge, as one line, or with --json in the verdict's shape. */
function unhealthy(opts: StatusOptions, reason: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify({ healthy: false, reasons: [reason], summary: '', status: null }, null, 2)}\n` : `unhealthy: ${reason}\n`);
  process.exitCode = 1;
}
