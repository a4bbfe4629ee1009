import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, finished, runCli, startCli } from '../../../helpers/cli.js';
import { closeAll } from '../../../helpers/http-server.js';
import { until } from './helpers.js';
import { attributes, metricsOf, pointsOf, startReceiver, valueOf } from './receiver.js';

const dirs: string[] = [];
afterEach(async () => {
  await closeAll();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function configFile(doc: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-otlp-'));
  dirs.push(dir);
  const file = path.join(dir, 'plugins.json');
  await writeFile(file, JSON.stringify(doc));
  return file;
}

describe('sidecar run with the otlp transport', () => {
  it('a running daemon exports decodable OTLP with the conventions\' names, and stops with exit 0', async () => {
    const receiver = await startReceiver();
    const file = await configFile({
      agent: { id: 'otlp-cli', initial_delay_ms: 0, interval_ms: 200 },
      collectors: [{ plugin: 'cpu' }, { plugin: 'memory' }],
      transports: [{ plugin: 'otlp', options: { endpoint: receiver.url, headers: { Authorization: 'Bearer ${OTLP_TEST_TOKEN}' } } }],
    });
    const child = startCli(['run', '--config', file, '--status-file', path.join(path.dirname(file), 'status.json')], { env: cliEnv({ OTLP_TEST_TOKEN: 'tok-otlp-cli-secret', LOG_LEVEL: 'debug' }) });
    const done = finished(child, 15_000);
    await until(() => receiver.received.length >= 2, 10_000, 'two exports');
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(code).toBe(0);
    expect(stderr).not.toContain('tok-otlp-cli-secret');
    const { version } = JSON.parse(await readFile(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { body, headers } = receiver.received[1]!;
    expect(headers.authorization).toBe('Bearer tok-otlp-cli-secret');
    expect(attributes(body.resourceMetrics[0]!.resource.attributes)).toMatchObject({ 'service.version': version, 'service.instance.id': 'otlp-cli' });
    const metrics = metricsOf(body);
    const cpu = pointsOf(metrics.get('system.cpu.utilization')).map(valueOf);
    expect(cpu).toHaveLength(1);
    expect(cpu[0]).toBeGreaterThanOrEqual(0);
    expect(cpu[0]).toBeLessThanOrEqual(1);
    expect(pointsOf(metrics.get('system.memory.limit')).map(valueOf)[0]).toBeGreaterThan(0);
  });

  it('validate names a bad endpoint by its JSON path, in one line, with exit 2', async () => {
    const file = await configFile({ collectors: [{ plugin: 'memory' }], transports: [{ plugin: 'otlp', options: { endpoint: 'collector:4318', encoding: 'grpc' } }] });
    const { code, stderr } = await runCli(['validate', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('transports[0].options.endpoint');
    expect(stderr).toContain('must be an http:// or https:// URL');
    expect(stderr).toContain('must be one of "protobuf", "json", got "grpc"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
