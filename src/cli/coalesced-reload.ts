/** RELOAD_MIN_GAP_MS is the least time between the starts of two reloads. */
export const RELOAD_MIN_GAP_MS = 1000;

/**
 * CoalescedReload runs reloads one at a time and folds the requests that arrive meanwhile into one more: a
 * request while a reload runs, or within RELOAD_MIN_GAP_MS of the last one's start, only marks one as pending,
 * run when both have passed. So a burst (50 SIGHUPs in a second, an editor's several writes) costs at most two
 * reloads, and the last one always reads the file as it was after the burst.
 */
export class CoalescedReload {
  private pending = false;
  private running = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly reload: () => Promise<void>,
    private readonly minGapMs = RELOAD_MIN_GAP_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** request asks for a reload: at once when none ran recently, else once after the current one. */
  request(): void {
    this.pending = true;
    this.drain();
  }

  /** close drops a pending reload and refuses new ones (the daemon is stopping). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private drain(): void {
    if (!this.pending || this.running || this.timer || this.closed) return;
    const wait = this.lastStart + this.minGapMs - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      return;
    }
    this.pending = false;
    this.running = true;
    this.lastStart = this.now();
    void this.reload()
      .catch(() => undefined) // the reload reports its own failures; a rejection must not stop later ones
      .finally(() => {
        this.running = false;
        this.drain();
      });
  }
}
