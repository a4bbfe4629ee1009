import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, closedPort, serve } from '../../../helpers/http-server.js';
import { disposeAll, makeExporter, report, until } from './helpers.js';
import { attributes, decodeBody, metricsOf, pointsOf, startReceiver, valueOf } from './receiver.js';

afterEach(async () => {
  await disposeAll();
  await closeAll();
});

const sample = { cpu_percent: 25, ram_used_bytes: 1000, ram_total_bytes: 4000 };

describe('otlp transport over HTTP', () => {
  it('exports a report as gzipped protobuf that an independent decoder reads, with the resource and scope', async () => {
    const receiver = await startReceiver();
    const { transport } = await makeExporter({ endpoint: receiver.url });
    transport.send(report(sample, 1_700_000_001_250));
    await until(() => receiver.received.length === 1, 5000, 'one export');
    const [{ headers, body }] = receiver.received as [(typeof receiver.received)[0]];
    expect(headers['content-type']).toBe('application/x-protobuf');
    expect(headers['content-encoding']).toBe('gzip');
    const [resourceMetrics] = body.resourceMetrics;
    expect(attributes(resourceMetrics!.resource.attributes)).toMatchObject({
      'host.name': os.hostname(),
      'service.name': 'llm-sidecar',
      'service.version': '9.9.9',
      'service.instance.id': 'gpu-box-1',
      'sidecar.agent.id': 'gpu-box-1',
    });
    expect(resourceMetrics!.scopeMetrics[0]!.scope).toMatchObject({ name: 'llm-sidecar', version: '9.9.9' });
    const metrics = metricsOf(body);
    const cpu = pointsOf(metrics.get('system.cpu.utilization'));
    expect(cpu.map(valueOf)).toEqual([0.25]);
    expect(cpu[0]!.timeUnixNano).toBe('1700000001250000000');
    expect(pointsOf(metrics.get('system.memory.usage')).map(valueOf)).toEqual([1000]);
    expect(metrics.get('system.memory.usage')!.sum!.isMonotonic).toBeFalsy();
    await until(() => transport.status().sent === 1);
    expect(transport.status()).toMatchObject({ queued: 0, dropped: 0 });
  });

  it('encoding "json" and compression "none" send OTLP JSON as the specification writes it', async () => {
    const receiver = await startReceiver();
    const { transport } = await makeExporter({ endpoint: receiver.url, encoding: 'json', compression: 'none' });
    transport.send(report(sample));
    await until(() => receiver.received.length === 1);
    expect(receiver.received[0]!.headers['content-type']).toBe('application/json');
    expect(receiver.received[0]!.headers['content-encoding']).toBeUndefined();
    expect(pointsOf(metricsOf(receiver.received[0]!.body).get('system.memory.limit')).map(valueOf)).toEqual([4000]);
  });

  it('sends the configured headers, and never logs their values', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 503 });
    const { transport, log } = await makeExporter({
      endpoint: receiver.url,
      headers: { Authorization: 'Bearer s3cr3t-otlp-value', 'X-Scope-OrgID': 'tenant-7' },
      retry_initial_ms: 1,
      retry_max_ms: 1,
    });
    transport.send(report(sample));
    await until(() => receiver.received.length === 2, 5000, 'a retry');
    expect(receiver.received[1]!.headers.authorization).toBe('Bearer s3cr3t-otlp-value');
    expect(receiver.received[1]!.headers['x-scope-orgid']).toBe('tenant-7');
    expect(log.lines.join('\n')).not.toContain('s3cr3t');
    expect(log.lines.join('\n')).toContain('HTTP 503');
  });

  it('retries 429/502/503/504 and honours Retry-After in seconds', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 429, headers: { 'retry-after': '1' } }, { status: 502 }, { status: 504 });
    const { transport } = await makeExporter({ endpoint: receiver.url, retry_initial_ms: 1, retry_max_ms: 2 });
    transport.send(report(sample));
    await until(() => receiver.received.length === 4, 8000, 'three retries');
    const gap = receiver.received[1]!.at - receiver.received[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(950);
    await until(() => transport.status().sent === 1);
    expect(transport.status()).toMatchObject({ sent: 1, failed_requests: 3, dropped: 0 });
  });

  it('a 400 drops the batch with a count and no retry; the next report goes out', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 400, body: 'bad data' });
    const { transport, log } = await makeExporter({ endpoint: receiver.url, retry_initial_ms: 1, retry_max_ms: 1 });
    transport.send(report(sample, 1_000));
    await until(() => transport.status().dropped === 1);
    transport.send(report(sample, 2_000));
    await until(() => transport.status().sent === 1);
    expect(receiver.received).toHaveLength(2);
    expect(log.records().find((r) => r.level === 50)).toMatchObject({ reason: 'HTTP 400: bad data', reports: 1 });
  });

  it('a 200 with partial success is counted and warned about', async () => {
    const receiver = await startReceiver();
    receiver.answers.push({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partialSuccess: { rejectedDataPoints: 2, errorMessage: 'too old' } }) });
    const { transport, log } = await makeExporter({ endpoint: receiver.url, encoding: 'json' });
    transport.send(report(sample));
    await until(() => transport.status().sent === 1);
    expect(transport.status().rejected_data_points).toBe(2);
    expect(log.records().some((r) => r.msg === 'OTLP receiver rejected some data points' && r.reason === 'too old')).toBe(true);
  });

  it('replay "all": reports queued while the receiver is away go out in order, each at its own time', async () => {
    const down = await closedPort();
    const { transport } = await makeExporter({ endpoint: `${down}/v1/metrics`, retry_initial_ms: 20, retry_max_ms: 20 });
    for (let i = 1; i <= 5; i++) transport.send(report({ cpu_percent: i * 10 }, i * 1000));
    await until(() => Number(transport.status().failed_requests) >= 2);
    // The receiver comes back on the same port.
    const port = Number(new URL(down).port);
    const received: number[][] = [];
    await new Promise<void>((resolve, reject) => {
      serve((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = decodeBody(Buffer.concat(chunks), req.headers);
          received.push(pointsOf(metricsOf(body).get('system.cpu.utilization')).map((p) => Number(BigInt(p.timeUnixNano) / 1_000_000n)));
          res.end();
        });
      }, port).then(() => resolve(), reject);
    });
    await until(() => transport.status().sent === 5, 5000, 'the backlog');
    expect(received.flat()).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(transport.status()).toMatchObject({ queued: 0, superseded: 0, dropped: 0 });
  });

  it('replay "latest": only the newest waiting report is exported after an outage; the others are superseded', async () => {
    const down = await closedPort();
    const { transport } = await makeExporter({ endpoint: `${down}/v1/metrics`, replay: 'latest', retry_initial_ms: 60_000, retry_max_ms: 60_000 });
    for (let i = 1; i <= 4; i++) transport.send(report({ cpu_percent: i * 10 }, i * 1000));
    await until(() => Number(transport.status().failed_requests) >= 1);
    expect(transport.status()).toMatchObject({ queued: 1, superseded: 3 });
  });

  it('a queued report older than max_report_age_ms is dropped as expired, not exported', async () => {
    let clock = 0;
    const down = await closedPort();
    const { transport } = await makeExporter(
      { endpoint: `${down}/v1/metrics`, max_report_age_ms: 60_000, retry_initial_ms: 20, retry_max_ms: 20 },
      { monotonic: () => clock },
    );
    transport.send(report(sample, 1000));
    await until(() => Number(transport.status().failed_requests) >= 1);
    clock = 61_000;
    await until(() => transport.status().expired === 1, 5000, 'expiry');
    expect(transport.status().queued).toBe(0);
  });

  it('stop tries once more at once, and warns with the count of what is left', async () => {
    const down = await closedPort();
    const { transport, log } = await makeExporter({ endpoint: `${down}/v1/metrics`, retry_initial_ms: 60_000, retry_max_ms: 60_000 });
    transport.send(report(sample, 1000));
    transport.send(report(sample, 2000));
    await until(() => Number(transport.status().failed_requests) >= 1);
    const before = performance.now();
    await transport.stop(AbortSignal.timeout(2000));
    expect(performance.now() - before).toBeLessThan(2000);
    expect(transport.status().failed_requests).toBe(2);
    expect(log.records().find((r) => r.msg === 'Stopped with 2 report(s) not exported')).toMatchObject({ undelivered: 2 });
  });
});
