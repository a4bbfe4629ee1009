import { describe, expect, it } from 'vitest';
import { prometheusTransport } from '../../../../src/plugins/transports/prometheus/index.js';
import { parseOptions } from './helpers.js';

async function problems(raw: unknown): Promise<string[]> {
  const result = await prometheusTransport.options!['~standard'].validate(raw);
  return (result.issues ?? []).map((i) => `${(i.path ?? []).map((p) => (typeof p === 'object' ? String(p.key) : String(p))).join('.')}: ${i.message}`);
}

describe('prometheus transport options', () => {
  it('defaults to loopback on 9477 at /metrics with the sidecar_ prefix and no process metrics', async () => {
    expect(await parseOptions({})).toEqual({ host: '127.0.0.1', port: 9477, path: '/metrics', prefix: 'sidecar_', process_metrics: false });
    expect(prometheusTransport).toMatchObject({ apiVersion: 1, kind: 'transport', name: 'prometheus' });
  });

  it('accepts an empty prefix, port 0 and any address', async () => {
    expect(await parseOptions({ prefix: '', port: 0, host: '::' })).toMatchObject({ prefix: '', port: 0, host: '::' });
  });

  it('reports every bad option at once, by name', async () => {
    const found = await problems({ port: 70000, path: 'metrics', prefix: '9lives', process_metrics: 'yes', colour: 'red' });
    const keys = found.map((p) => p.split(':')[0]).sort();
    expect(keys).toEqual(['', 'path', 'port', 'prefix', 'process_metrics']);
    expect(found.find((p) => p.startsWith(':'))).toContain('colour');
  });

  it('refuses a path with a query and a prefix with a dash', async () => {
    expect(await problems({ path: '/metrics?x=1' })).toHaveLength(1);
    expect(await problems({ prefix: 'my-app_' })).toHaveLength(1);
  });
});
