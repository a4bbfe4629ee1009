import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { stdoutTransport } from '../../../../src/plugins/transports/stdout/index.js';
import { createStdoutTransport } from '../../../../src/plugins/transports/stdout/transport.js';
import type { ResourceReport } from '../../../../src/plugin.js';

const report = (n: number): ResourceReport => ({
  type: 'resource_report',
  agent_id: 'host-1',
  timestamp: 1_700_000_000_000 + n,
  cpu_percent: 12.5,
  vram_total_bytes: null,
  gpus: [{ name: 'line\nbreak' }],
});

/** slowSink accepts writes but completes each one only when `release()` is called. */
function slowSink() {
  const pending: (() => void)[] = [];
  const stream = new Writable({ highWaterMark: 8, write: (_chunk, _enc, done) => void pending.push(done) });
  const release = () => {
    while (pending.length) pending.shift()!();
  };
  return { stream, release };
}

describe('stdout transport', () => {
  it('writes one JSON line per report', async () => {
    const stream = new PassThrough();
    const transport = createStdoutTransport(stream);
    await transport.send(report(1));
    await transport.send(report(2));
    const lines = String(stream.read()).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([report(1), report(2)]);
    expect(transport.status!()).toEqual({ sent: 2, last_error: null });
  });

  it('send does not wait for a slow stream; stop waits for it to drain', async () => {
    const { stream, release } = slowSink();
    const transport = createStdoutTransport(stream);
    transport.send(report(1));
    transport.send(report(2));
    expect(stream.writableNeedDrain).toBe(true);
    let stopped = false;
    const stopping = Promise.resolve(transport.stop!(new AbortController().signal)).then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    setImmediate(release);
    await stopping;
    expect(stream.writableNeedDrain).toBe(false);
  });

  it('stop gives up waiting when its signal aborts', async () => {
    const { stream } = slowSink();
    const transport = createStdoutTransport(stream);
    transport.send(report(1));
    const started = performance.now();
    await transport.stop!(AbortSignal.timeout(50));
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('records stream errors instead of crashing, and drops reports once the stream is closed', async () => {
    const stream = new PassThrough();
    const transport = createStdoutTransport(stream);
    stream.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => transport.send(report(1))).not.toThrow();
    expect(transport.status!()).toEqual({ sent: 0, last_error: 'write EPIPE' });
    await transport.stop!(new AbortController().signal);
    await transport.dispose!();
    expect(stream.listenerCount('error')).toBe(0);
  });
});

describe('stdout manifest', () => {
  it('is a transport named stdout that accepts no options', () => {
    expect(stdoutTransport).toMatchObject({ kind: 'transport', apiVersion: 1, name: 'stdout' });
    const validate = stdoutTransport.options!['~standard'].validate;
    expect(validate({})).toEqual({ value: {} });
    expect(validate({ pretty: true })).toMatchObject({ issues: [{ code: 'unrecognized_keys' }] });
  });
});
