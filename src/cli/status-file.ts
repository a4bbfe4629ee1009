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

/**
 * StatusFileWriter keeps the daemon's status in a JSON file, replaced atomically (write, then rename) after
 * every report, so a health check never reads half a file. Writes never overlap; a failed write is reported
 * to `onError` once until one succeeds.
 */
export class StatusFileWriter {
  private readonly startedAt = Date.now();
  private writing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(
    readonly file: string,
    private readonly snapshot: () => { runtime: RuntimeStatus; intervalMs: number },
    private readonly onError: (reason: string) => void,
  ) {}

  /** write queues one write of the current status. */
  write(state: StatusDocument['state'] = 'running'): Promise<void> {
    this.writing = this.writing.then(() => this.writeNow(state));
    return this.writing;
  }

  private async writeNow(state: StatusDocument['state']): Promise<void> {
    const { runtime, intervalMs } = this.snapshot();
    const doc: StatusDocument = { state, pid: process.pid, started_at: this.startedAt, updated_at: Date.now(), interval_ms: intervalMs, runtime };
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFile(temp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o644 });
      await rename(temp, this.file);
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.onError(`Cannot write the status file ${this.file}: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
