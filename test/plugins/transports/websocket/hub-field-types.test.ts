import { afterEach, describe, expect, it } from 'vitest';
import { Sidecar } from '../../../../src/core/sidecar.js';
import { startDevHub, type DevHub } from '../../../../src/hub/dev-hub.js';
import { BUILTIN_PLUGINS } from '../../../../src/plugins/builtin.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { testConfig } from '../../../helpers/test-config.js';
import { builtins, collector } from '../../../helpers/test-plugins.js';
import { TOKEN, waitFor } from './helpers.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('end to end: a collector returning a hub field of the wrong type', () => {
  it('costs only that field: the dev hub accepts every report, with cpu_percent null and the RAM figures present', async () => {
    const printed: string[] = [];
    const hub: DevHub = await startDevHub({ port: 0, token: TOKEN, print: (line) => printed.push(line) });
    cleanups.push(() => hub.close());
    // A third-party CPU collector that returns the percentage as a string: the hub would reject the whole report.
    const stringly = collector('stringly-cpu', ['cpu_percent'], () => ({ cpu_percent: '12.5' as never }));
    const log = memoryLogger();
    const sidecar = await Sidecar.create({
      config: testConfig({
        agent: { id: 'e2e-types', initial_delay_ms: 0, interval_ms: 100 },
        collectors: [{ plugin: 'stringly-cpu' }, { plugin: 'memory' }],
        transports: [{ plugin: 'websocket', options: { url: hub.url, token: TOKEN, reconnect_initial_ms: 50, reconnect_max_ms: 200, reconnect_spread_ms: 50 } }],
      }),
      logger: log.logger,
      builtins: builtins(stringly, BUILTIN_PLUGINS.get('memory')!, BUILTIN_PLUGINS.get('websocket')!),
    });
    cleanups.push(() => sidecar.stop(1000));
    sidecar.start();

    const reports = () => hub.received.filter((r) => r.type === 'resource_report');
    await waitFor(() => reports().length >= 3, 5000, 'three reports at the dev hub');

    // Every frame the hub saw (identify, reports, pings) passed its strict validation: no validation_failed.
    expect(hub.received.length).toBeGreaterThanOrEqual(4);
    expect(hub.received.filter((r) => !r.accepted)).toEqual([]);
    expect(printed.length).toBeGreaterThanOrEqual(3);
    for (const { frame } of reports()) {
      expect(frame.cpu_percent).toBeNull();
      expect(Number.isSafeInteger(frame.ram_total_bytes) && (frame.ram_total_bytes as number) > 0).toBe(true);
      expect(Number.isSafeInteger(frame.ram_used_bytes)).toBe(true);
    }
    // The sidecar heard no rejection, and warned about the field once, naming the collector, field and types.
    const records = log.records();
    expect(records.filter((r) => r.msg === 'Hub rejected a frame')).toEqual([]);
    expect(records.filter((r) => r.level === 40)).toEqual([
      expect.objectContaining({ plugin: 'stringly-cpu', field: 'cpu_percent', expected: 'a number', got: 'a string' }),
    ]);
  });
});
