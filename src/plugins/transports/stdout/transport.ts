import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ResourceReport, Transport } from '../../../plugin.js';

/** describe gives a one-line reason for a stream error. */
function describe(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] || err.name) : String(err);
}

/**
 * createStdoutTransport builds a transport that writes each report as one JSON line to `stream`
 * (process.stdout by default). `send` never waits; `stop` waits, within its signal, for the stream to drain.
 * Stream errors (e.g. EPIPE when the reader went away) are counted in `status`, not thrown.
 */
export function createStdoutTransport(stream: Writable = process.stdout): Transport {
  let sent = 0;
  let lastError: string | null = null;
  const onError = (err: unknown) => {
    lastError = describe(err);
  };
  stream.on('error', onError);
  return {
    send(report: ResourceReport) {
      if (stream.destroyed || !stream.writable) {
        lastError ??= 'stream is closed';
        return;
      }
      stream.write(`${JSON.stringify(report)}\n`);
      sent++;
    },
    async stop(signal: AbortSignal) {
      if (!stream.writableNeedDrain || stream.destroyed) return;
      // once() rejects on 'error' or abort; either way there is nothing more to wait for.
      await once(stream, 'drain', { signal }).catch(() => undefined);
    },
    status() {
      return { sent, last_error: lastError };
    },
    dispose() {
      stream.off('error', onError);
    },
  };
}
