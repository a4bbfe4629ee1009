import type { Logger } from './contracts/logger.js';
import type { Clock } from './contracts/clock.js';
import { describeError } from './errors.js';

/** ScheduleOptions say when ticks happen. */
export interface ScheduleOptions {
  readonly initialDelayMs: number;
  readonly intervalMs: number;
  /** jitterMs spreads a fleet: the whole grid is offset by `jitterFraction * jitterMs` (below the interval). */
  readonly jitterMs?: number;
}

/**
 * Scheduler runs a task at start + initialDelay + offset + k * interval, on the monotonic clock: a wall clock
 * stepped back or forward (NTP, a resumed VM) changes no cadence. Ticks are anchored to that grid, so timer
 * lateness does not accumulate (no drift); a tick never starts while the previous one runs (no overlap), and
 * a tick that overran skips the grid points it covered instead of firing them in a burst.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private anchor = 0;
  private tick = 0;
  private active = false;
  private reanchor = false;
  /** skipped counts grid points missed because a tick overran. */
  skipped = 0;

  /**
   * `jitterFraction` is drawn once per process, in [0, 1): the offset stays the same for every tick and every
   * reload, so one sidecar keeps a steady cadence while a fleet started together is spread over `jitterMs`.
   */
  constructor(
    private readonly task: () => Promise<void>,
    private options: ScheduleOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly jitterFraction = 0,
  ) {}

  /** offsetMs is this process's fixed offset from the grid, in [0, jitterMs) and below the interval. */
  get offsetMs(): number {
    const { jitterMs = 0, intervalMs } = this.options;
    return Math.floor(this.jitterFraction * Math.min(jitterMs, intervalMs));
  }

  /** start schedules the first tick after the initial delay (and this process's offset). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.anchor = this.clock.monotonic() + this.options.initialDelayMs + this.offsetMs;
    this.tick = 0;
    this.arm(this.anchor);
  }

  /** reschedule restarts the grid with a new interval: the next tick comes one new interval (plus offset) from now. */
  reschedule(options: ScheduleOptions): void {
    this.options = options;
    if (!this.active) return;
    if (this.running) {
      this.reanchor = true;
      return;
    }
    clearTimeout(this.timer);
    this.restartGrid();
  }

  /**
   * stop cancels future ticks. It does not wait for a running tick: the task's owner aborts that one (a hung
   * collector must not hold up a stop).
   */
  stop(): void {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** idle settles when no tick is running (at once if none is). */
  async idle(): Promise<void> {
    await this.running;
  }

  private arm(at: number): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.clock.monotonic()));
  }

  private fire(): void {
    if (!this.active) return;
    this.running = this.task()
      .catch((err: unknown) => this.logger.error({ reason: describeError(err) }, 'Scheduled collection failed'))
      .finally(() => {
        this.running = undefined;
        if (this.active) this.armNext();
      });
  }

  private restartGrid(): void {
    this.reanchor = false;
    this.anchor = this.clock.monotonic() + this.options.intervalMs + this.offsetMs;
    this.tick = 0;
    this.arm(this.anchor);
  }

  private armNext(): void {
    if (this.reanchor) return this.restartGrid();
    const now = this.clock.monotonic();
    const { intervalMs } = this.options;
    let next = this.tick + 1;
    const due = Math.floor((now - this.anchor) / intervalMs) + 1;
    if (due > next) {
      this.skipped += due - next;
      this.logger.debug({ skipped: due - next }, 'Collection overran its interval; skipping missed ticks');
      next = due;
    }
    this.tick = next;
    this.arm(this.anchor + next * intervalMs);
  }
}
