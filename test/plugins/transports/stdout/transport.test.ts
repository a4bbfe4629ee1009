import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../prometheus/exposition.js';
import { cliEnv, finished, startCli } from '../../../helpers/cli.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { stdoutTransport } from '../../../../src/plugins/transports/stdout/index.js';
import { createStdoutTransport } from '../../../../src/plugins/transports/stdout/transport.js';
import type { ResourceReport } from '../../../../src/plugin.js';
import { tempDir } from '../../../helpers/temp-dir.js';

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
    expect(transport.status!()).toEqual({ sent: 2, dropped: 0, closed: false, last_error: null });
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
    expect(transport.status!()).toEqual({ sent: 0, dropped: 1, closed: true, last_error: 'write EPIPE' });
    await transport.stop!(new AbortController().signal);
    await transport.dispose!();
    expect(stream.listenerCount('error')).toBe(0);
  });
});

/** brokenPipe is a stream whose reader has gone: every write fails with EPIPE, as a pipe's does after `head` exits. */
function brokenPipe(acceptFirst = 0, failLater = false) {
  let accepted = 0;
  const writes: string[] = [];
  const stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      if (accepted++ < acceptFirst) return void (writes.push(String(chunk)), done());
      const fail = () => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      if (failLater) setImmediate(fail);
      else fail();
    },
  });
  return { stream, writes };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('stdout transport after the reader went away (EPIPE)', () => {
  it('counts the failed report and every later one as dropped, not sent, with one warning', async () => {
    const log = memoryLogger();
    const { stream, writes } = brokenPipe(1);
    const transport = createStdoutTransport(stream, log.logger);
    transport.send(report(1));
    await tick();
    expect(transport.status!()).toEqual({ sent: 1, dropped: 0, closed: false, last_error: null });
    transport.send(report(2)); // the write that meets EPIPE
    await tick();
    for (let n = 3; n <= 30; n++) transport.send(report(n));
    await tick();
    expect(writes).toHaveLength(1);
    expect(transport.status!()).toEqual({ sent: 1, dropped: 29, closed: true, last_error: 'write EPIPE' });
    const warnings = log.records().filter((r) => r.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ reason: 'write EPIPE', msg: 'Cannot write to stdout (write EPIPE); later reports are dropped' });
  });

  it('moves reports still queued when the pipe broke from sent to dropped', async () => {
    const { stream } = brokenPipe(0, true);
    const transport = createStdoutTransport(stream);
    for (let n = 1; n <= 5; n++) transport.send(report(n)); // queued behind the first, failing write
    expect(transport.status!()).toMatchObject({ sent: 5, dropped: 0 });
    await tick();
    expect(transport.status!()).toMatchObject({ sent: 0, dropped: 5, closed: true });
  });

  it('keeps it cheap once closed: a later report is not even serialised', async () => {
    const { stream } = brokenPipe(0);
    const transport = createStdoutTransport(stream);
    transport.send(report(1));
    await tick();
    let serialised = 0;
    transport.send({ ...report(2), toJSON: () => ((serialised += 1), {}) } as unknown as ResourceReport);
    expect(serialised).toBe(0);
    expect(transport.status!()).toMatchObject({ sent: 0, dropped: 2 });
    await transport.stop!(AbortSignal.timeout(1000));
  });

  it('`sidecar run | head -c 10`: the real process.stdout, seen through the metrics page', async () => {
    const dir = tempDir('sidecar-epipe-');
    const config = path.join(dir, 'plugins.json');
    await writeFile(config, JSON.stringify({
      agent: { id: 'pipe', initial_delay_ms: 0, interval_ms: 100 },
      collectors: [{ plugin: 'memory' }],
      transports: [{ plugin: 'stdout' }, { plugin: 'prometheus', options: { port: 0 } }],
    }));
    const daemon = startCli(['run', '--config', config], { env: cliEnv({ LOG_LEVEL: 'info' }) });
    const done = finished(daemon);
    let stderr = '';
    daemon.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    // Read the first report, then go away like `head -c 10`: the daemon's next writes meet EPIPE.
    await new Promise<void>((resolve) => daemon.stdout!.once('data', () => resolve()));
    daemon.stdout!.destroy();
    const url = async () => {
      for (;;) {
        const line = stderr.split('\n').find((l) => l.includes('Serving metrics'));
        if (line) return (JSON.parse(line) as { url: string }).url;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const metrics = await url();
    const stdout = { transport: 'stdout' };
    let page = parseExposition(await (await fetch(metrics)).text());
    for (const deadline = Date.now() + 8000; (page.value('sidecar_transport_dropped', stdout) ?? 0) < 5 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      page = parseExposition(await (await fetch(metrics)).text());
    }
    const reports = page.value('sidecar_reports_total')!;
    const sent = page.value('sidecar_transport_sent', stdout)!;
    const dropped = page.value('sidecar_transport_dropped', stdout)!;
    expect(dropped).toBeGreaterThanOrEqual(5);
    expect(page.value('sidecar_transport_closed', stdout)).toBe(1);
    // Every report is one or the other; only those written before the reader left count as sent.
    expect(sent + dropped).toBeGreaterThanOrEqual(reports - 1);
    expect(sent).toBeLessThanOrEqual(3);
    daemon.kill('SIGTERM');
    const end = await done;
    expect(end.code).toBe(0);
    expect(stderr.split('\n').filter((l) => l.includes('Cannot write to stdout'))).toHaveLength(1);
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
