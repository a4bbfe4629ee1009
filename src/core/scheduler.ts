import type { Logger } from './contracts/logger.js';
import type { Clock } from './contracts/clock.js';
import { describeError } from './errors.js';

/** ScheduleOptions say when ticks happen. */
export interface ScheduleOptions {
  readonly initialDelayMs: number;
  readonly intervalMs: number;
}

/**
 * Scheduler runs a task at start + initialDelay + k * interval. Ticks are anchored to that grid, so timer
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

  constructor(
    private readonly task: () => Promise<void>,
    private options: ScheduleOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** start schedules the first tick after the initial delay. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.anchor = this.clock.now() + this.options.initialDelayMs;
    this.tick = 0;
    this.arm(this.anchor);
  }

  /** reschedule restarts the grid with a new interval: the next tick comes one new interval from now. */
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

  /** stop cancels future ticks and waits for a running one to finish. */
  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private arm(at: number): void {
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - this.clock.now()));
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
    this.anchor = this.clock.now() + this.options.intervalMs;
    this.tick = 0;
    this.arm(this.anchor);
  }

  private armNext(): void {
    if (this.reanchor) return this.restartGrid();
    const now = this.clock.now();
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
