import { ErrorCode, SidecarError } from './errors.js';

/** DeadlineError is how a missed deadline reads in logs and in the abort signal's reason. */
export class DeadlineError extends SidecarError {
  constructor(timeoutMs: number) {
    super(ErrorCode.COLLECT_TIMEOUT, `did not answer within ${timeoutMs} ms`, false);
    this.name = 'DeadlineError';
  }
}

/**
 * withDeadline runs `work` with an AbortSignal that fires after `timeoutMs` (or when `parent` aborts, with its
 * reason), and settles by then whether or not the work honours the signal. With `graceMs`, work that answers the
 * abort (with what it has so far) is waited for that much longer. One timer and one controller per call: cheaper
 * than AbortSignal.timeout, which also keeps a weak reference and a finalizer per signal. Node's timers run on
 * the monotonic clock, so a stepped wall clock moves no deadline.
 */
export function withDeadline<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  timeoutMs: number,
  graceMs = 0,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const giveUp = (reason: unknown) => {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      if (graceMs > 0) timer = setTimeout(() => reject(reason), graceMs);
      else reject(reason);
    };
    let timer = setTimeout(() => giveUp(new DeadlineError(timeoutMs)), timeoutMs);
    const onParentAbort = () => {
      clearTimeout(timer);
      giveUp(parent!.reason);
    };
    parent?.addEventListener('abort', onParentAbort, { once: true });
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
      fn();
    };
    if (parent?.aborted) return onParentAbort();
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
