import { afterEach, describe, expect, it } from 'vitest';
import { Sidecar } from '../../../../src/core/sidecar.js';
import { prometheusTransport } from '../../../../src/plugins/transports/prometheus/index.js';
import { memoryLogger } from '../../../helpers/memory-logger.js';
import { testConfig } from '../../../helpers/test-config.js';
import { builtins, collector } from '../../../helpers/test-plugins.js';
import { parseExposition, type Exposition } from './exposition.js';

const running: Sidecar[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop(0)));
});

/** scrapeUntil scrapes every 50 ms until `ready` accepts the page (or 5 s pass). */
async function scrapeUntil(url: string, ready: (page: Exposition) => boolean): Promise<Exposition> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const page = parseExposition(await (await fetch(url)).text());
    if (ready(page) || Date.now() > deadline) return page;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('prometheus transport in the real runtime', () => {
  it('serves the collectors’ fields and their health from a scheduled sidecar', async () => {
    let calls = 0;
    const gauge = collector('gauge', ['widget_level'], () => ({ widget_level: 10 + ++calls }));
    const broken = collector('broken', ['broken_value'], () => {
      throw new Error('sensor missing');
    });
    const sidecar = await Sidecar.create({
      config: testConfig({
        agent: { id: 'box-7', initial_delay_ms: 0, interval_ms: 100 },
        collectors: [{ plugin: 'gauge' }, { plugin: 'broken' }],
        transports: [{ plugin: 'prometheus', options: { port: 0 } }],
      }),
      logger: memoryLogger().logger,
      builtins: builtins(gauge, broken, prometheusTransport),
    });
    running.push(sidecar);
    const own = sidecar.status().transports.find((t) => t.instanceId === 'prometheus')?.status;
    expect(own).toMatchObject({ listening: true });
    const url = `http://127.0.0.1:${String(own?.port)}/metrics`;
    sidecar.start();

    const page = await scrapeUntil(url, (p) => (p.value('sidecar_reports_total') ?? 0) >= 2);
    expect(page.value('sidecar_reports_total')).toBeGreaterThanOrEqual(2);
    expect(page.value('sidecar_widget_level', { agent_id: 'box-7' })).toBeGreaterThan(10);
    expect(page.samples('sidecar_broken_value')).toEqual([]);
    expect(page.value('sidecar_collector_success', { collector: 'gauge' })).toBe(1);
    expect(page.value('sidecar_collector_success', { collector: 'broken' })).toBe(0);
    expect(page.value('sidecar_collector_failures_total', { collector: 'broken' })).toBeGreaterThanOrEqual(2);
    expect(page.value('sidecar_collector_duration_seconds', { collector: 'gauge' })).toBeGreaterThanOrEqual(0);
    expect(page.value('sidecar_transport_listening', { transport: 'prometheus' })).toBe(1);
    expect(page.value('sidecar_transport_scrapes', { transport: 'prometheus' })).toBeGreaterThanOrEqual(0);

    await sidecar.stop(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
