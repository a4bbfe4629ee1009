import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RuntimeStatus } from '../core/contracts/plugin.js';

/** StatusFileHost is what the default location depends on, injectable so each OS's choice is tested anywhere. */
export interface StatusFileHost {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly tmpdir: () => string;
}

/** StatusFileLocation is where the status file goes, and where it goes when that directory cannot be made. */
export interface StatusFileLocation {
  readonly file: string;
  /** fallback is the per-user temp directory's file; absent when `file` was named outright or is already there. */
  readonly fallback?: string;
}

const thisHost: StatusFileHost = { platform: process.platform, env: process.env, tmpdir };

/**
 * sharedStatusDir is the directory that a service and the user who runs `sidecar status` both see, per OS.
 * Windows: %ProgramData%\sidecar, since a service account's %TEMP% (C:\Windows\ServiceProfiles\...) is not the
 * user's. macOS: /tmp, since $TMPDIR is a per-user /var/folders/... directory that a launchd job may not share.
 * Elsewhere (Linux): the temp directory as before; the systemd unit and the image name their own file.
 */
export function sharedStatusDir(host: StatusFileHost = thisHost): string {
  if (host.platform === 'win32') {
    return path.win32.join(host.env.ProgramData || host.env.ALLUSERSPROFILE || 'C:\\ProgramData', 'sidecar');
  }
  if (host.platform === 'darwin') return '/tmp';
  return host.tmpdir();
}

/**
 * statusFileFor is where `run` writes its status and `status` reads it: --status-file, else
 * $SIDECAR_STATUS_FILE, else one file per agent id (so two daemons never share one) in sharedStatusDir, with
 * the temp directory as the fallback where that directory cannot be made.
 */
export function statusFileFor(agentId: string, flag?: string, host: StatusFileHost = thisHost): StatusFileLocation {
  if (flag) return { file: flag };
  if (host.env.SIDECAR_STATUS_FILE) return { file: host.env.SIDECAR_STATUS_FILE };
  const join = host.platform === 'win32' ? path.win32.join : path.posix.join;
  const name = `sidecar-${agentId.replace(/[^A-Za-z0-9._-]/g, '_')}.status.json`;
  const file = join(sharedStatusDir(host), name);
  const fallback = join(host.tmpdir(), name);
  return fallback === file ? { file } : { file, fallback };
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
 * write is reported to `onError` once until one succeeds. If the first write fails in the default directory
 * (a %ProgramData% the account may not write), it moves to the location's fallback and says so in one line.
 */
export class StatusFileWriter {
  private readonly startedAt = Date.now();
  private writing: Promise<void> = Promise.resolve();
  private lastWrite = 0;
  private pending: NodeJS.Timeout | undefined;
  private current: string;
  private fallback: string | undefined;
  private madeDir = false;
  private wroteAReport = false;
  private failing = false;

  constructor(
    location: StatusFileLocation,
    private readonly snapshot: () => { runtime: RuntimeStatus; intervalMs: number },
    private readonly onError: (reason: string) => void,
  ) {
    this.current = location.file;
    this.fallback = location.fallback;
  }

  /** file is where the status is written now: the location's file, or its fallback once that was needed. */
  get file(): string {
    return this.current;
  }

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
    const wait = this.lastWrite + STATUS_WRITE_EVERY_MS - Date.now();
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
    this.lastWrite = Date.now();
    this.writing = this.writing.then(() => this.writeNow(state));
    return this.writing;
  }

  private async writeNow(state: StatusDocument['state']): Promise<void> {
    const { runtime, intervalMs } = this.snapshot();
    const doc: StatusDocument = { state, pid: process.pid, started_at: this.startedAt, updated_at: Date.now(), interval_ms: intervalMs, runtime };
    try {
      await this.replace(`${JSON.stringify(doc)}\n`);
      this.failing = false;
    } catch (err) {
      const fallback = this.fallback;
      this.fallback = undefined; // only the first write may move: later, a failure is a failure, not a new place
      if (fallback) {
        this.onError(`Cannot write the status file ${this.current} (${(err as Error).message}); using ${fallback} instead`);
        this.current = fallback;
        this.madeDir = false;
        return this.writeNow(state);
      }
      if (!this.failing) this.onError(`Cannot write the status file ${this.current}: ${(err as Error).message}`);
      this.failing = true;
    }
  }

  private async replace(text: string): Promise<void> {
    const file = this.current;
    const temp = `${file}.${process.pid}.tmp`;
    // Only the file's own directory, not recursively: Node 20's recursive mkdir spins forever under /proc.
    if (!this.madeDir) await mkdir(path.dirname(file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    this.madeDir = true;
    // The default directory may be a shared /tmp: 'wx' refuses to follow a link planted at the temp name.
    await rm(temp, { force: true });
    await writeFile(temp, text, { mode: 0o644, flag: 'wx' });
    await rename(temp, file);
    this.fallback = undefined; // once a write succeeded here, this is where `status` will look for it
  }
}
