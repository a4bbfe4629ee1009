import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RuntimeStatus } from '../core/contracts/plugin.js';

/**
 * statusFileFor is where `run` writes its status and `status` reads it: --status-file, else
 * $SIDECAR_STATUS_FILE, else one file per agent id in the temp directory (so two daemons never share one).
 */
export function statusFileFor(agentId: string, flag?: string): string {
  if (flag) return flag;
  if (process.env.SIDECAR_STATUS_FILE) return process.env.SIDECAR_STATUS_FILE;
  return path.join(tmpdir(), `sidecar-${agentId.replace(/[^A-Za-z0-9._-]/g, '_')}.status.json`);
}

/** StatusDocument is what the status file holds. */
export interface StatusDocument {
  readonly state: 'running' | 'stopped';
  readonly pid: number;
  readonly started_at: number;
  readonly updated_at: number;
  readonly interval_ms: number;
  readonly runtime: RuntimeStatus;
}

/** STATUS_WRITE_EVERY_MS spaces the writes: health checks allow two intervals plus 10 s, so this is plenty. */
export const STATUS_WRITE_EVERY_MS = 5000;

/**
 * StatusFileWriter keeps the daemon's status in a JSON file, replaced atomically (write, then rename), so a
 * health check never reads half a file. Writes are spaced at least STATUS_WRITE_EVERY_MS apart (a report every
 * 100 ms must not mean ten file replacements a second), never overlap, and never hold up the daemon; a failed
 * write is reported to `onError` once until one succeeds.
 */
export class StatusFileWriter {
  private readonly startedAt = Date.now();
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private pending: NodeJS.Timeout | undefined;
  private madeDir = false;
  private wroteAReport = false;
  private failing = false;

  constructor(
    readonly file: string,
    private readonly snapshot: () => { runtime: RuntimeStatus; intervalMs: number },
    private readonly onError: (reason: string) => void,
  ) {}

  /**
   * update asks for a write of the current status after a report: now for the first report or if the last
   * write was long enough ago, else once, later.
   */
  update(): void {
    if (!this.wroteAReport) {
      this.wroteAReport = true;
      return void this.write('running');
    }
    if (this.pending) return;
    // Monotonic: a wall clock stepped back an hour must not hold the next write (and the health check) for an hour.
    const wait = this.lastWrite + STATUS_WRITE_EVERY_MS - performance.now();
    if (wait <= 0) return void this.write('running');
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.write('running');
    }, wait);
    this.pending.unref();
  }

  /** write queues one write of the current status at once (on start and stop). */
  write(state: StatusDocument['state']): Promise<void> {
    clearTimeout(this.pending);
    this.pending = undefined;
    this.lastWrite = performance.now();
    this.writing = this.writing.then(() => this.writeNow(state));
    return this.writing;
  }

  private async writeNow(state: StatusDocument['state']): Promise<void> {
    const { runtime, intervalMs } = this.snapshot();
    const doc: StatusDocument = { state, pid: process.pid, started_at: this.startedAt, updated_at: Date.now(), interval_ms: intervalMs, runtime };
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      // Only the file's own directory, not recursively: Node 20's recursive mkdir spins forever under /proc.
      if (!this.madeDir) await mkdir(path.dirname(this.file)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      this.madeDir = true;
      await writeFile(temp, `${JSON.stringify(doc)}\n`, { mode: 0o644 });
      await rename(temp, this.file);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.onError(`Cannot write the status file ${this.file}: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
