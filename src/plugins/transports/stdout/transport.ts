import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { describeError } from '../../../core/errors.js';
import type { Logger, ResourceReport, Transport } from '../../../plugin.js';

/**
 * createStdoutTransport builds a transport that writes each report as one JSON line to `stream`
 * (process.stdout by default). `send` never waits; `stop` waits, within its signal, for the stream to drain.
 *
 * A stream error (e.g. EPIPE when the reader went away) is not thrown: the stream counts as closed from then on,
 * one warning says so, and every later report is dropped and counted, without being serialised. The stream's own
 * state cannot tell: process.stdout is never destroyed, and is `writable` again after each failed write.
 */
export function createStdoutTransport(stream: Writable = process.stdout, logger?: Logger): Transport {
  let sent = 0;
  let dropped = 0;
  let closed = false;
  let lastError: string | null = null;
  const close = (reason: string) => {
    lastError = reason;
    if (closed) return;
    closed = true;
    logger?.warn({ reason }, `Cannot write to stdout (${reason}); later reports are dropped`);
  };
  const onError = (err: unknown) => close(describeError(err));
  // One callback for every write (no closure per report): a write that failed was not delivered after all.
  const afterWrite = (err?: Error | null) => {
    if (!err) return;
    sent--;
    dropped++;
    close(describeError(err));
  };
  stream.on('error', onError);
  return {
    send(report: ResourceReport) {
      if (!closed && (stream.destroyed || !stream.writable)) close(lastError ?? 'stream is closed');
      if (closed) {
        dropped++;
        return;
      }
      stream.write(`${JSON.stringify(report)}\n`, afterWrite);
      sent++;
    },
    async stop(signal: AbortSignal) {
      if (closed || !stream.writableNeedDrain || stream.destroyed) return;
      // once() rejects on 'error' or abort; either way there is nothing more to wait for.
      await once(stream, 'drain', { signal }).catch(() => undefined);
    },
    status() {
      return { sent, dropped, closed, last_error: lastError };
    },
    dispose() {
      stream.off('error', onError);
    },
  };
}
