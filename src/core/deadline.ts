import { ErrorCode, SidecarError } from './errors.js';

/** DeadlineError is how a missed deadline reads in logs and in the abort signal's reason. */
export class DeadlineError extends SidecarError {
  constructor(timeoutMs: number) {
    super(ErrorCode.COLLECT_TIMEOUT, `did not answer within ${timeoutMs} ms`, false);
    this.name = 'DeadlineError';
  }
}

/**
 * withDeadline runs `work` with an AbortSignal that fires after `timeoutMs`, and settles by then whether or
 * not the work honours the signal. With `graceMs`, work that answers the abort (with what it has so far) is
 * waited for that much longer. One timer and one controller per call: cheaper than AbortSignal.timeout,
 * which also keeps a weak reference and a finalizer per signal.
 */
export function withDeadline<T>(work: (signal: AbortSignal) => T | Promise<T>, timeoutMs: number, graceMs = 0): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const giveUp = (reason: DeadlineError) => {
      timer = setTimeout(() => reject(reason), graceMs);
    };
    let timer = setTimeout(() => {
      const reason = new DeadlineError(timeoutMs);
      controller.abort(reason);
      if (graceMs > 0) giveUp(reason);
      else reject(reason);
    }, timeoutMs);
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      fn();
    };
    try {
      Promise.resolve(work(controller.signal)).then(
        (value) => settle(() => resolve(value)),
        (err: unknown) => settle(() => reject(err)),
      );
    } catch (err) {
      settle(() => reject(err));
    }
  });
}
