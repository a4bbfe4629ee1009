import type { Timers } from '../../../../src/plugins/transports/websocket/timers.js';

interface Pending {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * VirtualTime is a Timers whose clocks only move when the test says so: `advance` jumps from timer to timer,
 * running each at its due time. Sockets stay real (they run on the real event loop), so a test lets I/O settle
 * with `io()` between jumps. The wall clock starts at a fixed epoch and moves with the monotonic one; `stepWall`
 * moves only the wall clock (an NTP step), which nothing but timestamps may notice.
 */
export class VirtualTime implements Timers {
  #mono = 0;
  #wallOffset = 1_800_000_000_000;
  #seq = 0;
  #timers: Pending[] = [];

  now = (): number => this.#mono + this.#wallOffset;
  monotonic = (): number => this.#mono;

  set = (fn: () => void, ms: number): unknown => {
    const timer = { id: ++this.#seq, due: this.#mono + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id;
  };

  clear = (handle: unknown): void => {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  };

  /** pending is how many timers wait. */
  get pending(): number {
    return this.#timers.length;
  }

  /** nextDue is when the earliest timer is due, or undefined. */
  get nextDue(): number | undefined {
    return this.#timers.reduce<number | undefined>((min, t) => (min === undefined || t.due < min ? t.due : min), undefined);
  }

  /** stepWall moves the wall clock alone by `ms` (may be negative). */
  stepWall(ms: number): void {
    this.#wallOffset += ms;
  }

  /** advance moves time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.#mono + ms;
    for (;;) {
      const next = this.#timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#mono = Math.max(this.#mono, next.due);
      next.fn();
    }
    this.#mono = target;
  }

  /** advanceToNext jumps to the earliest timer and runs it (and any due with it); false when none waits. */
  advanceToNext(): boolean {
    const due = this.nextDue;
    if (due === undefined) return false;
    this.advance(Math.max(0, due - this.#mono));
    return true;
  }
}

/** io lets real socket I/O run for a few ms of real time. */
export const io = (ms = 3) => new Promise((resolve) => setTimeout(resolve, ms));
